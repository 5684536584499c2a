"""`stdwatch publish --accept "reason"`: publish on purpose a load the publish gate held back.

Registered on the main app by flows/cli.py (`_ON_DEMAND`). The gate itself is warehouse/gate.py
(flows/publish_gate.py in a run); the held load waits in `<warehouse>.held`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def publish(
    accept: str = typer.Option(..., "--accept", help="Why the held-back load is published anyway (kept in meta.run)."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse lives (setting data_dir)."),
) -> None:
    """Publish the load the data tests held back, on purpose, recording the reason."""
    from flows import cli, loading, runs
    from warehouse import Warehouse, WarehouseBusy, gate
    from warehouse.publish import NothingHeld

    settings = cli._settings(data_dir=data_dir)
    if not accept.strip():
        cli.err.print('--accept needs the reason the held load is published anyway, e.g. --accept "district '
                      'boundaries changed"', markup=False, soft_wrap=True)
        raise typer.Exit(2)
    target = Warehouse(settings.warehouse_path)
    if not target.held_path.is_file():
        cli.err.print(f"no held-back load at {target.held_path}: nothing to publish (a load is held back when its "
                      "data tests fail; see mart.data_tests)", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    held_run = gate.held_run_id(target.held_path)
    published = gate.publish_status(target.path) if target.path.is_file() else None
    if held_run is None or (published and published["latest_run"] != held_run):
        cli.err.print(f"{target.held_path} is older than what was published since (run "
                      f"{published and published['latest_run']}): publishing it would undo that; run the nightly "
                      "again instead", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    run_id = runs.new_run_id("publish")
    try:
        with target.writing(loading.LOAD_LOCK_WAIT_SECONDS, from_held=True) as w:
            gate.record_acceptance(w, run_id, held_run, accept.strip(), settings.model_dump(mode="json"))
    except (NothingHeld, WarehouseBusy) as exc:  # another process published or accepted it meanwhile
        cli.err.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    cli.console.print(f"published the held-back load of run {held_run} on purpose: {accept.strip()} "
                      f"(recorded in meta.run as run {run_id})", markup=False, highlight=False, soft_wrap=True)
