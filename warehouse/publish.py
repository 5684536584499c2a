"""Blue/green publish: every write happens in a working copy that replaces the published file.

    with Warehouse(path).writing() as w:
        w.merge_standards(records, run_id)

brings a working copy `<path>.next` to the published file's state, opens it read-write and
migrates it; a normal exit refreshes the materialised marts (`before_publish`), stamps the file
with a fresh token (meta.publish), checkpoints, closes and `os.replace`s it over `<path>` (atomic:
readers holding the old file keep a consistent snapshot, new readers see the new one); an
exception deletes the copy and leaves `<path>` exactly as it was. An exclusive lock on
`<path>.lock` keeps a second writer out, which also makes removing a `.next` left by a killed run
safe.

The working copy costs what the last session changed, not the warehouse. Two files take turns:
the file a publish replaces is kept as `<path>.spare` (the published state one session ago), and
the session that replaced it kept its change: DuckDB's write-ahead log of its working copy, taken
just before the checkpoint, as `<path>.delta`, with a record `<path>.delta.json` (the token and
every table's row count it leads to, and the published file and the spare it applies to). The
next session renames the spare to `<path>.next`, puts the log beside it as its WAL and opens it:
DuckDB replays it (and refuses a log written for another file, or for another checkpoint of this
one), the replay is checkpointed, and the copy is used ("delta") only if it now carries the
published file's token and row counts. For the log to hold the whole change, working copies run
without automatic checkpoints and without optimistic writes (those write a large append into the
file and log only where it is: replayed into the other file, such a log reads blocks it lacks).

When there is no usable log (the first session after an upgrade or after a held or accepted load,
a log too large to be worth replaying, a run killed before it kept one), the spare is made
byte-identical to the published file instead, writing only the 256 KiB blocks that differ
("blocks": this reads both files). When a reader of any process still holds the spare (DuckDB's
shared fcntl lock; `read_in_this_process` for this one), or there is none, the whole file is
copied ("whole") and the reader keeps its snapshot.

A session the publish gate held back (`WriteSession.held_back`, warehouse/gate.py) is not
published: the copy is kept aside as `<path>.held` and `<path>` stays as it was.
`writing(from_held=True)` starts from that held copy (copied whole) instead of the published file:
it is how `stdwatch publish --accept` publishes it on purpose.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import struct
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import marts
from warehouse.db import apply_migrations, connect, create_views, execute, read_in_this_process
from warehouse.load import OrgKey, WriteSession, default_org_key

_SQL = "publish.sql"

# A working copy's DuckDB: its write-ahead log holds the session's whole change until publish.
_WORKING_COPY_CONFIG = {
    "enable_optimistic_write": False,
    "wal_autocheckpoint": "1000TB",
    "auto_checkpoint_skip_wal_threshold": 2**63 - 1,  # a large commit would otherwise bypass the log
}
# A change log larger than this share of the file is not kept: copying the changed blocks costs
# less than replaying it.
DELTA_SHARE = 0.25


class WarehouseBusy(RuntimeError):
    """Another process is writing the same warehouse."""


class NothingHeld(FileNotFoundError):
    """There is no held-back load to publish."""


class Warehouse:
    def __init__(self, path: str | Path, *, org_key: OrgKey = default_org_key) -> None:
        self.path = Path(path)
        self.next_path = self._beside(".next")
        self.spare_path = self._beside(".spare")
        self.delta_path = self._beside(".delta")  # the last session's change log, for the spare
        self.delta_record_path = self._beside(".delta.json")
        self.delta_next_path = self._beside(".delta.next")  # this session's, until it is published
        self.lock_path = self._beside(".lock")
        self.held_path = self._beside(".held")
        self.org_key = org_key
        self.copy_method: str | None = None  # how the last session's working copy was made: "delta", "blocks" or "whole"
        self.seconds: dict[str, float] = {}  # and what its steps took: copy, refresh, keep, checkpoint, publish

    def _beside(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    @contextmanager
    def writing(self, wait_seconds: float = 0.0, *, from_held: bool = False) -> Iterator[WriteSession]:
        """The write session (see the module docstring). If another process is writing, wait up to
        `wait_seconds` for it to finish, then raise WarehouseBusy."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._exclusive_lock(wait_seconds):
            record = self._take_delta_record()
            _remove(self.next_path, *_wals(self.next_path), self.delta_next_path)
            self.seconds = {}
            with self._timed("copy"):
                con = self._working_copy(record, from_held)
            _remove(self.delta_path)  # replayed, or of no use to any later session
            try:
                create_views(con, force=bool(apply_migrations(con)))
                session = WriteSession(con, self.org_key)
                yield session
                with self._timed("refresh"):
                    before_publish(con)
                state = _stamp(con)
                with self._timed("keep"):
                    kept = (not from_held and not session.checkpointed and self.path.exists()
                            and self._keep_change_log(con))
                with self._timed("checkpoint"):
                    con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                _remove(self.next_path, *_wals(self.next_path), self.delta_next_path)
                raise
            con.close()
            with self._timed("publish"):
                self._publish(session.held_back, from_held, state if kept else None)

    def _publish(self, held_back: bool, from_held: bool, state: dict | None) -> None:
        """Make the closed working copy the published file (or the held one), the file it replaces
        the spare, and keep the session's change log for the spare when `state` says what it leads to."""
        _fsync(self.next_path)
        if held_back:
            _remove(*_wals(self.held_path), self.delta_next_path)
            os.replace(self.next_path, self.held_path)
            _remove(*_wals(self.next_path))
            _fsync(self.path.parent)
            return
        if self.path.exists():  # the file being replaced becomes the next session's spare
            _remove(self.spare_path)
            os.link(self.path, self.spare_path)
        os.replace(self.next_path, self.path)
        if from_held:
            _remove(self.held_path)
        _remove(*_wals(self.path), *_wals(self.next_path))
        if state is not None:
            os.replace(self.delta_next_path, self.delta_path)
            _write_durably(self.delta_record_path, {
                "published": _identity(self.path), "spare": _identity(self.spare_path),
                "log_bytes": self.delta_path.stat().st_size, "state": state})
        _fsync(self.path.parent)

    # ── the working copy ─────────────────────────────────────────────────────────────────
    def _working_copy(self, record: dict | None, from_held: bool) -> duckdb.DuckDBPyConnection:
        """`<path>.next` open read-write with the published file's state (the held file's with
        `from_held`) and an empty write-ahead log: from the spare and the last change log
        ("delta"), from the spare block by block ("blocks"), else by copying the whole file."""
        if from_held:
            if not self.held_path.exists():
                raise NothingHeld(f"no held-back load at {self.held_path}: nothing to publish")
            shutil.copyfile(self.held_path, self.next_path)
            self.copy_method = "whole"
        elif self.path.exists():
            if self._spare_taken():
                con = self._replayed(record)
                if con is not None:
                    self.copy_method = "delta"
                    return con
                if _copy_changed_blocks(self.path, self.next_path):
                    self.copy_method = "blocks"
                    return _open_working_copy(self.next_path)
            _remove(self.next_path)  # a spare a reader holds stays theirs: unlinked, never written again
            shutil.copyfile(self.path, self.next_path)
            self.copy_method = "whole"
            if _wal(self.path).exists():  # a published file should have none; keep its data if it does
                shutil.copyfile(_wal(self.path), _wal(self.next_path))
        return _open_working_copy(self.next_path)

    def _spare_taken(self) -> bool:
        """Rename the spare to `<path>.next`; False if there is none, it is the published file
        itself (a run killed between keeping it and publishing), or a reader has it open."""
        try:
            os.replace(self.spare_path, self.next_path)
        except FileNotFoundError:
            return False
        if os.stat(self.next_path).st_ino == os.stat(self.path).st_ino or read_in_this_process(self.next_path):
            return False
        fd = os.open(self.next_path, os.O_RDWR)
        try:  # DuckDB readers of other processes hold a shared fcntl lock on their file
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
        except OSError:
            return False
        finally:
            os.close(fd)  # no one else can open it now: readers open `<path>`, not `.next`
        return True

    def _replayed(self, record: dict | None) -> duckdb.DuckDBPyConnection | None:
        """The spare (now `<path>.next`) brought forward by replaying the last session's change
        log, if the record says the log leads from this very spare to this very published file
        and the replayed copy then has the published token and row counts; else None (the file
        may have been written: the caller makes it byte-identical or replaces it)."""
        if (record is None or _wal(self.path).exists()
                or record.get("published") != _identity(self.path) or record.get("spare") != _identity(self.next_path)
                or not self.delta_path.exists() or self.delta_path.stat().st_size != record.get("log_bytes")):
            return None
        os.replace(self.delta_path, _wal(self.next_path))
        con = None
        try:
            con = _open_working_copy(self.next_path)  # DuckDB replays the log; the checkpoint folds it in
            if _state(con) == record["state"]:
                return con
        except duckdb.Error:  # a log DuckDB refuses: written for another file or another checkpoint
            pass
        if con is not None:
            con.close()
        _remove(*_wals(self.next_path))
        return None

    def _keep_change_log(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Copy the working copy's write-ahead log, everything the session committed, to
        `<path>.delta.next`; not when it is larger than DELTA_SHARE of the file, or when optimistic
        writes were turned back on (the log would point into this file)."""
        wal = _wal(self.next_path)
        if not wal.exists() or con.execute("SELECT current_setting('enable_optimistic_write')").fetchone()[0]:
            return False
        if wal.stat().st_size > DELTA_SHARE * self.next_path.stat().st_size:
            return False
        shutil.copyfile(wal, self.delta_next_path)
        _fsync(self.delta_next_path)
        return True

    def _take_delta_record(self) -> dict | None:
        """The last session's delta record, removed: once this session starts, the spare it
        applies to is consumed or left behind."""
        try:
            record = json.loads(self.delta_record_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            record = None
        _remove(self.delta_record_path)
        return record if isinstance(record, dict) else None

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = time.perf_counter() - started

    @contextmanager
    def _exclusive_lock(self, wait_seconds: float) -> Iterator[None]:
        deadline = time.monotonic() + wait_seconds
        with open(self.lock_path, "a") as lock:
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(
                            f"another process is writing {self.path} (it holds {self.lock_path}); "
                            "wait for it to finish"
                        ) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def before_publish(con: duckdb.DuckDBPyConnection) -> None:
    """The last step of a write session before its file is published: the materialised marts
    are brought up to date (marts.refresh), so readers never see them behind the data."""
    marts.refresh(con)


def _open_working_copy(path: Path) -> duckdb.DuckDBPyConnection:
    """`path` open read-write for a session, its write-ahead log (a replayed change log, a
    published file's stray one) checkpointed into the file: from here on the log is the session's."""
    con = connect(path, _WORKING_COPY_CONFIG)
    try:
        if _wal(path).exists():
            con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        raise
    return con


def _stamp(con: duckdb.DuckDBPyConnection) -> dict:
    """Stamp the working copy with a fresh token (meta.publish); the state a replay must reach."""
    con.begin()
    try:
        execute(con, _SQL, "clear_stamp")
        execute(con, _SQL, "stamp", {"token": str(uuid.uuid4())})
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return _state(con)


def _state(con: duckdb.DuckDBPyConnection) -> dict:
    """The file's token and every table's row count: what a spare brought forward by a change
    log must share with the published file."""
    tables = execute(con, _SQL, "tables").fetchall()
    counts = con.execute(" UNION ALL ".join(
        f"SELECT '{schema}.{table}', count(*) FROM \"{schema}\".\"{table}\"" for schema, table in tables)).fetchall()
    return {"token": execute(con, _SQL, "token").fetchone()[0], "rows": dict(sorted(counts))}


# DuckDB's file layout: a main header and two database headers of 4 KiB, then blocks of 256 KiB.
# Blocks are compared byte for byte: the checksum DuckDB stores at the start of each block is an
# XOR of its words, the same for different contents (two equal words cancel out, zeros count for
# nothing), so it cannot tell a changed block.
_HEADERS = 3 * 4096
_BLOCK = 256 * 1024


def _copy_changed_blocks(source: Path, target: Path) -> bool:
    """Make `target` byte-identical to `source`: the headers, every block that differs or that it
    lacks, the same length, then fsync. False (nothing written) if `source`'s length is not the
    layout above: the caller copies the whole file."""
    size = source.stat().st_size
    if size < _HEADERS or (size - _HEADERS) % _BLOCK:
        return False
    fd = os.open(target, os.O_RDWR)
    try:
        with open(source, "rb", buffering=0) as src:
            os.pwrite(fd, src.read(_HEADERS), 0)
            for offset in range(_HEADERS, size, _BLOCK):
                block = os.pread(src.fileno(), _BLOCK, offset)
                if os.pread(fd, _BLOCK, offset) != block:
                    os.pwrite(fd, block, offset)
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def _identity(path: Path) -> list[int]:
    """What tells one file from another, and from itself once written: device, inode, size, mtime."""
    stat = os.stat(path)
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _write_durably(path: Path, content: dict) -> None:
    """`path` holds `content` as JSON, whole or not at all, also after a power cut."""
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(content), encoding="utf-8")
    _fsync(scratch)
    os.replace(scratch, path)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _wals(path: Path) -> list[Path]:
    """`path`'s write-ahead log and the files DuckDB keeps beside it during a checkpoint."""
    return [_wal(path), *(p for p in path.parent.iterdir() if p.name.startswith(f"{path.name}.wal."))]


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
