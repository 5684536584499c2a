"""sacinfo — 行业标准信息服务平台 (hbba.sacinfo.org.cn) and 地方标准信息服务平台 (dbba.sacinfo.org.cn).

Contract (portals.md §3; grades [C] confirmed, [C1] one source, [I] inference).
Evidence dates: 2021-09-28 (GB688DL), 2025-10 (pig4cloud Java crawler), 2026-10-03
(STDCN-DOC). This project has never reached the live sites: check every [C1]/[I]
item on the first live run. The two sites run the same software [C]; `site` is
"hbba" (industry standards) or "dbba" (local standards). UTF-8 [C].

Cookie priming [C] — `GET {base}/stdList` before the first list POST; the client's cookie jar
carries the session cookie to later requests. Whether the list insists on it is [I]:
`flows.sources.sacinfo` primes on a first run and remembers where it landed.

List — `POST {base}/stdQueryList`, application/x-www-form-urlencoded [C].
  Headers [C]: `Referer: {base}/stdList`, `Origin: {base}`, `X-Requested-With: XMLHttpRequest`.
  Form:
    current, size     page from 1; size 15 by default, 50/100 used by others [C]
    key               keyword, name or number [C]
    status            '' / 现行 / 即将实施 / 废止 / 有更新版 [C]. Sent as plain `status`
                      (GB688DL, pig4cloud); a DevTools copy sends `status[]` repeated [C] —
                      the other spelling, unused here.
    ministry          hbba: ministry code (yjglb…); dbba: provincial regulator code,
                      江苏省 = `jszjj` [C GB688DL 2021 + pig4cloud 2025-10]; see DBBA_MINISTRY_CODES
    industry          hbba: industry name (安全生产…); dbba: region name. `industry=江苏省` is
                      [C1 STDCN-DOC] — the other spelling of the province filter, unused here
                      because `ministry=jszjj` has two independent sources
    pubdate           '' / -1 -3 -6 -12 -24 -36 (months since filing) [C]; the incremental knob
    date              '' (implementation window; values unknown [I]) — always sent empty
  Response [C]: `{"total", "current", "pages", "size", "records": [...]}`; record keys pk (64 hex,
  older 32), code, chName, industry (hbba: industry; dbba: city/province name), chargeDept,
  status, issueDate/actDate/recordDate/fzDate (epoch ms), recordNo, reviseStdCodes, empty.
  Mapping: transform/parsers/sacinfo.py.

Unified host — `ba.sacinfo.org.cn` (evidence/hbba-dbba/EVIDENCE.md §3 [C1]: 2025 scripts POST
the same `stdQueryList` form there and read the same keys; real links to local standards on it
are `/stdDetail/<64 hex>` and `/rnDetail/<64 hex>`, while dbba links are still cited too).
Whether hbba/dbba now 301 to it, and whether it mixes industry and local records, is unknown
[I] (a mirror variant, `sacinfo_host=ba`). So: the host is configured (`base_urls.ba`, on the
allow-list, so a redirect to it is followed); every walk starts with the priming GET on the
site's configured host and goes on from wherever that landed (`landed_base`: a 301 turns a
POST into a GET, so the list is never POSTed into a redirect); and a record's kind — industry or
local — is its standard number's (`transform.stdno`), never the host's.

Paging (`extract.paging.walk_pages`, the one rule): `current` = n, `size` = what we ask, but the
page size is what the server served. Complete only when the rows seen reach the stated
`total` [C]; the walk also ends at the stated `pages` [C] or an empty page — before the total
that is *incomplete*, never the end. A short page before the total is not the end.

Incremental rule — by the portal's filing-date filter: `pubdate` (months since filing, [C])
is the smallest window reaching back to watermark − overlap (`pubdate_window`), walked to the
end; nothing depends on the list's order, which is unknown [I].

Region for local standards (dbba): `region_queries(province, city_prefix)` gives the two
form variants a region needs: `ministry=<province code>` (every standard the province
filed: DB32 and its cities' DB32xx — whether a city's standards are filed under the
province code is [I]) and `key=<DB + city code>` (the city's own numbers; `key` matching a
number prefix is [I]). Records repeat across the two; deduplicate on pk / std_no.

Detail — `GET {base}/stdDetail/<pk>` HTML [C]; on ba.sacinfo also `/rnDetail/<pk>` [C1] (same
markup [I]); markup in transform/parsers/sacinfo.py. The URL is built here (`detail_url`).

Blocks (§3.3): no captcha on list/detail [C]; full-text pages may show one (not fetched).
"Mainland-China IPs only" [C1]. extract.http raises `Blocked`; others space requests 0.5–2 s.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator
from urllib.parse import urlsplit

from extract.http import Fetched, HttpClient
from extract.paging import ListTally, PageInfo, walk_pages
from extract.sources import ListPageError, json_page

SOURCE = "sacinfo"
SITES = {"hbba": "industry", "dbba": "local"}
LIST_PAGE_PATH = "/stdList"
LIST_PATH = "/stdQueryList"
DETAIL_PATH = "/stdDetail"
# Detail pages the unified host serves (evidence/hbba-dbba/EVIDENCE.md §3); `DETAIL_PATH` is the one asked for.
DETAIL_PATHS = (DETAIL_PATH, "/rnDetail")
STATUSES = ("", "现行", "即将实施", "废止", "有更新版")
# Months since filing; '' = no window.
PUBDATE_WINDOWS = (-1, -3, -6, -12, -24, -36)
# dbba `ministry` codes of the provincial regulators (samples/hbba-dbba.sacinfo.org.cn/ministry-codes.csv,
# GB688DL README 2021; still posted in 2025-10). Re-derive from the live filter panel if a query returns 0.
DBBA_MINISTRY_CODES = {
    "北京市": "bjzjj", "天津市": "tjzjj", "河北省": "hebeizjj", "山西省": "sxzjj14", "内蒙古自治区": "nmgzjj",
    "辽宁省": "lnzjj", "吉林省": "jlzjj", "黑龙江省": "hljzjj", "上海市": "shzjj", "江苏省": "jszjj",
    "浙江省": "zjzjj", "安徽省": "ahzjj", "福建省": "fjzjj", "江西省": "jxzjj", "山东省": "sdzjj",
    "河南省": "henanzjj", "湖北省": "hubeizjj", "湖南省": "hunanzjj", "广东省": "gdzjj", "广西壮族自治区": "gxzjj",
    "海南省": "hainanzjj", "重庆市": "cqzjj", "四川省": "sczjj", "贵州省": "gzzjj", "云南省": "ynzjj",
    "西藏自治区": "xzzjj", "陕西省": "sxzjj61", "甘肃省": "gszjj", "青海省": "qhzjj", "宁夏回族自治区": "nxzjj",
    "新疆维吾尔自治区": "xjzjj",
}


def _base(base: str) -> str:
    return base.rstrip("/")


def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def prime_url(base: str) -> str:
    return _base(base) + LIST_PAGE_PATH


def list_url(base: str) -> str:
    return _base(base) + LIST_PATH


def detail_url(base: str, pk: str) -> str:
    return f"{_base(base)}{DETAIL_PATH}/{pk}"


def list_headers(base: str) -> dict[str, str]:
    return {
        "Referer": prime_url(base),
        "Origin": _origin(base),
        "X-Requested-With": "XMLHttpRequest",
        "Accept": "application/json, text/javascript, */*; q=0.01",
    }


def page_headers(base: str) -> dict[str, str]:
    """Headers for the HTML pages (the priming page and the details): the browser comes from the list."""
    return {"Referer": prime_url(base), "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def list_params(
    *,
    page: int,
    page_size: int,
    key: str = "",
    status: str = "",
    ministry: str = "",
    industry: str = "",
    pubdate: str = "",
) -> dict[str, str]:
    """The form of one `stdQueryList` page; every field the search form sends, empty when unused."""
    if status not in STATUSES:
        raise ValueError(f"sacinfo status {status!r} is not one of {STATUSES}")
    if pubdate and pubdate not in {str(m) for m in PUBDATE_WINDOWS}:
        raise ValueError(f"sacinfo pubdate {pubdate!r} is not one of {PUBDATE_WINDOWS} (months) or ''")
    return {
        "current": str(page),
        "size": str(page_size),
        "key": key,
        "status": status,
        "ministry": ministry,
        "industry": industry,
        "pubdate": pubdate,
        "date": "",
    }


def region_queries(province: str, city_prefix: str) -> list[dict[str, str]]:
    """The dbba filters that together list a region's local standards (see the module docstring).

    `province` is the province's name as the ministry table spells it ("江苏省"); `city_prefix`
    is the local-standard prefix of the city ("DB3205"). Each dict is keyword arguments for
    `list_params` / `iter_list_pages`.
    """
    if province not in DBBA_MINISTRY_CODES:
        raise ValueError(f"no dbba ministry code for {province!r}; known: {', '.join(DBBA_MINISTRY_CODES)}")
    return [{"ministry": DBBA_MINISTRY_CODES[province]}, {"key": city_prefix}]


def pubdate_window(since: date | None, today: date) -> str:
    """The smallest `pubdate` window (months since filing) reaching back to `since`; '' = everything.

    A month is counted as 28 days, so a window never falls short of `since`.
    """
    if since is None:
        return ""
    days = (today - since).days
    for months in PUBDATE_WINDOWS:
        if days <= -months * 28:
            return str(months)
    return ""


def prime(client: HttpClient, base: str) -> Fetched:
    """`GET /stdList`: the session cookie the list POSTs need lands in the client's cookie jar."""
    return client.fetch("GET", prime_url(base), source=SOURCE, headers=page_headers(base))


