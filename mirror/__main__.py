"""Command line: `python -m mirror generate --out DIR` and `python -m mirror serve`.

    python -m mirror generate --out DIR [--region 3205] [--size demo] [--seed 7] [--window-start 2022-08-21] [--window-end …]
        writes org_register.csv, org_register.xlsx and ground_truth.json, prints corpus statistics.
    python -m mirror serve [--size demo] [--seed 7] [--port 0] [--site SITE …] [--out DIR] [--window-start …]
        (optionally writes the same files, then) serves every portal of the mirror on 127.0.0.1,
        each on its own port (`--port` fixes std.samr's; `--site` serves only those sites),
        prints each site's base URL and the environment lines that point stdwatch at them
        (`STDWATCH_BASE_URLS__HBBA=…`), and serves until Ctrl-C.
        `--day N` serves calendar day N (mirror/calendar.py); `--advance-every SECONDS` publishes the
        next day every SECONDS, printing what it brought (and rewriting the truth files with `--out`).
    `--region CODE` builds the corpus for the region whose folder is transform/regions/CODE/
    (default 3205): its organisations and addresses, its notice sites, its ground truth per district.
    `serve --region 3205,3202` serves several regions as a province meets the portals
    (`mirror.province`): a site they share on one port, each request answered from the corpus of
    the region its User-Agent names (`region/<code>`); `--out DIR` writes each region's files to DIR/<code>.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from datetime import date

from mirror.calendar import Calendar
from mirror.cluster import MirrorCluster
from mirror.corpus import WINDOW_START, Corpus, resolve_size
from mirror.notices import write_notice_truth
from mirror.province import ProvinceMirror
from mirror.region import DEFAULT_REGION, RegionError, load_region
from mirror.sites import region_apps
from mirror.truth import summary, write_corpus
from mirror.variants import Variants, parse_variants


def _size(value: str) -> str | int:
    try:
        resolve_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return int(value) if value.isdigit() else value


def _region(value: str) -> str:
    """One region code, or several separated by commas (`serve` only: a province)."""
    try:
        for code in value.split(","):
            load_region(code)
    except RegionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _variants(value: str) -> Variants:
    try:
        return parse_variants(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--size", type=_size, default="demo",
                        help="demo (3,000 standards), medium, large, bench (1,000,000) or a number of standards")
    common.add_argument("--seed", type=int, default=7)
    common.add_argument("--region", type=_region, default=DEFAULT_REGION,
                        help="the region to build, by its folder transform/regions/CODE/ (default 3205, Suzhou)")
    common.add_argument("--window-start", type=date.fromisoformat, default=WINDOW_START,
                        help="first issue date counted in the ground truth (YYYY-MM-DD)")
    common.add_argument("--window-end", type=date.fromisoformat, default=None,
                        help="last issue date counted in the ground truth (default: open)")
    parser = argparse.ArgumentParser(prog="python -m mirror", description="Offline mirror of the standards portals.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", parents=[common], help="write the register files and the ground truth")
    gen.add_argument("--out", required=True, help="directory to write into")
    serve = sub.add_parser("serve", parents=[common], help="serve the mirror on 127.0.0.1 until Ctrl-C")
    serve.add_argument("--port", type=int, default=0, help="std.samr's port (0 = any free port); other sites take any free port")
    serve.add_argument("--site", action="append",
                       help="serve only this site (repeatable; default: every site of the region)")
    serve.add_argument("--out", help="also write the register files and the ground truth here")
    serve.add_argument("--variant", type=_variants, default=None,
                       help="contested portal facts: a preset or field=value pairs (mirror/variants.py)")
    serve.add_argument("--day", type=int, default=0,
                       help="the calendar day to serve (mirror/calendar.py): 0 = the corpus as built")
    serve.add_argument("--advance-every", type=float, default=None, metavar="SECONDS",
                       help="publish the next calendar day every SECONDS (a season rehearsed by hand)")
    return parser


def _write(corpus: Corpus, out: str, calendar: Calendar | None) -> None:
    """The register files and the ground truth (with the notices' truth on a calendar: as of its day)."""
    for path in write_corpus(corpus, out).values():
        print(f"wrote {path}", file=sys.stderr)
    if calendar is not None:
        print(f"wrote {write_notice_truth(calendar.notices, out)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if "," in args.region:
        return _serve_province(args)
    started = time.perf_counter()
    corpus = Corpus(seed=args.seed, size=args.size, window_start=args.window_start, window_end=args.window_end,
                    variants=getattr(args, "variant", None), region=args.region)
    unknown = [s for s in getattr(args, "site", None) or () if s not in region_apps(corpus)]
    if unknown:
        print(f"--site {', '.join(unknown)}: region {args.region} has no such site; "
              f"choose from {', '.join(region_apps(corpus))}", file=sys.stderr)
        return 2
    print(f"corpus region={args.region} seed={args.seed} size={args.size}: {len(corpus.standards)} standards, "
          f"{len(corpus.orgs)} organisations in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    calendar = None
    if args.command == "serve" and (args.day or args.advance_every):
        if args.day < 0 or (args.advance_every is not None and args.advance_every <= 0):
            print("--day must be 0 or more and --advance-every a positive number of seconds", file=sys.stderr)
            return 2
        calendar = Calendar(corpus)
        calendar.advance_to(args.day)
    if args.out:
        _write(corpus, args.out, calendar)
    if args.command == "generate":
        print(json.dumps(summary(corpus), ensure_ascii=False, indent=1))
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with MirrorCluster(corpus, sites=args.site, ports={"samr": args.port}) as cluster:
        print(f"# variant: {corpus.variants.describe()}")
        width = max(len(site) for site in cluster.sites)
        for site, url in cluster.base_urls.items():
            print(f"{site:<{width}}  {url}")
        print("# point stdwatch at the mirror:")
        for name, value in cluster.env().items():
            print(f"{name}={value}")
        if calendar is not None:
            print(f"# day {calendar.day} ({calendar.date_of(calendar.day)})"
                  + (f", the next every {args.advance_every:g} s" if args.advance_every else ""))
        sys.stdout.flush()
        try:
            while not stop.wait(args.advance_every):
                calendar.advance_to(calendar.day + 1)
                if args.out:
                    _write(corpus, args.out, calendar)
                news = ", ".join(f"{p.kind} {p.what}" for p in calendar.published(calendar.day)) or "nothing new"
                print(f"# day {calendar.day} ({calendar.date_of(calendar.day)}): {news}", flush=True)
        except KeyboardInterrupt:
            pass
        print("stopping", file=sys.stderr)
    return 0


def _serve_province(args: argparse.Namespace) -> int:
    """`serve --region A,B,…`: every region's sites, a shared site once (`mirror.province`), until Ctrl-C."""
    if args.command != "serve" or args.site or args.day or args.advance_every or args.variant or args.port:
        print("several regions (--region A,B) are served only by `serve`, without --site, --day, --advance-every, "
              "--variant or --port", file=sys.stderr)
        return 2
    corpora = [Corpus(seed=args.seed, size=args.size, window_start=args.window_start, window_end=args.window_end,
                      region=code) for code in args.region.split(",")]
    if args.out:
        for corpus in corpora:
            _write(corpus, f"{args.out}/{corpus.region.code}", None)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with ProvinceMirror(corpora) as province:
        print(f"# shared by every region: {', '.join(province.shared_sites())}")
        for corpus in corpora:
            code = corpus.region.code
            print(f"# region {code}: a run's User-Agent must name region/{code}, e.g. "
                  f'STDWATCH_USER_AGENT="stdwatch region/{code}"')
            for name, value in province.env(code).items():
                print(f"{name}={value}")
        sys.stdout.flush()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        print("stopping", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
