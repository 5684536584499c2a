-- Events (notices and inbox rows), inbox files and the manual-entry queue: the loads
-- (warehouse/events.py) and the views analysts and the progress measures read.
-- docs/notices-and-inbox.md describes every column of the views.

-- name: create_views
-- Every event with its status under the counting rule, per entry_key:
--   counted      the earliest decision (公布/下达/认定…) of the entry
--   provisional  the earliest preliminary (公示) of an entry no decision has announced yet
--   superseded   a preliminary of an entry that has a decision
--   duplicate    any later decision (a repost, an analyst's row for an announced entry)
-- `counted` / `provisional` are the status within the window, for an organisation in the region;
-- an in-region organisation with no district counts for the city as the unknown district.
CREATE OR REPLACE VIEW mart.indicator_events AS
WITH rules AS (
    SELECT * FROM mart.counting_rules
),
ranked AS (
    SELECT
        e.*,
        row_number() OVER (
            PARTITION BY e.entry_key
            ORDER BY e.stage <> 'decision', e.announced_on, coalesce(e.notice_url, ''), e.origin
        ) AS entry_rank,
        bool_or(e.stage = 'decision') OVER (PARTITION BY e.entry_key) AS entry_decided
    FROM core.event AS e
),
statused AS (
    SELECT
        ranked.*,
        CASE
            WHEN entry_rank = 1 AND entry_decided THEN 'counted'
            WHEN entry_rank = 1 THEN 'provisional'
            WHEN stage = 'preliminary' AND entry_decided THEN 'superseded'
            ELSE 'duplicate'
        END AS status,
        announced_on BETWEEN coalesce(rules.window_start, DATE '1900-01-01')
                         AND coalesce(rules.counted_until, DATE '9999-12-31') AS in_window,
        rules.unknown_district_code,
        rules.unknown_district_name
    FROM ranked, rules
)
SELECT
    indicator_id,
    CASE WHEN in_region THEN coalesce(district_code, unknown_district_code) END AS district_code,
    CASE WHEN in_region THEN coalesce(district_name, unknown_district_name) END AS district_name,
    year,
    announced_on,
    status = 'counted' AND coalesce(in_region, false) AND in_window AS counted,
    status = 'provisional' AND coalesce(in_region, false) AND in_window AS provisional,
    status,
    stage,
    level,
    name,
    org,
    in_region,
    attribution_method,
    attribution_confidence,
    attribution_conflict,
    needs_review,
    division,
    source,
    notice_title,
    notice_url,
    origin,
    file_name,
    url,
    response_id,
    fetched_at,
    sha256,
    spam,
    entry_key,
    event_id
FROM statused;

-- The rates analysts enter, per district and year, and the city's figure: the analyst's own 全市
-- row when given, else Σ numerators / Σ denominators over the districts reported for that year.
-- `latest`: the most recent year up to the as-of date, per indicator and district (or city).
CREATE OR REPLACE VIEW mart.manual_facts AS
WITH rules AS (
    SELECT * FROM mart.counting_rules
),
rates AS (
    SELECT * FROM core.manual_fact WHERE kind = 'rates'
),
districts AS (
    SELECT indicator_id, 'district' AS scope, district_code, district_name, year, numerator, denominator, value,
           file_name, sheet, row_number, file_sha256, loaded_at
    FROM rates WHERE district_name IS NOT NULL
),
city_summed AS (
    SELECT indicator_id, year, sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM districts GROUP BY indicator_id, year
),
city_given AS (
    SELECT * FROM rates WHERE district_name IS NULL
),
city AS (
    SELECT
        coalesce(g.indicator_id, s.indicator_id) AS indicator_id,
        'city' AS scope,
        CAST(NULL AS VARCHAR) AS district_code,
        '全市' AS district_name,
        coalesce(g.year, s.year) AS year,
        coalesce(g.numerator, s.numerator) AS numerator,
        coalesce(g.denominator, s.denominator) AS denominator,
        coalesce(g.value, round(100 * s.numerator / s.denominator, 6)) AS value,
        g.file_name, g.sheet, g.row_number, g.file_sha256, g.loaded_at
    FROM city_summed AS s
    FULL JOIN city_given AS g ON g.indicator_id = s.indicator_id AND g.year = s.year
),
facts AS (
    SELECT * FROM districts
    UNION ALL BY NAME
    SELECT * FROM city
)
SELECT
    facts.*,
    facts.year = max(facts.year) FILTER (WHERE facts.year <= year(rules.as_of))
        OVER (PARTITION BY facts.indicator_id, facts.scope, facts.district_name) AS latest
FROM facts, rules;

-- The inbox files in force, and the rows they had rejected.
CREATE OR REPLACE VIEW mart.inbox_files AS
SELECT file_name, kind, sha256, rows, loaded, rejected, run_id, loaded_at FROM core.inbox_file;

CREATE OR REPLACE VIEW mart.inbox_rejects AS
SELECT file_name, sheet, row_number, reason, detail, sha256, loaded_at FROM core.inbox_reject;

-- Notices whose list could not be read automatically: enter their rows through the inbox.
CREATE OR REPLACE VIEW mart.manual_entry_queue AS
SELECT
    indicator_id, stage, notice_title, announced_on, notice_url, nullif(attachment_url, '') AS attachment_url,
    reason, detail, response_id, first_seen_run, last_seen_run
FROM core.manual_entry_needed;

-- name: delete_events
DELETE FROM core.event WHERE event_id IN (SELECT event_id FROM incoming_event);

-- name: insert_events
INSERT INTO core.event BY NAME
SELECT
    incoming.* EXCLUDE (batch_order),
    coalesce(old.first_seen_run, $run_id) AS first_seen_run,
    $run_id AS last_seen_run,
    now() AS loaded_at
FROM incoming_event AS incoming
LEFT JOIN kept_event_runs AS old USING (event_id)
QUALIFY row_number() OVER (PARTITION BY incoming.event_id ORDER BY incoming.batch_order DESC) = 1;

-- name: keep_event_runs
CREATE OR REPLACE TEMP TABLE kept_event_runs AS
SELECT event_id, first_seen_run FROM core.event WHERE event_id IN (SELECT event_id FROM incoming_event);

-- name: count_kept_event_runs
-- After a merge: how many of its events were already held (kept_event_runs has one row per such event).
SELECT count(*) FROM kept_event_runs;

-- name: delete_stale_file_events
-- After a file's batches: its events that the version now in force no longer lists.
DELETE FROM core.event WHERE source = 'inbox' AND file_name = $file_name AND last_seen_run <> $run_id;

-- name: select_event_orgs
SELECT event_id, org, name, division FROM core.event ORDER BY event_id;

-- name: update_event_attributions
UPDATE core.event AS e SET
    in_region = a.in_region,
    district_code = a.district_code,
    district_name = a.district_name,
    attribution_method = a.method,
    attribution_confidence = a.confidence,
    attribution_conflict = a.conflict,
    needs_review = a.needs_review
FROM incoming_attribution AS a
WHERE e.event_id = a.event_id;

-- name: select_inbox_file
SELECT kind, sha256 FROM core.inbox_file WHERE file_name = $file_name;

-- name: select_file_subjects
SELECT DISTINCT subject FROM core.manual_fact WHERE file_name = $file_name AND kind = $kind;

-- name: delete_file_facts
DELETE FROM core.manual_fact WHERE file_name = $file_name;

-- name: insert_manual_facts
INSERT INTO core.manual_fact BY NAME SELECT *, now() AS loaded_at FROM incoming_fact;

-- name: delete_file_rejects
DELETE FROM core.inbox_reject WHERE file_name = $file_name;

-- name: insert_inbox_rejects
INSERT INTO core.inbox_reject BY NAME SELECT *, now() AS loaded_at FROM incoming_inbox_reject;

-- name: delete_inbox_file
DELETE FROM core.inbox_file WHERE file_name = $file_name;

-- name: insert_inbox_file
INSERT INTO core.inbox_file BY NAME SELECT *, now() AS loaded_at FROM incoming_inbox_file;

-- name: retract_inbox_standard_sources
-- Standards a corrected enterprise-standard export no longer lists (and no other inbox file does).
DELETE FROM core.standard_source
WHERE source = 'inbox' AND std_no IN (SELECT std_no FROM incoming_retracted);

-- name: retract_unshared_resolved
-- A retracted standard that one source or none still lists has no ranked row any more: it is that
-- source's row, or gone (core.standard reads both from core.standard_source, sql/marts.sql).
DELETE FROM core.standard_resolved
WHERE std_no IN (SELECT std_no FROM incoming_retracted)
  AND std_no NOT IN (SELECT std_no FROM core.standard_source WHERE std_no IN (SELECT std_no FROM incoming_retracted)
                     GROUP BY std_no HAVING count(*) > 1);

-- name: recanonical_retracted_sources
-- The row of the one source left is the standard's canonical row again.
UPDATE core.standard_source
SET canonical = true
WHERE std_no IN (SELECT std_no FROM incoming_retracted)
  AND std_no IN (SELECT std_no FROM core.standard_source WHERE std_no IN (SELECT std_no FROM incoming_retracted)
                 GROUP BY std_no HAVING count(*) = 1);

-- name: note_retracted
-- The marts drop or refresh the retracted standards before publish (materialise.sql).
INSERT INTO mart_refresh SELECT std_no FROM incoming_retracted;

-- name: select_other_file_subjects
SELECT DISTINCT subject FROM core.manual_fact WHERE kind = 'enterprise_std' AND file_name <> $file_name;

-- name: keep_manual_entry_runs
CREATE OR REPLACE TEMP TABLE kept_manual_entry_runs AS
SELECT notice_url, attachment_url, first_seen_run FROM core.manual_entry_needed;

-- name: delete_manual_entries
DELETE FROM core.manual_entry_needed AS m
WHERE EXISTS (SELECT 1 FROM incoming_manual_entry AS i
              WHERE i.notice_url = m.notice_url AND i.attachment_url = m.attachment_url);

-- name: insert_manual_entries
INSERT INTO core.manual_entry_needed BY NAME
SELECT
    incoming.*,
    coalesce(old.first_seen_run, $run_id) AS first_seen_run,
    $run_id AS last_seen_run
FROM (SELECT DISTINCT ON (notice_url, attachment_url) * FROM incoming_manual_entry) AS incoming
LEFT JOIN kept_manual_entry_runs AS old USING (notice_url, attachment_url);


-- name: indicator_event_feed
-- What the progress measures read (core.indicator_event, source 'events'): every counted entry
-- in the region, on its announcement date (the measures apply the window and the as-of date),
-- and every city-wide rate, dated the last day of its year.
SELECT
    indicator_id, announced_on AS event_date, 1.0 AS value, name AS subject, org AS org_name,
    district_code, district_name, url, response_id
FROM mart.indicator_events
WHERE status = 'counted' AND in_region
UNION ALL
SELECT
    indicator_id, make_date(year, 12, 31) AS event_date, value, district_name AS subject, NULL AS org_name,
    NULL AS district_code, NULL AS district_name, 'inbox://' || coalesce(file_name, '') AS url,
    file_sha256 AS response_id
FROM mart.manual_facts
WHERE scope = 'city'
ORDER BY indicator_id, event_date;
