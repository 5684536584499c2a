"""Events, inbox files and the manual-entry queue in the warehouse.

Writes take an open `WriteSession` (`Warehouse.writing()`): records become Arrow tables,
registered under `incoming_*`, and the named statements of `sql/events.sql` move them into
place, one transaction per call (`WriteSession.run_statements`). Nothing here inserts row by row.

- `merge_events`: notice entries, idempotent on `event_id` (sha1 of source + origin: the
  same row of the same list, however often it is fetched). Rows are never merged across
  notices; `mart.indicator_events` decides which row of an entry counts.
- `InboxFileLoad`: one analyst file, keyed by its file name, loaded batch by batch in one
  write session (a 100,000-row file is never held whole). The same content again (same
  sha256) changes nothing; a corrected file replaces every row the earlier version loaded
  (facts, events, register evidence, rejects) and retracts the enterprise standards it no
  longer lists.
- `settle`: a checkpoint of the working copy, between the large steps of a streaming load.
- `record_manual_entries`: notices whose list needs a person (scanned PDF…), idempotent.
- `event_orgs` / `set_event_attributions`: the flows re-attribute every event's organisation
  with the register as it stands, after each load.
- `publish_indicator_events`: hands the counted events and the city-wide rates to the progress
  measures (`core.indicator_event`, source `events`), replacing what it handed over before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from transform.records import Attribution, EventRecord, ManualEntryNeeded, ManualFact, OrgEvidence, Reject, StandardRecord
from warehouse.db import relation
from warehouse.load import UTC_TIMESTAMP, MergeCounts, WriteSession, arrow_table

_SQL = "events.sql"
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("indicator_id", pa.string()), ("level", pa.string()), ("name", pa.string()),
    ("org", pa.string()), ("announced_on", pa.date32()), ("stage", pa.string()), ("year", pa.int32()),
    ("entry_key", pa.string()), ("source", pa.string()), ("notice_title", pa.string()), ("notice_url", pa.string()),
    ("division", pa.string()), ("origin", pa.string()), ("file_name", pa.string()), ("in_region", pa.bool_()),
    ("district_code", pa.string()), ("district_name", pa.string()), ("attribution_method", pa.string()),
    ("attribution_confidence", pa.float64()), ("attribution_conflict", pa.string()), ("needs_review", pa.bool_()),
    ("url", pa.string()), ("response_id", pa.string()), ("fetched_at", UTC_TIMESTAMP), ("sha256", pa.string()),
    ("spam", pa.bool_()), ("batch_order", pa.int64()),
])
FACT_SCHEMA = pa.schema([
    ("kind", pa.string()), ("indicator_id", pa.string()), ("file_name", pa.string()), ("sheet", pa.string()),
    ("row_number", pa.int32()), ("file_sha256", pa.string()), ("fields", pa.string()), ("district_name", pa.string()),
    ("district_code", pa.string()), ("year", pa.int32()), ("numerator", pa.float64()), ("denominator", pa.float64()),
    ("value", pa.float64()), ("subject", pa.string()), ("org", pa.string()), ("uscc", pa.string()),
    ("on_date", pa.date32()), ("run_id", pa.string()),
])
MANUAL_ENTRY_SCHEMA = pa.schema([
    ("notice_url", pa.string()), ("attachment_url", pa.string()), ("indicator_id", pa.string()), ("stage", pa.string()),
    ("notice_title", pa.string()), ("announced_on", pa.date32()), ("reason", pa.string()), ("detail", pa.string()),
    ("url", pa.string()), ("response_id", pa.string()), ("fetched_at", UTC_TIMESTAMP), ("sha256", pa.string()),
])


def event_id(event: EventRecord) -> str:
    return hashlib.sha1(f"{event.source}|{event.origin}".encode("utf-8")).hexdigest()


def _event_rows(events: Sequence[EventRecord], file_name: str | None = None) -> pa.Table:
    rows = []
    for order, e in enumerate(events):
        if not e.origin:
            raise ValueError(f"event {e.name!r} ({e.indicator_id}) has no origin: it cannot be loaded idempotently")
        a, p = e.attribution, e.provenance
        rows.append((
            event_id(e), e.indicator_id, e.level, e.name, e.org, e.announced_on, e.stage, e.year, e.entry_key,
            e.source, e.notice_title, e.notice_url, e.division, e.origin, file_name,
            a.in_region if a else None, a.district_code if a else None, a.district_name if a else None,
            a.method if a else None, a.confidence if a else None, a.conflict if a else None,
            a.needs_review if a else None,
            p.url if p else None, p.response_id if p else None, p.fetched_at if p else None, p.sha256 if p else None,
            e.spam, order,
        ))
    return arrow_table(EVENT_SCHEMA, rows)


def merge_events(w: WriteSession, events: Sequence[EventRecord], run_id: str) -> MergeCounts:
    """Upsert events by event_id; counts are per distinct event_id of the batch."""
    table = _event_rows(events)
    w.run_statements(_SQL, {"incoming_event": table}, ["keep_event_runs", "delete_events", "insert_events"],
                     {"run_id": run_id})
    known = w.fetch(_SQL, "count_kept_event_runs")[0][0]  # the batch's events already held before it
    ids = len(set(table.column("event_id").to_pylist()))
    return MergeCounts(inserted=ids - known, updated=0, unchanged=known, duplicates=len(events) - ids)


def event_orgs(w: WriteSession) -> list[tuple[str, str | None, str, str | None]]:
    """(event_id, org, name, division) of every event, for re-attribution."""
    return w.fetch(_SQL, "select_event_orgs")


def set_event_attributions(w: WriteSession, attributions: Iterable[tuple[str, Attribution]]) -> None:
    rows = list(attributions)
    table = pa.table({
        "event_id": pa.array([i for i, _ in rows], pa.string()),
        "in_region": pa.array([a.in_region for _, a in rows], pa.bool_()),
        "district_code": pa.array([a.district_code for _, a in rows], pa.string()),
        "district_name": pa.array([a.district_name for _, a in rows], pa.string()),
        "method": pa.array([a.method for _, a in rows], pa.string()),
        "confidence": pa.array([a.confidence for _, a in rows], pa.float64()),
        "conflict": pa.array([a.conflict for _, a in rows], pa.string()),
        "needs_review": pa.array([a.needs_review for _, a in rows], pa.bool_()),
    })
    w.run_statements(_SQL, {"incoming_attribution": table}, ["update_event_attributions"])


# -- the inbox -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboxLoad:
    """What loading one file did."""

    file_name: str
    kind: str
    status: str  # loaded | replaced | unchanged
    rows: int
    loaded: int
    rejected: int
    standards: MergeCounts | None = None
    retracted: int = 0  # enterprise standards the corrected file no longer lists


def inbox_file_version(w: WriteSession, file_name: str) -> tuple[str, str] | None:
    """(kind, sha256) of the version in force of a file name, or None."""
    rows = w.fetch(_SQL, "select_inbox_file", {"file_name": file_name})
    return rows[0] if rows else None


class InboxFileLoad:
    """Make one file's content the version in force of its name, a batch at a time.

    `start()` says whether anything is to do (False: this content is already in force) and
    removes what the earlier version loaded; `add()` loads one batch of validated rows;
    `finish()` records the file and retracts the enterprise standards the new version no
    longer lists. All within the caller's write session: if it fails, nothing is published.
    """

    def __init__(self, w: WriteSession, *, file_name: str, kind: str, sha256: str, run_id: str,
                 district_codes: dict[str, str]) -> None:
        self.w, self.file_name, self.kind, self.sha256, self.run_id = w, file_name, kind, sha256, run_id
        self.district_codes = district_codes
        self.previous: tuple[str, str] | None = None
        self.listed_before: set[str] = set()  # enterprise standards the earlier version listed, not elsewhere
        self.loaded = self.rejected = self.inserted = self.updated = 0
        self.merged = False

    def start(self) -> bool:
        w, params = self.w, {"file_name": self.file_name}
        self.previous = inbox_file_version(w, self.file_name)
        if self.previous == (self.kind, self.sha256):
            return False
        if self.previous is not None and self.previous[0] == "enterprise_std":
            before = {r[0] for r in w.fetch(_SQL, "select_file_subjects", {**params, "kind": "enterprise_std"})}
            elsewhere = {r[0] for r in w.fetch(_SQL, "select_other_file_subjects", params)}
            self.listed_before = before - elsewhere
        w.run_statements(_SQL, {}, ["delete_file_facts", "delete_file_rejects", "delete_inbox_file"], params)
        w.replace_org_evidence(f"{self.file_name}#", [])
        return True

    def add(self, facts: Sequence[ManualFact], events: Sequence[EventRecord], standards: Sequence[StandardRecord],
            evidence: Sequence[OrgEvidence], rejects: Sequence[Reject]) -> None:
        codes = self.district_codes
        fact_table = arrow_table(FACT_SCHEMA, [(
            f.kind, f.indicator_id, f.file_name, f.sheet, f.row, f.file_sha256,
            json.dumps(f.fields, ensure_ascii=False), f.district, codes.get(f.district) if f.district else None,
            f.year, f.numerator, f.denominator, f.value, f.subject, f.org, f.uscc, f.on, self.run_id,
        ) for f in facts])
        reject_table = pa.table({
            "file_name": pa.array([self.file_name] * len(rejects), pa.string()),
            "sheet": pa.array([_origin_part(r.url, "sheet") for r in rejects], pa.string()),
            "row_number": pa.array([int(_origin_part(r.url, "row")) for r in rejects], pa.int32()),
            "sha256": pa.array([self.sha256] * len(rejects), pa.string()),
            "reason": pa.array([r.reason for r in rejects], pa.string()),
            "detail": pa.array([r.detail for r in rejects], pa.string()),
        })
        # An event a later batch repeats replaces the earlier one, keeping when it was first seen.
        self.w.run_statements(
            _SQL,
            {"incoming_fact": fact_table, "incoming_inbox_reject": reject_table,
             "incoming_event": _event_rows(events, self.file_name)},
            ["insert_manual_facts", "insert_inbox_rejects", "keep_event_runs", "delete_events", "insert_events"],
            {"run_id": self.run_id},
        )
        if evidence:
            self.w.add_org_evidence(list(evidence))
        if standards:
            counts = self.w.merge_standards(list(standards), self.run_id)
            self.inserted, self.updated, self.merged = self.inserted + counts.inserted, self.updated + counts.updated, True
        self.loaded += len(facts)
        self.rejected += len(rejects)

    def finish(self, rows: int) -> InboxLoad:
        w, params = self.w, {"file_name": self.file_name, "run_id": self.run_id}
        if self.kind == "enterprise_std" and not self.merged:
            self.w.merge_standards([], self.run_id)
        file_table = pa.table({
            "file_name": pa.array([self.file_name], pa.string()), "kind": pa.array([self.kind], pa.string()),
            "sha256": pa.array([self.sha256], pa.string()), "rows": pa.array([rows], pa.int32()),
            "loaded": pa.array([self.loaded], pa.int32()), "rejected": pa.array([self.rejected], pa.int32()),
            "run_id": pa.array([self.run_id], pa.string()),
        })
        w.run_statements(_SQL, {"incoming_inbox_file": file_table},
                         ["insert_inbox_file", "delete_stale_file_events"], params)
        # What the new version lists is read back from its facts only when something could be retracted:
        # a 100,000-row file's numbers are not held in memory for nothing.
        listed = {r[0] for r in w.fetch(_SQL, "select_file_subjects", {**params, "kind": "enterprise_std"})} \
            if self.listed_before else set()
        retracted = sorted(self.listed_before - listed)
        if retracted:
            retract_inbox_standards(w, retracted)
        standards = (MergeCounts(self.inserted, self.updated, 0) if self.kind == "enterprise_std" or self.merged
                     else None)
        return InboxLoad(self.file_name, self.kind, "replaced" if self.previous else "loaded", rows, self.loaded,
                         self.rejected, standards=standards, retracted=len(retracted))


def retract_inbox_standards(w: WriteSession, std_nos: Sequence[str]) -> None:
    """The inbox's rows of these standards gone (a corrected enterprise-standard file no longer lists
    them): a standard no source lists any more leaves core.standard; one that a single source still
    lists is that source's row again (its ranked row goes, its row is flagged canonical)."""
    w.run_statements(_SQL, {"incoming_retracted": pa.table({"std_no": pa.array(std_nos, pa.string())})},
                     ["retract_inbox_standard_sources", "retract_unshared_resolved", "recanonical_retracted_sources",
                      "note_retracted"])


