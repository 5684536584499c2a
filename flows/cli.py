"""The `stdwatch` command. Every command and option is listed in docs/cli.md.

Prefect is imported only by the commands that run flows (importing it costs ~1 s), and a command
module of its own (flows/cli_*.py) only when its command runs or the help lists it (`_ON_DEMAND`).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator, Optional

import typer
from typer.core import TyperCommand, TyperGroup
from rich.console import Console
from rich.markup import escape

# The commands and sub-apps that live in modules of their own (name → module, and its command function or
# Typer sub-app), each module imported only when one of its commands runs or the help lists them:
# `stdwatch progress --json` imports flows.cli_progress and no other command's module (nor their parsers,
# e.g. the inbox's spreadsheet readers).
_ON_DEMAND = {
    "progress": ("flows.cli_progress", "progress"),
    "targets": ("flows.cli_progress", "targets_app"),
    "sql": ("flows.cli_export", "sql"),
    "export": ("flows.cli_export", "export"),
    "trace": ("flows.cli_trace", "trace"),
    "review": ("flows.cli_review", "review_app"),
    "probe": ("flows.cli_probe", "probe"),
    "report": ("flows.cli_report", "report"),
    "province": ("flows.cli_province", "province_app"),
    "publish": ("flows.cli_publish", "publish"),
    "inbox": ("flows.cli_inbox", "inbox_app"),
}


class _OnDemandGroup(TyperGroup):
    """The main command group, with the commands and sub-apps of `_ON_DEMAND` added when first asked for."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in _ON_DEMAND if name not in self.commands)]

    def get_command(self, ctx: typer.Context, name: str) -> TyperCommand | TyperGroup | None:
        if name in _ON_DEMAND and name not in self.commands:
            module, attribute = _ON_DEMAND[name]
            found = getattr(importlib.import_module(module), attribute)
            if isinstance(found, typer.Typer):
                command = typer.main.get_group(found)
            else:  # a command function: made a click command as `app.command(name)` would
                single = typer.Typer(add_completion=False)
                single.command(name)(found)
                command = typer.main.get_command(single)
            command.name = name
            self.add_command(command, name)
        return super().get_command(ctx, name)


app = typer.Typer(help="Track a city's standardization plan, district by district.", no_args_is_help=True,
                  cls=_OnDemandGroup)
run_app = typer.Typer(help="Run a flow against the configured portals.", no_args_is_help=True)
district_app = typer.Typer(help="District attribution.", no_args_is_help=True)
app.add_typer(run_app, name="run")
app.add_typer(district_app, name="district")

console = Console()
err = Console(stderr=True)

DataDir = typer.Option(None, "--data-dir", help="Where the archive and warehouse live (setting data_dir).")
JsonReport = typer.Option(False, "--json", help="Print the run report as JSON instead of the summary.")


def _quiet_prefect() -> None:
    """Sensible defaults for running flows from a terminal; any of them can be overridden in the environment.
    The terminal shows warnings and the run's own summary; every log line still reaches the Prefect API
    (per-window logs of a backfill, say), which only the console handler's level would hide."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_BATCH_INTERVAL", "0.5")
    # The temporary API server migrates its database on first start; 20 s (the default) has timed out
    # on a loaded 2-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _settings(**overrides):
    from flows.settings import SettingsError, load_settings

    try:
        return load_settings(**overrides)
    except SettingsError as exc:  # one line naming the setting and the fix
        err.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc


def _published(settings) -> Path:
    """The warehouse a reading command queries (`Settings.published_warehouse`), saying so on stderr
    when it is the demo's."""
    path = settings.published_warehouse()
    if path != settings.warehouse_path:
        err.print(f"(no live warehouse in {settings.data_dir} yet: reading the demo's, {path})",
                  style="dim", markup=False, highlight=False, soft_wrap=True)
    return path


def _run_flow(flow_call, during=None, as_json: bool = False) -> "object":
    """Run a flow (inside the context manager `during`, if given) and print its one-screen summary,
    or with `as_json` its report as JSON; a failed health check exits 1 (`flows.cli_runs`: one line
    per problem, tracebacks only with --debug)."""
    from flows.cli_runs import prefect_api, print_json, quiet_expected_failures, report_dict
    from flows.health import HealthCheckFailed
    from flows.report import print_run_summary

    failed = None
    with prefect_api(), during or nullcontext(), quiet_expected_failures():
        try:
            report = flow_call()
        except HealthCheckFailed as exc:
            report, failed = exc.report, exc
    if as_json:
        print_json(report_dict(report))
    else:
        print_run_summary(console, report)
    if failed is not None:
        raise typer.Exit(1) from failed
    return report


