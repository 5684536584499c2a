"""The province: every region's published warehouse read together, in one locked read-only session.

One warehouse per region, not a `region` column through one warehouse: DuckDB has one writer, and
the regions crawl at the same time on different workers. Each region keeps its own data_dir, archive,
blue/green publish and gate, so one city's held load or failed night holds back no other city. The
province is only read: `open_province` ATTACHes each region's *published* file read-only to a fresh
in-memory database and creates there the `province` views, each the union of the regions' own `mart`
view with `region_code` and `region_name` in front (docs/data-model.md, "Province").

Nothing of this is stored: ATTACH is not persisted in a DuckDB file, and every publish replaces a
region's file (os.replace). So the session is built when it is opened, keeps the snapshot of each file
it opened, and is opened again to see the newest loads.

A region that cannot be read (no published file yet, a file of another region, a schema too old) is
left out of the views and named in `province.regions` with its one-line `problem`; the others answer.
A region without a plan has one progress row, status 'plan not loaded', never zeros.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.db import RefusedStatement, attach_published, check_read_query, lock_reader, reader_connection

SCHEMA = "province"
PLAN_LOADED = "loaded"
PLAN_NOT_LOADED = "plan not loaded"
FOREIGN_PLAN = "another region's plan"
# The mart views every region must have, each unioned as province.<name>.
UNIONED = ("counting_rules", "standard", "new_standards_by_district", "new_standards_by_district_month",
           "committee", "new_committees_by_district", "indicator_progress", "district_progress")
_CODE = re.compile(r"^\d{2,6}$")
_RELATION = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$")
_REGIONS_SCHEMA = pa.schema([
    ("region_code", pa.string()), ("region_name", pa.string()), ("warehouse", pa.string()),
    ("attached", pa.bool_()), ("problem", pa.string()), ("published_at", pa.timestamp("us", tz="UTC")),
    ("latest_held", pa.bool_()), ("plan_status", pa.string()), ("plan", pa.string()),
])


class ProvinceUnavailable(RuntimeError):
    """No region of the province could be read (or none is configured): one line per region."""


@dataclass(frozen=True, slots=True)
class Result:
    """A province query's rows, the view it read (None for a query) and one line per region left out."""

    table: pa.Table
    view: str | None
    left_out: list[str]


def catalog(code: str) -> str:
    """The name a region's warehouse is attached as: `region_3205`, for `SELECT … FROM region_3205.mart.standard`."""
    return f"region_{code}"


def open_province(warehouses: Mapping[str, str | Path]) -> duckdb.DuckDBPyConnection:
    """A locked read-only session over every region's published warehouse, `{region code: warehouse file}`
    (e.g. `{"3205": "/srv/suzhou/warehouse.duckdb", "3202": "/srv/wuxi/warehouse.duckdb"}`), with the
    `province` views; close it when done.

    A region that cannot be read is left out and named in `province.regions` (`left_out` reads it);
    ProvinceUnavailable when none can. Like `open_readonly`'s connection this one is for the project's
    own SQL: SQL someone typed goes through `query_province` (`check_read_query`)."""
    if not warehouses:
        raise ProvinceUnavailable("no regions: set `province` (region code = that region's data_dir) in "
                                  "stdwatch.toml (docs/settings.md), or run `stdwatch demo` and "
                                  "`stdwatch demo --region CODE` first")
    con = reader_connection()
    try:
        statuses = [_attach(con, str(code), Path(path)) for code, path in sorted(warehouses.items())]
        attached = [s for s in statuses if s["attached"]]
        if not attached:
            raise ProvinceUnavailable("no region of the province can be read: "
                                      + "; ".join(s["problem"] for s in statuses))
        _create_views(con, statuses)
        lock_reader(con)
    except BaseException:
        con.close()
        raise
    return con


