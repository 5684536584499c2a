"""Wiring for the notices source: column lists → selected notices → articles → list tables and
attachments → events.

The sites and columns are the selected region's (`[[sites]]`, `[[columns]]` of its region.toml,
`region_columns`); their base URLs are the `base_urls` setting under each site's key.

Fetching is `extract.sources.notices` (the contract), parsing `transform.parsers.notices`,
`transform.attachments` and `transform.events`; this module decides what to fetch next,
turns what was read into `EventRecord`s, the organisation evidence lists carry (their 地区
column), and the review-queue items for lists no program can read (a scanned PDF), and
loads them (`load`, called by the pipeline inside its write session).

Paging and watermarks, one per column (`<site>:<column>`): the newest notice date a
complete crawl of the column read. Lists are newest first; a crawl pages until a page
reaches back past `max(watermark − overlap, window start − LOOKBACK)` (scjgj columns too, walked
by `extract.paging.walk_pages` with the page count their createPageHTML call states), so a quiet
night reads one page per column. Notices are read from
a year before the window (`LOOKBACK`) so that a decision announced before the window and
reposted inside it is known as a repost, not counted as new.

A notice is fetched only when its list title announces a list (`announces_a_list`), and then only
when its list entry (title, date, link) changed since a run last read it completely, or its re-check
is due. A re-check is for an edit the list does not show (a corrected body or attachment): such
corrections follow publication closely, so only a notice listed as published within the last
`notice_recheck_within_days` is re-checked, once every `notice_recheck_days`, on a day of the cycle
its URL picks, so that re-checks are spread over the nights. A re-check asks conditionally (the
article's ETag / Last-Modified as last read: a portal that honours them answers 304) and compares the
article with the one read (sha256): an unchanged article costs that one request, its attachments none.
Watermarks `entry:<article URL>` = the entry's digest, the day it was read, then (after a tab) the
article's sha256 and validators; the notices not fetched count as "unchanged notices" in the run
report. The
article's title, or when that names no indicator the opening of its body, decides
(`select_notice`). A list page or article that cannot be had (blocked, retries exhausted)
leaves the column incomplete: its watermark stays and the next run asks again. An
attachment that answers with an error status, or cannot be read (a scan, a legacy .doc),
goes to the review queue as "needs manual entry" — never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from extract.archive import ArchiveEntry
from extract.http import Blocked, FetchError, Fetched, HttpClient, decode_text
from extract.paging import ListTally
from extract.sources import notices as notices_source
from extract.sources import ok_page
from extract.sources.notices import Column, region_columns
from flows.attribute import attribute_events
from flows.probe import Checks, dates_read, list_order
from flows.settings import Settings
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from flows.sources.pages import (
    ENTRY, advance_watermark, conditional_headers, latest_by_url, portal_now, provenance, provenance_of, validators,
)
from transform.attachments import read_attachment
from transform.attribution import Register, load_region
from transform.events import events_from_entries
from transform.parsers import notices as parser
from transform.records import EventRecord, ManualEntryNeeded, OrgEvidence, Provenance
from transform.region import Region
from warehouse import events as event_store
from warehouse.load import WriteSession

SOURCE = notices_source.SOURCE
LOOKBACK = timedelta(days=365)
MAX_LIST_PAGES = 200  # a column deeper than this is a paging bug, not a column
HANWEB_GROUP_PAGES = 3  # dataproxy records asked for at once: pages of `per_page`
PAGE_SIZE = 15  # list items asked for per page where the portal lets us choose (getInfoCommon)
_ARTICLE_PATH = re.compile(r"/\d{6}/[0-9a-f]{32}\.shtml$|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$")


@dataclass
class NoticeResult(SourceResult):
    """A notices crawl: no standards, but events, the identity evidence lists carry, and the
    notices whose list needs a person."""

    events: list[EventRecord] = field(default_factory=list)
    manual_entries: list[ManualEntryNeeded] = field(default_factory=list)
    notices_selected: int = 0

    def yielded(self) -> int:
        """Events and review-queue items count as much as standards: a night that read a list's events
        is not silent."""
        return super().yielded() + len(self.events) + len(self.manual_entries)


# -- crawl ---------------------------------------------------------------------------------------


def crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window,
          columns: Iterable[Column] | None = None) -> NoticeResult:
    """Every column of `columns` (default: the region's); see the module docstring for paging,
    selection and watermarks."""
    result = NoticeResult(SOURCE)
    region = load_region(settings.region)
    columns = region_columns(region) if columns is None else columns
    overlap = timedelta(days=settings.watermark_overlap_days)
    refused: set[str] = set()  # sites that blocked us: left alone for the rest of the run
    today, recheck = portal_now().date(), timedelta(days=settings.notice_recheck_days)
    within = timedelta(days=settings.notice_recheck_within_days)
    for column in columns:
        if column.site in refused:
            result.stop(f"{column.watermark_key}: skipped, {column.site} blocked this run")
            continue
        base = settings.base_url(column.site)
        floor = window.issued_from - LOOKBACK if window.issued_from else None
        if column.watermark_key in watermarks:
            since = date.fromisoformat(watermarks[column.watermark_key]) - overlap
            floor = max(floor, since) if floor else since
        try:
            links, complete = _list_column(client, base, column, floor, result)
            complete = _read_notices(client, links, window, region, result, seen=watermarks, today=today,
                                     recheck=recheck, within=within) and complete
        except Blocked as exc:
            result.blocked[exc.reason] += 1
            result.stop(f"{column.watermark_key}: blocked ({exc.reason}) at {exc.url}")
            refused.add(column.site)
            continue
        newest = max((link.published for link in links if link.published), default=None)
        advance_watermark(result, watermarks, column.watermark_key, newest if complete else None)
    return result


def _list_column(client: HttpClient, base: str, column: Column, floor: date | None,
                 result: NoticeResult) -> tuple[list[parser.NoticeLink], bool]:
    """The column's links, newest first, down to `floor`; and whether the listing was complete."""
    links: list[parser.NoticeLink] = []
    seen: set[str] = set()

    def take(page: parser.ListPage) -> bool:
        """Add a page's links; True when paging should go on."""
        result.pages += 1
        for link in page.links:
            if link.url not in seen:
                seen.add(link.url)
                links.append(link)
        dates = [link.published for link in page.links if link.published]
        return bool(page.links) and not (floor and dates and min(dates) < floor)

    with result.stage("fetch_list"):
        try:
            if column.cms == notices_source.SCJGJ:
                complete = _walk_scjgj(client, base, column, floor, result, take)
                return links, complete
            if column.cms == notices_source.SZINF:
                for number in range(1, MAX_LIST_PAGES + 1):
                    fetched = notices_source.fetch_szinf_list(client, base, column, number, PAGE_SIZE)
                    page = parser.parse_szinf_list(_ok(fetched).text, fetched.url)
                    if not take(page) or len(page.links) < PAGE_SIZE:
                        break
            else:
                fetched = notices_source.fetch_hanweb_column(client, base, column)
                first = parser.parse_hanweb_column(_ok(fetched).text, fetched.url)
                paging = first.hanweb
                go_on = take(first)
                start = len(first.links) + 1
                per_page = paging.per_page or PAGE_SIZE
                while go_on and paging.total_records and start <= paging.total_records:
                    end = min(start + per_page * HANWEB_GROUP_PAGES - 1, paging.total_records)
                    fetched = notices_source.fetch_hanweb_records(
                        client, base, column, start=start, end=end, per_page=per_page,
                        unitid=paging.unitid, webid=paging.webid, webname=paging.webname, path=paging.path)
                    go_on = take(parser.parse_hanweb_dataproxy(_ok(fetched).text, fetched.url))
                    start = end + 1
        except Blocked:
            raise
        except Exception as exc:  # a broken list page: what was listed is still read, the rest waits
            reason = "layout_changed" if isinstance(exc, parser.NoticeParseError) else "list_failed"
            result.reject(reason, f"{column.watermark_key}: {exc}", url=getattr(exc, "url", None))
            result.stop(f"{column.watermark_key}: {exc}")
            return links, False
    return links, True


def _walk_scjgj(client: HttpClient, base: str, column: Column, floor: date | None, result: NoticeResult,
                take: Callable[[parser.ListPage], bool]) -> bool:
    """A scjgj column by `extract.paging.walk_pages`, its later pages named by the page's own
    createPageHTML call; an incremental walk stops after a page reaching back past `floor`. True when
    the walk was complete."""
    read: dict[str, parser.ListPage] = {}

    def rows(fetched: Fetched) -> int:
        read[fetched.response_id] = parser.parse_scjgj_list(fetched.text, fetched.url)
        return len(read[fetched.response_id].links)

    def pager(fetched: Fetched) -> tuple[int, int, str, str] | None:
        stated = parser.scjgj_pager(fetched.text)
        return (stated.count, stated.index, stated.name, stated.ext) if stated else None

    def older(fetched: Fetched) -> bool:
        """The list is newest first: a page reaching back past the floor is the last one needed (the
        same rule as the other columns' `take`)."""
        dates = [link.published for link in read[fetched.response_id].links if link.published]
        return floor is not None and bool(dates) and min(dates) < floor

    tally = ListTally(f"notices {column.watermark_key} ({column.label})")
    for fetched in notices_source.iter_scjgj_pages(client, base, column, pager=pager, rows=rows, tally=tally,
                                                   older=older):
        take(read[fetched.response_id])
    return result.walked(tally)


def _ok(fetched: Fetched) -> Fetched:
    return ok_page(fetched, fetched.url)


def entry_digest(link: parser.NoticeLink) -> str:
    """What a list says about one notice (title, date, link): when it changes, the notice is read again."""
    text = "\x1f".join((link.title, link.published.isoformat() if link.published else "", link.url))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Read:
    """What a run remembers of a notice it read completely (watermark `entry:<article URL>`)."""

    digest: str  # of its list entry then
    read_on: date
    sha256: str = ""  # of the article's body then ("" when an older run did not say)
    validators: dict[str, str] = field(default_factory=dict)  # its ETag / Last-Modified then

    def value(self) -> str:
        extra = json.dumps({"sha256": self.sha256, **self.validators}, ensure_ascii=False, sort_keys=True)
        return f"{self.digest} {self.read_on.isoformat()}\t{extra}"

    @classmethod
    def of(cls, value: str | None) -> _Read | None:
        head, _, tail = (value or "").partition("\t")
        digest, _, read_on = head.partition(" ")
        if not digest or not read_on:
            return None
        extra = json.loads(tail) if tail else {}
        sha = extra.pop("sha256", "")
        return cls(digest, date.fromisoformat(read_on), sha, extra)


def _held_as_listed(seen: Mapping[str, str], link: parser.NoticeLink) -> _Read | None:
    """What a run remembers of the notice, when it read it with its list entry as it is now."""
    held = _Read.of(seen.get(ENTRY + link.url))
    return held if held is not None and held.digest == entry_digest(link) else None


def _read_as_listed(seen: Mapping[str, str], link: parser.NoticeLink, today: date, recheck: timedelta,
                    within: timedelta) -> bool:
    """Whether the notice was read, with its list entry as it is now, and its re-check is not due."""
    held = _held_as_listed(seen, link)
    return held is not None and not _recheck_due(link, held.read_on, today, recheck, within)


def _recheck_due(link: parser.NoticeLink, read_on: date, today: date, recheck: timedelta, within: timedelta) -> bool:
    """Whether the notice's re-check has come: only for a notice listed as published within `within`
    of today (or undated), on its own day of every `recheck` days since it was read — one day in
    every `recheck`, chosen by its URL, so that notices read together are re-read spread over the
    following nights rather than all on one night, and none waits longer than `recheck`."""
    if link.published is not None and today - link.published > within:
        return False
    days = recheck.days
    if days <= 0:
        return True
    slot = int(hashlib.sha256(link.url.encode("utf-8")).hexdigest()[:8], 16) % days
    last_slot = today.toordinal() - (today.toordinal() - slot) % days
    return last_slot > read_on.toordinal()


def _read_notices(client: HttpClient, links: list[parser.NoticeLink], window: Window, region: Region,
                  result: NoticeResult, *, seen: Mapping[str, str], today: date, recheck: timedelta,
                  within: timedelta) -> bool:
    """Fetch and read every selected notice in the window (and its lookback) whose list entry changed
    since it was last read, or whose re-check is due (module docstring); True when all were read.
    Each notice read completely, or re-checked and found unchanged, is remembered (`_Read`)."""
    failures: list[str] = []
    floor = window.issued_from - LOOKBACK if window.issued_from else None
    for link in links:
        if link.published and ((floor and link.published < floor) or (window.issued_to and link.published > window.issued_to)):
            continue
        if not parser.announces_a_list(link.title):
            continue
        if _read_as_listed(seen, link, today, recheck, within):
            result.unchanged["notices"] += 1
            continue
        held = _held_as_listed(seen, link)  # None: never read, or its list entry changed: read it whole
        failed_before = len(failures)
        with result.stage("fetch_detail"):
            try:
                page = notices_source.fetch_article(client, link.url,
                                                    conditional=conditional_headers(held.validators) if held else None)
            except Blocked:
                raise
            except Exception as exc:
                result.reject("article_failed", f"{link.title}: {exc}", url=link.url)
                result.stop(f"article {link.url}: {exc}")
                failures.append(link.url)
                continue
        body_sha = hashlib.sha256(page.body).hexdigest()
        if held is not None and (page.status == 304 or (page.ok and held.sha256 == body_sha)):
            # Re-checked, not changed: nothing to parse, no attachment to fetch again.
            result.unchanged["notices"] += 1
            result.watermarks[ENTRY + link.url] = _Read(held.digest, today, held.sha256,
                                                        validators(page) or held.validators).value()
            continue
        result.details += 1
        if not page.ok:
            result.reject("article_failed", f"{link.title}: HTTP {page.status}", url=link.url, response_id=page.response_id)
            continue

        def attachment(url: str, article_url: str = page.url) -> tuple[bytes, Provenance] | str | None:
            try:
                fetched = notices_source.fetch_attachment(client, url, article_url)
            except Blocked:
                raise
            except Exception as exc:
                result.reject("attachment_failed", f"{url}: {exc}", url=url)
                result.stop(f"attachment {url}: {exc}")
                failures.append(url)
                return None
            if not fetched.ok:
                return f"HTTP {fetched.status}"
            return fetched.body, provenance(fetched)

        with result.stage("parse"):
            if not read_notice(page.text, provenance(page), link, attachment, region, result):
                failures.append(link.url)
        if len(failures) == failed_before:
            result.watermarks[ENTRY + link.url] = _Read(entry_digest(link), today, body_sha, validators(page)).value()
    return not failures


AttachmentSource = Callable[[str], "tuple[bytes, Provenance] | str | None"]


def read_notice(html: str, provenance: Provenance, link: parser.NoticeLink | None,
                attachment: AttachmentSource, region: Region, result: NoticeResult) -> bool:
    """One article: its HTML tables and attachments → events, evidence and review-queue items.
    False when the page could not be read (empty, cut short, garbage: `SourceResult.unreadable`),
    so its column's watermark stays and the next run reads it again.

    `attachment(url)` gives (bytes, provenance), a string saying why the portal refused it
    (review queue), or None when it could not be had this run (nothing recorded: the next run
    asks again).
    """
    try:
        article = parser.parse_article(html, provenance.url, link)
    except Exception as exc:
        result.unreadable(link.title if link else "article", html, exc, url=provenance.url,
                          response_id=provenance.response_id)
        return False
    selection = parser.select_notice(article.title, region, article.body)
    if selection is None:
        return True
    if article.spam:
        result.spam_pages[provenance.response_id] = article.spam
    result.notices_selected += 1
    announced = article.published
    if announced is None:
        result.reject("missing_field", f"{article.title}: no publication date on the page or in the list",
                      url=article.url, response_id=provenance.response_id)
        return True
    common = {"announced_on": announced, "notice_title": article.title, "notice_url": article.url,
              "page_spam": bool(article.spam)}
    found = 0
    for number, rows in enumerate(article.tables, start=1):
        entries = parser.table_entries(rows)
        if entries:
            found += len(entries)
            _add(result, events_from_entries(entries, selection, origin=f"{article.url}#table {number}",
                                             provenance=provenance, **common))
    problems: list[ManualEntryNeeded] = []
    for link_to in article.attachments:
        got = attachment(link_to.url)
        if got is None:
            continue
        if isinstance(got, str):
            problems.append(_manual(article, selection, link_to.url, "unreadable_file",
                                    f"{link_to.text}: the portal answered {got}; fetch it by hand and enter its rows "
                                    "through the inbox", provenance))
            continue
        data, attachment_provenance = got
        read = read_attachment(data, link_to.text)
        if not read.readable:
            problems.append(_manual(article, selection, link_to.url, read.problem, read.detail, attachment_provenance))
            continue
        for table in read.tables:
            entries = parser.table_entries(table.rows)
            if entries:
                found += len(entries)
                _add(result, events_from_entries(entries, selection, origin=f"{link_to.url}#{table.name}",
                                                 provenance=attachment_provenance, **common))
    result.manual_entries.extend(problems)
    if not found and not problems:
        result.manual_entries.append(_manual(
            article, selection, None, "no_list",
            "the notice names a list but no table of entries was found in the page or its attachments; "
            "enter its rows through the inbox", provenance))
    return True


def _add(result: NoticeResult, events: list[EventRecord]) -> None:
    result.events.extend(events)
    for event in events:
        if event.org and event.division:
            result.evidence.append(OrgEvidence(event.org, SOURCE, division=event.division,
                                               provenance=event.provenance, origin=event.origin))


def _manual(article: parser.Article, selection: parser.Selection, attachment_url: str | None, reason: str,
            detail: str, provenance: Provenance) -> ManualEntryNeeded:
    return ManualEntryNeeded(selection.indicator_id, selection.stage, article.title, article.url, article.published,
                             attachment_url, reason, detail, provenance)


# -- reparse -------------------------------------------------------------------------------------


def reparse(entries: Iterable[tuple[ArchiveEntry, bytes]], region: Region) -> NoticeResult:
    """Events from archived notices with today's parsers: the latest archived copy of each article
    and attachment, read for `region`. No network: an attachment that was never archived is left out."""
    result = NoticeResult(SOURCE)
    articles: dict[str, tuple[ArchiveEntry, bytes]] = {}
    others: dict[str, tuple[ArchiveEntry, bytes]] = {}
    for url, page in latest_by_url(entries).items():
        (articles if _ARTICLE_PATH.search(urlsplit(url).path) else others)[url] = page

    def attachment(url: str) -> tuple[bytes, Provenance] | None:
        held = others.get(url)
        return (held[1], provenance_of(held[0])) if held else None

    with result.stage("parse"):
        for entry, body in articles.values():
            result.details += 1
            text, _ = decode_text(body, entry.content_type)
            read_notice(text, provenance_of(entry), None, attachment, region, result)
    return result


# -- load ----------------------------------------------------------------------------------------


def load(w: WriteSession, result: NoticeResult, *, run_id: str) -> dict[str, int]:
    """The crawl's events, evidence and review-queue items, inside the pipeline's write session.
    Call `attribute_events` once the organisation register is complete for the run."""
    counts = event_store.merge_events(w, result.events, run_id)
    event_store.record_manual_entries(w, result.manual_entries, run_id)
    w.add_org_evidence(result.evidence)
    return {"events": len(result.events), "events_inserted": counts.inserted, "events_unchanged": counts.unchanged,
            "needs_manual_entry": len(result.manual_entries), "notices_selected": result.notices_selected}


__all__ = ["SOURCE", "NoticeResult", "crawl", "load", "read_notice", "region_columns", "reparse"]


# The registry calls `attribute(w, settings, overrides)` once the organisation register is complete.


# -- probe: the contract facts `stdwatch probe` checks (flows/probe.py) ------------------------------


def _probe_notices(checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
    for column in region_columns(load_region(settings.region)):
        checks = checks_for(column.site)
        base = settings.base_url(column.site)
        if column.cms == notices_source.SCJGJ:
            _probe_scjgj(checks, client, base, column)
        elif column.cms == notices_source.SZINF:
            listed = checks.answers(f"{column.label} getInfoCommon answers", lambda: notices_source.fetch_szinf_list(
                client, base, column, 1, 15))
            if listed is None:
                continue
            rows = checks.json(f"{column.label} JSON keys", listed, "infolist of title, link, pubtime",
                               lambda p: [(r["title"], r["link"], r["pubtime"]) for r in p["infolist"]])
            if rows:
                dates_read(checks, f"{column.label} date format pubtime", "YYYY-MM-DD HH:mm:ss", [r[2] for r in rows])
        else:
            page = checks.answers(f"{column.label} column page answers", lambda: notices_source.fetch_hanweb_column(
                client, base, column))
            if page is None:
                continue
            try:
                read = parser.parse_hanweb_column(page.text, page.url)
            except parser.NoticeParseError as exc:
                checks.check(f"{column.label} datastore and jpage", "<datastore> records, unitid/webid, totalRecord",
                             str(exc)[:160], False)
                continue
            if not checks.check(f"{column.label} datastore and jpage", "<datastore> records, unitid/webid, totalRecord",
                                f"{len(read.links)} records of {read.total_records}", read.links):
                continue
            paging = read.hanweb
            if not paging.total_records or paging.total_records <= len(read.links):
                continue
            per_page = paging.per_page or len(read.links)
            start, end = len(read.links) + 1, min(len(read.links) + per_page, paging.total_records)
            more = checks.answers(f"{column.label} dataproxy.jsp answers", lambda: notices_source.fetch_hanweb_records(
                client, base, column, start=start, end=end, per_page=per_page, unitid=paging.unitid,
                webid=paging.webid, webname=paging.webname, path=paging.path))
            if more is not None:
                try:
                    got = parser.parse_hanweb_dataproxy(more.text, more.url)
                    seen, ok = f"{len(got.links)} records ({start}–{end} asked) of {got.total_records}", got.links
                except parser.NoticeParseError as exc:
                    seen, ok = str(exc)[:160], False
                checks.check(f"{column.label} dataproxy records", "<datastore><totalrecord> and CDATA <record>s",
                             seen, ok)


def _probe_scjgj(checks: Checks, client: HttpClient, base: str, column: notices_source.Column) -> None:
    first_url = notices_source.scjgj_first_url(base, column)
    first = checks.answers(f"{column.label} {column.first_page}.shtml answers", lambda: client.fetch(
        "GET", first_url, source=notices_source.SOURCE, headers={"Accept": "text/html"}))
    if first is None:
        return
    pager = parser.scjgj_pager(first.text)
    if not checks.check(f"{column.label} pager", f'createPageHTML(count, 0, "{column.first_page}", "shtml")',
                        f"createPageHTML({pager.count}, {pager.index}, {pager.name!r}, {pager.ext!r})" if pager
                        else "no createPageHTML call", pager and pager.index == 0):
        return
    read = parser.parse_scjgj_list(first.text, first.url)
    if not checks.check(f"{column.label} items", "div.cont.mt10 li: a@href, a@title, date span",
                        f"{len(read.links)} items", read.links):
        return
    dates_read(checks, f"{column.label} date format", "YYYY-MM-DD", [link.published for link in read.links])
    list_order(checks, f"{column.label} list order", {"date": [link.published for link in read.links if link.published]}, ("date",))
    if pager.count < 2:
        return
    seen = []
    for suffix in (notices_source.SCJGJ_PAGE2_SUFFIX, 1):
        url = notices_source.scjgj_page_url(base, column, pager.name, pager.ext, suffix)
        try:
            page = client.fetch("GET", url, source=notices_source.SOURCE, headers={"Referer": first_url})
        except FetchError as exc:
            seen.append(f"{url.rsplit('/', 1)[-1]}: {exc}"[:80])
            continue
        stated = parser.scjgj_pager(page.text) if page.ok else None
        if stated and stated.index == 1:
            checks.check(f"{column.label} page 2", f"{pager.name}_2 or {pager.name}_1 states index 1 (either is handled)",
                         f"{url.rsplit('/', 1)[-1]} states index 1", True)
            return
        seen.append(f"{url.rsplit('/', 1)[-1]}: HTTP {page.status}, index {stated.index if stated else None}")
    checks.check(f"{column.label} page 2", f"{pager.name}_2 or {pager.name}_1 states index 1", "; ".join(seen), False)


class NoticesSource(Source):
    """The notices source (`flows.sources.base.Source`); the module functions above do the work."""

    name = SOURCE  # its sites are the region's (`region_site_urls`), not the registry's

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        return crawl(client, settings, watermarks=watermarks, window=window)

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        return reparse(entries, load_region(settings.region))

    def load(self, w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, object]:
        return dict(load(w, result, run_id=run_id))

    def attribute(self, w: WriteSession, settings: Settings, overrides: dict[str, str], *,
                  register: Register) -> None:
        attribute_events(w, settings, overrides, register=register)

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        _probe_notices(checks_for, client, settings)


source = NoticesSource()
