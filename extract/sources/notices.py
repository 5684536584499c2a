"""notices — government notice columns of a region's portals, by the three CMS kinds they run.

Which sites and columns are read is the region's data (`transform/regions/<code>/region.toml`
`[[sites]]`, `[[columns]]`); this module knows the kinds: `scjgj` (TRS column pages paged by
createPageHTML), `szinf` (the city portal's getInfoCommon JSON list) and `hanweb` (Jiangsu's
大汉 jpage dataproxy), and what each needs besides a base URL (`CMS_OPTIONS`; `region_columns`
checks a region's folder against them, and the settings call it without importing the HTTP
client: `extract.http` is imported for annotations only). The contract below was confirmed on
Suzhou's and Jiangsu's sites.

Contract (portals.md §6, §7.2; grades [C] confirmed, [C1] one source, [I] inference).
Last confirmed from others' live evidence: RSSHub `lib/routes/gov/suzhou/*.ts` (commit
0e818a57) and the Jiangsu Hanweb crawlers (2020–2026). This project has never reached
the live sites: check every [C1]/[I] item on the first live run.

scjgj — 苏州市市场监督管理局, base `https://scjgj.suzhou.gov.cn` (setting base_urls.scjgj_suzhou)
  List   `GET <column_root>/<col>/<first page>.shtml` [C] (column_root `/szqts` there). 通知公告 is column `tzgg` and its first page is
         `nav_xwtz.shtml` (≈135 pages) [C: two independent crawlers and portals.md §6.2,
         evidence/scjgj.suzhou.gov.cn/EVIDENCE.md]; other columns start at `nav_list.shtml` [C]
         (`Column.first_page`). Every later page is named by the page's own pager script,
         `createPageHTML(count, index, name, ext)` [C: the crawlers' page counts; the call is the
         TRS/Hanweb CMS's]: never a hard-coded name. Whether page 2 (index 1) is `<name>_2` (as the
         crawlers build it) or `<name>_1` (the classic TRS pager) is contested [C1, portals.md §6.2]:
         `iter_scjgj_pages` asks `<name>_2` first and lets the page's stated index decide (mirror
         variant `scjgj_first_suffix`). Items `div.cont.mt10 li` → `a@href`, `a@title`, date `span`
         (YYYY-MM-DD) [C].
  Paging `extract.paging.walk_pages`: the page count is the one createPageHTML states; the list
         carries one date per item and cannot be filtered by date, so an incremental walk stops
         after a page whose every date is before the watermark (the flow's `older`).
  Article `<column_root>/<col>/<YYYYMM>/<32 hex>.shtml` [C], body `#zoom` [C], attachments `a[href]` under
         `#zoom` ending .pdf/.doc/.xls/.zip/.wps [C] (also .docx/.xlsx [I]).
  Encoding UTF-8 [I] (the client falls back to GB18030).

szinf — 苏州市人民政府, base `https://www.suzhou.gov.cn` (base_urls.suzhou_gov)
  List   `GET <list_path>?pagesize=<n>&currpage=<p>&channelid=<32 hex>` [C] →
         JSON `{"infolist": [{"title", "link" (relative or absolute), "pubtime": "YYYY-MM-DD HH:mm:ss"}]}`;
         list_path `/szinf/info/getInfoCommon/`, asked with the column page `<list_referer>`
         (`/szsrmzf/zwgg/nav_list.shtml`) as Referer.
         Channels (samples/suzhou.gov.cn): 政务公告 260915178a1f4c4fac44c4bf6378c9b0, 部门动态
         b3d097e3eb79421f88439ea381ce33c3 [C]. No total is documented: paging stops at a page with
         fewer than `pagesize` items [I].
  Article `/szsrmzf/<col>/<YYYYMM>/<32 hex>.shtml` [C]: `<ucaptitle>`, body `<ucapcontent>`,
         `meta[name=PubDate]` [C]; attachments are links inside `<ucapcontent>` [I].

hanweb — Jiangsu provincial Hanweb (大汉) sites, base `https://scjgj.jiangsu.gov.cn` (base_urls.scjgj_jiangsu)
  Column `GET /col/col<N>/index.html` [C]: the first records inside
         `<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]></record>` [C]; the
         `<nextgroup>` link and the jpage call give `unitid`, `webid`, `webname`, `totalRecord` [C].
         通知公告 is column 78963 [C].
  Further records `POST /module/web/jpage/dataproxy.jsp?startrecord=<a>&endrecord=<b>&perpage=<n>`,
         form `col=1, appid=1, webid, path=/, columnid, sourceContentType=1, unitid, webname,
         permissiontype=0` [C] → XML `<datastore><totalrecord>…<totalpage>…<recordset><record><![CDATA[…]]>` [C].
  Article `/art/<YYYY>/<M>/<D>/art_<N>_<id>.html` [C], body `#zoom` or `.main-txt` [C].
  Blocks: `__jsluid_s` cookies and HTTP 521 JS challenges on HTML pages [C]; the dataproxy
         endpoint "usually has no 521" [C1]. extract.http raises `Blocked`; never worked around.

Attachments are fetched like pages (archived, the article as Referer). Only URLs, paging
and requests are this module's business; reading the pages is `transform/parsers/notices.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.paging import ListTally, PageInfo, walk_pages
from extract.sources import ListPageError, ok_page

if TYPE_CHECKING:  # annotations only: the settings check a region's columns (`region_columns`) without httpx
    from extract.http import Fetched, HttpClient
    from transform.region import Region

SOURCE = "notices"
SCJGJ, SZINF, HANWEB = "scjgj", "szinf", "hanweb"
# What each CMS kind needs from the region's `[[sites]]` entry besides its base URL.
CMS_OPTIONS: dict[str, tuple[str, ...]] = {SCJGJ: ("column_root",), SZINF: ("list_path", "list_referer"), HANWEB: ()}
HANWEB_DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
_HTML_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"


@dataclass(frozen=True, slots=True)
class Column:
    """One notice column: `key` is the scjgj column (`tzgg`), the city portal's channelid,
    or the Hanweb column number; `site` its base-URL key, `cms` its site's kind, `options`
    what that kind needs (`CMS_OPTIONS`). Build one with `column`."""

    site: str
    cms: str
    key: str
    label: str
    first_page: str = "nav_list"  # scjgj only: the first page's name without `.shtml` (later pages: its pager)
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str) -> str:
        return dict(self.options)[name]

    @property
    def watermark_key(self) -> str:
        return f"{self.site}:{self.key}"


def column(site: str, cms: str, options: Mapping[str, str], key: str, label: str,
           first_page: str | None = None) -> Column:
    """A column of site `site` (a portal of kind `cms`); ValueError, in one line, for a kind this
    module does not implement or a site entry that lacks what its kind needs."""
    if cms not in CMS_OPTIONS:
        raise ValueError(f"site {site!r}: cms {cms!r} is not a kind the notices source reads "
                         f"({', '.join(CMS_OPTIONS)})")
    missing = [name for name in CMS_OPTIONS[cms] if not options.get(name)]
    if missing:
        raise ValueError(f"site {site!r} (cms {cms}): its [[sites]] entry needs {', '.join(missing)}")
    return Column(site, cms, key, label, first_page or "nav_list",
                  tuple((name, options[name]) for name in CMS_OPTIONS[cms]))


def region_columns(region: Region) -> tuple[Column, ...]:
    """The notice columns the region's folder lists, each with its site's CMS kind and options."""
    sites = {site.key: site for site in region.sites}
    try:
        return tuple(column(c.site, sites[c.site].cms, sites[c.site].options, c.key, c.label,
                            c.first_page) for c in region.columns)
    except ValueError as exc:
        raise ValueError(f"region {region.code} (region.toml): {exc}") from None


# -- scjgj (TRS column pages) -----------------------------------------------------------------


# What a column page's own createPageHTML call says: (count, index, name, ext); None when it has none.
ScjgjPager = Callable[["Fetched"], "tuple[int, int, str, str] | None"]
# The suffix page 2 carries in the crawlers' reading (`nav_xwtz_2.shtml`); the classic TRS pager's is 1.
SCJGJ_PAGE2_SUFFIX = 2


def _column_url(base: str, column: Column) -> str:
    return f"{base.rstrip('/')}/{column.option('column_root').strip('/')}/{column.key}"


def scjgj_first_url(base: str, column: Column) -> str:
    return f"{_column_url(base, column)}/{column.first_page}.shtml"


def scjgj_page_url(base: str, column: Column, name: str, ext: str, suffix: int) -> str:
    """A later page of a column, `<name>_<suffix>.<ext>`, with the name and extension its pager states."""
    if suffix < 1:
        raise ValueError(f"later column pages have a suffix of at least 1, got {suffix}")
    return f"{_column_url(base, column)}/{name}_{suffix}.{ext}"


def iter_scjgj_pages(
    client: HttpClient, base: str, column: Column, *, pager: ScjgjPager, rows: Callable[[Fetched], int],
    tally: ListTally, older: Callable[[Fetched], bool] | None = None,
) -> Iterator[Fetched]:
    """Each page of a scjgj column, archived, in order, by `extract.paging.walk_pages`.

    Page 1 is `Column.first_page`; page n ≥ 2 (index n − 1) is named from page 1's pager. Which
    suffix index i carries is learnt once, from the index the page itself states: `<name>_<n>`
    first (the crawlers' reading); when that page is missing or states another index,
    `<name>_<n − 1>` (the classic TRS pager). `pager` reads a page's createPageHTML call (the
    parser's business), `rows` counts its items and raises for a page that cannot be read.
    Raises `ListPageError` for a page that cannot be had or states the wrong index."""
    first_url = scjgj_first_url(base, column)
    named: dict[str, object] = {}  # "name", "ext" from page 1; "offset": suffix − index, once learnt

    def get(url: str) -> Fetched:
        return client.fetch("GET", url, source=SOURCE, headers={"Accept": _HTML_ACCEPT, "Referer": first_url})

    def index_of(fetched: Fetched) -> int | None:
        stated = pager(fetched) if fetched.ok else None
        return stated[1] if stated else None

    def fetch(page: int) -> Fetched:
        if page == 1:
            return get(first_url)
        name, ext = str(named["name"]), str(named["ext"])
        if "offset" in named:
            fetched = get(scjgj_page_url(base, column, name, ext, page - 1 + int(named["offset"])))
            if index_of(fetched) != page - 1:
                ok_page(fetched, f"{column.watermark_key} page {page}")
                raise ListPageError(f"{fetched.url}: states page index {index_of(fetched)}, expected {page - 1}",
                                    fetched)
            return fetched
        tried = []
        for suffix in (page - 2 + SCJGJ_PAGE2_SUFFIX, page - 1):
            fetched = get(scjgj_page_url(base, column, name, ext, suffix))
            if index_of(fetched) == page - 1:
                named["offset"] = suffix - (page - 1)
                return fetched
            tried.append(f"{fetched.url} (HTTP {fetched.status}, index {index_of(fetched)})")
        raise ListPageError(f"{column.watermark_key}: no page states index {page - 1} of its pager; "
                            f"tried {', '.join(tried)}", fetched)

    def info(fetched: Fetched) -> PageInfo:
        ok_page(fetched, f"{column.watermark_key} {fetched.url}")
        served = rows(fetched)
        stated = pager(fetched)
        if stated is None:
            raise ListPageError(f"{fetched.url}: no createPageHTML pager", fetched)
        named.setdefault("name", stated[2])
        named.setdefault("ext", stated[3])
        return PageInfo(rows=served, pages=stated[0])

    yield from walk_pages(fetch, info, tally, older=older)


# -- szinf (the city portal's getInfoCommon JSON) ----------------------------------------------


def szinf_list_params(channelid: str, page: int, page_size: int) -> dict[str, str]:
    return {"pagesize": str(page_size), "currpage": str(page), "channelid": channelid}


def fetch_szinf_list(client: HttpClient, base: str, column: Column, page: int, page_size: int) -> Fetched:
    return client.fetch(
        "GET", base.rstrip("/") + column.option("list_path"), source=SOURCE,
        params=szinf_list_params(column.key, page, page_size),
        headers={"Accept": "application/json, text/javascript, */*; q=0.01", "X-Requested-With": "XMLHttpRequest",
                 "Referer": base.rstrip("/") + column.option("list_referer")},
    )


# -- Hanweb (scjgj.jiangsu.gov.cn) -------------------------------------------------------------


def hanweb_column_url(base: str, column: Column) -> str:
    return f"{base.rstrip('/')}/col/col{column.key}/index.html"


def fetch_hanweb_column(client: HttpClient, base: str, column: Column) -> Fetched:
    return client.fetch("GET", hanweb_column_url(base, column), source=SOURCE, headers={"Accept": _HTML_ACCEPT})


def hanweb_dataproxy_form(*, columnid: str, unitid: str, webid: str, webname: str, path: str = "/") -> dict[str, str]:
    return {
        "col": "1", "appid": "1", "webid": webid, "path": path or "/", "columnid": columnid,
        "sourceContentType": "1", "unitid": unitid, "webname": webname, "permissiontype": "0",
    }


def fetch_hanweb_records(
    client: HttpClient, base: str, column: Column, *, start: int, end: int, per_page: int,
    unitid: str, webid: str, webname: str, path: str = "/",
) -> Fetched:
    """Records `start`..`end` (1-based, inclusive) of a column through dataproxy.jsp."""
    if not 1 <= start <= end:
        raise ValueError(f"dataproxy records {start}..{end}: need 1 <= start <= end")
    return client.fetch(
        "POST", base.rstrip("/") + HANWEB_DATAPROXY_PATH, source=SOURCE,
        params={"startrecord": str(start), "endrecord": str(end), "perpage": str(per_page)},
        data=hanweb_dataproxy_form(columnid=column.key, unitid=unitid, webid=webid, webname=webname, path=path),
        headers={"Accept": "application/xml, text/xml, */*; q=0.01", "X-Requested-With": "XMLHttpRequest",
                 "Referer": hanweb_column_url(base, column)},
    )


# -- articles and attachments ------------------------------------------------------------------


def fetch_article(client: HttpClient, url: str, referer: str | None = None,
                  conditional: Mapping[str, str] | None = None) -> Fetched:
    """An article; `conditional` (If-None-Match / If-Modified-Since) lets the portal answer 304."""
    headers = {"Accept": _HTML_ACCEPT, **(conditional or {})}
    if referer:
        headers["Referer"] = referer
    return client.fetch("GET", url, source=SOURCE, headers=headers)


def fetch_attachment(client: HttpClient, url: str, article_url: str) -> Fetched:
    return client.fetch("GET", url, source=SOURCE, headers={"Accept": "*/*", "Referer": article_url})
