"""`stdwatch targets extract` and `stdwatch progress`: the plan's targets, and progress against them.

Registered on the main app by flows/cli.py (`_ON_DEMAND`: imported when its command runs);
`print_progress` ends `stdwatch demo`.
Every progress report states the counting rules it was computed under (table caption, JSON `rules`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the commands import what they run late, to keep `stdwatch --help` fast
    from transform.plan import PlanDocument
    from transform.targets import Target, Unsure

targets_app = typer.Typer(help="The plan's numeric targets.", no_args_is_help=True)

STATUS_LABELS = {
    "met": "[green]met 已完成[/]",
    "on track": "[green]on track 进度正常[/]",
    "behind": "[red]behind 滞后[/]",
    "no data yet": "[yellow]no data yet 暂无数据[/]",
    "no target yet": "[yellow]no target yet 待导入规划[/]",
}
NOT_MET = "[red]not met 未完成[/]"
DRAFTER_RULES = {"lead": "牵头单位 lead drafter", "any": "任一本地起草单位 any region drafter"}
UNKNOWN_WORDS = {"unknown", "unattributed", "区县未知"}
SHARES = {"share_of_target", "expected_share", "share_of_city"}  # stay fractions in JSON
INDICATOR_COLUMN_WIDTH = 9  # an indicator id folds over lines of this width in `--district all`


def _cli():
    """The main CLI's settings loader and consoles (imported late: flows.cli imports this module)."""
    from flows import cli

    return cli


# --- targets extract -------------------------------------------------------------------------


@targets_app.command("extract")
def targets_extract(
    source: str = typer.Argument(..., metavar="PATH|URL", help="A plan as a text or HTML file, or its page's http(s) URL."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: {targets: [...], unsure: [...]}."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where a fetched page is archived (setting data_dir)."),
) -> None:
    """Read a plan (spam removed, header read) and print its numeric targets, and the numbers it
    states but no target was committed to (unsure, with their sentences)."""
    from flows.targets import PlanUnreadable, extract_from
    from transform.targets import targets_to_json, unsure_to_json

    cli = _cli()
    settings = cli._settings(data_dir=data_dir)
    try:
        plan, reading = extract_from(source, settings)
    except PlanUnreadable as exc:
        cli.err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from exc
    if as_json:
        payload = {"targets": targets_to_json(reading.targets), "unsure": unsure_to_json(reading.unsure)}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    cli.console.print(targets_table(plan, reading.targets))
    if reading.unsure:
        cli.console.print(unsure_table(reading.unsure))


