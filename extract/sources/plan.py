"""plan — the plan document's own page on a government portal: one GET, archived like any fetch.

Contract (portals.md §6; grades [C] confirmed, [C1] one source, [I] inference). This project
has never reached the live sites: check every [C1]/[I] item on the first live run.

Page — `GET <plan_url>`, HTML, UTF-8 [I] (the client falls back to the `<meta>` charset, then
GB18030). `plan_url` is a setting: the article page of the plan, e.g. on www.suzhou.gov.cn
`/szsrmzf/<column>/<YYYYMM>/<32 hex>.shtml` [C]. That CMS puts the title in `<ucaptitle>`, the
body in **`<ucapcontent>`**, the publication time in `meta[name="PubDate"]` [C]; Jiangsu's
Hanweb sites use `#zoom` / `.main-txt` [C]. A plain-text copy is served as is.
  Headers: none required [I]; we send `Accept: text/html` and the site root as `Referer`.
  Response fields: none are read here. `transform.plan` finds the article body, removes
  injected spam (the Suzhou page carries it [C]), and reads title, document number and issue
  date; `transform.targets` finds the targets.

Paging and watermark: none. The page is fetched on every run it is configured for; its
sha256 in `raw.response` tells whether it changed.

Blocks: Hanweb sites answer HTTP 521 JS challenges on HTML pages [C]; `extract.http` raises
`Blocked`, and the previous run's targets stay in force.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from extract.http import Fetched, HttpClient
from extract.sources import ListPageError

SOURCE = "plan"


class PlanPageError(ListPageError):
    """The plan page answered, but not with a page (an HTTP error status)."""


def page_headers(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return {
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8",
        "Referer": f"{parts.scheme}://{parts.netloc}/",
    }


def fetch_plan_page(client: HttpClient, url: str) -> Fetched:
    """The plan page as archived. Raises PlanPageError on an HTTP error status, and whatever
    `HttpClient.fetch` raises (Blocked, FetchFailed, DisallowedHost, …)."""
    fetched = client.fetch("GET", url, source=SOURCE, headers=page_headers(url))
    if not fetched.ok:
        raise PlanPageError(f"plan page {fetched.url} answered HTTP {fetched.status}", fetched)
    return fetched
