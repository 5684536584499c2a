"""Every numeric setting is checked when read, and a bad one is refused in one line that names it
(issue 10, item 5); so is an STDWATCH_CONFIG naming a file that is not there."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from flows.settings import SettingsError, load_settings
from ops_support import REPO


@pytest.mark.parametrize(("name", "value", "rule"), [
    ("RATE_PER_SECOND", "0", "greater than 0"),
    ("RATE_PER_SECOND", "-1", "greater than 0"),
    ("CONCURRENCY", "0", "greater than or equal to 1"),
    ("MAX_RETRIES", "-1", "greater than or equal to 0"),
    ("TIMEOUT_SECONDS", "0", "greater than 0"),
    ("REQUEST_DEADLINE_SECONDS", "0", "greater than 0"),
    ("SOURCE_BUDGET_SECONDS", "-5", "greater than 0"),
    ("BACKOFF_SECONDS", "-1", "greater than or equal to 0"),
    ("MAX_RESPONSE_BYTES", "0", "greater than 0"),
    ("PAGE_SIZE", "0", "greater than or equal to 1"),
    ("WATERMARK_OVERLAP_DAYS", "-1", "greater than or equal to 0"),
    ("HOSTS", '{"std.samr.gov.cn": {"concurrency": 0}}', "greater than or equal to 1"),
    ("HOSTS", '{"std.samr.gov.cn": {"rate_per_second": 0}}', "greater than 0"),
])
def test_a_bad_numeric_setting_is_refused_in_one_line_naming_it(monkeypatch, name, value, rule):
    monkeypatch.setenv(f"STDWATCH_{name}", value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert "\n" not in message
    assert name.lower() in message and rule in message


def test_the_limits_themselves_are_accepted(monkeypatch):
    for name, value in {"RATE_PER_SECOND": "0.01", "CONCURRENCY": "1", "MAX_RETRIES": "0",
                        "TIMEOUT_SECONDS": "0.5", "SOURCE_BUDGET_SECONDS": "60"}.items():
        monkeypatch.setenv(f"STDWATCH_{name}", value)
    settings = load_settings()
    assert (settings.rate_per_second, settings.concurrency, settings.max_retries) == (0.01, 1, 0)
    assert settings.source_budget_seconds == 60


def test_a_config_file_that_is_not_there_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("STDWATCH_CONFIG", str(tmp_path / "stdwatch.toml"))
    with pytest.raises(SettingsError, match=f"STDWATCH_CONFIG names {tmp_path / 'stdwatch.toml'}, which is not a file"):
        load_settings()
    (tmp_path / "stdwatch.toml").write_text("concurrency = 3\n", encoding="utf-8")
    assert load_settings().concurrency == 3


def test_the_command_line_says_it_in_one_line_and_exits_2(tmp_path):
    env = {**os.environ, "STDWATCH_CONCURRENCY": "0", "STDWATCH_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "sql", "SELECT 1"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "invalid setting: concurrency = '0': must be greater than or equal to 1 "
        "(fix it in STDWATCH_<NAME> variables, stdwatch.toml or STDWATCH_CONFIG's file)"]
