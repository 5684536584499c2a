"""samr — 全国标准信息公共服务平台 (std.samr.gov.cn): national and industry standards, advanced search.

Contract (portals.md §1; grades [C] confirmed, [C1] one source, [I] inference).
Last confirmed from others' live evidence 2026-10-03 (STDCN-DOC), the list shape
2026-08-13 (ERP-AGENT fixture) and 2026-08-15 (CASE8). This project has never
reached the live site: check every [C1]/[I] item on the first live run.

List — `GET {base}/gb/search/gbAdvancedSearchPage` [C], JSON.
  Headers: `Referer: {base}/gb/search/gbAdvancedSearch`, `X-Requested-With: XMLHttpRequest` [C],
  `Accept: application/json`.
  Query:
    tid                   2 = 国家标准 [C], 3 = 行业标准 [C1 CASE8] (1 = plans, 4 = local: not crawled here)
    pageNumber, pageSize  from 1; pageSize ≤ 50–100 [C]
    std_p10, std_p11      issue date from / to, YYYY-MM-DD [C1]
    typeRadio             std-param [C1 ERP-AGENT]
    std_p1…p9, p6_1, p6_2, p12…p26   sent empty, as TC-CSV does [C1]
  Response: `{"total": int, "pageNumber": int, "rows": [...]}` [C]. Row keys used downstream
  (transform/parsers/samr.py): id, C_STD_CODE, STD_CODE2, C_C_NAME, STATE, ISSUE_DATE, ACT_DATE,
  D_DATE [C1], TOTAL_REPE (may be the literal ","), DRAFT_UNIT (、-separated, lead first; empty
  for some industry standards [C1]), DRAFT_STAFF (personal data: dropped), TA_CODE/TA_NAME,
  SYS_INPUTIME ("YYYY-MM-DD HH:MM:SS", Beijing time) [C].

Paging (`extract.paging.walk_pages`, the one rule): page n is asked with pageNumber=n and
`pageSize` = settings.page_size (50), but **the page size is what the server served**: one
independent crawler measured a 20-row cap whatever is asked (portals.md "Update 2026-12",
evidence/std.samr.gov.cn/pagesize_cap_check.py [C1]), so a short page is not the end. The
walk is complete only when the rows seen reach the stated `total` [C]; an empty page before
that is *incomplete* ("rows seen 40 of 100"), never the end of the list.

Incremental rule — by the portal's issue-date filter, independent of the list's order.
The order is contested: newest SYS_INPUTIME first [I, no source states the advanced
search's order], or newest ISSUE_DATE first (the only independent statement, for
gbQueryPage, evidence/std.samr.gov.cn/PROVENANCE.md [C1]). So a nightly never stops at a
row older than its watermark; it asks the issue-date window
    std_p10 = max(window start, watermark date − ISSUE_LOOKBACK_DAYS),  std_p11 = window end
and walks all of it (`query_window`). ISSUE_LOOKBACK_DAYS (180) is how long after its
issue a standard may still be entered and be found by a nightly: SYS_INPUTIME is days to
weeks after ISSUE_DATE on the rows others show [I], a late entry months after [I]; a
standard entered later still is found by a backfill over its issue date. Of the rows
walked, only those entered at or after watermark − overlap (and those whose SYS_INPUTIME
cannot be read) are parsed and have their detail pages fetched (`rows_entered_since`); the
rest were loaded by earlier runs. The price: a nightly lists every row issued in those 180
days (a thousand or more per tid [I]: tens of pages at 20 rows), not one page. The
watermark, per tid, is the newest SYS_INPUTIME [C: "YYYY-MM-DD HH:MM:SS", Beijing time] seen
on a complete walk (`max_input_time`). A backfill (no watermark) walks its window.

Detail — HTML [C]: national `{base}/gb/search/gbDetailed?id=<id>`, industry
`{base}/hb/search/stdHBDetailed?id=<id>`; markup in transform/parsers/samr.py.

Blocks (portals.md §1.6): no captcha on list/detail [C]; HTTP 401/429 or a JSON
`message` "访问过于频繁" mean rate limiting [C1]; extract.http raises `Blocked`.
Politeness: others space requests 0.9–8 s; our default is 1 request/s per host.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from extract.http import Fetched, HttpClient
from extract.paging import ListTally, PageInfo, walk_pages
from extract.sources import ListPageError, json_page

SOURCE = "samr"
LIST_PATH = "/gb/search/gbAdvancedSearchPage"
SEARCH_PAGE_PATH = "/gb/search/gbAdvancedSearch"
TIDS = {2: "national", 3: "industry"}
# How far before the watermark's date a nightly's issue-date window reaches (module docstring).
ISSUE_LOOKBACK_DAYS = 180
DETAIL_PATHS = {2: "/gb/search/gbDetailed", 3: "/hb/search/stdHBDetailed"}
# Every std_p* field the search form sends; all empty except the issue-date window.
_EMPTY_PARAMS = (
    "std_p1", "std_p2", "std_p3", "std_p4", "std_p5", "std_p6_1", "std_p6_2", "std_p7", "std_p8",
    "std_p9", "std_p12", "std_p13", "std_p14", "std_p15", "std_p16", "std_p17", "std_p18", "std_p19",
    "std_p20", "std_p21", "std_p24", "std_p25", "std_p26",
)
# SYS_INPUTIME is Beijing wall-clock time. (transform.dates.parse_datetime does the same for
# the parser; extract may not import transform.)
_BEIJING = timezone(timedelta(hours=8))


def list_url(base: str) -> str:
    return base.rstrip("/") + LIST_PATH


def list_headers(base: str) -> dict[str, str]:
    return {
        "Referer": base.rstrip("/") + SEARCH_PAGE_PATH,
        "X-Requested-With": "XMLHttpRequest",
        "Accept": "application/json, text/javascript, */*; q=0.01",
    }


def list_params(tid: int, page: int, page_size: int, issued_from: date | None, issued_to: date | None) -> dict[str, str]:
    """The query string of one list page, with the empty std_p* fields the search form sends."""
    if tid not in TIDS:
        raise ValueError(f"samr tid {tid!r} is not crawled; choose one of {sorted(TIDS)}")
    params = {"tid": str(tid), "pageNumber": str(page), "pageSize": str(page_size)}
    params.update(dict.fromkeys(_EMPTY_PARAMS, ""))
    params["std_p10"] = issued_from.isoformat() if issued_from else ""
    params["std_p11"] = issued_to.isoformat() if issued_to else ""
    params["typeRadio"] = "std-param"
    return params


def detail_url(base: str, tid: int, row_id: str) -> str:
    if tid not in DETAIL_PATHS:
        raise ValueError(f"samr tid {tid!r} has no detail page here; choose one of {sorted(DETAIL_PATHS)}")
    return f"{base.rstrip('/')}{DETAIL_PATHS[tid]}?id={row_id}"


def detail_headers(url: str) -> dict[str, str]:
    """Headers for a detail page: the browser arrives from the advanced search."""
    parts = urlsplit(url)
    return {"Referer": f"{parts.scheme}://{parts.netloc}{SEARCH_PAGE_PATH}", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def query_window(issued_from: date | None, issued_to: date | None,
                 watermark: datetime | None) -> tuple[date | None, date | None]:
    """The issue-date window (std_p10, std_p11) a run asks for: the run's window, narrowed on an
    incremental run to issue dates from watermark − ISSUE_LOOKBACK_DAYS (module docstring)."""
    if watermark is None:
        return issued_from, issued_to
    floor = watermark.astimezone(_BEIJING).date() - timedelta(days=ISSUE_LOOKBACK_DAYS)
    return (max(issued_from, floor) if issued_from else floor), issued_to


def list_tally(tid: int, page_size: int, issued_from: date | None, issued_to: date | None) -> ListTally:
    """The record of one list walk, named for the run report."""
    return ListTally(f"samr tid {tid} ({TIDS[tid]}), issued {issued_from or '…'} – {issued_to or '…'}",
                     asked_size=page_size)


def iter_list_pages(
    client: HttpClient,
    base: str,
    tid: int,
    *,
    page_size: int,
    issued_from: date | None,
    issued_to: date | None,
    tally: ListTally | None = None,
) -> Iterator[Fetched]:
    """Each list page of one `tid` and issue-date window, archived, in order, until the walk ends
    by `extract.paging.walk_pages`; `tally` (default: a fresh `list_tally`) records what was seen.

    Raises `ListPageError` (naming the URL) for a page that cannot be paged, after
    the client has archived it; `extract.http` errors (Blocked, FetchFailed…) pass through.
    """
    params = list_params(tid, 1, page_size, issued_from, issued_to)  # refuses an unknown tid

    def fetch(page: int) -> Fetched:
        return client.fetch("GET", list_url(base), source=SOURCE, params={**params, "pageNumber": str(page)},
                            headers=list_headers(base))

    def info(fetched: Fetched) -> PageInfo:
        total, served = _paging_fields(fetched)
        return PageInfo(rows=served, total=total)

    if tally is None:
        tally = list_tally(tid, page_size, issued_from, issued_to)
    yield from walk_pages(fetch, info, tally)


def max_input_time(pages: Iterable[Fetched]) -> datetime | None:
    """The newest SYS_INPUTIME on these pages: the next run's watermark."""
    newest = None
    for fetched in pages:
        for row in _rows(fetched):
            when = row_input_time(row)
            if when is not None and (newest is None or when > newest):
                newest = when
    return newest


