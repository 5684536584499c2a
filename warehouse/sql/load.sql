-- Named statements of the write session (warehouse/load.py). Each block is one statement.
-- `incoming_*` are Arrow tables the session registers just before running the statement.

-- ── runs ───────────────────────────────────────────────────────────────────────────────

-- name: delete_run
DELETE FROM meta.run WHERE run_id = $run_id;

-- name: insert_run
INSERT INTO meta.run (run_id, flow, params, settings, started_at, finished_at, status, message,
                      window_from, window_to, parent_run_id)
VALUES ($run_id, $flow, CAST($params AS JSON), CAST($settings AS JSON), current_timestamp, NULL, 'running', NULL,
        CAST($window_from AS DATE), CAST($window_to AS DATE), $parent_run_id);

-- name: finish_run
UPDATE meta.run
SET finished_at = current_timestamp, status = $status, message = $message
WHERE run_id = $run_id;

-- name: delete_run_source
DELETE FROM meta.run_source WHERE run_id = $run_id AND source = $source;

-- name: insert_run_source
INSERT INTO meta.run_source BY NAME
SELECT
    $run_id AS run_id, $source AS source,
    $requests AS requests, $pages AS pages, $records AS records,
    $inserted AS inserted, $updated AS updated, $unchanged AS unchanged, $duplicates AS duplicates,
    $rejected AS rejected, $blocked AS blocked, $spam_pages AS spam_pages, $faults AS faults,
    $retries AS retries, $complete AS complete,
    CAST($seconds AS JSON) AS seconds, CAST($extra AS JSON) AS extra,
    current_timestamp AS recorded_at;

-- name: get_watermark
SELECT value FROM meta.watermark WHERE source = $source AND key = $key;

-- name: set_watermark
INSERT INTO meta.watermark (source, key, value, run_id, updated_at)
VALUES ($source, $key, $value, $run_id, current_timestamp)
ON CONFLICT (source, key) DO UPDATE
SET value = excluded.value, run_id = excluded.run_id, updated_at = excluded.updated_at;

-- ── reference data ─────────────────────────────────────────────────────────────────────

-- name: delete_settings
DELETE FROM ref.setting WHERE key IN (SELECT key FROM incoming_setting);

-- name: insert_settings
INSERT INTO ref.setting (key, value, set_at)
SELECT key, value, current_timestamp FROM incoming_setting;

-- name: delete_region_districts
DELETE FROM ref.district WHERE region_code = $region_code;

-- name: insert_districts
INSERT INTO ref.district BY NAME SELECT * FROM incoming_district;

-- name: delete_measures
DELETE FROM ref.measure;

-- name: insert_measures
INSERT INTO ref.measure BY NAME SELECT * FROM incoming_measure;

-- ── archive index ──────────────────────────────────────────────────────────────────────

-- name: insert_responses
-- A response is immutable: the first row recorded for a response_id stays.
INSERT INTO raw.response BY NAME
SELECT incoming.* EXCLUDE (batch_order)
FROM incoming_response AS incoming
ANTI JOIN raw.response USING (response_id)
QUALIFY row_number() OVER (PARTITION BY response_id ORDER BY batch_order) = 1;

-- name: note_responses
-- Responses this session indexed: the marts refresh the standards that cite them (materialise.sql).
INSERT INTO mart_refresh_response SELECT response_id FROM incoming_response;

-- name: select_indexed_warc_paths
SELECT DISTINCT warc_path FROM raw.response WHERE warc_path IS NOT NULL;

-- name: flag_spam
UPDATE raw.response AS r
SET spam = true, spam_terms = f.spam_terms
FROM incoming_spam AS f
WHERE r.response_id = f.response_id;

-- ── standards: stage, compare, upsert, resolve ─────────────────────────────────────────

-- name: clear_stage
-- The staged batch lives in a temporary table shaped like stg.standard: it never reaches the
-- file (no WAL, nothing to checkpoint), and goes with the session.
CREATE OR REPLACE TEMP TABLE staged_standard AS FROM stg.standard WITH NO DATA;

