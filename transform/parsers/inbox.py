"""Validate analysts' files row by row and turn them into records.

The organisation register import (机构名称 → 统一社会信用代码 / 地址 / 行政区划)
feeds district attribution until registries that carry identity exist. A row
without a name is rejected with its origin; a credit code is kept as seen —
`transform.attribution` reports an invalid one and never uses it as evidence.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Protocol

from transform.records import OrgEvidence, Reject
from transform.text import clean_text

class Row(Protocol):
    """A row of an analyst's file (extract.sources.inbox.FileRow has this shape)."""

    origin: str
    values: Mapping[str, str]


# Accepted header spellings per field (Chinese first: analysts' files are in Chinese).
ORG_REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("机构名称", "单位名称", "企业名称", "组织名称", "name", "org_name"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc", "credit_code"),
    "address": ("地址", "注册地址", "住所", "通讯地址", "address"),
    "division": ("行政区划", "所在区县", "区县", "division"),
}


def _pick(values: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = values.get(name)
        if value is not None and value.strip():
            return clean_text(value)
    return None


def parse_org_register(rows: Iterable[Row], source: str = "inbox") -> tuple[list[OrgEvidence], list[Reject]]:
    evidence: list[OrgEvidence] = []
    rejects: list[Reject] = []
    for row in rows:
        name = _pick(row.values, ORG_REGISTER_COLUMNS["name"])
        if not name:
            rejects.append(
                Reject(
                    source=source,
                    reason="missing_field",
                    detail=f"{row.origin}: no organisation name (column 机构名称); fill it in or delete the row",
                    url=row.origin,
                )
            )
            continue
        evidence.append(
            OrgEvidence(
                name=name,
                source=source,
                uscc=_pick(row.values, ORG_REGISTER_COLUMNS["uscc"]),
                address=_pick(row.values, ORG_REGISTER_COLUMNS["address"]),
                division=_pick(row.values, ORG_REGISTER_COLUMNS["division"]),
                origin=row.origin,
            )
        )
    return evidence, rejects
