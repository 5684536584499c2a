-- 004 indicators: the plan in force, its numeric targets, how each indicator is measured,
-- and the events non-registry sources report against an indicator.

-- The plan document the targets were read from: one row, replaced when a plan is loaded.
CREATE TABLE ref.plan (
    plan_url    VARCHAR NOT NULL,          -- the page's URL, or a file:// URI for a local file
    response_id VARCHAR,                   -- archive record (raw.response); NULL for a local file
    sha256      VARCHAR,                   -- of the page or file as read
    title       VARCHAR,
    doc_number  VARCHAR,                   -- e.g. 苏委发〔2022〕30号, rebuilt when the scrape dropped characters
    issue_date  DATE,                      -- read from the document itself
    spam        BOOLEAN NOT NULL,          -- injected spam was found (and removed before extraction)
    spam_terms  VARCHAR[],
    n_targets   INTEGER NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL
);

-- The plan's numeric targets, one row per indicator however often the plan states it.
CREATE TABLE ref.indicator (
    indicator_id    VARCHAR PRIMARY KEY,   -- the catalogue kind (indicators.md), "<kind>-2"… if a plan states a kind twice, "plan_<hash>" when unmatched
    kind            VARCHAR,               -- catalogue kind (transform.targets.INDICATOR_CATALOGUE); NULL when unmatched
    position        INTEGER NOT NULL,      -- order of first mention in the plan, from 1
    indicator       VARCHAR NOT NULL,      -- the phrase as written
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,
    comparator      VARCHAR NOT NULL,      -- ≥ | ≤ | > | =
    deadline_year   INTEGER,
    scope           VARCHAR NOT NULL,      -- new | cumulative | rate | total
    clause          VARCHAR,               -- first mention's clause, e.g. "(二)"
    sentence        VARCHAR,               -- first mention's sentence
    plan_url        VARCHAR NOT NULL,
    response_id     VARCHAR,
    plan_issue_date DATE
);

CREATE TABLE ref.indicator_mention (
    indicator_id VARCHAR NOT NULL,
    mention      INTEGER NOT NULL,         -- 1 = first mention
    clause       VARCHAR,
    sentence     VARCHAR,
    PRIMARY KEY (indicator_id, mention)
);

-- How each indicator kind is counted. `registry`: standards of `std_types` in mart.standard, or
-- committees in mart.committee; `events`: rows of core.indicator_event (announcements);
-- `manual`: values analysts enter (core.indicator_event too). A measure with no data loaded
-- shows `waits_for`.
CREATE TABLE ref.measure (
    indicator_id VARCHAR PRIMARY KEY,      -- catalogue kind
    ordinal      INTEGER NOT NULL,         -- order of indicators.md
    label        VARCHAR NOT NULL,         -- the indicator in the catalogue's words
    method       VARCHAR NOT NULL,         -- registry | events | manual
    source_view  VARCHAR NOT NULL,         -- mart.standard | mart.committee | core.indicator_event
    std_types    VARCHAR[],                -- registry: the standard types counted
    aggregate    VARCHAR NOT NULL,         -- count (standards) | sum (event values) | latest (a rate: last value)
    sources      VARCHAR[] NOT NULL,       -- the sources that feed it
    waits_for    VARCHAR NOT NULL,         -- what the figure waits for while no data is loaded
    settings     VARCHAR,                  -- the settings that govern the count
    rule_zh      VARCHAR NOT NULL,
    rule_en      VARCHAR NOT NULL
);

-- Its rows are the region's: indicators.csv of transform/regions/<code>/, loaded with the
-- region's districts (WriteSession.load_region). Databases created before that kept the
-- rows this migration once inserted until their next load replaces them.

-- What a non-registry source (notices, manual input) reports against an indicator: one row per counted thing (value 1) or per reported figure (a rate). A row with
-- no district is in the region, district unknown.
CREATE TABLE core.indicator_event (
    indicator_id  VARCHAR NOT NULL,        -- ref.measure kind
    event_date    DATE NOT NULL,           -- announced / established / reported on
    value         DOUBLE NOT NULL DEFAULT 1,
    subject       VARCHAR,                 -- what is counted: a committee, a project, an award…
    org_name      VARCHAR,
    district_code VARCHAR,
    district_name VARCHAR,
    source        VARCHAR NOT NULL,        -- tc | notices | manual | inbox…
    url           VARCHAR,
    response_id   VARCHAR,
    loaded_at     TIMESTAMPTZ NOT NULL
);