-- name: stage_standards
-- Keep the last record per (std_no, source) by fetch time, then decide what the merge does:
-- inserted (new), unchanged (same business content), stale (different, but older than what
-- we hold: an out-of-order backfill must not roll a standard back), updated.
-- content_hash: sha256 of the business fields as the JSON array
-- [std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision,
--  drafters, drafters_known, committee_code, committee_name, source_id, spam] (compact, UTF-8 unescaped);
-- provenance, fetch time, the portal's entry time and the number as printed are left out, so
-- re-fetching an unchanged page is "unchanged".
INSERT INTO staged_standard BY NAME
WITH latest AS (
    SELECT
        *,
        sha256('[' || concat_ws(',',
            coalesce(to_json(std_type), 'null'), coalesce(to_json(prefix), 'null'),
            coalesce(to_json(year), 'null'), coalesce(to_json(name), 'null'),
            coalesce(to_json(status), 'null'), coalesce(to_json(CAST(issue_date AS VARCHAR)), 'null'),
            coalesce(to_json(CAST(act_date AS VARCHAR)), 'null'),
            coalesce(to_json(CAST(abolish_date AS VARCHAR)), 'null'),
            coalesce(to_json(replaces), 'null'), coalesce(to_json(is_revision), 'null'),
            coalesce(to_json(drafters), 'null'), coalesce(to_json(drafters_known), 'null'),
            coalesce(to_json(committee_code), 'null'), coalesce(to_json(committee_name), 'null'),
            coalesce(to_json(source_id), 'null'), coalesce(to_json(spam), 'null')) || ']') AS content_hash
    FROM incoming_standard
    QUALIFY row_number() OVER (
        PARTITION BY std_no, source ORDER BY fetched_at DESC NULLS LAST, batch_order DESC) = 1
),
last_status AS (
    SELECT std_no, source, arg_max(status, seen_at) AS status
    FROM core.standard_status_history
    WHERE std_no IN (SELECT std_no FROM incoming_standard)
    GROUP BY std_no, source
)
SELECT
    latest.*,
    CASE
        WHEN old.std_no IS NULL THEN 'inserted'
        WHEN old.content_hash = latest.content_hash THEN 'unchanged'
        WHEN old.fetched_at > latest.fetched_at THEN 'stale'
        ELSE 'updated'
    END AS change,
    last_status.status AS previous_status,
    coalesce(old.first_seen_run, $run_id) AS first_seen_run
FROM latest
LEFT JOIN core.standard_source AS old USING (std_no, source)
LEFT JOIN last_status USING (std_no, source);

-- name: stage_updated
SELECT std_no FROM staged_standard WHERE change = 'updated' ORDER BY std_no;

-- name: stage_counts
SELECT
    count(*) FILTER (WHERE change = 'inserted') AS inserted,
    count(*) FILTER (WHERE change = 'updated') AS updated,
    count(*) FILTER (WHERE change = 'unchanged') AS unchanged,
    count(*) FILTER (WHERE change = 'stale') AS stale
FROM staged_standard;

-- name: append_status_history
INSERT INTO core.standard_status_history (std_no, status, seen_at, run_id, source)
SELECT std_no, status, coalesce(fetched_at, current_timestamp), $run_id, source
FROM staged_standard
WHERE change IN ('inserted', 'updated')
  AND status IS NOT NULL
  AND status IS DISTINCT FROM previous_status;

-- name: delete_updated_standard_sources
DELETE FROM core.standard_source AS target
USING staged_standard AS staged
WHERE target.std_no = staged.std_no AND target.source = staged.source AND staged.change = 'updated';

-- name: insert_changed_standard_sources
INSERT INTO core.standard_source BY NAME
SELECT
    std_no, source, source_id, std_no_raw, std_type, prefix, year, name, status,
    issue_date, act_date, abolish_date, replaces, is_revision,
    drafters[1] AS lead_org, drafter_keys[1] AS lead_org_key,
    drafters, drafter_keys, drafters_known, committee_code, committee_name,
    detail_url, input_time, spam, url, response_id, fetched_at, sha256, content_hash,
    first_seen_run, $run_id AS last_changed_run, $run_id AS last_seen_run, fetched_at AS last_seen_at
