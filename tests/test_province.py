"""The province: two cities' demos, each in its own warehouse, compared in one read-only session.

Suzhou (3205) and Wuxi (3202) each run the demo against their own mirror into their own data dir; the
province views' counts per region, district and type are compared with each mirror's ground truth (never
with numbers the product computed), and so is the province report. A region that cannot be read is named
while the other answers; the session refuses to write.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from warehouse.province import ProvinceUnavailable, RefusedStatement, open_province, query_province

pytestmark = pytest.mark.integration
REGIONS = Path(__file__).resolve().parents[1] / "transform" / "regions"
DOC = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"
NAMES = {"3205": "苏州市", "3202": "无锡市"}


@pytest.fixture(scope="module")
def cities(tmp_path_factory) -> dict[str, Path]:
    """{region code: data dir} of one demo per city, where `stdwatch demo [--region 3202]` puts them under one
    data_dir (demo, demo-3202)."""
    root = tmp_path_factory.mktemp("province")
    dirs = {"3205": root / "demo", "3202": root / "demo-3202"}
    for code, data_dir in dirs.items():
        result = CliRunner().invoke(app, ["demo", "--region", code, "--size", "400", "--data-dir", str(data_dir)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return dirs


@pytest.fixture
def province(cities, monkeypatch) -> dict[str, Path]:
    """The `province` setting naming both cities' data dirs; {code: published warehouse}."""
    monkeypatch.setenv("STDWATCH_PROVINCE", json.dumps({code: str(d) for code, d in cities.items()}))
    return {code: d / "warehouse.duckdb" for code, d in cities.items()}


def truth(data_dir: Path) -> Counter:
    """(district, type) → standards the mirror says count: the registries' and the regulator export's."""
    mirror = data_dir / "mirror"
    expected = Counter()
    for row in json.loads((mirror / "ground_truth.json").read_text(encoding="utf-8"))["all_counts"]:
        expected[(row["district"], row["std_type"])] += row["n"]
    notices = json.loads((mirror / "notices_ground_truth.json").read_text(encoding="utf-8"))
    for district, n in notices["indicators"]["enterprise_std"]["by_district"].items():
        expected[(district, "enterprise")] += n
    return Counter({key: n for key, n in expected.items() if n})


def districts_of(code: str) -> set[str]:
    with (REGIONS / code / "districts.csv").open(encoding="utf-8") as f:
        return {row["district_name"] for row in csv.DictReader(f)} | {"区县未知"}


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_each_citys_counts_in_the_province_equal_its_mirrors_ground_truth(province, cities):
    result = run("province", "sql", "--json", "SELECT region_code, district_name, std_type, count(*) AS n "
                                              "FROM province.standard WHERE counted GROUP BY ALL")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["region_code"] for r in rows} == {"3205", "3202"}
    for code, data_dir in cities.items():
        mine = {(r["district_name"], r["std_type"]): r["n"] for r in rows if r["region_code"] == code}
        assert mine == truth(data_dir), code
        assert {district for district, _ in mine} <= districts_of(code), code  # region_code separates the cities


def test_the_cities_table_and_the_district_table_agree_with_the_truth(province, cities):
    con = open_province(province)
    try:
        city = {r[0]: r[1:] for r in con.execute(
            "SELECT region_code, region_name, n_total, n_enterprise FROM province.new_standards_by_city").fetchall()}
        listed = con.execute("SELECT region_code, district_name FROM province.new_standards_by_district").fetchall()
    finally:
        con.close()
    for code, data_dir in cities.items():
        expected = truth(data_dir)
        assert city[code] == (NAMES[code], sum(expected.values()),
                              sum(n for (_, t), n in expected.items() if t == "enterprise"))
        assert {d for c, d in listed if c == code} == districts_of(code)  # every district of the city, zeros too


