"""A simulated season, shared by tests/test_season.py and bench/bench_season.py: the calendar mirror
(`mirror.calendar`) on loopback, and the nightly's steps called directly each night (no Prefect:
`flows.nightly.crawl_and_load` does the same crawl → load with tasks), with the portals' clock
frozen at the night's date.

`Season.night(n)` publishes day n on the mirror, runs the nightly, and returns what the night did and
what it should have: the run report, the requests the mirror received, the floor they are measured
against (`mirror.calendar.minimum_requests`), and how the warehouse differs from the ground truth as
of that day (per district × type × year, and per indicator).
"""

from __future__ import annotations

import json
import math
import os
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

import warehouse
from extract.archive import Archive
from flows import crawl, loading, runs, targets
from flows.settings import load_settings
from flows.sources import SOURCES, Window
from mirror.calendar import Calendar, minimum_requests, samr_list_pages
from mirror.cluster import MirrorCluster
from mirror.corpus import Corpus
from mirror.faults import FaultPolicy
from mirror.notices import notice_truth
from mirror.sites.samr import ORG_PAGE_SIZE
from mirror.truth import ground_truth, write_corpus
from mirror.variants import parse_variants
from transform.dates import SHANGHAI

WINDOW_START, WINDOW_END = date(2022, 8, 21), date(2027, 12, 31)  # the season's days lie in the window
# Indicators the analysts' inbox files feed (alone or beside notices): the season loads no inbox file.
_INBOX_FED = ("experts", "enterprise_std", "intl_std_led", "intl_liaison_stations")
_PORTAL_CLOCKS = ("flows.sources.pages", "flows.sources.openstd", "flows.sources.sacinfo", "flows.sources.ttbz",
                  "flows.sources.qybz", "flows.sources.notices")


@dataclass
class Night:
    day: int
    report: runs.RunReport
    requests: int
    minimum: int
    truth_problems: list[str]


