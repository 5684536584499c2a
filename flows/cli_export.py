"""`stdwatch sql` and `stdwatch export`: the analysts' read paths, locked (warehouse.query).

Registered on the main app by flows/cli.py (`_ON_DEMAND`: imported when its command runs).
Whatever the warehouse holds was crawled from someone else's page, so it is printed as text (rich `Text`), never as markup, and written to
spreadsheets as text, never as formulas (warehouse/export.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

HeadersOption = typer.Option(None, "--headers", help="Column headers: 'zh' (the data model's Chinese labels) or 'en' "
                                                      "(the column names).")


def _cli():
    """The main CLI's settings loader and consoles (imported late: flows.cli imports this module)."""
    from flows import cli

    return cli


def fail(message: str, code: int) -> typer.Exit:
    """Print a one-line error (plain text: it may quote crawled data) and return the exit to raise."""
    typer.echo(message.strip().splitlines()[0] if message.strip() else "failed", err=True)
    return typer.Exit(code)


def _guarded(call):
    """call(), with bad input (a refused statement, no warehouse, a query DuckDB rejects, a file Excel cannot
    hold) turned into a one-line reason and an exit code."""
    import duckdb

    import warehouse

    try:
        return call()
    except warehouse.RefusedStatement as exc:
        raise fail(str(exc), 2) from exc
    except warehouse.WarehouseMissing as exc:
        raise fail(str(exc), 1) from exc
    except duckdb.Error as exc:
        raise fail(f"{type(exc).__name__}: {exc}", 1) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc


def _headers(value: Optional[str], default: str) -> str:
    value = value or default
    if value not in ("zh", "en"):
        raise fail(f"--headers {value!r}: use 'zh' (Chinese labels) or 'en' (column names)", 2)
    return value


def sql(
    query: str = typer.Argument(..., help="One read query (SELECT, FROM …, WITH …, DESCRIBE, SHOW) or a view name."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV for Excel: UTF-8 with BOM, lists joined with |."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (a list of objects)."),
    headers: Optional[str] = HeadersOption,
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir)."),
) -> None:
    """Query the warehouse read-only (never blocks, and is never blocked by, a load); anything but one read
    query is refused."""
    from warehouse.export import headers_for, read_view_or_query, write_csv

    cli = _cli()
    settings = cli._settings(data_dir=data_dir)
    table, view = _guarded(lambda: read_view_or_query(cli._published(settings), query))
    names = headers_for(table.column_names, view, _headers(headers, "en"))
    if as_json:
        rows = [dict(zip(names, row.values(), strict=True)) for row in table.to_pylist()]
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
    elif as_csv:
        sys.stdout.flush()
        write_csv(table, sys.stdout.buffer, names)
        sys.stdout.buffer.flush()
    else:
        cli.console.print(text_table(names, table.to_pylist()))
        cli.console.print(f"{table.num_rows} rows")


def text_table(headers: list[str], rows: list[dict]) -> Table:
    """A table whose every cell is plain text (no markup) and wraps instead of being cut."""
    out = Table(show_lines=False)
    for header in headers:
        out.add_column(Text(header), overflow="fold")
    for row in rows:
        out.add_row(*(Text(_cell(v)) for v in row.values()))
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_cell(v) for v in value)
    return str(value)


def check_export_file(out: Path) -> None:
    """An export's file name says its format: .xlsx, .csv or .parquet (exit 2 otherwise, before any work)."""
    if out.suffix.lower() not in (".xlsx", ".csv", ".parquet"):
        raise fail(f"cannot export to {out}: use a .xlsx, .csv or .parquet file name", 2)


def export(
    what: str = typer.Argument(..., metavar="VIEW|QUERY", help="A view (mart.standard) or one read query."),
    out: Path = typer.Argument(..., metavar="FILE", help="The file to write: .xlsx, .csv or .parquet."),
    headers: Optional[str] = HeadersOption,
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir)."),
) -> None:
    """Export a view or a query to Excel, CSV or Parquet, with the data model's Chinese headers."""
    import warehouse

    cli = _cli()
    check_export_file(out)
    settings = cli._settings(data_dir=data_dir)
    language = _headers(headers, "zh")
    n = _guarded(lambda: warehouse.export(cli._published(settings), what, out, headers=language))
    cli.console.print(Text(f"{n} rows written to {out.resolve()}"))
