"""`stdwatch trace`: a standard or an organisation with every archived page it came from, its
drafting units and the evidence that placed it in a district (sql/trace.sql).

Archive coordinates are as indexed (`warc_path` relative to the archive root); the caller
joins them to its archive directory.
"""

from __future__ import annotations

from pathlib import Path

from warehouse.db import execute, open_readonly


def _dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def standard_trace(path: str | Path, std_no: str) -> dict | None:
    """{standard, pages, drafters, evidence, register} for one canonical standard number, or None: the
    evidence lines and register rows are those of the organisation it counts for."""
    con = open_readonly(path)
    try:
        found = _dicts(execute(con, "trace.sql", "standard", {"std_no": std_no}))
        if not found:
            return None
        drafters = _dicts(execute(con, "trace.sql", "standard_drafters", {"std_no": std_no}))
        counting = [d["org_key"] for d in drafters if d["org_name"] == found[0]["counting_org"] and d["org_key"]]
        org = _dicts(execute(con, "trace.sql", "org", {"org_key": counting[0], "name": None})) if counting else []
        return {
            "standard": found[0],
            "pages": _dicts(execute(con, "trace.sql", "standard_pages", {"std_no": std_no})),
            "drafters": drafters,
            "evidence": (org[0]["evidence"] or []) if org else [],
            "register": _dicts(execute(con, "trace.sql", "org_register", {"org_keys": counting})) if counting else [],
        }
    finally:
        con.close()


def org_trace(path: str | Path, org_key: str, name: str) -> dict | None:
    """{org, register, standards} for an organisation (by key, or by a name as listed), or None."""
    con = open_readonly(path)
    try:
        found = _dicts(execute(con, "trace.sql", "org", {"org_key": org_key, "name": name}))
        if not found:
            return None
        key = found[0]["org_key"]
        return {
            "org": found[0],
            "register": _dicts(execute(con, "trace.sql", "org_register", {"org_keys": [key]})),
            "standards": _dicts(execute(con, "trace.sql", "org_standards", {"org_key": key})),
        }
    finally:
        con.close()
