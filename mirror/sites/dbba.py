"""dbba.sacinfo.org.cn (地方标准信息服务平台): local standards (portals.md §3; the routes are `mirror.sites.sacinfo`).

Lists `corpus.local`: Jiangsu's DB32/T, Suzhou's DB3205/T, other Jiangsu cities' DB32xx/T and
other provinces' DBs. A record's `industry` is its region (江苏省, 苏州市, 杭州市…). Both
province filters select every Jiangsu record (the province's and its cities') and nothing
else: `ministry=jszjj` [C] and `industry=江苏省` [C1]; `industry=苏州市` selects the city's own.
"""

from __future__ import annotations

import random

from mirror import vocab
from mirror.registries import SacinfoItem
from mirror.sites.sacinfo import SacinfoApp


class DbbaApp(SacinfoApp):
    site = "dbba"

    def matches(self, it: SacinfoItem, ministry: str, industry: str) -> bool:
        return (not ministry or it.ministry == ministry) and (not industry or industry in (it.industry, it.province))

    def classes(self, it: SacinfoItem, rng: random.Random) -> tuple[str, str, str, str]:
        ccs = rng.choice(vocab.LOCAL_CCS)
        ics = rng.choice(("03.080", "13.020", "65.020", "91.040", "35.240", "03.120"))
        committee = f"{it.province if it.industry == it.province else it.industry}{rng.choice(('标准化技术委员会', '市场监督管理局'))}"
        return ccs, ics, committee, rng.choice(("制造业", "农、林、牧、渔业", "公共管理、社会保障和社会组织", "建筑业", "卫生和社会工作"))
