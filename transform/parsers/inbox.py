"""Validate analysts' files row by row and turn them into records.

Two entry points:

- `parse_org_register` — the organisation register files named in the settings
  (机构名称 → 统一社会信用代码 / 地址 / 行政区划), read by every run. A row without a name
  is rejected with its origin; a credit code is kept as seen — `transform.attribution`
  reports an invalid one and never uses it as evidence.
- `validate_inbox` — the files `stdwatch inbox load` takes, one kind per file
  (`INBOX_KINDS`: the columns of each kind, Chinese headers first). Every row is checked
  (required cells, numbers, dates within `earliest`..`latest`, credit-code check
  character, districts the region knows, no repeated row) and becomes either records
  with its origin (`file#sheet!row`) or one `Reject` whose `reason` is a key of
  `REJECT_REASONS` and whose `detail` names the cell and the fix.

What a good row becomes, per kind:
  enterprise_std    a `StandardRecord` (source "inbox", the enterprise as its only drafter)
                    and the enterprise's `OrgEvidence` (credit code, 行政区划)
  rates             a `ManualFact` with numerator, denominator and the rate in percent
  experts, intl_std_led, liaison_stations
                    an `EventRecord` (stage decision, dated by the row) counted like an
                    announced entry, and the organisation's `OrgEvidence` when 区县 is given
  org_register      `OrgEvidence`
and every good row also a `ManualFact` (the row as entered, with file/sheet/row/sha256).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Protocol

from transform.dates import DateError, parse_date
from transform.events import DECISION, entry_key
from transform.parsers.common import Rejected
from transform.records import EventRecord, ManualFact, OrgEvidence, Provenance, Reject, StandardRecord
from transform.region import Region
from transform.stdno import StdNoError, parse_std_no
from transform.text import clean_text, to_halfwidth
from transform.uscc import explain_uscc, is_valid_uscc, normalize_uscc


class Row(Protocol):
    """A row of an analyst's file (extract.sources.inbox.FileRow has this shape)."""

    origin: str
    values: Mapping[str, str]


class HashedRow(Row, Protocol):
    file_sha256: str


# Accepted header spellings per field (Chinese first: analysts' files are in Chinese).
ORG_REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("机构名称", "单位名称", "企业名称", "组织名称", "name", "org_name"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc", "credit_code"),
    "address": ("地址", "注册地址", "住所", "通讯地址", "address"),
    "division": ("行政区划", "所在区县", "区县", "division"),
}