def left_out(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per region the session could not read, saying why."""
    return [row[0] for row in con.execute(f"SELECT problem FROM {SCHEMA}.regions WHERE NOT attached "
                                          "ORDER BY region_code").fetchall()]


def query_province(warehouses: Mapping[str, str | Path], sql_or_view: str) -> Result:
    """One read query (or a view, `province.standard` or `standard`) over the province, as Arrow, with the
    regions it left out; anything but a single read query raises RefusedStatement before it runs."""
    text = sql_or_view.strip()
    view = None
    if _RELATION.match(text):
        view = text if "." in text else f"{SCHEMA}.{text}"
        text = f"SELECT * FROM {view}"
    con = open_province(warehouses)
    try:
        check_read_query(con, text)
        return Result(con.sql(text).to_arrow_table(), view, left_out(con))
    finally:
        con.close()


# ── one region ──────────────────────────────────────────────────────────────────────────────


def _attach(con: duckdb.DuckDBPyConnection, code: str, path: Path) -> dict:
    """Attach one region's published warehouse; its row of province.regions, with `problem` set (and the
    file detached) when it cannot be read."""
    if not _CODE.match(code):
        raise ValueError(f"{code!r} is not a region code (GB/T 2260 digits, e.g. 3205)")
    name = _region_name(code)
    status = {"region_code": code, "region_name": name, "warehouse": str(path), "attached": False,
              "problem": None, "published_at": None, "latest_held": None, "plan_status": None, "plan": None}
    who = f"region {code} ({name})" if name != code else f"region {code}"
    if not path.is_file():
        held = path.with_name(path.name + ".held")
        why = (f"its only load is held back by the data tests ({held}): fix it, or `stdwatch publish --accept`"
               if held.is_file() else f"run its nightly (or `stdwatch demo --region {code}`) first")
        return {**status, "problem": f"{who}: no published warehouse at {path}; {why}"}
    alias = catalog(code)
    try:
        attach_published(con, path, alias)
    except duckdb.Error as exc:
        return {**status, "problem": f"{who}: cannot open {path}: {str(exc).splitlines()[0]}"}
    try:
        problem = _readable(con, alias, code, path)
        if problem is None:
            published_at, latest_held = con.execute(
                f"SELECT last_published_at, latest_held FROM {alias}.mart.publish_status").fetchone()
            plan_status, plan = _plan(con, alias, code)
    except duckdb.Error as exc:  # a view that no longer binds: this region's problem, not the province's
        problem = f"cannot read {path}: {str(exc).splitlines()[0]}"
    if problem is not None:
        con.execute(f"DETACH {alias}")
        return {**status, "problem": f"{who}: {problem}"}
    return {**status, "attached": True, "published_at": published_at, "latest_held": latest_held,
            "plan_status": plan_status, "plan": plan}


def _region_name(code: str) -> str:
    """The region's name from its folder (transform/regions/<code>); the code itself for a region with none."""
    from transform.region import RegionError, load_region  # noqa: PLC0415 - region folders are read on demand

    try:
        return load_region(code).name
    except (RegionError, FileNotFoundError, NotADirectoryError):
        return code


def _readable(con: duckdb.DuckDBPyConnection, alias: str, code: str, path: Path) -> str | None:
    """Why the attached file cannot stand for region `code`, or None: a view missing (a schema older than
    this code's), or the warehouse of another region."""
    have = {row[0] for row in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = $db AND schema_name = 'mart'",
        {"db": alias}).fetchall()}
    missing = [f"mart.{v}" for v in (*UNIONED, "publish_status") if v not in have]
    if missing:
        return (f"{path} has no {', '.join(missing)} (a schema older than this stdwatch's): run its nightly once "
                "to upgrade it")
    found = con.execute(f"SELECT region_code FROM {alias}.mart.counting_rules").fetchone()[0]
    if found != code:
        return (f"{path} is region {found}'s warehouse, not {code}'s: point province.{code} at region {code}'s "
                "data_dir")
    return None


