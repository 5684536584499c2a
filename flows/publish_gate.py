"""The publish gate in a run (warehouse/gate.py does the checking): `check` on the write session just
before it publishes, `after_publish` once the session is over.

A failed data test or guard holds the load back: the run's status is "held", its report's problems
name every failed test on a line of its own (the flow fails on them), the load waits in
`<warehouse>.held` for `stdwatch publish --accept`, and the published file gets the held run and its
test results, so `mart.data_tests` names the failing rows to readers who still see the previous figures.
"""

from __future__ import annotations

from warehouse import Warehouse, gate
from warehouse.load import WriteSession


def guard_limits(settings) -> gate.GuardLimits:
    return gate.GuardLimits(count_fall_percent=settings.guard_count_fall_percent,
                            count_fall_min=settings.guard_count_fall_min,
                            share_fall_points=settings.guard_share_fall_points)


def check(w: WriteSession, settings, run, report) -> None:
    """Run the data tests and guards on `w`; on a failure mark the report and the session held."""
    report.data_tests = gate.check_before_publish(w, run.run_id, guard_limits(settings))
    failed = [result.line() for result in report.data_tests if result.outcome == "failed"]
    if failed:
        report.problems.extend(failed)
        report.status = "held"
        gate.hold_run(w, run.run_id, "; ".join(report.problems))


def after_publish(settings, run, report, wait_seconds: float) -> None:
    """A held run and its results into the published file; when the figures readers see were published."""
    if report.status == "held":
        failed = [result for result in report.data_tests if result.outcome != "passed"]
        with Warehouse(settings.warehouse_path).writing(wait_seconds) as w:
            gate.record_held(w, run.run_id, run.flow, run.params, settings.model_dump(mode="json"), failed,
                             "; ".join(report.problems))
    report.last_published_at = gate.publish_status(settings.warehouse_path)["last_published_at"]
