-- 010 standards without primary keys: the merge (warehouse/sql/load.sql) keeps (std_no, source),
-- std_no and (std_no, position) unique by construction, set at a time, and the publish gate tests
-- one row per standard number (data_tests.sql standard_number_unique). Their ART indexes only cost:
-- at 1 M standards, maintaining them was a third of a first merge's CPU. Each table is rebuilt
-- with the same columns in the same order, its rows copied; the views bind to it by name.
-- stg.standard goes: the merge decides from the Arrow batch itself and stages nothing.

CREATE TABLE core.standard_source_unkeyed (
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
    lead_org         VARCHAR,
    lead_org_key     VARCHAR,
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
    content_hash     VARCHAR NOT NULL,     -- of the business fields only, never of provenance
    first_seen_run   VARCHAR,
    last_changed_run VARCHAR,
    last_seen_run    VARCHAR,
    last_seen_at     TIMESTAMPTZ
);
INSERT INTO core.standard_source_unkeyed SELECT * FROM core.standard_source;
DROP TABLE core.standard_source;
ALTER TABLE core.standard_source_unkeyed RENAME TO standard_source;

CREATE TABLE core.standard_unkeyed (
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
    last_changed_run VARCHAR,
    content_hash     VARCHAR NOT NULL
);
INSERT INTO core.standard_unkeyed SELECT * FROM core.standard;
DROP TABLE core.standard;
ALTER TABLE core.standard_unkeyed RENAME TO standard;

CREATE TABLE core.standard_drafter_unkeyed (
    std_no   VARCHAR NOT NULL,
    position INTEGER NOT NULL,             -- 1 = the lead (牵头) unit
    org_name VARCHAR NOT NULL,
    org_key  VARCHAR NOT NULL
);
INSERT INTO core.standard_drafter_unkeyed SELECT * FROM core.standard_drafter;
DROP TABLE core.standard_drafter;
ALTER TABLE core.standard_drafter_unkeyed RENAME TO standard_drafter;

DROP TABLE stg.standard;
