"""The reprocess parse on every core: each source's archive re-parsed in its own worker process.

Parsing is pure Python under the GIL, so threads keep it on one core. Here each source's
`crawl.reparse_source` — which reads that source's WARC files itself, record by record, and
returns its `SourceResult` (records, rejects, figures) — runs in a `ProcessPoolExecutor` worker;
only the settings go to a worker and only the parsed result comes back, never archived bytes.
The caller loads the results in one write session (DuckDB has one writer).

`reparsed` starts every worker on entry and hands the results over one by one, in the order of
the sources, each as soon as it and those before it are parsed: the reprocess flow opens its write
session and merges the first sources while the workers still parse the others, so the load overlaps
the parse instead of following it. `reparse_sources` waits for them all.

Workers are forked from a `forkserver` (the flow's own process runs Prefect's threads: forking it
could copy a lock some thread holds), a clean process that has imported the parse path
(`flows.crawl`, every source's module and the attachment readers' libraries, no Prefect: see
`preloaded_modules`) once, so a worker starts without importing anything again; the server
stays up for the next reprocess of the same process (`stdwatch serve`). Starting that server takes
seconds in a new process (the imports), so nothing waits for it: `reparsed` starts the workers and
hands out the sources from a thread of its own while the caller opens its write session, and
`stdwatch run reprocess` starts the server (`start_forkserver`) before Prefect's own start-up.

Which source goes first (`hand_out_order`): the big archives (each at least 1/(2 × workers) of the
bytes), largest first, so no big source starts last; then the others in the order the load takes
them, so each small one is back about when the load reaches it and is merged while the workers
parse the next, and what is left after the last parse is one small source's merge. A source is
the unit of work: its re-parse picks the latest copy of each page across its whole archive, so a
split would need a first pass that picks each page's latest copy, then disjoint sets of pages parsed
apart and joined in order, per source. Not done: on 2 cores the two big sources (at size 10,000,
samr about 39 % of the parse CPU, sacinfo 38 %) balance; a split would let the load start before
the first big source is parsed, and pays from 3 cores on, and for a reprocess of one source, which
uses one core.
With one worker, or one source, nothing is spawned: each source is parsed in this process when
the caller asks for it.

A worker sends its standards back as their Arrow table (`warehouse.load.StandardRows`), not as
records: the loading process, on the critical path, then neither unpickles records nor builds the
table the merge reads (together 0.28 s for samr at size 10,000, against 0.003 s).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from flows import crawl, sources
from flows.settings import Settings
from flows.sources import SourceResult
from transform import attachments
from warehouse.load import StandardRows

logger = logging.getLogger(__name__)


def workers_for(settings: Settings) -> int:
    """The processes a reprocess under `settings` parses on: its `reprocess_workers`, else every core."""
    return settings.reprocess_workers or default_workers()


def spawns(workers: int, sources: list[str]) -> bool:
    """Whether parsing `sources` on `workers` processes starts any (one worker or one source parses here)."""
    return min(workers, len(sources)) > 1


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def reparse_sources(settings: Settings, sources: list[str], workers: int) -> list[SourceResult]:
    """Every source of `sources` re-parsed from the archive (`crawl.reparse_source`), on up to
    `workers` processes; the results in the order of `sources` (see `reparsed`)."""
    with reparsed(settings, sources, workers) as results:
        return list(results)


@contextmanager
def reparsed(settings: Settings, sources: list[str], workers: int) -> Iterator[Iterator[SourceResult]]:
    """The results of `reparse_sources` one by one, in the order of `sources`, each as soon as it
    is parsed; the workers start on entry, from a thread of their own (entering does not wait for
    them), before the first result is asked for. A worker process
    that dies breaks the pool: each source not yet parsed is `re-parse_failed`, like a re-parse that
    raised, and those already parsed load as usual. Once the last result is handed over the workers
    are let go; leaving the block cancels the sources not yet started and waits for those running."""
    if not spawns(workers, sources):
        yield (crawl.reparse_source(source, settings) for source in sources)
        return
    workers = min(workers, len(sources))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_forkserver())
    starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reparse-start")
    submitted = starter.submit(_submit_all, pool, settings, sources, workers)
    try:
        yield _results(pool, submitted, sources)
    finally:
        starter.shutdown(wait=True)
        pool.shutdown(wait=True, cancel_futures=True)


def _results(pool: ProcessPoolExecutor, submitted: Future, sources: list[str]) -> Iterator[SourceResult]:
    for source in sources:
        yield _result(source, submitted)
    pool.shutdown(wait=False)  # every source is back: the workers exit while the caller loads the last


def hand_out_order(archive_dir: Path, sources: list[str], workers: int) -> list[str]:
    """The order the workers take `sources` in: the big archives (each at least 1/(2 × `workers`)
    of all the bytes) largest first, then the others in the order of `sources` (see the module
    docstring)."""
    sizes = {source: _archived_bytes(archive_dir, source) for source in sources}
    big = sorted((source for source in sources if sizes[source] * 2 * workers >= sum(sizes.values()) > 0),
                 key=lambda source: -sizes[source])
    return big + [source for source in sources if source not in big]


def start_forkserver(settings: Settings) -> None:
    """Start the server the workers are forked from, in a thread, and return at once, if a reprocess
    under `settings` will spawn workers: a command that will reprocess calls this before its other
    start-up work (Prefect's), which then overlaps it."""
    if not spawns(workers_for(settings), settings.sources):
        return
    _forkserver()
    threading.Thread(target=multiprocessing.forkserver.ensure_running, name="forkserver-start", daemon=True).start()


def _submit_all(pool: ProcessPoolExecutor, settings: Settings, sources: list[str], workers: int) -> dict[str, Future]:
    """Every source handed to the pool (starting its workers, the forkserver too if it is not up):
    a source the pool refuses (a worker already died) gets that error as its future's."""
    futures: dict[str, Future] = {}
    for source in hand_out_order(settings.archive_dir, sources, workers):
        try:
            futures[source] = pool.submit(_reparse_for_the_load, source, settings)
        except Exception as exc:
            futures[source] = Future()
            futures[source].set_exception(exc)
    return futures


def _reparse_for_the_load(source: str, settings: Settings) -> SourceResult:
    """`crawl.reparse_source` in a worker, its standards sent back as their Arrow table
    (`StandardRows`): the table the merge needs, built here on a core of its own, and 40× cheaper
    for the loading process to unpickle than the records."""
    result = crawl.reparse_source(source, settings)
    result.records = StandardRows.of(result.records)
    return result


def _forkserver():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preloaded_modules())
    return context


def preloaded_modules() -> list[str]:
    """What the forkserver imports once for every worker: the parse path, every registered source's
    module and the attachment readers' libraries. Imported in the worker instead, on its first use,
    they cost each worker 0.24 s (the source modules) before its first source and 0.5 s (openpyxl,
    python-docx, pypdf) in the notices' parse, on the critical path of a reprocess at size 10,000."""
    return [crawl.__name__, *(f"{sources.__name__}.{source}" for source in sources.REGISTERED),
            *attachments.READER_MODULES]


def _result(source: str, submitted: Future) -> SourceResult:
    try:
        return submitted.result()[source].result()
    except Exception as exc:  # the worker process died (BrokenProcessPool) or its result did not pickle
        logger.error("re-parse of %s failed in its worker process: %s", source, exc)
        return crawl.FailedCrawl.of(source, exc, None, what="re-parse")


def _archived_bytes(archive_dir: Path, source: str) -> int:
    return sum(path.stat().st_size for path in Path(archive_dir).glob(f"{source}/*/*.warc.gz"))
