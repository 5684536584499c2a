"""Read helpers for the flows and the CLI: small answers from the published warehouse.

Each opens its own read-only connection and closes it, so it never blocks a load and
always sees the latest publish.
"""

from __future__ import annotations

from pathlib import Path

from transform.records import OrgEvidence
from warehouse.db import open_readonly, statements
from warehouse.load import evidence_records


def _rows(path: str | Path, name: str) -> list[tuple]:
    con = open_readonly(path)
    try:
        return con.execute(statements("read.sql")[name]).fetchall()
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


def org_evidence(path: str | Path) -> list[OrgEvidence]:
    """The organisation register as loaded."""
    return evidence_records(_rows(path, "org_evidence"))


def new_standards_by_district(path: str | Path) -> list[dict]:
    """Counted standards per district and type, long form (district_code, district_name,
    std_type, n): the rows behind the view mart.new_standards_by_district."""
    keys = ("district_code", "district_name", "std_type", "n")
    return [dict(zip(keys, row, strict=True)) for row in _rows(path, "new_standards_by_district_and_type")]
