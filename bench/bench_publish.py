"""Publish benchmark: a write session with a small change on a large warehouse, blue/green
(`Warehouse.writing()`: working copy from the spare, block by block, then atomic replace) against
the same session applied in place to a copy of the file (no working copy, no publish).

    .venv/bin/python bench/bench_publish.py [--size 10000000] [--change 100] [--repeat 3]

Rows (medians of --repeat sessions, each merging --change new standards, min–max of stdwatch's):
- the publish cost: the session's working copy (`Warehouse.copy_seconds`: the spare brought up
  to date block by block) against the limit of 0.3 s, with the whole-file copy + fsync it
  replaces (the floor it used to pay) timed in the same run;
- the whole session, blue/green vs in place (the ratio: what publishing adds; goal ≤ 1.5×).
Generated inside DuckDB (bench/_timing.py); the child runs under an address-space cap with the
`memory_limit` default. Develop with --size 1000000. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import build_warehouse, child, print_rows, row, standards, stats, timed  # noqa: E402

DEFAULT_SIZE = 10_000_000


def _in_place(path: Path, table, run_id: str) -> None:
    from warehouse.db import apply_migrations, connect, create_views
    from warehouse.load import WriteSession
    from warehouse.publish import before_publish

    con = connect(path)
    apply_migrations(con)
    create_views(con)
    WriteSession(con).merge_standard_table(table, run_id)
    before_publish(con)
    con.execute("CHECKPOINT")
    con.close()
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def _whole_copy(path: Path, to: Path) -> None:
    shutil.copyfile(path, to)
    fd = os.open(to, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def _measure(size: int, change: int, repeat: int, folder: Path) -> dict:
    from warehouse import Warehouse
    from warehouse.db import connect

    path = folder / "warehouse.duckdb"
    build_warehouse(path, size)
    published = Warehouse(path)
    with published.writing():
        pass  # the build had nothing to replace: this session leaves the first spare
    in_place = folder / "in_place.duckdb"
    shutil.copyfile(path, in_place)
    generator = connect()
    result = {"blue_green": [], "in_place": [], "methods": [], "copy": [], "whole": []}
    for i in range(repeat):
        table = standards(generator, change, first=size + i * change)

        def session(table=table, i=i) -> None:
            with published.writing() as w:
                w.merge_standard_table(table, f"bench-{i}")

        result["blue_green"].append(timed(session, repeat=1)["median"])
        result["methods"].append(published.copy_method)
        result["copy"].append(published.copy_seconds)
        result["in_place"].append(timed(lambda table=table, i=i: _in_place(in_place, table, f"bench-{i}"),
                                        repeat=1)["median"])
        result["whole"].append(timed(lambda: _whole_copy(path, folder / "copy.duckdb"), repeat=1)["median"])
    result["file_mb"] = path.stat().st_size / 1e6
    return result


def run(size: int | None = None, change: int = 100, repeat: int = 3) -> list[dict]:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory(prefix="bench_publish_") as folder:
        r = child(Path(__file__), "--size", str(size), "--change", str(change), "--repeat", str(repeat),
                  "--folder", folder, memory_gb=10.0, timeout=4 * 3600)
    copy, whole = stats(r["copy"]), stats(r["whole"])
    return [
        row(f"publish working copy, +{change} standards at {size:,} (s)", copy, 0.3, 0.3,
            f"ratio vs the limit; {r['file_mb']:.0f} MB file, copies: {', '.join(r['methods'])}; the whole-file "
            f"copy + fsync it replaces: {whole['median']:.3f} s ({copy['median'] / whole['median']:.2f}× of it)",
            goal_is_limit=True),
        row(f"write session +{change} standards at {size:,}, blue/green vs in place", stats(r["blue_green"]),
            stats(r["in_place"]), 1.5, "goal chosen here: what publishing adds to a small session"),
    ]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--change", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(args.size, args.change, args.repeat, args.folder)))
        return []
    rows = run(args.size, args.change, args.repeat)
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main()
