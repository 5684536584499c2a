"""District attribution: which of the region's districts an organisation is in, and how we know.

Evidence is read level by level; the first level that places the organisation (a
district, or outside the region) wins:

  0 override       a reviewed decision, by normalized name              confidence 1.0
  1 division_field an explicit 行政区划 code or name                      0.98
  2 address        names a district or county-level city                 0.95
    gazetteer      names a town or street of the region                  0.9
  3 uscc           a valid credit code's division code (chars 3–8)       0.85
                   … when it is the only evidence of the district          0.8
  4 name           names a district (0.75); starts with another place (0.6)

A credit code names the authority the organisation registered with, not its address:
placed by the code alone, the answer says so (`reason` credit_code_only, lower
confidence). A code registered with the province itself (division 320000 for 江苏省)
says only "somewhere in the province": it never puts an organisation outside the region,
and with nothing else it is left unplaced (`reason` province_level_code).

Town names shared with another city (周庄镇 is also in 江阴市, 练塘镇 in 上海市青浦区;
the gazetteer's `shared_with` column) place nobody on their own: an address that names
another city is outside, one that names the region or a district is placed by that name,
and a bare shared name is placed only when other evidence (credit code, name) puts the
organisation in the region (confidence 0.8); otherwise it is unsure (`reason`
ambiguous_town) and goes to review.

A level that only says "in the region" (苏州市…, credit code 320500…) does not stop the
search for the district, and beats a lower level that says "outside". Every lower level
that disagrees with the deciding one is recorded in `conflict` and sends the
organisation to review. Nothing is guessed: an organisation no evidence places gets
`in_region=None`, and one known to be in the region but not where gets no district.

Most organisations arrive as a bare name, so a `Register` built from every source that
carries identity (enterprise standards with credit code and 行政区划, committee and notice
addresses, analysts' mappings) lends its evidence to a name or credit code it knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transform.orgs import normalize_org_name
from transform.records import Attribution, OrgEvidence
from transform.region import PROVINCES, District, Mention, Region, load_region, normalize_place_text
from transform.text import clean_text
from transform.uscc import division_code, explain_uscc, is_valid_uscc, normalize_uscc

__all__ = [
    "CONFIDENCE", "NAME_OUTSIDE_CONFIDENCE", "OUTSIDE", "AttributionError", "Register",
    "load_region", "resolve", "resolve_org",
]

CONFIDENCE: Mapping[str, float] = {
    "override": 1.0,
    "division_field": 0.98,
    "address": 0.95,
    "gazetteer": 0.9,
    "uscc": 0.85,
    "uscc_only": 0.8,
    "gazetteer_shared": 0.8,
    "name": 0.75,
}
# A name that starts with another city only suggests the organisation is based there.
NAME_OUTSIDE_CONFIDENCE = 0.6
OUTSIDE = "outside"

_DIVISION_CODE = re.compile(r"\d{6}(?:\d{3}){0,2}")
_RANK = {"override": 0, "division_field": 1, "address": 2, "gazetteer": 2, "uscc": 3, "name": 4}


class AttributionError(ValueError):
    """An override that names no district of the region."""


class Register:
    """Identity evidence about organisations, looked up by normalized name or valid credit code.

    Rows that carry nothing but a name are not kept: they cannot place anyone.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, list[OrgEvidence]] = {}
        self._by_uscc: dict[str, list[OrgEvidence]] = {}

    @classmethod
    def from_evidence(cls, evidence: Iterable[OrgEvidence]) -> Register:
        register = cls()
        for row in evidence:
            register.add(row)
        return register

    def add(self, row: OrgEvidence) -> None:
        if not (row.uscc or row.address or row.division):
            return
        self._by_name.setdefault(normalize_org_name(row.name), []).append(row)
        if row.uscc and is_valid_uscc(row.uscc):
            self._by_uscc.setdefault(normalize_uscc(row.uscc), []).append(row)

    def __len__(self) -> int:
        return sum(map(len, self._by_name.values()))

    def by_name(self, name: str) -> list[OrgEvidence]:
        return list(self._by_name.get(normalize_org_name(name), ()))

    def by_uscc(self, uscc: str) -> list[OrgEvidence]:
        """Rows with the same credit code; an invalid code matches nothing."""
        return list(self._by_uscc.get(normalize_uscc(uscc), ())) if is_valid_uscc(uscc) else []

    def lookup(self, *, name: str | None = None, uscc: str | None = None) -> list[OrgEvidence]:
        """Every row about the organisation: same normalized name, or same valid credit code
        (the given one, or one the name's rows carry, which also finds the rows of a former name).
        """
        rows = self.by_name(name) if name else []
        codes = [uscc] if uscc else []
        codes += [row.uscc for row in rows if row.uscc]
        for code in codes:
            rows += self.by_uscc(code)
        return list({id(row): row for row in rows}.values())


