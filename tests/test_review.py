"""The review queue analysts work through: reason codes, a sheet to fill in with a district drop-down,
and the filled sheet turned into reviewed overrides that the next publish applies."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from flows.attribute import attribute_all, read_overrides
from flows.loading import record_counting_settings
from flows.settings import load_settings
from test_warehouse import standard
from transform.attribution import load_region
from transform.orgs import normalize_org_name
from warehouse import Warehouse, query

# Lead drafters by hand: the first three say only 苏州 (in the city, no district); 昆山丁 is placed.
LEADS = {
    "苏州甲精密机械有限公司": 3,
    "苏州乙新材料有限公司": 2,
    "苏州丙科技有限公司": 1,
    "昆山丁电子有限公司": 1,
}


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(data_dir))
    settings = load_settings()
    records, n = [], 0
    for org, led in LEADS.items():
        for _ in range(led):
            n += 1
            records.append(standard(f"GB/T {n}-2023", n=n, drafters=(org,), issued=date(2023, 3, n)))
    with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing() as w:
        record_counting_settings(w, settings, load_region(settings.region))
        w.merge_standards(records, "run-1")
        attribute_all(w, settings, read_overrides(settings))
    return data_dir


def unplaced(data_dir: Path) -> dict[str, int]:
    rows = query(data_dir / "warehouse.duckdb",
                 "SELECT district_name, n_total FROM mart.new_standards_by_district WHERE n_total > 0").to_pylist()
    return {r["district_name"]: r["n_total"] for r in rows}


def test_the_queue_says_why_and_keeps_unplaced_apart_from_conflicts(data_dir):
    rows = query(data_dir / "warehouse.duckdb",
                 "SELECT name, queue, reason_code, standards_unplaced FROM mart.review_queue").to_pylist()
    assert rows == [
        {"name": "苏州甲精密机械有限公司", "queue": "unplaced", "reason_code": "city_level_name", "standards_unplaced": 3},
        {"name": "苏州乙新材料有限公司", "queue": "unplaced", "reason_code": "city_level_name", "standards_unplaced": 2},
        {"name": "苏州丙科技有限公司", "queue": "unplaced", "reason_code": "city_level_name", "standards_unplaced": 1},
    ]


def test_export_fill_two_rows_import_and_the_publish_places_them(data_dir, tmp_path):
    assert unplaced(data_dir) == {"昆山市": 1, "区县未知": 6}
    runner = CliRunner()
    sheet_path = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["review", "export", str(sheet_path)])
    assert result.exit_code == 0, result.output

    book = load_workbook(sheet_path)
    sheet = book["复核 review"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["单位名称", "复核队列", "原因代码"] and header[-3:] == ["区县（填写）district", "复核人 reviewer", "备注 note"]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and str(validation.sqref) == "K2:K4"
    listed = [r[0] for r in book["区县 districts"].iter_rows(min_row=2, values_only=True)]
    assert listed == [d.name for d in load_region("3205").districts] + ["区外"]
    by_name = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(by_name["苏州甲精密机械有限公司"], 11, "吴江区")
    sheet.cell(by_name["苏州乙新材料有限公司"], 11, "常熟市")
    sheet.cell(by_name["苏州乙新材料有限公司"], 12, "李复核")
    book.save(sheet_path)

    result = runner.invoke(app, ["review", "import", str(sheet_path), "--reviewer", "王分析"])
    assert result.exit_code == 0, (result.output, result.stderr)
    assert "Standards in 区县未知: 6 → 1" in result.output
    # the next publish: 甲's three standards in 吴江区, 乙's two in 常熟市, only 丙's one left unplaced
    assert unplaced(data_dir) == {"吴江区": 3, "常熟市": 2, "昆山市": 1, "区县未知": 1}
    with (data_dir / "review" / "overrides.csv").open(encoding="utf-8-sig") as f:
        saved = {r["机构名称"]: r for r in csv.DictReader(f)}
    assert {k: (v["区县"], v["复核人"], v["来源文件"]) for k, v in saved.items()} == {
        "苏州甲精密机械有限公司": ("吴江区", "王分析", "review.xlsx"),
        "苏州乙新材料有限公司": ("常熟市", "李复核", "review.xlsx"),
    }
    assert all(v["复核时间"].endswith("+00:00") for v in saved.values())
    queue = query(data_dir / "warehouse.duckdb", "SELECT name FROM mart.review_queue").column("name").to_pylist()
    assert queue == ["苏州丙科技有限公司"]


def test_a_district_not_of_the_region_is_refused_and_nothing_is_written(data_dir, tmp_path):
    sheet_path = tmp_path / "review.xlsx"
    CliRunner().invoke(app, ["review", "export", str(sheet_path)])
    book = load_workbook(sheet_path)
    book["复核 review"].cell(2, 11, "火星区")
    book.save(sheet_path)
    result = CliRunner().invoke(app, ["review", "import", str(sheet_path)])
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "'火星区' is no district of 苏州市" in result.stderr
    assert not (data_dir / "review" / "overrides.csv").exists()
    assert unplaced(data_dir)["区县未知"] == 6
