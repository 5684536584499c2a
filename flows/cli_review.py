"""`stdwatch review export FILE.xlsx` and `stdwatch review import FILE.xlsx`: the review queue as a sheet
to fill in, and the filled sheet as reviewed overrides (flows/review.py). Registered by flows/cli.py
(`_ON_DEMAND`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from flows.cli_export import fail

review_app = typer.Typer(help="The review queue: organisations the attribution could not place, or that conflict.",
                         no_args_is_help=True)
DataDir = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir).")


@review_app.command("export")
def review_export(
    out: Path = typer.Argument(..., metavar="FILE.xlsx", help="The sheet to write."),
    data_dir: Optional[Path] = DataDir,
) -> None:
    """Write mart.review_queue as a sheet to fill in: a district drop-down (the region's districts and 区外),
    the reviewer and a note per organisation."""
    import warehouse
    from flows.cli import _settings, console
    from flows.review import write_review_sheet

    if out.suffix.lower() != ".xlsx":
        raise fail(f"cannot write {out}: the review sheet is an .xlsx file", 2)
    settings = _settings(data_dir=data_dir)
    try:
        n = write_review_sheet(settings, out)
    except warehouse.WarehouseMissing as exc:
        raise fail(str(exc), 1) from exc
    console.print(Text(f"{n} organisations to review written to {out.resolve()}: fill the column 区县（填写）, "
                       "then `stdwatch review import` it"))


@review_app.command("import")
def review_import(
    path: Path = typer.Argument(..., metavar="FILE.xlsx", help="A sheet from `stdwatch review export`, filled in."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Who reviewed, for rows that do not say "
                                           "(default: the login name)."),
    data_dir: Optional[Path] = DataDir,
) -> None:
    """Turn the filled rows into reviewed overrides (with who and when), re-attribute and publish."""
    from flows.cli import _settings, console
    from flows.review import ReviewSheetError, import_review_sheet

    settings = _settings(data_dir=data_dir)
    if not path.is_file():
        raise fail(f"no file {path}: give the sheet `stdwatch review export` wrote, filled in", 2)
    try:
        result = import_review_sheet(settings, path, reviewer)
    except ReviewSheetError as exc:
        raise fail(str(exc), 2) from exc
    if not result.decisions:
        console.print(Text(f"{path.name}: no row has a district filled in; nothing imported"))
        return
    console.print(Text(f"{path.name}: {len(result.decisions)} reviewed overrides saved to "
                       f"{settings.reviewed_overrides_path.resolve()} and published"))
    for d in result.decisions:
        console.print(Text(f"  {d.name} → {d.district} (by {d.reviewer}, {d.reviewed_at})"))
    console.print(Text(f"Standards in 区县未知: {result.unplaced_before} → {result.unplaced_after}"))