def test_export_writes_the_cities_with_chinese_headers(province, cities, tmp_path):
    result = run("province", "export", "province.new_standards_by_district", str(tmp_path / "d.xlsx"))
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(tmp_path / "d.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:4] == ("地区代码", "地区名称", "区县代码", "区县名称") and rows[0][-1] == "合计"
    totals = Counter()
    for row in rows[1:]:
        totals[row[0]] += row[-1]
    assert totals == {code: sum(truth(d).values()) for code, d in cities.items()}


def test_a_city_without_a_plan_says_plan_not_loaded_not_zero(province):
    rows = query_province(province, "SELECT region_code, plan_status, indicator_id, actual, status "
                                    "FROM province.indicator_progress").table.to_pylist()
    wuxi = [r for r in rows if r["region_code"] == "3202"]
    assert wuxi == [{"region_code": "3202", "plan_status": "plan not loaded", "indicator_id": None, "actual": None,
                     "status": "plan not loaded"}]
    suzhou = [r for r in rows if r["region_code"] == "3205"]
    assert suzhou and {r["plan_status"] for r in suzhou} == {"loaded"}
    assert all(r["indicator_id"] for r in suzhou)


def test_a_missing_city_is_named_in_one_line_and_the_other_answers(cities, tmp_path, monkeypatch):
    monkeypatch.setenv("STDWATCH_PROVINCE", json.dumps({"3205": str(cities["3205"]), "3202": str(tmp_path / "none")}))
    result = run("province", "sql", "--json", "SELECT region_code, district_name, std_type, count(*) AS n "
                                              "FROM province.standard WHERE counted GROUP BY ALL")
    assert result.exit_code == 0, result.output
    left_out = [line for line in result.stderr.splitlines() if line.startswith("left out:")]
    assert len(left_out) == 1 and "region 3202 (无锡市): no published warehouse at" in left_out[0]
    assert str(tmp_path / "none" / "warehouse.duckdb") in left_out[0]
    rows = json.loads(result.stdout)
    assert {(r["district_name"], r["std_type"]): r["n"] for r in rows} == truth(cities["3205"])
    assert {r["region_code"] for r in rows} == {"3205"}

    regions = run("province", "regions")
    assert regions.exit_code == 0, regions.output
    assert re.search(r"^3205 苏州市: published \d{4}-\d\d-\d\d", regions.stdout, re.MULTILINE)
    assert "left out: region 3202 (无锡市): no published warehouse" in regions.stdout


def test_with_no_province_set_the_demos_are_read_and_said_so(cities):
    result = run("province", "regions", "--data-dir", str(cities["3205"].parent))
    assert result.exit_code == 0, result.output
    assert "no `province` set: reading the demos' warehouses" in result.stderr
    assert re.search(r"^3202 无锡市: published .*; plan not loaded$", result.stdout, re.MULTILINE)
    assert re.search(r"^3205 苏州市: published .*; plan 苏委发〔2022〕30号$", result.stdout, re.MULTILINE)


def test_no_readable_city_is_one_line_per_city_and_exit_1(tmp_path, monkeypatch):
    monkeypatch.setenv("STDWATCH_PROVINCE", json.dumps({"3205": str(tmp_path / "a"), "3202": str(tmp_path / "b")}))
    result = run("province", "sql", "new_standards_by_city")
    assert result.exit_code == 1
    assert "region 3202 (无锡市): no published warehouse" in result.stderr
    assert "region 3205 (苏州市): no published warehouse" in result.stderr
    with pytest.raises(ProvinceUnavailable, match="no regions"):
        open_province({})


def test_a_city_pointed_at_another_citys_warehouse_is_left_out(province):
    con = open_province({"3205": province["3205"], "3202": province["3205"]})
    try:
        problems = con.execute("SELECT region_code, problem FROM province.regions WHERE NOT attached").fetchall()
        regions = con.execute("SELECT DISTINCT region_code FROM province.standard").fetchall()
    finally:
        con.close()
    assert len(problems) == 1 and problems[0][0] == "3202"
    assert "is region 3205's warehouse, not 3202's" in problems[0][1]
    assert regions == [("3205",)]


def test_a_file_that_is_no_warehouse_is_one_citys_problem(province, tmp_path):
    garbage = tmp_path / "warehouse.duckdb"
    garbage.write_bytes(b"not a database" * 1000)
    empty = tmp_path / "empty.duckdb"  # a DuckDB file, but no stdwatch schema in it
    duckdb.connect(str(empty)).close()
    result = query_province({"3202": garbage, "3205": province["3205"], "3206": empty},
                            "SELECT DISTINCT region_code FROM province.new_standards_by_district")
    assert result.table.to_pylist() == [{"region_code": "3205"}]
    assert len(result.left_out) == 2
    assert result.left_out[0].startswith(f"region 3202 (无锡市): cannot open {garbage}")
    assert result.left_out[1].startswith(f"region 3206: {empty} has no mart.counting_rules")


def test_a_city_whose_plan_is_another_citys_shows_no_figures_against_it(province, tmp_path):
    wuxi = tmp_path / "warehouse.duckdb"
    wuxi.write_bytes(province["3202"].read_bytes())
    con = duckdb.connect(str(wuxi))
    try:  # Suzhou's plan loaded into Wuxi's warehouse by mistake
        con.execute("INSERT INTO ref.plan (plan_url, doc_number, spam, n_targets, loaded_at) "
                    "VALUES ('file:///plan.txt', '苏委发〔2022〕30号', false, 18, now())")
    finally:
        con.close()
    rows = query_province({"3202": wuxi, "3205": province["3205"]},
                          "SELECT region_code, plan_status, indicator_id, status FROM province.indicator_progress "
                          "WHERE region_code = '3202'").table.to_pylist()
    assert rows == [{"region_code": "3202", "plan_status": "another region's plan", "indicator_id": None,
                     "status": "another region's plan"}]


def test_the_province_session_refuses_to_write(province):
    before = {code: hashlib.sha256(path.read_bytes()).hexdigest() for code, path in province.items()}
    for statement in ("CREATE TABLE x AS SELECT 1", "DELETE FROM region_3205.core.standard_source",
                      "ATTACH 'other.duckdb' AS other", "SELECT 1; SELECT 2"):
        result = run("province", "sql", statement)
        assert result.exit_code == 2, (statement, result.output)
        with pytest.raises(RefusedStatement):
            query_province(province, statement)
    con = open_province(province)
    try:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM region_3202.core.standard_source")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
    assert {code: hashlib.sha256(path.read_bytes()).hexdigest() for code, path in province.items()} == before


def test_the_province_report_compares_the_cities_as_their_mirrors_say(province, cities, tmp_path):
    result = run("report", "--province", "--out", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "p.xlsx")
    sheet = book["各市×类型"]
    header = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "市\ncity")
    totals = {row[0]: row[7] for row in sheet.iter_rows(min_row=header + 1, values_only=True)}
    assert totals == {NAMES[code]: sum(truth(d).values()) for code, d in cities.items()} | {
        "合计 total": sum(sum(truth(d).values()) for d in cities.values())}
    indicators = [row for row in book["各市×指标"].iter_rows(values_only=True) if row and row[0]]
    header = indicators.index(next(r for r in indicators if r[0] == "类别\nkind"))
    wuxi = indicators[header].index("无锡市\n3202")
    assert {row[wuxi] for row in indicators[header + 1:]} == {"未导入规划 plan not loaded"}

    page = run("report", "--province", "--out", str(tmp_path / "p.html"))
    assert page.exit_code == 0, page.output
    text = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "苏州市" in text and "无锡市" in text and "<script" not in text
    assert run("report", "--province", "--as-of", "2025-01-01", "--out", str(tmp_path / "q.html")).exit_code == 2


