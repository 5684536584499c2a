"""`stdwatch serve` stops on Ctrl-C (SIGINT to its process group, as a terminal sends it) or SIGTERM
within 10 s, with one line and exit 0, and leaves no Prefect server behind; the UI link it prints
opens a UI that reads the API on the port actually started (issue 10, item 7)."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from ops_support import REPO

pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STOPPED = "stdwatch serve: stopped, and the Prefect server it started."


class Served:
    """A real `stdwatch serve` with no PREFECT_API_URL (so it starts its own server), in its own
    process group; its output lines arrive on a queue as they are printed."""

    def __init__(self, tmp_path) -> None:
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
        env.update(PREFECT_HOME=str(tmp_path / "prefect"), STDWATCH_DATA_DIR=str(tmp_path / "data"))
        self.process = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve"], env=env, cwd=REPO,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.api_url = ""
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = self.lines.get(timeout=deadline - time.monotonic())
            if found := re.search(r"Prefect API: (\S+)", line):
                self.api_url = found.group(1)
            if "polling for scheduled runs" in line:  # the runner is up
                return
        raise AssertionError("stdwatch serve did not start")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def output_after(self, seconds: float) -> list[str]:
        """Lines printed from now until the process exits (at most `seconds`), then its exit code."""
        deadline = time.monotonic() + seconds
        out = []
        while self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)  # the reader thread's last lines
        while not self.lines.empty():
            out.append(self.lines.get())
        return [line for line in out if line.strip()]

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)


def _server_answers(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _check_ui(served: Served, tmp_path) -> None:
    """The UI at the printed link, in headless Chromium, lists the served deployments: it called the API
    on the port this server was started on (Prefect's default would be 4200)."""
    assert os.access(CHROMIUM, os.X_OK), "chromium is installed by .ci/run"
    ui = served.api_url.removesuffix("/api")
    browse = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--virtual-time-budget=30000"]
    shot = tmp_path / "deployments.png"
    subprocess.run([*browse, f"--screenshot={shot}", "--window-size=1280,800", f"{ui}/deployments"],
                   capture_output=True, timeout=180, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([*browse, "--dump-dom", f"{ui}/deployments"], capture_output=True, text=True,
                         timeout=180, check=True).stdout
    # Each served deployment is listed with a link to its id: the UI read them from this server's API.
    for name in ("nightly", "backfill", "reprocess"):
        assert re.search(rf'href="/deployments/deployment/[0-9a-f-]{{36}}"[^>]*title="{name}"', dom), name


def _drain(served: Served) -> None:
    while not served.lines.empty():
        served.lines.get()


@pytest.mark.parametrize("how", ["SIGINT to the process group (Ctrl-C)", "SIGTERM to the process",
                                 "SIGTERM to the process group"])
def test_serve_stops_within_10_s_with_one_line_and_no_server_left(tmp_path, how):
    served = Served(tmp_path)
    try:
        assert _server_answers(served.api_url)
        if how.startswith("SIGINT"):  # one server start for two checks
            _check_ui(served, tmp_path)
        _drain(served)
        sig = signal.SIGINT if how.startswith("SIGINT") else signal.SIGTERM
        if "group" in how:
            os.killpg(served.process.pid, sig)
        else:
            served.process.send_signal(sig)
        said = served.output_after(10)
        assert served.process.poll() == 0, said
        assert said == [STOPPED]
        assert not _server_answers(served.api_url)
    finally:
        served.kill()
