"""Crash safety: `stdwatch run …` killed with SIGKILL at chosen points of its own progress.

After every kill the published warehouse is a complete earlier state (exactly the windows it
records as loaded, nothing half-loaded), and the next run completes the work: the warehouse
equals the mirror's ground truth, every archived response is indexed, nothing is loaded twice.
Kill points are read from the run's own progress — bytes in the archive, the working copy of
a load appearing, windows published — never from sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import date, datetime, timezone

import pytest

import warehouse
from extract.archive import Archive, iter_archive, unindexed_files
from flows.sources.pages import ENTRY
from mirror.truth import ground_truth
from ops_support import WINDOW_END, WINDOW_START, Site, mirror_site, stdwatch, truth_problems

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:.*truncated record:UserWarning")]

BACKFILL = ["run", "backfill", "--since", WINDOW_START.isoformat(), "--until", WINDOW_END.isoformat(),
            "--window-months", "3"]


def _kill_when(proc: subprocess.Popen, condition: Callable[[], bool], timeout: float = 120.0) -> None:
    """SIGKILL the run (its whole process group) the moment `condition` holds; fail if it finishes first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if condition():
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return
            if proc.poll() is not None:
                pytest.fail(f"the run ended (exit {proc.returncode}) before reaching the kill point")
            time.sleep(0.002)
        pytest.fail("the run never reached the kill point")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _archive_bytes(site: Site) -> int:
    return sum(path.stat().st_size for path in (site.data_dir / "archive").rglob("*.warc.gz"))


def _working_copy(site: Site):
    return site.warehouse_path.with_name(site.warehouse_path.name + ".next")


def _loaded_windows(site: Site) -> list[tuple[date, date]]:
    if not site.warehouse_path.exists():
        return []
    rows = site.rows("SELECT window_from, window_to FROM meta.run WHERE flow = 'backfill' AND status = 'completed'")
    return [(r["window_from"], r["window_to"]) for r in rows]


def _assert_published_state_is_complete(site: Site) -> int:
    """The published warehouse holds exactly the standards of the windows it records as loaded, once each."""
    windows = _loaded_windows(site)
    if not windows:
        return 0
    expected = {
        s["std_no"] for s in ground_truth(site.corpus)["standards"]
        if any(start.isoformat() <= s["issue_date"] <= end.isoformat() for start, end in windows)
    }
    loaded = [r["std_no"] for r in site.rows("SELECT std_no FROM core.standard_source")]
    assert len(loaded) == len(set(loaded))
    assert set(loaded) == expected
    return len(windows)


def _assert_everything_archived_is_indexed(site: Site) -> None:
    archived = {entry.response_id for entry, _ in iter_archive(site.data_dir / "archive")}
    indexed = {r["response_id"] for r in site.rows("SELECT response_id FROM raw.response")}
    assert archived and archived == indexed


def test_a_backfill_killed_anywhere_resumes_to_the_ground_truth(tmp_path):
    with mirror_site(tmp_path, size=600) as site:
        # 1. While archiving: a third of the way through the range's pages (a record may be cut short),
        # once a first window is published, so that the kill lands between loaded and unloaded work
        # however fast this machine is at the moment.
        _kill_when(stdwatch(BACKFILL, site.env, stderr=subprocess.DEVNULL),
                   lambda: _archive_bytes(site) > 120_000 and site.warehouse_path.exists())
        done = _assert_published_state_is_complete(site)
        assert 0 < done < 14

        # 2. During a load: the working copy of the next window exists; the published file must not change.
        before = site.warehouse_path.read_bytes()
        _kill_when(stdwatch(BACKFILL, site.env, stderr=subprocess.DEVNULL), lambda: _working_copy(site).exists())
        assert site.warehouse_path.read_bytes() == before
        assert _assert_published_state_is_complete(site) == done

        # 3. Between windows: three more windows published.
        _kill_when(stdwatch(BACKFILL, site.env, stderr=subprocess.DEVNULL),
                   lambda: len(_loaded_windows(site)) >= done + 3 and not _working_copy(site).exists())
        done = _assert_published_state_is_complete(site)

        # The next run finishes: nothing lost, nothing twice.
        final = stdwatch(BACKFILL, site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = final.communicate(timeout=180)
        assert final.returncode == 0, out + err
        assert f"14 in the range, {14 - done} loaded by this run" in out
        assert truth_problems(site, issued_to=WINDOW_END) == []
        assert _assert_published_state_is_complete(site) == 14
        per_window = site.rows("SELECT window_from, count(*) AS n FROM meta.run WHERE status = 'completed' GROUP BY 1")
        assert {r["n"] for r in per_window} == {1}
        _assert_everything_archived_is_indexed(site)
        assert not _working_copy(site).exists()


def test_a_nightly_killed_during_its_load_leaves_no_trace_but_its_archive(tmp_path):
    with mirror_site(tmp_path, size=600) as site:
        _kill_when(stdwatch(["run", "nightly"], site.env, stderr=subprocess.DEVNULL),
                   lambda: _working_copy(site).exists())
        assert not site.warehouse_path.exists()  # a first run: nothing was published
        assert _archive_bytes(site) > 0

        final = stdwatch(["run", "nightly"], site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = final.communicate(timeout=180)
        assert final.returncode == 0, out + err
        assert "archived responses left by interrupted runs" in out
        assert truth_problems(site) == []
        _assert_everything_archived_is_indexed(site)
        samr_marks = set(warehouse.read_watermarks(site.warehouse_path)["samr"])
        assert {k for k in samr_marks if not k.startswith(ENTRY)} == {"tid2", "tid3"}
        assert any(k.startswith(ENTRY) for k in samr_marks)  # and the rows' digests, by detail page


def test_only_files_no_live_run_is_writing_are_adopted(tmp_path):
    """A load indexes what killed runs left, never the file of a run still crawling."""
    archive = Archive(tmp_path, "20261128T000000Z-nightly-abcdef")
    entry = archive.write(source="samr", method="GET", url="https://std.samr.gov.cn/x", status=200,
                          headers=[("Content-Type", "text/html")], body=b"<html></html>",
                          fetched_at=datetime.now(timezone.utc))
    assert unindexed_files(tmp_path, set()) == []  # still being written
    archive.close()
    assert unindexed_files(tmp_path, set()) == [entry.warc_path]
    assert unindexed_files(tmp_path, {entry.warc_path}) == []
