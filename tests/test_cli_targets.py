"""`stdwatch targets extract` (file and URL) and `stdwatch progress` through typer's CliRunner."""

from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from loopback import reply, serve
from transform.plan import read_plan
from transform.records import Attribution, Provenance, StandardRecord
from transform.targets import extract_targets
from warehouse import Warehouse, replace_plan
from transform.region import load_region

PLAN_FILE = Path(__file__).parent / "fixtures" / "plans" / "suzhou-2022-standardization-opinions.txt"
KEYS = {"indicator", "value", "unit", "comparator", "deadline_year", "scope", "clause", "sentence"}

# shared/design/indicators.md, typed by hand: id → (target, unit, deadline, kind, clauses stated in).
INDICATORS_MD = {
    "std_research_rate": (50, "%", 2025, "rate", ["(二)"]),
    "national_industry_led": (500, "项", 2025, "new", ["(二)", "(二十四)"]),
    "local_std": (200, "项", 2025, "new", ["(二)", "(二十四)"]),
    "group_std": (200, "项", 2025, "new", ["(二)", "(二十四)"]),
    "enterprise_std": (10000, "项", 2025, "new", ["(二)", "(二十四)"]),
    "pilot_projects": (50, "项", 2025, "new", ["(二)", "(二十四)"]),
    "innovation_awards": (10, "项", 2025, "new", ["(二)", "(二十四)"]),
    "std_tech_orgs": (20, "个", 2025, "new", ["(二)", "(二十四)"]),
    "intl_std_led": (30, "项", 2025, "new", ["(二)", "(二十一)"]),
    "innovation_bases": (3, "个", 2025, "new", ["(二)", "(二十六)"]),
    "experts": (100, "名", 2025, "new", ["(二)", "(二十七)"]),
    "ip_std_pilots": (30, "项", 2025, "new", ["(四)"]),
    "quality_stations": (10, "个", 2025, "new", ["(五)"]),
    "intl_liaison_stations": (10, "个", 2025, "new", ["(二十一)"]),
    "tc_platform_entries": (10, "个", 2025, "new", ["(二十六)"]),
    "innovation_carriers": (20, "个", 2025, "new", ["(二十六)"]),
    "std_director_coverage": (50, "%", 2025, "rate", ["(二十七)"]),
    "service_orgs": (10, "家", 2025, "new", ["(二十八)"]),
}

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "220"})


# ── targets extract ─────────────────────────────────────────────────────────────────────────


