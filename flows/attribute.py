"""The attribution job: the organisation register and reviewed overrides a run reads, and every
organisation placed in its district inside the write session."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from itertools import groupby
from operator import itemgetter
from collections.abc import Mapping
from pathlib import Path

from extract.sources.inbox import read_rows
from flows.settings import Settings
from transform.attribution import Register, load_region, resolve
from transform.orgs import normalize_org_name
from transform.parsers.inbox import parse_org_register
from transform.records import Attribution, OrgEvidence, Reject
from warehouse import events as event_store
from warehouse.load import WriteSession
from warehouse.registries import registry_orgs

# Organisations attributed and written to core.org at a time (attribute_all): memory stays flat.
ATTRIBUTION_BATCH = 2000


# -- organisation register and attribution -------------------------------------------------------


def read_org_register(settings: Settings) -> tuple[dict[str, list[OrgEvidence]], list[Reject]]:
    """The organisation register files, per file: {origin prefix: evidence}. A re-read file replaces its rows."""
    by_file: dict[str, list[OrgEvidence]] = {}
    rejects: list[Reject] = []
    for path in settings.org_mapping_files:
        rows_evidence, rows_rejects = parse_org_register(read_rows(Path(path)))
        by_file[f"{Path(path).name}#"] = rows_evidence
        rejects.extend(rows_rejects)
    return by_file, rejects


def read_overrides(settings: Settings) -> dict[str, str]:
    """Reviewed overrides: organisation name → district name/code, or 区外 / outside. The override_file,
    then the rows imported from review sheets (`stdwatch review import`), which win."""
    overrides: dict[str, str] = {}
    reviewed = settings.reviewed_overrides_path
    for path in (settings.override_file, reviewed if reviewed.is_file() else None):
        if path is None:
            continue
        for row in read_rows(Path(path)):
            name = row.values.get("机构名称") or row.values.get("name")
            district = row.values.get("区县") or row.values.get("district")
            if name and district:
                overrides[normalize_org_name(name)] = district.strip()
    return overrides


def attribute_all(w, settings: Settings, overrides: dict[str, str]) -> Register:
    """Re-attribute every organisation the warehouse counts by — drafters, committee secretariats,
    group-standard publishers — from the whole register, replacing core.org. Written
    ATTRIBUTION_BATCH names at a time (a 100,000-row inbox file names some 20,000), every name of
    one organisation key in the same batch (core.org keeps one row per key). Returns the register
    read, for the events' attribution that follows (`attribute_events(..., register=)`).

    Skipped when core.org was attributed from these very inputs (`attribution_inputs`: the names,
    the register, the overrides, the region's folder and the code that attributes): it would write
    the same rows again. A reprocess that changes nothing, or a night that brings no new drafter
    and no new evidence, saves the 2,000-odd resolutions and the rewrite (0.23–0.3 s at size
    10,000)."""
    keyed = sorted((normalize_org_name(name), name) for name in set(w.drafting_orgs()) | set(registry_orgs(w)))
    region, register = load_region(settings.region), Register.from_evidence(w.org_evidence())
    inputs = attribution_inputs(keyed, w.org_evidence_fingerprint(), overrides, region.digest)
    if w.attributed_from() == inputs:
        return register
    rows: list[tuple[str, str, Attribution]] = []
    first = True
    for _, names in groupby(keyed, key=itemgetter(0)):
        rows += [(key, name, resolve(region, name=name, register=register, overrides=overrides)) for key, name in names]
        if len(rows) >= ATTRIBUTION_BATCH:
            w.replace_org_attributions(rows, replace=first)
            rows, first = [], False
    if rows or first:
        w.replace_org_attributions(rows, replace=first)
    w.record_attribution_inputs(inputs)
    return register


def attribution_inputs(keyed: list[tuple[str, str]], evidence: str, overrides: Mapping[str, str],
                       region_digest: str) -> str:
    """A fingerprint of everything core.org's attributions are made from: the (key, name) pairs to
    attribute, the register's fingerprint (`WriteSession.org_evidence_fingerprint`), the reviewed
    overrides, the region's folder as the Region in use read it (`Region.digest`: not the folder as
    it is now, which a long-lived process's cached Region may no longer match), and the code
    (`_attribution_code`)."""
    digest = hashlib.sha256(_attribution_code().encode())
    digest.update(f"\0{region_digest}\0{evidence}\0".encode())
    digest.update(json.dumps(sorted(overrides.items()), ensure_ascii=False).encode())
    digest.update(json.dumps(keyed, ensure_ascii=False).encode())
    return digest.hexdigest()


@cache
def _attribution_code() -> str:
    """A fingerprint of the code that attributes and writes core.org: the transform package, this
    module, warehouse/load.py and its SQL, and the migrations there are."""
    import transform
    import warehouse

    transform_dir, warehouse_dir = Path(transform.__file__).parent, Path(warehouse.__file__).parent
    files = [*sorted(transform_dir.glob("*.py")), Path(__file__), warehouse_dir / "load.py",
             warehouse_dir / "sql" / "load.sql"]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    digest.update("\n".join(sorted(p.name for p in (warehouse_dir / "migrations").glob("*.sql"))).encode())
    return digest.hexdigest()


def attribute_events(w: WriteSession, settings: Settings, overrides: Mapping[str, str], *,
                     register: Register | None = None) -> int:
    """Re-attribute every event's organisation (the list's 地区 cell first, then the register as it
    now stands, then the name), the way drafting organisations are attributed, then hand the
    counted events to the progress measures (`warehouse.events.publish_indicator_events`).
    `register`: the register as it stands, when the caller has just read it (not read twice).
    Returns the number of events."""
    region = load_region(settings.region)
    register = Register.from_evidence(w.org_evidence()) if register is None else register
    rows = []
    cache: dict[tuple, object] = {}
    for event_id, org, name, division in event_store.event_orgs(w):
        key = (org or name, division)
        if key not in cache:
            cache[key] = resolve(region, name=org or name, division=division, register=register, overrides=overrides)
        rows.append((event_id, cache[key]))
    event_store.set_event_attributions(w, rows)
    event_store.publish_indicator_events(w)
    return len(rows)
