-- 013 derived canonical standards: a standard only one source lists is that source's record, so
-- core.standard stops storing it a second time. core.standard_resolved keeps the canonical rows
-- the merge ranks (standards more than one source lists); core.standard and core.standard_drafter
-- become views (sql/marts.sql): the source's own row where it is the only one, the resolved row
-- where there are several, and the drafters unnested from them. At 1 M new standards, writing the
-- canonical copy and its drafters was two fifths of a first merge (docs/benchmarks.md).
-- core.standard_source gains `canonical`: the row is its standard's canonical row (the only source
-- that lists it), so the view reads a flag instead of anti-joining every row with the ranked ones.
-- content_hash goes from core.standard_source: the 64-bit content_key alone tells a changed record,
-- and a DuckDB whose hash() differs re-keys every row once (WriteSession, rekey_standard_sources),
-- rather than every new record paying a sha256 to guard against it. No key version is recorded
-- here: the first merge after this migration re-keys under the DuckDB that runs it.
-- core.standard_source is rebuilt with its rows copied (as in 012: views bind by name).

CREATE TABLE core.standard_resolved (
    std_no           VARCHAR NOT NULL,
    std_type         VARCHAR,
    prefix           VARCHAR,
    year             INTEGER,
    name             VARCHAR,
    status           VARCHAR,
    issue_date       DATE,
    act_date         DATE,
    abolish_date     DATE,
    replaces         VARCHAR[],
    is_revision      BOOLEAN,
    lead_org         VARCHAR,
    lead_org_key     VARCHAR,
    drafters         VARCHAR[],
    drafter_keys     VARCHAR[],
    drafters_known   BOOLEAN,
    drafters_source  VARCHAR,
    committee_code   VARCHAR,
    committee_name   VARCHAR,
    source           VARCHAR NOT NULL,
    source_id        VARCHAR,
    url              VARCHAR,
    response_id      VARCHAR,
    fetched_at       TIMESTAMPTZ,
    sha256           VARCHAR,
    spam             BOOLEAN,
    sources          VARCHAR[],            -- every source that lists it, winner first
    first_seen_run   VARCHAR,
    last_changed_run VARCHAR
);

-- The canonical rows of standards listed by more than one source, their drafter keys from the
-- source the drafters came from.
INSERT INTO core.standard_resolved BY NAME
SELECT s.* EXCLUDE (content_hash), drafting.drafter_keys
FROM core.standard AS s
LEFT JOIN core.standard_source AS drafting ON drafting.std_no = s.std_no AND drafting.source = s.drafters_source
WHERE s.std_no IN (SELECT std_no FROM core.standard_source GROUP BY std_no HAVING count(*) > 1);

DROP TABLE core.standard;
DROP TABLE core.standard_drafter;

CREATE TABLE core.standard_source_canonical (
    std_no           VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,
    source_id        VARCHAR,
    std_no_raw       VARCHAR,
    std_type         VARCHAR,
    prefix           VARCHAR,
    year             INTEGER,
    name             VARCHAR,
    status           VARCHAR,
    issue_date       DATE,
    act_date         DATE,
    abolish_date     DATE,
    replaces         VARCHAR[],
    is_revision      BOOLEAN,
    drafters         VARCHAR[],
    drafter_keys     VARCHAR[],
    drafters_known   BOOLEAN,
    committee_code   VARCHAR,
    committee_name   VARCHAR,
    detail_url       VARCHAR,
    input_time       TIMESTAMPTZ,
    spam             BOOLEAN,
    url              VARCHAR,
    response_id      VARCHAR,
    fetched_at       TIMESTAMPTZ,
    sha256           VARCHAR,
    content_key      UBIGINT NOT NULL,     -- hash() of the business fields: the re-merge's comparison
    canonical        BOOLEAN NOT NULL,     -- the only source that lists the standard: core.standard is this row
    first_seen_run   VARCHAR,
    last_changed_run VARCHAR,
    last_seen_run    VARCHAR,
    last_seen_at     TIMESTAMPTZ
);
INSERT INTO core.standard_source_canonical BY NAME
SELECT * EXCLUDE (content_hash), count(*) OVER (PARTITION BY std_no) = 1 AS canonical
FROM core.standard_source;
DROP TABLE core.standard_source;
ALTER TABLE core.standard_source_canonical RENAME TO standard_source;
