"""Wiring for the sacinfo source: hbba (industry) and dbba (local) lists → detail pages → records.

Fetching is `extract.sources.sacinfo` (the contract, the URLs), parsing `transform.parsers.sacinfo`;
this module decides what to ask each site for, which records need their detail page, how
archived pages become records again (`reparse`), and collects both for the load. One
source in the warehouse ("sacinfo").

- hbba: every industry standard it lists. Most duplicate samr's tid=3; the warehouse
  counts a canonical number once.
- dbba: the region's local standards, `region_queries` of the region's province (from the
  region's reference data) and of the city's own prefix (`DB` + the region code), deduplicated
  on `pk`.

A site's first walk begins with its priming page on the configured host and goes on where that
landed: hbba/dbba may 301 to the unified ba.sacinfo.org.cn (`extract.sources.sacinfo`). Where it
landed is remembered (watermark `landed:<site>`, with the configured base it came from), and later
runs POST there directly, without the priming GET (a second GET of an unchanged search page a
night). Whether the list insists on a fresh session cookie is unknown [I] (the cookie jar of the
run still holds none then); so a walk from the remembered origin that fails forgets it, and the next
run primes again from the configured host; a changed base URL primes again too. A
record's kind is its number's: the hbba walk keeps industry numbers, the dbba walk local ones;
a record of the other kind (a unified host may list both [I]) is the other walk's business.

Each query is one list walk (`extract.paging.walk_pages`, recorded with `SourceResult.walked`):
complete only when the rows seen reach the stated total, whatever page size was served.

The list never carries 起草单位: every record asked for needs its `stdDetail` page, fetched
in a pool of the host's concurrency — unless its list row is unchanged since a run read its page
(`flows.sources.pages.add_with_details`, watermarks `entry:<detail URL>`: the rows re-read over
the watermark's overlap). The list cannot be filtered by issue date, so the window
is applied to what it returns and only records issued in the window get a detail page.

Watermarks, one per site (`hbba`, `dbba`): the newest 备案日期 (`recordDate`) a complete crawl of
the site read. Incremental rule: the portal's filing-date filter — the smallest `pubdate`
window (months since filing) reaching back to watermark − overlap — walked to its end, keeping
the records filed since then: the list's order is unknown, so nothing stops on it.

A detail page that could not be had (blocked, retries exhausted), or from which the parser read
nothing (`layout_changed`: a garbage 200 page), withholds its record and leaves the crawl
incomplete, so the watermark stays and the next run asks again: a list-only record would say
"drafters unknown" where the page names them. A page the portal answers with an error status,
or that is about another standard, is a reject.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from extract.archive import ArchiveEntry
from extract.http import HttpClient, decode_text
from extract.sources import sacinfo as sacinfo_source
from flows.probe import Checks, dates_read, keys_present, page_size_served, provenance_of_fetched
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import (
    add_rejects_once, add_with_details, advance_watermark, in_window, merge_detail_page, newest_until, once,
    portal_now, provenance, provenance_of, read_list, read_nothing,
)
from transform.parsers import sacinfo as sacinfo_parser
from transform.records import StandardRecord
from transform.region import load_region

SOURCE = sacinfo_source.SOURCE
SITES = tuple(sacinfo_source.SITES)  # ("hbba", "dbba"): also the settings' base-URL keys and the watermark keys
LANDED = "landed:"  # watermark `landed:<site>` = "<configured base> <origin its search page landed on>"


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult:
    """Crawl hbba, then dbba for the region; see the module docstring."""
    result = SourceResult(SOURCE)
    region = load_region(settings.region)
    overlap = timedelta(days=settings.watermark_overlap_days)
    queries = {"hbba": [{}], "dbba": sacinfo_source.region_queries(region.province, f"DB{region.code}")}
    seen_rejects: set[tuple[str, str]] = set()  # a unified host shows both walks the same bad rows
    for site in SITES:  # two hosts: a block on one does not keep us from the other
        base = settings.base_url(site)
        _, workers = settings.host_policy(urlsplit(base).hostname or "")
        since = datetime.fromisoformat(watermarks[site]) - overlap if site in watermarks else None
        newest = _crawl_site(client, site, base, queries[site], result, page_size=settings.page_size,
                             window=window, since=since, workers=workers, seen_rejects=seen_rejects,
                             seen=watermarks)
        advance_watermark(result, watermarks, site, newest)
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult:
    """Records from archived hbba/dbba (or ba.sacinfo) pages, with today's parser: the latest list
    row of each standard whose detail page (`/stdDetail` or `/rnDetail`) the archive holds, completed
    by the latest copy of that page. A row whose page was never fetched was outside what its crawl
    asked for. No network."""
    result = SourceResult(SOURCE)
    latest: dict[str, StandardRecord] = {}  # pk → record
    details: dict[str, tuple[ArchiveEntry, bytes]] = {}  # pk → its latest detail page
    seen_rejects: set[tuple[str, str]] = set()
    with result.stage("parse"):
        for entry, body in entries:
            parts = urlsplit(entry.url)
            pk = _detail_pk(parts.path)
            if pk is not None:
                held = details.get(pk)
                if held is None or held[0].fetched_at < entry.fetched_at:
                    details[pk] = (entry, body)
                continue
            if parts.path != sacinfo_source.LIST_PATH:
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            parsed = sacinfo_parser.parse_list(text, provenance_of(entry))
            add_rejects_once(result, parsed.rejects, seen_rejects)
            for record in parsed.records:
                held_record = latest.get(record.source_id)
                if held_record is None or held_record.provenance.fetched_at <= record.provenance.fetched_at:
                    latest[record.source_id] = record
        for pk, record in latest.items():
            page = details.get(pk)
            if page is None:
                continue
            entry, body = page
            result.details += 1
            record.detail_url = entry.url
            text, _ = decode_text(body, entry.content_type)
            record, detail = merge_detail_page(sacinfo_parser, record, text, provenance_of(entry), result)
            if not read_nothing(detail):
                result.records.append(record)
    return result


# -- crawl ---------------------------------------------------------------------------------------


def _crawl_site(
    client: HttpClient,
    site: str,
    base: str,
    queries: list[dict[str, str]],
    result: SourceResult,
    *,
    page_size: int,
    window: Window,
    since: datetime | None,
    workers: int,
    seen_rejects: set[tuple[str, str]],
    seen: dict[str, str],
) -> datetime | None:
    """Fetch and parse one site; returns the newest 备案日期 read when the site was covered completely."""
    pubdate = sacinfo_source.pubdate_window(since.date(), portal_now().date()) if since is not None else ""
    configured, _, landed = seen.get(LANDED + site, "").partition(" ")
    if configured == base and landed:
        base = landed  # where the search page landed last time: no priming GET
    else:
        primed, _ = read_list(result, f"{site} search page", once(lambda: sacinfo_source.prime(client, base)))
        if not primed:
            return None
        landed = sacinfo_source.landed_base(primed[0])  # the configured host, or where it redirected
        result.watermarks[LANDED + site] = f"{base} {landed}"
        base = landed
    pages = []
    complete = True
    for query in queries:
        tally = sacinfo_source.list_tally(site, query, page_size, pubdate)
        walked, _ = read_list(result, tally.what, sacinfo_source.iter_list_pages(
            client, base, page_size=page_size, pubdate=pubdate, tally=tally, **query))
        pages.extend(walked)
        complete = result.walked(tally) and complete
    if not complete:
        result.watermarks[LANDED + site] = ""  # the next run primes again, from the configured host

    kind = sacinfo_source.SITES[site]
    records: dict[str, StandardRecord] = {}  # pk → record: the region's queries overlap
    filed_on: list[datetime] = []
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            parsed = sacinfo_parser.parse_list(page.text, provenance(page))
            add_rejects_once(result, parsed.rejects, seen_rejects)  # the region's queries overlap
            for record in parsed.records:
                if record.std_type != kind:
                    continue  # the other site's kind, on a host that lists both: the other walk's business
                filed = record.input_time
                if filed is not None:
                    filed_on.append(filed)
                    if since is not None and filed < since:
                        continue  # filed before the watermark: loaded by an earlier run
                if in_window(record.issue_date, window):
                    record.detail_url = sacinfo_source.detail_url(base, record.source_id)
                    records.setdefault(record.source_id, record)

    _, details_complete = add_with_details(client, list(records.values()), sacinfo_parser,
                                           headers=sacinfo_source.page_headers(base), workers=workers, result=result,
                                           seen=seen)
    if not (complete and details_complete):
        return None
    return newest_until(filed_on, portal_now())


def _detail_pk(path: str) -> str | None:
    """The pk of a detail page's path (`/stdDetail/<pk>` or `/rnDetail/<pk>`), else None."""
    for prefix in sacinfo_source.DETAIL_PATHS:
        if path.startswith(prefix + "/"):
            return path[len(prefix) + 1:] or None
    return None


