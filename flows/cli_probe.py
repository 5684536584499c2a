"""`stdwatch probe`: the portal contracts checked live (flows/probe.py); registered by flows/cli.py (`_ON_DEMAND`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def probe(
    source: Optional[list[str]] = typer.Option(None, "--source", help="Probe only this source (repeatable); default: the settings' sources."),
    as_json: bool = typer.Option(False, "--json", help="Print the facts as JSON."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the answers are archived (setting data_dir)."),
) -> None:
    """Check every portal's contract with one or two requests per endpoint; exit 1 on any drift."""
    from rich.table import Table

    from flows import cli
    from flows.runs import new_run_id
    from flows.probe import facts_json, probe_names, run_probe

    settings = cli._settings(data_dir=data_dir)
    names = list(source or [s for s in settings.sources if s in probe_names()])
    run_id = new_run_id("probe")
    try:
        facts = run_probe(settings, names, run_id=run_id)
    except ValueError as exc:
        cli.err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(facts_json(facts, base_urls=settings.base_urls.all(), run_id=run_id))
    else:
        table = Table(title=f"stdwatch probe {run_id}")
        for column in ("source", "fact", "expected", "seen", "ok"):
            table.add_column(column, overflow="fold")
        for f in facts:
            table.add_row(f.source, f.fact, f.expected, f.seen, "[green]ok[/]" if f.ok else "[red]DRIFT[/]")
        cli.console.print(table)
        drifted = [f for f in facts if not f.ok]
        cli.console.print(f"{len(facts)} facts, {len(drifted)} drifted" + (
            ": " + "; ".join(f"{f.source} {f.fact}" for f in drifted) if drifted else "") + f"; answers archived as run {run_id}")
    if not all(f.ok for f in facts):
        raise typer.Exit(1)
