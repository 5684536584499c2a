"""extract.sources.openstd: the list query, paging by the badge total, the issue-date watermark,
the /bzgk/gb → /bzgk/std redirect, details and blocks — over a tiny loopback server."""

from __future__ import annotations

from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked
from extract.sources import openstd
from extract.sources import ListPageError
from loopback import make_client, reply, serve
from transform.parsers import openstd as openstd_parser

NEWEST = date(2026, 5, 20)
ROWS = 23  # newest first, one day apart; pages of 10 → 3 pages
CAPTCHA_PAGE = "<html><body><img src='gc?_=1'><p>请完成安全验证</p></body></html>"


def list_page(page: int, size: int, *, with_total: bool = True) -> str:
    rows = "".join(
        f"<tr><td>{i + 1}</td><td><a onclick=\"showInfo('{i:032X}');\">GB/T {40000 + i}—2026</a></td><td></td>"
        f"<td><a>标准{i}</a></td><td>推荐性</td><td><span>现行</span></td>"
        f"<td>{NEWEST - timedelta(days=i)}</td><td>2026-12-01</td></tr>"
        for i in range((page - 1) * size, min(page * size, ROWS))
    )
    badge = f"<span class='badge'>{ROWS}</span>" if with_total else ""
    return (f"<html><body>{badge}<table class='table result_list'><tbody><tr><th>序号</th></tr></tbody>"
            f"<tbody>{rows}</tbody></table></body></html>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.requests.append((parts.path, query, dict(self.headers)))
        status, headers, body = 200, {}, ""
        if parts.path == openstd.LIST_PATH:
            body = list_page(int(query["page"]), int(query["pageSize"]))
        elif parts.path == "/nototal" + openstd.LIST_PATH:
            body = list_page(int(query["page"]), int(query["pageSize"]), with_total=False)
        elif parts.path == "/bzgk/gb/newGbInfo":
            status, headers = 301, {"Location": f"/bzgk/std/newGbInfo?{parts.query}"}
        elif parts.path == openstd.DETAIL_PATH:
            body = "<html><body><table class='mk1'><tr><td><h1>标准号：GB/T 40000—2026</h1></td></tr></table></body></html>"
        elif parts.path == "/captcha" + openstd.LIST_PATH:
            body = CAPTCHA_PAGE
        else:
            status = 404
        reply(self, status, body, "text/html;charset=UTF-8", headers.items())


@pytest.fixture(scope="module")
def base():
    with serve(Handler) as url:
        yield url


@pytest.fixture
def client(tmp_path):
    Handler.requests.clear()
    with make_client(tmp_path) as client:
        yield client


def pages(client, base, **kwargs):
    kwargs.setdefault("page_size", 10)
    return list(openstd.iter_list_pages(client, base, **kwargs))


def test_list_params_sort_newest_issue_first():
    assert openstd.list_params(page=2, page_size=50) == {
        "p.p1": "", "p.p2": "", "p.p90": "circulation_date", "p.p91": "desc", "page": "2", "pageSize": "50"}
    assert openstd.list_params(page=1, page_size=10, std_type="2", status="WITHDRAWN")["p.p5"] == "WITHDRAWN"


@pytest.mark.parametrize("kwargs", [{"page_size": 20}, {"page_size": 10, "std_type": "4"},
                                    {"page_size": 10, "status": "现行"}, {"page_size": 10, "order": "newest"}])
def test_list_params_refuse_values_the_portal_does_not_offer(kwargs):
    with pytest.raises(ValueError):
        openstd.list_params(page=1, **kwargs)


def test_detail_url_and_paths_agree_with_the_parser():
    assert openstd.detail_url("https://openstd.samr.gov.cn/", "ABC") == "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=ABC"
    assert openstd_parser.DETAIL_PATH == openstd.DETAIL_PATH


def test_list_requests_carry_the_query(client, base):
    pages(client, base)
    path, query, headers = Handler.requests[0]
    assert path == "/bzgk/std/std_list" and query["p.p90"] == "circulation_date" and query["p.p91"] == "desc"
    assert (query["page"], query["pageSize"]) == ("1", "10") and "p.p5" not in query
    assert headers["Referer"] == base + "/bzgk/std/std_list"


def test_paging_stops_at_the_badge_total(client, base):
    assert len(pages(client, base)) == 3
    assert len(pages(client, base, page_size=25)) == 1


def test_paging_without_a_badge_stops_at_a_short_page(client, base):
    assert len(pages(client, base + "/nototal")) == 3


def test_incremental_stops_after_the_first_page_reaching_past_the_watermark(client, base):
    assert len(pages(client, base, stop_before=NEWEST - timedelta(days=4))) == 1  # page 1 reaches back to day 9
    assert len(pages(client, base, stop_before=NEWEST - timedelta(days=9))) == 2  # page 1 ends exactly on day 9
    assert len(pages(client, base, stop_before=NEWEST - timedelta(days=14))) == 2
    assert len(pages(client, base, stop_before=NEWEST + timedelta(days=1))) == 1  # nothing new


def test_the_historic_gb_path_redirects_to_std(client, base):
    fetched = openstd.fetch_detail(client, base, "ABC")
    assert fetched.url.endswith("/bzgk/std/newGbInfo?hcno=ABC")
    moved = client.fetch("GET", base + "/bzgk/gb/newGbInfo?hcno=ABC", source="openstd")
    assert moved.redirected_from and moved.url.endswith("/bzgk/std/newGbInfo?hcno=ABC")
    assert "GB/T 40000—2026" in moved.text


def test_a_captcha_answer_is_blocked_and_archived(client, base):
    with pytest.raises(Blocked) as error:
        pages(client, base + "/captcha")
    assert error.value.reason == "captcha" and error.value.fetched.response_id


def test_an_http_error_page_is_a_list_page_error(client, base):
    with pytest.raises(ListPageError, match="HTTP 404"):
        pages(client, base + "/missing")
