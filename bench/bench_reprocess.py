"""Reprocess vs its floor, and on 2 cores vs 1. Prints ratios measured in the same run.

    .venv/bin/python bench/bench_reprocess.py [--size 20000] [--repeat 3] [--data-dir DIR]

Setup (not timed): `stdwatch demo --size SIZE` in a subprocess builds an archive of every source
against the mirror, and its warehouse (`--data-dir` reuses one built before). The default size,
20,000 standards, archives ~9,200 pages, what a city's reprocess re-parses (issue 13: "the parse of a
big backfill"). A reprocess has a part no worker can share, about 1.2 s whatever the archive: the
flow run's start and end in Prefect, the attribution, the publish gate and the publish, and the loads
the flow's own process runs beside the workers on the same cores. At 10,000 standards (~4,600 pages,
the default until 2026-12-07) that part is a fifth of a 2-worker run, which bounds the speed-up
there; docs/benchmarks.md has the figures at both sizes. `--size 10000` measures the smaller one.
Then, `--repeat` times, each of these, 1 worker and every core in turn first (ABBA), so that a change
of the machine's load falls on every side alike:

1. stdwatch: the `reprocess` flow (re-parse every source's archive, merge, publish) on a fresh copy
   of that data dir, in this process with Prefect already started, on a Prefect API server started
   the way `stdwatch run reprocess` starts one (`flows.cli_runs.prefect_api`, so with the same
   settings: no flow-run heartbeats there), with 1 worker process and with every core (`--workers`);
2. parse only: `flows.reparse_pool.reparse_sources` with 1 worker and with every core (no load);
3. the floor: decompress the same WARC files (`gzip`), parse every archived 2xx HTML page with a bare
   `lxml.html.fromstring` and every JSON page with `json.loads`, and insert the standards reprocess
   produced, already an Arrow table, into an empty DuckDB file (`INSERT INTO t SELECT * FROM arrow`);
4. the machine's own parallelism, the ceiling of any speed-up: a bare CPU loop on 1 process and on
   `--workers` processes at once (on a shared machine whose scheduler gives this session one share,
   2 processes run no faster than 1, and no program's speed-up can show there).

Ratios are of medians, with the min–max of the ratio; the note gives the sizes and the load
average before and after. The speed-up rows are time ratios (every core / 1 worker), so the goal of
≥ 1.6× faster is a ratio ≤ 0.625. `run(size)` returns the rows for bench/run_all.py. Machines are
noisy: read the ratios, not the absolute times. Never run as a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

import duckdb
import lxml.html
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.archive import iter_archive  # noqa: E402
from flows.reparse_pool import default_workers, reparse_sources  # noqa: E402
from flows.settings import load_settings  # noqa: E402
from _timing import print_rows, row, stats  # noqa: E402

FLOOR_GOAL = 4.0  # reprocess ≤ 4× its floor (issue 14)
SPEEDUP_GOAL = 1.6  # 2 cores ≥ 1.6× faster than 1 (issue 13)
DEFAULT_SIZE = "20000"  # standards in the mirror: ~9,200 archived pages (see the module docstring)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def build_archive(size: str, out: Path) -> Path:
    """`stdwatch demo` into `out`: an archive of every source and the warehouse its nightly loaded."""
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "demo", "--size", size, "--data-dir", str(out)],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ, "COLUMNS": "120"})
    if proc.returncode not in (0, 1) or not (out / "archive").is_dir():  # 1: a health check, still archived
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
        raise RuntimeError(f"bench_reprocess: `stdwatch demo --size {size}` exited {proc.returncode}, "
                           f"so there is no archive to reprocess:\n{tail}")
    return out


def archived_pages(archive_dir: Path) -> list[tuple[str, bytes]]:
    """(content type, body) of every 2xx page reprocess reads, as the floor parses them."""
    return [(entry.content_type or "", body) for entry, body in iter_archive(archive_dir)
            if 200 <= entry.status < 300 and entry.blocked is None and entry.truncated is None]


def standards_table(results) -> pa.Table:
    rows = []
    for result in results:
        for record in result.records:
            row = {k: (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v)
                   for k, v in asdict(record).items()}
            rows.append(row)
    return pa.Table.from_pylist(rows)


SPIN = 20_000_000  # iterations of the bare CPU loop: ~0.6 s alone on an idle core, long enough that dispatch is noise


def spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def floor(archive_dir: Path, pages: list[tuple[str, bytes]], table: pa.Table, db: Path) -> None:
    for path in sorted(archive_dir.glob("*/*/*.warc.gz")):
        with gzip.open(path) as fh:
            while fh.read(1 << 20):
                pass
    for content_type, body in pages:
        if "json" in content_type:
            json.loads(body)
        elif "html" in content_type:
            lxml.html.fromstring(body)
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.register("arrow_table", table)
    con.execute("CREATE TABLE t AS SELECT * FROM arrow_table LIMIT 0")
    con.execute("INSERT INTO t SELECT * FROM arrow_table")
    con.close()


def _measure(reprocess, settings, fresh, repeat: int, cores: int, tmp: Path):
    """Every timing of `run`, `repeat` times (see the module docstring)."""
    results = reparse_sources(settings, settings.sources, 1)
    pages, table = archived_pages(settings.archive_dir), standards_table(results)
    reprocess(data_dir=str(fresh("warm-up")), workers=1)  # Prefect's start-up, not timed
    reparse_sources(settings, settings.sources, cores)  # the forkserver's start-up, not timed
    flow = {1: [], cores: []}
    parse = {1: [], cores: []}
    floors, loop_one, loop_many = [], [], []
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(spin, [1] * cores))
        for i in range(repeat):
            # 1 worker and every core side by side, in turn first (ABBA), so a change in the
            # machine's load falls on both
            for workers in (flow if i % 2 == 0 else reversed(list(flow))):
                data_dir_i = fresh(f"run-{i}-{workers}")
                flow[workers].append(timed(lambda: reprocess(data_dir=str(data_dir_i), workers=workers)))
                parse[workers].append(timed(lambda: reparse_sources(settings, settings.sources, workers)))
            floors.append(timed(lambda: floor(settings.archive_dir, pages, table, tmp / "floor.duckdb")))
            loop_one.append(timed(lambda: spin(SPIN)))
            loop_many.append(timed(lambda: list(pool.map(spin, [SPIN] * cores))))
    return flow, parse, floors, loop_one, loop_many, pages, table


def run(size: str | int | None = None, repeat: int = 3, data_dir: str | None = None) -> list[dict]:
    """The reprocess rows of the benchmark table (see the module docstring)."""
    size = str(size or DEFAULT_SIZE)  # run_all passes a number
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    cores = default_workers()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-reprocess-") as tmp:
        base = Path(data_dir) if data_dir else build_archive(size, Path(tmp) / "base")
        os.environ["STDWATCH_ORG_MAPPING_FILES"] = json.dumps([str(base / "mirror" / "org_register.csv")])
        from flows.cli_runs import prefect_api  # after the environment: these import Prefect
        from flows.reprocess import reprocess

        def fresh(name: str) -> Path:
            target = Path(tmp) / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(base, target, ignore=shutil.ignore_patterns("mirror"))
            return target

        settings = load_settings(data_dir=str(base))
        with prefect_api():  # the flows run on a Prefect API server as `stdwatch run reprocess` runs them
            flow, parse, floors, loop_one, loop_many, pages, table = _measure(
                reprocess, settings, fresh, repeat, cores, Path(tmp))
    load_after = os.getloadavg()
    n_pages, n_records = len(pages), table.num_rows
    what = (f"size {size}: {n_pages} archived pages, {n_records} standards, {len(settings.sources)} sources; "
            f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after ({cores} cores)")
    rows = [row(f"reprocess ({cores} workers) vs floor", stats(flow[cores]), stats(floors), FLOOR_GOAL,
                f"{what}; floor = gunzip + bare lxml/json parse + bare Arrow insert, one core"),
            row("reprocess (1 worker) vs floor", stats(flow[1]), stats(floors), None, "the same floor")]
    machine = statistics.median(loop_one) * cores / statistics.median(loop_many)
    rows.append(row(f"bare CPU loop: {cores} processes at once / 1 alone", stats(loop_many), stats(loop_one), None,
                    f"what this machine gives {cores} processes of this session now: a speed-up of {machine:.2f}x "
                    f"(ideal {cores}x)"))
    for label, times in (("reprocess", flow), ("reprocess parse only", parse)):
        speedup = statistics.median(times[1]) / statistics.median(times[cores])
        # a time ratio (cores / 1 worker): ≥ SPEEDUP_GOAL× faster is a ratio ≤ 1 / SPEEDUP_GOAL
        rows.append(row(f"{label}: {cores} workers / 1 worker", stats(times[cores]), stats(times[1]),
                        1 / SPEEDUP_GOAL if cores >= 2 else None,
                        f"speed-up {speedup:.2f}x on {cores} cores (goal ≥ {SPEEDUP_GOAL:g}x); "
                        f"{speedup / machine:.0%} of the bare loop's {machine:.2f}x"))
    return rows


def main() -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default=DEFAULT_SIZE, help="mirror corpus size: 'demo' or a number of standards")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", help="reuse a data dir that `stdwatch demo --size SIZE --data-dir DIR` "
                                           "built (archive, warehouse, mirror/org_register.csv)")
    args = parser.parse_args()
    rows = run(args.size, repeat=max(3, args.repeat), data_dir=args.data_dir)
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main()
