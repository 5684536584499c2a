"""extract.sources.sacinfo: cookie priming, the list form and headers, paging (`extract.paging`), the
move to ba.sacinfo.org.cn, blocks — over a tiny loopback server."""

from __future__ import annotations

import json
from datetime import date
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked, DisallowedHost
from extract.sources import sacinfo
from extract.sources import ListPageError
from loopback import make_client, reply, serve

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
        elif path in (sacinfo.LIST_PATH, "/capped" + sacinfo.LIST_PATH, "/short" + sacinfo.LIST_PATH):
            page, size = int(form["current"][0]), int(form["size"][0])
            if not path.startswith("/short"):
                size = min(size, 2) if path.startswith("/capped") else size  # /capped: 2 rows served, whatever asked
                rows = RECORDS[(page - 1) * size: page * size]
                pages = -(-len(RECORDS) // size)
            else:  # /short: 2 rows a page for 2 pages, then nothing, while it states 7 rows and no page count
                rows, pages = (RECORDS[(page - 1) * 2: page * 2] if page <= 2 else []), None
            body = json.dumps({"total": len(RECORDS), "current": page, "pages": pages, "size": size, "records": rows})
        elif path.startswith("/moved/"):  # the old host's every path 301s to the unified host
            status, body, content_type = 301, "", "text/html"
            extra = {"Location": f"http://localhost:{self.server.server_address[1]}{path.removeprefix('/moved')}"}
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


def walk(client, base, page_size, **query):
    tally = sacinfo.list_tally("dbba", query, page_size, "")
    return list(sacinfo.iter_list_pages(client, base, page_size=page_size, tally=tally, **query)), tally


def test_priming_sets_the_cookie_the_list_posts_carry(client, base):
    primed = sacinfo.prime(client, base)
    assert primed.ok and primed.response_id
    walk(client, base, 3, ministry="jszjj")
    for _, headers in posts():
        assert "JSESSIONID=5F2A0C7B1D" in headers["Cookie"]


def test_list_posts_carry_the_portal_headers_and_form(client, base):
    walk(client, base, 3, ministry="jszjj", pubdate="-1")
    form, headers = posts()[0]
    assert headers["Referer"] == base + "/stdList" and headers["Origin"] == base
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form["ministry"] == ["jszjj"] and form["pubdate"] == ["-1"] and form["current"] == ["1"]


def test_paging_reads_every_page_and_stops_after_the_last(client, base):
    pages, tally = walk(client, base, 3)
    assert [json.loads(p.text)["current"] for p in pages] == [1, 2, 3]
    assert len(posts()) == 3 and tally.complete and (tally.rows_seen, tally.total) == (7, 7)


def test_exact_multiple_of_the_page_size_does_not_ask_for_an_empty_page(client, base):
    pages, tally = walk(client, base, 7)
    assert len(pages) == 1 and tally.complete


def test_pages_shorter_than_asked_are_not_the_end(client, base):
    """The server serves 2 rows whatever `size` asks: the walk goes on to the stated total."""
    pages, tally = walk(client, base + "/capped", 5)
    assert len(pages) == 4 and (tally.rows_seen, tally.total) == (7, 7) and tally.complete
    assert "2 per page served, 5 asked" in tally.describe()


def test_a_list_that_runs_out_before_its_total_is_incomplete(client, base):
    """Pages shorter than asked, then an empty page, while the total says 7: never complete."""
    pages, tally = walk(client, base + "/short", 5)
    assert len(pages) == 3 and not tally.complete
    assert "rows seen 4 of 7" in tally.describe()


def test_a_move_to_the_unified_host_is_followed_when_it_is_configured(tmp_path, base):
    """hbba/dbba 301 to ba.sacinfo.org.cn (evidence/hbba-dbba/EVIDENCE.md §3): with the ba host on the
    allow-list (`base_urls.ba`) the priming page lands there, and the walk goes on from there."""
    Handler.requests.clear()
    with make_client(tmp_path, allowed_hosts={"127.0.0.1", "localhost"}) as client:
        primed = sacinfo.prime(client, base + "/moved")
        landed = sacinfo.landed_base(primed)
        assert primed.ok and primed.redirected_from and landed == base.replace("127.0.0.1", "localhost")
        pages, tally = walk(client, landed, 3)
    assert tally.complete and all(p.url.startswith(landed) for p in pages)
    with make_client(tmp_path / "refused") as client, pytest.raises(DisallowedHost):
        sacinfo.prime(client, base + "/moved")  # not configured: refused, loudly


def test_a_captcha_answer_is_blocked_and_archived(client, base):
    with pytest.raises(Blocked) as error:
        walk(client, base + "/captcha", 3)
    assert error.value.reason == "captcha" and error.value.fetched.response_id


def test_unpageable_list_raises_naming_the_url_and_form(client, base):
    with pytest.raises(ListPageError, match="no 'records'") as error:
        walk(client, base + "/broken", 3, ministry="jszjj")
    assert error.value.url.endswith("/broken/stdQueryList") and "ministry=jszjj" in str(error.value)
