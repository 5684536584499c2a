"""`stdwatch inbox template KIND` and `stdwatch inbox load PATH` (docs/notices-and-inbox.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from transform.parsers.inbox import INBOX_KINDS

inbox_app = typer.Typer(help="Analysts' files: templates to fill in, and loading them.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
_KINDS = ", ".join(INBOX_KINDS)


@inbox_app.command("template")
def template(
    kind: str = typer.Argument(..., help=f"One of: {_KINDS}."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write it (default: ./<kind>.xlsx)."),
) -> None:
    """Write an xlsx with the Chinese headers of KIND and a sheet explaining each column."""
    from flows.inbox import write_template

    if kind not in INBOX_KINDS:
        err.print(f"[red]Unknown kind {kind!r}.[/] Choose one of: {_KINDS}")
        raise typer.Exit(2)
    path = write_template(kind, out or Path(f"{kind}.xlsx"))
    console.print(f"Wrote {path} ({INBOX_KINDS[kind].label}).")


@inbox_app.command("load")
def load(
    paths: list[Path] = typer.Argument(..., help="Filled-in .xlsx or .csv files."),
    kind: Optional[str] = typer.Option(None, "--kind", help=f"The files' kind, when their headers do not say: {_KINDS}."),
    rejects_dir: Optional[Path] = typer.Option(None, "--rejects-dir", help="Where to write <file>.rejects.csv "
                                               "(default: beside each file)."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file (a list) instead of tables."),
) -> None:
    """Validate every row, load the good ones with their provenance, and report each rejected row.
    All the files load in one write session; a bad file is reported and the others still load.
    Loading the same file again changes nothing; a corrected file replaces its earlier version."""
    from flows.cli import _settings
    from flows.inbox import InboxError, load_files

    if kind is not None and kind not in INBOX_KINDS:
        err.print(f"[red]Unknown kind {kind!r}.[/] Choose one of: {_KINDS}")
        raise typer.Exit(2)
    settings = _settings(data_dir=data_dir)
    failed = False
    reports: list[dict] = []
    for path, report in zip(paths, load_files(paths, settings, kind=kind, rejects_dir=rejects_dir)):
        if isinstance(report, InboxError):
            err.print(f"[red]{report}[/]")
            reports.append({"file": str(path), "error": str(report)})
            failed = True
            continue
        if as_json:
            reports.append({"file": str(path), "kind": report.kind, "status": report.status, "rows": report.rows,
                            "loaded": report.loaded, "standards_inserted": report.standards_inserted,
                            "standards_updated": report.standards_updated, "retracted": report.retracted,
                            "rejects": [{"reason": r.reason, "detail": r.detail} for r in report.rejects],
                            "rejects_path": str(report.rejects_path) if report.rejects else None})
            continue
        what = {"loaded": "loaded", "replaced": "replaced its earlier version", "unchanged": "unchanged (already loaded)"}
        console.print(f"[bold]{path.name}[/] ({report.kind}): {what[report.status]} — {report.rows} rows, "
                      f"{report.loaded} good, {len(report.rejects)} rejected")
        if report.standards_inserted or report.standards_updated or report.retracted:
            console.print(f"  enterprise standards: {report.standards_inserted} new, {report.standards_updated} updated, "
                          f"{report.retracted} no longer listed")
        if report.rejects:
            table = Table(show_lines=False)
            for column in ("row", "reason", "detail"):
                table.add_column(column)
            for reject in report.rejects:
                origin, _, detail = reject.detail.partition(": ")
                table.add_row(origin.rpartition("#")[2], reject.reason, detail)
            console.print(table)
            console.print(f"  rejects written to {report.rejects_path}")
    if as_json:
        print(json.dumps(reports, ensure_ascii=False, indent=1))
    if failed:
        raise typer.Exit(1)
