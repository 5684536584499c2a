"""Read helpers for the flows and the CLI: small answers from the published warehouse.

Each opens its own read-only connection and closes it, so it never blocks a load and
always sees the latest publish.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from transform.records import OrgEvidence
from warehouse.db import open_readonly, statements
from warehouse.load import evidence_records


def _rows(path: str | Path, name: str, params: dict | None = None) -> list[tuple]:
    con = open_readonly(path)
    try:
        return con.execute(statements("read.sql")[name], params).fetchall()
    finally:
        con.close()


def read_watermarks(path: str | Path) -> dict[str, dict[str, str]]:
    """Watermarks per source ({source: {key: value}}); {} when there is no warehouse yet."""
    if not Path(path).is_file():
        return {}
    marks: dict[str, dict[str, str]] = {}
    for source, key, value in _rows(path, "watermarks"):
        marks.setdefault(source, {})[key] = value
    return marks


def completed_windows(path: str | Path, flow: str = "backfill") -> set[tuple[str, date | None, date | None]]:
    """(source, window_from, window_to) of every window a run of `flow` covered completely; empty
    when there is no warehouse yet."""
    if not Path(path).is_file():
        return set()
    return {tuple(row) for row in _rows(path, "completed_windows", {"flow": flow})}


def recent_source_records(path: str | Path, source: str, flow: str, limit: int = 5) -> list[int]:
    """What `source` returned (its records, or what else it yields) in the last `limit` successful runs
    of `flow` (health check passed, the source covered completely), newest first."""
    if not Path(path).is_file():
        return []
    return [row[0] or 0 for row in _rows(path, "recent_source_records",
                                          {"flow": flow, "source": source, "limit": limit})]


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
    if not Path(path).is_file():
        return {}
    return dict(_rows(path, "coverage_notes"))
