"""Starting the command's own Prefect API server (flows/serve.py LocalPrefectServer, issue 14 item 6):
a server that exits before answering is started once more on a new port; one that never answers
ends in one line saying what to do; and the demo's start-up clock counts from the process start.

The `prefect server start` child is replaced by small stand-ins (a process that exits, a health
endpoint, a process that never answers), so these tests start no Prefect server."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from flows import serve
from flows.cli_runs import StartupClock
from flows.serve import LocalPrefectServer, PrefectServerError

TEST_STARTED = time.time()

EXITS = "import sys; sys.stderr.write('ERROR: [Errno 98] address already in use\\n'); sys.exit(3)"
HEALTHY = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""
SILENT = "import time; time.sleep(60)"


@pytest.fixture
def stand_ins(monkeypatch):
    """Each launch runs the next script of the list given (with the port asked for) instead of
    `prefect server start`; returns the ports launched on."""
    real_popen = subprocess.Popen
    launched: list[int] = []

    def use(*scripts: str) -> list[int]:
        queue = list(scripts)

        def fake_popen(command, **kwargs):
            port = int(command[command.index("--port") + 1])
            launched.append(port)
            return real_popen([sys.executable, "-c", queue.pop(0), str(port)], **kwargs)

        monkeypatch.setattr(serve.subprocess, "Popen", fake_popen)
        return launched

    return use


def test_a_server_that_exits_before_answering_is_started_again_on_a_new_port(stand_ins):
    launched = stand_ins(EXITS, HEALTHY)
    server = LocalPrefectServer(services=False).start(timeout=60)
    try:
        assert len(launched) == 2 and launched[0] != launched[1]
        assert server.api_url == f"http://127.0.0.1:{launched[1]}/api"
    finally:
        server.stop()


def test_a_server_that_exits_twice_is_one_line_naming_its_last_words(stand_ins):
    stand_ins(EXITS, EXITS)
    with pytest.raises(PrefectServerError) as failed:
        LocalPrefectServer(services=False).start(timeout=60)
    message = str(failed.value)
    assert "\n" not in message
    assert "exited with 3" in message and "address already in use" in message and "PREFECT_API_URL" in message


def test_a_server_that_never_answers_is_stopped_and_said_in_one_line(stand_ins):
    stand_ins(SILENT)
    server = LocalPrefectServer(services=False)
    with pytest.raises(PrefectServerError) as failed:
        server.start(timeout=1)
    assert server.process is None  # stopped, not left running
    message = str(failed.value)
    assert "\n" not in message and "did not answer" in message and "within 1 s" in message


def test_the_startup_clock_counts_from_the_process_start_stage_after_stage():
    clock = StartupClock()
    clock.mark("Python and imports")
    assert clock.stages["Python and imports"] >= time.time() - TEST_STARTED - 0.01  # began before this test
    later = time.time() + 5
    clock.mark("corpus", at=later)
    assert 4.9 <= clock.stages["corpus"] <= 5.1
    clock.mark("flow start", at=later - 1)  # a stage that ended before the last mark counts nothing
    assert clock.stages["flow start"] == 0.0
    assert "corpus 5.0 s" in clock.describe()


def test_a_command_whose_server_does_not_start_ends_with_one_line_and_exit_1(stand_ins, capfd):
    import typer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.cli_runs import prefect_api

    stand_ins(EXITS, EXITS)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # no API configured: the command starts its own
        with pytest.raises(typer.Exit) as exited:
            with prefect_api():
                pytest.fail("the command ran without a Prefect API")
    assert exited.value.exit_code == 1
    said = capfd.readouterr().err.strip()
    assert said.startswith("stdwatch: the Prefect API server exited with 3") and "\n" not in said


def test_flow_runs_on_the_commands_own_server_send_no_heartbeats(stand_ins, monkeypatch):
    """Heartbeats only feed an automation this API-only server does not run, and Prefect joins the
    heartbeat thread's 1 s sleep at every flow run's end (0–1 s each)."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.cli_runs import prefect_api

    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", raising=False)
    monkeypatch.delenv("PREFECT_RUNNER_HEARTBEAT_FREQUENCY", raising=False)
    assert get_current_settings().flows.heartbeat_frequency is not None  # Prefect's default: on
    launched = stand_ins(HEALTHY)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with prefect_api():
            assert get_current_settings().api.url == f"http://127.0.0.1:{launched[0]}/api"
            assert get_current_settings().flows.heartbeat_frequency is None


def test_heartbeats_asked_for_in_the_environment_are_kept(stand_ins, monkeypatch):
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.cli_runs import prefect_api

    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    stand_ins(HEALTHY)
    with temporary_settings(restore_defaults={PREFECT_API_URL}, updates={"flows.heartbeat_frequency": 60}):
        with prefect_api():
            assert get_current_settings().flows.heartbeat_frequency == 60
