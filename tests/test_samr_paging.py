"""The samr source against the loopback mirror where the evidence contests our old assumptions: a
20-row page cap (whatever `pageSize` asks), a list that stops short of its stated total, a list
ordered by issue date with standards entered late, and a 200 detail page that is garbage.

Counts are compared with the mirror's ground truth (`ops_support.truth_problems`) or with numbers
counted here from the corpus, never with what the product reported.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

import warehouse
from flows.backfill import backfill
from flows.nightly import nightly
from flows.health import HealthCheckFailed
from flows.sources.pages import ENTRY
from mirror.server import LIST_PATH, Response, SamrApp
from mirror.variants import Variants
from ops_support import WINDOW_END, WINDOW_START, mirror_site, truth_problems

pytestmark = pytest.mark.integration

_SEEN = re.compile(r"rows seen (\d+) of (\d+)")


def _failed_nightly() -> HealthCheckFailed:
    state = nightly(return_state=True)
    assert state.is_failed()
    failure = state.result(raise_on_failure=False)
    assert isinstance(failure, HealthCheckFailed)
    return failure


def _rows_in_window(corpus, tid: int) -> int:
    """Every row of one tid the portal lists for the nightly's window (defect rows included)."""
    return sum(s.tid == tid and s.issue_date >= WINDOW_START for s in corpus.standards)


def test_under_a_20_row_cap_a_backfill_reads_every_row_and_is_complete(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        site.corpus.variants = Variants(samr_page_cap=20)
        site.apply(monkeypatch)
        report = backfill(since=WINDOW_START, until=WINDOW_END, window_months=12)
        [samr] = report.sources
        assert report.status == "completed" and samr.complete, samr.error
        assert truth_problems(site, issued_to=WINDOW_END) == []
        assert len(samr.lists) == 2 * report.windows  # one walk per tid per window
        for walk in samr.lists:
            seen, total = map(int, _SEEN.search(walk).groups())
            assert seen == total, walk
        assert any("20 per page served, 50 asked" in walk for walk in samr.lists)
        # Every row of the backfill range, counted from the corpus, was listed (and so read).
        listed = sum(int(_SEEN.search(walk).group(1)) for walk in samr.lists)
        assert listed == sum(s.tid in (2, 3) and WINDOW_START <= s.issue_date <= WINDOW_END
                             for s in site.corpus.standards)


def test_a_list_that_stops_short_of_its_total_leaves_the_source_incomplete(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        app = SamrApp(site.corpus)

        def short_list(request):
            """From page 3 on, the true answer with its rows taken away: `total` stays."""
            if request.path != LIST_PATH or int(request.query.get("pageNumber", "1")) < 3:
                return None
            payload = json.loads(app.handle(request).body)
            payload["rows"] = []
            return Response(200, json.dumps(payload).encode(), "application/json;charset=UTF-8")

        site.server.fault_policy = short_list
        site.apply(monkeypatch)
        failure = _failed_nightly()
        [samr] = failure.report.sources
        assert not samr.complete
        walks = {int(re.search(r"tid (\d)", w).group(1)): w for w in samr.lists}
        for tid in (2, 3):
            seen, total = map(int, _SEEN.search(walks[tid]).groups())
            assert (seen, total) == (100, _rows_in_window(site.corpus, tid)), walks[tid]  # 2 pages of 50
        assert "rows seen 100 of" in samr.error
        assert any("rows seen 100 of" in p for p in failure.report.problems)
        # no date watermark moved; only the rows' `entry:` digests (their details were loaded) are kept
        samr_marks = warehouse.read_watermarks(site.warehouse_path).get("samr", {})
        assert [k for k in samr_marks if not k.startswith(ENTRY)] == []
        # What was read still loads.
        loaded = site.rows("SELECT count(*) AS n FROM core.standard_source WHERE source = 'samr'")[0]["n"]
        assert 150 < loaded <= 200


def test_by_issue_date_a_nightly_loads_standards_entered_late(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=1500) as site:
        site.corpus.variants = Variants(samr_order="issue", samr_page_cap=20)
        site.apply(monkeypatch)
        first = nightly()
        assert first.status == "completed" and first.sources[0].complete
        assert truth_problems(site) == []
        marks = warehouse.read_watermarks(site.warehouse_path)["samr"]

        late = site.corpus.add_standards(3, late=True)
        assert all(30 <= (s.input_time.date() - s.issue_date).days <= 150 for s in late)
        # The late entries sit below the first page of their list: a crawl that stopped at the first page
        # older than its watermark would never reach them.
        positions = []
        for s in late:
            hits = SamrApp(site.corpus).ordered(s.tid, WINDOW_START, None, "")
            positions.append([h.id for h in hits].index(s.id))
        assert max(positions) >= 20, positions

        site.server.reset_log()
        second = nightly()
        [samr] = second.sources
        assert second.status == "completed" and samr.complete
        assert (samr.inserted, samr.updated) == (3, 0)
        new = site.rows(f"SELECT std_no FROM core.standard_source WHERE first_seen_run = '{second.run_id}'")
        assert {r["std_no"] for r in new} == {s.std_no for s in late}
        assert truth_problems(site) == []
        # It asked for issue dates from the watermark's (Beijing) date minus 180 days, not for the whole window.
        asked = {(r.query["tid"], r.query["std_p10"]) for r in site.server.requests() if r.path == LIST_PATH}
        assert asked == {(str(tid), (date.fromisoformat(marks[f"tid{tid}"][:10]) - timedelta(days=180)).isoformat())
                         for tid in (2, 3)}


def test_a_garbage_200_detail_page_is_layout_changed_not_a_standard_without_drafters(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        victim = next(s for s in site.corpus.standards
                      if s.draft_unit_mode and not s.defect and s.issue_date >= WINDOW_START)
        garbage = ("<!DOCTYPE html><html><body>" + "<div>" * 100_000 + "</div>" * 100_000 + "</body></html>").encode()
        site.server.fault_policy = lambda request: (
            Response(200, garbage) if request.query.get("id") == victim.id else None)
        site.apply(monkeypatch)

        failure = _failed_nightly()
        [samr] = failure.report.sources
        assert samr.layout_changed == 1 and samr.reject_reasons.get("layout_changed") == 1
        assert any("layout changed" in p for p in failure.report.problems)
        [reject] = site.rows("SELECT detail, url FROM core.reject WHERE reason = 'layout_changed'")
        assert reject["url"].endswith(victim.detail_path) and victim.std_no in reject["detail"]
        held = site.rows(f"SELECT drafters, drafters_known FROM core.standard WHERE std_no = '{victim.std_no}'")
        assert held == []  # withheld: not loaded as "drafters known, none"
        assert f"tid{victim.tid}" not in warehouse.read_watermarks(site.warehouse_path).get("samr", {})

        # The page mends: the next nightly asks again (the watermark stayed) and loads the truth.
        site.server.fault_policy = None
        again = nightly()
        assert again.status == "completed" and again.sources[0].complete
        [row] = site.rows(f"SELECT drafters, drafters_known FROM core.standard WHERE std_no = '{victim.std_no}'")
        assert row["drafters_known"] and row["drafters"] == [site.corpus.orgs[o].name for o in victim.units]
        assert truth_problems(site) == []