@dataclass(frozen=True)
class _Reading:
    """What one piece of evidence says about where the organisation is."""

    # None: not placing, only narrowing — a bare town name shared with another city (the
    # region's candidate in `district`), or a province-level credit code (no district).
    in_region: bool | None
    district: District | None  # None with in_region: in the region, district unknown
    says: str  # the claim, for conflict messages: "昆山市", "outside 苏州市 (上海市)"
    detail: str  # the reason, for the evidence line: "names 昆山市"
    by_gazetteer: bool = False  # placed by a town or street, not a district name
    reason: str | None = None  # why it does not place: city_level_code, province_level_code, ambiguous_town, ...


@dataclass(frozen=True)
class _Finding:
    rank: int
    method: str
    confidence: float
    reading: _Reading
    source: str  # "address", "credit code (register qybz)", ...
    evidence: str

    @property
    def places(self) -> bool:
        return self.reading.in_region is False or (self.reading.in_region is True and self.reading.district is not None)


def _placed(district: District, detail: str, by_gazetteer: bool = False) -> _Reading:
    return _Reading(True, district, district.name, detail, by_gazetteer)


def _in_region_only(region: Region, detail: str, reason: str = "region_only") -> _Reading:
    return _Reading(True, None, f"{region.name} (district unknown)", detail, reason=reason)


def _outside(region: Region, where: str, detail: str) -> _Reading:
    return _Reading(False, None, f"outside {region.name} ({where})", detail)


def _read_division_code(region: Region, code: str, lead: str) -> _Reading:
    """A 6-digit division code, current or historical; `lead` opens the evidence detail."""
    if code == region.code[:2] + "0000":
        return _Reading(None, None, f"{region.province} (district unknown)",
                        f"{lead} {code}: registered with the {region.province} authority — in the province, "
                        "no city or district", reason="province_level_code")
    entry = region.divisions.get(code)
    if entry is not None and entry.district is not None:
        renamed = f" {entry.name_as_coded}" if entry.name_as_coded != entry.district.name else ""
        return _placed(entry.district,
                       f"{lead} {code}{renamed} → {entry.district.name} ({entry.kind}, {entry.valid})")
    if entry is not None:
        return _in_region_only(region, f"{lead} {code} {entry.name_as_coded}: {entry.note}",
                               "city_level_code" if entry.kind == "prefecture" else "ambiguous_division")
    if code.startswith(region.code):
        return _in_region_only(region, f"{lead} {code}: in {region.name} but not in its division table",
                               "unknown_division")
    province = PROVINCES.get(code[:2], (f"province {code[:2]}",))[0]
    return _outside(region, province, f"{lead} {code}: outside {region.name} ({province})")


def _district_mentions(region: Region, text: str) -> tuple[list[Mention], list[Mention]]:
    """District and town mentions; a district alias inside a town of another district
    (虎丘 in 虎丘街道, which is in 姑苏区) is part of the town's name, not a district.
    """
    towns = region.town_mentions(text)
    districts = [
        m for m in region.district_mentions(text)
        if not any(t.start <= m.start and m.end <= t.end and t.place.district != m.place.district for t in towns)
    ]
    return districts, towns


