"""Wiring for the samr source: list pages → records → detail pages where the list lacks drafters.

Fetching is `extract.sources.samr`, parsing `transform.parsers.samr`; this module
decides what to fetch next (`crawl`), how archived pages become records again
(`reparse`, the reprocess path), and collects both for the load.

Watermarks, one per standard type (`tid2`, `tid3`): the newest SYS_INPUTIME a
complete crawl of that type read. An incremental crawl pages (newest first) until
a page reaches back past watermark − overlap and keeps only the rows entered
since then; the older rows on that page were loaded by earlier runs.

A detail page that could not be fetched (retries exhausted, blocked) withholds
its record from the load and leaves the crawl incomplete, so the watermark stays
and the next run asks again; a list-only record would overwrite the drafters
already held. A page the portal answers with an error status, or that is about
another standard, is a reject: asking again would not change it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from extract.archive import ArchiveEntry
from extract.http import Blocked, Fetched, HttpClient, decode_text
from extract.sources import samr as samr_source
from flows.settings import Settings
from flows.sources.common import SourceResult, Window
from transform.parsers import samr as samr_parser
from transform.records import Provenance, StandardRecord

SOURCE = "samr"
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
        since = datetime.fromisoformat(watermarks[key]) - overlap if key in watermarks else None
        newest = _crawl_tid(client, base_url, tid, result, page_size=settings.page_size, window=window,
                            since=since, detail_workers=detail_workers)
        previous = watermarks.get(key)
        if newest is not None and (previous is None or newest > datetime.fromisoformat(previous)):
            result.watermarks[key] = newest.isoformat()
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult:
    """Records from archived samr pages, with today's parser: the latest list row of each standard,
    completed by the latest archived detail page where the list lacks drafters. No network."""
    result = SourceResult(SOURCE)
    latest: dict[str, StandardRecord] = {}
    details: dict[str, tuple[ArchiveEntry, bytes]] = {}
    seen_rejects: set[tuple[str, str]] = set()
    with result.stage("parse"):
        for entry, body in entries:
            parts = urlsplit(entry.url)
            if parts.path in _DETAIL_PATHS:
                held = details.get(entry.url)
                if held is None or held[0].fetched_at < entry.fetched_at:
                    details[entry.url] = (entry, body)
                continue
            tid = _tid(parts.query)
            if parts.path != samr_source.LIST_PATH or tid is None:
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            parsed = samr_parser.parse_list(text, _provenance_of(entry), tid=tid,
                                            base_url=f"{parts.scheme}://{parts.netloc}")
            for reject in parsed.rejects:  # the same bad row is on every re-read of its page
                if (reject.reason, reject.detail) not in seen_rejects:
                    seen_rejects.add((reject.reason, reject.detail))
                    result.rejects.append(reject)
            for record in parsed.records:
                held_record = latest.get(record.std_no)
                if held_record is None or held_record.provenance.fetched_at <= record.provenance.fetched_at:
                    latest[record.std_no] = record
        for record in latest.values():
            page = details.get(record.detail_url or "") if not record.drafters_known else None
            if page is not None:
                entry, body = page
                result.details += 1
                text, _ = decode_text(body, entry.content_type)
                record = _with_detail(record, text, _provenance_of(entry), result)
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
    since: datetime | None,
    detail_workers: int,
) -> datetime | None:
    """Fetch and parse one tid; returns the newest SYS_INPUTIME read when the tid was covered completely."""
    pages: list[Fetched] = []
    complete = True
    with result.stage("fetch_list"):
        try:
            for page in samr_source.iter_list_pages(
                client, base_url, tid, page_size=page_size,
                issued_from=window.issued_from, issued_to=window.issued_to, stop_before=since,
            ):
                pages.append(page)
        except Blocked as exc:
            result.blocked[exc.reason] += 1
            result.stop(f"tid {tid}: blocked ({exc.reason})")
            complete = False
        except Exception as exc:  # a broken list page: what was read still loads, the rest waits for the next run
            result.reject("list_failed", f"tid {tid}: {exc}", url=getattr(exc, "url", None))
            result.stop(f"tid {tid}: {exc}")
            complete = False

    records: list[StandardRecord] = []
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            text = samr_source.rows_entered_since(page, since) if since is not None else page.text
            parsed = samr_parser.parse_list(text, _provenance(page), tid=tid, base_url=base_url)
            records.extend(parsed.records)
            result.rejects.extend(parsed.rejects)

    records, details_complete = _add_details(client, records, result, detail_workers)
    result.records.extend(records)
    if not (complete and details_complete):
        return None
    return samr_source.max_input_time(pages)


def _add_details(
    client: HttpClient, records: list[StandardRecord], result: SourceResult, workers: int
) -> tuple[list[StandardRecord], bool]:
    """Records completed by their detail pages, minus those whose page could not be had; and whether none was lost."""
    need = [r for r in records if not r.drafters_known and r.detail_url]
    if not need:
        return records, True
    refused = threading.Event()

    def fetch(record: StandardRecord) -> Fetched | Exception | None:
        if refused.is_set():
            return None  # not asked: the portal has refused us
        try:
            return client.fetch("GET", record.detail_url, source=SOURCE,
                                headers=samr_source.detail_headers(record.detail_url))
        except Blocked as exc:
            refused.set()
            return exc
        except Exception as exc:  # returned, not raised: one bad page must not stop the batch
            return exc

    with result.stage("fetch_detail"), ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pages = list(pool.map(fetch, need))

    complete = True
    completed: dict[int, StandardRecord | None] = {}
    with result.stage("parse"):
        for record, page in zip(need, pages, strict=True):
            if page is None or isinstance(page, Exception):
                complete = False
                completed[id(record)] = None
                if isinstance(page, Blocked):
                    result.blocked[page.reason] += 1
                    result.stop(f"detail pages: blocked ({page.reason})")
                elif page is not None:
                    result.reject("detail_failed", f"{record.std_no}: {page}", url=record.detail_url)
                continue
            if not page.ok:
                result.reject("detail_failed", f"{record.std_no}: HTTP {page.status}", url=page.url,
                              response_id=page.response_id)
                continue
            result.details += 1
            completed[id(record)] = _with_detail(record, page.text, _provenance(page), result)
    if not complete:
        result.complete = False
    out = []
    for record in records:
        merged = completed.get(id(record), record)
        if merged is not None:
            out.append(merged)
    return out, complete


# -- shared --------------------------------------------------------------------------------------


def _with_detail(record: StandardRecord, html: str, provenance: Provenance, result: SourceResult) -> StandardRecord:
    """The record completed by its detail page; a page about another standard is a reject."""
    detail = samr_parser.parse_detail(html, provenance)
    result.rejects.extend(detail.rejects)
    if detail.spam:
        result.spam_pages[provenance.response_id] = list(detail.spam)
    try:
        return samr_parser.merge_detail(record, detail)
    except samr_parser.DetailMismatch as exc:
        result.reject("detail_mismatch", str(exc), url=provenance.url, response_id=provenance.response_id)
        return record


def _provenance(fetched: Fetched) -> Provenance:
    return Provenance(**fetched.provenance_fields())


def _provenance_of(entry: ArchiveEntry) -> Provenance:
    return Provenance(entry.source, entry.url, entry.fetched_at, entry.response_id, entry.sha256)


def _tid(query: str) -> int | None:
    values = parse_qs(query).get("tid")
    try:
        tid = int(values[-1]) if values else None
    except ValueError:
        return None
    return tid if tid in samr_source.TIDS else None
