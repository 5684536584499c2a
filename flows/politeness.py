"""Politeness shared by every worker (`shared_politeness = "prefect"`): each host:port's rate and
concurrency kept by the Prefect server's global concurrency limits, so that the workers of a province,
crawling one national portal for several cities at once, keep to its configured rate together.

Two limits per host:port, created on a run's first request there (or updated to the configured values:
every worker must be given the same `rate_per_second`/`concurrency`/`hosts`, or the last one wins):

- `stdwatch-rate-<host>:<port>`: one slot, decaying at the host's rate per second, taken (in Prefect's
  `rate_limit` mode) before each request and never given back; the server frees it 1/rate s after. Takings
  are therefore at least 1/rate s apart across all workers: at most 1 + rate·T requests in any T seconds.
  Prefect's server restarts the decay at each refused attempt, so under contention the rate reached is
  below the configured one, never above it (two processes sharing 4/s reached 1.3/s together on this
  2-core machine at load 20); a process asks for the rate slot from one thread at a time, and not
  before it can be free, so as not to restart the decay for nothing.
- `stdwatch-slots-<host>:<port>`: `concurrency` slots without decay, held for the request under a lease
  longer than any request, which the server lets expire if the worker holding it dies.

The concurrency slot is taken first and the rate slot under it, so a request leaves right after its
rate slot; the other way round, requests would queue behind the concurrency slots and leave together.

A slot not had within the request deadline, or a Prefect API that fails, is that request's failure
(`extract.http.PolitenessUnavailable`, a page the source records as lost). The failure is remembered:
the host's later requests in the same run fail at once with the same reason instead of each waiting
again, so a dead Prefect server costs one wait per host, not a hung night.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from contextlib import AbstractContextManager
from typing import Callable, TypeVar

import httpx

from flows.settings import Settings, SettingsError

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A concurrency slot's lease: longer than any request (the request deadline, plus a margin), within
# what Prefect accepts. A worker that dies holding a slot gives it back when the lease expires.
LEASE_MIN_SECONDS, LEASE_MAX_SECONDS, LEASE_MARGIN_SECONDS = 60.0, 86_400.0, 30.0
RATE_PREFIX = "stdwatch-rate-"
SLOTS_PREFIX = "stdwatch-slots-"


def host_gates(settings: Settings) -> Callable[[str, float, int], AbstractContextManager] | None:
    """The `host_gate` factory of `extract.http.HttpClient` for these settings: None keeps the client's
    own in-process gate (`shared_politeness = "none"`)."""
    if settings.shared_politeness == "none":
        return None
    from prefect.settings import PREFECT_API_URL  # noqa: PLC0415 - only a shared run talks to the server

    api_url = PREFECT_API_URL.value()
    if not api_url:
        raise SettingsError('shared_politeness = "prefect" needs PREFECT_API_URL: the Prefect server every worker '
                            "shares (a worker sets it for its flow runs); without one nothing would be shared")
    timeout = settings.request_deadline_seconds

    def gate(key: str, rate: float, concurrency: int) -> AbstractContextManager:
        return PrefectHostGate(key, rate, concurrency, timeout=timeout, api_url=api_url)

    return gate


class PrefectHostGate:
    """One host:port's politeness on the Prefect server (see the module docstring); a context manager
    entered around each request, by any number of threads.

    It talks to the server through Prefect's client API, one call per slot and one to give the
    concurrency slot back, and waits out a refusal (HTTP 423) for the Retry-After the server names.
    (`prefect.concurrency.sync.concurrency` also starts a lease-renewal thread and emits events for
    every slot: two threads got 1.1 requests/s through it, 6.8 through this, on this loaded machine.)
    The lease outlives any request (`request_deadline_seconds` cuts a request first), so it needs no
    renewal; a worker that dies holding it frees it when it expires."""

    def __init__(self, key: str, rate: float, concurrency: int, *, timeout: float, api_url: str) -> None:
        self.key = key
        self.rate_limit = RATE_PREFIX + key
        self.slots_limit = SLOTS_PREFIX + key
        self._rate, self._concurrency = rate, max(1, concurrency)
        self._timeout = timeout
        self._lease_seconds = min(max(LEASE_MIN_SECONDS, timeout + LEASE_MARGIN_SECONDS), LEASE_MAX_SECONDS)
        self._api_url = api_url
        self._lock = threading.Lock()
        self._rate_turn = threading.Lock()
        self._last_rate_slot = float("-inf")
        self._client = None
        self._failed: str | None = None
        self._held = threading.local()  # each thread's lease, for __exit__

    def __enter__(self) -> None:
        if self._failed is not None:
            raise RuntimeError(f"{self._failed} (earlier in this run: this host asks nothing more)")
        try:
            self._held.lease = _within(self._timeout, self._take_slots)
        except TimeoutError as exc:
            self._failed = f"no Prefect slot for {self.key} within {self._timeout:g} s (server {self._api_url}): {exc}"
            raise RuntimeError(self._failed) from None
        except Exception as exc:
            self._failed = (f"the Prefect server at {self._api_url} gave no slot for {self.key}: "
                            f"{type(exc).__name__}: {exc}")
            raise RuntimeError(self._failed) from exc

    def __exit__(self, *exc: object) -> None:
        """Give the concurrency slot back. A release that fails loses nothing fetched: the lease expires
        on the server, so it is a warning, not the request's failure."""
        lease, self._held.lease = self._held.lease, None
        try:
            _within(self._timeout, lambda: self._client.release_concurrency_slots_with_lease(lease))
        except Exception as exc:
            logger.warning("could not give back the Prefect slot for %s (its lease expires within %g s): %s",
                           self.key, self._lease_seconds, exc)

    def close(self) -> None:
        if self._client is not None:
            self._client.__exit__(None, None, None)

    def _take_slots(self) -> str:
        """The concurrency slot (its lease id), then the rate slot under it, waiting out refusals."""
        deadline = time.monotonic() + self._timeout
        client = self._ready_client()
        taken = self._take(deadline, lambda: client.increment_concurrency_slots_with_lease(
            names=[self.slots_limit], slots=1, mode="concurrency", lease_duration=self._lease_seconds))
        lease = taken.json()["lease_id"]
        if self._rate > 0:
            try:
                self._take_rate_slot(deadline, client)
            except BaseException:
                client.release_concurrency_slots_with_lease(lease)
                raise
        return lease

    def _take_rate_slot(self, deadline: float, client) -> None:
        """The rate slot, asked by one thread of this process at a time and not before 1/rate s after this
        process last had it (it cannot be free sooner): every refused attempt restarts the server's decay,
        so asking early only slows every worker down."""
        with self._rate_turn:
            early = self._last_rate_slot + 1.0 / self._rate - time.monotonic()
            if early > 0:
                time.sleep(early)
            self._take(deadline, lambda: client.increment_concurrency_slots(names=[self.rate_limit], slots=1,
                                                                             mode="rate_limit"))
            self._last_rate_slot = time.monotonic()

    def _take(self, deadline: float, ask: Callable[[], httpx.Response]) -> httpx.Response:
        while True:
            try:
                answer = ask()
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code != 423:  # 423 Locked: no slot free yet
                    raise
                wait = float(exc.response.headers.get("Retry-After", "1"))
                if time.monotonic() + wait > deadline:
                    raise TimeoutError(f"{self.key} stayed busy (every slot taken)") from None
                time.sleep(wait)
                continue
            if not _limits_of(answer.json()):  # the server ignores a limit that is missing: never unlimited
                raise RuntimeError(f"the limits of {self.key} are gone from the server (deleted while running?)")
            return answer

    def _ready_client(self):
        """The gate's client, once its host's limits exist with the configured values."""
        from prefect.client.orchestration import get_client  # noqa: PLC0415 - see host_gates
        from prefect.exceptions import ObjectAlreadyExists  # noqa: PLC0415

        with self._lock:
            if self._client is None:
                # Its own client: in a flow run get_client would hand out the engine's (its context), which
                # this gate must neither share between threads nor close.
                client = get_client(sync_client=True, httpx_settings={"timeout": httpx.Timeout(self._timeout)})
                client.__enter__()
                wanted = [(self.slots_limit, self._concurrency, 0.0)]
                if self._rate > 0:
                    wanted.append((self.rate_limit, 1, self._rate))
                try:
                    for name, limit, decay in wanted:
                        try:
                            client.upsert_global_concurrency_limit_by_name(name, limit, decay)
                        except ObjectAlreadyExists:  # another worker created it between our read and our create
                            client.upsert_global_concurrency_limit_by_name(name, limit, decay)
                except BaseException:
                    client.__exit__(None, None, None)
                    raise
                self._client = client
            return self._client


def _limits_of(answer: object) -> list:
    return answer.get("limits", []) if isinstance(answer, dict) else list(answer or [])


def _within(seconds: float, call: Callable[[], T]) -> T:
    """`call()` in a daemon thread, waited for at most `seconds` (TimeoutError past them: the Prefect
    client's own retries on a server that accepts and never answers take minutes); its result or its
    error comes back here."""
    done: list[tuple[T | None, BaseException | None]] = []

    def run() -> None:
        try:
            done.append((call(), None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            done.append((None, exc))

    context = contextvars.copy_context()  # the caller's Prefect settings (a flow run's API URL) go with it
    thread = threading.Thread(target=context.run, args=(run,), name="stdwatch-prefect-limits", daemon=True)
    thread.start()
    thread.join(seconds)
    if not done:
        raise TimeoutError(f"the Prefect API did not answer within {seconds:g} s")
    result, error = done[0]
    if error is not None:
        raise error
    return result
