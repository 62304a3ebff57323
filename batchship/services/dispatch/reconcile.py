"""Before anything new is sent: what the journal already knows.

`reconcile_journal` settles the attempts earlier runs left PENDING or UNKNOWN (a run that died, an answer that
was lost) with the order lookup: dispatched with our courier and tracking number, SUCCESS; still PAYED,
NOT_APPLIED (sent again); unknown to NAVER or in another state, FAILED (that attempt did not apply). Only a
failing lookup leaves them unsettled. `services.known.screen` then splits the sheet's items into those to send
and those the journal settles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from batchship.i18n import Lang, Msg, t
from batchship.journal import Attempt, AttemptState, JournalStore, Settlement, open_journal
from batchship.naver.client import CommerceClient
from batchship.services import texts
from batchship.services.dispatch.context import RunContext, Target


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What reconciling the journal did: each unsettled attempt with the settlement the lookup gave it, and,
    when the lookup failed, why and how many attempts stay unsettled."""

    changes: list[tuple[Attempt, Settlement]] = field(default_factory=list)
    failed: Msg | None = None
    left: int = 0


def reconcile_journal(ctx: RunContext, journal: JournalStore) -> Reconciled:
    """Settle the attempts earlier runs left pending or unknown, with the order lookup."""
    unsettled = journal.unsettled()
    if not unsettled:
        return Reconciled()
    states, error = ctx.lookup(sorted({a.product_order_id for a in unsettled}))
    if states is None:  # they stay unsettled, and their orders are not sent (see `screen`)
        return Reconciled(failed=error, left=len(unsettled))
    lang = ctx.lang
    changes: list[tuple[Attempt, Settlement]] = []
    claimed: set[str] = set()
    for a in unsettled:
        state = states.get(a.product_order_id)
        ours = state is not None and texts.matches(state, a.courier, a.tracking)
        if ours and a.product_order_id not in claimed:
            claimed.add(a.product_order_id)
            settlement = Settlement(a.id, AttemptState.SUCCESS, "", t("journal.confirmed", lang), a.trace_id)
        else:  # PAYED (or ours, already claimed): not applied; anything else: this attempt did not apply
            seen = t("journal.lookup_seen", lang, seen=texts.seen_words(state, lang))
            applied_not = state is not None and (state.status == "PAYED" or ours)
            code = "" if applied_not else "100001" if state is None else "104442"
            settlement = Settlement(
                a.id, AttemptState.NOT_APPLIED if applied_not else AttemptState.FAILED, code, seen, a.trace_id
            )
        changes.append((a, settlement))
    journal.finish([s for _, s in changes])
    return Reconciled(changes)


def settle_unknowns(journal_url: str, target: Target, lang: Lang = "ko") -> Reconciled:
    """`batchship reconcile`: prove the credentials, then settle every attempt the journal holds as pending or
    unknown with the order lookup. Nothing is sent."""
    assert target.credentials is not None
    with CommerceClient(target.credentials, target.base_url, transport=target.transport) as client:
        client.authenticate()
        with open_journal(journal_url, target.credentials.account_key) as journal:
            journal.acquire()
            return reconcile_journal(RunContext(client, lang, journal=journal), journal)
