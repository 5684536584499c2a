"""Wiring for the samr source: list pages → records → detail pages where the list lacks drafters.

Fetching, URLs and the contract are `extract.sources.samr`, parsing `transform.parsers.samr`;
this module decides what to fetch (`crawl`), how archived pages become records again
(`reparse`, the reprocess path), and collects both for the load.

Each standard type (`tid`) is one list walk (`extract.paging.walk_pages`, recorded with
`SourceResult.walked`): complete only when the rows seen reach the total the portal states,
whatever page size it served. Watermarks, one per tid (`tid2`, `tid3`): the newest
SYS_INPUTIME a complete walk of that type saw. The incremental rule is the issue-date
window (`extract.sources.samr.query_window`), independent of the list's order: a nightly
walks every row issued since watermark − ISSUE_LOOKBACK_DAYS and parses only the rows
entered since watermark − overlap. A backfill (no watermark) walks its window. A row re-read
over the overlap that needs its detail page, unchanged since a run read that page (watermark
`entry:<detail URL>` = `flows.sources.pages.row_digest`, as sacinfo and ttbz keep theirs), is
neither fetched nor loaded again ("unchanged standards").

A list page that cannot be read, or a block, ends that walk: what was read still loads, the
source is incomplete and the watermark stays. A detail page that could not be fetched
(retries exhausted, blocked), or from which the parser read nothing (`layout_changed`),
withholds its record from the load and leaves the crawl incomplete, so the next run asks
again; a list-only record would overwrite the drafters already held. A page the portal
answers with an error status, or that is about another standard, is a reject: asking again
would not change it (`flows.sources.pages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from extract.archive import ArchiveEntry
from extract.http import Fetched, HttpClient, decode_text
from extract.sources import samr as samr_source
from flows.probe import Checks, date_or_none, dates_read, keys_present, list_order, page_size_served, provenance_of_fetched
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import (
    ENTRY, advance_watermark, fetch_details, latest_by_url, merge_detail_page, provenance, provenance_of, read_list,
    read_nothing, row_digest,
)
from transform.parsers import samr as samr_parser
from transform.parsers.common import html_document
from transform.records import StandardRecord

SOURCE = samr_source.SOURCE
_DETAIL_PATHS = frozenset(samr_source.DETAIL_PATHS.values())


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult:
    """Crawl each standard type (`tid`) of the advanced search; see extract/sources/samr.py for the contract."""
    base_url = settings.base_url(SOURCE)
    _, detail_workers = settings.host_policy(urlsplit(base_url).hostname or "")
    overlap = timedelta(days=settings.watermark_overlap_days)
    result = SourceResult(SOURCE)
    for tid in samr_source.TIDS:
        if result.blocked:  # a portal that refuses us is left alone for the rest of the run
            break
        key = f"tid{tid}"
        watermark = datetime.fromisoformat(watermarks[key]) if key in watermarks else None
        newest = _crawl_tid(client, base_url, tid, result, page_size=settings.page_size, window=window,
                            watermark=watermark, overlap=overlap, detail_workers=detail_workers, seen=watermarks)
        advance_watermark(result, watermarks, key, newest)
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult:
    """Records from archived samr pages, with today's parser: the latest list row of each standard,
    completed by the latest archived detail page where the list lacks drafters. No network."""
    result = SourceResult(SOURCE)
    latest: dict[str, StandardRecord] = {}
    details: list[tuple[ArchiveEntry, bytes]] = []
    seen_rejects: set[tuple[str, str]] = set()
    with result.stage("parse"):
        for entry, body in entries:
            parts = urlsplit(entry.url)
            if parts.path in _DETAIL_PATHS:
                details.append((entry, body))
                continue
            tid = _tid(parts.query)
            if parts.path != samr_source.LIST_PATH or tid is None:
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            parsed = samr_parser.parse_list(text, provenance_of(entry), tid=tid)
            base_url = f"{parts.scheme}://{parts.netloc}"  # where the crawl that archived it asked
            for reject in parsed.rejects:  # the same bad row is on every re-read of its page
                if (reject.reason, reject.detail) not in seen_rejects:
                    seen_rejects.add((reject.reason, reject.detail))
                    result.rejects.append(reject)
            for record in _with_detail_urls(parsed.records, base_url, tid):
                held_record = latest.get(record.std_no)
                if held_record is None or held_record.provenance.fetched_at <= record.provenance.fetched_at:
                    latest[record.std_no] = record
        pages = latest_by_url(details)
        for record in latest.values():
            page = pages.get(record.detail_url or "") if not record.drafters_known else None
            if page is not None:
                entry, body = page
                result.details += 1
                text, _ = decode_text(body, entry.content_type)
                record, detail = merge_detail_page(samr_parser, record, text, provenance_of(entry), result)
                if read_nothing(detail):
                    continue  # withheld, as the crawl withheld it
            result.records.append(record)
    return result


# -- crawl ---------------------------------------------------------------------------------------


def _crawl_tid(
    client: HttpClient,
    base_url: str,
    tid: int,
    result: SourceResult,
    *,
    page_size: int,
    window: Window,
    watermark: datetime | None,
    overlap: timedelta,
    detail_workers: int,
    seen: dict[str, str],
) -> datetime | None:
    """Walk and parse one tid; returns the newest SYS_INPUTIME seen when the tid was covered completely."""
    issued_from, issued_to = samr_source.query_window(window.issued_from, window.issued_to, watermark)
    since = watermark - overlap if watermark is not None else None
    tally = samr_source.list_tally(tid, page_size, issued_from, issued_to)
    pages, _ = read_list(result, f"tid {tid}", samr_source.iter_list_pages(
        client, base_url, tid, page_size=page_size, issued_from=issued_from, issued_to=issued_to, tally=tally,
    ))
    complete = result.walked(tally)

    records: list[StandardRecord] = []
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            text = samr_source.rows_entered_since(page, since) if since is not None else page.text
            parsed = samr_parser.parse_list(text, provenance(page), tid=tid)
            records.extend(_with_detail_urls(parsed.records, base_url, tid))
            result.rejects.extend(parsed.rejects)

    # Detail pages only where the list lacks drafters, and not again for a row re-read over the overlap
    # as it was when its page was read (`entry:<detail URL>`); a record whose page was lost, or read
    # nothing, is withheld, and so is an unchanged one: the warehouse has it with its page.
    digests = {r.detail_url: row_digest(r) for r in records if not r.drafters_known and r.detail_url}
    unchanged = {url for url, digest in digests.items() if seen.get(ENTRY + url) == digest}
    if unchanged:
        result.unchanged["standards"] += len(unchanged)
    records = [r for r in records if r.detail_url not in unchanged]
    need = [r for r in records if not r.drafters_known and r.detail_url]
    details = fetch_details(client, [(r.std_no, r.detail_url) for r in need], source=SOURCE,
                            headers=samr_source.detail_headers(base_url), workers=detail_workers, result=result)
    layout_ok = True
    with result.stage("parse"):
        for record in records:
            if not record.drafters_known and record.detail_url:
                url = record.detail_url
                page = details.pages.get(url)
                if page is not None:
                    result.details += 1
                    record, detail = merge_detail_page(samr_parser, record, page.text, provenance(page), result)
                    if read_nothing(detail):
                        layout_ok = False
                        continue
                    result.watermarks[ENTRY + url] = digests[url]
                elif record.detail_url in details.lost:
                    continue  # withheld: the next run asks again
            result.records.append(record)
    if not (complete and details.complete and layout_ok):
        return None
    return samr_source.max_input_time(pages)


def _with_detail_urls(records: Iterable[StandardRecord], base_url: str, tid: int) -> list[StandardRecord]:
    """The records with the detail page URL of their row id (the parser builds no URL)."""
    out = []
    for record in records:
        record.detail_url = samr_source.detail_url(base_url, tid, record.source_id)
        out.append(record)
    return out


def _tid(query: str) -> int | None:
    values = parse_qs(query).get("tid")
    try:
        tid = int(values[-1]) if values else None
    except ValueError:
        return None
    return tid if tid in samr_source.TIDS else None


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------

SAMR_ROW_KEYS = ("id", "C_STD_CODE", "C_C_NAME", "STATE", "ISSUE_DATE", "SYS_INPUTIME")


def _probe_samr(checks: Checks, client: HttpClient, settings: Settings) -> None:
    for tid, kind in samr_source.TIDS.items():
        _probe_samr_tid(checks, client, settings, tid, kind)


def _probe_samr_tid(checks: Checks, client: HttpClient, settings: Settings, tid: int, kind: str) -> None:
    base, size = settings.base_url("samr"), settings.page_size

    def page(n: int) -> Fetched:
        params = samr_source.list_params(tid, n, size, settings.window_start, settings.window_end)
        return client.fetch("GET", samr_source.list_url(base), source=samr_source.SOURCE, params=params,
                            headers=samr_source.list_headers(base))

    first = checks.answers(f"{kind} list answers", lambda: page(1))
    if first is None:
        return
    payload = checks.json(f"{kind} list JSON keys", first, "total (number), rows (list)",
                          lambda p: (int(p["total"]), list(p["rows"])))
    if payload is None:
        return
    total, rows = payload
    if not checks.check(f"{kind} list rows", "rows on page 1 of the plan window", f"{len(rows)} rows, total {total}",
                        rows and all(isinstance(r, dict) for r in rows)):
        return
    keys_present(checks, f"{kind} row keys", rows[0], SAMR_ROW_KEYS)
    page_size_served(checks, f"{kind} page size served", len(rows), size, total, "a cap of 20 or 50: either is handled")
    dates_read(checks, f"{kind} date format ISSUE_DATE", "YYYY-MM-DD", [r.get("ISSUE_DATE") for r in rows])
    times = [samr_source.row_input_time(r) for r in rows]
    checks.check(f"{kind} date format SYS_INPUTIME", "YYYY-MM-DD HH:MM:SS", f"{sum(t is not None for t in times)} of "
                 f"{len(rows)} read, e.g. {rows[0].get('SYS_INPUTIME')!r}", all(t is not None for t in times))
    issued = [d for d in (date_or_none(r.get("ISSUE_DATE")) for r in rows) if d is not None]
    list_order(checks, f"{kind} list order", {"entry time": [t for t in times if t is not None], "issue date": issued},
           ("entry time", "issue date"))
    if total > len(rows):
        second = checks.answers(f"{kind} list page 2 answers", lambda: page(2))
        again = (checks.json(f"{kind} list page 2 JSON keys", second, "rows (list)", lambda p: list(p["rows"]))
                 if second else None)
        if again is not None:
            repeated = {r.get("id") for r in rows} & {r.get("id") for r in again if isinstance(r, dict)}
            checks.check(f"{kind} page 2 follows page 1", "no row of page 1 again", f"{len(repeated)} repeated",
                         again and not repeated)
    url = samr_source.detail_url(base, tid, str(rows[0].get("id", "")))
    endpoint = urlsplit(url).path.rsplit("/", 1)[-1]
    detail = checks.answers(f"{kind} detail {endpoint} answers", lambda: client.fetch(
        "GET", url, source=samr_source.SOURCE, headers=samr_source.detail_headers(url)))
    if detail is None:
        return
    read = samr_parser.parse_detail(detail.text, provenance_of_fetched(detail))
    checks.check(f"{kind} detail title and 标准号", ".page-header > h4, div.basic-info dt 标准号",
                 f"title {bool(read.title)}, 标准号 {read.std_no_raw!r}", read.title and read.std_no_raw)
    section = html_document(detail.text).xpath('//h2[normalize-space()="起草单位"]/../following-sibling::div[1]//dl')
    checks.check(f"{kind} detail 起草单位 section", 'h2 "起草单位" followed by div.basic-info dl',
                 f"{len(section)} found", section)


class SamrSource(Source):
    """The samr source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries)

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_samr(checks_for(self.name), client, settings)


source = SamrSource()
