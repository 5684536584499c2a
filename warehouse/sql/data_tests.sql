-- The declared data tests: what must hold before a load is published (the publish gate,
-- warehouse/gate.py, runs every one inside the write session). Each test is one query that
-- returns the rows that FAIL it: no rows, the test passes. `kind:` and `checks:` say what it is
-- and what it looks at; the failing rows of the last gated loads are in mart.data_tests.
-- docs/data-model.md ("Data tests") lists them next to the view or table each checks.

-- name: standard_number_unique
-- kind: unique
-- checks: core.standard (std_no)
-- One row per canonical standard number: two numbers that differ only in spaces, dashes or
-- letter case are the same standard entered twice (a parser that stopped canonicalising).
SELECT upper(regexp_replace(std_no, '[\s\-—－–]', '', 'g')) AS number_key,
       list(std_no ORDER BY std_no) AS std_nos,
       count(*) AS n
FROM core.standard
GROUP BY number_key
HAVING count(*) > 1

-- name: standard_source_unique
-- kind: unique
-- checks: core.standard_source (std_no, source)
-- One provenance row per standard and source: the table has no primary key (migration 010: the
-- merge keeps it unique set at a time), so this is its check. (core.standard and
-- core.standard_drafter are views, migration 013: one_canonical_row checks what they read.)
SELECT 'core.standard_source' AS "table", std_no, source AS key, count(*) AS n
FROM core.standard_source
GROUP BY std_no, source
HAVING count(*) > 1

-- name: mart_standard_unique
-- kind: unique
-- checks: mart.standard (std_no)
-- One row per standard in what analysts count: a join that doubles rows doubles the figures.
SELECT std_no, count(*) AS n
FROM mart.standard
GROUP BY std_no
HAVING count(*) > 1

-- name: counted_event_unique
-- kind: unique
-- checks: mart.indicator_events (entry_key)
-- One counted row per event identity (an announced entry counts once however often it is listed).
SELECT entry_key, indicator_id, count(*) AS n
FROM mart.indicator_events
WHERE status = 'counted'
GROUP BY entry_key, indicator_id
HAVING count(*) > 1

-- name: organisation_unique
-- kind: unique
-- checks: core.org_placed (org_key)
-- One placement per organisation.
SELECT org_key, count(*) AS n
FROM core.org_placed
GROUP BY org_key
HAVING count(*) > 1

-- name: counted_standard_not_null
-- kind: not_null
-- checks: mart.standard (std_type, issue_date, district_code, district_name) where counted
-- What counting needs: a counted standard has a type, an issue date and a district.
SELECT std_no, std_type, issue_date, district_code, district_name
FROM mart.standard
WHERE counted AND (std_type IS NULL OR issue_date IS NULL OR district_code IS NULL OR district_name IS NULL)

-- name: lead_unit_not_null
-- kind: not_null
-- checks: core.standard (lead_org) where drafters are listed
-- A standard with drafting units listed has a lead (牵头) unit, the first: the one it counts by.
SELECT std_no, source, drafters, lead_org
FROM core.standard
WHERE len(coalesce(drafters, [])) > 0 AND nullif(trim(coalesce(lead_org, '')), '') IS NULL

-- name: counted_event_not_null
-- kind: not_null
-- checks: mart.indicator_events (indicator_id, announced_on, district_code) where counted
SELECT event_id, indicator_id, announced_on, district_code, name
FROM mart.indicator_events
WHERE counted AND (indicator_id IS NULL OR announced_on IS NULL OR district_code IS NULL)

-- name: standard_type_accepted
-- kind: accepted_values
-- checks: core.standard (std_type) in national, industry, local, group, enterprise
SELECT std_no, std_type
FROM core.standard
WHERE std_type IS NULL OR std_type NOT IN ('national', 'industry', 'local', 'group', 'enterprise')

-- name: standard_status_accepted
-- kind: accepted_values
-- checks: core.standard (status) in 现行, 即将实施, 有更新版, 被代替, 废止, or none given
SELECT std_no, source, status
FROM core.standard
WHERE status IS NOT NULL AND status NOT IN ('现行', '即将实施', '有更新版', '被代替', '废止')

-- name: org_district_accepted
-- kind: accepted_values
-- checks: core.org_placed (placed_code) in the region's districts (ref.district, from transform/regions/<code>/districts.csv)
-- An organisation placed in the region is placed in one of its districts (or "district unknown").
SELECT o.org_key, o.name, o.district_code, o.placed_code, o.method
FROM core.org_placed AS o
WHERE o.in_region AND o.placed_code IS NOT NULL
  AND o.placed_code NOT IN (
      SELECT d.district_code FROM ref.district AS d, mart.counting_rules AS rules
      WHERE d.region_code = rules.region_code)

