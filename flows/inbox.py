"""The analyst inbox: templates to fill in, and loading a filled-in file into the warehouse.

`write_template(kind, path)` writes an xlsx whose first sheet has the kind's Chinese headers
(the ones `transform.parsers.inbox.INBOX_KINDS` reads) and whose second sheet says what goes
in each column. `load_file(path, settings)` reads the file (`extract.sources.inbox`), works out
its kind from its headers (or takes `kind`), validates every row, writes the rejected rows
with their reasons to `<file>.rejects.csv`, and loads the good rows in one write session.
The file is streamed: rows are read, validated and loaded `inbox_batch_rows` at a time, so
memory does not grow with the file (an xlsx declaring more than `inbox_max_unpacked_mb`
unpacked is refused unread):

- a file name is the identity of a file: loading the same content again changes nothing
  (nothing is written, not even a new warehouse version); a corrected file with the same
  name replaces everything its earlier version loaded;
- every loaded row keeps its provenance (file, sheet, row, sha256, load time);
- organisations are re-attributed afterwards (drafters and events), since a file may bring
  new identity evidence (credit codes, 行政区划, 区县).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain, islice
from pathlib import Path

from extract.sources.inbox import FileRow, UnreadableFile, read_rows
from flows.pipeline import LOAD_LOCK_WAIT_SECONDS, attribute_all, new_run_id, read_overrides, record_counting_settings
from flows.settings import Settings
from flows.sources.notices import attribute_events
from transform.attribution import load_region
from transform.orgs import normalize_org_name
from transform.parsers.inbox import INBOX_KINDS, REJECT_REASONS, InboxResult, InboxValidator, detect_kind, kind_of, split_origin
from transform.records import Reject
from warehouse import Warehouse, inbox_file_in_force
from warehouse.events import InboxFileLoad

REJECTS_SUFFIX = ".rejects.csv"


class InboxError(ValueError):
    """A file the inbox cannot take as a whole (names the file and the fix)."""


# -- templates -------------------------------------------------------------------------------


def write_template(kind: str, path: Path) -> Path:
    """An empty xlsx for `kind`: the header row, and a 填写说明 sheet describing each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = kind_of(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append([c.header for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "必填", "可用的其他列名", "填写说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for c in spec.columns:
        notes.append([c.header, "是" if c.required else "否", "、".join(c.aliases), c.note or _type_note(c.kind)])
    notes.append([])
    notes.append([f"类别：{spec.label}（{kind}）。一个文件只填一类；同名文件再次导入时替换上一版。"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _type_note(kind: str) -> str:
    return {"date": "日期，YYYY-MM-DD", "year": "四位年份", "number": "数字", "uscc": "18位统一社会信用代码",
            "district": "区县名称"}.get(kind, "文本")


# -- loading ---------------------------------------------------------------------------------


@dataclass
class InboxReport:
    path: Path
    kind: str
    status: str  # loaded | replaced | unchanged
    rows: int
    loaded: int
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None
    standards_inserted: int = 0
    standards_updated: int = 0
    retracted: int = 0


def load_file(path: Path, settings: Settings, *, kind: str | None = None, rejects_dir: Path | None = None,
              now: datetime | None = None) -> InboxReport:
    path = Path(path)
    if path.name.endswith(REJECTS_SUFFIX):
        raise InboxError(f"{path}: this is a rejects file written by `stdwatch inbox load`; "
                         "correct the rows in the original file and load that instead")
    stream = _Rows(read_rows(path, max_unpacked_mb=settings.inbox_max_unpacked_mb))
    first = stream.first()
    if first is None:
        raise InboxError(f"{path}: no rows under a header; fill in a template (`stdwatch inbox template KIND`)")
    headers = list(first.values)
    kind = kind or detect_kind(headers)
    if kind is None:
        raise InboxError(f"{path}: its headers ({'、'.join(headers)}) match no inbox kind; "
                         f"use a template (`stdwatch inbox template KIND`, KIND one of {', '.join(INBOX_KINDS)}) "
                         "or name the kind with --kind")
    kind_of(kind)
    now = now or datetime.now(timezone.utc)
    region = load_region(settings.region)
    validator = InboxValidator(kind, region, loaded_at=now)
    sha = first.file_sha256
    report = InboxReport(path, kind, "unchanged", 0, 0)
    batches = stream.validated(validator, settings.inbox_batch_rows, report)
    if inbox_file_in_force(settings.warehouse_path, path.name) == (kind, sha):
        for _ in batches:
            pass
    else:
        run_id = new_run_id("inbox")
        codes = {d.name: d.code for d in region.districts}
        with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing(LOAD_LOCK_WAIT_SECONDS) as w:
            w.begin_run(run_id, "inbox", {"path": str(path), "kind": kind}, settings.model_dump(mode="json"))
            record_counting_settings(w, settings, region)
            load = InboxFileLoad(w, file_name=path.name, kind=kind, sha256=sha, run_id=run_id, district_codes=codes)
            if load.start():
                for result in batches:
                    load.add(result.facts, result.events, result.standards, result.evidence, result.rejects)
                done = load.finish(report.rows)
                overrides = read_overrides(settings)
                attribute_all(w, settings, overrides)
                attribute_events(w, settings, overrides)
                w.finish_run(run_id, "completed",
                             f"{path.name}: {done.status}, {done.loaded} rows, {done.rejected} rejected")
                report.status = done.status
                if done.standards is not None:
                    report.standards_inserted, report.standards_updated = done.standards.inserted, done.standards.updated
                report.retracted = done.retracted
            else:  # another process loaded the same content meanwhile
                for _ in batches:
                    pass
                w.finish_run(run_id, "completed", f"{path.name}: unchanged")
    report.rejects_path = write_rejects(path, report.rejects, stream.rejected, rejects_dir)
    return report


class _Rows:
    """A file's rows, read once and validated in batches; of the rows, only the rejected ones
    are kept (the rejects file shows them as entered)."""

    def __init__(self, rows: Iterable[FileRow]) -> None:
        self._rows: Iterator[FileRow] = iter(rows)
        self.rejected: list[FileRow] = []

    def first(self) -> FileRow | None:
        try:
            first = next(self._rows, None)
        except UnreadableFile as exc:
            raise InboxError(str(exc)) from None
        if first is not None:
            self._rows = chain([first], self._rows)
        return first

    def validated(self, validator: InboxValidator, size: int, report: InboxReport) -> Iterator[InboxResult]:
        """Each batch's records and rejects, counted into `report` as they are read."""
        while True:
            try:
                batch = list(islice(self._rows, size))
            except UnreadableFile as exc:
                raise InboxError(str(exc)) from None
            if not batch:
                return
            result = validator.validate(batch)
            report.rows += result.rows
            report.loaded += len(result.facts)
            report.rejects += result.rejects
            wanted = {r.url for r in result.rejects}
            self.rejected += [row for row in batch if row.origin in wanted]
            yield result


def write_rejects(path: Path, rejects: list[Reject], rows: list, rejects_dir: Path | None = None) -> Path | None:
    """`<file>.rejects.csv` (UTF-8 with BOM, for Excel): one line per rejected row with its reason and
    the row as entered; an earlier rejects file is removed when no row is rejected."""
    target = (Path(rejects_dir) if rejects_dir else path.parent) / (path.name + REJECTS_SUFFIX)
    if not rejects:
        target.unlink(missing_ok=True)
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    values = {row.origin: row.values for row in rows}
    headers = list(dict.fromkeys(h for row in rows for h in row.values))
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["工作表", "行号", "原因代码", "原因", "说明", *headers])
        for reject in rejects:
            _, sheet, number = split_origin(reject.url or "#!0")
            cells = values.get(reject.url or "", {})
            writer.writerow([sheet, number, reject.reason, REJECT_REASONS.get(reject.reason, ""),
                             reject.detail.split(": ", 1)[-1], *(cells.get(h, "") for h in headers)])
    return target
