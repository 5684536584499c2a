"""The crawl job: the politeness-bound HTTP client over the archive, the watermarks a crawl starts
from, and one source crawled (or re-parsed from the archive) into a SourceResult that never raises:
a source that fails becomes a `FailedCrawl` and the others go on."""

from __future__ import annotations

import logging
from typing import Iterable

import warehouse
from extract.archive import Archive, ArchiveEntry, iter_archive
from extract.http import HttpClient
from flows import politeness
from flows.settings import Settings
from flows.sources import SourceResult, Window, get_source

logger = logging.getLogger(__name__)


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
        host_gate=politeness.host_gates(settings),  # None: this process's own gate
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
