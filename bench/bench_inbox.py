"""Benchmark: loading a large analysts' inbox file (issue 12). Prints ratios against a floor
measured in the same run.

    .venv/bin/python bench/bench_inbox.py [--rows 100000] [--repeat 3]

Generates an enterprise-standard export (企业标准自我声明公开, the kind that runs to ≥ 10,000
rows a year) of `--rows` rows — one enterprise per five standards, a few rejects — as an
xlsx that, like real exports, declares the whole grid (<dimension ref="A1:XFD1048576"/>).
Each repetition runs in a fresh subprocess (so peak RSS is the load's own):

1. floor: bare openpyxl read-only iteration of the same file (values only);
2. load: `flows.inbox.load_file` into an empty warehouse — read, validate, load in batches,
   re-attribute;
3. the demo's inbox files (issue 14 item 6): loaded with a write session per file (as before:
   the comparison point) and all in one session (`flows.inbox.load_files`).

Prints, per measure, the median of the repetitions with min–max: seconds, rows/s and peak
RSS in MiB and MB (VmHWM of the child's own memory: ru_maxrss would carry this process's peak, from
generating the file, across fork + exec) — the load must stay within 300 MB (286 MiB) — and the
load's time and peak RSS as ratios of the floor's, repetition by repetition. Machines are noisy: read the ratio, not the
absolute times. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PEAK_RSS_LIMIT_MB = 300  # decimal MB, as issue 12 states it
MIB = 2**20
DISTRICTS = ("昆山市", "吴江区", "苏州工业园区", "虎丘区", "常熟市", "张家港市", "太仓市", "吴中区", "相城区", "姑苏区")


def make_export(path: Path, rows: int) -> Path:
    """An enterprise-standard export of `rows` rows (every 1,000th row has a bad date)."""
    from openpyxl import Workbook

    from transform.uscc import make_uscc

    book = Workbook(write_only=True)
    sheet = book.create_sheet("enterprise_std")
    sheet.append(["标准编号", "标准名称", "企业名称", "统一社会信用代码", "行政区划", "公开日期"])
    for i in range(rows):
        org = i // 5
        sheet.append([
            f"Q/SZ{org:06d}S {i % 5 + 1:03d}-2024", f"产品技术条件 第{i}号", f"苏州样本{org}精密制造有限公司",
            make_uscc(f"91320583MA{org:07d}"), DISTRICTS[org % len(DISTRICTS)],
            "2024-13-01" if i % 1000 == 999 else f"2024-{i % 12 + 1:02d}-15",
        ])
    book.save(path)
    _declare_whole_grid(path)
    return path


def _declare_whole_grid(path: Path) -> None:
    """Rewrite the sheet's <dimension> as many exporting tools write it: the whole grid."""
    staged = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                head, sep, tail = data.partition(b"<sheetData")
                if b"<dimension" in head:
                    start = head.index(b"<dimension")
                    head = head[:start] + head[head.index(b"/>", start) + 2:]
                head = head.replace(b"<sheetViews", b'<dimension ref="A1:XFD1048576"/><sheetViews', 1) \
                    if b"<sheetViews" in head else head + b'<dimension ref="A1:XFD1048576"/>'
                data = head + sep + tail
            dst.writestr(item, data)
    staged.replace(path)


FLOOR = """
import json, sys, time
from openpyxl import load_workbook
start = time.perf_counter()
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
n = 0
for sheet in book.worksheets:
    sheet.reset_dimensions()
    for row in sheet.iter_rows(values_only=True):
        n += 1
book.close()
print(json.dumps({"rows": n - 1, "seconds": time.perf_counter() - start,
                  "rss_mib": int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) / 1024}))
"""

LOAD = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
from flows.inbox import load_file
from flows.settings import Settings
start = time.perf_counter()
report = load_file(sys.argv[1], Settings(data_dir=sys.argv[2]))
print(json.dumps({"rows": report.loaded, "seconds": time.perf_counter() - start,
                  "rss_mib": int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) / 1024}))
"""


SESSIONS = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from flows.inbox import load_file, load_files
from flows.settings import Settings
paths = sorted(Path(sys.argv[1]).glob("*.xlsx"))
settings = Settings(data_dir=sys.argv[2])
start = time.perf_counter()
if sys.argv[4] == "one":
    failed = [o for o in load_files(paths, settings) if isinstance(o, Exception)]
    assert not failed, failed
else:
    for path in paths:
        load_file(path, settings)
print(json.dumps({"files": len(paths), "seconds": time.perf_counter() - start}))
"""


def demo_inbox_files(folder: Path) -> Path:
    """The inbox files `stdwatch demo` loads (seed 7, size demo)."""
    from mirror.corpus import build_corpus
    from mirror.notices import notice_corpus, write_inbox_files

    write_inbox_files(notice_corpus(build_corpus("demo", 7)), folder)
    return folder


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise SystemExit(f"a measurement exited {out.returncode} without its JSON line; its output ended with "
                         f"{out.stdout[-300:]!r}, its errors with {out.stderr[-1500:]!r}") from None


def summary(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} (min {format(min(values), fmt)} – max {format(max(values), fmt)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = make_export(Path(tmp) / "企业标准自我声明公开导出.xlsx", args.rows)
        print(f"{args.rows} rows, {export.stat().st_size / 1024 / 1024:.1f} MB xlsx, repeated {args.repeat}×")
        floors, loads = [], []
        for i in range(args.repeat):
            floors.append(run(FLOOR, str(export)))
            loads.append(run(LOAD, str(export), str(Path(tmp) / f"data{i}"), str(ROOT)))
        for label, results in (("floor: openpyxl read-only iteration", floors), ("load_file", loads)):
            print(f"{label}: {summary([r['seconds'] for r in results], '.1f')} s, "
                  f"{summary([r['rows'] / r['seconds'] for r in results], ',.0f')} rows/s, "
                  f"peak RSS {summary([r['rss_mib'] for r in results], '.0f')} MiB = "
                  f"{summary([r['rss_mib'] * MIB / 1e6 for r in results], '.0f')} MB")
        ratios = [load["seconds"] / floor["seconds"] for load, floor in zip(loads, floors)]
        print(f"load / floor time: {summary(ratios, '.1f')}×")
        rss_ratios = [load["rss_mib"] / floor["rss_mib"] for load, floor in zip(loads, floors)]
        print(f"load / floor peak RSS: {summary(rss_ratios, '.2f')}×")
        inbox = demo_inbox_files(Path(tmp) / "demo_inbox")
        per_file, one = [], []
        for i in range(args.repeat):
            per_file.append(run(SESSIONS, str(inbox), str(Path(tmp) / f"each{i}"), str(ROOT), "each"))
            one.append(run(SESSIONS, str(inbox), str(Path(tmp) / f"one{i}"), str(ROOT), "one"))
        print(f"the demo's {one[0]['files']} inbox files, a session per file (as before): "
              f"{summary([r['seconds'] for r in per_file], '.2f')} s; one session: {summary([r['seconds'] for r in one], '.2f')} s; "
              f"one / per file: {summary([o['seconds'] / e['seconds'] for o, e in zip(one, per_file)], '.2f')}×")
        peak = max(r["rss_mib"] for r in loads) * MIB / 1e6
        print(f"highest peak RSS of the load {peak:.0f} MB: {'within' if peak <= PEAK_RSS_LIMIT_MB else 'OVER'} "
              f"the {PEAK_RSS_LIMIT_MB} MB limit ({PEAK_RSS_LIMIT_MB * 1e6 / MIB:.0f} MiB)")


if __name__ == "__main__":
    main()
