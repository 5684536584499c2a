"""The publish gate: the declared data tests and the night-over-night guards, run on the write
session just before it publishes.

`check_before_publish(w, run_id, limits)` runs every test of `sql/data_tests.sql` (each a query
returning its failing rows) and every guard of `sql/guards.sql` (a figure that fell by more than
`limits` allow since the last gated load, with no explained cause), records each result in
`meta.data_test` and the guarded figures in `meta.guard_figure`, and — if anything failed — marks
the session held back (`WriteSession.held_back`): `Warehouse.writing()` then keeps the working copy
aside as `<path>.held` instead of publishing it. `record_held` writes the failures and the held run
into the published file, so readers see the figures they saw before and `mart.data_tests` naming
the failing rows; `record_acceptance` is what `stdwatch publish --accept` writes into the held copy
before it publishes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import pyarrow as pa

from warehouse import marts
from warehouse.db import open_readonly, relation, statements
from warehouse.load import WriteSession, arrow_table

_TESTS = "data_tests.sql"
_GUARDS = "guards.sql"
_GATE = "gate.sql"
SAMPLE_ROWS = 20  # failing rows kept per test in meta.data_test.sample (all are counted)
_FIELD = re.compile(r"^-- (kind|checks): (.+)$", re.MULTILINE)
# guard → (figure statement, what it is in one line, "count" (falls in % and rows) or "share" (in points))
GUARDS: dict[str, tuple[str, str, str]] = {
    "district_type_count": ("figure_district_type_count", "mart.standard counted per district × type", "count"),
    "indicator_actual": ("figure_indicator_actual", "mart.indicator_progress actual per indicator", "count"),
    "placed_org_share": ("figure_placed_org_share", "core.org_placed: % of region organisations placed", "share"),
    "drafters_share": ("figure_drafters_share", "core.standard: % of standards with drafters known", "share"),
    "notice_list_share": ("figure_notice_list_share", "core.event / core.manual_entry_needed: % of the "
                          "announcements read this run whose list was read", "share"),
}
# Which context change explains a fall of which guard.
_EXPLAINED_BY = {
    "district_type_count": ("counting_settings", "overrides"),
    "indicator_actual": ("counting_settings", "overrides", "plan"),
    "placed_org_share": ("counting_settings", "overrides"),
    "drafters_share": ("counting_settings",),
    "notice_list_share": ("counting_settings",),
}
_CONTEXT_NAMES = {"plan": "the plan changed", "overrides": "the reviewed overrides changed",
                  "counting_settings": "the counting settings changed"}
_RESULT_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("test", pa.string()), ("kind", pa.string()), ("checks", pa.string()),
    ("outcome", pa.string()), ("failing_rows", pa.int64()), ("sample", pa.string()), ("detail", pa.string()),
    ("tested_at", pa.timestamp("us", tz="UTC")),
])
_FIGURE_SCHEMA = pa.schema([("run_id", pa.string()), ("guard", pa.string()), ("key", pa.string()),
                            ("value", pa.float64()), ("digest", pa.string())])


@dataclass(frozen=True, slots=True)
class GuardLimits:
    """How far a guarded figure may fall from one gated load to the next (settings guard_*)."""

    count_fall_percent: float = 10.0  # a count falling by more than this % of its previous value …
    count_fall_min: int = 3  # … and by at least this many fails
    share_fall_points: float = 5.0  # a share falling by more than this many percentage points fails


@dataclass(frozen=True, slots=True)
class DeclaredTest:
    name: str
    kind: str
    checks: str
    sql: str


@dataclass(frozen=True, slots=True)
class TestResult:
    test: str
    kind: str
    checks: str
    outcome: str  # passed | failed | excused
    failing_rows: int
    sample: tuple[dict, ...] = ()
    detail: str | None = None

    def line(self) -> str:
        """One line for the run's failure message."""
        what = f"data test {self.test} ({self.kind} on {self.checks}): {self.failing_rows} failing row(s)"
        return what + (f" — {self.detail}" if self.detail else "")


