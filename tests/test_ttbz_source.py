"""extract.sources.ttbz: the list form, the JSON-bodied association queries, paging and blocks, over loopback."""

from __future__ import annotations

import json
from datetime import date
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked
from extract.sources import ttbz
from extract.sources import ListPageError
from loopback import make_client, reply, serve

# HttpClient.fetch has no content=/json= parameter yet; JSON bodies go through data= (see ttbz.json_body).

ROWS = [{"standardUniqueId": f"{i:031d}", "standardNo": f"T/ABC {i:03d}—2026"} for i in range(7)]
ORGANS = [{"organUniqueId": f"org{i}", "organName": f"协会{i}"} for i in range(5)]
WAF_PAGE = "<html><head><title>WEB 应用防火墙</title></head><body>您的访问被阻断</body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, str, dict, bytes, dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._serve("GET", b"")

    def do_POST(self):
        self._serve("POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, method, body):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append((method, parts.path, query, body, dict(self.headers)))
        status, content_type = 200, "application/json;charset=UTF-8"
        if parts.path in (ttbz.LIST_PATH, "/short" + ttbz.LIST_PATH):
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            page, size = int(form["pageNo"]), int(form["pageSize"])
            if parts.path.startswith("/short"):  # 2 rows a page, whatever asked, and nothing after page 2
                rows = ROWS[(page - 1) * 2: page * 2] if page <= 2 else []
            else:
                rows = ROWS[(page - 1) * size: page * size]
            answer = {"result": True, "data": {"total": len(ROWS), "rows": rows}}
        elif parts.path == ttbz.PROVINCE_PATH:
            answer = {"result": True, "data": [{"name": "江苏省"}]}
        elif parts.path == ttbz.ORGAN_PATH:
            page, size = int(query["pageNo"]), int(query["pageSize"])
            answer = {"result": True, "data": {"rows": ORGANS[(page - 1) * size: page * size]}}  # no total: [I]
        elif parts.path == "/refused" + ttbz.LIST_PATH:
            answer = {"result": False, "message": "系统繁忙"}
        elif parts.path.startswith(ttbz.DETAIL_PATH + "/"):
            answer, content_type = "<html><body><script id='portal-standard-detail-json'>{}</script></body></html>", "text/html"
        elif parts.path.startswith("/waf" + ttbz.DETAIL_PATH):
            answer, content_type = WAF_PAGE, "text/html"
        else:
            status, answer = 404, ""
        reply(self, status, answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False), content_type)


@pytest.fixture(scope="module")
def base():
    with serve(Handler) as url:
        yield url


@pytest.fixture
def client(tmp_path):
    Handler.requests.clear()
    with make_client(tmp_path) as client:
        yield client


def test_list_params_send_filters_only_when_set():
    assert ttbz.list_params(page=1, page_size=50) == {"pageNo": "1", "pageSize": "50"}
    form = ttbz.list_params(page=3, page_size=20, organ_unique_id="org1", published_from=date(2026, 5, 1))
    assert form == {"pageNo": "3", "pageSize": "20", "organUniqueId": "org1", "publishDateBegin": "2026-05-01"}


def test_page_size_is_bounded():
    with pytest.raises(ValueError, match="pageSize"):
        ttbz.list_params(page=1, page_size=100)


def test_urls():
    assert ttbz.detail_url("https://www.ttbz.org.cn/", "abc") == "https://www.ttbz.org.cn/standardDetail/abc.html"
    assert ttbz.organ_url("https://www.ttbz.org.cn", 2, 100) == (
        "https://www.ttbz.org.cn/cms-proxy/ms/bus/organList/portal/queryOrgan?pageNo=2&pageSize=100")


def walk(client, base, page_size, **query):
    tally = ttbz.list_tally(None, page_size)
    return list(ttbz.iter_list_pages(client, base, page_size=page_size, tally=tally, **query)), tally


def test_list_posts_a_form_with_the_portal_headers(client, base):
    walk(client, base, 3, organ_unique_id="org1")
    method, _, _, body, headers = Handler.requests[0]
    assert method == "POST" and headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body.decode()) == {"pageNo": ["1"], "pageSize": ["3"], "organUniqueId": ["org1"]}
    assert headers["Referer"] == base + "/standard.html" and headers["Origin"] == base


def test_list_paging_stops_at_the_stated_total(client, base):
    pages, tally = walk(client, base, 3)
    assert [len(json.loads(p.text)["data"]["rows"]) for p in pages] == [3, 3, 1] and tally.complete
    pages, tally = walk(client, base, 7)
    assert len(pages) == 1 and tally.complete and (tally.rows_seen, tally.total) == (7, 7)


def test_pages_shorter_than_asked_then_none_before_the_total_are_incomplete(client, base):
    """2 rows served where 5 were asked is not the end; an empty page before the total of 7 is not complete."""
    pages, tally = walk(client, base + "/short", 5)
    assert len(pages) == 3 and not tally.complete and "rows seen 4 of 7" in tally.describe()


def test_provinces_are_asked_with_an_empty_json_body(client, base):
    fetched = ttbz.fetch_provinces(client, base)
    _, path, _, body, headers = Handler.requests[0]
    assert path == ttbz.PROVINCE_PATH and body == b"{}" and headers["Content-Type"].startswith("application/json")
    assert json.loads(fetched.text)["data"] == [{"name": "江苏省"}]


def test_organs_are_asked_by_province_in_a_json_body_and_paged_in_the_query(client, base):
    tally = ttbz.organ_tally("江苏省", 2)
    pages = list(ttbz.iter_organ_pages(client, base, "江苏省", page_size=2, tally=tally))
    assert len(pages) == 4  # 2 + 2 + 1, then an empty page: no total in the answer, and a short page is not the end
    assert tally.complete and tally.rows_seen == 5
    _, path, query, body, _ = Handler.requests[0]
    assert path == ttbz.ORGAN_PATH and query == {"pageNo": "1", "pageSize": "2"}
    assert json.loads(body) == {"certUnitArea": "江苏省"}


def test_a_waf_challenge_is_blocked_and_archived(client, base):
    with pytest.raises(Blocked) as error:
        client.fetch("GET", ttbz.detail_url(base + "/waf", "abc"), source=ttbz.SOURCE, headers=ttbz.page_headers(base))
    assert error.value.reason == "waf" and error.value.fetched.response_id


def test_result_false_is_a_list_page_error_naming_the_message(client, base):
    with pytest.raises(ListPageError, match="系统繁忙") as error:
        walk(client, base + "/refused", 3)
    assert error.value.fetched.response_id