FROM staged_standard
WHERE change IN ('inserted', 'updated');

-- name: touch_seen_standard_sources
UPDATE core.standard_source AS target
SET last_seen_run = $run_id, last_seen_at = greatest(target.last_seen_at, staged.fetched_at)
FROM staged_standard AS staged
WHERE target.std_no = staged.std_no AND target.source = staged.source
  AND staged.change IN ('unchanged', 'stale');

-- name: resolve_standards
-- The canonical row of every standard a source inserted or updated: the record of the
-- winning source (samr first, then ref.source_priority, then by name), the drafters of the
-- best source that listed them (same order, sources with drafters_known first). A standard
-- only one source lists is that source's record as it is: no ranking (most of them).
CREATE OR REPLACE TEMP TABLE resolved_standard AS
WITH affected AS (
    SELECT DISTINCT std_no FROM staged_standard WHERE change IN ('inserted', 'updated')
),
listed AS (
    SELECT listed.* FROM core.standard_source AS listed SEMI JOIN affected USING (std_no)
),
several AS (
    SELECT std_no FROM listed GROUP BY std_no HAVING count(*) > 1
),
ranked AS (
    SELECT
        listed.*,
        row_number() OVER (
            PARTITION BY listed.std_no
            ORDER BY listed.source <> 'samr', coalesce(priority.priority, 2147483647), listed.source
        ) AS record_rank,
        row_number() OVER (
            PARTITION BY listed.std_no
            ORDER BY NOT coalesce(listed.drafters_known, false), listed.source <> 'samr',
                     coalesce(priority.priority, 2147483647), listed.source
        ) AS drafters_rank
    FROM listed
    SEMI JOIN several USING (std_no)
    LEFT JOIN ref.source_priority AS priority USING (source)
),
winner AS (SELECT * FROM ranked WHERE record_rank = 1),
drafting AS (SELECT * FROM ranked WHERE drafters_rank = 1),
listing AS (SELECT std_no, list(source ORDER BY record_rank) AS sources FROM ranked GROUP BY std_no),
resolved AS (
    SELECT
        winner.std_no, winner.std_type, winner.prefix, winner.year, winner.name, winner.status,
        winner.issue_date, winner.act_date, winner.abolish_date, winner.replaces, winner.is_revision,
        drafting.lead_org, drafting.lead_org_key, drafting.drafters, drafting.drafter_keys,
        drafting.drafters_known, drafting.source AS drafters_source,
        winner.committee_code, winner.committee_name,
        winner.source, winner.source_id, winner.url, winner.response_id, winner.fetched_at, winner.sha256,
        coalesce(winner.spam, false) OR coalesce(drafting.spam, false) AS spam,
        listing.sources,
        CASE WHEN drafting.source = winner.source THEN winner.content_hash
             ELSE sha256(winner.content_hash || drafting.content_hash) END AS content_hash
    FROM winner
    JOIN drafting USING (std_no)
    JOIN listing USING (std_no)
    UNION ALL
    SELECT
        std_no, std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision,
        lead_org, lead_org_key, drafters, drafter_keys, drafters_known, source AS drafters_source,
        committee_code, committee_name, source, source_id, url, response_id, fetched_at, sha256,
        coalesce(spam, false) AS spam, [source] AS sources, content_hash
    FROM listed
    ANTI JOIN several USING (std_no)
)
SELECT
    resolved.*,
    coalesce(old.first_seen_run, $run_id) AS first_seen_run,
    CASE WHEN old.content_hash IS NOT DISTINCT FROM resolved.content_hash THEN old.last_changed_run
         ELSE $run_id END AS last_changed_run
FROM resolved
LEFT JOIN core.standard AS old USING (std_no);

-- name: delete_resolved_standards
DELETE FROM core.standard WHERE std_no IN (SELECT std_no FROM resolved_standard);

-- name: insert_resolved_standards
INSERT INTO core.standard BY NAME SELECT * EXCLUDE (drafter_keys) FROM resolved_standard;

