"""notices — government notice columns of the Suzhou and Jiangsu portals (three CMS kinds).

Contract (portals.md §6, §7.2; grades [C] confirmed, [C1] one source, [I] inference).
Last confirmed from others' live evidence: RSSHub `lib/routes/gov/suzhou/*.ts` (commit
0e818a57) and the Jiangsu Hanweb crawlers (2020–2026). This project has never reached
the live sites: check every [C1]/[I] item on the first live run.

scjgj — 苏州市市场监督管理局, base `https://scjgj.suzhou.gov.cn` (setting base_urls.scjgj_suzhou)
  List   `GET /szqts/<col>/nav_list.shtml`, then `nav_list_2.shtml`, `nav_list_3.shtml`, … [C1: one
         spider; page 2 might be `_1`]. 通知公告 is column `tzgg` [C] (portals.md also names its first
         page `nav_xwtz.shtml` [C1]: `COLUMNS` can carry another first-page name). Items
         `div.cont.mt10 li` → `a@href`, `a@title`, date `span` (YYYY-MM-DD) [C]. The page count, when
         the page calls `createPageHTML(<pages>, <index>, …)`, is read [I]; otherwise paging stops at
         the first 404 or empty page.
  Article `/szqts/<col>/<YYYYMM>/<32 hex>.shtml` [C], body `#zoom` [C], attachments `a[href]` under
         `#zoom` ending .pdf/.doc/.xls/.zip/.wps [C] (also .docx/.xlsx [I]).
  Encoding UTF-8 [I] (the client falls back to GB18030).

suzhou_gov — 苏州市人民政府, base `https://www.suzhou.gov.cn` (base_urls.suzhou_gov)
  List   `GET /szinf/info/getInfoCommon/?pagesize=<n>&currpage=<p>&channelid=<32 hex>` [C] →
         JSON `{"infolist": [{"title", "link" (relative or absolute), "pubtime": "YYYY-MM-DD HH:mm:ss"}]}`.
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

from dataclasses import dataclass

from extract.http import Fetched, HttpClient

SOURCE = "notices"
SCJGJ, SUZHOU_GOV, HANWEB = "scjgj", "suzhou_gov", "hanweb"
# Setting key (flows.settings.BaseUrls) → CMS kind.
SITE_CMS = {"scjgj_suzhou": SCJGJ, "suzhou_gov": SUZHOU_GOV, "scjgj_jiangsu": HANWEB}
SUZHOU_GOV_LIST_PATH = "/szinf/info/getInfoCommon/"
HANWEB_DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
_HTML_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"


@dataclass(frozen=True, slots=True)
class Column:
    """One notice column: `key` is the scjgj column (`tzgg`), the city portal's channelid,
    or the Hanweb column number."""

    site: str  # key of SITE_CMS
    key: str
    label: str
    first_page: str = "nav_list"  # scjgj only: the first page's name without `.shtml`

    @property
    def cms(self) -> str:
        return SITE_CMS[self.site]

    @property
    def watermark_key(self) -> str:
        return f"{self.site}:{self.key}"


COLUMNS = (
    Column("scjgj_suzhou", "tzgg", "通知公告"),
    Column("suzhou_gov", "260915178a1f4c4fac44c4bf6378c9b0", "政务公告"),
    Column("suzhou_gov", "b3d097e3eb79421f88439ea381ce33c3", "部门动态"),
    Column("scjgj_jiangsu", "78963", "通知公告"),
)


# -- scjgj.suzhou.gov.cn -----------------------------------------------------------------------


def scjgj_list_url(base: str, column: Column, page: int) -> str:
    """Page 1 is `<first_page>.shtml`; page n ≥ 2 is `nav_list_<n>.shtml`."""
    if page < 1:
        raise ValueError(f"page numbers start at 1, got {page}")
    name = column.first_page if page == 1 else f"nav_list_{page}"
    return f"{base.rstrip('/')}/szqts/{column.key}/{name}.shtml"


def fetch_scjgj_list(client: HttpClient, base: str, column: Column, page: int) -> Fetched:
    return client.fetch("GET", scjgj_list_url(base, column, page), source=SOURCE,
                        headers={"Accept": _HTML_ACCEPT, "Referer": scjgj_list_url(base, column, 1)})


# -- www.suzhou.gov.cn -------------------------------------------------------------------------


def suzhou_gov_list_params(channelid: str, page: int, page_size: int) -> dict[str, str]:
    return {"pagesize": str(page_size), "currpage": str(page), "channelid": channelid}


def fetch_suzhou_gov_list(client: HttpClient, base: str, column: Column, page: int, page_size: int) -> Fetched:
    return client.fetch(
        "GET", base.rstrip("/") + SUZHOU_GOV_LIST_PATH, source=SOURCE,
        params=suzhou_gov_list_params(column.key, page, page_size),
        headers={"Accept": "application/json, text/javascript, */*; q=0.01", "X-Requested-With": "XMLHttpRequest",
                 "Referer": base.rstrip("/") + "/szsrmzf/zwgg/nav_list.shtml"},
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


def fetch_article(client: HttpClient, url: str, referer: str | None = None) -> Fetched:
    headers = {"Accept": _HTML_ACCEPT}
    if referer:
        headers["Referer"] = referer
    return client.fetch("GET", url, source=SOURCE, headers=headers)


def fetch_attachment(client: HttpClient, url: str, article_url: str) -> Fetched:
    return client.fetch("GET", url, source=SOURCE, headers={"Accept": "*/*", "Referer": article_url})
