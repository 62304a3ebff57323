"""Before anything new is sent: what the journal already knows.

`reconcile_journal` settles the attempts earlier runs left PENDING or UNKNOWN (a run that died, an answer that
was lost) with the order lookup. `screen` then splits the sheet's items into those to send and those the journal
settles: already dispatched with the same tracking number (ALREADY_DISPATCHED), dispatched with another one
(BS501), or still unsettled (UNKNOWN: not sent until someone checks).
"""

from __future__ import annotations

from batchship.domain.plan import DispatchItem
from batchship.i18n import Lang, t
from batchship.journal import AttemptState, JournalStore, Settlement
from batchship.model import RowResult, Status
from batchship.services.dispatch import texts
from batchship.services.dispatch.context import RunContext
from batchship.timefmt import display


def reconcile_journal(ctx: RunContext, journal: JournalStore) -> int:
    """Settle the attempts earlier runs left pending or unknown, with the order lookup. Returns how many."""
    unsettled = journal.unsettled()
    if not unsettled:
        return 0
    states, _ = ctx.lookup(sorted({a.product_order_id for a in unsettled}))
    if states is None:
        return 0  # they stay unsettled, and their orders are not sent (see `screen`)
    lang = ctx.lang
    updates: list[Settlement] = []
    claimed: set[str] = set()
    for a in unsettled:
        state = states.get(a.product_order_id)
        ours = state is not None and texts.matches(state, a.courier, a.tracking)
        if ours and a.product_order_id not in claimed:
            claimed.add(a.product_order_id)
            updates.append(
                Settlement(a.id, AttemptState.SUCCESS, "", t("journal.confirmed", lang), a.trace_id)
            )
            continue
        seen = t("journal.lookup_seen", lang, seen=texts.seen_words(state, lang))
        if state is not None and (state.status == "PAYED" or ours):
            updates.append(Settlement(a.id, AttemptState.NOT_APPLIED, "", seen, a.trace_id))
        else:
            updates.append(Settlement(a.id, AttemptState.UNKNOWN, "", seen, a.trace_id))
    journal.finish(updates)
    return len(unsettled)


def screen(
    items: list[DispatchItem], journal: JournalStore, lang: Lang
) -> tuple[list[DispatchItem], list[RowResult]]:
    """Split items into those to send and those the journal settles."""
    ids = [i.product_order_id for i in items]
    done = journal.first_success(ids)
    unsettled = journal.latest_unsettled(ids)
    to_send: list[DispatchItem] = []
    settled: list[RowResult] = []
    for item in items:
        first = done.get(item.product_order_id)
        if first is not None:
            same = first.courier == (item.delivery_company_code or "") and first.tracking == (
                item.tracking_number or ""
            )
            if same:
                message = t(
                    "dispatch.already", lang, date=display(first.updated_at), what=texts.item_what(item)
                )
                settled.append(texts.row(item, Status.ALREADY_DISPATCHED, message))
            else:
                old = texts.what(first.courier, first.tracking, first.delivery_method)
                message = t(
                    "dispatch.BS501", lang, date=display(first.updated_at), old=old, new=texts.item_what(item)
                )
                settled.append(texts.row(item, Status.FAILED, message, "BS501"))
        elif item.product_order_id in unsettled:
            attempt = unsettled[item.product_order_id]
            seen = attempt.message or t("seen.pending", lang)
            settled.append(texts.row(item, Status.UNKNOWN, t("dispatch.unsettled", lang, seen=seen)))
        else:
            to_send.append(item)
    return to_send, settled
