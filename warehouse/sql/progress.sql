-- Progress against the plan's own targets. Re-created after marts.sql by every write session
-- (warehouse/db.py:create_views); docs/data-model.md describes every column.
--
-- Each figure is a table macro of the as-of date, so one definition serves "as of the rule in
-- force" and a replay: `SELECT * FROM mart.indicator_progress_at(DATE '2024-12-31')`.
-- NULL means the as-of date in ref.setting, else today. The views call the macros with NULL.
-- mart.counting_rules_at, which they all read, is in marts.sql.

-- Each measure with whether its source has delivered anything yet: a standards measure once a
-- standard of one of its types is loaded, the committee measure once a committee is, an event
-- measure once an event of its kind is. The types loaded are read from core.standard_tally (the
-- published standards counted at publish), not from millions of standards.
CREATE OR REPLACE VIEW ref.measure_status AS
WITH loaded AS (
    SELECT
        (SELECT coalesce(list(DISTINCT std_type), []) FROM core.standard_tally) AS std_types,
        (SELECT count(*) > 0 FROM core.committee) AS committees,
        (SELECT coalesce(list(DISTINCT indicator_id), []) FROM core.indicator_event) AS event_kinds
)
SELECT
    m.*,
    CASE m.source_view
        WHEN 'mart.standard' THEN len(list_intersect(m.std_types, loaded.std_types)) > 0
        WHEN 'mart.committee' THEN loaded.committees
        ELSE list_contains(loaded.event_kinds, m.indicator_id)
    END AS has_data
FROM ref.measure AS m, loaded;

