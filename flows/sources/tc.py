"""Wiring for the tc source: the committee directory of the region's province → committee pages →
`CommitteeRecord`s and the secretariats' identity evidence.

Fetching is `extract.sources.tc` (the contract), parsing `transform.parsers.tc`. The directory
lives on std.samr.gov.cn (the `samr` base URL) and is filtered by the province of the
secretariat: the region's province, from its reference data (`transform.region`). Each item
links to its committee page (`div.page-header a`), fetched in a pool of the host's
concurrency. The page gives the committee (`SourceResult.committees`) and its secretariat unit
with the secretariat's address (`SourceResult.evidence`). No standards: `records` stays empty.

Committees are not filtered by the window: the warehouse counts those established in it.

Paging: one walk of the directory (`extract.paging.walk_pages`, recorded with
`SourceResult.walked`): complete only when the items seen reach the total the page prints, or,
without one, when the list runs out. Incremental rule: the directory carries no date, so it is
read whole every run (`extract.sources.tc`), and the digest below decides what to fetch.

Watermark `directory`: a digest of what the directory says about every committee (number,
title, link, 秘书处承担单位, 秘书处所在地). A run whose directory reads the same as the last
complete run's fetches no committee page and returns no committee: nothing it would change has
changed (the report says "unchanged N committees"). Watermarks `entry:<committee page URL>`: the
digest of that committee's directory item when its page was last read; a run whose directory
changed fetches only the pages of the items that changed (a new committee, a new secretariat).
A run without the watermarks (the first, a backfill) reads every page. A committee page
that could not be had leaves the crawl incomplete (the digest is not saved); its committee is
left out this run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from extract.archive import ArchiveEntry
from extract.http import HttpClient, decode_text
from extract.sources import tc as tc_source
from flows.probe import Checks, page_size_served, provenance_of_fetched
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import ENTRY, fetch_details, latest_by_url, provenance, provenance_of, read_list
from transform.parsers import tc as tc_parser
from transform.records import Provenance
from transform.region import load_region
from warehouse.load import WriteSession
from warehouse.registries import merge_committees

SOURCE = tc_source.SOURCE
DIRECTORY_SITE = "samr"  # the settings' base-URL key of the host that serves the directory
WATERMARK = "directory"


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult:
    """The committees whose secretariat is in the region's province; see the module docstring."""
    result = SourceResult(SOURCE)
    base = settings.base_url(DIRECTORY_SITE)
    _, workers = settings.host_policy(urlsplit(base).hostname or "")
    province = load_region(settings.region).province
    tally = tc_source.list_tally(province)
    pages, _ = read_list(result, tally.what, tc_source.iter_list_pages(client, base, province, tally=tally))
    complete = result.walked(tally)

    items: dict[str, tc_parser.CommitteeItem] = {}  # committee page url → its directory item
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            _add_items(items, page.text, provenance(page), base, result)
    digest = _digest(items)
    if complete and watermarks.get(WATERMARK) == digest:
        result.unchanged["committees"] = len(items)
        return result  # the directory reads as the last complete run left it

    # Only the committees whose directory item changed since it was last read (or never was).
    changed = {url: item for url, item in items.items() if watermarks.get(ENTRY + url) != _digest({url: item})}
    if len(changed) < len(items):
        result.unchanged["committees"] = len(items) - len(changed)
    details = fetch_details(client, [(item.title or url, url) for url, item in changed.items()], source=SOURCE,
                            headers=tc_source.page_headers(base), workers=workers, result=result)
    with result.stage("parse"):
        for url, item in changed.items():
            page = details.pages.get(url)
            if page is not None:
                result.details += 1
                if _add_committee(page.text, provenance(page), item, result):
                    result.watermarks[ENTRY + url] = _digest({url: item})
    if complete and details.complete and items:
        result.watermarks[WATERMARK] = digest
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult:
    """Committees and evidence from archived tc pages, with today's parser: the items of the latest
    copy of each directory page, each with the latest copy of its committee page when the archive
    holds one. No network."""
    result = SourceResult(SOURCE)
    pages = latest_by_url(entries)
    items: dict[str, tc_parser.CommitteeItem] = {}
    with result.stage("parse"):
        for url, (entry, body) in sorted(pages.items(), key=lambda kv: kv[1][0].fetched_at):
            parts = urlsplit(url)
            if parts.path != tc_source.LIST_PATH:
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            _add_items(items, text, provenance_of(entry), f"{parts.scheme}://{parts.netloc}", result)
        for url, item in items.items():
            page = pages.get(url)
            if page is not None:
                entry, body = page
                result.details += 1
                text, _ = decode_text(body, entry.content_type)
                _add_committee(text, provenance_of(entry), item, result)
    return result


