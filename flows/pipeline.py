"""The steps of a run as plain functions; `flows/nightly.py` wires them as Prefect tasks.

crawl (per source: fetch → archive → parse) → load (one blue/green write session:
archive index, merge, rejects, organisation register, attribution, watermarks,
run report) → publish. A source that fails or is blocked is reported and the
others still load; its watermark does not advance.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from extract.archive import Archive
from extract.http import HttpClient
from extract.sources.inbox import read_rows
from flows.settings import Settings
from flows.sources import samr as samr_flow
from flows.sources.common import SourceResult
from transform.attribution import Register, load_region, resolve
from transform.orgs import normalize_org_name
from transform.parsers.inbox import parse_org_register
from transform.records import Attribution, OrgEvidence, Reject
import warehouse
from warehouse import Warehouse

CRAWLERS = {"samr"}


@dataclass
class SourceReport:
    source: str
    requests: int = 0
    pages: int = 0
    records: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    blocked: int = 0
    blocked_reasons: dict[str, int] = field(default_factory=dict)
    faults: int = 0
    spam_pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None


@dataclass
class RunReport:
    run_id: str
    flow: str
    status: str  # completed | failed
    started_at: datetime
    finished_at: datetime | None = None
    sources: list[SourceReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # health-check failures, loudly reported
    warehouse_path: Path | None = None


def new_run_id(flow: str) -> str:
    now = datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{flow}-{uuid.uuid4().hex[:6]}"


def make_client(settings: Settings, archive: Archive) -> HttpClient:
    return HttpClient(
        user_agent=settings.user_agent,
        allowed_hosts=settings.allowed_hosts(),
        host_policy=settings.host_policy,
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
        backoff=settings.backoff_seconds,
        max_retry_after=settings.max_retry_after_seconds,
        max_bytes=settings.max_response_bytes,
        archive=archive,
    )


def read_watermarks(settings: Settings) -> dict[str, dict[str, str]]:
    """Per-source watermarks from the published warehouse ({} on a first run)."""
    return warehouse.read_watermarks(settings.warehouse_path)


def crawl_source(
    source: str,
    settings: Settings,
    client: HttpClient,
    *,
    watermarks: dict[str, str],
    issued_from: date | None,
    issued_to: date | None,
) -> SourceResult:
    if source == "samr":
        _, concurrency = settings.host_policy(_host(settings.base_url("samr")))
        return samr_flow.crawl(
            client,
            settings.base_url("samr"),
            page_size=settings.page_size,
            issued_from=issued_from,
            issued_to=issued_to,
            watermarks=watermarks,
            overlap=timedelta(days=settings.watermark_overlap_days),
            detail_workers=concurrency,
        )
    raise ValueError(f"unknown source {source!r}; known sources: {', '.join(sorted(CRAWLERS))}")


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


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
    """Reviewed overrides: organisation name → district name/code, or 区外 / outside."""
    if settings.override_file is None:
        return {}
    overrides: dict[str, str] = {}
    for row in read_rows(Path(settings.override_file)):
        name = row.values.get("机构名称") or row.values.get("name")
        district = row.values.get("区县") or row.values.get("district")
        if name and district:
            overrides[normalize_org_name(name)] = district.strip()
    return overrides


def attribute_orgs(
    settings: Settings, names: list[str], evidence: list[OrgEvidence], overrides: dict[str, str]
) -> list[tuple[str, str, Attribution]]:
    """Attribute every drafting organisation by the best evidence the register holds for it."""
    region = load_region(settings.region)
    register = Register.from_evidence(evidence)
    rows: list[tuple[str, str, Attribution]] = []
    for name in names:
        key = normalize_org_name(name)
        rows.append((key, name, resolve(region, name=name, register=register, overrides=overrides)))
    return rows


def load(
    settings: Settings,
    *,
    run_id: str,
    flow: str,
    params: dict,
    started_at: datetime,
    archive: Archive,
    client: HttpClient,
    results: list[SourceResult],
) -> RunReport:
    """One write session: everything of this run lands together, or nothing does."""
    report = RunReport(run_id, flow, "completed", started_at, warehouse_path=settings.warehouse_path)
    register_files, register_rejects = read_org_register(settings)
    overrides = read_overrides(settings)
    region = load_region(settings.region)
    with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing() as w:
        w.begin_run(run_id, flow, params, settings.model_dump(mode="json"))
        w.set_settings(
            {
                "region": settings.region,
                "window_start": settings.window_start.isoformat(),
                "window_end": settings.window_end.isoformat(),
                "count_drafter": settings.count_drafter,
                "group_count_by": settings.group_count_by,
            }
        )
        w.load_region(region)
        w.record_responses([entry.as_row() for entry in archive.entries])
        for result in results:
            source_report = _source_report(result, client)
            w.flag_spam(result.spam_pages)
            counts = w.merge_standards(result.records, run_id)
            source_report.inserted, source_report.updated, source_report.unchanged = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
            w.record_rejects(result.rejects, run_id)
            for key, value in result.watermarks.items():
                w.set_watermark(result.source, key, value, run_id)
            report.sources.append(source_report)
        for prefix, evidence in register_files.items():
            w.replace_org_evidence(prefix, evidence)
        w.record_rejects(register_rejects, run_id)
        attributions = attribute_orgs(settings, w.drafting_orgs(), w.org_evidence(), overrides)
        w.replace_org_attributions(attributions)
        report.problems = health_problems(report)
        report.status = "failed" if report.problems else "completed"
        report.finished_at = datetime.now(timezone.utc)
        for source_report in report.sources:
            w.record_source_stats(run_id, source_report.source, source_report.__dict__)
        w.finish_run(run_id, report.status, "; ".join(report.problems) or None)
    return report


def _source_report(result: SourceResult, client: HttpClient) -> SourceReport:
    stats = client.stats.get(result.source, {}) if hasattr(client.stats, "get") else {}
    reasons: dict[str, int] = {}
    for reject in result.rejects:
        reasons[reject.reason] = reasons.get(reject.reason, 0) + 1
    return SourceReport(
        source=result.source,
        requests=int(stats.get("requests", 0)),
        pages=result.pages + result.details,
        records=len(result.records),
        rejected=len(result.rejects),
        reject_reasons=reasons,
        blocked=sum(result.blocked.values()),
        blocked_reasons=dict(result.blocked),
        faults=int(stats.get("faults", 0)),
        spam_pages=len(result.spam_pages),
        seconds={k: round(v, 3) for k, v in result.seconds.items()},
        error=result.error,
    )


class HealthCheckFailed(RuntimeError):
    """The run loaded what it could, but a source was blocked, failed or went silent."""

    def __init__(self, report: "RunReport") -> None:
        super().__init__(f"run {report.run_id} failed its health check: " + "; ".join(report.problems))
        self.report = report


def health_problems(report: RunReport) -> list[str]:
    problems = []
    for source in report.sources:
        if source.blocked:
            problems.append(f"{source.source}: blocked ({', '.join(source.blocked_reasons)})")
        elif source.error:
            problems.append(f"{source.source}: {source.error}")
    return problems
