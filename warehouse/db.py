"""Connections, the SQL files, and migrations.

Readers open the *published* file read-only through `open_readonly`/`query`; the only
writer is a `Warehouse.writing()` session (publish.py), which builds a working copy.
Migrations are `migrations/NNN_name.sql`, applied in order, each in its own
transaction, and recorded in `meta.schema_version`.
"""

from __future__ import annotations

import hashlib
import os
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # `query`'s result; a reader that fetches rows as Python never imports pyarrow
    import pyarrow as pa

_MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_STATEMENT_NAME = re.compile(r"^-- name: ([a-z0-9_]+)\s*$", re.MULTILINE)
READ_ALIAS = "warehouse"


DEFAULT_MEMORY_LIMIT = "1GB"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|bytes|kb|mb|gb|tb|kib|mib|gib|tib)\s*$", re.IGNORECASE)
_UNIT = {"b": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
         "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_SMALLEST_LIMIT = 64 * 2**20  # below this DuckDB cannot run the marts' queries at all
_memory_limit = DEFAULT_MEMORY_LIMIT


def check_memory_limit(value: str) -> str:
    """`value` if DuckDB reads it as a usable size ("1GB", "512MiB", "2.5 GB"), else a one-line ValueError."""
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a size: write a number and a unit as DuckDB does, "
                         "e.g. \"1GB\" or \"512MiB\"")
    if float(match[1]) * _UNIT[match[2].lower()] < _SMALLEST_LIMIT:
        raise ValueError(f"{value!r} is too small for the warehouse: give at least 64MiB, e.g. \"1GB\"")
    return value.strip()


def size_bytes(value: str) -> float:
    """The bytes of a DuckDB size ("1GB", "64.0 MiB")."""
    match = _SIZE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a size")
    return float(match[1]) * _UNIT[match[2].lower()]


def set_memory_limit(value: str) -> None:
    """The memory DuckDB may use on every connection this package opens from now on (default 1GB)."""
    global _memory_limit
    try:
        _memory_limit = check_memory_limit(value)
    except ValueError as exc:
        raise ValueError(f"memory_limit = {exc}") from None


