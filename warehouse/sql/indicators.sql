-- Named statements for the plan's targets and the progress reports (warehouse/progress.py).
-- The progress views and macros themselves are in progress.sql.

-- ── loads ─────────────────────────────────────────────────────────────────────────────

-- name: delete_plan
DELETE FROM ref.plan;

-- name: insert_plan
INSERT INTO ref.plan BY NAME
SELECT *, current_timestamp AS loaded_at FROM incoming_plan;

-- name: delete_indicator_mentions
DELETE FROM ref.indicator_mention;

-- name: delete_indicators
DELETE FROM ref.indicator;

-- name: insert_indicators
INSERT INTO ref.indicator BY NAME
SELECT * FROM incoming_indicator;

-- name: insert_indicator_mentions
INSERT INTO ref.indicator_mention BY NAME
SELECT * FROM incoming_indicator_mention;

-- name: delete_source_events
DELETE FROM core.indicator_event WHERE source = $source;

-- name: insert_events
INSERT INTO core.indicator_event BY NAME
SELECT *, current_timestamp AS loaded_at FROM incoming_event;

-- ── reads ─────────────────────────────────────────────────────────────────────────────

-- name: rules_at
SELECT * FROM mart.counting_rules_at(CAST($as_of AS DATE));

-- name: plan
SELECT plan_url, response_id, sha256, title, doc_number, issue_date, spam, spam_terms, n_targets, loaded_at, region_code
FROM ref.plan;

-- name: indicator_progress_at
SELECT * FROM mart.indicator_progress_at(CAST($as_of AS DATE));

-- name: district_progress_at
SELECT * FROM mart.district_progress_at(CAST($as_of AS DATE));
