"""extract.sources.tc: the directory query (URL-encoded op), paging by items and total (`extract.paging`), blocks — over loopback."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked
from extract.sources import tc
from extract.sources import ListPageError
from loopback import make_client, reply, serve

COMMITTEES = 23
OP = 'TABLE_NAME:"BV_COMMITEE_INFO",G_SECRETARIAT_UNIT_PROVINCE:"江苏省"'


def directory_page(page: int, *, with_total: bool, size: int = 10) -> str:
    numbers = range((page - 1) * size, min(page * size, COMMITTEES))
    items = "".join(
        f'<div class="panel panel-default post"><div class="page-header">'
        f'<a href="/search/orgDetailView?data_id={n:032X}" target="_blank"><span>全国某某{n}标准化技术委员会</span></a>'
        f"</div></div>"
        for n in numbers
    )
    total = f"<div>为您找到相关结果约&nbsp;<span>{COMMITTEES}</span>&nbsp;个</div>" if with_total else ""
    return f"<html><body>{total}<div class='row'>{items}</div></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, str, dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        self.requests.append((parts.path, parts.query, dict(self.headers)))
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        status, body = 200, ""
        if parts.path == tc.LIST_PATH:
            body = directory_page(int(query["pageNo"]), with_total=True)
        elif parts.path == "/nototal" + tc.LIST_PATH:
            body = directory_page(int(query["pageNo"]), with_total=False)
        elif parts.path == "/short" + tc.LIST_PATH:  # 4 items a page for 2 pages, then none; the total says 23
            body = directory_page(int(query["pageNo"]) if int(query["pageNo"]) <= 2 else 99, with_total=True, size=4)
        elif parts.path == "/forever" + tc.LIST_PATH:
            body = directory_page(1, with_total=False)
        elif parts.path == "/search/orgDetailView":
            body = "<html><body><div class='basic-info cmn-clearfix'><dl><dt>委员会编号</dt><dd>SAC/TC 530</dd></dl></div></body></html>"
        elif parts.path == "/challenge" + tc.LIST_PATH:
            status, body = 521, "<html><script>document.cookie='__jsl_clearance_s=1';location.reload()</script></html>"
        else:
            status = 404
        reply(self, status, body, "text/html;charset=UTF-8")


@pytest.fixture(scope="module")
def base():
    with serve(Handler) as url:
        yield url


@pytest.fixture
def client(tmp_path):
    Handler.requests.clear()
    with make_client(tmp_path) as client:
        yield client


def test_list_params_filter_by_secretariat_province():
    assert tc.list_params("江苏省", 2) == {"q": "", "op": OP, "pageNo": "2"}


def test_list_url_encodes_the_op_value():
    url = tc.list_url("https://std.samr.gov.cn/", "江苏省", 1)
    assert url.startswith("https://std.samr.gov.cn/search/orgPage?q=&op=TABLE_NAME%3A%22BV_COMMITEE_INFO%22%2C")
    assert parse_qs(urlsplit(url).query, keep_blank_values=True)["op"] == [OP]


def test_detail_url_joins_relative_and_keeps_absolute_links():
    assert tc.detail_url("https://std.samr.gov.cn", "/search/orgDetailView?data_id=AB") == (
        "https://std.samr.gov.cn/search/orgDetailView?data_id=AB")
    assert tc.detail_url("https://std.samr.gov.cn", "https://std.samr.gov.cn/x?tcCode=TC1") == "https://std.samr.gov.cn/x?tcCode=TC1"


def walk(client, base, **kwargs):
    tally = tc.list_tally("江苏省")
    return list(tc.iter_list_pages(client, base, "江苏省", tally=tally, **kwargs)), tally


def test_the_server_receives_the_op_filter(client, base):
    walk(client, base)
    _, query, headers = Handler.requests[0]
    assert parse_qs(query, keep_blank_values=True) == {"q": [""], "op": [OP], "pageNo": ["1"]}
    assert headers["Referer"] == base + "/search/orgPage"


def test_paging_stops_at_the_announced_total(client, base):
    pages, tally = walk(client, base)
    assert len(pages) == 3 and tally.complete and (tally.rows_seen, tally.total) == (23, 23)


def test_paging_without_a_total_reads_until_an_empty_page(client, base):
    pages, tally = walk(client, base + "/nototal")
    assert len(pages) == 4 and tally.complete and tally.rows_seen == 23


def test_a_directory_that_runs_out_before_its_total_is_incomplete(client, base):
    pages, tally = walk(client, base + "/short")
    assert len(pages) == 3 and not tally.complete and "rows seen 8 of 23" in tally.describe()


def test_a_page_that_never_ends_is_an_error_after_max_pages(client, base):
    with pytest.raises(ListPageError, match="still not at the end after 4 pages"):
        walk(client, base + "/forever", max_pages=4)


def test_a_js_challenge_is_blocked_and_archived(client, base):
    with pytest.raises(Blocked) as error:
        walk(client, base + "/challenge")
    assert error.value.reason == "js_challenge" and error.value.fetched.response_id


def test_an_http_error_page_is_a_list_page_error(client, base):
    with pytest.raises(ListPageError, match="HTTP 404"):
        walk(client, base + "/missing")
