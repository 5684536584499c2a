"""What a run is and what it reports: its id, its spec, and the per-source and run reports
that meta.run / meta.run_source store and `flows.report` prints; and what every run's write session
starts with (the lock wait, the counting settings), shared by the loads, the inbox and review
imports without importing the crawl-and-load job (flows.loading) and its plan and health checks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from flows.sources import SourceResult, Window

if TYPE_CHECKING:
    from flows.settings import Settings
    from transform.region import Region

# Changed standards named per source in the run report (all are counted).
CHANGED_LISTED = 50


# Pages a run could not read named per source in its health check (all are in core.reject).
UNREAD_LISTED = 5


_UNREAD_REASONS = ("list_failed", "detail_failed", "article_failed", "attachment_failed")

# How long a load waits for another process's load (a nightly meeting a backfill window) before giving up.
LOAD_LOCK_WAIT_SECONDS = 600.0


@dataclass
class SourceReport:
    source: str
    requests: int = 0
    retries: int = 0
    faults: int = 0
    fault_kinds: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    records: int = 0
    yielded: int = 0  # records, or whatever else the source returns (committees, evidence, events)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    stale: int = 0
    rejected: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    blocked: int = 0
    blocked_reasons: dict[str, int] = field(default_factory=dict)
    spam_pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: fetch_list, fetch_detail, parse, load
    complete: bool = True
    error: str | None = None
    updated_std_nos: list[str] = field(default_factory=list)  # the first CHANGED_LISTED of `updated`
    note: str | None = None  # the source's own remark for the report (e.g. why its coverage is partial)
    figures: dict[str, object] = field(default_factory=dict)  # what the source's own `load` counted
    lists: list[str] = field(default_factory=list)  # each list walk: rows seen of the stated total (extract.paging)
    layout_changed: int = 0  # pages with content from which the parser read nothing it needs
    # Rows the source's list walks read, new or not: a list re-read over the overlap, or a directory
    # found unchanged (`SourceResult.unchanged`), is a quiet night, not a silent source.
    rows_listed: int = 0
    # What the source listed, found as its last run left it and so did not fetch again ({"committees": 40}).
    unchanged_items: dict[str, int] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)  # pages that failed this run (the first UNREAD_LISTED)

    def add(self, other: "SourceReport") -> None:
        """Sum another window's figures into this one (a backfill's total)."""
        for name in ("requests", "retries", "faults", "pages", "records", "yielded", "inserted", "updated", "unchanged",
                     "duplicates", "stale", "rejected", "blocked", "spam_pages", "layout_changed", "rows_listed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("fault_kinds", "reject_reasons", "blocked_reasons", "seconds", "unchanged_items"):
            mine = getattr(self, name)
            for key, value in getattr(other, name).items():
                mine[key] = round(mine.get(key, 0) + value, 3)
        for key, value in other.figures.items():
            mine = self.figures.get(key)
            numeric = isinstance(value, (int, float)) and isinstance(mine, (int, float, type(None)))
            self.figures[key] = (mine or 0) + value if numeric else value
        self.complete = self.complete and other.complete
        self.error = self.error or other.error
        self.note = self.note or other.note
        self.lists = self.lists + other.lists
        self.updated_std_nos = (self.updated_std_nos + other.updated_std_nos)[:CHANGED_LISTED]
        self.unread = (self.unread + other.unread)[:UNREAD_LISTED]


@dataclass
class RunReport:
    run_id: str
    flow: str
    status: str  # completed | failed
    started_at: datetime
    finished_at: datetime | None = None
    window: Window = field(default_factory=Window)
    sources: list[SourceReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # health-check failures, loudly reported
    warehouse_path: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage of the run: crawl, load, publish
    adopted: int = 0  # archived responses of earlier, interrupted runs indexed by this one
    windows: int = 0  # backfill: windows in the range
    windows_loaded: int = 0  # backfill: windows crawled and loaded by this run (the others were done already)
    data_tests: list = field(default_factory=list)  # the publish gate's results (warehouse.gate.TestResult)
    last_published_at: datetime | None = None  # when the figures readers see were published (status "held": earlier)

    @property
    def duration(self) -> float:
        end = self.finished_at or datetime.now(timezone.utc)
        return (end - self.started_at).total_seconds()


@dataclass(frozen=True)
class RunSpec:
    """What a run is: its id, flow, parameters and window, as meta.run records them."""

    run_id: str
    flow: str
    params: dict
    window: Window
    started_at: datetime
    parent_run_id: str | None = None


def new_run_id(flow: str) -> str:
    now = datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{flow}-{uuid.uuid4().hex[:6]}"


def source_report_of(result: SourceResult, stats: dict) -> SourceReport:
    reasons: dict[str, int] = {}
    for reject in result.rejects:
        reasons[reject.reason] = reasons.get(reject.reason, 0) + 1
    return SourceReport(
        source=result.source,
        requests=int(stats.get("requests", 0)),
        retries=int(stats.get("retries", 0)),
        faults=int(stats.get("faults", 0)),
        fault_kinds=dict(stats.get("fault_kinds", {})),
        pages=result.pages + result.details,
        records=len(result.records),
        yielded=result.yielded(),
        rejected=len(result.rejects),
        reject_reasons=reasons,
        blocked=sum(result.blocked.values()),
        blocked_reasons=dict(result.blocked),
        spam_pages=len(result.spam_pages),
        seconds={k: round(v, 3) for k, v in result.seconds.items()},
        complete=result.complete,
        error=result.error,
        note=result.coverage_note,
        lists=[tally.describe() for tally in result.lists],
        layout_changed=reasons.get("layout_changed", 0),
        rows_listed=sum(t.rows_seen for t in result.lists),
        unchanged_items=dict(result.unchanged),
        unread=[r.url or r.detail for r in result.rejects if r.reason in _UNREAD_REASONS][:UNREAD_LISTED],
    )


def record_counting_settings(w, settings: Settings, region: Region) -> None:
    """What the marts count by — the region and its districts, the window, the counting rules — into
    the write session (every load writes them: a changed setting takes effect with the next load)."""
    w.set_settings({
        "region": settings.region,
        "window_start": settings.window_start.isoformat(),
        "window_end": settings.window_end.isoformat(),
        "count_drafter": settings.count_drafter,
        "group_count_by": settings.group_count_by,
    })
    w.load_region(region)
