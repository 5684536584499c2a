"""sacinfo pages → StandardRecord: hbba/dbba `stdQueryList` JSON and `stdDetail` HTML.

The request side and the contract are `extract/sources/sacinfo.py` (portals.md §3).
Pure: str in, records out. A row that cannot become a record becomes a `Reject`
(`bad_row`, `missing_field`, `bad_std_no`, `type_mismatch`, `bad_date`) and never
costs the other rows; a page that is not a list is one `bad_json` reject.

List record → StandardRecord [C: Go struct, pig4cloud, BIAOZ]:
  std_no      parse_std_no(code); industry or local (else type_mismatch). The kind is the number's,
              never the host's: the unified ba.sacinfo.org.cn may list both [I]
  name        chName, tags/entities/invisibles and spam removed
  status      status;   issue/act/abolish dates  issueDate / actDate / fzDate (epoch ms)
  replaces    reviseStdCodes (canonical; a piece that is not a number is kept as printed)
  drafters    none in the list: drafters_known=False until the detail page is merged
  input_time  recordDate (备案日期, epoch ms, UTC+8): the closest thing to an entry time
  source_id   pk;  detail_url  None: the flow sets it (`extract.sources.sacinfo.detail_url`), parsers build no URL
  Not carried: industry (hbba industry / dbba region label), chargeDept, recordNo, empty
  (others skip `empty` records because their full text is missing; metadata is all we need).

Detail page (`/stdDetail/<pk>` [C], `/rnDetail/<pk>` on ba.sacinfo [C1], same markup [I]) [C SCRAPY-ESI + ZOT]: every `dl` dt/dd pair (标准号, 发布日期, 实施日期, 废止日期,
制修订, 代替标准, 技术归口, 批准发布部门, 行业分类…); `<p>` "备案号：…" / "备案日期：…";
起草单位 in the first `<p>` after the `h2` "起草单位" heading (its parent `div.para-title`
when there is one), names separated by 、, fallback `div dl dd a`; 起草人 the same way
(personal data: kept only on request). Title `.page-header h4` first line [I: the std.samr
template; portals.md gives no title selector for sacinfo], type label `.label-info`, status
`.label-primary` [C ZOT].
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
    std_no_of,
    text_of,
    to_int,
)
from transform.records import Provenance, Reject, StandardRecord
from transform.text import clean_text

SOURCE = "sacinfo"
KINDS = ("industry", "local")  # the std_types a sacinfo list may hold, told apart by the number


@dataclass(slots=True)
class DetailResult:
    """What one stdDetail page says; fields it lacks are None / empty."""

    provenance: Provenance
    std_no: str | None  # canonical
    std_no_raw: str | None
    title: str | None  # spam removed
    type_label: str | None  # hbba: industry ("交通"); dbba: region ("苏州市")
    status: str | None
    issue_date: date | None
    act_date: date | None
    abolish_date: date | None
    revision: str | None  # 制修订: 制定 | 修订
    replaces: list[str]
    committee_code: str | None  # from 技术归口, when it carries a TC code
    committee_name: str | None
    record_no: str | None  # 备案号
    record_date: date | None  # 备案日期
    drafters: list[str]  # 起草单位, cleaned, spam removed, lead first
    drafter_people: list[str]  # 起草人 (personal data)
    fields: dict[str, str] = field(default_factory=dict)  # every dt label → cleaned value
    spam: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


# -- list ------------------------------------------------------------------------------------


def parse_list(text: str, provenance: Provenance) -> ListResult:
    """One stdQueryList JSON page → records and rejects (one per bad row, or one for a bad page)."""
    try:
        payload = json_payload(text)
        if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
            raise Rejected("bad_json", "list page has no 'records' list")
    except Rejected as rejected:
        return ListResult(None, None, [], [reject(SOURCE, provenance, rejected.reason, rejected.detail)])

    records: list[StandardRecord] = []
    rejects: list[Reject] = []
    for index, row in enumerate(payload["records"]):
        try:
            if not isinstance(row, dict):
                raise Rejected("bad_row", f"is {type(row).__name__}, not an object")
            records.append(_parse_row(row, provenance))
        except Rejected as rejected:
            label = f"row {index}" + (f" (pk {row.get('pk')!r})" if isinstance(row, dict) else "")
            rejects.append(reject(SOURCE, provenance, rejected.reason, f"{label}: {rejected.detail}"))
    return ListResult(to_int(payload.get("total")), to_int(payload.get("current")), records, rejects)


def _parse_row(row: dict, provenance: Provenance) -> StandardRecord:
    pk = clean_text(as_text(row.get("pk")))
    if not pk:
        raise Rejected("missing_field", "no pk")
    std = std_no_of(row.get("code"), KINDS, label="code")
    name, name_spam = clean_without_spam(row.get("chName"))
    if not name:
        raise Rejected("missing_field", f"{std.canonical}: no name (chName)")
    replaces = replaced_numbers(as_text(row.get("reviseStdCodes")))
    return StandardRecord(
        std_no=std.canonical,
        std_no_raw=as_text(row.get("code")).strip(),
        std_type=std.std_type,
        prefix=std.prefix,
        year=std.year,
        name=name,
        status=optional_text(row.get("status")),
        issue_date=row_date(row.get("issueDate"), "issueDate", std.canonical),
        act_date=row_date(row.get("actDate"), "actDate", std.canonical),
        abolish_date=row_date(row.get("fzDate"), "fzDate", std.canonical),
        replaces=replaces,
        is_revision=bool(replaces),
        drafters=[],
        drafters_known=False,
        source=SOURCE,
        source_id=pk,
        detail_url=None,
        provenance=provenance,
        spam=bool(name_spam),
        input_time=row_datetime(row.get("recordDate")),
    )


# -- detail ----------------------------------------------------------------------------------


def parse_detail(html: str, provenance: Provenance) -> DetailResult:
    """One stdDetail page. Spam is removed from what is extracted and listed in `spam`."""
    doc = html_document(html)
    page = PageValues(SOURCE, provenance)
    fields = _dl_pairs(doc)
    paragraphs = _labelled_paragraphs(doc)
    std_no_raw = fields.get("标准号")
    # `.page-header h4` also holds the type and status labels.
    title, title_spam = clean_without_spam(first_line(first(doc.xpath('//div[contains(@class,"page-header")]//h4'))))
    drafters, drafter_spam = clean_units(_section_items(doc, "起草单位"))
    people, _ = clean_units(_section_items(doc, "起草人"))
    committee_code, committee_name = split_committee(fields.get("技术归口") or fields.get("归口单位"))
    return DetailResult(
        provenance=provenance,
        std_no=page.read_std_no(std_no_raw, "detail page 标准号") if std_no_raw else None,
        std_no_raw=std_no_raw,
        title=title or None,
        type_label=_label(doc, "label-info"),
        status=_label(doc, "label-primary"),
        issue_date=page.read_date(fields.get("发布日期"), "detail page 发布日期"),
        act_date=page.read_date(fields.get("实施日期"), "detail page 实施日期"),
        abolish_date=page.read_date(fields.get("废止日期"), "detail page 废止日期"),
        revision=fields.get("制修订") or None,
        replaces=replaced_numbers(fields.get("代替标准") or ""),
        committee_code=committee_code,
        committee_name=committee_name,
        record_no=paragraphs.get("备案号") or None,
        record_date=page.read_date(paragraphs.get("备案日期"), "detail page 备案日期"),
        drafters=drafters,
        drafter_people=people,
        fields=fields,
        spam=list(dict.fromkeys(title_spam + drafter_spam + page_spam(doc))),
        rejects=page.rejects,
    )


def merge_detail(record: StandardRecord, detail: DetailResult, *, keep_people: bool = False) -> StandardRecord:
    """The list record completed by its detail page: drafters (now known), 制修订 and 代替标准,
    技术归口, any field the list lacked, the spam flag, and the page's provenance.

    Raises DetailMismatch when the page is about another standard.
    """
    check_same_standard(record, detail, "pk")
    replaces = record.replaces or detail.replaces
    return fill_from_detail(
        record,
        detail,
        abolish_date=record.abolish_date or detail.abolish_date,
        replaces=replaces,
        is_revision=bool(replaces) or detail.revision == "修订",
        drafters=detail.drafters,
        drafters_known=True,
        drafter_people=detail.drafter_people if keep_people else record.drafter_people,
    )


def _dl_pairs(doc) -> dict[str, str]:
    """Every dt → following dd pair on the page (the drafter fallback block has dd only)."""
    return dt_dd_pairs(doc.xpath("//dl/dt"))


def _labelled_paragraphs(doc) -> dict[str, str]:
    """`<p>备案号：…</p>` style lines, split on the first colon (full- or half-width)."""
    values: dict[str, str] = {}
    for p in doc.xpath('//p[contains(., "：") or contains(., ":")]'):
        text = clean_text(text_of(p))
        label, _, value = text.replace(":", "：", 1).partition("：")
        label = "".join(label.split())
        if label in ("备案号", "备案日期") and label not in values:
            values[label] = value.strip()
    return values


def _section_items(doc, heading: str) -> list[str]:
    """The names under an `h2` heading: the next `<p>` (、-separated), else `div dl dd a`."""
    for h2 in doc.xpath("//h2"):
        if "".join(text_of(h2).split()) != heading:
            continue
        parent = h2.getparent()
        anchor = parent if parent is not None and "para-title" in (parent.get("class") or "") else h2
        following = anchor.xpath("following-sibling::*[self::p or self::div or self::h2][1]")
        block = first(following)
        if block is None or block.tag == "h2" or "para-title" in (block.get("class") or ""):
            return []
        if block.tag == "p":
            return split_units(text_of(block))
        return [text_of(a) for a in block.xpath(".//dl/dd//a") if text_of(a).strip()]
    return []


def _label(doc, css_class: str) -> str | None:
    node = first(doc.xpath(f'//span[contains(concat(" ", normalize-space(@class), " "), " {css_class} ")]'))
    return clean_text(text_of(node)) or None
