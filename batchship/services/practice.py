"""The practice store: `dispatch --sandbox` sends to a local sandbox instead of NAVER, with no credentials.

The sandbox's side (orders, what was dispatched) lives beside the journal as `<journal>.sandbox.json`, as
NAVER's does between runs: a second practice run finds the first one's orders dispatched. The first time, the
orders come from `orders_csv` when given, else every order of the sheet exists as PAYED; later runs add the
orders they name that the store does not know yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from batchship.i18n import Msg
from batchship.journal import is_database, journal_path, state_dir
from batchship.naver.auth import Credentials
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from batchship.sandbox.server import load_orders_csv
from batchship.services.dispatch import Target


def state_path(journal_url: str) -> Path:
    """Beside the journal's file; for a journal on a database server, in this user's state folder."""
    if is_database(journal_url):
        return state_dir() / "practice.sandbox.json"
    path = journal_path(journal_url)
    return path.with_name(path.stem + ".sandbox.json")


@contextlib.contextmanager
def practice_target(
    journal_url: str, orders_csv: Path | None = None, *, reset: bool = False, lookups_only: bool = False
) -> Iterator[Target]:
    """A running sandbox as a dispatch `Target` (its `note` says what the store holds and where it lives).

    The store goes on from its saved state; orders of `orders_csv` it does not know yet are added (the others
    keep their state), and without `orders_csv` every order of the sheet it does not know is added as PAYED.
    `reset` empties it first. The state is saved only when something was sent to it, so a run that failed
    before sending (a wrong path, a forgotten password) leaves the store as it was. `lookups_only`: the run
    only looks orders up (`reconcile`), and the note says just what the store holds."""
    sandbox = Sandbox(rate_limit=None)
    state = state_path(journal_url)
    if reset:
        state.unlink(missing_ok=True)
    if state.exists():
        sandbox.load_state(state)
    known = set(sandbox.snapshot()["orders"])
    seed = None
    if orders_csv is not None:
        sandbox.add_orders(o for o in load_orders_csv(orders_csv) if o.product_order_id not in known)
    else:
        seed = sandbox.seed_payed
    snapshot = sandbox.snapshot()
    key = "run.practice_store" if orders_csv is None else "run.practice_store_csv"
    note = Msg.of(
        "run.practice_store_lookup" if lookups_only else key,
        path=state,
        orders=len(snapshot["orders"]),
        shipped=sum(1 for n in snapshot["dispatchCounts"].values() if n),
    )
    sandbox.start()
    try:
        credentials = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        yield Target(sandbox.base_url, credentials, seed=seed, note=note)
    finally:
        sandbox.stop()
        if sandbox.calls().get("dispatch_attempts", 0):
            state.parent.mkdir(parents=True, exist_ok=True)
            sandbox.save_state(state)
