-- 012 content key: core.standard_source keeps a 64-bit key of each record's business fields
-- (DuckDB's hash() of the fields content_hash hashes), so that a re-merge tells an unchanged
-- record by one integer comparison and computes no sha256 for it. content_hash (sha256,
-- independent of the DuckDB version) stays the record's durable fingerprint: a record whose key
-- differs is compared on it (sql/load.sql classify_standards), so a key computed by another DuckDB
-- version costs time, never a false change.
-- lead_org and lead_org_key go: they were drafters[1] and drafter_keys[1] of the same row, written
-- twice; the canonical row in core.standard keeps its own (sql/load.sql computes them).
-- The table is rebuilt with its rows copied and their keys computed from the stored fields (an
-- added NOT NULL column cannot be filled in the transaction that adds it); views bind by name.

CREATE TABLE core.standard_source_keyed (
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
    content_hash     VARCHAR NOT NULL,     -- sha256 of the business fields only, never of provenance
    content_key      UBIGINT NOT NULL,     -- hash() of the same fields: the re-merge's comparison
    first_seen_run   VARCHAR,
    last_changed_run VARCHAR,
    last_seen_run    VARCHAR,
    last_seen_at     TIMESTAMPTZ
);
INSERT INTO core.standard_source_keyed BY NAME
SELECT
    * EXCLUDE (lead_org, lead_org_key),
    hash(std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision,
         drafters, drafters_known, committee_code, committee_name, source_id, spam) AS content_key
FROM core.standard_source;
DROP TABLE core.standard_source;
ALTER TABLE core.standard_source_keyed RENAME TO standard_source;
