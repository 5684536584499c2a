"""A whole-request deadline and a per-source time budget (issue 10, item 5), against a loopback
server that drips its answer one byte at a time: httpx's timeout is per read, so without the
deadline such a server holds a request for as long as it likes."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest

from extract.http import FetchFailed, OutOfTime
from loopback import make_client, reply, serve

DRIP_BYTES = 60
DRIP_EVERY = 0.5  # seconds: the whole answer would take 30 s
DEADLINE = 1.5


class Dripping(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    asked: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        Dripping.asked.append(self.path)
        try:
            if self.path == "/drip-body":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(DRIP_BYTES))
                self.end_headers()
                self._drip(b"x" * DRIP_BYTES)
            elif self.path == "/drip-headers":
                self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"y" * DRIP_BYTES)
            else:
                reply(self, 200, "<html><body>ok</body></html>", "text/html")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: what the test wants

    def _drip(self, data: bytes) -> None:
        for i in range(len(data)):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(DRIP_EVERY)


@pytest.fixture(scope="module")
def server():
    with serve(Dripping) as url:
        yield url


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_dripping_server_costs_one_request_at_most_the_deadline_then_the_run_goes_on(tmp_path, server, path):
    with make_client(tmp_path, timeout=10, deadline=DEADLINE, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(FetchFailed):
            client.fetch("GET", server + path, source="t")
        spent = time.monotonic() - started
        # Without the deadline this request lasts DRIP_BYTES × DRIP_EVERY = 30 s; each read is within `timeout`.
        assert spent < DEADLINE + 1.0
        assert client.stats["t"]["requests"] == 1 and client.stats["t"]["fault_kinds"] == {"timeout": 1}
        assert client.fetch("GET", server + "/ok", source="t").ok  # and the run goes on


def test_a_source_past_its_budget_is_asked_nothing_more_and_the_others_go_on(tmp_path, server):
    now = [100.0]
    with make_client(tmp_path, budget=60, clock=lambda: now[0]) as client:
        assert client.fetch("GET", server + "/ok", source="slow").ok
        now[0] += 61
        asked = len(Dripping.asked)
        with pytest.raises(OutOfTime) as spent:
            client.fetch("GET", server + "/ok", source="slow")
        assert spent.value.reason == "time_budget" and len(Dripping.asked) == asked  # nothing was sent
        assert client.fetch("GET", server + "/ok", source="other").ok  # the budget is per source
