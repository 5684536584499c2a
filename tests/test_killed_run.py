"""A `stdwatch run` killed with SIGKILL leaves no Prefect server behind (issue 10, item 7): with no
PREFECT_API_URL the command starts its own API server, which the kernel stops when the command dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from loopback import serve
from ops_support import REPO

pytestmark = pytest.mark.integration

asked = threading.Event()


class Stalling(BaseHTTPRequestHandler):
    """Answers a list page one byte a second: the run is mid-crawl for as long as the test needs."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        asked.set()
        try:
            self.send_response(200)
            self.send_header("Content-Length", "600")
            self.end_headers()
            for _ in range(600):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_sigkilled_run_leaves_no_prefect_server_behind(tmp_path):
    with serve(Stalling) as url:
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
        env.update(PREFECT_HOME=str(tmp_path / "prefect"), STDWATCH_DATA_DIR=str(tmp_path / "data"),
                   STDWATCH_SOURCES=json.dumps(["samr"]), STDWATCH_BASE_URLS__SAMR=url)
        run = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "nightly"], env=env, cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        server = None
        try:
            assert asked.wait(timeout=300), "the run never reached the portal"
            servers = {pid: cmd for pid, cmd in _children(run.pid).items() if "prefect" in cmd and "server" in cmd}
            assert len(servers) == 1, _children(run.pid)
            (server,) = servers
            run.send_signal(signal.SIGKILL)  # the command only: its server is in a session of its own
            run.wait(timeout=30)
            deadline = time.monotonic() + 30
            while _alive(server) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not _alive(server)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
            if server is not None and _alive(server):  # a failed test leaves nothing running either
                os.kill(server, signal.SIGKILL)
