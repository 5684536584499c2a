"""`stdwatch export` and `stdwatch sql --csv`: Chinese headers from the data model, spreadsheets an analyst
can hand on, and crawled text that never becomes a formula or terminal markup."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from test_warehouse import RULES, placed, standard
from warehouse import Warehouse
from warehouse.export import column_labels
from transform.region import load_region

DOC = Path(__file__).parents[1] / "docs" / "data-model.md"
FORMULA = '=HYPERLINK("http://evil.example/x","点此")'
MARKUP = "[link=http://evil.example]免费下载[/link] 标准"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """Three standards led by an organisation of 昆山市: one whose crawled title is a formula, one markup."""
    data_dir = tmp_path / "data"
    with Warehouse(data_dir / "warehouse.duckdb").writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
        w.merge_standards([
            standard("GB/T 1-2023", drafters=("昆山甲科技有限公司", "苏州乙公司")),
            replace(standard("GB/T 2-2023", n=2), name=FORMULA),
            replace(standard("GB/T 3-2023", n=3), name=MARKUP),
        ], "run-1")
        w.replace_org_attributions([("org-1", "昆山甲科技有限公司", placed("320583", "昆山市"))])
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(data_dir))
    return data_dir


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result


def test_every_documented_mart_column_has_a_header_that_opens_its_chinese_description():
    doc = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (mart\.\w+)\n(.*?)(?=^### |^## )", doc, flags=re.MULTILINE | re.DOTALL))
    documented = {(view, column): zh for view, body in sections.items()
                  for column, zh, _ in re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", body, flags=re.MULTILINE)}
    labels = column_labels()
    missing = sorted(set(documented) - set(labels))
    assert not missing, f"add these to warehouse/column_labels.csv: {missing}"
    assert not sorted(set(labels) - set(documented)), "labels for columns docs/data-model.md does not have"
    for key, zh in documented.items():
        assert labels[key] and zh.startswith(labels[key]), (key, labels[key], zh)


def test_export_to_xlsx_has_chinese_headers_a_frozen_header_and_a_filter(data_dir, tmp_path):
    run("export", "mart.new_standards_by_district", str(tmp_path / "out.xlsx"))
    sheet = load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in sheet[1]]
    assert header == ["区县代码", "区县名称", "新增国家标准数", "新增行业标准数", "新增国家标准与行业标准合计",
                      "新增地方标准数", "新增团体标准数", "新增企业标准数", "合计"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I12"  # 10 districts and 区县未知 under the header
    # wide enough for the widest cell, a Chinese character counting twice: 苏州工业园区, the longest header
    assert sheet.column_dimensions["B"].width >= 12 and sheet.column_dimensions["E"].width >= 26
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["昆山市"][2] == 3 and rows["区县未知"][2] == 0  # all three led by 昆山甲科技有限公司


def test_formula_like_titles_are_text_and_dates_are_dates(data_dir, tmp_path):
    run("export", "SELECT std_no, name, issue_date, drafters FROM mart.standard ORDER BY std_no",
        str(tmp_path / "s.xlsx"))
    sheet = load_workbook(tmp_path / "s.xlsx").active
    assert [c.value for c in sheet[1]] == ["规范标准号", "标准名称", "发布日期", "全部起草单位"]
    formula = sheet["B3"]
    assert formula.value == FORMULA and formula.data_type == "s" and formula.quotePrefix
    assert sheet["C2"].is_date and sheet["C2"].value.date() == date(2023, 1, 1)
    assert sheet["D2"].value == "昆山甲科技有限公司|苏州乙公司"

    run("export", "mart.standard", str(tmp_path / "s.csv"), "--headers", "en")
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = {r["std_no"]: r for r in csv.DictReader(raw.decode("utf-8-sig").splitlines())}
    assert table["GB/T 2-2023"]["name"] == "'" + FORMULA
    assert table["GB/T 1-2023"]["drafters"] == "昆山甲科技有限公司|苏州乙公司"


def test_parquet_keeps_lists_and_column_names(data_dir, tmp_path):
    run("export", "mart.standard", str(tmp_path / "s.parquet"))
    table = pq.read_table(tmp_path / "s.parquet")
    assert pa.types.is_list(table.schema.field("drafters").type)
    assert table.num_rows == 3


def test_sql_csv_obeys_the_export_rules_and_tables_print_crawled_text_as_text(data_dir):
    out = run("sql", "--csv", "SELECT std_no, name, drafters FROM mart.standard ORDER BY std_no").stdout_bytes
    assert out.startswith(b"\xef\xbb\xbf")
    lines = out.decode("utf-8-sig").splitlines()
    assert lines[0] == "std_no,name,drafters"
    assert lines[1] == "GB/T 1-2023,GB/T 1-2023 的名称,昆山甲科技有限公司|苏州乙公司"
    assert lines[2].startswith("GB/T 2-2023,\"'=HYPERLINK(")

    shown = run("sql", "SELECT name FROM mart.standard WHERE std_no = 'GB/T 3-2023'").stdout
    assert "[link=http://evil.example]" in shown  # printed as typed, not turned into a link
    starts_with_close = run("sql", "SELECT '[/] closes nothing' AS name").stdout
    assert "[/] closes nothing" in starts_with_close
    assert MARKUP in run("trace", "GB/T 3-2023").stdout


def test_bad_export_requests_say_what_to_do(data_dir, tmp_path):
    result = CliRunner().invoke(app, ["export", "mart.standard", str(tmp_path / "s.json")])
    assert result.exit_code == 2 and "use a .xlsx, .csv or .parquet file name" in result.stderr
    result = CliRunner().invoke(app, ["export", "DELETE FROM core.standard", str(tmp_path / "s.csv")])
    assert result.exit_code == 2 and "DELETE statements are refused" in result.stderr
    assert not (tmp_path / "s.csv").exists()