def _pick(values: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = values.get(name)
        if value is not None and value.strip():
            return clean_text(value)
    return None


def parse_org_register(rows: Iterable[Row], source: str = "inbox") -> tuple[list[OrgEvidence], list[Reject]]:
    evidence: list[OrgEvidence] = []
    rejects: list[Reject] = []
    for row in rows:
        name = _pick(row.values, ORG_REGISTER_COLUMNS["name"])
        if not name:
            rejects.append(
                Reject(
                    source=source,
                    reason="missing_field",
                    detail=f"{row.origin}: no organisation name (column 机构名称); fill it in or delete the row",
                    url=row.origin,
                )
            )
            continue
        evidence.append(
            OrgEvidence(
                name=name,
                source=source,
                uscc=_pick(row.values, ORG_REGISTER_COLUMNS["uscc"]),
                address=_pick(row.values, ORG_REGISTER_COLUMNS["address"]),
                division=_pick(row.values, ORG_REGISTER_COLUMNS["division"]),
                origin=row.origin,
            )
        )
    return evidence, rejects


# -- the inbox kinds -------------------------------------------------------------------------

SOURCE = "inbox"
REJECT_REASONS: dict[str, str] = {
    "missing_column": "the file has no column for a required field",
    "missing_field": "a required cell is empty",
    "bad_number": "a number cell is not a number, or is out of its range",
    "numerator_exceeds_denominator": "a rate's numerator is larger than its denominator",
    "bad_date": "a date cell is not a date",
    "date_out_of_range": "a date or year is outside the accepted range",
    "bad_uscc": "the 统一社会信用代码 is malformed or its check character is wrong",
    "unknown_district": "the 区县/行政区划 is not a district of the region",
    "unknown_indicator": "the 指标 is not one of the rates",
    "bad_std_no": "the 标准编号 is not an enterprise standard number",
    "duplicate_row": "the same row appears earlier in the file",
}
CITY_WORDS = ("全市", "市本级", "合计")


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    header: str  # the header the template writes
    aliases: tuple[str, ...] = ()  # other headers accepted
    required: bool = False
    kind: str = "text"  # text | date | year | number | uscc | district | std_no | indicator
    note: str = ""  # what to enter (written into the template's notes)


@dataclass(frozen=True, slots=True)
class InboxKind:
    kind: str
    label: str  # Chinese, for the template's sheet and the CLI
    indicator_id: str | None
    columns: tuple[Column, ...]
    unique: tuple[str, ...]  # fields that identify a row: a repeat is a duplicate_row

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


RATE_INDICATORS = {
    "std_research_rate": ("科技计划项目形成标准研究成果比率", "共性关键技术和应用类科技计划项目形成标准研究成果的比率", "形成标准研究成果比率"),
    "std_director_coverage": ("规上企业标准总监覆盖率", "规上企业标准总监培育覆盖率", "标准总监覆盖率"),
}
_DISTRICT = Column("district", "区县", ("所在区县", "区（市）", "区(市)", "行政区划"), kind="district",
                   note="本市区、县级市的名称；可空")

INBOX_KINDS: dict[str, InboxKind] = {
    "enterprise_std": InboxKind("enterprise_std", "企业标准自我声明公开（监管部门导出）", "enterprise_std", (
        Column("std_no", "标准编号", ("企业标准编号",), True, "std_no", "如 Q/ABCD 001-2024"),
        Column("name", "标准名称", (), True),
        Column("org", "企业名称", ("声明企业", "单位名称"), True),
        Column("uscc", "统一社会信用代码", ("信用代码",), kind="uscc", note="18位；可空"),
        Column("district", "行政区划", ("所在区县", "区县"), kind="district", note="区县名称或6位代码；可空"),
        Column("on", "公开日期", ("发布日期", "声明日期"), True, "date", "YYYY-MM-DD"),
    ), ("std_no",)),
    "rates": InboxKind("rates", "比率指标（分子/分母，按区县和年度）", None, (
        Column("indicator", "指标", ("指标名称",), True, "indicator",
               "科技计划项目形成标准研究成果比率 或 规上企业标准总监覆盖率（或其代码）"),
        Column("district", "区县", ("所在区县", "区（市）"), True, "district", "区县名称；全市数据填“全市”"),
        Column("year", "年度", ("年份",), True, "year", "如 2024"),
        Column("numerator", "分子", (), True, "number", "形成标准研究成果的项目数 / 培育标准总监的规上企业数"),
        Column("denominator", "分母", (), True, "number", "科技计划项目数 / 规上企业数"),
        Column("note", "备注", ()),
    ), ("indicator", "district", "year")),
    "experts": InboxKind("experts", "国际注册专家和国内技术委员会委员", "experts", (
        Column("person", "姓名", (), True),
        Column("org", "工作单位", ("所在单位", "单位名称"), True),
        Column("committee", "技术组织", ("技术委员会", "国际组织"), True, note="如 ISO/TC 299、全国XX标准化技术委员会"),
        Column("category", "类别", (), True, note="国际标准化组织注册专家 或 国内技术委员会委员"),
        _DISTRICT,
        Column("on", "聘任日期", ("注册日期", "任职日期"), True, "date", "YYYY-MM-DD"),
    ), ("person", "committee")),
    "intl_std_led": InboxKind("intl_std_led", "主导制定的国际标准", "intl_std_led", (
        Column("std_no", "国际标准编号", ("标准编号",), True, note="如 ISO 23456:2024"),
        Column("name", "标准名称", (), True),
        Column("org", "牵头单位", ("主导单位",), True),
        _DISTRICT,
        Column("on", "发布日期", (), True, "date", "YYYY-MM-DD"),
        Column("body", "国际组织", (), note="ISO / IEC / ITU …"),
    ), ("std_no",)),
    "liaison_stations": InboxKind("liaison_stations", "国际对口技术机构联络站", "intl_liaison_stations", (
        Column("name", "联络站名称", (), True),
        Column("body", "对口国际组织", ()),
        Column("org", "依托单位", ("建设单位",), True),
        _DISTRICT,
        Column("on", "设立日期", ("授牌日期",), True, "date", "YYYY-MM-DD"),
    ), ("name", "org")),
    "org_register": InboxKind("org_register", "机构名称 → 信用代码 / 地址对照", None, (
        Column("name", "机构名称", ORG_REGISTER_COLUMNS["name"][1:], True),
        Column("uscc", "统一社会信用代码", ORG_REGISTER_COLUMNS["uscc"][1:], kind="uscc", note="18位；可空"),
        Column("address", "地址", ORG_REGISTER_COLUMNS["address"][1:]),
        Column("division", "行政区划", ORG_REGISTER_COLUMNS["division"][1:], note="区县名称或代码；可空"),
    ), ()),
}


def kind_of(name: str) -> InboxKind:
    if name not in INBOX_KINDS:
        raise KeyError(f"unknown inbox kind {name!r}; choose one of {', '.join(INBOX_KINDS)}")
    return INBOX_KINDS[name]


def _header_index(kind: InboxKind, headers: Iterable[str]) -> dict[str, str]:
    """field → the header the file uses for it."""
    present = {"".join(h.split()): h for h in headers if h}
    found = {}
    for column in kind.columns:
        for label in (column.header, *column.aliases):
            if label in present:
                found[column.field] = present[label]
                break
    return found


def detect_kind(headers: Sequence[str]) -> str | None:
    """The kind whose required columns the headers cover (the most columns, on a tie the first);
    None when no kind's required columns are all there."""
    best, best_score = None, -1
    for kind in INBOX_KINDS.values():
        found = _header_index(kind, headers)
        if all(c.field in found for c in kind.columns if c.required) and len(found) > best_score:
            best, best_score = kind.kind, len(found)
    return best


@dataclass(slots=True)
class InboxResult:
    kind: str
    facts: list[ManualFact] = field(default_factory=list)
    standards: list[StandardRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    evidence: list[OrgEvidence] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rows: int = 0


def split_origin(origin: str) -> tuple[str, str, int]:
    """"file.xlsx#Sheet1!5" → ("file.xlsx", "Sheet1", 5)."""
    file_name, _, rest = origin.rpartition("#")
    sheet, _, row = rest.rpartition("!")
    return file_name, sheet, int(row)


def validate_inbox(
    rows: Iterable[HashedRow],
    kind: str,
    region: Region,
    *,
    loaded_at: datetime,
    earliest: date = date(2000, 1, 1),
    latest: date | None = None,
) -> InboxResult:
    """Every row of one file of `kind`: records for the good ones, one `Reject` per bad one."""
    return InboxValidator(kind, region, loaded_at=loaded_at, earliest=earliest, latest=latest).validate(rows)


class InboxValidator:
    """One file's rows, validated a batch at a time (a large file is never held whole): the
    header mapping and the rows already seen (for duplicate_row) carry over between batches.
    """

    def __init__(self, kind: str, region: Region, *, loaded_at: datetime,
                 earliest: date = date(2000, 1, 1), latest: date | None = None) -> None:
        self.kind, self.region, self.loaded_at, self.earliest = kind, region, loaded_at, earliest
        self.spec = kind_of(kind)
        self.latest = latest or loaded_at.astimezone(timezone.utc).date()
        # Each row key seen, as a 16-byte digest, and its row number: a 100,000-row file's keys kept
        # as tuples of strings took 21 MiB of the load's 300 MB; digests take 13 (a collision would
        # need some 2^64 rows).
        self.seen: dict[bytes, int | str] = {}
        self.headers: dict[str, str] | None = None

    def validate(self, rows: Iterable[HashedRow]) -> InboxResult:
        """This batch's records and rejects."""
        result = InboxResult(self.kind)
        for row in rows:
            result.rows += 1
            if self.headers is None:
                self.headers = _header_index(self.spec, row.values.keys())
            try:
                self._row(row, self.headers, result)
            except Rejected as rejected:
                result.rejects.append(Reject(SOURCE, rejected.reason, f"{row.origin}: {rejected.detail}", url=row.origin))
        return result

    def _row(self, row: HashedRow, headers: dict[str, str], result: InboxResult) -> None:
        spec = self.spec
        missing = [c.header for c in spec.columns if c.required and c.field not in headers]
        if missing:
            raise Rejected("missing_column", f"the file has no column {'、'.join(missing)}: "
                                             f"write it into the header row (see `stdwatch inbox template {self.kind}`)")
        values = _row_values(spec, headers, row, self.region, self.earliest, self.latest)
        if spec.unique:
            key = tuple(_key_text(values.get(f)) for f in spec.unique)
            digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).digest()
            if digest in self.seen:
                raise Rejected("duplicate_row", f"repeats row {self.seen[digest]} ({'、'.join(spec.column(f).header for f in spec.unique)} "
                                                f"{' / '.join(map(str, key))}); delete one of them")
            number = row.origin.rpartition("!")[2]
            self.seen[digest] = int(number) if number.isdigit() else number
        _emit(spec, values, row, headers, self.loaded_at, result)


def _key_text(value: object) -> str:
    if hasattr(value, "canonical"):  # a parsed standard number
        return value.canonical
    if isinstance(value, str):
        return "".join(to_halfwidth(value).split()).upper()
    return str(value)


def _row_values(spec: InboxKind, headers: Mapping[str, str], row: Row, region: Region,
                earliest: date, latest: date) -> dict[str, object]:
    values: dict[str, object] = {}
    for column in spec.columns:
        raw = clean_text(row.values.get(headers.get(column.field, ""), "") or "")
        if not raw:
            if column.required:
                raise Rejected("missing_field", f"{column.header} is empty; fill it in or delete the row")
            values[column.field] = None
            continue
        values[column.field] = _typed(column, raw, region, earliest, latest)
    if spec.kind == "rates":
        numerator, denominator = values["numerator"], values["denominator"]
        if denominator == 0:
            raise Rejected("bad_number", "分母 is 0: a rate needs a denominator above 0")
        if numerator > denominator:
            raise Rejected("numerator_exceeds_denominator",
                           f"分子 {numerator:g} is larger than 分母 {denominator:g}; check the two cells")
    return values


def _typed(column: Column, raw: str, region: Region, earliest: date, latest: date) -> object:
    label = column.header
    if column.kind == "date":
        try:
            day = parse_date(raw)
        except DateError:
            raise Rejected("bad_date", f"{label} {raw!r} is not a date; write YYYY-MM-DD") from None
        if not earliest <= day <= latest:
            raise Rejected("date_out_of_range", f"{label} {day} is outside {earliest}..{latest}")
        return day
    if column.kind == "year":
        text = to_halfwidth(raw).removesuffix("年").strip()
        if not re.fullmatch(r"\d{4}", text):
            raise Rejected("bad_number", f"{label} {raw!r} is not a year; write four digits, e.g. 2024")
        year = int(text)
        if not earliest.year <= year <= latest.year:
            raise Rejected("date_out_of_range", f"{label} {year} is outside {earliest.year}..{latest.year}")
        return year
    if column.kind == "number":
        try:
            number = float(to_halfwidth(raw).replace(",", ""))
        except ValueError:
            raise Rejected("bad_number", f"{label} {raw!r} is not a number") from None
        if number < 0:
            raise Rejected("bad_number", f"{label} {raw!r} is negative")
        return number
    if column.kind == "uscc":
        if not is_valid_uscc(raw):
            raise Rejected("bad_uscc", f"{explain_uscc(raw)}; correct it or leave the cell empty")
        return normalize_uscc(raw)
    if column.kind == "district":
        return _district(raw, region, label)
    if column.kind == "std_no":
        try:
            std = parse_std_no(raw)
        except StdNoError:
            raise Rejected("bad_std_no", f"{label} {raw!r} is not a standard number; write e.g. Q/ABCD 001-2024") from None
        if std.std_type != "enterprise":
            raise Rejected("bad_std_no", f"{label} {std.canonical} is a {std.std_type} standard, not an enterprise one (Q/…)")
        return std
    if column.kind == "indicator":
        for indicator, labels in RATE_INDICATORS.items():
            if raw == indicator or raw in labels:
                return indicator
        raise Rejected("unknown_indicator", f"{label} {raw!r} is not a rate this inbox takes: "
                                            f"{'; '.join(labels[0] for labels in RATE_INDICATORS.values())}")
    return raw


def _district(raw: str, region: Region, label: str) -> str | None:
    """A district name of the region; None for the whole city (全市, the region's own name)."""
    text = to_halfwidth(raw).strip()
    if text in CITY_WORDS or text in region.aliases:
        return None
    district = region.district_by_name(text) or region.district_by_code(text)
    if district is None and (entry := region.divisions.get(text)) is not None:
        district = entry.district
    if district is None:
        known = "、".join(d.name for d in region.districts)
        raise Rejected("unknown_district", f"{label} {raw!r} is not a district of {region.name} ({known}, or 全市)")
    return district.name


def _emit(spec: InboxKind, values: Mapping[str, object], row: HashedRow, headers: Mapping[str, str],
          loaded_at: datetime, result: InboxResult) -> None:
    file_name, sheet, number = split_origin(row.origin)
    on = values.get("on")
    fact = ManualFact(
        kind=spec.kind, indicator_id=values.get("indicator") or spec.indicator_id,
        file_name=file_name, sheet=sheet, row=number, file_sha256=row.file_sha256,
        fields={k: clean_text(v) for k, v in row.values.items() if k},
        district=values.get("district") if spec.kind == "rates" else None,
        year=values.get("year") or (on.year if isinstance(on, date) else None),
        org=values.get("org") or (values.get("name") if spec.kind == "org_register" else None),
        uscc=values.get("uscc"), on=on,
    )
    provenance = Provenance(SOURCE, f"inbox://{row.origin}", loaded_at, row.file_sha256, row.file_sha256)
    if spec.kind == "rates":
        fact.numerator, fact.denominator = values["numerator"], values["denominator"]
        fact.value = round(100 * fact.numerator / fact.denominator, 6)
        fact.subject = RATE_INDICATORS[fact.indicator_id][0]
    elif spec.kind == "enterprise_std":
        std = values["std_no"]
        fact.subject = std.canonical
        result.standards.append(StandardRecord(
            std_no=std.canonical, std_no_raw=row.values.get(headers.get("std_no", ""), std.canonical),
            std_type="enterprise", prefix=std.prefix, year=std.year, name=values["name"], status="现行",
            issue_date=on, act_date=None, abolish_date=None, replaces=[], is_revision=False,
            drafters=[values["org"]], drafters_known=True, source=SOURCE, source_id=std.canonical,
            detail_url=None, provenance=provenance,
        ))
        result.evidence.append(OrgEvidence(values["org"], SOURCE, uscc=values.get("uscc"),
                                           division=values.get("district"), provenance=provenance, origin=row.origin))
    elif spec.kind == "org_register":
        fact.subject = values["name"]
        result.evidence.append(OrgEvidence(values["name"], SOURCE, uscc=values.get("uscc"),
                                           address=values.get("address"), division=values.get("division"),
                                           provenance=provenance, origin=row.origin))
    else:
        name = values["name"] if spec.kind == "liaison_stations" else (
            values["std_no"] if spec.kind == "intl_std_led" else f"{values['person']}（{values['committee']}）")
        fact.subject = name
        district = values.get("district")
        result.events.append(EventRecord(
            indicator_id=spec.indicator_id, level=None, name=name, org=values["org"], announced_on=on,
            stage=DECISION, year=on.year, entry_key=entry_key(spec.indicator_id, None, name, values["org"]),
            source=SOURCE, notice_title=f"{spec.label}（{file_name}）", notice_url=None,
            division=district, origin=row.origin, provenance=provenance,
        ))
        if district:
            result.evidence.append(OrgEvidence(values["org"], SOURCE, division=district,
                                               provenance=provenance, origin=row.origin))
    result.facts.append(fact)
