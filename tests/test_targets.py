"""Plan reading and target extraction: the Suzhou plan as crawled, and hand-written plans of the same kind.

Each fixture plan in `tests/fixtures/plans/` has a `<name>.expected.json` written by hand
before the extractor existed; the test compares the extractor's output with it field by field.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from transform.plan import find_issue_date, plan_text_from_html, read_plan
from transform.targets import INDICATOR_CATALOGUE, extract_targets, read_targets, targets_to_json

SUZHOU_PLAN = Path("/work/shared/plans/suzhou-2022-standardization-opinions.txt")
PLANS = Path(__file__).parent / "fixtures" / "plans"
SPAM = "澳门皇冠赌场_澳门皇冠游戏-投注app官网"

# shared/design/indicators.md: id, value, unit, comparator, deadline, clauses it is stated in.
SUZHOU_EXPECTED = [
    ("std_research_rate", 50, "%", "≥", 2025, ["(二)"]),
    ("national_industry_led", 500, "项", "≥", 2025, ["(二)", "(二十四)"]),
    ("local_std", 200, "项", "≥", 2025, ["(二)", "(二十四)"]),
    ("group_std", 200, "项", "≥", 2025, ["(二)", "(二十四)"]),
    ("enterprise_std", 10000, "项", "≥", 2025, ["(二)", "(二十四)"]),
    ("pilot_projects", 50, "项", "≥", 2025, ["(二)", "(二十四)"]),
    ("innovation_awards", 10, "项", "≥", 2025, ["(二)", "(二十四)"]),
    ("std_tech_orgs", 20, "个", "≥", 2025, ["(二)", "(二十四)"]),
    ("intl_std_led", 30, "项", "≥", 2025, ["(二)", "(二十一)"]),
    ("innovation_bases", 3, "个", "≥", 2025, ["(二)", "(二十六)"]),
    ("experts", 100, "名", "≥", 2025, ["(二)", "(二十七)"]),
    ("ip_std_pilots", 30, "项", "≥", 2025, ["(四)"]),
    ("quality_stations", 10, "个", "≥", 2025, ["(五)"]),
    ("intl_liaison_stations", 10, "个", "≥", 2025, ["(二十一)"]),
    ("tc_platform_entries", 10, "个", "≥", 2025, ["(二十六)"]),
    ("innovation_carriers", 20, "个", "≥", 2025, ["(二十六)"]),
    ("std_director_coverage", 50, "%", "≥", 2025, ["(二十七)"]),
    ("service_orgs", 10, "家", "≥", 2025, ["(二十八)"]),
]

suzhou = read_plan(SUZHOU_PLAN.read_text(encoding="utf-8"))
suzhou_targets = extract_targets(suzhou.text)


def _read_fixture(name: str):
    raw = (PLANS / name).read_text(encoding="utf-8")
    return read_plan(plan_text_from_html(raw) if name.endswith(".html") else raw)


FIXTURES = sorted(PLANS.glob("*.expected.json"))


# --- Suzhou --------------------------------------------------------------------------------


def test_suzhou_plan_gives_exactly_the_18_indicators():
    got = [
        (t.indicator_id, t.value, t.unit, t.comparator, t.deadline_year, [m.clause for m in t.mentions])
        for t in suzhou_targets
    ]
    assert sorted(got) == sorted(SUZHOU_EXPECTED)
    assert len({t.indicator_id for t in suzhou_targets}) == 18


def test_suzhou_combined_and_carried_indicators():
    by_id = {t.indicator_id: t for t in suzhou_targets}
    assert by_id["national_industry_led"].indicator == "新增牵头起草国家标准、行业标准"
    assert by_id["local_std"].indicator == "新增牵头起草地方标准"
    assert by_id["enterprise_std"].indicator == "新增自我声明公开企业标准"
    assert by_id["intl_liaison_stations"].indicator == "国际对口技术机构建立苏州联络站"
    assert {t.scope for t in suzhou_targets if t.unit == "%"} == {"rate"}
    assert {t.scope for t in suzhou_targets if t.unit != "%"} == {"new"}


def test_suzhou_header_read_through_the_damage():
    assert suzhou.issue_date == date(2022, 8, 21)
    assert suzhou.doc_number == "苏委发〔2022〕30号"
    assert suzhou.spam and set(suzhou.spam) == {SPAM}
    assert SPAM not in suzhou.text and "\u00a0" not in suzhou.text
    assert "扫一扫在手机打开当前页" not in suzhou.text and "当前位置" not in suzhou.text
    assert suzhou.title == "中共委 人民政府贯彻落实国家标准化发展纲要的实施意见"


def test_suzhou_mentions_point_at_their_sentences():
    for target in suzhou_targets:
        assert target.sentence == target.mentions[0].sentence and target.clause == target.mentions[0].clause
        for mention in target.mentions:
            assert mention.sentence in suzhou.text
            expression = suzhou.text[mention.span[0] : mention.span[1]]
            assert expression in mention.sentence
            assert str(target.value) in expression


def test_suzhou_2035_goals_yield_nothing():
    assert all(t.deadline_year == 2025 for t in suzhou_targets)


def test_targets_to_json_shape():
    record = targets_to_json(suzhou_targets)[0]
    assert set(record) == {
        "indicator", "indicator_id", "value", "unit", "comparator", "deadline_year", "scope", "clause", "sentence", "mentions",
    }
    assert set(record["mentions"][0]) == {"clause", "sentence"}
    json.dumps(targets_to_json(suzhou_targets), ensure_ascii=False)


def test_catalogue_holds_the_18_kinds_and_the_kinds_other_plans_need():
    other_plans = {"std_leaders", "national_std", "industry_std", "intl_national_std", "intl_national_industry_std",
                   "national_industry_local_std"}
    assert set(INDICATOR_CATALOGUE) == {row[0] for row in SUZHOU_EXPECTED} | other_plans


# --- hand-written plans of the same kind ---------------------------------------------------


@pytest.mark.parametrize("expected_path", FIXTURES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture_plan_matches_its_hand_written_expectation(expected_path: Path):
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    doc = _read_fixture(expected["plan"])
    assert doc.title == expected["title"]
    assert (doc.issue_date.isoformat() if doc.issue_date else None) == expected["issue_date"]
    assert doc.doc_number == expected["doc_number"]
    assert bool(doc.spam) == expected["spam"]
    got = [
        {
            "indicator": t.indicator,
            "indicator_id": t.indicator_id,
            "value": t.value,
            "unit": t.unit,
            "comparator": t.comparator,
            "deadline_year": t.deadline_year,
            "scope": t.scope,
            "mention_clauses": [m.clause for m in t.mentions],
        }
        for t in extract_targets(doc.text)
    ]
    assert got == expected["targets"]


def test_there_are_at_least_five_fixture_plans():
    assert len(FIXTURES) >= 5


def test_qualitative_plan_has_no_targets():
    doc = _read_fixture("nantong-2023-qualitative-opinions.txt")
    assert "2021年全市主导制定国家标准120项" in doc.text
    assert extract_targets(doc.text) == []
    assert extract_targets(doc.text, default_deadline=2025) == []


def test_traditional_plan_keeps_its_sentences_as_written():
    doc = _read_fixture("changzhou-2022-action-plan-hant.txt")
    targets = extract_targets(doc.text)
    enterprise = next(t for t in targets if t.indicator_id == "enterprise_std")
    assert enterprise.value == 15000 and enterprise.unit == "项"
    assert "1.5萬項以上" in enterprise.sentence and enterprise.sentence in doc.text


def test_spam_plan_reports_spam_and_keeps_targets_intact():
    doc = _read_fixture("wuxi-2023-opinions-spam.txt")
    assert doc.spam and all(SPAM == s for s in doc.spam)
    targets = extract_targets(doc.text)
    assert all(SPAM not in m.sentence for t in targets for m in t.mentions)
    local = next(t for t in targets if t.indicator_id == "local_std")
    assert (local.indicator, local.value, len(local.mentions)) == ("新增地方标准", 60, 2)


def test_html_body_keeps_paragraphs_and_drops_page_chrome():
    text = plan_text_from_html((PLANS / "hangzhou-2023-action-plan.html").read_text(encoding="utf-8"))
    lines = text.splitlines()
    assert lines[0].startswith("杭州市人民政府办公厅关于印发")
    assert "一、工作目标" in lines and "二、重点任务" in lines
    assert any(line.startswith("建设省级以上标准化试点示范项目") for line in lines)  # the <br> break
    assert "_hmt" not in text and "主办单位" not in text


# --- small readers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("苏委发〔2022〕30号\n(2022年8月21日)\n", date(2022, 8, 21)),
        ("苏委发〔202230\n2022821日)\n", date(2022, 8, 21)),
        ("x〔2023〕1号\n（20231121日）\n", date(2023, 11, 21)),
        ("x〔2022〕1号\n2022111日)\n", None),  # 1月11日 or 11月1日: not guessed
        ("时间: 2022-11-01 09:00\nx〔2022〕1号\n2022111日)\n", date(2022, 11, 1)),
        ("时间: 2022-08-20 15:58\n(2022年8月21日)\n", date(2022, 8, 21)),
        ("发布日期：2023-06-15\n", date(2023, 6, 15)),
        ("正文。\n\n二〇二三年二月二十日\n", date(2023, 2, 20)),
        ("2022年13月40日)\n", None),
    ],
)
def test_issue_date(text: str, expected: date | None):
    assert find_issue_date(text) == expected


def test_default_deadline_fills_only_missing_years():
    text = "（一）目标。到2025年，新增地方标准100项。\n（二）任务。培育标准化服务机构10家以上。\n"
    targets = extract_targets(text, default_deadline=2027)
    assert [(t.indicator_id, t.deadline_year) for t in targets] == [("local_std", 2025), ("service_orgs", 2027)]


def test_shared_verb_is_carried_over_a_parallel_list():
    targets = extract_targets("（一）目标。到2025年，新增国家标准100项，地方标准50项，打造10个以上省级标准化试点示范项目、5个国家级标准化试点示范项目。")
    assert [(t.indicator, t.value) for t in targets] == [
        ("新增国家标准", 100),
        ("新增地方标准", 50),
        ("打造省级标准化试点示范项目", 10),
        ("打造国家级标准化试点示范项目", 5),
    ]


# --- the classes of issue 12, one hand-written sentence each ---------------------------------


def _got(text: str) -> list[tuple]:
    return [(t.value, t.unit, t.comparator, t.deadline_year, t.indicator_id, t.scope) for t in extract_targets(text)]


def test_number_before_its_noun():
    text = "（一）目标。到2025年，全市建设10个以上省级标准化试点示范项目，组织50家重点企业参与对标达标。"
    assert _got(text) == [(10, "个", "≥", 2025, "pilot_projects", "new"), (50, "家", "=", 2025, None, "total")]  # organised, not created


def test_counts_describing_the_document_or_its_tasks_are_not_targets():
    text = ("（一）说明。到2025年，本意见全文共分5部分28条，提出8个方面32项重点任务，确定了12项具体量化指标，"
            "分解到10个区县。新增地方标准100项。")
    assert _got(text) == [(100, "项", "=", 2025, "local_std", "new")]


def test_a_sentence_naming_2025_and_2035_before_the_2025_figures():
    text = "（二）发展目标。到2025年，标准体系基本建成；到2035年，全面建成标准强市。主要指标：新增团体标准300项以上。"
    assert _got(text) == [(300, "项", "≥", 2025, "group_std", "new")]


def test_a_2035_figure_stays_2035():
    text = "（二）发展目标。到2025年，新增团体标准300项以上。到2035年，累计主导制定国际标准100项以上。"
    assert [(v, d) for v, _, _, d, _, _ in _got(text)] == [(300, 2025), (100, 2035)]


def test_a_year_without_to():
    text = "苏政发〔2023〕1号\n（二）目标。2025年，企业标准化良好行为覆盖率达30%，新增地方标准50项。"
    assert _got(text) == [(30, "%", "=", 2025, None, "rate"), (50, "项", "=", 2025, "local_std", "new")]


def test_a_past_year_without_to_is_not_a_deadline():
    text = "苏政发〔2023〕1号\n（一）基础。2021年，全市新增地方标准40项。"
    assert _got(text) == []


def test_distributive_each_gives_one_target_per_level():
    got = extract_targets("（二）目标。到2025年，主导制定国际、国家、行业标准各100项以上。")
    assert [(t.indicator, t.value, t.indicator_id) for t in got] == [
        ("主导制定国际标准", 100, "intl_std_led"),
        ("主导制定国家标准", 100, "national_std"),
        ("主导制定行业标准", 100, "industry_std"),
    ]


def test_each_that_cannot_be_split_is_unsure():
    reading = read_targets("（二）目标。到2025年，各县区各10项以上。")
    assert reading.targets == [] and [u.number for u in reading.unsure] == ["10项以上"]


def test_leaders_pilots_and_demonstrations_are_never_a_standards_count():
    got = _got("（二）目标。到2025年，培育企业标准“领跑者”30个，建设国家标准化示范区5个，新增企业标准试点项目8个。")
    # A 国家标准化示范区 is on the pilot lists; an 企业标准试点 has no kind; none is a standards count.
    assert [kind for *_, kind, _ in got] == ["std_leaders", "pilot_projects", None]


def test_combined_levels_map_to_a_combined_kind():
    got = _got("（二）目标。到2025年，主导制定国际标准、国家标准、行业标准200项，国家、行业和地方标准300项，国际标准或国家标准50项。")
    assert [kind for *_, kind, _ in got] == ["intl_national_industry_std", "national_industry_local_std", "intl_national_std"]


def test_chinese_numerals_ranges_and_per_year_targets():
    got = _got("（二）目标。到2025年，建设十个标准化示范项目，制定地方标准两百项，培育团体标准20—30项，每年新增企业标准1000项以上。")
    assert got == [
        (10, "个", "=", 2025, "pilot_projects", "new"),
        (200, "项", "=", 2025, "local_std", "new"),
        (20, "项", "≥", 2025, "group_std", "new"),
        (1000, "项", "≥", 2025, "enterprise_std", "per_year"),
    ]


def test_numerals_that_are_words_are_not_numbers():
    assert _got("（二）目标。到2025年，形成一批先进标准，落实“三个走在前”，建设一个平台。") == []


def test_approximate_counts_in_a_goal_are_more_than():
    assert _got("（二）目标。到2025年，发布地方标准1500余项。") == [(1500, "项", ">", 2025, "local_std", "new")]


def test_a_number_in_a_goal_sentence_without_deadline_is_unsure_not_dropped():
    reading = read_targets("今年将组织开展641项地方标准制修订。")
    assert reading.targets == []
    assert [(u.number, u.sentence) for u in reading.unsure] == [("641项", "今年将组织开展641项地方标准制修订。")]


def test_past_statements_are_neither_targets_nor_unsure():
    reading = read_targets("截至2021年年底，发布实施地方标准996项。上海牵头制定国际标准115项。")
    assert reading.targets == [] and reading.unsure == []


def test_unsure_says_why():
    taizhou = read_targets("2023年，共新增制定团体标准49项。")
    assert [u.number for u in taizhou.unsure] == ["49项"] and "bare year" in taizhou.unsure[0].reason
    each = read_targets("（二）目标。到2025年，各县区各10项以上。")
    assert "各" in each.unsure[0].reason


def test_pinyin_glosses_of_a_reprint_are_removed():
    doc = read_plan("（二）目標。到2025年，新增入駐的國際和全國標準化技術(shù)組織3個以上，培育企業(yè)標準“領(lǐng)跑者”50項。\n")
    assert "(shù)" not in doc.text and "技術組織" in doc.text
    assert [t.indicator_id for t in extract_targets(doc.text)] == ["std_tech_orgs", "std_leaders"]


def test_platform_entries_need_the_platform_named():
    platform = "（二）目标。发挥标准化协作平台作用，到2025年新增入驻重点领域标准化技术组织10个以上。"
    province = "（二）目标。到2025年，新增入驻本省的国际和全国标准化技术组织3个以上。"
    assert [t.indicator_id for t in extract_targets(platform)] == ["tc_platform_entries"]
    assert [t.indicator_id for t in extract_targets(province)] == ["std_tech_orgs"]
