"""The review queue as a sheet to fill in, and the filled sheet as reviewed overrides.

`write_review_sheet` turns `mart.review_queue` into an xlsx: what the attribution knows, then a
district column to fill (a drop-down of the region's districts and 区外), the reviewer and a note.
`import_review_sheet` checks every filled row, merges them into the reviewed-overrides file
(`Settings.reviewed_overrides_path`: 机构名称, 区县, 复核人, 复核时间, 备注, 来源文件 — who and when),
which `flows.attribute.read_overrides` reads on every run, and re-attributes and publishes at once.
"""

from __future__ import annotations

import csv
import getpass
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import warehouse
from flows.loading import LOAD_LOCK_WAIT_SECONDS, record_counting_settings
from flows.attribute import attribute_all, attribute_events, read_overrides
from flows.runs import new_run_id
from flows.settings import Settings
from transform.attribution import OUTSIDE, load_region
from transform.orgs import normalize_org_name
from transform.region import Region
from warehouse.export import FORMULA_START, headers_for, read_view_or_query

SHEET = "复核 review"
DISTRICTS_SHEET = "区县 districts"
SHOWN = ("name", "queue", "reason_code", "standards_unplaced", "standards_led_in_window", "district_name", "method",
         "uscc", "conflict", "evidence")
FILL_DISTRICT, FILL_REVIEWER, FILL_NOTE = "区县（填写）district", "复核人 reviewer", "备注 note"
OUTSIDE_WORDS = ("区外", OUTSIDE)
OVERRIDE_COLUMNS = ("机构名称", "区县", "复核人", "复核时间", "备注", "来源文件")


class ReviewSheetError(ValueError):
    """A review sheet that cannot be imported; nothing was written."""


@dataclass(frozen=True, slots=True)
class Decision:
    name: str
    district: str  # a district name of the region, or `outside`
    reviewer: str
    reviewed_at: str  # ISO 8601, UTC
    note: str
    file_name: str

    def row(self) -> dict[str, str]:
        return dict(zip(OVERRIDE_COLUMNS, (self.name, self.district, self.reviewer, self.reviewed_at, self.note,
                                           self.file_name), strict=True))


@dataclass(frozen=True, slots=True)
class ImportResult:
    decisions: list[Decision]
    unplaced_before: int
    unplaced_after: int


