"""A simulated season: 60 nights of the nightly against the calendar mirror (`mirror.calendar`), the
fault mode on some nights. Every night: the health check passes unless the night's faults left a page
unread (then it names it, and the next night recovers it), and the warehouse equals the ground truth
as of that night per district × type × year and per indicator. Over nights 2–60 (night 1 is the first
full crawl; a faulted night's retries, and the next night's catching up, are left out), the requests
the mirror received are at most 1.1 × the floor the calendar's own day log gives
(`mirror.calendar.minimum_requests`: one page per list, the committee directory, each page that
carries something new). This file runs the season on the default mirror, test_season_contested.py on
the contested one (every contested portal fact on its other reading, conditional requests honoured
included): two files, so that the test runner's two workers each take one."""

from __future__ import annotations

import pytest

from season_support import Season, check_season

pytestmark = pytest.mark.integration


def test_sixty_nights_each_equal_to_that_nights_truth_at_most_a_tenth_above_the_fewest_requests(
        tmp_path, monkeypatch):
    check_season("default", tmp_path, monkeypatch)


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