def test_one_citys_report_reads_its_warehouse_from_the_province(province, cities, tmp_path):
    result = run("report", "--region", "3202", "--out", str(tmp_path / "wuxi.xlsx"))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "wuxi.xlsx")["区县×类型"]
    header = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "区县\ndistrict")
    types = ["national", "industry", "local", "group", "enterprise"]
    got = Counter()
    for row in sheet.iter_rows(min_row=header + 1, values_only=True):
        if row[0] != "合计 total":
            got.update({(row[0], t): n for t, n in zip(types, row[1:6], strict=True) if n})
    assert got == truth(cities["3202"])
    progress = [row[0] for row in load_workbook(tmp_path / "wuxi.xlsx")["指标进度"].iter_rows(values_only=True)]
    assert any(str(text).startswith("规划未导入 plan not loaded") for text in progress)
    assert progress[-1] == "序号\n#"  # the header, and not one indicator row: no figures, no zeros


def test_the_province_views_are_documented(province):
    doc = DOC.read_text(encoding="utf-8")
    section = doc[doc.index("## 省级汇总 · Province"):].split("\n## ", 1)[0]
    con = open_province(province)
    try:
        listed = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'province' "
                                                "UNION SELECT table_name FROM duckdb_tables() "
                                                "WHERE schema_name = 'province'").fetchall()}
        columns = {view: [row[0] for row in con.execute(f"DESCRIBE province.{view}").fetchall()]
                   for view in ("regions", "new_standards_by_city")}
    finally:
        con.close()
    assert set(re.findall(r"`province\.(\w+)`", section)) == listed
    for view, names in columns.items():
        body = section[section.index(f"### province.{view}\n"):].split("\n### ")[0]
        assert re.findall(r"^\| `(\w+)` \| [^|]+ \| [^|]+ \|$", body, flags=re.MULTILINE) == names, view


def test_the_pages_province_examples_answer(province):
    section = DOC.read_text(encoding="utf-8").split("## 省级汇总 · Province", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r'^stdwatch province sql "(.+)"$', section, flags=re.MULTILINE)
    assert len(examples) >= 2
    for statement in examples:
        result = run("province", "sql", "--json", statement)
        assert result.exit_code == 0, (statement, result.output)
        assert json.loads(result.stdout), statement
