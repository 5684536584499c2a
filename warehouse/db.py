"""Connections, the SQL files, and migrations.

Readers open the *published* file read-only through `open_readonly`/`query`; the only
writer is a `Warehouse.writing()` session (publish.py), which builds a working copy.
Migrations are `migrations/NNN_name.sql`, applied in order, each in its own
transaction, and recorded in `meta.schema_version`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

_MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_STATEMENT_NAME = re.compile(r"^-- name: ([a-z0-9_]+)\s*$", re.MULTILINE)
READ_ALIAS = "warehouse"


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


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the `mart` views. Idempotent; views hold no data, so this is instant."""
    con.execute(_package_file("sql", "marts.sql"))
    con.execute(statements("events.sql")["create_views"])
    con.execute(_package_file("sql", "registries_marts.sql"))
    con.execute(_package_file("sql", "progress.sql"))
    con.execute(statements("gate.sql")["create_views"])


# Readers get no way out of the published file: no other file, no network, no extension
# download, and settings that cannot be changed back. Autoload/autoinstall must be off when
# the database starts; the rest is set after ATTACH (external access off would forbid it).
_READER_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_LOCK = ("SET enable_external_access = false", "SET lock_configuration = true")


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
    con = duckdb.connect(":memory:", config=_READER_CONFIG)
    try:
        literal = str(path.resolve()).replace("'", "''")
        con.execute(f"ATTACH '{literal}' AS {READ_ALIAS} (READ_ONLY)")
        con.execute(f"USE {READ_ALIAS}")
        for setting in _LOCK:
            con.execute(setting)
    except BaseException:
        con.close()
        raise
    return con


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
