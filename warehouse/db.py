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


def open_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse. Close it when done.

    The file is ATTACHed read-only to a fresh in-memory database and made the default
    catalog, so `SELECT * FROM mart.standard` works as usual. Going through ATTACH
    rather than `duckdb.connect(path, read_only=True)` sidesteps the duckdb module's
    instance cache, which would hand a process that still holds a connection the
    database as it was before the last publish.
    """
    path = Path(path)
    if not path.is_file():
        raise WarehouseMissing(f"no warehouse at {path}: run `stdwatch demo` or `stdwatch run nightly` first")
    con = duckdb.connect(":memory:")
    try:
        literal = str(path.resolve()).replace("'", "''")
        con.execute(f"ATTACH '{literal}' AS {READ_ALIAS} (READ_ONLY)")
        con.execute(f"USE {READ_ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def query(path: str | Path, sql: str, params: dict | list | None = None) -> pa.Table:
    """Run one read-only query against the published warehouse and return it as Arrow."""
    con = open_readonly(path)
    try:
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()
