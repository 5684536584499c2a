"""tc — the technical-committee directory of std.samr.gov.cn: TCs/SCs whose secretariat is in a province.

Contract (portals.md §7.1; grades [C] confirmed, [C1] one source, [I] inference). Evidence:
TC-ORG and TC-CSV crawlers (undated); STDCN-DOC 2026-10-03 for the other entry points.
This project has never reached the live site: check every [C1]/[I] item on the first live run.

List — `GET {base}/search/orgPage?q=&op=<op>&pageNo=<n>` HTML [C1 TC-ORG], where `op` is
  `TABLE_NAME:"BV_COMMITEE_INFO",G_SECRETARIAT_UNIT_PROVINCE:"<省份>"` (the site's spelling
  COMMITEE; URL-encoded by the client). Items `div.row > div.panel.panel-default.post` [C1];
  the fields of an item are read in transform/parsers/tc.py.
Detail — the item's `div.page-header a[target=_blank]@href` [C1], which may be absolute or
  relative [I] (joined to the base here, `detail_url`: the parser returns the href as printed); others cite `/search/orgDetailView?data_id=<32 hex>`
  and `?tcCode=TC28%2FSC42` [I]. `div.basic-info.cmn-clearfix dl` dt/dd pairs [C1].

Paging (`extract.paging.walk_pages`, the one rule; only the item count and the total are read
here): pageNo = n; ten items a page are expected [I: §1.4 gives 10 for the sibling
`/search/stdPage`; TC-ORG walked pages 1–11 for one province], but the page size is what the
server served: a short page is never the end. Complete only when the items seen reach the
total the page prints ("为您找到相关结果约 <span>N</span>", as stdPage does [I for orgPage]);
without it, when the list runs out (an empty page). `max_pages` caps a walk that would not end
(a page that repeats forever): an error, not an end.

Incremental rule — none at the portal, and none needed: the directory carries no date at all
[C1 TC-ORG: number, title, link, summary], so neither a date filter nor an "older than the
watermark" stop is possible; every run reads the province's whole directory (a dozen pages) and
`flows.sources.tc` compares it with the last complete run's.

Blocks (§1.6): no captcha on std.samr list/detail pages [C]; 401/429 or "访问过于频繁" are
rate limiting [C1]; extract.http raises `Blocked`.
"""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlencode, urljoin

import lxml.html

from extract.http import Fetched, HttpClient
from extract.paging import ListTally, PageInfo, walk_pages
from extract.sources import ok_page

SOURCE = "tc"
LIST_PATH = "/search/orgPage"
TABLE_NAME = "BV_COMMITEE_INFO"  # sic: the site's spelling
PAGE_SIZE = 10
_ITEM_XPATH = '//div[contains(concat(" ", normalize-space(@class), " "), " post ")][contains(@class, "panel")]'
_TOTAL = re.compile(r"为您找到相关结果约?\s*(?:&nbsp;|\s)*<span[^>]*>\s*([\d,]+)\s*</span>")


def _base(base: str) -> str:
    return base.rstrip("/")


def list_params(province: str, page: int) -> dict[str, str]:
    """The query of one directory page: committees whose secretariat is in `province` ("江苏省")."""
    op = f'TABLE_NAME:"{TABLE_NAME}",G_SECRETARIAT_UNIT_PROVINCE:"{province}"'
    return {"q": "", "op": op, "pageNo": str(page)}


def list_url(base: str, province: str, page: int) -> str:
    return f"{_base(base)}{LIST_PATH}?{urlencode(list_params(province, page))}"


def detail_url(base: str, href: str) -> str:
    """The committee page an item links to, absolute."""
    return urljoin(_base(base) + "/", href)


def page_headers(base: str) -> dict[str, str]:
    return {"Referer": _base(base) + LIST_PATH, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def list_tally(province: str) -> ListTally:
    """The record of one directory walk, named for the run report."""
    return ListTally(f"tc directory of {province}", asked_size=PAGE_SIZE)


def iter_list_pages(client: HttpClient, base: str, province: str, *, tally: ListTally,
                    max_pages: int = 500) -> Iterator[Fetched]:
    """Each directory page for `province`, archived, in order, until the walk ends by
    `extract.paging.walk_pages` (recorded in `tally`).

    Raises `ListPageError` for an HTTP error page or when `max_pages` is reached without an end;
    `extract.http` errors (Blocked, FetchFailed…) pass through.
    """

    def fetch(page: int) -> Fetched:
        return client.fetch("GET", list_url(base, province, page), source=SOURCE, headers=page_headers(base))

    def info(fetched: Fetched) -> PageInfo:
        items, total = _paging_fields(ok_page(fetched, f"tc directory page {fetched.url}").text)
        return PageInfo(rows=items, total=total)

    yield from walk_pages(fetch, info, tally, max_pages=max_pages)


def _paging_fields(html: str) -> tuple[int, int | None]:
    """(items on the page, the total the page announces or None)."""
    items = len(lxml.html.fromstring(html).xpath(_ITEM_XPATH)) if html.strip() else 0
    match = _TOTAL.search(html)
    return items, int(match.group(1).replace(",", "")) if match else None
