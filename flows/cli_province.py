"""`stdwatch province`: every region's published warehouse read together, to compare cities in one query.

Registered on the main app by flows/cli.py (`_ON_DEMAND`). The regions are the `province` setting (region
code → that region's data_dir); with none set, the demos' warehouses that exist (`stdwatch demo`,
`stdwatch demo --region CODE`), as the other reading commands fall back to the demo's. A region that
cannot be read is named on stderr in one line and the others answer (warehouse/province.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from flows.cli_export import HeadersOption, _headers, check_export_file, fail, text_table

# The Chinese headers of the columns the province views add to the marts' (docs/data-model.md, "Province").
PROVINCE_LABELS = {"region_code": "地区代码", "region_name": "地区名称", "plan_status": "规划状态"}
province_app = typer.Typer(help="Every region's warehouse read together: compare cities in one query.",
                           no_args_is_help=True)
DataDirOption = typer.Option(None, "--data-dir",
                             help="Where the demos live when no `province` is set (setting data_dir).")


def _cli():
    """The main CLI's settings loader and consoles (imported late: flows.cli imports this module)."""
    from flows import cli

    return cli


def province_warehouses(settings) -> dict[str, Path]:
    """{region code: its published warehouse}: the `province` setting's data_dirs; with none set, the demos'
    warehouses under data_dir that exist (said on stderr)."""
    if settings.province:
        return {code: Path(data_dir) / "warehouse.duckdb" for code, data_dir in settings.province.items()}
    from transform.region import region_codes

    demos = {code: settings.model_copy(update={"region": code}).demo_dir / "warehouse.duckdb"
             for code in region_codes()}
    found = {code: path for code, path in demos.items() if path.is_file()}
    if found:
        _cli().err.print(f"(no `province` set: reading the demos' warehouses, {', '.join(map(str, found.values()))})",
                         style="dim", markup=False, highlight=False, soft_wrap=True)
    return found


def guarded(call):
    """call(), with a province none of whose regions answers, a refused statement or a query DuckDB rejects
    turned into a one-line reason and an exit code."""
    import duckdb

    from warehouse.province import ProvinceUnavailable, RefusedStatement

    try:
        return call()
    except ProvinceUnavailable as exc:
        raise fail(str(exc), 1) from exc
    except RefusedStatement as exc:
        raise fail(str(exc), 2) from exc
    except duckdb.Error as exc:
        raise fail(f"{type(exc).__name__}: {exc}", 1) from exc


def say_left_out(lines: list[str]) -> None:
    """One line on stderr per region the figures leave out."""
    for line in lines:
        _cli().err.print(f"left out: {line}", style="yellow", markup=False, highlight=False, soft_wrap=True)


@province_app.command("sql")
def sql(
    query: str = typer.Argument(..., help="One read query over the province views (SELECT … FROM province.standard), "
                                          "or a view name (new_standards_by_city)."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV for Excel: UTF-8 with BOM, lists joined with |."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (a list of objects)."),
    headers: Optional[str] = HeadersOption,
    data_dir: Optional[Path] = DataDirOption,
) -> None:
    """Query every region's published warehouse at once, read-only; anything but one read query is refused."""
    from warehouse.export import write_csv
    from warehouse.province import query_province

    cli = _cli()
    settings = cli._settings(data_dir=data_dir)
    result = guarded(lambda: query_province(province_warehouses(settings), query))
    say_left_out(result.left_out)
    names = _names(result, _headers(headers, "en"))
    if as_json:
        rows = [dict(zip(names, row.values(), strict=True)) for row in result.table.to_pylist()]
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
    elif as_csv:
        sys.stdout.flush()
        write_csv(result.table, sys.stdout.buffer, names)
        sys.stdout.buffer.flush()
    else:
        cli.console.print(text_table(names, result.table.to_pylist()))
        cli.console.print(f"{result.table.num_rows} rows")


@province_app.command("export")
def export(
    what: str = typer.Argument(..., metavar="VIEW|QUERY",
                               help="A province view (province.standard) or one read query."),
    out: Path = typer.Argument(..., metavar="FILE", help="The file to write: .xlsx, .csv or .parquet."),
    headers: Optional[str] = HeadersOption,
    data_dir: Optional[Path] = DataDirOption,
) -> None:
    """Export a province view or query to Excel, CSV or Parquet, with the data model's Chinese headers."""
    from warehouse.export import write_table
    from warehouse.province import query_province

    cli = _cli()
    check_export_file(out)
    settings = cli._settings(data_dir=data_dir)
    language = _headers(headers, "zh")
    result = guarded(lambda: query_province(province_warehouses(settings), what))
    say_left_out(result.left_out)
    try:
        write_table(result.table, out, _names(result, language))
    except ValueError as exc:  # more rows than a sheet holds
        raise fail(str(exc), 2) from exc
    cli.console.print(Text(f"{result.table.num_rows} rows written to {out.resolve()}"))


@province_app.command("regions")
def regions(data_dir: Optional[Path] = DataDirOption,
            as_json: bool = typer.Option(False, "--json", help="Print JSON (a list of objects).")) -> None:
    """Each region of the province: read or left out (and why), when it was published, its plan."""
    from warehouse.province import query_province

    cli = _cli()
    settings = cli._settings(data_dir=data_dir)
    result = guarded(lambda: query_province(province_warehouses(settings), "SELECT * FROM province.regions "
                                                                          "ORDER BY region_code"))
    rows = result.table.to_pylist()
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
        return
    for row in rows:
        if row["attached"]:
            published = f"{row['published_at']:%Y-%m-%d %H:%M} UTC" if row["published_at"] else "never"
            held = "; its latest load is held back" if row["latest_held"] else ""
            plan = {"loaded": f"plan {row['plan']}", "plan not loaded": "plan not loaded"}.get(
                row["plan_status"], f"{row['plan_status']}: {row['plan']}")
            line = f"{row['region_code']} {row['region_name']}: published {published}{held}; {plan}"
        else:
            line = f"left out: {row['problem']}"
        cli.console.print(Text(line))


def _names(result, language: str) -> list[str]:
    """The headers: a province view's are those of the mart view it unions (docs/data-model.md), and the
    columns the province adds have their own."""
    from warehouse.export import headers_for

    view = result.view
    mart = f"mart.{view.split('.', 1)[1]}" if view and view.startswith("province.") else view
    names = headers_for(result.table.column_names, mart, language)
    if language == "en":
        return names
    return [PROVINCE_LABELS.get(column, name) for column, name in zip(result.table.column_names, names, strict=True)]
