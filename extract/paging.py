"""One paging rule for every paged source (samr, sacinfo, ttbz, openstd, tc, notices).

A source declares how to ask for page `n` and how to read a page's counts (`PageInfo`); the
walk, the end test and the completeness verdict are here, once (dlt's `incremental` and
City Scrapers' pagination are the models):

- **The page size is what the server served**, never what we asked: std.samr may cap
  `pageSize` at 20 when we ask 50 (evidence/std.samr.gov.cn/pagesize_cap_check.py), so a short
  page is *not* the end of the list.
- The walk ends at the first of: the rows seen reach the total the portal states; the page
  number reaches the page count the portal states; an empty page; a page the source's
  `older` test says is wholly before its watermark (an incremental stop, see below); or
  `max_pages` (a repeating or endless list: an error, not an end).
- **Complete** only when every listed row was seen: rows seen ≥ the stated total, or — where
  the portal states none — the list ran out (an empty page or the stated last page). An empty
  page before the stated total is reached is *incomplete* ("rows seen 40 of 100"), and so is
  a walk broken off by an error.

Incremental runs (each source says which rule it uses in its opening contract):

- where the portal filters by date (samr `std_p10`, sacinfo `pubdate`, ttbz `publishDateBegin`),
  the source asks for the window since its watermark minus the overlap and walks all of it:
  nothing depends on the list's order;
- where it cannot, the source passes `older`: true for a page whose every row is older than
  the watermark on *every* date the list carries; the walk stops after that page, complete.

`ListTally` is what the walk saw, for the run report (`describe()`: "rows seen 400 of 1000 in
20 pages, 20 per page served, 50 asked").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the settings check a region's notice columns without importing httpx
    from extract.http import Fetched

__all__ = ["ListTally", "PageInfo", "walk_pages"]


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What one list page says about the list: the rows it served, and the totals it states."""

    rows: int
    total: int | None = None  # rows in the whole list, as the portal states them (None: not stated)
    pages: int | None = None  # pages in the whole list, as the portal states them (None: not stated)


@dataclass
class ListTally:
    """One list walk: what was asked, served and seen, and how the walk ended."""

    what: str
    asked_size: int | None = None
    rows_seen: int = 0
    total: int | None = None  # the latest total a page stated
    pages_read: int = 0
    served: list[int] = field(default_factory=list)  # rows served per page, in order
    # "total" | "last_page" | "ran_out" | "older" (an incremental stop) | None (not ended: broken off)
    ended: str | None = None

    @property
    def complete(self) -> bool:
        """Every listed row was seen (or, on an incremental stop, every row since the watermark)."""
        if self.ended is None:
            return False
        if self.ended == "older":
            return True
        return self.total is None or self.rows_seen >= self.total

    def describe(self) -> str:
        of = f" of {self.total}" if self.total is not None else ""
        size = f", {max(self.served)} per page served" if self.served else ""
        asked = f", {self.asked_size} asked" if self.asked_size else ""
        how = {"total": "", "last_page": ", the last page stated", "ran_out": ", then an empty page",
               "older": ", stopped at the watermark", None: ", broken off"}[self.ended]
        return f"{self.what}: rows seen {self.rows_seen}{of} in {self.pages_read} pages{size}{asked}{how}"

    def add(self, info: PageInfo) -> None:
        self.pages_read += 1
        self.rows_seen += info.rows
        self.served.append(info.rows)
        if info.total is not None:
            self.total = info.total


def walk_pages(
    fetch: Callable[[int], Fetched],
    info: Callable[[Fetched], PageInfo],
    tally: ListTally,
    *,
    first: int = 1,
    older: Callable[[Fetched], bool] | None = None,
    max_pages: int = 5_000,
) -> Iterator[Fetched]:
    """Fetch page `first`, `first + 1`, … (`fetch(n)`, which archives), yield each page, and end by
    the module's rule, recording in `tally`. `info` reads a page's counts and raises the source's
    `ListPageError` for a page that cannot be read (the walk then ends there, `tally.ended` None)."""
    page = first
    while True:
        fetched = fetch(page)
        counts = info(fetched)
        tally.add(counts)
        yield fetched
        if counts.rows == 0:
            tally.ended = "ran_out"
            return
        if tally.total is not None and tally.rows_seen >= tally.total:
            tally.ended = "total"
            return
        if counts.pages is not None and page >= counts.pages:
            tally.ended = "last_page"
            return
        if older is not None and older(fetched):
            tally.ended = "older"
            return
        if page - first + 1 >= max_pages:
            from extract.sources import ListPageError  # noqa: PLC0415 - extract.sources imports this module

            raise ListPageError(f"{tally.what}: still not at the end after {max_pages} pages "
                                f"({tally.rows_seen} rows seen); is the list repeating?", fetched)
        page += 1
