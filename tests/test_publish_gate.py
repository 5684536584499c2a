"""The publish gate: a load that breaks a declared data test or a guard is held back — readers keep the
previous figures, the load waits in `<warehouse>.held`, `mart.data_tests` names the failing rows — and
`stdwatch publish --accept "reason"` publishes it on purpose. Loads go through `loading.load` (no
network, no Prefect); each test breaks the second night's warehouse in one way."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone

import pytest

import warehouse
from extract.archive import ArchiveEntry
from flows import attribute, loading, runs
from flows.settings import load_settings
from flows.sources import SourceResult, Window
from transform.records import Provenance, StandardRecord
from warehouse import gate

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
# Night 1 publishes these; each is counted (issued in the window, led in the region).
FIRST_NIGHT = [
    ("GB/T 41001-2023", "national", "GB/T", "昆山甲科技有限公司"),
    ("GB/T 41002-2023", "national", "GB/T", "昆山乙电子有限公司"),
    ("DB3205/T 1101-2023", "local", "DB3205/T", "苏州工业园区丙研究院"),
]
NEW_ON_NIGHT_2 = ("GB/T 41003-2024", "national", "GB/T", "张家港丁机械有限公司")


def _response_id(std_no: str) -> str:
    return hashlib.sha256(std_no.encode()).hexdigest()


def record(std_no: str, std_type: str, prefix: str, lead: str, *, archived_as: str | None = None) -> StandardRecord:
    issued = date(int(std_no[-4:]), 3, 1)
    url = f"https://std.samr.example/detail/{std_no}"
    return StandardRecord(
        std_no=std_no, std_no_raw=std_no, std_type=std_type, prefix=prefix, year=issued.year, name=f"{std_no} 名称",
        status="现行", issue_date=issued, act_date=issued + timedelta(days=90), abolish_date=None, replaces=[],
        is_revision=False, drafters=[lead, "苏州某协会"], drafters_known=True, source="samr", source_id=std_no,
        detail_url=url,
        provenance=Provenance("samr", url, T0, archived_as or _response_id(std_no), f"sha-{std_no}"),
    )


def archived(std_no: str, run_id: str) -> ArchiveEntry:
    return ArchiveEntry(_response_id(std_no), "samr", "GET", f"https://std.samr.example/detail/{std_no}", 200,
                        "application/json", T0, f"sha-{std_no}", 100, "samr/x.warc.gz", 0, 100, run_id, None)


def night(run_id: str, records: list[StandardRecord], archived_nos: list[str]) -> runs.RunReport:
    settings = load_settings()
    run = runs.RunSpec(run_id, "nightly", {}, Window(settings.window_start, None), datetime.now(timezone.utc))
    return loading.load(settings, run, responses=[archived(n, run_id) for n in archived_nos],
                         results=[SourceResult("samr", records=records)], client_stats={},
                         advance_watermarks=True, check_silence=False)


@pytest.fixture
def published(tmp_path, monkeypatch):
    """Night 1 loaded and published; returns the warehouse path."""
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STDWATCH_AS_OF", "2025-06-30")
    report = night("run-1", [record(*row) for row in FIRST_NIGHT], [row[0] for row in FIRST_NIGHT])
    assert report.status == "completed", report.problems
    assert not (tmp_path / "warehouse.duckdb.held").exists()
    return tmp_path / "warehouse.duckdb"


def counted(path) -> list[str]:
    return sorted(r["std_no"] for r in warehouse.query(path, "SELECT std_no FROM mart.standard WHERE counted").to_pylist())


def corrupt_after_attribution(monkeypatch, *statements: str) -> None:
    """Break the working copy the way a faulty step would, after the load's last step and before the gate."""
    attribute_all = attribute.attribute_all

    def breaking(w, settings, overrides):
        attribute_all(w, settings, overrides)
        for statement in statements:
            w.con.execute(statement)

    monkeypatch.setattr(loading, "attribute_all", breaking)  # the load job calls it


def second_night_records(**changed) -> tuple[list[StandardRecord], list[str]]:
    rows = [*FIRST_NIGHT, NEW_ON_NIGHT_2]
    return [record(*row, **changed.get(row[0], {})) for row in rows], [row[0] for row in rows]


