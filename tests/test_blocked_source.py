"""A portal that answers with a captcha is recognised as blocked, counted and reported, and every
other source still loads exactly its ground truth (issue 4's acceptance, across the whole nightly)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import warehouse
from flows.nightly import nightly
from flows.health import HealthCheckFailed
from flows.settings import Settings
from flows.sources import SOURCES
from mirror.cluster import MirrorCluster
from mirror.corpus import build_corpus
from mirror.sites.qybz import captcha_page
from mirror.truth import write_corpus
from mirror.web import Request, Response, html_response

pytestmark = pytest.mark.integration


def qybz_behind_captcha(request: Request) -> Response | None:
    """The enterprise-standard portal puts even its homepage behind the Geetest challenge."""
    return html_response(captcha_page()) if request.site == "qybz" else None


@pytest.fixture(scope="module")
def blocked_run(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("blocked")
    window = Settings()  # the default plan window, which the mirror's truth must count over too
    corpus = build_corpus(size=600, seed=11, window_start=window.window_start, window_end=window.window_end)
    write_corpus(corpus, data_dir / "mirror")
    truth = json.loads((data_dir / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    with MirrorCluster(corpus, fault_policy=qybz_behind_captcha) as cluster, pytest.MonkeyPatch.context() as env:
        for key, value in cluster.env().items():
            env.setenv(key, value)
        env.setenv("STDWATCH_DATA_DIR", str(data_dir))
        env.setenv("STDWATCH_SOURCES", json.dumps([s for s in SOURCES if s != "notices"]))
        env.setenv("STDWATCH_HOSTS", json.dumps({"127.0.0.1": {"rate_per_second": 2000, "concurrency": 4}}))
        env.setenv("STDWATCH_ORG_MAPPING_FILES", json.dumps([str(data_dir / "mirror" / "org_register.csv")]))
        with pytest.raises(HealthCheckFailed) as failed:
            nightly()
        requests_to_qybz = cluster.request_log("qybz")
    return failed.value.report, data_dir / "warehouse.duckdb", truth, requests_to_qybz


def test_the_run_fails_loudly_naming_the_blocked_source(blocked_run):
    report, _, _, _ = blocked_run
    assert report.status == "failed"
    assert report.problems == ["qybz: blocked (captcha)"]


def test_the_block_is_counted_and_not_retried_around(blocked_run):
    report, path, _, requests_to_qybz = blocked_run
    qybz = next(s for s in report.sources if s.source == "qybz")
    assert (qybz.blocked, qybz.blocked_reasons, qybz.records) == (1, {"captcha": 1}, 0)
    assert sum(requests_to_qybz.values()) == 1  # asked once, then left alone for the rest of the run
    rows = warehouse.query(path, "SELECT blocked FROM meta.run_source WHERE source = 'qybz'").to_pylist()
    assert rows == [{"blocked": 1}]
    assert warehouse.query(path, "SELECT count(*) AS n FROM raw.response WHERE blocked = 'captcha'").to_pylist() == [{"n": 1}]


def test_every_other_source_still_loads_its_ground_truth(blocked_run):
    _, path, truth, _ = blocked_run
    expected = Counter()
    for row in truth["all_counts"]:
        if row["std_type"] != "enterprise":  # the only registry behind the blocked portal
            expected[(row["district"], row["std_type"], row["year"])] += row["n"]
    rows = warehouse.query(
        path, "SELECT district_name, std_type, year(issue_date) AS year, count(*) AS n "
              "FROM mart.standard WHERE counted GROUP BY ALL").to_pylist()
    assert {(r["district_name"], r["std_type"], r["year"]): r["n"] for r in rows} == dict(expected)
    committees = {(r["district"], r["year"]): r["n"] for r in truth["committee_counts"]}
    got = warehouse.query(path, "SELECT district_name, year, n FROM mart.new_committees_by_district").to_pylist()
    assert {(r["district_name"], r["year"]): r["n"] for r in got} == committees
