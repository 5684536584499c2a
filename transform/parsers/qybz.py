"""qybz pages → enterprise StandardRecords and the strongest identity evidence we get.

The request side, the contract and why coverage is partial: `extract/sources/qybz.py`
(portals.md §5). Pure: str in, records out; a row that cannot become a record is a
`Reject` (`bad_row`, `missing_field`, `bad_std_no`, `type_mismatch`, `bad_date`); a
homepage without a single disclosure row is one `no_rows` reject (the markup changed, or
the page is not the homepage).

Homepage row → StandardRecord [C1 BIAOZ]:
  source_id   the id in `toDetail('<id>')`;  detail_url  None: the flow sets it (`extract.sources.qybz.detail_url`), parsers build no URL
  cells       [1] 企业名称 → drafters = [企业名称] (the enterprise owns its standard; known)
              [2] "Q/XXX 001—2024《标准名称》" → std_no (before 《) and name (inside 《》)
              [3] 公开时间 → issue_date;  [4] 状态 → status
Detail page → DetailResult [C1 BIAOZ]: tables 0 and 1 are label/value pairs (even cells
labels): 标准名称, 标准编号, 机构名称, 统一社会信用代码, 行政区划, 公开时间; table 2 the products
(header row, then one row per product); `input[name=standardId]`. Each page yields one
`OrgEvidence(name=机构名称, uscc=统一社会信用代码, division=行政区划, source="qybz")` — kept as
seen: `transform.attribution` refuses an invalid credit code and says why.

Enterprise numbers: the enterprise code may be printed with spaces ("Q/321000 JYL 001-2019");
when the number does not parse as printed, the spaces inside the code are removed and it is
parsed again ("Q/321000JYL 001-2019") [I: the code is one token in GB/T 1.1's scheme].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from transform.parsers.common import (
    DetailMismatch,  # noqa: F401 - raised by merge_detail; callers catch <parser>.DetailMismatch
    ListResult,
    PageValues,
    Rejected,
    check_same_standard,
    clean_without_spam,
    first,
    html_document,
    label_of,
    optional_text,
    page_spam,
    reject,
    row_date,
    std_no_of,
    text_of,
)
from transform.records import OrgEvidence, Provenance, Reject, StandardRecord
from transform.stdno import StdNo, StdNoError, parse_std_no
from transform.text import clean_text, to_halfwidth
from transform.uscc import is_valid_uscc

SOURCE = "qybz"
_TO_DETAIL = re.compile(r"""toDetail\(\s*['"]([^'"]+)['"]\s*\)""")
_SPACED_ENTERPRISE_CODE = re.compile(r"^Q\s*/\s*(?P<code>[A-Z0-9][A-Z0-9 ]*?)\s+(?P<rest>\d[\w.]*\s*[-—–－]\s*\d{2,4})$")
_LABELS = ("标准名称", "标准编号", "机构名称", "统一社会信用代码", "行政区划", "公开时间")


@dataclass(slots=True)
class DetailResult:
    """What one /user/detail page says; fields it lacks are None / empty."""

    provenance: Provenance
    standard_id: str | None  # the hidden input standardId
    std_no: str | None  # canonical
    std_no_raw: str | None
    title: str | None  # 标准名称, spam removed
    org_name: str | None  # 机构名称
    uscc: str | None  # 统一社会信用代码 as printed
    uscc_valid: bool | None  # None when the page has no credit code
    division: str | None  # 行政区划, a code or a name as printed
    published: date | None  # 公开时间
    products: list[dict[str, str]]  # table 2: header → cell, one dict per product row
    evidence: list[OrgEvidence]  # one row about 机构名称, when the page names it
    missing: list[str]  # identity labels the page lacks (all six present on a complete page)
    fields: dict[str, str] = field(default_factory=dict)  # every label → value of tables 0 and 1
    spam: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


# -- homepage --------------------------------------------------------------------------------


def parse_home(html: str, provenance: Provenance) -> ListResult:
    """The homepage's latest disclosures → records (total = rows found; there is no paging)."""
    doc = html_document(html)
    rows = doc.xpath('//tr[.//a[contains(@href, "toDetail(") or contains(@onclick, "toDetail(")]]')
    result = ListResult(len(rows), None, [], [], spam=page_spam(doc))
    if not rows:
        result.rejects.append(reject(SOURCE, provenance, "no_rows",
                                     "homepage has no disclosure rows (no toDetail( link): the markup may have changed"))
    for index, row in enumerate(rows):
        try:
            result.records.append(_parse_row(row, provenance))
        except Rejected as rejected:
            label = f"homepage row {index} ({clean_text(text_of(row))[:60]!r})"
            result.rejects.append(reject(SOURCE, provenance, rejected.reason, f"{label}: {rejected.detail}"))
    return result


