"""Notice attachments, bytes → tables of cell text. Pure: no IO, no business fields.

Government notices publish their lists (名单) as attachments more often than as HTML
tables. This module reads them with the usual libraries and hands back every table
as rows of stripped cell strings; `transform.parsers.notices` finds the header and
the entries.

The type is decided by the **bytes**, never by the file name (portals serve .xls files
named .xlsx, and .wps files that are really .doc):

  %PDF-                  PDF    text layer via pypdf (layout mode, so columns survive);
                                a PDF with no extractable text is a scan → needs manual entry
  PK\\x03\\x04 + xl/…     xlsx   openpyxl, every sheet, cached values
  PK\\x03\\x04 + word/…   docx   python-docx, every table (merged cells read once) and the paragraphs
  D0 CF 11 E0 (OLE2)     xls    xlrd (BIFF); an OLE2 file xlrd cannot open is a legacy .doc/.wps
                                → needs manual entry
  anything else                 unsupported → needs manual entry

A file that cannot become rows is never dropped: `Attachment.problem` says why
(`scanned_pdf`, `unsupported_format`, `unreadable_file`) and `detail` says what a
person should do, and the flow puts it in the review queue.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from transform.text import clean_text

# The libraries the readers below import on first use (a notice without attachments never pays for
# them); a process that will read many attachments may import them ahead (flows.reparse_pool).
READER_MODULES = ("openpyxl", "xlrd", "docx", "pypdf")

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
# A cell of a layout-mode PDF line: words joined by single spaces (two or more spaces separate cells).
_PDF_CELL = re.compile(r"\S+(?: \S+)*")


@dataclass(slots=True)
class Table:
    """One table of an attachment: a sheet, a Word table, or the text lines of a PDF."""

    name: str  # sheet name, "table 1", "pages 1-3"
    rows: list[list[str]]  # cell text, stripped; "" for an empty cell


@dataclass(slots=True)
class Attachment:
    kind: str  # xlsx | xls | docx | pdf | doc | zip | unknown
    tables: list[Table] = field(default_factory=list)
    text: str = ""  # paragraphs (docx) or page text (pdf), for keyword checks
    problem: str | None = None  # scanned_pdf | unsupported_format | unreadable_file; None when read
    detail: str | None = None

    @property
    def readable(self) -> bool:
        return self.problem is None


def sniff(data: bytes) -> str:
    """The file type by its magic bytes: pdf, xlsx, docx, zip, ole2 or unknown."""
    if data.lstrip()[:5] == PDF_MAGIC:
        return "pdf"
    if data[:4] == ZIP_MAGIC:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "unknown"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if data[:8] == OLE2_MAGIC:
        return "ole2"
    return "unknown"


def read_attachment(data: bytes, name: str = "") -> Attachment:
    """Every table of the file; `name` (the link text or URL) only labels the messages."""
    label = name or "the attachment"
    kind = sniff(data)
    try:
        if kind == "pdf":
            return _read_pdf(data, label)
        if kind == "xlsx":
            return _read_xlsx(data)
        if kind == "docx":
            return _read_docx(data)
        if kind == "ole2":
            return _read_ole2(data, label)
    except _Unreadable as exc:
        return Attachment(kind, problem="unreadable_file", detail=str(exc))
    except Exception as exc:  # the libraries raise many types for damaged files; one answer for all
        return Attachment(kind, problem="unreadable_file",
                          detail=f"{label}: cannot read it as {kind} ({type(exc).__name__}: {exc}); "
                                 "open it by hand and enter its rows through the inbox")
    what = "a zip archive" if kind == "zip" else "of an unknown type"
    return Attachment(kind, problem="unsupported_format",
                      detail=f"{label} is {what} (first bytes {data[:8]!r}); "
                             "open it by hand and enter its rows through the inbox")


class _Unreadable(Exception):
    pass


# -- spreadsheets --------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole floats without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def _read_xlsx(data: bytes) -> Attachment:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        tables = [
            Table(sheet.title, _trim([[cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]))
            for sheet in book.worksheets
        ]
    finally:
        book.close()
    return Attachment("xlsx", [t for t in tables if t.rows])


def _read_ole2(data: bytes, label: str) -> Attachment:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError:
        return Attachment("doc", problem="unsupported_format",
                          detail=f"{label} is a legacy Word/WPS document (OLE2), which is not read automatically; "
                                 "open it by hand and enter its rows through the inbox")
    tables = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            cells = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    cells.append(cell_text(cell.value))
            rows.append(cells)
        rows = _trim(rows)
        if rows:
            tables.append(Table(sheet.name, rows))
    return Attachment("xls", tables)


# -- Word ----------------------------------------------------------------------------------


def _read_docx(data: bytes) -> Attachment:
    from docx import Document

    document = Document(io.BytesIO(data))
    tables = []
    for number, table in enumerate(document.tables, start=1):
        rows = []
        for row in table.rows:
            seen: set[int] = set()
            cells = []
            for cell in row.cells:  # a horizontally merged cell is returned once per grid column
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(clean_text(cell.text))
            rows.append(cells)
        rows = _trim(rows)
        if rows:
            tables.append(Table(f"table {number}", rows))
    text = "\n".join(p.text for p in document.paragraphs)
    return Attachment("docx", tables, text=text)


# -- PDF -----------------------------------------------------------------------------------


def _read_pdf(data: bytes, label: str) -> Attachment:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except PdfReadError as exc:
        raise _Unreadable(f"{label}: damaged PDF ({exc}); open it by hand and enter its rows through the inbox") from exc
    text = "\n".join(pages)
    if not text.strip():
        images = sum(len(page.images) for page in reader.pages)
        return Attachment("pdf", problem="scanned_pdf",
                          detail=f"{label} is a scanned PDF ({len(pages)} page(s), {images} image(s), no text layer); "
                                 "enter its rows through the inbox")
    lines = [line for page in pages for line in page.splitlines() if line.strip()]
    return Attachment("pdf", [Table(f"pages 1-{len(pages)}", pdf_rows(lines))], text=text)


def pdf_rows(lines: list[str]) -> list[list[str]]:
    """Layout-mode text lines → rows of cells.

    A cell is a run of text with single spaces inside; two or more spaces separate cells.
    Cells are put in the column of the widest line (the header, in a list) whose start is
    nearest, so an empty cell in the middle of a row does not shift the cells after it.
    """
    spans = [[(m.start(), m.group()) for m in _PDF_CELL.finditer(line)] for line in lines]
    widest = max(spans, key=len, default=[])
    starts = [start for start, _ in widest]
    rows = []
    for line_spans in spans:
        if len(line_spans) <= 1 or not starts:
            rows.append([text.strip() for _, text in line_spans])
            continue
        cells = [""] * len(starts)
        for start, text in line_spans:
            column = min(range(len(starts)), key=lambda i: abs(starts[i] - start))
            cells[column] = (cells[column] + " " + text).strip() if cells[column] else text.strip()
        rows.append(cells)
    return rows


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Blank rows dropped, trailing empty cells cut."""
    out = []
    for row in rows:
        while row and not row[-1]:
            row = row[:-1]
        if any(row):
            out.append(row)
    return out
