"""One failure never blocks the rest (issue 10, item 4): one night with an empty notice article, a
truncated list, a garbage detail page and a parser that raises. Each is recorded for its source (a
reject with its reason, naming the archived page), the run exits 1 naming those sources, and every
other source loads exactly the mirror's ground truth."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from typer.testing import CliRunner

import warehouse
from flows.cli import app
from flows.settings import Settings
from flows.sources import SOURCES
from mirror.cluster import MirrorCluster
from mirror.corpus import build_corpus
from mirror.truth import counts_for, write_corpus
from mirror.web import Request, Response, html_response
from transform.parsers import tc as tc_parser

pytestmark = pytest.mark.integration

NOTICE_SITES = ("suzhou_gov", "scjgj_suzhou", "scjgj_jiangsu")
ARTICLE = re.compile(r"/\d{6}/[0-9a-f]{32}\.shtml$|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$")
TTBZ_LIST = "/cms-proxy/ms/portal/standardInfo/getPortalStandardList"
QYBZ_DETAIL = "/user/detail/"
CLEAN_TYPES = {"national", "industry", "local"}  # samr, openstd, hbba and dbba: no fault tonight


class OneNight:
    """The faults of the night, each served once; what was served is remembered for the assertions."""

    def __init__(self) -> None:
        self.emptied: list[str] = []  # the notice article answered 200 OK with an empty body
        self.truncated: list[str] = []  # the ttbz list page cut in the middle of its JSON
        self.garbled: list[str] = []  # the qybz detail page answered with garbage

    def notices(self, request: Request) -> Response | None:
        if not self.emptied and ARTICLE.search(request.path):
            self.emptied.append(request.path)
            return html_response("")
        return None

    def ttbz(self, request: Request, response: Response) -> Response:
        if not self.truncated and request.path == TTBZ_LIST:
            self.truncated.append(request.path)
            return Response(200, response.body[: len(response.body) // 2], response.content_type)
        return response

    def qybz(self, request: Request) -> Response | None:
        if not self.garbled and request.path.startswith(QYBZ_DETAIL):
            self.garbled.append(request.path)
            return Response(200, bytes(range(256)) * 8, "text/html;charset=UTF-8")
        return None


def raising_parse_detail(*args, **kwargs):
    raise RuntimeError("a parser bug nobody foresaw")


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("isolation")
    window = Settings()
    corpus = build_corpus(size=600, seed=11, window_start=window.window_start, window_end=window.window_end)
    write_corpus(corpus, data_dir / "mirror")
    truth = json.loads((data_dir / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    faults = OneNight()
    policies = {site: faults.notices for site in NOTICE_SITES} | {"qybz": faults.qybz}
    with MirrorCluster(corpus, fault_policy=policies) as cluster, pytest.MonkeyPatch.context() as env:
        cluster["ttbz"].response_filter = faults.ttbz
        for key, value in cluster.env().items():
            env.setenv(key, value)
        env.setenv("STDWATCH_DATA_DIR", str(data_dir))
        env.setenv("STDWATCH_SOURCES", json.dumps(list(SOURCES)))
        env.setenv("STDWATCH_HOSTS", json.dumps({"127.0.0.1": {"rate_per_second": 2000, "concurrency": 4}}))
        env.setenv("STDWATCH_ORG_MAPPING_FILES", json.dumps([str(data_dir / "mirror" / "org_register.csv")]))
        env.setattr(tc_parser, "parse_detail", raising_parse_detail)
        result = CliRunner().invoke(app, ["run", "nightly"])
    return result, data_dir / "warehouse.duckdb", truth, faults


def _rows(path, sql: str) -> list[dict]:
    return warehouse.query(path, sql).to_pylist()


def test_every_fault_was_served(night):
    _, _, _, faults = night
    assert len(faults.emptied) == len(faults.truncated) == len(faults.garbled) == 1


def test_the_run_exits_1_naming_each_failing_source_and_no_other(night):
    result, path, _, _ = night
    assert result.exit_code == 1, result.output
    failing = {line.split("HEALTH CHECK FAILED: ", 1)[1].split(":", 1)[0]
               for line in result.output.splitlines() if "HEALTH CHECK FAILED: " in line}
    assert failing == {"notices", "ttbz", "qybz", "tc"}, result.output
    run = _rows(path, "SELECT status, message FROM meta.run")
    assert [r["status"] for r in run] == ["failed"]
    assert all(name in run[0]["message"] for name in ("notices:", "ttbz:", "qybz:", "tc:"))
    complete = {r["source"]: r["complete"] for r in _rows(path, "SELECT source, complete FROM meta.run_source WHERE source <> 'plan'")}
    assert complete == {"samr": True, "sacinfo": True, "openstd": True,
                        "ttbz": False, "qybz": False, "tc": False, "notices": False}


def test_each_failure_is_a_reject_with_its_reason_naming_the_archived_page(night):
    _, path, _, faults = night
    rejects = _rows(path, "SELECT r.source, r.reason, r.url, r.response_id, p.status "
                          "FROM core.reject r LEFT JOIN raw.response p USING (response_id) "
                          "WHERE r.source IN ('notices', 'ttbz', 'qybz', 'tc')")
    by_reason = {(r["source"], r["reason"]): r for r in rejects}
    empty = by_reason[("notices", "empty_page")]
    assert empty["url"].endswith(faults.emptied[0]) and empty["status"] == 200
    assert ("ttbz", "list_failed") in by_reason
    garbage = [r for r in rejects if r["source"] == "qybz" and r["reason"] in ("layout_changed", "unreadable_page")]
    assert len(garbage) == 1 and faults.garbled[0] in garbage[0]["url"] and garbage[0]["status"] == 200
    crash = by_reason[("tc", "crawl_failed")]
    assert crash["status"] == 200 and crash["url"]  # the last page tc read before its parser raised, archived


def test_every_other_source_loads_its_ground_truth(night):
    _, path, truth, _ = night
    expected = Counter()
    for row in counts_for(truth, CLEAN_TYPES):
        expected[(row["district"], row["std_type"], row["year"])] += row["n"]
    rows = _rows(path, "SELECT district_name, std_type, year(issue_date) AS year, count(*) AS n FROM mart.standard "
                       "WHERE counted AND std_type IN ('national', 'industry', 'local') GROUP BY ALL")
    assert {(r["district_name"], r["std_type"], r["year"]): r["n"] for r in rows} == dict(expected)


def test_the_failing_notices_source_publishes_the_notices_it_did_read(night):
    _, path, _, _ = night
    # The empty article leaves its own notice out, not the others: their events are published.
    assert _rows(path, "SELECT count(*) AS n FROM core.event")[0]["n"] > 0


def test_a_load_or_attribution_that_raises_fails_only_its_source(tmp_path, monkeypatch):
    from datetime import datetime, timezone

    from flows import crawl, loading, runs
    from flows.sources import SourceResult, Window, get_source

    def broken(*args, **kwargs):
        raise RuntimeError("a loader bug")

    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path))
    settings = Settings()
    monkeypatch.setattr(type(get_source("tc")), "load", broken)
    monkeypatch.setattr(type(get_source("notices")), "attribute", broken)
    crashed = crawl.FailedCrawl.of("ttbz", ValueError("no such field"), ("http://x/list", "resp-1"))
    results = [SourceResult("tc"), crashed, get_source("notices").reparse([], settings), SourceResult("samr")]
    run = runs.RunSpec("run-1", "nightly", {}, Window(), datetime.now(timezone.utc))
    report = loading.load(settings, run, responses=[], results=results, client_stats={},
                           advance_watermarks=True, check_silence=False)
    errors = {s.source: s.error for s in report.sources}
    assert errors == {"tc": "load failed: RuntimeError: a loader bug",
                      "ttbz": "crawl failed: ValueError: no such field (last page read: http://x/list, archived as resp-1)",
                      "notices": "attribution failed: RuntimeError: a loader bug", "samr": None}
    assert [p.split(":")[0] for p in report.problems] == ["tc", "ttbz", "notices"]
    # The session still published: the run and every source's figures are in the warehouse.
    published = _rows(settings.warehouse_path, "SELECT source FROM meta.run_source ORDER BY source")
    assert [r["source"] for r in published] == ["notices", "samr", "tc", "ttbz"]
    rejects = _rows(settings.warehouse_path, "SELECT source, reason FROM core.reject ORDER BY source")
    assert rejects == [{"source": "tc", "reason": "load_failed"}, {"source": "ttbz", "reason": "crawl_failed"}]
