"""The ground truth of a corpus, and the files shipped with it.

`write_corpus(corpus, out_dir)` writes:

- `org_register.csv` — UTF-8 with BOM, header `机构名称,统一社会信用代码,地址,行政区划`,
  empty cells allowed: the identity evidence other portals carry (enterprise-standard
  details, notices), as an analyst's import file;
- `org_register.xlsx` — the same rows (sheet `机构名录`; 行政区划 codes as numbers, as
  spreadsheets hold them; credit codes as text);
- `ground_truth.json` — what the product must arrive at:
  `seed`, `size`, `n_rows`, `region` ("3205"), `window_start`, `window_end` (null = open),
  `generated_for` ("samr"),
  `standards` (one object per well-formed standard, sorted by type and number: `std_no`
  canonical, `std_type`, `issue_date`, `lead_org`, `lead_scenario`, `true_district`
  (null = outside), `known` (district, "区县未知" or "outside"), `is_revision`, `replaces`,
  and beyond the brief `id`, `status`, `counted`, `draft_unit_in_list`, `detail_spam`),
  `counts` (per district — or "区县未知" — × std_type × issue year, over standards issued
  in the corpus's window whose lead organisation is knowably in the region),
  `rejects` (rows the product must refuse: `id`, `field`, `reason` — "bad_std_no" or
  "bad_date" —, the printed `value`, `std_type`, and the `issue_date` the portal's date
  filter files the row under),
  `organisations` (every organisation with its scenario, true and knowable district).

  Those keys are the **std.samr view** (`generated_for` "samr": national and industry
  standards as std.samr's advanced search lists them), unchanged since the first mirror.
  The other portals add (all additive):

  `sites`, `types`, `as_of` (the corpus's day: `mirror.calendar` moves it; every value is as of it);
  `all_standards` — every well-formed standard of the five types (national, industry,
  local, group, enterprise) **once per canonical number, however many portals list it**:
  `std_no`, `std_type`, `issue_date`, `status`, `lead_org`, `lead_scenario`,
  `true_district`, `lead_known` (the lead's knowable district), `known` (the district the
  standard counts for: "区县未知", or "outside"), `counted`, `is_revision`, `replaces`,
  `portals` (sorted site keys), `ids` (site → id), `drafters_published`, plus per type
  `region`/`province` (local), `publisher`/`publisher_known`/`publisher_province` (group),
  `declarer`/`division`/`reachable` (enterprise: on the homepage's latest 100);
  `all_counts` — `{district, std_type, year, n}` over `all_standards` (`counted` ones);
  `counts_for(truth, types=…, portals=…)` recomputes any slice (the std.samr view is
  `counts_for(truth, {"national", "industry"}, {"samr"})` == `counts`);
  `all_rejects` — malformed records of every portal (`portal`, `id`, `field`, `reason` —
  "bad_std_no", "bad_date" or "missing_field" (an id or number left empty) —, `value`,
  `std_type`, `issue_date`, and beyond std.samr's `std_no`);
  `group_publisher_counts` — `{district, year, n}`: group standards by their publishing
  association's district (the second view);
  `enterprise_total_true` — `{district, year, n}`: every enterprise standard declared in
  the region in the window, including what qybz's captcha hides (coverage is partial);
  `committees` (`code`, `name`, `kind`, `secretariat`, `secretariat_scenario`,
  `province`, `true_district`, `known`, `established` or null, `counted`, `uid`) and
  `committee_counts` `{district, year, n}` (secretariat in the region, established in
  the window; year = year established);
  `status_conflicts` — national standards whose openstd status differs from std.samr's
  (`std_no`, `samr_id`, `hcno`, `samr_status`, `openstd_status`, `openstd_abolish_date`);
  `plan` — `url_path`, `issue_date` ("2022-08-21"), `pub_time`, `text_sha256`, `text_chars`
  (null for a region with no plan page: `mirror.region`).

Every value comes from how the corpus was built (`Org.known` is set by the scenario),
never from re-reading the published evidence. The files are byte-identical for the
same seed and size.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from mirror import registries
from mirror.corpus import NATIONAL, OUTSIDE, SCENARIOS, UNKNOWN, WINDOW_START, Corpus, Standard
from mirror.registries import ENTERPRISE, GROUP, HBBA_ONLY, LOCAL, PUBLISHED, Record
from mirror.region import DEFAULT_REGION, load_region
from mirror.render import facts
from mirror.sites.suzhou_gov import PLAN_PUB_TIME, plan_text

__all__ = [
    "SITES", "TYPES", "WINDOW_START", "all_standard_entries", "committee_entries", "counts_for", "counts_of",
    "ground_truth", "organisations_of", "rejects_of", "standard_entries", "summary", "write_corpus",
    "write_ground_truth", "write_register_csv", "write_register_xlsx",
]

SITES = ("samr", "openstd", "hbba", "dbba", "ttbz", "qybz", "suzhou_gov")
TYPES = ("national", "industry", "local", "group", "enterprise")
_TYPE_ORDER = {t: i for i, t in enumerate(TYPES)}
REGISTER_HEADER = ("机构名称", "统一社会信用代码", "地址", "行政区划")
_REJECT_FIELD = {1: ("C_STD_CODE", "bad_std_no"), 2: ("ISSUE_DATE", "bad_date")}
_FIXED_TIME = datetime(2026, 1, 1)


def _in_window(corpus: Corpus, s: Standard | Record) -> bool:
    issued = s.issue_date
    return issued >= corpus.window_start and (corpus.window_end is None or issued <= corpus.window_end)


def _entry(corpus: Corpus, s: Standard) -> dict:
    lead = corpus.orgs[s.lead]
    return {
        "id": s.id,
        "std_no": s.std_no,
        "std_type": s.std_type,
        "issue_date": s.issue_date.isoformat(),
        "status": s.status,
        "lead_org": lead.name,
        "lead_scenario": lead.scenario,
        "true_district": lead.true_district,
        "known": lead.known,
        "counted": _in_window(corpus, s) and lead.known != OUTSIDE,
        "is_revision": s.replaces >= 0,
        "replaces": [corpus.standards[s.replaces].std_no] if s.replaces >= 0 else [],
        "draft_unit_in_list": s.draft_unit_mode == 0,
        "detail_spam": s.spam_unit >= 0,
        "portals": _samr_portals(s),
    }


def _samr_portals(s: Standard) -> list[str]:
    if s.tid == NATIONAL:
        return ["openstd", "samr"]
    return ["hbba", "samr"] if registries.hbba_view(s).listed else ["samr"]


def _samr_all_entry(corpus: Corpus, s: Standard) -> dict:
    e = _entry(corpus, s)
    ids = {"samr": s.id}
    if s.tid == NATIONAL:
        ids["openstd"] = facts(s).hcno
    elif "hbba" in e["portals"]:
        ids["hbba"] = registries.hbba_view(s).pk
    return {
        "std_no": e["std_no"], "std_type": e["std_type"], "issue_date": e["issue_date"], "status": e["status"],
        "lead_org": e["lead_org"], "lead_scenario": e["lead_scenario"], "true_district": e["true_district"],
        "lead_known": e["known"], "known": e["known"], "counted": e["counted"], "is_revision": e["is_revision"],
        "replaces": e["replaces"], "portals": e["portals"], "ids": ids, "drafters_published": True,
    }


_RECORD_TYPE = {LOCAL: "local", HBBA_ONLY: "industry", GROUP: "group", ENTERPRISE: "enterprise"}
_RECORD_PORTAL = {LOCAL: "dbba", HBBA_ONLY: "hbba", GROUP: "ttbz", ENTERPRISE: "qybz"}


def _record_pool(corpus: Corpus, rec: Record) -> list[Record]:
    return {LOCAL: corpus.local, HBBA_ONLY: corpus.hbba_only, GROUP: corpus.group, ENTERPRISE: corpus.enterprise}[rec.kind]


def _record_known(corpus: Corpus, rec: Record) -> str:
    """The district a record counts for, by construction (indicators.md's rules)."""
    lead = corpus.orgs[rec.lead]
    if rec.kind == ENTERPRISE:  # the declaring enterprise's 行政区划, printed on every detail page
        return lead.known
    published = rec.drafters == PUBLISHED
    if rec.kind == LOCAL:
        region = corpus.region
        if rec.prefix == region.local_prefix:  # the city's own: always the region's, by the lead's district when knowable
            return lead.known if published and lead.known in region.districts else UNKNOWN
        if rec.prefix != f"DB{region.code[:2]}/T":  # the province's and the city's count (indicators.md)
            return OUTSIDE
    return lead.known if published else OUTSIDE


def _record_status(rec: Record) -> str:
    if rec.kind in (GROUP, ENTERPRISE):
        return "废止" if rec.replaced_by >= 0 or rec.abolished else "现行"
    return rec.status


def _record_entry(corpus: Corpus, rec: Record, home: set[int]) -> dict:
    lead = corpus.orgs[rec.lead]
    known = _record_known(corpus, rec)
    pool = _record_pool(corpus, rec)
    reachable = rec.kind != ENTERPRISE or rec.idx in home
    e = {
        "std_no": rec.std_no, "std_type": _RECORD_TYPE[rec.kind], "issue_date": rec.issue_date.isoformat(),
        "status": _record_status(rec), "lead_org": lead.name, "lead_scenario": lead.scenario,
        "true_district": lead.true_district, "lead_known": lead.known, "known": known,
        "counted": _in_window(corpus, rec) and known != OUTSIDE and reachable,
        "is_revision": rec.replaces >= 0, "replaces": [pool[rec.replaces].std_no] if rec.replaces >= 0 else [],
        "portals": [_RECORD_PORTAL[rec.kind]], "ids": {_RECORD_PORTAL[rec.kind]: rec.uid},
        "drafters_published": rec.drafters == PUBLISHED,
    }
    if rec.kind == LOCAL:
        e["region"], e["province"] = rec.region, rec.province
    elif rec.kind == GROUP:
        a = corpus.associations[rec.publisher]
        pub = corpus.orgs[a.org]
        e["publisher"], e["publisher_known"], e["publisher_province"] = pub.name, pub.known, a.province
    elif rec.kind == ENTERPRISE:
        ent = corpus.enterprises[rec.publisher]
        e["declarer"], e["division"], e["reachable"] = lead.name, ent.division, reachable
    return e


def _home_ids(corpus: Corpus) -> set[int]:
    """Enterprise standards the qybz homepage shows, or showed on any day so far (`mirror.calendar`)."""
    return corpus.__dict__.get("qybz_seen") or {r.idx for r in corpus.qybz_home()}


def all_standard_entries(corpus: Corpus) -> Iterator[dict]:
    """Every well-formed standard of the five types, once per canonical number, sorted by type and number."""
    keyed: list[tuple[int, str, object]] = []
    for s in corpus.standards:
        if not s.defect:
            keyed.append((_TYPE_ORDER[s.std_type], s.std_no, s))
    for pool in (corpus.hbba_only, corpus.local, corpus.group, corpus.enterprise):
        for rec in pool:
            if not rec.defect:
                keyed.append((_TYPE_ORDER[_RECORD_TYPE[rec.kind]], rec.std_no, rec))
    keyed.sort(key=lambda k: (k[0], k[1]))
    home = _home_ids(corpus)
    for _, _, obj in keyed:
        yield _samr_all_entry(corpus, obj) if isinstance(obj, Standard) else _record_entry(corpus, obj, home)


def standard_entries(corpus: Corpus) -> Iterator[dict]:
    """Ground-truth entries of the well-formed standards, sorted by type and number."""
    valid = sorted((s for s in corpus.standards if not s.defect), key=lambda s: (s.tid, s.std_no))
    for s in valid:
        yield _entry(corpus, s)


def _district_order(region: str) -> dict[str, int]:
    return {d: i for i, d in enumerate((*load_region(region).districts, UNKNOWN))}


def counts_of(entries: list[dict] | Iterator[dict], region: str = DEFAULT_REGION) -> list[dict]:
    """The per-district table: counted standards per (district, std_type, issue year), districts in
    the order of the region's `districts.csv`."""
    tally: Counter[tuple[str, str, int]] = Counter(
        (e["known"], e["std_type"], int(e["issue_date"][:4])) for e in entries if e["counted"]
    )
    order = _district_order(region)
    keys = sorted(tally, key=lambda k: (order[k[0]], _TYPE_ORDER[k[1]], k[2]))
    return [{"district": d, "std_type": t, "year": y, "n": tally[d, t, y]} for d, t, y in keys]


def counts_for(truth: dict, types: set[str] | frozenset[str] | None = None,
               portals: set[str] | frozenset[str] | None = None) -> list[dict]:
    """`all_counts` restricted to some types and/or to standards listed on any of some portals.

    `counts_for(truth, {"national", "industry"}, {"samr"})` is the std.samr view (`truth["counts"]`).
    """
    return counts_of(
        (e for e in truth["all_standards"]
         if (types is None or e["std_type"] in types) and (portals is None or set(e["portals"]) & set(portals))),
        truth["region"],
    )


def _district_year_rows(tally: Counter, region: str) -> list[dict]:
    order = _district_order(region)
    keys = sorted(tally, key=lambda k: (order[k[0]], k[1]))
    return [{"district": d, "year": y, "n": tally[d, y]} for d, y in keys]


def group_publisher_counts(corpus: Corpus) -> list[dict]:
    """Group standards in the window by the publishing association's district (the second view)."""
    tally: Counter[tuple[str, int]] = Counter()
    for rec in corpus.group:
        known = corpus.orgs[corpus.associations[rec.publisher].org].known
        if not rec.defect and _in_window(corpus, rec) and known != OUTSIDE:
            tally[known, rec.year] += 1
    return _district_year_rows(tally, corpus.region.code)


def enterprise_total_true(corpus: Corpus) -> list[dict]:
    """Enterprise standards in the window declared in the region, including those only the captcha-gated search lists."""
    tally: Counter[tuple[str, int]] = Counter()
    for rec in corpus.enterprise:
        org = corpus.orgs[rec.lead]
        if not rec.defect and _in_window(corpus, rec) and org.true_district is not None:
            tally[org.true_district, rec.year] += 1
    return _district_year_rows(tally, corpus.region.code)


def committee_entries(corpus: Corpus) -> list[dict]:
    out = []
    for c in sorted(corpus.committees, key=lambda c: c.code):
        org = corpus.orgs[c.secretariat]
        est = c.established
        in_window = est is not None and est >= corpus.window_start and (corpus.window_end is None or est <= corpus.window_end)
        out.append({
            "code": c.code, "name": c.name, "kind": c.kind, "secretariat": org.name, "secretariat_scenario": org.scenario,
            "province": c.province, "true_district": org.true_district, "known": org.known,
            "established": est.isoformat() if est else None, "counted": in_window and org.known != OUTSIDE, "uid": c.uid,
        })
    return out


def committee_counts(entries: list[dict], region: str) -> list[dict]:
    return _district_year_rows(Counter((e["known"], int(e["established"][:4])) for e in entries if e["counted"]), region)


def status_conflicts(corpus: Corpus) -> list[dict]:
    out = []
    for s in sorted((corpus.by_id(i) for i in corpus.openstd_status), key=lambda s: s.std_no):
        status, abolished = corpus.openstd_status[s.id]
        out.append({"std_no": s.std_no, "samr_id": s.id, "hcno": facts(s).hcno, "samr_status": s.status,
                    "openstd_status": status, "openstd_abolish_date": abolished.isoformat() if abolished else None})
    return out


def plan_truth(corpus: Corpus) -> dict | None:
    """The plan page the mirror serves; None for a region whose city portal the mirror does not serve."""
    if corpus.plan_url_path is None:
        return None
    text = plan_text()
    return {"url_path": corpus.plan_url_path, "issue_date": corpus.plan_issue_date.isoformat(), "pub_time": PLAN_PUB_TIME,
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "text_chars": len(text)}


def all_rejects_of(corpus: Corpus) -> list[dict]:
    out = [{"portal": "samr", **r} for r in rejects_of(corpus)]
    for pool in (corpus.hbba_only, corpus.local, corpus.group, corpus.enterprise):
        for rec in sorted((r for r in pool if r.defect), key=lambda r: r.uid):
            no_id = (rec.kind, rec.defect) == (GROUP, "missing_field")  # ttbz printed no standardUniqueId
            out.append({"portal": _RECORD_PORTAL[rec.kind], "id": "" if no_id else rec.uid,
                        "field": registries.DEFECT_FIELD[rec.kind, rec.defect], "reason": rec.defect,
                        "value": registries.defect_value(rec), "std_type": _RECORD_TYPE[rec.kind],
                        "issue_date": rec.issue_date.isoformat(), "std_no": rec.std_no})
    return out


def _site_views(corpus: Corpus, all_counts: list[dict]) -> dict:
    committees = committee_entries(corpus)
    return {
        "all_counts": all_counts,
        "all_rejects": all_rejects_of(corpus),
        "group_publisher_counts": group_publisher_counts(corpus),
        "enterprise_total_true": enterprise_total_true(corpus),
        "committees": committees,
        "committee_counts": committee_counts(committees, corpus.region.code),
        "status_conflicts": status_conflicts(corpus),
        "plan": plan_truth(corpus),
    }


def rejects_of(corpus: Corpus) -> list[dict]:
    out = []
    for s in sorted((s for s in corpus.standards if s.defect), key=lambda s: s.id):
        field, reason = _REJECT_FIELD[s.defect]
        f = facts(s)
        # issue_date: the day the portal's date filter (std_p10/std_p11) files the row under,
        # even where the printed ISSUE_DATE is impossible.
        out.append({"id": s.id, "field": field, "reason": reason,
                    "value": f.std_code if s.defect == 1 else f.issue_date, "std_type": s.std_type,
                    "issue_date": s.issue_date.isoformat()})
    return out


def organisations_of(corpus: Corpus) -> list[dict]:
    return [
        {"name": o.name, "scenario": o.scenario, "true_district": o.true_district, "known": o.known,
         "in_register": o.register is not None,
         "uscc_valid": o.register.uscc_valid if o.register is not None else None}
        for o in corpus.orgs
    ]


def _header(corpus: Corpus) -> dict:
    return {
        "seed": corpus.seed,
        "size": corpus.size,
        "n_rows": len(corpus.standards),
        "region": corpus.region.code,
        "window_start": corpus.window_start.isoformat(),
        "window_end": corpus.window_end.isoformat() if corpus.window_end else None,
        "generated_for": "samr",
        "sites": [site for site in SITES if site != "suzhou_gov" or corpus.plan_url_path],
        "types": list(TYPES),
        "as_of": corpus.clock.today.isoformat(),
    }


def ground_truth(corpus: Corpus) -> dict:
    """The ground truth as one dict (holds every entry: use `write_corpus` for big corpora)."""
    entries = list(standard_entries(corpus))
    every = list(all_standard_entries(corpus))
    return {
        **_header(corpus),
        "standards": entries,
        "counts": counts_of(entries, corpus.region.code),
        "rejects": rejects_of(corpus),
        "organisations": organisations_of(corpus),
        "all_standards": every,
        **_site_views(corpus, counts_of(every, corpus.region.code)),
    }


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_ground_truth(corpus: Corpus, path: Path) -> None:
    """Stream `ground_truth.json`: one standard per line, so a million entries never sit in memory."""
    tally: list[dict] = []
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("{\n")
        for key, value in _header(corpus).items():
            out.write(f"{_dump(key)}: {_dump(value)},\n")
        out.write('"standards": [\n')
        first = True
        for e in standard_entries(corpus):
            out.write(("" if first else ",\n") + _dump(e))
            first = False
            if e["counted"]:
                tally.append({"known": e["known"], "std_type": e["std_type"], "issue_date": e["issue_date"],
                              "counted": True})
        out.write("\n],\n")
        for key, rows in (("counts", counts_of(tally, corpus.region.code)), ("rejects", rejects_of(corpus)),
                          ("organisations", organisations_of(corpus))):
            out.write(f"{_dump(key)}: [\n" + ",\n".join(_dump(r) for r in rows) + "\n],\n")
        out.write('"all_standards": [\n')
        first = True
        every: list[dict] = []
        for e in all_standard_entries(corpus):
            out.write(("" if first else ",\n") + _dump(e))
            first = False
            if e["counted"]:
                every.append({"known": e["known"], "std_type": e["std_type"], "issue_date": e["issue_date"],
                              "counted": True})
        out.write("\n],\n")
        views = list(_site_views(corpus, counts_of(every, corpus.region.code)).items())
        for i, (key, value) in enumerate(views):
            if isinstance(value, list):
                out.write(f"{_dump(key)}: [\n" + ",\n".join(_dump(r) for r in value) + "\n]")
            else:
                out.write(f"{_dump(key)}: {_dump(value)}")
            out.write(",\n" if i < len(views) - 1 else "\n")
        out.write("}\n")


def write_register_csv(corpus: Corpus, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(REGISTER_HEADER)
        for r in corpus.register_rows():
            w.writerow((r.name, r.uscc, r.address, r.division))


def write_register_xlsx(corpus: Corpus, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "机构名录"
    ws.append(REGISTER_HEADER)
    for r in corpus.register_rows():
        division: str | int | None = int(r.division) if r.division.isdigit() else (r.division or None)
        ws.append((r.name, r.uscc or None, r.address or None, division))
    for col, width in zip("ABCD", (44, 22, 52, 14)):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "stdwatch mirror"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    _write_stable_zip(buffer.getvalue(), path)


def _write_stable_zip(data: bytes, path: Path) -> None:
    """Rewrite an xlsx with fixed member timestamps, so the same rows give the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified.
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", body)
            member = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, body)


def write_corpus(corpus: Corpus, out_dir: str | Path) -> dict[str, Path]:
    """Write the register import files and the ground truth into `out_dir`; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "org_register_csv": out / "org_register.csv",
        "org_register_xlsx": out / "org_register.xlsx",
        "ground_truth": out / "ground_truth.json",
    }
    write_register_csv(corpus, paths["org_register_csv"])
    write_register_xlsx(corpus, paths["org_register_xlsx"])
    write_ground_truth(corpus, paths["ground_truth"])
    return paths


def summary(corpus: Corpus) -> dict:
    """Corpus statistics for people: scenarios, region-led standards, damage."""
    valid = [s for s in corpus.standards if not s.defect]
    in_window = [s for s in valid if _in_window(corpus, s)]
    lead = lambda s: corpus.orgs[s.lead]  # noqa: E731
    counted = [s for s in in_window if lead(s).known != OUTSIDE]
    return {
        "rows": len(corpus.standards),
        "national": sum(s.tid == 2 for s in corpus.standards),
        "industry": sum(s.tid == 3 for s in corpus.standards),
        "organisations": len(corpus.orgs),
        "organisations_in_suzhou": sum(o.true_district is not None for o in corpus.orgs),
        "register_rows": len(corpus.register_rows()),
        "orgs_per_scenario": {k: sum(o.scenario == k for o in corpus.orgs) for k in SCENARIOS},
        "lead_scenarios_present": sorted({lead(s).scenario for s in valid}),
        "issued_before_window": sum(s.issue_date < corpus.window_start for s in valid),
        "in_window": len(in_window),
        "in_window_led_in_suzhou_truly": sum(lead(s).true_district is not None for s in in_window),
        "counted": len(counted),
        "counted_district_unknown": sum(lead(s).known == UNKNOWN for s in counted),
        "in_window_suzhou_lead_not_knowable": sum(
            lead(s).true_district is not None and lead(s).known == OUTSIDE for s in in_window),
        "revisions": sum(s.replaces >= 0 for s in corpus.standards),
        "rows_without_draft_unit": sum(s.draft_unit_mode != 0 for s in corpus.standards),
        "rows_draft_unit_empty": sum(s.draft_unit_mode == 1 for s in corpus.standards),
        "rows_draft_unit_absent": sum(s.draft_unit_mode == 2 for s in corpus.standards),
        "spam_pages": sum(s.spam_unit >= 0 for s in corpus.standards),
        "spam_pages_on_rows_without_draft_unit": sum(s.spam_unit >= 0 and s.draft_unit_mode != 0
                                                      for s in corpus.standards),
        "std_code_variants": sum(s.code_variant != 0 for s in corpus.standards),
        "sacinfo_names": sum(s.highlight for s in corpus.standards),
        "rejects": dict(Counter(_REJECT_FIELD[s.defect][1] for s in corpus.standards if s.defect)),
        "sites": sites_summary(corpus),
    }


def sites_summary(corpus: Corpus) -> dict:
    """Per standard type across every portal: listed, in the window, counted; duplicates; rejects; blocks."""
    every = list(all_standard_entries(corpus))
    per_type = {}
    for t in TYPES:
        rows = [e for e in every if e["std_type"] == t]
        in_window = [e for e in rows if _in_window_iso(corpus, e["issue_date"])]
        per_type[t] = {
            "listed": len(rows), "in_window": len(in_window), "counted": sum(e["counted"] for e in rows),
            "counted_district_unknown": sum(e["counted"] and e["known"] == UNKNOWN for e in rows),
            "portals": dict(Counter("+".join(e["portals"]) for e in rows)),
        }
    ent = [e for e in every if e["std_type"] == "enterprise"]
    group = [e for e in every if e["std_type"] == "group"]
    committees = committee_entries(corpus)
    return {
        "per_type": per_type,
        "on_several_portals": sum(len(e["portals"]) > 1 for e in every),
        "samr_industry_also_on_hbba": sum(e["portals"] == ["hbba", "samr"] for e in every),
        "industry_only_on_hbba": sum(e["portals"] == ["hbba"] for e in every),
        "rejects": dict(Counter(f"{r['portal']}:{r['reason']}" for r in all_rejects_of(corpus))),
        "local_by_prefix": dict(Counter(r.prefix for r in corpus.local)),
        "local_without_drafters": sum(r.drafters != PUBLISHED for r in corpus.local),
        "group_counted_publisher_outside_jiangsu": sum(e["counted"] and e["publisher_province"] != "江苏省" for e in group),
        "group_publisher_view": sum(r["n"] for r in group_publisher_counts(corpus)),
        "associations": len(corpus.associations),
        "associations_in_jiangsu": sum(a.province == "江苏省" for a in corpus.associations),
        "enterprises": len(corpus.enterprises),
        "enterprise_on_homepage": sum(e["reachable"] for e in ent) + sum(r.defect != "" for r in corpus.enterprise),
        "enterprise_total_true_in_region": sum(r["n"] for r in enterprise_total_true(corpus)),
        "committees": len(committees),
        "committees_in_jiangsu": sum(c["province"] == "江苏省" for c in committees),
        "committees_without_established": sum(c["established"] is None for c in committees),
        "committees_counted": sum(c["counted"] for c in committees),
        "status_conflicts": len(corpus.openstd_status),
        "blocked_pages": {"qybz": "captcha: /user/toSearch/, /user/searchR, /usercenter/detail.fileDown",
                          "ttbz": "WAF: /Home/Standard, /Home/*, /StandardManage/*"},
    }


def _in_window_iso(corpus: Corpus, day: str) -> bool:
    return day >= corpus.window_start.isoformat() and (corpus.window_end is None or day <= corpus.window_end.isoformat())
