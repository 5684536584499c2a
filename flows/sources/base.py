"""The Source interface: what every source a run can crawl or re-parse provides.

A source is a subclass of `Source` with a `name`, registered by one entry (its name and the
sites it asks) in `flows/sources/__init__.py`. The pipeline never names a source and never looks a hook up by
`getattr`: it calls these methods, whose defaults say "nothing beyond standards".

    crawl(client, settings, *, watermarks, window) -> SourceResult
        Fetch (through `client`, which archives every answer) and parse what `window` asks for.
        `watermarks` are the source's own, as its last complete nightly left them ({} = read
        everything in the window: a first run or a backfill). Return the records, rejects,
        figures and — only for what was covered completely — new watermarks, never older than
        those given; leave `complete = False` (`SourceResult.stop`, `SourceResult.walked`) when
        anything asked for could not be had. Lists are walked with `extract.paging.walk_pages`
        (one paging rule for every source). Never raise for a portal's misbehaviour: record it
        (`blocked`, a reject with its reason, `layout_changed`) and return.

    reparse(entries, settings) -> SourceResult
        The same records rebuilt from archived responses (`extract.archive.iter_archive`: 2xx,
        neither blocked nor truncated) with today's parsers, for the run's `settings` (its region).
        No network.

    load(w, result, *, run_id) -> dict
        What it read beyond standards (committees, publishers, events…), loaded in the run's
        write session after its standards; the figures returned go to its run report.

    probe(checks_for, client, settings) -> None
        The portal's contract facts for `stdwatch probe` (flows/probe.py): one or two archived
        requests per endpoint, each fact recorded with `checks_for(site).check(...)` (`site`: the
        source's name, or one of its base-URL keys when it reports per site). A source without it
        has no probe.

    attribute(w, settings, overrides, *, register) -> None
        Called once the organisation register is complete, for a source that attributes
        something besides drafting organisations; `register` is that register, as the drafting
        organisations' attribution has just read it (`flows.attribute.attribute_all`).

Where each URL comes from: `extract.sources.<name>` builds every URL and pages every list;
`transform.parsers.<name>` reads pages and never builds a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from flows.sources.common import SourceResult, Window

if TYPE_CHECKING:
    from extract.archive import ArchiveEntry
    from extract.http import HttpClient
    from flows.probe import Checks
    from flows.settings import Settings
    from transform.attribution import Register
    from warehouse.load import WriteSession

__all__ = ["Source"]


class Source:
    """One portal (or one family of columns) as a run sees it; see the module docstring."""

    name: ClassVar[str]  # its key in the registry (`flows.sources.REGISTERED`), which also lists the
    # portals it asks, by site key → the live base URL (the `base_urls` setting's defaults)

    def crawl(self, client: HttpClient, settings: Settings, *, watermarks: dict[str, str],
              window: Window) -> SourceResult:
        raise NotImplementedError

    def reparse(self, entries: Iterable[tuple[ArchiveEntry, bytes]], settings: Settings) -> SourceResult:
        raise NotImplementedError

    def load(self, w: WriteSession, result: SourceResult, *, run_id: str) -> dict[str, object]:
        return {}

    def probe(self, checks_for: Callable[[str], Checks], client: HttpClient, settings: Settings) -> None:
        raise NotImplementedError

    def attribute(self, w: WriteSession, settings: Settings, overrides: dict[str, str], *,
                  register: Register) -> None:
        return None

    def __repr__(self) -> str:
        return f"<source {self.name}>"
