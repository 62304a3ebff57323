"""The history page's facts: runs by day from the desk and from the journal (what the command line and the
folder watcher dispatched), and every attempt the journal holds for an order. The journal is opened read-only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from batchship.accounts import User
from batchship.apps.web.settings import DeskSettings
from batchship.apps.web.store import RunRow
from batchship.journal import RunRecord, read_journal


@dataclass(frozen=True, slots=True)
class HistoryRun:
    """One line of the history: a desk run (`desk_id`) or a run another face recorded in the journal."""

    when: str
    user: str
    face: str
    mode: str
    file_name: str
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    desk_id: str = ""
    journal_run: str = ""
    result_file: str = ""
    retry_file: str = ""


def accounts_for(settings: DeskSettings, user: User) -> set[str] | None:
    """The journal accounts of the stores a user limited to some stores may see (None: every account)."""
    from batchship.naver.credentials import configured_account

    if not user.stores:
        return None
    found = (configured_account(settings.config, store=s) for s in settings.stores if s and user.may_use(s))
    return {a for a in found if a}


def attempts(journal: str, product_order_id: str, accounts: set[str] | None = None) -> list[dict[str, Any]]:
    """Every attempt for an order (of `accounts` only, when given)."""
    store = read_journal(journal)
    if store is None or not product_order_id:
        return []
    with store:
        found = [a for a in store.history([product_order_id]) if accounts is None or a.account in accounts]
    keep = ("created_at", "updated_at", "state", "courier", "tracking", "delivery_method", "dispatch_date")
    return [
        {k: getattr(a, k) for k in keep}
        | {
            "run_id": a.run_id[:8],
            "code": a.code,
            "message": a.message,
            "account": a.account,
            "source": a.source,
        }
        for a in found
    ]


def recorded_run(journal: str, run_id: str, accounts: set[str] | None = None) -> RunRecord | None:
    """The journal's record of one run, however old (its files are downloaded from the history); None for a
    run of an account not in `accounts`."""
    store = read_journal(journal)
    if store is None:
        return None
    with store:
        found = next((r for r in store.runs(limit=10**9) if r.run_id == run_id), None)
    return found if found is not None and (accounts is None or found.account in accounts) else None


def runs(
    journal: str, desk_runs: list[RunRow], since: str, accounts: set[str] | None = None
) -> list[HistoryRun]:
    """Every run since `since`, newest first: the desk's own, then the journal's of other faces (of
    `accounts` only, when given)."""
    lines = [
        HistoryRun(
            r.created_at,
            r.user,
            "web",
            r.mode,
            r.file_name,
            r.status,
            {k: v for k, v in (r.report.get("counts") or {}).items() if v},
            desk_id=r.id,
            journal_run=str(r.report.get("run_id") or ""),
        )
        for r in desk_runs
    ]
    store = read_journal(journal)
    if store is not None:
        with store:
            recorded = store.runs(since)
        lines += [
            HistoryRun(
                r.started_at,
                r.started_by,
                r.face,
                "dispatch",
                r.source,
                "done" if r.finished_at else "running",
                json.loads(r.counts) if r.counts else {},
                journal_run=r.run_id,
                result_file=r.result_file,
                retry_file=r.retry_file,
            )
            for r in recorded
            if r.face != "web" and (accounts is None or r.account in accounts)
        ]
    return sorted(lines, key=lambda h: h.when, reverse=True)
