"""Backfill: the nightly's steps over an explicit range, window by window; each window commits on its
own, a window already loaded is skipped, and the nightly's watermarks are left alone."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

import warehouse
from flows.backfill import backfill, watching, windows_between
from flows.cli import app
from flows.sources import Window
from ops_support import WINDOW_END, WINDOW_START, mirror_site, truth_problems


def test_windows_are_calendar_months_with_partial_ends():
    assert windows_between(date(2022, 8, 21), date(2022, 11, 3)) == [
        Window(date(2022, 8, 21), date(2022, 8, 31)),
        Window(date(2022, 9, 1), date(2022, 9, 30)),
        Window(date(2022, 10, 1), date(2022, 10, 31)),
        Window(date(2022, 11, 1), date(2022, 11, 3)),
    ]
    quarters = windows_between(WINDOW_START, WINDOW_END, months=3)
    assert quarters[0] == Window(date(2022, 8, 21), date(2022, 10, 31))
    assert quarters[1] == Window(date(2022, 11, 1), date(2023, 1, 31))
    assert quarters[-1].issued_to == WINDOW_END and len(quarters) == 14
    assert windows_between(date(2024, 2, 29), date(2024, 2, 29)) == [Window(date(2024, 2, 29), date(2024, 2, 29))]
    with pytest.raises(ValueError, match="after until"):
        windows_between(date(2024, 3, 1), date(2024, 2, 1))


@pytest.mark.integration
def test_backfill_loads_the_range_once_then_skips_it(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        site.apply(monkeypatch)
        events = []
        with watching(events.append):
            report = backfill(since=WINDOW_START, until=WINDOW_END, window_months=3)
        [samr] = report.sources
        assert report.status == "completed" and (report.windows, report.windows_loaded) == (14, 14)
        assert samr.inserted == samr.records > 200 and samr.complete
        assert truth_problems(site, issued_to=WINDOW_END) == []
        assert [(e.index, e.total, e.loaded) for e in events] == [(i, 14, True) for i in range(1, 15)]
        runs = site.rows("SELECT window_from, window_to, parent_run_id, status FROM meta.run ORDER BY window_from")
        assert [(r["window_from"], r["window_to"]) for r in runs] == [
            (w.issued_from, w.issued_to) for w in windows_between(WINDOW_START, WINDOW_END, 3)]
        assert {r["parent_run_id"] for r in runs} == {report.run_id} and {r["status"] for r in runs} == {"completed"}
        assert warehouse.read_watermarks(site.warehouse_path) == {}  # the nightly's, not a backfill's

        # Again: every window is done, so nothing is asked and nothing is written.
        published = site.warehouse_path.stat()
        site.server.reset_log()
        again = backfill(since=WINDOW_START, until=WINDOW_END, window_months=3)
        assert (again.windows, again.windows_loaded, site.requests()) == (14, 0, 0)
        assert site.warehouse_path.stat().st_ino == published.st_ino
        assert site.warehouse_path.stat().st_mtime_ns == published.st_mtime_ns

        # redo: fetched again, and the merge finds nothing to change.
        redo = backfill(since=date(2023, 2, 1), until=date(2023, 4, 30), window_months=3, redo=True)
        [samr] = redo.sources
        assert site.requests() == samr.requests > 0
        assert (samr.inserted, samr.updated, samr.unchanged) == (0, 0, samr.records)


def test_bad_ranges_and_sources_are_usage_errors(tmp_path):
    runner = CliRunner()
    reversed_range = runner.invoke(app, ["run", "backfill", "--since", "2024-03-01", "--until", "2024-02-01",
                                         "--data-dir", str(tmp_path)])
    assert reversed_range.exit_code == 2 and "is after --until" in reversed_range.output
    unknown = runner.invoke(app, ["run", "backfill", "--since", "2024-03-01", "--source", "nosuch",
                                  "--data-dir", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown source 'nosuch'" in unknown.output
    not_a_date = runner.invoke(app, ["run", "backfill", "--since", "March", "--data-dir", str(tmp_path)])
    assert not_a_date.exit_code == 2