def _check_sources(names: list[str]) -> None:
    from flows.sources import UnknownSource, get_source

    for name in names:
        try:
            get_source(name)
        except UnknownSource as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc


def _print_districts(settings, *, title: str) -> list[dict]:
    """The per-district table and how many region-led standards are unplaced; returns its rows."""
    import warehouse
    from flows.report import district_table
    from transform.attribution import load_region

    region = load_region(settings.region)
    rows = warehouse.new_standards_by_district(settings.warehouse_path)
    order = [d.name for d in region.districts] + [region.unknown_district_name]
    console.print(district_table(rows, order, title=title, unknown=region.unknown_district_name))
    unknown = sum(int(r["n"]) for r in rows if r["district_name"] == region.unknown_district_name)
    console.print(
        f"{unknown} of {sum(int(r['n']) for r in rows)} region-led standards could not be placed in a district "
        "(mart.review_queue has the organisations and why; `stdwatch review export FILE.xlsx` to place them)."
    )
    return rows


@app.command()
def demo(
    size: str = typer.Option("demo", help="Mirror corpus size: 'demo' (a few thousand standards) or a number."),
    seed: int = typer.Option(7, help="Mirror corpus seed."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Default: <data_dir>/demo."),
    faults: float = typer.Option(0.0, "--faults", min=0.0, max=1.0,
                                 help="Share of requests the mirror answers with a fault (e.g. 0.1)."),
    fault_mix: Optional[str] = typer.Option(
        None, "--fault-mix",
        help="Fault kinds and weights, e.g. 'http_503:2,reset,timeout,waf' (default: every transient kind)."),
    variant: Optional[str] = typer.Option(
        None, "--variant",
        help="How the mirror serves contested portal facts: a preset (samr-cap-20, samr-by-issue-date, "
             "sacinfo-redirected, contested) or field=value pairs (the table in mirror/variants.py)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document (run report, inbox loads, "
                                 "districts, ground-truth check); the usual output goes to stderr."),
    region: Optional[str] = typer.Option(
        None, "--region", help="The region folder to mirror and run (transform/regions/<code>; default: the "
                               "`region` setting). A region other than the default writes to <data_dir>/demo-<code>."),
) -> None:
    """Start the bundled mirror of every portal on 127.0.0.1, run `nightly` against it, load the
    analysts' inbox files, and print the per-district table and the plan's progress."""
    _quiet_prefect()
    from flows.cli_runs import print_json, report_dict

    payload: dict = {}
    if as_json:
        console.file = sys.stderr
    try:
        _demo(size, seed, data_dir, faults, fault_mix, variant, payload, region)
    except typer.Exit as exc:
        if as_json and hasattr(exc.__cause__, "report"):  # a failed health check: its report
            payload["run"] = report_dict(exc.__cause__.report)
        raise
    finally:
        if as_json:
            console.file = None  # back to whatever sys.stdout is
            print_json(payload)


def _demo(size: str, seed: int, data_dir: Optional[Path], faults: float, fault_mix: Optional[str],
          variant: Optional[str], payload: dict, region: Optional[str] = None) -> None:
    from flows.cli_runs import STARTUP, launch_prefect_api, report_dict
    from flows.inbox import load_files
    from flows.sources import SOURCES
    from mirror.cluster import MirrorCluster
    from mirror.corpus import build_corpus
    from mirror.faults import FaultPolicy
    from mirror.notices import notice_corpus, write_inbox_files, write_notice_truth
    from mirror.truth import write_corpus

    from mirror.variants import parse_variants

    try:
        variants = parse_variants(variant)
    except ValueError as exc:
        err.print(f"[red]--variant:[/] {exc}")
        raise typer.Exit(2) from exc
    region_env = {"STDWATCH_REGION": region} if region else {}
    with _environment(**region_env):
        base = _settings()
    STARTUP.mark("Python and imports")
    launch_prefect_api()  # it boots while the corpus is built and the mirror starts
    demo_dir = data_dir or base.demo_dir
    payload["data_dir"] = str(demo_dir)
    corpus = build_corpus(size=size, seed=seed, window_start=base.window_start, window_end=base.window_end,
                          variants=variants, region=base.region)
    mirror_dir = demo_dir / "mirror"
    write_corpus(corpus, mirror_dir)
    notices = notice_corpus(corpus)
    write_notice_truth(notices, mirror_dir)
    inbox_files = write_inbox_files(notices, mirror_dir / "inbox")
    STARTUP.mark("corpus")
    try:
        # Faults that stall (timeouts, slow answers) are kept short, and the client's waits with them.
        policy = FaultPolicy(faults, mix=fault_mix, seed=seed, retry_after_seconds=1, timeout_seconds=6,
                             slow_seconds=1) if faults else None
    except ValueError as exc:
        err.print(f"[red]--fault-mix:[/] {exc}")
        raise typer.Exit(2) from exc
    fault_env = {"STDWATCH_TIMEOUT_SECONDS": "5", "STDWATCH_BACKOFF_SECONDS": "0.2"} if policy else {}
    cluster = MirrorCluster(corpus, fault_policy=policy)  # nothing listens before `with`
    unserved = unserved_sites(base, cluster.sites)
    if unserved:
        err.print(f"[red]The mirror serves no site for {', '.join(unserved)}[/] (base_urls of the sources and of "
                  f"region {base.region}): the demo would reach the live portal. Give it a site in mirror/sites.")
        raise typer.Exit(2)
    with cluster, _environment(
        STDWATCH_DATA_DIR=str(demo_dir),
        STDWATCH_REGION=base.region,
        STDWATCH_SOURCES=json.dumps(list(SOURCES)),
        STDWATCH_HOSTS=json.dumps({"127.0.0.1": {"rate_per_second": 2000, "concurrency": 4}}),
        STDWATCH_ORG_MAPPING_FILES=json.dumps([str(mirror_dir / "org_register.csv")]),
        **cluster.env(),
        **fault_env,
    ):
        console.print(f"Mirror serving {len(cluster.base_urls)} portals on 127.0.0.1 (seed {seed}, size {size}, "
                      f"variant {variants.describe()}); "
                      f"corpus, inbox files and ground truth in {mirror_dir}")
        STARTUP.mark("mirror")
        settings = _settings()
        from flows.nightly import nightly

        try:
            report = _run_flow(lambda: nightly())
            payload["run"] = report_dict(report)
            STARTUP.mark("flow start", at=report.started_at.timestamp())
            payload["startup"] = STARTUP.stages
            console.print(f"start-up before the first request: {STARTUP.describe()}")
        finally:
            if policy is not None:
                kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(policy.injected.items()))
                console.print(f"The mirror answered {policy.faults} of {policy.requests} requests with a fault ({kinds}).")
    # The analysts' inbox: statistics and lists no portal publishes (docs/notices-and-inbox.md).
    for path, loaded in zip(inbox_files, load_files(inbox_files, settings)):  # one write session for all
        if isinstance(loaded, Exception):
            raise loaded
        payload.setdefault("inbox", []).append({"file": path.name, "status": loaded.status, "rows": loaded.rows,
                                                "loaded": loaded.loaded, "rejected": len(loaded.rejects)})
        rejects = f", {len(loaded.rejects)} rejected (reasons in {loaded.rejects_path.name})" if loaded.rejects else ""
        console.print(f"inbox {path.name}: {loaded.status}, {loaded.loaded} of {loaded.rows} rows{rejects}")
    rows = _print_districts(
        settings,
        title=f"New standards led by region organisations, issued "
        f"{settings.window_start} – {settings.window_end} (the plan window)",
    )
    payload["districts"] = rows
    payload["equal_to_ground_truth"] = _print_truth_check(
        rows, mirror_dir / "ground_truth.json", mirror_dir / "notices_ground_truth.json")
    from flows.cli_progress import print_progress

    print_progress(console, settings)


