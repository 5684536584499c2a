"""`ProvinceMirror`: several regions' mirrors on one set of ports, the way a province's cities meet the portals.

The national registries (std.samr, openstd, hbba/dbba/ba, ttbz, qybz) and the province's bureau
(scjgj_jiangsu) are one portal for every city; each city also has notice sites of its own. So a site
that several regions serve listens on one port for all of them, and a city's own site on its own port:
two cities' crawls of a registry are two clients of one host:port, as on the live portals, and the
rate that host:port saw (`requests`, with their arrival times) is what a shared politeness must bound.

Behind a shared port every region keeps its own corpus, and so its own ground truth: a `RegionRouter`
answers each request from the corpus of the region its User-Agent names (`region/<code>`, e.g. a
worker whose `STDWATCH_USER_AGENT` ends in "region/3202"). A request naming no region it serves is
refused (400), never guessed. Unlike the live registries, each region sees only its own corpus there;
the politeness under test does not depend on what a page says.

>>> with ProvinceMirror([Corpus(region="3205"), Corpus(region="3202")]) as province:
...     province.env("3202")        # {"STDWATCH_BASE_URLS__SAMR": "http://127.0.0.1:40123", …}
...     province.requests("samr")   # both regions' requests to the shared std.samr, oldest first
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirror.cluster import Servers
from mirror.corpus import Corpus
from mirror.sites import region_apps
from mirror.web import App, Request, Response, SiteServer

_REGION_TOKEN = re.compile(r"\bregion/(\d+)\b")


def region_of(request: Request) -> str | None:
    """The region code a request's User-Agent names (`region/<code>`), or None."""
    found = _REGION_TOKEN.search(request.header("User-Agent"))
    return found.group(1) if found else None


class RegionRouter:
    """One site of several regions: each request is answered by the app of the region it names."""

    def __init__(self, apps: dict[str, App]) -> None:
        self.apps = apps

    def handle(self, request: Request) -> Response:
        app = self.apps.get(region_of(request) or "")
        if app is None:
            return Response(400, (f"this port serves regions {', '.join(self.apps)}: name one in the User-Agent "
                                  "(region/<code>)\n").encode(), "text/plain;charset=UTF-8")
        return app.handle(request)


class ProvinceMirror(Servers):
    """The sites of every region of `corpora` on 127.0.0.1, a shared site once (see the module docstring)."""

    def __init__(self, corpora: Sequence[Corpus], host: str = "127.0.0.1") -> None:
        self.corpora = {corpus.region.code: corpus for corpus in corpora}
        if len(self.corpora) != len(corpora):
            raise ValueError("each region once: " + ", ".join(corpus.region.code for corpus in corpora))
        apps: dict[str, dict[str, App]] = {}
        for code, corpus in self.corpora.items():
            for site, factory in region_apps(corpus).items():
                apps.setdefault(site, {})[code] = factory(corpus)
        self.regions = {site: tuple(by_region) for site, by_region in apps.items()}
        self.servers = {
            site: SiteServer(next(iter(by_region.values())) if len(by_region) == 1 else RegionRouter(by_region),
                             host, 0, site=site)
            for site, by_region in apps.items()
        }
        self._apps = apps

    # -- lifecycle -------------------------------------------------------------------------------
    def link_peers(self) -> None:
        for code in self.corpora:  # where a site redirects to (hbba/dbba → ba: `mirror.variants`)
            for by_region in self._apps.values():
                if hasattr(by_region.get(code), "peers"):
                    by_region[code].peers = self.base_urls(code)

    # -- addresses ---------------------------------------------------------------------------------
    def shared_sites(self) -> tuple[str, ...]:
        """The sites more than one region reads (one port for all of them)."""
        return tuple(site for site, codes in self.regions.items() if len(codes) > 1)

    def base_urls(self, code: str) -> dict[str, str]:
        """Base URL per site of one region, keyed by the product's site keys."""
        return {site: self.servers[site].base_url for site, codes in self.regions.items() if code in codes}

    def env(self, code: str) -> dict[str, str]:
        """The STDWATCH_* variables that point a run of region `code` at its sites (and at its plan page)."""
        urls = self.base_urls(code)
        env = {f"STDWATCH_BASE_URLS__{site.upper()}": url for site, url in urls.items()}
        plan_path = self.corpora[code].plan_url_path
        if "suzhou_gov" in urls and plan_path:
            env["STDWATCH_PLAN_URL"] = urls["suzhou_gov"] + plan_path
        return env

    # -- logs ----------------------------------------------------------------------------------------
    def requests(self, site: str) -> list[Request]:
        """One site's requests (up to the last 20,000), oldest first, each with its `received_at`."""
        return self.servers[site].requests()

    def peak_in_flight(self, site: str) -> int:
        return self.servers[site].peak_in_flight
