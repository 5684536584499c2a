-- Night-over-night guards: the figures the publish gate (warehouse/gate.py) compares with the last
-- gated load's (meta.guard_figure). A figure that falls by more than its threshold (settings
-- guard_count_fall_percent / guard_count_fall_min / guard_share_fall_points) without an explained
-- cause fails the gate. Every `figure_*` statement returns (key, value).

-- name: figure_district_type_count
-- Counted standards per district × type.
SELECT district_code || '|' || std_type AS key, count(*)::DOUBLE AS value
FROM mart.standard
WHERE counted
GROUP BY district_code, std_type

-- name: figure_indicator_actual
-- Each measured indicator's city-wide actual (rates included: a rate that falls is a fall too).
SELECT indicator_id AS key, actual::DOUBLE AS value
FROM mart.indicator_progress
WHERE method IS NOT NULL AND actual IS NOT NULL

-- name: figure_placed_org_share
-- Percent of the region's organisations placed in a district (not "district unknown").
SELECT '' AS key,
       100.0 * count(*) FILTER (WHERE placed_code IS NOT NULL) / count(*) AS value
FROM core.org_placed
WHERE in_region
HAVING count(*) > 0

-- name: figure_drafters_share
-- Percent of standards whose drafting units are known.
SELECT '' AS key, 100.0 * count(*) FILTER (WHERE drafters_known) / count(*) AS value
FROM core.standard
HAVING count(*) > 0

-- name: figure_notice_list_share
-- Percent of the announcements selected whose list was read: notices with at least one entry,
-- of those plus the notices in which no list was found at all (manual-entry reason 'no_list').
WITH read_lists AS (
    SELECT DISTINCT notice_url FROM core.event WHERE source = 'notices' AND notice_url IS NOT NULL
),
no_list AS (
    SELECT DISTINCT notice_url FROM core.manual_entry_needed
    WHERE reason = 'no_list' AND notice_url NOT IN (SELECT notice_url FROM read_lists)
)
SELECT '' AS key,
       100.0 * (SELECT count(*) FROM read_lists)
             / ((SELECT count(*) FROM read_lists) + (SELECT count(*) FROM no_list)) AS value
WHERE (SELECT count(*) FROM read_lists) + (SELECT count(*) FROM no_list) > 0

-- name: context_digests
-- What explains a fall, as digests: the plan in force, the reviewed overrides applied, the counting settings.
SELECT 'plan' AS key, md5(coalesce(string_agg(sha256 || ':' || plan_url, ',' ORDER BY plan_url), '')) AS digest
FROM ref.plan
UNION ALL
SELECT 'overrides', md5(coalesce(string_agg(org_key || '=' || coalesce(district_code, ''), ',' ORDER BY org_key), ''))
FROM core.org
WHERE method = 'override'
UNION ALL
SELECT 'counting_settings', md5(coalesce(string_agg(key || '=' || coalesce(value, ''), ',' ORDER BY key), ''))
FROM ref.setting
WHERE key IN ('region', 'window_start', 'window_end', 'count_drafter', 'group_count_by')

-- name: abolished_this_run
-- Standards this run saw change to 废止, per district × type: an explained fall of that cell.
SELECT s.district_code || '|' || s.std_type AS key, count(DISTINCT s.std_no)::DOUBLE AS value
FROM core.standard_status_history AS h
JOIN mart.standard AS s USING (std_no)
WHERE h.run_id = $run_id AND h.status = '废止' AND s.district_code IS NOT NULL
GROUP BY ALL

-- name: previous_figures
-- The figures of the last gated load before this one (the one readers see).
SELECT g.guard, g.key, g.value, g.digest
FROM meta.guard_figure AS g
WHERE g.run_id = (
    SELECT f.run_id
    FROM meta.guard_figure AS f
    JOIN meta.run AS r USING (run_id)
    WHERE f.run_id <> $run_id
    ORDER BY r.started_at DESC
    LIMIT 1
)

-- name: delete_figures
DELETE FROM meta.guard_figure WHERE run_id = $run_id

-- name: insert_figures
INSERT INTO meta.guard_figure BY NAME SELECT * FROM incoming_figure