def _paging_fields(fetched: Fetched) -> tuple[int, int]:
    """The page's stated total and the rows it served (a malformed row is served, and rejected by the parser)."""
    _, total, rows = _page(fetched)
    return total, len(rows)


def _rows(fetched: Fetched) -> list[dict]:
    return [row for row in _page(fetched)[2] if isinstance(row, dict)]


def _page(fetched: Fetched) -> tuple[dict, int, list]:
    payload = json_page(fetched, f"samr list page {fetched.url}")
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        keys = sorted(payload) if isinstance(payload, dict) else type(payload).__name__
        raise ListPageError(f"samr list page {fetched.url}: no 'rows' list in the JSON (keys: {keys})", fetched)
    try:
        total = int(payload.get("total") or 0)
    except (TypeError, ValueError):
        raise ListPageError(f"samr list page {fetched.url}: 'total' is {payload.get('total')!r}", fetched) from None
    return payload, total, payload["rows"]


def rows_entered_since(fetched: Fetched, since: datetime) -> str:
    """The list page's JSON with only the rows entered at or after `since` (and those whose
    SYS_INPUTIME cannot be read: nothing says they are old): what an incremental run parses."""
    payload = json.loads(fetched.text)
    payload["rows"] = [
        row for row in payload.get("rows", [])
        if not isinstance(row, dict) or (when := row_input_time(row)) is None or when >= since
    ]
    return json.dumps(payload, ensure_ascii=False)


def row_input_time(row: dict) -> datetime | None:
    """A list row's SYS_INPUTIME (Beijing time, aware), or None when missing or unreadable."""
    value = row.get("SYS_INPUTIME")
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip()[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=_BEIJING)
    except ValueError:
        return None
