"""`stdwatch serve`: run the deployments of prefect.yaml — their schedules included — in one process.

prefect.yaml is the one description of the deployments: `prefect deploy --all`
registers them for workers on a Prefect server; `serve_project` reads the same
file and serves them with `prefect.serve`, so the schedules cannot drift apart.

Schedules need a Prefect server's scheduler; Prefect's ephemeral in-process API
has none. So when no `PREFECT_API_URL` is set, serving starts `prefect server
start` on 127.0.0.1 as a child process (its database in PREFECT_HOME, so run
history survives restarts), points itself at it, and stops it on the way out;
the child is also asked to die with its parent (Linux), so even a killed
`stdwatch serve` leaves no server behind.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

SERVER_START_TIMEOUT = 180.0  # a loaded 2-core machine has needed 80 s


class PrefectServerError(RuntimeError):
    """The Prefect API server this command started did not come up; the message says what to do."""


class DeploymentFileError(ValueError):
    """prefect.yaml is missing, or a deployment in it cannot be served as written."""


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str  # "flows/nightly.py:nightly"
    description: str | None
    parameters: dict
    schedules: list[dict]  # {"cron": ..., "timezone": ...}
    tags: list[str]


def default_project_file() -> Path:
    """The prefect.yaml beside the `flows` package (a checkout or an editable install)."""
    return Path(__file__).resolve().parents[1] / "prefect.yaml"


def read_deployments(project_file: Path) -> list[DeploymentSpec]:
    try:
        document = yaml.safe_load(Path(project_file).read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise DeploymentFileError(f"cannot read {project_file}: {exc.strerror}; pass --project-file") from exc
    specs = []
    for entry in document.get("deployments") or []:
        if "name" not in entry or "entrypoint" not in entry:
            raise DeploymentFileError(f"{project_file}: a deployment needs a name and an entrypoint: {entry!r}")
        specs.append(DeploymentSpec(
            name=entry["name"],
            entrypoint=entry["entrypoint"],
            description=entry.get("description"),
            parameters=dict(entry.get("parameters") or {}),
            schedules=list(entry.get("schedules") or []),
            tags=list(entry.get("tags") or []),
        ))
    if not specs:
        raise DeploymentFileError(f"{project_file} declares no deployments")
    return specs


def load_flow(entrypoint: str):
    """The flow object of an entrypoint "flows/nightly.py:nightly", imported as a module of the package."""
    path, _, name = entrypoint.partition(":")
    module_name = path.removesuffix(".py").replace("/", ".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise DeploymentFileError(f"entrypoint {entrypoint!r}: {exc}") from exc


def runner_deployments(specs: list[DeploymentSpec]) -> list:
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    deployments = []
    for spec in specs:
        schedules = []
        for schedule in spec.schedules:
            if "cron" not in schedule:
                raise DeploymentFileError(f"deployment {spec.name}: only cron schedules are served, got {schedule!r}")
            schedules.append(Cron(schedule["cron"], timezone=schedule.get("timezone")))
        deployments.append(load_flow(spec.entrypoint).to_deployment(
            name=spec.name,
            description=spec.description,
            parameters=spec.parameters,
            schedules=schedules or None,
            tags=spec.tags or None,
            # The package is installed: served runs import it by module path, from any directory.
            entrypoint_type=EntrypointType.MODULE_PATH,
        ))
    return deployments


class LocalPrefectServer:
    """`prefect server start` on 127.0.0.1, as a child process of this one.

    The child runs in its own session: a Ctrl-C or a SIGTERM to our process group does not reach
    it, so it outlives our shutdown (which still talks to it) and is stopped by `stop()`; if we
    die without stopping it (SIGKILL), the kernel sends it SIGTERM (`_die_with_parent`). Its UI
    calls the API on the port actually started (PREFECT_UI_API_URL), not Prefect's default 4200.
    `services=False` runs the API and UI only (no scheduler): enough for a run's flow state."""

    def __init__(self, port: int | None = None, home: Path | None = None, services: bool = True) -> None:
        self.port = port or _free_port()
        self.home = home  # PREFECT_HOME of the server (its database); default: this process's
        self.services = services
        self.process: subprocess.Popen | None = None
        self._launched_at = 0.0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def launch(self) -> "LocalPrefectServer":
        """Start the server process and return at once; `wait_ready` waits for its API (a command can
        do its own start-up meanwhile)."""
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_API_URL": self.api_url}
        env.pop("PREFECT_API_URL", None)
        if self.home is not None:
            env["PREFECT_HOME"] = str(self.home)
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command + ([] if self.services else ["--no-services"]),
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
            start_new_session=True,
        )
        self._launched_at = time.monotonic()
        return self

    def wait_ready(self, timeout: float = SERVER_START_TIMEOUT, retries: int = 1) -> "LocalPrefectServer":
        """Wait until the API answers, at most `timeout` s from the launch. A server that exits first
        (its port taken since `_free_port` chose it, its database busy) is launched again on a new
        port, `retries` times. Raises PrefectServerError, one line saying what happened and what to do."""
        while True:
            deadline = self._launched_at + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                self.stop()
                raise PrefectServerError(
                    f"the Prefect API server did not answer on {self.api_url} within {timeout:.0f} s (the machine "
                    "is busy?): run the command again, or start one (`prefect server start`) and set PREFECT_API_URL "
                    "to its /api URL")
            said = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
            lines = said.strip().splitlines()
            code, self.process = self.process.returncode, None
            if retries <= 0:
                raise PrefectServerError(
                    f"the Prefect API server exited with {code} before answering on {self.api_url}: "
                    f"{lines[-1] if lines else '(no output)'}; run the command again, or set PREFECT_API_URL to a "
                    "running server's /api URL")
            retries -= 1
            self.port = _free_port()
            self.launch()

    def start(self, timeout: float = SERVER_START_TIMEOUT) -> "LocalPrefectServer":
        return self.launch().wait_ready(timeout)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> "LocalPrefectServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_project(project_file: Path, *, limit: int = 1, console=None) -> None:
    """Serve every deployment of `project_file` until interrupted (Ctrl-C or SIGTERM, to this process
    or its process group), then stop the server it started and say so in one line."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    say = console.print if console is not None else print
    specs = read_deployments(project_file)
    deployments = runner_deployments(specs)
    server = None
    api_url = PREFECT_API_URL.value()
    if not api_url:
        say("No PREFECT_API_URL set: starting a Prefect server on 127.0.0.1 for the schedules…")
        server = LocalPrefectServer().start()
        api_url = server.api_url
        os.environ["PREFECT_API_URL"] = api_url  # for the flow-run processes the runner starts
    say(f"Prefect API: {api_url} (UI: {api_url.removesuffix('/api')})")
    for spec in specs:
        when = ", ".join(f"cron {s['cron']} ({s.get('timezone') or 'UTC'})" for s in spec.schedules) or "on demand"
        say(f"  {spec.entrypoint.rpartition(':')[2]}/{spec.name}: {when}")
    # Until Prefect's runner installs its own handlers (a graceful stop), a SIGTERM or a Ctrl-C stops it
    # with a KeyboardInterrupt asked again until `serve` returns: Python's own Ctrl-C raises it once, and
    # one that lands in a finaliser is swallowed (serve then ran on after Ctrl-C; CI, 2026-12-07).
    _served.clear()  # a process may serve more than once
    _stoppers.clear()
    previous = signal.signal(signal.SIGTERM, _as_keyboard_interrupt)
    previous_int = signal.signal(signal.SIGINT, _as_keyboard_interrupt)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_interrupts
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            serve(*deployments, limit=limit)
    finally:
        _served.set()
        for stopper in _stoppers:
            stopper.join()  # it asks nothing more
        # A stop request already on its way (sent just before `serve` returned; Python runs a signal's
        # handler later, in the main thread) lands here, not in Python's own Ctrl-C handler: that raised
        # a KeyboardInterrupt after the last line and the process died of SIGINT (CI, 2026-12-07).
        signal.signal(signal.SIGTERM, _stop_already_asked)
        signal.signal(signal.SIGINT, _stop_already_asked)
        sys.unraisablehook = previous_hook
        if server is not None:
            server.stop()
    say("stdwatch serve: stopped"
        f"{', and the Prefect server it started' if server is not None else ''}.")
    signal.signal(signal.SIGTERM, previous)
    signal.signal(signal.SIGINT, previous_int)


_served = threading.Event()  # set once `serve` has returned: stop asking it to stop
_stoppers: list[threading.Thread] = []  # the thread asking it to stop, once there is one (handlers run
# in the main thread only, so the list needs no lock)


def _as_keyboard_interrupt(signum, frame) -> None:
    """SIGTERM or Ctrl-C (SIGINT) stops `serve`. The KeyboardInterrupt lands wherever the main thread
    is; inside a finaliser or a weakref callback Python swallows it ("Exception ignored"), so until
    `serve` returns it is raised again every half second (by a SIGINT, which lands here again)."""
    if not _stoppers:
        stopper = threading.Thread(target=_interrupt_until_served, name="stdwatch-serve-stop", daemon=True)
        _stoppers.append(stopper)
        stopper.start()
    raise KeyboardInterrupt


def _stop_already_asked(signum, frame) -> None:
    """While `serve` stops: the request is already being met."""


def _interrupt_until_served() -> None:
    # A real SIGINT (not `_thread.interrupt_main`, a flag) also wakes a main thread blocked in a system call.
    while not _served.wait(0.5):
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


def _quiet_interrupts(unraisable) -> None:
    """A stop request swallowed by a finaliser is asked again (above), not reported as an error."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
