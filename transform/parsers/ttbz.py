"""ttbz pages → StandardRecord, publishers and association evidence.

The request side and the contract are `extract/sources/ttbz.py` (portals.md §4). Pure:
str in, records out; one bad row is one `Reject` (`bad_row`, `missing_field`,
`bad_std_no`, `type_mismatch`, `bad_date`), a page that is not the API's answer is one
`bad_json` reject.

Standards-list row → StandardRecord [C]:
  std_no      parse_std_no(standardNo) — the year separator is an em dash; must be a group number
  name        standardTitleCn, spam removed;  status  standardStatusName (现行/废止)
  dates       publishDate (公布日期) → issue_date, implementDate → act_date, abolishDate → abolish_date
  drafters    none in the list (drafters_known=False) until the detail page is merged
  source_id   standardUniqueId;  detail_url  None: the flow sets it (`extract.sources.ttbz.detail_url`), parsers build no URL
  publisher   organName (团体名称) — not a StandardRecord field: `ListResult.publishers[std_no]`

Detail page: `json.loads` of the text of `#portal-standard-detail-json` [C1 SCRAPY-ESI]; a page
without a readable blob holding any of the keys below is `unreadable` (the flow's
`layout_changed` reject: a garbage 200 page, a new layout — never "drafters known, none"):
editorUnit → drafters (split on 、 and the other unit separators; lead first), drafterNames →
drafter_people (personal data: kept only on request), icsl1Name / ccss1Name / ccsl1Name /
isPatentName → fields. `standardNo` in the blob, if present, guards the merge [I: not in the
key list]. The rendered DOM is Vue's (ZOT-TTBZ), so httpx does not see it [I]: not read.

Association list (queryOrgan) rows: organUniqueId [C1]; the name (organName, else name) and
an address (address / organAddress / contactAddress / officeAddress) are [I]: no source
lists those keys. Each association with a name becomes `OrgEvidence(source="ttbz")` whose
address is the row's address, else its province (certUnitArea, else the province asked
for): a province is weak evidence, but it does say "outside" for another province.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

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
    first,
    html_document,
    json_payload,
    optional_text,
    page_spam,
    reject,
    row_date,
    std_no_of,
    to_int,
)
from transform.records import OrgEvidence, Provenance, Reject, StandardRecord
from transform.text import clean_text

SOURCE = "ttbz"
DETAIL_JSON_ID = "portal-standard-detail-json"
_DETAIL_FIELDS = ("icsl1Name", "ccss1Name", "ccsl1Name", "isPatentName")
# The blob's keys this parser reads: a blob with none of them is not the page we know.
_BLOB_KEYS = ("editorUnit", "drafterNames", "standardNo", *_DETAIL_FIELDS)
_ORGAN_NAME_KEYS = ("organName", "name")
_ORGAN_ADDRESS_KEYS = ("address", "organAddress", "contactAddress", "officeAddress")


@dataclass(slots=True)
class TtbzListResult(ListResult):
    publishers: dict[str, str] = field(default_factory=dict)  # std_no → organName (发布团体), spam removed


@dataclass(slots=True)
class Organ:
    """One association (社会团体) of the province list."""

    organ_unique_id: str
    name: str | None
    province: str | None
    address: str | None


@dataclass(slots=True)
class OrganResult:
    total: int | None
    organs: list[Organ]
    evidence: list[OrgEvidence]
    rejects: list[Reject]


@dataclass(slots=True)
class DetailResult:
    """What the detail page's JSON blob says; `unreadable` says why nothing could be read (else None)."""

    provenance: Provenance
    unreadable: str | None
    std_no: str | None  # canonical, when the blob carries standardNo
    drafters: list[str]  # editorUnit, cleaned, spam removed, lead first
    drafter_people: list[str]  # drafterNames (personal data)
    fields: dict[str, str] = field(default_factory=dict)
    spam: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