class Season:
    """The calendar mirror at day 0 (`variants`: a `mirror.variants` preset or field=value pairs) and a
    data dir; `night(n)` for n = 1, 2, … in order."""

    def __init__(self, tmp: Path, monkeypatch, *, size: int = 300, seed: int = 7, variants: str = "") -> None:
        self.corpus = Corpus(seed=seed, size=size, window_start=WINDOW_START, window_end=WINDOW_END,
                             variants=parse_variants(variants))
        self.calendar = Calendar(self.corpus)
        mirror_dir = tmp / "mirror"
        write_corpus(self.corpus, mirror_dir)  # the organisation register an analyst imports once
        self.monkeypatch = monkeypatch
        self._stack = ExitStack()
        self.cluster = self._stack.enter_context(MirrorCluster(self.corpus))
        env = {
            "STDWATCH_DATA_DIR": str(tmp / "data"),
            "STDWATCH_SOURCES": json.dumps(list(SOURCES)),
            "STDWATCH_HOSTS": json.dumps({"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}}),
            "STDWATCH_ORG_MAPPING_FILES": json.dumps([str(mirror_dir / "org_register.csv")]),
            "STDWATCH_WINDOW_START": WINDOW_START.isoformat(), "STDWATCH_WINDOW_END": WINDOW_END.isoformat(),
            **self.cluster.env(),
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        os.environ.pop("STDWATCH_CONFIG", None)

    def close(self) -> None:
        self._stack.close()

    def _freeze_portal_clock(self, day: date) -> None:
        now = datetime.combine(day, time(2), SHANGHAI)  # the nightly runs at 02:00
        for module in _PORTAL_CLOCKS:
            self.monkeypatch.setattr(f"{module}.portal_now", lambda: now, raising=False)

    def night(self, day: int, fault_policy=None) -> Night:
        self.calendar.advance_to(day)
        # The night of day n runs after day n's publications (02:00 of day n + 1).
        self._freeze_portal_clock(self.calendar.date_of(day + 1))
        self.monkeypatch.setenv("STDWATCH_AS_OF", self.calendar.date_of(day).isoformat())  # figures as of today
        self.cluster.set_fault_policy(fault_policy)
        self.cluster.reset_log()
        report = run_nightly()
        self.cluster.set_fault_policy(None)
        requests = sum(sum(self.cluster.request_log(site).values()) for site in self.cluster.sites)
        jiangsu = sum(c.province == "江苏省" for c in self.corpus.committees)
        floor = minimum_requests(self.calendar.published(day), directory_pages=math.ceil(jiangsu / ORG_PAGE_SIZE),
                                 samr_pages=samr_list_pages(self.corpus, day))
        return Night(day, report, requests, floor, self.truth_problems(report.warehouse_path))

    def truth_problems(self, path: Path) -> list[str]:
        """How the warehouse differs from the truth as of today: counted standards per district ×
        type × year, and every notice indicator per district."""
        truth = ground_truth(self.corpus)
        problems = []
        expected = {(r["district"], r["std_type"], r["year"]): r["n"] for r in truth["all_counts"]}
        rows = warehouse.query(path, "SELECT district_name, std_type, year(issue_date) AS year, count(*) AS n "
                                     "FROM mart.standard WHERE counted GROUP BY ALL").to_pylist()
        actual = {(r["district_name"], r["std_type"], r["year"]): r["n"] for r in rows}
        for key in sorted(set(expected) | set(actual), key=str):
            if expected.get(key, 0) != actual.get(key, 0):
                problems.append(f"standards {key}: warehouse {actual.get(key, 0)}, truth {expected.get(key, 0)}")
        committees = {(r["district"], r["year"]): r["n"] for r in truth["committee_counts"]}
        rows = warehouse.query(path, "SELECT district_name, year, n FROM mart.new_committees_by_district").to_pylist()
        if {(r["district_name"], r["year"]): r["n"] for r in rows} != committees:
            problems.append("committees per district × year differ from the truth")
        notices = notice_truth(self.calendar.notices)
        rows = warehouse.query(path, "SELECT indicator_id, district_name, actual FROM mart.district_progress "
                                     "WHERE has_data AND actual > 0").to_pylist()
        by_indicator: dict[str, dict[str, float]] = {}
        for r in rows:
            by_indicator.setdefault(r["indicator_id"], {})[r["district_name"]] = r["actual"]
        for indicator, cell in notices["indicators"].items():
            if indicator in _INBOX_FED:
                continue
            wanted = {d: n for d, n in cell["by_district"].items() if n}
            if by_indicator.get(indicator, {}) != wanted:
                problems.append(f"indicator {indicator}: warehouse {by_indicator.get(indicator, {})}, truth {wanted}")
        return problems


def run_nightly() -> runs.RunReport:
    """The nightly's steps (`flows.nightly.crawl_and_load` without Prefect): crawl every source, read
    the plan, load and publish; the health check's verdict is `report.problems`."""
    settings = load_settings()
    run = runs.RunSpec(runs.new_run_id("nightly"), "nightly", {"sources": settings.sources},
                           Window(settings.window_start, None), datetime.now(timezone.utc))
    archive = Archive(settings.archive_dir, run.run_id)
    client = crawl.make_client(settings, archive)
    try:
        marks = crawl.read_watermarks(settings)
        results = [crawl.crawl_source(source, settings, client, watermarks=marks.get(source, {}), window=run.window)
                   for source in settings.sources]
        plan = targets.crawl_plan(settings, client)
    finally:
        client.close()
        archive.close()
    return loading.load(settings, run, responses=archive.entries, results=results, client_stats=client.stats,
                         advance_watermarks=True, check_silence=True, plan=plan)


NIGHTS = 60
# Share of requests the mirror answers with a fault: a quiet night asks some twenty, so a share that
# makes a fault-free night unlikely (0.7 ** 20 < 0.1 %).
FAULT_NIGHTS = {12: 0.3, 31: 0.3, 47: 0.3}


def check_season(variants: str, tmp_path: Path, monkeypatch) -> None:
    """Sixty nights on the mirror `variants` (the test modules' docstring says what is checked)."""
    season = Season(tmp_path, monkeypatch, variants=variants)
    requests = floor = 0
    try:
        for day in range(1, NIGHTS + 1):
            rate = FAULT_NIGHTS.get(day)
            policy = FaultPolicy(rate, seed=day, retry_after_seconds=0.05, timeout_seconds=0.5,
                                 slow_seconds=0.05) if rate else None
            night = season.night(day, policy)
            if day > 1 and not rate and not FAULT_NIGHTS.get(day - 1):  # a fault's retries and its recovery apart
                requests, floor = requests + night.requests, floor + night.minimum
            if policy is not None:
                assert policy.faults > 0, f"night {day}: no fault injected"
            problems = night.report.problems
            if problems:
                # Only a faulted night may fail, and only because a page stayed unread, which it names.
                # The next night is fault-free: the checks below make it recover everything.
                assert rate, f"night {day}: {problems}"
                assert all("incomplete" in p or "attempt" in p or "HTTP" in p for p in problems), problems
                continue
            assert night.truth_problems == [], f"night {day}: {night.truth_problems[:5]}"
    finally:
        season.close()
    assert requests <= 1.1 * floor, f"{requests} requests over the fault-free nights, minimum {floor}"
