"""A simulated season: 60 nights of the nightly against the calendar mirror (`mirror.calendar`), the
fault mode on some nights. Every night: the health check passes unless the night's faults left a page
unread (then it names it, and the next night recovers it), and the warehouse equals the ground truth
as of that night per district × type × year and per indicator. Over nights 2–60 (night 1 is the first
full crawl; a faulted night's retries, and the next night's catching up, are left out), the requests the mirror received are at most 1.1 × the floor the calendar's own day log
gives (`mirror.calendar.minimum_requests`: one page per list, the committee directory, each page that
carries something new). The season runs on the default mirror and on the contested one (every contested
portal fact on its other reading, conditional requests honoured included)."""

from __future__ import annotations

import pytest

from mirror.faults import FaultPolicy
from season_support import Season

pytestmark = pytest.mark.integration

NIGHTS = 60
# Share of requests the mirror answers with a fault: a quiet night asks some twenty, so a share that
# makes a fault-free night unlikely (0.7 ** 20 < 0.1 %).
FAULT_NIGHTS = {12: 0.3, 31: 0.3, 47: 0.3}


@pytest.mark.parametrize("variants", ["default", "contested"])
def test_sixty_nights_each_equal_to_that_nights_truth_at_most_a_tenth_above_the_fewest_requests(
        variants, tmp_path, monkeypatch):
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



def test_a_night_whose_notice_parser_drops_every_entry_is_held_back_and_the_next_publishes(tmp_path, monkeypatch):
    """Day 3 brings new announcements (seeded calendar); that night the notice parser finds no entry in
    any list. The guard on the share of announcements whose list was read holds the load back: readers
    keep night 2's figures. Night 4, healthy, reads the lost lists again and publishes the truth."""
    import warehouse
    from transform.parsers import notices as notice_parser

    def published(path) -> dict:
        return warehouse.query(path, "SELECT (SELECT count(*) FROM core.event) AS events, (SELECT count(*) FROM "
                                     "mart.standard WHERE counted) AS standards, (SELECT max(run_id) FROM meta.run "
                                     "WHERE status <> 'held') AS run").to_pylist()[0]

    season = Season(tmp_path, monkeypatch)
    try:
        for day in (1, 2):
            night = season.night(day)
            assert night.report.status == "completed" and night.truth_problems == [], night.report.problems
        before = published(night.report.warehouse_path)

        table_entries = notice_parser.table_entries
        monkeypatch.setattr(notice_parser, "table_entries", lambda rows: [])
        sick = season.night(3)
        monkeypatch.setattr(notice_parser, "table_entries", table_entries)
        assert sick.report.status == "held"
        failed_tests = [p for p in sick.report.problems if p.startswith("data test ")]
        assert len(failed_tests) == 1 and failed_tests[0].startswith("data test guard:notice_list_share "), failed_tests
        assert published(sick.report.warehouse_path) == before  # readers still see night 2
        failed = warehouse.query(sick.report.warehouse_path, "SELECT test FROM mart.data_tests "
                                 f"WHERE run_id = '{sick.report.run_id}' AND outcome = 'failed'").to_pylist()
        assert failed == [{"test": "guard:notice_list_share"}]

        healthy = season.night(4)
        assert healthy.report.status == "completed", healthy.report.problems
        assert healthy.truth_problems == []  # what night 3 lost was read again and published
        assert published(healthy.report.warehouse_path)["run"] == healthy.report.run_id
    finally:
        season.close()
