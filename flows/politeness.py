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
  before it can be free, so as not to restart the decay for nothing. A slot that nobody gives back
  cannot leak: if a worker dies, or an answer is lost after the server took the slot, it decays.
- `stdwatch-slots-<host>:<port>`: `concurrency` slots without decay, held for the request under a lease
  longer than any request, which the server lets expire if the worker holding it dies.

The concurrency slot is taken first and the rate slot under it, so a request leaves right after its
rate slot; the other way round, requests would queue behind the concurrency slots and leave together.

Waiting is bounded twice, and the two are told apart:
- **A busy host** (the server answers, every slot is taken): a request waits, for at most a lease plus
  the request deadline (a slot held by a dead worker comes back within a lease), then fails alone
  (`extract.http.PolitenessUnavailable`, a page the source records as lost); the host's next request
  asks again. A process asks the server for no more concurrency slots than the host's `concurrency`
  and for the rate slot from one thread at a time (its other threads wait in the process, asking
  nothing). A refused concurrency slot is asked again within `POLL_MAX_SECONDS`, not after the
  server's Retry-After: for a limit without decay the server derives that from the slots' average
  occupancy times the refusals so far, up to 30 s (39 with jitter), and a thread that slept it
  through several releases lost its turn to every other. (The rate slot is asked after the server's
  Retry-After: asking it sooner restarts its decay.) An answer that says "again" rather than "no"
  (the server's SQLite answers 503 when two writes collide, in a transaction it rolls back) is asked
  again within the same poll, not after the Prefect client's 2, 4, 8… s backoff.
- **A Prefect API that fails or does not answer** one call within the request deadline: that request
  fails, and the failure is remembered: the host's later requests in the same run fail at once with
  the same reason instead of each waiting again, so a dead Prefect server costs one wait per host,
  not a hung night.
"""

from __future__ import annotations

import contextvars
import logging
import random
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
# A refused concurrency slot, or any "again" answer, is asked again within this (see the module
# docstring). Each ask is one write on the server.
POLL_MAX_SECONDS = 0.5
# Answers that say "ask again" without being a refusal: the statuses Prefect's own client retries (the
# server's SQLite answers 503 when two writes collide), and a kept-alive connection the server closed.
AGAIN_STATUSES = frozenset({408, 429, 502, 503})
AGAIN_ERRORS = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.PoolTimeout)
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

    It makes its host's limits through Prefect's client, then talks to the server's slot endpoints
    itself (`_post`): one call per slot and one to give the concurrency slot back.
    (`prefect.concurrency.sync.concurrency` also starts a lease-renewal thread and emits events for
    every slot: two threads got 1.1 requests/s through it, 6.8 through this, on this loaded machine.)
    The concurrency lease outlives any request (`request_deadline_seconds` cuts a request first), so
    it needs no renewal; a worker that dies holding a slot frees it when its lease expires."""

    def __init__(self, key: str, rate: float, concurrency: int, *, timeout: float, api_url: str) -> None:
        self.key = key
        self.rate_limit = RATE_PREFIX + key
        self.slots_limit = SLOTS_PREFIX + key
        self._rate, self._concurrency = rate, max(1, concurrency)
        self._timeout = timeout
        self._lease_seconds = min(max(LEASE_MIN_SECONDS, timeout + LEASE_MARGIN_SECONDS), LEASE_MAX_SECONDS)
        self._busy_wait = self._lease_seconds + timeout  # a dead holder's slot is back within a lease
        self._api_url = api_url
        self._in_process = threading.BoundedSemaphore(self._concurrency)  # what this process may ask for
        self._lock = threading.Lock()
        self._rate_turn = threading.Lock()
        self._last_rate_slot = float("-inf")
        self._http: httpx.Client | None = None  # the slot calls' client: see _post
        self._failed: str | None = None
        self._held = threading.local()  # each thread's lease, for __exit__

    def __enter__(self) -> None:
        if self._failed is not None:
            raise RuntimeError(f"{self._failed} (earlier in this run: this host asks nothing more)")
        deadline = time.monotonic() + self._busy_wait
        if not self._in_process.acquire(timeout=self._busy_wait):
            raise RuntimeError(self._busy())
        try:
            self._held.lease = self._take_slots(deadline)
        except _Busy:
            self._in_process.release()
            raise RuntimeError(self._busy()) from None
        except TimeoutError as exc:  # a call the API did not answer
            self._in_process.release()
            self._failed = f"no Prefect slot for {self.key} (server {self._api_url}): {exc}"
            raise RuntimeError(self._failed) from None
        except Exception as exc:
            self._in_process.release()
            self._failed = (f"the Prefect server at {self._api_url} gave no slot for {self.key}: "
                            f"{type(exc).__name__}: {exc}")
            raise RuntimeError(self._failed) from exc

    def __exit__(self, *exc: object) -> None:
        """Give the concurrency slot back. A release that fails loses nothing fetched: the lease expires
        on the server, so it is a warning, not the request's failure."""
        lease, self._held.lease = self._held.lease, None
        try:
            self._give_back(lease)
        finally:
            self._in_process.release()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def _busy(self) -> str:
        return (f"no Prefect slot for {self.key} within {self._busy_wait:g} s: every one stayed taken "
                f"(the server at {self._api_url} answered; the host's next request asks again)")

    def _call(self, call: Callable[[], T]) -> T:
        """One call to the API, waited for at most the request deadline."""
        return _within(self._timeout, call)

    def _post(self, path: str, body: dict) -> httpx.Response:
        """One slot call, sent with plain httpx (the Prefect client's base URL and headers: API version,
        auth) rather than through the Prefect client, which sleeps 2, 4, 8… s after each 503 before it
        answers, even with its retries off; under load consecutive 503s (the server's SQLite answers 503
        when two writes collide) took a request past its 120 s deadline (CI). `_ask` asks again within a
        poll instead."""
        answer = self._http.post(path, json=body)
        answer.raise_for_status()
        return answer

    def _give_back(self, lease: str) -> None:
        """Release a lease, asking again while the server says so (until the request deadline). A release
        that fails loses nothing fetched: the lease expires on the server, so it is a warning."""
        try:
            self._ask(time.monotonic() + self._timeout, "v2/concurrency_limits/decrement-with-lease",
                      {"lease_id": lease})
        except Exception as exc:  # noqa: BLE001 - see the docstring
            logger.warning("could not give back a Prefect slot for %s (its lease expires within %g s): %s",
                           self.key, self._lease_seconds, exc)

    def _take_slots(self, deadline: float) -> str:
        """The concurrency slot (its lease id), then the rate slot under it, waiting out refusals until
        `deadline` (then `_Busy`)."""
        if self._http is None:
            self._call(self._ready)
        taken = self._ask(deadline, "v2/concurrency_limits/increment-with-lease",
                          {"names": [self.slots_limit], "slots": 1, "mode": "concurrency",
                           "lease_duration": self._lease_seconds})
        lease = taken.json()["lease_id"]
        if self._rate > 0:
            try:
                self._take_rate_slot(deadline)
            except BaseException:
                self._give_back(lease)
                raise
        return lease

    def _take_rate_slot(self, deadline: float) -> None:
        """The rate slot, asked by one thread of this process at a time and not before 1/rate s after this
        process last had it (it cannot be free sooner): every refused attempt restarts the server's decay,
        so asking early only slows every worker down."""
        if not self._rate_turn.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise _Busy
        try:
            early = self._last_rate_slot + 1.0 / self._rate - time.monotonic()
            if early > 0:
                time.sleep(early)
            self._ask(deadline, "v2/concurrency_limits/increment",
                      {"names": [self.rate_limit], "slots": 1, "mode": "rate_limit"}, follow_retry_after=True)
            self._last_rate_slot = time.monotonic()
        finally:
            self._rate_turn.release()

    def _ask(self, deadline: float, path: str, body: dict, *, follow_retry_after: bool = False) -> httpx.Response:
        """POST `body` to `path` until the server grants it. After a refusal (423) it sleeps the server's
        Retry-After, at most `POLL_MAX_SECONDS` unless `follow_retry_after` (the rate slot: asking sooner
        restarts its decay); after an answer that says "again" (`AGAIN_STATUSES`, `AGAIN_ERRORS`), up to
        `POLL_MAX_SECONDS`. `_Busy` once the next sleep would pass `deadline`."""
        while True:
            try:
                answer = self._call(lambda: self._post(path, body))
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if status == 423:  # Locked: no slot free yet
                    wait = float(exc.response.headers.get("Retry-After", POLL_MAX_SECONDS))
                    wait = wait if follow_retry_after else min(wait, POLL_MAX_SECONDS)
                elif status in AGAIN_STATUSES:
                    wait = random.uniform(0.0, POLL_MAX_SECONDS)
                else:
                    raise
            except AGAIN_ERRORS:
                wait = random.uniform(0.0, POLL_MAX_SECONDS)
            else:
                if answer.content and not _limits_of(answer.json()):  # a missing limit is ignored: never unlimited
                    raise RuntimeError(f"the limits of {self.key} are gone from the server (deleted while running?)")
                return answer
            if time.monotonic() + wait > deadline:
                raise _Busy from None
            time.sleep(wait)

    def _ready(self) -> None:
        """The gate's slot client, once its host's limits exist with the configured values."""
        from prefect.client.orchestration import get_client  # noqa: PLC0415 - see host_gates
        from prefect.exceptions import ObjectAlreadyExists  # noqa: PLC0415

        with self._lock:
            if self._http is not None:
                return
            # Its own client: in a flow run get_client would hand out the engine's (its context), which
            # this gate must neither share between threads nor close.
            with get_client(sync_client=True, httpx_settings={"timeout": httpx.Timeout(self._timeout)}) as client:
                wanted = [(self.slots_limit, self._concurrency, 0.0)]
                if self._rate > 0:
                    wanted.append((self.rate_limit, 1, self._rate))
                for name, limit, decay in wanted:
                    try:
                        client.upsert_global_concurrency_limit_by_name(name, limit, decay)
                    except ObjectAlreadyExists:  # another worker created it between our read and our create
                        client.upsert_global_concurrency_limit_by_name(name, limit, decay)
                base_url, headers = str(client.api_url).rstrip("/") + "/", dict(client._client.headers)  # noqa: SLF001
            self._http = httpx.Client(base_url=base_url, headers=headers, timeout=httpx.Timeout(self._timeout))


class _Busy(Exception):
    """Every slot of the host stayed taken until the wait's end; the server answered throughout."""


def _limits_of(answer: object) -> list:
    return answer.get("limits", []) if isinstance(answer, dict) else list(answer or [])


def _within(seconds: float, call: Callable[[], T]) -> T:
    """`call()` in a daemon thread, waited for at most `seconds` (TimeoutError past them: a server that
    accepts and never answers must not hang the request); its result or its error comes back here."""
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
