"""`stdwatch report`: the leader's report as one self-contained HTML file, or the same sections as xlsx.

Registered on the main app by flows/cli.py (`_ON_DEMAND`); the content is built in flows/leader_report.py.
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
    region: Optional[str] = typer.Option(
        None, "--region", help="This region's report (setting region): its warehouse is its data_dir in the `province` "
                               "setting, else the usual one (after `stdwatch demo --region CODE`, that demo's)."),
    province: bool = typer.Option(False, "--province", help="The province report: the cities of the `province` "
                                                            "setting side by side (docs/report.md)."),
) -> None:
    """The plan's progress for a leader: every indicator, districts × type, a map, the trend, the rules, how to trace;
    with --province, the cities compared."""
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
    settings = cli._settings(data_dir=data_dir, as_of=as_of.date() if as_of else None, region=region)
    if province:
        _province_report(settings, out, as_of is not None or region is not None)
        return
    if region is not None and region in settings.province:  # that city's own data_dir
        published = settings.province[region] / "warehouse.duckdb"
    else:
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


def _province_report(settings, out: Path, narrowed: bool) -> None:
    """The province report (flows/leader_report.py build_province_sections) from every region's published
    warehouse; a region that cannot be read is named, in the report and on stderr, and the others are shown."""
    from flows import cli
    from flows.cli_province import guarded, province_warehouses, say_left_out
    from flows.leader_report import build_province_sections, render_html, write_xlsx
    from transform.region import load_region
    from warehouse.report import province_report_data

    if narrowed:
        cli.err.print("--province compares every city at its own rules in force: it takes neither --as-of nor "
                      "--region (for one city as of a date: stdwatch report --region CODE --as-of DATE)",
                      markup=False, soft_wrap=True)
        raise typer.Exit(2)
    data = guarded(lambda: province_report_data(province_warehouses(settings)))
    say_left_out([r["problem"] for r in data.regions if not r["attached"]])
    provinces = {load_region(r["region_code"]).province for r in data.regions}
    title = f"{provinces.pop() if len(provinces) == 1 else ''}各市标准化规划进度对比"
    generated = (f"生成于 generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
                 f"from {len(data.cities)} cities' warehouses")
    sections = build_province_sections(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        write_xlsx(sections, out, title=title, generated=generated)
    else:
        out.write_text(render_html(sections, title=title, generated=generated), encoding="utf-8")
    cli.console.print(f"wrote {out} ({out.stat().st_size / 1024:,.0f} KB: {len(data.cities)} of {len(data.regions)} "
                      "cities); it needs no network to open", markup=False, highlight=False, soft_wrap=True)
