"""scjgj.suzhou 通知公告 at its real name, paged by the page's own createPageHTML call.

The column is `/szqts/tzgg/nav_xwtz.shtml` (shared/design/evidence/scjgj.suzhou.gov.cn/EVIDENCE.md);
whether page 2 is `nav_xwtz_2` or `nav_xwtz_1` is contested (portals.md §6.2), so the mirror serves
either (`scjgj_first_suffix`) and the product must list every notice, each page once, under both.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from extract.archive import Archive
from flows.crawl import make_client
from flows.settings import load_settings
from flows.sources import notices as notices_flow
from flows.sources.common import Window
from mirror.corpus import build_corpus
from mirror.notices import SCJGJ, ScjgjSuzhouApp, notice_corpus
from mirror.variants import Variants
from mirror.web import Response, SiteServer
from transform.region import load_region

TZGG = next(c for c in notices_flow.region_columns(load_region("3205")) if c.site == "scjgj_suzhou")


def _crawl(suffix: int, tmp_path, watermarks=None, response_filter=None):
    corpus = build_corpus("demo", 7, variants=Variants(scjgj_first_suffix=suffix))
    server = SiteServer(ScjgjSuzhouApp(corpus), site=SCJGJ)
    server.response_filter = response_filter
    server.start()
    try:
        settings = load_settings(data_dir=tmp_path, base_urls={"scjgj_suzhou": server.base_url},
                                 hosts={"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}})
        archive = Archive(settings.archive_dir, f"run-{suffix}", fsync=False)
        client = make_client(settings, archive)
        try:
            result = notices_flow.crawl(client, settings, watermarks=watermarks or {},
                                        window=Window(settings.window_start, None), columns=(TZGG,))
        finally:
            client.close()
            archive.close()
        return result, notice_corpus(corpus).column_notices(SCJGJ, "tzgg"), server.request_log
    finally:
        server.stop()


@pytest.mark.parametrize("suffix", [2, 1])
def test_every_notice_listed_once_whichever_suffix_page_two_carries(suffix, tmp_path):
    result, truth, log = _crawl(suffix, tmp_path)
    pages = -(-len(truth) // 15)
    assert pages >= 3  # page 2's suffix and page 3's must both be told apart
    assert result.complete, (result.error, result.rejects[:3])
    [tally] = result.lists
    assert (tally.rows_seen, tally.pages_read, tally.ended) == (len(truth), pages, "last_page")
    assert "/szqts/tzgg/nav_xwtz.shtml" in log and not any("nav_list" in path for path in log)
    # The column's watermark; `entry:<article URL>` keys remember each article read (flows/sources/notices.py).
    column_marks = {k: v for k, v in result.watermarks.items() if not k.startswith("entry:")}
    assert column_marks == {TZGG.watermark_key: max(n.published for n in truth).isoformat()}


def test_incremental_walk_stops_at_the_page_reaching_back_past_the_watermark(tmp_path):
    result, truth, _ = _crawl(2, tmp_path, watermarks={TZGG.watermark_key: "2025-12-01"})
    floor = date(2025, 12, 1) - timedelta(days=load_settings().watermark_overlap_days)
    newer = sum(n.published >= floor for n in truth)
    [tally] = result.lists
    assert result.complete and tally.ended == "older"
    # the pages holding the newer notices, up to the one holding the first older one (15 a page), no further
    assert 0 < newer and tally.pages_read == newer // 15 + 1 < -(-len(truth) // 15)


def test_a_column_page_without_its_pager_is_a_layout_change_not_an_empty_column(tmp_path):
    def strip_pager(request, response: Response) -> Response:
        return Response(response.status, response.body.replace(b"createPageHTML", b"makePager"),
                        response.content_type, response.headers)

    result, _, _ = _crawl(2, tmp_path, response_filter=strip_pager)
    assert not result.complete and not {k for k in result.watermarks if not k.startswith("entry:")}
    assert [r.reason for r in result.rejects] == ["layout_changed"]
    assert "createPageHTML" in result.rejects[0].detail


def test_page_two_missing_under_both_names_leaves_the_column_incomplete_naming_both(tmp_path):
    def no_page_two(request, response: Response) -> Response:
        if request.path in ("/szqts/tzgg/nav_xwtz_1.shtml", "/szqts/tzgg/nav_xwtz_2.shtml"):
            return Response(404, b"<html><body>404</body></html>", response.content_type)
        return response

    result, _, _ = _crawl(2, tmp_path, response_filter=no_page_two)
    assert not result.complete and not {k for k in result.watermarks if not k.startswith("entry:")}
    [reject] = result.rejects
    assert reject.reason == "list_failed" and "no page states index 1" in reject.detail
    assert "nav_xwtz_2.shtml (HTTP 404" in reject.detail and "nav_xwtz_1.shtml (HTTP 404" in reject.detail
