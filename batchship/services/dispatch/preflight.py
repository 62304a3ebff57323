"""Look before you ship: every order about to be sent is looked up right before the first request, and only
what NAVER shows as ready goes.

Per order (see `decide`): PAYED without an open claim is sent; a buyer's cancel request is HELD (dispatching
would reject it; `ship_cancel_requests` sends it anyway and says so), a cancellation in progress always;
already dispatched with our courier and tracking number is ALREADY_DISPATCHED; dispatched with another one,
cancelled, returned, exchanged or not found is FAILED with a code of ours and what the lookup saw.

Add-ons (productClass 추가구성상품) go only after their order's main product: `Preflight.after` holds the add-ons
whose main product is sent in this run, with that main item; the run sends them once it has.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from batchship.domain.plan import DispatchItem
from batchship.errors import BatchshipError
from batchship.i18n import Lang, Msg, t
from batchship.model import DONE, RowResult, Status
from batchship.naver.client import OrderState
from batchship.services import texts
from batchship.services.dispatch.context import RunContext

#: NAVER's productClass of an add-on product.
ADD_ON: Final = "추가구성상품"
#: Claims that hold an order back: a buyer's request (may be overridden), a cancellation under way (never).
CANCEL_REQUESTED: Final = "CANCEL_REQUEST"
CANCELLING: Final = frozenset({"CANCELING", "ADMIN_CANCELING"})


@dataclass(slots=True)
class Preflight:
    """to_send: items to send now; settled: rows decided without sending; after: add-on item -> its main
    item (sent once the main one is dispatched); notes: row -> sentences to add to the row's message once
    sent (a cancel request shipped anyway; a dispatch date before NAVER's payment date)."""

    to_send: list[DispatchItem] = field(default_factory=list)
    settled: list[RowResult] = field(default_factory=list)
    after: dict[int, DispatchItem] = field(default_factory=dict)
    add_ons: list[DispatchItem] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)


def preflight(
    ctx: RunContext,
    items: list[DispatchItem],
    *,
    ship_cancel_requests: bool = False,
    others: Sequence[tuple[int, str]] = (),
) -> Preflight:
    """Look `items` up and decide each; a BatchshipError when the lookup fails (then nothing is sent). `others`:
    the sheet's other orders (row, number) not to be sent, looked up with them so that an add-on whose main
    product is among them knows whether it was dispatched."""
    if not items:
        return Preflight()
    wanted = {i.product_order_id for i in items} | {pid for _, pid in others if _LOOKS_LIKE_ORDER.match(pid)}
    states, error = ctx.lookup(sorted(wanted))
    if states is None:
        raise BatchshipError(Msg.of("preflight.failed", reason=error))
    result = Preflight()
    going: list[DispatchItem] = []
    for item in items:
        state = states.get(item.product_order_id)
        row = decide(item, state, ctx.lang, ship_cancel_requests)
        if row is not None:
            result.settled.append(row)
            continue
        going.append(item)
        notes = []
        if state is not None and state.claim_status == CANCEL_REQUESTED:
            notes.append(t("preflight.shipped_anyway", ctx.lang))
        date, paid = item.dispatch_date[:10], (state.payment_date[:10] if state else "")
        if paid and date < paid:  # the sheet had no 결제일 to warn with; NAVER's lookup has it
            notes.append(t("row.date_before_payment", ctx.lang, date=date, paid=paid))
        if notes:
            result.notes[item.row] = " ".join(notes)
    _order_add_ons(
        result, going, states, [(i.row, i.product_order_id) for i in items] + list(others), ctx.lang
    )
    return result


#: A product order number as NAVER writes it (rows of other shapes are not looked up).
_LOOKS_LIKE_ORDER: Final = re.compile(r"^\d{16}$")


def _order_add_ons(
    result: Preflight,
    going: list[DispatchItem],
    states: dict[str, OrderState],
    sheet: list[tuple[int, str]],
    lang: Lang,
) -> None:
    """Put the items to send in order: an add-on whose main product is sent now goes after it; one whose main
    product is in the sheet but not dispatched (a row refused or held) is not sent; the rest go at once."""
    sending = {i.product_order_id: i for i in going}
    mains: dict[str, tuple[int, str]] = {}
    for row, pid in sheet:
        state = states.get(pid)
        if state is not None and state.order_id and state.product_class != ADD_ON:
            mains.setdefault(state.order_id, (row, pid))
    for item in going:
        state = states[item.product_order_id]
        main = mains.get(state.order_id) if state.product_class == ADD_ON else None
        if main is None or states[main[1]].status in texts.DISPATCHED_STATUSES:
            result.to_send.append(item)
        elif main[1] in sending:
            result.after[item.row] = sending[main[1]]
            result.add_ons.append(item)
        else:
            message = t("preflight.add_on_waiting", lang, main=main[1], row=main[0])
            result.settled.append(texts.row(item, Status.NOT_SENT, message, "BS604"))


def decide(
    item: DispatchItem, state: OrderState | None, lang: Lang, ship_cancel_requests: bool
) -> RowResult | None:
    """The row an order's lookup settles without sending, or None when it is to be sent."""
    if state is None:
        return texts.row(item, Status.FAILED, t("preflight.not_found", lang), "BS603")
    seen = texts.seen_words(state, lang)
    if state.status == "PAYED":
        claim = texts.claim_words(state.claim_status, lang) if state.claim_status else ""
        if state.claim_status in CANCELLING:
            return texts.row(item, Status.HELD, t("preflight.held_cancelling", lang, seen=claim), "BS601")
        if state.claim_status == CANCEL_REQUESTED and not ship_cancel_requests:
            return texts.row(item, Status.HELD, t("preflight.held", lang, seen=claim), "BS601")
        return None
    if state.status in texts.DISPATCHED_STATUSES:
        if texts.matches(state, item.delivery_company_code or "", item.tracking_number or ""):
            message = t("dispatch.already_at_naver", lang, what=texts.item_what(item))
            return texts.row(item, Status.ALREADY_DISPATCHED, message)
        old = texts.what(state.delivery_company, state.tracking_number, state.delivery_method)
        message = t("preflight.other_tracking", lang, old=old, new=texts.item_what(item))
        return texts.row(item, Status.FAILED, message, "BS501")
    return texts.row(item, Status.FAILED, t("preflight.state", lang, seen=seen), "BS602")


def waiting_add_ons(
    pre: Preflight, by_row: dict[int, RowResult], lang: Lang
) -> tuple[list[DispatchItem], list[RowResult]]:
    """After the main products were sent: the add-ons now to send, and those whose main product was not
    dispatched (not sent, saying which one)."""
    ready: list[DispatchItem] = []
    held: list[RowResult] = []
    for item in pre.add_ons:
        main = pre.after[item.row]
        if by_row[main.row].status in DONE:
            ready.append(item)
        else:
            message = t("preflight.add_on_waiting", lang, main=main.product_order_id, row=main.row)
            held.append(texts.row(item, Status.NOT_SENT, message, "BS604"))
    return ready, held
