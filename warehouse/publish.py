"""Blue/green publish: every write happens in a working copy that replaces the published file.

    with Warehouse(path).writing() as w:
        w.merge_standards(records, run_id)

copies the published file (if any) to `<path>.next`, opens the copy read-write and
migrates it; a normal exit checkpoints, closes and `os.replace`s it over `<path>`
(atomic: readers holding the old file keep a consistent snapshot, new readers see the
new one); an exception deletes the copy and leaves `<path>` exactly as it was. An
exclusive lock on `<path>.lock` keeps a second writer out, which also makes removing
a `.next` left by a killed run safe.
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

from warehouse import marts
from warehouse.db import apply_migrations, connect, create_views
from warehouse.load import OrgKey, WriteSession, default_org_key


class WarehouseBusy(RuntimeError):
    """Another process is writing the same warehouse."""


class Warehouse:
    def __init__(self, path: str | Path, *, org_key: OrgKey = default_org_key) -> None:
        self.path = Path(path)
        self.next_path = self.path.with_name(self.path.name + ".next")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.org_key = org_key

    @contextmanager
    def writing(self, wait_seconds: float = 0.0) -> Iterator[WriteSession]:
        """The write session (see the module docstring). If another process is writing, wait up to
        `wait_seconds` for it to finish, then raise WarehouseBusy."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._exclusive_lock(wait_seconds):
            _remove(self.next_path, _wal(self.next_path))
            if self.path.exists():
                shutil.copyfile(self.path, self.next_path)
                if _wal(self.path).exists():  # a published file should have none; keep its data if it does
                    shutil.copyfile(_wal(self.path), _wal(self.next_path))
            con = connect(self.next_path)
            try:
                apply_migrations(con)
                create_views(con)
                yield WriteSession(con, self.org_key)
                before_publish(con)
                con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                _remove(self.next_path, _wal(self.next_path))
                raise
            con.close()
            _fsync(self.next_path)
            os.replace(self.next_path, self.path)
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


def before_publish(con: duckdb.DuckDBPyConnection) -> None:
    """The last step of a write session before its file is published: the materialised marts
    are brought up to date (marts.refresh), so readers never see them behind the data."""
    marts.refresh(con)


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
