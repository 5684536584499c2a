"""Exports of a view or a query from the published warehouse: CSV, Parquet or XLSX by extension.

CSV is UTF-8 with a byte-order mark so Excel shows Chinese correctly; list columns are
joined with "|" in CSV and XLSX (Parquet keeps them as lists); XLSX shows times in
`tz` (Excel has no time zones).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from warehouse.db import query

_RELATION = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$")
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
LIST_SEPARATOR = "|"


def export(path: str | Path, sql_or_view: str, out_path: str | Path, *, tz: str = "Asia/Shanghai") -> int:
    """Write a view (`mart.standard`) or a SELECT to `out_path` (.csv, .parquet or .xlsx); returns the row count."""
    out_path = Path(out_path)
    kind = out_path.suffix.lower()
    writers = {".csv": _write_csv, ".parquet": _write_parquet, ".xlsx": _write_xlsx}
    if kind not in writers:
        raise ValueError(f"cannot export to {out_path}: use a .csv, .parquet or .xlsx file name")
    text = sql_or_view.strip()
    sql = f"SELECT * FROM {text}" if _RELATION.match(text) else text
    table = query(path, sql)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    writers[kind](table, out_path, tz)
    return table.num_rows


def _write_parquet(table: pa.Table, out_path: Path, tz: str) -> None:
    pq.write_table(table, out_path, compression="zstd")


def _write_csv(table: pa.Table, out_path: Path, tz: str) -> None:
    with open(out_path, "wb") as out:
        out.write("\ufeff".encode())
        pa_csv.write_csv(_flatten_lists(table), out)


def _write_xlsx(table: pa.Table, out_path: Path, tz: str) -> None:
    from openpyxl import Workbook

    if table.num_rows > XLSX_MAX_ROWS:
        raise ValueError(
            f"{table.num_rows} rows do not fit in one Excel sheet ({XLSX_MAX_ROWS}): export to .csv or .parquet"
        )
    table = _flatten_lists(table)
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            column = pc.local_timestamp(column.cast(pa.timestamp(field.type.unit, tz=tz)))
        columns.append(column.to_pylist())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(table.column_names)
    for row in zip(*columns, strict=True):
        sheet.append(row)
    book.save(out_path)


def _flatten_lists(table: pa.Table) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            joined = pc.binary_join(table.column(i).cast(pa.list_(pa.string())), LIST_SEPARATOR)
            table = table.set_column(i, field.name, joined)
    return table
