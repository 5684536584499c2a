"""Announced list entries → `EventRecord`s, and the rule that counts each entry once.

An entry is identified across notices by `entry_key`: the indicator, the organisation
and the entry's name (both normalized like organisation names: brackets, widths,
spaces), and — for kinds whose levels are separate achievements (a city pilot promoted
to a provincial pilot is a new project at a new level) — the level.

The counting rule (`pair_events`), per entry key:

- the earliest **decision** (公布 / 下达 / 认定 …) is `counted`, on its own date;
- a **preliminary** (公示) of an entry that has a decision is `superseded`: it was
  the same entry announced early, and never counts;
- a later decision for the same entry (the province's list reposted by the city, or
  an analyst's row for an announced station) is a `duplicate`;
- an entry seen only in preliminaries is `provisional` (its earliest one): shown, not
  counted, until its decision arrives.

Ties on the date are broken by notice URL, then by the row's origin, so the result
does not depend on the order events arrive in. `warehouse/sql/events.sql` states the
same rule over `core.event` (`mart.indicator_events`); a test keeps the two equal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from transform.orgs import normalize_org_name
from transform.parsers.notices import Entry, Selection
from transform.records import EventRecord, Provenance

DECISION = "decision"
PRELIMINARY = "preliminary"
STAGES = (DECISION, PRELIMINARY)
COUNTED, PROVISIONAL, SUPERSEDED, DUPLICATE = "counted", "provisional", "superseded", "duplicate"
# Kinds where the same project at another level is another achievement.
LEVELLED_KINDS = frozenset({"pilot_projects", "innovation_awards", "innovation_bases", "ip_std_pilots"})


def entry_key(indicator_id: str, level: str | None, name: str, org: str | None) -> str:
    """The identity of an entry across notices and inbox rows (hex sha1, 20 characters)."""
    parts = [
        indicator_id,
        (level or "") if indicator_id in LEVELLED_KINDS else "",
        normalize_org_name(org or ""),
        normalize_org_name(name).strip("“”\"'《》<>"),
    ]
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:20]


def events_from_entries(
    entries: Iterable[Entry],
    selection: Selection,
    *,
    announced_on: date,
    notice_title: str,
    notice_url: str,
    origin: str,
    provenance: Provenance | None,
    page_spam: bool = False,
) -> list[EventRecord]:
    """The events of one list table; `origin` is "<attachment or article url>#<table name>"."""
    events = []
    for entry in entries:
        level = entry.level or selection.level
        events.append(EventRecord(
            indicator_id=selection.indicator_id,
            level=level,
            name=entry.name,
            org=entry.org,
            announced_on=announced_on,
            stage=selection.stage,
            year=announced_on.year,
            entry_key=entry_key(selection.indicator_id, level, entry.name, entry.org),
            source="notices",
            notice_title=notice_title,
            notice_url=notice_url,
            division=entry.division,
            origin=f"{origin}!{entry.row}",
            provenance=provenance,
            spam=page_spam or entry.spam,
        ))
    return events


@dataclass(frozen=True, slots=True)
class Paired:
    event: EventRecord
    status: str  # counted | provisional | superseded | duplicate


def _order(event: EventRecord) -> tuple:
    return (event.stage != DECISION, event.announced_on, event.notice_url or "", event.origin or "")


def pair_events(events: Sequence[EventRecord]) -> list[Paired]:
    """Every event with its status under the counting rule (module docstring), in input order."""
    groups: dict[str, list[EventRecord]] = {}
    for event in events:
        if event.stage not in STAGES:
            raise ValueError(f"event {event.name!r}: stage {event.stage!r} is not one of {STAGES}")
        groups.setdefault(event.entry_key, []).append(event)
    status: dict[int, str] = {}
    for group in groups.values():
        ordered = sorted(group, key=_order)
        decided = ordered[0].stage == DECISION
        for rank, event in enumerate(ordered):
            if rank == 0:
                status[id(event)] = COUNTED if decided else PROVISIONAL
            elif event.stage == PRELIMINARY and decided:
                status[id(event)] = SUPERSEDED
            else:
                status[id(event)] = DUPLICATE
    return [Paired(event, status[id(event)]) for event in events]
