-- 007 events: entries of announced lists (notices) and of analysts' files (inbox), the inbox
-- files themselves with their rows and rejects, and notices whose list needs manual entry.
-- The counting rule (公示 → 公布 pairing, one count per entry) is the view mart.indicator_events
-- (warehouse/sql/events.sql); transform/events.py states the same rule in Python.

-- One row per entry as one notice (or one inbox row) listed it; never merged across notices:
-- the view decides which row of an entry counts.
CREATE TABLE core.event (
    event_id               VARCHAR PRIMARY KEY,  -- sha1 of source + origin
    indicator_id           VARCHAR NOT NULL,     -- catalogue kind (ref.measure)
    level                  VARCHAR,              -- 国家级 | 省级 | 市级 | NULL
    name                   VARCHAR NOT NULL,     -- the project / award / station / standard as listed
    org                    VARCHAR,              -- the organisation it counts for
    announced_on           DATE NOT NULL,        -- the notice's date (inbox: the row's date)
    stage                  VARCHAR NOT NULL,     -- decision | preliminary
    year                   INTEGER NOT NULL,     -- year of announced_on
    entry_key              VARCHAR NOT NULL,     -- identity of the entry across notices (transform.events.entry_key)
    source                 VARCHAR NOT NULL,     -- notices | inbox
    notice_title           VARCHAR,
    notice_url             VARCHAR,              -- the article (NULL for inbox rows)
    division               VARCHAR,              -- the list's 地区 cell / the row's 区县, as given
    origin                 VARCHAR NOT NULL,     -- "<attachment or article url>#<table>!<row>" | "<file>#<sheet>!<row>"
    file_name              VARCHAR,              -- inbox rows: the file (a corrected file replaces its rows)
    in_region              BOOLEAN,              -- attribution of org (NULL: cannot tell)
    district_code          VARCHAR,
    district_name          VARCHAR,
    attribution_method     VARCHAR,
    attribution_confidence DOUBLE,
    attribution_conflict   VARCHAR,
    needs_review           BOOLEAN,
    url                    VARCHAR,              -- provenance: the response the entry was read from
    response_id            VARCHAR,              -- raw.response (inbox: the file's sha256)
    fetched_at             TIMESTAMPTZ,
    sha256                 VARCHAR,
    spam                   BOOLEAN NOT NULL,
    first_seen_run         VARCHAR,
    last_seen_run          VARCHAR,
    loaded_at              TIMESTAMPTZ NOT NULL
);

-- Every good row of every inbox file, as entered.
CREATE TABLE core.manual_fact (
    kind          VARCHAR NOT NULL,              -- inbox kind (transform.parsers.inbox.INBOX_KINDS)
    indicator_id  VARCHAR,
    file_name     VARCHAR NOT NULL,
    sheet         VARCHAR NOT NULL,
    row_number    INTEGER NOT NULL,              -- spreadsheet row (the header is row 1)
    file_sha256   VARCHAR NOT NULL,
    fields        JSON NOT NULL,                 -- header → cell text
    district_name VARCHAR,                       -- rates: the district; NULL = the whole city
    district_code VARCHAR,
    year          INTEGER,
    numerator     DOUBLE,
    denominator   DOUBLE,
    value         DOUBLE,                        -- rates: numerator / denominator × 100
    subject       VARCHAR,                       -- standard number, person (committee), station…
    org           VARCHAR,
    uscc          VARCHAR,
    on_date       DATE,
    run_id        VARCHAR,
    loaded_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (file_name, sheet, row_number)
);

-- One row per inbox file name: the version in force.
CREATE TABLE core.inbox_file (
    file_name VARCHAR PRIMARY KEY,
    kind      VARCHAR NOT NULL,
    sha256    VARCHAR NOT NULL,
    rows      INTEGER NOT NULL,
    loaded    INTEGER NOT NULL,
    rejected  INTEGER NOT NULL,
    run_id    VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL
);

-- The rejected rows of the version in force of each inbox file.
CREATE TABLE core.inbox_reject (
    file_name  VARCHAR NOT NULL,
    sheet      VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    sha256     VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    detail     VARCHAR NOT NULL,
    loaded_at  TIMESTAMPTZ NOT NULL
);

-- Notices whose list could not be read: a person enters the rows through the inbox.
CREATE TABLE core.manual_entry_needed (
    notice_url     VARCHAR NOT NULL,
    attachment_url VARCHAR NOT NULL,             -- '' when the article itself is the problem
    indicator_id   VARCHAR,
    stage          VARCHAR,
    notice_title   VARCHAR NOT NULL,
    announced_on   DATE,
    reason         VARCHAR NOT NULL,             -- scanned_pdf | unsupported_format | unreadable_file | no_list
    detail         VARCHAR NOT NULL,
    url            VARCHAR,
    response_id    VARCHAR,
    fetched_at     TIMESTAMPTZ,
    sha256         VARCHAR,
    first_seen_run VARCHAR,
    last_seen_run  VARCHAR,
    PRIMARY KEY (notice_url, attachment_url)
);
