"""`batchship dispatch`: send every valid row to NAVER in requests of at most 30, and record what came back.

The flow per request, driven by what each failure means (see `api/client.py`):
- a 200: each item succeeded or failed with NAVER's code (a 104442 "not PAYED" is looked up: an order already
  shipped with exactly our courier and tracking number was dispatched, by us or by an earlier attempt);
- not applied (429, 401, 503, no connection): wait (backoff with jitter, the rate limiter paused on a 429)
  and send again, within the retry budget;
- outcome unknown (504, 500, timeout, dropped connection): never resent blindly. The orders are looked up
  first: one now DELIVERING (or later) with our courier and tracking number was sent (success); one still
  PAYED was not, and is sent again; anything else is reported as UNKNOWN with what the lookup saw;
- rejected as a whole (400): split in halves until the rows that cause it are found, so good rows go through.
Requests overlap (a few in flight) so latency does not waste the rate allowance; the limiter keeps the pace.
A stop event (Ctrl-C, SIGTERM) lets requests in flight finish; rows not sent are NOT_SENT.

With a journal (`journal.py`), every attempt is committed as pending before its request leaves and settled
when the answer comes; before anything new is sent, attempts a dead run left unsettled are reconciled with the
lookup, and orders the journal shows dispatched are not sent again.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx

from batchship.api.auth import Credentials
from batchship.api.client import CommerceClient, OrderState
from batchship.api.ratelimit import DEFAULT_RATE, RateLimiter
from batchship.api.retry import Budget, RetryPolicy
from batchship.check import SheetOptions, prepare
from batchship.codes import courier_label
from batchship.errors import ApiError, AuthError, NotAppliedError, OutcomeUnknownError, RejectedError
from batchship.journal import Attempt, Journal
from batchship.messages import DEFAULT_FIX, DISPATCH_MESSAGES, NAVER_FIXES, Lang, code_meaning
from batchship.plan import MAX_BATCH, DispatchItem, batches, items_from
from batchship.report import Report, RowResult, Status
from batchship.results import default_result_path, write_result, write_retry

DISPATCHED_STATUSES: Final = frozenset({"DELIVERING", "DELIVERED", "PURCHASE_DECIDED"})

#: A journal state for each row status an answer settles an attempt to.
_JOURNAL_STATE: Final = {
    Status.SUCCESS: "success",
    Status.ALREADY_DISPATCHED: "success",
    Status.FAILED: "failed",
    Status.NOT_SENT: "not_applied",
    Status.UNKNOWN: "unknown",
}


@dataclass(frozen=True, slots=True)
class DispatchOptions:
    """How to send. rate_limit: requests/second (client-side pacing); batch_size: orders per request (1-30);
    concurrency: requests in flight at most; retry: the retry budget per request; dry_run: build requests,
    send nothing; progress: show a progress bar (when stderr is a terminal)."""

    rate_limit: float = DEFAULT_RATE
    batch_size: int = MAX_BATCH
    concurrency: int = 4
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    dry_run: bool = False
    progress: bool = True


def _msg(key: str, lang: Lang, **values: object) -> str:
    return DISPATCH_MESSAGES[key][lang].format(**values)


def _what(courier: str | None, tracking: str | None, method: str) -> str:
    if tracking:
        return f"{courier_label(courier) if courier else ''} {tracking}".strip()
    return method


def _item_what(item: DispatchItem) -> str:
    return _what(item.delivery_company_code, item.tracking_number, item.delivery_method)


def matches(state: OrderState, courier: str, tracking: str) -> bool:
    """The lookup shows the order dispatched with exactly this courier and tracking number."""
    return (
        state.status in DISPATCHED_STATUSES
        and state.tracking_number == tracking
        and (state.delivery_company == courier)
    )


class Dispatcher:
    """Sends planned requests and turns every answer into one `RowResult` per item."""

    def __init__(
        self,
        client: CommerceClient,
        *,
        lang: Lang = "ko",
        retry: RetryPolicy | None = None,
        stop: threading.Event | None = None,
        journal: Journal | None = None,
        source: str = "",
    ) -> None:
        self.client = client
        self.lang = lang
        self.retry = retry or RetryPolicy()
        self.stop = stop or threading.Event()
        self.journal = journal
        self.source = source
        self.requests = 0
        self.retries = 0
        self.lookups = 0
        self.trace_ids: list[str] = []
        self.fatal: AuthError | None = None
        self._count_lock = threading.Lock()

    def _count(self, attr: str) -> None:
        with self._count_lock:
            setattr(self, attr, getattr(self, attr) + 1)

    def _trace(self, trace: str) -> None:
        if trace:
            with self._count_lock:
                self.trace_ids.append(trace)

    def run(
        self,
        planned: Sequence[list[DispatchItem]],
        concurrency: int,
        on_done: Callable[[int], None] | None = None,
    ) -> dict[int, RowResult]:
        """Send every request (a few at once); returns spreadsheet row -> result."""
        results: dict[int, RowResult] = {}
        with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="dispatch") as pool:
            futures = {pool.submit(self.send, batch): batch for batch in planned}
            for future in as_completed(futures):
                try:
                    rows = future.result()
                except AuthError as exc:  # credentials or IP refused: nothing more can be sent
                    self.fatal = self.fatal or exc
                    self.stop.set()
                    rows = [self.not_sent(i, reason=exc.message) for i in futures[future]]
                for r in rows:
                    results[r.row] = r
                if on_done:
                    on_done(len(rows))
        return results

    # -- one request ----------------------------------------------------------------------------------------

    def _settle(self, attempts: dict[str, int], results: Sequence[RowResult], trace: str = "") -> None:
        if self.journal is None:
            return
        self.journal.finish(
            (attempts[r.product_order_id], _JOURNAL_STATE[r.status], r.code, r.message, trace)
            for r in results
            if r.product_order_id in attempts
        )

    def _settle_error(
        self, attempts: dict[str, int], items: Sequence[DispatchItem], state: str, exc: ApiError
    ) -> None:
        if self.journal is not None:
            self.journal.finish(
                (attempts[i.product_order_id], state, exc.code, exc.message, exc.trace_id) for i in items
            )

    def send(self, batch: list[DispatchItem]) -> list[RowResult]:
        """Send one request (retrying, reconciling or splitting it as its failures demand)."""
        if self.stop.is_set():
            return [self.not_sent(i, stopped=True) for i in batch]
        out: dict[str, RowResult] = {}
        pending = list(batch)
        budget = Budget(self.retry)
        while pending:
            budget.spend()
            self._count("requests")
            attempts: dict[str, int] = {}
            if self.journal is not None:
                ids = self.journal.begin(pending, self.source)
                attempts = {i.product_order_id: a for i, a in zip(pending, ids, strict=True)}
            try:
                response = self.client.dispatch(pending)
            except NotAppliedError as exc:
                self._trace(exc.trace_id)
                self._settle_error(attempts, pending, "not_applied", exc)
                if exc.status == 429 and self.client.limiter is not None:
                    self.client.limiter.throttled(self.retry.backoff(budget.attempts))
                if budget.can_retry() and not self.stop.is_set():
                    self._count("retries")
                    budget.wait()
                    continue
                for item in pending:
                    out[item.product_order_id] = self.not_sent(
                        item, reason=exc.message, stopped=self.stop.is_set()
                    )
                break
            except RejectedError as exc:
                self._trace(exc.trace_id)
                if len(pending) == 1:
                    result = self._refused(pending[0], exc.code or "400", exc.message)
                    out[pending[0].product_order_id] = result
                    self._settle(attempts, [result], exc.trace_id)
                else:
                    self._settle_error(attempts, pending, "not_applied", exc)
                    middle = len(pending) // 2
                    for half in (pending[:middle], pending[middle:]):
                        for r in self.send(half):
                            out[r.product_order_id] = r
                break
            except OutcomeUnknownError as exc:
                self._trace(exc.trace_id)
                pending = self._reconcile(pending, out, exc.message, attempts, exc.trace_id)
                if pending and budget.can_retry() and not self.stop.is_set():
                    self._count("retries")
                    budget.wait()
                    continue
                for item in pending:  # still PAYED: certainly not applied
                    out[item.product_order_id] = self.not_sent(
                        item, reason=exc.message, stopped=self.stop.is_set()
                    )
                break
            else:
                settled: list[RowResult] = []
                unclear: list[DispatchItem] = []
                refused_state: list[DispatchItem] = []
                for item in pending:
                    outcome = response.outcomes.get(item.product_order_id)
                    if outcome is None:
                        unclear.append(item)
                    elif outcome.ok:
                        settled.append(
                            self._result(
                                item, Status.SUCCESS, "", _msg("sent", self.lang, what=_item_what(item))
                            )
                        )
                    elif outcome.code == "104442":
                        refused_state.append(item)
                        settled.append(self._refused(item, outcome.code, outcome.message))
                    else:
                        settled.append(self._refused(item, outcome.code, outcome.message))
                if any(r.status is Status.FAILED for r in settled):
                    self._trace(response.trace_id)
                if refused_state:
                    settled = self._check_already_shipped(refused_state, settled)
                for r in settled:
                    out[r.product_order_id] = r
                self._settle(attempts, settled, response.trace_id)
                pending = (
                    self._reconcile(unclear, out, "no outcome in the answer", attempts) if unclear else []
                )
                if pending and budget.can_retry() and not self.stop.is_set():
                    self._count("retries")
                    budget.wait()
                    continue
                for item in pending:
                    out[item.product_order_id] = self.not_sent(item, reason="no outcome in the answer")
                break
        return [out[i.product_order_id] for i in batch]

    def lookup(self, product_order_ids: list[str]) -> tuple[dict[str, OrderState] | None, str]:
        """Look orders up, retrying (a lookup changes nothing, so it is always safe to repeat)."""
        budget = Budget(self.retry)
        last_error = ""
        while True:
            budget.spend()
            self._count("lookups")
            try:
                return self.client.query(product_order_ids), ""
            except (NotAppliedError, OutcomeUnknownError) as exc:
                last_error = exc.message
                if not budget.can_retry():
                    return None, last_error
                budget.wait()

    def _check_already_shipped(self, items: list[DispatchItem], settled: list[RowResult]) -> list[RowResult]:
        """NAVER said 104442 (not PAYED): if the order is shipped with exactly our courier and tracking number
        (an earlier attempt whose answer was lost, or someone uploading the same sheet), it is dispatched."""
        states, _ = self.lookup([i.product_order_id for i in items])
        if not states:
            return settled
        shipped = {
            i.product_order_id: i
            for i in items
            if (s := states.get(i.product_order_id)) is not None
            and matches(s, i.delivery_company_code or "", i.tracking_number or "")
        }
        return [
            self._result(
                shipped[r.product_order_id],
                Status.ALREADY_DISPATCHED,
                "",
                _msg("already_at_naver", self.lang, what=_item_what(shipped[r.product_order_id])),
            )
            if r.product_order_id in shipped
            else r
            for r in settled
        ]

    def _reconcile(
        self,
        items: list[DispatchItem],
        out: dict[str, RowResult],
        why: str,
        attempts: dict[str, int],
        trace: str = "",
    ) -> list[DispatchItem]:
        """Look up orders whose dispatch outcome is unknown; record the settled ones, return those to resend."""
        states, error = self.lookup([i.product_order_id for i in items])
        settled: list[RowResult] = []
        resend: list[DispatchItem] = []
        for item in items:
            state = states.get(item.product_order_id) if states is not None else None
            if states is None:
                settled.append(
                    self._result(
                        item, Status.UNKNOWN, "", _msg("lookup_failed", self.lang, reason=f"{why}; {error}")
                    )
                )
            elif state is not None and state.status == "PAYED":
                resend.append(item)
                settled.append(self.not_sent(item, reason=why))  # journal: not applied; resent below
            elif state is not None and matches(
                state, item.delivery_company_code or "", item.tracking_number or ""
            ):
                settled.append(
                    self._result(
                        item, Status.SUCCESS, "", _msg("sent_confirmed", self.lang, what=_item_what(item))
                    )
                )
            else:
                seen = (
                    f"{state.status}, {state.delivery_company} {state.tracking_number}".strip(", ")
                    if state
                    else "not found"
                )
                settled.append(self._result(item, Status.UNKNOWN, "", _msg("unknown", self.lang, seen=seen)))
        self._settle(attempts, settled, trace)
        resend_ids = {i.product_order_id for i in resend}
        for r in settled:
            if r.product_order_id not in resend_ids:
                out[r.product_order_id] = r
        return resend

    def _result(self, item: DispatchItem, status: Status, code: str, message: str) -> RowResult:
        return RowResult(item.row, item.product_order_id, status, code, message)

    def _refused(self, item: DispatchItem, code: str, message: str) -> RowResult:
        fix = NAVER_FIXES.get(code, DEFAULT_FIX)[self.lang]
        message = message.strip().rstrip(".") + "." if message.strip() else ""
        text = _msg(
            "refused", self.lang, code=code, meaning=code_meaning(code, self.lang), message=message, fix=fix
        )
        return self._result(item, Status.FAILED, code, " ".join(text.split()))

    def not_sent(self, item: DispatchItem, *, reason: str = "", stopped: bool = False) -> RowResult:
        text = _msg("stopped", self.lang) if stopped else _msg("not_sent", self.lang, reason=reason)
        return self._result(item, Status.NOT_SENT, "", text)


# -- before sending: what the journal already knows ---------------------------------------------------------


def reconcile_journal(dispatcher: Dispatcher, journal: Journal) -> int:
    """Settle the attempts earlier runs left pending or unknown, with the order lookup. Returns how many."""
    unsettled = journal.unsettled()
    if not unsettled:
        return 0
    ids = sorted({a.product_order_id for a in unsettled})
    states, _ = dispatcher.lookup(ids)
    if states is None:
        return 0  # they stay unsettled, and their orders are not sent (see `screen`)
    updates: list[tuple[int, str, str, str, str]] = []
    claimed: set[str] = set()
    for a in unsettled:
        state = states.get(a.product_order_id)
        if state is not None and matches(state, a.courier, a.tracking) and a.product_order_id not in claimed:
            claimed.add(a.product_order_id)
            updates.append((a.id, "success", "", "confirmed by lookup after an interrupted run", a.trace_id))
        elif state is not None and (state.status == "PAYED" or matches(state, a.courier, a.tracking)):
            updates.append((a.id, "not_applied", "", f"lookup: {state.status}", a.trace_id))
        else:
            seen = (
                f"{state.status}, {state.delivery_company} {state.tracking_number}".strip(", ")
                if state
                else "not found"
            )
            updates.append((a.id, "unknown", "", f"lookup: {seen}", a.trace_id))
    journal.finish(updates)
    return len(unsettled)


def _stamp(text: str) -> str:
    return text[:16].replace("T", " ")


def screen(
    items: list[DispatchItem], journal: Journal, lang: Lang
) -> tuple[list[DispatchItem], list[RowResult]]:
    """Split items into those to send and those the journal settles (already dispatched, conflicting, or
    still unsettled from an earlier run)."""
    ids = [i.product_order_id for i in items]
    done = journal.first_success(ids)
    unsettled = journal.latest_unsettled(ids)
    to_send: list[DispatchItem] = []
    settled: list[RowResult] = []
    for item in items:
        first: Attempt | None = done.get(item.product_order_id)
        if first is not None:
            same = first.courier == (item.delivery_company_code or "") and first.tracking == (
                item.tracking_number or ""
            )
            if same:
                message = _msg("already", lang, date=_stamp(first.updated_at), what=_item_what(item))
                settled.append(
                    RowResult(item.row, item.product_order_id, Status.ALREADY_DISPATCHED, "", message)
                )
            else:
                message = _msg(
                    "BS501",
                    lang,
                    date=_stamp(first.updated_at),
                    old=_what(first.courier, first.tracking, first.delivery_method),
                    new=_item_what(item),
                )
                settled.append(RowResult(item.row, item.product_order_id, Status.FAILED, "BS501", message))
        elif item.product_order_id in unsettled:
            seen = unsettled[item.product_order_id].message or unsettled[item.product_order_id].state
            message = _msg("unsettled", lang, seen=seen)
            settled.append(RowResult(item.row, item.product_order_id, Status.UNKNOWN, "", message))
        else:
            to_send.append(item)
    return to_send, settled


def account_key(credentials: Credentials) -> str:
    return credentials.client_id + (f"/{credentials.account_id}" if credentials.account_id else "")


def run_dispatch(
    path: str | Path,
    sheet_options: SheetOptions,
    options: DispatchOptions,
    *,
    credentials: Credentials | None,
    base_url: str,
    out: Path | None = None,
    now: dt.datetime | None = None,
    stop: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
    journal_path: Path | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Report:
    """Validate, send, and write the result copy. The copy is written whenever the sheet was read, even when
    sending could not start (the error is raised after it is written). With `journal_path`, every attempt is
    journaled and the journal decides what is sent (see the module docstring)."""
    started = time.monotonic()
    sheet, validation, rows = prepare(path, sheet_options, now)
    lang = sheet_options.lang
    items = items_from(validation.frame[validation.valid_mask])
    report = Report("dispatch", sheet.path, sheet.sheet_name, sheet.header_row, rows, lang=lang)
    report.extra.update(batch_size=options.batch_size, dry_run=options.dry_run)
    by_row = {r.row: r for r in rows}
    error: BaseException | None = None
    if options.dry_run:
        planned = list(batches(items, options.batch_size))
        report.extra["requests_planned"] = len(planned)
        for item in items:
            by_row[item.row] = RowResult(
                item.row, item.product_order_id, Status.NOT_SENT, "", _msg("dry_run", lang)
            )
        if planned:
            report.extra["sample_request"] = {"dispatchProductOrders": [i.to_json() for i in planned[0]]}
    elif items:
        assert credentials is not None
        report.extra["api_base_url"] = base_url
        journal = Journal(journal_path, account_key(credentials)) if journal_path is not None else None
        limiter = RateLimiter(options.rate_limit)
        dispatcher_stop = stop or threading.Event()
        try:
            with CommerceClient(credentials, base_url, transport=transport, limiter=limiter) as client:
                dispatcher = Dispatcher(
                    client,
                    lang=lang,
                    retry=options.retry,
                    stop=dispatcher_stop,
                    journal=journal,
                    source=str(sheet.path),
                )
                to_send = items
                if journal is not None:
                    journal.acquire(on_wait)
                    try:
                        report.extra["reconciled"] = reconcile_journal(dispatcher, journal)
                    except AuthError as exc:
                        dispatcher.fatal = exc
                        to_send = []
                        for item in items:
                            by_row[item.row] = dispatcher.not_sent(item, reason=exc.message)
                    else:
                        to_send, settled = screen(items, journal, lang)
                        by_row.update({r.row: r for r in settled})
                planned = list(batches(to_send, options.batch_size))
                report.extra["requests_planned"] = len(planned)
                progress = _progress(len(to_send), options.progress)
                try:
                    by_row.update(
                        dispatcher.run(planned, options.concurrency, progress.update if progress else None)
                    )
                finally:
                    if progress:
                        progress.close()
                error = dispatcher.fatal
                report.extra.update(
                    requests=dispatcher.requests,
                    retries=dispatcher.retries,
                    lookups=dispatcher.lookups,
                    rate_limited=client.rate_limited,
                    failed_trace_ids=sorted(set(dispatcher.trace_ids)),
                )
        finally:
            if journal is not None:
                journal.close()
        if journal_path is not None:
            report.extra["journal"] = str(journal_path)
    report.rows = [by_row[r.row] for r in rows]
    for key in ("requests", "retries", "lookups", "rate_limited", "requests_planned"):
        report.extra.setdefault(key, 0)
    report.extra.setdefault("failed_trace_ids", [])
    report.extra["duration_s"] = round(time.monotonic() - started, 3)
    target = out or default_result_path(sheet.path)
    write_result(sheet, report, target)
    report.result_file = target
    if not options.dry_run:
        retry = write_retry(sheet, report, target)
        report.extra["retry_file"] = str(retry) if retry else None
    if error is not None:
        raise error
    return report


def _progress(total: int, wanted: bool):  # type: ignore[no-untyped-def]
    import sys

    if not wanted or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="row", desc="dispatch", leave=False)


def sample_body(report: Report) -> str:
    return json.dumps(report.extra.get("sample_request", {}), ensure_ascii=False, indent=2)
