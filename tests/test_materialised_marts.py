"""The materialised marts (warehouse/marts.py), the merge done in SQL (warehouse/load.py), and the
`memory_limit` setting every warehouse connection gets.

core.standard_placed must equal its definition, the view core.standard_placing (what
mart.standard computed per query before it was materialised), after every kind of session:
standards merged or updated, organisations re-attributed, rules changed, responses indexed
late. The content hash computed in SQL must be the one earlier warehouses stored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

import warehouse.db
from flows.settings import SettingsError, load_settings
from tests.test_warehouse import RULES, T0, placed, rows, standard
from warehouse import Warehouse, marts, open_readonly
from transform.region import load_region

DIFF = """SELECT count(*) FROM (
    (SELECT * FROM core.standard_placed EXCEPT ALL SELECT * FROM core.standard_placing)
    UNION ALL
    (SELECT * FROM core.standard_placing EXCEPT ALL SELECT * FROM core.standard_placed))"""
# the tally against its definition applied to the unmaterialised placing
TALLY_DIFF = """SELECT count(*) FROM (
    (SELECT * FROM core.standard_tally EXCEPT ALL SELECT * FROM core.standard_tally_of('core.standard_placing'))
    UNION ALL
    (SELECT * FROM core.standard_tally_of('core.standard_placing') EXCEPT ALL SELECT * FROM core.standard_tally))"""
# mart.new_standards_by_district sums the tally; the same figures counted from mart.standard's rows
BY_DISTRICT = "SELECT district_code, n_national, n_local, n_group, n_total FROM mart.new_standards_by_district"
BY_DISTRICT_FROM_ROWS = """
SELECT district_code, count(*) FILTER (WHERE std_type = 'national') AS n_national,
       count(*) FILTER (WHERE std_type = 'local') AS n_local, count(*) FILTER (WHERE std_type = 'group') AS n_group,
       count(*) AS n_total
FROM mart.standard WHERE counted GROUP BY district_code"""


def differences(path: Path) -> int:
    """Rows in which core.standard_placed or core.standard_tally differs from its definition, and
    districts whose counts differ from mart.standard's counted rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        by_district = {r[0]: r for r in con.execute(BY_DISTRICT).fetchall() if r[-1]}
        from_rows = {r[0]: r for r in con.execute(BY_DISTRICT_FROM_ROWS).fetchall()}
        return (con.execute(DIFF).fetchone()[0] + con.execute(TALLY_DIFF).fetchone()[0]
                + len(set(by_district.items()) ^ set(from_rows.items())))
    finally:
        con.close()


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path).writing() as w:
        w.load_region(load_region("3205"))
        w.set_settings(RULES)
        w.merge_standards([
            standard("GB/T 1-2023", drafters=("昆山甲科技有限公司", "苏州乙公司")),
            standard("GB/T 2-2024", drafters=("苏州乙公司",), issued=date(2024, 2, 1)),
            standard("DB3205/T 5-2023", drafters=("上海丙公司",), std_type="local", prefix="DB3205/T"),
        ], "run-1")
        w.replace_org_attributions([
            (None, "昆山甲科技有限公司", placed("320583", "昆山市")),
            (None, "苏州乙公司", placed(None, None)),
            (None, "上海丙公司", placed(None, None, in_region=False)),
        ])
    return path


def session_refresh(path: Path, change) -> str:
    """Run `change(w)` in a write session and return what the marts refresh did before publish."""
    done = []
    original = marts.refresh

    def spy(con):
        done.append(original(con))
        return done[-1]

    marts.refresh = spy
    try:
        with Warehouse(path).writing() as w:
            change(w)
    finally:
        marts.refresh = original
    return done[0]


@pytest.fixture(params=[500_000, 2], ids=["one bucket", "buckets of two"])
def bucket(request, monkeypatch):
    """Rebuilds place all standards at once, or two at a time (as 10M standards are, 500k at a time)."""
    monkeypatch.setattr(marts, "REBUILD_BUCKET_STANDARDS", request.param)


