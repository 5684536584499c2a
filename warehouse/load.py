"""The write session: every load into the warehouse, as Arrow tables and `INSERT … SELECT`.

A `WriteSession` wraps the read-write connection of one `Warehouse.writing()` block
(publish.py). Records from `transform.records` become Arrow tables column by column,
are registered under an `incoming_*` name, and the named statements of
`sql/load.sql` move them into place, each load in one transaction. Nothing here
inserts row by row.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import duckdb
import pyarrow as pa

from transform.records import Attribution, OrgEvidence, Provenance, Reject, StandardRecord
from warehouse.db import execute, relation

OrgKey = Callable[[str], str]


class DistrictLike(Protocol):
    code: str
    name: str
    kind: str
    aliases: Sequence[str]


class MeasureLike(Protocol):
    """One indicator of the region's plan and how it is measured (transform.region.Measure fits)."""

    indicator_id: str
    ordinal: int
    label: str
    unit: str
    comparator: str
    target: float
    deadline_year: int | None
    method: str
    source_view: str
    std_types: Sequence[str] | None
    aggregate: str
    sources: Sequence[str]
    waits_for: str
    settings: str | None
    rule_zh: str
    rule_en: str


class RegionLike(Protocol):
    """What load_region reads from a region object (transform.region.Region fits)."""

    code: str
    unknown_district_code: str
    unknown_district_name: str
    districts: Sequence[DistrictLike]
    measures: Sequence[MeasureLike]

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
TEXT_LIST = pa.list_(pa.string())

COUNTING_CHOICES = {"count_drafter": {"lead", "any"}, "group_count_by": {"drafter", "publisher"}}
RUN_SOURCE_FIGURES = (
    "requests", "pages", "records", "inserted", "updated", "unchanged", "duplicates",
    "rejected", "blocked", "spam_pages", "faults", "retries", "complete",
)
RESPONSE_SCHEMA = pa.schema([
    ("response_id", pa.string()), ("run_id", pa.string()), ("source", pa.string()),
    ("method", pa.string()), ("url", pa.string()), ("status", pa.int32()),
    ("content_type", pa.string()), ("fetched_at", UTC_TIMESTAMP), ("sha256", pa.string()),
    ("size", pa.int64()), ("warc_path", pa.string()), ("warc_offset", pa.int64()),
    ("warc_length", pa.int64()), ("blocked", pa.string()), ("spam", pa.bool_()),
    ("spam_terms", TEXT_LIST),
])
STANDARD_SCHEMA = pa.schema([
    ("std_no", pa.string()), ("source", pa.string()), ("source_id", pa.string()),
    ("std_no_raw", pa.string()), ("std_type", pa.string()), ("prefix", pa.string()),
    ("year", pa.int32()), ("name", pa.string()), ("status", pa.string()),
    ("issue_date", pa.date32()), ("act_date", pa.date32()), ("abolish_date", pa.date32()),
    ("replaces", TEXT_LIST), ("is_revision", pa.bool_()), ("drafters", TEXT_LIST),
    ("drafters_known", pa.bool_()), ("committee_code", pa.string()),
    ("committee_name", pa.string()), ("detail_url", pa.string()), ("input_time", UTC_TIMESTAMP),
    ("spam", pa.bool_()), ("url", pa.string()), ("response_id", pa.string()), ("fetched_at", UTC_TIMESTAMP),
    ("sha256", pa.string()),
])
_RESPONSE_REQUIRED = {"response_id", "source", "url", "fetched_at"}
# The merge after decide_standards (sql/load.sql), in order, in the transaction that decided: each
# step with the part of the batch (`_merge_tables`) it acts on. A step whose part is empty has
# nothing to do and is not run: a batch of unchanged records (a reprocess, most of a nightly) runs
# 1 of the 11, a batch of new standards no other source lists 3.
MERGE_STEPS = (
    ("keep_standards_before", "shared_standard"), ("append_status_history", "changed_standard"),
    ("delete_updated_standard_sources", "replaced_standard"),
    ("insert_changed_standard_sources", "changed_standard"), ("uncanonical_shared_sources", "shared_standard"),
    ("touch_seen_standard_sources", "seen_standard"), ("resolve_shared_standards", "shared_standard"),
    ("delete_resolved_standards", "shared_standard"), ("insert_resolved_standards", "shared_standard"),
    ("note_resolved", "changed_standard"), ("drop_resolved", "shared_standard"),
)


