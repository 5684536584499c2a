"""extract.sources.samr: request shape, detail URLs, the issue-date window of a nightly, and paging by the rows
the server served, over a tiny loopback server."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.sources import samr
from loopback import make_client, reply, serve

BEIJING = timezone(timedelta(hours=8))
NEWEST = datetime(2026, 5, 26, 9, 0, 0, tzinfo=BEIJING)
# 10 rows, newest SYS_INPUTIME first, one day apart; pages of 3 → 4 pages.
ROWS = [
    {"id": f"ID{i}", "C_STD_CODE": f"GB/T {1000 + i}-2026",
     "SYS_INPUTIME": (NEWEST - timedelta(days=i)).strftime("%Y-%m-%d %H:%M:%S")}
    for i in range(10)
]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] if v else "" for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.requests.append((parts.path, query, dict(self.headers)))
        if parts.path in (samr.LIST_PATH, "/cap2" + samr.LIST_PATH, "/short" + samr.LIST_PATH):
            page, size = int(query["pageNumber"]), int(query["pageSize"])
            if parts.path.startswith("/cap2"):
                size = min(size, 2)  # the server serves 2 rows whatever is asked
            rows = ROWS[(page - 1) * size: page * size]
            if parts.path.startswith("/short") and page >= 2:
                rows = []  # the list stops short of the total it states
            body = json.dumps({"total": len(ROWS), "pageNumber": page, "rows": rows})
        elif parts.path == "/broken" + samr.LIST_PATH:
            body = "<html>系统维护中</html>"
        elif parts.path == "/norows" + samr.LIST_PATH:
            body = json.dumps({"total": 3, "data": []})
        else:
            reply(self, 404)
            return
        reply(self, 200, body, "application/json;charset=UTF-8")


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
    kwargs.setdefault("page_size", 3)
    kwargs.setdefault("issued_from", None)
    kwargs.setdefault("issued_to", None)
    return list(samr.iter_list_pages(client, base, 2, **kwargs))


def rows_of(fetched) -> list[str]:
    return [r["id"] for f in fetched for r in json.loads(f.text)["rows"]]


def test_list_params_send_the_search_form_fields():
    params = samr.list_params(3, 2, 50, date(2022, 8, 21), date(2025, 12, 31))
    assert params["tid"] == "3" and params["pageNumber"] == "2" and params["pageSize"] == "50"
    assert (params["std_p10"], params["std_p11"]) == ("2022-08-21", "2025-12-31")
    assert params["typeRadio"] == "std-param"
    assert params["std_p4"] == params["std_p7"] == params["std_p16"] == ""


def test_list_params_leave_an_open_date_window_empty():
    params = samr.list_params(2, 1, 50, None, None)
    assert params["std_p10"] == params["std_p11"] == ""


def test_list_params_refuse_an_unknown_tid():
    with pytest.raises(ValueError, match="tid"):
        samr.list_params(4, 1, 50, None, None)


def test_detail_url_per_tid():
    assert samr.detail_url("https://std.samr.gov.cn/", 2, "ABC") == "https://std.samr.gov.cn/gb/search/gbDetailed?id=ABC"
    assert samr.detail_url("https://std.samr.gov.cn", 3, "DEF") == "https://std.samr.gov.cn/hb/search/stdHBDetailed?id=DEF"


def test_a_backfill_asks_its_window():
    assert samr.query_window(date(2024, 1, 1), date(2024, 1, 31), None) == (date(2024, 1, 1), date(2024, 1, 31))
    assert samr.query_window(None, None, None) == (None, None)


def test_a_nightly_asks_issue_dates_since_the_watermark_date_minus_the_lookback():
    assert samr.ISSUE_LOOKBACK_DAYS == 180
    watermark = datetime(2026, 12, 30, 23, 30, tzinfo=BEIJING)
    assert samr.query_window(date(2022, 8, 21), None, watermark) == (date(2026, 7, 3), None)
    assert samr.query_window(None, None, watermark) == (date(2026, 7, 3), None)
    # The window start still bounds it; its end is kept.
    assert samr.query_window(date(2026, 9, 1), date(2026, 12, 1), watermark) == (date(2026, 9, 1), date(2026, 12, 1))
    # The watermark's date is the Beijing date, whatever zone it is given in.
    utc = datetime(2026, 12, 30, 17, 0, tzinfo=timezone.utc)  # 2026-12-31 01:00 in Beijing
    assert samr.query_window(None, None, utc) == (date(2026, 7, 4), None)


def test_list_requests_carry_the_portal_headers(client, base):
    pages(client, base)
    _, _, headers = Handler.requests[0]
    assert headers["Referer"] == base + "/gb/search/gbAdvancedSearch"
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Accept"].startswith("application/json")


def test_full_crawl_reads_every_page_and_stops_after_the_last(client, base):
    tally = samr.list_tally(2, 3, None, None)
    fetched = pages(client, base, tally=tally)
    assert [json.loads(f.text)["pageNumber"] for f in fetched] == [1, 2, 3, 4]
    assert len(Handler.requests) == 4
    assert rows_of(fetched) == [r["id"] for r in ROWS]
    assert tally.complete and (tally.rows_seen, tally.total, tally.ended) == (10, 10, "total")


def test_exact_multiple_of_the_page_size_does_not_ask_for_an_empty_page(client, base):
    assert len(pages(client, base, page_size=5)) == 2


def test_a_server_that_serves_fewer_rows_than_asked_is_paged_by_what_it_served(client, base):
    # Asked 5 a page, served 2: 5 pages, every row once, complete (the old rule stopped after 2 pages).
    tally = samr.list_tally(2, 5, None, None)
    fetched = pages(client, base + "/cap2", page_size=5, tally=tally)
    assert len(fetched) == 5 and rows_of(fetched) == [r["id"] for r in ROWS]
    assert tally.complete and tally.served == [2, 2, 2, 2, 2]
    assert "rows seen 10 of 10" in tally.describe() and "2 per page served, 5 asked" in tally.describe()


def test_a_list_that_runs_out_before_its_total_is_incomplete(client, base):
    tally = samr.list_tally(2, 3, None, None)
    fetched = pages(client, base + "/short", tally=tally)
    assert len(fetched) == 2 and len(rows_of(fetched)) == 3
    assert not tally.complete and "rows seen 3 of 10" in tally.describe()


def test_the_issue_date_window_is_sent_on_every_page(client, base):
    pages(client, base, issued_from=date(2026, 7, 3), issued_to=None)
    assert len(Handler.requests) == 4
    assert {(q["std_p10"], q["std_p11"]) for _, q, _ in Handler.requests} == {("2026-07-03", "")}
    assert [q["pageNumber"] for _, q, _ in Handler.requests] == ["1", "2", "3", "4"]


def test_rows_entered_since_keeps_new_and_unreadable_rows(client, base):
    [first] = pages(client, base, page_size=10)
    payload = json.loads(first.text)
    payload["rows"][9]["SYS_INPUTIME"] = "未知"
    page = SimpleNamespace(text=json.dumps(payload))  # the one attribute rows_entered_since reads
    kept = json.loads(samr.rows_entered_since(page, NEWEST - timedelta(days=2, hours=1)))["rows"]
    assert [r["id"] for r in kept] == ["ID0", "ID1", "ID2", "ID9"]


def test_max_input_time_is_the_newest_row(client, base):
    assert samr.max_input_time(pages(client, base)) == NEWEST


@pytest.mark.parametrize(("prefix", "message"), [("/broken", "not JSON"), ("/norows", "no 'rows'")])
def test_unpageable_list_raises_naming_the_url_after_archiving(client, base, prefix, message):
    with pytest.raises(samr.ListPageError, match=message) as error:
        pages(client, base + prefix)
    assert samr.LIST_PATH in error.value.url and "pageNumber=1" in error.value.url
    assert error.value.fetched.response_id
