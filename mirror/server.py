"""`MirrorServer`: the std.samr.gov.cn site of the mirror on its own loopback port.

The site itself (paths, parameters, formats) is `mirror.sites.samr.SamrApp` (still
importable here as `MirrorApp`); the HTTP plumbing is `mirror.web.SiteServer`. To run
every portal at once (std.samr, openstd, hbba, dbba, ttbz, qybz, www.suzhou.gov.cn), use
`mirror.cluster.MirrorCluster`.

Faults (5xx, 429, resets, WAF pages) plug in through `fault_policy`: a callable that sees
each `Request` first and may answer it instead of the mirror. How many rows a list page serves
and in which order follow `corpus.variants` (`mirror.variants`), read on every request.
"""

from __future__ import annotations

from mirror.corpus import Corpus
from mirror.sites.samr import (
    DEFAULT_PAGE_SIZE, GB_DETAIL_PATH, HB_DETAIL_PATH, LIST_PATH, ORG_DETAIL_PATH, ORG_LIST_PATH, SamrApp,
)
from mirror.web import BadRequest, FaultPolicy, Request, Response, SiteServer

MirrorApp = SamrApp

__all__ = [
    "DEFAULT_PAGE_SIZE", "GB_DETAIL_PATH", "HB_DETAIL_PATH", "LIST_PATH", "ORG_DETAIL_PATH",
    "ORG_LIST_PATH", "BadRequest", "FaultPolicy", "MirrorApp", "MirrorServer", "Request", "Response", "SiteServer",
]


class MirrorServer(SiteServer):
    """The std.samr.gov.cn mirror on 127.0.0.1 (port 0 = any free port), serving in a background thread.

    >>> with MirrorServer(Corpus()) as mirror:
    ...     httpx.get(mirror.base_url + "/gb/search/gbAdvancedSearchPage", params={"tid": 2})
    """

    def __init__(self, corpus: Corpus, host: str = "127.0.0.1", port: int = 0,
                 fault_policy: FaultPolicy | None = None) -> None:
        super().__init__(SamrApp(corpus), host, port, fault_policy, site="samr")
        self.corpus = corpus

    def start(self) -> MirrorServer:
        super().start()
        return self

    def __enter__(self) -> MirrorServer:
        return self.start()
