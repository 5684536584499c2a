"""The README's first command, end to end: `stdwatch demo` against the mirror over loopback.

The counts are compared with the mirror's ground truths (written by the mirror from how it
built the corpus, not by the product): every standard type per district × year and per
standard, the committees, and all 18 of the plan's indicators city-wide and per district.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date
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
    # `stdwatch demo | cat` on an 80-column terminal
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(data_dir)], catch_exceptions=False,
                                env={"COLUMNS": "80"})
    truth = json.loads((data_dir / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    truth["notices"] = json.loads((data_dir / "mirror" / "notices_ground_truth.json").read_text(encoding="utf-8"))
    return result, data_dir, truth


def expected_standards(truth: dict) -> Counter:
    """(district, type, year) → n: the registries' standards once each, plus the regulator's export."""
    expected = Counter({(r["district"], r["std_type"], r["year"]): r["n"] for r in truth["all_counts"]})
    for district, year, n in truth["notices"]["indicators"]["enterprise_std"]["by_district_year"]:
        expected[(district, "enterprise", year)] += n
    return expected


def _query(data_dir: Path, sql: str) -> list[dict]:
    return warehouse.query(data_dir / "warehouse.duckdb", sql).to_pylist()


def test_demo_exits_cleanly_and_says_it_matches(demo):
    result, _, _ = demo
    assert result.exit_code == 0, result.output
    assert "Equal to the mirror's ground truth" in result.output


def test_counts_per_district_type_year_equal_ground_truth(demo):
    _, data_dir, truth = demo
    expected = dict(expected_standards(truth))
    assert {t for _, t, _ in expected} == {"national", "industry", "local", "group", "enterprise"}
    rows = _query(
        data_dir,
        "SELECT district_name, std_type, year(issue_date) AS year, count(*) AS n "
        "FROM mart.standard WHERE counted GROUP BY ALL",
    )
    actual = {(r["district_name"], r["std_type"], r["year"]): r["n"] for r in rows}
    assert actual == expected


def test_each_counted_standard_has_the_knowable_district(demo):
    _, data_dir, truth = demo
    expected = {s["std_no"]: s["known"] for s in truth["all_standards"] if s["counted"]}
    rows = _query(data_dir, "SELECT std_no, district_name FROM mart.standard WHERE counted")
    assert {r["std_no"]: r["district_name"] for r in rows if r["std_no"] in expected} == expected


def test_a_standard_listed_on_several_portals_counts_once(demo):
    _, data_dir, truth = demo
    multi = [s["std_no"] for s in truth["all_standards"] if s["counted"] and len(s["portals"]) > 1]
    assert len(multi) > 100  # national on samr + openstd, industry on samr + hbba
    rows = _query(data_dir, "SELECT std_no, count(*) AS n, any_value(len(sources)) AS portals "
                            "FROM mart.standard WHERE counted GROUP BY std_no")
    by_no = {r["std_no"]: r for r in rows}
    assert all(by_no[no]["n"] == 1 and by_no[no]["portals"] >= 2 for no in multi)


def test_committees_per_district_equal_ground_truth(demo):
    _, data_dir, truth = demo
    expected = {(r["district"], r["year"]): r["n"] for r in truth["committee_counts"]}
    rows = _query(data_dir, "SELECT district_name, year, n FROM mart.new_committees_by_district")
    assert expected and {(r["district_name"], r["year"]): r["n"] for r in rows} == expected


def _expected_indicators(truth: dict) -> dict[str, tuple[float, dict[str, float]]]:
    """indicator id → (city actual, {district: actual}) from the ground truths."""
    by_type: dict[str, Counter] = {}
    for (district, std_type, _), n in expected_standards(truth).items():
        by_type.setdefault(std_type, Counter())[district] += n
    registries = {
        "national_industry_led": by_type["national"] + by_type["industry"],
        "local_std": by_type["local"],
        "group_std": by_type["group"],
        "enterprise_std": by_type["enterprise"],
        "std_tech_orgs": Counter(),
    }
    for row in truth["committee_counts"]:
        registries["std_tech_orgs"][row["district"]] += row["n"]
    expected = {k: (sum(v.values()), dict(v)) for k, v in registries.items()}
    for indicator, cell in truth["notices"]["indicators"].items():
        if indicator != "enterprise_std":
            expected[indicator] = (cell["city"], cell["by_district"])
    for indicator, years in truth["notices"]["rates"].items():
        latest = years[max(years)]
        expected[indicator] = (latest["city"], latest["by_district"])
    return expected


def test_every_one_of_the_18_indicators_equals_ground_truth_city_wide(demo):
    _, data_dir, truth = demo
    expected = _expected_indicators(truth)
    rows = _query(data_dir, "SELECT indicator_id, actual FROM mart.indicator_progress")
    actual = {r["indicator_id"]: r["actual"] for r in rows}
    assert len(actual) == 18 and set(expected) == set(actual)
    for indicator, (city, _) in expected.items():
        assert actual[indicator] == pytest.approx(city, abs=1e-3), indicator


def test_every_measured_indicator_equals_ground_truth_per_district(demo):
    _, data_dir, truth = demo
    rows = _query(data_dir, "SELECT indicator_id, district_name, actual FROM mart.district_progress WHERE has_data")
    actual: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["actual"]:
            actual.setdefault(r["indicator_id"], {})[r["district_name"]] = r["actual"]
    for indicator, (_, districts) in _expected_indicators(truth).items():
        wanted = {d: n for d, n in districts.items() if n}
        assert actual.get(indicator, {}) == pytest.approx(wanted, abs=1e-3), indicator


def test_unplaced_region_led_standards_are_stated_and_agree(demo):
    result, data_dir, truth = demo
    expected = expected_standards(truth)
    unknown = sum(n for (district, _, _), n in expected.items() if district == "区县未知")
    total = sum(expected.values())
    assert unknown > 0
    assert f"{unknown} of {total} region-led standards could not be placed in a district" in result.output


def test_nothing_outside_the_region_is_counted(demo):
    _, data_dir, truth = demo
    outside = {s["std_no"] for s in truth["all_standards"] if s["known"] == "outside"}
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
    flagged = _query(data_dir, "SELECT count(*) AS n FROM raw.response WHERE spam AND source = 'samr'")[0]["n"]
    assert expected > 0 and flagged == expected


def test_every_standard_traces_to_its_archived_response(demo):
    _, data_dir, _ = demo
    rows = _query(
        data_dir,
        "SELECT s.std_no, s.source, s.url, s.sha256, r.warc_path, r.warc_offset, r.status "
        "FROM core.standard s LEFT JOIN raw.response r USING (response_id) WHERE s.source <> 'inbox'",
    )
    assert rows and all(r["warc_path"] is not None and r["status"] == 200 for r in rows)
    assert {r["source"] for r in rows} >= {"samr", "sacinfo", "ttbz", "qybz"}
    archive_root = data_dir / "archive"
    for row in rows[:: max(1, len(rows) // 60)]:  # a spread sample: reading WARC records is I/O
        _, _, body = read_response(archive_root, row["warc_path"], row["warc_offset"])
        assert hashlib.sha256(body).hexdigest() == row["sha256"], row["std_no"]


def test_standards_from_an_analysts_file_trace_to_its_row_and_sha256(demo):
    _, data_dir, _ = demo
    files = {r["file_name"]: r["sha256"] for r in _query(data_dir, "SELECT file_name, sha256 FROM mart.inbox_files")}
    rows = _query(data_dir, "SELECT url, sha256 FROM core.standard WHERE source = 'inbox'")
    assert rows
    for row in rows:
        file_name = row["url"].removeprefix("inbox://").split("#")[0]
        assert row["url"].startswith("inbox://") and "!" in row["url"]
        assert files[file_name] == row["sha256"]
        assert row["sha256"] == hashlib.sha256((data_dir / "mirror" / "inbox" / file_name).read_bytes()).hexdigest()


def test_enterprise_coverage_is_reported_as_partial(demo):
    result, data_dir, _ = demo
    assert "qybz" in warehouse.coverage_notes(data_dir / "warehouse.duckdb")
    assert "Partial coverage" in result.output and "captcha" in result.output


def test_the_plan_read_from_its_page_gives_the_18_targets(demo):
    _, data_dir, truth = demo
    plan = _query(data_dir, "SELECT issue_date, n_targets, spam FROM ref.plan")
    assert plan == [{"issue_date": date.fromisoformat(truth["plan"]["issue_date"]), "n_targets": 18, "spam": True}]


def test_inbox_rejects_are_reported_with_their_reasons(demo):
    result, data_dir, truth = demo
    expected = {name: len(rows) for name, rows in truth["notices"]["inbox_rejects"].items()}
    for name, n in expected.items():
        if n:
            assert f"inbox {name}: loaded" in result.output and f"{n} rejected" in result.output.split(f"inbox {name}:")[1].split("\n")[0]


def test_warehouse_is_read_only_for_analysts(demo):
    _, data_dir, _ = demo
    con = warehouse.open_readonly(data_dir / "warehouse.duckdb")
    try:
        with pytest.raises(Exception, match="read-only"):
            con.sql("CREATE TABLE analyst_scratch AS SELECT 1")
    finally:
        con.close()


def test_trace_prints_a_standards_pages_and_saves_bodies_with_the_archives_sha256(demo, tmp_path):
    _, data_dir, truth = demo
    std_no = next(s["std_no"] for s in truth["all_standards"] if s["counted"] and "samr" in s["portals"])
    (page,) = _query(data_dir, f"SELECT url, sha256, warc_path, warc_offset FROM mart.standard_provenance "
                               f"WHERE std_no = '{std_no}' AND source = 'samr'")
    result = CliRunner().invoke(app, ["trace", std_no.replace(" ", ""), "--data-dir", str(data_dir),
                                      "--save", str(tmp_path / "pages")])
    assert result.exit_code == 0, result.output
    archive_file = (data_dir / "archive" / page["warc_path"]).resolve()
    for expected in (std_no, page["url"], page["sha256"], f"{archive_file} @ offset {page['warc_offset']}"):
        assert expected in result.output
    saved = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "pages").iterdir()}
    assert page["sha256"] in saved


def test_trace_of_an_unknown_name_says_what_to_give(demo):
    _, data_dir, _ = demo
    result = CliRunner().invoke(app, ["trace", "没有这个单位", "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "give a standard number" in result.stderr


def test_demo_output_at_80_columns_crops_no_cell(demo):
    from test_narrow_output import cropped

    result, _, _ = demo
    assert cropped(result.output) == []
    assert re.search(r"^ 苏州工业园区\s", result.output, flags=re.MULTILINE)  # the district table, name whole


def test_the_materialised_marts_equal_their_definition_after_the_demo(demo):
    """mart.standard reads core.standard_placed, materialised before each of the demo's publishes;
    it must hold exactly what its definition (the view core.standard_placing) computes."""
    _, data_dir, _ = demo
    rows = _query(data_dir, """SELECT count(*) AS n FROM (
        (SELECT * FROM core.standard_placed EXCEPT ALL SELECT * FROM core.standard_placing)
        UNION ALL
        (SELECT * FROM core.standard_placing EXCEPT ALL SELECT * FROM core.standard_placed))""")
    assert rows == [{"n": 0}]
    assert _query(data_dir, "SELECT count(*) AS n FROM core.standard_placed") == \
        _query(data_dir, "SELECT count(*) AS n FROM core.standard")