def _read_division_field(region: Region, value: str) -> _Reading | None:
    """A 行政区划 field: a division code (a 9- or 12-digit town code by its first 6), or words."""
    if _DIVISION_CODE.fullmatch(value):
        return _read_division_code(region, value[:6], "is code" if len(value) == 6 else "starts with code")
    return _read_place(region, value)


def _read_place(region: Region, text: str) -> _Reading | None:
    """An address, or a 行政区划 written out in words."""
    foreign = region.foreign_place_at_start(text, own_province_counts=False)
    if foreign:
        return _outside(region, foreign, f"starts with {foreign}")
    districts, towns = _district_mentions(region, text)
    placing = [m for m in districts if m.place.district is not None]
    if placing:
        return _placed(placing[0].place.district, f"names {_mention_text(placing[0])}")
    own = [t.place for t in towns if not t.place.shared_with]
    if own:
        return _placed(own[0].district, f"names {own[0].name} in {own[0].district.name}", by_gazetteer=True)
    if towns:
        town = towns[0].place
        if mention := region.region_mention(text):
            return _placed(town.district, f"names {mention} and {town.name} in {town.district.name}", by_gazetteer=True)
        return _Reading(None, town.district, f"{town.name} ({town.district.name} or {town.shared_with})",
                        f"names {town.name}, which is in {town.district.name} but also {town.shared_with}: "
                        "not placed by itself", by_gazetteer=True, reason="ambiguous_town")
    if districts:
        return _in_region_only(region, f"names {districts[0].place.name}, which is no single district today")
    if mention := region.region_mention(text):
        return _in_region_only(region, f"names {mention} only")
    return None


def _read_name(region: Region, name: str) -> _Reading | None:
    text = normalize_place_text(name)
    districts, _ = _district_mentions(region, text)
    placing = [m for m in districts if m.place.district is not None]
    if placing:
        return _placed(placing[0].place.district, f"contains {_mention_text(placing[0])}")
    if districts:
        return _in_region_only(region, f"contains {districts[0].place.name}, which is no single district today")
    if mention := region.region_mention(text):
        return _in_region_only(region, f"contains {mention} only")
    if foreign := region.foreign_place_at_start(text, own_province_counts=True):
        return _outside(region, foreign, f"starts with {foreign}")
    return None


def _mention_text(mention: Mention) -> str:
    place = mention.place
    if place.kind == "former":
        return f"{mention.form} (former, now {place.district.name})"
    if mention.form != place.district.name:
        return f"{mention.form} → {place.district.name}"
    return mention.form


def _read_override(region: Region, value: str, name: str) -> _Reading:
    if value == OUTSIDE:
        return _outside(region, "override", f"→ outside {region.name}")
    if value == region.unknown_district_code:
        return _in_region_only(region, f"→ in {region.name}, district unknown")
    district = region.district_by_code(value) or region.district_by_name(value)
    if district is None:
        raise AttributionError(
            f"override for {name!r}: {value!r} is neither a district code or name of {region.name} "
            f"nor {OUTSIDE!r} nor {region.unknown_district_code!r} (in the region, district unknown)"
        )
    return _placed(district, f"→ {district.name}")


def _row_label(row: OrgEvidence, from_register: bool) -> str:
    where = row.origin or (row.provenance.url if row.provenance else None)
    if from_register:
        return f"register {row.source}" + (f" {where}" if where else "")
    return row.source + (f" {where}" if where else "")


