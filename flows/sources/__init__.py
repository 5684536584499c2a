"""The source registry: every source a run can crawl or re-parse, by name.

A source is a `flows.sources.base.Source` (its contract is there). Adding one is its own
modules (`extract/sources/<name>.py`, `transform/parsers/<name>.py`, `flows/sources/<name>.py`,
fixtures, a mirror route) and one entry in `REGISTERED` below; the pipeline never names a source.

The registry is data: each source's name and the portals it asks, with their live base URLs. The
settings read it (the source names, the `base_urls` defaults and keys) without importing a crawler:
`SOURCES` (name → `Source`) imports the source modules, and with them httpx, lxml and the parsers,
only when first used (PEP 562), so `stdwatch progress` never pays for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.sources.base import Source
    from transform.region import Region

# Each registered source (in crawl order; its module is flows/sources/<name>.py) → the sites it asks, by
# site key → the live base URL: the `base_urls` setting's defaults; the allow-list is their hosts. A site
# may be shared: tc asks samr's site and declares none; the notices source's sites are the selected
# region's (`region_site_urls`).
REGISTERED: dict[str, dict[str, str]] = {
    "samr": {"samr": "https://std.samr.gov.cn"},  # portals.md §1 [C]
    # portals.md §3 [C]; `ba` is hbba/dbba's unified host (evidence/hbba-dbba/EVIDENCE.md §3): never asked
    # directly, declared so that a redirect to it is on the allow-list (extract.sources.sacinfo follows it).
    "sacinfo": {"hbba": "https://hbba.sacinfo.org.cn", "dbba": "https://dbba.sacinfo.org.cn",
                "ba": "https://ba.sacinfo.org.cn"},
    "openstd": {"openstd": "https://openstd.samr.gov.cn"},  # portals.md §2 [C]
    "ttbz": {"ttbz": "https://www.ttbz.org.cn"},  # portals.md §4 [C]
    "qybz": {"qybz": "https://www.qybz.org.cn"},  # portals.md §5 [C]
    "tc": {},
    "notices": {},
}

__all__ = ["REGISTERED", "SOURCES", "Source", "SourceResult", "UnknownSource", "Window", "get_source",
           "region_site_urls", "site_urls"]

# Names imported on first use (PEP 562): the name → the module that defines it.
_LAZY = {"Source": "flows.sources.base", "SourceResult": "flows.sources.common", "Window": "flows.sources.common"}


def __getattr__(name: str) -> object:
    if name == "SOURCES":
        sources = {source: importlib.import_module(f"{__name__}.{source}").source for source in REGISTERED}
        misnamed = [f"{key} (its module's source is {found.name!r})" for key, found in sources.items() if found.name != key]
        if misnamed:
            raise ValueError(f"REGISTERED names a source its module does not: {', '.join(misnamed)}")
        value: object = sources
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


class UnknownSource(ValueError):
    """A source name the registry does not know."""


def get_source(name: str) -> Source:
    from flows.sources import SOURCES  # noqa: PLC0415 - the registry's modules, imported on first use

    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownSource(f"unknown source {name!r}; known sources: {', '.join(sorted(SOURCES))}") from None


def site_urls() -> dict[str, str]:
    """Every site the registered sources ask, with its live base URL (`REGISTERED`): the defaults of
    the `base_urls` setting."""
    urls: dict[str, str] = {}
    for sites in REGISTERED.values():
        for site, url in sites.items():
            if urls.setdefault(site, url) != url:
                raise ValueError(f"site {site!r} is declared twice with different URLs ({urls[site]}, {url})")
    return urls


def region_site_urls(region: Region) -> dict[str, str]:
    """The region's notice sites (`[[sites]]` of its region.toml), with their live base URLs: the rest
    of the `base_urls` defaults. A key a source already declares must not be redeclared otherwise."""
    declared = site_urls()
    clash = [s.key for s in region.sites if s.key in declared and declared[s.key] != s.base_url]
    if clash:
        raise ValueError(f"region {region.code}: site(s) {', '.join(clash)} are a source's, with another URL")
    return {site.key: site.base_url for site in region.sites}