def test_the_materialised_placing_equals_its_view_after_each_kind_of_session(wh, bucket):
    assert differences(wh) == 0
    assert rows(wh, "SELECT std_no, district_code, counted FROM mart.standard ORDER BY std_no") == [
        {"std_no": "DB3205/T 5-2023", "district_code": "320500", "counted": True},
        {"std_no": "GB/T 1-2023", "district_code": "320583", "counted": True},
        {"std_no": "GB/T 2-2024", "district_code": "320500", "counted": True},
    ]

    # a standards-only change refreshes just what the session re-resolved
    updated = replace(standard("GB/T 2-2024", drafters=("昆山甲科技有限公司",), issued=date(2024, 2, 1)),
                      name="改了名称")
    assert session_refresh(wh, lambda w: w.merge_standards(
        [updated, standard("GB/T 9-2025", issued=date(2025, 1, 1))], "run-2")) == "refreshed"
    assert differences(wh) == 0
    assert rows(wh, "SELECT name, district_code FROM mart.standard WHERE std_no = 'GB/T 2-2024'") == [
        {"name": "改了名称", "district_code": "320583"}]

    # as many standards as before, one moved to another district and day: the tally's counts move
    moved = standard("GB/T 2-2024", drafters=("苏州乙公司",), issued=date(2024, 3, 1))
    assert session_refresh(wh, lambda w: w.merge_standards([moved], "run-3")) == "refreshed"
    assert differences(wh) == 0
    # 昆山市 keeps GB/T 1 and GB/T 9 (昆山甲 leads them); 区县未知 has DB3205/T 5 and GB/T 2 again
    assert rows(wh, "SELECT district_code, n_total FROM mart.new_standards_by_district WHERE n_total > 0") == [
        {"district_code": "320583", "n_total": 2}, {"district_code": "320500", "n_total": 2}]

    # an organisation placed elsewhere moves every standard it leads: a rebuild
    assert session_refresh(wh, lambda w: w.replace_org_attributions([
        (None, "昆山甲科技有限公司", placed("320506", "吴中区")),
        (None, "苏州乙公司", placed(None, None)),
        (None, "上海丙公司", placed(None, None, in_region=False)),
    ])) == "rebuilt"
    assert differences(wh) == 0
    assert rows(wh, "SELECT std_no FROM mart.standard WHERE district_code = '320506' ORDER BY 1") == [
        {"std_no": "GB/T 1-2023"}, {"std_no": "GB/T 9-2025"}]

    # the counting rule changes which drafter counts: a rebuild
    assert session_refresh(wh, lambda w: w.set_settings({"count_drafter": "any"})) == "rebuilt"
    assert differences(wh) == 0

    # a response indexed after its standard gives the standard its WARC location
    response_id = rows(wh, "SELECT response_id FROM mart.standard WHERE std_no = 'GB/T 9-2025'")[0]["response_id"]
    assert session_refresh(wh, lambda w: w.record_responses([{
        "response_id": response_id, "source": "samr", "url": "https://samr.example/detail/1",
        "fetched_at": T0, "warc_path": "a.warc.gz", "warc_offset": 77, "warc_length": 10}])) == "refreshed"
    assert differences(wh) == 0
    assert rows(wh, "SELECT warc_offset FROM mart.standard WHERE std_no = 'GB/T 9-2025'") == [{"warc_offset": 77}]

    # nothing changed: nothing to do, still equal
    assert session_refresh(wh, lambda w: None) == "refreshed"
    assert differences(wh) == 0


def test_a_standard_removed_without_a_note_is_caught_by_the_count_and_rebuilt(wh):
    with Warehouse(wh).writing() as w:
        w.con.execute("DELETE FROM core.standard_source WHERE std_no = 'GB/T 2-2024'")  # its only source
    assert differences(wh) == 0
    assert [r["std_no"] for r in rows(wh, "SELECT std_no FROM mart.standard ORDER BY 1")] == [
        "DB3205/T 5-2023", "GB/T 1-2023"]


