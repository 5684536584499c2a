"""The mirror's HTTP plumbing, shared by every site: requests, responses, one loopback server per site.

A site is an *app*: an object with `handle(request) -> Response` (see `mirror.sites`).
`SiteServer` serves one app on 127.0.0.1 in a background thread, logs the requests it
receives, and lets a `fault_policy` (a callable that sees each `Request` first and may
answer it instead of the app) stand in front of it. `mirror.server.MirrorServer` is the
std.samr.gov.cn site; `mirror.cluster.MirrorCluster` runs one `SiteServer` per portal.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

JSON_UTF8 = "application/json;charset=UTF-8"
HTML_UTF8 = "text/html;charset=UTF-8"
_KEEP_REQUESTS = 20_000  # recent requests kept per site for tests (`SiteServer.requests`)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]  # last value of each parameter, blanks kept
    headers: Mapping[str, str]
    body: bytes = b""
    site: str = "samr"  # which portal of the cluster received it
    query_lists: Mapping[str, list[str]] = field(default_factory=dict)  # every value (`status[]=…&status[]=…`)
    received_at: float = 0.0  # time.time() when its headers were read: the rate a site saw (`SiteServer.requests`)

    def header(self, name: str, default: str = "") -> str:
        lower = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lower:
                return value
        return default

    def form(self) -> dict[str, list[str]]:
        """An application/x-www-form-urlencoded body, every value of every field (blanks kept)."""
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the form body is not UTF-8") from None
        return parse_qs(text, keep_blank_values=True)

    def json(self) -> object:
        """A JSON body; an empty body is `{}`."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("the body is not JSON") from None

    def cookies(self) -> dict[str, str]:
        out = {}
        for part in self.header("Cookie").split(";"):
            name, sep, value = part.strip().partition("=")
            if sep:
                out[name] = value
        return out


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = HTML_UTF8
    headers: dict[str, str] = field(default_factory=dict)


FaultPolicy = Callable[[Request], "Response | None"]
# Sees every answer the app gives and may change it (`mirror.drift`: a renamed key, a moved column).
ResponseFilter = Callable[[Request, "Response"], "Response"]


class BadRequest(ValueError):
    pass


class App(Protocol):
    def handle(self, request: Request) -> Response: ...


# -- helpers for apps ---------------------------------------------------------------------------


def json_response(payload: object, status: int = 200) -> Response:
    return Response(status, json.dumps(payload, ensure_ascii=False).encode(), JSON_UTF8)


def html_response(text: str, status: int = 200, encoding: str = "utf-8", headers: dict[str, str] | None = None) -> Response:
    charset = "UTF-8" if encoding.lower().replace("-", "") == "utf8" else encoding.upper()
    return Response(status, text.encode(encoding, errors="xmlcharrefreplace"), f"text/html;charset={charset}",
                    dict(headers or {}))


def last(values: Mapping[str, list[str]], key: str, default: str = "") -> str:
    got = values.get(key)
    return got[-1] if got else default


def int_value(raw: str, key: str, default: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"{key}={raw!r} is not a number") from None


def date_value(raw: str, key: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise BadRequest(f"{key}={raw!r} is not a YYYY-MM-DD date") from None


def host_url(request: Request) -> str:
    """`http://<Host>` as the client addressed this site (for absolute links and redirects)."""
    host = request.header("Host")
    return f"http://{host}" if host else ""


def _conditional(request: Request, response: Response) -> Response:
    """A 200 answer tagged with an ETag (a digest of its body), or 304 Not Modified without a body
    when the request's If-None-Match names that tag (or `*`)."""
    etag = f'"{hashlib.sha256(response.body).hexdigest()[:32]}"'
    asked = {tag.strip() for tag in request.header("If-None-Match").split(",") if tag.strip()}
    if etag in asked or "*" in asked:
        return Response(304, b"", response.content_type, {"ETag": etag})
    return Response(response.status, response.body, response.content_type, {**response.headers, "ETag": etag})


# -- the server ------------------------------------------------------------------------------------


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
        with self.server.mirror.serving():
            self._answer(method)

    def _answer(self, method: str) -> None:
        received_at = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        lists = parse_qs(url.query, keep_blank_values=True)
        query = {k: v[-1] for k, v in lists.items()}
        site = self.server.mirror
        request = Request(method, url.path, query, dict(self.headers.items()), body, site.site, lists, received_at)
        response = site.dispatch(request)
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
    mirror: SiteServer


class SiteServer:
    """One site of the mirror on 127.0.0.1 (port 0 = any free port), serving in a background thread."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0,
                 fault_policy: FaultPolicy | None = None, site: str = "samr") -> None:
        try:
            loopback = ipaddress.IPv4Address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(f"the mirror binds to an IPv4 loopback address (127.x.x.x) only, not {host!r}")
        self.app = app
        self.site = site
        self.fault_policy = fault_policy
        self.response_filter: ResponseFilter | None = None
        self.conditional = False  # honour If-None-Match (`mirror.variants`, conditional=yes)
        self._host, self._port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._log: Counter[str] = Counter()
        self._recent: deque[Request] = deque(maxlen=_KEEP_REQUESTS)
        self._log_lock = threading.Lock()
        self._in_flight = 0
        self._peak_in_flight = 0

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Count one request in flight, from its headers read to its last byte written."""
        with self._log_lock:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._log_lock:
                self._in_flight -= 1

    @property
    def peak_in_flight(self) -> int:
        """The most requests this site was answering at once since the last `reset_log`."""
        with self._log_lock:
            return self._peak_in_flight

    def dispatch(self, request: Request) -> Response:
        with self._log_lock:
            self._log[request.path] += 1
            self._recent.append(request)
        if self.fault_policy is not None:
            faulted = self.fault_policy(request)
            if faulted is not None:
                return faulted
        response = self.app.handle(request)
        if self.response_filter is not None:
            response = self.response_filter(request, response)
        if self.conditional and request.method == "GET" and response.status == 200:
            return _conditional(request, response)
        return response

    @property
    def request_log(self) -> dict[str, int]:
        """Requests received so far, per path (query excluded)."""
        with self._log_lock:
            return dict(self._log)

    def requests_to(self, prefix: str) -> int:
        """Requests received so far whose path starts with `prefix`."""
        with self._log_lock:
            return sum(n for path, n in self._log.items() if path.startswith(prefix))

    def requests(self) -> list[Request]:
        """The most recent requests (up to 20,000), oldest first, with headers and bodies."""
        with self._log_lock:
            return list(self._recent)

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()
            self._recent.clear()
            self._peak_in_flight = self._in_flight

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the mirror is not running: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        if self._httpd is not None:
            raise RuntimeError("the mirror is already running")
        self._httpd = _HTTPServer((self._host, self._port), _Handler)
        self._httpd.mirror = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"mirror-{self.site}", daemon=True)
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

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
