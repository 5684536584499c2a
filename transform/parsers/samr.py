"""samr pages → StandardRecord: the advanced-search JSON list and the gbDetailed/stdHBDetailed pages.

The request side and the contract are `extract/sources/samr.py`. Pure: str in,
records out. A row that cannot become a record becomes a `Reject` with a reason
(`bad_json`, `missing_field`, `bad_std_no`, `type_mismatch`, `bad_date`) and
never costs the other rows. Drafter names (DRAFT_STAFF, 起草人) are personal data
and are kept only when `keep_people=True`.

List row → record:
  std_no     parse_std_no(C_STD_CODE), falling back to STD_CODE2
  std_type   from the number; must be national for tid 2, industry for tid 3
  name       C_C_NAME (or C_NAME), tags such as <sacinfo> stripped, spam removed
  status     STATE;  issue/act/abolish dates  ISSUE_DATE / ACT_DATE / D_DATE (unreadable → reject)
  replaces   TOTAL_REPE ("," = none);  is_revision = bool(replaces)
  drafters   DRAFT_UNIT split on 、 (lead unit first), spam removed;
             drafters_known = DRAFT_UNIT present and not blank
  committee  TA_CODE / TA_NAME;  input_time  SYS_INPUTIME (UTC+8; unreadable → None, row kept)
  source_id  id;  detail_url  None: the flow sets it (`extract.sources.samr.detail_url`), parsers build no URL

Detail page: `.page-header > h4` (first line) title, status from the first non-empty
`.page-header .label-primary` or `.s-status` (an empty status span is skipped),
`.label-info` type label, `div.basic-info dl` dt/dd pairs, and the `h2`
"起草单位"/"起草人" sections followed by `div.basic-info … dd a` items (the
hbba variant, a `<p>` of 、-separated names, is read too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from transform.orgs import split_units
from transform.parsers.common import (
    DetailMismatch,  # noqa: F401 - raised by merge_detail; callers catch <parser>.DetailMismatch
    ListResult,
    PageValues,
    Rejected,
    as_text,
    check_same_standard,
    clean_units,
    clean_without_spam,
    dt_dd_pairs,
    fill_from_detail,
    first,
    first_line,
    html_document,
    json_payload,
    optional_text,
    page_spam,
    reject,
    replaced_numbers,
    row_date,
    row_datetime,
    split_committee,
    text_of,
    to_int,
)
from transform.records import Provenance, Reject, StandardRecord
from transform.stdno import StdNo, StdNoError, parse_std_no
from transform.text import clean_text

SOURCE = "samr"
EXPECTED_TYPE = {2: "national", 3: "industry"}


@dataclass(slots=True)
class DetailResult:
    """What one detail page says; fields it lacks are None / empty."""

    provenance: Provenance
    std_no: str | None  # canonical
    std_no_raw: str | None
    title: str | None  # spam removed
    title_en: str | None
    type_label: str | None  # "国家标准", "行业标准-CY 新闻出版"
    status: str | None
    issue_date: date | None
    act_date: date | None
    abolish_date: date | None
    replaces: list[str]
    committee_code: str | None
    committee_name: str | None
    drafters: list[str]  # 起草单位, cleaned, spam removed, lead first
    drafter_people: list[str]  # 起草人 (personal data)
    fields: dict[str, str] = field(default_factory=dict)  # every 基础信息 label → cleaned value
    spam: list[str] = field(default_factory=list)  # injected strings found anywhere on the page
    rejects: list[Reject] = field(default_factory=list)  # values on the page that could not be read


# -- list ------------------------------------------------------------------------------------


def parse_list(text: str, provenance: Provenance, *, tid: int, keep_people: bool = False) -> ListResult:
    """One gbAdvancedSearchPage JSON page → records and rejects (one per bad row, or one for a bad page)."""
    if tid not in EXPECTED_TYPE:
        raise ValueError(f"samr tid {tid!r} is not parsed here; choose one of {sorted(EXPECTED_TYPE)}")
    try:
        payload = json_payload(text)
        if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
            raise Rejected("bad_json", "page has no 'rows' list")
    except Rejected as rejected:
        return ListResult(None, None, [], [reject(SOURCE, provenance, rejected.reason, f"list {rejected.detail}")])

    records: list[StandardRecord] = []
    rejects: list[Reject] = []
    for index, row in enumerate(payload["rows"]):
        try:
            if not isinstance(row, dict):
                raise Rejected("bad_row", f"row {index} is {type(row).__name__}, not an object")
            records.append(_parse_row(row, provenance, tid=tid, keep_people=keep_people))
        except Rejected as rejected:
            label = f"row {index} (id {row.get('id')!r})" if isinstance(row, dict) else f"row {index}"
            rejects.append(reject(SOURCE, provenance, rejected.reason, f"{label}: {rejected.detail}"))
    return ListResult(to_int(payload.get("total")), to_int(payload.get("pageNumber")), records, rejects)


def _parse_row(row: dict, provenance: Provenance, *, tid: int, keep_people: bool) -> StandardRecord:
    row_id = as_text(row.get("id"))
    if not row_id:
        raise Rejected("missing_field", "no id")
    std, std_no_raw = _parse_row_std_no(row)
    if std.std_type != EXPECTED_TYPE[tid]:
        raise Rejected(
            "type_mismatch",
            f"{std.canonical} is {std.std_type}, not {EXPECTED_TYPE[tid]} as the tid={tid} list requires",
        )
    name, name_spam = clean_without_spam(as_text(row.get("C_C_NAME")) or as_text(row.get("C_NAME")))
    if not name:
        raise Rejected("missing_field", f"{std.canonical}: no name (C_C_NAME)")

    draft_unit = as_text(row.get("DRAFT_UNIT"))
    drafters, drafter_spam = clean_units(split_units(draft_unit))
    replaces = replaced_numbers(as_text(row.get("TOTAL_REPE")))
    return StandardRecord(
        std_no=std.canonical,
        std_no_raw=std_no_raw,
        std_type=std.std_type,
        prefix=std.prefix,
        year=std.year,
        name=name,
        status=optional_text(row.get("STATE")),
        issue_date=row_date(as_text(row.get("ISSUE_DATE")), "ISSUE_DATE", std.canonical),
        act_date=row_date(as_text(row.get("ACT_DATE")), "ACT_DATE", std.canonical),
        abolish_date=row_date(as_text(row.get("D_DATE")), "D_DATE", std.canonical),
        replaces=replaces,
        is_revision=bool(replaces),
        drafters=drafters,
        drafters_known=bool(draft_unit.strip()),
        source=SOURCE,
        source_id=row_id,
        detail_url=None,
        provenance=provenance,
        spam=bool(name_spam or drafter_spam),
        input_time=row_datetime(as_text(row.get("SYS_INPUTIME"))),
        committee_code=optional_text(row.get("TA_CODE")),
        committee_name=optional_text(row.get("TA_NAME")),
        drafter_people=split_units(as_text(row.get("DRAFT_STAFF"))) if keep_people else [],
    )


def _parse_row_std_no(row: dict) -> tuple[StdNo, str]:
    tried = []
    for key in ("C_STD_CODE", "STD_CODE2"):
        raw = as_text(row.get(key)).strip()
        if not raw:
            continue
        try:
            return parse_std_no(raw), raw
        except StdNoError:
            tried.append(f"{key} {raw!r}")
    raise Rejected("bad_std_no", f"no standard number in {' or '.join(tried) or 'C_STD_CODE/STD_CODE2 (empty)'}")


# -- detail ----------------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance) -> DetailResult:
    """One gbDetailed / stdHBDetailed page. Spam is removed from what is extracted and listed in `spam`."""
    doc = html_document(html)
    page = PageValues(SOURCE, provenance)
    title, title_spam = clean_without_spam(first_line(first(doc.xpath('//div[@class="page-header"]/h4'))))
    fields = _basic_info(doc)
    std_no_raw = fields.get("标准号")

    committee_code, committee_name = split_committee(_field(fields, "归口单位", "归口部门", "技术归口"))
    if committee_code is None:
        # The code is in the value on some pages, else in the sentence "由 …（TC4）归口" [C1 TC-CSV].
        committee_code, _ = split_committee(" ".join(text_of(p) for p in doc.xpath('//p[contains(., "归口")]')))

    drafters, drafter_spam = clean_units(_section_items(doc, "起草单位"))
    people, _ = clean_units(_section_items(doc, "起草人"))

    return DetailResult(
        provenance=provenance,
        std_no=page.read_std_no(std_no_raw, "detail page 标准号") if std_no_raw else None,
        std_no_raw=std_no_raw,
        title=title or None,
        title_en=clean_text(text_of(first(doc.xpath('//div[@class="page-header"]/h5')))) or None,
        type_label=clean_text(text_of(first(doc.xpath('//span[contains(@class,"label-info")]')))) or None,
        status=_status(doc),
        issue_date=page.read_date(fields.get("发布日期"), "detail page 发布日期"),
        act_date=page.read_date(fields.get("实施日期"), "detail page 实施日期"),
        abolish_date=page.read_date(fields.get("废止日期"), "detail page 废止日期"),
        replaces=replaced_numbers(_field(fields, "代替标准", "全部代替标准", "部分代替标准") or ""),
        committee_code=committee_code,
        committee_name=committee_name,
        drafters=drafters,
        drafter_people=people,
        fields=fields,
        spam=list(dict.fromkeys(title_spam + drafter_spam + page_spam(doc))),
        rejects=page.rejects,
    )


def merge_detail(record: StandardRecord, detail: DetailResult, *, keep_people: bool = False) -> StandardRecord:
    """The list record completed by its detail page: drafters from the page (now known), any field the
    list lacked, the spam flag, and the page's provenance (the drafters came from it).

    Raises DetailMismatch when the page is about another standard.
    """
    check_same_standard(record, detail, "id")
    replaces = record.replaces or detail.replaces
    return fill_from_detail(
        record,
        detail,
        abolish_date=record.abolish_date or detail.abolish_date,
        replaces=replaces,
        is_revision=bool(replaces),
        drafters=detail.drafters or record.drafters,
        drafters_known=True,
        drafter_people=(detail.drafter_people or record.drafter_people) if keep_people else record.drafter_people,
    )


def _basic_info(doc) -> dict[str, str]:
    """Every dt/dd pair in the page's `div.basic-info` blocks (the drafter blocks have dd only)."""
    return dt_dd_pairs(doc.xpath('//div[contains(@class,"basic-info")]//dt'))


