"""Shared by the loopback HTTP tests (the per-source extract tests, the HTTP client, the plan source):
a stdlib server on an ephemeral 127.0.0.1 port, an HttpClient with the test defaults, and the
status/headers/body writing. Each test keeps its own handler, which is what it is testing."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from extract.archive import Archive
from extract.http import HttpClient

# No retries, no sleeping, no per-host spacing: a test sees the first answer, at once.
TEST_CLIENT = dict(
    user_agent="stdwatch-test", allowed_hosts={"127.0.0.1"}, host_policy=lambda h: (0.0, 1),
    timeout=5, max_retries=0, backoff=0.1, max_retry_after=10, max_bytes=1 << 20, sleep=lambda s: None,
)


@contextmanager
def serve(handler_cls: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler_cls` on a free loopback port; yields the base URL, shuts down on exit."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def make_client(tmp_path: Path, **overrides) -> Iterator[HttpClient]:
    """An HttpClient with TEST_CLIENT (and `overrides`) archiving into `tmp_path` as run "run"."""
    archive = Archive(tmp_path, "run")
    client = HttpClient(**{**TEST_CLIENT, "archive": archive, **overrides})
    try:
        yield client
    finally:
        client.close()
        archive.close()


def reply(handler: BaseHTTPRequestHandler, status: int, body: str | bytes = b"", content_type: str | None = None,
          headers: Iterable[tuple[str, str]] = ()) -> None:
    """Write one complete answer: status, Content-Type (when given), `headers`, Content-Length, body."""
    payload = body.encode() if isinstance(body, str) else body
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
