"""Prefect flows. Thin wiring: typed parameters are the deployment knobs (prefect.yaml).

Tasks are coarse — one per source crawl and one for the load — because a Prefect
task run costs ~35 ms of CPU (perf-notes.md §2); the crawl's own thread pool,
bounded by the per-host concurrency setting, does the fine-grained work.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from extract.archive import Archive
from flows import pipeline
from flows.report import run_report_markdown
from flows.settings import Settings, load_settings
from flows.sources.common import SourceResult


@task(name="crawl-source", persist_result=False, cache_policy=None)
def crawl_source_task(source: str, settings: Settings, client, watermarks: dict, issued_from, issued_to) -> SourceResult:
    logger = get_run_logger()
    result = pipeline.crawl_source(
        source, settings, client, watermarks=watermarks, issued_from=issued_from, issued_to=issued_to
    )
    logger.info(
        "%s: %d records, %d list pages, %d detail pages, %d rejected, %d blocked",
        source, len(result.records), result.pages, result.details, len(result.rejects), sum(result.blocked.values()),
    )
    return result


@task(name="load-and-publish", persist_result=False, cache_policy=None)
def load_task(settings: Settings, **kwargs) -> pipeline.RunReport:
    return pipeline.load(settings, **kwargs)


def _run(
    settings: Settings, *, flow_name: str, params: dict, issued_from: date | None, issued_to: date | None,
    incremental: bool,
) -> pipeline.RunReport:
    started_at = datetime.now(timezone.utc)
    run_id = pipeline.new_run_id(flow_name)
    marks = pipeline.read_watermarks(settings) if incremental else {}
    archive = Archive(settings.archive_dir, run_id)
    client = pipeline.make_client(settings, archive)
    try:
        # 1. Crawl every source; each is archived before parsing and fails on its own.
        futures = [
            crawl_source_task.submit(
                source, settings, client, marks.get(source, {}), issued_from, issued_to
            )
            for source in settings.sources
        ]
        results = [f.result() for f in futures]
    finally:
        client.close()
        archive.close()
    # 2. Load everything in one blue/green write session, then publish.
    report = load_task(
        settings, run_id=run_id, flow=flow_name, params=params, started_at=started_at,
        archive=archive, client=client, results=results,
    )
    # 3. The run report, as a Prefect artifact too.
    create_markdown_artifact(run_report_markdown(report), key=f"{flow_name}-run-report", description=run_id)
    if report.problems:
        raise pipeline.HealthCheckFailed(report)
    return report


@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=4), persist_result=False)
def nightly(sources: list[str] | None = None, data_dir: str | None = None) -> pipeline.RunReport:
    """Fetch what is new since the last successful run (plus an overlap), load it, publish."""
    settings = load_settings(sources=sources, data_dir=data_dir)
    return _run(
        settings,
        flow_name="nightly",
        params={"sources": settings.sources, "data_dir": str(settings.data_dir)},
        issued_from=settings.window_start,
        issued_to=None,
        incremental=True,
    )