def default_org_key(name: str) -> str:
    """A minimal organisation key: NFKC (full-width brackets → ASCII), no whitespace, casefolded.

    The flows pass transform's own normaliser to `Warehouse(path, org_key=...)`; this
    default keeps the warehouse usable (and its tests meaningful) without it.
    """
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """What one `merge_standards` call did, counted per (std_no, source) record.

    `duplicates`: records dropped because the batch held a later one for the same
    (std_no, source). `stale`: records older than the version already held, left unapplied.
    """

    inserted: int
    updated: int
    unchanged: int
    duplicates: int = 0
    stale: int = 0
    updated_std_nos: tuple[str, ...] = ()  # the standards `updated` counts, by number


class WriteSession:
    """Loads into an open read-write warehouse connection. Get one from `Warehouse.writing()`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, org_key: OrgKey = default_org_key) -> None:
        self.con = con
        self.org_key = org_key
        execute(con, "materialise.sql", "create_refresh_tables")
        self.held_back = False  # set by the publish gate (warehouse/gate.py): keep the copy aside, do not publish
        self.checkpointed = False  # by `checkpoint`: the session's change log no longer holds all of it
        self._keys_current = False  # the stored content keys are this DuckDB's (`_rekey_if_needed`)

    # ── plumbing ───────────────────────────────────────────────────────────────────────
    def checkpoint(self) -> None:
        """Fold what the session committed into the working copy's file, which frees the memory DuckDB
        holds for it until then: committed rows and the undo of the rows they replaced, outside what it
        can spill (a large streaming load's). Nothing is published by it; but the session's change
        log then holds only what came after, so the publish keeps no log for the spare
        (warehouse/publish.py), and the next session brings the spare up to date block by block."""
        self.con.execute("CHECKPOINT")
        self.checkpointed = True

    def lean(self, memory_limit: str) -> None:
        """Keep a streaming load's session small for the rest of it: DuckDB's memory capped at
        `memory_limit` (beyond it, it spills to disk), one thread, and memory DuckDB frees handed
        back to the system as it goes (its allocator otherwise keeps it). Arrow's allocations in this
        process go to the system allocator from here on (Arrow's default jemalloc pool keeps what it
        frees: 8–10 MiB of a 100,000-row inbox file's peak, issue 12); buffers already allocated stay
        with the pool that made them."""
        for name in ("set_memory_limit", "set_one_thread", "free_memory_in_background"):
            execute(self.con, "load.sql", name, {"memory_limit": memory_limit})
        pa.set_memory_pool(pa.system_memory_pool())

    def fetch(self, sql_file: str, name: str, params: Mapping[str, object] | None = None) -> list[tuple]:
        """Run one named statement of `sql_file` (given the `params` it names); its rows, if any."""
        execute(self.con, sql_file, name, params)
        try:
            return self.con.fetchall()
        except duckdb.InvalidInputException:  # statements without a result set
            return []

    def _run(self, name: str, params: Mapping[str, object] | None = None) -> list[tuple]:
        return self.fetch("load.sql", name, params)

    def _load(
        self,
        incoming: Mapping[str, pa.Table],
        steps: Sequence[str],
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.run_statements("load.sql", incoming, steps, params)

    def run_statements(
        self,
        sql_file: str,
        incoming: Mapping[str, pa.Table],
        steps: Sequence[str],
        params: Mapping[str, object] | None = None,
    ) -> None:
        """Register the Arrow tables, run the named statements of `sql_file` in one transaction
        (each given the `params` it names), unregister. The load of every warehouse module."""
        with self.transaction(incoming):
            for step in steps:
                execute(self.con, sql_file, step, params)

    @contextmanager
    def transaction(self, incoming: Mapping[str, pa.Table]) -> Iterator[None]:
        """The block in one transaction (rolled back if it raises), with the Arrow tables registered."""
        with self.registered(incoming):
            self.con.begin()
            try:
                yield
                self.con.commit()
            except BaseException:
                self.con.rollback()
                raise

    @contextmanager
    def registered(self, tables: Mapping[str, pa.Table]) -> Iterator[None]:
        """The Arrow tables readable by SQL under their names for the block, unregistered after."""
        for view_name, table in tables.items():
            self.con.register(view_name, table)
        try:
            yield
        finally:
            for view_name in tables:
                self.con.unregister(view_name)

    # ── runs, settings, reference data ─────────────────────────────────────────────────
    def begin_run(
        self, run_id: str, flow: str, params: Mapping[str, object], settings: Mapping[str, object], *,
        window_from: date | None = None, window_to: date | None = None, parent_run_id: str | None = None,
    ) -> None:
        """Record a run as started (status "running"). Beginning a run_id again restarts its row.
        `window_from`/`window_to`: the issue dates the run crawled (None = open); `parent_run_id`:
        the backfill a window's run belongs to."""
        self._load({}, ["delete_run", "insert_run"], {
            "run_id": run_id, "flow": flow,
            "params": json.dumps(params, ensure_ascii=False, default=str),
            "settings": json.dumps(settings, ensure_ascii=False, default=str),
            "window_from": window_from, "window_to": window_to, "parent_run_id": parent_run_id,
        })

    def finish_run(self, run_id: str, status: str, message: str | None = None) -> None:
        updated = self._run("finish_run", {"run_id": run_id, "status": status, "message": message})
        if not updated or updated[0][0] == 0:
            raise KeyError(f"run {run_id!r} was never begun: call begin_run first")

    def record_source_stats(self, run_id: str, source: str, stats: Mapping[str, object]) -> None:
        """Per-source figures of a run. Known figures get their own column, `seconds` (a dict
        of seconds per stage) is JSON, anything else lands in `extra` (JSON)."""
        figures = {key: stats.get(key) for key in RUN_SOURCE_FIGURES}
        extra = {k: v for k, v in stats.items() if k not in RUN_SOURCE_FIGURES and k != "seconds"}
        self._load({}, ["delete_run_source", "insert_run_source"], {
            "run_id": run_id, "source": source, **figures,
            "seconds": json.dumps(stats.get("seconds") or {}),
            "extra": json.dumps(extra, ensure_ascii=False, default=str) if extra else None,
        })

    def set_settings(self, settings: Mapping[str, object]) -> None:
        """Write the counting rules in force (window_start, window_end, as_of, count_drafter,
        group_count_by, region, ...) to ref.setting; keys not given keep their value."""
        for key, allowed in COUNTING_CHOICES.items():
            if key in settings and settings[key] not in allowed:
                raise ValueError(f"setting {key}={settings[key]!r}: expected one of {sorted(allowed)}")
        if settings.get("group_count_by") == "publisher":
            raise ValueError(
                "setting group_count_by='publisher' cannot be applied yet: StandardRecord carries no publisher "
                "(发布单位) for group standards; use 'drafter'"
            )
        table = pa.table({
            "key": pa.array(list(settings), pa.string()),
            "value": pa.array([_setting_text(v) for v in settings.values()], pa.string()),
        })
        self._load({"incoming_setting": table}, ["delete_settings", "insert_settings"])

    def load_districts(
        self,
        rows: Iterable[Mapping[str, object]],
        *,
        region_code: str,
        unknown_code: str | None = None,
        unknown_name: str = "区县未知",
    ) -> None:
        """Replace the region's districts with `rows` (columns of districts.csv; `aliases` a
        list or a "|"-separated string) plus the "district unknown" row."""
        rows = list(rows)
        codes = [str(r["district_code"]) for r in rows] + [unknown_code or f"{region_code}00"]
        table = pa.table({
            "district_code": pa.array(codes, pa.string()),
            "district_name": pa.array([str(r["district_name"]) for r in rows] + [unknown_name], pa.string()),
            "kind": pa.array([str(r["kind"]) for r in rows] + ["unknown"], pa.string()),
            "aliases": pa.array([_aliases(r.get("aliases")) for r in rows] + [[]], TEXT_LIST),
            "region_code": pa.array([region_code] * len(codes), pa.string()),
        })
        self._load({"incoming_district": table}, ["delete_region_districts", "insert_districts"],
                   {"region_code": region_code})

    def load_measures(self, measures: Iterable[MeasureLike]) -> None:
        """Make `measures` (a region's indicators.csv) the rows of ref.measure."""
        measures = list(measures)
        table = pa.table({
            "indicator_id": pa.array([m.indicator_id for m in measures], pa.string()),
            "ordinal": pa.array([m.ordinal for m in measures], pa.int32()),
            "label": pa.array([m.label for m in measures], pa.string()),
            "method": pa.array([m.method for m in measures], pa.string()),
            "source_view": pa.array([m.source_view for m in measures], pa.string()),
            "std_types": pa.array([list(m.std_types) if m.std_types else None for m in measures], TEXT_LIST),
            "aggregate": pa.array([m.aggregate for m in measures], pa.string()),
            "sources": pa.array([list(m.sources) for m in measures], TEXT_LIST),
            "waits_for": pa.array([m.waits_for for m in measures], pa.string()),
            "settings": pa.array([m.settings for m in measures], pa.string()),
            "rule_zh": pa.array([m.rule_zh for m in measures], pa.string()),
            "rule_en": pa.array([m.rule_en for m in measures], pa.string()),
            "unit": pa.array([m.unit for m in measures], pa.string()),
            "comparator": pa.array([m.comparator for m in measures], pa.string()),
            "target": pa.array([m.target for m in measures], pa.float64()),
            "deadline_year": pa.array([m.deadline_year for m in measures], pa.int32()),
        })
        self._load({"incoming_measure": table}, ["delete_measures", "insert_measures"])

    def load_region(self, region: RegionLike) -> None:
        """Load a region's districts and its plan's measures (transform.region.Region: `code`,
        `districts` with code/name/kind/aliases, `unknown_district_code/name`, `measures`)."""
        self.load_districts(
            ({"district_code": d.code, "district_name": d.name, "kind": d.kind, "aliases": d.aliases}
             for d in region.districts),
            region_code=region.code,
            unknown_code=region.unknown_district_code,
            unknown_name=region.unknown_district_name,
        )
        self.load_measures(region.measures)

    # ── the archive index ─────────────────────────────────────────────────────────────
    def record_responses(self, rows: Sequence[Mapping[str, object]]) -> None:
        """Index archived responses (the columns of raw.response). Idempotent on response_id."""
        known = set(RESPONSE_SCHEMA.names)
        for row in rows:
            unknown, missing = set(row) - known, _RESPONSE_REQUIRED - set(row)
            if unknown or missing:
                raise ValueError(
                    f"archive index row {row.get('response_id')!r}: unknown columns {sorted(unknown)}, "
                    f"missing {sorted(missing)}; raw.response has {RESPONSE_SCHEMA.names}"
                )
        table = pa.Table.from_pylist([dict(row) for row in rows], schema=RESPONSE_SCHEMA)
        table = table.append_column("batch_order", pa.array(range(len(rows)), pa.int64()))
        self._load({"incoming_response": table}, ["insert_responses", "note_responses"])

    def indexed_warc_paths(self) -> set[str]:
        """The WARC files (archive-relative paths) raw.response already indexes."""
        return {row[0] for row in self._run("select_indexed_warc_paths")}

    def flag_spam(self, terms_by_response: Mapping[str, Sequence[str]]) -> None:
        """Mark archived responses whose page carried injected spam, with the terms found."""
        if not terms_by_response:
            return  # most sources, most nights: a statement per source for nothing
        table = pa.table({
            "response_id": pa.array(list(terms_by_response), pa.string()),
            "spam_terms": pa.array([list(t) for t in terms_by_response.values()], TEXT_LIST),
        })
        self._load({"incoming_spam": table}, ["flag_spam"])

    # ── standards ─────────────────────────────────────────────────────────────────────
    def merge_standards(self, records: Sequence[StandardRecord], run_id: str) -> MergeCounts:
        """Upsert standards as their sources saw them (see `merge_standard_table`)."""
        return self.merge_standard_table(standard_table(records), run_id)

    def merge_standard_table(self, table: pa.Table, run_id: str) -> MergeCounts:
        """Upsert standards given as an Arrow table of STANDARD_SCHEMA, then re-resolve the canonical
        rows of those more than one source lists.

        Drafter keys are computed once per distinct name of the records to write, everything else
        in SQL, set at a time (sql/load.sql): `decide_standards` keys the business fields (a 64-bit
        hash(), compared with the held version's stored `content_key` by one join on (std_no,
        source)) and decides each record's change; its columns join the Arrow table, and the
        statements after it read the records straight from Arrow: status history on first sight or
        a change, upsert core.standard_source, and rank the canonical row (core.standard_resolved)
        of every standard that more than one source lists and a source inserted or updated. A
        standard only one source lists is that source's row (core.standard is a view, migration
        013). An unchanged record costs its key and a sighting (last_seen_run/at). One transaction.
        """
        missing = [name for name in STANDARD_SCHEMA.names if name not in table.column_names]
        if missing:
            raise ValueError(f"standards table lacks the columns {missing}: give every column of "
                             "warehouse.load.STANDARD_SCHEMA (standard_table(records) builds one)")
        table = table.select(STANDARD_SCHEMA.names).cast(STANDARD_SCHEMA)
        order = pa.array(range(table.num_rows), pa.int64())
        table = table.append_column("batch_order", _chunked_like(table, order))
        params = {"run_id": run_id}
        self._rekey_if_needed()
        with self.transaction({"incoming_standard": table}):
            decided = relation(self.con, "load.sql", "decide_standards", params).to_arrow_table()
            for column in decided.column_names:
                table = table.append_column(column, _chunked_like(table, decided.column(column)))
            parts = _merge_tables(table)
            changed = parts["changed_standard"]  # only the records written need their drafters' keys
            parts["changed_standard"] = changed.append_column(
                "drafter_keys", _chunked_like(changed, self._drafter_keys(changed.column("drafters"))))
            with self.registered(parts):
                for step, part in MERGE_STEPS:
                    if parts[part].num_rows:
                        execute(self.con, "load.sql", step, params)
        return _merge_counts(table)

    def _rekey_if_needed(self) -> None:
        """The stored content keys computed again when a DuckDB other than the one that stored them
        runs the merge (its hash() may differ, and then every held record would compare as changed):
        once per DuckDB version, checked once per session."""
        if self._keys_current:
            return
        [(current,)] = self._run("content_keys_current")
        if not current:
            self._load({}, ["rekey_standard_sources"])
        self._keys_current = True

    def _drafter_keys(self, drafters: pa.ChunkedArray) -> pa.Array:
        """The organisation key of every drafter, `org_key` called once per distinct name."""
        import pyarrow.compute as pc  # here: importing it costs every command a fifth of a second

        lists = drafters.combine_chunks() if drafters.num_chunks != 1 else drafters.chunk(0)
        names = pc.dictionary_encode(lists.values)  # each distinct name once, and where each one is
        keys = pa.array([self.org_key(name) for name in names.dictionary.to_pylist()], pa.string())
        return pa.ListArray.from_arrays(lists.offsets, keys.take(names.indices), mask=lists.is_null())

    def record_rejects(self, rejects: Sequence[Reject], run_id: str) -> None:
        if not rejects:
            return
        table = pa.table({
            "run_id": pa.array([run_id] * len(rejects), pa.string()),
            "source": pa.array([r.source for r in rejects], pa.string()),
            "reason": pa.array([r.reason for r in rejects], pa.string()),
            "detail": pa.array([r.detail for r in rejects], pa.string()),
            "url": pa.array([r.url for r in rejects], pa.string()),
            "response_id": pa.array([r.response_id for r in rejects], pa.string()),
        })
        self._load({"incoming_reject": table}, ["insert_rejects"])

    def rejects(self, run_id: str | None = None) -> list[Reject]:
        """The rejects of one run (or of all runs)."""
        return [Reject(*row) for row in self._run("select_rejects", {"run_id": run_id})]

    # ── organisations ─────────────────────────────────────────────────────────────────
    def replace_org_evidence(self, origin_prefix: str, evidence: Sequence[OrgEvidence]) -> None:
        """Re-import one file (or any origin prefix): its earlier rows go, these replace them."""
        if not origin_prefix:
            raise ValueError("origin_prefix must not be empty: it would replace the whole register")
        outside = [e.origin for e in evidence if not (e.origin or "").startswith(origin_prefix)]
        if outside:
            raise ValueError(f"evidence origins {outside[:3]} do not start with {origin_prefix!r}")
        self._load({"incoming_evidence": self._evidence_table(evidence)},
                   ["delete_org_evidence_by_origin", "insert_new_org_evidence"],
                   {"origin_prefix": origin_prefix})

    def add_org_evidence(self, evidence: Sequence[OrgEvidence]) -> None:
        """Add evidence seen by a crawl; evidence already held is not added twice."""
        self._load({"incoming_evidence": self._evidence_table(evidence)}, ["insert_new_org_evidence"])

    def _evidence_table(self, evidence: Sequence[OrgEvidence]) -> pa.Table:
        def prov(e: OrgEvidence, field: str):
            return getattr(e.provenance, field) if e.provenance else None

        return pa.table({
            "org_key": pa.array([self.org_key(e.name) for e in evidence], pa.string()),
            "name": pa.array([e.name for e in evidence], pa.string()),
            "source": pa.array([e.source for e in evidence], pa.string()),
            "uscc": pa.array([e.uscc for e in evidence], pa.string()),
            "address": pa.array([e.address for e in evidence], pa.string()),
            "division": pa.array([e.division for e in evidence], pa.string()),
            "origin": pa.array([e.origin for e in evidence], pa.string()),
            "provenance_source": pa.array([prov(e, "source") for e in evidence], pa.string()),
            "url": pa.array([prov(e, "url") for e in evidence], pa.string()),
            "fetched_at": pa.array([prov(e, "fetched_at") for e in evidence], UTC_TIMESTAMP),
            "response_id": pa.array([prov(e, "response_id") for e in evidence], pa.string()),
            "sha256": pa.array([prov(e, "sha256") for e in evidence], pa.string()),
        })

    def org_evidence(self) -> list[OrgEvidence]:
        """The whole organisation register, as the records it was loaded from, each distinct piece
        of evidence once (its first record: repeats would tell the attribution nothing new)."""
        return evidence_records(self.fetch("read.sql", "org_evidence"))

    def org_evidence_fingerprint(self) -> str:
        """A fingerprint of the whole register (every row, repeats too; not when each was loaded)."""
        return self.fetch("read.sql", "org_evidence_fingerprint")[0][0]

    def attributed_from(self) -> str | None:
        """The fingerprint of the inputs core.org was attributed from (`record_attribution_inputs`);
        None when unknown, or when core.org was written since without one."""
        rows = self._run("attribution_inputs")
        return rows[0][0] if rows else None

    def record_attribution_inputs(self, fingerprint: str) -> None:
        """Note that core.org now holds the attributions of the inputs `fingerprint` stands for."""
        self._run("record_attribution_inputs", {"fingerprint": fingerprint})

    def drafting_orgs(self, unattributed_only: bool = False) -> list[str]:
        """Distinct drafter names to attribute (all of them: core.org is replaced whenever a run
        attributes; or only those whose key has no attribution yet)."""
        name = "select_unattributed_drafting_orgs" if unattributed_only else "select_drafting_orgs"
        return [row[0] for row in self._run(name)]

    def replace_org_attributions(self, rows: Sequence[tuple[str | None, str, Attribution]], *,
                                 replace: bool = True) -> None:
        """Replace core.org (one row per org_key) and core.org_name (each name given → its key)
        with these attributions. Drafters find their organisation by their name as listed, so
        give one row per name of `drafting_orgs()`. An org_key of None is computed from the
        name with this session's key function. `replace=False` adds them to what is there (the
        next batch of one replacement: all the names of a key must come in the same batch)."""
        keys = [key if key is not None else self.org_key(name) for key, name, _ in rows]
        attributions = [a for _, _, a in rows]
        table = pa.table({
            "org_key": pa.array(keys, pa.string()),
            "name": pa.array([name for _, name, _ in rows], pa.string()),
            "uscc_valid": pa.array([a.uscc_valid for a in attributions], pa.bool_()),
            "in_region": pa.array([a.in_region for a in attributions], pa.bool_()),
            "district_code": pa.array([a.district_code for a in attributions], pa.string()),
            "district_name": pa.array([a.district_name for a in attributions], pa.string()),
            "method": pa.array([a.method for a in attributions], pa.string()),
            "confidence": pa.array([a.confidence for a in attributions], pa.float64()),
            "conflict": pa.array([a.conflict for a in attributions], pa.string()),
            "evidence": pa.array([list(a.evidence) for a in attributions], TEXT_LIST),
            "needs_review": pa.array([a.needs_review for a in attributions], pa.bool_()),
            "batch_order": pa.array(range(len(rows)), pa.int64()),
        })
        steps = ["delete_orgs", "delete_org_names"] if replace else []
        self._load({"incoming_org": table}, ["forget_attribution_inputs", *steps, "insert_orgs", "insert_org_names"])

    # ── watermarks and marts ──────────────────────────────────────────────────────────
    def get_watermark(self, source: str, key: str) -> str | None:
        rows = self._run("get_watermark", {"source": source, "key": key})
        return rows[0][0] if rows else None

    def set_watermark(self, source: str, key: str, value: str, run_id: str) -> None:
        self._run("set_watermark", {"source": source, "key": key, "value": value, "run_id": run_id})


class StandardRows(Sequence[StandardRecord]):
    """Standards held as their Arrow table of STANDARD_SCHEMA, read as a sequence of StandardRecords.

    What a reprocess worker process sends back instead of the records (flows/reparse_pool.py): the
    merge needs this table anyway, and a table crosses the process boundary as Arrow buffers — for
    samr at size 10,000 (5,934 standards) 0.003 s to unpickle against 0.13 s for the records, plus
    the 0.15 s `standard_table` would spend on them in the loading process. Reading an item builds
    its record again; `drafter_people` is not in the table (the warehouse never loads personal
    data), so it reads empty."""

    __slots__ = ("table",)

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    @classmethod
    def of(cls, records: Sequence[StandardRecord]) -> StandardRows:
        return cls(standard_table(records))  # a StandardRows' own table is not built again

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, index):
        if isinstance(index, slice):  # one take and one conversion, not a table slice per row
            rows = self.table.take(list(range(*index.indices(len(self))))).to_pylist()
            return [_standard_record(row) for row in rows]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return _standard_record(self.table.slice(index % len(self), 1).to_pylist()[0])

    def __iter__(self) -> Iterator[StandardRecord]:
        for batch in self.table.to_batches(max_chunksize=4096):
            yield from map(_standard_record, batch.to_pylist())

    def __repr__(self) -> str:
        return f"StandardRows({len(self)} standards)"


def _standard_record(row: dict) -> StandardRecord:
    url, response_id, fetched_at, sha256 = (row.pop(k) for k in ("url", "response_id", "fetched_at", "sha256"))
    return StandardRecord(**row, provenance=Provenance(row["source"], url, fetched_at, response_id, sha256))


def standard_table(records: Sequence[StandardRecord]) -> pa.Table:
    """StandardRecords as an Arrow table of STANDARD_SCHEMA, column by column (a StandardRows' own)."""
    if isinstance(records, StandardRows):
        return records.table
    return arrow_table(STANDARD_SCHEMA, [
        (
            r.std_no, r.source, r.source_id, r.std_no_raw, r.std_type, r.prefix, r.year, r.name, r.status,
            r.issue_date, r.act_date, r.abolish_date, list(r.replaces), r.is_revision,
            list(r.drafters), r.drafters_known, r.committee_code, r.committee_name, r.detail_url,
            r.input_time, r.spam, r.provenance.url, r.provenance.response_id, r.provenance.fetched_at,
            r.provenance.sha256,
        )
        for r in records
    ])


def _merge_tables(batch: pa.Table) -> dict[str, pa.Table]:
    """The decided batch split by what the merge does with each record (sql/load.sql, "standards"),
    so that no statement filters the whole batch again."""
    import pyarrow.compute as pc  # here, as in _drafter_keys: a fifth of a second for every command

    change = batch.column("change")
    changed = _where(batch, pc.is_in(change, pa.array(["inserted", "updated"])))
    return {
        "changed_standard": changed,
        "shared_standard": _where(changed.select(["std_no"]), changed.column("shared")),
        "replaced_standard": _where(batch.select(["held_row"]), pc.equal(change, "updated")),
        "seen_standard": _where(batch.select(["held_row", "last_seen_at"]),
                                pc.is_in(change, pa.array(["unchanged", "stale"]))),
    }


def _chunked_like(table: pa.Table, column: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """`column` cut where the columns of `table` are cut into chunks (slices of one array, no copy
    but of a column that came in other chunks), so that every column of the batch has the same
    chunks: DuckDB scans an Arrow table whose columns are chunked differently in smaller pieces, and
    inserting 1 M merged standards took 6.7 s instead of 3.7 (docs/benchmarks.md)."""
    whole = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    pieces, start = [], 0
    for chunk in table.column(0).chunks:
        pieces.append(whole.slice(start, len(chunk)))
        start += len(chunk)
    return pa.chunked_array(pieces, type=whole.type)


def _where(table: pa.Table, mask: pa.ChunkedArray) -> pa.Table:
    """The rows of `table` where `mask` is true; the table itself when that is every row (no copy)."""
    import pyarrow.compute as pc

    if pc.sum(mask).as_py() == table.num_rows:
        return table
    return table.filter(mask)


def _merge_counts(staged: pa.Table) -> MergeCounts:
    """The counts of a merge from its decided batch: a record without a change was a duplicate."""
    import pyarrow.compute as pc  # here, as in _drafter_keys: a fifth of a second for every command

    change = staged.column("change")
    counts = {row["values"]: row["counts"] for row in pc.value_counts(change).to_pylist()}
    updated = pc.filter(staged.column("std_no"), pc.equal(change, "updated"))
    return MergeCounts(
        counts.get("inserted", 0), counts.get("updated", 0), counts.get("unchanged", 0),
        duplicates=counts.get(None, 0), stale=counts.get("stale", 0),
        updated_std_nos=tuple(sorted(updated.to_pylist())),
    )


def arrow_table(schema: pa.Schema, rows: Sequence[tuple]) -> pa.Table:
    """An Arrow table of `schema` from row tuples in its column order, built column by column."""
    columns = zip(*rows, strict=True) if rows else [[] for _ in schema]
    return pa.table([pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)


def _setting_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _aliases(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [a for a in value.split("|") if a]
    return [str(a) for a in value]


def evidence_records(rows: Iterable[tuple]) -> list[OrgEvidence]:
    """OrgEvidence from rows of (name, source, uscc, address, division, origin, provenance_source,
    url, fetched_at, response_id, sha256)."""
    evidence = []
    for name, source, uscc, address, division, origin, p_source, url, fetched_at, response_id, sha256 in rows:
        provenance = Provenance(p_source, url, fetched_at, response_id, sha256) if p_source is not None else None
        evidence.append(OrgEvidence(name, source, uscc, address, division, provenance, origin))
    return evidence