@cache
def declared_tests() -> tuple[DeclaredTest, ...]:
    """Every test of sql/data_tests.sql with its `kind:` and `checks:`."""
    tests = []
    for name, body in statements(_TESTS).items():
        fields = dict(_FIELD.findall(body))
        if set(fields) != {"kind", "checks"}:
            raise ValueError(f"data test {name} in warehouse/sql/{_TESTS} needs a '-- kind:' and a '-- checks:' line")
        tests.append(DeclaredTest(name, fields["kind"], fields["checks"], body.rstrip().rstrip(";")))
    return tuple(tests)


def check_before_publish(w: WriteSession, run_id: str, limits: GuardLimits) -> list[TestResult]:
    """The gate (module docstring): every result, recorded; the failed ones hold the session back.
    The materialised marts are brought up to date first, so the tests see what readers would."""
    marts.refresh(w.con)
    results = run_data_tests(w) + run_guards(w, run_id, limits)
    _record_results(w, run_id, results)
    if any(r.outcome == "failed" for r in results):
        w.held_back = True
    return results


def run_data_tests(w: WriteSession) -> list[TestResult]:
    """Every declared test's failing rows counted in one query (18 queries cost 18 binds and
    round trips, a third of the gate), then a sample of the failing rows of each that failed."""
    tests = declared_tests()
    counts = w.con.sql(" UNION ALL ".join(f"SELECT {i} AS test, count(*) AS failing FROM ({test.sql}\n)"
                                          for i, test in enumerate(tests))).fetchall()
    failing_rows = dict(counts)
    results = []
    for i, test in enumerate(tests):
        count = failing_rows[i]
        sample = tuple(w.con.sql(test.sql).limit(SAMPLE_ROWS).to_arrow_table().to_pylist()) if count else ()
        detail = None
        if count:
            detail = "e.g. " + "; ".join(_describe(row) for row in sample[:3])
        results.append(TestResult(test.name, test.kind, test.checks, "failed" if count else "passed", count,
                                  sample, detail))
    return results


def _describe(row: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items())


def run_guards(w: WriteSession, run_id: str, limits: GuardLimits) -> list[TestResult]:
    """Compare this load's figures with the last gated load's; store this load's."""
    now: dict[tuple[str, str], float] = {}
    for guard, (statement, _, _) in GUARDS.items():
        for key, value in w.fetch(_GUARDS, statement, {"run_id": run_id}):
            now[(guard, key)] = float(value)
    context = dict(w.fetch(_GUARDS, "context_digests"))
    previous: dict[tuple[str, str], float] = {}
    previous_context: dict[str, str] = {}
    shares = [guard for guard, (_, _, scale) in GUARDS.items() if scale == "share"]
    for guard, key, value, digest in w.fetch(_GUARDS, "previous_figures", {"run_id": run_id, "share_guards": shares}):
        if guard == "context":
            previous_context[key] = digest
        else:
            previous[(guard, key)] = value
    abolished = {key: value for key, value in w.fetch(_GUARDS, "abolished_this_run", {"run_id": run_id})}
    changed = [name for name in _CONTEXT_NAMES if previous_context and previous_context.get(name) != context.get(name)]
    results = [_judge(guard, previous, now, changed, abolished, limits) for guard in GUARDS]
    figures = [(run_id, guard, key, value, None) for (guard, key), value in now.items()]
    figures += [(run_id, "context", key, None, digest) for key, digest in context.items()]
    w.run_statements(_GUARDS, {"incoming_figure": arrow_table(_FIGURE_SCHEMA, figures)},
                     ["delete_figures", "insert_figures"], {"run_id": run_id})
    return results


