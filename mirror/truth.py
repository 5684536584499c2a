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

Every value comes from how the corpus was built (`Org.known` is set by the scenario),
never from re-reading the published evidence. The files are byte-identical for the
same seed and size.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from mirror import vocab
from mirror.corpus import OUTSIDE, SCENARIOS, UNKNOWN, WINDOW_START, Corpus, Standard
from mirror.render import facts

__all__ = [
    "WINDOW_START", "counts_of", "ground_truth", "organisations_of", "rejects_of", "standard_entries", "summary",
    "write_corpus", "write_ground_truth", "write_register_csv", "write_register_xlsx",
]

REGION = "3205"
REGISTER_HEADER = ("机构名称", "统一社会信用代码", "地址", "行政区划")
_REJECT_FIELD = {1: ("C_STD_CODE", "bad_std_no"), 2: ("ISSUE_DATE", "bad_date")}
_DISTRICT_ORDER = {d: i for i, d in enumerate((*vocab.DISTRICTS, UNKNOWN))}
_FIXED_TIME = datetime(2026, 1, 1)


def _in_window(corpus: Corpus, s: Standard) -> bool:
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
    }


def standard_entries(corpus: Corpus) -> Iterator[dict]:
    """Ground-truth entries of the well-formed standards, sorted by type and number."""
    valid = sorted((s for s in corpus.standards if not s.defect), key=lambda s: (s.tid, s.std_no))
    for s in valid:
        yield _entry(corpus, s)


def counts_of(entries: list[dict] | Iterator[dict]) -> list[dict]:
    """The per-district table: counted standards per (district, std_type, issue year)."""
    tally: Counter[tuple[str, str, int]] = Counter(
        (e["known"], e["std_type"], int(e["issue_date"][:4])) for e in entries if e["counted"]
    )
    keys = sorted(tally, key=lambda k: (_DISTRICT_ORDER[k[0]], k[1] != "national", k[2]))
    return [{"district": d, "std_type": t, "year": y, "n": tally[d, t, y]} for d, t, y in keys]


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
        "region": REGION,
        "window_start": corpus.window_start.isoformat(),
        "window_end": corpus.window_end.isoformat() if corpus.window_end else None,
        "generated_for": "samr",
    }


def ground_truth(corpus: Corpus) -> dict:
    """The ground truth as one dict (holds every entry: use `write_corpus` for big corpora)."""
    entries = list(standard_entries(corpus))
    return {
        **_header(corpus),
        "standards": entries,
        "counts": counts_of(entries),
        "rejects": rejects_of(corpus),
        "organisations": organisations_of(corpus),
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
        for key, rows in (("counts", counts_of(tally)), ("rejects", rejects_of(corpus)),
                          ("organisations", organisations_of(corpus))):
            out.write(f"{_dump(key)}: [\n" + ",\n".join(_dump(r) for r in rows) + "\n]")
            out.write(",\n" if key != "organisations" else "\n")
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
    }
