"""Typed records that cross layer boundaries.

`extract/` produces bytes plus a `Provenance`; the parsers in `transform/parsers/`
turn them into these records; `warehouse/` loads them. Nothing here does IO.
Every fact carries its provenance so that any number in a mart can be traced to
the archived response it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from: the archived response (see `raw.response`)."""

    source: str  # source module name, e.g. "samr"
    url: str
    fetched_at: datetime  # UTC, timezone-aware
    response_id: str  # the archive record id (sha256 of the WARC record id)
    sha256: str  # sha256 of the response body as received


@dataclass(slots=True)
class Reject:
    """Input that could not become a record; kept, counted, and explained."""

    source: str
    reason: str  # short machine-friendly key: "bad_std_no", "missing_field", "bad_date", "spam", "blocked", ...
    detail: str  # a sentence a person can act on, naming the input
    url: str | None = None
    response_id: str | None = None


@dataclass(slots=True)
class StandardRecord:
    """One standard as one source saw it. `std_no` (canonical) is the key across sources."""

    std_no: str  # canonical, e.g. "GB/T 1234.5-2020"
    std_no_raw: str  # as printed by the portal
    std_type: str  # national | industry | local | group | enterprise
    prefix: str  # "GB", "GB/T", "GB/Z", "JT/T", "DB32/T", "T/CAS", "Q/..."
    year: int | None
    name: str
    status: str | None  # 现行 | 即将实施 | 废止 | 被代替 | None
    issue_date: date | None
    act_date: date | None
    abolish_date: date | None
    replaces: list[str]  # canonical numbers of the standards this one replaces
    is_revision: bool  # True when it replaces an older standard (修订)
    drafters: list[str]  # drafting organisations, cleaned, lead (牵头) unit first
    drafters_known: bool  # False when the source page did not list them (a detail page is needed)
    source: str
    source_id: str  # the portal's own id
    detail_url: str | None
    provenance: Provenance  # the response the record's fields came from (the detail page once merged)
    spam: bool = False  # a contributing page carried injected spam (removed before parsing)
    input_time: datetime | None = None  # portal's own entry time (samr SYS_INPUTIME), for watermarks
    committee_code: str | None = None  # 归口 TC, e.g. "TC253"
    committee_name: str | None = None
    drafter_people: list[str] = field(default_factory=list)  # 起草人 (personal data; not loaded by default)


@dataclass(slots=True)
class OrgEvidence:
    """Identity evidence about one organisation, from any source that carries it."""

    name: str  # as seen
    source: str  # "samr", "inbox", "qybz", "tc", "notices", ...
    uscc: str | None = None  # 统一社会信用代码 as seen (validated by transform.uscc, never trusted blindly)
    address: str | None = None
    division: str | None = None  # an explicit 行政区划 field: a code ("320583") or a name ("昆山市")
    provenance: Provenance | None = None
    origin: str | None = None  # for files: "path#sheet!row"


@dataclass(slots=True)
class Attribution:
    """Where an organisation is, with how we know it."""

    in_region: bool | None  # True / False / None = cannot tell
    district_code: str | None  # None when in_region is not True or the district is unknown
    district_name: str | None
    method: str  # division_field | address | gazetteer | uscc | name | register | override | none
    confidence: float  # 0..1
    uscc_valid: bool | None  # None when no credit code was given
    evidence: list[str] = field(default_factory=list)  # human-readable: what was used and what it said
    conflict: str | None = None  # e.g. "address says 昆山市, credit code says 虎丘区: address used"
    needs_review: bool = False  # unplaced in-region organisations and conflicts go to the review queue
    # Why the answer is weak or open (docs/attribution.md): conflict, credit_code_only, city_level_code,
    # region_only, ambiguous_division, unknown_division, province_level_code, ambiguous_town; None otherwise.
    reason: str | None = None


@dataclass(slots=True)
class CommitteeRecord:
    """A standardization technical committee (TC), sub-committee (SC) or working group (WG)
    and its secretariat, as the std.samr committee directory shows it (source "tc")."""

    code: str  # canonical, as StandardRecord.committee_code spells it: "TC28", "TC28/SC42", "SWG5"
    name: str  # 委员会全称
    kind: str  # TC | SC | WG
    secretariat_unit: str | None  # 秘书处所在单位 (the organisation hosting the secretariat)
    address: str | None  # 通讯地址 of the secretariat
    province: str | None  # 所在省（市）
    established: date | None  # 成立时间, when the page gives it
    provenance: Provenance
    detail_url: str | None = None
    spam: bool = False  # the page carried injected spam (removed before parsing)


@dataclass(slots=True)
class EventRecord:
    """One entry of an announced list (a pilot project, an award, a base, a station…), or one row
    an analyst entered for a counted kind, reported against an indicator (source "notices" or "inbox").

    `entry_key` identifies the entry across notices: a 公示 (preliminary) and the 公布/下达/认定
    (decision) that follows it, or the same decision reposted on another portal, share it
    (`transform.events.entry_key`), so the entry counts once, at its earliest decision.
    """

    indicator_id: str  # catalogue kind (transform.targets.INDICATOR_CATALOGUE)
    level: str | None  # 国家级 | 省级 | 市级 | None when the notice does not say
    name: str  # the project / award / base / station as listed
    org: str | None  # the organisation it counts for (承担单位, 获奖单位, 依托单位…)
    announced_on: date  # the notice's date (inbox: the row's date)
    stage: str  # decision | preliminary
    year: int  # year of `announced_on`
    entry_key: str
    source: str  # notices | inbox
    notice_title: str | None = None
    notice_url: str | None = None  # the article the list belongs to
    division: str | None = None  # the list's 地区/所属地区 cell as printed: evidence for attribution
    origin: str | None = None  # where in the list: "<attachment url>#<sheet>!<row>", "<file>#<sheet>!<row>"
    provenance: Provenance | None = None  # the archived response the entry was read from
    attribution: Attribution | None = None  # filled by the flow (transform.attribution.resolve)
    spam: bool = False


@dataclass(slots=True)
class ManualEntryNeeded:
    """A notice whose list could not be read (a scanned PDF, a legacy .doc, a damaged file):
    the review queue asks a person to enter its rows through the inbox."""

    indicator_id: str | None
    stage: str | None
    notice_title: str
    notice_url: str
    announced_on: date | None
    attachment_url: str | None  # None when the article itself is the problem
    reason: str  # scanned_pdf | unsupported_format | unreadable_file | no_list
    detail: str  # a sentence a person can act on
    provenance: Provenance | None = None


@dataclass(slots=True)
class ManualFact:
    """One validated row of an analyst's inbox file, kept with where it came from."""

    kind: str  # inbox kind (transform.parsers.inbox.INBOX_KINDS)
    indicator_id: str | None  # the indicator the row reports against (None: the organisation register)
    file_name: str
    sheet: str
    row: int
    file_sha256: str
    fields: dict[str, str]  # every cell of the row, by header, as entered
    district: str | None = None  # a district name of the region; None = the whole city
    year: int | None = None
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None  # a rate: numerator / denominator × 100
    subject: str | None = None  # what the row is about: a standard number, a person, a station
    org: str | None = None
    uscc: str | None = None
    on: date | None = None  # the row's date (发布/公开/设立/聘任日期)
