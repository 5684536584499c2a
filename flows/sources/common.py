"""What every source's crawl returns to the flow, and how it is counted."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from transform.records import Reject, StandardRecord


@dataclass
class SourceResult:
    """One source's crawl in one run: records to load, and the figures for the run report."""

    source: str
    records: list[StandardRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    pages: int = 0  # list pages read
    details: int = 0  # detail pages read
    blocked: Counter[str] = field(default_factory=Counter)  # reason → count
    spam_pages: dict[str, list[str]] = field(default_factory=dict)  # response_id → spam terms
    watermarks: dict[str, str] = field(default_factory=dict)  # key → new value, set only when complete
    seconds: dict[str, float] = field(default_factory=dict)  # stage → seconds
    error: str | None = None  # why the source stopped early, if it did

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def reject(self, reason: str, detail: str, url: str | None = None, response_id: str | None = None) -> None:
        self.rejects.append(Reject(self.source, reason, detail, url, response_id))