def settle(w: WriteSession) -> None:
    """Checkpoint the working copy (`WriteSession.checkpoint`) after a large step of a lean session:
    a 100,000-row file's load leaves some 40 MiB of committed rows and undo in DuckDB's memory, which
    the re-attribution and the marts' refresh would otherwise add to."""
    w.checkpoint()


def _origin_part(origin: str | None, part: str) -> str:
    _, _, rest = (origin or "#!0").rpartition("#")
    sheet, _, row = rest.rpartition("!")
    return sheet if part == "sheet" else (row or "0")


# -- the manual-entry queue ----------------------------------------------------------------------


def record_manual_entries(w: WriteSession, items: Sequence[ManualEntryNeeded], run_id: str) -> None:
    rows = []
    for item in items:
        p = item.provenance
        rows.append((item.notice_url, item.attachment_url or "", item.indicator_id, item.stage, item.notice_title,
                     item.announced_on, item.reason, item.detail, p.url if p else None,
                     p.response_id if p else None, p.fetched_at if p else None, p.sha256 if p else None))
    w.run_statements(_SQL, {"incoming_manual_entry": arrow_table(MANUAL_ENTRY_SCHEMA, rows)},
                     ["keep_manual_entry_runs", "delete_manual_entries", "insert_manual_entries"], {"run_id": run_id})


# -- the progress measures -----------------------------------------------------------------------

FEED_SOURCE = "events"


def publish_indicator_events(w: WriteSession) -> int:
    """Replace the `events` rows of core.indicator_event with sql/events.sql `indicator_event_feed`
    (call after the events' attribution, so their districts are current). Returns the row count."""
    from warehouse.progress import replace_indicator_events

    rows = relation(w.con, _SQL, "indicator_event_feed").to_arrow_table().to_pylist()
    replace_indicator_events(w, FEED_SOURCE, rows)
    return len(rows)
