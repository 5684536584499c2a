"""hbba.sacinfo.org.cn (行业标准信息服务平台): industry standards (portals.md §3; the routes are `mirror.sites.sacinfo`).

Lists most std.samr industry standards (`registries.hbba_view`: same canonical number,
sometimes printed with an em dash, its own 64-hex `pk`) plus a few listed only here
(`corpus.hbba_only`). `ministry` filters on the department's code (交通运输部 = `jtysb`,
工业和信息化部 = `gxb`…), `industry` on the label (交通, 轻工…).
"""

from __future__ import annotations

from mirror.sites.sacinfo import SacinfoApp


class HbbaApp(SacinfoApp):
    site = "hbba"