def unserved_sites(settings, served: Iterable[str]) -> list[str]:
    """The configured base-URL sites (the sources' and the region's) that the mirror does not serve: the
    demo points every base URL at the mirror, so its allow-list is exactly the mirror's ports."""
    return sorted(set(settings.base_urls.all()) - set(served))


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Point the flow at the mirror the way a user would (STDWATCH_* variables), for this command only."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _print_truth_check(rows: list[dict], truth_path: Path, notices_truth_path: Path) -> bool:
    """Whether the per-district counts equal the mirror's ground truth (the demo only), said and returned."""
    expected = expected_standard_counts(truth_path, notices_truth_path)
    actual = {(r["district_name"], r["std_type"]): int(r["n"]) for r in rows}
    if actual == expected:
        console.print("[green]Equal to the mirror's ground truth[/] (every district × standard type).")
        return True
    console.print("[red]Differs from the mirror's ground truth:[/]")
    for key in sorted(set(actual) | set(expected)):
        if actual.get(key, 0) != expected.get(key, 0):
            console.print(f"  {key[0]} {key[1]}: warehouse {actual.get(key, 0)}, ground truth {expected.get(key, 0)}")
    return False


def expected_standard_counts(truth_path: Path, notices_truth_path: Path) -> dict[tuple[str, str], int]:
    """The mirror's truth per (district, standard type): the registries' standards, each once however
    many portals list it, plus the enterprise standards of the analysts' regulator export."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    expected: dict[tuple[str, str], int] = {}
    for row in truth["all_counts"]:
        key = (row["district"], row["std_type"])
        expected[key] = expected.get(key, 0) + row["n"]
    notices = json.loads(notices_truth_path.read_text(encoding="utf-8"))
    for district, n in notices["indicators"]["enterprise_std"]["by_district"].items():
        expected[(district, "enterprise")] = expected.get((district, "enterprise"), 0) + n
    return expected


@run_app.command("nightly")
def run_nightly(
    source: Optional[list[str]] = typer.Option(None, "--source", help="Only these sources (repeatable)."),
    data_dir: Optional[Path] = DataDir,
    as_json: bool = JsonReport,
) -> None:
    """Fetch what is new since the last successful run, load it and publish the warehouse."""
    _quiet_prefect()
    settings = _settings(data_dir=data_dir, sources=source or None)
    from flows.nightly import nightly

    _check_sources(settings.sources)
    _run_flow(lambda: nightly(sources=settings.sources, data_dir=str(settings.data_dir)), as_json=as_json)
    if as_json:
        return
    _print_districts(
        settings,
        title=f"New standards led by region organisations, issued {settings.window_start} – {settings.window_end}",
    )


@run_app.command("backfill")
def run_backfill(
    since: datetime = typer.Option(..., "--since", formats=["%Y-%m-%d"], help="First issue date, YYYY-MM-DD."),
    until: Optional[datetime] = typer.Option(
        None, "--until", formats=["%Y-%m-%d"], help="Last issue date, YYYY-MM-DD (default: today, Beijing time)."),
    source: Optional[list[str]] = typer.Option(None, "--source", help="Only these sources (repeatable)."),
    window_months: int = typer.Option(1, "--window-months", min=1, help="Months per window; each commits on its own."),
    redo: bool = typer.Option(False, "--redo", help="Fetch windows already loaded again instead of skipping them."),
    data_dir: Optional[Path] = DataDir,
    as_json: bool = JsonReport,
) -> None:
    """Crawl and load an issue-date range window by window; safe to interrupt and to run again."""
    _quiet_prefect()
    settings = _settings(data_dir=data_dir, sources=source or None)
    _check_sources(settings.sources)
    if until is not None and since > until:
        err.print(f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}: give the range oldest first.")
        raise typer.Exit(2)
    from flows.backfill import backfill

    _run_flow(lambda: backfill(
        since=since.date(), until=until.date() if until else None, sources=settings.sources,
        data_dir=str(settings.data_dir), window_months=window_months, redo=redo,
    ), during=_window_progress(), as_json=as_json)


@contextmanager
def _window_progress() -> Iterator[None]:
    """A progress bar over a backfill's windows on a terminal; elsewhere, nothing (Prefect logs each window)."""
    if not console.is_terminal:
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from flows.backfill import watching

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("backfill", total=None)

        def advance(event) -> None:
            verb = "loaded" if event.loaded else "skipped (already loaded)"
            bar.update(task, total=event.total, completed=event.index, description=f"{event.window} {verb}")

        with watching(advance):
            yield