BREAKS = {
    # kind → (how night 2 breaks, the test that must fail (or the tests), a value their failing rows must name)
    "duplicated standard": (
        "records", "standard_number_unique", "GB/T41003-2024"),
    "provenance row entered twice": (  # core.standard_source has no primary key (migration 010); the
        # standard, which one source lists, is that row flagged canonical (migration 013): the copy is
        # flagged too, so it shows twice in core.standard
        "INSERT INTO core.standard_source SELECT * FROM core.standard_source WHERE std_no = 'GB/T 41003-2024'",
        ("mart_standard_unique", "one_canonical_row", "standard_number_unique", "standard_source_unique"),
        "GB/T 41003-2024"),
    "null lead unit": (  # one source lists it: its canonical row is that source's (migration 013)
        "UPDATE core.standard_source SET drafters = list_prepend(NULL, drafters[2:]) WHERE std_no = 'GB/T 41003-2024'",
        "lead_unit_not_null", "GB/T 41003-2024"),
    "ranked row left for a standard one source lists": (  # its source row is canonical too: listed twice
        "INSERT INTO core.standard_resolved BY NAME SELECT * FROM core.standard_canonical WHERE std_no = 'GB/T 41003-2024'",
        ("mart_standard_unique", "one_canonical_row", "standard_number_unique"), "GB/T 41003-2024"),
    "district code outside the region": (
        "UPDATE core.org SET district_code = '320105', district_name = '建邺区' WHERE name = '张家港丁机械有限公司'",
        "org_district_accepted", "320105"),
    "dangling provenance": (
        "archive", "provenance_has_archive_record", "GB/T 41003-2024"),
    "indicator without a measure": (
        "INSERT INTO ref.indicator (indicator_id, kind, position, indicator, value, unit, comparator, scope, plan_url) "
        "VALUES ('plan_0a1b2c', NULL, 1, '新增标准化示范街区', 5, '个', '≥', 'new', 'https://plan.example/')",
        "plan_indicator_has_measure", "plan_0a1b2c"),
}


@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_broken_load_is_held_back_and_readers_keep_the_previous_figures(published, monkeypatch, kind):
    how, failing, named = BREAKS[kind]
    failing = (failing,) if isinstance(failing, str) else failing
    records, archived_nos = second_night_records()
    if how == "records":  # a parser that stopped canonicalising: the same standard under a second spelling
        records.append(record("GB/T41003-2024", "national", "GB/T", "张家港丁机械有限公司"))
        archived_nos.append("GB/T41003-2024")
    elif how == "archive":  # the record names an archive response that was never indexed
        archived_nos.remove("GB/T 41003-2024")
    else:
        corrupt_after_attribution(monkeypatch, how)

    report = night("run-2", records, archived_nos)

    assert report.status == "held"
    for failing_test in failing:
        assert any(p.startswith(f"data test {failing_test} ") for p in report.problems), report.problems
    # readers still see night 1: the three standards of the first night, not the fourth
    assert counted(published) == sorted(row[0] for row in FIRST_NIGHT)
    held = published.with_name(published.name + ".held")
    assert "GB/T 41003-2024" in counted(held)  # the load is kept aside for inspection
    rows = warehouse.query(published, "SELECT test, outcome, failing_rows, sample FROM mart.data_tests "
                                      "WHERE run_id = 'run-2' AND outcome = 'failed'").to_pylist()
    assert sorted(r["test"] for r in rows) == sorted(failing)
    assert all(r["failing_rows"] >= 1 and named in r["sample"] for r in rows), rows
    status = gate.publish_status(published)
    assert status["latest_run"] == "run-2" and status["latest_held"] is True
    assert status["last_published_run"] == "run-1"
    assert report.last_published_at == status["last_published_at"]
    run = warehouse.query(published, "SELECT status, message FROM meta.run WHERE run_id = 'run-2'").to_pylist()
    assert run[0]["status"] == "held" and all(test in run[0]["message"] for test in failing)


def test_a_healthy_load_publishes_and_records_every_test_passed(published):
    records, archived_nos = second_night_records()
    report = night("run-2", records, archived_nos)
    assert report.status == "completed", report.problems
    assert counted(published) == sorted([*(row[0] for row in FIRST_NIGHT), NEW_ON_NIGHT_2[0]])
    outcomes = warehouse.query(published, "SELECT test, outcome FROM mart.data_tests WHERE run_id = 'run-2'").to_pylist()
    declared = {t.name for t in gate.declared_tests()}
    assert {r["test"] for r in outcomes} == declared | {f"guard:{g}" for g in gate.GUARDS}
    assert {r["outcome"] for r in outcomes} == {"passed"}


