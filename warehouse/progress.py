"""The plan's targets in the warehouse, and the progress reports read from it.

Writes take an open `WriteSession` (`Warehouse.writing()`): Arrow tables registered on its
connection and moved into place by the named statements of `sql/indicators.sql`, one
transaction per load (`WriteSession.run_statements`). Reads open the published file read-only,
one connection for a whole report, so the rules, targets and figures are one snapshot.

The progress views and macros (`mart.indicator_progress[_at]`, `mart.district_progress[_at]`) are
in `sql/progress.sql`, re-created with the marts; `mart.counting_rules_at` is in `sql/marts.sql`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.db import open_readonly, relation

if TYPE_CHECKING:  # record types only; importing transform.plan at run time would pull in the HTML parser
    import pyarrow as pa  # the writes import it; the reads fetch rows as Python, so `stdwatch progress` never does
    from transform.plan import PlanDocument
    from transform.records import Provenance
    from transform.targets import Target
    from warehouse.load import WriteSession  # the loads' module: `stdwatch progress` reads without it

_SQL = "indicators.sql"


@cache
def event_schema() -> pa.Schema:
    """The columns of core.indicator_event a source reports (`replace_indicator_events`)."""
    import pyarrow as pa

    return pa.schema([
        ("indicator_id", pa.string()), ("event_date", pa.date32()), ("value", pa.float64()),
        ("subject", pa.string()), ("org_name", pa.string()), ("district_code", pa.string()),
        ("district_name", pa.string()), ("source", pa.string()), ("url", pa.string()), ("response_id", pa.string()),
    ])


def indicator_ids(targets: Sequence[Target]) -> list[str]:
    """The warehouse key of each target: its catalogue kind; `<kind>-2`, … when the plan states
    a kind again with another number; `plan_<hash of phrase and unit>` when no kind matched."""
    ids: list[str] = []
    for t in targets:
        base = t.indicator_id or "plan_" + hashlib.sha1(f"{t.indicator}|{t.unit}".encode()).hexdigest()[:10]
        key, n = base, 1
        while key in ids:
            n += 1
            key = f"{base}-{n}"
        ids.append(key)
    return ids


def replace_plan(w: WriteSession, plan: PlanDocument, targets: Sequence[Target], provenance: Provenance, *,
                 region_code: str) -> list[str]:
    """Make `plan` and its targets the ones in force (ref.plan, ref.indicator, ref.indicator_mention),
    loaded for region `region_code`.

    `provenance.response_id` is the archived page, None for a local file (`url` a file URI).
    Returns the indicator ids, in the targets' order.
    """
    import pyarrow as pa

    from warehouse.load import TEXT_LIST

    ids = indicator_ids(targets)
    n = len(targets)
    plan_table = pa.table({
        "plan_url": pa.array([provenance.url], pa.string()),
        "response_id": pa.array([provenance.response_id], pa.string()),
        "sha256": pa.array([provenance.sha256], pa.string()),
        "title": pa.array([plan.title], pa.string()),
        "doc_number": pa.array([plan.doc_number], pa.string()),
        "issue_date": pa.array([plan.issue_date], pa.date32()),
        "spam": pa.array([bool(plan.spam)], pa.bool_()),
        "spam_terms": pa.array([list(plan.spam)], TEXT_LIST),
        "n_targets": pa.array([n], pa.int32()),
        "region_code": pa.array([region_code], pa.string()),
    })
    indicator_table = pa.table({
        "indicator_id": pa.array(ids, pa.string()),
        "kind": pa.array([t.indicator_id for t in targets], pa.string()),
        "position": pa.array(range(1, n + 1), pa.int32()),
        "indicator": pa.array([t.indicator for t in targets], pa.string()),
        "value": pa.array([float(t.value) for t in targets], pa.float64()),
        "unit": pa.array([t.unit for t in targets], pa.string()),
        "comparator": pa.array([t.comparator for t in targets], pa.string()),
        "deadline_year": pa.array([t.deadline_year for t in targets], pa.int32()),
        "scope": pa.array([t.scope for t in targets], pa.string()),
        "clause": pa.array([t.clause for t in targets], pa.string()),
        "sentence": pa.array([t.sentence for t in targets], pa.string()),
        "plan_url": pa.array([provenance.url] * n, pa.string()),
        "response_id": pa.array([provenance.response_id] * n, pa.string()),
        "plan_issue_date": pa.array([plan.issue_date] * n, pa.date32()),
    })
    mentions = [(key, i, m) for key, t in zip(ids, targets, strict=True) for i, m in enumerate(t.mentions, 1)]
    mention_table = pa.table({
        "indicator_id": pa.array([key for key, _, _ in mentions], pa.string()),
        "mention": pa.array([i for _, i, _ in mentions], pa.int32()),
        "clause": pa.array([m.clause for _, _, m in mentions], pa.string()),
        "sentence": pa.array([m.sentence for _, _, m in mentions], pa.string()),
    })
    w.run_statements(
        _SQL,
        {"incoming_plan": plan_table, "incoming_indicator": indicator_table, "incoming_indicator_mention": mention_table},
        ["delete_plan", "insert_plan", "delete_indicator_mentions", "delete_indicators",
         "insert_indicators", "insert_indicator_mentions"],
    )
    return ids


def replace_indicator_events(w: WriteSession, source: str, rows: Sequence[Mapping[str, object]]) -> None:
    """Replace everything `source` reported against indicators (core.indicator_event) with `rows`:
    mappings with `indicator_id`, `event_date` and optionally `value` (default 1), `subject`,
    `org_name`, `district_code`, `district_name`, `url`, `response_id`."""
    import pyarrow as pa

    schema = event_schema()
    known = set(schema.names)
    for row in rows:
        unknown = set(row) - known
        missing = {"indicator_id", "event_date"} - set(row)
        if unknown or missing:
            raise ValueError(f"indicator event {dict(row)!r}: unknown columns {sorted(unknown)}, missing {sorted(missing)}")
    table = pa.Table.from_pylist(
        [{"value": 1.0, **row, "source": source} for row in rows], schema=schema
    )
    w.run_statements(_SQL, {"incoming_event": table}, ["delete_source_events", "insert_events"], {"source": source})


# ── reads ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """What `stdwatch progress` shows: the rules in force at `as_of`, the plan, and the figures."""

    rules: dict  # mart.counting_rules_at(as_of): window_start, window_end, as_of, counted_until, count_drafter, …
    plan: dict | None  # ref.plan, None until a plan is loaded
    indicators: list[dict]  # mart.indicator_progress_at(as_of)
    districts: list[dict]  # mart.district_progress_at(as_of)
    coverage: dict[str, str] = field(default_factory=dict)  # source → why its latest run covered only part


def progress_report(path: str | Path, as_of: date | None = None, *, districts: bool = True) -> ProgressReport:
    """The progress report from the published warehouse, as of `as_of` (None: the as-of date
    in ref.setting, else today); without `districts`, its `districts` is empty (not read)."""
    con = open_readonly(path)
    try:
        return read_progress(con, as_of, districts=districts)
    finally:
        con.close()


def read_progress(con: duckdb.DuckDBPyConnection, as_of: date | None, *, districts: bool = True) -> ProgressReport:
    """The progress report on an open read-only connection (the leader's report reads it with its
    other sections). `districts=False` skips the district grid, a query as costly as the indicators'
    that the plan-level table and JSON never show."""
    def rows(name: str, sql_file: str = _SQL) -> list[dict]:  # as Python rows: no pyarrow for a few hundred rows
        found = relation(con, sql_file, name, {"as_of": as_of})
        return [dict(zip(found.columns, row, strict=True)) for row in found.fetchall()]

    plan = rows("plan")
    return ProgressReport(
        rules=rows("rules_at")[0],
        plan=plan[0] if plan else None,
        indicators=rows("indicator_progress_at"),
        districts=rows("district_progress_at") if districts else [],
        coverage={row["source"]: row["note"] for row in rows("coverage_notes", "read.sql")},
    )
