"""The one HTTP client every source fetches through.

It owns politeness (a per-host:port rate limit with jitter and a per-host:port concurrency
cap), the host allow-list (redirect targets included: redirects are followed
here, one checked and archived hop at a time), retries (connect/read errors,
timeouts, truncated bodies, 500/502/503/504 and 429, honouring `Retry-After`),
a hard cap on body size, charset detection, block detection
(`extract.blocks`), and the archive: **every response, including errors and
retried attempts, is written to the archive before anything parses it.**
Network errors that produced no response are counted, not archived.

It is a sync `httpx.Client` (keep-alive, HTTP/1.1), the cheapest per request
(perf-notes.md §4), safe to share between the threads of a bounded pool.
Settings arrive as plain values; this module knows nothing of `flows.settings`.
"""

from __future__ import annotations

import codecs
import json
import random
import re
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Callable, Iterator, Mapping

import httpcore
import httpx

from extract.archive import Archive, decode_content_encoding
from extract.blocks import HTTP_429, detect_block

MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
# We decode Content-Encoding ourselves (the archive keeps bytes as received), so we offer only what zlib undoes.
ACCEPT_ENCODING = "gzip, deflate"
# Hop-by-hop framing httpx has already undone; keeping it would make WARC readers de-chunk the body again.
_NOT_ARCHIVED_HEADERS = frozenset({"transfer-encoding"})
# A declared single-byte charset on a Chinese portal is nearly always a server default, not the truth.
_WEAK_CHARSETS = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252"})
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)


class FetchError(Exception):
    """A fetch that produced no usable response; `url` names what was asked for."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class DisallowedHost(FetchError):
    """The URL (or a redirect target) is not on the host allow-list."""


class TooManyRedirects(FetchError):
    pass


class PolitenessUnavailable(FetchError):
    """The host's politeness could not be had (a shared limiter that failed or timed out): the
    request was not sent. One request's failure, like a fetch whose retries ran out."""


class Blocked(FetchError):
    """The portal answered with a challenge, captcha or rate-limit refusal. Archived; never worked around."""

    def __init__(self, reason: str, fetched: "Fetched") -> None:
        super().__init__(f"blocked ({reason}) at {fetched.url} (HTTP {fetched.status})", fetched.url)
        self.reason = reason
        self.fetched = fetched


class FetchFailed(FetchError):
    """Retries exhausted. `fetched` is the last (archived) response, or None if none came back."""

    def __init__(self, reason: str, url: str, attempts: int, fetched: "Fetched | None" = None) -> None:
        super().__init__(f"{url}: {reason} after {attempts} attempt(s)", url)
        self.reason = reason
        self.attempts = attempts
        self.fetched = fetched


class OutOfTime(Blocked):
    """The source's time budget for this run is spent: like a block, the source asks nothing more
    this run and stays incomplete (reason `time_budget`); nothing was sent."""

    def __init__(self, url: str, budget: float) -> None:
        FetchError.__init__(self, f"time budget of {budget:g} s spent; {url} not asked", url)
        self.reason = "time_budget"
        self.fetched = None


class ResponseTooLarge(FetchError):
    """The body passed `max_bytes`; what was read up to the cap is archived (WARC-Truncated: length)."""

    def __init__(self, fetched: "Fetched", limit: int) -> None:
        super().__init__(f"{fetched.url}: body larger than {limit} bytes; aborted", fetched.url)
        self.fetched = fetched


@dataclass(frozen=True, slots=True)
class Fetched:
    """One archived response, decoded."""

    source: str
    method: str
    url: str  # final URL, after redirects
    status: int
    headers: httpx.Headers
    body: bytes  # content-decoded (gzip/deflate undone)
    text: str
    encoding: str
    response_id: str  # the archive record (ArchiveEntry.response_id)
    sha256: str  # of the body as received (ArchiveEntry.sha256)
    fetched_at: datetime  # UTC, aware
    attempts: int  # requests sent for the final hop
    redirected_from: tuple[str, ...] = ()  # earlier hops, each archived too

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.text)

    def provenance_fields(self) -> dict[str, Any]:
        """Keyword arguments for `transform.records.Provenance`."""
        return {
            "source": self.source,
            "url": self.url,
            "fetched_at": self.fetched_at,
            "response_id": self.response_id,
            "sha256": self.sha256,
        }


