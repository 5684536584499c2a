"""A simulated season: 60 nights of the nightly against the calendar mirror (`mirror.calendar`), the
fault mode on some nights. Every night: the health check passes unless the night's faults left a page
unread (then it names it, and the next night recovers it), and the warehouse equals the ground truth
as of that night per district × type × year and per indicator."""

from __future__ import annotations

import pytest

from mirror.faults import FaultPolicy
from season_support import Season

pytestmark = pytest.mark.integration

NIGHTS = 60
FAULT_NIGHTS = {12: 0.15, 31: 0.15, 47: 0.15}  # share of requests the mirror answers with a fault


def test_sixty_nights_each_equal_to_that_nights_truth(tmp_path, monkeypatch):
    season = Season(tmp_path, monkeypatch)
    try:
        for day in range(1, NIGHTS + 1):
            rate = FAULT_NIGHTS.get(day)
            policy = FaultPolicy(rate, seed=day, retry_after_seconds=0.05, timeout_seconds=0.5,
                                 slow_seconds=0.05) if rate else None
            night = season.night(day, policy)
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
