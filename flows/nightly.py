"""The nightly flow, and the Prefect tasks every run shares (`backfill` and `reprocess` reuse them).

Thin wiring: typed parameters are the deployment knobs (prefect.yaml). Tasks are
coarse — one per source crawl and one for the load — because a Prefect task run
costs ~35 ms of CPU (perf-notes.md §2); the crawl's own thread pool, bounded by
the per-host concurrency setting, does the fine-grained work.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from extract.archive import Archive
from flows import crawl, health, loading, runs, targets
from flows.report import run_report_markdown, summary_lines
from flows.settings import Settings, load_settings
from flows.sources import SourceResult, Window

# Sources crawled at once; each keeps to its own host's politeness (perf-notes.md §2: always bound the pool).
SOURCE_WORKERS = 4


@task(name="crawl-source", persist_result=False, cache_policy=None)
def crawl_source_task(source: str, settings: Settings, client, watermarks: dict, window: Window) -> SourceResult:
    result = crawl.crawl_source(source, settings, client, watermarks=watermarks, window=window)
    get_run_logger().info(
        "%s %s: %d records, %d list pages, %d detail pages, %d rejected, %d blocked%s",
        source, window, len(result.records), result.pages, result.details, len(result.rejects),
        sum(result.blocked.values()), "" if result.complete else f" — incomplete: {result.error or 'pages failed'}",
    )
    return result


@task(name="load-and-publish", persist_result=False, cache_policy=None)
def load_task(settings: Settings, run: runs.RunSpec, **kwargs) -> runs.RunReport:
    return loading.load(settings, run, **kwargs)


def crawl_and_load(
    settings: Settings, run: runs.RunSpec, *, watermarks: dict[str, dict[str, str]] | None, check_silence: bool
) -> runs.RunReport:
    """Crawl every source in `settings.sources` for `run.window`, then load and publish.

    `watermarks` (the nightly's) make the crawl incremental and advance with the load;
    None (a backfill) reads the whole window and leaves the watermarks alone.
    """
    archive = Archive(settings.archive_dir, run.run_id)
    client = crawl.make_client(settings, archive)
    started = time.perf_counter()
    try:
        # 1. Crawl every source; each is archived before parsing and fails on its own.
        futures = [
            crawl_source_task.submit(source, quote(settings), quote(client),
                                     (watermarks or {}).get(source, {}), run.window)
            for source in settings.sources
        ]
        results = [future.result() for future in futures]
        # The plan document, on the nightly only: its targets are what progress is measured against.
        plan = targets.crawl_plan(settings, client) if watermarks is not None else None
    finally:
        client.close()
        archive.close()
    crawl_seconds = round(time.perf_counter() - started, 3)
    # 2. Load everything in one blue/green write session, then publish.
    report = load_task(
        quote(settings), run, responses=quote(archive.durable_entries()), results=quote(results),
        client_stats=client.stats, advance_watermarks=watermarks is not None, check_silence=check_silence,
        plan=quote(plan),
    )
    report.seconds = {"crawl": crawl_seconds, **report.seconds}
    return report


def publish_report(report: runs.RunReport) -> runs.RunReport:
    """The run report as a Prefect artifact and log lines; a failed health check fails the flow run."""
    create_markdown_artifact(run_report_markdown(report), key=f"{report.flow}-run-report", description=report.run_id)
    logger = get_run_logger()
    for line in summary_lines(report):
        logger.info(line)
    if report.problems:
        for problem in report.problems:
            logger.error("HEALTH CHECK FAILED: %s", problem)
        raise health.HealthCheckFailed(report)
    return report


@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=SOURCE_WORKERS), persist_result=False)
def nightly(sources: list[str] | None = None, data_dir: str | None = None) -> runs.RunReport:
    """Fetch what is new since the last complete run (plus an overlap), load it, publish."""
    settings = load_settings(sources=sources, data_dir=data_dir)
    crawl.check_sources(settings.sources)
    run = runs.RunSpec(
        run_id=runs.new_run_id("nightly"),
        flow="nightly",
        params={"sources": settings.sources, "data_dir": str(settings.data_dir)},
        window=Window(settings.window_start, None),
        started_at=datetime.now(timezone.utc),
    )
    report = crawl_and_load(settings, run, watermarks=crawl.read_watermarks(settings), check_silence=True)
    return publish_report(report)