-- name: event_district_accepted
-- kind: accepted_values
-- checks: mart.indicator_events (district_code) in the region's districts, where counted
SELECT e.event_id, e.name, e.org, e.district_code
FROM mart.indicator_events AS e
WHERE e.counted AND e.district_code NOT IN (
    SELECT d.district_code FROM ref.district AS d, mart.counting_rules AS rules
    WHERE d.region_code = rules.region_code)

-- name: event_status_accepted
-- kind: accepted_values
-- checks: mart.indicator_events (status) in counted, provisional, superseded, duplicate; (stage) in decision, preliminary
SELECT event_id, status, stage
FROM mart.indicator_events
WHERE status NOT IN ('counted', 'provisional', 'superseded', 'duplicate')
   OR stage NOT IN ('decision', 'preliminary')

-- name: lead_unit_is_organisation
-- kind: relationships
-- checks: core.standard (lead_org) → core.org (through core.org_name, else lead_org_key)
-- Every lead unit was attributed: it is an organisation of the register.
SELECT s.std_no, s.lead_org, s.lead_org_key
FROM core.standard AS s
LEFT JOIN core.org_name AS n ON n.org_name = s.lead_org
LEFT JOIN core.org AS o ON o.org_key = coalesce(n.org_key, s.lead_org_key)
WHERE s.lead_org IS NOT NULL AND o.org_key IS NULL

-- name: event_organisation_attributed
-- kind: relationships
-- checks: core.event (org) → its attribution (attribution_method), and (indicator_id) → ref.measure
-- Every event's organisation was looked up, and every event counts for a measured indicator of the
-- plan (a region whose plan is not loaded yet has no measures: its events wait for one).
SELECT e.event_id, e.indicator_id, e.org, e.name, e.attribution_method
FROM core.event AS e
WHERE e.attribution_method IS NULL
   OR (e.indicator_id NOT IN (SELECT indicator_id FROM ref.measure) AND EXISTS (SELECT 1 FROM ref.measure))

-- name: standard_has_provenance
-- kind: relationships
-- checks: core.standard (std_no, source) → core.standard_source
-- Every standard's record comes from a source row that keeps its provenance.
SELECT s.std_no, s.source
FROM core.standard AS s
LEFT JOIN core.standard_source AS p ON p.std_no = s.std_no AND p.source = s.source
WHERE p.std_no IS NULL

-- name: one_canonical_row
-- kind: relationships
-- checks: core.standard_source (canonical), core.standard_resolved (std_no) → one canonical row per standard
-- Each standard number has one canonical row (migration 013): its only source's row, flagged
-- canonical, or, where several sources list it, its ranked row in core.standard_resolved and no
-- source row flagged. Otherwise core.standard would list it twice, or not at all.
WITH listed AS (
    SELECT std_no, count(*) AS source_rows, count(*) FILTER (WHERE canonical) AS canonical_rows
    FROM core.standard_source
    GROUP BY std_no
),
ranked AS (
    SELECT std_no, count(*) AS ranked_rows FROM core.standard_resolved GROUP BY std_no
)
SELECT std_no, coalesce(source_rows, 0) AS source_rows, coalesce(canonical_rows, 0) AS canonical_rows,
       coalesce(ranked_rows, 0) AS ranked_rows
FROM listed
FULL JOIN ranked USING (std_no)
WHERE coalesce(canonical_rows, 0) <> CASE WHEN source_rows = 1 THEN 1 ELSE 0 END
   OR coalesce(ranked_rows, 0) <> CASE WHEN source_rows > 1 THEN 1 ELSE 0 END

-- name: provenance_has_archive_record
-- kind: relationships
-- checks: core.standard_source (response_id) → raw.response, for every fetched source
-- Every fetched fact's provenance names an archived response that exists (an analyst's file is
-- named by its own sha256 instead: source 'inbox').
SELECT p.std_no, p.source, p.url, p.response_id
FROM core.standard_source AS p
LEFT JOIN raw.response AS r ON r.response_id = p.response_id
WHERE p.source <> 'inbox' AND r.response_id IS NULL

-- name: plan_indicator_has_measure
-- kind: plan
-- checks: ref.indicator (kind) → ref.measure
-- Every target of the loaded plan is measured: a target nothing counts would show no progress, ever.
SELECT i.indicator_id, i.indicator, i.kind, i.clause
FROM ref.indicator AS i
WHERE i.kind IS NULL OR i.kind NOT IN (SELECT indicator_id FROM ref.measure)
