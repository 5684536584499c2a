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

-- ── standards: decide, upsert, resolve ─────────────────────────────────────────────────
-- The batch is `incoming_standard` (STANDARD_SCHEMA, batch_order). decide_standards
-- reads only its keys and business fields and returns what to do with each record, in batch
-- order. The session appends those columns to the Arrow batch and splits it by what they say
-- (WriteSession.merge_standard_table): `changed_standard` (inserted or updated, with their drafters'
-- organisation keys `drafter_keys`),
-- `shared_standard` (the numbers of those that more than one source lists), `replaced_standard`
-- (held_row of the updated) and `seen_standard` (held_row and last_seen_at of the unchanged and
-- stale). The statements after it read those straight from Arrow (no staged copy of the batch),
-- each as one set operation. Only core.standard_source is written for a standard one source
-- lists, its row flagged `canonical`: core.standard reads it from there (sql/marts.sql, 013).

-- name: content_keys_current
-- Whether this DuckDB computed the stored content keys (no version recorded yet: a warehouse that
-- has just been upgraded to 013, or a new one).
SELECT coalesce((SELECT value = version() FROM meta.mart_state WHERE key = 'content_key_version'), false);

-- name: rekey_standard_sources
-- Every stored content key computed again by this DuckDB (whose hash() may differ from the one that
-- stored them: then every record would look changed), and the version recorded. Once per DuckDB
-- version (WriteSession.merge_standard_table).
UPDATE core.standard_source
SET content_key = core.content_key(std_type, prefix, year, name, status, issue_date, act_date, abolish_date,
                                   replaces, is_revision, drafters, drafters_known, committee_code,
                                   committee_name, source_id, spam);
INSERT OR REPLACE INTO meta.mart_state (key, value) VALUES ('content_key_version', version());

-- name: decide_standards
-- What the batch's keys and the held versions tell about each record, one row per record in
-- batch order:
-- latest: the batch's record for its (std_no, source); the others are duplicates (the batch holds a
--   later one, by fetch time then batch order);
-- content_key: core.content_key of the business fields (sql/marts.sql; rekey_standard_sources keeps
--   the held ones computed by the same DuckDB): provenance, fetch time, the portal's entry time and
--   the number as printed are left out, so re-fetching an unchanged page is "unchanged";
-- change: inserted (no version held), unchanged (the held version has this key), stale (another
--   key, but the held version was fetched later: an out-of-order backfill must not roll a standard
--   back), updated, or NULL (a duplicate);
-- held_row: the rowid of the version held (an update replaces it, a sighting touches it);
-- first_seen_run, last_seen_at: the values the source's row keeps or gets;
-- shared: after this merge the standard is listed by more than one source, so its canonical row is
--   ranked (resolve_shared_standards) if the record changes it; any other changed record is its
--   standard's canonical row as it is.
WITH hashed AS (  -- the key first, apart from the window: a window carries every column it is given
    SELECT
        batch_order, std_no, source, fetched_at,
        core.content_key(std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces,
                         is_revision, drafters, drafters_known, committee_code, committee_name, source_id,
                         spam) AS content_key
    FROM incoming_standard
),
keyed AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY std_no, source ORDER BY fetched_at DESC NULLS LAST, batch_order DESC) = 1 AS latest
    FROM hashed
),
decided AS (
    SELECT
        keyed.batch_order, keyed.std_no, keyed.source, keyed.content_key,
        CASE
            WHEN NOT keyed.latest THEN NULL
            WHEN held.std_no IS NULL THEN 'inserted'
            WHEN held.content_key = keyed.content_key THEN 'unchanged'
            WHEN held.fetched_at > keyed.fetched_at THEN 'stale'
            ELSE 'updated'
        END AS change,
        held.rowid AS held_row,
        coalesce(held.first_seen_run, $run_id) AS first_seen_run,
        greatest(held.last_seen_at, keyed.fetched_at) AS last_seen_at
    FROM keyed
    LEFT JOIN core.standard_source AS held USING (std_no, source)
),
affected AS (  -- the records that change their standard
    SELECT std_no FROM decided WHERE change IN ('inserted', 'updated')
),
several AS (  -- more than one source among those held and those in the batch
    SELECT std_no
    FROM (
        SELECT std_no, source FROM decided WHERE change IS NOT NULL AND std_no IN (SELECT std_no FROM affected)
        UNION ALL
        SELECT std_no, source FROM core.standard_source WHERE std_no IN (SELECT std_no FROM affected)
    )
    GROUP BY std_no
    HAVING min(source) <> max(source)
)
SELECT
    decided.change, decided.content_key, decided.held_row, decided.first_seen_run, decided.last_seen_at,
    several.std_no IS NOT NULL AS shared
FROM decided
LEFT JOIN several USING (std_no)
ORDER BY decided.batch_order;

-- name: keep_standards_before
-- The canonical rows of the shared standards the merge re-resolves, as they were before it (what
-- resolve_shared_standards carries on: first seen, last changed, and the fields it compares):
-- taken before core.standard_source changes, since the row of a standard one source listed is
-- that source's row.
CREATE OR REPLACE TEMP TABLE shared_source AS
SELECT * FROM core.standard_source WHERE std_no IN (SELECT std_no FROM shared_standard);
CREATE OR REPLACE TEMP TABLE shared_resolved AS
SELECT * FROM core.standard_resolved WHERE std_no IN (SELECT std_no FROM shared_standard);
CREATE OR REPLACE TEMP TABLE standard_before AS
FROM core.standard_canonical_of('shared_source', 'shared_resolved');
DROP TABLE shared_source;
DROP TABLE shared_resolved;

