"""`stdwatch probe`: each source's portal contract, checked live with one or two requests per endpoint.

The first thing to run on a machine that reaches the live portals (docs/operations.md, "First live
run"). Every request goes through the run's `HttpClient` (the same politeness, host allow-list and
archive as a nightly: run `probe` twice and the archive holds both), against the base URLs of the
settings — so `STDWATCH_CONFIG` or `STDWATCH_BASE_URLS__*` pointing at `stdwatch mirror` probes the
mirror. Each fact is one line of a table `source | fact | expected | seen | ok`.

A fact comes from the source's contract (the opening docstring of `extract/sources/<name>.py`, with
its portals.md grades): the endpoint answers; the JSON keys or selectors the parser reads are there;
the page size served; the list order; the date format; redirects. A **contested** fact (samr's page
cap 20 or 50, its list order, page 2's suffix on scjgj, hbba/dbba answering on their own host or
redirected) is reported as seen and is ok under every reading the product handles; only a real drift
fails. When an endpoint does not answer, or its list is not where the contract says, the facts that
depend on it are not checked (the one failing fact names the drift).

Each source's facts are its `Source.probe` (at the end of `flows/sources/<name>.py`), written with
the helpers here; adding a source adds no line to this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from extract.archive import Archive
from extract.http import FetchError, Fetched
from flows.settings import Settings
from transform.dates import DateError, parse_date
from transform.records import Provenance

__all__ = ["Checks", "Fact", "dates_read", "date_or_none", "is_true", "keys_present", "list_order",
           "page_size_served", "probe_names", "provenance_of_fetched", "run_probe"]

DATES_READ = 0.9  # share of a page's dates the product must read for the format to hold (a few rows are defects)


@dataclass(frozen=True, slots=True)
class Fact:
    source: str  # the portal, by its base-URL key (samr, hbba, scjgj_suzhou…)
    fact: str
    expected: str
    seen: str
    ok: bool


@dataclass
class Checks:
    """One portal's facts as they are checked."""

    source: str
    facts: list[Fact] = field(default_factory=list)

    def check(self, fact: str, expected: str, seen: str, ok: bool) -> bool:
        self.facts.append(Fact(self.source, fact, expected, seen, bool(ok)))
        return bool(ok)

    def answers(self, fact: str, call: Callable[[], Fetched]) -> Fetched | None:
        """`fact` = "<endpoint> answers": ok for a 2xx answer; the answer, or None when there is none."""
        try:
            fetched = call()
        except FetchError as exc:
            self.check(fact, "HTTP 2xx", f"{type(exc).__name__}: {exc}"[:160], False)
            return None
        moved = f", redirected from {' → '.join(fetched.redirected_from)}" if fetched.redirected_from else ""
        ok = self.check(fact, "HTTP 2xx", f"HTTP {fetched.status} at {urlsplit(fetched.url).path}{moved}", fetched.ok)
        return fetched if ok else None

    def json(self, fact: str, fetched: Fetched, expected: str, find: Callable[[Any], Any]) -> Any:
        """The value `find` takes out of the page's JSON (a KeyError/TypeError/ValueError: not there)."""
        try:
            value = find(json.loads(fetched.text))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            start = fetched.text[:60].replace("\n", " ")
            self.check(fact, expected, f"not there ({type(exc).__name__}: {exc}); the page starts {start!r}"[:160],
                       False)
            return None
        self.check(fact, expected, "present", True)
        return value


def date_or_none(value: Any):
    try:
        return parse_date(value)
    except DateError:
        return None


def is_true(value: Any) -> bool:
    if value is not True:
        raise ValueError(f"result is {value!r}")
    return True


def provenance_of_fetched(fetched: Fetched) -> Provenance:
    return Provenance(**fetched.provenance_fields())


def keys_present(checks: Checks, fact: str, row: dict, wanted: Iterable[str]) -> bool:
    missing = [k for k in wanted if k not in row]
    return checks.check(fact, ", ".join(wanted), f"missing {', '.join(missing)}" if missing else "all present",
                        not missing)


def dates_read(checks: Checks, fact: str, expected: str, values: list[Any]) -> None:
    """Ok when the product reads at least DATES_READ of the values (`transform.dates.parse_date`)."""
    read = 0
    for value in values:
        try:
            read += parse_date(value) is not None
        except DateError:
            pass
    sample = (repr(values[0]) if isinstance(values[0], str) else str(values[0])) if values else "no values"
    checks.check(fact, expected, f"{read} of {len(values)} read, e.g. {sample}",
                 bool(values) and read >= DATES_READ * len(values))


def page_size_served(checks: Checks, fact: str, served: int, asked: int, total: int | None, readings: str) -> None:
    """Whatever the cap, the product pages by what was served (`extract.paging`): a page larger than
    asked, or an empty first page of a list that states rows, is a drift; any smaller size is not."""
    checks.check(fact, f"≤ {asked} asked ({readings})",
                 f"{served} of {asked} asked" + (f", total {total}" if total is not None else ""),
                 served <= asked and (served > 0 or total == 0))


def list_order(checks: Checks, fact: str, readings: dict[str, list[Any]], handled: Iterable[str]) -> None:
    """Which readings of the list order hold on this page (each a list of sortable keys, newest first)."""
    held = [name for name, keys in readings.items()
            if len(keys) > 1 and all(a >= b for a, b in zip(keys, keys[1:]))]
    handled = list(handled)
    either = " (either is handled)" if len(handled) > 1 else ""
    checks.check(fact, " or ".join(f"{h} newest first" for h in handled) + either,
                 (" and ".join(held) + " newest first") if held else "neither",
                 any(h in held for h in handled))





# -- the probe ---------------------------------------------------------------------------------------



def probe_names() -> list[str]:
    """The registered sources that declare a probe (`Source.probe`), in registry order."""
    from flows.sources import SOURCES, Source  # noqa: PLC0415 - every source imports this module's helpers

    return [name for name, source in SOURCES.items() if type(source).probe is not Source.probe]


def run_probe(settings: Settings, sources: Iterable[str], *, run_id: str) -> list[Fact]:
    """Probe each of `sources` (registered source names: each `Source.probe` holds its facts); every
    answer is archived under `run_id`."""
    from flows.crawl import make_client  # noqa: PLC0415 - the pipeline imports every source
    from flows.sources import SOURCES  # noqa: PLC0415 - every source imports this module's helpers

    probed = probe_names()
    unknown = [s for s in sources if s not in probed]
    if unknown:
        raise ValueError(f"no probe for {', '.join(unknown)}: probes exist for {', '.join(probed)}")
    archive = Archive(settings.archive_dir, run_id)
    client = make_client(settings, archive)
    facts: list[Fact] = []
    try:
        for name in sources:
            made: dict[str, Checks] = {}

            def checks_for(site: str, made: dict[str, Checks] = made) -> Checks:
                return made.setdefault(site, Checks(site))

            try:
                SOURCES[name].probe(checks_for, client, settings)
            except Exception as exc:  # a page so unlike the contract that a parser broke: that is drift too
                checks_for(name).check("probe ran", "no error", f"{type(exc).__name__}: {exc}"[:160], False)
            for checks in made.values():
                facts.extend(checks.facts)
    finally:
        client.close()
        archive.close()
    return facts


def facts_json(facts: list[Fact], *, base_urls: dict[str, str], run_id: str) -> str:
    return json.dumps({"run_id": run_id, "checked_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                       "ok": all(f.ok for f in facts), "base_urls": base_urls,
                       "facts": [asdict(f) for f in facts]}, ensure_ascii=False, indent=1)

