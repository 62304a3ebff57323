"""A whole dispatch run: validate the sheet, prove the credentials, reconcile what earlier runs left open,
screen against the journal, send the requests (a few in flight, paced by the rate limiter), write the result
copy and the retry file. Faces call `run_dispatch(job)` and render the `Report` and the progress events."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from batchship.domain.plan import MAX_BATCH, DispatchItem, batches, items_from
from batchship.errors import AuthError, BatchshipError, OutputError
from batchship.i18n import t
from batchship.journal import JournalStore, open_journal
from batchship.model import DispatchStats, Origin, Plan, Report, RowResult, Status
from batchship.naver.client import CommerceClient
from batchship.naver.ratelimit import DEFAULT_RATE, RateLimiter
from batchship.naver.retry import RetryPolicy
from batchship.output.paths import default_result_path, replace_any
from batchship.output.results import write_result, write_retry
from batchship.services import texts
from batchship.services.bulk import no_cycle_collection
from batchship.services.check import SheetOptions, prepare, screen_rows, write_copy
from batchship.services.dispatch.context import RunContext, Target
from batchship.services.dispatch.preflight import Preflight, preflight, waiting_add_ons
from batchship.services.dispatch.reconcile import reconcile_journal
from batchship.services.dispatch.request import Request
from batchship.services.known import Look, screen
from batchship.services.progress import Progress, ProgressFn, ignore


@dataclass(frozen=True, slots=True)
class DispatchOptions:
    """How to send. rate_limit: requests/second (client-side pacing); batch_size: orders per request (1-30);
    concurrency: requests in flight at most; retry: the retry budget per request; dry_run: build requests,
    send nothing; preflight: look every order up right before sending (see `preflight.py`);
    ship_cancel_requests: send orders whose buyer asked to cancel anyway (rejecting the request)."""

    rate_limit: float = DEFAULT_RATE
    batch_size: int = MAX_BATCH
    concurrency: int = 4
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    dry_run: bool = False
    preflight: bool = True
    ship_cancel_requests: bool = False


@dataclass(frozen=True, slots=True)
class DispatchJob:
    """One run: the sheet and how to open it, how and where to send, where the result copy goes (default
    `<name>.result.xlsx` beside the sheet, or a stamped name beside it when that is taken: a result copy is
    never replaced, unless `replace_out`: the user named `out`), the journal's address (None: no journal),
    where a dry run looks for what was already sent (`look`, read-only), "now" for the rules, and who started
    the run (`origin`: recorded in the journal, named on the result's 요약 sheet)."""

    sheet: Path
    sheet_options: SheetOptions
    options: DispatchOptions
    target: Target
    out: Path | None = None
    journal: str | None = None
    now: dt.datetime | None = None
    replace_out: bool = False
    look: Look | None = None
    origin: Origin = field(default_factory=Origin)


def run_dispatch(
    job: DispatchJob, *, stop: threading.Event | None = None, on_progress: ProgressFn = ignore
) -> Report:
    """Validate, send, and write the result copy. Errors before the sheet is read are raised (nothing can have
    happened); after that, the report always comes back, every row saying what happened to it, and
    `report.errors` says why the run stopped early (credentials refused, the journal failing) or why the result
    copy could not be written."""
    started = time.monotonic()
    sheet, validation, rows = prepare(job.sheet, job.sheet_options, job.now)
    lang = job.sheet_options.lang
    items = items_from(validation.frame.take(validation.valid_mask))
    report = Report("dispatch", sheet.path, sheet.sheet_name, sheet.header_row, rows, lang=lang)
    report.origin = job.origin
    report.dry_run = job.options.dry_run
    report.plan = Plan(batch_size=job.options.batch_size)
    if job.options.dry_run:
        _dry_run(job, items, report)
    else:
        report.sent = DispatchStats()
        by_row = {r.row: r for r in rows}
        if items:
            if job.target.seed is not None:
                job.target.seed([r.product_order_id for r in rows if r.product_order_id])
            error = _send(job, items, report, by_row, stop or threading.Event(), on_progress)
            if error is not None:
                report.errors.append(error.msg)
        report.rows = [by_row[r.row] for r in rows]
    report.duration_s = round(time.monotonic() - started, 3)
    try:
        if job.options.dry_run:
            report.result_file = write_copy(sheet, report, job.out, job.replace_out)
        else:
            may_replace = replace_any if job.replace_out else None
            out = job.out or default_result_path(sheet.path)
            with no_cycle_collection():
                report.result_file = write_result(sheet, report, out, may_replace)
            report.retry_file = write_retry(sheet, report, report.result_file)
    except OutputError as exc:  # what was sent stays sent: the report (and the summary) still say it
        report.errors.append(exc.msg)
    _record_end(job, report)
    on_progress(Progress("finished", done=len(items), total=len(items)))
    return report


def _record_end(job: DispatchJob, report: Report) -> None:
    """The journal's record of the run: how it ended and the files it wrote (the history lists them)."""
    if not report.run_id or job.journal is None or report.sent is None:
        return
    import json

    counts = json.dumps({k: v for k, v in report.counts().items() if v})
    files = [str(p.absolute()) if p else "" for p in (report.result_file, report.retry_file)]
    try:
        with open_journal(job.journal, "") as journal:
            journal.end_run(report.run_id, counts, *files)
    except BatchshipError as exc:  # the rows are settled; only the run's line in the history is incomplete
        report.notes.append(exc.msg)


def _dry_run(job: DispatchJob, items: list[DispatchItem], report: Report) -> None:
    """Build the requests a dispatch would send, sending nothing; orders the journal shows dispatched (or
    unsettled) say so, as they would in the real run."""
    message = t("dispatch.dry_run", report.lang)
    passed = {i.row: texts.row(i, Status.NOT_SENT, message) for i in items}
    report.rows = [passed.get(r.row, r) for r in report.rows]
    planned = list(batches(screen_rows(report, items, job.look), job.options.batch_size))
    report.plan.requests = len(planned)
    report.plan.sample_request = (
        {"dispatchProductOrders": [i.to_json() for i in planned[0]]} if planned else None
    )


def _send(
    job: DispatchJob,
    items: list[DispatchItem],
    report: Report,
    by_row: dict[int, RowResult],
    stop: threading.Event,
    on_progress: ProgressFn,
) -> BatchshipError | None:
    """Send `items` (journaled when the job has a journal); fill `by_row` and `report.sent`."""
    target, lang = job.target, job.sheet_options.lang
    assert target.credentials is not None and report.sent is not None
    report.sent.api_base_url = target.base_url
    limiter = target.limiter or RateLimiter(job.options.rate_limit)
    journal: JournalStore | None = None
    with CommerceClient(
        target.credentials, target.base_url, transport=target.transport, limiter=limiter
    ) as client:
        ctx = RunContext(client, lang, job.options.retry, stop, None, str(job.sheet))
        try:
            client.authenticate()  # credentials proven before anything is journaled
            if job.journal is not None:
                journal = open_journal(job.journal, target.credentials.account_key)
                report.journal, report.run_id = journal.location, journal.run_id
                ctx.journal = journal
                origin = job.origin
                journal.start_run(origin.started_by, origin.face, origin.name or str(job.sheet))
                journal.acquire(lambda: on_progress(Progress("waiting")))
                report.sent.reconciled = len(reconcile_journal(ctx, journal).changes)
                to_send, settled = screen(items, journal, lang)
                by_row.update({r.row: r for r in settled})
            else:
                to_send = items
            others = _others(by_row, to_send)
            error, report.plan.requests = send_items(ctx, job.options, to_send, by_row, on_progress, others)
        except BatchshipError as exc:  # credentials refused, NAVER unreachable for the token, journal failing
            waiting = [i for i in items if by_row[i.row].status is Status.NOT_SENT]
            by_row.update({i.row: texts.not_sent(i, lang, reason=exc.msg) for i in waiting})
            error = exc
        finally:
            if journal is not None:
                journal.close()
        sent, counters = report.sent, ctx.counters
        sent.requests, sent.retries, sent.lookups = counters.requests, counters.retries, counters.lookups
        sent.rate_limited = client.rate_limited
        sent.failed_trace_ids = sorted(set(counters.trace_ids))
    return error


def _request(ctx: RunContext, batch: list[DispatchItem]) -> tuple[list[RowResult], Request]:
    """One request in a worker thread. An AuthError stops the run here (`ctx.fail`), at once, so that no
    queued request starts after it."""
    request = Request(ctx, batch)
    try:
        return request.run(), request
    except AuthError as exc:
        ctx.fail(exc)
        raise


def send_items(
    ctx: RunContext,
    options: DispatchOptions,
    items: list[DispatchItem],
    by_row: dict[int, RowResult],
    on_progress: ProgressFn = ignore,
    others: Sequence[tuple[int, str]] = (),
) -> tuple[BatchshipError | None, int]:
    """The pre-flight lookup (unless turned off), then the requests: main products and single items first,
    add-ons once their main product is dispatched. `others`: the sheet's orders not to be sent (row, number),
    looked up when an add-on's main product may be one of them. Fills `by_row`; returns the error that stopped the
    run (None) and how many requests were planned."""
    pre = Preflight(to_send=items)
    if options.preflight:
        pre = preflight(ctx, items, ship_cancel_requests=options.ship_cancel_requests, others=others)
        by_row.update({r.row: r for r in pre.settled})
    tally = _Tally(total=len(pre.to_send) + len(pre.add_ons))
    on_progress(Progress("sending", total=tally.total))
    planned = list(batches(pre.to_send, options.batch_size))
    error = _run_requests(ctx, planned, by_row, options.concurrency, on_progress, tally)
    requests = len(planned)
    if pre.add_ons and error is not None:  # the run stopped before their main products were all settled
        by_row.update({i.row: texts.not_sent(i, ctx.lang, reason=error.msg) for i, _ in pre.add_ons})
    elif pre.add_ons:
        ready, waiting = waiting_add_ons(pre, by_row, ctx.lang)
        by_row.update({r.row: r for r in waiting})
        tally.done += len(waiting)
        planned = list(batches(ready, options.batch_size))
        requests += len(planned)
        error = _run_requests(ctx, planned, by_row, options.concurrency, on_progress, tally)
    for row, note in pre.notes.items():  # a cancel request shipped anyway says so
        if by_row[row].status is Status.SUCCESS:
            by_row[row] = replace(by_row[row], message=f"{by_row[row].message} {note}")
    return error, requests


def _others(by_row: dict[int, RowResult], sending: list[DispatchItem]) -> list[tuple[int, str]]:
    """(row, order number) of the rows with one that are not among those being sent."""
    going = {i.row for i in sending}
    return [(r.row, r.product_order_id) for r in by_row.values() if r.row not in going and r.product_order_id]


@dataclass
class _Tally:
    """Rows settled so far (and refused) out of `total`, across the phases of a run."""

    total: int
    done: int = 0
    refused: int = 0


def _run_requests(
    ctx: RunContext,
    planned: Sequence[list[DispatchItem]],
    by_row: dict[int, RowResult],
    concurrency: int,
    on_progress: ProgressFn,
    tally: _Tally,
) -> BatchshipError | None:
    """Send every request, a few at once; an AuthError or a failing journal stops the run (what is in flight
    finishes); the error that stopped it is returned."""
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="dispatch") as pool:
        futures = {pool.submit(_request, ctx, batch): batch for batch in planned}
        for future in as_completed(futures):
            try:
                results, request = future.result()
            except AuthError as exc:  # credentials or IP refused: nothing more can be sent
                results, request = (
                    [texts.not_sent(i, ctx.lang, reason=exc.msg) for i in futures[future]],
                    None,
                )
            if ctx.fatal is not None and request is not None and not request.steps:  # stopped before sending
                results = [texts.not_sent(i, ctx.lang, reason=ctx.fatal.msg) for i in futures[future]]
            by_row.update({r.row: r for r in results})
            tally.done += len(results)
            tally.refused += sum(r.status in (Status.FAILED, Status.UNKNOWN) for r in results)
            counters = ctx.counters
            on_progress(
                Progress(
                    "rows",
                    done=tally.done,
                    total=tally.total,
                    refused=tally.refused,
                    requests=counters.requests,
                    retries=counters.retries,
                    rate_limited=ctx.client.rate_limited,
                )
            )
    return ctx.fatal
