"""Merge benchmark: `WriteSession.merge_standard_table` (hash, compare, upsert, history, resolve,
drafters, all in SQL) against a bare `INSERT INTO t SELECT * FROM arrow_table` of the same rows.

    .venv/bin/python bench/bench_merge.py [--size 1000000] [--repeat 3]

Every timed step ends with a CHECKPOINT, as a write session does before it publishes: DuckDB
writes a large insert into the file at commit and finishes it at the next checkpoint, so without
one a step's work is billed to the step after it.

Rows (medians of --repeat runs, each on a fresh warehouse file, min–max of stdwatch's runs):
- merge: first merge of `size` standards vs the bare insert (goal ≤ 3×);
- re-merge unchanged: the same rows merged a third time, as every nightly re-merges what it sees
  unchanged, vs the first merge (goal ≤ 0.3×);
- first re-merge (no goal): the second merge of the same rows. Its sightings are the first update
  of the row groups the first merge wrote, and DuckDB's checkpoint rewrites each such row group
  once (an UPDATE of one column of 1 M fresh rows: 2.1–2.3 s with its checkpoint the first time,
  0.04–0.08 s after): a cost of the first merge's rows, paid once, shown on its own;
- peak memory: the child process's maximum RSS vs 2 GB (goal: under it, at 1M records);
- write floor (no goal, a diagnosis): the first merge vs writing the same rows straight into the
  tables a merge of new standards fills (core.standard_source and the status history; since
  migration 013 core.standard and its drafters are views of them) with no decision at all: how
  much of the gap to the bare insert is the schema's write volume;
- the same three ratios in CPU seconds of the child process (every thread: DuckDB's too), measured
  around the same runs: on a shared machine they move far less with the load than wall time does.
The rows are generated inside DuckDB as Arrow (bench/_timing.py), never as Python objects; the
work runs in a child process under an address-space cap, with the `memory_limit` default (1GB);
its peak is its own VmHWM. Machines are noisy: read the ratios. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import child, clocked, own_peak_rss_bytes, print_rows, row, standards, stats  # noqa: E402

DEFAULT_SIZE = 1_000_000  # the merge figures are at 1M records
PEAK_LIMIT = 2 * 2**30


# The write floor: the rows as a merge of new standards writes them, without deciding anything.
# Since migration 013 that is core.standard_source (with a 64-bit content_key: here a one-column
# hash(), as random as the merge's, so the stored bytes are alike) and the status history: a
# standard only one source lists is that row (core.standard and its drafters are views).
WRITE_FLOOR_SQL = """
INSERT INTO core.standard_source BY NAME
SELECT *, drafters AS drafter_keys, hash(std_no) AS content_key, true AS canonical, 'w' AS first_seen_run,
       'w' AS last_changed_run, 'w' AS last_seen_run, fetched_at AS last_seen_at
FROM incoming;
INSERT INTO core.standard_status_history SELECT std_no, status, fetched_at, 'w', source FROM incoming;
"""


def _write_floor(con) -> None:
    con.begin()
    con.execute(WRITE_FLOOR_SQL)
    con.commit()
    con.execute("CHECKPOINT")


def _merged(session, table, run_id: str, expect: tuple[int, int] | None = None) -> None:
    """One merge made durable: merged, then checkpointed (as a write session is before it publishes)."""
    counts = session.merge_standard_table(table, run_id)
    session.con.execute("CHECKPOINT")
    if expect is not None:
        assert (counts.inserted, counts.unchanged) == expect, counts


def _measure(size: int, repeat: int) -> dict:
    import warehouse.db
    from warehouse.db import apply_migrations, connect, create_views
    from warehouse.load import WriteSession

    generator = warehouse.db.connect()
    table = standards(generator, size)
    generator.close()
    wall = {"merge": [], "first_remerge": [], "remerge": [], "floor": [], "write_floor": []}
    cpu = {name: [] for name in wall}

    def measure(name: str, fn) -> None:
        seconds, cpu_seconds = clocked(fn)
        wall[name].append(seconds)
        cpu[name].append(cpu_seconds)

    with tempfile.TemporaryDirectory(prefix="bench_merge_") as tmp:
        for i in range(repeat):
            con = connect(Path(tmp) / f"w{i}.duckdb")
            apply_migrations(con)
            create_views(con)
            con.execute("CHECKPOINT")
            session = WriteSession(con)
            measure("merge", lambda: _merged(session, table, "run-1", (size, 0)))
            measure("first_remerge", lambda: _merged(session, table, "run-2", (0, size)))
            measure("remerge", lambda: _merged(session, table, "run-3", (0, size)))
            con.close()
            bare = connect(Path(tmp) / f"f{i}.duckdb")
            bare.register("incoming", table)
            bare.execute("CREATE TABLE t AS SELECT * FROM incoming WITH NO DATA")
            bare.execute("CHECKPOINT")
            measure("floor", lambda: (bare.execute("INSERT INTO t SELECT * FROM incoming"), bare.execute("CHECKPOINT")))
            bare.close()
            written = connect(Path(tmp) / f"s{i}.duckdb")
            apply_migrations(written)
            written.execute("CHECKPOINT")
            written.register("incoming", table)
            measure("write_floor", lambda: _write_floor(written))
            written.close()
    return {"wall": wall, "cpu": cpu, "peak_rss_bytes": own_peak_rss_bytes()}


def run(size: int | None = None, repeat: int = 3) -> list[dict]:
    size = size or DEFAULT_SIZE
    result = child(Path(__file__), "--size", str(size), "--repeat", str(repeat))
    wall = {name: stats(values) for name, values in result["wall"].items()}
    cpu = {name: stats(values) for name, values in result["cpu"].items()}
    peak = result["peak_rss_bytes"]
    cpu_note = "CPU seconds of the process, every thread; the goal is on wall time"
    return [
        row(f"merge {size:,} standards vs bare Arrow insert", wall["merge"], wall["floor"], 3.0),
        row(f"re-merge {size:,} unchanged vs first merge", wall["remerge"], wall["merge"], 0.3,
            "a nightly's re-merge: the third merge of the same rows"),
        row(f"first re-merge {size:,} after the first merge", wall["first_remerge"], wall["merge"], None,
            "its checkpoint rewrites each row group the first merge wrote, once (DuckDB), so it is not a nightly's"),
        row(f"merge {size:,}: peak RSS (GB) vs 2 GB", {"median": peak / 2**30, "min": peak / 2**30,
            "max": peak / 2**30}, 2.0, 2.0, "the child's VmHWM, incl. the generated Arrow table",
            goal_is_limit=True),
        row(f"merge {size:,} vs writing its tables", wall["merge"], wall["write_floor"], None,
            "the same rows straight into core.standard_source and the status history"),
        row(f"merge {size:,} vs bare insert, CPU-s", cpu["merge"], cpu["floor"], None, cpu_note),
        row(f"re-merge {size:,} vs first merge, CPU-s", cpu["remerge"], cpu["merge"], None, cpu_note),
        row(f"first re-merge {size:,} vs first merge, CPU-s", cpu["first_remerge"], cpu["merge"], None, cpu_note),
        row(f"merge {size:,} vs its tables, CPU-s", cpu["merge"], cpu["write_floor"], None, cpu_note),
    ]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(args.size, args.repeat)))
        return []
    rows = run(args.size, args.repeat)
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main()
