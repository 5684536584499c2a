"""`MirrorCluster`: every portal of the mirror at once, each on its own loopback port.

hbba and dbba share their paths, so each portal is its own site (`mirror.sites`), served by
its own `mirror.web.SiteServer`; std.samr is a `mirror.server.MirrorServer`, as before.

>>> with MirrorCluster(build_corpus()) as cluster:
...     cluster.base_urls["dbba"]          # "http://127.0.0.1:40123"
...     cluster.env()                       # {"STDWATCH_BASE_URLS__DBBA": "http://127.0.0.1:40123", …}
...     cluster.requests_to("dbba", "/stdDetail/")
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from mirror.corpus import Corpus
from mirror.variants import Variants
from mirror.server import MirrorServer
from mirror.sites import SITES, region_apps
from mirror.web import FaultPolicy, Request, SiteServer

__all__ = ["SITES", "MirrorCluster"]

# The static CMS sites that honour conditional requests under `conditional=yes` (`mirror.variants`).
CONDITIONAL_SITES = frozenset({"scjgj_suzhou", "suzhou_gov", "scjgj_jiangsu"})


class Servers:
    """What a set of site servers (`self.servers`, started by `start`) does as a whole: a context
    manager that starts them and stops them side by side."""

    servers: Mapping[str, SiteServer]

    def start(self):
        """Start every server, or none (one that fails stops those started), then `link_peers`."""
        started = []
        try:
            for server in self.servers.values():
                server.start()
                started.append(server)
        except BaseException:
            for server in started:
                server.stop()
            raise
        self.link_peers()
        return self

    def link_peers(self) -> None:
        """Tell each site that redirects to another where that one listens, once all are listening."""

    def stop(self) -> None:
        # Each server's shutdown waits for its serve loop's next poll: stop them side by side.
        threads = [threading.Thread(target=server.stop) for server in self.servers.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class MirrorCluster(Servers):
    """One loopback server per site (`sites=None`: every site of the corpus's region, `mirror.sites.region_apps`).

    `fault_policy` is one callable for every site (it sees `Request.site`) or a mapping
    site → callable; each server's `fault_policy` attribute can also be set while running.
    `ports` optionally fixes a site's port (default: any free port). `variants` (default: the
    corpus's own, `mirror.variants`) says how contested portal facts are served.
    """

    def __init__(self, corpus: Corpus, sites: Iterable[str] | None = None, host: str = "127.0.0.1",
                 fault_policy: FaultPolicy | Mapping[str, FaultPolicy] | None = None,
                 ports: Mapping[str, int] | None = None, variants: Variants | None = None) -> None:
        apps = region_apps(corpus)
        chosen = tuple(apps if sites is None else sites)
        unknown = [s for s in chosen if s not in apps]
        if unknown:
            raise ValueError(f"unknown mirror site(s) {unknown} for region {corpus.region.code}: "
                             f"choose from {', '.join(apps)}")
        if variants is not None:
            corpus.variants = variants
        self.corpus = corpus
        self.variants = corpus.variants
        ports = dict(ports or {})
        self.servers: dict[str, SiteServer] = {}
        for site in chosen:
            policy = fault_policy.get(site) if isinstance(fault_policy, Mapping) else fault_policy
            if site == "samr":
                server: SiteServer = MirrorServer(corpus, host, ports.get(site, 0), policy)
            else:
                server = SiteServer(apps[site](corpus), host, ports.get(site, 0), policy, site=site)
            self.servers[site] = server
        if self.variants.conditional == "yes":
            for site in CONDITIONAL_SITES & set(self.servers):
                self.servers[site].conditional = True
        if self.variants.drift:
            from mirror.drift import drift_filter  # noqa: PLC0415 - only the drifted variant needs it

            for site, server in self.servers.items():
                server.response_filter = drift_filter(self.variants.drift, site)

    def link_peers(self) -> None:
        for server in self.servers.values():  # where a site redirects to (hbba/dbba → ba: `mirror.variants`)
            if hasattr(server.app, "peers"):
                server.app.peers = self.base_urls

    # -- addresses ---------------------------------------------------------------------------------
    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(self.servers)

    @property
    def base_urls(self) -> dict[str, str]:
        """Base URL per site, keyed by the product's source keys (samr, openstd, hbba, dbba, ttbz, qybz, suzhou_gov)."""
        return {site: server.base_url for site, server in self.servers.items()}

    @property
    def plan_url(self) -> str:
        """The plan article's full URL on the suzhou_gov site (the product's `plan_url` setting)."""
        return self.servers["suzhou_gov"].base_url + self.corpus.plan_url_path

    def env(self) -> dict[str, str]:
        """The environment that points stdwatch at this cluster: `STDWATCH_BASE_URLS__<SITE>` for every
        site, and `STDWATCH_PLAN_URL` when the suzhou_gov site is served (with the plan page)."""
        env = {f"STDWATCH_BASE_URLS__{site.upper()}": url for site, url in self.base_urls.items()}
        if "suzhou_gov" in self.servers and self.corpus.plan_url_path:
            env["STDWATCH_PLAN_URL"] = self.plan_url
        return env

    def __getitem__(self, site: str) -> SiteServer:
        return self.servers[site]

    # -- logs ----------------------------------------------------------------------------------------
    def request_log(self, site: str) -> dict[str, int]:
        """Requests one site received so far, per path."""
        return self.servers[site].request_log

    def requests_to(self, site: str, prefix: str = "/") -> int:
        """Requests one site received so far whose path starts with `prefix`."""
        return self.servers[site].requests_to(prefix)

    def requests(self, site: str) -> list[Request]:
        """One site's most recent requests (method, path, query, headers, body), oldest first."""
        return self.servers[site].requests()

    def reset_log(self, site: str | None = None) -> None:
        for name in ([site] if site else self.servers):
            self.servers[name].reset_log()

    def set_fault_policy(self, policy: FaultPolicy | None, site: str | None = None) -> None:
        """Install (or remove, with None) a fault policy on one site or on all."""
        for name in ([site] if site else self.servers):
            self.servers[name].fault_policy = policy
