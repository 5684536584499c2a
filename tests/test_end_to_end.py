"""The README's first command, end to end: `stdwatch demo` against the mirror over loopback.

The counts are compared with the mirror's ground truth (written by the mirror from how it
built the corpus, not by the product), per district × type × year and per standard.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import warehouse
from extract.archive import read_response
from flows.cli import app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(data_dir)], catch_exceptions=False)
    truth = json.loads((data_dir / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    return result, data_dir, truth


def _query(data_dir: Path, sql: str) -> list[dict]:
    return warehouse.query(data_dir / "warehouse.duckdb", sql).to_pylist()


def test_demo_exits_cleanly_and_says_it_matches(demo):
    result, _, _ = demo
    assert result.exit_code == 0, result.output
    assert "Equal to the mirror's ground truth" in result.output


def test_counts_per_district_type_year_equal_ground_truth(demo):
    _, data_dir, truth = demo
    expected = {(r["district"], r["std_type"], r["year"]): r["n"] for r in truth["counts"]}
    rows = _query(
        data_dir,
        "SELECT district_name, std_type, year(issue_date) AS year, count(*) AS n "
        "FROM mart.standard WHERE counted GROUP BY ALL",
    )
    actual = {(r["district_name"], r["std_type"], r["year"]): r["n"] for r in rows}
    assert actual == expected


def test_each_counted_standard_has_the_knowable_district(demo):
    _, data_dir, truth = demo
    expected = {s["std_no"]: s["known"] for s in truth["standards"] if s["counted"]}
    rows = _query(data_dir, "SELECT std_no, district_name FROM mart.standard WHERE counted")
    assert {r["std_no"]: r["district_name"] for r in rows} == expected


def test_unplaced_region_led_standards_are_stated_and_agree(demo):
    result, data_dir, truth = demo
    unknown = sum(1 for s in truth["standards"] if s["counted"] and s["known"] == "区县未知")
    total = sum(1 for s in truth["standards"] if s["counted"])
    assert unknown > 0
    assert f"{unknown} of {total} region-led standards could not be placed in a district" in result.output


def test_nothing_outside_the_region_is_counted(demo):
    _, data_dir, truth = demo
    outside = {s["std_no"] for s in truth["standards"] if s["known"] == "outside"}
    rows = _query(data_dir, "SELECT std_no FROM mart.standard WHERE counted")
    assert outside.isdisjoint(r["std_no"] for r in rows)


def test_malformed_rows_are_rejected_with_their_reason(demo):
    _, data_dir, truth = demo
    window_start = truth["window_start"]
    expected = Counter(r["reason"] for r in truth["rejects"] if r["issue_date"] >= window_start)
    rows = _query(data_dir, "SELECT reason, count(*) AS n FROM core.reject WHERE source = 'samr' GROUP BY reason")
    assert {r["reason"]: r["n"] for r in rows} == dict(expected)


def test_spam_detail_pages_are_flagged_in_the_archive_index(demo):
    _, data_dir, truth = demo
    window = (truth["window_start"], truth["window_end"] or "9999-12-31")
    rejected = {r["id"] for r in truth["rejects"]}
    # Detail pages are fetched only for rows whose list entry lacks DRAFT_UNIT.
    expected = sum(
        1 for s in truth["standards"]
        if s["detail_spam"] and not s["draft_unit_in_list"] and s["issue_date"] >= window[0] and s["id"] not in rejected
    )
    flagged = _query(data_dir, "SELECT count(*) AS n FROM raw.response WHERE spam")[0]["n"]
    assert expected > 0 and flagged == expected


def test_every_standard_traces_to_its_archived_response(demo):
    _, data_dir, _ = demo
    rows = _query(
        data_dir,
        "SELECT s.std_no, s.url, s.sha256, r.warc_path, r.warc_offset, r.status "
        "FROM core.standard s LEFT JOIN raw.response r USING (response_id)",
    )
    assert rows and all(r["warc_path"] is not None and r["status"] == 200 for r in rows)
    archive_root = data_dir / "archive"
    for row in rows[:: max(1, len(rows) // 50)]:  # a spread sample: reading WARC records is I/O
        _, _, body = read_response(archive_root, row["warc_path"], row["warc_offset"])
        assert hashlib.sha256(body).hexdigest() == row["sha256"], row["std_no"]


def test_warehouse_is_read_only_for_analysts(demo):
    _, data_dir, _ = demo
    con = warehouse.open_readonly(data_dir / "warehouse.duckdb")
    try:
        with pytest.raises(Exception, match="read-only"):
            con.sql("CREATE TABLE analyst_scratch AS SELECT 1")
    finally:
        con.close()
