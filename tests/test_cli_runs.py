"""Operations that work the first time (issue 10, item 7): after `stdwatch demo` the reading commands
find the demo's data with no flag; an expected health-check failure prints one line (the traceback
only with --debug); the commands that report a run say it as JSON with --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import warehouse
from ops_support import prefect_api_url

pytestmark = pytest.mark.integration


def stdwatch(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """`stdwatch ARGS` run in `cwd` with no STDWATCH_DATA_DIR (the default `data/` of that directory)."""
    full_env = {key: value for key, value in os.environ.items() if key != "STDWATCH_DATA_DIR"}
    full_env.update(PREFECT_API_URL=prefect_api_url(), PREFECT_LOGGING_LEVEL="WARNING", **env)
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=600)


def test_after_the_demo_every_reading_command_finds_its_data_in_a_fresh_directory(tmp_path):
    started = time.monotonic()
    demo = stdwatch(["demo", "--size", "300", "--json"], tmp_path)
    wall = time.monotonic() - started
    assert demo.returncode == 0, demo.stderr[-3000:]
    report = json.loads(demo.stdout)  # --json: one document on stdout, the usual output on stderr
    assert report["run"]["status"] == "completed" and report["equal_to_ground_truth"] is True
    # Its start-up by stage (PREFECT_API_URL is set here: no server of its own to wait for), in order,
    # within the command's own wall time, and said on the terminal too.
    assert list(report["startup"]) == ["Python and imports", "corpus", "mirror", "flow start"]
    assert all(seconds >= 0 for seconds in report["startup"].values())
    assert 0 < sum(report["startup"].values()) < wall
    assert "start-up before the first request: Python and imports" in " ".join(demo.stderr.split())
    assert report["data_dir"] == str(Path("data") / "demo")

    counted = stdwatch(["sql", "SELECT count(*) AS n FROM mart.standard", "--json"], tmp_path)
    assert counted.returncode == 0, counted.stderr
    n = json.loads(counted.stdout)[0]["n"]
    # What the demo wrote, read straight from its file; the live data dir holds no warehouse.
    held = warehouse.query(tmp_path / "data" / "demo" / "warehouse.duckdb", "SELECT count(*) AS n FROM mart.standard")
    assert n == held.to_pylist()[0]["n"] > 0
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()
    assert "reading the demo's" in counted.stderr

    progress = stdwatch(["progress", "--json"], tmp_path)
    assert progress.returncode == 0, progress.stderr
    assert json.loads(progress.stdout)["indicators"]


FAILING = {"STDWATCH_SOURCES": '["samr"]', "STDWATCH_BASE_URLS__SAMR": "http://127.0.0.1:9", "STDWATCH_MAX_RETRIES": "0"}


def test_an_expected_health_check_failure_prints_one_line_and_no_traceback(tmp_path):
    done = stdwatch(["run", "nightly"], tmp_path, **FAILING)
    assert done.returncode == 1
    failures = [line for line in done.stdout.splitlines() if line.startswith("HEALTH CHECK FAILED")]
    assert len(failures) == 1 and failures[0].startswith("HEALTH CHECK FAILED: samr: ") and "Connection refused" in failures[0]
    assert "Traceback" not in done.stdout + done.stderr and "HealthCheckFailed" not in done.stderr


def test_with_debug_the_traceback_is_shown(tmp_path):
    done = stdwatch(["--debug", "run", "nightly"], tmp_path, **FAILING)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "HealthCheckFailed" in done.stderr


def test_json_reports_the_run_and_still_exits_1(tmp_path):
    done = stdwatch(["run", "nightly", "--json"], tmp_path, **FAILING)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["status"] == "failed" and report["flow"] == "nightly"
    assert [s["source"] for s in report["sources"]] == ["samr"] and report["sources"][0]["complete"] is False
    assert len(report["problems"]) == 1 and report["problems"][0].startswith("samr: ")


def test_inbox_load_reports_each_file_as_json(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app

    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path / "data"))
    rates = tmp_path / "rates.csv"
    rates.write_text("指标,区县,年度,分子,分母\n,姑苏区,2024,1,2\n", encoding="utf-8")  # one row, its 指标 empty
    missing = tmp_path / "missing.csv"
    done = CliRunner().invoke(app, ["inbox", "load", str(rates), str(missing), "--kind", "rates", "--json"])
    assert done.exit_code == 1  # the missing file
    reports = json.loads(done.stdout)
    assert [r["file"] for r in reports] == [str(rates), str(missing)]
    assert (reports[0]["kind"], reports[0]["rows"], reports[0]["loaded"]) == ("rates", 1, 0)
    assert [r["reason"] for r in reports[0]["rejects"]] == ["missing_field"]
    assert "error" in reports[1] and "missing.csv" in reports[1]["error"]