def _findings(region: Region, rows: list[tuple[OrgEvidence, str | None]],
              overrides: Mapping[str, str] | None) -> tuple[list[_Finding], list[str], list[str]]:
    """Every reading of every row, best level first; the lines about unusable credit codes;
    and the valid credit codes seen.
    """
    findings: list[_Finding] = []
    invalid_lines: list[str] = []
    valid_codes: list[str] = []
    seen: set[tuple[str, str]] = set()

    def add(method: str, reading: _Reading | None, kind: str, value: str, label: str | None) -> None:
        if reading is None:
            return
        if reading.by_gazetteer and method == "address":
            method = "gazetteer"
        confidence = NAME_OUTSIDE_CONFIDENCE if method == "name" and reading.in_region is False else CONFIDENCE[method]
        source = kind + (f" ({label})" if label else "")
        prefix = f"{label}: " if label else ""
        findings.append(_Finding(_RANK[method], method, confidence, reading, source,
                                 f"{prefix}{kind} {value!r} {reading.detail}"))

    def first_time(level: str, value: str) -> bool:
        """Evidence repeated across rows (the same name in every row) is read once."""
        if (level, value) in seen:
            return False
        seen.add((level, value))
        return True

    for row, label in rows:
        name = clean_text(row.name)
        key = normalize_org_name(name)
        if overrides and key in overrides and first_time("override", key):
            add("override", _read_override(region, overrides[key], name), "override", name, None)
        if row.division and first_time("division", value := normalize_place_text(row.division)):
            add("division_field", _read_division_field(region, value), "division field",
                clean_text(row.division), label)
        if row.address and first_time("address", value := normalize_place_text(row.address)):
            add("address", _read_place(region, value), "address", clean_text(row.address), label)
        if row.uscc and first_time("uscc", code := normalize_uscc(row.uscc)):
            division = division_code(code)
            if division is None:
                invalid_lines.append((f"{label}: " if label else "") + f"{explain_uscc(row.uscc)}; not used")
            else:
                valid_codes.append(code)
                add("uscc", _read_division_code(region, division, "division"), "credit code", code, label)
        if key and first_time("name", key):
            add("name", _read_name(region, name), "name", name, label)
    findings.sort(key=lambda f: f.rank)
    return findings, invalid_lines, valid_codes


def _disagrees(used: _Finding, other: _Finding) -> bool:
    if other.reading.in_region is None:
        # A shared town name disagrees only with another district of the region; a
        # province-level code with nothing.
        return (used.reading.in_region is True and None not in (used.reading.district, other.reading.district)
                and used.reading.district != other.reading.district)
    if not used.reading.in_region:
        return other.reading.in_region
    if not other.reading.in_region:
        return True
    return other.reading.district is not None and other.reading.district != used.reading.district


