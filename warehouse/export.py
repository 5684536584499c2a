"""Exports of a view or a query from the published warehouse: CSV, Parquet or XLSX by extension.

Headers are the data model's Chinese labels (`column_labels.csv`, each a prefix of the column's
Chinese description in docs/data-model.md, which a test checks) or, with `headers="en"`, the
column names. CSV is UTF-8 with a byte-order mark so Excel shows Chinese correctly; list columns
are joined with "|" in CSV and XLSX (Parquet keeps them as lists and the column names); XLSX has
column widths, a frozen header row, an autofilter, dates as dates, and shows times in `tz`
(Excel has no time zones). Crawled text that starts like a formula (= + - @, OWASP's CSV-injection
rule) is written as text: prefixed with ' in CSV, a text cell in XLSX.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

if TYPE_CHECKING:  # imported by the writers that use them: `import warehouse` (this module is its `export`)
    import pyarrow as pa  # must not cost every command pyarrow.compute

from warehouse.db import query

_RELATION = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$")
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
LIST_SEPARATOR = "|"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60
Headers = Literal["zh", "en"]


@cache
def column_labels() -> dict[tuple[str, str], str]:
    """{(view, column): Chinese header} for every mart column."""
    text = resources.files(__package__).joinpath("column_labels.csv").read_text(encoding="utf-8")
    return {(row["view"], row["column"]): row["zh"] for row in csv.DictReader(io.StringIO(text))}


def headers_for(columns: list[str], view: str | None, language: Headers = "zh") -> list[str]:
    """The header of each column: its label in `view`, else (a query) the label the column name has most
    often across the marts, else the column name itself; with language "en", the column names."""
    if language == "en":
        return list(columns)
    labels = column_labels()
    by_name: dict[str, Counter] = {}
    for (_, column), zh in labels.items():
        by_name.setdefault(column, Counter())[zh] += 1
    out = []
    for column in columns:
        label = labels.get((view, column)) if view else None
        if label is None and column in by_name:
            label = by_name[column].most_common(1)[0][0]
        out.append(label or column)
    return out


def read_view_or_query(path: str | Path, sql_or_view: str) -> tuple[pa.Table, str | None]:
    """The rows of a view (`mart.standard`) or of one read query, and the view's name (None for a query)."""
    text = sql_or_view.strip()
    if _RELATION.match(text):
        view = text if "." in text else f"mart.{text}"
        return query(path, f"SELECT * FROM {view}"), view
    return query(path, text), None


def export(path: str | Path, sql_or_view: str, out_path: str | Path, *, tz: str = "Asia/Shanghai",
           headers: Headers = "zh") -> int:
    """Write a view (`mart.standard`) or a read query to `out_path` (.csv, .parquet or .xlsx); returns the
    row count. A statement that is not a single read query raises RefusedStatement."""
    _writer(Path(out_path))
    table, view = read_view_or_query(path, sql_or_view)
    return write_table(table, out_path, headers_for(table.column_names, view, headers), tz=tz)


def write_table(table: pa.Table, out_path: str | Path, headers: list[str], *, tz: str = "Asia/Shanghai") -> int:
    """Write rows already read, under `headers`, as `export` does (the kind by extension); the row count."""
    out_path = Path(out_path)
    writer = _writer(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    writer(table, out_path, tz, headers)
    return table.num_rows


def _writer(out_path: Path):
    """The writer of the file's kind, by extension; ValueError for another."""
    writers = {".csv": _write_csv, ".parquet": _write_parquet, ".xlsx": _write_xlsx}
    if out_path.suffix.lower() not in writers:
        raise ValueError(f"cannot export to {out_path}: use a .csv, .parquet or .xlsx file name")
    return writers[out_path.suffix.lower()]


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert (OWASP: prefix a quote)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _write_parquet(table: pa.Table, out_path: Path, tz: str, headers: list[str]) -> None:
    import pyarrow.parquet as pq  # here: with its filesystems it costs every command (an inbox load too) 5 MiB

    pq.write_table(table, out_path, compression="zstd")


def _write_csv(table: pa.Table, out_path: Path, tz: str, headers: list[str]) -> None:
    with open(out_path, "wb") as out:
        write_csv(table, out, headers)


def write_csv(table: pa.Table, out: BinaryIO, headers: list[str] | None = None) -> None:
    """CSV for Excel: a BOM, the headers, list columns joined with "|", formula-like text neutralised."""
    import pyarrow as pa

    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(headers or table.column_names)
    flat = _flatten_lists(table)
    strings = {i for i, field in enumerate(flat.schema) if pa.types.is_string(field.type)
               or pa.types.is_large_string(field.type)}
    for batch in flat.to_batches(max_chunksize=10_000):
        columns = [column.to_pylist() for column in batch.columns]
        for row in zip(*columns, strict=True):
            writer.writerow([neutralise(v) if i in strings and v is not None else v for i, v in enumerate(row)])
    text.flush()
    text.detach()


def _write_xlsx(table: pa.Table, out_path: Path, tz: str, headers: list[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows > XLSX_MAX_ROWS:
        raise ValueError(
            f"{table.num_rows} rows do not fit in one Excel sheet ({XLSX_MAX_ROWS}): export to .csv or .parquet"
        )
    table = _flatten_lists(table)
    columns, formats = [], []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type):
            if field.type.tz is not None:
                column = pc.local_timestamp(column.cast(pa.timestamp(field.type.unit, tz=tz)))
            formats.append("yyyy-mm-dd hh:mm:ss")
        else:
            formats.append("yyyy-mm-dd" if pa.types.is_date(field.type) else None)
        columns.append(column.to_pylist())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    for i, width in enumerate(_column_widths(table, headers, formats), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{table.num_rows + 1}"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    def cell(value, number_format):
        if isinstance(value, str) and value.startswith(FORMULA_START):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"  # text, never a formula
            text.quotePrefix = True  # and it stays text if someone edits it
            return text
        if number_format and value is not None:
            dated = WriteOnlyCell(sheet, value=value)
            dated.number_format = number_format
            return dated
        return value

    for row in zip(*columns, strict=True):
        sheet.append([cell(value, formats[i]) for i, value in enumerate(row)])
    book.save(out_path)


def _column_widths(table: pa.Table, headers: list[str], formats: list[str | None]) -> list[float]:
    """Each column as wide as its widest cell (a CJK character counts twice), capped."""
    import pyarrow as pa
    import pyarrow.compute as pc

    widths = []
    for header, column, number_format in zip(headers, table.columns, formats, strict=True):
        widest = _display_width(header)
        if number_format:
            widest = max(widest, len(number_format))
        elif column.null_count < len(column):
            text = column.cast(pa.string())
            chars, octets = pc.max(pc.utf8_length(text)).as_py() or 0, pc.max(pc.binary_length(text)).as_py() or 0
            widest = max(widest, min(octets, chars + (octets - chars) // 2))
        widths.append(min(widest + 2, MAX_COLUMN_WIDTH))
    return widths


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _flatten_lists(table: pa.Table) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            joined = pc.binary_join(table.column(i).cast(pa.list_(pa.string())), LIST_SEPARATOR)
            table = table.set_column(i, field.name, joined)
    return table