__all__ = ["SITES", "SOURCE", "crawl", "reparse"]


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------

SACINFO_RECORD_KEYS = ("pk", "code", "chName", "status", "issueDate")


def _probe_sacinfo(checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
    for site in sacinfo_source.SITES:
        checks = checks_for(site)
        base, size = settings.base_url(site), settings.page_size
        primed = checks.answers("session page /stdList answers", lambda: sacinfo_source.prime(client, base))
        if primed is None:
            continue
        # Like the crawl, list where the priming page landed: a POST redirected would lose its form.
        landed = sacinfo_source.landed_base(primed)
        checks.check("list host", "its own host, or redirected to ba.sacinfo.org.cn (either is handled)",
                     f"redirected to {landed}" if primed.redirected_from else "its own host", True)
        first = checks.answers("list stdQueryList answers", lambda: client.fetch(
            "POST", sacinfo_source.list_url(landed), source=sacinfo_source.SOURCE,
            data=sacinfo_source.list_params(page=1, page_size=size), headers=sacinfo_source.list_headers(landed)))
        if first is None:
            continue
        payload = checks.json("list JSON keys", first, "total, records (list)",
                              lambda p: (int(p["total"]), list(p["records"])))
        if payload is None:
            continue
        total, records = payload
        if not checks.check("list records", "records on page 1", f"{len(records)} records, total {total}",
                            records and all(isinstance(r, dict) for r in records)):
            continue
        keys_present(checks, "record keys", records[0], SACINFO_RECORD_KEYS)
        page_size_served(checks, "page size served", len(records), size, total, "15 by default, 50/100 used by others")
        dates_read(checks, "date format issueDate", "epoch milliseconds", [r.get("issueDate") for r in records])
        pk = str(records[0].get("pk", ""))
        detail = checks.answers("detail stdDetail answers", lambda: client.fetch(
            "GET", sacinfo_source.detail_url(landed, pk), source=sacinfo_source.SOURCE,
            headers=sacinfo_source.page_headers(landed)))
        if detail is not None:
            read = sacinfo_parser.parse_detail(detail.text, provenance_of_fetched(detail))
            checks.check("detail title and 标准号", "the page's title and standard number",
                         f"title {bool(read.title)}, 标准号 {read.std_no_raw!r}", read.title and read.std_no_raw)


class SacinfoSource(Source):
    """The sacinfo source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries)

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_sacinfo(checks_for, client, settings)


source = SacinfoSource()