# -- standards list --------------------------------------------------------------------------


def parse_list(text: str, provenance: Provenance) -> TtbzListResult:
    """One getPortalStandardList JSON answer → records, publishers and rejects."""
    try:
        data = _data(json_payload(text))
        if not isinstance(data.get("rows"), list):
            raise Rejected("bad_json", "no 'data.rows' list")
    except Rejected as rejected:
        detail = f"list page: {rejected.detail}"
        return TtbzListResult(None, None, [], [reject(SOURCE, provenance, rejected.reason, detail)])

    result = TtbzListResult(to_int(data.get("total")), None, [], [])
    for index, row in enumerate(data["rows"]):
        try:
            if not isinstance(row, dict):
                raise Rejected("bad_row", f"is {type(row).__name__}, not an object")
            record, publisher = _parse_row(row, provenance)
        except Rejected as rejected:
            label = f"row {index}"
            if isinstance(row, dict):
                label += f" (standardUniqueId {row.get('standardUniqueId')!r})"
            result.rejects.append(reject(SOURCE, provenance, rejected.reason, f"{label}: {rejected.detail}"))
            continue
        result.records.append(record)
        if publisher:
            result.publishers[record.std_no] = publisher
    return result


def _parse_row(row: dict, provenance: Provenance) -> tuple[StandardRecord, str | None]:
    unique_id = clean_text(as_text(row.get("standardUniqueId")))
    if not unique_id:
        raise Rejected("missing_field", "no standardUniqueId")
    std = std_no_of(row.get("standardNo"), "group", label="standardNo")
    name, name_spam = clean_without_spam(row.get("standardTitleCn"))
    if not name:
        raise Rejected("missing_field", f"{std.canonical}: no name (standardTitleCn)")
    publisher, publisher_spam = clean_without_spam(row.get("organName"))
    record = StandardRecord(
        std_no=std.canonical,
        std_no_raw=as_text(row.get("standardNo")).strip(),
        std_type=std.std_type,
        prefix=std.prefix,
        year=std.year,
        name=name,
        status=optional_text(row.get("standardStatusName")),
        issue_date=row_date(row.get("publishDate"), "publishDate", std.canonical),
        act_date=row_date(row.get("implementDate"), "implementDate", std.canonical),
        abolish_date=row_date(row.get("abolishDate"), "abolishDate", std.canonical),
        replaces=[],
        is_revision=False,
        drafters=[],
        drafters_known=False,
        source=SOURCE,
        source_id=unique_id,
        detail_url=None,
        provenance=provenance,
        spam=bool(name_spam or publisher_spam),
    )
    return record, publisher or None


# -- associations ----------------------------------------------------------------------------


def parse_provinces(text: str, provenance: Provenance) -> tuple[list[str], list[Reject]]:
    """getProvince → the province names the association list can be filtered by."""
    try:
        payload = json_payload(text)
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            raise Rejected("bad_json", "no 'data' list")
    except Rejected as rejected:
        return [], [reject(SOURCE, provenance, rejected.reason, f"province list: {rejected.detail}")]
    names = [clean_text(as_text(item.get("name"))) for item in data if isinstance(item, dict)]
    return [name for name in names if name], []