def test_a_district_count_that_falls_fails_the_guard_unless_an_override_explains_it(published, monkeypatch, tmp_path):
    # 昆山 had two national standards; an attribution that silently loses the 昆山 organisations drops it to 0.
    corrupt_after_attribution(monkeypatch, "UPDATE core.org SET in_region = false WHERE name LIKE '昆山%'")
    monkeypatch.setenv("STDWATCH_GUARD_COUNT_FALL_MIN", "2")
    records, archived_nos = second_night_records()
    report = night("run-2", records, archived_nos)
    assert report.status == "held"
    guard = [p for p in report.problems if p.startswith("data test guard:district_type_count ")]
    assert len(guard) == 1 and "320583|national 2 → 0" in guard[0]
    assert counted(published) == sorted(row[0] for row in FIRST_NIGHT)

    # The same fall, this time decided by a reviewer ("outside" in the reviewed overrides): explained, published.
    monkeypatch.undo()
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STDWATCH_AS_OF", "2025-06-30")
    monkeypatch.setenv("STDWATCH_GUARD_COUNT_FALL_MIN", "2")
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("机构名称,区县\n昆山甲科技有限公司,outside\n昆山乙电子有限公司,outside\n", encoding="utf-8")
    monkeypatch.setenv("STDWATCH_OVERRIDE_FILE", str(overrides))
    report = night("run-3", records, archived_nos)
    assert report.status == "completed", report.problems
    assert counted(published) == ["DB3205/T 1101-2023", NEW_ON_NIGHT_2[0]]
    excused = warehouse.query(published, "SELECT outcome, detail FROM mart.data_tests WHERE run_id = 'run-3' "
                                         "AND test = 'guard:district_type_count'").to_pylist()
    assert excused[0]["outcome"] == "excused" and "reviewed overrides changed" in excused[0]["detail"]


def test_publish_accept_publishes_the_held_load_with_its_reason(published, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app

    corrupt_after_attribution(monkeypatch, BREAKS["null lead unit"][0])
    records, archived_nos = second_night_records()
    assert night("run-2", records, archived_nos).status == "held"

    done = CliRunner().invoke(app, ["publish", "--accept", "lead unit checked by hand: the portal lists none"])
    assert done.exit_code == 0, done.output
    assert "GB/T 41003-2024" in counted(published)
    assert not published.with_name(published.name + ".held").exists()
    runs = warehouse.query(published, "SELECT run_id, flow, status, message, params FROM meta.run "
                                      "WHERE flow = 'publish'").to_pylist()
    assert len(runs) == 1 and runs[0]["status"] == "accepted"
    assert runs[0]["message"] == "lead unit checked by hand: the portal lists none"
    assert json.loads(runs[0]["params"])["accept"] == "run-2"
    status = gate.publish_status(published)
    assert status["latest_held"] is False and status["last_published_run"] == runs[0]["run_id"]

    again = CliRunner().invoke(app, ["publish", "--accept", "twice"])
    assert again.exit_code == 1 and "no held-back load" in again.output


def test_a_held_load_that_a_later_publish_overtook_is_refused(published, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app

    with monkeypatch.context() as m:
        corrupt_after_attribution(m, BREAKS["null lead unit"][0])
        records, archived_nos = second_night_records()
        assert night("run-2", records, archived_nos).status == "held"
    assert night("run-3", records, archived_nos).status == "completed"
    done = CliRunner().invoke(app, ["publish", "--accept", "too late"])
    assert done.exit_code == 1 and "older than what was published since" in done.output
    assert counted(published) == sorted([*(row[0] for row in FIRST_NIGHT), NEW_ON_NIGHT_2[0]])


def test_the_run_report_and_the_leaders_report_say_the_load_was_held_back(published, monkeypatch):
    from flows.leader_report import build_sections
    from flows.report import summary_lines
    from transform.region import load_region, map_tiles

    with monkeypatch.context() as m:
        corrupt_after_attribution(m, BREAKS["null lead unit"][0])
        records, archived_nos = second_night_records()
        report = night("run-2", records, archived_nos)
    first_publish = gate.publish_status(published)["last_published_at"]
    held_line = [line for line in summary_lines(report) if line.startswith("held back, not published")]
    assert len(held_line) == 1 and f"{first_publish:%Y-%m-%d %H:%M} UTC" in held_line[0]
    assert f"{published}.held" in held_line[0]

    indicators = build_sections(warehouse.report_data(published), load_region("3205"), map_tiles("3205"))[0]
    assert indicators.notes[0].startswith("最新一次数据载入未通过数据检查")
    assert f"published {first_publish:%Y-%m-%d %H:%M} UTC" in indicators.extra["period"]

    healthy = night("run-3", records, archived_nos)
    assert healthy.status == "completed"
    assert [line for line in summary_lines(healthy) if line.startswith("published ")] == [
        f"published {healthy.last_published_at:%Y-%m-%d %H:%M} UTC: every data test passed"]
    assert healthy.last_published_at > first_publish
    indicators = build_sections(warehouse.report_data(published), load_region("3205"), map_tiles("3205"))[0]
    assert not indicators.notes[0].startswith("最新一次数据载入未通过数据检查")
