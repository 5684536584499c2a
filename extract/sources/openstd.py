"""openstd — 国家标准全文公开系统 (openstd.samr.gov.cn): national standards' status and dates.

No drafters here: this source cross-checks samr and records status changes (现行 → 废止).

Contract (portals.md §2; grades [C] confirmed, [C1] one source, [I] inference). Evidence:
GB688DL 2021-09-28, ZOT-OPENSTD 2024-08-20, OPENSTD-SPIDER 2025-03…04, STDCN-DOC 2026-10-03.
This project has never reached the live site: check every [C1]/[I] item on the first live run.

Paths: `/bzgk/std/` [C: BIAOZ, STDSD]; the historic `/bzgk/gb/` 301-redirects there [C1
STDCN-DOC] — the client follows redirects, so an old URL still lands.

List — `GET {base}/bzgk/std/std_list` HTML [C]:
    p.p1      type: '' = all, 1 = GB, 2 = GB/T, 3 = GB/Z, 6 = 外文版 [C]
    p.p2      keyword (number or name) [C]
    p.p5      status PUBLISHED / TOBEIMP / WITHDRAWN (REPLACED [C1]) — sent only when set [C]
    p.p90     sort: circulation_date (issue date) [C GB688DL]; p.p91 asc/desc [C]
    page, pageSize   page from 1; pageSize 10/25/50 only [C GB688DL]
  Rows `table.result_list > tbody:nth-of-type(2) > tr`, hcno in `showInfo('<hcno>')`, total in
  `<span class="badge">N</span>` [C]; fields read in transform/parsers/openstd.py.
Detail — `GET {base}/bzgk/std/newGbInfo?hcno=<32 hex>` HTML [C].

Paging (this module's business; only the total, the row count and the rows' issue dates —
td 7, YYYY-MM-DD — are read here): from page 1 until page × pageSize ≥ total or a page
shorter than pageSize (an empty one included). The list is sorted by issue date, newest
first (`p.p90=circulation_date&p.p91=desc`, a request parameter [C]), so an incremental run
stops after the first page that reaches back past `stop_before` (its oldest readable issue
date is earlier): every later page is older still. A standard entered late with an old
issue date is missed by that stop [I: how often openstd does that is unknown]; the flow's
overlap and a periodic full walk cover it.

Blocks (§2): the full-text download is behind an image captcha [C]: never fetched. Metadata
pages have none; the pages load console-ban JS, which does not matter to httpx.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

import lxml.html

from extract.http import Fetched, HttpClient
from extract.sources import ok_page

SOURCE = "openstd"
LIST_PATH = "/bzgk/std/std_list"
DETAIL_PATH = "/bzgk/std/newGbInfo"
PAGE_SIZES = (10, 25, 50)
TYPES = {"": "all", "1": "GB", "2": "GB/T", "3": "GB/Z", "6": "外文版"}
STATUSES = ("", "PUBLISHED", "TOBEIMP", "WITHDRAWN", "REPLACED")
_ROWS_XPATH = '//table[contains(@class, "result_list")]/tbody[2]/tr[.//*[contains(@onclick, "showInfo(")]]'
_TOTAL = re.compile(r'<span[^>]*class="badge"[^>]*>\s*(\d+)\s*</span>')
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def _base(base: str) -> str:
    return base.rstrip("/")


def list_params(
    *, page: int, page_size: int, std_type: str = "", keyword: str = "", status: str = "", order: str = "desc"
) -> dict[str, str]:
    """The query of one list page, newest issue date first by default."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"openstd pageSize {page_size} is not one of {PAGE_SIZES}")
    if std_type not in TYPES:
        raise ValueError(f"openstd p.p1 {std_type!r} is not one of {sorted(TYPES)}")
    if status not in STATUSES:
        raise ValueError(f"openstd p.p5 {status!r} is not one of {STATUSES}")
    if order not in ("asc", "desc"):
        raise ValueError(f"openstd p.p91 {order!r} is neither 'asc' nor 'desc'")
    params = {"p.p1": std_type, "p.p2": keyword, "p.p90": "circulation_date", "p.p91": order,
              "page": str(page), "pageSize": str(page_size)}
    if status:
        params["p.p5"] = status
    return params


def list_url(base: str) -> str:
    return _base(base) + LIST_PATH


def detail_url(base: str, hcno: str) -> str:
    return f"{_base(base)}{DETAIL_PATH}?hcno={hcno}"


def page_headers(base: str) -> dict[str, str]:
    return {"Referer": list_url(base), "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def iter_list_pages(
    client: HttpClient,
    base: str,
    *,
    page_size: int = 50,
    std_type: str = "",
    keyword: str = "",
    status: str = "",
    stop_before: date | None = None,
) -> Iterator[Fetched]:
    """Each list page, archived, newest first, until the last or the watermark (module docstring).

    Raises `ListPageError` for an HTTP error page; `extract.http` errors pass through.
    """
    page = 1
    while True:
        params = list_params(page=page, page_size=page_size, std_type=std_type, keyword=keyword, status=status)
        fetched = client.fetch("GET", list_url(base), source=SOURCE, params=params, headers=page_headers(base))
        total, issue_dates = _paging_fields(ok_page(fetched, f"openstd list page {fetched.url}").text)
        yield fetched
        if len(issue_dates) < page_size or (total is not None and page * page_size >= total):
            return
        if stop_before is not None and any(d is not None and d < stop_before for d in issue_dates):
            return
        page += 1


def fetch_detail(client: HttpClient, base: str, hcno: str) -> Fetched:
    return client.fetch("GET", detail_url(base, hcno), source=SOURCE, headers=page_headers(base))


def _paging_fields(html: str) -> tuple[int | None, list[date | None]]:
    """(the badge total, each row's issue date or None)."""
    match = _TOTAL.search(html)
    total = int(match.group(1)) if match else None
    rows = lxml.html.fromstring(html).xpath(_ROWS_XPATH) if html.strip() else []
    return total, [_issue_date(row) for row in rows]


def _issue_date(row) -> date | None:
    cells = row.xpath("./td")
    match = _ISO_DATE.match("".join(cells[6].itertext())) if len(cells) > 6 else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
