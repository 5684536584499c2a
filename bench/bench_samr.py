"""Benchmarks for the samr slice. Prints ratios against baselines measured in the same run.

    .venv/bin/python bench/bench_samr.py [--pages 400] [--records 50000] [--repeat 3] [--skip-demo]

1. parse: `transform.parsers.samr.parse_detail` vs a bare `lxml.html.fromstring` of the same
   detail pages, and `parse_list` vs a bare `json.loads` of the same list pages;
2. load: `WriteSession.merge_standards` (stage, hash, upsert, drafters, status history) vs a
   bare `INSERT INTO t SELECT * FROM arrow_table` of the same records, the Arrow table built
   beforehand (building it from Python dicts is not part of an insert);
3. end to end: `stdwatch demo --json` in a subprocess: wall time, its start-up by stage (what
   the demo reports) and the nightly's stages; a demo that exits non-zero prints why.

Every figure is the median of `--repeat` runs with min–max. Machines are noisy: read the
ratios, not the absolute times. `run(size)` gives the same figures as rows for bench/run_all.py.
Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import lxml.html
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mirror import render  # noqa: E402
from mirror.corpus import build_corpus  # noqa: E402
from transform.parsers import samr as samr_parser  # noqa: E402
from transform.records import Provenance  # noqa: E402
from warehouse import Warehouse  # noqa: E402


DEMO_GOAL_SECONDS = 30.0  # issue 14: the whole demo, on an idle machine


def timed(fn, repeat: int) -> list[float]:
    """Wall seconds of each of `repeat` runs of `fn`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def row(name: str, ours: list[float], floor: list[float] | None, goal: float | None, note: str) -> dict:
    """A bench/run_all.py row: medians, the median ratio with min–max (of stdwatch_s with no floor)."""
    spread = [a / b for a, b in zip(ours, floor)] if floor else ours
    ratio = statistics.median(spread) if floor else None
    measure = ratio if floor else statistics.median(ours)
    return {"name": name, "stdwatch_s": statistics.median(ours),
            "floor_s": statistics.median(floor) if floor else None, "ratio": ratio, "goal": goal,
            "ok": None if goal is None else measure <= goal, "min": min(spread), "max": max(spread), "note": note}


def failed_row(name: str, why: str) -> dict:
    return {"name": name, "stdwatch_s": None, "floor_s": None, "ratio": None, "goal": None, "ok": False,
            "min": None, "max": None, "note": why}


def show(r: dict) -> None:
    if r["stdwatch_s"] is None:
        print(f"  {r['name']}: FAILED — {r['note']}")
        return
    if r["ratio"] is None:
        print(f"  {r['name']}: {r['stdwatch_s']:.1f} s (min {r['min']:.1f}–max {r['max']:.1f})  {r['note']}")
        return
    print(f"  {r['name']}: {r['ratio']:.2f}x (min {r['min']:.2f}–max {r['max']:.2f})  {r['note']}")


def provenance(i: int) -> Provenance:
    return Provenance("samr", f"http://127.0.0.1/p/{i}", datetime.now(timezone.utc), f"r{i}", f"s{i}")


