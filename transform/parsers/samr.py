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
  source_id  id;  detail_url  by tid (see DETAIL_PATHS)

Detail page: `.page-header > h4` (first line) title, `.label-primary` status,
`.label-info` type label, `div.basic-info dl` dt/dd pairs, and the `h2`
"起草单位"/"起草人" sections followed by `div.basic-info … dd a` items (the
hbba variant, a `<p>` of 、-separated names, is read too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import lxml.html

from transform.dates import DateError, parse_date, parse_datetime
from transform.orgs import split_units
from transform.records import Provenance, Reject, StandardRecord
from transform.stdno import StdNo, StdNoError, canonical_std_no, parse_std_no, split_std_nos
from transform.text import clean_text, find_spam, remove_spam

SOURCE = "samr"
# The same paths as extract.sources.samr.DETAIL_PATHS (transform may not import extract; a test keeps them equal).
DETAIL_PATHS = {2: "/gb/search/gbDetailed", 3: "/hb/search/stdHBDetailed"}
EXPECTED_TYPE = {2: "national", 3: "industry"}

_LIST_SEPARATORS = re.compile(r"[,;、，；]")
_COMMITTEE_CODE = re.compile(r"\bTC\s*\d+(?:\s*/\s*SC\s*\d+)?", re.I)
# What a spam cut can leave at the edge of a name: the joiners it was glued with.
_EDGE_JOINERS = " _-－—–|｜·•丨/"


@dataclass(slots=True)
class ListResult:
    total: int | None  # None when the page was not a list at all
    page_number: int | None
    records: list[StandardRecord]
    rejects: list[Reject]


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


class DetailMismatch(ValueError):
    """A detail page about another standard than the record it was fetched for."""


class _Rejected(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# -- list ------------------------------------------------------------------------------------


def parse_list(
    text: str, provenance: Provenance, *, tid: int, base_url: str, keep_people: bool = False
) -> ListResult:
    """One gbAdvancedSearchPage JSON page → records and rejects (one per bad row, or one for a bad page)."""
    if tid not in EXPECTED_TYPE:
        raise ValueError(f"samr tid {tid!r} is not parsed here; choose one of {sorted(EXPECTED_TYPE)}")
    try:
        payload = json.loads(text)
    except ValueError as exc:
        return ListResult(None, None, [], [_reject(provenance, "bad_json", f"list page is not JSON ({exc})")])
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        return ListResult(None, None, [], [_reject(provenance, "bad_json", "list page has no 'rows' list")])

    records: list[StandardRecord] = []
    rejects: list[Reject] = []
    for index, row in enumerate(payload["rows"]):
        try:
            if not isinstance(row, dict):
                raise _Rejected("bad_row", f"row {index} is {type(row).__name__}, not an object")
            records.append(_parse_row(row, provenance, tid=tid, base_url=base_url, keep_people=keep_people))
        except _Rejected as rejected:
            label = f"row {index} (id {row.get('id')!r})" if isinstance(row, dict) else f"row {index}"
            rejects.append(_reject(provenance, rejected.reason, f"{label}: {rejected.detail}"))
    return ListResult(_int(payload.get("total")), _int(payload.get("pageNumber")), records, rejects)


def _parse_row(row: dict, provenance: Provenance, *, tid: int, base_url: str, keep_people: bool) -> StandardRecord:
    row_id = _text(row.get("id"))
    if not row_id:
        raise _Rejected("missing_field", "no id")
    std, std_no_raw = _parse_row_std_no(row)
    if std.std_type != EXPECTED_TYPE[tid]:
        raise _Rejected(
            "type_mismatch",
            f"{std.canonical} is {std.std_type}, not {EXPECTED_TYPE[tid]} as the tid={tid} list requires",
        )
    name, name_spam = _clean_without_spam(_text(row.get("C_C_NAME")) or _text(row.get("C_NAME")))
    if not name:
        raise _Rejected("missing_field", f"{std.canonical}: no name (C_C_NAME)")

    draft_unit = _text(row.get("DRAFT_UNIT"))
    drafters, drafter_spam = _units(split_units(draft_unit))
    replaces = _replaced(_text(row.get("TOTAL_REPE")))
    return StandardRecord(
        std_no=std.canonical,
        std_no_raw=std_no_raw,
        std_type=std.std_type,
        prefix=std.prefix,
        year=std.year,
        name=name,
        status=clean_text(_text(row.get("STATE"))) or None,
        issue_date=_row_date(row, "ISSUE_DATE", std.canonical),
        act_date=_row_date(row, "ACT_DATE", std.canonical),
        abolish_date=_row_date(row, "D_DATE", std.canonical),
        replaces=replaces,
        is_revision=bool(replaces),
        drafters=drafters,
        drafters_known=bool(draft_unit.strip()),
        source=SOURCE,
        source_id=row_id,
        detail_url=f"{base_url.rstrip('/')}{DETAIL_PATHS[tid]}?id={row_id}",
        provenance=provenance,
        spam=bool(name_spam or drafter_spam),
        input_time=_input_time(row),
        committee_code=clean_text(_text(row.get("TA_CODE"))) or None,
        committee_name=clean_text(_text(row.get("TA_NAME"))) or None,
        drafter_people=split_units(_text(row.get("DRAFT_STAFF"))) if keep_people else [],
    )


def _parse_row_std_no(row: dict) -> tuple[StdNo, str]:
    tried = []
    for key in ("C_STD_CODE", "STD_CODE2"):
        raw = _text(row.get(key)).strip()
        if not raw:
            continue
        try:
            return parse_std_no(raw), raw
        except StdNoError:
            tried.append(f"{key} {raw!r}")
    raise _Rejected("bad_std_no", f"no standard number in {' or '.join(tried) or 'C_STD_CODE/STD_CODE2 (empty)'}")


def _row_date(row: dict, key: str, std_no: str) -> date | None:
    try:
        return parse_date(_text(row.get(key)))
    except DateError as exc:
        raise _Rejected("bad_date", f"{std_no}: {key} {row.get(key)!r} is not a date ({exc})") from None


def _input_time(row: dict) -> datetime | None:
    """SYS_INPUTIME, or None when unreadable: it only places the watermark, and the
    paging treats an unknown time as new, so the standard itself is kept."""
    try:
        return parse_datetime(_text(row.get("SYS_INPUTIME")))
    except DateError:
        return None


# -- detail ----------------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance) -> DetailResult:
    """One gbDetailed / stdHBDetailed page. Spam is removed from what is extracted and listed in `spam`."""
    doc = lxml.html.fromstring(html)
    spam: list[str] = []
    rejects: list[Reject] = []

    title, title_spam = _clean_without_spam(_first_line(_first(doc.xpath('//div[@class="page-header"]/h4'))))
    spam += title_spam
    fields = _basic_info(doc)

    std_no, std_no_raw = None, fields.get("标准号")
    if std_no_raw:
        try:
            std_no = canonical_std_no(std_no_raw)
        except StdNoError as exc:
            rejects.append(_reject(provenance, "bad_std_no", f"detail page 标准号 {std_no_raw!r}: {exc}"))

    def page_date(label: str) -> date | None:
        try:
            return parse_date(fields.get(label))
        except DateError as exc:
            rejects.append(_reject(provenance, "bad_date", f"detail page {label} {fields.get(label)!r}: {exc}"))
            return None

    committee = _field(fields, "归口单位", "归口部门", "技术归口")
    # The code is in the value on some pages, else in the sentence "由 …（TC4）归口" [C1 TC-CSV].
    code = _COMMITTEE_CODE.search(committee or "") or _COMMITTEE_CODE.search(
        " ".join(_text_of(p) for p in doc.xpath('//p[contains(., "归口")]'))
    )
    committee_name = clean_text(_COMMITTEE_CODE.sub("", committee or "").replace("（）", "").replace("()", ""))

    drafters, drafter_spam = _units(_section_items(doc, "起草单位"))
    people, _ = _units(_section_items(doc, "起草人"))
    spam += drafter_spam
    spam += _page_spam(doc)

    return DetailResult(
        provenance=provenance,
        std_no=std_no,
        std_no_raw=std_no_raw,
        title=title or None,
        title_en=clean_text(_text_of(_first(doc.xpath('//div[@class="page-header"]/h5')))) or None,
        type_label=clean_text(_text_of(_first(doc.xpath('//span[contains(@class,"label-info")]')))) or None,
        status=_status(doc),
        issue_date=page_date("发布日期"),
        act_date=page_date("实施日期"),
        abolish_date=page_date("废止日期"),
        replaces=_replaced(_field(fields, "代替标准", "全部代替标准", "部分代替标准") or ""),
        committee_code=re.sub(r"\s+", "", code.group()).upper() if code else None,
        committee_name=committee_name or None,
        drafters=drafters,
        drafter_people=people,
        fields=fields,
        spam=list(dict.fromkeys(spam)),
        rejects=rejects,
    )


def merge_detail(record: StandardRecord, detail: DetailResult, *, keep_people: bool = False) -> StandardRecord:
    """The list record completed by its detail page: drafters from the page (now known), any field the
    list lacked, the spam flag, and the page's provenance (the drafters came from it).

    Raises DetailMismatch when the page is about another standard.
    """
    if detail.std_no and detail.std_no != record.std_no:
        raise DetailMismatch(
            f"{detail.provenance.url} is the page of {detail.std_no}, not of {record.std_no} (id {record.source_id})"
        )
    replaces = record.replaces or detail.replaces
    return replace(
        record,
        name=record.name or detail.title or "",
        status=record.status or detail.status,
        issue_date=record.issue_date or detail.issue_date,
        act_date=record.act_date or detail.act_date,
        abolish_date=record.abolish_date or detail.abolish_date,
        replaces=replaces,
        is_revision=bool(replaces),
        drafters=detail.drafters or record.drafters,
        drafters_known=True,
        committee_code=record.committee_code or detail.committee_code,
        committee_name=record.committee_name or detail.committee_name,
        drafter_people=(detail.drafter_people or record.drafter_people) if keep_people else record.drafter_people,
        spam=record.spam or bool(detail.spam),
        provenance=detail.provenance,
    )


def _basic_info(doc) -> dict[str, str]:
    """Every dt/dd pair in the page's `div.basic-info` blocks (the drafter blocks have dd only)."""
    fields: dict[str, str] = {}
    for dt in doc.xpath('//div[contains(@class,"basic-info")]//dt'):
        dd = _first(dt.xpath("following-sibling::*[1][self::dd]"))
        label = "".join(clean_text(_text_of(dt)).split()).rstrip("：:")
        if label and dd is not None and label not in fields:
            fields[label] = clean_text(" ".join(dd.itertext()))
    return fields


def _section_items(doc, heading: str) -> list[str]:
    """The names listed under an `h2` heading ("起草单位", "起草人"), as printed."""
    for h2 in doc.xpath("//h2"):
        if "".join(_text_of(h2).split()) != heading:
            continue
        anchor = h2.getparent() if h2.getparent() is not None and "para-title" in (h2.getparent().get("class") or "") else h2
        block = _first(anchor.xpath("following-sibling::*[1]"))
        if block is None:
            return []
        if block.tag == "p":  # hbba style: one paragraph, names separated by 、
            return split_units(_text_of(block))
        items = [_text_of(a) for a in block.xpath(".//dd//a")] or [_text_of(dd) for dd in block.xpath(".//dd")]
        return [item for item in items if item.strip()]
    return []


def _status(doc) -> str | None:
    for path in ('//div[@class="page-header"]//span[contains(@class,"label-primary")]',
                 '//*[contains(@class,"s-status")]'):
        node = _first(doc.xpath(path))
        if node is not None and clean_text(_text_of(node)):
            return clean_text(_text_of(node))
    return None


def _page_spam(doc) -> list[str]:
    """Spam anywhere a hijacker puts it: visible text, <title>, meta keywords/description."""
    texts = doc.xpath("//text()[not(ancestor::script) and not(ancestor::style)]")
    texts += doc.xpath('//meta[@name="keywords" or @name="description"]/@content')
    return find_spam(clean_text(" ".join(texts)))


def _first_line(node) -> str:
    """The first line of a heading that also holds other elements (status label, attachments)."""
    if node is None:
        return ""
    return (node.text or _text_of(node)).strip().split("\n")[0]


# -- shared helpers --------------------------------------------------------------------------


def _units(names: list[str]) -> tuple[list[str], list[str]]:
    """Names cleaned, with spam removed; those left empty are dropped. Returns (names, spam found)."""
    kept: list[str] = []
    spam: list[str] = []
    for name in names:
        cleaned, found = _clean_without_spam(name)
        spam += found
        if cleaned:
            kept.append(cleaned)
    return kept, spam


def _clean_without_spam(text: str) -> tuple[str, list[str]]:
    cleaned, found = remove_spam(clean_text(text))
    if found:
        cleaned = clean_text(cleaned).strip(_EDGE_JOINERS)
    return cleaned, found


def _replaced(text: str) -> list[str]:
    """Canonical replaced numbers; a piece that is not a number is kept as printed (cleaned)."""
    try:
        return split_std_nos(text)
    except StdNoError:
        numbers = []
        for piece in _LIST_SEPARATORS.split(clean_text(text)):
            piece = piece.strip()
            if piece:
                try:
                    numbers.append(canonical_std_no(piece))
                except StdNoError:
                    numbers.append(piece)
        return numbers


def _field(fields: dict[str, str], *labels: str) -> str | None:
    for label in labels:
        if fields.get(label):
            return fields[label]
    return None


def _reject(provenance: Provenance, reason: str, detail: str) -> Reject:
    return Reject(SOURCE, reason, detail, provenance.url, provenance.response_id)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _text_of(node) -> str:
    return "" if node is None else " ".join(node.itertext())


def _first(nodes: list):
    return nodes[0] if nodes else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
