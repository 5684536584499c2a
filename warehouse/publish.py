"""Blue/green publish: every write happens in a working copy that replaces the published file.

    with Warehouse(path).writing() as w:
        w.merge_standards(records, run_id)

brings a working copy `<path>.next` to the published file's bytes, opens it read-write and
migrates it; a normal exit refreshes the materialised marts (`before_publish`), checkpoints,
closes and `os.replace`s it over `<path>` (atomic: readers holding the old file keep a
consistent snapshot, new readers see the new one); an exception deletes the copy and leaves
`<path>` exactly as it was. An exclusive lock on `<path>.lock` keeps a second writer out, which
also makes removing a `.next` left by a killed run safe.

The working copy writes what changed, not the warehouse. The file a publish replaces is kept as
`<path>.spare`: it is the published file as it was one session ago. The next session renames it
to `<path>.next` and writes into it only the blocks that differ from the published file's (plus
the three file headers): it reads both files (mostly from the page cache) and writes, and
fsyncs, the last session's change instead of the whole file. When a reader of any process still
holds the spare (DuckDB's shared fcntl lock; `read_in_this_process` for this one), or it is
missing, or its layout is not the one expected, the whole file is copied as before and the
reader keeps its snapshot.

A session the publish gate held back (`WriteSession.held_back`, warehouse/gate.py) is not
published: the copy is kept aside as `<path>.held` and `<path>` stays as it was.
`writing(from_held=True)` starts from that held copy (copied whole) instead of the published file:
it is how `stdwatch publish --accept` publishes it on purpose.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import marts
from warehouse.db import apply_migrations, connect, create_views, read_in_this_process
from warehouse.load import OrgKey, WriteSession, default_org_key


class WarehouseBusy(RuntimeError):
    """Another process is writing the same warehouse."""


class NothingHeld(FileNotFoundError):
    """There is no held-back load to publish."""


class Warehouse:
    def __init__(self, path: str | Path, *, org_key: OrgKey = default_org_key) -> None:
        self.path = Path(path)
        self.next_path = self.path.with_name(self.path.name + ".next")
        self.spare_path = self.path.with_name(self.path.name + ".spare")
        self.copy_method: str | None = None  # how the last session's working copy was made: "blocks" or "whole"
        self.copy_seconds: float | None = None  # and how long it took
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.held_path = self.path.with_name(self.path.name + ".held")
        self.org_key = org_key

    @contextmanager
    def writing(self, wait_seconds: float = 0.0, *, from_held: bool = False) -> Iterator[WriteSession]:
        """The write session (see the module docstring). If another process is writing, wait up to
        `wait_seconds` for it to finish, then raise WarehouseBusy."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._exclusive_lock(wait_seconds):
            _remove(self.next_path, _wal(self.next_path))
            if from_held:
                if not self.held_path.exists():
                    raise NothingHeld(f"no held-back load at {self.held_path}: nothing to publish")
                shutil.copyfile(self.held_path, self.next_path)
                self.copy_method, self.copy_seconds = "whole", None
            elif self.path.exists():
                started = time.perf_counter()
                self.copy_method = self._working_copy()
                self.copy_seconds = time.perf_counter() - started
                if _wal(self.path).exists():  # a published file should have none; keep its data if it does
                    shutil.copyfile(_wal(self.path), _wal(self.next_path))
            con = connect(self.next_path)
            try:
                apply_migrations(con)
                create_views(con)
                session = WriteSession(con, self.org_key)
                yield session
                before_publish(con)
                con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                _remove(self.next_path, _wal(self.next_path))
                raise
            con.close()
            _fsync(self.next_path)
            if session.held_back:
                _remove(_wal(self.held_path))
                os.replace(self.next_path, self.held_path)
                _remove(_wal(self.next_path))
                _fsync(self.path.parent)
                return
            if self.path.exists():  # the file being replaced becomes the next session's spare
                _remove(self.spare_path)
                os.link(self.path, self.spare_path)
            os.replace(self.next_path, self.path)
            if from_held:
                _remove(self.held_path)
            _remove(_wal(self.path), _wal(self.next_path))
            _fsync(self.path.parent)

    def _working_copy(self) -> str:
        """Make `<path>.next` byte-identical to `<path>`: from the spare, block by block ("blocks"),
        else by copying the whole file ("whole")."""
        if self._spare_brought_up_to_date():
            return "blocks"
        _remove(self.next_path)  # a spare a reader holds stays theirs: unlinked, never written again
        shutil.copyfile(self.path, self.next_path)
        return "whole"

    def _spare_brought_up_to_date(self) -> bool:
        """Rename the spare to `<path>.next` and copy the changed blocks into it, unless there is no
        spare, it is the published file itself (a run killed between keeping it and publishing), a
        reader has it open, or its layout is not DuckDB's usual one."""
        try:
            os.replace(self.spare_path, self.next_path)
        except FileNotFoundError:
            return False
        if os.stat(self.next_path).st_ino == os.stat(self.path).st_ino or read_in_this_process(self.next_path):
            return False
        fd = os.open(self.next_path, os.O_RDWR)
        try:
            try:  # DuckDB readers of other processes hold a shared fcntl lock on their file
                fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
            except OSError:
                return False
            if not _copy_changed_blocks(self.path, fd):
                return False
            os.fsync(fd)
            return True
        finally:
            os.close(fd)

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


# DuckDB's file layout: a main header and two database headers of 4 KiB, then blocks of 256 KiB.
# Blocks are compared byte for byte: the checksum DuckDB stores at the start of each block is an
# XOR of its words, the same for different contents (two equal words cancel out, zeros count for
# nothing), so it cannot tell a changed block.
_HEADERS = 3 * 4096
_BLOCK = 256 * 1024


def _copy_changed_blocks(source: Path, fd: int) -> bool:
    """Make the file open on `fd` equal to `source`: the headers, every block that differs or that
    it lacks, the same length. False (nothing written) if `source`'s length is not the layout
    above: the caller copies the whole file."""
    size = source.stat().st_size
    if size < _HEADERS or (size - _HEADERS) % _BLOCK:
        return False
    with open(source, "rb", buffering=0) as src:
        os.pwrite(fd, src.read(_HEADERS), 0)
        for offset in range(_HEADERS, size, _BLOCK):
            block = os.pread(src.fileno(), _BLOCK, offset)
            if os.pread(fd, _BLOCK, offset) != block:
                os.pwrite(fd, block, offset)
    os.ftruncate(fd, size)
    return True


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
