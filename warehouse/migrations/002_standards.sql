-- 002 standards: per-source records, the canonical standard, drafters, status history, rejects.

-- One staged batch: the records of one merge_standards call, deduplicated, with what the merge will do.
CREATE TABLE stg.standard (
    std_no          VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    source_id       VARCHAR,
    std_no_raw      VARCHAR,
    std_type        VARCHAR,
    prefix          VARCHAR,
    year            INTEGER,
    name            VARCHAR,
    status          VARCHAR,
    issue_date      DATE,
    act_date        DATE,
    abolish_date    DATE,
    replaces        VARCHAR[],
    is_revision     BOOLEAN,
    drafters        VARCHAR[],
    drafter_keys    VARCHAR[],
    drafters_known  BOOLEAN,
    committee_code  VARCHAR,
    committee_name  VARCHAR,
    detail_url      VARCHAR,
    input_time      TIMESTAMPTZ,
    spam            BOOLEAN,
    url             VARCHAR,
    response_id     VARCHAR,
    fetched_at      TIMESTAMPTZ,
    sha256          VARCHAR,
    content_hash    VARCHAR NOT NULL,
    batch_order     BIGINT,
    change          VARCHAR,               -- inserted | updated | unchanged | stale
    previous_status VARCHAR,               -- last status this source was seen with
    first_seen_run  VARCHAR
);

-- Each standard as each source saw it; (std_no, source) is the key.
CREATE TABLE core.standard_source (
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
    last_seen_at     TIMESTAMPTZ,
    PRIMARY KEY (std_no, source)
);

-- One row per canonical standard number: the winning source's record (samr first, then
-- ref.source_priority), with drafters from the best source that listed them.
CREATE TABLE core.standard (
    std_no           VARCHAR PRIMARY KEY,
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

CREATE TABLE core.standard_drafter (
    std_no   VARCHAR NOT NULL,
    position INTEGER NOT NULL,             -- 1 = the lead (牵头) unit
    org_name VARCHAR NOT NULL,
    org_key  VARCHAR NOT NULL,
    PRIMARY KEY (std_no, position)
);

-- Appended, never overwritten: one row each time a source shows a standard with a new status.
CREATE TABLE core.standard_status_history (
    std_no  VARCHAR NOT NULL,
    status  VARCHAR NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    run_id  VARCHAR,
    source  VARCHAR NOT NULL
);

CREATE TABLE core.reject (
    run_id      VARCHAR,
    source      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    detail      VARCHAR,
    url         VARCHAR,
    response_id VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL
);