def _section_items(doc, heading: str) -> list[str]:
    """The names listed under an `h2` heading ("起草单位", "起草人"), as printed."""
    for h2 in doc.xpath("//h2"):
        if "".join(text_of(h2).split()) != heading:
            continue
        anchor = h2.getparent() if h2.getparent() is not None and "para-title" in (h2.getparent().get("class") or "") else h2
        block = first(anchor.xpath("following-sibling::*[1]"))
        if block is None:
            return []
        if block.tag == "p":  # hbba style: one paragraph, names separated by 、
            return split_units(text_of(block))
        items = [text_of(a) for a in block.xpath(".//dd//a")] or [text_of(dd) for dd in block.xpath(".//dd")]
        return [item for item in items if item.strip()]
    return []


def _status(doc) -> str | None:
    """The first status span with text: a page may carry an empty `.s-status` before the real one."""
    for path in ('//div[@class="page-header"]//span[contains(@class,"label-primary")]',
                 '//*[contains(concat(" ", normalize-space(@class), " ")," s-status ")]'):
        for node in doc.xpath(path):
            if status := clean_text(text_of(node)):
                return status
    return None


def _field(fields: dict[str, str], *labels: str) -> str | None:
    for label in labels:
        if fields.get(label):
            return fields[label]
    return None