def bench_parse(n_pages: int, repeat: int) -> list[dict]:
    corpus = build_corpus(size=max(3000, n_pages), seed=11)
    standards = corpus.standards[:n_pages]
    details = [render.detail_html(corpus, s) for s in standards]
    page_size = 50
    lists = [
        json.dumps({"total": len(standards), "pageNumber": i + 1,
                    "rows": [render.list_row(corpus, s) for s in standards[i * page_size:(i + 1) * page_size]]},
                   ensure_ascii=False)
        for i in range(len(standards) // page_size)
    ]
    provs = [provenance(i) for i in range(len(details))]

    bare_detail = timed(lambda: [lxml.html.fromstring(h) for h in details], repeat)
    ours_detail = timed(lambda: [samr_parser.parse_detail(h, p) for h, p in zip(details, provs)], repeat)
    bare_list = timed(lambda: [json.loads(t) for t in lists], repeat)
    ours_list = timed(lambda: [samr_parser.parse_list(t, provs[0], tid=2) for t in lists], repeat)
    kb = sum(len(h.encode()) for h in details) / len(details) / 1024
    rows_per_s = len(lists) * page_size
    return [
        row("samr parse_detail / bare lxml.html.fromstring", ours_detail, bare_detail, None,
            f"{len(details)} detail pages of ~{kb:.0f} KB: {len(details) / statistics.median(ours_detail):,.0f} "
            f"pages/s vs {len(details) / statistics.median(bare_detail):,.0f}"),
        row("samr parse_list / bare json.loads", ours_list, bare_list, None,
            f"{len(lists)} list pages of {page_size} rows: {rows_per_s / statistics.median(ours_list):,.0f} "
            f"rows/s vs {rows_per_s / statistics.median(bare_list):,.0f}"),
    ]


def bench_load(n_records: int, repeat: int) -> list[dict]:
    corpus = build_corpus(size=n_records, seed=13)
    rows = [render.list_row(corpus, s) for s in corpus.standards]
    page = json.dumps({"total": len(rows), "pageNumber": 1, "rows": rows}, ensure_ascii=False)
    records = []
    for tid in (2, 3):
        records += samr_parser.parse_list(page, provenance(0), tid=tid).records
    flat = [{k: (json.dumps(v, default=str) if isinstance(v, (list, dict)) else v)
             for k, v in asdict(r).items()} for r in records]
    for flat_row in flat:
        flat_row["provenance"] = json.dumps(flat_row["provenance"], default=str)
    table = pa.Table.from_pylist(flat)  # built once, outside the timing: the floor is the insert alone
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"

        def ours() -> None:
            db.unlink(missing_ok=True)
            with Warehouse(db).writing() as w:
                w.merge_standards(records, "bench")

        def empty_warehouse() -> None:
            db.unlink(missing_ok=True)
            with Warehouse(db).writing():
                pass

        def bare() -> None:
            (Path(tmp) / "bare.duckdb").unlink(missing_ok=True)
            con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
            con.register("arrow_table", table)
            con.execute("CREATE TABLE t AS SELECT * FROM arrow_table LIMIT 0")
            con.execute("INSERT INTO t SELECT * FROM arrow_table")
            con.close()

        setup = statistics.median(timed(empty_warehouse, repeat))  # copy + migrations + publish, once per run
        t_ours = [t - setup for t in timed(ours, repeat)]
        t_bare = timed(bare, repeat)
        remerge = timed(lambda: _remerge(db, records), repeat)
    return [
        row("samr merge_standards / bare Arrow INSERT", t_ours, t_bare, None,
            f"{len(records):,} standards: {len(records) / statistics.median(t_ours):,.0f} vs "
            f"{len(records) / statistics.median(t_bare):,.0f} rows/s; excludes {setup:.2f} s of publish set-up"),
        row("samr re-merge of unchanged / first merge", remerge, t_ours, None, f"{len(records):,} standards"),
    ]


def _remerge(db: Path, records) -> None:
    with Warehouse(db).writing() as w:
        w.merge_standards(records, "bench-again")


def bench_demo(repeat: int) -> list[dict]:
    """`stdwatch demo --json` `repeat` times: wall, start-up by stage, nightly stages; or why it failed."""
    walls, startups, stages = [], [], {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "flows.cli", "demo", "--json", "--data-dir", tmp],
                                  capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
            wall = time.perf_counter() - start
        if proc.returncode != 0:
            return [failed_row("demo wall, s", f"stdwatch demo exited {proc.returncode} after {wall:.0f} s: "
                                               f"{_why(proc)}")]
        payload = json.loads(proc.stdout)
        walls.append(wall)
        startups.append(payload.get("startup", {}))
        for stage, seconds in (payload["run"].get("seconds") or {}).items():
            stages.setdefault(stage, []).append(seconds)
    startup = {stage: statistics.median(s.get(stage, 0.0) for s in startups) for stage in startups[0]}
    note = ("start-up " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in startup.items())
            + "; nightly " + ", ".join(f"{stage} {statistics.median(v):.1f} s" for stage, v in stages.items()))
    return [row("demo wall, s (goal on an idle machine)", walls, None, DEMO_GOAL_SECONDS, note)]


def _why(proc: subprocess.CompletedProcess) -> str:
    """The demo's own last words: its JSON's health-check problems, else the last lines of stderr."""
    try:
        problems = json.loads(proc.stdout).get("run", {}).get("problems")
    except (json.JSONDecodeError, AttributeError):
        problems = None
    if problems:
        return "; ".join(problems)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    return " / ".join(lines[-3:]) or "(no output)"


def run(size: int | None = None, repeat: int = 3, demo: bool = True) -> list[dict]:
    """The run_all contract. `size`: records for the load (pages for the parse: size / 100, ≥ 100)."""
    records = size or 50_000
    rows = bench_parse(max(100, records // 100) if size else 400, repeat) + bench_load(records, repeat)
    return rows + (bench_demo(repeat) if demo else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    results = bench_parse(args.pages, args.repeat) + bench_load(args.records, args.repeat)
    if not args.skip_demo:
        results += bench_demo(args.repeat)
    for result in results:
        show(result)
    if any(result["ok"] is False for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
