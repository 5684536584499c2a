"""Reprocess on every core (flows/reparse_pool.py): the parse in worker processes changes nothing of
what is loaded. The same archive re-processed with 1 worker and with 2 leaves the same warehouse,
equal to the mirror's ground truth; a bad archived page is one reject with its reason either way."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import warehouse
from extract.archive import Archive, iter_archive
from extract.sources import samr as samr_source
from flows import reparse_pool
from flows.sources import REGISTERED
from flows.nightly import nightly
from flows.reprocess import reprocess
from flows.settings import load_settings
from transform.attachments import READER_MODULES
from ops_support import mirror_site, truth_problems

pytestmark = pytest.mark.integration

SOURCES = ["samr", "tc"]  # both served by the std.samr mirror (tc reads its committee directory)
# Columns that name the run or the clock: they differ between any two runs, whatever they load.
RUN_COLUMNS = {"run_id", "first_seen_run", "last_changed_run", "last_seen_run", "last_seen_at", "loaded_at",
               "recorded_at", "attributed_at", "seen_at", "set_at", "applied_at", "updated_at", "seconds"}


class CountingPool(ProcessPoolExecutor):
    """The real pool, counting its workers: proof the 2-worker run parsed in other processes."""

    started: list[int] = []

    def __init__(self, max_workers=None, **kwargs):
        CountingPool.started.append(max_workers)
        super().__init__(max_workers, **kwargs)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reprocess-workers")
    with mirror_site(tmp, size=600, sources=json.dumps(SOURCES)) as site, pytest.MonkeyPatch.context() as env:
        site.apply(env)
        nightly()
    # The mirror is gone: the reprocesses below read the archive alone.
    one, two = (replace(site, data_dir=tmp / name) for name in ("one-worker", "two-workers"))
    for copy in (one, two):
        shutil.copytree(site.data_dir, copy.data_dir)
    with pytest.MonkeyPatch.context() as env:
        site.apply(env)
        env.setattr(reparse_pool, "ProcessPoolExecutor", CountingPool)
        reports = {1: reprocess(data_dir=str(one.data_dir), workers=1)}
        assert CountingPool.started == []  # one worker: the parse ran in this process
        reports[2] = reprocess(data_dir=str(two.data_dir), workers=2)
        assert CountingPool.started == [2]
    return site, one, two, reports


def _tables(path) -> dict[str, list[tuple]]:
    """Every core, raw and ref table, and what each run loaded per source, without run ids and times."""
    tables = warehouse.query(path, "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables "
                                   "WHERE table_schema IN ('core', 'raw', 'ref') AND table_type = 'BASE TABLE' "
                                   "OR table_schema || '.' || table_name = 'meta.run_source'").to_pylist()
    out = {}
    for name in sorted(t["name"] for t in tables):
        rows = warehouse.query(path, f"SELECT * FROM {name}").to_pylist()
        out[name] = sorted(tuple(str(v) for k, v in row.items() if k not in RUN_COLUMNS) for row in rows)
    return out


def test_two_workers_load_what_one_loads_equal_to_the_ground_truth(runs):
    site, one, two, reports = runs
    assert truth_problems(one) == [] and truth_problems(two) == []
    figures = {w: [(s.source, s.records, s.inserted, s.updated, s.unchanged, s.rejected) for s in r.sources]
               for w, r in reports.items()}
    assert figures[1] == figures[2]
    assert [(s.source, s.complete) for s in reports[2].sources] == [("samr", True), ("tc", True)]
    assert site.rows("SELECT count(*) AS n FROM core.committee")[0]["n"] > 0  # tc's part was parsed too
    one_tables, two_tables = _tables(one.warehouse_path), _tables(two.warehouse_path)
    assert one_tables.keys() == two_tables.keys()
    for name in one_tables:
        assert one_tables[name] == two_tables[name], name
    assert len(one_tables["core.standard_source"]) == len(site.rows("SELECT * FROM core.standard_source"))


def test_a_bad_archived_page_is_one_reject_with_its_reason_in_a_worker_too(runs, tmp_path):
    site, one, _, _ = runs
    data_dir = tmp_path / "data"
    shutil.copytree(one.data_dir, data_dir)
    settings = load_settings(data_dir=str(data_dir), sources=SOURCES)
    detail = next(entry for entry, _ in iter_archive(settings.archive_dir, "samr")
                  if urlsplit(entry.url).path in samr_source.DETAIL_PATHS.values())
    # A later copy of that detail page, archived as garbage: the latest copy is the one re-parsed.
    with Archive(settings.archive_dir, "20991231T000000Z-nightly-garbage") as archive:
        archive.write(source="samr", method="GET", url=detail.url, status=200,
                      headers=[("Content-Type", "text/html;charset=UTF-8")], body=bytes(range(256)) * 8,
                      fetched_at=datetime.now(timezone.utc) + timedelta(days=1))
    serial = reparse_pool.reparse_sources(settings, SOURCES, workers=1)
    pooled = reparse_pool.reparse_sources(settings, SOURCES, workers=2)
    for results in (serial, pooled):
        samr = results[0]
        bad = [r for r in samr.rejects if r.url == detail.url]
        assert len(bad) == 1, bad
        assert bad[0].reason in ("layout_changed", "unreadable_page") and bad[0].detail
        assert not samr.complete and results[1].complete
    assert [(r.reason, r.detail, r.url) for r in pooled[0].rejects] == [(r.reason, r.detail, r.url)
                                                                         for r in serial[0].rejects]
    assert [r.std_no for r in pooled[0].records] == [r.std_no for r in serial[0].records]
    assert len(serial[0].records) == len(site.rows("SELECT * FROM core.standard_source")) - 1  # withheld


class DiesInTheWorker:
    """Settings whose unpickling ends the worker process that receives them (a crash, an OOM kill)."""

    archive_dir = Path("no-archive")

    def __reduce__(self):
        return os._exit, (3,)


def test_a_worker_process_that_dies_fails_its_sources_by_name_and_raises_nothing():
    results = reparse_pool.reparse_sources(DiesInTheWorker(), SOURCES, workers=2)
    assert [r.source for r in results] == SOURCES
    for result in results:
        assert not result.complete and result.records == []
        [reject] = result.rejects
        assert reject.reason == "re-parse_failed" and reject.detail.startswith("BrokenProcessPool")


def test_the_big_archives_go_first_then_the_others_in_the_order_the_load_takes_them(tmp_path):
    def archive(sizes: dict[str, int]) -> Path:
        root = tmp_path / "-".join(sizes)
        for source, size in sizes.items():
            (root / source / "run").mkdir(parents=True)
            (root / source / "run" / "a.warc.gz").write_bytes(b"x" * size)
        return root

    # as at size 10,000: two big archives; openstd, third in the load, no longer waits behind ttbz and notices
    sizes = {"samr": 77, "sacinfo": 68, "openstd": 4, "ttbz": 12, "qybz": 2, "tc": 3, "notices": 5}
    assert reparse_pool.hand_out_order(archive(sizes), list(sizes), 2) == [
        "samr", "sacinfo", "openstd", "ttbz", "qybz", "tc", "notices"]
    # big = at least 1/(2 × workers) of the bytes: largest first; the small ones keep the load's order
    sizes = {"tc": 3, "ttbz": 5, "openstd": 6, "samr": 7}
    root = archive(sizes)
    assert reparse_pool.hand_out_order(root, list(sizes), 2) == ["samr", "openstd", "tc", "ttbz"]
    assert reparse_pool.hand_out_order(root, list(sizes), 4) == ["samr", "openstd", "ttbz", "tc"]


def test_the_forkserver_imports_every_source_and_attachment_reader_and_not_prefect():
    """Workers fork from a server that imported the whole parse path once (a worker importing it costs
    its first source 0.24 s and the notices' parse 0.5 s), and never Prefect (whose threads a fork would
    copy mid-lock): each registered source's module and each attachment library is preloaded, and
    importing all of them in a clean interpreter leaves Prefect unimported."""
    preloaded = reparse_pool.preloaded_modules()
    assert {f"flows.sources.{source}" for source in REGISTERED} | set(READER_MODULES) <= set(preloaded)
    probe = ("import importlib, sys\n"
             f"for name in {preloaded!r}: importlib.import_module(name)\n"
             "print(sorted(m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
