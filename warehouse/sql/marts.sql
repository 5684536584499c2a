-- The marts: what analysts query. Views over core/ref/raw, re-created by every write
-- session (warehouse/db.py:create_views); mart.standard reads core.standard_placed, the
-- placing of every standard materialised before each publish (warehouse/marts.py).
-- docs/data-model.md describes every column in Chinese and English.

-- The counting rules at an as-of date, one row: every report states them. NULL means the
-- as-of date in ref.setting, else today; "new" means issued in [window_start, counted_until].
-- A table macro so a replay (`mart.counting_rules_at(DATE '2024-12-31')`) and the rules in
-- force (mart.counting_rules) share one definition.
CREATE OR REPLACE MACRO mart.counting_rules_at(as_of_date) AS TABLE
WITH picked AS (
    SELECT
        TRY_CAST(max(value) FILTER (WHERE key = 'window_start') AS DATE) AS window_start,
        TRY_CAST(max(value) FILTER (WHERE key = 'window_end') AS DATE) AS window_end,
        TRY_CAST(max(value) FILTER (WHERE key = 'as_of') AS DATE) AS set_as_of,
        coalesce(max(value) FILTER (WHERE key = 'count_drafter'), 'lead') AS count_drafter,
        coalesce(max(value) FILTER (WHERE key = 'group_count_by'), 'drafter') AS group_count_by,
        coalesce(max(value) FILTER (WHERE key = 'region'),
                 (SELECT min(region_code) FROM ref.district)) AS region_code
    FROM ref.setting
),
dated AS (
    SELECT picked.*, coalesce(CAST(as_of_date AS DATE), picked.set_as_of, current_date) AS as_of FROM picked
)
SELECT
    picked.window_start,
    picked.window_end,
    picked.as_of,
    -- the window, but never past the as-of date
    least(coalesce(picked.window_end, picked.as_of), picked.as_of) AS counted_until,
    picked.count_drafter,
    picked.group_count_by,
    picked.region_code,
    unknown.district_code AS unknown_district_code,
    unknown.district_name AS unknown_district_name
FROM dated AS picked
LEFT JOIN ref.district AS unknown
    ON unknown.region_code = picked.region_code AND unknown.kind = 'unknown';

CREATE OR REPLACE VIEW mart.counting_rules AS
SELECT * FROM mart.counting_rules_at(NULL);

-- Each organisation with the district of the region it counts for (placed_code/placed_name,
-- NULL unless in the region): its district code if the region lists it, else the district
-- whose name or alias it names, else the code as attributed. Every mart that places an
-- organisation (standards, committees, group-standard publishers) reads it from here.
CREATE OR REPLACE VIEW core.org_placed AS
SELECT
    o.*,
    CASE WHEN o.in_region THEN coalesce(by_code.district_code, by_name.district_code, o.district_code) END
        AS placed_code,
    CASE WHEN o.in_region THEN coalesce(by_code.district_name, by_name.district_name, o.district_name) END
        AS placed_name
FROM core.org AS o
LEFT JOIN ref.district AS by_code
    ON by_code.district_code = o.district_code AND by_code.kind <> 'unknown'
LEFT JOIN (
    SELECT district_code, district_name, known_as
    FROM (
        SELECT district_code, district_name, unnest(list_append(aliases, district_name)) AS known_as
        FROM ref.district WHERE kind <> 'unknown'
    )
    QUALIFY row_number() OVER (PARTITION BY known_as ORDER BY district_code) = 1
) AS by_name
    ON by_code.district_code IS NULL AND by_name.known_as = o.district_name;

