"""What a second, unchanged night asks of sacinfo and ttbz (the rules in their flows/sources modules):
sacinfo POSTs where each site's search page landed the first time, without priming again (and primes
again after a walk from there failed); ttbz reads its association list only when a standard names a
publisher no run met before."""

from __future__ import annotations

import pytest

from extract.archive import Archive
from flows.crawl import make_client
from flows.settings import load_settings
from flows.sources import sacinfo as sacinfo_flow
from flows.sources import ttbz as ttbz_flow
from flows.sources.common import Window
from mirror.cluster import MirrorCluster
from mirror.corpus import build_corpus
from mirror.variants import Variants
from mirror.web import Response


def _crawl(module, cluster, tmp_path, name: str, watermarks: dict[str, str]):
    settings = load_settings(data_dir=tmp_path, base_urls=cluster.base_urls,
                             hosts={"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}})
    for site in cluster.sites:
        cluster.reset_log(site)
    archive = Archive(settings.archive_dir, name, fsync=False)
    client = make_client(settings, archive)
    try:
        return module.crawl(client, settings, watermarks=watermarks, window=Window(settings.window_start, None))
    finally:
        client.close()
        archive.close()


def _merged(*results) -> dict[str, str]:
    out: dict[str, str] = {}
    for result in results:
        out.update(result.watermarks)
    return out


@pytest.mark.parametrize("host", ["own", "ba"])
def test_sacinfo_primes_once_then_posts_where_the_search_page_landed(host, tmp_path):
    corpus = build_corpus("demo", 7, variants=Variants(sacinfo_host=host))
    with MirrorCluster(corpus, sites=["hbba", "dbba", "ba"]) as cluster:
        first = _crawl(sacinfo_flow, cluster, tmp_path, "first", {})
        assert first.complete, first.error
        primed = sum(cluster.requests_to(site, "/stdList") for site in cluster.sites)
        assert primed == (4 if host == "ba" else 2)  # each site's search page once (ba: and where it redirected)
        landed = {site: first.watermarks[f"landed:{site}"].split(" ")[1] for site in ("hbba", "dbba")}
        where = cluster.base_urls["ba"] if host == "ba" else None
        assert landed == {site: where or cluster.base_urls[site] for site in landed}

        second = _crawl(sacinfo_flow, cluster, tmp_path, "second", _merged(first))
        assert second.complete, second.error
        assert sum(cluster.requests_to(site, "/stdList") for site in cluster.sites) == 0
        posted_to = {site for site in cluster.sites if cluster.requests_to(site, "/stdQueryList")}
        assert posted_to == ({"ba"} if host == "ba" else {"hbba", "dbba"})

        # A walk from the remembered origin that fails (here: the list answers 500 for good) forgets it ...
        failing = "ba" if host == "ba" else "hbba"
        cluster[failing].fault_policy = lambda request: (Response(500, b"busy") if request.path == "/stdQueryList"
                                                         else None)
        broken = _crawl(sacinfo_flow, cluster, tmp_path, "broken", _merged(first, second))
        assert not broken.complete and broken.watermarks["landed:hbba"] == ""
        cluster[failing].fault_policy = None
        # ... and the next run primes again from the configured host.
        again = _crawl(sacinfo_flow, cluster, tmp_path, "again", _merged(first, second, broken))
        assert again.complete and cluster.requests_to("hbba", "/stdList") == 1


def test_ttbz_reads_its_association_list_only_for_a_publisher_no_run_met(tmp_path):
    corpus = build_corpus("demo", 7)
    with MirrorCluster(corpus, sites=["ttbz"]) as cluster:
        first = _crawl(ttbz_flow, cluster, tmp_path, "first", {})
        assert first.complete and first.evidence, first.error
        assert cluster.requests_to("ttbz", ttbz_flow.ttbz_source.ORGAN_PATH) >= 1
        jiangsu = sum(a.province == "江苏省" for a in corpus.associations)

        second = _crawl(ttbz_flow, cluster, tmp_path, "second", _merged(first))
        assert second.complete, second.error
        assert cluster.requests_to("ttbz", ttbz_flow.ttbz_source.ORGAN_PATH) == 0
        assert cluster.requests_to("ttbz", ttbz_flow.ttbz_source.PROVINCE_PATH) == 0
        assert second.unchanged["associations"] == jiangsu

        # A standard whose publisher the remembered names lack (a new association) brings the list back.
        marks = {k: v for k, v in _merged(first).items() if not k.startswith("entry:")}  # re-read the overlap's
        marks[ttbz_flow.PUBLISHERS] = '{"listed": [], "others": []}'
        third = _crawl(ttbz_flow, cluster, tmp_path, "third", marks)
        assert third.complete and third.publishers
        assert cluster.requests_to("ttbz", ttbz_flow.ttbz_source.ORGAN_PATH) >= 1
