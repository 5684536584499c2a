-- 004 indicators: the plan in force, its numeric targets, how each indicator is measured,
-- and the events non-registry sources report against an indicator.

-- The plan document the targets were read from: one row, replaced when a plan is loaded.
CREATE TABLE ref.plan (
    plan_url    VARCHAR NOT NULL,          -- the page's URL, or a file:// URI for a local file
    response_id VARCHAR,                   -- archive record (raw.response); NULL for a local file
    sha256      VARCHAR,                   -- of the page or file as read
    title       VARCHAR,
    doc_number  VARCHAR,                   -- e.g. 苏委发〔2022〕30号, rebuilt when the scrape dropped characters
    issue_date  DATE,                      -- read from the document itself
    spam        BOOLEAN NOT NULL,          -- injected spam was found (and removed before extraction)
    spam_terms  VARCHAR[],
    n_targets   INTEGER NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL
);

-- The plan's numeric targets, one row per indicator however often the plan states it.
CREATE TABLE ref.indicator (
    indicator_id    VARCHAR PRIMARY KEY,   -- the catalogue kind (indicators.md), "<kind>-2"… if a plan states a kind twice, "plan_<hash>" when unmatched
    kind            VARCHAR,               -- catalogue kind (transform.targets.INDICATOR_CATALOGUE); NULL when unmatched
    position        INTEGER NOT NULL,      -- order of first mention in the plan, from 1
    indicator       VARCHAR NOT NULL,      -- the phrase as written
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,
    comparator      VARCHAR NOT NULL,      -- ≥ | ≤ | > | =
    deadline_year   INTEGER,
    scope           VARCHAR NOT NULL,      -- new | cumulative | rate | total
    clause          VARCHAR,               -- first mention's clause, e.g. "(二)"
    sentence        VARCHAR,               -- first mention's sentence
    plan_url        VARCHAR NOT NULL,
    response_id     VARCHAR,
    plan_issue_date DATE
);

CREATE TABLE ref.indicator_mention (
    indicator_id VARCHAR NOT NULL,
    mention      INTEGER NOT NULL,         -- 1 = first mention
    clause       VARCHAR,
    sentence     VARCHAR,
    PRIMARY KEY (indicator_id, mention)
);

-- How each indicator kind is counted. `registry`: standards of `std_types` in mart.standard, or
-- committees in mart.committee; `events`: rows of core.indicator_event (announcements);
-- `manual`: values analysts enter (core.indicator_event too). A measure with no data loaded
-- shows `waits_for`.
CREATE TABLE ref.measure (
    indicator_id VARCHAR PRIMARY KEY,      -- catalogue kind
    ordinal      INTEGER NOT NULL,         -- order of indicators.md
    label        VARCHAR NOT NULL,         -- the indicator in the catalogue's words
    method       VARCHAR NOT NULL,         -- registry | events | manual
    source_view  VARCHAR NOT NULL,         -- mart.standard | mart.committee | core.indicator_event
    std_types    VARCHAR[],                -- registry: the standard types counted
    aggregate    VARCHAR NOT NULL,         -- count (standards) | sum (event values) | latest (a rate: last value)
    sources      VARCHAR[] NOT NULL,       -- the sources that feed it
    waits_for    VARCHAR NOT NULL,         -- what the figure waits for while no data is loaded
    settings     VARCHAR,                  -- the settings that govern the count
    rule_zh      VARCHAR NOT NULL,
    rule_en      VARCHAR NOT NULL
);

