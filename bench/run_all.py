"""Every issue-14 benchmark in one table: each ratio of stdwatch to its floor or peer, measured in
the same run, with its goal.

    .venv/bin/python bench/run_all.py [--size N] [--only crawl,samr]

Each module in `MODULES` offers `run(size=None) -> list[dict]`, one dict per figure:

    name        what is measured (e.g. "crawl time / Scrapy's (1000 pages, concurrency 4)")
    stdwatch_s  stdwatch's median seconds (None if it failed)
    floor_s     the floor's or peer's median seconds, measured in the same run (None: an absolute goal)
    ratio       stdwatch_s / floor_s, the median of the repetitions' ratios (None if it failed)
    goal        the largest acceptable ratio (or, with no floor, seconds); None: no goal, just a figure
    ok          whether the goal is met (None with no goal)
    min, max    the smallest and largest ratio of the repetitions (of stdwatch_s with no floor)
    note        anything the reader needs: sizes, pages/s, why it failed

`size` None is the module's own default (the issue's sizes, e.g. 10 M standards for the marts);
`--size` passes a smaller one for a quick look. A module that is not there prints "missing"; one
that raises prints its error in its row; the table is printed either way. Exit status 0 when every
goal is met, 1 otherwise. Never run as a test.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# module → the issue-14 figures it measures (what a missing module leaves unmeasured)
MODULES = {
    "bench_marts": "mart group-by at 10 M ≤ 2× flat floor; progress at 10 M < 1 s",
    "bench_publish": "publish cost at 10 M ≤ 0.3 s for a small change",
    "bench_merge": "merge ≤ 3× bare Arrow insert; re-merge of unchanged ≤ 0.3× first merge",
    "bench_crawl": "crawl ≥ 1.0× Scrapy (time ≤ 1.0×) at concurrency 4",
    "bench_reprocess": "reprocess ≤ 4× its floor",
    "bench_samr": "samr parse vs bare lxml/json; demo wall ≤ 30 s by start-up stage",
}
KEYS = ("name", "stdwatch_s", "floor_s", "ratio", "goal", "ok", "min", "max", "note")


def collect(module_name: str, size: int | None) -> list[dict]:
    """The rows of one module; a missing module or one that fails is one row saying so."""
    if not (ROOT / "bench" / f"{module_name}.py").exists():
        return [_status_row(module_name, "missing", f"not in bench/ (measures: {MODULES[module_name]})")]
    try:
        module = importlib.import_module(module_name)
        rows = module.run(size=size)
    except Exception as exc:  # a failing bench says why, in its row; the others still run
        return [_status_row(module_name, "FAILED", f"{type(exc).__name__}: {exc}")]
    if not isinstance(rows, list) or not rows:
        return [_status_row(module_name, "FAILED", f"run() returned {rows!r}, not a list of rows")]
    checked = []
    for row in rows:
        missing = [key for key in KEYS if key not in row] if isinstance(row, dict) else list(KEYS)
        if missing:
            checked.append(_status_row(module_name, "FAILED", f"a row lacks {', '.join(missing)}: {row!r}"))
        else:
            checked.append({**row, "module": module_name})
    return checked


def _status_row(module_name: str, status: str, note: str) -> dict:
    return {"module": module_name, "name": status, "stdwatch_s": None, "floor_s": None, "ratio": None,
            "goal": None, "ok": False, "min": None, "max": None, "note": note}


def table(rows: list[dict]) -> str:
    header = ("module", "figure", "stdwatch s", "floor s", "ratio", "min–max", "goal", "ok", "note")
    lines = [header]
    for row in rows:
        spread = "—" if row["min"] is None else f"{_num(row['min'])}–{_num(row['max'])}"
        ok = "—" if row["ok"] is None else ("yes" if row["ok"] else "NO")
        lines.append((row["module"], row["name"], _num(row["stdwatch_s"]), _num(row["floor_s"]),
                      _num(row["ratio"]), spread, "—" if row["goal"] is None else f"≤ {row['goal']:g}", ok,
                      row["note"] or ""))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
        if n == 0:
            out.append("  ".join("-" * width for width in widths) + "  ----")
    return "\n".join(out)


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, help="A smaller size for every module (default: each module's own).")
    parser.add_argument("--only", help="Comma-separated names, e.g. 'crawl,samr' for bench_crawl and bench_samr.")
    args = parser.parse_args()
    names = list(MODULES)
    if args.only:
        wanted = {f"bench_{name.strip().removeprefix('bench_')}" for name in args.only.split(",")}
        unknown = wanted - set(MODULES)
        if unknown:
            parser.error(f"--only: no benchmark {', '.join(sorted(unknown))}; known: {', '.join(MODULES)}")
        names = [name for name in names if name in wanted]
    rows = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name}…", file=sys.stderr, flush=True)
        rows += collect(name, args.size)
        print(f"  {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    sys.exit(0 if all(row["ok"] is not False for row in rows) else 1)


if __name__ == "__main__":
    main()
