"""Health that means something: "unchanged" is a quiet night, not a silent source; every source counts
what it yields (events included); an incomplete source fails the run naming the page it could not read;
the notice source reads an article again only when its list entry changed or its re-check is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flows.runs import RunReport, source_report_of

from flows.health import health_problems
from flows.report import summary_lines
from flows.sources.common import SourceResult
from flows.sources.notices import ENTRY, NoticeResult, _read_as_listed, entry_digest
from transform.parsers.notices import NoticeLink
from transform.records import EventRecord


def _report(*results: SourceResult) -> RunReport:
    return RunReport("r", "nightly", "completed", datetime.now(timezone.utc),
                     sources=[source_report_of(r, {}) for r in results])


def test_a_directory_found_unchanged_is_healthy_and_said_so():
    tc = SourceResult("tc")
    tc.unchanged["committees"] = 40
    report = _report(tc)
    assert health_problems(report, {"tc": [80, 40, 40]}) == []
    assert "tc: unchanged 40 committees (as the last run read them; not fetched again)" in summary_lines(report)


def test_a_source_whose_lists_return_nothing_is_still_silent():
    assert health_problems(_report(SourceResult("tc")), {"tc": [40, 40, 80]}) == [
        "tc: returned no records, where 3 of its last 3 successful runs returned some (up to 80)"]


def test_the_notice_source_counts_its_events():
    result = NoticeResult("notices")
    result.events.append(EventRecord("pilot_projects", "市级", "智能制造标准化试点项目", "苏州某某有限公司",
                                     date(2027, 1, 3), "decision", 2027, "k", "notices"))
    assert result.yielded() == 1
    assert health_problems(_report(result), {"notices": [12, 9, 30]}) == []


def test_an_incomplete_source_fails_the_run_naming_the_page_it_could_not_read():
    result = SourceResult("ttbz")
    result.reject("detail_failed", "T/ABC 001-2027: HTTP 503 after 5 attempts",
                  url="http://127.0.0.1:9/standardDetail/abc.html")
    result.complete = False
    [problem] = health_problems(_report(result))
    assert problem.startswith("ttbz: incomplete") and "http://127.0.0.1:9/standardDetail/abc.html" in problem


def test_an_article_is_read_again_only_when_its_list_entry_changed_or_its_recheck_is_due():
    link = NoticeLink("http://x/szqts/tzgg/202701/a.shtml", "关于公布2027年度苏州市标准化试点示范项目名单的通知",
                      date(2027, 1, 3))
    today, week, month = date(2027, 1, 10), timedelta(days=7), timedelta(days=30)
    seen = {ENTRY + link.url: f"{entry_digest(link)} {today.isoformat()}"}
    assert _read_as_listed(seen, link, today, week, month)  # read today, as listed now
    assert not _read_as_listed(seen, link, today + week, week, month)  # a week on: its re-check has come
    edited = NoticeLink(link.url, link.title + "（更正）", link.published)
    assert not _read_as_listed(seen, edited, today, week, month)  # the title changed
    assert not _read_as_listed({}, link, today, week, month)  # never read
    # Published more than a month before: no more re-checks, only a changed list entry brings it back.
    assert _read_as_listed(seen, link, date(2027, 2, 3), week, month)
    assert not _read_as_listed(seen, edited, date(2027, 2, 3), week, month)


def test_rechecks_of_notices_read_together_are_spread_over_the_week():
    read_on, week = date(2027, 1, 10), timedelta(days=7)
    links = [NoticeLink(f"http://x/szqts/tzgg/202701/{i:032x}.shtml", f"关于公布第{i}批名单的通知", date(2027, 1, 3))
             for i in range(70)]
    seen = {ENTRY + link.url: f"{entry_digest(link)} {read_on.isoformat()}" for link in links}
    first_due = {}
    for link in links:
        for day in range(1, 8):
            if not _read_as_listed(seen, link, read_on + timedelta(days=day), week, timedelta(days=30)):
                first_due[link.url] = day
                break
    assert len(first_due) == len(links)  # every notice is re-checked within the week
    per_night = [sum(1 for d in first_due.values() if d == day) for day in range(1, 8)]
    assert max(per_night) <= 20, per_night  # not all 70 on one night: about 10 a night
