"""Blue/green publish: every write happens in a working copy that replaces the published file.

    with Warehouse(path).writing() as w:
        w.merge_standards(records, run_id)

copies the published file (if any) to `<path>.next`, opens the copy read-write and
migrates it; a normal exit checkpoints, closes and `os.replace`s it over `<path>`
(atomic: readers holding the old file keep a consistent snapshot, new readers see the
new one); an exception deletes the copy and leaves `<path>` exactly as it was. An
exclusive lock on `<path>.lock` keeps a second writer out, which also makes removing
a `.next` left by a killed run safe.

A session the publish gate held back (`WriteSession.held_back`, warehouse/gate.py) is not
published: the copy is kept aside as `<path>.held` and `<path>` stays as it was.
`writing(from_held=True)` starts from that held copy instead of the published file (it is
how `stdwatch publish --accept` publishes it on purpose).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.db import apply_migrations, create_views
from warehouse.load import OrgKey, WriteSession, default_org_key


class WarehouseBusy(RuntimeError):
    """Another process is writing the same warehouse."""


class NothingHeld(FileNotFoundError):
    """There is no held-back load to publish."""


class Warehouse:
    def __init__(self, path: str | Path, *, org_key: OrgKey = default_org_key) -> None:
        self.path = Path(path)
        self.next_path = self.path.with_name(self.path.name + ".next")
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
            start = self.held_path if from_held else self.path
            if from_held and not start.exists():
                raise NothingHeld(f"no held-back load at {start}: nothing to publish")
            if start.exists():
                shutil.copyfile(start, self.next_path)
                if _wal(start).exists():  # a published file should have none; keep its data if it does
                    shutil.copyfile(_wal(start), _wal(self.next_path))
            con = duckdb.connect(str(self.next_path))
            try:
                apply_migrations(con)
                create_views(con)
                session = WriteSession(con, self.org_key)
                yield session
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
            os.replace(self.next_path, self.path)
            if from_held:
                _remove(self.held_path)
            _remove(_wal(self.path), _wal(self.next_path))
            _fsync(self.path.parent)

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
