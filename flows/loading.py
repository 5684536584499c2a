"""The load job: one blue/green write session per run — archive index (including files a killed
run left unindexed), merge, rejects, spam flags, watermarks, organisation register, attribution,
the run report in meta.run/meta.run_source — then publish.

A source that fails or is blocked is reported and the others still load. A watermark advances only
in the session that loads what it covers, and only for what the source covered completely; a killed
run publishes nothing, so the next run asks again from the old watermark and the idempotent merge
absorbs the overlap."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime, timezone

import warehouse
from extract.archive import ArchiveEntry, iter_warc_file, unindexed_files
from flows import publish_gate
from flows.attribute import attribute_all, read_org_register, read_overrides
from flows.crawl import FailedCrawl
from flows.health import SILENCE_HISTORY, health_problems, plan_problems
from flows.runs import (
    CHANGED_LISTED,
    LOAD_LOCK_WAIT_SECONDS,
    RunReport,
    RunSpec,
    SourceReport,
    record_counting_settings,
    source_report_of,
)
from flows.settings import Settings
from flows.sources import SourceResult, get_source
from flows.targets import PlanResult, load_plan
from transform.attribution import load_region
from transform.orgs import normalize_org_name
from transform.records import Reject
from warehouse import Warehouse

logger = logging.getLogger(__name__)


# -- load ----------------------------------------------------------------------------------------


def load(
    settings: Settings,
    run: RunSpec,
    *,
    responses: list[ArchiveEntry],
    results: Iterable[SourceResult],
    client_stats: dict[str, dict],
    advance_watermarks: bool,
    check_silence: bool,
    plan: PlanResult | None = None,
) -> RunReport:
    """One write session: everything of this run lands together, or nothing does.

    `results` may be a lazy iterator (the reprocess hands each source over as soon as it is parsed):
    the session opens and indexes first, then merges each result as it comes, so the load overlaps
    whatever produces them. `report.seconds["load"]` leaves out the time spent waiting for them.
    `plan`: the plan document read by this run (the nightly reads it), loaded as the targets in force."""
    report = RunReport(run.run_id, run.flow, "completed", run.started_at, window=run.window,
                       warehouse_path=settings.warehouse_path)
    if check_silence:  # every source's history is read from the published warehouse before the session
        results = list(results)
    history = {
        r.source: warehouse.recent_source_records(settings.warehouse_path, r.source, run.flow, SILENCE_HISTORY)
        for r in results
    } if check_silence else {}
    loaded: list[SourceResult] = []
    waiting = _Waiting(results)
    register_files, register_rejects = read_org_register(settings)
    overrides = read_overrides(settings)
    region = load_region(settings.region)
    started = time.perf_counter()
    with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing(LOAD_LOCK_WAIT_SECONDS) as w:
        w.begin_run(run.run_id, run.flow, run.params, settings.model_dump(mode="json"),
                    window_from=run.window.issued_from, window_to=run.window.issued_to,
                    parent_run_id=run.parent_run_id)
        record_counting_settings(w, settings, region)
        w.record_responses([entry.as_row() for entry in responses])
        report.adopted = _adopt_unindexed(settings, w)
        if plan is not None:
            load_plan(w, plan, settings, run.run_id)
        # the register files before the sources (their evidence has its own origins: the order changes
        # nothing), so that a reprocess replaces them while its workers still parse
        for prefix, evidence in register_files.items():
            w.replace_org_evidence(prefix, evidence)
        w.record_rejects(register_rejects, run.run_id)
        for result in waiting:
            loaded.append(result)
            source_report = source_report_of(result, client_stats.get(result.source, {}))
            report.sources.append(source_report)
            load_started = time.perf_counter()
            try:
                load_source(w, result, source_report, run.run_id, advance_watermarks=advance_watermarks)
            except Exception as exc:  # this source's load only: the others still load and publish
                logger.exception("load of %s failed", result.source)
                source_report.complete = False
                source_report.error = source_report.error or f"load failed: {type(exc).__name__}: {exc}"
                w.record_rejects([Reject(result.source, "load_failed", f"{type(exc).__name__}: {exc}")], run.run_id)
            source_report.seconds["load"] = round(time.perf_counter() - load_started, 3)
        register = attribute_all(w, settings, overrides)
        for result, source_report in zip(loaded, report.sources, strict=True):
            if isinstance(result, FailedCrawl):
                continue
            try:  # the register is complete: sources attributing more than drafters
                get_source(result.source).attribute(w, settings, overrides, register=register)
            except Exception as exc:
                logger.exception("attribution of %s failed", result.source)
                source_report.error = source_report.error or f"attribution failed: {type(exc).__name__}: {exc}"
        report.problems = health_problems(report, history) + plan_problems(plan)
        report.status = "failed" if report.problems else "completed"
        for source_report in report.sources:
            stats = asdict(source_report)
            del stats["source"]
            w.record_source_stats(run.run_id, source_report.source, stats)
        w.finish_run(run.run_id, report.status, "; ".join(report.problems) or None)
        publish_gate.check(w, settings, run, report)  # data tests and guards: a failure holds the load back
        session_done = time.perf_counter()
    publish_gate.after_publish(settings, run, report, LOAD_LOCK_WAIT_SECONDS)
    report.seconds["load"] = round(session_done - started - waiting.seconds, 3)
    report.seconds["publish"] = round(time.perf_counter() - session_done, 3)
    report.finished_at = datetime.now(timezone.utc)
    return report


def load_source(w, result: SourceResult, source_report: SourceReport, run_id: str, *,
                advance_watermarks: bool) -> None:
    """One source's share of the write session: spam flags, standards, rejects, evidence, what the
    source loads itself, then its watermarks (last: a load that raises moves none). What a source
    that raises part-way merged before the error stays; the next run's idempotent merge absorbs it."""
    w.flag_spam(result.spam_pages)
    counts = w.merge_standards(result.records, run_id)
    source_report.inserted, source_report.updated, source_report.unchanged = (
        counts.inserted, counts.updated, counts.unchanged)
    source_report.duplicates, source_report.stale = counts.duplicates, counts.stale
    source_report.updated_std_nos = list(counts.updated_std_nos[:CHANGED_LISTED])
    w.record_rejects(result.rejects, run_id)
    if result.evidence:
        w.add_org_evidence(result.evidence)
    if isinstance(result, FailedCrawl):
        return
    # what the source read beyond standards (committees, events, …)
    source_report.figures = dict(get_source(result.source).load(w, result, run_id=run_id) or {})
    if advance_watermarks:
        for key, value in result.watermarks.items():
            w.set_watermark(result.source, key, value, run_id)


class _Waiting:
    """The results, one by one, timing how long the load waited for each."""

    def __init__(self, results: Iterable[SourceResult]) -> None:
        self._results = iter(results)
        self.seconds = 0.0

    def __iter__(self) -> Iterator[SourceResult]:
        while True:
            started = time.perf_counter()
            try:
                result = next(self._results)
            except StopIteration:
                return
            finally:
                self.seconds += time.perf_counter() - started
            yield result


def _adopt_unindexed(settings: Settings, w) -> int:
    """Index the archived responses of runs killed (or failed) before their load: nothing archived is lost."""
    orphans = unindexed_files(settings.archive_dir, w.indexed_warc_paths())
    rows = [entry.as_row() for path in orphans for entry, _ in iter_warc_file(settings.archive_dir, path)]
    if rows:
        w.record_responses(rows)
        logger.warning("indexed %d archived responses of interrupted runs (%s)", len(rows), ", ".join(orphans))
    return len(rows)
