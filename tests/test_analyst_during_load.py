"""Analysts during loads: read-only sessions opened before, during and after a nightly never block it,
never fail, and always see a complete state; a new connection afterwards sees the new data."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import nightly
from ops_support import REPO, mirror_site

pytestmark = pytest.mark.integration

# The documented analyst connection (docs/operations.md): duckdb, read-only, on the published file.
HOLDER = textwrap.dedent("""
    import duckdb, json, sys, time, pathlib
    path, stop = sys.argv[1], pathlib.Path(sys.argv[2])
    con = duckdb.connect(path, read_only=True)
    query = "SELECT count(*) AS n, count(DISTINCT district_name) AS d FROM mart.standard"
    print(json.dumps({"ready": con.execute(query).fetchone()}), flush=True)
    seen, failures = set(), []
    while not stop.exists():
        try:
            seen.add(con.execute(query).fetchone())
        except Exception as exc:
            failures.append(repr(exc))
        time.sleep(0.01)
    con.close()
    con = duckdb.connect(path, read_only=True)
    print(json.dumps({"seen": sorted(seen), "failures": failures, "reopened": con.execute(query).fetchone()}), flush=True)
""")

# An analyst who connects afresh for every query, as dashboards do.
POLLER = textwrap.dedent("""
    import duckdb, json, sys, time, pathlib
    path, stop = sys.argv[1], pathlib.Path(sys.argv[2])
    seen, failures, queries = set(), [], 0
    while not stop.exists():
        try:
            con = duckdb.connect(path, read_only=True)
            seen.add(con.execute("SELECT count(*) FROM core.standard_source").fetchone()[0])
            con.close()
            queries += 1
        except Exception as exc:
            failures.append(repr(exc))
        time.sleep(0.005)
    print(json.dumps({"seen": sorted(seen), "failures": failures, "queries": queries}), flush=True)
""")


def test_analysts_read_through_a_nightly_load(tmp_path, monkeypatch):
    with mirror_site(tmp_path, size=600) as site:
        site.apply(monkeypatch)
        nightly()
        old = site.rows("SELECT count(*) AS n FROM core.standard_source")[0]["n"]
        site.corpus.add_standards(40)

        stop = tmp_path / "stop"
        path = str(site.warehouse_path)
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, path, str(stop)], stdout=subprocess.PIPE, text=True,
                                  cwd=REPO)
        poller = subprocess.Popen([sys.executable, "-c", POLLER, path, str(stop)], stdout=subprocess.PIPE, text=True,
                                  cwd=REPO)
        try:
            opened_before = json.loads(holder.stdout.readline())["ready"]
            report = nightly()  # the load must neither wait for nor fail on the open sessions
            during = CliRunner().invoke(app, ["sql", "SELECT count(*) AS n FROM mart.standard", "--json"])
            time.sleep(0.2)
        finally:
            stop.touch()
            held, polled = json.loads(holder.communicate(timeout=30)[0]), json.loads(poller.communicate(timeout=30)[0])

        [samr] = report.sources
        assert report.status == "completed" and samr.inserted == 40
        # The session opened before the load kept its snapshot, whole, and never failed.
        assert held["failures"] == [] and held["seen"] == [opened_before]
        # Sessions opened while loading saw the old state or the new one, nothing in between.
        assert polled["failures"] == [] and polled["queries"] > 10
        assert set(polled["seen"]) <= {old, old + 40} and polled["seen"][-1] == old + 40
        # A new connection sees the new data; so does `stdwatch sql`.
        assert held["reopened"][0] == opened_before[0] + 40
        assert during.exit_code == 0 and json.loads(during.output)[0]["n"] == opened_before[0] + 40