def test_is_new_follows_the_as_of_date_without_a_rebuild(wh):
    with Warehouse(wh).writing() as w:
        w.set_settings({"as_of": date(2023, 6, 30)})
    assert rows(wh, "SELECT std_no FROM mart.standard WHERE counted ORDER BY 1") == [
        {"std_no": "DB3205/T 5-2023"}, {"std_no": "GB/T 1-2023"}]
    # the tally has no as-of date: the district table filters it by the rules in force
    assert rows(wh, "SELECT district_code, n_total FROM mart.new_standards_by_district WHERE n_total > 0") == [
        {"district_code": "320583", "n_total": 1}, {"district_code": "320500", "n_total": 1}]
    assert differences(wh) == 0


def test_a_warehouse_without_its_tally_gets_it_back_without_a_rebuild(wh):
    """A warehouse published before the tally existed has core.standard_placed but an empty tally."""
    with Warehouse(wh).writing() as w:
        w.con.execute("DELETE FROM core.standard_tally")
    assert session_refresh(wh, lambda w: None) == "refreshed"
    assert differences(wh) == 0
    assert rows(wh, "SELECT sum(n_total) AS n FROM mart.new_standards_by_district") == [{"n": 3}]


def test_drafter_keys_are_computed_once_per_distinct_name(tmp_path):
    calls = []

    def key(name: str) -> str:
        calls.append(name)
        return "k:" + name

    path = tmp_path / "w.duckdb"
    with Warehouse(path, org_key=key).writing() as w:
        w.merge_standards([standard("GB/T 1-2023", drafters=("甲", "乙")),
                           standard("GB/T 2-2023", drafters=("乙",)),
                           standard("GB/T 3-2023", drafters=())], "run-1")
    assert sorted(calls) == ["乙", "甲"]
    assert rows(path, "SELECT std_no, position, org_key FROM core.standard_drafter ORDER BY 1, 2") == [
        {"std_no": "GB/T 1-2023", "position": 1, "org_key": "k:甲"},
        {"std_no": "GB/T 1-2023", "position": 2, "org_key": "k:乙"},
        {"std_no": "GB/T 2-2023", "position": 1, "org_key": "k:乙"},
    ]


@pytest.mark.parametrize("value", ["lots", "100", "1XB", "1MB"])
def test_a_bad_memory_limit_is_refused_in_one_line_naming_it(monkeypatch, value):
    monkeypatch.setenv("STDWATCH_MEMORY_LIMIT", value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert "\n" not in message and "memory_limit" in message and "e.g." in message


def test_the_memory_limit_is_set_on_the_writer_and_every_reader(wh, monkeypatch):
    monkeypatch.setattr(warehouse.db, "_memory_limit", warehouse.db.DEFAULT_MEMORY_LIMIT)
    monkeypatch.setenv("STDWATCH_MEMORY_LIMIT", "256MiB")
    load_settings()
    with Warehouse(wh).writing() as w:
        assert w.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "256.0 MiB"
    con = open_readonly(wh)
    try:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "256.0 MiB"
    finally:
        con.close()


def test_a_standards_table_without_a_column_is_refused_in_one_line(wh):
    from warehouse.load import standard_table

    table = standard_table([standard("GB/T 500-2024")]).drop_columns(["drafters"])
    with Warehouse(wh).writing() as w:
        with pytest.raises(ValueError, match=r"lacks the columns \['drafters'\].*STANDARD_SCHEMA"):
            w.merge_standard_table(table, "run-x")


def test_a_session_with_less_memory_rebuilds_in_smaller_buckets():
    """An inbox load's lean session (64MiB) rebuilt 100,000 standards in one bucket and stopped with
    DuckDB's "Out of Memory Error"; buckets follow the session's memory limit."""
    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    assert marts.bucket_standards(con) == 499_961  # DuckDB reports 1GB as "953.6 MiB": 500,000 × 0.99992
    con.execute("SET memory_limit = '64MiB'")
    assert marts.bucket_standards(con) == 33_554
