"""The mirror's sites: one small app per portal, each answering that portal's real paths.

An app is built from the corpus (`APPS[site](corpus)`) and answers `handle(request)`;
`mirror.web.SiteServer` serves it on its own loopback port, and
`mirror.cluster.MirrorCluster` runs them all. Site keys are the product's source keys
(`STDWATCH_BASE_URLS__<KEY>`):

| key | portal | module |
|---|---|---|
| samr | std.samr.gov.cn: advanced search, details, committee directory | `samr` |
| openstd | openstd.samr.gov.cn (GBK) | `openstd` |
| hbba | hbba.sacinfo.org.cn | `hbba` (routes in `sacinfo`) |
| dbba | dbba.sacinfo.org.cn | `dbba` (routes in `sacinfo`) |
| ba | ba.sacinfo.org.cn, hbba/dbba's unified host (`sacinfo_host=ba` redirects there) | `ba` (routes in `sacinfo`) |
| ttbz | www.ttbz.org.cn | `ttbz` |
| qybz | www.qybz.org.cn | `qybz` |
| suzhou_gov | www.suzhou.gov.cn (the plan page, the getInfoCommon notice list and articles) | `suzhou_gov` + `mirror.notices` |
| scjgj_suzhou | scjgj.suzhou.gov.cn 通知公告 (nav_xwtz.shtml paged by createPageHTML, #zoom, attachments) | `mirror.notices` |
| scjgj_jiangsu | scjgj.jiangsu.gov.cn Hanweb columns (jpage dataproxy) | `mirror.notices` |
"""

from __future__ import annotations

from mirror.notices import ScjgjJiangsuApp, ScjgjSuzhouApp
from mirror.sites.ba import BaApp
from mirror.sites.dbba import DbbaApp
from mirror.sites.hbba import HbbaApp
from mirror.sites.openstd import OpenstdApp
from mirror.sites.qybz import QybzApp
from mirror.sites.samr import SamrApp
from mirror.sites.suzhou_gov import SuzhouGovApp
from mirror.sites.ttbz import TtbzApp

APPS = {
    "samr": SamrApp,
    "openstd": OpenstdApp,
    "hbba": HbbaApp,
    "dbba": DbbaApp,
    "ba": BaApp,
    "ttbz": TtbzApp,
    "qybz": QybzApp,
    "suzhou_gov": SuzhouGovApp,
    "scjgj_suzhou": ScjgjSuzhouApp,
    "scjgj_jiangsu": ScjgjJiangsuApp,
}
SITES = tuple(APPS)

__all__ = ["APPS", "SITES", "BaApp", "DbbaApp", "HbbaApp", "OpenstdApp", "QybzApp", "SamrApp", "SuzhouGovApp", "TtbzApp"]