@run_app.command("reprocess")
def run_reprocess(
    source: Optional[list[str]] = typer.Option(None, "--source", help="Only these sources (repeatable)."),
    data_dir: Optional[Path] = DataDir,
    as_json: bool = JsonReport,
    workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                          help="Processes parsing at once (default: every core)."),
) -> None:
    """Re-parse the archive with today's parsers and re-load, with no network; report what changed."""
    _quiet_prefect()
    settings = _settings(data_dir=data_dir, sources=source or None, reprocess_workers=workers)
    _check_sources(settings.sources)
    from flows.reparse_pool import start_forkserver

    start_forkserver(settings)  # its imports overlap Prefect's start-up instead of delaying the parse
    from flows.reprocess import reprocess

    _run_flow(lambda: reprocess(sources=settings.sources, data_dir=str(settings.data_dir),
                                workers=settings.reprocess_workers), as_json=as_json)


@app.command()
def serve(
    project_file: Optional[Path] = typer.Option(
        None, "--project-file", help="The prefect.yaml whose deployments to serve (default: stdwatch's own)."),
    limit: int = typer.Option(1, "--limit", min=1, help="Flow runs at once."),
) -> None:
    """Run the deployments' schedules (nightly 02:00 Asia/Shanghai) in this process, until Ctrl-C.

    With no PREFECT_API_URL set, a Prefect server is started on 127.0.0.1 for as long as this runs.
    """
    _quiet_prefect()
    from flows.serve import DeploymentFileError, default_project_file, serve_project

    try:
        serve_project(project_file or default_project_file(), limit=limit, console=console)
    except DeploymentFileError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


