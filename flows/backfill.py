"""The backfill flow: the nightly's steps over an explicit issue-date range, one window at a time.

The range is cut into calendar windows (a month by default). Each window is a
run of its own — crawl, one write session, publish — so an interrupted backfill
keeps every window it finished, and running it again skips the windows each
source already covered completely (meta.run / meta.run_source); `redo` fetches
them again, which the idempotent merge turns into "unchanged". A backfill never
moves the nightly's watermarks. A portal that blocks us is left alone for the
remaining windows, and the run fails its health check at the end.

Progress: a log line per window in Prefect; `watching(listener)` lets the CLI
drive a progress bar from the same events.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.task_runners import ThreadPoolTaskRunner

import warehouse
from flows import crawl, runs
from flows.nightly import SOURCE_WORKERS, crawl_and_load, publish_report
from flows.settings import load_settings
from flows.sources import Window

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class WindowDone:
    """A progress event: window `index` (from 1) of `total` finished, by loading or by being skipped."""

    index: int
    total: int
    window: Window
    loaded: bool
    report: runs.RunReport | None


_listeners: list[Callable[[WindowDone], None]] = []


@contextmanager
def watching(listener: Callable[[WindowDone], None]) -> Iterator[None]:
    """Call `listener` after each window of the backfills this process runs meanwhile."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def windows_between(since: date, until: date, months: int = 1) -> list[Window]:
    """[since, until] cut at calendar-month boundaries into windows of `months` months (the ends may be partial)."""
    if months < 1:
        raise ValueError(f"window_months must be at least 1, got {months}")
    if since > until:
        raise ValueError(f"since {since} is after until {until}: give the range oldest first")
    windows = []
    start = since
    while start <= until:
        month_index = start.year * 12 + start.month - 1 + months - 1
        year, month = divmod(month_index, 12)
        end = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        windows.append(Window(start, min(end, until)))
        start = end + timedelta(days=1)
    return windows


@flow(name="backfill", task_runner=ThreadPoolTaskRunner(max_workers=SOURCE_WORKERS), persist_result=False)
def backfill(
    since: date,
    until: date | None = None,
    sources: list[str] | None = None,
    data_dir: str | None = None,
    window_months: int = 1,
    redo: bool = False,
) -> runs.RunReport:
    """Crawl and load standards issued from `since` to `until` (default: today, Beijing time), window by window."""
    settings = load_settings(sources=sources, data_dir=data_dir)
    crawl.check_sources(settings.sources)
    until = until or datetime.now(BEIJING).date()
    windows = windows_between(since, until, window_months)
    done = set() if redo else warehouse.completed_windows(settings.warehouse_path, "backfill")
    logger = get_run_logger()
    parent = runs.new_run_id("backfill")
    total = runs.RunReport(parent, "backfill", "completed", datetime.now(timezone.utc),
                               window=Window(since, until), warehouse_path=settings.warehouse_path,
                               windows=len(windows))
    by_source: dict[str, runs.SourceReport] = {}
    refused: set[str] = set()
    params = {"since": since.isoformat(), "until": until.isoformat(), "window_months": window_months,
              "redo": redo, "data_dir": str(settings.data_dir)}
    for index, window in enumerate(windows, start=1):
        todo = [s for s in settings.sources
                if s not in refused and (s, window.issued_from, window.issued_to) not in done]
        if not todo:
            logger.info("window %d/%d (%s): already loaded, skipped", index, len(windows), window)
            _notify(WindowDone(index, len(windows), window, False, None))
            continue
        run = runs.RunSpec(
            run_id=f"{parent}-{window.issued_from:%Y%m%d}",
            flow="backfill",
            params={**params, "sources": todo},
            window=window,
            started_at=datetime.now(timezone.utc),
            parent_run_id=parent,
        )
        report = crawl_and_load(settings.model_copy(update={"sources": todo}), run,
                                watermarks=None, check_silence=False)
        total.windows_loaded += 1
        total.adopted += report.adopted
        for stage, seconds in report.seconds.items():
            total.seconds[stage] = round(total.seconds.get(stage, 0.0) + seconds, 3)
        for source_report in report.sources:
            if source_report.source in by_source:
                by_source[source_report.source].add(source_report)
            else:
                by_source[source_report.source] = source_report
            if source_report.blocked:
                refused.add(source_report.source)
        total.problems += [f"{window}: {problem}" for problem in report.problems]
        logger.info("window %d/%d (%s): %s", index, len(windows), window, "; ".join(
            f"{s.source} {s.records} records (+{s.inserted} new, {s.updated} updated), {s.requests} requests"
            + ("" if s.complete else " — incomplete")
            for s in report.sources))
        _notify(WindowDone(index, len(windows), window, True, report))
    total.sources = list(by_source.values())
    total.status = "failed" if total.problems else "completed"
    total.finished_at = datetime.now(timezone.utc)
    return publish_report(total)


def _notify(event: WindowDone) -> None:
    for listener in list(_listeners):
        listener(event)
