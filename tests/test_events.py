"""transform/events.py: entries → events, the 公示 → 公布 rule; and mart.indicator_events states the same rule."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pyarrow as pa
from hypothesis import given, settings, strategies as st

from transform.events import (
    COUNTED, DECISION, DUPLICATE, PRELIMINARY, PROVISIONAL, SUPERSEDED, entry_key, events_from_entries, pair_events,
)
from transform.parsers.notices import Entry, Selection
from transform.records import EventRecord
from warehouse.db import apply_migrations, create_views
from warehouse.events import _event_rows

DAY = date(2024, 3, 1)


def event(name: str, stage: str, day: date, *, org: str = "昆山某某有限公司", url: str = "https://a/1.shtml",
          level: str | None = "市级", kind: str = "pilot_projects", row: int = 1) -> EventRecord:
    return EventRecord(kind, level, name, org, day, stage, day.year, entry_key(kind, level, name, org), "notices",
                       notice_title="t", notice_url=url, origin=f"{url}#table 1!{row}")


def statuses(events):
    return [p.status for p in pair_events(events)]


def test_preliminary_then_decision_counts_once_at_the_decision():
    prelim = event("智能制造标准化试点项目", PRELIMINARY, DAY - timedelta(days=20), url="https://a/gs.shtml")
    decision = event("智能制造标准化试点项目", DECISION, DAY, url="https://a/xd.shtml")
    assert statuses([prelim, decision]) == [SUPERSEDED, COUNTED]
    assert statuses([decision, prelim]) == [COUNTED, SUPERSEDED]  # arrival order does not matter


def test_entry_only_in_a_preliminary_is_provisional():
    assert statuses([event("A项目", PRELIMINARY, DAY)]) == [PROVISIONAL]


def test_a_repost_of_a_decision_is_a_duplicate_and_the_earliest_counts():
    original = event("A项目", DECISION, DAY, url="https://province/art.html")
    repost = event("A项目", DECISION, DAY + timedelta(days=10), url="https://city/zf.shtml")
    assert statuses([repost, original]) == [DUPLICATE, COUNTED]


def test_brackets_and_width_do_not_split_an_entry():
    full = event("国家技术标准创新基地（智能制造）", PRELIMINARY, DAY, kind="innovation_bases")
    ascii_ = event("国家技术标准创新基地(智能制造)", DECISION, DAY + timedelta(days=9), kind="innovation_bases")
    assert full.entry_key == ascii_.entry_key
    assert statuses([full, ascii_]) == [SUPERSEDED, COUNTED]


def test_level_separates_entries_only_for_levelled_kinds():
    assert entry_key("pilot_projects", "市级", "A", "X") != entry_key("pilot_projects", "省级", "A", "X")
    assert entry_key("intl_liaison_stations", "市级", "A", "X") == entry_key("intl_liaison_stations", None, "A", "X")


def test_another_organisation_is_another_entry():
    assert statuses([event("A项目", DECISION, DAY, org="甲公司"), event("A项目", DECISION, DAY, org="乙公司")]) == [COUNTED, COUNTED]


def test_events_from_entries_take_the_list_level_unless_the_row_says_otherwise():
    entries = [Entry("A项目", "甲公司", "昆山市", None, 3), Entry("B项目", "乙公司", None, "国家级", 4)]
    events = events_from_entries(entries, Selection("pilot_projects", DECISION, "省级"), announced_on=DAY,
                                 notice_title="关于下达…的通知", notice_url="https://a/1.shtml",
                                 origin="https://a/1.xlsx#名单", provenance=None)
    assert [(e.level, e.origin, e.division, e.year) for e in events] == [
        ("省级", "https://a/1.xlsx#名单!3", "昆山市", 2024), ("国家级", "https://a/1.xlsx#名单!4", None, 2024)]


# -- the SQL view states the same rule -------------------------------------------------------------

_CON: list[duckdb.DuckDBPyConnection] = []


def _view_statuses(events: list[EventRecord]) -> list[str]:
    if not _CON:  # one migrated in-memory warehouse for every example
        con = duckdb.connect()
        apply_migrations(con)
        create_views(con)
        _CON.append(con)
    con = _CON[0]
    table = _event_rows(events).drop_columns(["batch_order"])
    table = table.append_column("first_seen_run", pa.array(["r"] * len(events), pa.string()))
    con.register("incoming", table)
    con.execute("DELETE FROM core.event")
    con.execute("INSERT INTO core.event BY NAME SELECT *, now() AS loaded_at FROM incoming")
    con.unregister("incoming")
    got = dict(con.execute("SELECT origin, status FROM mart.indicator_events").fetchall())
    return [got[e.origin] for e in events]


names = st.sampled_from(["A项目", "B项目", "C（一期）项目", "C(一期)项目"])
orgs = st.sampled_from(["甲公司", "乙公司"])
stages = st.sampled_from([DECISION, PRELIMINARY])
days = st.integers(min_value=0, max_value=5)
urls = st.sampled_from(["https://a/1.shtml", "https://b/2.shtml", "https://c/3.html"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, orgs, stages, days, urls), min_size=1, max_size=8))
def test_view_and_pair_events_agree(rows):
    events = [event(name, stage, DAY + timedelta(days=d), org=org, url=url, row=i)
              for i, (name, org, stage, d, url) in enumerate(rows)]
    assert _view_statuses(events) == statuses(events)
