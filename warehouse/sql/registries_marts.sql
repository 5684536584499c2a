-- Marts for committees, group-standard publishers and cross-portal disagreements.
-- Re-created by every write session with the other views (warehouse/db.py:create_views).

-- Each committee with its secretariat's attribution; counted = secretariat in the region and
-- established inside the plan window (indicator std_tech_orgs).
CREATE OR REPLACE VIEW mart.committee AS
SELECT
    c.code,
    c.name,
    c.kind,
    c.secretariat_unit,
    c.address,
    c.province,
    c.established,
    o.in_region,
    CASE WHEN o.in_region THEN coalesce(o.placed_code, rules.unknown_district_code) END AS district_code,
    CASE WHEN o.in_region THEN coalesce(o.placed_name, rules.unknown_district_name) END AS district_name,
    o.method AS attribution_method,
    o.confidence AS attribution_confidence,
    coalesce(c.established BETWEEN rules.window_start AND rules.counted_until, false) AS is_new,
    coalesce(o.in_region, false)
        AND coalesce(c.established BETWEEN rules.window_start AND rules.counted_until, false) AS counted,
    c.spam,
    c.source,
    c.url,
    c.fetched_at,
    c.sha256,
    c.response_id
FROM core.committee AS c
CROSS JOIN mart.counting_rules AS rules
LEFT JOIN core.org_name AS n ON n.org_name = c.secretariat_unit
LEFT JOIN core.org_placed AS o ON o.org_key = n.org_key;

-- New committees per district and year of establishment (区县未知 included).
CREATE OR REPLACE VIEW mart.new_committees_by_district AS
SELECT district_code, district_name, year(established) AS year, count(*) AS n
FROM mart.committee
WHERE counted
GROUP BY ALL;

-- Group standards seen from the publishing association (the second view of group_std):
-- counted when the publisher is placed in the region and the standard was issued in the window.
CREATE OR REPLACE VIEW mart.group_standard_by_publisher AS
SELECT
    s.std_no,
    s.name,
    s.issue_date,
    p.publisher,
    o.in_region AS publisher_in_region,
    CASE WHEN o.in_region THEN coalesce(o.placed_code, rules.unknown_district_code) END AS district_code,
    CASE WHEN o.in_region THEN coalesce(o.placed_name, rules.unknown_district_name) END AS district_name,
    coalesce(o.in_region, false)
        AND coalesce(s.issue_date BETWEEN rules.window_start AND rules.counted_until, false) AS counted,
    p.source,
    p.response_id
FROM core.standard AS s
JOIN core.group_publisher AS p USING (std_no)
CROSS JOIN mart.counting_rules AS rules
LEFT JOIN core.org_name AS n ON n.org_name = p.publisher
LEFT JOIN core.org_placed AS o ON o.org_key = n.org_key
WHERE s.std_type = 'group'
QUALIFY row_number() OVER (PARTITION BY s.std_no ORDER BY p.source) = 1;

-- Where portals disagree about a standard: every source's value, and the one used
-- (the rule: the record of the highest-priority source wins; ref.source_priority, samr first).
CREATE OR REPLACE VIEW mart.source_disagreements AS
WITH per_field AS (
    SELECT std_no, 'status' AS field, source, status AS value FROM core.standard_source WHERE status IS NOT NULL
    UNION ALL
    SELECT std_no, 'issue_date', source, CAST(issue_date AS VARCHAR) FROM core.standard_source WHERE issue_date IS NOT NULL
    UNION ALL
    SELECT std_no, 'act_date', source, CAST(act_date AS VARCHAR) FROM core.standard_source WHERE act_date IS NOT NULL
    UNION ALL
    SELECT std_no, 'abolish_date', source, CAST(abolish_date AS VARCHAR) FROM core.standard_source WHERE abolish_date IS NOT NULL
    UNION ALL
    SELECT std_no, 'name', source, name FROM core.standard_source WHERE name IS NOT NULL
)
SELECT
    f.std_no,
    f.field,
    list(f.source || ': ' || f.value ORDER BY coalesce(pr.priority, 999), f.source) AS values_by_source,
    arg_min(f.value, coalesce(pr.priority, 999)) AS value_used,
    arg_min(f.source, coalesce(pr.priority, 999)) AS source_used
FROM per_field AS f
LEFT JOIN ref.source_priority AS pr USING (source)
GROUP BY f.std_no, f.field
HAVING count(DISTINCT f.value) > 1;