# -- shared --------------------------------------------------------------------------------------


def _add_items(items: dict[str, tc_parser.CommitteeItem], html: str, page: Provenance, base: str,
               result: SourceResult) -> None:
    """A directory page's items, by their committee page's URL (built from the item's link and
    `base`; a page that repeats adds nothing)."""
    parsed = tc_parser.parse_list(html, page)
    result.rejects.extend(parsed.rejects)
    if parsed.spam:
        result.spam_pages[page.response_id] = list(parsed.spam)
    for item in parsed.items:
        items[tc_source.detail_url(base, item.href or "")] = item


def _add_committee(html: str, page: Provenance, item: tc_parser.CommitteeItem, result: SourceResult) -> bool:
    """Whether the page gave its committee."""
    detail = tc_parser.parse_detail(html, page, item=item)
    result.rejects.extend(detail.rejects)
    if detail.spam:
        result.spam_pages[page.response_id] = list(detail.spam)
    if detail.record is not None:
        result.committees.append(detail.record)
        result.evidence.extend(detail.evidence)
    return detail.record is not None


def _digest(items: dict[str, tc_parser.CommitteeItem]) -> str:
    """What the directory says about its committees (by their page's URL), independent of their order and paging."""
    rows = sorted([item.number or "", item.title or "", url, item.secretariat_unit or "",
                   item.location or ""] for url, item in items.items())
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


__all__ = ["DIRECTORY_SITE", "SOURCE", "WATERMARK", "crawl", "reparse"]


def load(w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, int]:
    """Committees into core.committee (the secretariats' evidence is loaded by the pipeline)."""
    counts = merge_committees(w, result.committees, run_id)
    return {"committees_inserted": counts.inserted, "committees_updated": counts.updated,
            "committees_unchanged": counts.unchanged}


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------


def _probe_tc(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("samr")
    province = "江苏省"
    first = checks.answers("directory orgPage answers", lambda: client.fetch(
        "GET", tc_source.list_url(base, province, 1), source=tc_source.SOURCE, headers=tc_source.page_headers(base)))
    if first is None:
        return
    read = tc_parser.parse_list(first.text, provenance_of_fetched(first))
    if not checks.check("directory items", "div.panel.post items", f"{len(read.items)} items, total {read.total}",
                        read.items):
        return
    page_size_served(checks, "page size served", len(read.items), tc_source.PAGE_SIZE, read.total, "10 a page [I]")
    item = read.items[0]
    if not item.href:
        return
    detail = checks.answers("committee page answers", lambda: client.fetch(
        "GET", tc_source.detail_url(base, item.href), source=SOURCE, headers=tc_source.page_headers(base)))
    if detail is not None:
        got = tc_parser.parse_detail(detail.text, provenance_of_fetched(detail), item=item)
        code = got.record.code if got.record else None
        checks.check("committee page fields", "div.basic-info dt/dd pairs with the committee code",
                     f"code {code!r}", code)


class TcSource(Source):
    """The tc source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries)

    def load(self, w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, object]:
        return dict(load(w, result, run_id=run_id))

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_tc(checks_for(self.name), client, settings)


source = TcSource()