def write_review_sheet(settings: Settings, out: Path) -> int:
    """The review queue as an xlsx to fill in; returns the number of organisations."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    region = load_region(settings.region)
    table = read_view_or_query(settings.warehouse_path, "mart.review_queue")[0].select(list(SHOWN))
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    headers = headers_for(list(SHOWN), "mart.review_queue") + [FILL_DISTRICT, FILL_REVIEWER, FILL_NOTE]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(table.to_pylist(), 2):
        for c, column in enumerate(SHOWN, 1):
            value = row[column]
            if isinstance(value, list):
                value = "\n".join(value)
            cell = sheet.cell(r, c, value)
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell.data_type, cell.quotePrefix = "s", True  # crawled text, never a formula
            if column in ("evidence", "conflict"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    names = [d.name for d in region.districts] + [OUTSIDE_WORDS[0]]
    listing = book.create_sheet(DISTRICTS_SHEET)
    listing.append(["区县 district", "代码 code"])
    for d in region.districts:
        listing.append([d.name, d.code])
    listing.append([OUTSIDE_WORDS[0], f"outside {region.name}"])
    fill = get_column_letter(len(SHOWN) + 1)
    last = max(table.num_rows + 1, 2)
    choice = DataValidation(type="list", formula1=f"'{DISTRICTS_SHEET}'!$A$2:$A${len(names) + 1}", allow_blank=True,
                            showErrorMessage=True, errorTitle="区县 district",
                            error=f"选择本地区的区县或“区外” — pick one of: {'、'.join(names)}")
    choice.add(f"{fill}2:{fill}{last}")
    sheet.add_data_validation(choice)
    widths = [36, 10, 22, 12, 12, 12, 14, 22, 40, 60, 16, 12, 24]
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return table.num_rows


def read_review_sheet(path: Path, region: Region, reviewer: str | None, now: datetime) -> list[Decision]:
    """The filled rows of a review sheet; ReviewSheetError naming every bad row (and writing nothing)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise ReviewSheetError(f"{path}: not a readable .xlsx ({exc}); export a fresh one with "
                               "`stdwatch review export FILE.xlsx`") from exc
    try:
        if SHEET not in book.sheetnames:
            raise ReviewSheetError(f"{path}: no sheet {SHEET!r}; fill in a sheet from `stdwatch review export`")
        rows = list(book[SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    header = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
    name_header = headers_for(["name"], "mart.review_queue")[0]
    missing = [h for h in (name_header, FILL_DISTRICT) if h not in header]
    if missing:
        raise ReviewSheetError(f"{path}: columns {missing} are missing; fill in a sheet from `stdwatch review export`")
    at = {h: header.index(h) for h in (name_header, FILL_DISTRICT, FILL_REVIEWER, FILL_NOTE) if h in header}
    stamp = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    decisions, problems = [], []
    for number, row in enumerate(rows[1:], 2):
        def cell(h: str) -> str:
            return str(row[at[h]]).strip() if h in at and at[h] < len(row) and row[at[h]] is not None else ""

        district = cell(FILL_DISTRICT)
        if not district:
            continue
        name = cell(name_header)
        who = cell(FILL_REVIEWER) or reviewer or ""
        placed = _district(region, district)
        if not name:
            problems.append(f"row {number}: no organisation name")
        elif placed is None:
            problems.append(f"row {number} ({name}): {district!r} is no district of {region.name}; "
                            f"pick one from the drop-down or write 区外")
        elif not who:
            problems.append(f"row {number} ({name}): no reviewer; fill {FILL_REVIEWER} or pass --reviewer")
        else:
            decisions.append(Decision(name, placed, who, stamp, cell(FILL_NOTE), path.name))
    if problems:
        raise ReviewSheetError(f"{path}: nothing imported — " + "; ".join(problems))
    return decisions


def _district(region: Region, value: str) -> str | None:
    if value.casefold() in OUTSIDE_WORDS:
        return OUTSIDE
    found = region.district_by_name(value) or region.district_by_code(value)
    return found.name if found else None


def import_review_sheet(settings: Settings, path: Path, reviewer: str | None = None,
                        now: datetime | None = None) -> ImportResult:
    """Merge a filled review sheet into the reviewed overrides, then re-attribute and publish."""
    region = load_region(settings.region)
    decisions = read_review_sheet(path, region, reviewer or _login(), now or datetime.now(timezone.utc))
    before = unplaced_standards(settings)
    if not decisions:
        return ImportResult([], before, before)
    _merge_overrides(settings.reviewed_overrides_path, decisions)
    run_id = new_run_id("review")
    with warehouse.Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing(LOAD_LOCK_WAIT_SECONDS) as w:
        w.begin_run(run_id, "review", {"path": str(path), "decisions": len(decisions)},
                    settings.model_dump(mode="json"))
        record_counting_settings(w, settings, region)
        overrides = read_overrides(settings)
        attribute_all(w, settings, overrides)
        attribute_events(w, settings, overrides)
        w.finish_run(run_id, "completed", f"{path.name}: {len(decisions)} reviewed overrides")
    return ImportResult(decisions, before, unplaced_standards(settings))


def unplaced_standards(settings: Settings) -> int:
    """Counted standards in the region's 区县未知."""
    unknown = load_region(settings.region).unknown_district_name
    return sum(int(r["n"]) for r in warehouse.new_standards_by_district(settings.warehouse_path)
               if r["district_name"] == unknown)


def _merge_overrides(path: Path, decisions: list[Decision]) -> None:
    """Earlier reviewed rows, with a later decision on the same organisation replacing its row; written whole
    to a temporary file and renamed, so a crash leaves the previous file."""
    rows: dict[str, dict[str, str]] = {}
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = {normalize_org_name(r["机构名称"]): r for r in csv.DictReader(f)}
    for decision in decisions:
        rows[normalize_org_name(decision.name)] = decision.row()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=OVERRIDE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows.values())
    os.replace(partial, path)


def _login() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
