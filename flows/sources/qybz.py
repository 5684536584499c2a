"""Wiring for the qybz source: the homepage's latest disclosures → detail pages → enterprise
records and the declarers' identity evidence.

Fetching is `extract.sources.qybz` (the contract, and why coverage is partial), parsing
`transform.parsers.qybz`. Only the homepage and the detail pages are fetched: the search is
behind a Geetest captcha and is never requested, so every result says `coverage = "partial"`
(`COVERAGE_NOTE`); analysts' exports through the inbox fill the gap. A captcha or any other
block met anyway is counted in `result.blocked` (the run's health check reports it) and what
was read is returned.

Each homepage row in the window is a record (drafters = [企业名称]); its detail page completes
it and gives `OrgEvidence` (机构名称, 统一社会信用代码, 行政区划) for the organisation register.
A row whose detail page could not be had keeps its homepage record — the homepage shows only
the latest disclosures, so the next run may no longer list it — and leaves the crawl
incomplete.

Watermark `published`: the newest 公开时间 a complete crawl read. The homepage is read on every
run (it has no paging); an incremental run keeps only the rows published since watermark −
overlap, so older rows cost no detail request; nor does a row re-read over the overlap as it was
when a run read its page (watermark `entry:<detail URL>` = `flows.sources.pages.row_digest`): it is
in the warehouse with its page ("unchanged standards").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from extract.archive import ArchiveEntry
from extract.http import HttpClient, decode_text
from extract.sources import qybz as qybz_source
from flows.probe import Checks, dates_read, provenance_of_fetched
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import (
    ENTRY, add_rejects_once, advance_watermark, fetch_details, in_window, latest_by_url, merge_detail_page,
    newest_until, once, portal_now, provenance, provenance_of, read_list, row_digest,
)
from transform.parsers import qybz as qybz_parser
from transform.records import Provenance, StandardRecord

SOURCE = qybz_source.SOURCE
WATERMARK = "published"
COVERAGE = qybz_source.COVERAGE
COVERAGE_NOTE = ("only the homepage's latest disclosures are read; the search that lists a region's "
                 "enterprise standards is behind a captcha (never solved) — analysts' exports fill the gap")


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult:
    """The homepage's disclosures in the window, each completed by its detail page."""
    result = _result()
    base = settings.base_url(SOURCE)
    _, workers = settings.host_policy(urlsplit(base).hostname or "")
    since = None
    if WATERMARK in watermarks:
        since = date.fromisoformat(watermarks[WATERMARK]) - timedelta(days=settings.watermark_overlap_days)

    fetched, _ = read_list(result, "homepage", once(lambda: qybz_source.fetch_home(client, base)))
    if not fetched:
        return result
    home = fetched[0]
    if qybz_source.is_captcha_gate(home.url):  # redirected to the search's gate, and not recognised as a captcha
        result.blocked["captcha"] += 1
        result.stop(f"homepage: redirected to the captcha-gated search ({home.url})")
        return result
    if not home.ok:
        result.reject("list_failed", f"homepage: HTTP {home.status}", url=home.url, response_id=home.response_id)
        result.stop(f"homepage: HTTP {home.status}")
        return result

    with result.stage("parse"):
        result.pages += 1
        parsed = qybz_parser.parse_home(home.text, provenance(home))
        for record in parsed.records:
            record.detail_url = qybz_source.detail_url(base, record.source_id)
        result.rejects.extend(parsed.rejects)
        if parsed.spam:
            result.spam_pages[home.response_id] = list(parsed.spam)
        newest = newest_until((r.issue_date for r in parsed.records), portal_now().date())
        wanted = [r for r in parsed.records if in_window(r.issue_date, window, since)]
        digests = {r.detail_url: row_digest(r) for r in wanted}
        need = [r for r in wanted if watermarks.get(ENTRY + (r.detail_url or "")) != digests[r.detail_url]]
        if len(need) < len(wanted):
            result.unchanged["standards"] += len(wanted) - len(need)

    details = fetch_details(client, [(r.std_no, r.detail_url or "") for r in need], source=SOURCE,
                            headers=qybz_source.page_headers(base), workers=workers, result=result)
    with result.stage("parse"):
        for record in need:
            page = details.pages.get(record.detail_url or "")
            if page is not None:
                result.details += 1
                url = record.detail_url
                record = _with_detail(record, page.text, provenance(page), result)
                result.watermarks[ENTRY + url] = digests[url]
            result.records.append(record)

    advance_watermark(result, watermarks, WATERMARK, newest if result.complete else None)
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult:
    """Records and evidence from archived qybz pages, with today's parser: the latest homepage row
    of each disclosure, completed by the latest copy of its detail page when the archive holds one.
    No network."""
    result = _result()
    latest: dict[str, StandardRecord] = {}  # detail url → record
    details: list[tuple[ArchiveEntry, bytes]] = []
    seen_rejects: set[tuple[str, str]] = set()
    with result.stage("parse"):
        for entry, body in entries:
            parts = urlsplit(entry.url)
            if parts.path.startswith(qybz_source.DETAIL_PATH + "/"):
                details.append((entry, body))
                continue
            if parts.path != qybz_source.HOME_PATH:
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            parsed = qybz_parser.parse_home(text, provenance_of(entry))
            for record in parsed.records:
                record.detail_url = qybz_source.detail_url(f"{parts.scheme}://{parts.netloc}", record.source_id)
            add_rejects_once(result, parsed.rejects, seen_rejects)
            for record in parsed.records:
                held = latest.get(record.detail_url or "")
                if held is None or held.provenance.fetched_at <= record.provenance.fetched_at:
                    latest[record.detail_url or ""] = record
        pages = latest_by_url(details)
        for url, record in latest.items():
            page = pages.get(url)
            if page is not None:
                entry, body = page
                result.details += 1
                text, _ = decode_text(body, entry.content_type)
                record = _with_detail(record, text, provenance_of(entry), result)
            result.records.append(record)
    return result