def test_extract_json_is_exactly_the_18_indicators_of_indicators_md():
    result = invoke("targets", "extract", str(PLAN_FILE), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    targets = payload["targets"]
    assert isinstance(targets, list) and len(targets) == 18
    assert payload["unsure"] == []  # every number of the Suzhou plan is either a target or clearly not one
    for t in targets:
        assert KEYS <= set(t) <= KEYS | {"indicator_id", "mentions"}
        assert all(t[k] not in (None, "") for k in KEYS)
        assert t["comparator"] == "≥"
        assert t["clause"] == t["mentions"][0]["clause"] and str(t["value"]) in t["sentence"]
    got = {t["indicator_id"]: (t["value"], t["unit"], t["deadline_year"], t["scope"], [m["clause"] for m in t["mentions"]])
           for t in targets}
    assert got == INDICATORS_MD
    by_id = {t["indicator_id"]: t for t in targets}
    assert by_id["national_industry_led"]["indicator"] == "新增牵头起草国家标准、行业标准"
    assert isinstance(by_id["enterprise_std"]["value"], int)


def test_extract_shows_the_numbers_it_is_unsure_of_with_their_sentences():
    plan = Path(__file__).parent / "fixtures" / "plans" / "real" / "shandong-2015-standards-news-hant.txt"
    result = invoke("targets", "extract", str(plan), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [(t["value"], t["unit"], t["comparator"], t["deadline_year"]) for t in payload["targets"]] == [
        (600, "项", ">", 2020), (1500, "项", ">", 2020), (90, "%", "≥", 2020)]
    [unsure] = payload["unsure"]
    assert unsure["number"].startswith("641项") and "確定今年將" in unsure["sentence"] and unsure["reason"]
    table = invoke("targets", "extract", str(plan))
    assert table.exit_code == 0 and "Unsure" in table.output and "641项" in table.output


def test_extract_table_shows_the_header_read_through_the_damage():
    result = invoke("targets", "extract", str(PLAN_FILE))
    assert result.exit_code == 0, result.output
    assert "苏委发〔2022〕30号" in result.output and "issued 2022-08-21" in result.output
    assert "18 targets" in result.output and "spam" in result.output
    assert "national_industry_led" in result.output and "≥10000项" in result.output


def test_extract_a_missing_file_names_it(tmp_path):
    result = invoke("targets", "extract", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert "nope.txt" in result.output


class PlanPage(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        text = PLAN_FILE.read_text(encoding="utf-8")
        body = ("<html><head><meta charset='utf-8'></head><body><ucapcontent>"
                + "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
                + "</ucapcontent></body></html>").encode()
        reply(self, 200, body, "text/html; charset=utf-8")


def test_extract_a_url_fetches_archives_and_gives_the_same_targets(tmp_path):
    with serve(PlanPage) as base:
        url = base + "/szsrmzf/zfwj/202208/0f1e2d3c4b5a69788796a5b4c3d2e1f0.shtml"
        from_url = invoke("targets", "extract", url, "--json", "--data-dir", str(tmp_path))
    assert from_url.exit_code == 0, from_url.output
    from_file = invoke("targets", "extract", str(PLAN_FILE), "--json")
    assert json.loads(from_url.output) == json.loads(from_file.output)
    assert len(list((tmp_path / "archive" / "plan").rglob("*.warc.gz"))) == 1


# ── progress ────────────────────────────────────────────────────────────────────────────────


def _standard(std_no: str, lead: str, issued: date) -> StandardRecord:
    n = hashlib.sha256(std_no.encode()).hexdigest()
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return StandardRecord(
        std_no=std_no, std_no_raw=std_no, std_type="national", prefix="GB/T", year=issued.year, name=std_no,
        status="现行", issue_date=issued, act_date=issued, abolish_date=None, replaces=[], is_revision=False,
        drafters=[lead], drafters_known=True, source="samr", source_id=n[:8], detail_url=None,
        provenance=Provenance("samr", f"https://std.example/{n[:8]}", at, n, n),
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A published warehouse: the Suzhou targets and three national standards (two in the window)."""
    root = tmp_path_factory.mktemp("cli-progress")
    plan = read_plan(PLAN_FILE.read_text(encoding="utf-8"))
    kunshan = Attribution(in_region=True, district_code="320583", district_name="昆山市", method="name",
                          confidence=0.8, uscc_valid=None)
    with Warehouse(root / "warehouse.duckdb").writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings({"window_start": date(2022, 8, 21), "window_end": date(2025, 12, 31), "region": "3205",
                        "count_drafter": "lead", "group_count_by": "drafter"})
        w.merge_standards([_standard("GB/T 1-2023", "昆山甲公司", date(2023, 3, 1)),
                           _standard("GB/T 2-2025", "昆山甲公司", date(2025, 3, 1)),
                           _standard("GB/T 3-2021", "昆山甲公司", date(2021, 3, 1))], "run-1")
        w.replace_org_attributions([(None, "昆山甲公司", kunshan)])
        replace_plan(w, plan, extract_targets(plan.text),
                     Provenance("file", PLAN_FILE.resolve().as_uri(), datetime(2026, 1, 1, tzinfo=timezone.utc), None, "x"),
                     region_code="3205")
    return root


def test_progress_json_states_the_rules_and_every_indicator(data_dir):
    result = invoke("progress", "--json", "--as-of", "2024-12-31", "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {k: report["rules"][k] for k in ("window_start", "window_end", "as_of", "count_drafter", "group_count_by")} == {
        "window_start": "2022-08-21", "window_end": "2025-12-31", "as_of": "2024-12-31",
        "count_drafter": "lead", "group_count_by": "drafter"}
    assert report["plan"]["issue_date"] == "2022-08-21" and report["plan"]["doc_number"] == "苏委发〔2022〕30号"
    assert "districts" not in report
    rows = {r["indicator_id"]: r for r in report["indicators"]}
    assert set(rows) == set(INDICATORS_MD)
    national = rows["national_industry_led"]
    assert (national["target"], national["actual"], national["status"]) == (500, 1, "behind")
    assert national["share_of_target"] == pytest.approx(1 / 500)
    assert national["expected_share"] == pytest.approx(864 / 1229)
    assert rows["pilot_projects"]["status"] == "no data yet" and rows["pilot_projects"]["waits_for"]


def test_progress_as_of_replays(data_dir):
    later = json.loads(invoke("progress", "--json", "--as-of", "2025-06-30", "--data-dir", str(data_dir)).output)
    assert {r["indicator_id"]: r["actual"] for r in later["indicators"]}["national_industry_led"] == 2


def test_progress_table_has_every_indicator_the_rules_and_not_met_after_the_deadline(data_dir):
    result = invoke("progress", "--as-of", "2026-06-30", "--data-dir", str(data_dir))
    assert result.exit_code == 0, result.output
    assert all(indicator_id in result.output for indicator_id in INDICATORS_MD)
    assert "not met" in result.output and "no data yet" in result.output and "waits for" in result.output
    assert "Counting rules" in result.output and "2022-08-21 … 2025-12-31" in result.output
    assert "牵头单位 lead drafter" in result.output and "as of 统计截止 2026-06-30" in result.output


def test_progress_per_district(data_dir):
    one = invoke("progress", "--district", "昆山", "--json", "--as-of", "2024-12-31", "--data-dir", str(data_dir))
    rows = json.loads(one.output)["districts"]
    assert {r["district_name"] for r in rows} == {"昆山市"}
    national = next(r for r in rows if r["indicator_id"] == "national_industry_led")
    assert (national["actual"], national["city_actual"], national["share_of_city"], national["city_target"]) == (1, 1, 1.0, 500)

    table = invoke("progress", "--district", "all", "--data-dir", str(data_dir))
    assert table.exit_code == 0 and "区县未知" in table.output and "昆山市" in table.output

    unknown = invoke("progress", "--district", "区县未知", "--data-dir", str(data_dir))
    assert unknown.exit_code == 0 and "区县未知" in unknown.output

    wrong = invoke("progress", "--district", "南京", "--data-dir", str(data_dir))
    assert wrong.exit_code == 2 and "昆山市" in wrong.output


def test_progress_without_a_warehouse_says_how_to_make_one(tmp_path):
    result = invoke("progress", "--data-dir", str(tmp_path))
    assert result.exit_code == 1 and "stdwatch demo" in result.output


# ── what `stdwatch progress` imports ────────────────────────────────────────────────────────

# The crawl stack, the parsers, the flows' engine and the Arrow/spreadsheet writers: a reader needs none.
NOT_FOR_READERS = ("prefect", "httpx", "httpcore", "lxml", "bs4", "warcio", "pyarrow", "openpyxl")
# `stdwatch <args>` in a fresh interpreter, which then writes its exit status and every module it imported.
RUN_AND_LIST_MODULES = """
import json, sys
from flows.cli import app
status = 0
try:
    app(sys.argv[2:], prog_name="stdwatch")
except SystemExit as exit:
    status = exit.code
with open(sys.argv[1], "w") as out:
    json.dump({"status": status, "modules": sorted(sys.modules)}, out)
"""


def _loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    """Which of `packages` the modules include (a package counts when any module of it is there)."""
    return sorted({name.split(".")[0] for name in modules} & set(packages))


def test_progress_json_imports_no_crawler_parser_engine_or_arrow(data_dir, tmp_path):
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, str(listing), "progress", "--json", "--as-of", "2024-12-31",
         "--data-dir", str(data_dir)],
        cwd=tmp_path, env={k: v for k, v in os.environ.items() if not k.startswith("STDWATCH_")},
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rows = {r["indicator_id"]: r for r in report["indicators"]}
    assert set(rows) == set(INDICATORS_MD) and rows["national_industry_led"]["actual"] == 1
    ran = json.loads(listing.read_text())
    assert ran["status"] == 0
    assert _loaded(ran["modules"], NOT_FOR_READERS) == []
    # nor any source's wiring, nor another command's module
    assert [m for m in ran["modules"] if m.startswith(("flows.sources.", "flows.cli_", "transform.parsers"))] == [
        "flows.cli_progress", "flows.cli_runs"]


def test_settings_import_no_source_module(tmp_path):
    """The settings know every source and site (names, live base URLs) from the registry's data."""
    script = ("import json, sys\nfrom flows.settings import load_settings\ns = load_settings()\n"
              "print(json.dumps({'sources': s.sources, 'samr': s.base_url('samr'), "
              "'scjgj_suzhou': s.base_url('scjgj_suzhou'), 'modules': sorted(sys.modules)}))")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if not k.startswith("STDWATCH_")})
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert loaded["sources"] == ["samr", "sacinfo", "openstd", "ttbz", "qybz", "tc", "notices"]
    assert (loaded["samr"], loaded["scjgj_suzhou"]) == ("https://std.samr.gov.cn", "https://scjgj.suzhou.gov.cn")
    assert _loaded(loaded["modules"], NOT_FOR_READERS + ("duckdb", "typer", "rich")) == ["duckdb"]
    assert [m for m in loaded["modules"] if m.startswith(("flows.sources.", "transform.parsers", "extract.http"))] == []
