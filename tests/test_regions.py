"""A region is a folder (transform/regions/<code>/): its sites, columns, plan and indicators are data.

The Suzhou expectations below are written by hand from region.toml's sources (portals.md §6,
evidence/scjgj.suzhou.gov.cn) and shared/design/indicators.md; tests/fixtures/regions/3202 is a
minimal second region that no Python names.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows.targets as targets_flow
from extract.sources import notices as notices_source
from flows.cli import app, unserved_sites
from flows.cli_progress import foreign_plan
from flows.settings import Settings, SettingsError, load_settings
from flows.sources import get_source, region_site_urls, site_urls
from flows.sources.notices import region_columns
from mirror.corpus import Corpus
from mirror.sites import APPS, region_apps
from transform.plan import PlanDocument, read_plan
from transform.records import Provenance
from transform.region import RegionError, load_region, plan_owner, region_codes
from transform.targets import extract_targets
from warehouse import Warehouse, replace_plan

FIXTURE_REGIONS = Path(__file__).parent / "fixtures" / "regions"
SUZHOU_PLAN = Path(__file__).parent / "fixtures" / "plans" / "suzhou-2022-standardization-opinions.txt"
SUZHOU_SITES = {"scjgj_suzhou": "https://scjgj.suzhou.gov.cn", "suzhou_gov": "https://www.suzhou.gov.cn",
                "scjgj_jiangsu": "https://scjgj.jiangsu.gov.cn"}


def test_the_suzhou_folder_declares_its_notice_sites_columns_and_plan():
    region = load_region("3205")
    assert {s.key: s.base_url for s in region.sites} == SUZHOU_SITES
    assert [(s.key, s.cms) for s in region.sites] == [
        ("scjgj_suzhou", "scjgj"), ("suzhou_gov", "szinf"), ("scjgj_jiangsu", "hanweb")]
    assert [c.watermark_key for c in region_columns(region)] == [
        "scjgj_suzhou:tzgg", "suzhou_gov:260915178a1f4c4fac44c4bf6378c9b0",
        "suzhou_gov:b3d097e3eb79421f88439ea381ce33c3", "scjgj_jiangsu:78963"]
    tzgg = region_columns(region)[0]
    # evidence/scjgj.suzhou.gov.cn/EVIDENCE.md: szqts/tzgg/nav_xwtz.shtml, then nav_xwtz_2.shtml
    assert notices_source.scjgj_first_url(region.sites[0].base_url, tzgg) == \
        "https://scjgj.suzhou.gov.cn/szqts/tzgg/nav_xwtz.shtml"
    assert notices_source.scjgj_page_url("https://scjgj.suzhou.gov.cn", tzgg, "nav_xwtz", "shtml", 2) == \
        "https://scjgj.suzhou.gov.cn/szqts/tzgg/nav_xwtz_2.shtml"
    assert (region.plan.document, region.province) == ("苏委发〔2022〕30号", "江苏省")


# shared/design/indicators.md: id, value, unit, comparator, deadline of the Suzhou plan's 18 indicators.
SUZHOU_TARGETS = {
    "std_research_rate": (50, "%", "≥", 2025), "national_industry_led": (500, "项", "≥", 2025),
    "local_std": (200, "项", "≥", 2025), "group_std": (200, "项", "≥", 2025),
    "enterprise_std": (10000, "项", "≥", 2025), "pilot_projects": (50, "项", "≥", 2025),
    "innovation_awards": (10, "项", "≥", 2025), "std_tech_orgs": (20, "个", "≥", 2025),
    "intl_std_led": (30, "项", "≥", 2025), "innovation_bases": (3, "个", "≥", 2025),
    "experts": (100, "名", "≥", 2025), "ip_std_pilots": (30, "项", "≥", 2025),
    "quality_stations": (10, "个", "≥", 2025), "intl_liaison_stations": (10, "个", "≥", 2025),
    "tc_platform_entries": (10, "个", "≥", 2025), "innovation_carriers": (20, "个", "≥", 2025),
    "std_director_coverage": (50, "%", "≥", 2025), "service_orgs": (10, "家", "≥", 2025),
}


def test_the_suzhou_indicators_csv_states_the_plans_targets():
    measures = load_region("3205").measures
    assert {m.indicator_id: (m.target, m.unit, m.comparator, m.deadline_year) for m in measures} == SUZHOU_TARGETS
    assert [m.ordinal for m in measures] == list(range(1, 19))
    # and the plan's own text says the same (what the targets source reads from it)
    read = extract_targets(read_plan(SUZHOU_PLAN.read_text(encoding="utf-8")).text)
    assert {t.indicator_id: (t.value, t.unit, t.comparator, t.deadline_year) for t in read} == SUZHOU_TARGETS


def test_a_second_region_is_only_a_folder():
    region = load_region("3202", FIXTURE_REGIONS)
    assert [d.name for d in region.districts] == ["梁溪区", "江阴市"]
    assert region.divisions["320202"].district.name == "梁溪区"
    [trs, hanweb] = region_columns(region)
    assert notices_source.scjgj_first_url("https://scjgj.example.invalid", trs) == \
        "https://scjgj.example.invalid/col/tzgg/nav_list.shtml"
    assert (hanweb.cms, hanweb.watermark_key) == ("hanweb", "scjgj_jiangsu:78963")
    assert [(m.indicator_id, m.target, m.std_types) for m in region.measures] == [("local_std", 100.0, ("local",))]
    assert region_codes(FIXTURE_REGIONS) == ("3202",)
    assert plan_owner("锡委发〔2023〕18号", FIXTURE_REGIONS) == "3202"
    assert plan_owner("苏委发〔2022〕30号") == "3205" and plan_owner("国发〔2021〕1号") is None


def test_a_region_whose_plan_is_not_known_yet_has_no_plan_and_no_measures(tmp_path):
    root = _broken(tmp_path, "region.toml", 'document = "锡委发〔2023〕18号"', 'document = ""')
    (root / "3202" / "indicators.csv").unlink()
    region = load_region("3202", root)
    assert (region.plan.document, region.measures) == (None, ())
    assert plan_owner("锡委发〔2023〕18号", root) is None


def _broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    shutil.copytree(FIXTURE_REGIONS / "3202", tmp_path / "3202")
    path = tmp_path / "3202" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("file, old, new, message", [
    ("region.toml", 'site = "fixture_city_trs"', 'site = "fixture_city_cms"',
     "column 'tzgg' is on site 'fixture_city_cms', which region.toml does not list"),
    ("region.toml", 'document = "锡委发〔2023〕18号"', "document = 2023", "[plan] is a table with the plan's document"),
    ("region.toml", 'file = "plan.txt"', 'file = "plan.pdf"', "[plan] file 'plan.pdf' is not in the region's folder"),
    ("region.toml", 'province = "32"', 'province = "33"', "says province '33'"),
    ("region.toml", 'base_url = "https://scjgj.example.invalid"\n', "", "lacks base_url"),
    ("indicators.csv", "registry,mart.standard", "events,mart.standard", "method 'events' with source_view"),
    ("indicators.csv", ",100,", ",a hundred,", "must be a number and a year"),
])
def test_a_mistake_in_a_region_folder_is_one_line_naming_it(tmp_path, file, old, new, message):
    root = _broken(tmp_path, file, old, new)
    with pytest.raises(RegionError, match="region '3202'") as caught:
        load_region("3202", root)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("old, new, message", [
    ('cms = "scjgj"', 'cms = "dede"', "site 'fixture_city_trs': cms 'dede' is not a kind the notices source reads"),
    ('column_root = "/col"\n', "", "site 'fixture_city_trs' (cms scjgj): its [[sites]] entry needs column_root"),
])
def test_a_site_the_notices_source_cannot_read_is_named(tmp_path, old, new, message):
    region = load_region("3202", _broken(tmp_path, "region.toml", old, new))
    with pytest.raises(ValueError, match="region 3202") as caught:
        region_columns(region)
    assert message in str(caught.value)


def test_base_urls_are_the_sources_and_the_regions_sites_and_no_other():
    assert load_settings().base_urls.all().keys() == {*site_urls(), *SUZHOU_SITES}
    assert region_site_urls(load_region("3205")) == SUZHOU_SITES
    moved = load_settings(base_urls={"suzhou_gov": "http://127.0.0.1:8001"})
    assert moved.base_url("suzhou_gov") == "http://127.0.0.1:8001"
    with pytest.raises(SettingsError, match=r"unknown base URL site\(s\) suzhou_gvo; the sources and region 3205"):
        load_settings(base_urls={"suzhou_gvo": "http://127.0.0.1:8001"})


def test_a_region_without_a_folder_is_one_line_naming_the_setting():
    with pytest.raises(SettingsError, match=r"^invalid setting: region = '9999': .*no folder transform/regions/9999/ "
                                            r"\(the regions are [0-9, ]*3205"):
        load_settings(region="9999")


def test_every_configured_base_url_of_every_region_has_a_mirror_site():
    assert region_codes()  # the bundled folders
    for code in region_codes():
        configured = {*site_urls(), *region_site_urls(load_region(code))}
        served = set(region_apps(Corpus(seed=7, size=200, region=code)))  # that region's mirror
        assert configured <= served, (code, configured - served)


def test_pointed_at_the_mirror_the_allow_list_is_exactly_its_ports():
    keys = sorted(load_settings().base_urls.all())
    mirror = {key: f"http://127.0.0.1:{41000 + i}" for i, key in enumerate(keys)}
    settings = Settings(base_urls=mirror, plan_url="http://127.0.0.1:41001/plan.shtml")
    assert settings.allowed_hosts() == {f"127.0.0.1:{41000 + i}" for i in range(len(keys))}
    assert unserved_sites(settings, APPS) == []
    assert unserved_sites(settings, [k for k in APPS if k != "scjgj_jiangsu"]) == ["scjgj_jiangsu"]


def test_the_plan_defaults_to_the_one_the_region_folder_holds(monkeypatch, tmp_path):
    assert targets_flow.plan_location(load_settings()) is None  # 3205's folder names no plan location
    fixture = load_region("3202", FIXTURE_REGIONS)
    monkeypatch.setattr(targets_flow, "load_region", lambda code: fixture)
    settings = load_settings(data_dir=tmp_path)
    assert targets_flow.plan_location(settings) == str(FIXTURE_REGIONS / "3202" / "plan.txt")
    result = targets_flow.crawl_plan(settings, client=None)
    assert result.status == "read" and result.plan.doc_number == "锡委发〔2023〕18号"
    assert [(t.indicator_id, t.value, t.deadline_year) for t in result.targets] == [("local_std", 100, 2025)]
    assert targets_flow.plan_location(load_settings(plan_file=SUZHOU_PLAN)) == str(SUZHOU_PLAN)


def test_progress_never_compares_a_region_with_another_regions_plan():
    suzhou = {"doc_number": "苏委发〔2022〕30号", "title": "…", "region_code": "3205"}
    assert foreign_plan("3205", suzhou) is None and foreign_plan("3205", None) is None
    # the Suzhou plan, even loaded while region 3202 was selected, is 3205's
    refusal = foreign_plan("3202", {**suzhou, "region_code": "3202"})
    assert "is region 3205's, but the region setting is 3202" in refusal
    assert "is region 3202's" in foreign_plan("3205", {"doc_number": None, "title": "某市实施意见", "region_code": "3202"})


def test_the_progress_command_refuses_a_plan_loaded_for_another_region(tmp_path):
    plan = PlanDocument("无锡市实施意见", date(2023, 6, 15), "锡委发〔2023〕18号", "到2025年，新增地方标准100项以上。")
    with Warehouse(tmp_path / "warehouse.duckdb").writing() as w:
        w.load_region(load_region("3205"))
        replace_plan(w, plan, extract_targets(plan.text),
                     Provenance("file", "file:///plan.txt", datetime(2026, 1, 1, tzinfo=timezone.utc), None, "x"),
                     region_code="3202")
    result = CliRunner().invoke(app, ["progress", "--data-dir", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "the plan in force (锡委发〔2023〕18号) is region 3202's, but the region setting is 3205" in result.output
    report = CliRunner().invoke(app, ["report", "--data-dir", str(tmp_path), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 1 and "is region 3202's" in report.output and not (tmp_path / "r.html").exists()


def test_reparse_reads_the_settings_it_is_given(monkeypatch):
    settings = load_settings()
    monkeypatch.setenv("STDWATCH_REGION", "9999")  # settings read behind the caller's back would fail now
    for name in ("notices", "ttbz"):
        result = get_source(name).reparse([], settings)
        assert (result.source, result.records, result.error) == (name, [], None)
