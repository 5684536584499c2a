"""Rehearsed by hand: `stdwatch mirror` (the demo size, default and contested) in its own process on
fixed ports, and `stdwatch run nightly` three times in a row against it. Nothing changes between the
nights: every night exits 0, the third asks at most 25 requests of the portals (one page per list, the
committee directory, the plan page), and its report says which sources found what they list unchanged.
On the contested portals std.samr serves 20 rows a page in issue-date order, so its nightly walk of the
180-day issue window (extract/sources/samr.py: a late entry may be anywhere in it) takes about five pages a
type where 50-row pages take two or three: the third night may ask two more (measured by hand: 20 default,
26 contested)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

import warehouse
from ops_support import REPO, stdwatch

pytestmark = pytest.mark.integration


@pytest.fixture(params=["default", "contested"])
def mirror_by_hand(request, tmp_path):
    """`stdwatch mirror` at the demo size in a subprocess, on the default or the contested portals (every
    contested fact on its other reading, conditional requests honoured); yields the STDWATCH_* lines it prints."""
    process = subprocess.Popen([sys.executable, "-m", "flows.cli", "mirror", "--size", "demo", "--variant",
                                request.param, "--out", str(tmp_path / "mirror")], cwd=REPO, stdout=subprocess.PIPE,
                               text=True, stderr=subprocess.DEVNULL, start_new_session=True)
    env = {}
    try:
        for line in process.stdout:
            if line.startswith("STDWATCH_"):
                key, _, value = line.strip().partition("=")
                env[key] = value
            elif env:  # the environment block has ended
                break
            if "STDWATCH_PLAN_URL" in env:
                break
        assert env, "the mirror printed no STDWATCH_* lines"
        yield env, {"default": 25, "contested": 27}[request.param]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_three_quiet_nights_exit_0_and_the_third_asks_little(mirror_by_hand, tmp_path):
    mirror_env, most = mirror_by_hand
    data_dir = tmp_path / "data"
    env = {**mirror_env, "STDWATCH_DATA_DIR": str(data_dir),
           "STDWATCH_HOSTS": '{"127.0.0.1": {"rate_per_second": 5000, "concurrency": 4}}',
           "STDWATCH_ORG_MAPPING_FILES": f'["{tmp_path / "mirror" / "org_register.csv"}"]'}
    outputs = []
    for _ in range(3):
        run = stdwatch(["run", "nightly"], env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output, _ = run.communicate(timeout=600)
        assert run.returncode == 0, output[-3000:]
        outputs.append(output)
    runs = warehouse.query(data_dir / "warehouse.duckdb",
                           "SELECT r.run_id, count(x.response_id) AS requests FROM meta.run r "
                           "LEFT JOIN raw.response x USING (run_id) GROUP BY ALL ORDER BY min(r.started_at)").to_pylist()
    assert len(runs) == 3
    assert runs[0]["requests"] > 200  # the first night reads everything
    assert runs[2]["requests"] <= most, runs
    unchanged = re.findall(r"(\w+): unchanged (\d+) (\w+)", " ".join(outputs[2].split()))
    truth = json.loads((tmp_path / "mirror" / "ground_truth.json").read_text(encoding="utf-8"))
    in_province = sum(c["province"] == "江苏省" for c in truth["committees"])  # the directory tc reads
    assert ("tc", str(in_province), "committees") in unchanged, outputs[2][-3000:]
    assert ("notices", "notices") in {(source, what) for source, _, what in unchanged}
    assert re.search(r"ttbz: unchanged [^(]*\b\d+ associations", " ".join(outputs[2].split())), outputs[2][-3000:]
