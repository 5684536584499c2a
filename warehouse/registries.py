"""Loads for the registries beyond standards: technical committees and group-standard publishers.

Same rules as `warehouse/load.py`: Arrow tables in, named statements of
`sql/registries.sql` out, one transaction per load, counts of what changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

import pyarrow as pa

from transform.records import CommitteeRecord
from warehouse.load import UTC_TIMESTAMP, MergeCounts, WriteSession

_SQL = "registries.sql"
COMMITTEE_SCHEMA = pa.schema([
    ("code", pa.string()), ("name", pa.string()), ("kind", pa.string()),
    ("secretariat_unit", pa.string()), ("address", pa.string()), ("province", pa.string()),
    ("established", pa.date32()), ("spam", pa.bool_()), ("source", pa.string()), ("url", pa.string()),
    ("response_id", pa.string()), ("fetched_at", UTC_TIMESTAMP), ("sha256", pa.string()), ("content_hash", pa.string()),
])


def _committee_hash(c: CommitteeRecord) -> str:
    """Business fields only: re-fetching an unchanged page counts as unchanged."""
    business = [c.name, c.kind, c.secretariat_unit, c.address, c.province,
                c.established.isoformat() if c.established else None, c.spam]
    return hashlib.sha256(json.dumps(business, ensure_ascii=False).encode()).hexdigest()


def merge_committees(w: WriteSession, committees: Iterable[CommitteeRecord], run_id: str) -> MergeCounts:
    """Upsert committees by code (the last record of a code in the batch wins)."""
    committees = list(committees)
    latest: dict[str, CommitteeRecord] = {}
    for c in committees:
        latest[c.code] = c
    rows = list(latest.values())
    table = pa.Table.from_pylist(
        [
            {
                "code": c.code, "name": c.name, "kind": c.kind, "secretariat_unit": c.secretariat_unit,
                "address": c.address, "province": c.province, "established": c.established, "spam": c.spam,
                "source": c.provenance.source, "url": c.provenance.url, "response_id": c.provenance.response_id,
                "fetched_at": c.provenance.fetched_at, "sha256": c.provenance.sha256,
                "content_hash": _committee_hash(c),
            }
            for c in rows
        ],
        schema=COMMITTEE_SCHEMA,
    )
    with w.transaction({"incoming_committee": table}):
        inserted, updated, unchanged = w.fetch(_SQL, "committee_changes")[0]
        w.fetch(_SQL, "upsert_committees", {"run_id": run_id})
    return MergeCounts(inserted=inserted, updated=updated, unchanged=unchanged,
                       duplicates=len(committees) - len(rows))


def load_group_publishers(w: WriteSession, source: str, publishers: Mapping[str, str],
                          response_ids: Mapping[str, str] | None = None) -> None:
    """Record the publishing association of each group standard (std_no → 团体名称)."""
    if not publishers:
        return
    table = pa.table({
        "std_no": pa.array(list(publishers), pa.string()),
        "source": pa.array([source] * len(publishers), pa.string()),
        "publisher": pa.array(list(publishers.values()), pa.string()),
        "response_id": pa.array([(response_ids or {}).get(k) for k in publishers], pa.string()),
    })
    w.run_statements(_SQL, {"incoming_group_publisher": table}, ["upsert_group_publishers"])


def registry_orgs(w: WriteSession) -> list[str]:
    """Committee secretariats and group-standard publishers: organisations to attribute besides drafters."""
    return [row[0] for row in w.fetch(_SQL, "secretariat_orgs")]
