"""The analyst inbox: templates to fill in, and loading a filled-in file into the warehouse.

`write_template(kind, path)` writes an xlsx whose first sheet has the kind's Chinese headers
(the ones `transform.parsers.inbox.INBOX_KINDS` reads) and whose second sheet says what goes
in each column. `load_file(path, settings)` reads the file (`extract.sources.inbox`), works out
its kind from its headers (or takes `kind`), validates every row, writes the rejected rows
with their reasons to `<file>.rejects.csv`, and loads the good rows in one write session.
`load_files(paths, settings)` loads all the files of a run in that one session (one copy of the
warehouse, one publish, one re-attribution); a bad file is reported on its own and the others
load. A file is streamed: rows are read, validated and loaded `inbox_batch_rows` at a time, so
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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain, islice
from pathlib import Path

from extract.sources.inbox import FileRow, UnreadableFile, read_rows
from flows.attribute import attribute_all, attribute_events, read_overrides
from flows.runs import LOAD_LOCK_WAIT_SECONDS, new_run_id, record_counting_settings
from flows.settings import Settings
from transform.attribution import load_region
from transform.orgs import normalize_org_name
from transform.parsers.inbox import INBOX_KINDS, REJECT_REASONS, InboxResult, InboxValidator, detect_kind, kind_of, split_origin
from transform.records import Reject
from transform.text import forget_remembered
from warehouse import Warehouse, inbox_file_in_force
from warehouse.events import InboxFileLoad, settle

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
    rejected_rows: list[FileRow] = field(default_factory=list, repr=False)  # the rejected rows as entered


def load_file(path: Path, settings: Settings, *, kind: str | None = None, rejects_dir: Path | None = None,
              now: datetime | None = None) -> InboxReport:
    """One file (`load_files` of one): its report, or InboxError naming the file and the fix."""
    (outcome,) = load_files([path], settings, kind=kind, rejects_dir=rejects_dir, now=now)
    if isinstance(outcome, InboxError):
        raise outcome
    return outcome


def load_files(paths: Sequence[Path], settings: Settings, *, kind: str | None = None,
               rejects_dir: Path | None = None, now: datetime | None = None) -> list[InboxReport | InboxError]:
    """Every file of a run in one write session (one copy of the warehouse, one publish, one
    re-attribution), in order; per file its report, or the InboxError that kept it out — the
    other files still load. A file that turns out unreadable half-way leaves rows of its own in
    the session: the session is then abandoned (nothing published) and run again without it.
    Files whose content is already in force are read for their report only; when all are, no
    session is opened and no new warehouse version is written."""
    paths = [Path(p) for p in paths]
    now = now or datetime.now(timezone.utc)
    failed: dict[int, InboxError] = {}
    while True:
        try:
            reports = _load_in_one_session(paths, settings, kind, now, failed)
            break
        except _Abandoned as abandoned:
            failed[abandoned.index] = abandoned.error
    for report in reports.values():
        report.rejects_path = write_rejects(report.path, report.rejects, report.rejected_rows, rejects_dir)
    return [failed.get(i) or reports[i] for i in range(len(paths))]


class _Abandoned(Exception):
    """File `index` failed after some of its rows were loaded into the session."""

    def __init__(self, index: int, error: InboxError) -> None:
        super().__init__(str(error))
        self.index, self.error = index, error


def _load_in_one_session(paths: list[Path], settings: Settings, kind: str | None, now: datetime,
                         failed: dict[int, InboxError]) -> dict[int, InboxReport]:
    """Reports of the files not in `failed`; the ones that fail before loading anything are added to it."""
    region = load_region(settings.region)
    reports: dict[int, InboxReport] = {}
    with ExitStack() as stack:
        session: _Session | None = None
        for index, path in enumerate(paths):
            if index in failed:
                continue
            try:
                opened = _open(path, kind, settings, region, now)
            except InboxError as exc:
                failed[index] = exc
                continue
            report = opened.report
            if inbox_file_in_force(settings.warehouse_path, path.name) == (opened.kind, opened.sha):
                try:
                    opened.read_through()
                except InboxError as exc:  # nothing of it was loaded: it fails alone
                    failed[index] = exc
                    continue
            else:
                if session is None:
                    session = stack.enter_context(_Session.open(paths, kind, settings, region))
                try:
                    session.load(opened)
                except InboxError as exc:
                    raise _Abandoned(index, exc) from None
            reports[index] = report
            # The validator remembers every row's key (for duplicate_row): some 20 MiB for 100,000 rows,
            # not to be held through the next file or the re-attribution at the end.
            del opened
        if session is not None:
            session.finish()
    return reports


@dataclass
class _OpenFile:
    """A file whose first row has been read: its kind, digest and the stream of its rows."""

    path: Path
    kind: str
    sha: str
    stream: _Rows
    validator: InboxValidator
    batch_rows: int
    report: InboxReport

    def batches(self) -> Iterator[InboxResult]:
        return self.stream.validated(self.validator, self.batch_rows, self.report)

    def read_through(self) -> None:
        """Validate every row for the report, loading nothing (the content is already in force)."""
        for _ in self.batches():
            pass


def _open(path: Path, kind: str | None, settings: Settings, region, now: datetime) -> _OpenFile:
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
    report = InboxReport(path, kind, "unchanged", 0, 0, rejected_rows=stream.rejected)
    return _OpenFile(path, kind, first.file_sha256, stream, InboxValidator(kind, region, loaded_at=now),
                     settings.inbox_batch_rows, report)


class _Session:
    """The run's one write session, opened at the first file that has something to load."""

    def __init__(self, w, run_id: str, settings: Settings, codes: dict[str, str]) -> None:
        self.w, self.run_id, self.settings, self.codes = w, run_id, settings, codes
        self.done: list[str] = []

    @classmethod
    @contextmanager
    def open(cls, paths: list[Path], kind: str | None, settings: Settings, region) -> Iterator[_Session]:
        run_id = new_run_id("inbox")
        with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing(LOAD_LOCK_WAIT_SECONDS) as w:
            w.begin_run(run_id, "inbox", {"paths": [str(p) for p in paths], "kind": kind},
                        settings.model_dump(mode="json"))
            w.lean(settings.inbox_memory_limit)
            record_counting_settings(w, settings, region)
            yield cls(w, run_id, settings, {d.name: d.code for d in region.districts})

    def load(self, opened: _OpenFile) -> None:
        report = opened.report
        load = InboxFileLoad(self.w, file_name=opened.path.name, kind=opened.kind, sha256=opened.sha,
                             run_id=self.run_id, district_codes=self.codes)
        if not load.start():  # an earlier file of this run, or another process, loaded the same content
            opened.read_through()
            self.done.append(f"{opened.path.name}: unchanged")
            return
        for result in opened.batches():
            load.add(result.facts, result.events, result.standards, result.evidence, result.rejects)
        done = load.finish(report.rows)
        report.status = done.status
        if done.standards is not None:
            report.standards_inserted, report.standards_updated = done.standards.inserted, done.standards.updated
        report.retracted = done.retracted
        self.done.append(f"{opened.path.name}: {done.status}, {done.loaded} rows, {done.rejected} rejected")

    def finish(self) -> None:
        """Re-attribute once for all the files (they may bring new identity evidence), and close the run.
        The session is settled (checkpointed) before the re-attribution and before the publish refreshes
        the marts, so neither adds its memory to what the loads left in DuckDB's."""
        settle(self.w)
        self._reattribute()
        forget_remembered()  # the organisations' names: not needed again, and held through the publish
        self.w.finish_run(self.run_id, "completed", "; ".join(self.done))
        settle(self.w)

    def _reattribute(self) -> None:
        overrides = read_overrides(self.settings)
        register = attribute_all(self.w, self.settings, overrides)
        attribute_events(self.w, self.settings, overrides, register=register)


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
            forget_remembered()  # the batch's cells, one per row: they would not recur
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
