"""The merge's content key (migration 012): unchanged records are told by a stored 64-bit key of the
business fields (and only of them), a DuckDB whose hash() differs re-keys the stored rows once
instead of seeing every record changed (migration 013), and a warehouse at migration 011 upgrades in
place with every row kept, its canonical rows derived (013)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb

from tests.test_warehouse import RULES, T0, provenance, rows, standard
from transform.region import load_region
from warehouse import Warehouse, apply_migrations, schema_version
from warehouse.db import migrations
from warehouse.events import retract_inbox_standards

TABLES = ("core.standard_source", "core.standard", "core.standard_drafter", "core.standard_status_history")
KEY = ("hash(std_type, prefix, year, name, status, issue_date, act_date, abolish_date, replaces, is_revision, "
       "drafters, drafters_known, committee_code, committee_name, source_id, spam)")
BUSINESS_CHANGES = {  # each business field changed alone: the record is updated
    "std_type": "industry", "prefix": "GB/Z", "year": 2019, "name": "新的名称", "status": "废止",
    "issue_date": date(2022, 2, 2), "act_date": date(2022, 3, 3), "abolish_date": date(2030, 1, 1),
    "replaces": ["GB/T 7-2010"], "is_revision": None, "drafters": ["昆山甲科技有限公司", "新的单位"],
    "drafters_known": None, "committee_code": "TC9", "committee_name": "某委员会", "source_id": "other-id",
    "spam": None,  # None: the flag turned over
}
PROVENANCE_CHANGES = {  # each provenance field changed alone: the record is unchanged (a sighting)
    "std_no_raw": "GB/T  7—2022", "detail_url": "https://samr.example/other",
    "input_time": datetime(2025, 1, 1, tzinfo=timezone.utc),
}


def records():
    """Standards as two sources list them: one shared by samr and sacinfo, one updated later."""
    return [
        standard("GB/T 1-2023", n=1),
        standard("GB/T 1-2023", source="sacinfo", drafters=("苏州乙公司", "昆山丙公司"), n=2),
        standard("DB32/T 5-2024", std_type="local", prefix="DB32/T", status="即将实施", n=3),
        standard("GB/T 7-2022", drafters=(), n=4),
    ]


def later(batch):
    return [replace(r, provenance=provenance(r.source, 100 + i, T0 + timedelta(days=7))) for i, r in enumerate(batch)]


def merged(path: Path) -> None:
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
        w.merge_standards(records(), "run-1")
        changed = later(records())
        changed[2] = replace(changed[2], status="现行")
        w.merge_standards(changed, "run-2")


def contents(path: Path) -> dict[str, list[dict]]:
    """Every row of the merge's tables, but the content key migration 012 adds."""
    return {t: rows(path, f"SELECT * EXCLUDE (content_key) FROM {t} ORDER BY ALL" if t == "core.standard_source"
                    else f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


def test_an_unchanged_record_is_told_by_its_key_and_a_changed_one_is_not(tmp_path):
    path = tmp_path / "w.duckdb"
    merged(path)
    with Warehouse(path).writing() as w:
        again = w.merge_standards(later(records()), "run-3")
        renamed = w.merge_standards([replace(records()[3], name="新的名称")], "run-4")
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 3)  # DB32/T 5 goes back to 即将实施
    assert (renamed.updated, renamed.unchanged) == (1, 0)
    keys = rows(path, f"SELECT count(*) AS n FROM core.standard_source WHERE content_key = {KEY}")
    assert keys == [{"n": 4}]


def test_every_business_field_changes_a_record_and_provenance_does_not(tmp_path):
    """What the sha256 content_hash hashed before migration 013 is what the key covers: each business
    field changed alone makes an update; a re-fetch with other provenance is a sighting."""
    path = tmp_path / "w.duckdb"
    merged(path)
    base = later(records())[3]  # GB/T 7-2022, samr, as run-2 left it
    with Warehouse(path).writing() as w:
        for i, (field, value) in enumerate(BUSINESS_CHANGES.items()):
            value = not getattr(base, field) if value is None else value
            counts = w.merge_standards([replace(base, **{field: value})], f"field-{i}")
            assert (counts.updated, counts.unchanged) == (1, 0), field
            assert w.merge_standards([base], f"back-{i}").updated == 1, field
        for i, (field, value) in enumerate(PROVENANCE_CHANGES.items()):
            refetched = replace(base, **{field: value}, provenance=provenance("samr", 200 + i, T0 + timedelta(days=9)))
            counts = w.merge_standards([refetched], f"seen-{i}")
            assert (counts.updated, counts.unchanged) == (0, 1), field


def test_a_key_from_another_duckdb_is_recomputed_once_never_a_false_change(tmp_path):
    path = tmp_path / "w.duckdb"
    merged(path)
    before = contents(path)
    right = rows(path, "SELECT std_no, source, content_key FROM core.standard_source ORDER BY ALL")
    with Warehouse(path).writing() as w:  # as if another DuckDB's hash() had written every key
        w.con.execute("UPDATE core.standard_source SET content_key = content_key // 2 + 1")
        w.con.execute("UPDATE meta.mart_state SET value = 'v0.0.1' WHERE key = 'content_key_version'")
    changed = later(records())
    changed[2] = replace(changed[2], status="现行")
    with Warehouse(path).writing() as w:
        counts = w.merge_standards(changed, "run-3")
        edited = w.merge_standards([replace(changed[3], name="新的名称")], "run-4")
    assert (counts.inserted, counts.updated, counts.stale, counts.unchanged) == (0, 0, 0, 4)
    assert (edited.updated, edited.unchanged) == (1, 0)
    after = contents(path)
    for table in ("core.standard_drafter", "core.standard_status_history"):
        assert after[table] == before[table]
    assert [r["last_changed_run"] for r in after["core.standard_source"]] == ["run-2", "run-1", "run-1", "run-4"]
    rekeyed = rows(path, "SELECT std_no, source, content_key FROM core.standard_source WHERE std_no <> 'GB/T 7-2022' "
                         "ORDER BY ALL")
    assert rekeyed == [r for r in right if r["std_no"] != "GB/T 7-2022"]
    assert rows(path, "SELECT value FROM meta.mart_state WHERE key = 'content_key_version'") == rows(
        path, "SELECT version() AS value")


def test_a_key_the_same_duckdb_stored_is_trusted(tmp_path):
    """The other side of the re-key: with the version recorded as this one, a stored key that differs is a
    change (which is why the version is recorded, and the keys recomputed when it is not this one)."""
    path = tmp_path / "w.duckdb"
    merged(path)
    with Warehouse(path).writing() as w:
        w.con.execute("UPDATE core.standard_source SET content_key = content_key // 2 + 1")
    with Warehouse(path).writing() as w:
        counts = w.merge_standards(later(records()), "run-3")
    assert (counts.updated, counts.unchanged) == (4, 0)


def test_a_warehouse_at_migration_11_upgrades_in_place_and_keeps_every_row(tmp_path):
    """The 011 warehouse holds exactly what the merge wrote before 012 (the same rows, with
    standard_source's lead_org and lead_org_key and without a content key)."""
    fresh = tmp_path / "fresh.duckdb"
    merged(fresh)
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    assert apply_migrations(con, upto=11)[-1] == 11
    con.execute(f"ATTACH '{fresh}' AS fresh (READ_ONLY)")
    # before 013 each row kept a sha256 content_hash (its value no longer matters) and core.standard and
    # core.standard_drafter were tables holding what the views now derive
    con.execute("INSERT INTO core.standard_source BY NAME SELECT * EXCLUDE (content_key, canonical), "
                "drafters[1] AS lead_org, "
                "drafter_keys[1] AS lead_org_key, sha256(std_no || source) AS content_hash "
                "FROM fresh.core.standard_source")
    con.execute("INSERT INTO core.standard BY NAME SELECT *, sha256(std_no) AS content_hash FROM fresh.core.standard")
    for table in TABLES[2:]:
        con.execute(f"INSERT INTO {table} SELECT * FROM fresh.{table}")
    con.execute("DETACH fresh")
    con.close()
    assert {t: len(v) for t, v in contents_011(old).items()} == {t: len(v) for t, v in contents(fresh).items()}

    with Warehouse(old).writing():
        pass
    con = duckdb.connect(str(old), read_only=True)
    assert schema_version(con) == migrations()[-1].version >= 13
    assert con.execute("SELECT std_no, sources FROM core.standard_resolved").fetchall() == [
        ("GB/T 1-2023", ["samr", "sacinfo"])]
    con.close()
    assert contents(old) == contents(fresh)
    key = "SELECT std_no, source, content_key FROM core.standard_source ORDER BY ALL"
    assert rows(old, key) == rows(fresh, key)  # filled in place with the merge's own key
    for path in (old, fresh):
        with Warehouse(path).writing() as w:
            again = w.merge_standards(later(records()), "run-3")
        assert (again.inserted, again.updated, again.unchanged) == (0, 1, 3)
    assert contents(old) == contents(fresh)
    assert {t: len(v) for t, v in contents(old).items()} == {
        "core.standard_source": 4, "core.standard": 3, "core.standard_drafter": 2,
        "core.standard_status_history": 6}


def contents_011(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    finally:
        con.close()


def test_standards_sent_back_as_their_arrow_table_read_and_merge_as_the_records_do(tmp_path):
    """What a reprocess worker returns (StandardRows): after a pickle round trip every record reads
    back field for field (but drafter_people, never loaded), and merging it fills the warehouse
    exactly as merging the records does."""
    import pickle

    from warehouse.load import StandardRows

    originals = [replace(r, input_time=T0, committee_code="TC1", drafter_people=["张三"]) if i == 0 else r
                 for i, r in enumerate(records())]
    sent = pickle.loads(pickle.dumps(StandardRows.of(originals)))
    assert len(sent) == len(originals)
    assert list(sent) == [replace(r, drafter_people=[]) for r in originals]
    assert sent[-1] == replace(originals[-1], drafter_people=[]) and sent[1:3] == originals[1:3]
    as_records, as_rows = tmp_path / "records.duckdb", tmp_path / "rows.duckdb"
    for path, batch in ((as_records, originals), (as_rows, sent)):
        with Warehouse(path).writing() as w:
            w.load_region(load_region("3205"))
            w.set_settings(RULES)
            counts = w.merge_standards(batch, "run-1")
        assert (counts.inserted, counts.updated, counts.unchanged) == (4, 0, 0)
    assert contents(as_rows) == contents(as_records)


def test_a_standard_is_its_only_sources_row_ranked_when_a_second_lists_it_and_its_own_again_when_one_is_left(
        tmp_path):
    """Migration 013: core.standard reads the only source's row, flagged canonical, and a ranked row
    once a second source lists the standard; an inbox retraction that leaves one source makes that
    source's row the standard again. After every step the gate's one_canonical_row test passes."""
    path = tmp_path / "w.duckdb"
    enterprise = {"std_type": "enterprise", "prefix": "Q/ABC", "status": None}
    flags = "SELECT source, canonical FROM core.standard_source ORDER BY source"
    canonical = "SELECT source, sources, drafters_source, lead_org FROM core.standard"

    def session(step) -> list[tuple]:
        with Warehouse(path).writing() as w:
            step(w)
            return w.fetch("data_tests.sql", "one_canonical_row")

    def setup(w):
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
        w.merge_standards([standard("Q/ABC 1-2024", source="inbox", drafters=("苏州乙公司",), **enterprise)], "run-1")

    assert session(setup) == []
    assert rows(path, flags) == [{"source": "inbox", "canonical": True}]
    assert rows(path, canonical) == [{"source": "inbox", "sources": ["inbox"], "drafters_source": "inbox",
                                      "lead_org": "苏州乙公司"}]
    assert rows(path, "SELECT count(*) AS n FROM core.standard_resolved") == [{"n": 0}]

    listed = standard("Q/ABC 1-2024", source="qybz", drafters=("昆山丙公司",), n=2, **enterprise)
    assert session(lambda w: w.merge_standards([listed], "run-2")) == []
    assert rows(path, flags) == [{"source": "inbox", "canonical": False}, {"source": "qybz", "canonical": False}]
    assert rows(path, canonical) == [{"source": "qybz", "sources": ["qybz", "inbox"], "drafters_source": "qybz",
                                      "lead_org": "昆山丙公司"}]  # ref.source_priority: qybz 4, inbox 6
    assert rows(path, "SELECT std_no, position, org_name FROM core.standard_drafter") == [
        {"std_no": "Q/ABC 1-2024", "position": 1, "org_name": "昆山丙公司"}]

    assert session(lambda w: retract_inbox_standards(w, ["Q/ABC 1-2024"])) == []
    assert rows(path, flags) == [{"source": "qybz", "canonical": True}]
    assert rows(path, canonical) == [{"source": "qybz", "sources": ["qybz"], "drafters_source": "qybz",
                                      "lead_org": "昆山丙公司"}]
    assert rows(path, "SELECT count(*) AS n FROM core.standard_resolved") == [{"n": 0}]
    assert rows(path, "SELECT std_no, lead_org FROM mart.standard") == [
        {"std_no": "Q/ABC 1-2024", "lead_org": "昆山丙公司"}]  # the materialised placing followed
