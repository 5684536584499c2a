"""ttbz — 全国团体标准信息平台 (www.ttbz.org.cn): group standards, their publishers and drafters.

Contract (portals.md §4; grades [C] confirmed, [C1] one source, [I] inference).
Evidence dates: tt_scan 2026-07-19 (DevTools), ZOT-TTBZ 2026-07-10, STDCN-DOC 2026-10-03,
BIAOZ and SCRAPY-ESI 2025–26. This project has never reached the live site: check every
[C1]/[I] item on the first live run. The site was redesigned by 2025–26; the old ASP.NET
pages (`/Home/Standard`, `table.tctable`) are legacy [C] and not used.

Common headers [C]: `Referer: {base}/standard.html`, `Origin: {base}`, `Accept: application/json`.

Standards — `POST {base}/cms-proxy/ms/portal/standardInfo/getPortalStandardList`, form-urlencoded [C, ≥5 crawlers].
  Form: pageNo (from 1), pageSize (10–50) [C]; filters sent only when set: organUniqueId (one
  association) [C], publishDateBegin [C; its format YYYY-MM-DD is I], searchKey [C tt_scan],
  standardStatus (1 = 现行) [C].
  Response [C]: `{"result": true, "data": {"total": N, "rows": [...]}}` — the list is `data.rows`.
  Row keys used downstream (transform/parsers/ttbz.py): standardUniqueId, standardNo (em dash),
  standardTitleCn, organName (团体名称), standardStatusName, publishDate (公布日期),
  implementDate, abolishDate [C].

Associations of a province [C1 SCRAPY-ESI group spider]:
  `POST {base}/cms-proxy/ms/district/portal/getProvince`, JSON body `{}` → `data: [{name}]`;
  `POST {base}/cms-proxy/ms/bus/organList/portal/queryOrgan?pageNo=<n>&pageSize=<m>`, JSON body
  `{"certUnitArea": "<省份名>"}` → `data.rows[].organUniqueId`, which feeds the standards list.
  SCRAPY-ESI only ever read page 1 with pageSize 100; `data.total` and paging beyond page 1
  are [I]: the same walk as the standards list.

Detail — `GET {base}/standardDetail/<standardUniqueId>.html` [C], built here (`detail_url`); the
JSON blob in `#portal-standard-detail-json` holds editorUnit (起草单位) and drafterNames (起草人)
[C1 SCRAPY-ESI].

Paging (`extract.paging.walk_pages`, the one rule; only data.total/data.rows are read here):
pageNo = n, pageSize = what we ask, but the page size is what the server served: a short page
is never the end. Complete only when the rows seen reach `data.total` [C]; where a page states
no total ([I] for queryOrgan), the list is read until an empty page.

Incremental rule — by the portal's date filter: `publishDateBegin` (standards published on or
after a date [C]; its YYYY-MM-DD format is [I], evidence/ttbz.org.cn/EVIDENCE.md) is the window
start or watermark − overlap, whichever is later, and the walk reads all of it: the list's
order is unknown [I], so nothing stops on it.

Blocks (§4.3): the legacy HTML pages answered curl with a "WEB 应用防火墙" JS challenge [C1];
the API answers plain requests with the Referer [C], but 403/405/429 happen [C1]. A `result:
false` answer is a list page that cannot be paged (ListPageError). PDFs need an account:
out of scope. Mainland-only [C1]. Others pace 0.5–1 s.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Iterator
from urllib.parse import urlsplit

from extract.http import Fetched, HttpClient
from extract.paging import ListTally, PageInfo, walk_pages
from extract.sources import ListPageError, json_page

SOURCE = "ttbz"
REFERER_PATH = "/standard.html"
LIST_PATH = "/cms-proxy/ms/portal/standardInfo/getPortalStandardList"
PROVINCE_PATH = "/cms-proxy/ms/district/portal/getProvince"
ORGAN_PATH = "/cms-proxy/ms/bus/organList/portal/queryOrgan"
DETAIL_PATH = "/standardDetail"
MAX_PAGE_SIZE = 50


def _base(base: str) -> str:
    return base.rstrip("/")


def api_headers(base: str, *, json_body: bool = False) -> dict[str, str]:
    parts = urlsplit(base)
    headers = {
        "Referer": _base(base) + REFERER_PATH,
        "Origin": f"{parts.scheme}://{parts.netloc}",
        "Accept": "application/json, text/plain, */*",
    }
    if json_body:
        headers["Content-Type"] = "application/json;charset=UTF-8"
    return headers


def page_headers(base: str) -> dict[str, str]:
    return {"Referer": _base(base) + REFERER_PATH, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def list_url(base: str) -> str:
    return _base(base) + LIST_PATH


def detail_url(base: str, standard_unique_id: str) -> str:
    return f"{_base(base)}{DETAIL_PATH}/{standard_unique_id}.html"


def list_params(
    *,
    page: int,
    page_size: int,
    organ_unique_id: str = "",
    published_from: date | None = None,
    search_key: str = "",
    standard_status: str = "",
) -> dict[str, str]:
    """The form of one standards-list page; filters are sent only when set."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"ttbz pageSize {page_size} is outside 1..{MAX_PAGE_SIZE}")
    form = {"pageNo": str(page), "pageSize": str(page_size)}
    optional = {
        "organUniqueId": organ_unique_id,
        "publishDateBegin": published_from.isoformat() if published_from else "",
        "searchKey": search_key,
        "standardStatus": standard_status,
    }
    form.update({key: value for key, value in optional.items() if value})
    return form


