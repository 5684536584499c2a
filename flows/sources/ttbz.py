"""Wiring for the ttbz source: group standards → detail pages → records, publishers, associations.

Fetching is `extract.sources.ttbz` (the contract), parsing `transform.parsers.ttbz`; this
module decides what to fetch, how archived pages become records again (`reparse`), and
collects for the load: the records, each group standard's publishing association
(`SourceResult.publishers`) and the region's province's associations as organisation
evidence (`SourceResult.evidence`: address, else province), so that publishers can be
attributed.

Standards: every group standard published in the window, whatever association published
it — organisations of the region also draft standards of other provinces' associations, so
the list is not narrowed to the province's. Incremental rule: the portal's date filter —
`publishDateBegin` (window start, or watermark − overlap when later) — walked to its end
(`extract.paging.walk_pages`, recorded with `SourceResult.walked`: complete only when the rows
seen reach `data.total`); the window's end is applied to what it returns. Drafters (`editorUnit`) are only on the detail page: every
record gets its page, fetched in a pool of the host's concurrency, unless its list row is unchanged
since a run read its page (watermarks `entry:<detail URL>`, `flows.sources.pages.add_with_details`). The legacy HTML pages
(`/Home/*`) are behind a WAF and never requested.

Watermark `published`: the newest 公布日期 a complete crawl of the list read.

A detail page that could not be had (blocked, retries exhausted), or from which the parser read
nothing (`layout_changed`: a garbage 200 page), withholds its record and leaves the crawl incomplete (the watermark stays; the next run asks again). A page answered
with an error status, or about another standard, is a reject. The association list is read
on a first run, and then only on a run that loads a standard whose publisher no earlier run met
(watermark `publishers`: the names the association list gave when last read whole, and the other
publishers seen since — a new association, maybe of the province, is the news that list carries);
otherwise the report says "unchanged N associations". When it cannot be had the run is
incomplete, but the standards' watermark still advances: the two do not depend on each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from extract.archive import ArchiveEntry
from extract.http import HttpClient, decode_text
from extract.sources import ttbz as ttbz_source
from flows.probe import Checks, dates_read, is_true, keys_present, page_size_served, provenance_of_fetched
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import (
    add_rejects_once, add_with_details, advance_watermark, in_window, merge_detail_page, newest_until, once,
    portal_now, provenance, provenance_of, read_list, read_nothing,
)
from transform.parsers import ttbz as ttbz_parser
from transform.records import OrgEvidence, Provenance, StandardRecord
from transform.region import load_region
from warehouse.load import WriteSession
from warehouse.registries import load_group_publishers

SOURCE = ttbz_source.SOURCE
WATERMARK = "published"
PUBLISHERS = "publishers"  # the association list's names as last read whole, and other publishers seen since


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult:
    """The window's group standards, then the province's associations; see the module docstring."""
    result = SourceResult(SOURCE)
    base = settings.base_url(SOURCE)
    _, workers = settings.host_policy(urlsplit(base).hostname or "")
    since = None
    if WATERMARK in watermarks:
        since = date.fromisoformat(watermarks[WATERMARK]) - timedelta(days=settings.watermark_overlap_days)
    newest = _crawl_standards(client, base, result, page_size=min(settings.page_size, ttbz_source.MAX_PAGE_SIZE),
                              window=window, since=since, workers=workers, seen=watermarks)
    known = json.loads(watermarks.get(PUBLISHERS, "{}"))
    listed, others = set(known.get("listed", ())), set(known.get("others", ()))
    new = set(result.publishers.values()) - listed - others
    if PUBLISHERS in watermarks and not new:
        result.unchanged["associations"] = len(listed)  # no publisher the last association list did not know
    elif not result.blocked:  # a portal that refuses us is left alone for the rest of the run
        read = _crawl_associations(client, base, load_region(settings.region).province, result)
        if read is not None:
            result.watermarks[PUBLISHERS] = json.dumps(
                {"listed": sorted(read), "others": sorted((others | new) - read)}, ensure_ascii=False)
    advance_watermark(result, watermarks, WATERMARK, newest)
    return result


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]], province: str) -> SourceResult:
    """Records, publishers and association evidence from archived ttbz answers, with today's
    parser: the latest list row of each standard whose detail page the archive holds, completed by
    the latest copy of that page; the latest row of each association. A list row whose page was
    never fetched was outside what its crawl asked for. `province` is where an association row
    without `certUnitArea` is taken to be (the region's). No network."""
    result = SourceResult(SOURCE)
    latest: dict[str, tuple[StandardRecord, str | None]] = {}  # detail url → (record, publisher)
    details: dict[str, tuple[ArchiveEntry, bytes]] = {}
    organs: dict[str, OrgEvidence] = {}
    seen_rejects: set[tuple[str, str]] = set()  # the same bad row is on every re-read of its page

    def newer(held: Provenance | None, seen: Provenance | None) -> bool:
        return held is None or seen is None or held.fetched_at <= seen.fetched_at

    with result.stage("parse"):
        for entry, body in entries:
            parts = urlsplit(entry.url)
            if parts.path.startswith(ttbz_source.DETAIL_PATH + "/"):
                held = details.get(entry.url)
                if held is None or held[0].fetched_at < entry.fetched_at:
                    details[entry.url] = (entry, body)
                continue
            if parts.path not in (ttbz_source.LIST_PATH, ttbz_source.ORGAN_PATH):
                continue
            result.pages += 1
            text, _ = decode_text(body, entry.content_type)
            if parts.path == ttbz_source.LIST_PATH:
                parsed = ttbz_parser.parse_list(text, provenance_of(entry))
                add_rejects_once(result, parsed.rejects, seen_rejects)
                for record in _with_detail_urls(parsed.records, f"{parts.scheme}://{parts.netloc}"):
                    held_record = latest.get(record.detail_url or "")
                    if held_record is None or newer(held_record[0].provenance, record.provenance):
                        latest[record.detail_url or ""] = (record, parsed.publishers.get(record.std_no))
            else:
                parsed_organs = ttbz_parser.parse_organs(text, provenance_of(entry), province=province)
                add_rejects_once(result, parsed_organs.rejects, seen_rejects)
                for evidence in parsed_organs.evidence:
                    held_evidence = organs.get(evidence.name)
                    if held_evidence is None or newer(held_evidence.provenance, evidence.provenance):
                        organs[evidence.name] = evidence
        for url, (record, publisher) in latest.items():
            page = details.get(url)
            if page is None:
                continue
            entry, body = page
            result.details += 1
            text, _ = decode_text(body, entry.content_type)
            record, detail = merge_detail_page(ttbz_parser, record, text, provenance_of(entry), result)
            if read_nothing(detail):
                continue  # withheld, as the crawl withheld it
            result.records.append(record)
            if publisher:
                result.publishers[record.std_no] = publisher
        result.evidence.extend(organs.values())
    return result


# -- crawl ---------------------------------------------------------------------------------------


def _crawl_standards(
    client: HttpClient,
    base: str,
    result: SourceResult,
    *,
    page_size: int,
    window: Window,
    since: date | None,
    workers: int,
    seen: dict[str, str],
) -> date | None:
    """Fetch and parse the window's standards; the newest 公布日期 read, when the list was covered completely."""
    published_from = max((d for d in (window.issued_from, since) if d is not None), default=None)
    tally = ttbz_source.list_tally(published_from, page_size)
    pages, _ = read_list(result, tally.what, ttbz_source.iter_list_pages(
        client, base, page_size=page_size, published_from=published_from, tally=tally))
    complete = result.walked(tally)

    records: dict[str, StandardRecord] = {}  # standardUniqueId → record
    publishers: dict[str, str] = {}
    published_on: list[date] = []
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            parsed = ttbz_parser.parse_list(page.text, provenance(page))
            result.rejects.extend(parsed.rejects)
            publishers.update(parsed.publishers)
            for record in _with_detail_urls(parsed.records, base):
                if record.issue_date is not None:
                    published_on.append(record.issue_date)
                if in_window(record.issue_date, window, since):
                    records.setdefault(record.source_id, record)

    added, details_complete = add_with_details(client, list(records.values()), ttbz_parser,
                                               headers=ttbz_source.page_headers(base), workers=workers, result=result,
                                               seen=seen)
    for record in added:
        if record.std_no in publishers:
            result.publishers[record.std_no] = publishers[record.std_no]
    if not (complete and details_complete):
        return None
    return newest_until(published_on, portal_now().date())


def _crawl_associations(client: HttpClient, base: str, province: str, result: SourceResult) -> set[str] | None:
    """The associations registered in `province`, as organisation evidence; their names when the list
    was read whole, else None. The province list says whether the portal knows the province by that
    name (`certUnitArea` must match it)."""
    fetched, _ = read_list(result, "province list", once(lambda: ttbz_source.fetch_provinces(client, base)))
    if not fetched:
        return None
    listed = fetched[0]
    if not listed.ok:
        result.reject("list_failed", f"province list: HTTP {listed.status}", url=listed.url,
                      response_id=listed.response_id)
        result.stop(f"province list: HTTP {listed.status}")
        return None
    names, rejects = ttbz_parser.parse_provinces(listed.text, provenance(listed))
    result.rejects.extend(rejects)
    if province not in names:
        result.reject("unknown_province", f"the association list knows {len(names)} provinces, not {province!r}: "
                      "check the region's province name", url=listed.url, response_id=listed.response_id)
        result.stop(f"association list: no province {province!r}")
        return None
    tally = ttbz_source.organ_tally(province)
    pages, _ = read_list(result, tally.what, ttbz_source.iter_organ_pages(client, base, province, tally=tally))
    complete = result.walked(tally)
    read: set[str] = set()
    with result.stage("parse"):
        for page in pages:
            result.pages += 1
            parsed = ttbz_parser.parse_organs(page.text, provenance(page), province=province)
            result.rejects.extend(parsed.rejects)
            result.evidence.extend(parsed.evidence)
            read |= {evidence.name for evidence in parsed.evidence}
    return read if complete else None


def _with_detail_urls(records: Iterable[StandardRecord], base: str) -> list[StandardRecord]:
    """The records with the detail page URL of their standardUniqueId (the parser builds no URL)."""
    out = []
    for record in records:
        record.detail_url = ttbz_source.detail_url(base, record.source_id)
        out.append(record)
    return out


__all__ = ["SOURCE", "WATERMARK", "crawl", "reparse"]


def load(w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, int]:
    """Each group standard's publishing association (the second view of group_std)."""
    load_group_publishers(w, SOURCE, result.publishers)
    return {"publishers": len(result.publishers)}


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------

TTBZ_ROW_KEYS = ("standardUniqueId", "standardNo", "standardTitleCn", "organName", "publishDate")


def _probe_ttbz(checks: Checks, client: HttpClient, settings: Settings) -> None:
    base = settings.base_url("ttbz")
    size = min(settings.page_size, ttbz_source.MAX_PAGE_SIZE)
    first = checks.answers("list getPortalStandardList answers", lambda: client.fetch(
        "POST", ttbz_source.list_url(base), source=ttbz_source.SOURCE,
        data=ttbz_source.list_params(page=1, page_size=size), headers=ttbz_source.api_headers(base)))
    if first is None:
        return
    payload = checks.json("list JSON keys", first, "result true, data.total, data.rows (list)",
                          lambda p: (is_true(p["result"]), int(p["data"]["total"]), list(p["data"]["rows"])))
    if payload is None:
        return
    _, total, rows = payload
    if not checks.check("list rows", "rows on page 1", f"{len(rows)} rows, total {total}",
                        rows and all(isinstance(r, dict) for r in rows)):
        return
    keys_present(checks, "row keys", rows[0], TTBZ_ROW_KEYS)
    page_size_served(checks, "page size served", len(rows), size, total, "10–50 offered")
    dates_read(checks, "date format publishDate", "YYYY-MM-DD, a time may follow", [r.get("publishDate") for r in rows])
    uid = str(rows[0].get("standardUniqueId", ""))
    detail = checks.answers("detail standardDetail answers", lambda: client.fetch(
        "GET", ttbz_source.detail_url(base, uid), source=ttbz_source.SOURCE, headers=ttbz_source.page_headers(base)))
    if detail is not None:
        got = ttbz_parser.parse_detail(detail.text, provenance_of_fetched(detail))
        checks.check("detail JSON blob", "#portal-standard-detail-json with standardNo",
                     f"unreadable {got.unreadable!r}, standardNo {got.std_no!r}", not got.unreadable and got.std_no)


class TtbzSource(Source):
    """The ttbz source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries, load_region(settings.region).province)

    def load(self, w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, object]:
        return dict(load(w, result, run_id=run_id))

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_ttbz(checks_for(self.name), client, settings)


source = TtbzSource()
