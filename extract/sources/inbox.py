"""Source contract: files analysts drop in (CSV or XLSX), read row by row.

Input: a path to `.csv` (UTF-8 with or without BOM; GB18030 accepted, as Excel on
Chinese Windows writes it) or `.xlsx` (every sheet; the first non-empty row is
the header). An xlsx is streamed (openpyxl read-only), so memory does not grow with
the number of rows; one whose zip directory declares more than `max_unpacked_mb` once
unpacked is refused before anything is decompressed (`TooLargeFile`). Output: `FileRow`s carrying the header→cell mapping as strings and an
origin "file#sheet!row" (sheet "csv" for CSV files) so every loaded fact can be traced to its cell. Nothing
here interprets a business field: validation is in `transform/parsers/inbox.py`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True, slots=True)
class FileRow:
    origin: str  # "org_register.xlsx#Sheet1!5"
    file_sha256: str
    values: dict[str, str]


class UnreadableFile(ValueError):
    """The file is not a CSV/XLSX we can read; the message names the file and the fix."""


class TooLargeFile(UnreadableFile):
    """An xlsx whose parts, unpacked, would exceed the limit (a zip bomb, or a file to split)."""


MB = 1024 * 1024


def read_rows(path: Path, *, max_unpacked_mb: int | None = None) -> Iterator[FileRow]:
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()  # once: the rows and their file's sha256 come from the same bytes
        yield from _read_csv(path, raw, hashlib.sha256(raw).hexdigest())
    elif suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path, max_unpacked_mb)
    else:
        raise UnreadableFile(f"{path}: unsupported file type {suffix!r}; save it as .xlsx or .csv")


def _read_csv(path: Path, raw: bytes, digest: str) -> Iterator[FileRow]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise UnreadableFile(f"{path}: not UTF-8 or GB18030 text")
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for line_no, cells in enumerate(reader, start=1):
        if header is None:
            if any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        yield FileRow(f"{path.name}#csv!{line_no}", digest, _as_values(header, cells))


def _read_xlsx(path: Path, max_unpacked_mb: int | None) -> Iterator[FileRow]:
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        # The rows are read from this open handle, so they and the digest come from the same bytes.
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        handle.seek(0)
        _check_unpacked_size(path, handle, max_unpacked_mb)
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
            raise UnreadableFile(f"{path}: cannot open as Excel ({exc}); re-save it as .xlsx") from exc
        yield from _xlsx_rows(path, book, digest)


def _check_unpacked_size(path: Path, handle: io.BufferedReader, max_unpacked_mb: int | None) -> None:
    """Refuse, from the zip directory alone, a file that would unpack to more than the limit."""
    try:
        with zipfile.ZipFile(handle) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{path}: cannot open as Excel ({exc}); re-save it as .xlsx") from exc
    finally:
        handle.seek(0)
    if max_unpacked_mb is not None and declared > max_unpacked_mb * MB:
        raise TooLargeFile(f"{path}: too large once unpacked ({declared / MB:.0f} MB); limit {max_unpacked_mb} MB "
                           "(setting inbox_max_unpacked_mb): split the file, or raise the limit if it is genuine")


def _xlsx_rows(path: Path, book, digest: str) -> Iterator[FileRow]:
    try:
        for sheet in book.worksheets:
            # Exports often declare the whole grid (<dimension ref="A1:XFD1048576"/>); trusted, it
            # pads every row to 16384 cells and reads a million empty rows. Size rows by their cells.
            sheet.reset_dimensions()
            header: list[str] | None = None
            for row_no, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                texts = [_cell_text(c) for c in cells]
                if header is None:
                    if any(texts):
                        header = [t.strip() for t in texts]
                    continue
                if not any(t.strip() for t in texts):
                    continue
                yield FileRow(f"{path.name}#{sheet.title}!{row_no}", digest, _as_values(header, texts))
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_values(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name}
