"""Benchmark: stdwatch's crawl client vs Scrapy vs bare httpx, same pages, same loopback server,
concurrency 4 (issue 14, item 4). Prints ratios measured in the same run.

    .venv/bin/pip install -e '.[bench]'          # Scrapy: the benchmark's own extra, never the product's
    .venv/bin/python bench/bench_crawl.py [--pages 1000] [--repeat 3]

The server is a minimal keep-alive HTTP/1.1 server (a raw asyncio protocol, perf-notes.md §4) in a
process of its own, answering `/p/<i>` with the mirror's std.samr detail page of standard i
(~10–40 KB of HTML, prebuilt), so the figures measure the clients. Each client crawls every page
once, in a fresh process, timed from its first request to its last page decoded:

1. stdwatch: `extract.http.HttpClient` (politeness gate, retries, block detection, charset
   decoding) with its `extract.archive.Archive` (gzip WARC, fsync by group commit, the final
   sync included), 4 worker threads, per-host concurrency 4 and no spacing;
2. Scrapy: a spider with CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = 4, no delay,
   no robots.txt, no autothrottle, each page's `response.text` decoded;
3. bare httpx: one `httpx.Client`, 4 threads, `r.text` — the floor of this client stack.

The ratio is stdwatch's wall time over Scrapy's (goal ≤ 1.0: at least Scrapy's pages/s), the
median of the repetitions with min–max; the clients run in rotating order. Never run as a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONCURRENCY = 4
DEFAULT_PAGES = 1000
GOAL = 1.0  # stdwatch's seconds / Scrapy's seconds
CLIENTS = ("stdwatch", "scrapy", "httpx")


# -- the loopback server ---------------------------------------------------------------------------


def _pages(n: int) -> list[bytes]:
    from mirror import render
    from mirror.corpus import build_corpus

    corpus = build_corpus(size=max(n, 200), seed=17)
    standards = (corpus.standards * (n // len(corpus.standards) + 1))[:n]
    return [render.detail_html(corpus, s).encode("utf-8") for s in standards]


class _PageServer(asyncio.Protocol):
    responses: list[bytes] = []
    not_found = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = head.split(b" ", 2)[1]
            try:
                self.transport.write(self.responses[int(path.rsplit(b"/", 1)[1])])
            except (ValueError, IndexError):
                self.transport.write(self.not_found)


def serve(n_pages: int) -> None:
    """Serve `n_pages` pages on a free 127.0.0.1 port; print the port; run until killed."""
    _PageServer.responses = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n"
        b"Connection: keep-alive\r\n\r\n" % len(body) + body
        for body in _pages(n_pages)
    ]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_PageServer, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


# -- the clients (each in a fresh process; prints {"seconds": …, "pages": …}) -----------------------


def crawl_stdwatch(urls: list[str]) -> tuple[float, int]:
    from extract.archive import Archive
    from extract.http import HttpClient

    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        archive = Archive(Path(tmp), "bench")
        client = HttpClient(user_agent="stdwatch-bench/0.1", allowed_hosts={"127.0.0.1"},
                            host_policy=lambda host: (0.0, CONCURRENCY), archive=archive, max_retries=0)
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            pages = sum(1 for f in pool.map(lambda u: client.fetch("GET", u, source="bench"), urls) if f.text)
        archive.close()  # the last group commit is part of the crawl
        seconds = time.perf_counter() - start
        client.close()
    return seconds, pages


def crawl_httpx(urls: list[str]) -> tuple[float, int]:
    import httpx

    with httpx.Client(limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            pages = sum(1 for r in pool.map(client.get, urls) if r.text)
        return time.perf_counter() - start, pages


def crawl_scrapy(urls: list[str]) -> tuple[float, int]:
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    marks: dict[str, float] = {}
    pages = []

    class Pages(scrapy.Spider):
        name = "pages"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def start_requests(self):  # Scrapy < 2.13
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):
            if response.text:
                pages.append(1)
                marks["end"] = time.perf_counter()  # the last page decoded; Scrapy's shutdown is not counted

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
    })
    crawler = process.create_crawler(Pages)
    # weak=False: the dispatcher holds receivers weakly, and a lambda has no other reference.
    crawler.signals.connect(lambda request, spider: marks.setdefault("start", time.perf_counter()),
                            signals.request_reached_downloader, weak=False)
    process.crawl(crawler)
    process.start()
    return marks["end"] - marks["start"], len(pages)


def run_client(name: str, base: str, n_pages: int) -> dict:
    """One crawl by `name` in a fresh process: {"seconds", "pages"}, or {"error"} saying why it failed."""
    proc = subprocess.run([sys.executable, __file__, "--client", name, "--base", base, "--pages", str(n_pages)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"{name} exited {proc.returncode}: {tail}"}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["pages"] != n_pages:
        return {"error": f"{name} decoded {result['pages']} of {n_pages} pages"}
    return result


def run(size: int | None = None, repeat: int = 3) -> list[dict]:
    """The run_all contract: one row, stdwatch vs Scrapy (bare httpx in the note)."""
    n_pages = size or DEFAULT_PAGES
    try:
        import scrapy  # noqa: F401
    except ImportError:
        return [_row(None, None, [], n_pages, "Scrapy is not installed here: pip install -e '.[bench]'")]
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--pages", str(n_pages)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{int(server.stdout.readline())}"
        times: dict[str, list[float]] = {name: [] for name in CLIENTS}
        for rep in range(repeat):
            for name in CLIENTS[rep % len(CLIENTS):] + CLIENTS[:rep % len(CLIENTS)]:
                result = run_client(name, base, n_pages)
                if "error" in result:
                    return [_row(None, None, [], n_pages, result["error"])]
                times[name].append(result["seconds"])
    finally:
        server.kill()
        server.wait()
    ratios = [ours / theirs for ours, theirs in zip(times["stdwatch"], times["scrapy"])]
    pps = {name: n_pages / statistics.median(t) for name, t in times.items()}
    note = (f"{n_pages} pages, concurrency {CONCURRENCY}: stdwatch {pps['stdwatch']:,.0f} pages/s, "
            f"Scrapy {pps['scrapy']:,.0f}, bare httpx {pps['httpx']:,.0f} "
            f"(stdwatch/httpx time {statistics.median(times['stdwatch']) / statistics.median(times['httpx']):.2f}x)")
    return [_row(times["stdwatch"], times["scrapy"], ratios, n_pages, note)]


def _row(ours: list[float] | None, scrapy_times: list[float] | None, ratios: list[float], n_pages: int,
         note: str) -> dict:
    ratio = statistics.median(ratios) if ratios else None
    return {
        "name": f"crawl time / Scrapy's ({n_pages} pages, concurrency {CONCURRENCY})",
        "stdwatch_s": statistics.median(ours) if ours else None,
        "floor_s": statistics.median(scrapy_times) if scrapy_times else None,
        "ratio": ratio,
        "goal": GOAL,
        "ok": ratio is not None and ratio <= GOAL,
        "min": min(ratios) if ratios else None,
        "max": max(ratios) if ratios else None,
        "note": note,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.pages)
        return
    if args.client:
        urls = [f"{args.base}/p/{i}" for i in range(args.pages)]
        crawl = {"stdwatch": crawl_stdwatch, "scrapy": crawl_scrapy, "httpx": crawl_httpx}[args.client]
        seconds, pages = crawl(urls)
        print(json.dumps({"seconds": seconds, "pages": pages}))
        return
    (row,) = run(args.pages, args.repeat)
    if row["ratio"] is None:
        print(f"crawl: FAILED — {row['note']}")
        sys.exit(1)
    print(f"crawl: stdwatch / Scrapy time = {row['ratio']:.2f}x (min {row['min']:.2f}–max {row['max']:.2f}; "
          f"goal ≤ {GOAL:.1f}x: {'met' if row['ok'] else 'NOT met'})")
    print(f"  {row['note']}")


if __name__ == "__main__":
    main()
