"""The plan source: a plan document (URL or file) → its numeric targets → `ref.indicator`.

Fetching is `extract.sources.plan`, reading `transform.plan`, finding targets
`transform.targets`, loading `warehouse.progress`; this module decides where the plan
comes from and records what happened.

- `extract_from(path_or_url, settings)` reads any plan (`stdwatch targets extract`).
- `crawl_plan(settings, client)` reads the configured plan (`plan_url`, else `plan_file`, else the
  region folder's `[plan]`: `plan_location`):
  the crawl half of a run. It never raises for a source failure; the result says what went wrong.
- `load_plan(w, result, settings, run_id)` is the load half: flags the page's spam, makes the
  targets the ones in force, writes the as-of rule, and records the source's figures in
  `meta.run_source` (also when no plan is configured, or it failed: the previous targets stay).
- `plan_step(settings, client, w, archive)` does both inside a load whose client is still open.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import warehouse
from extract.archive import Archive
from extract.http import Blocked, FetchError, HttpClient, decode_text
from extract.sources import plan as plan_source
from flows.settings import Settings
from transform.plan import PlanDocument, plan_text_from_html, read_plan
from transform.records import Provenance
from transform.region import load_region, plan_file
from transform.targets import Target, TargetReading, Unsure, read_targets
from warehouse import WriteSession

SOURCE = plan_source.SOURCE
_HTML = re.compile(r"<(?:!doctype|html|body|ucapcontent|div|p|br)\b", re.IGNORECASE)


class PlanUnreadable(Exception):
    """The plan could not be read; the message names the input and what to do."""


@dataclass
class PlanResult:
    """The plan source's part of a run."""

    status: str  # read | not_configured | failed | blocked
    location: str | None  # the URL or file it was read from
    plan: PlanDocument | None = None
    targets: list[Target] = field(default_factory=list)
    provenance: Provenance | None = None  # response_id None for a local file
    message: str | None = None  # why nothing was read, or a note on the window
    requests: int = 0
    unsure: list[Unsure] = field(default_factory=list)  # numbers the plan states but no target was committed to

    @property
    def problem(self) -> str | None:
        """A health-check failure for the run report: a configured plan that could not be read."""
        return f"plan: {self.message}" if self.status in ("failed", "blocked") else None


# --- reading -------------------------------------------------------------------------------


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def read_location(location: str, client: HttpClient | None) -> tuple[PlanDocument, TargetReading, Provenance]:
    """Fetch (through `client`, archived) or read a plan file, clean it and find its targets (and unsure numbers).
    Raises PlanUnreadable, or Blocked when the site refused the request."""
    if is_url(location):
        if client is None:
            raise ValueError(f"fetching {location} needs an HttpClient")
        try:
            fetched = plan_source.fetch_plan_page(client, location)
        except Blocked:
            raise  # a refusal is reported as such, never retried around
        except (FetchError, plan_source.PlanPageError) as exc:
            raise PlanUnreadable(f"cannot fetch the plan at {location}: {exc}") from exc
        text, provenance = fetched.text, Provenance(**fetched.provenance_fields())
    else:
        path = Path(location)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise PlanUnreadable(
                f"cannot read the plan file {path}: {exc.strerror}; give a text or HTML file, or an http(s) URL"
            ) from exc
        text, _ = decode_text(body, None)
        read_at = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        provenance = Provenance("file", path.resolve().as_uri(), read_at, None, hashlib.sha256(body).hexdigest())
    plan = read_plan(plan_text_from_html(text) if _HTML.search(text[:20_000]) else text)
    return plan, read_targets(plan.text), provenance


def extract_from(path_or_url: str, settings: Settings) -> tuple[PlanDocument, TargetReading]:
    """Any plan's cleaned document, its targets and the numbers it will not commit to. A URL is fetched with the settings' politeness and
    archived under the data dir (its host is allowed for this fetch: the caller named it)."""
    from flows.crawl import make_client  # late: the load job imports this module for its plan step
    from flows.runs import new_run_id  # late: the load job imports this module for its plan step

    if not is_url(path_or_url):
        plan, reading, _ = read_location(path_or_url, None)
        return plan, reading
    archive = Archive(settings.archive_dir, new_run_id("targets"))
    client = make_client(settings, archive)
    client.allowed_hosts.add((urlsplit(path_or_url).hostname or "").lower())
    try:
        plan, reading, _ = read_location(path_or_url, client)
    except Blocked as exc:
        raise PlanUnreadable(f"the plan's site refused the request ({exc.reason}) at {exc.url}; try later") from exc
    finally:
        client.close()
        archive.close()
    return plan, reading


