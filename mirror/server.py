"""Loopback HTTP server imitating std.samr.gov.cn (全国标准信息公共服务平台) over a `Corpus`.

Served paths (portals.md §1; confidence grades from there):

- `GET /gb/search/gbAdvancedSearchPage` [C] → JSON `{"total", "pageNumber", "rows"}`.
  Parameters: `tid` 2 = 国家标准 [C], 3 = 行业标准 [C1 CASE8] (any other tid: no rows);
  `pageNumber` from 1 and `pageSize` [C] (capped at 100; default 10 [I]);
  `std_p10`/`std_p11` issue date from/to, inclusive, `YYYY-MM-DD`, empty = open [C1];
  `std_p8` name substring [C] (the hit is wrapped in `<sacinfo>` as the live site does [C]);
  every other `std_p*`, `typeRadio`, `_` is accepted and ignored. A date or number that
  does not parse answers 400 [I]. Row keys as in portals.md §1.2 and the ERP-AGENT
  fixture [C]: `id`, `C_STD_CODE`, `STD_CODE2`, `STD_CODE3`, `C_C_NAME`, `C_E_NAME`,
  `STATE`, `STD_NATURE`, `STD_TYPE`, `ICS`, `CCS`, `ICS_NAME1_FULL`, `ISSUE_DATE`,
  `ACT_DATE`, `ISSUE_ANN_NO`, `TOTAL_REPE`, `TA_CODE`, `TA_NAME`, `C_PLAN_CODE`,
  `OPEN_HASH_CODE`, `DRAFT_UNIT` (、-separated, lead first [C]), `DRAFT_STAFF`,
  `SYS_INPUTIME`, `STD_DOMAIN`, `TABLE_NAME`. `DRAFT_UNIT`/`DRAFT_STAFF` are empty or
  absent on ~15% of rows.
  **Row order: newest `SYS_INPUTIME` first.** This is an assumption about the live site
  [I] that the product's incremental crawl relies on: check it on the first live run.
- `GET /gb/search/gbDetailed?id=<id>` (national) and `GET /hb/search/stdHBDetailed?id=<id>`
  (industry) [C, Zotero tests] → the HTML detail page (`mirror.render`). An unknown id,
  or the id of the other kind of standard, answers a 404 HTML page [I].
- Anything else → 404.

`Referer` and `X-Requested-With: XMLHttpRequest` are expected from clients [C] but not
required. Responses are UTF-8 [C]; connections are HTTP/1.1 keep-alive.

Faults (5xx, 429, resets, WAF pages) are not served yet; `fault_policy` is where they
plug in: a callable that sees each `Request` first and may answer it instead of the
mirror.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from mirror import render
from mirror.corpus import INDUSTRY, NATIONAL, Corpus

LIST_PATH = "/gb/search/gbAdvancedSearchPage"
GB_DETAIL_PATH = "/gb/search/gbDetailed"
HB_DETAIL_PATH = "/hb/search/stdHBDetailed"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10

_JSON = "application/json;charset=UTF-8"
_HTML = "text/html;charset=UTF-8"


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]  # last value of each parameter, blanks kept
    headers: Mapping[str, str]


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = _HTML
    headers: dict[str, str] = field(default_factory=dict)


FaultPolicy = Callable[[Request], Response | None]


class BadRequest(ValueError):
    pass


class MirrorApp:
    """What the portal answers, independent of the HTTP plumbing."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.routes: dict[str, Callable[[Request], Response]] = {
            LIST_PATH: self.advanced_search,
            GB_DETAIL_PATH: lambda r: self.detail(r, NATIONAL),
            HB_DETAIL_PATH: lambda r: self.detail(r, INDUSTRY),
        }

    def handle(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is None or request.method not in ("GET", "HEAD"):
            return Response(404, render.not_found_html().encode())
        try:
            return route(request)
        except BadRequest as exc:
            return _json(400, {"message": str(exc)})

    def advanced_search(self, request: Request) -> Response:
        q = request.query
        page = _int(q, "pageNumber", 1)
        size = min(_int(q, "pageSize", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        if page < 1 or size < 1:
            raise BadRequest("pageNumber and pageSize must be at least 1")
        tid = q.get("tid", "")
        name = q.get("std_p8", "").strip()
        if tid in (str(NATIONAL), str(INDUSTRY)):
            hits = self.corpus.search(int(tid), _date(q, "std_p10"), _date(q, "std_p11"), name)
        else:
            hits = []
        rows = [render.list_row(self.corpus, s, name) for s in hits[(page - 1) * size: page * size]]
        return _json(200, {"total": len(hits), "pageNumber": page, "rows": rows})

    def detail(self, request: Request, tid: int) -> Response:
        s = self.corpus.by_id(request.query.get("id", ""))
        if s is None or s.tid != tid:
            return Response(404, render.not_found_html().encode())
        return Response(200, render.detail_html(self.corpus, s).encode())


def _json(status: int, payload: dict) -> Response:
    return Response(status, json.dumps(payload, ensure_ascii=False).encode(), _JSON)


def _int(query: Mapping[str, str], key: str, default: int) -> int:
    raw = query.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"{key}={raw!r} is not a number") from None


def _date(query: Mapping[str, str], key: str) -> date | None:
    raw = query.get(key, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{key}={raw!r} is not a YYYY-MM-DD date") from None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 60  # an idle keep-alive connection is closed after this

    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        request = Request(method, url.path, query, dict(self.headers.items()))
        response = self.server.mirror.dispatch(request)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    mirror: MirrorServer


class MirrorServer:
    """The mirror on 127.0.0.1 (port 0 = any free port), serving in a background thread.

    >>> with MirrorServer(Corpus()) as mirror:
    ...     httpx.get(mirror.base_url + "/gb/search/gbAdvancedSearchPage", params={"tid": 2})
    """

    def __init__(self, corpus: Corpus, host: str = "127.0.0.1", port: int = 0,
                 fault_policy: FaultPolicy | None = None) -> None:
        try:
            loopback = ipaddress.IPv4Address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(f"the mirror binds to an IPv4 loopback address (127.x.x.x) only, not {host!r}")
        self.corpus = corpus
        self.app = MirrorApp(corpus)
        self.fault_policy = fault_policy
        self._host, self._port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._log: Counter[str] = Counter()
        self._log_lock = threading.Lock()

    def dispatch(self, request: Request) -> Response:
        with self._log_lock:
            self._log[request.path] += 1
        if self.fault_policy is not None:
            faulted = self.fault_policy(request)
            if faulted is not None:
                return faulted
        return self.app.handle(request)

    @property
    def request_log(self) -> dict[str, int]:
        """Requests received so far, per path (query excluded)."""
        with self._log_lock:
            return dict(self._log)

    def requests_to(self, prefix: str) -> int:
        """Requests received so far whose path starts with `prefix`."""
        with self._log_lock:
            return sum(n for path, n in self._log.items() if path.startswith(prefix))

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the mirror is not running: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> MirrorServer:
        if self._httpd is not None:
            raise RuntimeError("the mirror is already running")
        self._httpd = _HTTPServer((self._host, self._port), _Handler)
        self._httpd.mirror = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="mirror-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
