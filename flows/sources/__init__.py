"""The source registry: every source a run can crawl or re-parse, by name.

A source plugs in by adding its module here; the pipeline never names a source.
Each module exposes:

    SOURCE: str
        its name (the `sources` setting, the archive folder, `source` in the warehouse).

    crawl(client: HttpClient, settings: Settings, *, watermarks: dict[str, str], window: Window) -> SourceResult
        Fetch (through `client`, which archives every answer) and parse what `window` asks for.
        `watermarks` are the source's own, as its last complete nightly left them ({} = read
        everything in the window: a first run or a backfill). Return the records, rejects, figures
        and — only for what was covered completely — new watermarks, never older than those given;
        set `complete = False` (`SourceResult.stop`) when anything asked for could not be had.
        Never raise for a portal's misbehaviour: record it (`blocked`, `error`) and return.

    reparse(entries: Iterable[tuple[ArchiveEntry, bytes]]) -> SourceResult
        The same records rebuilt from archived responses (`extract.archive.iter_archive`: 2xx,
        neither blocked nor truncated) with today's parsers. No network.

The pipeline loads `records` (merge), `rejects`, `spam_pages`, `evidence` (the organisation
register) and, for a nightly, `watermarks`. Optionally, a module also exposes:

    load(w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, object]
        What it read beyond standards (committees, publishers, events…), loaded in the run's
        write session after its standards; the figures returned go to its run report
        (meta.run_source.extra).

    attribute(w: WriteSession, settings: Settings, overrides: dict[str, str]) -> None
        Called once the organisation register is complete for the run, for a source that
        attributes something besides drafting organisations.
"""

from __future__ import annotations

from types import ModuleType

from flows.sources import notices, openstd, qybz, sacinfo, samr, tc, ttbz
from flows.sources.common import SourceResult, Window

SOURCES: dict[str, ModuleType] = {
    module.SOURCE: module for module in (samr, sacinfo, openstd, ttbz, qybz, tc, notices)
}

__all__ = ["SOURCES", "SourceResult", "UnknownSource", "Window", "get_source"]


class UnknownSource(ValueError):
    """A source name the registry does not know."""


def get_source(name: str) -> ModuleType:
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownSource(f"unknown source {name!r}; known sources: {', '.join(sorted(SOURCES))}") from None
