"""The source registry: every source a run can crawl or re-parse, by name.

A source is a `flows.sources.base.Source` (its contract is there). Adding one is its own
modules (`extract/sources/<name>.py`, `transform/parsers/<name>.py`, `flows/sources/<name>.py`,
fixtures, a mirror route) and one line in `_REGISTERED` below; the pipeline never names a source.
"""

from __future__ import annotations

from flows.sources import notices, openstd, qybz, sacinfo, samr, tc, ttbz
from flows.sources.base import Source
from flows.sources.common import SourceResult, Window
from transform.region import Region

_REGISTERED: tuple[Source, ...] = (
    samr.source,
    sacinfo.source,
    openstd.source,
    ttbz.source,
    qybz.source,
    tc.source,
    notices.source,
)
SOURCES: dict[str, Source] = {source.name: source for source in _REGISTERED}

__all__ = ["SOURCES", "Source", "SourceResult", "UnknownSource", "Window", "get_source", "region_site_urls",
           "site_urls"]


class UnknownSource(ValueError):
    """A source name the registry does not know."""


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownSource(f"unknown source {name!r}; known sources: {', '.join(sorted(SOURCES))}") from None


def site_urls() -> dict[str, str]:
    """Every site the registered sources ask, with its live base URL (`Source.sites`): the defaults of
    the `base_urls` setting."""
    urls: dict[str, str] = {}
    for source in _REGISTERED:
        for site, url in source.sites.items():
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
