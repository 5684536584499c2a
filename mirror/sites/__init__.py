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

`SITES` are region 3205's. A corpus of another region serves the registries and that region's
notice sites, keyed as its `region.toml` `[[sites]]` name them, each by its CMS kind
(`region_apps(corpus)`: Wuxi's `scjgj_wuxi` is a scjgj app, `scjgj_jiangsu` the province's).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from mirror.corpus import Corpus
from mirror.notices import NoticeSite, ScjgjJiangsuApp, ScjgjSuzhouApp
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
# The sites every region's mirror serves; the notice sites follow the region.
REGISTRY_SITES = ("samr", "openstd", "hbba", "dbba", "ba", "ttbz", "qybz")
# The app of a notice site, by its CMS kind (region.toml `cms`).
_NOTICE_APPS: dict[str, Callable[[Corpus, str], object]] = {
    "scjgj": lambda corpus, key: NoticeSite(corpus, key),
    "szinf": lambda corpus, key: SuzhouGovApp(corpus),
    "hanweb": lambda corpus, key: NoticeSite(corpus, key),
}


def region_apps(corpus: Corpus) -> dict[str, Callable[[Corpus], object]]:
    """site key → app factory for the sites of `corpus`'s region: the registries, then its notice
    sites (in `SITES`' order where they are among them)."""
    apps: dict[str, Callable[[Corpus], object]] = {key: APPS[key] for key in REGISTRY_SITES}
    notice_sites = {site["key"]: site["cms"] for site in corpus.region.sites}
    for key in sorted(notice_sites, key=lambda k: SITES.index(k) if k in SITES else len(SITES)):
        apps[key] = partial(_NOTICE_APPS[notice_sites[key]], key=key)
    return apps


__all__ = ["APPS", "REGISTRY_SITES", "SITES", "region_apps", "BaApp", "DbbaApp", "HbbaApp", "OpenstdApp", "QybzApp", "SamrApp", "SuzhouGovApp", "TtbzApp"]
