"""Government notices → links, articles, the notices that matter, and the entries of their lists.

The request side and the contract are `extract/sources/notices.py`. Pure: text in,
values out. Three CMS kinds (portals.md §6):

  scjgj      scjgj.suzhou.gov.cn column pages (通知公告 `nav_xwtz.shtml`, other columns
             `nav_list.shtml`): items `div.cont.mt10 li` (`a@href`, `a@title`, the date in the
             `span`), the pager in the page's own `createPageHTML(count, index, name, ext)` call
             (`Pager`); article body `#zoom`
  szinf      the city portal (www.suzhou.gov.cn) `getInfoCommon` JSON `{"infolist": [{title, link, pubtime}]}`;
             article `<ucaptitle>`, `<ucapcontent>`, `meta[name=PubDate]`
  hanweb     Jiangsu Hanweb (大汉) sites: the column page's `<script type="text/xml"><datastore>`
             and the `dataproxy.jsp` XML both carry `<record><![CDATA[<li>…</li>]]></record>`;
             article body `#zoom` or `.main-txt`, `meta[name=ArticleTitle|PubDate]`

`parse_article` reads any of the three (it looks for each body container in turn).

Selection (`select_notice`): a notice reports against an indicator when its **title**
names the kind (`KIND_PATTERNS`, specific kinds first; when the title names none, the
opening of the body) and announces a list (`名单`,
`公示`, `公布`, `下达`, `认定`, `命名`, `批复`, `确定`, `入选`, `授予`, `授牌`, `同意`, `获奖`); a call for
applications, a training or an acceptance check (`申报`, `征集`, `推荐…工作`, `培训`,
`验收`, `开展…工作`) is not a list and is skipped even when it names the kind. The
stage is `preliminary` for a 公示 or a 拟… list, `decision` otherwise. The level is the
highest one the title names (国家级 > 省级 > 市级: a city reposts the province's list,
never the other way; the region's province and own names count, e.g. 江苏省 and 苏州);
a level column or a level heading row in the list wins.

Entries (`table_entries`): the header row is the first with two or more known column
names (`COLUMNS`); each later row with a name or an organisation is one entry. A row
with a single non-empty cell that names a level (“一、国家级”) sets the level of the
rows below it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html

from transform.dates import DateError, parse_date
from transform.parsers.common import clean_without_spam, first, page_spam, text_of, to_int
from transform.region import Region
from transform.text import clean_text

LEVELS = ("国家级", "省级", "市级")
BODY_OPENING = 300  # characters of the body read when the title does not name the kind
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "zip", "rar", "ofd")

# Indicator kinds announced in notices, specific before general (an IP–standard pilot is
# also a "标准…试点"; a base is not a carrier). Every pattern is searched in the title.
KIND_PATTERNS: dict[str, tuple[str, ...]] = {
    "ip_std_pilots": (r"知识产权.{0,12}标准|标准.{0,12}知识产权",),
    "quality_stations": (r"质量(?:接力|赋能)站",),
    "intl_liaison_stations": (r"联络站",),
    "tc_platform_entries": (r"入驻", r"协作平台|标准化.{0,6}平台"),
    "innovation_bases": (r"标准创新基地",),
    "innovation_carriers": (r"创新载体",),
    "service_orgs": (r"标准化.{0,8}服务机构",),
    "innovation_awards": (r"标准创新贡献奖|标准.{0,6}创新奖|标准化.{0,6}奖",),
    "intl_std_led": (r"国际标准(?!化)", r"主导|牵头"),
    "pilot_projects": (r"标准化.{0,12}(?:试点|示范)|试点示范项目",),
}
_LIST_MARKERS = re.compile(r"名单|公示|公布|下达|认定|命名|批复|确定|入选|授予|授牌|同意|获奖")
_NOT_A_LIST = re.compile(r"申报|征集|推荐.{0,12}工作|培训|验收|开展.{0,30}工作|组织.{0,20}评选|评审.{0,4}工作")
_PRELIMINARY = re.compile(r"公示|拟(?:入选|认定|命名|立项|授予|确定|列入|推荐)")
_NATIONAL = re.compile(r"国家级|中国标准创新贡献奖|国家技术标准创新基地|国家标准化管理委员会|国家标准委|市场监管总局")
_PROVINCIAL = r"省级|省市场监[督管]|省局"
_MUNICIPAL = r"市级"

# Header cells → entry fields. A cell is matched against `org` first (单位名称 is an
# organisation, not a project name), then the others; the first field a cell matches wins.
COLUMNS: tuple[tuple[str, re.Pattern], ...] = (
    ("seq", re.compile(r"^序号$|^编号$")),
    ("org", re.compile(r"(?<!推荐)单位|企业名称|申请人|机构名称")),
    ("division", re.compile(r"地区|区县|区\(市\)|区（市）|属地|所在地|推荐部门|推荐单位")),
    ("level", re.compile(r"级别|层级")),
    ("name", re.compile(r"名称|项目|奖项|基地|载体|站点|联络站|平台|标准号|标准编号")),
)
_SEQ_VALUE = re.compile(r"^\d{1,4}$")
_NOTE_ROW = re.compile(r"^(?:合计|总计|备注|注[:：])")


@dataclass(slots=True)
class NoticeLink:
    url: str  # absolute
    title: str
    published: date | None


@dataclass(slots=True)
class HanwebPaging:
    """What a Hanweb column page says about its paging (the dataproxy form fields)."""

    columnid: str
    unitid: str
    webid: str
    webname: str
    path: str = "/"
    total_records: int | None = None
    per_page: int | None = None


@dataclass(frozen=True, slots=True)
class Pager:
    """A TRS/Hanweb column page's own `createPageHTML(count, index, name, ext, …)` call: the
    column has `count` pages, this one is number `index` (0 = the first), and the other pages
    are named from `name` and `ext` (`nav_xwtz`, `shtml`). Which suffix page 2 carries is the
    extract side's business (`extract.sources.notices.iter_scjgj_pages`)."""

    count: int
    index: int
    name: str
    ext: str