-- name: delete_resolved_drafters
DELETE FROM core.standard_drafter WHERE std_no IN (SELECT std_no FROM resolved_standard);

-- name: insert_resolved_drafters
INSERT INTO core.standard_drafter (std_no, position, org_name, org_key)
SELECT std_no, unnest(generate_series(1, len(drafters))), unnest(drafters), unnest(drafter_keys)
FROM resolved_standard
WHERE len(drafters) > 0;

-- name: note_resolved
-- The standards this session re-resolved: the marts are refreshed for them before publish (marts.sql).
INSERT INTO mart_refresh SELECT std_no FROM resolved_standard;

-- name: drop_resolved
DROP TABLE IF EXISTS resolved_standard;

-- ── rejects ────────────────────────────────────────────────────────────────────────────

-- name: insert_rejects
INSERT INTO core.reject BY NAME SELECT *, current_timestamp AS recorded_at FROM incoming_reject;

-- name: select_rejects
SELECT source, reason, detail, url, response_id
FROM core.reject
WHERE $run_id IS NULL OR run_id = $run_id
ORDER BY recorded_at, source, reason;

-- ── organisations ──────────────────────────────────────────────────────────────────────

-- name: delete_org_evidence_by_origin
DELETE FROM core.org_evidence WHERE starts_with(origin, $origin_prefix);

-- name: insert_new_org_evidence
-- Evidence already held (same organisation, source, identity fields, origin and response) is skipped.
INSERT INTO core.org_evidence BY NAME
SELECT DISTINCT incoming.*, current_timestamp AS loaded_at
FROM incoming_evidence AS incoming
WHERE NOT EXISTS (
    SELECT 1 FROM core.org_evidence AS held
    WHERE held.org_key = incoming.org_key
      AND held.name = incoming.name
      AND held.source = incoming.source
      AND held.uscc IS NOT DISTINCT FROM incoming.uscc
      AND held.address IS NOT DISTINCT FROM incoming.address
      AND held.division IS NOT DISTINCT FROM incoming.division
      AND held.origin IS NOT DISTINCT FROM incoming.origin
      AND held.response_id IS NOT DISTINCT FROM incoming.response_id
);

-- name: select_drafting_orgs
SELECT DISTINCT org_name FROM core.standard_drafter ORDER BY org_name;

-- name: select_unattributed_drafting_orgs
SELECT DISTINCT drafter.org_name
FROM core.standard_drafter AS drafter
ANTI JOIN core.org_name USING (org_name)
ORDER BY drafter.org_name;

-- name: delete_orgs
DELETE FROM core.org;

-- name: delete_org_names
DELETE FROM core.org_name;

-- name: insert_org_names
INSERT INTO core.org_name (org_name, org_key)
SELECT name, org_key FROM incoming_org
QUALIFY row_number() OVER (PARTITION BY name ORDER BY batch_order) = 1;

-- name: insert_orgs
-- One row per org_key (the most confident attribution when several names share a key);
-- the credit code is the one the register's evidence shows most often.
INSERT INTO core.org BY NAME
WITH best AS (
    SELECT * FROM incoming_org
    QUALIFY row_number() OVER (PARTITION BY org_key ORDER BY confidence DESC NULLS LAST, batch_order) = 1
),
credit AS (
    SELECT org_key, uscc, count(*) AS seen
    FROM core.org_evidence
    WHERE uscc IS NOT NULL AND org_key IN (SELECT org_key FROM incoming_org)  -- this batch's only
    GROUP BY org_key, uscc
    QUALIFY row_number() OVER (PARTITION BY org_key ORDER BY seen DESC, uscc) = 1
)
SELECT best.* EXCLUDE (batch_order), credit.uscc, current_timestamp AS attributed_at
FROM best
LEFT JOIN credit USING (org_key);

-- A streaming load's lean session (WriteSession.lean).
-- name: set_memory_limit
SET memory_limit = $memory_limit;

-- name: set_one_thread
SET threads = 1;

-- name: free_memory_in_background
SET allocator_background_threads = true;
