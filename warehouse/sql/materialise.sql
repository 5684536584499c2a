-- Named statements that keep core.standard_placed (the materialised core.standard_placing,
-- marts.sql) and core.standard_tally (its counts, core.standard_tallying) equal to their views
-- before every publish. Run by warehouse/marts.py.

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

-- name: tally_agrees
-- core.standard_tally counts every placed standard once (a new or upgraded warehouse: empty).
SELECT (SELECT coalesce(sum(n), 0) FROM core.standard_tally) = (SELECT count(*) FROM core.standard_placed);

-- name: rebuild_tally
DELETE FROM core.standard_tally;
INSERT INTO core.standard_tally SELECT * FROM core.standard_tallying;

-- name: count_standards
SELECT count(*) FROM core.standard;

-- name: select_bucket_standards
-- A rebuild places the standards a bucket at a time (by hash of the number), so its memory is
-- that of a bucket, not of the warehouse.
CREATE OR REPLACE TEMP TABLE refreshed_standard AS
SELECT * FROM core.standard_canonical WHERE hash(std_no) % $buckets = $bucket;

-- name: select_refreshed_drafters
-- The drafters of the standards a rebuild's bucket or a refresh places, from their canonical rows.
CREATE OR REPLACE TEMP TABLE refreshed_drafter AS
FROM core.drafters_of('refreshed_standard');

-- name: note_standards_of_responses
-- A response indexed after its standard was loaded gives that standard its WARC location.
INSERT INTO mart_refresh
SELECT std_no FROM core.standard
WHERE response_id IN (SELECT response_id FROM mart_refresh_response);

-- name: untally_refreshed_placed
-- The counts of the rows a refresh replaces, subtracted from core.standard_tally (apply_tally_delta).
CREATE OR REPLACE TEMP TABLE tally_delta AS
SELECT in_region, district_code, district_name, std_type, prefix, issue_date, -count(*) AS n
FROM core.standard_placed WHERE rowid = ANY($placed_rowids)
GROUP BY ALL;

-- name: delete_refreshed_placed
DELETE FROM core.standard_placed WHERE rowid = ANY($placed_rowids);

-- The rows of the standards to refresh, found in two steps: a scan of the key column alone for
-- their row ids, then the rows by row id (a filter DuckDB applies while scanning), because a
-- join on the key reads every column of every row first.

-- name: refreshed_placed_rowids
SELECT coalesce(list(rowid), []) FROM core.standard_placed WHERE std_no IN (SELECT std_no FROM mart_refresh);

-- name: refreshed_source_rowids
SELECT coalesce(list(rowid), []) FROM core.standard_source WHERE std_no IN (SELECT std_no FROM mart_refresh);

-- name: refreshed_resolved_rowids
SELECT coalesce(list(rowid), []) FROM core.standard_resolved WHERE std_no IN (SELECT std_no FROM mart_refresh);

-- name: select_refreshed_sources
CREATE OR REPLACE TEMP TABLE refreshed_source AS
SELECT * FROM core.standard_source WHERE rowid = ANY($source_rowids);

-- name: select_refreshed_resolved
CREATE OR REPLACE TEMP TABLE refreshed_resolved AS
SELECT * FROM core.standard_resolved WHERE rowid = ANY($resolved_rowids);

-- name: select_refreshed_standards
-- Their canonical rows, through the definition of core.standard (sql/marts.sql), given only their
-- source rows and resolved rows.
CREATE OR REPLACE TEMP TABLE refreshed_standard AS
FROM core.standard_canonical_of('refreshed_source', 'refreshed_resolved');
DROP TABLE refreshed_source;
DROP TABLE refreshed_resolved;

-- name: insert_refreshed_placed
-- The view's own definition, given only these standards and their drafters.
INSERT INTO core.standard_placed
SELECT * FROM core.standard_placing_of('refreshed_standard', 'refreshed_drafter');

-- name: place_refreshed
-- A refresh places its standards into a table of their own first: their rows are also tallied.
CREATE OR REPLACE TEMP TABLE refreshed_placed AS
SELECT * FROM core.standard_placing_of('refreshed_standard', 'refreshed_drafter');
INSERT INTO core.standard_placed SELECT * FROM refreshed_placed;
INSERT INTO tally_delta SELECT * FROM core.standard_tally_of('refreshed_placed');
DROP TABLE refreshed_placed;

-- name: apply_tally_delta
-- Each count the delta touches, summed with it; a count that reaches 0 is gone. The keys hold
-- NULLs (standards outside the region have no district), so they are matched NULL-safe.
CREATE OR REPLACE TEMP TABLE tally_touched AS
SELECT t.rowid AS tally_rowid, t.*
FROM core.standard_tally AS t
SEMI JOIN tally_delta AS d
    ON t.in_region IS NOT DISTINCT FROM d.in_region AND t.district_code IS NOT DISTINCT FROM d.district_code
   AND t.district_name IS NOT DISTINCT FROM d.district_name AND t.std_type IS NOT DISTINCT FROM d.std_type
   AND t.prefix IS NOT DISTINCT FROM d.prefix AND t.issue_date IS NOT DISTINCT FROM d.issue_date;
DELETE FROM core.standard_tally WHERE rowid IN (SELECT tally_rowid FROM tally_touched);
INSERT INTO core.standard_tally
SELECT in_region, district_code, district_name, std_type, prefix, issue_date, CAST(sum(n) AS BIGINT) AS n
FROM (SELECT * EXCLUDE (tally_rowid) FROM tally_touched UNION ALL SELECT * FROM tally_delta)
GROUP BY ALL
HAVING sum(n) <> 0;
DROP TABLE tally_touched;
DROP TABLE tally_delta;

-- name: drop_refreshed
DROP TABLE IF EXISTS refreshed_standard;
DROP TABLE IF EXISTS refreshed_drafter;

-- name: save_inputs
INSERT OR REPLACE INTO meta.mart_state (key, value) VALUES ('placing_inputs', $fingerprint);

-- name: clear_refresh
DELETE FROM mart_refresh;
DELETE FROM mart_refresh_response;
