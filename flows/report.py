"""How a run and its counts are shown: a one-screen terminal summary (rich) and a Prefect markdown artifact."""

from __future__ import annotations

from typing import Iterable

from rich.console import Console
from rich.table import Table

from flows.pipeline import RunReport

TYPE_LABELS = {
    "national": "国家标准 national",
    "industry": "行业标准 industry",
    "local": "地方标准 local",
    "group": "团体标准 group",
    "enterprise": "企业标准 enterprise",
}
UNKNOWN_DISTRICT = "区县未知"


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


def district_table(rows: Iterable[dict], district_order: list[str], *, title: str) -> Table:
    types, pivot = pivot_district_counts(rows, district_order)
    table = Table(title=title, title_justify="left", show_footer=True)
    table.add_column("区县 district", footer="合计 total")
    totals = {t: sum(cells.get(t, 0) for _, cells in pivot) for t in types}
    for t in types:
        table.add_column(TYPE_LABELS.get(t, t), justify="right", footer=str(totals[t]))
    table.add_column("合计 total", justify="right", footer=str(sum(totals.values())))
    for district, cells in pivot:
        label = f"{district} (unattributed)" if district == UNKNOWN_DISTRICT else district
        table.add_row(label, *(str(cells.get(t, 0)) for t in types), str(sum(cells.values())))
    return table


def run_summary_table(report: RunReport) -> Table:
    table = Table(title=f"Run {report.run_id} — {report.status}", title_justify="left")
    for column in ("source", "requests", "pages", "records", "inserted", "updated", "unchanged", "rejected", "blocked", "spam pages", "seconds"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for s in report.sources:
        table.add_row(
            s.source, str(s.requests), str(s.pages), str(s.records), str(s.inserted), str(s.updated),
            str(s.unchanged), str(s.rejected), str(s.blocked), str(s.spam_pages), f"{sum(s.seconds.values()):.1f}",
        )
    return table


def print_run_summary(console: Console, report: RunReport) -> None:
    console.print(run_summary_table(report))
    for s in report.sources:
        if s.reject_reasons:
            reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(s.reject_reasons.items()))
            console.print(f"  {s.source} rejected: {reasons} (details: SELECT * FROM core.reject WHERE run_id = '{report.run_id}')")
    for problem in report.problems:
        console.print(f"[bold red]HEALTH CHECK FAILED[/]: {problem}")


def run_report_markdown(report: RunReport) -> str:
    lines = [
        f"# {report.flow} run `{report.run_id}`: **{report.status}**",
        "",
        "| source | requests | pages | records | inserted | updated | unchanged | rejected | blocked | spam pages | faults | seconds by stage |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in report.sources:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in s.seconds.items())
        lines.append(
            f"| {s.source} | {s.requests} | {s.pages} | {s.records} | {s.inserted} | {s.updated} | {s.unchanged} "
            f"| {s.rejected} | {s.blocked} | {s.spam_pages} | {s.faults} | {stages} |"
        )
    for s in report.sources:
        if s.reject_reasons:
            lines.append(f"\n{s.source} rejects: " + ", ".join(f"{k}: {v}" for k, v in sorted(s.reject_reasons.items())))
    if report.problems:
        lines.append("\n## Health check failed\n")
        lines.extend(f"- {p}" for p in report.problems)
    return "\n".join(lines)
