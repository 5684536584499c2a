"""What every source's crawl returns to the flow, what it is asked for, and how it is counted."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from extract.paging import ListTally
from transform.records import CommitteeRecord, OrgEvidence, Reject, StandardRecord


@dataclass(frozen=True, slots=True)
class Window:
    """Which standards a crawl asks for: those issued from `issued_from` to `issued_to`, inclusive
    (None = open). The nightly asks for the plan window, open-ended; a backfill for one month at a time."""

    issued_from: date | None = None
    issued_to: date | None = None

    def __str__(self) -> str:
        return f"{self.issued_from or '…'} – {self.issued_to or '…'}"


@dataclass
class SourceResult:
    """One source's crawl (or re-parse) in one run: records to load, and the figures for the run report."""

    source: str
    records: list[StandardRecord] = field(default_factory=list)  # from a reprocess worker: warehouse.load.StandardRows
    rejects: list[Reject] = field(default_factory=list)
    pages: int = 0  # list pages read
    details: int = 0  # detail pages read
    blocked: Counter[str] = field(default_factory=Counter)  # reason → count
    spam_pages: dict[str, list[str]] = field(default_factory=dict)  # response_id → spam terms
    watermarks: dict[str, str] = field(default_factory=dict)  # key → new value, set only when complete
    seconds: dict[str, float] = field(default_factory=dict)  # stage → seconds
    error: str | None = None  # why the source stopped early, if it did
    # Everything the run asked for was fetched and parsed: no block, no page given up on. Only then
    # may a watermark advance, and a backfill count the window as done.
    complete: bool = True
    # Beyond standards, what the registry sources (sacinfo, ttbz, qybz, tc, openstd) read for the load:
    committees: list[CommitteeRecord] = field(default_factory=list)  # tc: committees and their secretariats
    # Identity evidence for the organisation register: qybz 统一社会信用代码 + 行政区划, ttbz associations'
    # addresses (or province), tc secretariat units' addresses.
    evidence: list[OrgEvidence] = field(default_factory=list)
    publishers: dict[str, str] = field(default_factory=dict)  # group std_no → publishing association (ttbz)
    coverage: str | None = None  # "partial" when the portal cannot list everything (qybz: captcha-gated search)
    coverage_note: str | None = None  # one line for the run report: why, and what fills the gap
    lists: list[ListTally] = field(default_factory=list)  # every list walk (`extract.paging`), for the report
    # Items the source listed and found unchanged since its last run, so did not fetch or return again,
    # by what they are ("committees": tc's directory; "notices": notices' list entries): the source
    # answered, it is not silent, and the run report says so ("unchanged 40 committees").
    unchanged: Counter[str] = field(default_factory=Counter)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def reject(self, reason: str, detail: str, url: str | None = None, response_id: str | None = None) -> None:
        self.rejects.append(Reject(self.source, reason, detail, url, response_id))

    def layout_changed(self, detail: str, url: str | None = None, response_id: str | None = None) -> None:
        """A page with content from which the parser read nothing it needs (no rows on a list page
        that states rows, no title / number on a detail page): a reject with reason `layout_changed`
        (counted in the run report, failing the health check) — never "no new data", never a
        record with empty fields marked known."""
        self.reject("layout_changed", detail, url=url, response_id=response_id)

    def unreadable(self, what: str, text: str, exc: Exception, url: str | None = None,
                   response_id: str | None = None) -> None:
        """A page no parser could read — empty, cut short, garbage, or the parser raised: a reject
        with its reason (`empty_page`, or `unreadable_page` saying what the parser said), and the
        source incomplete, so no watermark passes it and the next run reads it again."""
        reason = "empty_page" if not text.strip() else "unreadable_page"
        detail = "the page is empty" if reason == "empty_page" else f"{type(exc).__name__}: {exc}"
        self.reject(reason, f"{what}: {detail}", url=url, response_id=response_id)
        self.stop(f"{reason} at {url or what}")

    def yielded(self) -> int:
        """What the source returned, for the health check's "silent where it usually returns some":
        standards, committees, identity evidence, and what it listed and found unchanged (a subclass
        with more kinds counts them too)."""
        return len(self.records) + len(self.committees) + len(self.evidence) + sum(self.unchanged.values())

    def walked(self, tally: ListTally) -> bool:
        """Record a finished list walk; one that did not see every listed row leaves the source
        incomplete, saying how many it saw ("rows seen 40 of 100"). Returns `tally.complete`."""
        self.lists.append(tally)
        if not tally.complete:
            self.stop(f"incomplete list: {tally.describe()}")
        return tally.complete

    def stop(self, error: str) -> None:
        """The source could not finish: say why; nothing it covers counts as done."""
        self.complete = False
        self.error = self.error or error
