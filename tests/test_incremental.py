"""The incremental nightly: per-source watermarks, a request count that grows with what is new, and a
health check that fails loudly on a silent source while every other source still loads."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

import warehouse
from flows import sources as registry
from flows.cli import app
from flows.nightly import nightly
from flows.health import HealthCheckFailed, health_problems
from flows.runs import RunReport, SourceReport
from flows.sources import Source, SourceResult
from flows.sources.pages import ENTRY
from mirror.server import Response
from ops_support import mirror_site, truth_problems
from transform.records import Provenance, StandardRecord

pytestmark = pytest.mark.integration


@pytest.fixture
def site(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        site.apply(monkeypatch)
        yield site


def test_nightly_asks_only_for_what_is_new(site):
    first = nightly()
    [samr] = first.sources
    assert samr.complete and samr.records == samr.inserted > 300
    assert truth_problems(site) == []
    marks = warehouse.read_watermarks(site.warehouse_path)
    # one per standard type; `entry:<detail URL>` keys remember the detail pages read (flows/sources/samr.py)
    assert {k for k in marks["samr"] if not k.startswith("entry:")} == {"tid2", "tid3"}

    # Nothing new: the issue-date window since watermark − 180 days (extract.sources.samr) fits one
    # 50-row page per standard type on this corpus; nothing loaded, the watermarks stay.
    site.server.reset_log()
    second = nightly()
    [samr] = second.sources
    assert site.requests() == samr.requests <= 4
    assert (samr.inserted, samr.updated) == (0, 0)
    assert samr.unchanged == samr.records  # the overlap, re-read
    assert warehouse.read_watermarks(site.warehouse_path) == marks

    # N new standards: exactly those load, and the warehouse equals the grown ground truth.
    added = site.corpus.add_standards(7)
    site.server.reset_log()
    third = nightly()
    [samr] = third.sources
    assert (samr.inserted, samr.updated) == (7, 0)
    new = site.rows(f"SELECT std_no FROM core.standard_source WHERE first_seen_run = '{third.run_id}'")
    assert {r["std_no"] for r in new} == {s.std_no for s in added}
    assert site.requests() == samr.requests <= 4 + 7  # a list page per type, a detail page where drafters are missing
    assert truth_problems(site) == []
    newest = max(s.input_time for s in added).replace(tzinfo=timezone(timedelta(hours=8)))
    marks = warehouse.read_watermarks(site.warehouse_path)["samr"]
    # the per-type date watermarks (the `entry:` ones are the rows' digests, by detail page)
    assert max(datetime.fromisoformat(v) for k, v in marks.items() if not k.startswith(ENTRY)) == newest

    # The run report, as meta.run / meta.run_source hold it.
    runs = site.rows("SELECT r.flow, r.status, r.window_from, r.window_to, s.requests, s.records, s.inserted, "
                     "s.unchanged, s.retries, s.complete, s.seconds FROM meta.run r JOIN meta.run_source s USING (run_id) "
                     "ORDER BY r.started_at")
    assert [(r["flow"], r["status"], r["complete"]) for r in runs] == [("nightly", "completed", True)] * 3
    assert [r["inserted"] for r in runs] == [first.sources[0].inserted, 0, 7]
    assert runs[1]["requests"] == second.sources[0].requests and runs[1]["retries"] == 0
    assert {"fetch_list", "parse", "load"} <= set(json.loads(runs[0]["seconds"]))
    assert all(r["window_from"].isoformat() == "2022-08-21" and r["window_to"] is None for r in runs)


def _fake_source(batches: list[int]) -> Source:
    """A second source that returns one new group standard per run: it must load whatever samr does."""

    def crawl(client, settings, *, watermarks, window):
        batches.append(len(batches) + 1)
        n = batches[-1]
        # archived like every fetched page (the publish gate checks each fact's archive record exists)
        page = client._archive.write(source="fake", method="GET", url=f"https://fake.example/{n}", status=200,
                                     headers=[], body=f"团体标准 {n}".encode(), fetched_at=datetime.now(timezone.utc))
        provenance = Provenance("fake", page.url, page.fetched_at, page.response_id, page.sha256)
        record = StandardRecord(
            std_no=f"T/FAKE {n}-2024", std_no_raw=f"T/FAKE {n}-2024", std_type="group", prefix="T/FAKE", year=2024,
            name=f"团体标准 {n}", status="现行", issue_date=None, act_date=None, abolish_date=None, replaces=[],
            is_revision=False, drafters=["某某协会"], drafters_known=True, source="fake", source_id=str(n),
            detail_url=None, provenance=provenance,
        )
        return SourceResult("fake", records=[record])

    class Fake(Source):
        name = "fake"

        def crawl(self, client, settings, *, watermarks, window):
            return crawl(client, settings, watermarks=watermarks, window=window)

        def reparse(self, entries):
            return SourceResult("fake")

    return Fake()


def test_a_silent_source_fails_the_run_loudly_while_the_others_load(site, monkeypatch):
    batches: list[int] = []
    monkeypatch.setitem(registry.SOURCES, "fake", _fake_source(batches))
    monkeypatch.setenv("STDWATCH_SOURCES", json.dumps(["samr", "fake"]))
    assert nightly().status == "completed"

    # The portal now answers every search with an empty list: no error, just nothing.
    site.server.fault_policy = lambda request: (
        Response(200, b'{"total": 0, "pageNumber": 1, "rows": []}', "application/json;charset=UTF-8")
        if request.path.endswith("gbAdvancedSearchPage") else None)
    state = nightly(return_state=True)
    assert state.is_failed()
    failure = state.result(raise_on_failure=False)
    assert isinstance(failure, HealthCheckFailed)
    [problem] = failure.report.problems
    assert problem.startswith("samr: returned no records")
    loaded = site.rows("SELECT std_no FROM core.standard_source WHERE source = 'fake' ORDER BY std_no")
    assert [r["std_no"] for r in loaded] == ["T/FAKE 1-2024", "T/FAKE 2-2024"]
    run = site.rows(f"SELECT status, message FROM meta.run WHERE run_id = '{failure.report.run_id}'")
    assert run == [{"status": "failed", "message": problem}]

    # On the command line: the summary says so and the exit status is non-zero.
    result = CliRunner().invoke(app, ["run", "nightly"])
    assert result.exit_code == 1, result.output
    assert "HEALTH CHECK FAILED" in result.output and "samr: returned no records" in result.output
    assert len(batches) == 3


@pytest.mark.parametrize(("records", "history", "silent"), [
    (0, [], False),  # a first run has nothing to compare with
    (0, [12, 3, 1], True),
    (0, [0, 0, 5], False),  # usually returns nothing
    (2, [12, 3, 1], False),
])
def test_silence_is_judged_against_the_sources_own_history(records, history, silent):
    report = RunReport("r", "nightly", "completed", datetime.now(timezone.utc),
                       sources=[SourceReport("samr", records=records, yielded=records)])
    assert bool(health_problems(report, {"samr": history})) == silent


def test_blocked_and_failed_sources_are_problems_whatever_their_history():
    report = RunReport("r", "nightly", "completed", datetime.now(timezone.utc), sources=[
        SourceReport("samr", records=40, blocked=1, blocked_reasons={"waf": 1}),
        SourceReport("ttbz", records=3, error="tid 2: HTTP 500 after 5 attempts"),
    ])
    assert health_problems(report) == ["samr: blocked (waf)", "ttbz: tid 2: HTTP 500 after 5 attempts"]


def test_an_unknown_source_is_refused_before_anything_runs(tmp_path):
    result = CliRunner().invoke(app, ["run", "nightly", "--source", "nosuch", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown source 'nosuch'" in result.output and "samr" in result.output
