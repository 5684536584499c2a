"""The steps of a run as plain functions; the Prefect flows (nightly, backfill, reprocess) wire them as tasks.

crawl (per source, from the registry `flows.sources`: fetch → archive → parse) →
load (one blue/green write session: archive index — including files a killed run
left unindexed —, merge, rejects, spam flags, watermarks, organisation register,
attribution, the run report in meta.run/meta.run_source) → publish.

A source that fails or is blocked is reported and the others still load. A
watermark advances only in the session that loads what it covers, and only for
what the source covered completely; a killed run publishes nothing, so the next
run asks again from the old watermark and the idempotent merge absorbs the overlap.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Iterable

import warehouse
from extract.archive import Archive, ArchiveEntry, iter_archive, iter_warc_file, unindexed_files
from extract.http import HttpClient
from extract.sources.inbox import read_rows
from flows import publish_gate
from flows.settings import Settings
from flows.sources import SourceResult, Window, get_source
from flows.targets import PlanResult, load_plan
from transform.attribution import Register, load_region, resolve
from transform.orgs import normalize_org_name
from transform.parsers.inbox import parse_org_register
from transform.records import Attribution, OrgEvidence, Reject
from transform.region import Region
from warehouse import Warehouse
from warehouse.registries import registry_orgs

logger = logging.getLogger(__name__)

# How long a load waits for another process's load (a nightly meeting a backfill window) before giving up.
LOAD_LOCK_WAIT_SECONDS = 600.0
# "Usually returns some": compare with this many earlier successful runs of the same flow.
SILENCE_HISTORY = 5
# Changed standards named per source in the run report (all are counted).
CHANGED_LISTED = 50
# Organisations attributed and written to core.org at a time (attribute_all): memory stays flat.
ATTRIBUTION_BATCH = 2000
# Pages a run could not read named per source in its health check (all are in core.reject).
UNREAD_LISTED = 5
_UNREAD_REASONS = ("list_failed", "detail_failed", "article_failed", "attachment_failed")


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


class HealthCheckFailed(RuntimeError):
    """The run loaded what it could, but a source was blocked, failed or went silent."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(f"run {report.run_id} failed its health check: " + "; ".join(report.problems))
        self.report = report


def new_run_id(flow: str) -> str:
    now = datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{flow}-{uuid.uuid4().hex[:6]}"


def make_client(settings: Settings, archive: Archive) -> HttpClient:
    return HttpClient(
        user_agent=settings.user_agent,
        allowed_hosts=settings.allowed_hosts(),
        host_policy=settings.host_policy,
        timeout=settings.timeout_seconds,
        deadline=settings.request_deadline_seconds,
        budget=settings.source_budget_seconds,
        max_retries=settings.max_retries,
        backoff=settings.backoff_seconds,
        max_retry_after=settings.max_retry_after_seconds,
        max_bytes=settings.max_response_bytes,
        archive=archive,
    )


def check_sources(names: Iterable[str]) -> list[str]:
    """The names, each checked against the registry (UnknownSource names the known ones)."""
    names = list(names)
    for name in names:
        get_source(name)
    return names


def read_watermarks(settings: Settings) -> dict[str, dict[str, str]]:
    """Per-source watermarks from the published warehouse ({} on a first run)."""
    return warehouse.read_watermarks(settings.warehouse_path)


# -- crawl and re-parse ------------------------------------------------------------------------


class FailedCrawl(SourceResult):
    """Stands for a source whose crawl or re-parse raised (a bug or a page no parser foresaw, not a
    portal's misbehaviour, which sources record themselves): its error and a `crawl_failed` reject
    naming the last page it read (archived) are loaded and reported; the source's own load is not
    called, no watermark moves, and every other source loads as usual."""

    @classmethod
    def of(cls, source: str, exc: Exception, page: tuple[str, str] | None, what: str = "crawl") -> "FailedCrawl":
        result = cls(source)
        url, response_id = page or (None, None)
        where = f" (last page read: {url}, archived as {response_id})" if page else ""
        result.reject(f"{what}_failed", f"{type(exc).__name__}: {exc}{where}", url=url, response_id=response_id)
        result.stop(f"{what} failed: {type(exc).__name__}: {exc}{where}")
        return result


def crawl_source(
    source: str, settings: Settings, client: HttpClient, *, watermarks: dict[str, str], window: Window
) -> SourceResult:
    """One source's crawl. Any exception is recorded for that source (`FailedCrawl`) so the other
    sources still load."""
    try:
        return get_source(source).crawl(client, settings, watermarks=watermarks, window=window)
    except Exception as exc:
        logger.exception("crawl of %s failed", source)
        return FailedCrawl.of(source, exc, client.last_response(source))


def reparse_source(source: str, settings: Settings) -> SourceResult:
    """One source's records rebuilt from its archived answers that can be re-parsed (2xx, neither
    blocked nor cut short), with today's parsers. No network."""
    read: list[ArchiveEntry] = []

    def entries():
        for entry, body in iter_archive(settings.archive_dir, source):
            if 200 <= entry.status < 300 and entry.blocked is None and entry.truncated is None:
                read.append(entry)
                yield entry, body

    try:
        return get_source(source).reparse(entries(), settings)
    except Exception as exc:
        logger.exception("re-parse of %s failed", source)
        page = (read[-1].url, read[-1].response_id) if read else None
        return FailedCrawl.of(source, exc, page, what="re-parse")


# -- load ----------------------------------------------------------------------------------------


