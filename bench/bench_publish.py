"""Publish benchmark: a write session with a small change on a large warehouse, blue/green
(`Warehouse.writing()`: the spare brought forward with the last session's change log, then an
atomic replace) against the ways a working copy used to be made and against the same session
applied in place to a copy of the file (no working copy, no publish).

    .venv/bin/python bench/bench_publish.py [--size 10000000] [--change 100] [--repeat 3] [--start FILE]

Rows (medians of --repeat sessions, each merging --change new standards, min–max of stdwatch's):
- the publish cost: what blue/green adds to the session (`Warehouse.seconds`: the working copy
  brought up to date, the change log kept, the file fsynced and renamed) against the limit of
  0.3 s; the whole-file copy + fsync and the block copy it replaces, timed in the same run;
- the same cost as a ratio of the whole-file copy (no goal: what the change log saves);
- the whole session, blue/green vs in place (the ratio: what publishing adds; goal ≤ 1.5×).
Generated inside DuckDB (bench/_timing.py) with BUILD_MEMORY_LIMIT, or copied from --start (a
warehouse an earlier run built at the same size: building 10 M takes a long while); the child
runs under an address-space cap with the `memory_limit` default. Develop with --size 1000000.
Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _timing  # noqa: E402
from _timing import child, print_rows, row, standards, stats, timed  # noqa: E402

DEFAULT_SIZE = 10_000_000
BUILD_MEMORY_LIMIT = "2GB"  # this machine's bound per process; 10 M standards build within it
PUBLISH_STEPS = ("copy", "keep", "publish")  # Warehouse.seconds that blue/green adds to a session


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
    _fsync(path)


def _whole_copy(path: Path, to: Path) -> None:
    shutil.copyfile(path, to)
    _fsync(to)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def _measure(size: int, change: int, repeat: int, folder: Path, start: Path | None) -> dict:
    from warehouse import Warehouse
    from warehouse.db import connect
    from warehouse.publish import _copy_changed_blocks

    path = folder / "warehouse.duckdb"
    if start:
        shutil.copyfile(start, path)
    else:
        _timing.BUILD_MEMORY_LIMIT = BUILD_MEMORY_LIMIT
        _timing.build_warehouse(path, size)
    published = Warehouse(path)
    with published.writing():
        pass  # a whole copy: the built file had nothing to replace; this leaves the first spare and log
    in_place, behind = folder / "in_place.duckdb", folder / "behind.duckdb"
    shutil.copyfile(path, in_place)
    generator = connect()
    result = {key: [] for key in ("cost", "blue_green", "in_place", "methods", "whole", "blocks", "log_mb",
                                  "refresh", "checkpoint")}
    for i in range(repeat):
        table = standards(generator, change, first=size + i * change)
        shutil.copyfile(path, behind)  # the published state one session ago, for the block copy

        def session(table=table, i=i) -> None:
            with published.writing() as w:
                w.merge_standard_table(table, f"bench-{i}")

        result["blue_green"].append(timed(session, repeat=1)["median"])
        result["methods"].append(published.copy_method)
        result["cost"].append(sum(published.seconds[step] for step in PUBLISH_STEPS))
        for step in PUBLISH_STEPS:
            result.setdefault(step, []).append(published.seconds[step])
        result["refresh"].append(published.seconds["refresh"])
        result["checkpoint"].append(published.seconds["checkpoint"])
        result["log_mb"].append(published.delta_path.stat().st_size / 1e6 if published.delta_path.exists() else 0)
        result["in_place"].append(timed(lambda table=table, i=i: _in_place(in_place, table, f"bench-{i}"),
                                        repeat=1)["median"])
        result["whole"].append(timed(lambda: _whole_copy(path, folder / "copy.duckdb"), repeat=1)["median"])
        started = time.perf_counter()
        _copy_changed_blocks(path, behind)
        result["blocks"].append(time.perf_counter() - started)
    result["file_mb"] = path.stat().st_size / 1e6
    return result


def run(size: int | None = None, change: int = 100, repeat: int = 3, start: Path | None = None) -> list[dict]:
    size = size or DEFAULT_SIZE
    extra = ["--start", str(start)] if start else []
    with tempfile.TemporaryDirectory(prefix="bench_publish_") as folder:
        r = child(Path(__file__), "--size", str(size), "--change", str(change), "--repeat", str(repeat),
                  "--folder", folder, *extra, memory_gb=10.0, timeout=4 * 3600)
    cost, whole, blocks = stats(r["cost"]), stats(r["whole"]), stats(r["blocks"])
    sizes = f"+{change} standards at {size:,}"
    steps = ", ".join(f"{step} {stats(r[step])['median']:.3f} s" for step in PUBLISH_STEPS)
    return [
        row(f"publish cost, {sizes} (s)", cost, 0.3, 0.3,
            f"{r['file_mb']:.0f} MB file, working copies: {', '.join(r['methods'])}, change log "
            f"{statistics_text(r['log_mb'])} MB; its steps (medians) {steps}; the whole-file copy + fsync "
            f"it replaces {whole['median']:.3f} s, the block copy {blocks['median']:.3f} s", goal_is_limit=True),
        row(f"publish cost / whole-file copy + fsync, {sizes}", cost, whole, None,
            f"block copy / whole copy {blocks['median'] / whole['median']:.2f}×"),
        row(f"write session {sizes}, blue/green vs in place", stats(r["blue_green"]), stats(r["in_place"]), 1.5,
            f"goal chosen here: what publishing adds to a small session; in both, the marts' refresh "
            f"{stats(r['refresh'])['median']:.3f} s and the checkpoint {stats(r['checkpoint'])['median']:.3f} s "
            "(blue/green's, medians)"),
    ]


def statistics_text(values: list[float]) -> str:
    spread = stats(values)
    return f"{spread['median']:.2f}" if spread["min"] == spread["max"] else \
        f"{spread['median']:.2f} ({spread['min']:.2f}–{spread['max']:.2f})"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--change", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--start", type=Path, help="a warehouse of --size standards to copy instead of building one")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(args.size, args.change, args.repeat, args.folder, args.start)))
        return []
    rows = run(args.size, args.change, args.repeat, args.start)
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main()
