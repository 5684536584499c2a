-- 009 data tests: what the publish gate (warehouse/gate.py) found before each publish, and the
-- figures its night-over-night guards compare. The declared tests are warehouse/sql/data_tests.sql,
-- the guards warehouse/sql/guards.sql; analysts read the results in mart.data_tests.

-- One row per declared test or guard per gated run. A failing one held the run's load back
-- (meta.run.status = 'held') unless an operator accepted it (`stdwatch publish --accept`).
CREATE TABLE meta.data_test (
    run_id       VARCHAR NOT NULL,
    test         VARCHAR NOT NULL,          -- the test's name in data_tests.sql, or "guard:<guard>"
    kind         VARCHAR NOT NULL,          -- unique | not_null | accepted_values | relationships | plan | guard
    checks       VARCHAR NOT NULL,          -- the table or view (and columns) it checks
    outcome      VARCHAR NOT NULL,          -- passed | failed | excused (a guard's fall with an explained cause)
    failing_rows BIGINT NOT NULL,
    sample       JSON,                      -- the first failing rows (at most 20), column → value
    detail       VARCHAR,                   -- one line: what failed, or the cause that excused it
    tested_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, test)
);

-- The guarded figures of every gated load, so the next load compares with what was last published
-- (a held load's figures stay in its held file). `digest` instead of `value` for the context that
-- explains a fall: the plan, the reviewed overrides, the counting settings.
CREATE TABLE meta.guard_figure (
    run_id VARCHAR NOT NULL,
    guard  VARCHAR NOT NULL,                -- district_type_count | indicator_actual | placed_org_share | ... | context
    key    VARCHAR NOT NULL,                -- district_code|std_type, indicator_id, '' for a share, or the context's name
    value  DOUBLE,
    digest VARCHAR,
    PRIMARY KEY (run_id, guard, key)
);