def _result() -> SourceResult:
    return SourceResult(SOURCE, coverage=COVERAGE, coverage_note=COVERAGE_NOTE)


def _with_detail(record: StandardRecord, html: str, page: Provenance, result: SourceResult) -> StandardRecord:
    """The record completed by its detail page, whose declarer (机构名称, credit code, 行政区划)
    becomes evidence — even from a page about another standard: it is still the declarer's."""
    record, detail = merge_detail_page(qybz_parser, record, html, page, result)
    if detail is not None:  # None: a page the parser could not read (a reject)
        result.evidence.extend(detail.evidence)
    return record


__all__ = ["COVERAGE", "COVERAGE_NOTE", "SOURCE", "WATERMARK", "crawl", "reparse"]


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------


def _probe_qybz(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("qybz")
    home = checks.answers("homepage answers (no captcha)", lambda: qybz_source.fetch_home(client, base))
    if home is None:
        return
    read = qybz_parser.parse_home(home.text, provenance_of_fetched(home))
    rows = len(read.records) + len(read.rejects)
    if not checks.check("latest disclosures", "tr rows with toDetail('<id>')", f"{rows} rows", rows):
        return
    dates_read(checks, "date format 公开时间", "a date", [r.issue_date for r in read.records][:20])
    record = next((r for r in read.records if r.source_id), None)
    if record is None:
        return
    detail = checks.answers("detail answers", lambda: client.fetch(
        "GET", qybz_source.detail_url(base, record.source_id), source=SOURCE, headers=qybz_source.page_headers(base)))
    if detail is not None:
        got = qybz_parser.parse_detail(detail.text, provenance_of_fetched(detail))
        checks.check("detail 标准编号 and 机构名称", "label/value tables", f"{got.std_no_raw!r}, {got.org_name!r}",
                     got.std_no_raw and got.org_name)


class QybzSource(Source):
    """The qybz source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries)

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_qybz(checks_for(self.name), client, settings)


source = QybzSource()