def _attribute(region: Region, rows: list[tuple[OrgEvidence, str | None]],
               overrides: Mapping[str, str] | None) -> Attribution:
    findings, invalid_lines, valid_codes = _findings(region, rows, overrides)
    winner: _Finding | None = None
    region_only: _Finding | None = None
    narrowing: list[_Finding] = []  # shared town names, province-level codes
    conflicts: list[tuple[_Finding, _Finding]] = []  # (the finding used, the one that disagrees)
    for finding in findings:
        if finding.reading.in_region is None:
            narrowing.append(finding)
        if winner is not None:
            if _disagrees(winner, finding):
                conflicts.append((winner, finding))
        elif finding.places and not finding.reading.in_region and region_only is not None:
            conflicts.append((region_only, finding))
        elif finding.places:
            winner = finding
        elif region_only is None and finding.reading.in_region:
            region_only = finding

    evidence = [f.evidence for f in findings] + invalid_lines
    shared_town = next((f for f in narrowing if f.reading.district is not None), None)
    if winner is None and region_only is not None and shared_town is not None:
        # In the region by other evidence: the shared name can only be the region's own place.
        district = shared_town.reading.district
        evidence.append(f"{region_only.source} puts it in {region.name}, so the shared name is the one in {district.name}")
        winner = _Finding(shared_town.rank, "gazetteer", CONFIDENCE["gazetteer_shared"],
                          _placed(district, shared_town.reading.detail, by_gazetteer=True),
                          shared_town.source, shared_town.evidence)
    confidence = winner.confidence if winner else 0.0
    reason: str | None = None
    if winner is not None and winner.method == "uscc" and not any(
            f is not winner and f.reading.in_region is True and f.reading.district == winner.reading.district
            for f in findings):
        confidence = CONFIDENCE["uscc_only"]
        reason = "credit_code_only"
        evidence.append("the credit code is the only evidence of the district: it names the registration "
                        "authority, not the address")
    conflict_notes = [f"{used.source} says {used.reading.says}, {other.source} says {other.reading.says}: "
                      f"{used.source} used" for used, other in conflicts]
    if len(set(valid_codes)) > 1:
        conflict_notes.append(f"credit codes differ: {', '.join(dict.fromkeys(valid_codes))}")
    conflict = "; ".join(conflict_notes) or None
    if conflict:
        reason = "conflict"
    # A reviewed override is the answer to the conflicts: it must not return to the queue.
    needs_review = bool(conflict_notes) and not (winner and winner.method == "override")
    uscc_valid = not invalid_lines if (invalid_lines or valid_codes) else None

    if winner is not None:
        district = winner.reading.district
        return Attribution(
            in_region=winner.reading.in_region,
            district_code=district.code if district else None,
            district_name=district.name if district else None,
            method=winner.method, confidence=confidence, uscc_valid=uscc_valid,
            evidence=evidence, conflict=conflict, needs_review=needs_review, reason=reason,
        )
    if region_only is not None:
        evidence.append(f"in {region.name}, but no evidence names the district: {region.unknown_district_name}")
        return Attribution(
            in_region=True, district_code=None, district_name=None,
            method=region_only.method, confidence=region_only.confidence, uscc_valid=uscc_valid,
            evidence=evidence, conflict=conflict, needs_review=True, reason=reason or region_only.reading.reason,
        )
    if narrowing:
        first = narrowing[0]
        evidence.append(f"not placed: {first.reading.says}")
        return Attribution(
            in_region=None, district_code=None, district_name=None, method="none", confidence=0.0,
            uscc_valid=uscc_valid, evidence=evidence, conflict=conflict, needs_review=True,
            reason=reason or first.reading.reason,
        )
    evidence.append("no evidence places the organisation")
    return Attribution(
        in_region=None, district_code=None, district_name=None, method="none", confidence=0.0,
        uscc_valid=uscc_valid, evidence=evidence, conflict=conflict, needs_review=needs_review, reason=reason,
    )


def resolve(region: Region, *, name: str | None = None, uscc: str | None = None,
            address: str | None = None, division: str | None = None,
            register: Register | None = None, overrides: Mapping[str, str] | None = None) -> Attribution:
    """Where one organisation is, from what the caller knows about it.

    `overrides` maps a normalized name (`normalize_org_name`) to a district code or name,
    `"outside"`, or the region's unknown-district code. When the caller has neither an
    address nor a division (a bare name, a credit code, or both), the register's rows for
    the same normalized name or valid credit code are used as if given; their evidence
    lines say so. Raises `AttributionError` for an override naming no district.
    """
    given = OrgEvidence(name=name or "", source="given", uscc=uscc, address=address, division=division)
    rows: list[tuple[OrgEvidence, str | None]] = [(given, None)]
    if register is not None and not (address or division):
        rows += [(row, _row_label(row, from_register=True)) for row in register.lookup(name=name, uscc=uscc)]
    return _attribute(region, rows, overrides)


def resolve_org(region: Region, evidence: list[OrgEvidence],
                overrides: Mapping[str, str] | None = None) -> Attribution:
    """Where one organisation is, from several evidence rows about it (from any sources).

    Levels are compared across rows (any row's division field beats any row's address,
    and so on); within a level the earlier row wins, and rows that disagree are conflicts.
    """
    rows = [(row, _row_label(row, from_register=False)) for row in evidence]
    return _attribute(region, rows, overrides)
