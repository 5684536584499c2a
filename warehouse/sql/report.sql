-- Named statements of the leader's report (warehouse/report.py: report_data), run on one
-- read-only connection so every section is one snapshot. The indicator figures themselves come
-- from the progress macros (progress.sql) through indicators.sql, the same as `stdwatch progress`.

-- name: measures
-- How each indicator kind is counted, the sources that feed it and its rule in both languages:
-- a coverage note of a source is stated next to every indicator that source feeds.
SELECT indicator_id, method, source_view, std_types, aggregate, sources, settings, rule_zh, rule_en
FROM ref.measure
ORDER BY ordinal;

-- name: region_districts
-- The region's districts as loaded from its reference data, 区县未知 last.
SELECT d.district_code, d.district_name, d.kind = 'unknown' AS is_unknown
FROM ref.district AS d, mart.counting_rules_at(CAST($as_of AS DATE)) AS rules
WHERE d.region_code = rules.region_code
ORDER BY d.kind = 'unknown', d.district_code;

-- name: new_standards_by_district_type
-- New standards per district and type at the as-of date: led (or, for the region's own local
-- standards, issued) in the region and issued in [window_start, counted_until]. The same rule as
-- mart.standard.counted, with the as-of date of the report rather than the one in ref.setting.
SELECT s.district_code, s.district_name, s.std_type, count(*) AS n
FROM mart.standard AS s, mart.counting_rules_at(CAST($as_of AS DATE)) AS rules
WHERE s.in_region AND s.issue_date BETWEEN rules.window_start AND rules.counted_until
GROUP BY ALL
ORDER BY s.district_code, s.std_type;

-- name: trend
-- Each measured indicator's city-wide figure as it stood on each of $days (the month ends):
-- the very macro the progress report uses, so the point on the as-of day equals the indicator's actual.
SELECT d.day, a.indicator_id, sum(a.actual) AS actual
FROM (SELECT unnest(CAST($days AS DATE[])) AS day) AS d,
     LATERAL (SELECT * FROM mart.indicator_actual_at(d.day)) AS a
GROUP BY ALL
ORDER BY d.day, a.indicator_id;

-- The province report (warehouse/report.py: province_report_data), on a province session
-- (warehouse/province.py): the regions' own marts, unioned with their region_code.

-- name: province_regions
SELECT * FROM province.regions ORDER BY region_code;

-- name: province_rules
SELECT * FROM province.counting_rules ORDER BY region_code;

-- name: province_cities
SELECT * FROM province.new_standards_by_city ORDER BY region_code;

-- name: province_districts
-- Each region's districts in its own order: by code, 区县未知 last.
SELECT d.*, d.district_code = r.unknown_district_code AS is_unknown
FROM province.new_standards_by_district AS d
JOIN province.counting_rules AS r USING (region_code)
ORDER BY d.region_code, is_unknown, d.district_code;

-- name: province_progress
SELECT * FROM province.indicator_progress ORDER BY region_code, position NULLS FIRST;
