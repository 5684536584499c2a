"""extract.sources.openstd: the list query, paging by the badge total (`extract.paging`), the
"page reaching back past the floor" stop, the /bzgk/gb → /bzgk/std redirect and blocks — over a
tiny loopback server."""

from __future__ import annotations

from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.http import Blocked
from extract.sources import openstd
from extract.sources import ListPageError
from loopback import make_client, reply, serve

NEWEST = date(2026, 5, 20)
ROWS = 23  # newest first, one day apart; pages of 10 → 3 pages
ACT_AFTER = timedelta(days=5)  # each row is implemented 5 days after its issue
CAPTCHA_PAGE = "<html><body><img src='gc?_=1'><p>请完成安全验证</p></body></html>"


def list_page(page: int, size: int, *, with_total: bool = True) -> str:
    rows = "".join(
        f"<tr><td>{i + 1}</td><td><a onclick=\"showInfo('{i:032X}');\">GB/T {40000 + i}—2026</a></td><td></td>"
        f"<td><a>标准{i}</a></td><td>推荐性</td><td><span>现行</span></td>"
        f"<td>{NEWEST - timedelta(days=i)}</td><td>{NEWEST - timedelta(days=i) + ACT_AFTER}</td></tr>"
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
        elif parts.path == "/capped" + openstd.LIST_PATH:  # 4 rows a page, whatever pageSize asks
            body = list_page(int(query["page"]), 4)
        elif parts.path == "/short" + openstd.LIST_PATH:  # 4 rows a page for 2 pages, then none: the badge says 23
            body = list_page(int(query["page"]), 4) if int(query["page"]) <= 2 else list_page(99, 4)
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


def walk(client, base, **kwargs):
    kwargs.setdefault("page_size", 10)
    tally = openstd.list_tally(kwargs.get("stop_before"), kwargs["page_size"])
    return list(openstd.iter_list_pages(client, base, tally=tally, **kwargs)), tally


def pages(client, base, **kwargs):
    return walk(client, base, **kwargs)[0]


def test_list_params_sort_newest_issue_first():
    assert openstd.list_params(page=2, page_size=50) == {
        "p.p1": "", "p.p2": "", "p.p90": "circulation_date", "p.p91": "desc", "page": "2", "pageSize": "50"}
    assert openstd.list_params(page=1, page_size=10, std_type="2", status="WITHDRAWN")["p.p5"] == "WITHDRAWN"


@pytest.mark.parametrize("kwargs", [{"page_size": 20}, {"page_size": 10, "std_type": "4"},
                                    {"page_size": 10, "status": "现行"}, {"page_size": 10, "order": "newest"}])
def test_list_params_refuse_values_the_portal_does_not_offer(kwargs):
    with pytest.raises(ValueError):
        openstd.list_params(page=1, **kwargs)


def test_detail_url():
    assert openstd.detail_url("https://openstd.samr.gov.cn/", "ABC") == "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=ABC"


def test_list_requests_carry_the_query(client, base):
    pages(client, base)
    path, query, headers = Handler.requests[0]
    assert path == "/bzgk/std/std_list" and query["p.p90"] == "circulation_date" and query["p.p91"] == "desc"
    assert (query["page"], query["pageSize"]) == ("1", "10") and "p.p5" not in query
    assert headers["Referer"] == base + "/bzgk/std/std_list"


def test_paging_stops_at_the_badge_total(client, base):
    got, tally = walk(client, base)
    assert len(got) == 3 and tally.complete and (tally.rows_seen, tally.total) == (23, 23)
    assert len(pages(client, base, page_size=25)) == 1


def test_paging_without_a_badge_reads_until_an_empty_page(client, base):
    """A short page is never the end: without a stated total the list ends when it runs out."""
    got, tally = walk(client, base + "/nototal")
    assert len(got) == 4 and tally.complete and tally.rows_seen == 23


def test_pages_shorter_than_asked_are_read_to_the_badge_total(client, base):
    got, tally = walk(client, base + "/capped")
    assert len(got) == 6 and tally.complete and "4 per page served, 10 asked" in tally.describe()


def test_a_list_that_runs_out_before_the_badge_total_is_incomplete(client, base):
    got, tally = walk(client, base + "/short")
    assert len(got) == 3 and not tally.complete and "rows seen 8 of 23" in tally.describe()


@pytest.mark.parametrize(("days", "read"), [
    (-4, 1),   # page 1 (issued 0–9 days ago) reaches back past the floor: nothing below it is newer
    (-8, 1),   # page 1's last row is issued the day before the floor
    (-9, 2),   # page 1's last row is issued on the floor: page 2 may hold more of that day
    (-12, 2),  # page 2 (10–19 days ago) reaches back past it
    (-25, 3),  # the floor is before every row: the walk reads to the total
    (10, 1),   # nothing new: page 1 is older
])
def test_incremental_stops_after_the_page_reaching_back_past_the_floor(client, base, days, read):
    got, tally = walk(client, base, stop_before=NEWEST + timedelta(days=days))
    assert len(got) == read and tally.complete


def test_the_historic_gb_path_redirects_to_std(client, base):
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