INSERT INTO ref.measure VALUES
    ('std_research_rate', 1, '共性关键技术和应用类科技计划项目形成标准研究成果的比率', 'manual', 'core.indicator_event', NULL, 'latest',
     ['manual'], 'manual input: the science bureau''s statistic (科技计划项目形成标准研究成果比率)', 'as_of',
     '科技部门统计的比率，取统计截止日前最近一次填报值',
     'the science bureau''s rate, the latest value entered on or before the as-of date'),
    ('national_industry_led', 2, '新增牵头起草国家标准、行业标准', 'registry', 'mart.standard', ['national', 'industry'], 'count',
     ['samr', 'sacinfo', 'openstd'], 'the national and industry standard registries (samr, hbba)',
     'window_start, window_end, as_of, count_drafter',
     '规划期内发布、计数单位（默认牵头单位）在本地区的国家标准和行业标准，按规范标准号计一次',
     'national and industry standards issued in the window whose counting drafter (default: the lead unit) is in the region, once per canonical number'),
    ('local_std', 3, '新增地方标准', 'registry', 'mart.standard', ['local'], 'count',
     ['sacinfo', 'samr'], 'the local-standard registry (dbba)',
     'window_start, window_end, as_of, count_drafter',
     '规划期内发布的本省地方标准（DB32/T、DB3205/T 等），计数单位在本地区；本市地方标准一律计入',
     'local standards of the region''s province (DB32/T, DB3205/T, …) issued in the window and led by a region organisation; the city''s own (DB3205/T) always count'),
    ('group_std', 4, '新增自我声明公开团体标准', 'registry', 'mart.standard', ['group'], 'count',
     ['ttbz'], 'the group-standard registry (ttbz)',
     'window_start, window_end, as_of, count_drafter, group_count_by',
     '规划期内公布的团体标准，按 group_count_by：第一起草单位（drafter，默认）或发布团体（publisher）在本地区',
     'group standards published in the window whose first drafting unit (group_count_by = drafter, the default) or publishing association (publisher) is in the region'),
    ('enterprise_std', 5, '新增自我声明公开企业标准', 'registry', 'mart.standard', ['enterprise'], 'count',
     ['qybz', 'inbox'], 'the enterprise-standard registry (qybz) or analysts'' exports (inbox)',
     'window_start, window_end, as_of',
     '规划期内自我声明公开的企业标准，声明企业在本地区',
     'enterprise standards self-declared in the window by an enterprise in the region'),
    ('pilot_projects', 6, '新增各级标准化试点示范项目', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices'], 'announcements of pilot and demonstration projects (notices source)', 'window_start, window_end, as_of',
     '规划期内公布的各级标准化试点示范项目名单中本地区的项目',
     'region projects on pilot/demonstration lists announced in the window'),
    ('innovation_awards', 7, '新增各级标准创新贡献奖', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices'], 'award announcements (notices source)', 'window_start, window_end, as_of',
     '规划期内公布的标准创新贡献奖获奖名单中本地区的获奖项目',
     'region winners on award lists announced in the window'),
    ('std_tech_orgs', 8, '新增国内外标准化技术组织', 'registry', 'mart.committee', NULL, 'count',
     ['tc'], 'the technical-committee registry (tc source)', 'window_start, window_end, as_of',
     '规划期内成立、秘书处承担单位在本地区的全国专业标准化技术委员会、分技术委员会、工作组（国际组织秘书处待公告来源）',
     'national TC/SC/WG established in the window whose secretariat unit is in the region (international secretariats await the notices source)'),
    ('intl_std_led', 9, '新增牵头起草国际标准', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices', 'manual'], 'announcements or manual input of international standards led', 'window_start, window_end, as_of',
     '规划期内发布、由本地区单位牵头起草的国际标准',
     'international standards published in the window and led by a region organisation'),
    ('innovation_bases', 10, '新增(国家级、省级)技术标准创新基地', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices'], 'announcements of technical-standard innovation bases (notices source)', 'window_start, window_end, as_of',
     '规划期内获批的国家级、省级技术标准创新基地',
     'national and provincial technical-standard innovation bases approved in the window'),
    ('experts', 11, '新增国际标准化技术组织注册专家、国内(专业)标准化技术委员会委员', 'manual', 'core.indicator_event', NULL, 'sum',
     ['tc', 'manual'], 'committee member lists or manual input', 'window_start, window_end, as_of',
     '规划期内新增的国际注册专家和国内标准化技术委员会委员（本地区单位人员）',
     'registered international experts and national committee members from region organisations, new in the window'),
    ('ip_std_pilots', 12, '培育知识产权与标准融合发展试点项目', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices'], 'announcements of IP-and-standards pilot projects (notices source)', 'window_start, window_end, as_of',
     '规划期内公布的知识产权与标准融合发展试点项目',
     'IP-and-standards pilot projects announced in the window'),
    ('quality_stations', 13, '新建质量接力站、质量赋能站', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices'], 'announcements of quality relay/enabling stations (notices source)', 'window_start, window_end, as_of',
     '规划期内新建的质量接力站、质量赋能站',
     'quality relay and enabling stations set up in the window'),
    ('intl_liaison_stations', 14, '国际对口技术机构建立苏州联络站', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices', 'manual'], 'announcements or manual input of liaison stations', 'window_start, window_end, as_of',
     '规划期内国际对口技术机构在本地区建立的联络站',
     'liaison stations of international counterpart bodies set up in the region in the window'),
    ('tc_platform_entries', 15, '新增入驻重点领域标准化技术组织', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices', 'manual'], 'announcements or manual input of committees joining the platform', 'window_start, window_end, as_of',
     '规划期内入驻新兴产业标准化协作平台的重点领域标准化技术组织',
     'key-field technical organisations joining the emerging-industries platform in the window'),
    ('innovation_carriers', 16, '建设标准化创新载体', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices', 'manual'], 'announcements or manual input of standardization innovation carriers', 'window_start, window_end, as_of',
     '规划期内建设的标准化创新载体',
     'standardization innovation carriers built in the window'),
    ('std_director_coverage', 17, '规上企业标准总监培育覆盖率', 'manual', 'core.indicator_event', NULL, 'latest',
     ['manual'], 'manual input: the coverage of standards directors in enterprises above designated size', 'as_of',
     '规上企业标准总监覆盖率，取统计截止日前最近一次填报值',
     'coverage of standards directors in enterprises above designated size, the latest value entered on or before the as-of date'),
    ('service_orgs', 18, '培育标准化服务机构', 'events', 'core.indicator_event', NULL, 'sum',
     ['notices', 'manual'], 'announcements or manual input of standardization service organisations', 'window_start, window_end, as_of',
     '规划期内培育的标准化服务机构',
     'standardization service organisations fostered in the window');

-- What a non-registry source (notices, manual input) reports against an indicator: one row per counted thing (value 1) or per reported figure (a rate). A row with
-- no district is in the region, district unknown.
CREATE TABLE core.indicator_event (
    indicator_id  VARCHAR NOT NULL,        -- ref.measure kind
    event_date    DATE NOT NULL,           -- announced / established / reported on
    value         DOUBLE NOT NULL DEFAULT 1,
    subject       VARCHAR,                 -- what is counted: a committee, a project, an award…
    org_name      VARCHAR,
    district_code VARCHAR,
    district_name VARCHAR,
    source        VARCHAR NOT NULL,        -- tc | notices | manual | inbox…
    url           VARCHAR,
    response_id   VARCHAR,
    loaded_at     TIMESTAMPTZ NOT NULL
);
