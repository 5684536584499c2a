"""extract.sources.sacinfo: cookie priming, the list form and headers, paging, blocks — over a tiny loopback server."""

from __future__ import annotations

import json
from datetime import date
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked
from extract.sources import sacinfo
from extract.sources import ListPageError
from loopback import make_client, reply, serve
from transform.parsers import sacinfo as sacinfo_parser

COOKIE = "JSESSIONID=5F2A0C7B1D; Path=/"
RECORDS = [{"pk": f"{i:064x}", "code": f"DB32/T {4000 + i}-2024"} for i in range(7)]
CAPTCHA_PAGE = "<html><body><div id='captcha'>请完成安全验证</div></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, str, dict[str, list[str]], dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._serve("GET", {})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self._serve("POST", parse_qs(self.rfile.read(length).decode(), keep_blank_values=True))

    def _serve(self, method, form):
        path = urlsplit(self.path).path
        self.requests.append((method, path, form, dict(self.headers)))
        status, extra, content_type = 200, {}, "application/json;charset=UTF-8"
        if path == sacinfo.LIST_PAGE_PATH:
            body, content_type, extra = "<html><body>标准查询</body></html>", "text/html", {"Set-Cookie": COOKIE}
        elif path == sacinfo.LIST_PATH:
            page, size = int(form["current"][0]), int(form["size"][0])
            rows = RECORDS[(page - 1) * size: page * size]
            pages = -(-len(RECORDS) // size)
            body = json.dumps({"total": len(RECORDS), "current": page, "pages": pages, "size": size, "records": rows})
        elif path == "/captcha" + sacinfo.LIST_PATH:
            body, content_type = CAPTCHA_PAGE, "text/html"
        elif path == "/broken" + sacinfo.LIST_PATH:
            body = json.dumps({"total": 3, "rows": []})
        elif path.startswith(sacinfo.DETAIL_PATH + "/"):
            body, content_type = "<html><body><dl><dt>标准号</dt><dd>DB32/T 4000-2024</dd></dl></body></html>", "text/html"
        else:
            status, body = 404, ""
        reply(self, status, body, content_type, extra.items())


@pytest.fixture(scope="module")
def base():
    with serve(Handler) as url:
        yield url


@pytest.fixture
def client(tmp_path):
    Handler.requests.clear()
    with make_client(tmp_path) as client:
        yield client


def posts():
    return [(form, headers) for method, _, form, headers in Handler.requests if method == "POST"]


def test_list_params_send_every_form_field():
    form = sacinfo.list_params(page=2, page_size=50, ministry="jszjj", status="现行", pubdate="-3")
    assert form == {"current": "2", "size": "50", "key": "", "status": "现行", "ministry": "jszjj",
                    "industry": "", "pubdate": "-3", "date": ""}


@pytest.mark.parametrize("kwargs", [{"status": "有效"}, {"pubdate": "-2"}])
def test_list_params_refuse_values_the_portal_does_not_offer(kwargs):
    with pytest.raises(ValueError):
        sacinfo.list_params(page=1, page_size=15, **kwargs)


def test_region_queries_use_the_ministry_code_and_the_city_prefix():
    assert sacinfo.region_queries("江苏省", "DB3205") == [{"ministry": "jszjj"}, {"key": "DB3205"}]
    with pytest.raises(ValueError, match="苏州省"):
        sacinfo.region_queries("苏州省", "DB3205")


@pytest.mark.parametrize(("since", "window"), [
    (None, ""), (date(2026, 5, 20), "-1"), (date(2026, 4, 1), "-3"), (date(2025, 7, 1), "-12"),
    (date(2023, 9, 1), "-36"), (date(2020, 1, 1), ""),
])
def test_pubdate_window_covers_the_watermark(since, window):
    assert sacinfo.pubdate_window(since, date(2026, 5, 27)) == window


def test_urls():
    assert sacinfo.detail_url("https://dbba.sacinfo.org.cn/", "ab12") == "https://dbba.sacinfo.org.cn/stdDetail/ab12"
    assert sacinfo.prime_url("https://hbba.sacinfo.org.cn") == "https://hbba.sacinfo.org.cn/stdList"


def test_extract_and_parser_agree_on_the_detail_path_and_sites():
    assert sacinfo_parser.DETAIL_PATH == sacinfo.DETAIL_PATH
    assert sacinfo_parser.EXPECTED_TYPE == sacinfo.SITES


def test_priming_sets_the_cookie_the_list_posts_carry(client, base):
    primed = sacinfo.prime(client, base)
    assert primed.ok and primed.response_id
    list(sacinfo.iter_list_pages(client, base, page_size=3, ministry="jszjj"))
    for _, headers in posts():
        assert "JSESSIONID=5F2A0C7B1D" in headers["Cookie"]


def test_list_posts_carry_the_portal_headers_and_form(client, base):
    list(sacinfo.iter_list_pages(client, base, page_size=3, ministry="jszjj", pubdate="-1"))
    form, headers = posts()[0]
    assert headers["Referer"] == base + "/stdList" and headers["Origin"] == base
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form["ministry"] == ["jszjj"] and form["pubdate"] == ["-1"] and form["current"] == ["1"]


def test_paging_reads_every_page_and_stops_after_the_last(client, base):
    pages = list(sacinfo.iter_list_pages(client, base, page_size=3))
    assert [json.loads(p.text)["current"] for p in pages] == [1, 2, 3]
    assert len(posts()) == 3


def test_exact_multiple_of_the_page_size_does_not_ask_for_an_empty_page(client, base):
    assert len(list(sacinfo.iter_list_pages(client, base, page_size=7))) == 1


def test_detail_fetch(client, base):
    fetched = sacinfo.fetch_detail(client, base, "ab12")
    assert fetched.url == base + "/stdDetail/ab12" and "DB32/T 4000-2024" in fetched.text


def test_a_captcha_answer_is_blocked_and_archived(client, base):
    with pytest.raises(Blocked) as error:
        list(sacinfo.iter_list_pages(client, base + "/captcha", page_size=3))
    assert error.value.reason == "captcha" and error.value.fetched.response_id


def test_unpageable_list_raises_naming_the_url_and_form(client, base):
    with pytest.raises(ListPageError, match="no 'records'") as error:
        list(sacinfo.iter_list_pages(client, base + "/broken", page_size=3, ministry="jszjj"))
    assert error.value.url.endswith("/broken/stdQueryList") and "ministry=jszjj" in str(error.value)