def load(
    settings: Settings,
    run: RunSpec,
    *,
    responses: list[ArchiveEntry],
    results: list[SourceResult],
    client_stats: dict[str, dict],
    advance_watermarks: bool,
    check_silence: bool,
    plan: PlanResult | None = None,
) -> RunReport:
    """One write session: everything of this run lands together, or nothing does.

    `plan`: the plan document read by this run (the nightly reads it), loaded as the targets in force."""
    report = RunReport(run.run_id, run.flow, "completed", run.started_at, window=run.window,
                       warehouse_path=settings.warehouse_path)
    history = {
        r.source: warehouse.recent_source_records(settings.warehouse_path, r.source, run.flow, SILENCE_HISTORY)
        for r in results
    } if check_silence else {}
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
        for result in results:
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
        for prefix, evidence in register_files.items():
            w.replace_org_evidence(prefix, evidence)
        w.record_rejects(register_rejects, run.run_id)
        attribute_all(w, settings, overrides)
        for result, source_report in zip(results, report.sources, strict=True):
            if isinstance(result, FailedCrawl):
                continue
            try:  # the register is complete: sources attributing more than drafters
                get_source(result.source).attribute(w, settings, overrides)
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
    report.seconds["load"] = round(session_done - started, 3)
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


def _adopt_unindexed(settings: Settings, w) -> int:
    """Index the archived responses of runs killed (or failed) before their load: nothing archived is lost."""
    orphans = unindexed_files(settings.archive_dir, w.indexed_warc_paths())
    rows = [entry.as_row() for path in orphans for entry, _ in iter_warc_file(settings.archive_dir, path)]
    if rows:
        w.record_responses(rows)
        logger.warning("indexed %d archived responses of interrupted runs (%s)", len(rows), ", ".join(orphans))
    return len(rows)


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


def health_problems(report: RunReport, history: dict[str, list[int]] | None = None) -> list[str]:
    """Why the run must fail loudly: a source blocked, failed, incomplete (a page it could not read, named),
    its layout changed, or silent where it usually
    returns records (`history`: what it yielded in earlier successful runs of the same flow, newest
    first). Silent means no records *and* no list rows read: a list re-read over the overlap with nothing
    new, or a directory found unchanged (`SourceResult.unchanged`), is a quiet night, not silence."""
    problems = []
    for source in report.sources:
        earlier = (history or {}).get(source.source, [])
        if source.blocked:
            problems.append(f"{source.source}: blocked ({', '.join(source.blocked_reasons)})")
        elif source.error:
            problems.append(f"{source.source}: {source.error}")
        elif source.layout_changed:
            problems.append(f"{source.source}: layout changed on {source.layout_changed} page(s) — the parser "
                            f"found none of what it reads (details: core.reject reason 'layout_changed')")
        elif not source.complete:
            named = f": {', '.join(source.unread)}" if source.unread else ""
            problems.append(f"{source.source}: incomplete, some pages could not be had this run{named} — "
                            "its watermark stays and the next run asks again")
        elif source.yielded == 0 and source.rows_listed == 0 and sum(n > 0 for n in earlier) * 2 > len(earlier) > 0:
            problems.append(
                f"{source.source}: returned no records, where {sum(n > 0 for n in earlier)} of its last "
                f"{len(earlier)} successful runs returned some (up to {max(earlier)})"
            )
    return problems


def plan_problems(plan: PlanResult | None) -> list[str]:
    """A configured plan that could not be read fails the run (the previous targets stay in force)."""
    if plan is None or plan.status in ("read", "not_configured"):
        return []
    return [f"plan: {plan.status} ({plan.message})"]


# -- organisation register and attribution -------------------------------------------------------


def read_org_register(settings: Settings) -> tuple[dict[str, list[OrgEvidence]], list[Reject]]:
    """The organisation register files, per file: {origin prefix: evidence}. A re-read file replaces its rows."""
    by_file: dict[str, list[OrgEvidence]] = {}
    rejects: list[Reject] = []
    for path in settings.org_mapping_files:
        rows_evidence, rows_rejects = parse_org_register(read_rows(Path(path)))
        by_file[f"{Path(path).name}#"] = rows_evidence
        rejects.extend(rows_rejects)
    return by_file, rejects


def read_overrides(settings: Settings) -> dict[str, str]:
    """Reviewed overrides: organisation name → district name/code, or 区外 / outside. The override_file,
    then the rows imported from review sheets (`stdwatch review import`), which win."""
    overrides: dict[str, str] = {}
    reviewed = settings.reviewed_overrides_path
    for path in (settings.override_file, reviewed if reviewed.is_file() else None):
        if path is None:
            continue
        for row in read_rows(Path(path)):
            name = row.values.get("机构名称") or row.values.get("name")
            district = row.values.get("区县") or row.values.get("district")
            if name and district:
                overrides[normalize_org_name(name)] = district.strip()
    return overrides


def attribute_all(w, settings: Settings, overrides: dict[str, str]) -> Register:
    """Re-attribute every organisation the warehouse counts by — drafters, committee secretariats,
    group-standard publishers — from the whole register, replacing core.org. Written
    ATTRIBUTION_BATCH names at a time (a 100,000-row inbox file names some 20,000), every name of
    one organisation key in the same batch (core.org keeps one row per key). Returns the register
    read, for the events' attribution that follows (`attribute_events(..., register=)`)."""
    keyed = sorted((normalize_org_name(name), name) for name in set(w.drafting_orgs()) | set(registry_orgs(w)))
    region, register = load_region(settings.region), Register.from_evidence(w.org_evidence())
    rows: list[tuple[str, str, Attribution]] = []
    first = True
    for _, names in groupby(keyed, key=itemgetter(0)):
        rows += [(key, name, resolve(region, name=name, register=register, overrides=overrides)) for key, name in names]
        if len(rows) >= ATTRIBUTION_BATCH:
            w.replace_org_attributions(rows, replace=first)
            rows, first = [], False
    if rows or first:
        w.replace_org_attributions(rows, replace=first)
    return register