def _parse_row(row, provenance: Provenance) -> StandardRecord:
    link = first(row.xpath('.//a[contains(@href, "toDetail(") or contains(@onclick, "toDetail(")]'))
    match = _TO_DETAIL.search((link.get("href") or "") + " " + (link.get("onclick") or ""))
    if match is None:
        raise Rejected("missing_field", "no id in toDetail(…)")
    detail_id = match.group(1).strip()
    cells = [clean_text(text_of(td)) for td in row.xpath("./td")]
    if len(cells) < 5:
        raise Rejected("bad_row", f"{len(cells)} cells, expected 5 (序号, 企业名称, 标准, 公开时间, 状态)")
    company, company_spam = clean_without_spam(cells[1])
    number_text, _, rest = cells[2].partition("《")
    std = _enterprise_std_no(number_text, label="标准")
    name, name_spam = clean_without_spam(rest.partition("》")[0])
    if not name:
        raise Rejected("missing_field", f"{std.canonical}: no name in 《》 ({cells[2]!r})")
    return StandardRecord(
        std_no=std.canonical,
        std_no_raw=number_text.strip(),
        std_type=std.std_type,
        prefix=std.prefix,
        year=std.year,
        name=name,
        status=cells[4] or None,
        issue_date=row_date(cells[3], "公开时间", std.canonical),
        act_date=None,
        abolish_date=None,
        replaces=[],
        is_revision=False,
        drafters=[company] if company else [],
        drafters_known=bool(company),
        source=SOURCE,
        source_id=detail_id,
        detail_url=None,
        provenance=provenance,
        spam=bool(company_spam or name_spam),
    )


def _enterprise_std_no(raw: str, *, label: str) -> StdNo:
    """An enterprise number, retried with the spaces inside its enterprise code removed."""
    spaced = _SPACED_ENTERPRISE_CODE.match(to_halfwidth(clean_text(raw)).upper())
    if spaced:
        try:
            parse_std_no(raw)
        except StdNoError:
            raw = f"Q/{spaced['code'].replace(' ', '')} {spaced['rest']}"
    return std_no_of(raw, "enterprise", label=label)


# -- detail ----------------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance) -> DetailResult:
    """One /user/detail page, with its identity evidence. Spam is removed and listed in `spam`."""
    doc = html_document(html)
    tables = doc.xpath("//table")
    fields: dict[str, str] = {}
    for table in tables[:2]:
        for tr in table.xpath(".//tr"):
            cells = tr.xpath("./th|./td")
            for label_cell, value_cell in zip(cells[0::2], cells[1::2]):
                label = label_of(label_cell)
                if label and label not in fields:
                    fields[label] = clean_text(text_of(value_cell))
    page = PageValues(SOURCE, provenance)

    std_no = None
    if raw := fields.get("标准编号"):
        try:
            std_no = _enterprise_std_no(raw, label="标准编号").canonical
        except Rejected as rejected:
            page.rejects.append(reject(SOURCE, provenance, rejected.reason, f"detail page: {rejected.detail}"))
    published = page.read_date(fields.get("公开时间"), "detail page 公开时间")

    title, title_spam = clean_without_spam(fields.get("标准名称"))
    org_name, org_spam = clean_without_spam(fields.get("机构名称"))
    uscc = optional_text(fields.get("统一社会信用代码"))
    division = optional_text(fields.get("行政区划"))
    evidence = []
    if org_name:
        evidence.append(OrgEvidence(name=org_name, source=SOURCE, uscc=uscc, division=division, provenance=provenance))
    return DetailResult(
        provenance=provenance,
        standard_id=optional_text(first(doc.xpath('//input[@name="standardId"]/@value'))),
        std_no=std_no,
        std_no_raw=fields.get("标准编号"),
        title=title or None,
        org_name=org_name or None,
        uscc=uscc,
        uscc_valid=is_valid_uscc(uscc) if uscc else None,
        division=division,
        published=published,
        products=_products(tables[2]) if len(tables) > 2 else [],
        evidence=evidence,
        missing=[label for label in _LABELS if not fields.get(label)],
        fields=fields,
        spam=list(dict.fromkeys(title_spam + org_spam + page_spam(doc))),
        rejects=page.rejects,
    )


def merge_detail(record: StandardRecord, detail: DetailResult) -> StandardRecord:
    """The homepage record completed by its detail page: 机构名称 as the drafter, 公开时间, the
    name, the spam flag and the page's provenance. Raises DetailMismatch for another standard's page."""
    check_same_standard(record, detail, "id")
    drafters = [detail.org_name] if detail.org_name else record.drafters
    return replace(
        record,
        name=detail.title or record.name,
        issue_date=detail.published or record.issue_date,
        drafters=drafters,
        drafters_known=bool(drafters),
        spam=record.spam or bool(detail.spam),
        provenance=detail.provenance,
    )


def _products(table) -> list[dict[str, str]]:
    rows = [[clean_text(text_of(cell)) for cell in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")]
    if len(rows) < 2:
        return []
    header = rows[0]
    return [
        {label: value for label, value in zip(header, row) if label}
        for row in rows[1:]
        if any(row)
    ]

