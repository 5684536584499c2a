"""The reprocess flow: re-parse the archive with today's parsers and re-load, with no network.

Each source rebuilds its records from its archived answers (`reparse` in the
source registry); the load merges them like any run, so the run report's
inserted / updated / unchanged — and the standards it names as updated — are
what today's parsers change. Archived responses not yet indexed (runs killed
before their load) are indexed too. Watermarks are left alone.

The parse runs on every core (`flows.reparse_pool`: one worker process per source at a time, up to
the `reprocess_workers` setting or `workers`); this process alone loads what they return, and
starts as they start: it opens the write session and indexes the archive while they parse, then
merges each source's result as soon as it comes back (in the order of the sources, so the run
reports what a load after the parse would), while the workers go on with the others. Only the
attribution, the publish gate and the publish wait for every source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from prefect import flow, get_run_logger
from prefect.utilities.annotations import quote

from flows import crawl, runs
from flows.nightly import load_task, publish_report
from flows.reparse_pool import reparsed, workers_for
from flows.settings import Settings, load_settings
from flows.sources import SourceResult, Window


def logged(results: Iterable[SourceResult]) -> Iterator[SourceResult]:
    """Each result as it comes, with a log line of what its re-parse read."""
    logger = get_run_logger()
    for result in results:
        logger.info("%s: %d records from %d list and %d detail pages in the archive",
                    result.source, len(result.records), result.pages, result.details)
        yield result


@flow(name="reprocess", persist_result=False)
def reprocess(sources: list[str] | None = None, data_dir: str | None = None,
              workers: int | None = None) -> runs.RunReport:
    """Rebuild every source's records from the archive and merge them; report what changed.
    `workers`: processes parsing at once (default: the `reprocess_workers` setting, else every core)."""
    settings = load_settings(sources=sources, data_dir=data_dir, reprocess_workers=workers)
    crawl.check_sources(settings.sources)
    processes = workers_for(settings)
    run = runs.RunSpec(
        run_id=runs.new_run_id("reprocess"),
        flow="reprocess",
        params={"sources": settings.sources, "data_dir": str(settings.data_dir), "workers": processes},
        window=Window(),
        started_at=datetime.now(timezone.utc),
    )
    # 1. Re-parse each source's archive (no client exists: nothing can reach the network), while
    # 2. one write session merges each result as it comes; then publish.
    with reparsed(settings, settings.sources, processes) as results:
        report = load_task(quote(settings), run, responses=[], results=quote(logged(results)), client_stats={},
                           advance_watermarks=False, check_silence=False)
    return publish_report(report)
