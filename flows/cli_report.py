"""`stdwatch report`: the leader's report as one self-contained HTML file, or the same sections as xlsx.

Registered on the main app at the bottom of flows/cli.py; the content is built in flows/leader_report.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer

FORMATS = (".html", ".htm", ".xlsx")


def report(
    as_of: Optional[datetime] = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Counts as they stood on this date (setting as_of; default today)."
    ),
    out: Path = typer.Option(Path("report.html"), "--out", help="report.html (one file, opens offline) or report.xlsx."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir)."),
) -> None:
    """The plan's progress for a leader: every indicator, districts × type, a map, the trend, the rules, how to trace."""
    import duckdb

    import warehouse
    from flows import cli
    from flows.leader_report import build_sections, render_html, write_xlsx
    from flows.cli_progress import foreign_plan
    from transform.region import load_region, map_tiles

    if out.suffix.lower() not in FORMATS:
        cli.err.print(f"--out {out}: a report is written as .html or .xlsx; name it e.g. report.html or report.xlsx",
                      markup=False, soft_wrap=True)
        raise typer.Exit(2)
    settings = cli._settings(data_dir=data_dir, as_of=as_of.date() if as_of else None)
    published = cli._published(settings)  # the live warehouse, or right after `stdwatch demo` the demo's
    try:
        data = warehouse.report_data(published, settings.as_of)
    except warehouse.WarehouseMissing as exc:
        cli.err.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    except duckdb.CatalogException as exc:
        cli.err.print(f"{published} has no progress views yet ({exc}); "
                      "run `stdwatch run nightly` once to upgrade it.", markup=False)
        raise typer.Exit(1) from exc
    refusal = foreign_plan(settings.region, data.progress.plan)
    if refusal:
        cli.err.print(refusal, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    region = load_region(settings.region)
    sections = build_sections(data, region, map_tiles(settings.region))
    title = f"{region.name}标准化规划进度报告"
    generated = f"生成于 generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from {published.name}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        write_xlsx(sections, out, title=title, generated=generated)
    else:
        out.write_text(render_html(sections, title=title, generated=generated), encoding="utf-8")
    cli.console.print(f"wrote {out} ({out.stat().st_size / 1024:,.0f} KB, as of {data.progress.rules['as_of']}); "
                      "it needs no network to open", markup=False, highlight=False, soft_wrap=True)
