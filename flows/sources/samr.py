"""Wiring for the samr source: list pages → records → detail pages where the list lacks drafters.

Fetching is `extract.sources.samr`, parsing `transform.parsers.samr`; this module
only decides what to fetch next and collects the results for the load.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from extract.http import Blocked, HttpClient
from extract.sources import samr as samr_source
from flows.sources.common import SourceResult
from transform.parsers import samr as samr_parser
from transform.records import Provenance, StandardRecord

SOURCE = "samr"


def _provenance(fetched) -> Provenance:
    return Provenance(**fetched.provenance_fields())


def crawl(
    client: HttpClient,
    base_url: str,
    *,
    tids: tuple[int, ...] = tuple(samr_source.TIDS),
    page_size: int,
    issued_from: date | None,
    issued_to: date | None,
    watermarks: dict[str, str],
    overlap: timedelta,
    detail_workers: int,
) -> SourceResult:
    """Crawl each standard type (`tid`) of the advanced search; see extract/sources/samr.py for the contract."""
    result = SourceResult(SOURCE)
    for tid in tids:
        key = f"tid{tid}"
        stop_before = None
        if key in watermarks:
            stop_before = datetime.fromisoformat(watermarks[key]) - overlap
        complete = _crawl_tid(
            client, base_url, tid, result,
            page_size=page_size, issued_from=issued_from, issued_to=issued_to,
            stop_before=stop_before, detail_workers=detail_workers,
        )
        newest = max((r.input_time for r in result.records if r.input_time and _tid_of(r) == tid), default=None)
        if complete and newest is not None:
            previous = watermarks.get(key)
            if previous is None or newest > datetime.fromisoformat(previous):
                result.watermarks[key] = newest.isoformat()
    return result


def _tid_of(record: StandardRecord) -> int:
    return 2 if record.std_type == "national" else 3


def _crawl_tid(
    client: HttpClient,
    base_url: str,
    tid: int,
    result: SourceResult,
    *,
    page_size: int,
    issued_from: date | None,
    issued_to: date | None,
    stop_before: datetime | None,
    detail_workers: int,
) -> bool:
    """Returns True when everything this tid covers was fetched (so its watermark may advance)."""
    records: list[StandardRecord] = []
    try:
        with result.stage("fetch_list"):
            pages = list(
                samr_source.iter_list_pages(
                    client, base_url, tid,
                    page_size=page_size, issued_from=issued_from, issued_to=issued_to,
                    stop_before=stop_before,
                )
            )
    except Blocked as exc:
        result.blocked[exc.reason] += 1
        result.error = f"tid {tid}: blocked ({exc.reason})"
        return False
    except Exception as exc:  # a broken list page: record it and keep the other types going
        result.reject("list_failed", f"tid {tid}: {exc}")
        result.error = f"tid {tid}: {exc}"
        return False

    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            parsed = samr_parser.parse_list(page.text, _provenance(page), tid=tid, base_url=base_url)
            records.extend(parsed.records)
            result.rejects.extend(parsed.rejects)

    complete = True
    need_detail = [r for r in records if not r.drafters_known and r.detail_url]
    if need_detail:
        with result.stage("fetch_detail"), ThreadPoolExecutor(max_workers=detail_workers) as pool:
            fetched = list(pool.map(lambda r: _fetch_detail(client, r), need_detail))
        with result.stage("parse"):
            merged: dict[int, StandardRecord] = {}
            for record, page in zip(need_detail, fetched):
                if isinstance(page, Blocked):
                    result.blocked[page.reason] += 1
                    complete = False
                    continue
                if isinstance(page, Exception):
                    result.reject("detail_failed", f"{record.std_no}: {page}", url=record.detail_url)
                    complete = False
                    continue
                result.details += 1
                detail = samr_parser.parse_detail(page.text, _provenance(page))
                if detail.spam:
                    result.spam_pages[page.response_id] = list(detail.spam)
                try:
                    merged[id(record)] = samr_parser.merge_detail(record, detail)
                except samr_parser.DetailMismatch as exc:
                    result.reject("detail_mismatch", str(exc), url=record.detail_url, response_id=page.response_id)
                    complete = False
            records = [merged.get(id(r), r) for r in records]
    result.records.extend(records)
    return complete


def _fetch_detail(client: HttpClient, record: StandardRecord):
    try:
        return client.fetch("GET", record.detail_url, source=SOURCE, headers=samr_source.detail_headers(record.detail_url))
    except Exception as exc:  # returned, not raised: one bad page must not stop the batch
        return exc
