"""Wiring for the openstd source: national standards' status and dates, newest issue date first.

Fetching is `extract.sources.openstd` (the contract), parsing `transform.parsers.openstd`.
openstd has no drafters: its records say `drafters_known=False`, and the warehouse takes a
standard's drafters from the best source that knows them (`resolve_standards` in
warehouse/sql/load.sql orders sources with known drafters first), so openstd never erases
samr's. What it adds is its own status and dates, status conflicts with samr included, which
the warehouse keeps as status history.

Paging (`extract.paging.walk_pages`, recorded with `SourceResult.walked`): the list sorted by
issue date, newest first (`p.p90=circulation_date&p.p91=desc`). Incremental rule: the portal
cannot filter by date, so the walk reads down to the page reaching back past the floor — the
window's start, or watermark − overlap when later — and keeps no row issued before it; the
window's end is applied to what it returns. Pages of the largest size the portal allows within
`page_size`. A walk without a floor (no window start, no watermark) reads the whole list: that is
how status changes of older standards (现行 → 废止) are seen.

Status turning 即将实施 → 现行: a standard turns on its implementation date, months after its issue,
so its row lies below a quiet night's floor. Watermark `flips` remembers, per implementation date,
the earliest issue date among the rows read as 即将实施 (`{act date: issue date}`); a night on or
after such a date walks down to that issue date too and keeps those standards' rows (their status
as the portal shows it now), then forgets the date — unless a row still says 即将实施. So the list
is read deeper only on the nights something turns, and only as deep as needed.

Detail pages only for a row that lacks a field the record needs (status, issue or
implementation date); the list has them all as a rule. Pages are GBK; `Fetched.text` is
already decoded, and `reparse` decodes by the archived Content-Type.

Watermark `issued`: the newest issue date a complete walk read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from extract.archive import ArchiveEntry
from extract.http import HttpClient, decode_text
from extract.sources import openstd as openstd_source
from flows.probe import Checks, list_order, page_size_served, provenance_of_fetched
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import (
    add_rejects_once, advance_watermark, fetch_details, in_window, latest_by_url, merge_detail_page, newest_until,
    portal_now, provenance, provenance_of, read_list,
)
from transform.parsers import openstd as openstd_parser
from transform.records import StandardRecord

SOURCE = openstd_source.SOURCE
WATERMARK = "issued"
FLIPS = "flips"  # {implementation date: earliest issue date} of the rows read as 即将实施 (module docstring)
UPCOMING = "即将实施"
_LIST_PATHS = (openstd_source.LIST_PATH, openstd_source.LIST_PATH + "_type")


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult:
    """The national standards issued in the window (or since the watermark); see the module docstring."""
    result = SourceResult(SOURCE)
    base = settings.base_url(SOURCE)
    _, workers = settings.host_policy(urlsplit(base).hostname or "")
    since = None
    if WATERMARK in watermarks:
        since = date.fromisoformat(watermarks[WATERMARK]) - timedelta(days=settings.watermark_overlap_days)
    floor = max((d for d in (window.issued_from, since) if d is not None), default=None)
    today = portal_now().date()
    pending = {date.fromisoformat(a): date.fromisoformat(i) for a, i in json.loads(watermarks.get(FLIPS, "{}")).items()}
    due = {act: issued for act, issued in pending.items() if act <= today}  # turned 即将实施 → 现行 since
    if floor is not None and due:
        floor = max(min(floor, *due.values()), window.issued_from or date.min)
    page_size = max((s for s in openstd_source.PAGE_SIZES if s <= settings.page_size),
                    default=min(openstd_source.PAGE_SIZES))
    tally = openstd_source.list_tally(floor, page_size)
    pages, _ = read_list(result, tally.what, openstd_source.iter_list_pages(
        client, base, page_size=page_size, stop_before=floor, tally=tally))
    complete = result.walked(tally)

    records: dict[str, StandardRecord] = {}  # hcno → record
    issued_on: list[date] = []
    upcoming: dict[date, date] = {}  # act date → earliest issue date, of the rows read as 即将实施
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            parsed = openstd_parser.parse_list(page.text, provenance(page))
            result.rejects.extend(parsed.rejects)
            if parsed.spam:
                result.spam_pages[page.response_id] = list(parsed.spam)
            for record in parsed.records:
                record.detail_url = openstd_source.detail_url(base, record.source_id)
                if record.issue_date is not None:
                    issued_on.append(record.issue_date)
                    if record.status == UPCOMING and record.act_date is not None:
                        upcoming[record.act_date] = min(upcoming.get(record.act_date, record.issue_date),
                                                        record.issue_date)
                if in_window(record.issue_date, window, since) or (
                        record.act_date in due and in_window(record.issue_date, window)):
                    records.setdefault(record.source_id, record)

    need = [r for r in records.values() if _lacks_a_field(r)]
    details = fetch_details(client, [(r.std_no, r.detail_url or "") for r in need], source=SOURCE,
                            headers=openstd_source.page_headers(base), workers=workers, result=result)
    with result.stage("parse"):
        for record in records.values():
            page = details.pages.get(record.detail_url or "")
            if page is not None:
                result.details += 1
                record = merge_detail_page(openstd_parser, record, page.text, provenance(page), result)[0]
            result.records.append(record)  # without its page, the record still says what the list says

    newest = newest_until(issued_on, today)
    advance_watermark(result, watermarks, WATERMARK, newest if complete and details.complete else None)
    if complete:  # the dates due were read; those still upcoming, and any new ones, are remembered
        for act, issued in pending.items():
            if act not in due:
                upcoming[act] = min(upcoming.get(act, issued), issued)
        result.watermarks[FLIPS] = json.dumps({a.isoformat(): i.isoformat() for a, i in sorted(upcoming.items())})
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult:
    """Records from archived openstd pages, with today's parser: the latest list row of each
    standard (whatever window it was read for), completed by the latest copy of its detail page
    where the row lacks a field and the archive holds the page. No network."""
    result = SourceResult(SOURCE)
    latest: dict[str, StandardRecord] = {}  # hcno → record
    details: list[tuple[ArchiveEntry, bytes]] = []
    seen_rejects: set[tuple[str, str]] = set()
    with result.stage("parse"):
        for entry, body in entries:
            parts = urlsplit(entry.url)
            if parts.path == openstd_source.DETAIL_PATH:
                details.append((entry, body))
                continue
            if parts.path not in _LIST_PATHS:
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            parsed = openstd_parser.parse_list(text, provenance_of(entry))
            add_rejects_once(result, parsed.rejects, seen_rejects)
            for record in parsed.records:
                record.detail_url = openstd_source.detail_url(f"{parts.scheme}://{parts.netloc}", record.source_id)
                held = latest.get(record.source_id)
                if held is None or held.provenance.fetched_at <= record.provenance.fetched_at:
                    latest[record.source_id] = record
        pages = latest_by_url(details)
        for record in latest.values():
            page = pages.get(record.detail_url or "") if _lacks_a_field(record) else None
            if page is not None:
                entry, body = page
                result.details += 1
                text, _ = decode_text(body, entry.content_type)
                record = merge_detail_page(openstd_parser, record, text, provenance_of(entry), result)[0]
            result.records.append(record)
    return result


def _lacks_a_field(record: StandardRecord) -> bool:
    """A row without one of the fields openstd is read for (its detail page has them)."""
    return record.status is None or record.issue_date is None or record.act_date is None


__all__ = ["SOURCE", "WATERMARK", "crawl", "reparse"]


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------


def _probe_openstd(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("openstd")
    size = max((s for s in openstd_source.PAGE_SIZES if s <= settings.page_size), default=min(openstd_source.PAGE_SIZES))
    first = checks.answers("list std_list answers", lambda: client.fetch(
        "GET", openstd_source.list_url(base), source=openstd_source.SOURCE,
        params=openstd_source.list_params(page=1, page_size=size), headers=openstd_source.page_headers(base)))
    if first is None:
        return
    read = openstd_parser.parse_list(first.text, provenance_of_fetched(first))
    rows = len(read.records) + len(read.rejects)
    if not checks.check("list rows", "table.result_list rows with showInfo('<hcno>')",
                        f"{rows} rows, total {read.total}", rows):
        return
    page_size_served(checks, "page size served", rows, size, read.total, "10/25/50 offered")
    issued = [r.issue_date for r in read.records if r.issue_date]
    list_order(checks, "list order", {"issue date": issued}, ("issue date",))
    record = read.records[0] if read.records else None
    if record is None or not record.source_id:
        return
    detail = checks.answers("detail newGbInfo answers", lambda: client.fetch(
        "GET", openstd_source.detail_url(base, record.source_id), source=openstd_source.SOURCE,
        headers=openstd_source.page_headers(base)))
    if detail is not None:
        got = openstd_parser.parse_detail(detail.text, provenance_of_fetched(detail))
        checks.check("detail 标准号", "the page's standard number", f"{got.std_no_raw!r}", got.std_no_raw)


class OpenstdSource(Source):
    """The openstd source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries)

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_openstd(checks_for(self.name), client, settings)


source = OpenstdSource()
