"""The reprocess flow: re-parse the archive with today's parsers and re-load, with no network.

Each source rebuilds its records from its archived answers (`reparse` in the
source registry); the load merges them like any run, so the run report's
inserted / updated / unchanged — and the standards it names as updated — are
what today's parsers change. Archived responses not yet indexed (runs killed
before their load) are indexed too. Watermarks are left alone.
"""

from __future__ import annotations

from datetime import datetime, timezone

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import pipeline
from flows.nightly import SOURCE_WORKERS, load_task, publish_report, reparse_source_task
from flows.settings import load_settings
from flows.sources import Window


@flow(name="reprocess", task_runner=ThreadPoolTaskRunner(max_workers=SOURCE_WORKERS), persist_result=False)
def reprocess(sources: list[str] | None = None, data_dir: str | None = None) -> pipeline.RunReport:
    """Rebuild every source's records from the archive and merge them; report what changed."""
    settings = load_settings(sources=sources, data_dir=data_dir)
    pipeline.check_sources(settings.sources)
    run = pipeline.RunSpec(
        run_id=pipeline.new_run_id("reprocess"),
        flow="reprocess",
        params={"sources": settings.sources, "data_dir": str(settings.data_dir)},
        window=Window(),
        started_at=datetime.now(timezone.utc),
    )
    # 1. Re-parse each source's archive (no client exists: nothing can reach the network).
    futures = [reparse_source_task.submit(source, quote(settings)) for source in settings.sources]
    results = [future.result() for future in futures]
    # 2. Merge in one write session, then publish.
    report = load_task(quote(settings), run, responses=[], results=quote(results), client_stats={},
                       advance_watermarks=False, check_silence=False)
    return publish_report(report)
