"""One dispatch request, as a small state machine: send → classify → retry / reconcile / split / settle.

What each failure means decides the next step (see `naver/client.py` for the classification):
- a 200 (SETTLE): each item succeeded or failed with NAVER's code; a 104442 "not PAYED" is looked up (an order
  already shipped with exactly our courier and tracking number was dispatched, by us or by an earlier attempt);
  items the answer does not mention are reconciled;
- not applied (429, 401, 503, no connection) (RETRY): wait (backoff with jitter; the rate limiter is paused on a
  429) and send again, within the retry budget;
- outcome unknown (504, 500, timeout, dropped connection) (RECONCILE): never resent blindly. The orders are
  looked up: one now dispatched with our courier and tracking number was sent; one still PAYED was not, and is
  sent again (RETRY); one NAVER does not know, or in another state (cancelled, shipped with another number),
  was not dispatched by this request: FAILED (100001 / 104442, as NAVER would have said), with what the lookup
  saw. Only a lookup that fails leaves an order UNKNOWN;
- rejected as a whole (400) (SPLIT): split in halves until the rows that cause it are found.
- credentials refused (AuthError): the attempts are settled as not applied and the error goes up: the run stops.
- the journal fails (JournalError: disk full, a damaged file): the run stops (`ctx.fail`), since nothing may be
  sent that cannot be recorded. What is known stays known; an item whose attempt was recorded as pending but not
  settled is UNKNOWN (the next run looks it up before sending anything), one not yet recorded is NOT_SENT.
Every attempt is journaled as pending before the request leaves and settled when its answer is known.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from batchship.domain.plan import DispatchItem
from batchship.errors import (
    ApiError,
    AuthError,
    JournalError,
    NotAppliedError,
    OutcomeUnknownError,
    RejectedError,
)
from batchship.i18n import Msg, t
from batchship.journal import AttemptState, Settlement
from batchship.model import RowResult, Status
from batchship.naver.client import DispatchResponse
from batchship.naver.retry import Budget
from batchship.services import texts
from batchship.services.dispatch.context import RunContext

#: The journal state each row status settles an attempt to.
JOURNAL_STATE: dict[Status, AttemptState] = {
    Status.SUCCESS: AttemptState.SUCCESS,
    Status.ALREADY_DISPATCHED: AttemptState.SUCCESS,
    Status.FAILED: AttemptState.FAILED,
    Status.NOT_SENT: AttemptState.NOT_APPLIED,
    Status.UNKNOWN: AttemptState.UNKNOWN,
}


class Step(enum.Enum):
    SEND = "send"
    SETTLE = "settle"
    RETRY = "retry"
    RECONCILE = "reconcile"
    SPLIT = "split"
    DONE = "done"


@dataclass
class Request:
    """One request's items and everything its steps learn: `results` per order, the `reason` of the last failure,
    the journal's attempt ids of the current try, and the answer or error that decides the next step."""

    ctx: RunContext
    items: list[DispatchItem]
    pending: list[DispatchItem] = field(default_factory=list)
    results: dict[str, RowResult] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    response: DispatchResponse | None = None
    error: ApiError | None = None
    reason: Msg | None = None
    steps: list[Step] = field(default_factory=list)
    #: Orders whose attempt is recorded as pending and not yet settled in the journal.
    open_attempts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.pending = list(self.items)
        self.budget = Budget(self.ctx.retry)

    def run(self) -> list[RowResult]:
        """Drive the machine to DONE; one result per item, in order."""
        if self.ctx.stop.is_set():
            return [texts.not_sent(i, self.ctx.lang, stopped=True) for i in self.items]
        step = Step.SEND
        handlers = {
            Step.SEND: self._send,
            Step.SETTLE: self._settle_answer,
            Step.RETRY: self._retry,
            Step.RECONCILE: self._reconcile,
            Step.SPLIT: self._split,
        }
        try:
            while step is not Step.DONE:
                self.steps.append(step)
                step = handlers[step]()
        except JournalError as exc:
            self._journal_failed(exc)
        return [self.results[i.product_order_id] for i in self.items]

    def _journal_failed(self, exc: JournalError) -> None:
        """The journal cannot record: stop the run; say what is known, and what is not."""
        self.ctx.fail(exc)
        lang = self.ctx.lang
        for item in self.items:
            if item.product_order_id in self.results:
                continue
            if item.product_order_id in self.open_attempts:  # recorded as pending: it may have gone out
                message = t("dispatch.journal_failed_unknown", lang, reason=exc.msg)
                self.results[item.product_order_id] = texts.row(item, Status.UNKNOWN, message)
            else:
                self.results[item.product_order_id] = texts.not_sent(item, lang, reason=exc.msg)

    # -- steps -------------------------------------------------------------------------------------------------

    def _send(self) -> Step:
        ctx = self.ctx
        self.budget.spend()
        ctx.counters.add("requests")
        self.attempts = {}
        if ctx.journal is not None:
            ids = ctx.journal.begin(self.pending, ctx.source)
            self.attempts = {i.product_order_id: a for i, a in zip(self.pending, ids, strict=True)}
            self.open_attempts.update(self.attempts)
        self.response, self.error = None, None
        try:
            self.response = ctx.client.dispatch(self.pending)
        except AuthError:
            self._settle_all(AttemptState.NOT_APPLIED, code="AUTH")
            raise
        except NotAppliedError as exc:
            self._failed(exc)
            self._settle_all(AttemptState.NOT_APPLIED, exc)
            limiter = ctx.client.limiter
            if exc.status == 429 and limiter is not None:
                limiter.throttled(ctx.retry.backoff(self.budget.attempts))
            return Step.RETRY
        except RejectedError as exc:
            self._failed(exc)
            return Step.SPLIT
        except OutcomeUnknownError as exc:
            self._failed(exc)
            return Step.RECONCILE
        return Step.SETTLE

    def _settle_answer(self) -> Step:
        """A 200: record each item's outcome; reconcile the items it does not mention."""
        assert self.response is not None
        lang, settled, refused_state, unclear = self.ctx.lang, [], [], []
        for item in self.pending:
            outcome = self.response.outcomes.get(item.product_order_id)
            if outcome is None:
                unclear.append(item)
            elif outcome.ok:
                message = t("dispatch.sent", lang, what=texts.item_what(item))
                settled.append(texts.row(item, Status.SUCCESS, message))
            else:
                settled.append(texts.refused(item, outcome.code, outcome.message, lang))
                if outcome.code == "104442":
                    refused_state.append(item)
        if any(r.status is Status.FAILED for r in settled):
            self.ctx.counters.trace(self.response.trace_id)
        if refused_state:
            settled = self._already_shipped(refused_state, settled)
        self._record(settled, self.response.trace_id)
        self.pending = unclear
        if not unclear:
            return Step.DONE
        self.reason = Msg.of("api.no_outcome")
        return Step.RECONCILE

    def _retry(self) -> Step:
        ctx = self.ctx
        if self.pending and self.budget.can_retry() and not ctx.stop.is_set():
            ctx.counters.add("retries")
            self.budget.wait()
            return Step.SEND
        for item in self.pending:
            self.results[item.product_order_id] = texts.not_sent(
                item, ctx.lang, reason=self.reason, stopped=ctx.stop.is_set()
            )
        return Step.DONE

    def _reconcile(self) -> Step:
        """The outcome is unknown: look the orders up; settle what the lookup proves, resend what is PAYED."""
        lang, reason = self.ctx.lang, self.reason
        states, error = self.ctx.lookup([i.product_order_id for i in self.pending])
        settled: list[RowResult] = []
        resend: list[DispatchItem] = []
        for item in self.pending:
            state = states.get(item.product_order_id) if states is not None else None
            if states is None:
                message = t("dispatch.lookup_failed", lang, reason=reason, error=error)
                settled.append(texts.row(item, Status.UNKNOWN, message))
            elif state is not None and state.status == "PAYED":
                resend.append(item)
                settled.append(texts.not_sent(item, lang, reason=reason))  # journal: not applied
            elif state is not None and texts.matches(
                state, item.delivery_company_code or "", item.tracking_number or ""
            ):
                message = t("dispatch.sent_confirmed", lang, what=texts.item_what(item))
                settled.append(texts.row(item, Status.SUCCESS, message))
            elif state is None:  # NAVER does not know the order: nothing can have been dispatched
                settled.append(texts.row(item, Status.FAILED, t("dispatch.lookup_not_found", lang), "100001"))
            else:  # not PAYED and not ours (cancelled, shipped by someone else): our request did not apply
                message = t("dispatch.lookup_elsewhere", lang, seen=texts.seen_words(state, lang))
                settled.append(texts.row(item, Status.FAILED, message, "104442"))
        self._record(
            settled, self.error.trace_id if self.error else "", keep={i.product_order_id for i in resend}
        )
        self.pending = resend
        return Step.RETRY if resend else Step.DONE

    def _split(self) -> Step:
        """A 400 for the whole request: one item is refused; more are halved until the culprits are found."""
        assert self.error is not None
        if len(self.pending) == 1:
            item = self.pending[0]
            result = texts.refused(
                item, self.error.code or "400", self.error.render(self.ctx.lang), self.ctx.lang
            )
            self._record([result], self.error.trace_id)
            return Step.DONE
        self._settle_all(AttemptState.NOT_APPLIED, self.error)
        middle = len(self.pending) // 2
        for half in (self.pending[:middle], self.pending[middle:]):
            for r in Request(self.ctx, half).run():
                self.results[r.product_order_id] = r
        return Step.DONE

    # -- helpers ----------------------------------------------------------------------------------------------

    def _failed(self, exc: ApiError) -> None:
        self.error, self.reason = exc, exc.msg
        self.ctx.counters.trace(exc.trace_id)

    def _record(self, settled: list[RowResult], trace: str, keep: set[str] | None = None) -> None:
        """Journal each result; results of orders not in `keep` are final for this request (and known before
        the journal is written, so that a journal failure does not lose them)."""
        for r in settled:
            if keep is None or r.product_order_id not in keep:
                self.results[r.product_order_id] = r
        self.ctx.settle(
            [
                Settlement(
                    self.attempts[r.product_order_id], JOURNAL_STATE[r.status], r.code, r.message, trace
                )
                for r in settled
                if r.product_order_id in self.attempts
            ]
        )
        self.open_attempts.difference_update(r.product_order_id for r in settled)

    def _settle_all(self, state: AttemptState, exc: ApiError | None = None, code: str = "") -> None:
        lang = self.ctx.lang
        self.ctx.settle(
            [
                Settlement(
                    self.attempts[i.product_order_id],
                    state,
                    exc.code if exc else code,
                    exc.render(lang) if exc else "",
                    exc.trace_id if exc else "",
                )
                for i in self.pending
                if i.product_order_id in self.attempts
            ]
        )
        self.open_attempts.difference_update(i.product_order_id for i in self.pending)

    def _already_shipped(self, items: list[DispatchItem], settled: list[RowResult]) -> list[RowResult]:
        """NAVER said 104442 (not PAYED): if the order is shipped with exactly our courier and tracking number
        (an earlier attempt whose answer was lost, or someone uploading the same sheet), it is dispatched."""
        states, _ = self.ctx.lookup([i.product_order_id for i in items])
        if not states:
            return settled
        shipped = {
            i.product_order_id: i
            for i in items
            if (s := states.get(i.product_order_id)) is not None
            and texts.matches(s, i.delivery_company_code or "", i.tracking_number or "")
        }
        lang = self.ctx.lang
        return [
            texts.row(
                shipped[r.product_order_id],
                Status.ALREADY_DISPATCHED,
                t("dispatch.already_at_naver", lang, what=texts.item_what(shipped[r.product_order_id])),
            )
            if r.product_order_id in shipped
            else r
            for r in settled
        ]