def targets_table(plan: PlanDocument, targets: list[Target]) -> Table:
    spam = f" · {len(plan.spam)} injected spam string(s) removed, page flagged" if plan.spam else ""
    table = Table(
        title=Text(plan.title or "(untitled plan)"),
        title_justify="left",
        caption=Text(f"{plan.doc_number or 'no document number'} · issued {plan.issue_date or 'date not found'}"
                     f" · {len(targets)} targets{spam}"),
        caption_justify="left",
    )
    for column, justify in (("#", "right"), ("id", "left"), ("指标 indicator", "left"), ("目标 target", "right"),
                            ("期限 deadline", "right"), ("口径 scope", "left"), ("条款 clauses", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    for i, t in enumerate(targets, 1):
        table.add_row(  # the plan's own words, so text, never markup
            str(i), t.indicator_id or "[yellow]unmatched[/]", Text(t.indicator),
            Text(f"{t.comparator}{_number(t.value)}{t.unit}"),
            str(t.deadline_year or "—"), t.scope, Text(", ".join(dict.fromkeys(m.clause for m in t.mentions))),
        )
    return table


def unsure_table(unsure: list[Unsure]) -> Table:
    table = Table(title="不确定 Unsure: numbers the plan states that were not taken as targets (judge them)",
                  title_justify="left")
    for column in ("条款 clause", "数字 number", "原句 sentence"):
        table.add_column(column, overflow="fold")
    for u in unsure:
        table.add_row(u.clause or "—", u.number, u.sentence)
    return table


# --- progress --------------------------------------------------------------------------------


def progress(
    district: Optional[str] = typer.Option(
        None, "--district", help="One district (name, alias, code, or 区县未知), or 'all' for every district."
    ),
    as_of: Optional[datetime] = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Counts as they stood on this date (setting as_of; default today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: rules, plan, indicators (and districts)."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir)."),
) -> None:
    """Every indicator of the plan — measured or not — with target, actual, share, expected share and status."""
    cli = _cli()
    settings = cli._settings(data_dir=data_dir, as_of=as_of.date() if as_of else None)
    district_code = _district_code(settings, district) if district and district != "all" else None
    report = _report(settings, districts=district is not None)
    if as_json:
        payload = {"rules": report.rules, "plan": report.plan, "coverage": report.coverage,
                   "indicators": [_plain(r) for r in report.indicators]}
        if district:
            payload["districts"] = [_plain(r) for r in report.districts
                                    if district_code is None or r["district_code"] == district_code]
        print(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
        return
    if district is None:
        cli.console.print(progress_table(report))
    elif district == "all":
        for part in districts_view(report, cli.console.width):
            cli.console.print(part)
    else:
        cli.console.print(district_table(report, district_code))


def print_progress(console: Console, settings) -> None:
    """The progress table from the published warehouse (the end of `stdwatch demo`)."""
    console.print(progress_table(_report(settings)))


def _report(settings, *, districts: bool = False):
    """The progress report, with the district grid only when it is shown (`--district`)."""
    import duckdb

    from warehouse.db import WarehouseMissing
    from warehouse.progress import progress_report

    cli = _cli()
    try:
        report = progress_report(cli._published(settings), settings.as_of, districts=districts)
    except WarehouseMissing as exc:
        cli.err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    except duckdb.CatalogException as exc:
        cli.err.print(f"[red]{settings.published_warehouse()} has no progress views yet ({exc}); "
                      "run `stdwatch run nightly` once to upgrade it.[/]")
        raise typer.Exit(1) from exc
    refusal = foreign_plan(settings.region, report.plan)
    if refusal:
        cli.err.print(f"[red]{escape(refusal)}[/]")
        raise typer.Exit(1)
    return report


def foreign_plan(region_code: str, plan: dict | None) -> str | None:
    """Why the loaded plan is not region `region_code`'s, in one line; None when it may be. A plan is
    another region's when its document number is the plan another region's folder names ([plan]
    document in its region.toml), or, a plan no folder names, when it was loaded for another region."""
    from transform.region import plan_owner

    if plan is None:
        return None
    owner = plan_owner(plan.get("doc_number")) or plan.get("region_code")
    if owner is None or owner == region_code:
        return None
    return (f"the plan in force ({plan.get('doc_number') or plan.get('title')}) is region {owner}'s, but the region "
            f"setting is {region_code}: progress is never measured against another region's plan; set plan_url or "
            f"plan_file to region {region_code}'s plan and run `stdwatch run nightly`, or select region {owner}")


def _district_code(settings, name: str) -> str:
    from transform.attribution import load_region

    region = load_region(settings.region)
    if name in UNKNOWN_WORDS or name in (region.unknown_district_name, region.unknown_district_code):
        return region.unknown_district_code
    found = region.district_by_code(name) or region.district_by_name(name)
    if found is None:
        names = "、".join(d.name for d in region.districts)
        _cli().err.print(f"[red]No district {name!r} in region {region.code}.[/] "
                         f"Known: {names}, {region.unknown_district_name}, or 'all'.")
        raise typer.Exit(2)
    return found.code


def rules_caption(report) -> str:
    r, plan = report.rules, report.plan
    lines = [
        f"Counting rules 计数规则: window 规划期 {r['window_start']} … {r['window_end']}, counted to {r['counted_until']}"
        f" · as of 统计截止 {r['as_of']}"
        f" · drafter 计数单位 = {DRAFTER_RULES.get(r['count_drafter'], r['count_drafter'])}"
        f" · group standards 团体标准 by {r['group_count_by']}"
        f" · region 地区 {r['region_code']} (unplaced → {r['unknown_district_name']})",
        "Each indicator's rule 各指标计数口径: docs/counting-rules.md, or `stdwatch progress --json`",
    ]
    lines += [f"[yellow]Partial coverage 覆盖不全 — {source}: {escape(note)}[/]" for source, note in report.coverage.items()]
    if plan:
        spam = f"; spam removed and page flagged ({len(plan['spam_terms'])})" if plan["spam"] else ""
        lines.append(f"Plan 规划: {escape(str(plan['doc_number'] or plan['title']))} issued {plan['issue_date']}, "
                     f"{plan['n_targets']} targets, from {escape(str(plan['plan_url']))}{spam}")
        if plan["issue_date"] and plan["issue_date"] != r["window_start"]:
            lines.append(f"[yellow]The window starts {r['window_start']}, not on the plan's issue date "
                         f"{plan['issue_date']}: check the setting window_start.[/]")
    else:
        lines.append("[yellow]Plan 规划: not loaded — the targets wait for the plan (set plan_url or plan_file).[/]")
    return "\n".join(lines)


def progress_table(report) -> Table:
    """Every indicator as a row. Two-line headers and folding cells keep it whole down to 80 columns."""
    table = Table(
        title=f"规划指标进度 Progress against the plan's targets — as of {report.rules['as_of']}",
        title_justify="left", caption=rules_caption(report), caption_justify="left",
    )
    rows = []
    for i, row in enumerate(report.indicators, 1):
        target = f"{row['comparator']}{_number(row['target'])}{row['unit']}" if row["target"] is not None else "—"
        status = NOT_MET if row["status"] == "behind" and row["deadline_passed"] else STATUS_LABELS[row["status"]]
        # Without a plan the caption says the targets wait for it. Each row's counting rule is long:
        # it is in `--json`, mart.indicator_progress and docs/counting-rules.md, not in the table.
        waiting = row["waits_for"] and row["status"] != "no target yet"
        note = Text(f"waits for {row['waits_for']}") if waiting else ""
        rows.append((str(i), _indicator_cell(row), target, _value(row["actual"], row["unit"]),
                     _percent(row["share_of_target"]), _percent(row["expected_share"]), status, note))
    columns = [("#", "right"), ("指标\nindicator", "left"), ("目标\ntarget", "right"), ("实际\nactual", "right"),
               ("完成率\nshare", "right"), ("应完成\nexpected", "right"), ("状态\nstatus", "left"),
               ("说明\nnote", "left")]
    if not any(r[-1] for r in rows):  # nothing waits for an input: leave the note column out
        columns, rows = columns[:-1], [r[:-1] for r in rows]
    for column, justify in columns:
        table.add_column(column, justify=justify, overflow="fold")
    for r in rows:
        table.add_row(*r)
    return table


def district_table(report, district_code: str) -> Table:
    rows = [r for r in report.districts if r["district_code"] == district_code]
    name = rows[0]["district_name"] if rows else district_code
    units = _units(report)
    table = Table(
        title=f"{name}: measured indicators as of {report.rules['as_of']} (the plan's targets are city-wide)",
        title_justify="left", caption=rules_caption(report), caption_justify="left",
    )
    for column in ("指标\nindicator", "区县实际\ndistrict", "全市实际\ncity", "占全市\nshare", "全市目标\ntarget",
                   "说明\nnote"):
        table.add_column(column, justify="left" if column.startswith(("指标", "说明")) else "right", overflow="fold")
    for r in rows:
        unit = units.get(r["indicator_id"])
        table.add_row(
            _indicator_cell(r), _value(r["actual"], unit), _value(r["city_actual"], unit),
            _percent(r["share_of_city"]), _value(r["city_target"], unit),
            Text(f"waits for {r['waits_for']}") if r["waits_for"] else "",
        )
    return table


def districts_view(report, width: int) -> list[Table | str]:
    """District × measured indicator with data, as many indicators side by side as fit in `width`
    columns (the rest in the next table, the districts repeated), then the rules and the indicators
    still waiting."""
    indicators = list(dict.fromkeys(r["indicator_id"] for r in report.districts if r["has_data"]))
    waiting = list(dict.fromkeys(r["indicator_id"] for r in report.districts if not r["has_data"]))
    cells = {(r["district_name"], r["indicator_id"]): r for r in report.districts}
    city = {r["indicator_id"]: r["city_actual"] for r in report.districts}
    districts = list(dict.fromkeys(r["district_name"] for r in report.districts))
    units = _units(report)
    caption = rules_caption(report)
    if waiting:
        caption += "\nNo data yet 暂无数据: " + ", ".join(waiting)
    name_width = max([cell_len(n) for n in districts] + [cell_len("区县 district")])
    per_table = max(1, (width - name_width - 4) // (INDICATOR_COLUMN_WIDTH + 3))
    chunks = [indicators[i:i + per_table] for i in range(0, len(indicators), per_table)] or [[]]
    tables = []
    for n, chunk in enumerate(chunks, 1):
        part = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""
        table = Table(
            title=f"区县进度 Measured indicators per district as of {report.rules['as_of']}{part} "
                  "(targets are city-wide)",
            title_justify="left", show_footer=True,
        )
        table.add_column("区县 district", footer="全市 city", no_wrap=True, min_width=name_width)
        for indicator in chunk:
            table.add_column(indicator, justify="right", overflow="fold", max_width=INDICATOR_COLUMN_WIDTH,
                             footer=_value(city[indicator], units.get(indicator)))
        for name in districts:
            table.add_row(name, *(_value(cells[name, i]["actual"], units.get(i)) if (name, i) in cells else ""
                                  for i in chunk))
        tables.append(table)
    return [*tables, caption]


def _indicator_cell(row: dict) -> Text:
    """The plan's wording, and its id dimmed underneath; crawled text, so never markup."""
    cell = Text(row["indicator"] or "")
    cell.append(f"\n{row['indicator_id']}", style="dim")
    return cell


def _units(report) -> dict[str, str]:
    """{indicator id or kind: unit} from the plan's indicators."""
    units = {}
    for row in report.indicators:
        units[row["indicator_id"]] = row["unit"]
        if row.get("kind"):
            units.setdefault(row["kind"], row["unit"])
    return units


def _value(value, unit: str | None) -> str:
    """A figure as the plan states it: rates as percentages with one decimal, counts as counts."""
    if unit == "%" and value is not None:
        return f"{value:.1f}%"
    return _number(value)


def _number(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def _plain(row: dict) -> dict:
    """A JSON-friendly row: whole-number floats as integers, dates as ISO strings."""
    out = {}
    for key, value in row.items():
        if isinstance(value, float) and value.is_integer() and key not in SHARES:
            value = int(value)
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        out[key] = value
    return out
