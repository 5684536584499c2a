"""Read helpers for the flows and the CLI: small answers from the published warehouse.

Each opens its own read-only connection and closes it, so it never blocks a load and
always sees the latest publish.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from transform.records import OrgEvidence
from warehouse.db import execute, open_readonly
from warehouse.load import evidence_records


def _rows(path: str | Path, name: str, params: dict | None = None, *, optional: bool = False) -> list[tuple]:
    """The rows of a named statement of sql/read.sql; with `optional`, none while there is no warehouse yet."""
    if optional and not Path(path).is_file():
        return []
    con = open_readonly(path)
    try:
        return execute(con, "read.sql", name, params).fetchall()
    finally:
        con.close()


def read_watermarks(path: str | Path) -> dict[str, dict[str, str]]:
    """Watermarks per source ({source: {key: value}}); {} when there is no warehouse yet."""
    marks: dict[str, dict[str, str]] = {}
    for source, key, value in _rows(path, "watermarks", optional=True):
        marks.setdefault(source, {})[key] = value
    return marks


def completed_windows(path: str | Path, flow: str = "backfill") -> set[tuple[str, date | None, date | None]]:
    """(source, window_from, window_to) of every window a run of `flow` covered completely; empty
    when there is no warehouse yet."""
    return {tuple(row) for row in _rows(path, "completed_windows", {"flow": flow}, optional=True)}


def recent_source_records(path: str | Path, source: str, flow: str, limit: int = 5) -> list[int]:
    """What `source` returned (its records, or what else it yields) in the last `limit` successful runs
    of `flow` (health check passed, the source covered completely), newest first."""
    return [row[0] or 0 for row in _rows(path, "recent_source_records",
                                          {"flow": flow, "source": source, "limit": limit}, optional=True)]


def org_evidence(path: str | Path) -> list[OrgEvidence]:
    """The organisation register as loaded."""
    return evidence_records(_rows(path, "org_evidence"))


def new_standards_by_district(path: str | Path) -> list[dict]:
    """Counted standards per district and type, long form (district_code, district_name,
    std_type, n): the rows behind the view mart.new_standards_by_district."""
    keys = ("district_code", "district_name", "std_type", "n")
    return [dict(zip(keys, row, strict=True)) for row in _rows(path, "new_standards_by_district_and_type")]


def coverage_notes(path: str | Path) -> dict[str, str]:
    """Sources whose latest run covered only part of what they list, and why ({source: note})."""
    return dict(_rows(path, "coverage_notes", optional=True))


def inbox_file_in_force(path: str | Path, file_name: str) -> tuple[str, str] | None:
    """(kind, sha256) of the published version of an inbox file, or None: no warehouse yet, no such
    file, or a warehouse from before the inbox (migration 007)."""
    try:
        rows = _rows(path, "inbox_file_in_force", {"file_name": file_name}, optional=True)
    except duckdb.Error:
        return None
    return tuple(rows[0]) if rows else None