def decode_text(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, encoding): declared charset, then `<meta>` in the first 2 KB, then UTF-8, else GB18030."""
    declared = _charset(_content_type_charset(content_type))
    candidates = [declared] if declared and declared not in _WEAK_CHARSETS else []
    meta = _META_CHARSET.search(body[:2048])
    if meta:
        candidates.append(_charset(meta.group(1).decode("ascii", "ignore")))
    if body.startswith(codecs.BOM_UTF8):
        candidates.insert(0, "utf-8-sig")
    candidates.append("utf-8")
    for encoding in candidates:
        if not encoding:
            continue
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    try:
        return body.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        if declared in _WEAK_CHARSETS:
            return body.decode(declared), declared
    return body.decode("gb18030", errors="replace"), "gb18030"


def _content_type_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.I)
    return match.group(1) if match else None


def _charset(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read GB2312/GBK labels as GB18030, their superset; so do we.
    return "gb18030" if codec in ("gb2312", "gbk", "gb18030") else codec


class _HostGate:
    """Per-host politeness: a token bucket of depth one (requests spaced by 1/rate, jittered
    upward, never closer) and a semaphore capping requests in flight. One per host and port: two
    servers on one address (the mirror's portals on 127.0.0.1) are two hosts to be polite to."""

    def __init__(self, rate: float, concurrency: int, clock, sleep, rng: random.Random, jitter: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next_at: float | None = None
        self._clock, self._sleep, self._rng, self._jitter = clock, sleep, rng, jitter

    def __enter__(self) -> None:
        self._slots.acquire()
        with self._lock:
            now = self._clock()
            start = now if self._next_at is None else max(now, self._next_at)
            self._next_at = start + self._interval * (1.0 + self._rng.uniform(0.0, self._jitter))
        if start > now:
            self._sleep(start - now)

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


class _SourceStats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.bytes = 0
        self.responses: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.blocked: Counter[str] = Counter()
        self.last: tuple[str, str] | None = None  # (url, response_id) of the latest archived answer
        self.started: float | None = None  # clock at the source's first request (its time budget)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "responses": dict(self.responses),
                "retries": self.retries,
                "faults": sum(self.faults.values()),
                "fault_kinds": dict(self.faults),
                "blocked": sum(self.blocked.values()),
                "blocked_reasons": dict(self.blocked),
                "bytes": self.bytes,
            }


@dataclass(slots=True)
class _Answer:
    """A response as read off the wire, before decoding."""

    status: int
    reason: str
    http_version: str
    headers: httpx.Headers
    raw: bytes
    truncated: str | None  # WARC-Truncated value: "length" (our cap), "disconnect", "time"
    next_request: httpx.Request | None
    fetched_at: datetime


class HttpClient:
    """See the module docstring. One instance per run; `close()` when done.

    `host_policy(host)` gives (requests per second, requests in flight) for each port of
    that host (each host:port keeps to it on its own); a rate of 0 means no spacing. `timeout`
    bounds each connect and each read; `deadline` bounds a whole
    request — connect, sending, headers and every read of the body (a server dripping a byte a
    second is cut there, a `timeout` fault); `budget` bounds a source's requests in this client
    (from its first): past it, `fetch` raises `OutOfTime` without asking. `jitter` stretches each spacing and backoff by up to that fraction;
    `seed` makes the jitter reproducible. An `allowed_hosts` entry is a host (any port) or
    `host:port` (that port only: the demo allows exactly the mirror's ports).

    `host_gate(key, rate, concurrency)`, when given, makes the politeness gate of each host:port
    (`key`) instead of this process's own: a context manager held around each request, e.g. one
    shared by every worker of a province (`flows.politeness`). If entering it raises, the request
    is not sent and `fetch` raises `PolitenessUnavailable`.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        allowed_hosts: set[str],
        host_policy: Callable[[str], tuple[float, int]],
        timeout: float = 30.0,
        deadline: float | None = None,
        budget: float | None = None,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_retry_after: float = 1800.0,
        max_bytes: int = 20 * 1024 * 1024,
        archive: Archive,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: float = 0.25,
        seed: int | None = None,
        host_gate: Callable[[str, float, int], AbstractContextManager] | None = None,
    ) -> None:
        self.allowed_hosts = {h.lower() for h in allowed_hosts if h}
        self._host_policy = host_policy
        self._deadline = deadline
        self._budget = budget
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._max_bytes = max_bytes
        self._archive = archive
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._rng = random.Random(seed)  # random() is atomic under the GIL; shared by all threads
        self._host_gate = host_gate
        self._gates: dict[str, AbstractContextManager] = {}
        self._stats: dict[str, _SourceStats] = {}
        self._lock = threading.Lock()
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=timeout,
            follow_redirects=False,
            limits=limits,
            transport=_DeadlineTransport(limits),
        )

    # -- public ------------------------------------------------------------------------------

    def fetch(
        self,
        method: str,
        url: str,
        *,
        source: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        """Fetch `url`, following up to 5 allowed redirects; every answer is archived first.

        `data` is a form (url-encoded); `content` is a raw body (e.g. JSON bytes — set Content-Type).

        Raises DisallowedHost, Blocked (OutOfTime: the source's budget is spent), FetchFailed,
        ResponseTooLarge or TooManyRedirects.
        Other statuses (e.g. 404) are returned; check `Fetched.ok`.
        """
        self._check_budget(source, url)
        request = self._client.build_request(
            method, url, params=params, data=data, content=content, headers=headers
        )
        hops: list[str] = []
        for _ in range(MAX_REDIRECTS + 1):
            self._check_host(request.url)
            fetched, next_request = self._fetch_hop(request, source)
            if next_request is None:
                return replace(fetched, redirected_from=tuple(hops)) if hops else fetched
            hops.append(fetched.url)
            request = next_request
        raise TooManyRedirects(f"{url}: more than {MAX_REDIRECTS} redirects ({' → '.join(hops)})", url)

    @property
    def stats(self) -> dict[str, dict[str, Any]]:
        """Per source: requests, responses by status class, retries, faults (+ kinds), blocked (+ reasons), bytes.

        Faults are answers that called for a retry: transport errors (`reset`, `timeout`,
        `connect`), truncated bodies, and 5xx/429 answers (`http_503`, ...).
        """
        with self._lock:
            items = list(self._stats.items())
        return {source: stats.snapshot() for source, stats in items}

    def last_response(self, source: str) -> tuple[str, str] | None:
        """(url, response_id) of the latest answer archived for `source`: the page a crash names."""
        with self._lock:
            stats = self._stats.get(source)
        return stats.last if stats else None

    def close(self) -> None:
        self._client.close()
        for gate in self._gates.values():  # a shared gate's connection to its limiter
            if hasattr(gate, "close"):
                gate.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one hop, with retries ---------------------------------------------------------------

    def _fetch_hop(self, request: httpx.Request, source: str) -> tuple[Fetched, httpx.Request | None]:
        stats = self._source_stats(source)
        url = str(request.url)
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self._max_retries
            try:
                answer = self._send(request, stats)
            except httpx.TransportError as exc:
                kind = _fault_kind(exc)
                with stats.lock:
                    stats.faults[kind] += 1
                if last:
                    raise FetchFailed(f"{kind} ({exc})", url, attempt) from exc
                self._wait(stats, self._backoff_delay(attempt))
                continue

            fetched, action, delay = self._settle(request, answer, source, attempt, last, stats)
            if action == "return":
                return fetched, answer.next_request
            if action == "retry":
                self._wait(stats, delay)
                continue
            if action == "too_large":
                raise ResponseTooLarge(fetched, self._max_bytes)
            if action.startswith("blocked:"):
                raise Blocked(action.removeprefix("blocked:"), fetched)
            raise FetchFailed(action.removeprefix("failed:"), url, attempt, fetched)

    def _settle(
        self, request: httpx.Request, answer: _Answer, source: str, attempt: int, last: bool, stats: _SourceStats
    ) -> tuple[Fetched, str, float]:
        """Decode, classify, archive, count. Returns (fetched, action, retry delay)."""
        try:
            body = decode_content_encoding(answer.raw, answer.headers.get("content-encoding", ""))
        except (zlib.error, ValueError):
            body = answer.raw  # undecodable: parse what came; the archive has the original
        text, encoding = decode_text(body, answer.headers.get("content-type"))
        status = answer.status

        block = None if answer.truncated else detect_block(status, answer.headers, text)
        action, delay = "return", 0.0
        if answer.truncated == "length":
            action = "too_large"
        elif answer.truncated:
            action, delay = ("failed:truncated", 0.0) if last else ("retry", self._backoff_delay(attempt))
            with stats.lock:
                stats.faults["timeout" if answer.truncated == "time" else "truncated"] += 1
        elif block:
            action = f"blocked:{block}"
        elif status in RETRY_STATUSES:
            with stats.lock:
                stats.faults[f"http_{status}"] += 1
            retry_after = None
            if status in RETRY_AFTER_STATUSES and "retry-after" in answer.headers:
                retry_after = _retry_after_seconds(answer.headers["retry-after"], answer.headers.get("date"))
            if retry_after is not None and retry_after > self._max_retry_after:
                block = f"http_{status}"  # asked to stay away longer than we will wait: that is a block
                action = f"blocked:{block}"
            elif last:
                if status == 429:
                    block = HTTP_429
                    action = f"blocked:{block}"
                else:
                    action = f"failed:http_{status}"
            else:
                action = "retry"
                delay = retry_after if retry_after is not None else self._backoff_delay(attempt)

        entry = self._archive.write(
            source=source,
            method=request.method,
            url=str(request.url),
            status=status,
            reason=answer.reason,
            headers=[(k, v) for k, v in _raw_items(answer.headers) if k.lower() not in _NOT_ARCHIVED_HEADERS],
            body=answer.raw,
            request_headers=_raw_items(request.headers),
            request_body=request.read() or None,
            fetched_at=answer.fetched_at,
            http_version=answer.http_version,
            blocked=block,
            truncated=answer.truncated,
        )
        with stats.lock:
            stats.responses[f"{status // 100}xx"] += 1
            stats.bytes += len(answer.raw)
            stats.last = (str(request.url), entry.response_id)
            if block:
                stats.blocked[block] += 1
        fetched = Fetched(
            source=source,
            method=request.method,
            url=str(request.url),
            status=status,
            headers=answer.headers,
            body=body,
            text=text,
            encoding=encoding,
            response_id=entry.response_id,
            sha256=entry.sha256,
            fetched_at=entry.fetched_at,
            attempts=attempt,
        )
        return fetched, action, delay

    def _send(self, request: httpx.Request, stats: _SourceStats) -> _Answer:
        """One request under the host's gate; the body is streamed and cut at `max_bytes`."""
        with self._polite(request.url):
            with stats.lock:
                stats.requests += 1
            _request_deadline.at = None if self._deadline is None else time.monotonic() + self._deadline
            try:
                response = self._client.send(request, stream=True, follow_redirects=False)
                fetched_at = datetime.now(timezone.utc)
                try:
                    raw, truncated = self._read_capped(response)
                finally:
                    response.close()
            finally:
                _request_deadline.at = None
        return _Answer(
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            headers=response.headers,
            raw=raw,
            truncated=truncated,
            next_request=response.next_request,
            fetched_at=fetched_at,
        )

    def _read_capped(self, response: httpx.Response) -> tuple[bytes, str | None]:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            return b"", "length"
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > self._max_bytes:
                    chunks.append(chunk[: len(chunk) - (size - self._max_bytes)])
                    return b"".join(chunks), "length"
                chunks.append(chunk)
        except httpx.TimeoutException:
            return b"".join(chunks), "time"
        except (httpx.RemoteProtocolError, httpx.ReadError):
            return b"".join(chunks), "disconnect"
        raw = b"".join(chunks)
        if declared and declared.isdigit() and int(declared) != len(raw) and _has_body(response):
            return raw, "disconnect"
        return raw, None

    # -- helpers -----------------------------------------------------------------------------

    def _check_host(self, url: httpx.URL) -> None:
        host = (url.host or "").lower()
        if url.scheme not in ("http", "https") or (host not in self.allowed_hosts
                                                   and f"{host}:{url.port}" not in self.allowed_hosts):
            raise DisallowedHost(
                f"{url}: host {host!r} is not on the allow-list ({', '.join(sorted(self.allowed_hosts))}); "
                "add its base URL to the settings if it should be crawled",
                str(url),
            )

    def _gate(self, url: httpx.URL) -> AbstractContextManager:
        host = (url.host or "").lower()
        key = f"{host}:{url.port or _DEFAULT_PORTS.get(url.scheme, 0)}"
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                rate, concurrency = self._host_policy(host)
                gate = (self._host_gate(key, rate, concurrency) if self._host_gate is not None
                        else _HostGate(rate, concurrency, self._clock, self._sleep, self._rng, self._jitter))
                self._gates[key] = gate
            return gate

    @contextmanager
    def _polite(self, url: httpx.URL) -> Iterator[None]:
        """Hold the host's gate around one request; a gate that cannot be entered is this request's
        failure (`PolitenessUnavailable`), said with the URL, and nothing is sent."""
        gate = self._gate(url)
        try:
            gate.__enter__()
        except Exception as exc:
            raise PolitenessUnavailable(f"{url}: not sent, no politeness slot for its host: {exc}", str(url)) from exc
        try:
            yield
        finally:
            gate.__exit__(None, None, None)

    def _check_budget(self, source: str, url: str) -> None:
        if self._budget is None:
            return
        stats = self._source_stats(source)
        with stats.lock:
            now = self._clock()
            if stats.started is None:
                stats.started = now
            spent = now - stats.started
        if spent > self._budget:
            raise OutOfTime(url, self._budget)

    def _source_stats(self, source: str) -> _SourceStats:
        with self._lock:
            return self._stats.setdefault(source, _SourceStats())

    def _backoff_delay(self, attempt: int) -> float:
        return self._backoff * (2 ** (attempt - 1)) * (1.0 + self._rng.uniform(0.0, self._jitter))

    def _wait(self, stats: _SourceStats, delay: float) -> None:
        with stats.lock:
            stats.retries += 1
        if delay > 0:
            self._sleep(delay)


# -- the whole-request deadline --------------------------------------------------------------------
#
# httpx's timeout bounds each network operation, so a server that sends a byte every few seconds
# keeps a request alive for ever. The client runs each request synchronously in the calling thread,
# so a thread-local deadline, set by `_send` for the request, clamps the timeout of every connect,
# write and read the transport does for it; one that would start past the deadline times out at once.

_request_deadline = threading.local()


def _within_deadline(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = getattr(_request_deadline, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(
            ssl_context, server_hostname, _within_deadline(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(
            host, port, _within_deadline(timeout, httpcore.ConnectTimeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(
            path, _within_deadline(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose sockets keep to `_request_deadline` (httpx
    offers no public way to pass a network backend: the pool is rebuilt with one, as httpx builds it)."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )


def _fault_kind(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    return "reset"


def _raw_items(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Headers with their names spelled as sent (httpx's items() lower-cases them)."""
    return [(k.decode(headers.encoding), v.decode(headers.encoding)) for k, v in headers.raw]


def _has_body(response: httpx.Response) -> bool:
    return response.request.method != "HEAD" and response.status_code not in (204, 304) and response.status_code >= 200


def _retry_after_seconds(value: str, date_header: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds, or an HTTP date measured from the response's own Date."""
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    reference = datetime.now(timezone.utc)
    if date_header:
        try:
            reference = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            pass
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=timezone.utc)
    return max(0.0, (when - reference).total_seconds())


