"""How a run and its counts are shown: a one-screen terminal summary (rich) and a Prefect markdown artifact."""

from __future__ import annotations

from typing import Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.runs import RunReport

TYPE_LABELS = {
    "national": "国家标准 national",
    "industry": "行业标准 industry",
    "local": "地方标准 local",
    "group": "团体标准 group",
    "enterprise": "企业标准 enterprise",
}


def pivot_district_counts(rows: Iterable[dict], district_order: list[str]) -> tuple[list[str], list[tuple[str, dict[str, int]]]]:
    """rows of {district_name, std_type, n} → (types, [(district, {type: n})]) in the region's district order."""
    types: list[str] = []
    by_district: dict[str, dict[str, int]] = {name: {} for name in district_order}
    for row in rows:
        std_type = row["std_type"]
        if std_type not in types:
            types.append(std_type)
        cell = by_district.setdefault(row["district_name"], {})
        cell[std_type] = cell.get(std_type, 0) + int(row["n"])
    types.sort(key=lambda t: list(TYPE_LABELS).index(t) if t in TYPE_LABELS else 99)
    return types, list(by_district.items())


def district_table(rows: Iterable[dict], district_order: list[str], *, title: str, unknown: str) -> Table:
    """Districts down, standard types across; `unknown` is the region's name for "district unknown".
    Full district names and two-line headers, no side edges: whole at 80 columns."""
    types, pivot = pivot_district_counts(rows, district_order)
    table = Table(title=title, title_justify="left", show_footer=True, show_edge=False,
                  caption=f"{unknown} = unattributed: in the region, district not known", caption_justify="left")
    table.add_column("区县\ndistrict", footer="合计\ntotal", no_wrap=True)
    totals = {t: sum(cells.get(t, 0) for _, cells in pivot) for t in types}
    for t in types:
        table.add_column(TYPE_LABELS.get(t, t).replace(" ", "\n"), justify="right", footer=str(totals[t]),
                         overflow="fold")
    table.add_column("合计\ntotal", justify="right", footer=str(sum(totals.values())))
    for district, cells in pivot:
        table.add_row(district, *(str(cells.get(t, 0)) for t in types), str(sum(cells.values())))
    return table


_FIGURES = ("requests", "retries", "faults", "pages", "records", "inserted", "updated", "unchanged", "rejected",
            "blocked", "spam_pages")


def run_summary_table(report: RunReport) -> Table:
    """Figures down, sources across: fits a terminal however many figures there are."""
    table = Table()
    table.add_column("")
    for s in report.sources:
        table.add_column(s.source, justify="right")
    for figure in _FIGURES:
        table.add_row(figure.replace("_", " "), *(str(getattr(s, figure)) for s in report.sources))
    table.add_row("complete", *("yes" if s.complete else "[red]no[/]" for s in report.sources))
    table.add_row("seconds", *(f"{sum(s.seconds.values()):.1f}" for s in report.sources))
    return table


def summary_lines(report: RunReport) -> list[str]:
    """What the table does not show, one line each: stages, windows, faults, rejects, changes, adoption."""
    lines = []
    if report.window.issued_from or report.window.issued_to:
        lines.append(f"issued {report.window}")
    if report.windows:
        lines.append(f"windows: {report.windows} in the range, {report.windows_loaded} loaded by this run, "
                     f"{report.windows - report.windows_loaded} already done (skipped)")
    if report.seconds:
        lines.append("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
    for s in report.sources:
        if s.seconds:
            lines.append(f"{s.source} stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in s.seconds.items()))
        if s.fault_kinds:
            lines.append(f"{s.source} faults: " + ", ".join(f"{k} {v}" for k, v in sorted(s.fault_kinds.items())))
        if s.reject_reasons:
            reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(s.reject_reasons.items()))
            lines.append(f"{s.source} rejected: {reasons} "
                         f"(details: SELECT * FROM core.reject WHERE run_id LIKE '{report.run_id}%')")
        if s.note:
            lines.append(f"{s.source}: {s.note}")
        if s.unchanged_items:
            lines.append(f"{s.source}: unchanged " + ", ".join(f"{n} {what}" for what, n in s.unchanged_items.items())
                         + " (as the last run read them; not fetched again)")
        if s.figures:
            lines.append(f"{s.source} also loaded: " + ", ".join(f"{k} {v}" for k, v in s.figures.items()))
        if s.updated_std_nos:
            more = s.updated - len(s.updated_std_nos)
            lines.append(f"{s.source} updated: " + ", ".join(s.updated_std_nos) + (f" and {more} more" if more > 0 else ""))
        if not s.complete and not s.blocked and not s.error:
            lines.append(f"{s.source}: some pages could not be had; its watermark stays and the next run asks again")
    if report.adopted:
        lines.append(f"indexed {report.adopted} archived responses left by interrupted runs")
    lines.extend(publish_lines(report))
    return lines


def publish_lines(report: RunReport) -> list[str]:
    """Whether this load was published, and when the figures readers see were."""
    if report.status == "held":
        since = (f"published {report.last_published_at:%Y-%m-%d %H:%M} UTC" if report.last_published_at
                 else "of no earlier publish (there is none)")
        return [f"held back, not published: readers still see the figures {since}; this load waits in "
                f"{report.warehouse_path}.held (its failed tests: mart.data_tests) — fix and run again, or publish "
                'it on purpose: stdwatch publish --accept "reason"']
    if report.last_published_at:
        return [f"published {report.last_published_at:%Y-%m-%d %H:%M} UTC: every data test passed"]
    return []


def print_run_summary(console: Console, report: RunReport) -> None:
    """One screen: the per-source table, the lines it cannot hold, and any failed health check."""
    status = "[green]completed[/]" if report.status == "completed" else f"[bold red]{report.status}[/]"
    console.print(f"{report.flow} run {report.run_id} — {status} in {report.duration:.1f} s", highlight=False)
    if report.sources:
        console.print(run_summary_table(report))
    for line in summary_lines(report):
        console.print(f"  {line}", highlight=False, markup=False)  # notes quote crawled text
    for problem in report.problems:
        console.print(f"[bold red]HEALTH CHECK FAILED[/]: {escape(problem)}", soft_wrap=True, highlight=False)


def run_report_markdown(report: RunReport) -> str:
    lines = [
        f"# {report.flow} run `{report.run_id}`: **{report.status}**",
        "",
        f"Started {report.started_at:%Y-%m-%d %H:%M:%S} UTC, {report.duration:.1f} s.",
        "",
        "| source | requests | retries | faults | pages | records | inserted | updated | unchanged | rejected "
        "| blocked | spam pages | complete | seconds by stage |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for s in report.sources:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in s.seconds.items())
        lines.append(
            f"| {s.source} | {s.requests} | {s.retries} | {s.faults} | {s.pages} | {s.records} | {s.inserted} "
            f"| {s.updated} | {s.unchanged} | {s.rejected} | {s.blocked} | {s.spam_pages} "
            f"| {'yes' if s.complete else 'no'} | {stages} |"
        )
    lines.append("")
    lines.extend(f"- {line}" for line in summary_lines(report))
    if report.problems:
        lines.append("\n## Health check failed\n")
        lines.extend(f"- {p}" for p in report.problems)
    return "\n".join(lines)
