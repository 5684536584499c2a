"""What the registry parsers share: the result shape of a list page, row rejection, and cleaning.

Each parser module (`samr`, `sacinfo`, `ttbz`, `qybz`, `tc`, `openstd`) declares only what
differs — its fields and its markup — and takes from here: `ListResult`, the
`Rejected` signal that turns one bad row into one `Reject` without costing the
others, spam-aware cleaning of names and unit lists, standard numbers of an
expected type, dates that reject rather than guess (`PageValues` for a detail page's),
page-wide spam detection, and the checks and gap-filling every `merge_detail` starts from.
Pure: str in, values out.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import lxml.html
from lxml import etree

from transform.dates import DateError, parse_date, parse_datetime
from transform.records import Provenance, Reject, StandardRecord
from transform.stdno import StdNo, StdNoError, canonical_std_no, parse_std_no, split_std_nos
from transform.text import clean_text, find_spam, remove_spam

# What a spam cut can leave at the edge of a name: the joiners it was glued with.
EDGE_JOINERS = " _-－—–|｜·•丨/"
# "SAC/TC 28/SC 42" (national; SAC/ dropped) or "JS/TC 12" (a provincial committee keeps its prefix,
# so it never passes for national TC12).
COMMITTEE_CODE = re.compile(
    r"(?:(?<![A-Za-z0-9])(?P<owner>[A-Z]{2,4})\s*/\s*)?"
    r"(?P<code>(?<![A-Za-z0-9])(?:TC|SWG)\s*\d+(?:\s*/\s*(?:SC|WG)\s*\d+)?)",
    re.I,
)
_LIST_SEPARATORS = re.compile(r"[,;、，；]")


@dataclass(slots=True)
class ListResult:
    """One list page: its records, the rows that could not become records, and page-wide spam."""

    total: int | None  # None when the page was not a list at all
    page_number: int | None
    records: list[StandardRecord]
    rejects: list[Reject]
    spam: list[str] = field(default_factory=list)  # injected strings found anywhere on the page


class Rejected(Exception):
    """Raised inside a row parser; the caller turns it into one `Reject` naming the row."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class DetailMismatch(ValueError):
    """A detail page about another standard than the record it was fetched for."""


def reject(source: str, provenance: Provenance, reason: str, detail: str) -> Reject:
    return Reject(source, reason, detail, provenance.url, provenance.response_id)


@dataclass(slots=True)
class PageValues:
    """Reads the standard number and dates of one detail page: a value that cannot be read is
    None and one `Reject` in `rejects` naming it (`label` says where: "detail page 发布日期"),
    and the rest of the page is kept."""

    source: str
    provenance: Provenance
    rejects: list[Reject] = field(default_factory=list)

    def read_std_no(self, raw: str, label: str) -> str | None:
        try:
            return canonical_std_no(raw)
        except StdNoError as exc:
            self.rejects.append(reject(self.source, self.provenance, "bad_std_no", f"{label} {raw!r}: {exc}"))
            return None

    def read_date(self, value: Any, label: str) -> date | None:
        try:
            return parse_date(value)
        except DateError as exc:
            self.rejects.append(reject(self.source, self.provenance, "bad_date", f"{label} {value!r}: {exc}"))
            return None


def json_payload(text: str) -> Any:
    """The parsed JSON, or raises `Rejected("bad_json")` saying how the page starts."""
    try:
        return json.loads(text)
    except ValueError as exc:
        start = text[:60].replace("\n", " ")
        raise Rejected("bad_json", f"page is not JSON ({exc}); it starts {start!r}") from None


# -- cleaning --------------------------------------------------------------------------------


def clean_without_spam(value: Any) -> tuple[str, list[str]]:
    """Markup, invisible characters and spam runs removed. Returns (text, spam found)."""
    cleaned, found = remove_spam(clean_text(as_text(value)))
    if found:
        cleaned = clean_text(cleaned).strip(EDGE_JOINERS)
    return cleaned, found


def clean_units(names: list[str]) -> tuple[list[str], list[str]]:
    """Names cleaned, spam removed, those left empty dropped. Returns (names, spam found)."""
    kept: list[str] = []
    spam: list[str] = []
    for name in names:
        cleaned, found = clean_without_spam(name)
        spam += found
        if cleaned:
            kept.append(cleaned)
    return kept, spam


def optional_text(value: Any) -> str | None:
    return clean_text(as_text(value)) or None


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def to_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- standard numbers and dates --------------------------------------------------------------


def std_no_of(raw: Any, expected_type: str | tuple[str, ...], *, label: str) -> StdNo:
    """The parsed number, which must be of `expected_type` (or one of them); raises `Rejected` naming the value."""
    text = as_text(raw).strip()
    if not text:
        raise Rejected("missing_field", f"no standard number ({label})")
    try:
        std = parse_std_no(text)
    except StdNoError:
        raise Rejected("bad_std_no", f"{label} {text!r} is not a standard number") from None
    expected = (expected_type,) if isinstance(expected_type, str) else expected_type
    if std.std_type not in expected:
        raise Rejected("type_mismatch",
                       f"{std.canonical} is {std.std_type}, not {' or '.join(expected)} as this list requires")
    return std


def row_date(value: Any, label: str, std_no: str) -> date | None:
    """A row's date; None when blank; raises `Rejected("bad_date")` when unreadable."""
    try:
        return parse_date(value)
    except DateError as exc:
        raise Rejected("bad_date", f"{std_no}: {label} {value!r} is not a date ({exc})") from None


