"""openstd pages → national StandardRecords with status and dates (never drafters).

The request side and the contract are `extract/sources/openstd.py` (portals.md §2). Pure:
str in, records out; a row that cannot become a record is a `Reject` (`missing_field`,
`bad_std_no`, `type_mismatch`, `bad_date`, `translation`) naming it.

List row (`table.result_list > tbody:nth-of-type(2) > tr`, 1-based cells) [C: OPENSTD-SPIDER
2025, GB688DL regex 2021, ZOT] → StandardRecord:
  td2 a       number → std_no (em dash allowed; national only); onclick `showInfo('<hcno>')` → source_id
  td3 span    "采" when it adopts an international standard → `ListResult`-level `adopted` set
  td4 a       Chinese name, spam removed;  td5 type (强制性/推荐性/指导性): implied by the prefix
  td6 span    status (现行/即将实施/废止);  td7 / td8 issue / implementation date (YYYY-MM-DD)
  drafters    none: openstd has no drafting organisations, drafters_known=False for good
  detail_url  None: the flow sets it (`extract.sources.openstd.detail_url`);  total  `span.badge` [C GB688DL]
A foreign-language edition ("GB/T 7714-2015(英文版)") would carry the number of its Chinese
original; such a row is rejected as `translation` rather than counted twice [I: how 外文版
rows print their number].

Detail page (`div.bor2`) [C section; selectors OPENSTD-SPIDER]: `table.mk1 h1` "标准号：…"
(trailing "采" = adopts; "您所查询的标准系统尚未收录…" = not in the system); `table.tdlist` rows:
[1] `b` 中文标准名称, [2] "英文标准名称：…", [3] `span` 标准状态; `div.content` values, each
labelled by the element before it when that is a known label, else by position: [0] CCS,
[1] ICS, [2] 发布日期, [3] 实施日期, [4] 主管部门, [5] 归口部门, [6] 发布单位, [7] 备注.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from transform.parsers.common import (
    DetailMismatch,  # noqa: F401 - raised by merge_detail; callers catch <parser>.DetailMismatch
    ListResult,
    PageValues,
    Rejected,
    check_same_standard,
    clean_without_spam,
    fill_from_detail,
    first,
    html_document,
    label_of,
    page_spam,
    reject,
    row_date,
    split_committee,
    std_no_of,
    text_of,
    to_int,
)
from transform.records import Provenance, Reject, StandardRecord
from transform.text import clean_text

SOURCE = "openstd"
NOT_IN_SYSTEM = "您所查询的标准系统尚未收录"
CONTENT_ORDER = ("CCS", "ICS", "发布日期", "实施日期", "主管部门", "归口部门", "发布单位", "备注")
_CONTENT_LABELS = {  # a label cell's text → the CONTENT_ORDER name
    "中国标准分类号": "CCS", "中国标准分类号(CCS)": "CCS", "中国标准分类号（CCS）": "CCS", "CCS": "CCS",
    "国际标准分类号": "ICS", "国际标准分类号(ICS)": "ICS", "国际标准分类号（ICS）": "ICS", "ICS": "ICS",
    "发布日期": "发布日期", "实施日期": "实施日期", "主管部门": "主管部门", "归口部门": "归口部门",
    "发布单位": "发布单位", "备注": "备注",
}
_SHOW_INFO = re.compile(r"showInfo\(\s*'([0-9A-Fa-f]{32})'\s*\)")
_TRANSLATION = re.compile(r"[(（][^()（）]*文版[)）]\s*$")


@dataclass(slots=True)
class OpenstdListResult(ListResult):
    adopted: set[str] = field(default_factory=set)  # std_nos marked 采 (adopt an international standard)


@dataclass(slots=True)
class DetailResult:
    """What one newGbInfo page says; fields it lacks are None."""

    provenance: Provenance
    found: bool  # False for "您所查询的标准系统尚未收录"
    std_no: str | None  # canonical
    std_no_raw: str | None
    adopted: bool  # the 标准号 line ends with 采
    title: str | None
    title_en: str | None
    status: str | None
    issue_date: date | None
    act_date: date | None
    committee_code: str | None  # from 归口部门, when it carries a TC code
    committee_name: str | None
    fields: dict[str, str] = field(default_factory=dict)  # CONTENT_ORDER name → value
    spam: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


# -- list ------------------------------------------------------------------------------------


def parse_list(html: str, provenance: Provenance) -> OpenstdListResult:
    """One std_list page → records; only rows with a `showInfo(` link are rows."""
    doc = html_document(html)
    badge = first(doc.xpath('//span[contains(concat(" ", normalize-space(@class), " "), " badge ")]'))
    result = OpenstdListResult(to_int(clean_text(text_of(badge))) if badge is not None else None, None, [], [],
                               spam=page_spam(doc))
    rows = doc.xpath('//table[contains(@class, "result_list")]/tbody[2]/tr[.//*[contains(@onclick, "showInfo(")]]')
    for index, row in enumerate(rows):
        try:
            record, adopted = _parse_row(row, provenance)
        except Rejected as rejected:
            label = f"row {index} ({clean_text(text_of(row))[:60]!r})"
            result.rejects.append(reject(SOURCE, provenance, rejected.reason, f"{label}: {rejected.detail}"))
            continue
        result.records.append(record)
        if adopted:
            result.adopted.add(record.std_no)
    return result


def _parse_row(row, provenance: Provenance) -> tuple[StandardRecord, bool]:
    cells = row.xpath("./td")
    if len(cells) < 8:
        raise Rejected("missing_field", f"{len(cells)} cells, expected 8 or more")
    hcno = None
    for node in row.xpath('.//*[contains(@onclick, "showInfo(")]'):
        if match := _SHOW_INFO.search(node.get("onclick") or ""):
            hcno = match.group(1).upper()
            break
    if hcno is None:
        raise Rejected("missing_field", "no 32-hex hcno in showInfo(…)")
    raw_no = _link_text(cells[1])
    if _TRANSLATION.search(raw_no):
        raise Rejected("translation", f"{raw_no!r} is a foreign-language edition, not a standard of its own")
    std = std_no_of(raw_no, "national", label="标准号")
    name, name_spam = clean_without_spam(_link_text(cells[3]))
    if not name:
        raise Rejected("missing_field", f"{std.canonical}: no name")
    record = StandardRecord(
        std_no=std.canonical,
        std_no_raw=raw_no,
        std_type=std.std_type,
        prefix=std.prefix,
        year=std.year,
        name=name,
        status=clean_text(text_of(cells[5])) or None,
        issue_date=row_date(clean_text(text_of(cells[6])), "发布日期", std.canonical),
        act_date=row_date(clean_text(text_of(cells[7])), "实施日期", std.canonical),
        abolish_date=None,
        replaces=[],
        is_revision=False,
        drafters=[],
        drafters_known=False,
        source=SOURCE,
        source_id=hcno,
        detail_url=None,
        provenance=provenance,
        spam=bool(name_spam),
    )
    return record, "采" in clean_text(text_of(cells[2]))


# -- detail ----------------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance) -> DetailResult:
    """One newGbInfo page. A page saying the standard is not in the system is `found=False`."""
    doc = html_document(html)
    spam = page_spam(doc)
    heading = clean_text(text_of(first(doc.xpath('//table[contains(@class, "mk1")]//h1'))))
    if not heading or heading.startswith(NOT_IN_SYSTEM):
        why = f"the page says {heading!r}" if heading else "no 标准号 heading (table.mk1 h1)"
        return DetailResult(provenance, False, None, None, False, None, None, None, None, None, None, None, spam=spam,
                            rejects=[reject(SOURCE, provenance, "not_found", f"detail page: {why}")])

    number = heading.partition("：")[2] or heading.partition(":")[2] or heading
    adopted = number.rstrip().endswith("采")
    number = number.rstrip().removesuffix("采").strip()
    page = PageValues(SOURCE, provenance)
    std_no = page.read_std_no(number, "detail page 标准号")

    rows = doc.xpath('//table[contains(@class, "tdlist")]//tr')
    title, title_spam = clean_without_spam(text_of(first(rows[0].xpath(".//b"))) if rows else "")
    title_en = _after_colon(clean_text(text_of(rows[1]))) if len(rows) > 1 else ""
    status = clean_text(text_of(first(rows[2].xpath(".//span")))) if len(rows) > 2 else ""
    fields = _contents(doc)
    committee_code, committee_name = split_committee(fields.get("归口部门"))
    return DetailResult(
        provenance=provenance,
        found=True,
        std_no=std_no,
        std_no_raw=number,
        adopted=adopted,
        title=title or None,
        title_en=title_en or None,
        status=status or None,
        issue_date=page.read_date(fields.get("发布日期"), "detail page 发布日期"),
        act_date=page.read_date(fields.get("实施日期"), "detail page 实施日期"),
        committee_code=committee_code,
        committee_name=committee_name,
        fields=fields,
        spam=list(dict.fromkeys(spam + title_spam)),
        rejects=page.rejects,
    )


def merge_detail(record: StandardRecord, detail: DetailResult) -> StandardRecord:
    """The list record completed by its detail page (status, dates, 归口) with the page's provenance.

    Drafters stay unknown: openstd has none. A not-found page changes nothing.
    Raises DetailMismatch when the page is about another standard.
    """
    if not detail.found:
        return record
    check_same_standard(record, detail, "hcno")
    return fill_from_detail(record, detail)


def _contents(doc) -> dict[str, str]:
    """`div.content` values by their label (the element before them), else by their position."""
    fields: dict[str, str] = {}
    for index, content in enumerate(doc.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " content ")]')):
        previous = content.getprevious()
        name = _CONTENT_LABELS.get(label_of(previous)) if previous is not None else None
        if name is None and index < len(CONTENT_ORDER):
            name = CONTENT_ORDER[index]
        if name and name not in fields:
            fields[name] = clean_text(text_of(content))
    return fields


def _link_text(cell) -> str:
    """The text of the cell's link, or of the cell when it has none."""
    link = first(cell.xpath(".//a"))
    return clean_text(text_of(link if link is not None else cell))


def _after_colon(text: str) -> str:
    for colon in ("：", ":"):
        if colon in text:
            return text.partition(colon)[2].strip()
    return text
