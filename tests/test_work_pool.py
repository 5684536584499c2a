"""A province on Prefect's own machinery: two regions' nightlies at once on a process work pool with two
workers, sharing one Prefect server, one data store and the portals' politeness.

A real `prefect server start`, a process work pool, two `prefect worker start` processes (each runs one
flow at a time, so the two runs land on two workers), province.yaml deployed as an operator would, and
both regions' nightly deployments started together. The mirror serves both regions behind the same
registry ports (`mirror.province`), so both runs crawl the shared national portals at the same time,
each answered from its own region's corpus.

Checked against the mirror, never against the product's own numbers:
- each region's warehouse (its own file in its own folder of the store) equals that region's ground
  truth, district × type;
- every host:port, registries included, saw at most RATE + 1 requests in any one-second window (the
  shared limit spaces requests 1/RATE s apart across both workers, so any 1 s holds at most RATE + 1;
  two workers each keeping their own RATE could send 2·RATE + 1), and at most CONCURRENCY at once;
- the regions' requests to the shared registries did overlap in time (the limit was shared, not idle).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import pytest

import warehouse
from flows.serve import LocalPrefectServer
from mirror.corpus import Corpus
from mirror.province import ProvinceMirror, region_of
from mirror.truth import write_corpus
from ops_support import REPO

pytestmark = pytest.mark.integration

REGIONS = ("3205", "3202")
SIZE = 60  # standards per region: each nightly asks a few hundred pages
RATE = 6.0  # requests per second, per host:port, for every worker together
CONCURRENCY = 2
RUN_TIMEOUT = 420.0


def test_two_workers_load_two_regions_at_once_within_each_hosts_rate(tmp_path):
    corpora = [Corpus(seed=7, size=SIZE, window_start=date(2022, 8, 21), window_end=date(2025, 12, 31), region=code)
               for code in REGIONS]
    store = tmp_path / "store"  # the shared data store: one folder per region
    for corpus in corpora:
        write_corpus(corpus, tmp_path / "mirror" / corpus.region.code)
    server = LocalPrefectServer(home=tmp_path / "prefect", services=False).launch()  # boots meanwhile
    workers: list[subprocess.Popen] = []
    try:
        with ProvinceMirror(corpora) as province:
            for corpus in corpora:
                _region_settings(store, corpus.region.code, province.env(corpus.region.code), tmp_path / "mirror")
            api = server.wait_ready().api_url
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("STDWATCH_")},
                "PREFECT_API_URL": api,
                "PREFECT_WORKER_QUERY_SECONDS": "1",
                # the workers' logs say which run each took: at INFO, whatever an earlier test in this
                # process left in the environment (`stdwatch run` quiets Prefect's console to WARNING)
                "PREFECT_LOGGING_LEVEL": "INFO",
                "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
                "STDWATCH_HOME": str(REPO),
                "STDWATCH_DATA_ROOT": str(store),
                # The province's politeness, the same for every worker.
                "STDWATCH_SHARED_POLITENESS": "prefect",
                "STDWATCH_HOSTS": json.dumps({"127.0.0.1": {"rate_per_second": RATE, "concurrency": CONCURRENCY}}),
            }
            _prefect(env, "work-pool", "create", "stdwatch", "--type", "process", "--overwrite")
            _prefect(env, "--no-prompt", "deploy", "--prefect-file", "province.yaml", "--all")
            for n in (1, 2):
                log = (tmp_path / f"worker-{n}.log").open("w")
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", "stdwatch", "--name",
                     f"worker-{n}", "--limit", "1"], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT))
            runs = {code: _run_deployment(env, f"nightly/nightly-{code}") for code in REGIONS}
            states = _wait_for(api, runs)
            logs = {path.stem: path.read_text(errors="replace") for path in sorted(tmp_path.glob("worker-*.log"))}
            assert states == {code: "COMPLETED" for code in REGIONS}, "\n".join(logs.values())[-6000:]
            ran_on = _workers_of(logs, runs)
            assert sorted(w for names in ran_on.values() for w in names) == ["worker-1", "worker-2"], ran_on

            busiest = {site: _busiest_second(sorted(r.received_at for r in province.requests(site)))
                       for site in province.servers}
            assert max(busiest.values()) <= RATE + 1, busiest
            peaks = {site: province.peak_in_flight(site) for site in province.servers}
            assert max(peaks.values()) <= CONCURRENCY, peaks
            spans = {code: _span(province.requests("samr"), code) for code in REGIONS}
            assert max(s[0] for s in spans.values()) < min(s[1] for s in spans.values()), spans
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker slow to stop on a loaded machine: no worker outlives the test
                worker.kill()
                worker.wait()
        server.stop()

    for corpus in corpora:
        code = corpus.region.code
        truth = json.loads((tmp_path / "mirror" / code / "ground_truth.json").read_text(encoding="utf-8"))
        expected = Counter()
        for row in truth["all_counts"]:
            expected[(row["district"], row["std_type"])] += row["n"]
        rows = warehouse.query(store / code / "warehouse.duckdb",
                               "SELECT district_name, std_type, count(*) AS n FROM mart.standard WHERE counted "
                               "GROUP BY ALL").to_pylist()
        assert {(r["district_name"], r["std_type"]): r["n"] for r in rows} == {k: v for k, v in expected.items() if v}


def _region_settings(store: Path, code: str, mirror_env: dict[str, str], mirror_dir: Path) -> None:
    """The region's folder in the store, with its settings file: its sites on the mirror, its register,
    and a User-Agent naming the region (how the mirror's shared ports tell the regions apart)."""
    folder = store / code
    folder.mkdir(parents=True)
    base_urls = {key.removeprefix("STDWATCH_BASE_URLS__").lower(): url for key, url in mirror_env.items()
                 if key.startswith("STDWATCH_BASE_URLS__")}
    lines = [f'user_agent = "stdwatch-test region/{code}"',
             f"org_mapping_files = [{json.dumps(str(mirror_dir / code / 'org_register.csv'))}]"]
    if "STDWATCH_PLAN_URL" in mirror_env:
        lines.append(f"plan_url = {json.dumps(mirror_env['STDWATCH_PLAN_URL'])}")
    lines += ["[base_urls]", *(f"{site} = {json.dumps(url)}" for site, url in base_urls.items())]
    (folder / "stdwatch.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _prefect(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "prefect", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _run_deployment(env: dict[str, str], name: str) -> str:
    """Start a run of the deployment (as `prefect deployment run` does) and return its flow run id."""
    said = _prefect(env, "deployment", "run", name)
    for line in said.splitlines():
        if "UUID" in line:
            return line.split()[-1]
    raise AssertionError(f"no flow run id in: {said}")


def _wait_for(api: str, runs: dict[str, str]) -> dict[str, str]:
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        states = {code: httpx.get(f"{api}/flow_runs/{run}", timeout=10).json()["state"]["type"]
                  for code, run in runs.items()}
        if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states.values()) \
                or time.monotonic() > deadline:
            return states
        time.sleep(2)


def _workers_of(logs: dict[str, str], runs: dict[str, str]) -> dict[str, list[str]]:
    """The workers that ran each run: the run's own output ("View at …/flow-run/<id>") is in the log of the
    worker whose process ran it (a worker that lost the race to submit it names it too, but not so)."""
    return {code: [name for name, text in logs.items() if f"/flow-run/{run}" in text] for code, run in runs.items()}


def _busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in any one second: in each window (t − 1 s, t] that ends at an arrival t."""
    most, start = 0, 0
    for end, at in enumerate(arrivals):
        while arrivals[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def _span(requests, code: str) -> tuple[float, float]:
    times = [r.received_at for r in requests if region_of(r) == code]
    return min(times), max(times)


def test_a_dead_prefect_api_fails_a_hosts_request_then_the_rest_of_its_run_without_asking(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.politeness import PrefectHostGate

    dead = f"http://127.0.0.1:{_closed_port()}/api"
    gate = PrefectHostGate("std.samr.gov.cn:443", RATE, CONCURRENCY, timeout=30, api_url=dead)
    with temporary_settings(updates={PREFECT_API_URL: dead}):
        with pytest.raises(RuntimeError, match=f"the Prefect server at {dead} gave no slot for std.samr.gov.cn:443"):
            gate.__enter__()
        monkeypatch.setattr("prefect.client.orchestration.get_client",
                            lambda *a, **kw: pytest.fail("asked the dead server again"))
        with pytest.raises(RuntimeError, match="earlier in this run: this host asks nothing more"):
            gate.__enter__()


class _SlotServer:
    """The Prefect server's slot endpoints as a script: each call to a path takes the next answer
    queued for it (status, Retry-After) and repeats the last one; every call is recorded."""

    def __init__(self, answers: dict[str, list[tuple[int, str | None]]]) -> None:
        self.answers, self.calls = answers, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rsplit("/", 1)[-1]
        self.calls.append(path)
        queue = self.answers[path]
        status, retry_after = queue.pop(0) if len(queue) > 1 else queue[0]
        headers = {"Retry-After": retry_after} if retry_after else {}
        if status != 200:
            return httpx.Response(status, headers=headers, json={"detail": "no"})
        if path == "decrement-with-lease":
            return httpx.Response(204)
        granted = {"increment-with-lease": {"lease_id": "L", "limits": [{"name": "x"}]}, "increment": [{"name": "x"}]}
        return httpx.Response(200, json=granted[path])


def _scripted_gate(monkeypatch, server: _SlotServer, busy_wait: float = 60.0):
    """A gate whose slot calls go to `server`, recording each sleep instead of sleeping."""
    import flows.politeness as politeness

    gate = politeness.PrefectHostGate("std.samr.gov.cn:443", RATE, CONCURRENCY, timeout=30, api_url="http://x/api")
    gate._http = httpx.Client(base_url="http://x/api/", transport=httpx.MockTransport(server))
    gate._busy_wait = busy_wait
    slept: list[float] = []
    monkeypatch.setattr(politeness, "time", types.SimpleNamespace(monotonic=time.monotonic, sleep=slept.append))
    return gate, slept


def test_a_refused_concurrency_slot_and_a_503_are_asked_again_within_half_a_second(monkeypatch):
    """CI lost a page after 120 s: the server's Retry-After for a busy concurrency slot reaches 30 s, and
    the Prefect client sleeps 2, 4, 8… s after each 503 (two SQLite writes colliding)."""
    from flows.politeness import POLL_MAX_SECONDS

    server = _SlotServer({"increment-with-lease": [(423, "30"), (503, None), (423, "29.5"), (200, None)],
                          "increment": [(503, None), (423, "0.2"), (200, None)],
                          "decrement-with-lease": [(503, None), (200, None)]})
    gate, slept = _scripted_gate(monkeypatch, server)
    gate.__enter__()
    gate.__exit__(None, None, None)
    assert server.calls == ["increment-with-lease"] * 4 + ["increment"] * 3 + ["decrement-with-lease"] * 2
    # the rate slot's refusal waits the server's Retry-After (asking sooner restarts its decay)
    assert 0.2 in slept and all(wait <= POLL_MAX_SECONDS for wait in slept if wait != 0.2), slept


def test_a_host_whose_slots_stay_taken_fails_that_request_only(monkeypatch):
    server = _SlotServer({"increment-with-lease": [(423, "0.01")], "increment": [(200, None)],
                          "decrement-with-lease": [(200, None)]})
    gate, slept = _scripted_gate(monkeypatch, server, busy_wait=0.0)
    with pytest.raises(RuntimeError, match="every one stayed taken .* the host's next request asks again"):
        gate.__enter__()
    server.answers["increment-with-lease"] = [(200, None)]
    gate.__enter__()  # asked again: the busy host was not written off for the run
    gate.__exit__(None, None, None)
    assert server.calls[-2:] == ["increment", "decrement-with-lease"]


def test_a_process_asks_the_server_for_no_more_slots_than_the_hosts_concurrency(monkeypatch):
    import threading

    server = _SlotServer({"increment-with-lease": [(200, None)], "increment": [(200, None)],
                          "decrement-with-lease": [(200, None)]})
    gate, _ = _scripted_gate(monkeypatch, server, busy_wait=2.0)
    failed: list[str] = []

    def enter() -> None:
        try:
            gate.__enter__()
        except RuntimeError as exc:
            failed.append(str(exc))

    for _ in range(CONCURRENCY):
        threading.Thread(target=gate.__enter__).start()  # each thread holds its slot
    time.sleep(0.5)
    asked = server.calls.count("increment-with-lease")
    third = threading.Thread(target=enter)
    third.start()
    third.join(0.5)
    assert asked == CONCURRENCY and third.is_alive()  # waiting in the process, not asking the server
    third.join()
    assert server.calls.count("increment-with-lease") == CONCURRENCY
    assert len(failed) == 1 and "every one stayed taken" in failed[0]  # its wait ended, as a busy host's


def test_shared_politeness_needs_the_prefect_server_every_worker_shares(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.politeness import host_gates
    from flows.settings import SettingsError, load_settings

    monkeypatch.delenv("STDWATCH_CONFIG", raising=False)
    assert host_gates(load_settings()) is None  # the default: the client's own in-process gate
    with temporary_settings(updates={PREFECT_API_URL: ""}):
        with pytest.raises(SettingsError, match="needs PREFECT_API_URL"):
            host_gates(load_settings(shared_politeness="prefect"))
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        assert callable(host_gates(load_settings(shared_politeness="prefect")))


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_province_yaml_runs_every_region_in_its_own_folder_of_the_store():
    import yaml

    from flows.serve import load_flow, read_deployments
    from transform.region import region_codes

    document = yaml.safe_load((REPO / "province.yaml").read_text(encoding="utf-8"))
    envs = {entry["name"]: entry["work_pool"]["job_variables"]["env"] for entry in document["deployments"]}
    assert {env["STDWATCH_REGION"] for env in envs.values()} == set(region_codes())
    for name, env in envs.items():
        code = env["STDWATCH_REGION"]
        assert name == f"nightly-{code}"
        assert env["STDWATCH_DATA_DIR"] == f"{{{{ $STDWATCH_DATA_ROOT }}}}/{code}"
        assert env["STDWATCH_CONFIG"] == f"{{{{ $STDWATCH_DATA_ROOT }}}}/{code}/stdwatch.toml"
    for spec in read_deployments(REPO / "province.yaml"):
        assert load_flow(spec.entrypoint).name == "nightly"


def test_the_province_mirror_serves_a_shared_site_once_and_each_region_from_its_own_corpus():
    corpora = [Corpus(seed=7, size=40, region=code) for code in REGIONS]
    with ProvinceMirror(corpora) as province:
        suzhou, wuxi = province.base_urls("3205"), province.base_urls("3202")
        assert set(province.shared_sites()) == set(suzhou) & set(wuxi) >= {"samr", "hbba", "ttbz", "scjgj_jiangsu"}
        assert all(suzhou[site] == wuxi[site] for site in province.shared_sites())
        assert "scjgj_wuxi" in wuxi and "scjgj_wuxi" not in suzhou
        committees = suzhou["samr"] + "/search/orgPage"  # the committee directory: secretariats are region orgs
        answers = {code: httpx.get(committees, headers={"User-Agent": f"stdwatch-test region/{code}"}, timeout=10)
                   for code in REGIONS}
        unnamed = httpx.get(committees, timeout=10)
        logged = province.requests("samr")
    assert {code: a.status_code for code, a in answers.items()} == {"3205": 200, "3202": 200}
    assert answers["3205"].text != answers["3202"].text  # each region's own corpus behind the one port
    assert unnamed.status_code == 400
    assert [region_of(r) for r in logged] == ["3205", "3202", None]
    assert logged[0].received_at <= logged[1].received_at <= logged[2].received_at
