"""Look before you ship: every order about to be sent is looked up right before the first request, and only
what NAVER shows as ready goes.

Per order (see `decide`): PAYED without an open claim is sent; a buyer's cancel request is HELD (dispatching
would reject it; `ship_cancel_requests` sends it anyway and says so), a cancellation in progress always;
already dispatched with our courier and tracking number is ALREADY_DISPATCHED; dispatched with another one,
cancelled, returned, exchanged or not found is FAILED with a code of ours and what the lookup saw.

Add-ons (productClass 추가구성상품) go only after their order's main product: `Preflight.add_ons` holds the
add-ons whose main product is sent in this run, each with that main item; the run sends them once it has.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from batchship.domain.codes import ADD_ON_CLASS
from batchship.domain.plan import DispatchItem
from batchship.errors import BatchshipError
from batchship.i18n import Lang, Msg, t
from batchship.model import DONE, RowResult, Status
from batchship.naver.client import OrderState
from batchship.services import texts
from batchship.services.dispatch.context import RunContext

#: Claims that hold an order back: a buyer's request (may be overridden), a cancellation under way (never).
CANCEL_REQUESTED: Final = "CANCEL_REQUEST"
CANCELLING: Final = frozenset({"CANCELING", "ADMIN_CANCELING"})


@dataclass(slots=True)
class Preflight:
    """to_send: items to send now; settled: rows decided without sending; add_ons: (add-on, its main item)
    pairs, each add-on sent once its main item is dispatched; notes: row -> sentences to add to the row's message once
    sent (a cancel request shipped anyway; a dispatch date before NAVER's payment date)."""

    to_send: list[DispatchItem] = field(default_factory=list)
    settled: list[RowResult] = field(default_factory=list)
    add_ons: list[tuple[DispatchItem, DispatchItem]] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)


def preflight(
    ctx: RunContext,
    items: list[DispatchItem],
    *,
    ship_cancel_requests: bool = False,
    others: Sequence[tuple[int, str]] = (),
) -> Preflight:
    """Look `items` up and decide each; a BatchshipError when the lookup fails (then nothing is sent). `others`:
    the sheet's other orders (row, number), not to be sent: looked up only when an add-on's main product is
    not among `items`, to tell whether it is one of them and was dispatched."""
    if not items:
        return Preflight()
    states = _lookup(ctx, {i.product_order_id for i in items})
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
    sheet = [(i.row, i.product_order_id) for i in items]
    if _mains_missing(going, states, items):
        states |= _lookup(ctx, {pid for _, pid in others if _LOOKS_LIKE_ORDER.match(pid)})
        sheet += others
    _order_add_ons(result, going, states, sheet, ctx.lang)
    return result


def _lookup(ctx: RunContext, ids: set[str]) -> dict[str, OrderState]:
    if not ids:
        return {}
    states, error = ctx.lookup(sorted(ids))
    if states is None:
        raise BatchshipError(Msg.of("preflight.failed", reason=error))
    return states


def _mains_missing(
    going: list[DispatchItem], states: dict[str, OrderState], items: list[DispatchItem]
) -> bool:
    """Whether an add-on to send belongs to an order none of whose main products is among `items`."""
    add_on_orders = {
        states[i.product_order_id].order_id
        for i in going
        if states[i.product_order_id].product_class == ADD_ON_CLASS
    }
    main_orders = {
        s.order_id
        for i in items
        if (s := states.get(i.product_order_id)) is not None and s.product_class != ADD_ON_CLASS
    }
    return bool(add_on_orders - main_orders)


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
        if state is not None and state.order_id and state.product_class != ADD_ON_CLASS:
            mains.setdefault(state.order_id, (row, pid))
    for item in going:
        state = states[item.product_order_id]
        main = mains.get(state.order_id) if state.product_class == ADD_ON_CLASS else None
        if main is None or states[main[1]].status in texts.DISPATCHED_STATUSES:
            result.to_send.append(item)
        elif main[1] in sending:
            result.add_ons.append((item, sending[main[1]]))
        else:
            result.settled.append(_waiting(item, main[1], main[0], lang))


def _waiting(add_on: DispatchItem, main: str, row: int, lang: Lang) -> RowResult:
    """An add-on not sent because its main product (`main`, sheet row `row`) was not dispatched."""
    message = t("preflight.add_on_waiting", lang, main=main, row=row)
    return texts.row(add_on, Status.NOT_SENT, message, "BS604")


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
    for item, main in pre.add_ons:
        if by_row[main.row].status in DONE:
            ready.append(item)
        else:
            held.append(_waiting(item, main.product_order_id, main.row, lang))
    return ready, held