def landed_base(fetched: Fetched) -> str:
    """The origin a site answered from: the configured one, or where it redirected (ba.sacinfo)."""
    return _origin(fetched.url)


def list_tally(site: str, query: dict[str, str], page_size: int, pubdate: str) -> ListTally:
    """The record of one list walk, named for the run report."""
    asked = ", ".join(f"{k}={v}" for k, v in {**query, "pubdate": pubdate}.items() if v) or "everything"
    return ListTally(f"sacinfo {site} ({asked})", asked_size=page_size)


def iter_list_pages(
    client: HttpClient,
    base: str,
    *,
    page_size: int,
    tally: ListTally,
    key: str = "",
    status: str = "",
    ministry: str = "",
    industry: str = "",
    pubdate: str = "",
) -> Iterator[Fetched]:
    """Each list page, archived, in order, until the walk ends by `extract.paging.walk_pages`
    (recorded in `tally`). Call `prime` first, and pass the base it landed on (`landed_base`).

    Raises `ListPageError` (naming the URL and the form) for a page that cannot be paged, after
    the client has archived it; `extract.http` errors (Blocked, FetchFailed…) pass through.
    """
    form = list_params(page=1, page_size=page_size, key=key, status=status, ministry=ministry, industry=industry,
                       pubdate=pubdate)

    def fetch(page: int) -> Fetched:
        return client.fetch("POST", list_url(base), source=SOURCE, data={**form, "current": str(page)},
                            headers=list_headers(base))

    def info(fetched: Fetched) -> PageInfo:
        total, pages, records = _paging_fields(fetched, form)
        return PageInfo(rows=len(records), total=total, pages=pages)

    yield from walk_pages(fetch, info, tally)


def _paging_fields(fetched: Fetched, form: dict[str, str]) -> tuple[int | None, int | None, list]:
    where = f"sacinfo list page {fetched.url} (form {_form_summary(form)})"
    payload = json_page(fetched, where)
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        keys = sorted(payload) if isinstance(payload, dict) else type(payload).__name__
        raise ListPageError(f"{where}: no 'records' list in the JSON (keys: {keys})", fetched)
    try:
        total = int(payload["total"]) if payload.get("total") is not None else None
        pages = int(payload["pages"]) if payload.get("pages") is not None else None
    except (TypeError, ValueError):
        raise ListPageError(f"{where}: total/pages are {payload.get('total')!r}/{payload.get('pages')!r}", fetched) from None
    return total, pages, payload["records"]


def _form_summary(form: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in form.items() if v)
