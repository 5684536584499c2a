"""tc pages → CommitteeRecord and the secretariat's identity evidence.

The request side and the contract are `extract/sources/tc.py` (portals.md §7.1). Pure: str
in, records out; an item or a page that cannot be read becomes a `Reject` (`missing_field`,
`bad_code`, `bad_date`) naming it.

Directory item (`div.panel.panel-default.post`) [C1 TC-ORG] → CommitteeItem:
  number            `span.line11`, as printed (its meaning — a code or a running number — is [I];
                    `code` is set when it reads as a committee code)
  title             the first `span` of `div.page-header`, spam removed
  href              `div.page-header a[target=_blank]@href`, as printed (the flow joins it to the
                    base: `extract.sources.tc.detail_url`; parsers build no URL)
  summary           `div.media.media-inner`: label `span` → value `div.media-body`
                    (英文名称, 专业范围, 对口/相关联国际组织, 秘书处承担单位, 秘书处所在地)
Committee page (`div.basic-info.cmn-clearfix dl` dt/dd pairs) [C1 TC-ORG] → CommitteeRecord:
  code              委员会编号 ("SAC/TC 28/SC 42" → "TC28/SC42", as StandardRecord.committee_code)
  kind              SC when the code has /SC, WG when /WG or SWG, else TC
  name              委员会全称 (else the item's title)
  secretariat_unit  秘书处所在单位 (else the item's 秘书处承担单位), spam removed
  address           通讯地址 (else the item's 秘书处所在地);  province  所在省（市）
  established       成立时间 when the page has it [I: not in the label list of portals.md]
  → OrgEvidence(name=secretariat_unit, address=address, source="tc") for the register.
Personal data on the page (现任秘书长, 联系人, 电话, 邮箱, 传真) is not kept, not even in `fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transform.parsers.common import (
    PageValues,
    clean_without_spam,
    committee_code,
    dt_dd_pairs,
    first,
    html_document,
    label_of,
    page_spam,
    reject,
    text_of,
)
from transform.records import CommitteeRecord, OrgEvidence, Provenance, Reject
from transform.text import clean_text, to_halfwidth

SOURCE = "tc"
PERSONAL_LABELS = frozenset({"现任秘书长", "秘书长", "联系人", "电话", "邮箱", "传真"})
_ITEM_XPATH = '//div[contains(concat(" ", normalize-space(@class), " "), " post ")][contains(@class, "panel")]'
_TOTAL = re.compile(r"为您找到相关结果约?\s*(\d[\d,]*)")


@dataclass(slots=True)
class CommitteeItem:
    """One entry of the committee directory."""

    number: str | None  # span.line11 as printed
    code: str | None  # when `number` reads as a committee code
    title: str | None
    href: str | None  # the committee page's link as printed (absolute or relative)
    summary: dict[str, str]  # label → value of the media-inner pairs
    secretariat_unit: str | None  # 秘书处承担单位
    location: str | None  # 秘书处所在地


@dataclass(slots=True)
class CommitteeListResult:
    total: int | None  # "为您找到相关结果约 N" when the page says it
    items: list[CommitteeItem]
    rejects: list[Reject]
    spam: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CommitteeDetail:
    record: CommitteeRecord | None  # None when the page names no committee code
    evidence: list[OrgEvidence]  # the secretariat's unit with its address
    fields: dict[str, str]  # every dt label → value, personal data left out
    spam: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


# -- directory -------------------------------------------------------------------------------


def parse_list(html: str, provenance: Provenance) -> CommitteeListResult:
    """One orgPage directory page → its items (an item without a title or a link is a reject)."""
    doc = html_document(html)
    total_match = _TOTAL.search(clean_text(text_of(doc)))
    result = CommitteeListResult(
        int(total_match.group(1).replace(",", "")) if total_match else None, [], [], spam=page_spam(doc)
    )
    for index, panel in enumerate(doc.xpath(_ITEM_XPATH)):
        item = _parse_item(panel)
        if item.title and item.href:
            result.items.append(item)
        else:
            missing = "a title" if not item.title else "a detail link"
            result.rejects.append(reject(SOURCE, provenance, "missing_field",
                                         f"directory item {index} ({item.title or item.number!r}) has no {missing}"))
    return result


def _parse_item(panel) -> CommitteeItem:
    number = clean_text(" ".join(panel.xpath('.//span[contains(@class, "line11")]//text()'))) or None
    header = first(panel.xpath('.//div[contains(@class, "page-header")]'))
    title, href = "", None
    if header is not None:
        title, _ = clean_without_spam(text_of(first(header.xpath(".//span"))))
        href = first(header.xpath('.//a[@target="_blank"]/@href'))
    summary: dict[str, str] = {}
    for media in panel.xpath('.//div[contains(@class, "media-inner")]'):
        label = label_of(first(media.xpath(".//span")))
        if label and label not in summary:
            summary[label] = clean_text(text_of(first(media.xpath('.//div[contains(@class, "media-body")]'))))
    unit, _ = clean_without_spam(summary.get("秘书处承担单位"))
    return CommitteeItem(
        number=number,
        code=committee_code(number),
        title=title or None,
        href=href.strip() if href and href.strip() else None,
        summary=summary,
        secretariat_unit=unit or None,
        location=summary.get("秘书处所在地") or None,
    )


# -- committee page --------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance, *, item: CommitteeItem | None = None) -> CommitteeDetail:
    """One committee page → its record and the secretariat's evidence; `item` (its directory
    entry) fills what the page lacks."""
    doc = html_document(html)
    fields = _dl_pairs(doc)
    spam = page_spam(doc)
    page = PageValues(SOURCE, provenance)

    raw_code = fields.get("委员会编号") or (item.number if item else None)
    code = committee_code(raw_code)
    if code is None:
        why = f"委员会编号 {raw_code!r} is not a committee code" if raw_code else "no 委员会编号"
        page.rejects.append(reject(SOURCE, provenance, "bad_code" if raw_code else "missing_field",
                                   f"committee page: {why}"))
        return CommitteeDetail(None, [], fields, spam, page.rejects)

    raw = fields.get("成立时间") or fields.get("成立日期")
    established = page.read_date(raw, f"committee page {code}: 成立时间") if raw else None

    name, name_spam = clean_without_spam(fields.get("委员会全称") or (item.title if item else ""))
    unit, unit_spam = clean_without_spam(fields.get("秘书处所在单位") or (item.secretariat_unit if item else ""))
    address = fields.get("通讯地址") or (item.location if item else None) or None
    record = CommitteeRecord(
        code=code,
        name=name or code,
        kind=_kind(code),
        secretariat_unit=unit or None,
        address=address,
        province=_province(fields),
        established=established,
        provenance=provenance,
        detail_url=provenance.url,
        spam=bool(spam or name_spam or unit_spam),
    )
    evidence = [OrgEvidence(name=unit, source=SOURCE, address=address, provenance=provenance)] if unit else []
    return CommitteeDetail(record, evidence, fields, list(dict.fromkeys(spam + name_spam + unit_spam)), page.rejects)


def _kind(code: str) -> str:
    if "/SC" in code:
        return "SC"
    if "/WG" in code or code.startswith("SWG"):
        return "WG"
    return "TC"


def _province(fields: dict[str, str]) -> str | None:
    for label, value in fields.items():
        if to_halfwidth(label) == "所在省(市)" and value:
            return value
    return None


def _dl_pairs(doc) -> dict[str, str]:
    """dt → following dd in the `div.basic-info` blocks, personal data left out."""
    pairs = dt_dd_pairs(doc.xpath('//div[contains(@class, "basic-info")]//dl/dt'))
    return {label: value for label, value in pairs.items() if label not in PERSONAL_LABELS}
