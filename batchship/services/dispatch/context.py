"""What every request of one run shares (the client, the language, the retry policy, the stop event, the
journal, and the run's counters), and where a run sends (`Target`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from batchship.errors import BatchshipError, NotAppliedError, OutcomeUnknownError
from batchship.i18n import Lang, Msg
from batchship.journal import JournalStore, Settlement
from batchship.naver.auth import Credentials
from batchship.naver.client import MAX_QUERY, CommerceClient, OrderState
from batchship.naver.ratelimit import RateLimiter
from batchship.naver.retry import Budget, RetryPolicy


@dataclass
class Counters:
    """Calls made so far, shared by the worker threads (always changed through `add`)."""

    requests: int = 0
    retries: int = 0
    lookups: int = 0
    trace_ids: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)

    def trace(self, trace_id: str) -> None:
        if trace_id:
            with self._lock:
                self.trace_ids.append(trace_id)


@dataclass
class RunContext:
    """client: the Commerce API client; lang: of row messages; retry: the budget of one request; stop: set to
    stop sending (requests in flight finish); journal: where attempts are recorded (None: nowhere); source: the
    sheet's path, recorded with each attempt; counters: the run's figures."""

    client: CommerceClient
    lang: Lang = "ko"
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    stop: threading.Event = field(default_factory=threading.Event)
    journal: JournalStore | None = None
    source: str = ""
    counters: Counters = field(default_factory=Counters)
    #: Why the run stopped on its own (credentials refused, the journal failing), set where it was met.
    fatal: BatchshipError | None = None

    def fail(self, error: BatchshipError) -> None:
        """Stop the run: no request starts after this; the first error is the one reported."""
        self.fatal = self.fatal or error
        self.stop.set()

    def settle(self, settlements: Sequence[Settlement]) -> None:
        if self.journal is not None and settlements:
            self.journal.finish(settlements)

    def lookup(self, product_order_ids: list[str]) -> tuple[dict[str, OrderState] | None, Msg | None]:
        """Look orders up, retrying (a lookup changes nothing, so it is always safe to repeat); on failure,
        None and why."""
        budget = Budget(self.retry)
        calls = -(-len(product_order_ids) // MAX_QUERY)  # one lookup call per 300 orders
        while True:
            budget.spend()
            self.counters.add("lookups", calls)
            try:
                return self.client.query(product_order_ids), None
            except (NotAppliedError, OutcomeUnknownError) as exc:
                if not budget.can_retry():
                    return None, exc.msg
                budget.wait()


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send. base_url and credentials: the Commerce API (credentials may be None for a dry run);
    transport: an httpx transport to use instead of the network (tests); seed: told the sheet's order numbers
    before anything is sent (the practice sandbox uses it to know the orders); note: what a face should say
    about the target before the run (the practice store's contents); limiter: the pacing to use instead of
    the run's own (stores served at once that share one application share its limiter: NAVER's bucket is per
    application)."""

    base_url: str
    credentials: Credentials | None = None
    transport: httpx.BaseTransport | None = None
    seed: Callable[[list[str]], None] | None = None
    note: Msg | None = None
    limiter: RateLimiter | None = None
