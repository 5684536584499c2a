-- The publish gate's bookkeeping (warehouse/gate.py) and the views analysts read it through.
-- The tests themselves are data_tests.sql, the guards guards.sql.

-- name: create_views
-- Every declared test and guard of every gated load: what it checks, whether it passed, its failing rows.
CREATE OR REPLACE VIEW mart.data_tests AS
SELECT
    t.run_id,
    r.flow,
    r.status AS run_status,
    t.tested_at,
    t.test,
    t.kind,
    t.checks,
    t.outcome,
    t.failing_rows,
    t.sample,
    t.detail
FROM meta.data_test AS t
LEFT JOIN meta.run AS r USING (run_id)
ORDER BY t.tested_at DESC, t.outcome = 'passed', t.test;

-- When the figures readers see were published, and whether the latest load was held back.
-- A held load's run is recorded here with status 'held' (its data in `<warehouse>.held`); every
-- other finished run published its session.
CREATE OR REPLACE VIEW mart.publish_status AS
WITH finished AS (
    SELECT * FROM meta.run WHERE status <> 'running'
),
published AS (
    SELECT run_id, flow, finished_at FROM finished WHERE status <> 'held'
    ORDER BY finished_at DESC LIMIT 1
),
latest AS (
    SELECT run_id, flow, status, finished_at, message FROM finished
    WHERE flow NOT IN ('publish')
    ORDER BY started_at DESC LIMIT 1
)
SELECT
    published.finished_at AS last_published_at,
    published.run_id AS last_published_run,
    published.flow AS last_published_flow,
    latest.run_id AS latest_run,
    latest.status = 'held' AS latest_held,
    CASE WHEN latest.status = 'held' THEN latest.message END AS held_because
FROM (SELECT 1) AS one
LEFT JOIN published ON true
LEFT JOIN latest ON true;

-- name: delete_results
DELETE FROM meta.data_test WHERE run_id = $run_id;

-- name: insert_results
INSERT INTO meta.data_test BY NAME SELECT * FROM incoming_result;

-- name: publish_status
SELECT * FROM mart.publish_status;

-- name: set_run_status
UPDATE meta.run SET status = $status, message = $message WHERE run_id = $run_id;
