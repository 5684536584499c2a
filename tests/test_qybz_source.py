"""extract.sources.qybz: homepage and detail requests, and the captcha gate recognised — over loopback."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked
from extract.sources import qybz
from loopback import make_client, reply, serve

FIXTURES = Path(__file__).parent / "fixtures" / "qybz"
GEETEST_PAGE = (
    "<html><head><script src='/static/js/gt.js'></script></head><body><div id='captcha'></div>"
    "<script>initGeetest({gt: 'x', challenge: 'y'}, function (obj) {})</script></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        self.requests.append((path, dict(self.headers)))
        status, headers, body = 200, {}, ""
        if path == "/":
            body = (FIXTURES / "home.html").read_text(encoding="utf-8")
        elif path == "/user/detail/8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b":
            body = (FIXTURES / "detail.8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b.html").read_text(encoding="utf-8")
        elif path == "/user/detail/gated":
            status, headers = 302, {"Location": "/user/toSearch/"}
        elif path == "/user/toSearch/":
            body = "<html><body><form action='/user/searchR'><input name='keyword'></form>" + "<p>请输入关键词</p>" * 200 + "</body></html>"
        elif path == "/user/detail/captcha":
            body = GEETEST_PAGE
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


def test_coverage_is_partial_by_design():
    assert qybz.COVERAGE == "partial"
    assert "PARTIAL BY DESIGN" in qybz.__doc__


def test_urls():
    assert qybz.home_url("https://www.qybz.org.cn/") == "https://www.qybz.org.cn/"
    assert qybz.detail_url("https://www.qybz.org.cn", "abc") == "https://www.qybz.org.cn/user/detail/abc"


def test_search_url_names_the_gated_endpoint_without_captcha_answers():
    url = qybz.search_url("https://www.qybz.org.cn", keyword="模具", xzqh="320583")
    parts = urlsplit(url)
    assert parts.path == "/user/searchR"
    assert parse_qs(parts.query, keep_blank_values=True) == {
        "keyword": ["模具"], "pageNo": ["1"], "standardType": [""], "standardStatus": [""], "xzqh": ["320583"]}
    assert "geetest" not in url


@pytest.mark.parametrize(("url", "gated"), [
    ("https://www.qybz.org.cn/user/searchR?keyword=x", True),
    ("https://www.qybz.org.cn/user/toSearch/", True),
    ("https://www.qybz.org.cn/gc/geetest/login?t=1", True),
    ("https://www.qybz.org.cn/user/detail/abc", False),
    ("https://www.qybz.org.cn/", False),
])
def test_captcha_gate_is_recognised_by_url(url, gated):
    assert qybz.is_captcha_gate(url) is gated


def detail(client, base, detail_id):
    """A detail page as the flow asks for it (flows.sources.pages.fetch_details: url and headers from extract)."""
    return client.fetch("GET", qybz.detail_url(base, detail_id), source=qybz.SOURCE, headers=qybz.page_headers(base))


def test_homepage_and_detail_are_fetched_with_a_referer(client, base):
    home = qybz.fetch_home(client, base)
    page = detail(client, base, "8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b")
    assert "toDetail(" in home.text and "统一社会信用代码" in page.text
    assert Handler.requests[1][1]["Referer"] == base + "/"
    assert home.response_id and page.response_id


def test_a_detail_redirected_to_the_search_is_recognised_as_the_gate(client, base):
    fetched = detail(client, base, "gated")
    assert fetched.redirected_from and qybz.is_captcha_gate(fetched.url)


def test_a_geetest_answer_is_blocked_and_archived(client, base):
    with pytest.raises(Blocked) as error:
        detail(client, base, "captcha")
    assert error.value.reason == "captcha" and error.value.fetched.response_id


def test_the_crawler_never_requests_the_search(client, base):
    qybz.fetch_home(client, base)
    detail(client, base, "8c2f4a1e9b7d4e6f8a0b1c2d3e4f5a6b")
    assert not any(qybz.is_captcha_gate(base + path) for path, _ in Handler.requests)
