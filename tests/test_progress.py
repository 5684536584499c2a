"""Progress against the plan's targets: hand-made standards, attributions and events + the real
Suzhou targets → actual, share, expected share and status per indicator, worked out by hand;
replays with an as-of date; district rows including 区县未知; unmeasured indicators with what
they wait for. (tmp_path only, no network.)"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from transform.plan import read_plan
from transform.records import Attribution, CommitteeRecord, Provenance, StandardRecord
from transform.targets import Target, extract_targets
from warehouse import Warehouse, progress_report, query, replace_indicator_events, replace_plan
from warehouse.registries import load_group_publishers, merge_committees
from transform.region import load_region

PLAN_FILE = Path(__file__).parent / "fixtures" / "plans" / "suzhou-2022-standardization-opinions.txt"
PLAN = read_plan(PLAN_FILE.read_text(encoding="utf-8"))
TARGETS = extract_targets(PLAN.text)
PLAN_PROVENANCE = Provenance("plan", "https://www.suzhou.gov.cn/szsrmzf/zfwj/202208/plan.shtml",
                             datetime(2026, 1, 5, tzinfo=timezone.utc), "resp-plan", "sha-plan")
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
WINDOW_START, WINDOW_END = date(2022, 8, 21), date(2025, 12, 31)
WINDOW_DAYS = (WINDOW_END - WINDOW_START).days + 1  # 1229, both ends inclusive
RULES = {"window_start": WINDOW_START, "window_end": WINDOW_END, "as_of": date(2024, 12, 31),
         "count_drafter": "lead", "group_count_by": "drafter", "region": "3205"}

KUNSHAN, SIP, WUJIANG, UNKNOWN = "320583", "320571", "320509", "320500"


def placed(code: str | None, name: str | None, in_region: bool = True) -> Attribution:
    return Attribution(in_region=in_region, district_code=code, district_name=name,
                       method="name" if code else "none", confidence=0.8, uscc_valid=None)


ORGS = {
    "昆山甲科技有限公司": placed(KUNSHAN, "昆山市"),
    "苏州乙公司": placed(None, None),                      # in the city, district unknown
    "南京丙研究院": placed(None, None, in_region=False),
    "苏州工业园区丁公司": placed(SIP, "苏州工业园区"),
    "吴江戊公司": placed(WUJIANG, "吴江区"),
}


def standard(std_no: str, lead: str, issued: date, std_type: str = "national", *more: str) -> StandardRecord:
    n = hashlib.sha256(std_no.encode()).hexdigest()
    return StandardRecord(
        std_no=std_no, std_no_raw=std_no, std_type=std_type, prefix=std_no.split(" ")[0], year=issued.year,
        name=f"{std_no} 名称", status="现行", issue_date=issued, act_date=issued, abolish_date=None, replaces=[],
        is_revision=False, drafters=[lead, *more], drafters_known=True, source="samr", source_id=n[:8],
        detail_url=None, provenance=Provenance("samr", f"https://std.example/{n[:8]}", T0, n, n),
    )


STANDARDS = [
    standard("GB/T 101-2023", "昆山甲科技有限公司", date(2023, 1, 10)),
    standard("GB/T 102-2024", "苏州乙公司", date(2024, 2, 1)),
    standard("GB/T 103-2023", "南京丙研究院", date(2023, 6, 1), "national", "昆山甲科技有限公司"),  # led outside
    standard("JT/T 104-2025", "苏州工业园区丁公司", date(2025, 3, 1), "industry"),
    standard("GB/T 105-2026", "昆山甲科技有限公司", date(2026, 1, 15)),   # after the window
    standard("GB/T 106-2022", "昆山甲科技有限公司", date(2022, 8, 20)),   # the day before the window
    standard("GB/T 107-2022", "吴江戊公司", date(2022, 8, 21)),           # the window's first day
    standard("DB3205/T 108-2023", "南京丙研究院", date(2023, 9, 9), "local"),  # the city's own: counts, district unknown
    standard("DB32/T 109-2024", "苏州工业园区丁公司", date(2024, 7, 1), "local"),
    standard("DB31/T 110-2024", "昆山甲科技有限公司", date(2024, 3, 1), "local"),  # another province's local standard
    standard("T/ABC 111-2024", "苏州工业园区丁公司", date(2024, 5, 5), "group"),
]


def committee(code: str, secretariat: str, established: date | None) -> CommitteeRecord:
    return CommitteeRecord(code=code, name=f"全国{code}标准化技术委员会", kind="SC" if "/SC" in code else "TC",
                           secretariat_unit=secretariat, address=None, province="江苏省", established=established,
                           provenance=Provenance("tc", f"https://std.example/tc/{code}", T0, code, code))


COMMITTEES = [
    committee("TC901", "昆山甲科技有限公司", date(2023, 5, 1)),
    committee("TC902/SC1", "苏州乙公司", date(2025, 6, 1)),      # secretariat in the city, district unknown
    committee("TC900", "昆山甲科技有限公司", date(2022, 1, 1)),  # before the window
    committee("TC903", "南京丙研究院", date(2023, 1, 1)),        # secretariat outside the region
    committee("TC904", "苏州工业园区丁公司", None),              # no founding date: cannot be told new
]
PILOTS = [  # announcements reported against pilot_projects (the notices source)
    {"indicator_id": "pilot_projects", "event_date": date(2023, 11, 1), "subject": "昆山甲标准化试点",
     "district_code": KUNSHAN, "district_name": "昆山市"},
    {"indicator_id": "pilot_projects", "event_date": date(2024, 11, 1), "subject": "某示范项目"},  # district unknown
]
RESEARCH_RATE = [  # an analyst's entries of a rate: the latest value on or before the as-of date counts
    {"indicator_id": "std_research_rate", "event_date": date(2023, 12, 31), "value": 35.0},
    {"indicator_id": "std_research_rate", "event_date": date(2024, 12, 31), "value": 42.0},
    {"indicator_id": "std_research_rate", "event_date": date(2025, 6, 1), "value": 55.0},
]


def build(path: Path, *, with_plan: bool = True, targets: list[Target] = TARGETS) -> Path:
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
        w.merge_standards(STANDARDS, "run-1")
        merge_committees(w, COMMITTEES, "run-1")
        w.replace_org_attributions([(None, name, a) for name, a in ORGS.items()])
        replace_indicator_events(w, "notices", PILOTS)
        replace_indicator_events(w, "manual", RESEARCH_RATE)
        if with_plan:
            replace_plan(w, PLAN, targets, PLAN_PROVENANCE, region_code="3205")
    return path


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("progress") / "warehouse.duckdb")


def expected_share(as_of: date) -> float:
    return min(1.0, max(0.0, ((as_of - WINDOW_START).days + 1) / WINDOW_DAYS))


def indicators(path: Path, as_of: date | None = None) -> dict[str, dict]:
    return {r["indicator_id"]: r for r in progress_report(path, as_of).indicators}


def districts(path: Path, indicator_id: str, as_of: date | None = None) -> dict[str, dict]:
    return {r["district_code"]: r for r in progress_report(path, as_of).districts if r["indicator_id"] == indicator_id}


# ── city-wide, at the as-of date in the settings (2024-12-31) ─────────────────────────────────


def test_every_target_of_the_plan_is_a_row_in_the_plan_order(wh):
    rows = progress_report(wh).indicators
    assert len(rows) == 18
    assert [r["indicator_id"] for r in rows] == [t.indicator_id for t in TARGETS]
    assert rows[1]["indicator"] == "新增牵头起草国家标准、行业标准"
    assert (rows[1]["target"], rows[1]["unit"], rows[1]["comparator"], rows[1]["deadline_year"]) == (500, "项", "≥", 2025)


def test_measured_indicators_by_hand(wh):
    got = indicators(wh)
    share = expected_share(date(2024, 12, 31))
    assert share == pytest.approx(864 / 1229)
    # GB/T 101 (昆山), GB/T 102 (unknown), GB/T 107 (吴江, on the first day). Not: GB/T 103 (led in
    # Nanjing), JT/T 104 (issued after the as-of date), GB/T 105/106 (outside the window).
    national = got["national_industry_led"]
    assert (national["actual"], national["status"]) == (3, "behind")
    assert national["share_of_target"] == pytest.approx(3 / 500)
    assert national["expected_share"] == pytest.approx(share)
    # DB3205/T 108 (the city's own) and DB32/T 109; never DB31/T 110 (another province).
    assert (got["local_std"]["actual"], got["local_std"]["share_of_target"]) == (2, pytest.approx(2 / 200))
    assert got["group_std"]["actual"] == 1
    assert got["std_tech_orgs"]["actual"] == 1  # TC901; TC902 is later, TC900 earlier, TC903 outside, TC904 undated
    assert got["pilot_projects"]["actual"] == 2
    rate = got["std_research_rate"]  # 42 % entered on 2024-12-31 against ≥ 50 %: 0.84 ≥ 0.703
    assert (rate["actual"], rate["share_of_target"], rate["status"]) == (42, pytest.approx(0.84), "on track")
    assert {r["window_start"] for r in got.values()} == {WINDOW_START}
    assert {r["as_of"] for r in got.values()} == {date(2024, 12, 31)}


def test_indicators_without_data_say_what_they_wait_for(wh):
    got = indicators(wh)
    assert got["enterprise_std"]["status"] == "no data yet"  # no enterprise standard loaded at all
    assert got["enterprise_std"]["actual"] is None and got["enterprise_std"]["share_of_target"] is None
    assert "qybz" in got["enterprise_std"]["waits_for"]
    unmeasured = {"innovation_awards", "intl_std_led", "innovation_bases", "experts", "ip_std_pilots",
                  "quality_stations", "intl_liaison_stations", "tc_platform_entries", "innovation_carriers",
                  "std_director_coverage", "service_orgs"}
    for indicator_id in unmeasured:
        row = got[indicator_id]
        assert (row["status"], row["actual"]) == ("no data yet", None), indicator_id
        assert row["waits_for"] and row["expected_share"] == pytest.approx(expected_share(date(2024, 12, 31)))
    assert "notices" in got["innovation_awards"]["waits_for"]
    assert got["std_director_coverage"]["waits_for"].startswith("manual input")
    assert all(got[i]["waits_for"] is None
               for i in ("national_industry_led", "local_std", "group_std", "std_tech_orgs", "pilot_projects"))


def test_a_target_with_no_measure_is_reported_not_dropped(tmp_path):
    extra = Target(indicator="新增标准化示范街区", indicator_id=None, value=5, unit="个", comparator="≥",
                   deadline_year=2025, scope="new", clause="(九)", sentence="新增标准化示范街区5个以上。")
    path = build(tmp_path / "w.duckdb", targets=[*TARGETS, extra])
    rows = progress_report(path).indicators
    assert len(rows) == 19
    last = rows[-1]
    assert last["indicator_id"].startswith("plan_") and last["kind"] is None
    assert (last["indicator"], last["target"], last["status"], last["method"]) == ("新增标准化示范街区", 5, "no data yet", None)
    assert last["waits_for"].startswith("a measure")
    stored = query(path, "SELECT indicator_id, kind, clause FROM ref.indicator WHERE kind IS NULL").to_pylist()
    assert stored == [{"indicator_id": last["indicator_id"], "kind": None, "clause": "(九)"}]


# ── replaying other as-of dates ─────────────────────────────────────────────────────────────


def test_as_of_replays_the_counts_as_they_stood(wh):
    early = indicators(wh, date(2022, 12, 31))
    assert early["national_industry_led"]["actual"] == 1  # GB/T 107 only
    assert early["local_std"]["actual"] == 0 and early["group_std"]["actual"] == 0
    assert (early["std_research_rate"]["actual"], early["std_research_rate"]["status"]) == (None, "no data yet")  # no rate entered yet
    assert early["national_industry_led"]["expected_share"] == pytest.approx(133 / 1229)  # 2022-08-21 … 12-31

    mid = indicators(wh, date(2024, 6, 30))
    assert mid["std_research_rate"]["actual"] == 35  # the entry of 2024-12-31 is not known yet
    assert mid["std_research_rate"]["status"] == "on track"  # 0.70 ≥ 680/1229 = 0.553

    before = indicators(wh, date(2022, 8, 1))
    assert before["national_industry_led"]["expected_share"] == 0.0  # clamped
    assert before["national_industry_led"]["actual"] == 0


def test_after_the_deadline_met_or_not(wh):
    final = indicators(wh, date(2026, 6, 30))
    national = final["national_industry_led"]
    # GB/T 101, 102, 107 and JT/T 104; GB/T 105 is issued after the window's end
    assert (national["actual"], national["expected_share"], national["deadline_passed"]) == (4, 1.0, True)
    assert national["status"] == "behind"  # rendered "not met"
    assert (final["std_research_rate"]["actual"], final["std_research_rate"]["status"]) == (55, "met")
    assert final["std_tech_orgs"]["actual"] == 2
    assert {r["counted_until"] for r in final.values()} == {WINDOW_END}


def test_the_as_of_setting_is_the_default_and_the_views_agree(wh):
    view = query(wh, "SELECT indicator_id, actual, status FROM mart.indicator_progress").to_pylist()
    macro = query(wh, "SELECT indicator_id, actual, status FROM mart.indicator_progress_at(DATE '2024-12-31')").to_pylist()
    assert view == macro
    assert progress_report(wh).rules["as_of"] == date(2024, 12, 31)
    assert progress_report(wh, date(2023, 1, 1)).rules["counted_until"] == date(2023, 1, 1)


# ── per district ────────────────────────────────────────────────────────────────────────────


def test_district_rows_include_every_district_and_the_unknown_one(wh):
    national = districts(wh, "national_industry_led")
    assert len(national) == 11 and list(national)[-1] == UNKNOWN
    assert national[UNKNOWN]["district_name"] == "区县未知" and national[UNKNOWN]["is_unknown"]
    assert {code: r["actual"] for code, r in national.items() if r["actual"]} == {KUNSHAN: 1, WUJIANG: 1, UNKNOWN: 1}
    assert {r["city_actual"] for r in national.values()} == {3}
    assert national[KUNSHAN]["share_of_city"] == pytest.approx(1 / 3)
    assert national[SIP]["actual"] == 0 and national[SIP]["share_of_city"] == 0
    assert national[KUNSHAN]["city_target"] == 500
    assert sum(r["actual"] for r in districts(wh, "local_std").values()) == 2
    assert districts(wh, "local_std")[UNKNOWN]["actual"] == 1 and districts(wh, "local_std")[SIP]["actual"] == 1


def test_district_rows_replay_committees_and_events_without_a_district(wh):
    later = districts(wh, "national_industry_led", date(2025, 12, 31))
    assert later[SIP]["actual"] == 1 and later[SIP]["city_actual"] == 4
    committees = districts(wh, "std_tech_orgs", date(2025, 12, 31))
    assert {code: r["actual"] for code, r in committees.items() if r["actual"]} == {KUNSHAN: 1, UNKNOWN: 1}
    pilots = districts(wh, "pilot_projects")
    assert {code: r["actual"] for code, r in pilots.items() if r["actual"]} == {KUNSHAN: 1, UNKNOWN: 1}
    assert districts(wh, "pilot_projects", date(2024, 6, 30))[UNKNOWN]["actual"] == 0


def test_district_rows_are_counts_and_rates_per_district(wh):
    rates = [r for r in progress_report(wh).districts if r["indicator_id"] == "std_research_rate"]
    # a rate is given per district (no 区县未知 row) and is never a share of the city; this warehouse
    # holds only the city's figure (42%), so each district's own figure is empty, not 0
    assert len(rates) == 10 and not any(r["is_unknown"] for r in rates)
    assert {(r["actual"], r["city_actual"], r["share_of_city"]) for r in rates} == {(None, 42.0, None)}
    enterprise = districts(wh, "enterprise_std")
    assert {(r["actual"], r["has_data"]) for r in enterprise.values()} == {(None, False)}
    assert "qybz" in enterprise[KUNSHAN]["waits_for"]


# ── rules and the plan ──────────────────────────────────────────────────────────────────────


def test_the_counting_rules_are_settings_and_apply(tmp_path):
    path = build(tmp_path / "w.duckdb")
    with Warehouse(path).writing() as w:
        w.set_settings({"count_drafter": "any"})
    report = progress_report(path)
    assert report.rules["count_drafter"] == "any"
    assert indicators(path)["national_industry_led"]["actual"] == 4  # GB/T 103 counts for its second drafter
    assert report.plan["issue_date"] == date(2022, 8, 21) and report.plan["n_targets"] == 18
    assert report.plan["spam"] and report.plan["doc_number"] == "苏委发〔2022〕30号"


def test_before_a_plan_is_loaded_every_measure_waits_for_it(tmp_path):
    path = build(tmp_path / "w.duckdb", with_plan=False)
    report = progress_report(path)
    assert report.plan is None
    rows = {r["indicator_id"]: r for r in report.indicators}
    assert len(rows) == 18
    assert {r["status"] for r in rows.values()} == {"no target yet"}
    assert all("plan" in r["waits_for"] for r in rows.values())
    assert rows["national_industry_led"]["actual"] == 3  # the figures are there; the target is not
    assert rows["national_industry_led"]["target"] is None


def test_a_new_plan_replaces_the_targets_and_their_mentions(tmp_path):
    path = build(tmp_path / "w.duckdb")
    mentions = query(path, "SELECT count(*) AS n FROM ref.indicator_mention").to_pylist()[0]["n"]
    assert mentions == sum(len(t.mentions) for t in TARGETS) == 28  # 10 indicators stated twice, 8 once
    with Warehouse(path).writing() as w:
        replace_plan(w, PLAN, TARGETS[:2], PLAN_PROVENANCE, region_code="3205")
    assert query(path, "SELECT count(*) AS n FROM ref.indicator").to_pylist() == [{"n": 2}]
    assert query(path, "SELECT count(*) AS n FROM ref.indicator_mention").to_pylist() == [{"n": 3}]
    assert [r["indicator_id"] for r in progress_report(path).indicators] == ["std_research_rate", "national_industry_led"]


def test_group_standards_count_by_publisher_when_that_rule_is_in_force(tmp_path):
    path = build(tmp_path / "w.duckdb")
    with Warehouse(path).writing() as w:
        load_group_publishers(w, "ttbz", {"T/ABC 111-2024": "昆山市某某协会"})
        w.replace_org_attributions([(None, name, a) for name, a in {**ORGS, "昆山市某某协会": placed(KUNSHAN, "昆山市")}.items()])
        # WriteSession.set_settings still refuses 'publisher' (warehouse/load.py); the progress marts honour it.
        w.con.execute("UPDATE ref.setting SET value = 'publisher' WHERE key = 'group_count_by'")
    report = progress_report(path)
    assert report.rules["group_count_by"] == "publisher"
    group = districts(path, "group_std")
    assert {code: r["actual"] for code, r in group.items() if r["actual"]} == {KUNSHAN: 1}  # drafted in SIP
    assert indicators(path)["local_std"]["actual"] == 2  # other types are unaffected
