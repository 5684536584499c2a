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
Detail — `GET {base}/bzgk/std/newGbInfo?hcno=<32 hex>` HTML [C], built here (`detail_url`).

Paging (`extract.paging.walk_pages`, the one rule; only the badge total, the rows and their
dates — td 7 issue, td 8 implementation, YYYY-MM-DD [C, evidence/openstd.samr.gov.cn/EVIDENCE.md
item 1] — are read here): page n, pageSize what we ask, but the page size is what the server
served: a short page is never the end. Complete only when the rows seen reach the badge total
[C]; without a badge, when the list runs out (an empty page).

Incremental rule — read down to the floor's issue date. The portal cannot filter by date [C:
p.p1…p.p5 are type, keyword, status], so the list is asked newest issue date first
(`p.p90=circulation_date&p.p91=desc`, a request parameter [C]) and the walk stops after the first
page holding a row issued before `stop_before` (`older`): every later row is older still; a row
with an unreadable date is never older. Which floor a night needs — its watermark's, or deeper, to
the issue date of a standard whose status turns 即将实施 → 现行 that day — is
`flows.sources.openstd`'s business. A standard entered late with an old issue date is missed by
that stop [I: how often openstd does that is unknown]; a walk without a floor (a backfill from the
beginning) reads all.

Blocks (§2): the full-text download is behind an image captcha [C]: never fetched. Metadata
pages have none; the pages load console-ban JS, which does not matter to httpx.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

import lxml.html

from extract.http import Fetched, HttpClient
from extract.paging import ListTally, PageInfo, walk_pages
from extract.sources import ok_page

SOURCE = "openstd"
LIST_PATH = "/bzgk/std/std_list"
DETAIL_PATH = "/bzgk/std/newGbInfo"
PAGE_SIZES = (10, 25, 50)
TYPES = {"": "all", "1": "GB", "2": "GB/T", "3": "GB/Z", "6": "外文版"}
STATUSES = ("", "PUBLISHED", "TOBEIMP", "WITHDRAWN", "REPLACED")
_ROWS_XPATH = '//table[contains(@class, "result_list")]/tbody[2]/tr[.//*[contains(@onclick, "showInfo(")]]'
_BADGE_XPATH = '//span[contains(concat(" ", normalize-space(@class), " "), " badge ")]'
_TOTAL = re.compile(r"^\s*(\d+)\s*$")
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


def list_tally(stop_before: date | None, page_size: int) -> ListTally:
    """The record of one list walk, named for the run report."""
    return ListTally(f"openstd list, newest issue first, down to {stop_before or 'the oldest'}", asked_size=page_size)


def iter_list_pages(
    client: HttpClient,
    base: str,
    *,
    tally: ListTally,
    page_size: int = 50,
    std_type: str = "",
    keyword: str = "",
    status: str = "",
    stop_before: date | None = None,
) -> Iterator[Fetched]:
    """Each list page, archived, newest first, until the walk ends by `extract.paging.walk_pages`
    (recorded in `tally`) or a page reaches back before `stop_before` (module docstring).

    Raises `ListPageError` for an HTTP error page; `extract.http` errors pass through.
    """
    params = list_params(page=1, page_size=page_size, std_type=std_type, keyword=keyword, status=status)

    def fetch(page: int) -> Fetched:
        return client.fetch("GET", list_url(base), source=SOURCE, params={**params, "page": str(page)},
                            headers=page_headers(base))

    def info(fetched: Fetched) -> PageInfo:
        total, dates = _paging_fields(ok_page(fetched, f"openstd list page {fetched.url}").text)
        return PageInfo(rows=len(dates), total=total)

    def older(fetched: Fetched) -> bool:
        _, dates = _paging_fields(fetched.text)
        return any(issued is not None and issued < stop_before for issued, _ in dates)

    yield from walk_pages(fetch, info, tally, older=older if stop_before is not None else None)


def _paging_fields(html: str) -> tuple[int | None, list[tuple[date | None, date | None]]]:
    """(the badge total, each row's (issue date, implementation date), None where unreadable)."""
    if not html.strip():
        return None, []
    doc = lxml.html.fromstring(html)
    badge = next((m for m in (_TOTAL.match(b.text_content()) for b in doc.xpath(_BADGE_XPATH)) if m), None)
    total = int(badge.group(1)) if badge else None
    return total, [(_cell_date(row, 6), _cell_date(row, 7)) for row in doc.xpath(_ROWS_XPATH)]


def _cell_date(row, index: int) -> date | None:
    cells = row.xpath("./td")
    match = _ISO_DATE.match("".join(cells[index].itertext())) if len(cells) > index else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
