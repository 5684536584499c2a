"""The mirror's fault mode, what the client makes of each fault, and a nightly that converges through them."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from extract.archive import Archive
from extract.http import Blocked, FetchFailed, HttpClient
from flows.nightly import nightly
from flows.health import HealthCheckFailed
from mirror.corpus import Corpus
from mirror.faults import KINDS, FaultPolicy, parse_mix
from mirror.server import MirrorServer, Request
from ops_support import mirror_site, truth_problems

LIST = "/gb/search/gbAdvancedSearchPage"


def _request(page: int) -> Request:
    return Request("GET", LIST, {"tid": "2", "pageNumber": str(page)}, {})


def test_faults_are_seeded_per_request_at_the_rate_asked():
    def decisions(seed: int) -> list[str | None]:
        policy = FaultPolicy(0.10, seed=seed)
        return [policy.choose(_request(page)) for page in range(3000)]

    first = decisions(1)
    assert first == decisions(1) and first != decisions(2)
    share = sum(kind is not None for kind in first) / len(first)
    assert 0.085 < share < 0.115
    assert {kind for kind in first if kind} == set(KINDS) - {"waf"}  # the default mix: every transient kind

    # The n-th attempt at a request draws on its own: order and interleaving do not matter.
    a, b = FaultPolicy(0.5, seed=3), FaultPolicy(0.5, seed=3)
    forward = [a.choose(_request(page)) for page in (1, 2, 1, 2)]
    backward = [b.choose(_request(page)) for page in (2, 1, 2, 1)]
    assert forward == [backward[1], backward[0], backward[3], backward[2]]


def test_fault_mix_spec():
    assert parse_mix("http_503:2, reset,waf:0.5") == {"http_503": 2.0, "reset": 1.0, "waf": 0.5}
    with pytest.raises(ValueError, match="unknown fault kind 'teapot'"):
        parse_mix("teapot")
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultPolicy(1.5)


@pytest.fixture(scope="module")
def small_corpus() -> Corpus:
    return Corpus(seed=7, size=100)


@pytest.mark.parametrize(("kind", "outcome"), [
    ("http_500", "http_500"), ("http_502", "http_502"), ("http_503", "http_503"), ("http_429", "http_429"),
    ("reset", "reset"), ("timeout", "timeout"), ("truncated", "truncated"), ("waf", Blocked), ("slow", None),
])
def test_each_fault_reaches_the_client_as_that_fault(tmp_path, small_corpus, kind, outcome):
    # Every request of the first two faulted, then answered: a client with retries gets through.
    policy = FaultPolicy(1.0, mix={kind: 1}, retry_after_seconds=0, timeout_seconds=0.6, slow_seconds=0.05)
    with MirrorServer(small_corpus, fault_policy=policy) as server, Archive(tmp_path, "run") as archive:
        client = HttpClient(user_agent="stdwatch-test", allowed_hosts={"127.0.0.1"}, host_policy=lambda h: (0.0, 1),
                            timeout=0.3, max_retries=2, backoff=0.01, archive=archive)
        url = server.base_url + LIST
        if outcome is Blocked:
            with pytest.raises(Blocked, match="waf"):
                client.fetch("GET", url, source="t", params={"tid": 2})
        elif outcome is None:
            assert client.fetch("GET", url, source="t", params={"tid": 2}).ok
        else:
            with pytest.raises((FetchFailed, Blocked)):  # a 429 that never ends is a block
                client.fetch("GET", url, source="t", params={"tid": 2})
            assert client.stats["t"]["fault_kinds"] == {outcome: 3} and client.stats["t"]["retries"] == 2
        client.close()
    assert policy.injected == Counter({kind: 1 if outcome in (Blocked, None) else 3})


@pytest.mark.integration
def test_nightly_converges_through_ten_percent_faults_and_counts_them(tmp_path, monkeypatch):
    policy = FaultPolicy(0.10, seed=11, retry_after_seconds=0, timeout_seconds=1.3, slow_seconds=0.2)
    with mirror_site(tmp_path, size=1200, fault_policy=policy, page_size="20", timeout_seconds="1",
                     backoff_seconds="0.01", max_retries="6") as site:
        site.apply(monkeypatch)
        report = nightly()
        [samr] = report.sources
        assert report.status == "completed" and samr.complete
        assert truth_problems(site) == []
        assert policy.faults >= 8  # every kind had its chance
        assert samr.requests == policy.requests
        assert samr.faults == policy.faults  # each fault served was seen, counted, and retried
        assert samr.fault_kinds == {k: n for k, n in policy.injected.items() if k != "slow"}
        assert samr.retries == samr.faults
        stored = site.rows("SELECT faults, retries, extra FROM meta.run_source")
        assert [(r["faults"], r["retries"]) for r in stored] == [(samr.faults, samr.retries)]
        assert json.loads(stored[0]["extra"])["fault_kinds"] == samr.fault_kinds


@pytest.mark.integration
def test_a_waf_challenge_blocks_the_source_and_fails_the_run(tmp_path, monkeypatch):
    policy = FaultPolicy(1.0, mix="waf")
    with mirror_site(tmp_path, size=300, fault_policy=policy) as site:
        site.apply(monkeypatch)
        with pytest.raises(HealthCheckFailed) as failed:
            nightly()
        [samr] = failed.value.report.sources
        assert samr.blocked == 1 and samr.blocked_reasons == {"waf": 1} and not samr.complete
        assert policy.requests == samr.requests == 1  # once refused, the source stops asking
        assert failed.value.report.problems == ["samr: blocked (waf)"]
        assert site.rows("SELECT count(*) AS n FROM meta.watermark") == [{"n": 0}]