def plan_location(settings: Settings) -> str | None:
    """Where the plan is read: `plan_url` if set, else `plan_file`, else what the region's folder says
    (`[plan]` site + path, a page on one of its sites, or file, a file in the folder); None if nothing says."""
    if settings.plan_url or settings.plan_file:
        return settings.plan_url or str(settings.plan_file)
    region = load_region(settings.region)
    if region.plan.site:
        return settings.base_url(region.plan.site) + region.plan.path
    return plan_file(region) if region.plan.file else None


def crawl_plan(settings: Settings, client: HttpClient) -> PlanResult:
    """The plan `plan_location` names, read."""
    location = plan_location(settings)
    if location is None:
        return PlanResult("not_configured", None, message="no plan configured: set plan_url or plan_file")
    try:
        plan, reading, provenance = read_location(location, client)
    except Blocked as exc:
        return PlanResult("blocked", location, message=f"blocked ({exc.reason}) at {exc.url}", requests=_requests(client))
    except PlanUnreadable as exc:
        return PlanResult("failed", location, message=str(exc), requests=_requests(client))
    requests = _requests(client) if is_url(location) else 0
    targets = reading.targets
    if not targets:
        return PlanResult("failed", location, plan, provenance=provenance, requests=requests, unsure=reading.unsure,
                          message=f"no numeric targets found in {location}: is it the plan's own page?")
    return PlanResult("read", location, plan, targets, provenance, _window_note(settings, plan), requests, reading.unsure)


def _requests(client: HttpClient) -> int:
    return int(client.stats.get(SOURCE, {}).get("requests", 0))


def _window_note(settings: Settings, plan: PlanDocument) -> str | None:
    """The window should start on the plan's issue date (indicators.md); say so when it does not."""
    if plan.issue_date and plan.issue_date != settings.window_start:
        return (f"the plan was issued {plan.issue_date} but window_start is {settings.window_start}: "
                f"set window_start = {plan.issue_date} unless the difference is intended")
    return None


# --- loading -------------------------------------------------------------------------------


def load_targets(w: WriteSession, plan: PlanDocument, targets: list[Target], provenance: Provenance,
                 region_code: str) -> list[str]:
    """Flag the archived page's spam and make these the targets in force for region `region_code`; returns
    their indicator ids. The page must already be in `raw.response` (the load's `record_responses`)."""
    if plan.spam and provenance.response_id:
        w.flag_spam({provenance.response_id: plan.spam})
    return warehouse.replace_plan(w, plan, targets, provenance, region_code=region_code)


def load_plan(w: WriteSession, result: PlanResult, settings: Settings, run_id: str) -> None:
    """The load half of the plan source (see the module docstring)."""
    w.set_settings({"as_of": settings.as_of})
    if result.status == "not_configured":
        return  # nothing was asked of a plan source; the progress report says the targets wait for it
    if result.status == "read":
        load_targets(w, result.plan, result.targets, result.provenance, settings.region)
    w.record_source_stats(run_id, SOURCE, {
        "requests": result.requests,
        "pages": 1 if result.plan else 0,
        "records": len(result.targets),
        "spam_pages": 1 if result.plan and result.plan.spam else 0,
        "blocked": 1 if result.status == "blocked" else 0,
        "status": result.status,
        "location": result.location,
        "issue_date": result.plan.issue_date if result.plan else None,
        "unmatched": [t.indicator for t in result.targets if t.indicator_id is None],
        "unsure": [f"{u.number}: {u.sentence}" for u in result.unsure],
        "message": result.message,
    })


def plan_step(settings: Settings, client: HttpClient, w: WriteSession, archive: Archive) -> PlanResult:
    """Read the configured plan and load it, inside a load whose client and archive are open.
    Indexes the plan's archived responses itself (idempotent with the load's own indexing)."""
    result = crawl_plan(settings, client)
    archive.sync()  # the warehouse indexes only fsynced records
    w.record_responses([entry.as_row() for entry in archive.durable_entries() if entry.source == SOURCE])
    load_plan(w, result, settings, archive.run_id)
    return result
