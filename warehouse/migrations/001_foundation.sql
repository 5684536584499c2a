-- 001 foundation: schemas, run bookkeeping, the archive index, reference tables.

CREATE SCHEMA IF NOT EXISTS raw;   -- archive index: one row per archived response
CREATE SCHEMA IF NOT EXISTS stg;   -- working area of the current load (rewritten by every merge)
CREATE SCHEMA IF NOT EXISTS core;  -- standards, drafters, organisations, history, rejects
CREATE SCHEMA IF NOT EXISTS ref;   -- districts, settings, source priority
CREATE SCHEMA IF NOT EXISTS mart;  -- what analysts query (views, see warehouse/sql/marts.sql)

CREATE TABLE meta.run (
    run_id      VARCHAR PRIMARY KEY,
    flow        VARCHAR NOT NULL,          -- nightly | backfill | reprocess | demo | ...
    params      JSON,                      -- the flow's parameters
    settings    JSON,                      -- the full settings in force
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,          -- running, then whatever finish_run says (succeeded, failed, ...)
    message     VARCHAR
);

CREATE TABLE meta.run_source (
    run_id      VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    requests    BIGINT,
    pages       BIGINT,
    records     BIGINT,
    inserted    BIGINT,
    updated     BIGINT,
    unchanged   BIGINT,
    duplicates  BIGINT,
    rejected    BIGINT,
    blocked     BIGINT,
    spam_pages  BIGINT,
    faults      BIGINT,
    seconds     JSON,                      -- seconds per stage: {"fetch": 12.3, "parse": 1.2, "load": 0.4}
    extra       JSON,                      -- any other figure the flow reported
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, source)
);

CREATE TABLE meta.watermark (
    source     VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    value      VARCHAR,
    run_id     VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE raw.response (
    response_id  VARCHAR PRIMARY KEY,      -- sha256 of the WARC record id
    run_id       VARCHAR,
    source       VARCHAR NOT NULL,
    method       VARCHAR,
    url          VARCHAR NOT NULL,
    status       INTEGER,                  -- HTTP status
    content_type VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    sha256       VARCHAR,                  -- of the body as received
    size         BIGINT,
    warc_path    VARCHAR,
    warc_offset  BIGINT,
    warc_length  BIGINT,
    blocked      VARCHAR,                  -- reason (captcha, waf, http_521, rate_limited...) or NULL
    spam         BOOLEAN,                  -- NULL until parsed; TRUE when injected spam was found
    spam_terms   VARCHAR[]
);

CREATE TABLE ref.setting (
    key    VARCHAR PRIMARY KEY,            -- window_start, window_end, as_of, count_drafter, group_count_by, region
    value  VARCHAR,
    set_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE ref.district (
    district_code VARCHAR PRIMARY KEY,
    district_name VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,        -- district | county-level city | unknown
    aliases       VARCHAR[],
    region_code   VARCHAR NOT NULL
);

-- Which source's version of a standard wins in core.standard: samr first, then this order.
CREATE TABLE ref.source_priority (
    source   VARCHAR PRIMARY KEY,
    priority INTEGER NOT NULL
);
INSERT INTO ref.source_priority VALUES
    ('samr', 1), ('sacinfo', 2), ('ttbz', 3), ('qybz', 4), ('openstd', 5), ('inbox', 6);
