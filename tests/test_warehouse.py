"""Warehouse: migrations, merges, marts, blue/green publish, exports (tmp_path only, no network)."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow.parquet as pq
import pytest

from transform.records import Attribution, OrgEvidence, Provenance, Reject, StandardRecord
from transform.region import load_region
from warehouse import (
    SchemaVersionError,
    Warehouse,
    WarehouseBusy,
    WarehouseMissing,
    WriteSession,
    apply_migrations,
    export,
    new_standards_by_district,
    open_readonly,
    org_evidence,
    query,
    read_watermarks,
    schema_version,
)
from warehouse.db import migrations

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
RULES = {
    "window_start": date(2022, 8, 21),
    "window_end": date(2025, 12, 31),
    "as_of": date(2026, 6, 30),
    "count_drafter": "lead",
    "group_count_by": "drafter",
    "region": "3205",
}


def provenance(source: str, n: int, at: datetime = T0) -> Provenance:
    response_id = hashlib.sha256(f"{source}-{n}-{at.isoformat()}".encode()).hexdigest()
    return Provenance(source, f"https://{source}.example/detail/{n}", at, response_id, f"body-{source}-{n}")


def standard(
    std_no: str,
    *,
    drafters: tuple[str, ...] = ("昆山甲科技有限公司",),
    issued: date | None = date(2023, 1, 1),
    std_type: str = "national",
    prefix: str = "GB/T",
    status: str | None = "现行",
    source: str = "samr",
    at: datetime = T0,
    n: int = 1,
    **fields,
) -> StandardRecord:
    return StandardRecord(
        std_no=std_no,
        std_no_raw=std_no.replace(" ", ""),
        std_type=std_type,
        prefix=prefix,
        year=issued.year if issued else None,
        name=f"{std_no} 的名称",
        status=status,
        issue_date=issued,
        act_date=issued + timedelta(days=90) if issued else None,
        abolish_date=None,
        replaces=[],
        is_revision=False,
        drafters=list(drafters),
        drafters_known=bool(drafters),
        source=source,
        source_id=f"{source}-{std_no}",
        detail_url=f"https://{source}.example/detail/{n}",
        provenance=provenance(source, n, at),
        **fields,
    )


def placed(code: str | None, name: str | None, *, in_region: bool | None = True, review: bool = False) -> Attribution:
    return Attribution(
        in_region=in_region, district_code=code, district_name=name, method="name" if code else "none",
        confidence=0.8 if code else 0.3, uscc_valid=None, evidence=[f"名称含 {name}"] if name else [],
        needs_review=review,
    )


def rows(path: Path, sql: str) -> list[dict]:
    return query(path, sql).to_pylist()


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    """A published warehouse with the Suzhou districts and the default counting rules."""
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
    return path


# ── migrations ──────────────────────────────────────────────────────────────────────────

def test_migrations_apply_from_empty_and_again_is_a_no_op(tmp_path):
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    every = [m.version for m in migrations()]
    assert every[:3] == [1, 2, 3]
    assert apply_migrations(con) == every
    assert apply_migrations(con) == []
    assert schema_version(con) == every[-1]
    tables = {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    assert {"raw.response", "ref.district", "ref.setting", "ref.source_priority", "core.standard_resolved",
            "core.standard_source", "core.standard_status_history", "core.org",
            "core.org_evidence", "core.reject", "meta.run", "meta.run_source", "meta.watermark",
            "meta.schema_version"} <= tables
    con.close()


def test_a_version_1_database_upgrades_in_place_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert apply_migrations(con, upto=1) == [1]
    WriteSession(con).record_responses([{"response_id": "r1", "source": "samr", "url": "https://x/1", "fetched_at": T0}])
    con.close()

    with Warehouse(path).writing():
        pass
    assert rows(path, "SELECT max(version) AS v FROM meta.schema_version") == [{"v": migrations()[-1].version}]
    assert rows(path, "SELECT response_id FROM raw.response") == [{"response_id": "r1"}]


def test_a_database_newer_than_the_code_is_refused(tmp_path):
    con = duckdb.connect(str(tmp_path / "new.duckdb"))
    apply_migrations(con)
    con.execute("INSERT INTO meta.schema_version VALUES (99, 'future', now())")
    with pytest.raises(SchemaVersionError, match="schema version 99"):
        apply_migrations(con)
    con.close()


def test_a_region_loads_its_districts_and_its_plans_measures(tmp_path):
    kunshan = SimpleNamespace(code="320583", name="昆山市", kind="county-level city", aliases=("昆山",))
    rate = SimpleNamespace(indicator_id="std_research_rate", ordinal=1, label="比率", unit="%", comparator="≥",
                           target=50.0, deadline_year=2025, method="manual", source_view="core.indicator_event",
                           std_types=None, aggregate="latest", sources=("manual",), waits_for="input",
                           settings="as_of", rule_zh="比率", rule_en="rate")
    region = SimpleNamespace(code="3205", unknown_district_code="320500", unknown_district_name="区县未知",
                             districts=(kunshan,), measures=(rate,))
    path = tmp_path / "r.duckdb"
    with Warehouse(path).writing() as w:
        w.load_region(region)
    assert rows(path, "SELECT district_code, aliases, kind FROM ref.district ORDER BY 1") == [
        {"district_code": "320500", "aliases": [], "kind": "unknown"},
        {"district_code": "320583", "aliases": ["昆山"], "kind": "county-level city"},
    ]
    assert rows(path, "SELECT indicator_id, std_types, sources, target, deadline_year FROM ref.measure") == [
        {"indicator_id": "std_research_rate", "std_types": None, "sources": ["manual"], "target": 50.0,
         "deadline_year": 2025}]
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
    assert rows(path, "SELECT count(*) AS n FROM ref.district WHERE region_code = '3205'") == [{"n": 11}]
    # shared/design/indicators.md: the Suzhou plan's 18 indicators, in its order
    assert rows(path, "SELECT count(*) AS n, min(ordinal) AS first, max(ordinal) AS last FROM ref.measure") == [
        {"n": 18, "first": 1, "last": 18}]
    assert rows(path, "SELECT indicator_id, std_types FROM ref.measure WHERE ordinal = 2") == [
        {"indicator_id": "national_industry_led", "std_types": ["national", "industry"]}]


# ── merges ──────────────────────────────────────────────────────────────────────────────

def test_merge_counts_inserted_updated_unchanged_and_appends_status_history(wh):
    batch = [standard("GB/T 1-2023", n=1), standard("GB/T 2-2023", n=2), standard("GB/T 3-2023", n=3)]
    with Warehouse(wh).writing() as w:
        first = w.merge_standards(batch, "run-1")
        again = w.merge_standards(batch, "run-1b")
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)

    later = T0 + timedelta(days=7)
    refetched = [replace(r, provenance=provenance("samr", 100 + i, later)) for i, r in enumerate(batch)]
    refetched[1] = replace(refetched[1], status="废止", abolish_date=date(2024, 3, 1))
    with Warehouse(wh).writing() as w:
        counts = w.merge_standards(refetched, "run-2")
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 2)

    history = rows(wh, "SELECT std_no, status, run_id FROM core.standard_status_history ORDER BY std_no, seen_at")
    assert history == [
        {"std_no": "GB/T 1-2023", "status": "现行", "run_id": "run-1"},
        {"std_no": "GB/T 2-2023", "status": "现行", "run_id": "run-1"},
        {"std_no": "GB/T 2-2023", "status": "废止", "run_id": "run-2"},
        {"std_no": "GB/T 3-2023", "status": "现行", "run_id": "run-1"},
    ]
    core = {r["std_no"]: r for r in rows(wh, "SELECT * FROM core.standard")}
    assert core["GB/T 2-2023"]["status"] == "废止"
    assert core["GB/T 2-2023"]["last_changed_run"] == "run-2"
    # an unchanged re-fetch keeps the provenance of the response the content came from
    assert core["GB/T 1-2023"]["response_id"] == batch[0].provenance.response_id
    assert core["GB/T 1-2023"]["last_changed_run"] == "run-1"
    seen = rows(wh, "SELECT last_seen_run FROM core.standard_source WHERE std_no = 'GB/T 1-2023'")
    assert seen == [{"last_seen_run": "run-2"}]


def test_duplicates_in_a_batch_keep_the_last_fetched_and_older_records_do_not_roll_back(wh):
    early = standard("GB/T 9-2023", status="即将实施", at=T0, n=1)
    late = standard("GB/T 9-2023", status="现行", at=T0 + timedelta(hours=1), n=2)
    with Warehouse(wh).writing() as w:
        counts = w.merge_standards([late, early], "run-1")
        assert (counts.inserted, counts.duplicates) == (1, 1)
        stale = w.merge_standards([replace(early, name="旧的名称")], "run-2")
        assert (stale.inserted, stale.updated, stale.stale) == (0, 0, 1)
    assert rows(wh, "SELECT status, name FROM core.standard") == [{"status": "现行", "name": late.name}]


def test_samr_wins_and_drafters_come_from_a_source_that_lists_them(wh):
    samr = standard("DB32/T 5-2023", drafters=(), prefix="DB32/T", std_type="local", source="samr", n=1)
    sacinfo = standard("DB32/T 5-2023", drafters=("苏州乙公司", "昆山甲科技有限公司"), prefix="DB32/T",
                       std_type="local", source="sacinfo", n=2)
    with Warehouse(wh).writing() as w:
        w.merge_standards([sacinfo], "run-1")
        w.merge_standards([samr], "run-2")
        assert w.drafting_orgs() == ["昆山甲科技有限公司", "苏州乙公司"]
    core = rows(wh, "SELECT source, drafters_source, lead_org, sources FROM core.standard")
    assert core == [{"source": "samr", "drafters_source": "sacinfo", "lead_org": "苏州乙公司",
                     "sources": ["samr", "sacinfo"]}]
    drafters = rows(wh, "SELECT position, org_name FROM core.standard_drafter ORDER BY position")
    assert drafters == [{"position": 1, "org_name": "苏州乙公司"}, {"position": 2, "org_name": "昆山甲科技有限公司"}]


# ── marts ───────────────────────────────────────────────────────────────────────────────

ORGS = {
    "昆山甲科技有限公司": placed("320583", "昆山市"),
    "苏州乙公司": placed(None, None, review=True),               # in the city, district unknown
    "南京丙研究院": placed(None, None, in_region=False),
    "苏州工业园区丁公司": placed("320571", "苏州工业园区"),
    "园区戊公司": placed("320576", "苏州工业园区"),                # NBS code, matched by name
}
MART_RECORDS = [
    standard("GB/T 1-2023", drafters=("昆山甲科技有限公司",), issued=date(2023, 1, 10), n=1),
    standard("GB/T 2-2024", drafters=("苏州乙公司",), issued=date(2024, 2, 1), n=2),
    standard("GB/T 3-2023", drafters=("南京丙研究院", "昆山甲科技有限公司"), issued=date(2023, 6, 1), n=3),
    standard("T/ABC 4-2022", drafters=("昆山甲科技有限公司",), issued=date(2022, 8, 1), std_type="group",
             prefix="T/ABC", n=4),                                   # before the window
    standard("DB3205/T 5-2023", drafters=("南京丙研究院",), issued=date(2023, 9, 9), std_type="local",
             prefix="DB3205/T", n=5),                                # the city's own local standard
    standard("T/ABC 6-2024", drafters=("苏州工业园区丁公司",), issued=date(2024, 5, 5), std_type="group",
             prefix="T/ABC", n=6),
    standard("JT/T 7-2025", drafters=("园区戊公司",), issued=date(2025, 3, 1), std_type="industry",
             prefix="JT/T", n=7),
    standard("GB/T 8-2026", drafters=("昆山甲科技有限公司",), issued=date(2026, 1, 15), n=8),  # after the window
    standard("Q/XYZ 9-2024", drafters=("某某协会",), issued=date(2024, 1, 1), std_type="enterprise",
             prefix="Q/XYZ", n=9),                                   # never attributed
    standard("GB/T 10-2023", drafters=(), issued=date(2023, 1, 1), n=10),  # drafters unknown
]


@pytest.fixture
def mart_wh(wh: Path) -> Path:
    with Warehouse(wh).writing() as w:
        w.merge_standards(MART_RECORDS, "run-1")
        # keys of the attribution's own making: drafters still reach them through their names
        w.replace_org_attributions([(f"org-{i}", name, a) for i, (name, a) in enumerate(ORGS.items())])
        assert w.drafting_orgs(unattributed_only=True) == ["某某协会"]
    return wh


def by_district(path: Path) -> dict[str, dict]:
    return {r["district_code"]: r for r in rows(path, "SELECT * FROM mart.new_standards_by_district")}


def test_per_district_counts_by_hand(mart_wh):
    table = by_district(mart_wh)
    assert len(table) == 11 and list(table)[-1] == "320500"
    assert table["320500"]["district_name"] == "区县未知"
    assert {code: r["n_total"] for code, r in table.items() if r["n_total"]} == {
        "320583": 1,  # GB/T 1 (GB/T 8 is after the window, T/ABC 4 before it)
        "320500": 2,  # GB/T 2 (unplaced), DB3205/T 5 (the city's own, drafted outside)
        "320571": 2,  # T/ABC 6, JT/T 7 (code 320576 matched by name)
    }
    assert (table["320500"]["n_national"], table["320500"]["n_local"]) == (1, 1)
    assert (table["320571"]["n_group"], table["320571"]["n_industry"], table["320571"]["n_national_industry"]) == (1, 1, 1)

    standards = {r["std_no"]: r for r in rows(mart_wh, "SELECT * FROM mart.standard")}
    assert standards["GB/T 3-2023"]["in_region"] is False
    assert standards["Q/XYZ 9-2024"]["in_region"] is None
    assert standards["GB/T 8-2026"]["is_new"] is False and standards["GB/T 8-2026"]["district_code"] == "320583"
    assert standards["DB3205/T 5-2023"]["count_basis"] == "region_local_standard"

    months = rows(mart_wh, "SELECT district_code, std_type, month, n FROM mart.new_standards_by_district_month")
    assert months == [
        {"district_code": "320583", "std_type": "national", "month": date(2023, 1, 1), "n": 1},
        {"district_code": "320500", "std_type": "local", "month": date(2023, 9, 1), "n": 1},
        {"district_code": "320500", "std_type": "national", "month": date(2024, 2, 1), "n": 1},
        {"district_code": "320571", "std_type": "group", "month": date(2024, 5, 1), "n": 1},
        {"district_code": "320571", "std_type": "industry", "month": date(2025, 3, 1), "n": 1},
        {"district_code": "320583", "std_type": "national", "month": date(2026, 1, 1), "n": 1},
    ]

    queue = rows(mart_wh, "SELECT name, standards_led_in_window, evidence FROM mart.review_queue")
    assert queue == [{"name": "苏州乙公司", "standards_led_in_window": 1, "evidence": []}]

    long_form = new_standards_by_district(mart_wh)
    assert sum(r["n"] for r in long_form) == 5
    assert {"district_code": "320500", "district_name": "区县未知", "std_type": "local", "n": 1} in long_form


def test_any_drafter_counts_the_first_drafter_in_the_region(mart_wh):
    with Warehouse(mart_wh).writing() as w:
        w.set_settings({"count_drafter": "any"})
    table = by_district(mart_wh)
    assert table["320583"]["n_total"] == 2  # GB/T 3 now counts for its second drafter's district
    assert sum(r["n_total"] for r in table.values()) == 6
    row = rows(mart_wh, "SELECT counting_org, count_basis FROM mart.standard WHERE std_no = 'GB/T 3-2023'")
    assert row == [{"counting_org": "昆山甲科技有限公司", "count_basis": "any_drafter"}]
    assert rows(mart_wh, "SELECT count_drafter FROM mart.counting_rules") == [{"count_drafter": "any"}]
    with Warehouse(mart_wh).writing() as w:
        with pytest.raises(ValueError, match="count_drafter='every'"):
            w.set_settings({"count_drafter": "every"})
        with pytest.raises(ValueError, match="no publisher"):
            w.set_settings({"group_count_by": "publisher"})


def test_provenance_leads_from_a_standard_to_its_archived_response(wh):
    record = standard("GB/T 11-2024", n=11)
    with Warehouse(wh).writing() as w:
        w.record_responses([{
            "response_id": record.provenance.response_id, "run_id": "run-1", "source": "samr", "method": "GET",
            "url": record.provenance.url, "status": 200, "content_type": "text/html; charset=utf-8",
            "fetched_at": T0, "sha256": record.provenance.sha256, "size": 4096,
            "warc_path": "archive/2024/03/01/samr-00001.warc.gz", "warc_offset": 1234, "warc_length": 567,
        }])
        w.flag_spam({record.provenance.response_id: ["澳门皇冠"]})
        w.merge_standards([replace(record, spam=True)], "run-1")
    trace = rows(wh, "SELECT * FROM mart.standard_provenance")
    assert len(trace) == 1
    assert {k: trace[0][k] for k in ("url", "fetched_at", "sha256", "warc_path", "warc_offset", "warc_length",
                                     "used_for_record", "page_spam", "spam_terms")} == {
        "url": record.provenance.url, "fetched_at": T0, "sha256": record.provenance.sha256,
        "warc_path": "archive/2024/03/01/samr-00001.warc.gz", "warc_offset": 1234, "warc_length": 567,
        "used_for_record": True, "page_spam": True, "spam_terms": ["澳门皇冠"],
    }
    assert rows(wh, "SELECT warc_offset, spam FROM mart.standard") == [{"warc_offset": 1234, "spam": True}]
    with Warehouse(wh).writing() as w:
        w.record_responses([{"response_id": record.provenance.response_id, "source": "samr", "url": "u",
                             "fetched_at": T0}])  # already indexed: kept as first recorded
        with pytest.raises(ValueError, match=r"unknown columns \['warc_file'\]"):
            w.record_responses([{"response_id": "r2", "source": "samr", "url": "u", "fetched_at": T0,
                                 "warc_file": "x.warc.gz"}])
    assert rows(wh, "SELECT count(*) AS n, any_value(warc_offset) AS o FROM raw.response") == [{"n": 1, "o": 1234}]


# ── publish ─────────────────────────────────────────────────────────────────────────────

def test_readers_keep_their_snapshot_and_new_readers_see_the_publish(wh):
    with Warehouse(wh).writing() as w:
        w.merge_standards([standard("GB/T 1-2023")], "run-1")
    before = open_readonly(wh)
    try:
        with Warehouse(wh).writing() as w:
            w.merge_standards([standard("GB/T 2-2023", n=2)], "run-2")
        assert before.execute("SELECT count(*) FROM core.standard").fetchone() == (1,)
        assert rows(wh, "SELECT count(*) AS n FROM core.standard") == [{"n": 2}]
    finally:
        before.close()
    assert not wh.with_name(wh.name + ".next").exists()


def test_an_exception_leaves_the_published_file_byte_identical(wh):
    published = wh.read_bytes()
    with pytest.raises(RuntimeError, match="parser blew up"):
        with Warehouse(wh).writing() as w:
            w.merge_standards([standard("GB/T 1-2023")], "run-1")
            raise RuntimeError("parser blew up")
    assert wh.read_bytes() == published
    assert not wh.with_name(wh.name + ".next").exists()
    assert not wh.with_name(wh.name + ".next.wal").exists()


def test_a_stale_working_copy_from_a_killed_run_is_cleaned(wh):
    for leftover in (".next", ".next.wal"):
        wh.with_name(wh.name + leftover).write_bytes(b"half-written by a killed run")
    with Warehouse(wh).writing() as w:
        w.merge_standards([standard("GB/T 1-2023")], "run-1")
    assert rows(wh, "SELECT std_no FROM core.standard") == [{"std_no": "GB/T 1-2023"}]
    assert not wh.with_name(wh.name + ".next").exists()
    assert not wh.with_name(wh.name + ".next.wal").exists()


def test_a_second_writer_is_refused(wh):
    with Warehouse(wh).writing():
        with pytest.raises(WarehouseBusy, match="another process is writing"):
            with Warehouse(wh).writing():
                pass


def test_a_missing_warehouse_says_how_to_make_one(tmp_path):
    with pytest.raises(WarehouseMissing, match=r"no warehouse at .*stdwatch demo"):
        open_readonly(tmp_path / "nothing.duckdb")


# ── runs, rejects, watermarks, organisations, exports ───────────────────────────────────

def test_runs_rejects_and_watermarks_round_trip(wh):
    rejects = [Reject("samr", "bad_std_no", "标准号 'GB 12X' 无法解析", "https://samr.example/1", "r1"),
               Reject("ttbz", "blocked", "WAF challenge on list page 3")]
    with Warehouse(wh).writing() as w:
        w.begin_run("run-1", "nightly", {"sources": ["samr"]}, {"region": "3205"})
        w.record_rejects(rejects, "run-1")
        w.set_watermark("samr", "SYS_INPUTIME", "2024-03-01T08:00:00", "run-1")
        w.record_source_stats("run-1", "samr", {"requests": 12, "inserted": 3, "seconds": {"fetch": 1.5}, "note": "x"})
        w.finish_run("run-1", "succeeded")
    with Warehouse(wh).writing() as w:
        assert w.rejects("run-1") == rejects
        assert w.get_watermark("samr", "SYS_INPUTIME") == "2024-03-01T08:00:00"
        assert w.get_watermark("samr", "other") is None
        w.set_watermark("samr", "SYS_INPUTIME", "2024-03-02T08:00:00", "run-2")
        assert w.get_watermark("samr", "SYS_INPUTIME") == "2024-03-02T08:00:00"
        with pytest.raises(KeyError, match="never begun"):
            w.finish_run("run-404", "failed")
    assert read_watermarks(wh) == {"samr": {"SYS_INPUTIME": "2024-03-02T08:00:00"}}
    assert read_watermarks(wh.with_name("none.duckdb")) == {}
    run = rows(wh, "SELECT status, finished_at IS NOT NULL AS done, params->>'$.sources[0]' AS src FROM meta.run")
    assert run == [{"status": "succeeded", "done": True, "src": "samr"}]
    stats = rows(wh, "SELECT requests, inserted, seconds->>'$.fetch' AS fetch, extra->>'$.note' AS note FROM meta.run_source")
    assert stats == [{"requests": 12, "inserted": 3, "fetch": "1.5", "note": "x"}]


def test_org_evidence_replaced_per_origin_and_attributions_replaced_whole(wh):
    prov = provenance("qybz", 1)
    crawl = [OrgEvidence("昆山甲科技有限公司", "qybz", uscc="91320583MA1XXXXX0X", division="320583", provenance=prov)]
    upload = [OrgEvidence("苏州乙公司", "inbox", address="苏州市吴中区木渎镇", origin="inbox/orgs.xlsx#Sheet1!2"),
              OrgEvidence("苏州丁公司", "inbox", address="苏州市相城区", origin="inbox/orgs.xlsx#Sheet1!3")]
    with Warehouse(wh).writing() as w:
        w.add_org_evidence(crawl)
        w.add_org_evidence(crawl)
        w.replace_org_evidence("inbox/orgs.xlsx", upload)
        w.replace_org_evidence("inbox/orgs.xlsx", upload[:1])
        assert w.org_evidence() == crawl + upload[:1]
        w.replace_org_attributions([(None, "昆山甲科技有限公司", placed("320583", "昆山市"))])
        w.replace_org_attributions([(None, "苏州乙公司", placed(None, None, review=True)),
                                    (None, "昆山甲科技有限公司", placed("320583", "昆山市"))])
    assert org_evidence(wh) == crawl + upload[:1]
    orgs = rows(wh, "SELECT name, uscc, district_code FROM core.org ORDER BY name")
    assert orgs == [{"name": "昆山甲科技有限公司", "uscc": "91320583MA1XXXXX0X", "district_code": "320583"},
                    {"name": "苏州乙公司", "uscc": None, "district_code": None}]


def test_exports_by_extension(mart_wh, tmp_path):
    n = export(mart_wh, "mart.new_standards_by_district", tmp_path / "d.csv")
    raw = (tmp_path / "d.csv").read_bytes()
    assert n == 11 and raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert table[-1]["区县名称"] == "区县未知" and table[-1]["合计"] == "2"

    export(mart_wh, "SELECT std_no, drafters, fetched_at FROM mart.standard", tmp_path / "s.parquet")
    assert pq.read_table(tmp_path / "s.parquet").num_rows == len(MART_RECORDS)

    from openpyxl import load_workbook

    export(mart_wh, "mart.standard", tmp_path / "s.xlsx")
    sheet = load_workbook(tmp_path / "s.xlsx").active
    assert sheet.max_row == len(MART_RECORDS) + 1
    with pytest.raises(ValueError, match=r"\.csv, \.parquet or \.xlsx"):
        export(mart_wh, "mart.standard", tmp_path / "s.json")


def test_every_mart_column_is_documented_in_chinese_and_english(wh):
    doc = (Path(__file__).parents[1] / "docs" / "data-model.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (mart\.\w+)\n(.*?)(?=^### |^## )", doc, flags=re.MULTILINE | re.DOTALL))
    columns = rows(wh, "SELECT table_name, list(column_name ORDER BY ordinal_position) AS cols "
                       "FROM information_schema.columns WHERE table_schema = 'mart' GROUP BY table_name")
    assert {f"mart.{c['table_name']}" for c in columns} == set(sections)
    for view in columns:
        documented = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", sections[f"mart.{view['table_name']}"],
                                flags=re.MULTILINE)
        assert [name for name, _, _ in documented] == view["cols"], view["table_name"]
        assert all(re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[A-Za-z]", en) for _, zh, en in documented)