-- A record's content key: DuckDB's 64-bit hash() of its business fields (provenance, fetch time,
-- the portal's entry time and the number as printed left out), stored in core.standard_source and
-- compared by the merge (sql/load.sql decide_standards, rekey_standard_sources): one definition, so
-- a stored key and a new one can never be computed two ways.
CREATE OR REPLACE MACRO core.content_key(std_type, prefix, year, name, status, issue_date, act_date, abolish_date,
                                         replaces, is_revision, drafters, drafters_known, committee_code,
                                         committee_name, source_id, spam) AS
hash(std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision, drafters,
     drafters_known, committee_code, committee_name, source_id, spam);

-- The canonical standards (migration 013): one row per standard number. Where one source lists
-- it, that source's record as it is (the core.standard_source row the merge flags `canonical`);
-- where several do, the row the merge ranked (core.standard_resolved: the winning source's record,
-- samr first, then ref.source_priority; the drafters of the best source that listed them). A table
-- macro of the two tables, so the marts' refresh can read a few standards' rows through the same
-- definition. The data test one_canonical_row checks that each standard has exactly one of the two.
CREATE OR REPLACE MACRO core.standard_canonical_of(sources, resolved) AS TABLE
SELECT
    std_no, std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision,
    drafters[1] AS lead_org, drafter_keys[1] AS lead_org_key, drafters, drafter_keys, drafters_known,
    source AS drafters_source, committee_code, committee_name, source, source_id, url, response_id,
    fetched_at, sha256, coalesce(spam, false) AS spam, [source] AS sources, first_seen_run, last_changed_run
FROM query_table(sources)
WHERE canonical
UNION ALL BY NAME
SELECT * FROM query_table(resolved);

-- Every canonical row with its drafters' organisation keys (what the placing and the drafters read).
CREATE OR REPLACE VIEW core.standard_canonical AS
FROM core.standard_canonical_of('core.standard_source', 'core.standard_resolved');

-- One row per canonical standard number: the interface of every mart and of analysts' SQL.
CREATE OR REPLACE VIEW core.standard AS
SELECT * EXCLUDE (drafter_keys) FROM core.standard_canonical;

-- Each drafter of each standard in listed order (position 1 = the lead, 牵头 unit), with the
-- organisation key of its name: the canonical row's lists, unnested.
CREATE OR REPLACE MACRO core.drafters_of(standards) AS TABLE
SELECT
    std_no,
    CAST(unnest(generate_series(1, len(drafters))) AS INTEGER) AS position,
    unnest(drafters) AS org_name,
    unnest(drafter_keys) AS org_key
FROM query_table(standards)
WHERE len(drafters) > 0;

CREATE OR REPLACE VIEW core.standard_drafter AS
FROM core.drafters_of('core.standard_canonical');

-- Each drafter with its organisation's attribution. A drafter reaches its organisation by
-- its name as listed (core.org_name, written with the attributions), else by its own key.
-- A macro of the drafter table, so the marts' refresh can place a few standards' drafters.
CREATE OR REPLACE MACRO core.drafter_org_of(drafters) AS TABLE
SELECT
    d.std_no,
    d.position,
    d.org_name,
    coalesce(n.org_key, d.org_key) AS org_key,
    o.in_region,
    o.district_code,
    o.district_name,
    o.placed_code,
    o.placed_name,
    o.method,
    o.confidence,
    o.conflict,
    o.needs_review
FROM query_table(drafters) AS d
LEFT JOIN core.org_name AS n USING (org_name)
LEFT JOIN core.org_placed AS o ON o.org_key = coalesce(n.org_key, d.org_key);

CREATE OR REPLACE VIEW core.standard_drafter_org AS
FROM core.drafter_org_of('core.standard_drafter');

-- One row per standard, with the attribution of the organisation it counts for: everything of
-- mart.standard but the two columns of the as-of date (is_new, counted). Ranking every drafter
-- and joining it to its organisation is too slow to do per query at millions of standards, so
-- this view is materialised as core.standard_placed before every publish (warehouse/marts.py):
-- rebuilt when an input of the placing changed (organisations, their names, districts, the
-- counting rules), else refreshed for the standards the session re-resolved, which it places
-- through the macro with tables of just those standards and their drafters. Change this
-- definition and add a migration that drops core.standard_placed: it is rebuilt with the new columns.
CREATE OR REPLACE MACRO core.standard_placing_of(standards, drafters) AS TABLE
WITH rules AS (
    SELECT * FROM mart.counting_rules
),
drafter AS (
    SELECT * FROM core.drafter_org_of(drafters)
),
-- count_drafter = 'lead': the lead unit (position 1).
-- count_drafter = 'any':  the first drafter placed in the region, else the lead unit.
counting_drafter AS (
    SELECT drafter.*
    FROM drafter, rules
    WHERE drafter.position = 1 OR (rules.count_drafter = 'any' AND drafter.in_region)
    QUALIFY row_number() OVER (
        PARTITION BY drafter.std_no
        ORDER BY rules.count_drafter = 'any' AND coalesce(drafter.in_region, false) DESC, drafter.position
    ) = 1
),
decided AS (
    SELECT
        s.*,
        c.org_name AS counting_org,
        c.position AS counting_position,
        c.in_region AS org_in_region,
        c.placed_code,
        c.placed_name,
        c.method AS attribution_method,
        c.confidence AS attribution_confidence,
        c.conflict AS attribution_conflict,
        c.needs_review AS attribution_needs_review,
        -- the region's own local standards (DB<region>/T) are the city's whoever drafted them
        coalesce(starts_with(s.prefix, 'DB' || rules.region_code), false) AS region_local_standard,
        rules.count_drafter,
        rules.unknown_district_code, rules.unknown_district_name
    FROM query_table(standards) AS s
    CROSS JOIN rules
    LEFT JOIN counting_drafter AS c USING (std_no)
),
placed AS (
    SELECT
        decided.*,
        CASE
            WHEN org_in_region THEN
                CASE WHEN count_drafter = 'any' AND counting_position > 1 THEN 'any_drafter' ELSE 'lead' END
            WHEN region_local_standard THEN 'region_local_standard'
        END AS count_basis,
        CASE WHEN org_in_region OR region_local_standard THEN true ELSE org_in_region END AS counts_in_region
    FROM decided
)
SELECT
    p.std_no,
    p.std_type,
    p.prefix,
    p.year,
    p.name,
    p.status,
    p.issue_date,
    p.act_date,
    p.abolish_date,
    p.is_revision,
    p.replaces,
    p.lead_org,
    p.lead_org_key,
    p.drafters,
    p.drafters_known,
    p.counting_org,
    p.counting_position,
    p.count_basis,
    p.counts_in_region AS in_region,
    CASE WHEN p.counts_in_region THEN coalesce(p.placed_code, p.unknown_district_code) END AS district_code,
    CASE WHEN p.counts_in_region THEN coalesce(p.placed_name, p.unknown_district_name) END AS district_name,
    p.attribution_method,
    p.attribution_confidence,
    p.attribution_conflict,
    p.attribution_needs_review,
    p.spam,
    p.committee_code,
    p.committee_name,
    p.sources,
    p.source,
    p.source_id,
    p.url,
    p.fetched_at,
    p.sha256,
    p.response_id,
    r.warc_path,
    r.warc_offset,
    r.warc_length,
    p.drafters_source,
    p.first_seen_run,
    p.last_changed_run
FROM placed AS p
LEFT JOIN raw.response AS r USING (response_id);

CREATE OR REPLACE VIEW core.standard_placing AS
FROM core.standard_placing_of('core.standard', 'core.standard_drafter');

CREATE TABLE IF NOT EXISTS core.standard_placed AS SELECT * FROM core.standard_placing WITH NO DATA;

-- The placed standards counted by everything a count by district, type and date of issue can
-- filter on: what mart.new_standards_by_district(_month) and the progress measures sum instead
-- of scanning mart.standard (a few hundred thousand rows at most: districts × types × prefixes
-- × days, against millions of standards). Materialised as core.standard_tally with
-- core.standard_placed (warehouse/marts.py): after a refresh, the counts of the standards it
-- replaced are subtracted and those of their new rows added; a rebuild counts them all again.
-- The as-of date stays out of it: the views filter issue_date by the rules in force.
CREATE OR REPLACE MACRO core.standard_tally_of(placed) AS TABLE
SELECT in_region, district_code, district_name, std_type, prefix, issue_date, count(*) AS n
FROM query_table(placed)
GROUP BY ALL;

CREATE OR REPLACE VIEW core.standard_tallying AS
FROM core.standard_tally_of('core.standard_placed');

CREATE TABLE IF NOT EXISTS core.standard_tally AS SELECT * FROM core.standard_tallying WITH NO DATA;

-- What the materialisation was last built from (warehouse/marts.py): key 'placing_inputs'.
CREATE TABLE IF NOT EXISTS meta.mart_state (key VARCHAR PRIMARY KEY, value VARCHAR);

-- One row per standard, with the attribution of the organisation it counts for; is_new and
-- counted at the as-of date of the rules in force (NULL as_of: today).
CREATE OR REPLACE VIEW mart.standard AS
SELECT
    p.std_no,
    p.std_type,
    p.prefix,
    p.year,
    p.name,
    p.status,
    p.issue_date,
    p.act_date,
    p.abolish_date,
    p.is_revision,
    p.replaces,
    p.lead_org,
    p.lead_org_key,
    p.drafters,
    p.drafters_known,
    p.counting_org,
    p.counting_position,
    p.count_basis,
    p.in_region,
    p.district_code,
    p.district_name,
    p.attribution_method,
    p.attribution_confidence,
    p.attribution_conflict,
    p.attribution_needs_review,
    coalesce(p.issue_date BETWEEN rules.window_start AND rules.counted_until, false) AS is_new,
    coalesce(p.issue_date BETWEEN rules.window_start AND rules.counted_until, false)
        AND coalesce(p.in_region, false) AS counted,
    p.spam,
    p.committee_code,
    p.committee_name,
    p.sources,
    p.source,
    p.source_id,
    p.url,
    p.fetched_at,
    p.sha256,
    p.response_id,
    p.warc_path,
    p.warc_offset,
    p.warc_length,
    p.drafters_source,
    p.first_seen_run,
    p.last_changed_run
FROM core.standard_placed AS p
CROSS JOIN mart.counting_rules AS rules;

-- New standards per district, type and month of issue: in-region, issued on or after the
-- window start and not after the as-of date (so a trend can run past the window's end).
-- Summed from core.standard_tally: the same rows as mart.standard's, counted at publish.
CREATE OR REPLACE VIEW mart.new_standards_by_district_month AS
SELECT
    s.district_code,
    s.district_name,
    s.std_type,
    CAST(date_trunc('month', s.issue_date) AS DATE) AS month,
    CAST(year(s.issue_date) AS INTEGER) AS year,
    CAST(sum(s.n) AS BIGINT) AS n
FROM core.standard_tally AS s, mart.counting_rules AS rules
WHERE s.in_region AND s.issue_date >= rules.window_start AND s.issue_date <= rules.as_of
GROUP BY ALL
ORDER BY month, district_code, std_type;

-- New standards in the window per district and type, one row per district (all of the
-- region's districts, zeros included, 区县未知 last): the table a terminal prints.
CREATE OR REPLACE VIEW mart.new_standards_by_district AS
WITH rules AS (
    SELECT * FROM mart.counting_rules
),
district AS (
    SELECT d.district_code, d.district_name, d.kind = 'unknown' AS is_unknown
    FROM ref.district AS d, rules
    WHERE d.region_code = rules.region_code
),
tally AS (
    -- mart.standard's counted rows (in the region, issued in [window_start, counted_until]),
    -- summed from core.standard_tally
    SELECT
        district_code,
        any_value(district_name) AS district_name,
        CAST(sum(n) FILTER (WHERE std_type = 'national') AS BIGINT) AS n_national,
        CAST(sum(n) FILTER (WHERE std_type = 'industry') AS BIGINT) AS n_industry,
        CAST(sum(n) FILTER (WHERE std_type IN ('national', 'industry')) AS BIGINT) AS n_national_industry,
        CAST(sum(n) FILTER (WHERE std_type = 'local') AS BIGINT) AS n_local,
        CAST(sum(n) FILTER (WHERE std_type = 'group') AS BIGINT) AS n_group,
        CAST(sum(n) FILTER (WHERE std_type = 'enterprise') AS BIGINT) AS n_enterprise,
        CAST(sum(n) AS BIGINT) AS n_total
    FROM core.standard_tally, rules
    WHERE in_region AND issue_date BETWEEN rules.window_start AND rules.counted_until
    GROUP BY district_code
)
SELECT
    coalesce(district.district_code, tally.district_code) AS district_code,
    coalesce(district.district_name, tally.district_name) AS district_name,
    coalesce(tally.n_national, 0) AS n_national,
    coalesce(tally.n_industry, 0) AS n_industry,
    coalesce(tally.n_national_industry, 0) AS n_national_industry,
    coalesce(tally.n_local, 0) AS n_local,
    coalesce(tally.n_group, 0) AS n_group,
    coalesce(tally.n_enterprise, 0) AS n_enterprise,
    coalesce(tally.n_total, 0) AS n_total
FROM district
FULL OUTER JOIN tally USING (district_code)
ORDER BY coalesce(district.is_unknown, false), district_code;

-- Organisations whose attribution needs a person, in two queues: `unplaced` (in the region but
-- no district, or no evidence at all while leading standards the region counts in 区县未知) and
-- `conflict` (placed, or outside, but some evidence disagrees). `reason_code` says why, from the
-- attribution's own fields (docs/data-model.md lists the codes); the busiest first.
CREATE OR REPLACE VIEW mart.review_queue AS
WITH rules AS (
    SELECT * FROM mart.counting_rules
),
led AS (
    SELECT
        d.org_key,
        count(*) FILTER (WHERE s.is_new) AS standards_led_in_window,
        count(*) FILTER (WHERE s.counted AND s.district_code = rules.unknown_district_code) AS standards_unplaced,
        count(*) AS standards_led
    FROM core.standard_drafter_org AS d
    JOIN mart.standard AS s USING (std_no)
    CROSS JOIN rules
    WHERE d.position = 1
    GROUP BY d.org_key
),
drafted AS (
    SELECT org_key, count(DISTINCT std_no) AS standards_drafted
    FROM core.standard_drafter_org
    GROUP BY org_key
),
register AS (
    SELECT org_key, count(*) AS register_rows
    FROM core.org_evidence
    GROUP BY org_key
),
queued AS (
    SELECT
        o.*,
        CASE
            WHEN o.in_region AND o.placed_code IS NULL THEN 'unplaced'
            WHEN o.conflict IS NOT NULL THEN 'conflict'
            ELSE 'unplaced'
        END AS queue,
        CASE
            WHEN o.conflict LIKE '%says outside%' THEN 'out_of_region_evidence'
            WHEN o.conflict IS NOT NULL THEN 'conflict'
            WHEN o.in_region IS NULL THEN 'no_evidence'
            WHEN o.uscc_valid AND substr(o.uscc, 3, 6) LIKE '__0000' THEN 'province_level_code'
            WHEN o.uscc_valid AND substr(o.uscc, 3, 6) = rules.region_code || '00' THEN 'city_level_code'
            WHEN o.method = 'name' THEN 'city_level_name'
            WHEN o.method IN ('address', 'gazetteer') THEN 'city_level_address'
            WHEN o.method = 'division_field' THEN 'city_level_division'
            ELSE 'city_level_evidence'
        END AS reason_code
    FROM core.org_placed AS o
    CROSS JOIN rules
    LEFT JOIN led USING (org_key)
    WHERE o.needs_review
       OR (o.in_region AND o.placed_code IS NULL)
       OR (o.in_region IS NULL AND coalesce(led.standards_unplaced, 0) > 0)
)
SELECT
    o.org_key,
    o.name,
    o.queue,
    o.reason_code,
    o.uscc,
    o.uscc_valid,
    o.in_region,
    o.district_code,
    o.district_name,
    o.method,
    o.confidence,
    o.conflict,
    o.evidence,
    coalesce(led.standards_led_in_window, 0) AS standards_led_in_window,
    coalesce(led.standards_unplaced, 0) AS standards_unplaced,
    coalesce(led.standards_led, 0) AS standards_led,
    coalesce(drafted.standards_drafted, 0) AS standards_drafted,
    coalesce(register.register_rows, 0) AS register_rows
FROM queued AS o
LEFT JOIN led USING (org_key)
LEFT JOIN drafted USING (org_key)
LEFT JOIN register USING (org_key)
ORDER BY o.queue DESC, standards_unplaced DESC, standards_led_in_window DESC, standards_drafted DESC, o.org_key;

-- From a standard to the archived responses its facts came from: one row per source listing it.
CREATE OR REPLACE VIEW mart.standard_provenance AS
SELECT
    listed.std_no,
    listed.source,
    listed.source_id,
    listed.source = s.source AS used_for_record,
    listed.source = s.drafters_source AS used_for_drafters,
    listed.url,
    listed.fetched_at,
    listed.sha256,
    listed.response_id,
    r.warc_path,
    r.warc_offset,
    r.warc_length,
    r.status AS http_status,
    r.content_type,
    r.spam AS page_spam,
    r.spam_terms,
    listed.first_seen_run,
    listed.last_changed_run,
    listed.last_seen_run,
    listed.last_seen_at
FROM core.standard_source AS listed
JOIN core.standard AS s USING (std_no)
LEFT JOIN raw.response AS r ON r.response_id = listed.response_id
ORDER BY listed.std_no, used_for_record DESC, listed.source;