-- What each measure counts at an as-of date, per district (a 'latest' rate: one city row, district NULL).
CREATE OR REPLACE MACRO mart.indicator_actual_at(as_of_date) AS TABLE
WITH rules AS (
    SELECT * FROM mart.counting_rules_at(as_of_date)
),
registry_type AS (
    SELECT indicator_id, unnest(std_types) AS std_type FROM ref.measure WHERE source_view = 'mart.standard'
),
standards AS (
    -- in the region, issued in [window_start, counted_until]; a local standard only of the
    -- region's province (DB32… for 3205); group standards by drafter unless group_count_by = publisher
    -- (mart.standard's rows, summed from core.standard_tally)
    SELECT t.indicator_id, s.district_code, sum(s.n) AS actual
    FROM core.standard_tally AS s
    JOIN registry_type AS t USING (std_type)
    CROSS JOIN rules
    WHERE s.in_region
      AND s.issue_date BETWEEN rules.window_start AND rules.counted_until
      AND (s.std_type <> 'local' OR starts_with(s.prefix, 'DB' || left(rules.region_code, 2)))
      AND NOT (s.std_type = 'group' AND rules.group_count_by = 'publisher')
    GROUP BY ALL
),
group_publishers AS (
    SELECT t.indicator_id, p.district_code, count(*) AS actual
    FROM mart.group_standard_by_publisher AS p
    JOIN registry_type AS t ON t.std_type = 'group'
    CROSS JOIN rules
    WHERE rules.group_count_by = 'publisher'
      AND p.publisher_in_region
      AND p.issue_date BETWEEN rules.window_start AND rules.counted_until
    GROUP BY ALL
),
committees AS (
    -- established in the window, secretariat unit in the region (a committee without a
    -- founding date cannot be told new)
    SELECT m.indicator_id, c.district_code, count(*) AS actual
    FROM mart.committee AS c
    JOIN ref.measure AS m ON m.source_view = 'mart.committee'
    CROSS JOIN rules
    WHERE c.in_region AND c.established BETWEEN rules.window_start AND rules.counted_until
    GROUP BY ALL
),
events AS (
    SELECT e.indicator_id, coalesce(e.district_code, rules.unknown_district_code) AS district_code, sum(e.value) AS actual
    FROM core.indicator_event AS e
    JOIN ref.measure AS m USING (indicator_id)
    CROSS JOIN rules
    WHERE m.aggregate = 'sum' AND e.event_date BETWEEN rules.window_start AND rules.counted_until
    GROUP BY ALL
),
latest AS (
    SELECT e.indicator_id, CAST(NULL AS VARCHAR) AS district_code, arg_max(e.value, (e.event_date, e.loaded_at)) AS actual
    FROM core.indicator_event AS e
    JOIN ref.measure AS m USING (indicator_id)
    CROSS JOIN rules
    WHERE m.aggregate = 'latest' AND e.event_date <= rules.as_of
    GROUP BY ALL
)
SELECT indicator_id, district_code, CAST(actual AS DOUBLE) AS actual FROM standards
UNION ALL
SELECT indicator_id, district_code, CAST(actual AS DOUBLE) FROM group_publishers
UNION ALL
SELECT indicator_id, district_code, CAST(actual AS DOUBLE) FROM committees
UNION ALL
SELECT indicator_id, district_code, actual FROM events
UNION ALL
SELECT indicator_id, district_code, actual FROM latest;

-- One row per target of the plan (per measure, waiting for the plan, until one is loaded).
CREATE OR REPLACE MACRO mart.indicator_progress_at(as_of_date) AS TABLE
WITH rules AS (
    SELECT * FROM mart.counting_rules_at(as_of_date)
),
actual AS (
    SELECT indicator_id, sum(actual) AS actual FROM mart.indicator_actual_at(as_of_date) GROUP BY indicator_id
),
plan AS (
    SELECT count(*) > 0 AS loaded FROM ref.indicator
),
listed AS (
    SELECT indicator_id, kind, position, indicator, value AS target, unit, comparator, deadline_year, scope, clause
    FROM ref.indicator
    UNION ALL BY NAME
    SELECT m.indicator_id, m.indicator_id AS kind, m.ordinal AS position, m.label AS indicator
    FROM ref.measure AS m, plan
    WHERE NOT plan.loaded
),
measured AS (
    SELECT
        listed.*,
        m.method,
        m.source_view,
        m.rule_en AS rule,
        m.waits_for AS measure_waits_for,
        m.indicator_id IS NOT NULL AS has_measure,
        -- nothing counted is 0 once the source has delivered; a rate has no value until one is entered
        CASE WHEN m.has_data THEN CASE WHEN m.aggregate = 'latest' THEN actual.actual ELSE coalesce(actual.actual, 0) END
        END AS actual,
        rules.window_start,
        rules.window_end,
        rules.as_of,
        rules.counted_until
    FROM listed
    CROSS JOIN rules
    LEFT JOIN ref.measure_status AS m ON m.indicator_id = listed.kind
    LEFT JOIN actual ON actual.indicator_id = listed.kind
),
judged AS (
    SELECT
        *,
        CASE WHEN target > 0 THEN actual / target END AS share_of_target,
        -- days elapsed / days of the window, both inclusive, clamped to 0..1
        greatest(0.0, least(1.0,
            (date_diff('day', window_start, as_of) + 1) / (date_diff('day', window_start, window_end) + 1)
        )) AS expected_share,
        as_of > window_end AS deadline_passed,
        -- "=" (左右, about) is reached like "≥"
        CASE comparator
            WHEN '≥' THEN actual >= target WHEN '=' THEN actual >= target
            WHEN '>' THEN actual > target WHEN '≤' THEN actual <= target
        END AS satisfied
    FROM measured
)
SELECT
    indicator_id,
    kind,
    position,
    indicator,
    target,
    unit,
    comparator,
    deadline_year,
    scope,
    clause,
    method,
    source_view,
    actual,
    share_of_target,
    expected_share,
    CASE
        WHEN target IS NULL THEN 'no target yet'
        WHEN actual IS NULL THEN 'no data yet'
        -- a ceiling is only met once the window is over
        WHEN comparator = '≤' THEN CASE WHEN NOT satisfied THEN 'behind' WHEN deadline_passed THEN 'met' ELSE 'on track' END
        WHEN satisfied THEN 'met'
        WHEN deadline_passed THEN 'behind'
        WHEN share_of_target >= expected_share THEN 'on track'
        ELSE 'behind'
    END AS status,
    deadline_passed,
    CASE
        WHEN target IS NULL THEN 'the plan: set plan_url or plan_file and run the nightly load'
        WHEN NOT has_measure THEN 'a measure: no counting method is defined for this indicator'
        WHEN actual IS NULL THEN measure_waits_for
    END AS waits_for,
    rule,
    window_start,
    window_end,
    as_of,
    counted_until
FROM judged
ORDER BY position;

-- District × measured indicator (registry and event counts), every district of the region
-- including 区县未知. The plan's targets are city-wide: a district shows its actual and its
-- share of the city's actual.
CREATE OR REPLACE MACRO mart.district_progress_at(as_of_date) AS TABLE
WITH rules AS (
    SELECT * FROM mart.counting_rules_at(as_of_date)
),
district AS (
    SELECT d.district_code, d.district_name, d.kind = 'unknown' AS is_unknown
    FROM ref.district AS d, rules
    WHERE d.region_code = rules.region_code
),
stated AS (
    -- the plan's words and target for a kind (its first statement, if stated twice)
    SELECT kind, min(position) AS position, arg_min(indicator, position) AS indicator, arg_min(value, position) AS target
    FROM ref.indicator
    WHERE kind IS NOT NULL
    GROUP BY kind
),
stated_measure AS (
    SELECT m.indicator_id, m.aggregate, m.ordinal, m.has_data, m.waits_for, stated.position,
           coalesce(stated.indicator, m.label) AS indicator, stated.target AS city_target
    FROM ref.measure_status AS m
    LEFT JOIN stated ON stated.kind = m.indicator_id
    -- once a plan is loaded, only the kinds it states
    WHERE stated.kind IS NOT NULL OR NOT EXISTS (SELECT 1 FROM ref.indicator)
),
measure AS (
    SELECT * FROM stated_measure WHERE aggregate IN ('count', 'sum')
),
actuals AS (
    SELECT indicator_id, district_code, actual FROM mart.indicator_actual_at(as_of_date)
),
tally AS (
    SELECT indicator_id, district_code, actual FROM actuals WHERE district_code IS NOT NULL
),
grid AS (
    SELECT
        indicator_id,
        district_code,
        district.district_name,
        coalesce(district.is_unknown, false) AS is_unknown,
        tally.actual,
        sum(tally.actual) OVER (PARTITION BY indicator_id) AS city_actual
    FROM measure
    CROSS JOIN district
    FULL OUTER JOIN tally USING (indicator_id, district_code)
),
counts AS (
    SELECT
        measure.indicator_id,
        measure.indicator,
        grid.district_code,
        coalesce(grid.district_name, grid.district_code) AS district_name,
        grid.is_unknown,
        CASE WHEN measure.has_data THEN coalesce(grid.actual, 0) END AS actual,
        CASE WHEN measure.has_data THEN coalesce(grid.city_actual, 0) END AS city_actual,
        CASE WHEN measure.has_data THEN coalesce(grid.actual, 0) / nullif(grid.city_actual, 0) END AS share_of_city,
        measure.city_target,
        measure.has_data,
        CASE WHEN NOT measure.has_data THEN measure.waits_for END AS waits_for,
        coalesce(measure.position, 1000 + measure.ordinal) AS sort_key
    FROM grid
    JOIN measure USING (indicator_id)
),
-- Rates (the analysts' numerator/denominator per district and year): each district's latest
-- year on or before the as-of date; a rate is not a share of the city, so share_of_city is NULL.
rate_measure AS (
    SELECT * FROM stated_measure WHERE aggregate = 'latest'
),
rate_cells AS (
    SELECT f.indicator_id, f.district_code, arg_max(f.value, f.year) AS actual
    FROM mart.manual_facts AS f, rules
    WHERE f.scope = 'district' AND f.year <= year(rules.as_of)
    GROUP BY f.indicator_id, f.district_code
),
rates AS (
    SELECT
        rate_measure.indicator_id,
        rate_measure.indicator,
        district.district_code,
        district.district_name,
        district.is_unknown,
        rate_cells.actual,
        city.actual AS city_actual,
        CAST(NULL AS DOUBLE) AS share_of_city,
        rate_measure.city_target,
        rate_measure.has_data,
        CASE WHEN NOT rate_measure.has_data THEN rate_measure.waits_for END AS waits_for,
        coalesce(rate_measure.position, 1000 + rate_measure.ordinal) AS sort_key
    FROM rate_measure
    CROSS JOIN district
    LEFT JOIN rate_cells USING (indicator_id, district_code)
    LEFT JOIN (SELECT indicator_id, actual FROM actuals WHERE district_code IS NULL) AS city USING (indicator_id)
    WHERE NOT district.is_unknown
)
SELECT
    both_kinds.* EXCLUDE (sort_key),
    rules.as_of,
    rules.counted_until
FROM (SELECT * FROM counts UNION ALL BY NAME SELECT * FROM rates) AS both_kinds
CROSS JOIN rules
ORDER BY both_kinds.sort_key, both_kinds.is_unknown, both_kinds.district_code;

CREATE OR REPLACE VIEW mart.indicator_progress AS
SELECT * FROM mart.indicator_progress_at(NULL);

CREATE OR REPLACE VIEW mart.district_progress AS
SELECT * FROM mart.district_progress_at(NULL);
