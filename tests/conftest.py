"""Test-wide setup: Prefect runs against a throwaway home with no telemetry, once per session."""

from __future__ import annotations

import os
import tempfile
import pytest

# Before anything imports prefect: a private PREFECT_HOME so tests never touch ~/.prefect,
# and no analytics (this machine has no internet; the attempt only logs errors).
_PREFECT_HOME = tempfile.mkdtemp(prefix="stdwatch-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Prefect's temporary API server first migrates its database: on a loaded 2-core machine that
# has taken more than its default 20 s ("Timed out while attempting to connect").
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# A stdwatch.toml in the developer's working directory must not change what tests see.
# (An empty file: STDWATCH_CONFIG naming a missing file is an error.)
os.environ["STDWATCH_CONFIG"] = os.path.join(_PREFECT_HOME, "empty-stdwatch.toml")
open(os.environ["STDWATCH_CONFIG"], "w").close()
# pytest-xdist starts its workers with COLUMNS=80, and Rich fixes a console's width for good when COLUMNS
# is set as the console is made (at import): the tests that need a wide table pass COLUMNS per command.
os.environ.pop("COLUMNS", None)

# Property tests check behaviour, never speed: Hypothesis's deadline and its "too slow" health check time
# the test, and on a loaded 2-core machine they failed a correct test (test_stdno at load 12).
from hypothesis import HealthCheck, settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("stdwatch", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("stdwatch")

# No test may reach a live portal: every source's base URL defaults to a closed loopback port
# (127.0.0.1:9, "discard"), so a test that forgets to point a source at the mirror fails fast
# with a connection error instead of going to the internet.
from flows.sources import site_urls  # noqa: E402
from transform.region import load_region, region_codes  # noqa: E402

for _site in [*site_urls(), *(s.key for code in region_codes() for s in load_region(code).sites)]:
    os.environ.setdefault(f"STDWATCH_BASE_URLS__{_site.upper()}", "http://127.0.0.1:9")

# The modules that take minutes, longest first (`--durations` in CI's log says which): the test runner
# hands out whole modules (`--dist loadfile`) in collection order, and a long one handed out last
# would leave the other worker idle while it runs. (Collection order only with `--no-loadscope-reorder`
# in pyproject.toml: by default xdist re-sorts modules by their number of tests, which sent the
# two-test season modules last — CI's 20 min instead of about 12.)
LONG_MODULES = ("test_season.py", "test_season_contested.py", "test_work_pool.py", "test_province.py",
                "test_quiet_nights.py", "test_variants.py", "test_crash_safety.py", "test_serve.py",
                "test_quiet_sources.py", "test_cli_runs.py", "test_deployments.py")


def pytest_collection_modifyitems(items: list) -> None:
    def rank(item) -> int:
        name = item.path.name
        return LONG_MODULES.index(name) if name in LONG_MODULES else len(LONG_MODULES)

    items.sort(key=rank)  # stable: each module's own order is kept


@pytest.fixture(autouse=True)
def _environment_as_found():
    """In-process CLI calls write into os.environ (flows/cli.py's Prefect defaults and demo settings,
    flows/serve.py's PREFECT_API_URL) and never put it back; under xdist those values reached every later
    test of the same worker, and the Prefect processes it started. Each test starts from the environment
    as it was found."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
