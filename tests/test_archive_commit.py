"""The archive's group commit (extract/archive.py): a record `write` returned survives the writing
process being killed before any fsync; fsync is paid once per file per commit, not per record; and
only fsynced records are offered to a load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from extract import archive as archive_module
from extract.archive import Archive, iter_archive, read_response, unindexed_files

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)


def _write(archive: Archive, source: str, n: int):
    return archive.write(source=source, method="GET", url=f"https://std.samr.gov.cn/p/{n}", status=200,
                         headers=[("Content-Type", "text/html")], body=f"<html>page {n}</html>".encode(),
                         fetched_at=NOW)


@pytest.fixture
def fsyncs(monkeypatch):
    """The paths fsynced through extract.archive, in order (the real fsync still runs)."""
    synced: list[str] = []
    real = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(archive_module.os, "fsync", recording_fsync)
    return synced


def test_a_record_write_returned_survives_a_kill_before_any_fsync(tmp_path, fsyncs):
    writer = textwrap.dedent(f"""
        import sys, time
        from datetime import datetime, timezone
        from extract.archive import Archive
        archive = Archive({str(tmp_path)!r}, "killed-run", sync_interval=3600)  # no group commit before the kill
        for n in range(5):
            entry = archive.write(source="samr", method="GET", url=f"https://std.samr.gov.cn/p/{{n}}", status=200,
                                  headers=[], body=b"page %d" % n, fetched_at=datetime.now(timezone.utc))
            print(entry.response_id, flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", writer], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        written = [proc.stdout.readline().strip() for _ in range(5)]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert all(written)
    survivors = list(iter_archive(tmp_path))
    assert [entry.response_id for entry, _ in survivors] == written
    assert [body for _, body in survivors] == [b"page %d" % n for n in range(5)]
    orphan = survivors[0][0].warc_path
    assert unindexed_files(tmp_path, set()) == [orphan]  # the dead run's lock is gone
    assert fsyncs == [str(tmp_path / orphan)]  # and what a load would adopt from it is made durable first


def test_one_fsync_per_file_covers_every_record_written_before_it(tmp_path, fsyncs):
    archive = Archive(tmp_path, "run", sync_interval=3600)
    written = [_write(archive, "samr", n) for n in range(20)] + [_write(archive, "ttbz", 99)]
    assert fsyncs == [] and archive.durable_entries() == []  # handed to the kernel, not yet on disk

    archive.sync()
    day = NOW.strftime("%Y-%m-%d")
    assert sorted(fsyncs) == sorted([  # each new file, and the directory that names it
        str(tmp_path / "samr" / day / "run.warc.gz"), str(tmp_path / "samr" / day),
        str(tmp_path / "ttbz" / day / "run.warc.gz"), str(tmp_path / "ttbz" / day)])
    assert archive.durable_entries() == written

    archive.sync()  # nothing new: no second fsync
    assert len(fsyncs) == 4
    _write(archive, "samr", 21)
    archive.sync()  # one more record: its file alone, the directory entry is already on disk
    assert fsyncs[4:] == [str(tmp_path / "samr" / day / "run.warc.gz")]


def test_only_fsynced_records_are_offered_to_a_load_and_close_syncs_the_rest(tmp_path, fsyncs):
    archive = Archive(tmp_path, "run", sync_interval=3600)
    first = _write(archive, "samr", 1)
    archive.sync()
    second = _write(archive, "samr", 2)
    assert archive.entries == [first, second]
    assert archive.durable_entries() == [first]
    archive.close()
    assert len([p for p in fsyncs if p.endswith(".warc.gz")]) == 2
    assert archive.durable_entries() == [first, second]


def test_a_write_after_the_interval_commits_the_group(tmp_path, fsyncs):
    archive = Archive(tmp_path, "run", sync_interval=0.0)
    entry = _write(archive, "samr", 1)
    assert [p for p in fsyncs if p.endswith(".warc.gz")] == [str(tmp_path / entry.warc_path)]
    assert archive.durable_entries() == [entry]
    archive.close()


def test_a_resumed_run_points_its_new_entries_at_their_records(tmp_path):
    archive = Archive(tmp_path, "run")
    kept = _write(archive, "samr", 1)
    cut = _write(archive, "samr", 2)
    archive.close()
    with open(tmp_path / cut.warc_path, "r+b") as fh:
        fh.truncate(cut.offset + cut.length // 2)  # killed mid-append

    resumed = Archive(tmp_path, "run")
    again = _write(resumed, "samr", 3)
    resumed.close()
    assert again.offset == cut.offset  # right after the last whole record pair, where the cut one began
    assert read_response(tmp_path, again.warc_path, again.offset)[2] == b"<html>page 3</html>"
    assert [e.response_id for e, _ in iter_archive(tmp_path)] == [kept.response_id, again.response_id]
