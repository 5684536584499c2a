"""Deliberate layout drift: the mirror as a portal would look the day it changed under us.

Chosen per run by `Variants.drift` (`stdwatch mirror --variant drift=samr_rows_key+scjgj_column_moved`);
`MirrorCluster` installs `drift_filter(drift, site)` on every site as its response filter. Each drift
breaks one contract fact that `stdwatch probe` checks (on every page kind it changes: samr's national
and industry lists or details), and nothing else (tests/test_probe.py):

| name | site | what changes | the fact it breaks |
|---|---|---|---|
| samr_rows_key | samr | the advanced-search JSON's `rows` becomes `list` | portals.md §1.2 "Response: {total, pageNumber, rows}" [C] |
| samr_detail_selector | samr | the detail pages' (gbDetailed, stdHBDetailed) `h2` "起草单位" heading becomes an `h3` | portals.md §1.3 "起草单位 / 起草人 [C]: //h2[text()="起草单位"]/../following-sibling::div[1]" |
| scjgj_column_moved | scjgj_suzhou | 通知公告 (`/szqts/tzgg/nav_xwtz*.shtml`) answers 404, as if the column moved | evidence/scjgj.suzhou.gov.cn/EVIDENCE.md (the column's name) [C] |
| ttbz_rows_key | ttbz | the standards list's `data.rows` becomes `data.records` | portals.md §4 "getPortalStandardList … data.rows" [C, ≥5 crawlers] |
"""

from __future__ import annotations

import json
from collections.abc import Callable

from mirror.web import Request, Response, ResponseFilter

__all__ = ["DRIFTS", "drift_filter"]


def _json_renamed(path: str, rename: Callable[[dict], None]) -> Callable[[Request, Response], Response]:
    def change(request: Request, response: Response) -> Response:
        if request.path != path or not response.content_type.startswith("application/json"):
            return response
        payload = json.loads(response.body)
        if isinstance(payload, dict):
            rename(payload)
        return Response(response.status, json.dumps(payload, ensure_ascii=False).encode(), response.content_type,
                        response.headers)
    return change


def _samr_rows(payload: dict) -> None:
    if "rows" in payload:
        payload["list"] = payload.pop("rows")


def _ttbz_rows(payload: dict) -> None:
    data = payload.get("data")
    if isinstance(data, dict) and "rows" in data:
        data["records"] = data.pop("rows")


def _samr_detail_selector(request: Request, response: Response) -> Response:
    if not request.path.endswith(("/gbDetailed", "/stdHBDetailed")):
        return response
    body = response.body.replace('<h2 class="title-text">起草单位</h2>'.encode(), '<h3 class="title-text">起草单位</h3>'.encode())
    return Response(response.status, body, response.content_type, response.headers)


def _scjgj_column_moved(request: Request, response: Response) -> Response:
    if not request.path.startswith("/szqts/tzgg/nav_xwtz"):
        return response
    return Response(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html;charset=UTF-8")


# drift name → (the site it changes, how)
DRIFTS: dict[str, tuple[str, Callable[[Request, Response], Response]]] = {
    "samr_rows_key": ("samr", _json_renamed("/gb/search/gbAdvancedSearchPage", _samr_rows)),
    "samr_detail_selector": ("samr", _samr_detail_selector),
    "scjgj_column_moved": ("scjgj_suzhou", _scjgj_column_moved),
    "ttbz_rows_key": ("ttbz", _json_renamed("/cms-proxy/ms/portal/standardInfo/getPortalStandardList", _ttbz_rows)),
}


def drift_filter(drift: frozenset[str], site: str) -> ResponseFilter | None:
    """The response filter that applies `drift`'s changes to `site` (None when none touch it)."""
    unknown = sorted(drift - set(DRIFTS))
    if unknown:
        raise ValueError(f"unknown mirror drift {', '.join(unknown)}: choose from {', '.join(DRIFTS)}")
    changes = [change for name, (where, change) in DRIFTS.items() if name in drift and where == site]
    if not changes:
        return None

    def apply(request: Request, response: Response) -> Response:
        for change in changes:
            response = change(request, response)
        return response
    return apply
