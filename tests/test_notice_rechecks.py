"""Notice re-checks on quiet nights (flows/sources/notices.py): a notice whose list entry is unchanged is
re-read only when its re-check is due, asked conditionally (If-None-Match, where the portal honours it:
the mirror's `conditional=yes` variant), and an article found unchanged costs that one request and its
attachments none — while an article edited in place (same entry, new body) is read again whole."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from extract.archive import Archive
from flows.crawl import make_client
from flows.settings import load_settings
from flows.sources import notices as notices_flow
from flows.sources.common import Window
from mirror.corpus import build_corpus
from mirror.notices import SCJGJ, ScjgjSuzhouApp, notice_corpus
from mirror.web import Response, SiteServer
from transform.dates import SHANGHAI
from transform.region import load_region

TZGG = next(c for c in notices_flow.region_columns(load_region("3205")) if c.site == "scjgj_suzhou")


@pytest.fixture(params=[False, True], ids=["plain", "conditional"])
def column(request, tmp_path, monkeypatch):
    """The scjgj 通知公告 column on loopback, honouring conditional requests or not; yields a crawl(day, watermarks)."""
    corpus = build_corpus("demo", 7)
    newest = max(n.published for n in notice_corpus(corpus).column_notices(SCJGJ, "tzgg"))
    server = SiteServer(ScjgjSuzhouApp(corpus), site=SCJGJ)
    server.conditional = request.param
    server.start()
    # every notice young enough to be re-checked, once a week
    settings = load_settings(data_dir=tmp_path, base_urls={"scjgj_suzhou": server.base_url},
                             hosts={"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}},
                             notice_recheck_days=7, notice_recheck_within_days=3650)

    def crawl(days_after: int, watermarks: dict[str, str]):
        now = datetime.combine(newest + timedelta(days=days_after), time(2), SHANGHAI)
        monkeypatch.setattr(notices_flow, "portal_now", lambda: now)
        server.reset_log()
        archive = Archive(settings.archive_dir, f"run-{days_after}", fsync=False)
        client = make_client(settings, archive)
        try:
            result = notices_flow.crawl(client, settings, watermarks=watermarks, window=Window(settings.window_start, None),
                                        columns=(TZGG,))
        finally:
            client.close()
            archive.close()
        return result, server.requests(), archive.entries

    try:
        yield crawl, server
    finally:
        server.stop()


def _articles(requests):
    return [r for r in requests if r.path.endswith(".shtml") and "/nav_" not in r.path]


def _attachments(requests):
    return [r for r in requests if "/files/" in r.path]


def test_a_due_recheck_of_an_unchanged_article_costs_one_request_and_no_attachment(column):
    crawl, server = column
    first, requests, _ = crawl(1, {})
    assert first.complete and first.events, (first.error, first.rejects[:3])
    read = _articles(requests)
    assert read and _attachments(requests)  # the first night reads the articles and their attachments
    marks = {**first.watermarks}

    again, requests, entries = crawl(9, marks)  # more than a week on: every re-check has come round
    assert again.complete, (again.error, again.rejects[:3])
    # the notices listed on the page(s) down to the watermark, each asked once
    rechecked = _articles(requests)
    assert rechecked and {r.path for r in rechecked} <= {r.path for r in read}
    assert len({r.path for r in rechecked}) == len(rechecked)
    assert _attachments(requests) == []
    assert again.events == [] and again.unchanged["notices"] == len(rechecked)
    statuses = {e.status for e in entries if "/nav_" not in e.url}
    if server.conditional:  # asked with the ETag kept, answered 304 and archived as such
        assert all(r.header("If-None-Match") for r in rechecked)
        assert statuses == {304}
    else:
        assert statuses == {200}

    quiet, requests, _ = crawl(9, {**marks, **again.watermarks})  # the same night again: none due any more
    assert _articles(requests) == [] and quiet.unchanged["notices"] == len(rechecked)


def test_an_article_edited_in_place_is_read_again_whole_at_its_recheck(column):
    crawl, server = column
    first, requests, _ = crawl(1, {})
    with_attachment = next(r.path for r in _articles(requests)
                           if any(a.path.startswith(r.path.removesuffix(".shtml") + "/") for a in _attachments(requests)))

    def edit(request, response: Response) -> Response:
        if request.path == with_attachment:
            body = response.body.replace("</body>".encode(), "<p>（本文于次日更正）</p></body>".encode())
            return Response(response.status, body, response.content_type, response.headers)
        return response

    server.response_filter = edit
    again, requests, _ = crawl(9, dict(first.watermarks))
    assert again.complete
    assert [a.path for a in _attachments(requests)] and all(
        a.path.startswith(with_attachment.removesuffix(".shtml") + "/") for a in _attachments(requests))
    assert {e.notice_url for e in again.events} and all(e.notice_url.endswith(with_attachment) for e in again.events)