def _plan(con: duckdb.DuckDBPyConnection, alias: str, code: str) -> tuple[str, str | None]:
    """Whether the region's plan is loaded, and which: never another region's (progress refuses to
    measure a region against it, as `stdwatch progress` does)."""
    from transform.region import plan_owner  # noqa: PLC0415 - region folders are read on demand

    row = con.execute(f"SELECT doc_number, title, region_code FROM {alias}.ref.plan").fetchone()
    if row is None:
        return PLAN_NOT_LOADED, None
    doc_number, title, loaded_for = row
    owner = plan_owner(doc_number) or loaded_for
    named = doc_number or title
    if owner is not None and owner != code:
        return FOREIGN_PLAN, f"{named} (region {owner}'s)"
    return PLAN_LOADED, named


# ── the views ───────────────────────────────────────────────────────────────────────────────


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_views(con: duckdb.DuckDBPyConnection, statuses: list[dict]) -> None:
    """province.regions, the union of each mart view in UNIONED, and province.new_standards_by_city."""
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    con.register("incoming_regions", pa.Table.from_pylist(statuses, schema=_REGIONS_SCHEMA))
    con.execute(f"CREATE TABLE {SCHEMA}.regions AS SELECT * FROM incoming_regions")
    con.unregister("incoming_regions")
    attached = [s for s in statuses if s["attached"]]
    for view in UNIONED:
        parts = [_region_part(view, s) for s in attached]
        con.execute(f"CREATE VIEW {SCHEMA}.{view} AS\n" + "\nUNION ALL BY NAME\n".join(parts))
    con.execute(f"""
        CREATE VIEW {SCHEMA}.new_standards_by_city AS
        SELECT
            d.region_code, any_value(d.region_name) AS region_name,
            CAST(sum(d.n_national) AS BIGINT) AS n_national, CAST(sum(d.n_industry) AS BIGINT) AS n_industry,
            CAST(sum(d.n_national_industry) AS BIGINT) AS n_national_industry,
            CAST(sum(d.n_local) AS BIGINT) AS n_local, CAST(sum(d.n_group) AS BIGINT) AS n_group,
            CAST(sum(d.n_enterprise) AS BIGINT) AS n_enterprise, CAST(sum(d.n_total) AS BIGINT) AS n_total,
            CAST(coalesce(sum(d.n_total) FILTER (WHERE d.district_code = r.unknown_district_code), 0) AS BIGINT)
                AS n_unplaced
        FROM {SCHEMA}.new_standards_by_district AS d
        JOIN {SCHEMA}.counting_rules AS r USING (region_code)
        GROUP BY d.region_code""")


def _region_part(view: str, status: dict) -> str:
    """One region's rows of province.<view>: its mart view with region_code and region_name in front.
    Progress also says whether the plan is loaded (plan_status): no figures against another region's
    plan, and one row saying so, or 'plan not loaded', where the region has no progress row."""
    alias = catalog(status["region_code"])
    head = f"{_literal(status['region_code'])} AS region_code, {_literal(status['region_name'])} AS region_name"
    progress = view in ("indicator_progress", "district_progress")
    if progress:
        head += f", {_literal(status['plan_status'])} AS plan_status"
    foreign = progress and status["plan_status"] == FOREIGN_PLAN
    rows = (f"SELECT {head}, COLUMNS(lambda c: c NOT IN ('region_code', 'region_name')) FROM {alias}.mart.{view}"
            + (" WHERE false" if foreign else ""))
    if view != "indicator_progress":
        return rows
    return (f"{rows}\nUNION ALL BY NAME\nSELECT {head}, {_literal(status['plan_status'])} AS status "
            f"WHERE {'true' if foreign else 'false'} OR NOT EXISTS (SELECT 1 FROM {alias}.mart.{view})")


__all__ = ["ProvinceUnavailable", "RefusedStatement", "Result", "catalog", "left_out", "open_province",
           "query_province"]