@district_app.command("resolve")
def district_resolve(
    name: Optional[str] = typer.Option(None, "--name", help="Organisation name."),
    uscc: Optional[str] = typer.Option(None, "--uscc", help="统一社会信用代码."),
    address: Optional[str] = typer.Option(None, "--address", help="Address."),
    division: Optional[str] = typer.Option(None, "--division", help="An explicit 行政区划 (code or name)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    data_dir: Optional[Path] = DataDir,
) -> None:
    """Which district an organisation is in, with the method, confidence and evidence (exit 0 even when unresolved)."""
    import warehouse
    from flows.attribute import read_org_register, read_overrides
    from transform.attribution import Register, load_region, resolve

    if not any((name, uscc, address, division)):
        err.print("Give at least one of --name, --uscc, --address, --division.")
        raise typer.Exit(2)
    settings = _settings(data_dir=data_dir)
    published = _published(settings)
    evidence = warehouse.org_evidence(published) if published.exists() else []
    for file_evidence in read_org_register(settings)[0].values():
        evidence += file_evidence
    attribution = resolve(
        load_region(settings.region), name=name, uscc=uscc, address=address, division=division,
        register=Register.from_evidence(evidence), overrides=read_overrides(settings),
    )
    answer = {
        "in_region": attribution.in_region,
        # True when known to be in the region's province (a province-level credit code says no more); else null.
        "in_province": True if attribution.in_region or attribution.reason == "province_level_code" else None,
        "district_code": attribution.district_code,
        "district_name": attribution.district_name,
        "method": attribution.method,
        "confidence": attribution.confidence,
        "uscc_valid": attribution.uscc_valid,
        "conflict": attribution.conflict,
        "needs_review": attribution.needs_review,
        "reason": attribution.reason,
        "evidence": attribution.evidence,
    }
    if as_json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    if attribution.reason == "province_level_code":
        verdict = f"in {load_region(settings.region).province}, district unknown (registered with the province)"
    elif attribution.in_region is None:
        verdict = "cannot tell whether it is in the region"
    elif not attribution.in_region:
        verdict = "not in the region"
    elif attribution.district_name is None:
        verdict = "in the region, district unknown"
    else:
        verdict = f"{attribution.district_name} ({attribution.district_code})"
    console.print(f"[bold]{escape(verdict)}[/] — method {attribution.method}, confidence {attribution.confidence:.2f}")
    if attribution.uscc_valid is False:
        console.print("[yellow]The credit code is invalid and was not used.[/]")
    if attribution.conflict:
        console.print(f"[yellow]Conflict:[/] {escape(attribution.conflict)}")
    for line in attribution.evidence:
        console.print(f"  • {line}", markup=False)


@app.command("mirror")
def mirror_serve(
    size: str = typer.Option("demo", help="Corpus size."),
    seed: int = typer.Option(7, help="Corpus seed."),
    port: int = typer.Option(0, help="Port on 127.0.0.1 (0 = any free port)."),
    out: Optional[Path] = typer.Option(None, help="Write the corpus files and ground truth here."),
    variant: Optional[str] = typer.Option(None, "--variant", help="Contested portal facts: a preset or field=value pairs (the table in mirror/variants.py)."),
    day: int = typer.Option(0, "--day", min=0, help="Calendar day to serve: 0 = the corpus as built; each day publishes what a real day brings."),
    advance_every: Optional[float] = typer.Option(None, "--advance-every", min=0.001, help="Publish the next calendar day every SECONDS."),
    region: str = typer.Option("3205", "--region", help="The region to build, by its folder transform/regions/CODE/."),
) -> None:
    """Serve the bundled mirror on 127.0.0.1 until Ctrl-C (point base URLs at it)."""
    from mirror.__main__ import main as mirror_main

    args = ["serve", "--size", size, "--seed", str(seed), "--port", str(port), "--day", str(day), "--region", region]
    if advance_every:
        args += ["--advance-every", str(advance_every)]
    if variant:
        args += ["--variant", variant]
    if out:
        args += ["--out", str(out)]
    raise typer.Exit(mirror_main(args) or 0)


app.callback()(__import__("flows.cli_runs", fromlist=["main_options"]).main_options)


if __name__ == "__main__":
    app()
