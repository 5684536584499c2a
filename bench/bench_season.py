"""A season's requests per night against the minimum: `python bench/bench_season.py [--nights 60] [--size 300] [--variant contested]`.

Runs the nightly's steps (tests/season_support.py) against the calendar mirror night after night
and prints, per night, the requests the mirror received and the floor from the mirror's own day log
(`mirror.calendar.minimum_requests`: one page per list — std.samr's every page of the last 150 days'
rows where it lists by issue date —, every page of the committee directory, each page that carries
something new), then the season's ratio (nights 2…N: night 1 is the first full
crawl) with the median and min–max of the nightly ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from season_support import Season  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=60)
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--variant", default="", help="a mirror/variants.py preset or field=value pairs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stdwatch-season-") as tmp:
        monkeypatch = pytest.MonkeyPatch()
        season = Season(Path(tmp), monkeypatch, size=args.size, variants=args.variant)
        rows = []
        try:
            for day in range(1, args.nights + 1):
                night = season.night(day)
                by_source = ", ".join(f"{s.source} {s.requests}" for s in night.report.sources)
                status = "ok" if not night.report.problems else "FAILED"
                print(f"night {day:2d}: {night.requests:4d} requests, minimum {night.minimum:3d}, "
                      f"ratio {night.requests / night.minimum:5.2f}  {status}  ({by_source})", flush=True)
                rows.append((night.requests, night.minimum))
        finally:
            season.close()
            monkeypatch.undo()
    later = rows[1:]
    ratios = [r / m for r, m in later]
    total, floor = sum(r for r, _ in later), sum(m for _, m in later)
    print(f"nights 2–{args.nights} ({args.variant or 'default'} mirror): {total} requests, minimum {floor}: "
          f"ratio {total / floor:.2f} "
          f"(per night: median {statistics.median(ratios):.2f}, min {min(ratios):.2f}, max {max(ratios):.2f}; "
          f"{total / len(later):.1f} requests per night against {floor / len(later):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
