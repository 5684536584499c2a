"""ba.sacinfo.org.cn: hbba's and dbba's unified host (routes in `mirror.sites.sacinfo`).

Evidence: ../shared/design/evidence/hbba-dbba/EVIDENCE.md §3 [C1] — 2025 scripts POST the same
`stdQueryList` form (current/size/key/ministry/industry/pubdate/date/status) to
https://ba.sacinfo.org.cn and read `total` and `records` with the same keys; `GET /stdList` is the
search page; real links to local standards on it are `/stdDetail/<64 hex>` and `/rnDetail/<64 hex>`.
Whether it lists industry and local records together is unknown [I]: here it does (the union of
hbba's and dbba's records, newest filing first), so a crawler must tell them apart by the
standard number, not by the host. Every record's page is served at both detail paths (same
markup [I]). hbba and dbba redirect here under the variant `sacinfo_host=ba`; without it this
host is still up, as it is live.
"""

from __future__ import annotations

import random

from mirror.registries import SacinfoItem, sacinfo_items
from mirror.sites.dbba import DbbaApp
from mirror.sites.sacinfo import DETAIL_PREFIX, SacinfoApp

RN_DETAIL_PREFIX = "/rnDetail/"


class BaApp(SacinfoApp):
    site = "ba"
    detail_prefixes = (DETAIL_PREFIX, RN_DETAIL_PREFIX)

    def items(self) -> tuple[list[SacinfoItem], dict[str, SacinfoItem]]:
        industry, by_pk_industry = sacinfo_items(self.corpus, "hbba")
        local, by_pk_local = sacinfo_items(self.corpus, "dbba")
        items = sorted(industry + local, key=lambda it: (it.record, it.pk), reverse=True)
        return items, {**by_pk_industry, **by_pk_local}

    def matches(self, it: SacinfoItem, ministry: str, industry: str) -> bool:
        return (not ministry or it.ministry == ministry) and (not industry or industry in (it.industry, it.province))

    def classes(self, it: SacinfoItem, rng: random.Random) -> tuple[str, str, str, str]:
        return DbbaApp.classes(self, it, rng) if it.province else SacinfoApp.classes(self, it, rng)