def organ_url(base: str, page: int, page_size: int) -> str:
    return f"{_base(base)}{ORGAN_PATH}?pageNo={page}&pageSize={page_size}"


def json_body(payload: dict[str, Any]) -> bytes:
    """A JSON request body, sent as `content=` with `Content-Type: application/json`."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def list_tally(published_from: date | None, page_size: int) -> ListTally:
    """The record of one standards-list walk, named for the run report."""
    return ListTally(f"ttbz standards published from {published_from or '…'}", asked_size=page_size)


def organ_tally(province: str, page_size: int = 100) -> ListTally:
    """The record of one association-list walk, named for the run report."""
    return ListTally(f"ttbz associations of {province}", asked_size=page_size)


def iter_list_pages(
    client: HttpClient,
    base: str,
    *,
    page_size: int,
    tally: ListTally,
    organ_unique_id: str = "",
    published_from: date | None = None,
    search_key: str = "",
    standard_status: str = "",
) -> Iterator[Fetched]:
    """Each standards-list page, archived, in order, until the walk ends by `extract.paging.walk_pages`
    (recorded in `tally`).

    Raises `ListPageError` (naming the URL and the form) for a page that cannot be paged;
    `extract.http` errors (Blocked, FetchFailed…) pass through.
    """
    form = list_params(page=1, page_size=page_size, organ_unique_id=organ_unique_id, published_from=published_from,
                       search_key=search_key, standard_status=standard_status)

    def fetch(page: int) -> Fetched:
        return client.fetch("POST", list_url(base), source=SOURCE, data={**form, "pageNo": str(page)},
                            headers=api_headers(base))

    yield from walk_pages(fetch, lambda fetched: _page_info(fetched, f"form {form}"), tally)


def fetch_provinces(client: HttpClient, base: str) -> Fetched:
    return client.fetch(
        "POST", _base(base) + PROVINCE_PATH, source=SOURCE, content=json_body({}),
        headers=api_headers(base, json_body=True),
    )


def iter_organ_pages(client: HttpClient, base: str, province: str, *, tally: ListTally,
                     page_size: int = 100) -> Iterator[Fetched]:
    """The associations registered in `province` (certUnitArea), page by page, by the same walk."""

    def fetch(page: int) -> Fetched:
        return client.fetch("POST", organ_url(base, page, page_size), source=SOURCE,
                            content=json_body({"certUnitArea": province}), headers=api_headers(base, json_body=True))

    yield from walk_pages(fetch, lambda fetched: _page_info(fetched, f"certUnitArea {province!r}"), tally)


def _page_info(fetched: Fetched, asked: str) -> PageInfo:
    total, rows = _data_rows(fetched, asked)
    return PageInfo(rows=len(rows), total=total)


def _data_rows(fetched: Fetched, asked: str) -> tuple[int | None, list]:
    where = f"ttbz page {fetched.url} ({asked})"
    payload = json_page(fetched, where)
    if not isinstance(payload, dict):
        raise ListPageError(f"{where}: the JSON is a {type(payload).__name__}, not an object", fetched)
    if payload.get("result") is False:
        message = payload.get("message") or payload.get("msg")
        raise ListPageError(f"{where}: the API answered result=false ({message!r})", fetched)
    data = payload.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise ListPageError(f"{where}: no 'data.rows' list in the JSON", fetched)
    try:
        total = int(data["total"]) if data.get("total") is not None else None
    except (TypeError, ValueError):
        raise ListPageError(f"{where}: data.total is {data.get('total')!r}", fetched) from None
    return total, data["rows"]
