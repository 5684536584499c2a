-- Named statements that keep core.standard_placed (the materialised core.standard_placing,
-- marts.sql) equal to its view before every publish. Run by warehouse/marts.py.

-- name: create_refresh_tables
-- What the session changed, noted by the statements that change it (load.sql note_resolved,
-- note_responses; events.sql note_retracted). Temporary: never part of the published file.
CREATE TEMP TABLE IF NOT EXISTS mart_refresh (std_no VARCHAR);
CREATE TEMP TABLE IF NOT EXISTS mart_refresh_response (response_id VARCHAR);

-- name: placing_inputs
-- A fingerprint of everything but core.standard that the placing reads: the organisations'
-- attributions (not when they were made), the names that reach them, the districts, and the
-- counting rules that choose the counting drafter and the region.
SELECT CAST(hash(
    (SELECT coalesce(bit_xor(hash(org_key, uscc_valid, in_region, district_code, district_name, method,
                                  confidence, conflict, needs_review)), 0) FROM core.org),
    (SELECT coalesce(bit_xor(hash(org_name, org_key)), 0) FROM core.org_name),
    (SELECT coalesce(bit_xor(hash(district_code, district_name, kind, aliases, region_code)), 0) FROM ref.district),
    (SELECT list(value ORDER BY key) FROM ref.setting WHERE key IN ('count_drafter', 'region'))
) AS VARCHAR) AS fingerprint;

-- name: stored_inputs
SELECT value FROM meta.mart_state WHERE key = 'placing_inputs';

-- name: counts_agree
SELECT (SELECT count(*) FROM core.standard) = (SELECT count(*) FROM core.standard_placed);

-- name: clear_placed
DELETE FROM core.standard_placed;

-- name: count_standards
SELECT count(*) FROM core.standard;

-- name: select_bucket_standards
-- A rebuild places the standards a bucket at a time (by hash of the number), so its memory is
-- that of a bucket, not of the warehouse.
CREATE OR REPLACE TEMP TABLE refreshed_standard AS
SELECT * FROM core.standard WHERE hash(std_no) % $buckets = $bucket;

-- name: select_bucket_drafters
CREATE OR REPLACE TEMP TABLE refreshed_drafter AS
SELECT * FROM core.standard_drafter WHERE hash(std_no) % $buckets = $bucket;

-- name: note_standards_of_responses
-- A response indexed after its standard was loaded gives that standard its WARC location.
INSERT INTO mart_refresh
SELECT std_no FROM core.standard
WHERE response_id IN (SELECT response_id FROM mart_refresh_response);

-- name: delete_refreshed_placed
DELETE FROM core.standard_placed WHERE std_no IN (SELECT std_no FROM mart_refresh);

-- The rows of the standards to refresh, found in two steps: a scan of the key column alone for
-- their row ids, then the rows by row id (a filter DuckDB applies while scanning), because a
-- join on the key reads every column of every row first.

-- name: refreshed_standard_rowids
SELECT coalesce(list(rowid), []) FROM core.standard WHERE std_no IN (SELECT std_no FROM mart_refresh);

-- name: refreshed_drafter_rowids
SELECT coalesce(list(rowid), []) FROM core.standard_drafter WHERE std_no IN (SELECT std_no FROM mart_refresh);

-- name: select_refreshed_standards
CREATE OR REPLACE TEMP TABLE refreshed_standard AS
SELECT * FROM core.standard WHERE rowid = ANY($standard_rowids);

-- name: select_refreshed_drafters
CREATE OR REPLACE TEMP TABLE refreshed_drafter AS
SELECT * FROM core.standard_drafter WHERE rowid = ANY($drafter_rowids);

-- name: insert_refreshed_placed
-- The view's own definition, given only these standards and their drafters.
INSERT INTO core.standard_placed
SELECT * FROM core.standard_placing_of('refreshed_standard', 'refreshed_drafter');

-- name: drop_refreshed
DROP TABLE IF EXISTS refreshed_standard;
DROP TABLE IF EXISTS refreshed_drafter;

-- name: save_inputs
INSERT OR REPLACE INTO meta.mart_state (key, value) VALUES ('placing_inputs', $fingerprint);

-- name: clear_refresh
DELETE FROM mart_refresh;
DELETE FROM mart_refresh_response;
