"""What the sources share: detail pages fetched side
by side and merged into their records, the provenance of a fetched or archived page, the window
test, and the latest archived copy of each page.

`read_list` walks a list (any iterator of pages from an `extract.sources` module): a block
or a page that cannot be paged ends the walk, keeps what was read, and leaves the source
incomplete — a block counted in `result.blocked`, anything else a `list_failed` reject.

`fetch_details` fetches any list of detail pages by the same rules for every source:

- at most `workers` requests in flight (the host's concurrency; the client spaces them);
- a portal that refuses us (`Blocked`) is asked nothing more: the block is counted in
  `result.blocked`, the source stops (`result.stop`), the pages not asked are lost;
- a page whose retries ran out is a `detail_failed` reject and lost;
- a page answered with an error status is a `detail_failed` reject, not lost: asking
  again would not change it;
- anything lost leaves the crawl incomplete, so no watermark advances past it.

`add_with_details` is that, plus the merge, for sources whose records wait for their page: a
record whose page was lost, or whose page the parser read nothing from (`merge_detail_page`:
a `layout_changed` reject), is withheld from this run's load (sacinfo, ttbz). Given the source's
watermarks (`seen`), it fetches no page for a record whose list row is the one a run read completely
before (watermark `entry:<detail URL>` = `row_digest`, as tc and notices remember theirs): a row
re-read over the watermark's overlap, unchanged, is already in the warehouse with its page
("unchanged standards" in the run report).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from types import ModuleType
from typing import Any, TypeVar

from extract.archive import ArchiveEntry
from extract.http import Blocked, Fetched, HttpClient
from flows.sources.common import SourceResult, Window
from transform.dates import SHANGHAI
from transform.records import Provenance, Reject, StandardRecord

_ROW_POSITION = re.compile(r"\brow \d+\b")
_When = TypeVar("_When", bound=date)  # a date, or a datetime (compared with a datetime)


def read_list(result: SourceResult, what: str, pages: Iterable[Fetched]) -> tuple[list[Fetched], bool]:
    """Every page of a list walk, and whether the walk reached its end (`what` names it in errors)."""
    read: list[Fetched] = []
    with result.stage("fetch_list"):
        try:
            for page in pages:
                read.append(page)
        except Blocked as exc:
            result.blocked[exc.reason] += 1
            result.stop(f"{what}: blocked ({exc.reason})")
            return read, False
        except Exception as exc:  # a broken page: what was read still loads, the rest waits for the next run
            result.reject("list_failed", f"{what}: {exc}", url=getattr(exc, "url", None))
            result.stop(f"{what}: {exc}")
            return read, False
    return read, True


def once(fetch: Callable[[], Fetched]) -> Iterator[Fetched]:
    """A single page as a walk of one, for `read_list`."""
    yield fetch()


@dataclass
class DetailPages:
    pages: dict[str, Fetched] = field(default_factory=dict)  # url → its 2xx answer
    lost: set[str] = field(default_factory=set)  # urls that could not be had this run

    @property
    def complete(self) -> bool:
        return not self.lost


def fetch_details(
    client: HttpClient,
    jobs: Sequence[tuple[str, str]],
    *,
    source: str,
    headers: Mapping[str, str],
    workers: int,
    result: SourceResult,
) -> DetailPages:
    """GET each (label, url) of `jobs` once (a url listed twice is fetched once); `label` names the
    page in a reject ("DB32/T 4012-2024")."""
    labels = dict((url, label) for label, url in jobs)
    refused = threading.Event()

    def fetch(url: str) -> Fetched | Exception | None:
        if refused.is_set():
            return None  # not asked: the portal has refused us
        try:
            return client.fetch("GET", url, source=source, headers=headers)
        except Blocked as exc:
            refused.set()
            return exc
        except Exception as exc:  # returned, not raised: one bad page must not stop the batch
            return exc

    out = DetailPages()
    if not labels:
        return out
    with result.stage("fetch_detail"), ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = list(pool.map(fetch, labels))
    for (url, label), answer in zip(labels.items(), answers, strict=True):
        if isinstance(answer, Fetched):
            if answer.ok:
                out.pages[url] = answer
            else:
                result.reject("detail_failed", f"{label}: HTTP {answer.status}", url=answer.url,
                              response_id=answer.response_id)
            continue
        out.lost.add(url)
        if isinstance(answer, Blocked):
            result.blocked[answer.reason] += 1
            result.stop(f"detail pages: blocked ({answer.reason})")
        elif answer is not None:
            result.reject("detail_failed", f"{label}: {answer}", url=url)
    if out.lost:
        result.complete = False
    return out


# What identifies a standard's detail page, on any parser's DetailResult that has the attribute.
_IDENTITY = ("std_no", "std_no_raw", "title")


def read_nothing(detail: Any) -> bool:
    """The parser read none of what identifies the page — no standard number, no title — from a page
    it did not itself recognise as a "no such standard" page (`found=False`, which the parser
    rejects): the layout changed, or the page is garbage. A parser whose pages carry no such
    identity (ttbz's JSON blob) says so itself: `unreadable`, the reason, or None."""
    if hasattr(detail, "unreadable"):
        return detail.unreadable is not None
    if getattr(detail, "found", True) is False:
        return False
    return not any(getattr(detail, name, None) for name in _IDENTITY)


def merge_detail_page(parser: ModuleType, record: StandardRecord, html: str, page: Provenance,
                      result: SourceResult) -> tuple[StandardRecord, Any]:
    """The record completed by its detail page, and what the page said. `parser` is the source's
    `transform.parsers` module (`parse_detail`, `merge_detail`, `DetailMismatch`). The page's rejects
    and spam are recorded; a page about another standard is a reject, and the record stays as the
    list had it.

    A page from which the parser read nothing (`read_nothing`: a 200 page of 100,000 nested divs, a
    new layout) is a `layout_changed` reject and leaves the source incomplete, so no watermark moves
    past it; the record stays as the list had it — never merged into "drafters known, none". A
    caller that must not overwrite what an earlier run read (samr, `add_with_details`) withholds
    such a record: `read_nothing(detail)` on the returned detail says so. A page the parser raised on
    (`SourceResult.unreadable`) returns None for the detail, which `read_nothing` also withholds."""
    try:
        detail = parser.parse_detail(html, page)
    except Exception as exc:  # an empty, cut-short or garbage page: withheld like a page read nothing from
        result.unreadable(f"{record.std_no}: detail page", html, exc, url=page.url, response_id=page.response_id)
        return record, None
    result.rejects.extend(detail.rejects)
    if detail.spam:
        result.spam_pages[page.response_id] = list(detail.spam)
    if read_nothing(detail):
        size = f"{len(html):,} characters" if html.strip() else "an empty page"
        why = getattr(detail, "unreadable", None) or "no standard number and no title"
        result.layout_changed(f"{record.std_no}: the detail page ({size}): {why}",
                              url=page.url, response_id=page.response_id)
        result.stop(f"detail pages: layout changed ({page.url})")
        return record, detail
    try:
        return parser.merge_detail(record, detail), detail
    except parser.DetailMismatch as exc:
        result.reject("detail_mismatch", str(exc), url=page.url, response_id=page.response_id)
        return record, detail


# Watermark key prefix + the URL of a page read: what its list entry said then (a digest), so that a run
# re-reading the same entry fetches the page again only when the entry changed. Standards' detail pages
# (`row_digest`, here), committee pages (flows/sources/tc.py) and notice articles (flows/sources/notices.py,
# which adds the day read, for its re-check) all use it.
ENTRY = "entry:"


def row_digest(record: StandardRecord) -> str:
    """What a record's list row says (every field but where and when it was read)."""
    row = {k: v for k, v in asdict(record).items() if k not in ("provenance", "detail_url")}
    return hashlib.sha256(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def add_with_details(
    client: HttpClient,
    records: Sequence[StandardRecord],
    parser: ModuleType,
    *,
    headers: Mapping[str, str],
    workers: int,
    result: SourceResult,
    seen: Mapping[str, str],
) -> tuple[list[StandardRecord], bool]:
    """Fetch each record's detail page (`fetch_details`) and add the records to `result`, each merged
    with its page (`merge_detail_page`). A record whose list row is as it was when a run last read its
    page (`seen`, the source's watermarks) is counted unchanged, neither fetched nor added. A record
    whose page was lost, or read nothing (`layout_changed`), is withheld: the next run asks again.
    Returns the records added, and whether every page was had and read."""
    digests = {r.detail_url or "": row_digest(r) for r in records}
    wanted = [r for r in records if seen.get(ENTRY + (r.detail_url or "")) != digests[r.detail_url or ""]]
    if len(wanted) < len(records):
        result.unchanged["standards"] += len(records) - len(wanted)
    details = fetch_details(client, [(r.std_no, r.detail_url or "") for r in wanted], source=result.source,
                            headers=headers, workers=workers, result=result)
    added: list[StandardRecord] = []
    read_all = True
    with result.stage("parse"):
        for record in wanted:
            page = details.pages.get(record.detail_url or "")
            if page is not None:
                result.details += 1
                url = record.detail_url or ""
                record, detail = merge_detail_page(parser, record, page.text, provenance(page), result)
                if read_nothing(detail):
                    read_all = False
                    continue  # withheld, like a lost page: the list row alone would overwrite what is held
                result.watermarks[ENTRY + url] = digests[url]
            elif record.detail_url in details.lost:
                continue  # withheld: the next run asks again
            result.records.append(record)
            added.append(record)
    return added, details.complete and read_all


def validators(fetched: Fetched) -> dict[str, str]:
    """The page's validators (ETag, Last-Modified) as it answered them, to ask conditionally next time."""
    out = {}
    for name in ("etag", "last-modified"):
        if fetched.headers.get(name):
            out[name] = fetched.headers[name]
    return out


def conditional_headers(held: Mapping[str, str]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from validators kept (`validators`): a portal that honours them
    answers 304 Not Modified (an empty body, archived as such) when the page is as it was."""
    names = {"etag": "If-None-Match", "last-modified": "If-Modified-Since"}
    return {names[k]: v for k, v in held.items() if k in names and v}


def provenance(fetched: Fetched) -> Provenance:
    return Provenance(**fetched.provenance_fields())


def provenance_of(entry: ArchiveEntry) -> Provenance:
    return Provenance(entry.source, entry.url, entry.fetched_at, entry.response_id, entry.sha256)


def in_window(day: date | None, window: Window, since: date | None = None) -> bool:
    """Whether a standard issued on `day` is asked for: in the window and not before `since`
    (an incremental run's floor). An unknown day is kept: nothing says it is outside."""
    if day is None:
        return True
    floor = max((d for d in (window.issued_from, since) if d is not None), default=None)
    return (floor is None or day >= floor) and (window.issued_to is None or day <= window.issued_to)


def add_rejects_once(result: SourceResult, rejects: Iterable[Reject], seen: set[tuple[str, str]]) -> None:
    """Add the rejects `seen` does not hold yet: the same bad row is on every re-read of its page,
    and on the pages of overlapping queries, where its position ("row 4") differs."""
    for reject in rejects:
        key = (reject.reason, _ROW_POSITION.sub("row", reject.detail))
        if key not in seen:
            seen.add(key)
            result.rejects.append(reject)


def portal_now() -> datetime:
    """Now on the portals' clock (Asia/Shanghai): their dates are Chinese dates."""
    return datetime.now(SHANGHAI)


def newest_until(values: Iterable[_When | None], now: _When) -> _When | None:
    """The newest of `values` that is not after `now`, for a watermark: a date ahead of the clock
    is a portal's data error, and a watermark there would skip everything dated before it."""
    return max((v for v in values if v is not None and v <= now), default=None)


def advance_watermark(result: SourceResult, watermarks: Mapping[str, str], key: str,
                      newest: date | datetime | None) -> None:
    """Set watermark `key` to `newest` when it is later than the one held: a watermark never moves back.
    (The caller passes None for what it did not cover completely.)"""
    if newest is None:
        return
    previous = watermarks.get(key)
    if previous is None or newest > type(newest).fromisoformat(previous):
        result.watermarks[key] = newest.isoformat()


def latest_by_url(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> dict[str, tuple[ArchiveEntry, bytes]]:
    """The latest archived copy of each URL (for pages a GET names completely: details, HTML lists)."""
    latest: dict[str, tuple[ArchiveEntry, bytes]] = {}
    for entry, body in entries:
        held = latest.get(entry.url)
        if held is None or held[0].fetched_at < entry.fetched_at:
            latest[entry.url] = (entry, body)
    return latest
