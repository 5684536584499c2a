-- Night-over-night guards: the figures the publish gate (warehouse/gate.py) compares with the last
-- gated load's (meta.guard_figure). A figure that falls by more than its threshold (settings
-- guard_count_fall_percent / guard_count_fall_min / guard_share_fall_points) without an explained
-- cause fails the gate. Every `figure_*` statement returns (key, value); a share also returns its
-- numerator as key 'count', and fails only when that fell too (new unplaced arrivals dilute, not lose).

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
-- Percent of the region's organisations placed in a district (not "district unknown"), and how many
-- are placed ('count'): a share diluted by newcomers while no placed organisation was lost is no fall.
SELECT unnest(['', 'count']) AS key, unnest([100.0 * placed / total, placed]) AS value
FROM (SELECT count(*) FILTER (WHERE placed_code IS NOT NULL) AS placed, count(*) AS total
      FROM core.org_placed WHERE in_region)
WHERE total > 0

-- name: figure_drafters_share
-- Percent of standards whose drafting units are known, and how many ('count').
SELECT unnest(['', 'count']) AS key, unnest([100.0 * known / total, known]) AS value
FROM (SELECT count(*) FILTER (WHERE drafters_known) AS known, count(*) AS total FROM core.standard)
WHERE total > 0

-- name: figure_notice_list_share
-- Percent of the announcements this run read whose list was read: notices giving at least one entry,
-- of those plus the notices in which no list was found at all (manual-entry reason 'no_list'). Per
-- run, because a notice parser that stops reading lists shows only in what it read that night; no
-- figure on a night that read no announcement.
WITH read_this_run AS (
    SELECT DISTINCT notice_url, true AS list_read
    FROM core.event
    WHERE source = 'notices' AND last_seen_run = $run_id AND notice_url IS NOT NULL
    UNION
    SELECT DISTINCT notice_url, false AS list_read
    FROM core.manual_entry_needed
    WHERE reason = 'no_list' AND last_seen_run = $run_id
)
SELECT unnest(['', 'count']) AS key,
       unnest([100.0 * count(*) FILTER (WHERE list_read) / count(*), count(*) FILTER (WHERE list_read)]) AS value
FROM read_this_run
HAVING count(*) > 0

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
-- The figures of the last gated load before this one (the one readers see); for a share, the last
-- gated load that measured it (a night that read no announcement has no notice share).
WITH earlier AS (
    SELECT g.*, r.started_at,
           max(r.started_at) OVER () AS latest_started_at
    FROM meta.guard_figure AS g
    JOIN meta.run AS r USING (run_id)
    WHERE g.run_id <> $run_id
)
SELECT guard, key, value, digest
FROM earlier
WHERE started_at = latest_started_at
   OR guard IN (SELECT unnest(CAST($share_guards AS VARCHAR[])))
QUALIFY row_number() OVER (PARTITION BY guard, key ORDER BY started_at DESC) = 1

-- name: delete_figures
DELETE FROM meta.guard_figure WHERE run_id = $run_id

-- name: insert_figures
INSERT INTO meta.guard_figure BY NAME SELECT * FROM incoming_figure
