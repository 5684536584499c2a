"""`stdwatch demo --region 3202`: a second city run end to end from its folder alone.

The mirror builds Wuxi's corpus from transform/regions/3202 and writes its own ground truth; the
per-district counts the warehouse publishes are compared with that truth (never with the product's
numbers), and every district the table names is one of Wuxi's.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import warehouse
from flows.cli import app

pytestmark = pytest.mark.integration
WUXI = Path(__file__).resolve().parents[1] / "transform" / "regions" / "3202"


def test_the_wuxi_demo_equals_its_ground_truth(tmp_path):
    data_dir = tmp_path / "data"
    result = CliRunner().invoke(app, ["demo", "--region", "3202", "--size", "400", "--data-dir", str(data_dir),
                                      "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["equal_to_ground_truth"] is True

    truth = json.loads((data_dir / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    notices = json.loads((data_dir / "mirror" / "notices_ground_truth.json").read_text(encoding="utf-8"))
    expected = Counter()
    for row in truth["all_counts"]:
        expected[(row["district"], row["std_type"])] += row["n"]
    for district, n in notices["indicators"]["enterprise_std"]["by_district"].items():
        expected[(district, "enterprise")] += n
    rows = warehouse.query(data_dir / "warehouse.duckdb",
                           "SELECT district_name, std_type, count(*) AS n FROM mart.standard WHERE counted "
                           "GROUP BY ALL").to_pylist()
    assert {(r["district_name"], r["std_type"]): r["n"] for r in rows} == {k: v for k, v in expected.items() if v}

    with (WUXI / "districts.csv").open(encoding="utf-8") as f:
        wuxi = {row["district_name"] for row in csv.DictReader(f)} | {"区县未知"}
    assert {r["district_name"] for r in rows} <= wuxi
    assert {"梁溪区", "江阴市", "宜兴市"} <= {r["district_name"] for r in rows}
