"""What every source module shares: the error for a page that cannot be used, and the two checks
that raise it (an HTTP error status; a body that is not JSON)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the settings check a region's notice columns without importing httpx
    from extract.http import Fetched


class ListPageError(Exception):
    """A list page that cannot be paged: not JSON, not the expected shape, or an HTTP error."""

    def __init__(self, message: str, fetched: Fetched) -> None:
        super().__init__(message)
        self.fetched = fetched
        self.url = fetched.url


def ok_page(fetched: Fetched, where: str) -> Fetched:
    """`fetched` when it is a 2xx answer; else ListPageError "<where>: HTTP <status>"."""
    if not fetched.ok:
        raise ListPageError(f"{where}: HTTP {fetched.status}", fetched)
    return fetched


def json_page(fetched: Fetched, where: str) -> Any:
    """The decoded JSON of a 2xx answer; ListPageError (naming `where`) for an error status or a body
    that is not JSON."""
    try:
        return json.loads(ok_page(fetched, where).text)
    except ValueError as exc:
        start = fetched.text[:80].replace("\n", " ")
        raise ListPageError(f"{where}: not JSON ({exc}); it starts {start!r}", fetched) from None
