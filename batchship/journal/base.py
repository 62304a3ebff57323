"""What every journal store is: attempt states, the attempt record, and the protocol the services call.

A store records every attempt to dispatch an order *before* its request leaves (`begin`, state PENDING, one
committed transaction for the whole request) and settles it when the answer comes (`finish`). Nothing is
deleted: the journal is also the audit trail. Orders are keyed by the API account and the product order number.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from batchship.domain.plan import DispatchItem


class AttemptState(enum.StrEnum):
    """PENDING: written before sending, not yet answered (a run that died leaves these); SUCCESS: dispatched;
    FAILED: NAVER refused it; NOT_APPLIED: certainly not applied (safe to send again); UNKNOWN: the answer was
    lost and the lookup could not settle it."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"
    NOT_APPLIED = "not_applied"
    UNKNOWN = "unknown"


#: Attempts whose outcome is not known: reconciled with the order lookup before anything new is sent.
UNSETTLED: tuple[AttemptState, ...] = (AttemptState.PENDING, AttemptState.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt to dispatch one order, as the journal holds it."""

    id: int
    account: str
    product_order_id: str
    run_id: str
    request_id: str
    delivery_method: str
    courier: str
    tracking: str
    dispatch_date: str
    source: str
    state: AttemptState
    code: str
    message: str
    trace_id: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Settlement:
    """An answer for one attempt: its id, the new state, NAVER's code, a message and NAVER's trace id."""

    attempt: int
    state: AttemptState
    code: str = ""
    message: str = ""
    trace_id: str = ""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One dispatching run, as the journal holds it: who started it and from where (`face`: cli, watch, web),
    the sheet, when, and once it ended, its rows by status (JSON text) and the files it wrote."""

    run_id: str
    account: str
    started_by: str
    face: str
    source: str
    started_at: str
    finished_at: str = ""
    counts: str = ""
    result_file: str = ""
    retry_file: str = ""


class JournalStore(Protocol):
    """A journal opened for one API account (see `open_journal`). Thread-safe; use as a context manager."""

    location: str
    account: str
    run_id: str

    def acquire(self, on_wait: Callable[[], None] | None = None) -> None:
        """Hold the run lock: one dispatching run per journal at a time (`on_wait` is called once when
        another run holds it, then this blocks until it is free)."""

    def release(self) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> JournalStore: ...

    def __exit__(self, *exc: object) -> None: ...

    def start_run(self, started_by: str, face: str, source: str) -> None:
        """Record that this store's run (`run_id`) started: by whom, from which face, on which sheet."""

    def end_run(self, run_id: str, counts: str, result_file: str, retry_file: str) -> None:
        """Record how run `run_id` ended: rows by status (JSON text) and the files written."""

    def runs(self, since: str = "", limit: int = 200) -> list[RunRecord]:
        """Runs of every account started at or after `since`, newest first."""

    def begin(self, items: Sequence[DispatchItem], source: str) -> list[int]:
        """Record `items` as PENDING, committed before the request is sent; returns their attempt ids."""

    def finish(self, settlements: Iterable[Settlement]) -> None:
        """Record answers, in one committed transaction."""

    def unsettled(self) -> list[Attempt]:
        """Attempts of this account whose outcome is not known (PENDING or UNKNOWN), oldest first."""

    def first_success(self, product_order_ids: Sequence[str]) -> dict[str, Attempt]:
        """The first successful attempt of each order that has one."""

    def latest_unsettled(self, product_order_ids: Sequence[str]) -> dict[str, Attempt]:
        """Orders whose latest attempt is still PENDING or UNKNOWN."""

    def history(self, product_order_ids: Sequence[str]) -> list[Attempt]:
        """Every attempt for these orders, any account, oldest first."""

    def attempts_since(self, since: str) -> list[Attempt]:
        """Every attempt of any account created at or after `since` (a date or date-time, KST), oldest first."""

    def import_history(self, attempts: Sequence[Attempt], runs: Sequence[RunRecord]) -> None:
        """Copy another journal's attempts and runs in, in one transaction (`batchship journal migrate`); refused
        when this journal already holds attempts."""


def schema(id_column: str, claim_index: str = "") -> dict[int, str]:
    """The journal's migrations, `n` taking a journal from schema version n to n+1, in the SQL both stores
    speak; `id_column`: the store's auto-numbered key; `claim_index`: what only a shared database adds."""
    return {
        0: f"""
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS attempts (
            id {id_column},
            account TEXT NOT NULL,
            product_order_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            request_id TEXT NOT NULL,
            delivery_method TEXT NOT NULL,
            courier TEXT NOT NULL DEFAULT '',
            tracking TEXT NOT NULL DEFAULT '',
            dispatch_date TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('pending', 'success', 'failed', 'not_applied', 'unknown')),
            code TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            trace_id TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS attempts_order ON attempts (account, product_order_id, id);
        CREATE INDEX IF NOT EXISTS attempts_state ON attempts (account, state);
        CREATE INDEX IF NOT EXISTS attempts_time ON attempts (created_at);
        {claim_index}
        """,
        1: """
        CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            started_by TEXT NOT NULL DEFAULT '',
            face TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL DEFAULT '',
            counts TEXT NOT NULL DEFAULT '',
            result_file TEXT NOT NULL DEFAULT '',
            retry_file TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS runs_time ON runs (started_at)
        """,
    }


def first_successes(attempts: Iterable[Attempt]) -> dict[str, Attempt]:
    """The first successful attempt of each order among `attempts` (oldest first)."""
    found: dict[str, Attempt] = {}
    for a in attempts:
        if a.state == AttemptState.SUCCESS:
            found.setdefault(a.product_order_id, a)
    return found


def latest_unsettled(attempts: Iterable[Attempt]) -> dict[str, Attempt]:
    """The orders whose latest attempt among `attempts` (oldest first) is still without an outcome."""
    latest = {a.product_order_id: a for a in attempts}
    return {pid: a for pid, a in latest.items() if a.state in UNSETTLED}


def attempts_csv(attempts: Iterable[Attempt]) -> str:
    """Attempts as CSV, a header line first (`batchship journal export`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(Attempt.__slots__)
    for a in attempts:
        writer.writerow([getattr(a, name) for name in Attempt.__slots__])
    return buffer.getvalue()
