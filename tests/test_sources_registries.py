"""The registry sources (sacinfo, ttbz, qybz, tc, openstd) end to end over loopback HTTP against the
mirror cluster: each crawl against the mirror's ground truth, an incremental second crawl, `reparse`
of the archive, and blocks reported without raising."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from extract.archive import Archive, iter_archive
from extract.http import HttpClient
from flows.settings import BaseUrls, Settings
from flows.sources import SOURCES, SourceResult, Window, openstd, qybz, sacinfo, site_urls, tc, ttbz
from flows.sources.pages import ENTRY
from mirror.cluster import MirrorCluster
from mirror.corpus import Corpus, build_corpus
from mirror.registries import PUBLISHED, hbba_view
from mirror.sites.qybz import captcha_page
from mirror.sites.ttbz import _waf_page
from mirror.truth import ground_truth
from mirror.web import Request, Response, html_response

PROVINCE = "江苏省"
REGISTRY_SOURCES = (sacinfo, ttbz, qybz, tc, openstd)


@dataclass
class Crawl:
    first: SourceResult
    second: SourceResult  # with the first crawl's watermarks
    requests_first: int
    requests_second: int
    reparsed: SourceResult  # from the archive of both crawls


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus(size="demo", seed=7)


@pytest.fixture(scope="module")
def truth(corpus: Corpus) -> dict:
    return ground_truth(corpus)


@pytest.fixture(scope="module")
def window(truth: dict) -> Window:
    return Window(date.fromisoformat(truth["window_start"]))


@pytest.fixture(scope="module")
def cluster(corpus: Corpus):
    with MirrorCluster(corpus) as running:
        yield running


def _settings(cluster: MirrorCluster, data_dir: Path) -> Settings:
    urls = {site: url for site, url in cluster.base_urls.items() if site in site_urls()}
    return Settings(base_urls=BaseUrls(**urls), data_dir=data_dir, concurrency=4)


def _client(archive: Archive) -> HttpClient:
    return HttpClient(user_agent="stdwatch-test", allowed_hosts={"127.0.0.1"}, host_policy=lambda host: (0.0, 4),
                      archive=archive, max_retries=1, backoff=0.01)


def _requests(client: HttpClient, source: str) -> int:
    return client.stats.get(source, {}).get("requests", 0)


@pytest.fixture(scope="module")
def crawls(cluster: MirrorCluster, window: Window, tmp_path_factory) -> dict[str, Crawl]:
    data_dir = tmp_path_factory.mktemp("registries")
    settings = _settings(cluster, data_dir)
    out = {}
    with Archive(settings.archive_dir, "run-1", fsync=False) as archive, _client(archive) as client:
        for module in REGISTRY_SOURCES:
            first = module.crawl(client, settings, watermarks={}, window=window)
            after_first = _requests(client, module.SOURCE)
            second = module.crawl(client, settings, watermarks=first.watermarks, window=window)
            entries = (
                (entry, body) for entry, body in iter_archive(settings.archive_dir, module.SOURCE)
                if 200 <= entry.status < 300 and entry.blocked is None and entry.truncated is None
            )
            reparsed = module.source.reparse(entries, settings)
            out[module.SOURCE] = Crawl(first, second, after_first, _requests(client, module.SOURCE) - after_first,
                                       reparsed)
    return out


def _in_window(entry: dict, window: Window) -> bool:
    return entry["issue_date"] >= window.issued_from.isoformat()


def _listed_on(truth: dict, portal: str, window: Window, **fields) -> dict[str, dict]:
    return {e["std_no"]: e for e in truth["all_standards"]
            if portal in e["portals"] and _in_window(e, window) and all(e.get(k) == v for k, v in fields.items())}


def _by_std_no(result: SourceResult) -> dict:
    records = {r.std_no: r for r in result.records}
    assert len(records) == len(result.records), "a standard twice in one result"
    return records


def _key_fields(result: SourceResult) -> dict:
    return {r.std_no: (r.std_type, r.name, r.status, r.issue_date, r.act_date, r.abolish_date, tuple(r.drafters),
                       r.drafters_known, r.spam, r.source_id) for r in result.records}


# -- the registry -------------------------------------------------------------------------------------


def test_every_registry_source_is_registered():
    for module in REGISTRY_SOURCES:
        assert SOURCES[module.SOURCE] is module.source and module.source.name == module.SOURCE
    assert sacinfo.SOURCE == "sacinfo" and set(sacinfo.SITES) == {"hbba", "dbba"}


def test_first_crawls_are_complete_and_set_watermarks(crawls: dict[str, Crawl]):
    for name, crawl in crawls.items():
        assert crawl.first.complete and crawl.first.error is None and not crawl.first.blocked, name
        assert crawl.first.watermarks, name
    # one per site, and where each site's search page landed (flows/sources/sacinfo.py)
    assert {k for k in crawls["sacinfo"].first.watermarks if not k.startswith(ENTRY)} == {
        "hbba", "dbba", "landed:hbba", "landed:dbba"}


# -- each source against the truth ---------------------------------------------------------------------


def test_sacinfo_lists_hbba_and_the_regions_dbba_standards_with_their_drafters(
        crawls: dict[str, Crawl], truth: dict, corpus: Corpus, window: Window):
    result = crawls["sacinfo"].first
    records = _by_std_no(result)
    hbba = _listed_on(truth, "hbba", window)
    dbba = _listed_on(truth, "dbba", window, province=PROVINCE)
    assert {s for s, r in records.items() if r.std_type == "industry"} == set(hbba)
    assert {s for s, r in records.items() if r.std_type == "local"} == set(dbba)
    assert {r.source for r in result.records} == {"sacinfo"}
    assert any(e["portals"] == ["hbba", "samr"] for e in hbba.values())  # samr's industry standards, on purpose
    assert any(s.startswith("DB3205/T") for s in dbba) and any(s.startswith("DB32/T") for s in dbba)

    def listed_without_drafters(entry: dict) -> bool:
        if "samr" in entry["portals"]:  # hbba's own page of a samr standard
            return hbba_view(corpus.by_id(entry["ids"]["samr"])).drafters != PUBLISHED
        return not entry["drafters_published"]

    for std_no, record in records.items():
        entry = hbba.get(std_no) or dbba[std_no]
        site = "hbba" if std_no in hbba else "dbba"
        assert record.drafters_known and record.provenance.url.endswith(entry["ids"][site])  # its detail page
        if listed_without_drafters(entry):
            assert record.drafters == [], std_no
        else:
            assert record.drafters[0] == entry["lead_org"], std_no

    truth_rejects = {r["id"] for r in truth["all_rejects"]
                     if r["portal"] == "hbba" or (r["portal"] == "dbba" and r["std_no"].startswith("DB32"))}
    assert truth_rejects and len(result.rejects) == len(truth_rejects)
    assert all(any(pk in reject.detail for reject in result.rejects) for pk in truth_rejects)


def test_ttbz_lists_every_group_standard_of_the_window_with_publishers_and_associations(
        crawls: dict[str, Crawl], truth: dict, corpus: Corpus, cluster: MirrorCluster, window: Window):
    result = crawls["ttbz"].first
    records = _by_std_no(result)
    expected = _listed_on(truth, "ttbz", window)
    assert set(records) == set(expected)
    for std_no, record in records.items():
        entry = expected[std_no]
        assert record.drafters_known
        assert record.drafters[:1] == ([entry["lead_org"]] if entry["drafters_published"] else []), std_no
        assert result.publishers[std_no] == entry["publisher"]
    assert set(result.publishers) == set(records)
    # drafters of the region publish through other provinces' associations too: the list is not narrowed
    assert any(e["counted"] and e["publisher_province"] != PROVINCE for e in expected.values())

    associations = {corpus.orgs[a.org].name: a.address or PROVINCE
                    for a in corpus.associations if a.province == PROVINCE}
    assert {e.name: e.address for e in result.evidence} == associations
    assert {e.source for e in result.evidence} == {"ttbz"}

    truth_rejects = Counter(r["reason"] for r in truth["all_rejects"]
                            if r["portal"] == "ttbz" and _in_window(r, window))
    assert Counter(r.reason for r in result.rejects) == truth_rejects
    assert cluster.requests_to("ttbz", "/Home") == 0 and cluster.requests_to("ttbz", "/StandardManage") == 0


def test_qybz_reads_exactly_the_homepage_and_says_coverage_is_partial(
        crawls: dict[str, Crawl], truth: dict, corpus: Corpus, cluster: MirrorCluster, window: Window):
    result = crawls["qybz"].first
    assert result.coverage == "partial" and result.coverage_note
    records = _by_std_no(result)
    expected = _listed_on(truth, "qybz", window, reachable=True)
    assert set(records) == set(expected)
    # and not what only the captcha-gated search lists
    assert any(e["std_type"] == "enterprise" and not e["reachable"] for e in truth["all_standards"])
    enterprises = {corpus.orgs[e.org].name: e for e in corpus.enterprises}
    for std_no, record in records.items():
        assert record.drafters == [expected[std_no]["declarer"]] and record.drafters_known
    evidence = {e.name: e for e in result.evidence}
    assert set(evidence) == {e["declarer"] for e in expected.values()}
    for name, seen in evidence.items():
        assert (seen.uscc, seen.division) == (enterprises[name].uscc, enterprises[name].division)
    assert Counter(r.reason for r in result.rejects) == Counter(
        r["reason"] for r in truth["all_rejects"] if r["portal"] == "qybz")
    for gate in ("/user/toSearch", "/user/searchR", "/gc/geetest", "/usercenter"):
        assert cluster.requests_to("qybz", gate) == 0


def test_tc_reads_the_provinces_committees_with_secretariats_and_addresses(
        crawls: dict[str, Crawl], truth: dict, corpus: Corpus):
    result = crawls["tc"].first
    assert result.records == []
    committees = {c.code: c for c in result.committees}
    expected = {c["code"]: c for c in truth["committees"] if c["province"] == PROVINCE}
    assert set(committees) == set(expected) and len(committees) == len(result.committees)
    for code, committee in committees.items():
        entry = expected[code]
        assert (committee.name, committee.kind, committee.secretariat_unit, committee.province) == (
            entry["name"], entry["kind"], entry["secretariat"], PROVINCE)
        assert committee.established == (date.fromisoformat(entry["established"]) if entry["established"] else None)
    addresses = {corpus.orgs[c.secretariat].name: c.address for c in corpus.committees if c.province == PROVINCE}
    assert {e.name: e.address for e in result.evidence} == addresses


def test_openstd_gives_status_and_dates_never_drafters(
        crawls: dict[str, Crawl], truth: dict, cluster: MirrorCluster, window: Window, tmp_path: Path):
    result = crawls["openstd"].first
    records = _by_std_no(result)
    expected = _listed_on(truth, "openstd", window)
    assert set(records) == set(expected)
    conflicts = {c["std_no"]: c["openstd_status"] for c in truth["status_conflicts"]}
    for std_no, record in records.items():
        assert not record.drafters_known and record.drafters == []
        assert record.status == conflicts.get(std_no, expected[std_no]["status"]), std_no
        assert record.issue_date.isoformat() == expected[std_no]["issue_date"]
    assert result.details == 0  # the list has every field openstd is read for

    # A walk without a floor sees every status conflict, older standards' 现行 → 废止 included.
    settings = _settings(cluster, tmp_path)
    with Archive(settings.archive_dir, "full", fsync=False) as archive, _client(archive) as client:
        full = openstd.crawl(client, settings, watermarks={}, window=Window())
    statuses = {r.std_no: r.status for r in full.records}
    assert conflicts and {s: statuses[s] for s in conflicts} == conflicts
    assert any(c["samr_status"] == "现行" and c["openstd_status"] == "废止" for c in truth["status_conflicts"])


# -- incremental and reparse -----------------------------------------------------------------------------


def test_a_second_crawl_with_the_watermarks_asks_little_and_finds_nothing_new(crawls: dict[str, Crawl]):
    for name, crawl in crawls.items():
        assert crawl.second.complete and not crawl.second.blocked, name
        if name == "openstd":
            # no date filter: newest issue first, read down to the page reaching back past the watermark
            # (deeper only for a standard turning 现行 that night, flows/sources/openstd.py)
            assert crawl.requests_second < crawl.requests_first // 2, (name, crawl.requests_first, crawl.requests_second)
            assert [w.ended for w in crawl.second.lists] == ["older"], crawl.second.lists
        else:
            # the list again (or its newest page) and the pages of what was entered within the overlap
            assert crawl.requests_second <= max(5, crawl.requests_first // 10), (
                name, crawl.requests_first, crawl.requests_second)
        assert {r.std_no for r in crawl.second.records} <= {r.std_no for r in crawl.first.records}, name
        for key, value in crawl.second.watermarks.items():  # dates never move back (openstd's flips are no date)
            assert value >= crawl.first.watermarks[key] or name == "tc" or key == openstd.FLIPS, (name, key)
    assert crawls["tc"].second.committees == [] and crawls["tc"].second.details == 0
    # Rows re-read over the watermark's overlap, unchanged since the first crawl read their pages: no page again.
    for name in ("sacinfo", "ttbz"):
        second = crawls[name].second
        assert second.details == 0 and second.records == [], (name, second.details, len(second.records))


def test_reparse_of_the_archive_gives_the_crawls_records(crawls: dict[str, Crawl], window: Window):
    for name in ("sacinfo", "ttbz"):
        crawl = crawls[name]
        assert _key_fields(crawl.reparsed) == _key_fields(crawl.first), name
    assert crawls["ttbz"].reparsed.publishers == crawls["ttbz"].first.publishers
    for name in ("ttbz", "qybz", "tc"):
        evidence = lambda result: sorted((e.name, e.uscc, e.address, e.division) for e in result.evidence)  # noqa: E731
        assert evidence(crawls[name].reparsed) == evidence(crawls[name].first), name
    # qybz and openstd lists are complete records on their own: reparse keeps every archived row,
    # those outside the crawl's window too.
    for name in ("qybz", "openstd"):
        crawled, reparsed = _key_fields(crawls[name].first), _key_fields(crawls[name].reparsed)
        assert {k: reparsed[k] for k in crawled} == crawled, name
        assert all(reparsed[k][3] < window.issued_from for k in set(reparsed) - set(crawled)), name
    assert crawls["qybz"].reparsed.coverage == "partial"
    def committees(result: SourceResult) -> list[tuple]:
        return sorted((c.code, c.name, c.kind, c.secretariat_unit, c.address, c.province, c.established)
                      for c in result.committees)

    assert committees(crawls["tc"].reparsed) == committees(crawls["tc"].first)
    for name, crawl in crawls.items():
        assert Counter(r.reason for r in crawl.reparsed.rejects) == Counter(r.reason for r in crawl.first.rejects), name


# -- blocks ---------------------------------------------------------------------------------------------


def test_a_captcha_on_the_qybz_homepage_is_reported_not_raised(cluster: MirrorCluster, window: Window, tmp_path: Path):
    def gate(request: Request) -> Response | None:
        return html_response(captcha_page()) if request.site == "qybz" and request.path == "/" else None

    settings = _settings(cluster, tmp_path)
    cluster.set_fault_policy(gate, "qybz")
    try:
        with Archive(settings.archive_dir, "blocked", fsync=False) as archive, _client(archive) as client:
            result = qybz.crawl(client, settings, watermarks={"published": "2026-01-01"}, window=window)
    finally:
        cluster.set_fault_policy(None, "qybz")
    assert result.blocked == Counter({"captcha": 1})
    assert not result.complete and "blocked" in (result.error or "")
    assert result.records == [] and result.watermarks == {} and result.coverage == "partial"


def test_a_waf_on_detail_pages_stops_the_pool_and_withholds_the_records(
        cluster: MirrorCluster, window: Window, tmp_path: Path):
    def waf(request: Request) -> Response | None:
        return html_response(_waf_page()) if request.path.startswith("/standardDetail/") else None

    settings = _settings(cluster, tmp_path)
    cluster.set_fault_policy(waf, "ttbz")
    try:
        with Archive(settings.archive_dir, "waf", fsync=False) as archive, _client(archive) as client:
            result = ttbz.crawl(client, settings, watermarks={}, window=window)
            asked = _requests(client, "ttbz")
    finally:
        cluster.set_fault_policy(None, "ttbz")
    assert result.blocked["waf"] >= 1 and not result.complete
    assert result.records == [] and result.watermarks == {}  # no list-only record hides the drafters
    assert asked < 20  # the pool stopped asking once refused (four in flight at most)
