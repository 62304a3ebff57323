"""`batchship dispatch`: send every valid row to NAVER in requests of at most 30, and record what came back.

The flow per request, driven by what each failure means (see `api/client.py`):
- a 200: each item succeeded or failed with NAVER's code;
- not applied (429, 401, 503, no connection): wait (backoff with jitter, the rate limiter paused on a 429)
  and send again, within the retry budget;
- outcome unknown (504, 500, timeout, dropped connection): never resent blindly. The orders are looked up
  first: one now DELIVERING (or later) with our courier and tracking number was sent (success); one still
  PAYED was not, and is sent again; anything else is reported as UNKNOWN with what the lookup saw;
- rejected as a whole (400): split in halves until the rows that cause it are found, so good rows go through.
Requests overlap (a few in flight) so latency does not waste the rate allowance; the limiter keeps the pace.
A stop event (Ctrl-C, SIGTERM) lets requests in flight finish; rows not sent are NOT_SENT.
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
from batchship.messages import DEFAULT_FIX, DISPATCH_MESSAGES, NAVER_FIXES, Lang, code_meaning
from batchship.plan import MAX_BATCH, DispatchItem, batches, items_from
from batchship.report import Report, RowResult, Status
from batchship.results import default_result_path, write_result

DISPATCHED_STATUSES: Final = frozenset({"DELIVERING", "DELIVERED", "PURCHASE_DECIDED"})


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


def _what(item: DispatchItem) -> str:
    if item.tracking_number:
        courier = courier_label(item.delivery_company_code) if item.delivery_company_code else ""
        return f"{courier} {item.tracking_number}".strip()
    return item.delivery_method


class Dispatcher:
    """Sends planned requests and turns every answer into one `RowResult` per item."""

    def __init__(
        self,
        client: CommerceClient,
        *,
        lang: Lang = "ko",
        retry: RetryPolicy | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.client = client
        self.lang = lang
        self.retry = retry or RetryPolicy()
        self.stop = stop or threading.Event()
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
                    rows = [self._not_sent(i, reason=exc.message) for i in futures[future]]
                for r in rows:
                    results[r.row] = r
                if on_done:
                    on_done(len(rows))
        return results

    def send(self, batch: list[DispatchItem]) -> list[RowResult]:
        """Send one request (retrying, reconciling or splitting it as its failures demand)."""
        if self.stop.is_set():
            return [self._not_sent(i, stopped=True) for i in batch]
        out: dict[str, RowResult] = {}
        pending = list(batch)
        budget = Budget(self.retry)
        while pending:
            budget.spend()
            self._count("requests")
            try:
                response = self.client.dispatch(pending)
            except NotAppliedError as exc:
                self._trace(exc.trace_id)
                if exc.status == 429 and self.client.limiter is not None:
                    self.client.limiter.throttled(self.retry.backoff(budget.attempts))
                if budget.can_retry() and not self.stop.is_set():
                    self._count("retries")
                    budget.wait()
                    continue
                for item in pending:
                    out[item.product_order_id] = self._not_sent(
                        item, reason=exc.message, stopped=self.stop.is_set()
                    )
                break
            except RejectedError as exc:
                self._trace(exc.trace_id)
                if len(pending) == 1:
                    out[pending[0].product_order_id] = self._refused(
                        pending[0], exc.code or "400", exc.message
                    )
                else:
                    middle = len(pending) // 2
                    for half in (pending[:middle], pending[middle:]):
                        for r in self.send(half):
                            out[r.product_order_id] = r
                break
            except OutcomeUnknownError as exc:
                self._trace(exc.trace_id)
                pending = self._reconcile(pending, out, exc.message)
                if pending and budget.can_retry() and not self.stop.is_set():
                    self._count("retries")
                    budget.wait()
                    continue
                for item in pending:  # still PAYED: certainly not applied
                    out[item.product_order_id] = self._not_sent(
                        item, reason=exc.message, stopped=self.stop.is_set()
                    )
                break
            else:
                missing = []
                for item in pending:
                    outcome = response.outcomes.get(item.product_order_id)
                    if outcome is None:
                        missing.append(item)
                    elif outcome.ok:
                        out[item.product_order_id] = self._result(
                            item, Status.SUCCESS, "", _msg("sent", self.lang, what=_what(item))
                        )
                    else:
                        self._trace(response.trace_id)
                        out[item.product_order_id] = self._refused(item, outcome.code, outcome.message)
                pending = self._reconcile(missing, out, "no outcome in the answer") if missing else []
                if pending and budget.can_retry() and not self.stop.is_set():
                    self._count("retries")
                    budget.wait()
                    continue
                for item in pending:
                    out[item.product_order_id] = self._not_sent(item, reason="no outcome in the answer")
                break
        return [out[i.product_order_id] for i in batch]

    def _reconcile(
        self, items: list[DispatchItem], out: dict[str, RowResult], why: str
    ) -> list[DispatchItem]:
        """Look up orders whose dispatch outcome is unknown; record the settled ones, return those to resend."""
        states: dict[str, OrderState] | None = None
        budget = Budget(self.retry)
        last_error = ""
        while states is None:
            budget.spend()
            self._count("lookups")
            try:
                states = self.client.query([i.product_order_id for i in items])
            except (NotAppliedError, OutcomeUnknownError) as exc:  # a lookup changes nothing: safe to repeat
                last_error = exc.message
                if not budget.can_retry():
                    break
                budget.wait()
        if states is None:
            for item in items:
                out[item.product_order_id] = self._result(
                    item, Status.UNKNOWN, "", _msg("lookup_failed", self.lang, reason=f"{why}; {last_error}")
                )
            return []
        resend = []
        for item in items:
            state = states.get(item.product_order_id)
            if state is not None and state.status == "PAYED":
                resend.append(item)
            elif (
                state is not None
                and state.status in DISPATCHED_STATUSES
                and state.tracking_number == (item.tracking_number or "")
                and state.delivery_company == (item.delivery_company_code or "")
            ):
                out[item.product_order_id] = self._result(
                    item, Status.SUCCESS, "", _msg("sent_confirmed", self.lang, what=_what(item))
                )
            else:
                seen = (
                    f"{state.status}, {state.delivery_company} {state.tracking_number}".strip(", ")
                    if state
                    else "not found"
                )
                out[item.product_order_id] = self._result(
                    item, Status.UNKNOWN, "", _msg("unknown", self.lang, seen=seen)
                )
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

    def _not_sent(self, item: DispatchItem, *, reason: str = "", stopped: bool = False) -> RowResult:
        text = _msg("stopped", self.lang) if stopped else _msg("not_sent", self.lang, reason=reason)
        return self._result(item, Status.NOT_SENT, "", text)


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
) -> Report:
    """Validate, send, and write the result copy. The copy is written whenever the sheet was read, even when
    sending could not start (the error is raised after it is written)."""
    started = time.monotonic()
    sheet, validation, rows = prepare(path, sheet_options, now)
    lang = sheet_options.lang
    items = items_from(validation.frame[validation.valid_mask])
    planned = list(batches(items, options.batch_size))
    report = Report("dispatch", sheet.path, sheet.sheet_name, sheet.header_row, rows, lang=lang)
    report.extra.update(requests_planned=len(planned), batch_size=options.batch_size, dry_run=options.dry_run)
    by_row = {r.row: r for r in rows}
    error: BaseException | None = None
    if options.dry_run:
        for item in items:
            by_row[item.row] = RowResult(
                item.row, item.product_order_id, Status.NOT_SENT, "", _msg("dry_run", lang)
            )
        if planned:
            report.extra["sample_request"] = {"dispatchProductOrders": [i.to_json() for i in planned[0]]}
    elif planned:
        assert credentials is not None
        limiter = RateLimiter(options.rate_limit)
        dispatcher_stop = stop or threading.Event()
        with CommerceClient(credentials, base_url, transport=transport, limiter=limiter) as client:
            dispatcher = Dispatcher(client, lang=lang, retry=options.retry, stop=dispatcher_stop)
            progress = _progress(len(items), options.progress)
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
    report.rows = [by_row[r.row] for r in rows]
    report.extra.setdefault("requests", 0)
    report.extra.setdefault("retries", 0)
    report.extra.setdefault("rate_limited", 0)
    report.extra.setdefault("failed_trace_ids", [])
    report.extra["duration_s"] = round(time.monotonic() - started, 3)
    target = out or default_result_path(sheet.path)
    write_result(sheet, report, target)
    report.result_file = target
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


__all__ = ["ApiError", "DispatchOptions", "Dispatcher", "run_dispatch", "sample_body"]
