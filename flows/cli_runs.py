"""How the commands that run flows run them and what they print: the Prefect API they use (one
that dies with the command; a server that fails to start is one line saying what to do), the
command's start-up by stage, a failed health check as one clear line (the traceback only with
`stdwatch --debug …`), and the run report as JSON with `--json`."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import typer

# `stdwatch --debug …`: tracebacks and Prefect's own failure lines on the terminal, as logged.
DEBUG = False


def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks (an expected failure otherwise prints one line)."),
) -> None:
    """Track a city's standardization plan, district by district."""
    global DEBUG
    DEBUG = debug


class _ExpectedFailures(logging.Filter):
    """Keeps off the terminal what the run's summary already says in one line: Prefect's report of the
    flow failing with HealthCheckFailed (and its traceback), the HEALTH CHECK FAILED log lines, and
    the tracebacks logged for a source's failure (its reason is in the summary). Prefect's API
    still receives every record: only the console handler carries this filter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            return False
        message = record.getMessage()
        return not (message.startswith("HEALTH CHECK FAILED") or "HealthCheckFailed" in message)


@contextmanager
def quiet_expected_failures() -> Iterator[None]:
    """The filter on every console (stream) handler of the root logger, for the block; none with --debug."""
    handlers = [] if DEBUG else [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    quiet = _ExpectedFailures()
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(quiet)


class StartupClock:
    """Wall seconds of a command's start-up, stage by stage, from the start of the process (Python
    and the imports before the command's own code are the first stage)."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = _process_started_at()

    def mark(self, stage: str, at: float | None = None) -> None:
        """`stage` ended at `at` (time.time(); default now) and began where the previous one ended."""
        at = time.time() if at is None else at
        self.stages[stage] = round(max(0.0, at - self._last), 2)
        self._last = max(self._last, at)

    def describe(self) -> str:
        parts = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in self.stages.items())
        return f"{parts} ({sum(self.stages.values()):.1f} s in all)"


def _process_started_at() -> float:
    """When this process started (time.time() scale), from /proc; now, where there is no /proc."""
    try:
        started_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return time.time()
    return time.time() - uptime + started_ticks / os.sysconf("SC_CLK_TCK")


STARTUP = StartupClock()
_launched = None  # a LocalPrefectServer launched early (`launch_prefect_api`), for `prefect_api` to use


def launch_prefect_api() -> None:
    """Start this command's Prefect API server now, without waiting for it, when `prefect_api` will
    need one (no PREFECT_API_URL): it boots while the command does its own start-up."""
    global _launched
    from prefect.settings import PREFECT_API_URL

    from flows.serve import LocalPrefectServer

    if _launched is None and not PREFECT_API_URL.value():
        _launched = LocalPrefectServer(services=False).launch()


@contextmanager
def prefect_api() -> Iterator[None]:
    """The Prefect API for this command's flow runs: PREFECT_API_URL when set; otherwise a server on
    127.0.0.1 started for this command (or by `launch_prefect_api`) and stopped after it
    (`flows.serve.LocalPrefectServer`, API only). Not Prefect's temporary server, which outlives a
    SIGKILLed command; this one is sent SIGTERM by the kernel when the command dies, however it
    dies. A server that does not come up (after one retry if it exited) ends the command with one
    line saying what to do, exit code 1.

    On that server flow runs send no heartbeats (unless PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set):
    heartbeats only serve an automation that marks silent runs crashed, and this server runs none
    (API only). Prefect's heartbeat thread sleeps in 1 s steps and every flow run joins it at its
    end, so each run lasted 0–1 s longer, at random (measured 0.21–1.06 s of overhead at a flow's
    end with it, 0.19–0.26 s without: docs/benchmarks.md). Runs on a configured server, where an
    operator may have set up that automation, keep Prefect's default."""
    global _launched
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serve import LocalPrefectServer, PrefectServerError

    if PREFECT_API_URL.value():
        yield
        return
    server, _launched = _launched or LocalPrefectServer(services=False).launch(), None
    try:
        try:
            server.wait_ready()
        except PrefectServerError as exc:
            typer.secho(f"stdwatch: {exc}", err=True, fg="red")
            raise typer.Exit(1) from exc
        STARTUP.mark("Prefect API server")
        with temporary_settings(updates={PREFECT_API_URL: server.api_url, **_no_heartbeats()}):
            try:
                yield
            finally:
                _deliver_logs_and_events()
    finally:
        server.stop()


def _no_heartbeats() -> dict[str, None]:
    """The setting that turns flow-run heartbeats off, unless the environment sets their frequency."""
    if {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"} & os.environ.keys():
        return {}
    return {"flows.heartbeat_frequency": None}


def _deliver_logs_and_events() -> None:
    """Send the run's queued logs and events while the server that receives them still runs: stopped
    first, Prefect's workers print "Error logging to API … All connection attempts failed" at exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    EventsWorker.drain_all(timeout=10)


def report_dict(report) -> dict:
    """A `flows.runs.RunReport` as plain data (dates and paths as strings): the `--json` output."""
    data = asdict(report)
    data["duration_seconds"] = round(report.duration, 3)
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
