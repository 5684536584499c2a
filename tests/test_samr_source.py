"""extract.sources.samr: request shape, detail URLs, and paging / watermark stops, over a tiny loopback server."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from extract.sources import samr
from loopback import make_client, reply, serve
from transform.parsers import samr as samr_parser

BEIJING = timezone(timedelta(hours=8))
NEWEST = datetime(2026, 5, 26, 9, 0, 0, tzinfo=BEIJING)
# 10 rows, newest SYS_INPUTIME first, one day apart (the mirror's order); pages of 3 → 4 pages.
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
        if parts.path == samr.LIST_PATH:
            page, size = int(query["pageNumber"]), int(query["pageSize"])
            rows = ROWS[(page - 1) * size: page * size]
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
    kwargs.setdefault("stop_before", None)
    return list(samr.iter_list_pages(client, base, 2, **kwargs))


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


def test_extract_and_parser_agree_on_detail_paths():
    assert samr_parser.DETAIL_PATHS == samr.DETAIL_PATHS


def test_list_requests_carry_the_portal_headers(client, base):
    pages(client, base)
    _, _, headers = Handler.requests[0]
    assert headers["Referer"] == base + "/gb/search/gbAdvancedSearch"
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Accept"].startswith("application/json")


def test_full_crawl_reads_every_page_and_stops_after_the_last(client, base):
    fetched = pages(client, base)
    assert [json.loads(f.text)["pageNumber"] for f in fetched] == [1, 2, 3, 4]
    assert len(Handler.requests) == 4


def test_exact_multiple_of_the_page_size_does_not_ask_for_an_empty_page(client, base):
    assert len(pages(client, base, page_size=5)) == 2


def test_incremental_stops_after_the_first_page_reaching_past_the_watermark(client, base):
    stop_before = NEWEST - timedelta(days=4, hours=12)  # page 2 (rows 3-5, 3..5 days old) reaches past it
    assert len(pages(client, base, stop_before=stop_before)) == 2

    stop_before = NEWEST - timedelta(days=1, hours=12)  # page 1's oldest row (2 days) is already older
    assert len(pages(client, base, stop_before=stop_before)) == 1

    stop_before = NEWEST + timedelta(days=1)  # nothing new at all: page 1 is read, then stop
    assert len(pages(client, base, stop_before=stop_before)) == 1


def test_stop_before_must_be_aware(client, base):
    with pytest.raises(ValueError, match="timezone-aware"):
        pages(client, base, stop_before=datetime(2026, 1, 1))


def test_max_input_time_is_the_newest_row(client, base):
    assert samr.max_input_time(pages(client, base)) == NEWEST


@pytest.mark.parametrize(("prefix", "message"), [("/broken", "not JSON"), ("/norows", "no 'rows'")])
def test_unpageable_list_raises_naming_the_url_after_archiving(client, base, prefix, message):
    with pytest.raises(samr.ListPageError, match=message) as error:
        pages(client, base + prefix)
    assert samr.LIST_PATH in error.value.url and "pageNumber=1" in error.value.url
    assert error.value.fetched.response_id
