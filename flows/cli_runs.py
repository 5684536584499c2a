"""How the commands that run flows run them and what they print: the Prefect API they use (one
that dies with the command), a failed health check as one clear line (the traceback only with
`stdwatch --debug …`), and the run report as JSON with `--json`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

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


@contextmanager
def prefect_api() -> Iterator[None]:
    """The Prefect API for this command's flow runs: PREFECT_API_URL when set; otherwise a server on
    127.0.0.1 started for this command and stopped after it (`flows.serve.LocalPrefectServer`, API
    only). Not Prefect's temporary server, which outlives a SIGKILLed command; this one is sent
    SIGTERM by the kernel when the command dies, however it dies."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serve import LocalPrefectServer

    if PREFECT_API_URL.value():
        yield
        return
    with LocalPrefectServer(services=False) as server, temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        try:
            yield
        finally:
            _deliver_logs_and_events()


def _deliver_logs_and_events() -> None:
    """Send the run's queued logs and events while the server that receives them still runs: stopped
    first, Prefect's workers print "Error logging to API … All connection attempts failed" at exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    EventsWorker.drain_all(timeout=10)


def report_dict(report) -> dict:
    """A `flows.pipeline.RunReport` as plain data (dates and paths as strings): the `--json` output."""
    data = asdict(report)
    data["duration_seconds"] = round(report.duration, 3)
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
