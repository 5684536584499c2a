"""`stdwatch trace STD_NO|ORG_NAME [--save DIR]`: from a number back to the pages it came from.

Registered on the main app by flows/cli.py (`_ON_DEMAND`). Everything printed was crawled, so it is
printed as text, never markup; archive files are given as absolute paths.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from flows.cli_export import fail

_EXTENSIONS = {"html": ".html", "json": ".json", "xml": ".xml", "pdf": ".pdf", "plain": ".txt",
               "spreadsheetml": ".xlsx", "msword": ".doc", "ms-excel": ".xls"}


def trace(
    key: str = typer.Argument(..., metavar="STD_NO|ORG_NAME", help="A standard number (any spelling) or an "
                              "organisation name as listed."),
    save: Optional[Path] = typer.Option(None, "--save", help="Write each archived page body to a file in this folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the warehouse and archive live."),
) -> None:
    """A standard (or an organisation) with every source page it came from — URL, fetch time, status, sha256,
    archive file and offset — its drafting units and the evidence that placed it in a district."""
    import warehouse
    from flows.cli import _published, _settings
    from transform.orgs import normalize_org_name
    from transform.stdno import canonical_std_no

    settings = _settings(data_dir=data_dir)
    published = _published(settings)  # the live warehouse, or right after `stdwatch demo` the demo's
    archive_root = (published.parent / "archive").resolve()  # the archive beside it
    try:
        found = warehouse.standard_trace(published, key.strip())
        if found is None:
            try:
                found = warehouse.standard_trace(published, canonical_std_no(key))
            except ValueError:
                found = None
        if found is None:
            found = warehouse.org_trace(published, normalize_org_name(key), key.strip())
    except warehouse.WarehouseMissing as exc:
        raise fail(str(exc), 1) from exc
    if found is None:
        raise fail(f"no standard or organisation {key!r} in {published}: give a standard number "
                   "(GB/T 1234-2020) or an organisation name as a drafter list gives it", 1)
    pages = found.get("pages", []) + [r for r in found["register"] if r["warc_path"]]
    for page in pages:
        page["archive_file"] = str(archive_root / page["warc_path"]) if page["warc_path"] else None
    saved = _save(found, pages, archive_root, save) if save else []
    if as_json:
        print(json.dumps({**found, "saved": saved}, ensure_ascii=False, indent=1, default=str))
        return
    for line in (_standard_lines(found) if "standard" in found else _org_lines(found)):
        _print(line)
    for path, sha in saved:
        _print(f"saved {path} (sha256 {sha}, equal to the archive's)")


def _print(line: str) -> None:
    from flows.cli import console

    console.print(Text(line), soft_wrap=True)


def _standard_lines(found: dict) -> list[str]:
    s = found["standard"]
    if s["counted"]:
        verdict = f"counted for {s['district_name']} ({s['district_code']}, by {s['count_basis']})"
    elif s["in_region"]:
        verdict = f"in the region ({s['district_name']}), not new in the window"
    elif s["in_region"] is False:
        verdict = "not counted: its counting unit is outside the region"
    else:
        verdict = "not counted: cannot tell whether its counting unit is in the region"
    lines = [f"{s['std_no']}  {s['name'] or ''}",
             f"  {s['std_type']} · {s['status'] or 'status unknown'} · issued {s['issue_date'] or 'unknown'} · {verdict}",
             f"Source pages 来源页面 ({len(found['pages'])}):"]
    for page in found["pages"]:
        used = [what for flag, what in ((page["used_for_record"], "the record"),
                                        (page["used_for_drafters"], "the drafting units")) if flag]
        lines.append(f"  {page['source']}" + (f" — used for {' and '.join(used)}" if used else ""))
        lines += _page_lines(page)
    lines.append("Drafting units 起草单位 (1 = lead 牵头):")
    for d in found["drafters"]:
        place = (d["placed_name"] or "区县未知") if d["in_region"] else ("outside the region" if d["in_region"] is False
                                                                      else "cannot tell")
        counting = "  ← counts" if d["org_name"] == s["counting_org"] else ""
        lines.append(f"  {d['position']}. {d['org_name']} — {place}{counting}")
        if d["method"]:
            lines.append(f"     method {d['method']} · confidence {_confidence(d['confidence'])}"
                         + (f" · conflict: {d['conflict']}" if d["conflict"] else "")
                         + (" · in the review queue" if d["needs_review"] else ""))
    lines.append(f"District evidence 区县证据 for {s['counting_org'] or 'no counting unit'}: method "
                 f"{s['attribution_method'] or 'none'}, confidence {_confidence(s['attribution_confidence'])}"
                 + (f", conflict: {s['attribution_conflict']}" if s["attribution_conflict"] else ", no conflict"))
    lines += [f"  • {line}" for line in found["evidence"]]
    lines += _register_lines(found["register"])
    return lines


def _org_lines(found: dict) -> list[str]:
    o = found["org"]
    place = (o["district_name"] or "区县未知") if o["in_region"] else (
        "outside the region" if o["in_region"] is False else "cannot tell whether it is in the region")
    lines = [f"{o['name']}  ({place})",
             f"  method {o['method']} · confidence {_confidence(o['confidence'])}"
             + (f" · credit code {o['uscc']}" if o["uscc"] else "")
             + (f" · conflict: {o['conflict']}" if o["conflict"] else "")
             + (" · in the review queue" if o["needs_review"] else ""),
             "District evidence 区县证据:"]
    lines += [f"  • {line}" for line in o["evidence"] or []] or ["  (none)"]
    lines += _register_lines(found["register"])
    led = [s for s in found["standards"] if s["position"] == 1]
    lines.append(f"Standards 标准: leads {len(led)}, drafts {len(found['standards'])} "
                 "(`stdwatch trace STD_NO` for each one's pages)")
    for s in found["standards"][:20]:
        role = "lead" if s["position"] == 1 else f"drafter #{s['position']}"
        lines.append(f"  {s['std_no']}  {s['issue_date'] or ''}  {role}" + ("  counted" if s["counted"] else ""))
    if len(found["standards"]) > 20:
        lines.append(f"  … and {len(found['standards']) - 20} more: stdwatch sql \"SELECT * FROM "
                     f"core.standard_drafter_org WHERE org_key = '{o['org_key']}'\"")
    return lines


def _register_lines(register: list[dict]) -> list[str]:
    if not register:
        return ["Register rows 登记证据: none (placed from its name alone, or not placed)"]
    lines = [f"Register rows 登记证据 ({len(register)}):"]
    for row in register:
        facts = " · ".join(f"{label} {row[key]}" for key, label in (("uscc", "credit code"), ("address", "address"),
                                                                      ("division", "行政区划")) if row[key])
        lines.append(f"  {row['source']}: {row['name']}" + (f" — {facts}" if facts else ""))
        if row["warc_path"]:
            lines += _page_lines(row)
        elif row["origin"]:
            lines.append(f"    from {row['origin']}")
    return lines


def _page_lines(page: dict) -> list[str]:
    lines = [f"    url      {page['url']}",
             f"    fetched  {_time(page['fetched_at'])} · HTTP {page['http_status'] or '?'}"
             + (f" · {page['content_type']}" if page.get("content_type") else ""),
             f"    sha256   {page['sha256']}"]
    if page.get("archive_file"):
        lines.append(f"    archive  {page['archive_file']} @ offset {page['warc_offset']} "
                     f"({page['warc_length']} bytes)")
    else:
        lines.append("    archive  not archived (an analyst's file: the url names its file, sheet and row)")
    return lines


def _save(found: dict, pages: list[dict], archive_root: Path, folder: Path) -> list[tuple[str, str]]:
    """Each archived page body, as received, to `folder`; (path, sha256) of each, checked against the index."""
    from extract.archive import read_body_as_received

    folder.mkdir(parents=True, exist_ok=True)
    label = found["standard"]["std_no"] if "standard" in found else found["org"]["name"]
    saved, seen = [], set()
    for page in pages:
        if not page["warc_path"] or page["response_id"] in seen:
            continue
        seen.add(page["response_id"])
        encoding, body = read_body_as_received(archive_root, page["warc_path"], page["warc_offset"])
        sha = hashlib.sha256(body).hexdigest()
        if sha != page["sha256"]:
            raise fail(f"{page['archive_file']} @ {page['warc_offset']}: body sha256 {sha} differs from the "
                       f"index's {page['sha256']}; the archive was changed after it was indexed", 1)
        name = f"{_safe(label)}__{page['source']}__{page['response_id'][:12]}{_extension(page.get('content_type'))}"
        if encoding and encoding.strip().lower() not in ("", "identity"):
            name += f".{encoding.strip().lower()}"  # kept as received, so the sha256 still matches
        target = folder / name
        target.write_bytes(body)
        saved.append((str(target.resolve()), sha))
    return saved


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "page"


def _extension(content_type: str | None) -> str:
    for marker, ext in _EXTENSIONS.items():
        if content_type and marker in content_type:
            return ext
    return ".bin"


def _confidence(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _time(value) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
