"""Fault mode: a share of requests answered the way flaky or defended portals answer them.

    policy = FaultPolicy(rate=0.10, seed=7)
    with MirrorServer(corpus, fault_policy=policy) as mirror: ...
    policy.injected   # Counter of the faults served, by kind

A `FaultPolicy` is a plain callable `Request -> Response | None` (the mirror's
`fault_policy` hook): `None` lets the mirror answer. It keeps no reference to a
server, so one policy can be handed to every site of a multi-site mirror.

Kinds (`KINDS`):

| kind | what the client sees | a client should |
|---|---|---|
| `http_500`, `http_502` | an nginx error page | back off, retry |
| `http_503` | the same, with `Retry-After` | wait that long, retry |
| `http_429` | "Too Many Requests" with `Retry-After` | wait that long, retry |
| `reset` | the connection closed with no answer | retry |
| `timeout` | no answer for `timeout_seconds` (set it above the client's read timeout), then a closed connection | retry |
| `truncated` | headers promising more body than arrives before the connection closes | retry |
| `waf` | HTTP 200 with a WAF challenge page | treat the portal as blocked: stop, report |
| `slow` | the correct answer, `slow_seconds` late | nothing (not a fault to the client) |

`DEFAULT_MIX` holds every transient kind and no `waf`, so a run under faults
still converges; add `waf` to the mix to exercise the blocked path.

Deterministic: whether the n-th request for one (method, path, query, body) is faulted,
and how, depends only on the seed, that request and n — not on thread timing or
on what else was requested. A retried request draws again, so at a rate below 1
every request eventually gets through.

Resets, timeouts and truncation act on the connection itself, which a fault policy
does not hold: the policy finds the request handler serving it (it is called from
inside that handler's thread, as every mirror site's `fault_policy` is), writes
what the fault lets through (nothing, or headers and a piece of the body) to the
socket, and sends whatever the server writes afterwards nowhere, then lets the
server close the connection as usual. No exception crosses the server's thread.
"""

from __future__ import annotations

import hashlib
import io
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlencode

from mirror.server import Request, Response

KINDS = ("http_500", "http_502", "http_503", "http_429", "reset", "timeout", "truncated", "waf", "slow")
# Relative weights of the kinds a faulted request gets; transient only (see the module docstring).
DEFAULT_MIX: Mapping[str, float] = {
    "http_500": 1, "http_502": 1, "http_503": 1, "http_429": 1, "reset": 1, "timeout": 1, "truncated": 1, "slow": 1,
}
# Kinds a client cannot see as a fault: a slow answer is still a correct one.
NOT_FAULTS = frozenset({"slow"})

_HTML = "text/html;charset=UTF-8"
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
            429: "Too Many Requests"}
# A WAF challenge as the portals' firewalls serve it (portals.md §1.6, §4.3).
_WAF_PAGE = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>访问被拦截</title></head><body>"
    "<h1>WEB 应用防火墙</h1><p>您的访问行为存在异常，已被拦截。</p>"
    "<script>document.cookie=\"__jsluid_s=0f3a\";</script></body></html>"
)


def parse_mix(spec: str) -> dict[str, float]:
    """`"http_503:2,reset,waf:0.5"` → {kind: weight}; a kind without a weight weighs 1."""
    mix: dict[str, float] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kind, _, weight = part.partition(":")
        kind = kind.strip()
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose from {', '.join(KINDS)}")
        try:
            mix[kind] = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(f"fault weight {weight!r} of {kind} is not a number") from None
    if not mix or not any(w > 0 for w in mix.values()):
        raise ValueError(f"fault mix {spec!r} names no kind with a positive weight")
    return mix


class FaultPolicy:
    """See the module docstring. `rate` (0–1) may be changed between runs with `set_rate`."""

    def __init__(
        self,
        rate: float = 0.10,
        *,
        mix: Mapping[str, float] | str | None = None,
        seed: int = 0,
        retry_after_seconds: float = 1.0,
        timeout_seconds: float = 35.0,
        slow_seconds: float = 2.0,
    ) -> None:
        self._lock = threading.Lock()
        self.set_rate(rate)
        mix = parse_mix(mix) if isinstance(mix, str) else dict(mix or DEFAULT_MIX)
        unknown = set(mix) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
        self._kinds = [k for k, w in mix.items() if w > 0]
        self._weights = [mix[k] for k in self._kinds]
        self.seed = seed
        self.retry_after_seconds = retry_after_seconds
        self.timeout_seconds = timeout_seconds
        self.slow_seconds = slow_seconds
        self._seen: Counter[str] = Counter()
        self.requests = 0
        self.injected: Counter[str] = Counter()

    def set_rate(self, rate: float) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate {rate!r} must be between 0 and 1")
        with self._lock:
            self.rate = rate

    @property
    def faults(self) -> int:
        """Faults served that a client sees as such (everything but `slow`)."""
        with self._lock:
            return sum(n for kind, n in self.injected.items() if kind not in NOT_FAULTS)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests = 0
            self.injected.clear()

    def choose(self, request: Request) -> str | None:
        """The fault this request gets (None: answered normally). Counts it."""
        body = hashlib.sha256(getattr(request, "body", b"") or b"").hexdigest()[:16]  # POST forms page by body
        key = f"{request.method} {request.path}?{urlencode(sorted(request.query.items()))} {body}"
        with self._lock:
            self.requests += 1
            self._seen[key] += 1
            draw = random.Random(f"{self.seed}|{key}|{self._seen[key]}")
            if draw.random() >= self.rate:
                return None
            kind = draw.choices(self._kinds, self._weights)[0]
            self.injected[kind] += 1
            return kind

    def __call__(self, request: Request) -> Response | None:
        kind = self.choose(request)
        if kind is None:
            return None
        if kind.startswith("http_"):
            status = int(kind.removeprefix("http_"))
            headers = {"Retry-After": _seconds(self.retry_after_seconds)} if status in (429, 503) else {}
            return Response(status, _error_page(status).encode(), _HTML, headers)
        if kind == "reset":
            return _cut_connection()
        if kind == "timeout":
            time.sleep(self.timeout_seconds)
            return _cut_connection()
        if kind == "truncated":
            body = _error_page(200).encode()
            head = (f"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: {_HTML}\r\n"
                    f"Content-Length: {len(body) + 4096}\r\n\r\n").encode()
            return _cut_connection(head + body[:64])
        if kind == "waf":
            return Response(200, _WAF_PAGE.encode(), _HTML)
        time.sleep(self.slow_seconds)  # slow
        return None


def _cut_connection(sent: bytes = b"") -> Response:
    """Send `sent` (possibly nothing) on the connection being served, then end it: whatever the
    server writes next goes nowhere and it closes the connection after this request."""
    handler = _serving_handler()
    if sent:
        handler.wfile.write(sent)
        handler.wfile.flush()
    handler.wfile = io.BytesIO()
    handler.close_connection = True
    return Response(499, b"")  # written to nowhere


def _serving_handler() -> BaseHTTPRequestHandler:
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, BaseHTTPRequestHandler):
            return candidate
        frame = frame.f_back
    raise RuntimeError("connection faults (reset, timeout, truncated) are served from inside the mirror's "
                       "request handler; call the policy through a mirror server")


def _seconds(value: float) -> str:
    return str(max(0, round(value)))


def _error_page(status: int) -> str:
    reason = _REASONS.get(status, "OK")
    return (f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1>"
            "</center><hr><center>nginx</center></body></html>")
