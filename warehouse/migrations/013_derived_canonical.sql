-- 013 derived canonical standards: a standard only one source lists is that source's record, so
-- core.standard stops storing it a second time. core.standard_resolved keeps the canonical rows
-- the merge ranks (standards more than one source lists); core.standard and core.standard_drafter
-- become views (sql/marts.sql): the source's own row where it is the only one, the resolved row
-- where there are several, and the drafters unnested from them. At 1 M new standards, writing the
-- canonical copy and its drafters was two fifths of a first merge (docs/benchmarks.md).
-- content_hash goes from core.standard_source: the 64-bit content_key alone tells a changed record,
-- and a DuckDB whose hash() differs re-keys every row once (WriteSession, rekey_standard_sources),
-- rather than every new record paying a sha256 to guard against it. No key version is recorded
-- here: the first merge after this migration re-keys under the DuckDB that runs it.

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
ALTER TABLE core.standard_source DROP COLUMN content_hash;