def _judge(guard: str, previous: Mapping[tuple[str, str], float], now: Mapping[tuple[str, str], float],
           changed: Sequence[str], abolished: Mapping[str, float], limits: GuardLimits) -> TestResult:
    _, checks, scale = GUARDS[guard]
    falls = []
    for (name, key), before in sorted(previous.items()):
        if name != guard or (scale == "share" and key == "count"):
            continue
        if scale == "share" and (guard, key) not in now:
            continue  # not measured tonight (no announcement read): nothing fell
        after = now.get((guard, key), 0.0)
        drop = before - after
        if scale == "share":  # diluted by newcomers is no fall: what it counts must have fallen too
            lost = now.get((guard, "count"), 0.0) < previous.get((guard, "count"), 0.0)
            too_far = drop > limits.share_fall_points and lost
        else:
            too_far = drop >= limits.count_fall_min and drop > before * limits.count_fall_percent / 100
        if too_far:
            falls.append({"key": key, "before": round(before, 2), "after": round(after, 2),
                          "explained_by_abolished": abolished.get(key, 0.0) if guard == "district_type_count" else 0.0})
    unexplained = [f for f in falls if f["before"] - f["after"] > f["explained_by_abolished"]]
    causes = [_CONTEXT_NAMES[c] for c in changed if c in _EXPLAINED_BY[guard]]
    name = f"guard:{guard}"
    if not falls:
        return TestResult(name, "guard", checks, "passed", 0)
    if not unexplained or causes:
        why = "; ".join(causes) or "the standards that changed to 废止 this run"
        return TestResult(name, "guard", checks, "excused", len(falls), tuple(falls), f"fell, explained: {why}")
    limit = (f"more than {limits.share_fall_points:g} points" if scale == "share" else
             f"by {limits.count_fall_min}+ and more than {limits.count_fall_percent:g}%")
    shown = "; ".join(f"{f['key'] or guard} {f['before']:g} → {f['after']:g}" for f in unexplained[:3])
    return TestResult(name, "guard", checks, "failed", len(unexplained), tuple(unexplained),
                      f"fell {limit} since the last published load with no explained cause: {shown}")


def record_held(w: WriteSession, run_id: str, flow: str, params: Mapping[str, object],
                settings: Mapping[str, object], results: Sequence[TestResult], message: str) -> None:
    """Into the published file's session: the held run (status 'held') and its test results."""
    w.begin_run(run_id, flow, params, settings)
    _record_results(w, run_id, results)
    w.finish_run(run_id, "held", message)


def _record_results(w: WriteSession, run_id: str, results: Sequence[TestResult]) -> None:
    tested_at = datetime.now(timezone.utc)
    rows = [(run_id, r.test, r.kind, r.checks, r.outcome, r.failing_rows,
             json.dumps(list(r.sample), ensure_ascii=False, default=str) if r.sample else None, r.detail, tested_at)
            for r in results]
    w.run_statements(_GATE, {"incoming_result": arrow_table(_RESULT_SCHEMA, rows)},
                     ["delete_results", "insert_results"], {"run_id": run_id})


def hold_run(w: WriteSession, run_id: str, message: str) -> None:
    """In the held copy: its run is 'held' until an operator accepts it."""
    w.fetch(_GATE, "set_run_status", {"run_id": run_id, "status": "held", "message": message})


def record_acceptance(w: WriteSession, run_id: str, held_run: str, reason: str,
                      settings: Mapping[str, object]) -> None:
    """Into the held copy about to be published on purpose: the publish run with its reason, and the
    held run marked accepted."""
    w.begin_run(run_id, "publish", {"accept": held_run, "reason": reason}, settings)
    w.fetch(_GATE, "set_run_status", {"run_id": held_run, "status": "accepted",
                                      "message": f"published on purpose by {run_id}: {reason}"})
    w.finish_run(run_id, "accepted", reason)


def publish_status(path: str | Path) -> dict:
    """mart.publish_status of the published file: last_published_at/run/flow, latest_run, latest_held,
    held_because."""
    con = open_readonly(path)
    try:
        return relation(con, _GATE, "publish_status").to_arrow_table().to_pylist()[0]
    finally:
        con.close()


def held_run_id(path: str | Path) -> str | None:
    """The run the held copy at `path` holds back (its newest 'held' run), None if there is none."""
    status = publish_status(path)
    return status["latest_run"] if status["latest_held"] else None