def connect(database: str | Path = ":memory:", config: Mapping[str, object] | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the memory limit applied (`SET memory_limit`, see set_memory_limit)
    and no progress bar: a query slower than 2 s would draw one on a command's output."""
    con = duckdb.connect(str(database), config=dict(config or {}))
    try:
        con.execute(f"SET memory_limit = '{_memory_limit}'")
        con.execute("SET enable_progress_bar = false")
    except BaseException:
        con.close()
        raise
    return con


class WarehouseMissing(FileNotFoundError):
    """There is no published warehouse file yet."""


class SchemaVersionError(RuntimeError):
    """The database's migrations do not match the ones this code ships."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def _package_file(*parts: str) -> str:
    return resources.files(__package__).joinpath(*parts).read_text(encoding="utf-8")


@cache
def migrations() -> tuple[Migration, ...]:
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaVersionError(f"migrations must be numbered 001, 002, ... without gaps; found {versions}")
    return tuple(found)


@cache
def statements(filename: str) -> dict[str, str]:
    """The named statements of `sql/<filename>`: blocks that start with `-- name: <name>`."""
    text = _package_file("sql", filename)
    parts = _STATEMENT_NAME.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def _named(sql_file: str, name: str, params: Mapping[str, object] | None) -> tuple[str, dict | None]:
    """The named statement of `sql/<sql_file>` and the subset of `params` it names."""
    sql = statements(sql_file)[name]
    return sql, {k: v for k, v in (params or {}).items() if f"${k}" in sql} or None


def execute(con: duckdb.DuckDBPyConnection, sql_file: str, name: str,
            params: Mapping[str, object] | None = None) -> duckdb.DuckDBPyConnection:
    """Execute a named statement (DB-API: fetch rows from the returned connection)."""
    return con.execute(*_named(sql_file, name, params))


def relation(con: duckdb.DuckDBPyConnection, sql_file: str, name: str,
             params: Mapping[str, object] | None = None) -> duckdb.DuckDBPyRelation:
    """A named query as a relation, for Arrow output without the DB-API's extra copy."""
    sql, used = _named(sql_file, name, params)
    return con.sql(sql, params=used)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied; 0 for an empty database."""
    exists = con.execute(statements("meta.sql")["schema_version_table_exists"]).fetchone()[0]
    if not exists:
        return 0
    return con.execute(statements("meta.sql")["current_schema_version"]).fetchone()[0]


def apply_migrations(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Bring the database up to the latest migration (or `upto`); returns the versions applied.

    Applying to an up-to-date database does nothing. Every migration runs in its own
    transaction together with its `meta.schema_version` row, so a failure leaves the
    database at the previous version.
    """
    known = migrations()
    con.execute(_package_file("sql", "schema_version.sql"))
    recorded = dict(con.execute(statements("meta.sql")["recorded_migrations"]).fetchall())
    newest = known[-1].version if known else 0
    if recorded and max(recorded) > newest:
        raise SchemaVersionError(
            f"the warehouse is at schema version {max(recorded)}, newer than this code's {newest}: "
            "upgrade stdwatch before writing to it"
        )
    for version, name in recorded.items():
        if known[version - 1].name != name:
            raise SchemaVersionError(
                f"migration {version:03d} is recorded as {name!r} but this code ships "
                f"{known[version - 1].name!r}: the migration files were renamed or reordered"
            )
    applied = []
    for migration in known:
        if migration.version in recorded or (upto is not None and migration.version > upto):
            continue
        con.begin()
        try:
            con.execute(migration.sql)
            con.execute(
                statements("meta.sql")["record_migration"],
                {"version": migration.version, "name": migration.name},
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(migration.version)
    return applied


def create_views(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> None:
    """(Re)create the `mart` views (and the tables the materialised marts fill), unless the file
    already holds these very definitions: their fingerprint (the scripts' text and DuckDB's version)
    is kept in meta.mart_state under `view_definitions`. Re-running the scripts cost every write
    session 0.18 s (nightly, inbox file, reprocess), and wrote the whole catalogue into its change
    log, for nothing on every session but the first after an upgrade. `force`: re-run them anyway
    (a session that has just applied a migration does: a view may name what it changed)."""
    scripts = _view_scripts()
    fingerprint = hashlib.sha256("\n".join((duckdb.__version__, *scripts)).encode()).hexdigest()
    try:
        held = con.execute("SELECT value FROM meta.mart_state WHERE key = 'view_definitions'").fetchone()
    except duckdb.CatalogException:  # a file no session has created the views in yet
        held = None
    if not force and held is not None and held[0] == fingerprint:
        return
    for script in scripts:
        con.execute(script)
    con.execute("INSERT OR REPLACE INTO meta.mart_state (key, value) VALUES ('view_definitions', ?)", [fingerprint])


def _view_scripts() -> tuple[str, ...]:
    return (_package_file("sql", "marts.sql"), statements("events.sql")["create_views"],
            _package_file("sql", "registries_marts.sql"), _package_file("sql", "progress.sql"),
            statements("gate.sql")["create_views"])


# Readers get no way out of the published file: no other file, no network, no extension
# download, and settings that cannot be changed back. Autoload/autoinstall must be off when
# the database starts; the rest is set after ATTACH (external access off would forbid it).
_READER_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_LOCK = ("SET enable_external_access = false", "SET lock_configuration = true")


# Every open_readonly connection of this process with the file it opened (device, inode). fcntl
# locks cannot tell a writer about readers in its own process (they are per process, and any
# close of the file drops them), so publish.py asks here before it writes into a file again.
_readers: list[tuple[tuple[int, int], weakref.ref]] = []


def read_in_this_process(path: str | Path) -> bool:
    """Whether a connection open_readonly made in this process, not yet closed, has `path`'s file."""
    stat = os.stat(path)
    held = False
    for file, reader in list(_readers):
        con = reader()
        try:
            if con is None:
                raise duckdb.ConnectionException("collected")
            con.cursor().close()  # raises once the connection is closed
        except duckdb.ConnectionException:
            _readers.remove((file, reader))
            continue
        held = held or file == (stat.st_dev, stat.st_ino)
    return held


class RefusedStatement(ValueError):
    """An analyst's SQL that is not one read-only query."""


def open_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A locked, read-only connection to the published warehouse. Close it when done.

    The file is ATTACHed read-only to a fresh in-memory database and made the default
    catalog, so `SELECT * FROM mart.standard` works as usual. Going through ATTACH
    rather than `duckdb.connect(path, read_only=True)` sidesteps the duckdb module's
    instance cache, which would hand a process that still holds a connection the
    database as it was before the last publish. Then external access is switched off
    and the configuration locked: no file but this one, no network, no extension.

    The connection itself could still DETACH and re-ATTACH the file for writing, so it is
    for the project's own SQL; SQL someone typed goes through `query` (`check_read_query`).
    """
    path = Path(path)
    if not path.is_file():
        raise WarehouseMissing(f"no warehouse at {path}: run `stdwatch demo` or `stdwatch run nightly` first")
    con = reader_connection()
    try:
        attach_published(con, path, READ_ALIAS)
        con.execute(f"USE {READ_ALIAS}")
        lock_reader(con)
    except BaseException:
        con.close()
        raise
    return con


def reader_connection() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory database for a reader: no extension is installed or loaded behind its back."""
    return connect(":memory:", _READER_CONFIG)


def attach_published(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> None:
    """ATTACH a published warehouse file read-only as `alias`, and note it as read in this process
    (`read_in_this_process`), so a publish here never writes into the file this connection holds."""
    literal = str(path.resolve()).replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS {alias} (READ_ONLY)")
    stat = os.stat(path)
    _readers.append(((stat.st_dev, stat.st_ino), weakref.ref(con)))


def lock_reader(con: duckdb.DuckDBPyConnection) -> None:
    """Once every file is attached: no other file, no network, and settings that cannot be changed back."""
    for setting in _LOCK:
        con.execute(setting)


def check_read_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse, with a one-line reason, anything but a single read query (SELECT, FROM …, WITH …,
    DESCRIBE, SHOW, SUMMARIZE): no USE, ATTACH/DETACH, COPY, SET, INSTALL/LOAD, PRAGMA, CALL, DDL or DML."""
    try:
        found = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise RefusedStatement(str(exc).splitlines()[0]) from exc
    if len(found) != 1:
        raise RefusedStatement(
            f"{len(found)} statements given: run one read query at a time (SELECT, FROM …, WITH …, DESCRIBE)")
    kind = found[0].type
    if kind != duckdb.StatementType.SELECT:
        raise RefusedStatement(
            f"{kind.name} statements are refused: the warehouse is read-only for analysts "
            "(SELECT, FROM …, WITH …, DESCRIBE, SHOW and SUMMARIZE are allowed)")


def query(path: str | Path, sql: str, params: dict | list | None = None) -> pa.Table:
    """Run one read query against the published warehouse, locked (see `open_readonly`), and return it as
    Arrow; anything but a single read query raises RefusedStatement before it runs."""
    con = open_readonly(path)
    try:
        check_read_query(con, sql)
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()