-- name: append_status_history
-- A row when a source shows a standard first or changed, with a status other than the last it showed.
INSERT INTO core.standard_status_history (std_no, status, seen_at, run_id, source)
WITH changed AS (
    SELECT std_no, source, status, fetched_at
    FROM changed_standard
    WHERE status IS NOT NULL
),
last_status AS (
    SELECT std_no, source, arg_max(status, seen_at) AS status
    FROM core.standard_status_history
    SEMI JOIN changed USING (std_no, source)
    GROUP BY std_no, source
)
SELECT changed.std_no, changed.status, coalesce(changed.fetched_at, current_timestamp), $run_id, changed.source
FROM changed
LEFT JOIN last_status USING (std_no, source)
WHERE changed.status IS DISTINCT FROM last_status.status;

-- name: delete_updated_standard_sources
DELETE FROM core.standard_source
WHERE rowid IN (SELECT held_row FROM replaced_standard);

-- name: insert_changed_standard_sources
INSERT INTO core.standard_source BY NAME
SELECT
    std_no, source, source_id, std_no_raw, std_type, prefix, year, name, status,
    issue_date, act_date, abolish_date, replaces, is_revision,
    drafters, drafter_keys, drafters_known, committee_code, committee_name,
    detail_url, input_time, spam, url, response_id, fetched_at, sha256, content_key, NOT shared AS canonical,
    first_seen_run, $run_id AS last_changed_run, $run_id AS last_seen_run, fetched_at AS last_seen_at
FROM changed_standard;

-- name: uncanonical_shared_sources
-- A standard another source now lists too: its held row is no longer the canonical one (the ranked
-- row in core.standard_resolved is).
UPDATE core.standard_source
SET canonical = false
WHERE canonical AND std_no IN (SELECT std_no FROM shared_standard);

-- name: touch_seen_standard_sources
UPDATE core.standard_source AS target
SET last_seen_run = $run_id, last_seen_at = seen.last_seen_at
FROM seen_standard AS seen
WHERE target.rowid = seen.held_row;

-- name: resolve_shared_standards
-- The canonical row of every changed standard that more than one source lists: the record of the
-- winning source (samr first, then ref.source_priority, then by name), the drafters of the
-- best source that listed them (same order, sources with drafters_known first). It keeps the
-- first_seen_run of the row it replaces, and its last_changed_run unless a field of the row differs.
CREATE OR REPLACE TEMP TABLE resolved_standard AS
WITH listed AS (
    SELECT *
    FROM core.standard_source
    WHERE std_no IN (SELECT std_no FROM shared_standard)
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
    LEFT JOIN ref.source_priority AS priority USING (source)
),
winner AS (SELECT * FROM ranked WHERE record_rank = 1),
drafting AS (SELECT * FROM ranked WHERE drafters_rank = 1),
listing AS (SELECT std_no, list(source ORDER BY record_rank) AS sources FROM ranked GROUP BY std_no),
resolved AS (
    SELECT
        winner.std_no, winner.std_type, winner.prefix, winner.year, winner.name, winner.status,
        winner.issue_date, winner.act_date, winner.abolish_date, winner.replaces, winner.is_revision,
        drafting.drafters[1] AS lead_org, drafting.drafter_keys[1] AS lead_org_key, drafting.drafters,
        drafting.drafter_keys, drafting.drafters_known, drafting.source AS drafters_source,
        winner.committee_code, winner.committee_name,
        winner.source, winner.source_id, winner.url, winner.response_id, winner.fetched_at, winner.sha256,
        coalesce(winner.spam, false) OR coalesce(drafting.spam, false) AS spam,
        listing.sources
    FROM winner
    JOIN drafting USING (std_no)
    JOIN listing USING (std_no)
)
SELECT
    resolved.*,
    coalesce(old.first_seen_run, $run_id) AS first_seen_run,
    CASE WHEN (old.std_type, old.prefix, old.year, old.name, old.status, old.issue_date, old.act_date,
               old.abolish_date, old.replaces, old.is_revision, old.drafters, old.drafters_known,
               old.drafters_source, old.committee_code, old.committee_name, old.source, old.source_id,
               old.spam, old.sources)
              IS NOT DISTINCT FROM
              (resolved.std_type, resolved.prefix, resolved.year, resolved.name, resolved.status,
               resolved.issue_date, resolved.act_date, resolved.abolish_date, resolved.replaces,
               resolved.is_revision, resolved.drafters, resolved.drafters_known, resolved.drafters_source,
               resolved.committee_code, resolved.committee_name, resolved.source, resolved.source_id,
               resolved.spam, resolved.sources)
         THEN old.last_changed_run ELSE $run_id END AS last_changed_run
FROM resolved
LEFT JOIN standard_before AS old USING (std_no);

-- name: delete_resolved_standards
DELETE FROM core.standard_resolved WHERE std_no IN (SELECT std_no FROM shared_standard);

-- name: insert_resolved_standards
INSERT INTO core.standard_resolved BY NAME SELECT * FROM resolved_standard;

-- name: note_resolved
-- The standards this session changed: the marts are refreshed for them before publish (marts.sql).
INSERT INTO mart_refresh SELECT std_no FROM changed_standard;

-- name: drop_resolved
DROP TABLE IF EXISTS resolved_standard;
DROP TABLE IF EXISTS standard_before;

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

-- name: attribution_inputs
-- What core.org was last attributed from (flows/attribute.py attribute_all): see WriteSession.attributed_from.
SELECT value FROM meta.mart_state WHERE key = 'org_attribution_inputs';

-- name: record_attribution_inputs
INSERT OR REPLACE INTO meta.mart_state (key, value) VALUES ('org_attribution_inputs', $fingerprint);

-- name: forget_attribution_inputs
DELETE FROM meta.mart_state WHERE key = 'org_attribution_inputs';
