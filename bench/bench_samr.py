"""Benchmarks for the samr slice. Prints ratios against baselines measured in the same run.

    .venv/bin/python bench/bench_samr.py [--pages 400] [--records 50000] [--skip-demo]

1. parse: `transform.parsers.samr.parse_detail` vs a bare `lxml.html.fromstring` of the same
   detail pages, and `parse_list` vs a bare `json.loads` of the same list pages;
2. load: `WriteSession.merge_standards` (stage, hash, upsert, drafters, status history) vs a
   bare `INSERT INTO t SELECT * FROM arrow_table` of the same records;
3. end to end: `stdwatch demo` in a subprocess, wall time split by stage from meta.run_source.

Machines are noisy: read the ratios, not the absolute times. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
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

import warehouse  # noqa: E402
from mirror import render  # noqa: E402
from mirror.corpus import build_corpus  # noqa: E402
from transform.parsers import samr as samr_parser  # noqa: E402
from transform.records import Provenance  # noqa: E402
from warehouse import Warehouse  # noqa: E402


def best_of(fn, repeat: int = 3) -> float:
    """Minimum wall time of `repeat` runs: the least noisy estimate on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def provenance(i: int) -> Provenance:
    return Provenance("samr", f"http://127.0.0.1/p/{i}", datetime.now(timezone.utc), f"r{i}", f"s{i}")


def bench_parse(n_pages: int) -> None:
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

    bare_detail = best_of(lambda: [lxml.html.fromstring(h) for h in details])
    ours_detail = best_of(lambda: [samr_parser.parse_detail(h, p) for h, p in zip(details, provs)])
    bare_list = best_of(lambda: [json.loads(t) for t in lists])
    ours_list = best_of(lambda: [samr_parser.parse_list(t, provs[0], tid=2) for t in lists])
    kb = sum(len(h.encode()) for h in details) / len(details) / 1024
    print(f"parse ({len(details)} detail pages of ~{kb:.0f} KB, {len(lists)} list pages of {page_size} rows)")
    print(f"  detail: parse_detail / bare lxml.html.fromstring = {ours_detail / bare_detail:.2f}x "
          f"({len(details) / ours_detail:,.0f} pages/s vs {len(details) / bare_detail:,.0f})")
    print(f"  list:   parse_list / bare json.loads           = {ours_list / bare_list:.2f}x "
          f"({len(lists) * page_size / ours_list:,.0f} rows/s vs {len(lists) * page_size / bare_list:,.0f})")


def bench_load(n_records: int) -> None:
    corpus = build_corpus(size=n_records, seed=13)
    rows = [render.list_row(corpus, s) for s in corpus.standards]
    page = json.dumps({"total": len(rows), "pageNumber": 1, "rows": rows}, ensure_ascii=False)
    records = []
    for tid in (2, 3):
        records += samr_parser.parse_list(page, provenance(0), tid=tid).records
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

        flat = [{k: (json.dumps(v, default=str) if isinstance(v, (list, dict)) else v)
                 for k, v in asdict(r).items()} for r in records]
        for row in flat:
            row["provenance"] = json.dumps(row["provenance"], default=str)

        def bare() -> None:
            con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
            table = pa.Table.from_pylist(flat)
            con.register("arrow_table", table)
            con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM arrow_table LIMIT 0")
            con.execute("INSERT INTO t SELECT * FROM arrow_table")
            con.close()

        setup = best_of(empty_warehouse)  # copy + migrations + publish, paid once per run
        t_ours = best_of(ours) - setup
        t_bare = best_of(bare)
        remerge = best_of(lambda: _remerge(db, records))
    print(f"load ({len(records):,} standards)")
    print(f"  merge_standards / bare INSERT…SELECT FROM arrow = {t_ours / t_bare:.1f}x "
          f"({len(records) / t_ours:,.0f} vs {len(records) / t_bare:,.0f} rows/s; excludes {setup:.2f}s publish setup)")
    print(f"  re-merge of unchanged records / first merge     = {remerge / t_ours:.2f}x")


def _remerge(db: Path, records) -> None:
    with Warehouse(db).writing() as w:
        w.merge_standards(records, "bench-again")


def bench_demo() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flows.cli", "demo", "--data-dir", tmp], check=True,
                       capture_output=True, cwd=Path(__file__).resolve().parents[1])
        wall = time.perf_counter() - start
        stats = warehouse.query(Path(tmp) / "warehouse.duckdb", "SELECT source, seconds FROM meta.run_source").to_pylist()
    print(f"end to end (stdwatch demo, {wall:.1f}s wall including ~7s of Prefect ephemeral-server start-up)")
    for row in stats:
        seconds = row["seconds"] if isinstance(row["seconds"], dict) else json.loads(row["seconds"] or "{}")
        for stage, value in seconds.items():
            print(f"  {row['source']} {stage:<13} {value:6.2f}s = {value / wall:5.1%} of wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    bench_parse(args.pages)
    bench_load(args.records)
    if not args.skip_demo:
        bench_demo()


if __name__ == "__main__":
    main()