@dataclass(slots=True)
class ListPage:
    links: list[NoticeLink]
    total_pages: int | None = None  # scjgj createPageHTML; hanweb dataproxy totalpage
    total_records: int | None = None
    hanweb: HanwebPaging | None = None
    pager: Pager | None = None  # scjgj: the page's createPageHTML call


@dataclass(slots=True)
class AttachmentLink:
    url: str  # absolute
    text: str  # the link text ("2023年度…名单.xlsx")


@dataclass(slots=True)
class Article:
    url: str
    title: str
    published: date | None
    body: str  # text of the body container
    tables: list[list[list[str]]]  # HTML tables of the body, rows of cell text
    attachments: list[AttachmentLink]
    spam: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Selection:
    indicator_id: str
    stage: str  # decision | preliminary
    level: str | None


@dataclass(slots=True)
class Entry:
    """One row of an announced list."""

    name: str
    org: str | None
    division: str | None  # 地区 cell as printed
    level: str | None  # from a level column or heading row
    row: int  # 1-based row number in its table
    spam: bool = False


class NoticeParseError(ValueError):
    """A page that is not what its CMS serves (names the page and what was missing)."""


# -- list pages ------------------------------------------------------------------------------

# createPageHTML(<count>, <index>, "<name>", "<ext>"[, …]); some sites put an element id first
_CREATE_PAGE = re.compile(r"""createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w.-]+)['"]\s*,"""
                          r"""\s*['"]([A-Za-z0-9]+)['"]""")


def scjgj_pager(html: str) -> Pager | None:
    """The page's own `createPageHTML(count, index, name, ext)` call, or None when it has none."""
    match = _CREATE_PAGE.search(html)
    if match is None:
        return None
    return Pager(int(match.group(1)), int(match.group(2)), match.group(3), match.group(4))


