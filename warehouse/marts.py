"""Materialised marts: core.standard_placed, the placing of every standard, kept equal to the
view core.standard_placing (sql/marts.sql) before every publish, and core.standard_tally, its
counts by region, district, type, prefix and day of issue (the view core.standard_tallying).

mart.standard reads the placing, so an analyst's group-by scans one table instead of ranking every
drafter and joining it to its organisation and district on each query; the district tables and
the progress measures sum the tally, so `stdwatch progress` reads thousands of counts instead of
millions of standards. `refresh` runs in the write session just before publish (publish.py):

- rebuilt whole, a bucket of standards at a time, when an input of the placing other than the standards changed (organisations'
  attributions, the names that reach them, districts, count_drafter/region: the fingerprint
  `placing_inputs` of sql/materialise.sql differs from the one stored in meta.mart_state, or
  none is stored: a new or upgraded warehouse);
- else refreshed only for the standards the session re-resolved, retracted, or whose archived
  response it indexed (noted in the temporary tables `mart_refresh`, `mart_refresh_response`);
  if the table then does not hold one row per standard, a change went unnoted: rebuilt. With
  nothing noted (the publish's refresh right after the gate's) only those checks run: 15 ms, not 70.

The tally follows: a refresh subtracts the counts of the rows it replaces and adds those of their
new rows; a rebuild counts every row again, and so does any session whose tally does not add up to
the placed rows (a warehouse from before the tally).

The two as-of columns (is_new, counted) stay in the view: they depend on today's date.
"""

from __future__ import annotations

import duckdb

from warehouse.db import execute, size_bytes

_SQL = "materialise.sql"
REBUILD_BUCKET_STANDARDS = 500_000  # a rebuild places this many standards at a time per GB of memory_limit


def refresh(con: duckdb.DuckDBPyConnection) -> str:
    """Bring core.standard_placed and core.standard_tally up to date in one transaction; returns
    "rebuilt" or "refreshed" (the placing's)."""
    execute(con, _SQL, "create_refresh_tables")
    fingerprint = execute(con, _SQL, "placing_inputs").fetchone()[0]
    stored = execute(con, _SQL, "stored_inputs").fetchone()
    rebuild = stored is None or stored[0] != fingerprint
    con.begin()
    try:
        if not rebuild:
            execute(con, _SQL, "note_standards_of_responses")
            rowids = {name: execute(con, _SQL, f"refreshed_{name}").fetchone()[0]
                      for name in ("placed_rowids", "source_rowids", "resolved_rowids")}
            if any(rowids.values()):  # nothing noted, nothing to replace: the checks below still run
                for step in ("untally_refreshed_placed", "delete_refreshed_placed", "select_refreshed_sources",
                             "select_refreshed_resolved", "select_refreshed_standards",
                             "select_refreshed_drafters", "place_refreshed", "drop_refreshed",
                             "apply_tally_delta"):
                    execute(con, _SQL, step, rowids)
            # a change no statement noted (a standard deleted by hand) shows as a count that disagrees
            rebuild = not execute(con, _SQL, "counts_agree").fetchone()[0]
        if rebuild:
            execute(con, _SQL, "clear_placed")
            per_bucket = bucket_standards(con)
            buckets = execute(con, _SQL, "count_standards").fetchone()[0] // per_bucket + 1
            for bucket in range(buckets):
                for step in ("select_bucket_standards", "select_refreshed_drafters", "insert_refreshed_placed",
                             "drop_refreshed"):
                    execute(con, _SQL, step, {"buckets": buckets, "bucket": bucket})
        if rebuild or not execute(con, _SQL, "tally_agrees").fetchone()[0]:
            execute(con, _SQL, "rebuild_tally")
        if rebuild:  # else the stored fingerprint is this one
            execute(con, _SQL, "save_inputs", {"fingerprint": fingerprint})
        execute(con, _SQL, "clear_refresh")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return "rebuilt" if rebuild else "refreshed"


def bucket_standards(con: duckdb.DuckDBPyConnection) -> int:
    """How many standards a rebuild places at a time: REBUILD_BUCKET_STANDARDS per GB of the
    session's memory limit, so a session that capped its memory (an inbox load's lean session,
    64MiB: about 33,000) rebuilds in smaller buckets instead of running out of memory."""
    (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    return max(1, int(REBUILD_BUCKET_STANDARDS * size_bytes(limit) / 1e9))
