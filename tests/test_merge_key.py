"""The merge's content key (migration 012): unchanged records are told by a stored 64-bit key, a key
from another DuckDB version falls back to the sha256, and a warehouse at migration 011 upgrades in
place with every row kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb

from tests.test_warehouse import RULES, T0, provenance, rows, standard
from transform.region import load_region
from warehouse import Warehouse, apply_migrations, schema_version
from warehouse.db import migrations

TABLES = ("core.standard_source", "core.standard", "core.standard_drafter", "core.standard_status_history")


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
    keys = rows(path, "SELECT count(*) AS n FROM core.standard_source WHERE content_key = hash(std_type, prefix, "
                      "year, name, status, issue_date, act_date, abolish_date, replaces, is_revision, drafters, "
                      "drafters_known, committee_code, committee_name, source_id, spam)")
    assert keys == [{"n": 4}]


def test_a_key_from_another_duckdb_costs_a_sha256_never_a_false_change(tmp_path):
    path = tmp_path / "w.duckdb"
    merged(path)
    before = contents(path)
    right = rows(path, "SELECT std_no, source, content_key FROM core.standard_source ORDER BY ALL")
    with Warehouse(path).writing() as w:  # as if another DuckDB's hash() had written every key
        w.con.execute("UPDATE core.standard_source SET content_key = content_key // 2 + 1")
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
    assert rows(path, "SELECT std_no, source, content_key FROM core.standard_source ORDER BY ALL") != right
    rekeyed = rows(path, "SELECT std_no, source, content_key FROM core.standard_source WHERE std_no <> 'GB/T 7-2022' "
                         "ORDER BY ALL")
    assert rekeyed == [r for r in right if r["std_no"] != "GB/T 7-2022"]


def test_a_warehouse_at_migration_11_upgrades_in_place_and_keeps_every_row(tmp_path):
    """The 011 warehouse holds exactly what the merge wrote before 012 (the same rows, with
    standard_source's lead_org and lead_org_key and without a content key)."""
    fresh = tmp_path / "fresh.duckdb"
    merged(fresh)
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    assert apply_migrations(con, upto=11)[-1] == 11
    con.execute(f"ATTACH '{fresh}' AS fresh (READ_ONLY)")
    con.execute("INSERT INTO core.standard_source BY NAME SELECT * EXCLUDE (content_key), drafters[1] AS lead_org, "
                "drafter_keys[1] AS lead_org_key FROM fresh.core.standard_source")
    for table in TABLES[1:]:
        con.execute(f"INSERT INTO {table} SELECT * FROM fresh.{table}")
    con.execute("DETACH fresh")
    con.close()
    assert {t: len(v) for t, v in contents_011(old).items()} == {t: len(v) for t, v in contents(fresh).items()}

    with Warehouse(old).writing():
        pass
    con = duckdb.connect(str(old), read_only=True)
    assert schema_version(con) == migrations()[-1].version >= 12
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