def parse_scjgj_list(html: str, page_url: str) -> ListPage:
    """A column page (`nav_xwtz[_N].shtml`, `nav_list[_N].shtml`): `div.cont.mt10 li` → link,
    title, date; and its pager. A page with no `createPageHTML(…)` call is not a column page
    as the portal serves them (NoticeParseError)."""
    pager = scjgj_pager(html)
    if pager is None:
        raise NoticeParseError(f"{page_url}: no createPageHTML(count, index, name, ext) pager in the column page")
    doc = lxml.html.fromstring(html)
    items = doc.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " cont ")'
                      ' and contains(concat(" ", normalize-space(@class), " "), " mt10 ")]//li')
    links = []
    for li in items:
        anchor = first(li.xpath(".//a[@href]"))
        if anchor is None:
            continue
        title = clean_text(anchor.get("title") or text_of(anchor))
        spans = li.xpath(".//span")
        links.append(NoticeLink(urljoin(page_url, anchor.get("href")), title, _date(text_of(spans[-1]) if spans else "")))
    return ListPage(links, total_pages=pager.count, pager=pager)


def parse_szinf_list(text: str, page_url: str) -> ListPage:
    """`getInfoCommon` JSON: `infolist` of {title, link (relative or absolute), pubtime}."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise NoticeParseError(f"{page_url}: not JSON ({exc}); it starts {text[:60]!r}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("infolist"), list):
        raise NoticeParseError(f"{page_url}: no 'infolist' list in the JSON")
    links = []
    for item in payload["infolist"]:
        if not isinstance(item, dict) or not item.get("link"):
            continue
        links.append(NoticeLink(urljoin(page_url, str(item["link"])), clean_text(str(item.get("title") or "")),
                                _date(str(item.get("pubtime") or ""))))
    return ListPage(links, total_records=to_int(payload.get("total") or payload.get("totalcount")))


_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
_JPAGE_NUMBER = {key: re.compile(rf"\b{key}\s*:\s*['\"]?(\d+)", re.I) for key in ("totalRecord", "perPage")}
_UNIT_DIV = re.compile(r"<div\s+id=['\"]?(\d+)['\"]?\s*>\s*<script\s+type=['\"]text/xml['\"]", re.I)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)")
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)")


def parse_hanweb_column(html: str, page_url: str) -> ListPage:
    """A Hanweb `/col/col<N>/index.html` page: the first page's records from the embedded
    `<datastore>`, and the dataproxy form fields (from `<nextgroup>` and the jpage call)."""
    store = _DATASTORE.search(html)
    if store is None:
        raise NoticeParseError(f"{page_url}: no <datastore> in the column page")
    links = _hanweb_records(store.group(1), page_url)
    fields: dict[str, str] = {}
    if nextgroup := _NEXTGROUP.search(store.group(1)):
        href = lxml.html.fragment_fromstring(nextgroup.group(1), create_parent="div").xpath("//a/@href")
        if href:
            fields = {k: v[-1] for k, v in parse_qs(urlsplit(href[0]).query, keep_blank_values=True).items()}
    column = re.search(r"/col/col(\d+)/", urlsplit(page_url).path)
    unit = _UNIT_DIV.search(html)
    paging = HanwebPaging(
        columnid=fields.get("columnid") or (column.group(1) if column else ""),
        unitid=fields.get("unitid") or (unit.group(1) if unit else ""),
        webid=fields.get("webid", ""),
        webname=fields.get("webname", ""),
        path=fields.get("path", "/") or "/",
        total_records=to_int(_search(_JPAGE_NUMBER["totalRecord"], html)),
        per_page=to_int(_search(_JPAGE_NUMBER["perPage"], html)),
    )
    if not (paging.columnid and paging.unitid and paging.webid):
        raise NoticeParseError(f"{page_url}: the column page does not give columnid/unitid/webid for dataproxy.jsp")
    return ListPage(links, total_records=paging.total_records, hanweb=paging)


def parse_hanweb_dataproxy(xml: str, page_url: str) -> ListPage:
    """`/module/web/jpage/dataproxy.jsp` XML: `<totalrecord>`, `<totalpage>`, CDATA `<record>`s."""
    if "<datastore" not in xml:
        raise NoticeParseError(f"{page_url}: not a dataproxy reply (no <datastore>); it starts {xml[:60]!r}")
    return ListPage(
        _hanweb_records(xml, page_url),
        total_pages=to_int(_search(_TOTAL_PAGE, xml)),
        total_records=to_int(_search(_TOTAL_RECORD, xml)),
    )


def _hanweb_records(text: str, page_url: str) -> list[NoticeLink]:
    links = []
    for record in _RECORD.findall(text):
        fragment = lxml.html.fragment_fromstring(record, create_parent="div")
        anchor = first(fragment.xpath(".//a[@href]"))
        if anchor is None:
            continue
        spans = fragment.xpath(".//span")
        links.append(NoticeLink(urljoin(page_url, anchor.get("href")),
                                clean_text(anchor.get("title") or text_of(anchor)),
                                _date(text_of(spans[-1]) if spans else "")))
    return links


# -- articles --------------------------------------------------------------------------------

_BODY_XPATHS = (
    "//ucapcontent",
    '//*[@id="zoom"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " main-txt ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " bt-content ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " article-content ")]',
)
_PUBLISHED_TEXT = re.compile(r"(?:发布(?:日期|时间)|日期|时间)\s*[:：]\s*(\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?)")


def parse_article(html: str, url: str, listed: NoticeLink | None = None) -> Article:
    """One notice article of any of the three CMS kinds. `listed` (the list's link) supplies
    the title and date when the page lacks them."""
    doc = lxml.html.fromstring(html)
    body = None
    for xpath in _BODY_XPATHS:
        body = first(doc.xpath(xpath))
        if body is not None:
            break
    if body is None:
        raise NoticeParseError(f"{url}: no article body (ucapcontent, #zoom, .main-txt, .bt-content, .article-content)")
    title = (_meta(doc, "ArticleTitle") or clean_text(text_of(first(doc.xpath("//ucaptitle"))))
             or clean_text(text_of(first(doc.xpath("//h1")))) or (listed.title if listed else "")
             or clean_text(text_of(first(doc.xpath("//title")))))
    title, _ = clean_without_spam(title)
    published = _date(_meta(doc, "PubDate") or "")
    if published is None and (match := _PUBLISHED_TEXT.search(clean_text(text_of(doc.body if doc.body is not None else doc)))):
        published = _date(match.group(1))
    if published is None and listed is not None:
        published = listed.published
    tables = [_html_table(table) for table in body.xpath(".//table")]
    attachments = []
    seen: set[str] = set()
    for anchor in body.xpath(".//a[@href]") + doc.xpath('//*[contains(@class, "fujian") or contains(@class, "attach")]//a[@href]'):
        href = urljoin(url, anchor.get("href"))
        if href in seen or not _is_attachment(href):
            continue
        seen.add(href)
        attachments.append(AttachmentLink(href, clean_text(text_of(anchor)) or href.rsplit("/", 1)[-1]))
    return Article(url, title, published, clean_text(text_of(body)), [t for t in tables if t], attachments,
                   page_spam(doc))


def _is_attachment(href: str) -> bool:
    parts = urlsplit(href)
    names = [parts.path] + [v for values in parse_qs(parts.query).values() for v in values]
    return any(name.lower().rsplit(".", 1)[-1] in ATTACHMENT_EXTENSIONS for name in names if "." in name)


def _html_table(table) -> list[list[str]]:
    rows = []
    for tr in table.xpath(".//tr"):
        cells = [clean_text(text_of(cell)) for cell in tr.xpath("./td|./th")]
        if any(cells):
            rows.append(cells)
    return rows


# -- selection -------------------------------------------------------------------------------


def notice_kind(text: str) -> str | None:
    """The indicator kind a text names, if any (first matching kind of KIND_PATTERNS)."""
    for kind, patterns in KIND_PATTERNS.items():
        if all(re.search(p, text) for p in patterns):
            return kind
    return None


def announces_a_list(title: str) -> bool:
    """The title announces a list (名单, 公示, 公布, …) and is no call for applications or the like."""
    title = clean_text(title)
    return bool(_LIST_MARKERS.search(title)) and not _NOT_A_LIST.search(title)


def select_notice(title: str, region: Region | None = None, body: str = "") -> Selection | None:
    """The indicator, stage and level of a notice that announces a list; None for any other notice.

    The title decides; when it announces a list without naming its kind ("关于公布第二批入驻名单的
    通知"), the opening of the body (`BODY_OPENING` characters) names it, and the level when
    the title names none.
    """
    title = clean_text(title)
    if not announces_a_list(title):
        return None
    opening = clean_text(body)[:BODY_OPENING]
    kind = notice_kind(title) or notice_kind(opening)
    if kind is None:
        return None
    stage = "preliminary" if _PRELIMINARY.search(title) else "decision"
    return Selection(kind, stage, level_of(title, region) or level_of(opening, region))


def level_of(text: str, region: Region | None = None) -> str | None:
    """国家级 / 省级 / 市级: the highest level the text names, or None. With a region, its province
    (江苏省) names the provincial level and its own names (苏州市, 苏州) the municipal one."""
    provincial, municipal = _PROVINCIAL, _MUNICIPAL
    if region is not None:
        provincial += "|" + re.escape(region.province)
        municipal += "|" + "|".join(map(re.escape, region.aliases))
    for level, pattern in (("国家级", _NATIONAL.pattern), ("省级", provincial), ("市级", municipal)):
        if re.search(pattern, text):
            return level
    return None


# -- list tables -----------------------------------------------------------------------------


def header_columns(row: list[str]) -> dict[str, int]:
    """Field → column index for a header row (each field's first column)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        label = "".join(cell.split())
        if not label:
            continue
        for name, pattern in COLUMNS:
            if pattern.search(label):
                found.setdefault(name, index)
                break
    return found


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(row index, columns) of the first row naming two or more known columns incl. a name or org."""
    for index, row in enumerate(rows):
        columns = header_columns(row)
        if len(columns) >= 2 and ("name" in columns or "org" in columns):
            return index, columns
    return None


def table_entries(rows: list[list[str]]) -> list[Entry] | None:
    """The entries of one list table; None when no header row is found (not a list)."""
    header = find_header(rows)
    if header is None:
        return None
    start, columns = header
    entries: list[Entry] = []
    heading_level: str | None = None
    for offset, row in enumerate(rows[start + 1:], start=start + 2):
        filled = [cell for cell in row if cell.strip()]
        if not filled:
            continue
        if len(filled) == 1 and (level := _heading_level(filled[0])) is not None:
            heading_level = level
            continue
        if _NOTE_ROW.match(filled[0]) or row == rows[start]:
            continue  # a note, or the header repeated on the next page
        cell = lambda field: _cell(row, columns.get(field))  # noqa: E731
        if "seq" in columns and cell("seq") and not _SEQ_VALUE.match(cell("seq")):
            continue  # a repeated header or a section title in the number column
        name, name_spam = clean_without_spam(cell("name"))
        org, org_spam = clean_without_spam(cell("org"))
        if not name and not org:
            continue
        level = _heading_level(cell("level")) if cell("level") else heading_level
        entries.append(Entry(name or org, org or None, cell("division") or None, level, offset,
                             spam=bool(name_spam or org_spam)))
    return entries


def _heading_level(text: str) -> str | None:
    for level in LEVELS:
        if level in text:
            return level
    return {"国家": "国家级", "省": "省级", "市": "市级"}.get(re.sub(r"^[一二三四五六七八九十]+、|\s", "", text))


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return clean_text(row[index])


# -- small helpers ---------------------------------------------------------------------------


def _meta(doc, name: str) -> str:
    values = doc.xpath(f'//meta[@name="{name}"]/@content')
    return clean_text(values[0]) if values else ""


def _date(text: str) -> date | None:
    text = clean_text(text).strip("[]【】()（）")
    if not text:
        return None
    try:
        return parse_date(text[:19] if re.match(r"\d{4}-\d{2}-\d{2} ", text) else text)
    except DateError:
        match = re.search(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?", text)
        if match is None:
            return None
        try:
            return parse_date(match.group())
        except DateError:
            return None


def _search(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None
