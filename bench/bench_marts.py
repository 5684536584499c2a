"""Marts benchmark: analysts' queries on the materialised marts against the same query on a flat
table of the same rows, and `stdwatch progress --json` against opening the file and counting.

    .venv/bin/python bench/bench_marts.py [--size 10000000] [--repeat 3]

Rows (medians of --repeat runs, min–max of stdwatch's runs):
- `SELECT district, type, month, count(*) FROM mart.standard WHERE counted GROUP BY ALL` vs the
  same query on a flat table copied from mart.standard (goal ≤ 2×);
- `mart.new_standards_by_district` vs a district × type count on the flat table (goal ≤ 2×);
- `stdwatch progress --json` (a whole process) vs a process that opens the file and counts
  core.standard_placed (a table, one row per standard): wall seconds (goal < 1 s) and peak RSS (goal < 300 MB), with the ratio, and the
  CPU seconds of both (on a shared machine the wall time is mostly waiting for a core).
The warehouse is generated inside DuckDB (bench/_timing.py build_warehouse, under a 2GB memory
limit), its marts materialised by the same write session as a nightly run's. Building 10M takes a
while on a busy machine: develop with --size 1000000. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _timing  # noqa: E402
from _timing import REPO, build_warehouse, child, print_rows, row, stats, timed  # noqa: E402

DEFAULT_SIZE = 10_000_000
BUILD_MEMORY_LIMIT = "2GB"  # building 10M in buckets fits (its peak stays under 3 GB on a shared machine)
GROUP_BY = ("SELECT district, type, month, count(*) FROM (SELECT district_code AS district, std_type AS type, "
            "date_trunc('month', issue_date) AS month, counted FROM {table}) WHERE counted GROUP BY ALL")
BY_DISTRICT_FLOOR = "SELECT district_code, std_type, count(*) FROM flat WHERE counted GROUP BY ALL"
# The floor process counts a table's rows (core.standard_placed, one row per standard): since migration
# 013 core.standard is a view, and counting it would make the floor slower and the ratio kinder.
COUNT_ONLY = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
              "print(con.execute('SELECT count(*) FROM core.standard_placed').fetchone()[0])")


def _process(argv: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds (user + system) of one process, measured by
    /usr/bin/time: on a machine shared with other work the wall time is mostly waiting for a core,
    the CPU time is what the process itself costs."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", out.name, *argv],
                              capture_output=True, text=True, cwd=REPO)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])} failed (exit {done.returncode}): "
                               f"{(done.stderr.strip().splitlines() or ['(no output)'])[-1]}")
        seconds, kib, user, system = out.read().split()[-4:]
    return float(seconds), int(kib) * 1024, float(user) + float(system)


def _measure(size: int, repeat: int, folder: Path) -> dict:
    from warehouse.db import connect, open_readonly

    path = folder / "warehouse.duckdb"
    _timing.BUILD_MEMORY_LIMIT = BUILD_MEMORY_LIMIT
    build_warehouse(path, size)
    flat = connect(folder / "flat.duckdb")
    flat.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    flat.execute("CREATE TABLE flat AS SELECT * FROM w.mart.standard")
    flat.execute("DETACH w")
    marts = open_readonly(path)
    results = {
        "group_by": timed(lambda: marts.execute(GROUP_BY.format(table="mart.standard")).fetchall(), repeat),
        "group_by_floor": timed(lambda: flat.execute(GROUP_BY.format(table="flat")).fetchall(), repeat),
        "by_district": timed(lambda: marts.execute("FROM mart.new_standards_by_district").fetchall(), repeat),
        "by_district_floor": timed(lambda: flat.execute(BY_DISTRICT_FLOOR).fetchall(), repeat),
    }
    marts.close()
    flat.close()
    stdwatch = str(Path(sys.executable).with_name("stdwatch"))
    progress = [_process([stdwatch, "progress", "--json", "--data-dir", str(folder)]) for _ in range(repeat)]
    floor = [_process([sys.executable, "-c", COUNT_ONLY, str(path)]) for _ in range(repeat)]
    results["progress"] = progress
    results["progress_floor"] = floor
    return results


def run(size: int | None = None, repeat: int = 3) -> list[dict]:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory(prefix="bench_marts_") as folder:
        r = child(Path(__file__), "--size", str(size), "--repeat", str(repeat), "--folder", folder,
                  memory_gb=10.0, timeout=4 * 3600)
    seconds = stats([s for s, _, _ in r["progress"]])
    floor_seconds = stats([s for s, _, _ in r["progress_floor"]])
    cpu = stats([c for _, _, c in r["progress"]])
    floor_cpu = stats([c for _, _, c in r["progress_floor"]])
    mb = stats([m / 1e6 for _, m, _ in r["progress"]])
    floor_mb = stats([m / 1e6 for _, m, _ in r["progress_floor"]])
    return [
        row(f"group-by mart.standard, {size:,} standards", r["group_by"], r["group_by_floor"], 2.0,
            "floor: the same query on a flat table of the same rows"),
        row(f"mart.new_standards_by_district, {size:,}", r["by_district"], r["by_district_floor"], 2.0,
            "floor: district × type count on the flat table"),
        row(f"stdwatch progress --json, {size:,} (s)", seconds, 1.0, 1.0,
            f"ratio vs limit; a process that opens the file and counts: {floor_seconds['median']:.3f} s "
            f"({seconds['median'] / floor_seconds['median']:.2f}×); CPU {cpu['median']:.2f} s "
            f"({cpu['min']:.2f}–{cpu['max']:.2f}) vs {floor_cpu['median']:.2f} s", goal_is_limit=True),
        row(f"stdwatch progress --json, {size:,} (MB RSS)", mb, 300.0, 300.0,
            f"ratio vs limit; the open-and-count process: {floor_mb['median']:.0f} MB", goal_is_limit=True),
    ]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(args.size, args.repeat, args.folder)))
        return []
    rows = run(args.size, args.repeat)
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main()
