"""Readable at 80 columns and in logs: tables wrap instead of cropping, district names are whole, rates
are percentages with one decimal."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from flows.cli import app
from test_progress import build


def cropped(output: str) -> list[str]:
    """Lines that show a cell cut short: an ellipsis the text itself did not have (the report's own are
    the open end of a date range, "2022-08-21 … 2025-12-31" and "– …"), a line wider than 80 columns,
    or a table row cut at the console's edge (its right border gone)."""
    own = re.sub(r"(\d{4}-\d{2}-\d{2}|–)\s+…", "", output)
    problems = [line for line in own.splitlines() if "…" in line]
    problems += [line for line in output.splitlines() if cell_len(line) > 80]
    problems += [line for line in output.splitlines()
                 if line.startswith(("│", "┃")) and not line.rstrip().endswith(("│", "┃"))]
    return problems


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    build(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("args", [[], ["--district", "all"], ["--district", "苏州工业园区"]])
def test_progress_at_80_columns_crops_nothing(data_dir, args):
    result = CliRunner().invoke(app, ["progress", *args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert cropped(result.output) == []
    assert re.search(r"counted to\s+2024-12-31", result.output)  # the caption wraps, whole


def test_progress_all_districts_names_every_district_whole_and_rates_with_one_decimal(data_dir):
    result = CliRunner().invoke(app, ["progress", "--district", "all"], env={"COLUMNS": "80"})
    for name in ("姑苏区", "虎丘区", "吴中区", "相城区", "吴江区", "苏州工业园区", "常熟市", "张家港市", "昆山市",
                 "太仓市", "区县未知"):
        assert re.search(rf"^│ {name}\s", result.output, flags=re.MULTILINE), name
    # the rate indicator's city figure (42, entered by hand in test_progress) prints as a percentage
    assert "42.0%" in result.output
    table = CliRunner().invoke(app, ["progress"], env={"COLUMNS": "80"}).output
    assert re.search(r"\b\d+\.\d%", table) and not re.search(r"\b\d+\.\d{2,}\b", table)


def test_the_cropping_check_catches_a_cropped_table():
    assert cropped("│ 苏州工 … │ 13 │") and cropped("┃  # ┃ 指标 indicator ┃ target") and cropped("x" * 81)
    assert cropped("window 规划期 2022-08-21 … 2025-12-31 · issued 2022-08-21 – …") == []