def row_datetime(value: Any) -> datetime | None:
    """A time that only places a watermark: unreadable → None, and the row is kept."""
    try:
        return parse_datetime(value)
    except DateError:
        return None


def replaced_numbers(text: str) -> list[str]:
    """Canonical numbers of a 代替标准 field; a piece that is not a number is kept as printed."""
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


def committee_code(text: str | None) -> str | None:
    """"SAC/TC 28/SC 42" → "TC28/SC42": the spelling `StandardRecord.committee_code` uses."""
    match = COMMITTEE_CODE.search(text or "")
    if match is None:
        return None
    code = re.sub(r"\s+", "", match["code"]).upper()
    owner = (match["owner"] or "SAC").upper()
    return code if owner == "SAC" else f"{owner}/{code}"


def split_committee(text: str | None) -> tuple[str | None, str | None]:
    """"全国信息与文献标准化技术委员会（SAC/TC 4）" → ("TC4", "全国信息与文献标准化技术委员会")."""
    name = clean_text(COMMITTEE_CODE.sub("", text or "")).replace("（）", "").replace("()", "").strip()
    return committee_code(text), name or None


# -- merging a detail page ------------------------------------------------------------------


def check_same_standard(record: StandardRecord, detail: Any, id_label: str) -> None:
    """Raises `DetailMismatch` when the page (`detail.std_no`, when it names one) is another standard's;
    `id_label` names the portal's id in the message ("id", "pk", …)."""
    if detail.std_no and detail.std_no != record.std_no:
        raise DetailMismatch(
            f"{detail.provenance.url} is the page of {detail.std_no}, not of {record.std_no} "
            f"({id_label} {record.source_id})"
        )


def fill_from_detail(record: StandardRecord, detail: Any, **changes: Any) -> StandardRecord:
    """`record` with what its detail page adds where the list left a gap — name, status, issue and
    act dates, 归口 — the page's spam flag, and the page's provenance; `changes` are the source's own."""
    return replace(
        record,
        name=record.name or detail.title or "",
        status=record.status or detail.status,
        issue_date=record.issue_date or detail.issue_date,
        act_date=record.act_date or detail.act_date,
        committee_code=record.committee_code or detail.committee_code,
        committee_name=record.committee_name or detail.committee_name,
        spam=record.spam or bool(detail.spam),
        provenance=detail.provenance,
        **changes,
    )


# -- HTML ------------------------------------------------------------------------------------


_parsers = threading.local()  # an lxml parser is not to be shared by threads parsing at once


def html_document(html: str):
    """The parsed page; an empty body (a truncated or blank answer) is an empty document, not an error.

    Plain lxml elements (the parsers use only XPath, text and attributes): lxml.html's own parser
    gives every element it hands to Python a class through a Python-level lookup, a twentieth of a
    reprocess's parse; libxml2 parses the same way with the same options."""
    parser = getattr(_parsers, "html", None)
    if parser is None:
        parser = _parsers.html = etree.HTMLParser()
    return lxml.html.fromstring(html if html.strip() else "<html></html>", parser=parser)


def text_of(node) -> str:
    return "" if node is None else " ".join(node.itertext())


def first(nodes: list):
    return nodes[0] if nodes else None


def first_line(node) -> str:
    """The first line of a heading that also holds other elements (type and status labels, attachments)."""
    if node is None:
        return ""
    return (node.text if (node.text or "").strip() else text_of(node)).strip().split("\n")[0]


# Plain strings, not lxml's "smart" ones (which know their parent): a third of the cost of a page's text.
_ALL_TEXT = etree.XPath("//text()", smart_strings=False)
_SCRIPTS = etree.XPath("//script|//style")
_META_TEXT = etree.XPath('//meta[@name="keywords" or @name="description"]/@content', smart_strings=False)


def visible_text(doc) -> list[str]:
    """Every text node of `doc` but those of <script> and <style>, in document order.

    libxml2's HTML parser reads a <script> or <style> as raw text, never as elements, so their text
    is their `.text` and nothing else: it is set aside while one plain `//text()` runs, and put back.
    That is what `//text()[not(parent::script) and not(parent::style)]` selects, at a third of its cost
    (libxml2 evaluates a predicate per text node: a tenth of a big source's parse)."""
    hidden = _SCRIPTS(doc)
    texts = [element.text for element in hidden]
    try:
        for element in hidden:
            element.text = None
        return _ALL_TEXT(doc)
    finally:
        for element, text in zip(hidden, texts):
            element.text = text


def page_spam(doc) -> list[str]:
    """Spam anywhere a hijacker puts it: visible text, <title>, meta keywords/description."""
    return find_spam(clean_text(" ".join(visible_text(doc) + _META_TEXT(doc))))


_NEXT_DD = etree.XPath("following-sibling::*[1][self::dd]")  # compiled once, not per label


def dt_dd_pairs(dts: list) -> dict[str, str]:
    """Each `dt` label → the cleaned text of the `dd` right after it; the first of a repeated label
    wins, and a `dt` without a `dd` after it is skipped."""
    fields: dict[str, str] = {}
    for dt in dts:
        dd = first(_NEXT_DD(dt))
        label = label_of(dt)
        if label and dd is not None and label not in fields:
            fields[label] = clean_text(" ".join(dd.itertext()))
    return fields


def label_of(node) -> str:
    """A label cell's text without spaces or a trailing colon: "发布日期：" → "发布日期"."""
    return "".join(clean_text(text_of(node)).split()).rstrip("：:")
