"""What the journal already knows of a sheet's orders, before anything is sent.

`screen` splits the items into those to send and those the journal settles: already dispatched with the same
tracking number (ALREADY_DISPATCHED), dispatched with another one (BS501), or still unsettled (UNKNOWN: not
sent until someone checks). A row settled by an earlier run says when, and by which run (its id, file and row).

`check` and a dry run look too (`look`), through a read-only journal: they record nothing and never wait for
a run in progress. Without credentials they cannot know the account, so they read every account's attempts
except the practice sandbox's (product order numbers are unique across NAVER; practice runs are not real).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final

from batchship.domain.plan import DispatchItem
from batchship.errors import JournalError
from batchship.i18n import Lang, Msg, t
from batchship.journal import Attempt, JournalStore, is_database, journal_path, location, read_journal
from batchship.model import RowResult, Status
from batchship.sandbox import DEMO_CLIENT_ID
from batchship.services import texts
from batchship.timefmt import display

#: The practice sandbox's account in the journal (its credentials are the demo ones, with no seller account).
PRACTICE_ACCOUNT: Final = DEMO_CLIENT_ID


def by_run(attempt: Attempt, lang: Lang) -> str:
    """Which run wrote an attempt, in words: `실행 3f2a9c1b, 오늘발송.xlsx 23행`."""
    source, _, row = attempt.source.rpartition(":")
    if not row.isdigit():
        source, row = attempt.source, ""
    name = PurePath(source.replace("\\", "/")).name
    key = "known.by_run_row" if row else "known.by_run"
    return t(key, lang, run=attempt.run_id[:8], file=name, row=row)


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
            values = {
                "date": display(first.updated_at),
                "by": by_run(first, lang),
                "new": texts.item_what(item),
            }
            same = first.courier == (item.delivery_company_code or "") and first.tracking == (
                item.tracking_number or ""
            )
            if same:
                message = t("dispatch.already", lang, **values)
                settled.append(texts.row(item, Status.ALREADY_DISPATCHED, message))
            else:
                old = texts.what(first.courier, first.tracking, first.delivery_method)
                message = t("dispatch.BS501", lang, old=old, **values)
                settled.append(texts.row(item, Status.FAILED, message, "BS501"))
        elif item.product_order_id in unsettled:
            attempt = unsettled[item.product_order_id]
            seen = attempt.message or t("seen.pending", lang)
            settled.append(texts.row(item, Status.UNKNOWN, t("dispatch.unsettled", lang, seen=seen)))
        else:
            to_send.append(item)
    return to_send, settled


@dataclass(frozen=True, slots=True)
class Look:
    """Where `check` and a dry run look: the journal's address, and whose attempts (an account key; "" for
    every account but those in `exclude`)."""

    journal: str
    account: str = ""
    exclude: tuple[str, ...] = ()


def look_for(journal: str, account: str | None = None, *, practice: bool = False) -> Look:
    """Whose attempts a check reads: the practice store's (`practice`), the configured account's (`account`,
    when credentials are configured), else every account's but the practice store's."""
    if practice:
        return Look(journal, PRACTICE_ACCOUNT)
    if account:
        return Look(journal, account)
    return Look(journal, "", (PRACTICE_ACCOUNT,))


@dataclass(slots=True)
class Looked:
    """What a look found: the items still to send, the rows the journal settles, where it looked (None when
    there is no journal yet) and, when the journal could not be read, why (the rows are then checked alone)."""

    to_send: list[DispatchItem]
    settled: list[RowResult] = field(default_factory=list)
    journal: str | None = None
    failed: Msg | None = None


def may_know(where: Look | None) -> bool:
    """Whether there is a journal to look in (a database may be one: `look` finds out, and says so when it
    cannot be read)."""
    if where is None:
        return False
    if is_database(where.journal):
        return True
    try:
        return journal_path(where.journal).exists()
    except JournalError:
        return True  # `look` says why it cannot be read


def look(items: list[DispatchItem], where: Look | None, lang: Lang) -> Looked:
    """Screen items against the journal, read-only. A journal that cannot be read does not stop a check: it
    is said (`failed`) and the rows are judged on the sheet alone."""
    if where is None:
        return Looked(items)
    try:
        journal = read_journal(where.journal, where.account, where.exclude)
        if journal is None:
            return Looked(items)
        with journal:
            to_send, settled = screen(items, journal, lang)
    except JournalError as exc:
        return Looked(items, failed=exc.msg)
    return Looked(to_send, settled, location(where.journal))
