"""Shared by the operations tests (incremental, backfill, reprocess, crash safety, faults, analysts,
deployments): a mirror with the settings that point at it, the ground-truth comparison, and one
Prefect server per test process for the tests that run `stdwatch` in subprocesses."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import warehouse
from flows.serve import LocalPrefectServer
from mirror.corpus import Corpus
from mirror.server import FaultPolicy, MirrorServer
from mirror.truth import ground_truth, write_corpus

REPO = Path(__file__).resolve().parents[1]
WINDOW_START = date(2022, 8, 21)  # the settings' defaults: the plan window
WINDOW_END = date(2025, 12, 31)


@dataclass
class Site:
    """A running mirror, its corpus, and the data dir and STDWATCH_* variables a run against it uses."""

    corpus: Corpus
    server: MirrorServer
    data_dir: Path
    env: dict[str, str]

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def apply(self, monkeypatch) -> None:
        for key, value in self.env.items():
            monkeypatch.setenv(key, value)

    def rows(self, sql: str) -> list[dict]:
        return warehouse.query(self.warehouse_path, sql).to_pylist()

    def requests(self) -> int:
        return sum(self.server.request_log.values())


@contextmanager
def mirror_site(tmp_path: Path, *, size: int = 600, seed: int = 7, fault_policy: FaultPolicy | None = None,
                **settings: str) -> Iterator[Site]:
    """The mirror on 127.0.0.1 and the environment that points stdwatch at it (no politeness delays);
    extra keyword arguments become STDWATCH_<NAME> variables."""
    corpus = Corpus(seed=seed, size=size, window_start=WINDOW_START, window_end=WINDOW_END)
    mirror_dir = tmp_path / "mirror"
    write_corpus(corpus, mirror_dir)
    data_dir = tmp_path / "data"
    with MirrorServer(corpus, fault_policy=fault_policy) as server:
        env = {
            "STDWATCH_DATA_DIR": str(data_dir),
            "STDWATCH_BASE_URLS__SAMR": server.base_url,
            "STDWATCH_SOURCES": json.dumps(["samr"]),  # this mirror serves std.samr only
            "STDWATCH_HOSTS": json.dumps({"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}}),
            "STDWATCH_ORG_MAPPING_FILES": json.dumps([str(mirror_dir / "org_register.csv")]),
            **{f"STDWATCH_{name.upper()}": value for name, value in settings.items()},
        }
        yield Site(corpus, server, data_dir, env)


def truth_problems(site: Site, *, issued_to: date | None = None) -> list[str]:
    """How the warehouse differs from the mirror's ground truth; [] when equal.

    Compared: the counted standards per district × type × year (the plan window), and the set
    of standards loaded — every well-formed one the run asked for (issued from the window start,
    up to `issued_to`), none twice, nothing else.
    """
    truth = ground_truth(site.corpus)
    problems = []
    expected = {(r["district"], r["std_type"], r["year"]): r["n"] for r in truth["counts"]}
    counted = site.rows("SELECT district_name, std_type, year(issue_date) AS year, count(*) AS n "
                        "FROM mart.standard WHERE counted GROUP BY ALL")
    actual = {(r["district_name"], r["std_type"], r["year"]): r["n"] for r in counted}
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key, 0) != actual.get(key, 0):
            problems.append(f"count {key}: warehouse {actual.get(key, 0)}, ground truth {expected.get(key, 0)}")
    wanted = {s["std_no"] for s in truth["standards"]
              if s["issue_date"] >= WINDOW_START.isoformat()
              and (issued_to is None or s["issue_date"] <= issued_to.isoformat())}
    loaded = [r["std_no"] for r in site.rows("SELECT std_no FROM core.standard_source WHERE source = 'samr'")]
    if len(loaded) != len(set(loaded)):
        problems.append(f"{len(loaded) - len(set(loaded))} standards loaded twice")
    if missing := wanted - set(loaded):
        problems.append(f"{len(missing)} standards missing, e.g. {sorted(missing)[:3]}")
    if extra := set(loaded) - wanted:
        problems.append(f"{len(extra)} standards not in the ground truth, e.g. {sorted(extra)[:3]}")
    return problems


# -- subprocesses and the Prefect server they share ----------------------------------------------

_server: LocalPrefectServer | None = None


def prefect_api_url() -> str:
    """A Prefect server for this test process (started once, ~10 s): a `stdwatch` subprocess that
    talks to it starts its first flow in ~1.5 s instead of ~7 s, and leaves no ephemeral server
    behind when it is killed."""
    global _server
    if _server is None:
        home = Path(tempfile.mkdtemp(prefix="stdwatch-prefect-server-"))
        _server = LocalPrefectServer(home=home).start()
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        atexit.register(_server.stop)  # runs first: last registered, first called
    return _server.api_url


def stdwatch(args: list[str], env: dict[str, str], **popen) -> subprocess.Popen:
    """`stdwatch ARGS` in a new process group, against the shared Prefect server."""
    full_env = {**os.environ, **env, "PREFECT_API_URL": prefect_api_url(), "PREFECT_LOGGING_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "flows.cli", *args], env=full_env, cwd=REPO,
                            start_new_session=True, **popen)