def parse_organs(text: str, provenance: Provenance, *, province: str) -> OrganResult:
    """queryOrgan (certUnitArea = `province`) → associations and their identity evidence."""
    try:
        data = _data(json_payload(text))
        if not isinstance(data.get("rows"), list):
            raise Rejected("bad_json", "no 'data.rows' list")
    except Rejected as rejected:
        detail = f"association list of {province}: {rejected.detail}"
        return OrganResult(None, [], [], [reject(SOURCE, provenance, rejected.reason, detail)])

    result = OrganResult(to_int(data.get("total")), [], [], [])
    for index, row in enumerate(data["rows"]):
        organ_id = clean_text(as_text(row.get("organUniqueId"))) if isinstance(row, dict) else ""
        if not organ_id:
            result.rejects.append(reject(SOURCE, provenance, "missing_field",
                                         f"association list of {province}, row {index}: no organUniqueId"))
            continue
        name, _ = clean_without_spam(_first_value(row, _ORGAN_NAME_KEYS))
        organ = Organ(
            organ_unique_id=organ_id,
            name=name or None,
            province=optional_text(row.get("certUnitArea")) or province,
            address=optional_text(_first_value(row, _ORGAN_ADDRESS_KEYS)),
        )
        result.organs.append(organ)
        if organ.name:
            result.evidence.append(
                OrgEvidence(name=organ.name, source=SOURCE, address=organ.address or organ.province, provenance=provenance)
            )
    return result


# -- detail ----------------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance) -> DetailResult:
    """The detail page's embedded JSON. A page without it (or whose blob holds none of the keys
    read) is `unreadable`, saying why."""
    doc = html_document(html)
    spam = page_spam(doc)
    node = first(doc.xpath(f'//*[@id="{DETAIL_JSON_ID}"]'))
    if node is None:
        return _not_found(provenance, spam, f"no #{DETAIL_JSON_ID} element on the page")
    try:
        blob = json.loads(node.text or "")
    except ValueError as exc:
        return _not_found(provenance, spam, f"#{DETAIL_JSON_ID} is not JSON ({exc})")
    if not isinstance(blob, dict):
        return _not_found(provenance, spam, f"#{DETAIL_JSON_ID} holds a {type(blob).__name__}, not an object")
    if not any(key in blob for key in _BLOB_KEYS):
        return _not_found(provenance, spam, f"#{DETAIL_JSON_ID} has none of the keys {', '.join(_BLOB_KEYS)}")

    page = PageValues(SOURCE, provenance)
    raw = as_text(blob.get("standardNo")).strip()
    std_no = page.read_std_no(raw, "detail JSON standardNo") if raw else None
    drafters, drafter_spam = clean_units(split_units(as_text(blob.get("editorUnit"))))
    people, _ = clean_units(split_units(as_text(blob.get("drafterNames"))))
    fields = {key: clean_text(as_text(blob[key])) for key in _DETAIL_FIELDS if blob.get(key)}
    return DetailResult(
        provenance=provenance,
        unreadable=None,
        std_no=std_no,
        drafters=drafters,
        drafter_people=people,
        fields=fields,
        spam=list(dict.fromkeys(spam + drafter_spam)),
        rejects=page.rejects,
    )


def merge_detail(record: StandardRecord, detail: DetailResult, *, keep_people: bool = False) -> StandardRecord:
    """The list record with the drafters of its detail page (then known) and the page's provenance.

    An unreadable page changes nothing but the spam flag: the drafters stay unknown.
    Raises DetailMismatch when the page is about another standard.
    """
    check_same_standard(record, detail, "standardUniqueId")
    spam = record.spam or bool(detail.spam)
    if detail.unreadable is not None:
        return replace(record, spam=spam)
    return replace(
        record,
        drafters=detail.drafters,
        drafters_known=True,
        drafter_people=detail.drafter_people if keep_people else record.drafter_people,
        spam=spam,
        provenance=detail.provenance,
    )


def _not_found(provenance: Provenance, spam: list[str], why: str) -> DetailResult:
    return DetailResult(provenance, f"detail page: {why}", None, [], [], spam=spam)


def _data(payload) -> dict:
    if not isinstance(payload, dict):
        raise Rejected("bad_json", f"the JSON is a {type(payload).__name__}, not an object")
    if payload.get("result") is False:
        raise Rejected("bad_json", f"the API answered result=false ({payload.get('message') or payload.get('msg')!r})")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise Rejected("bad_json", "no 'data' object")
    return data


def _first_value(row: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        if as_text(row.get(key)).strip():
            return as_text(row[key])
    return ""
