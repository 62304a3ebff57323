"""The practice store: `dispatch --sandbox` sends to a local sandbox instead of NAVER, with no credentials.

The sandbox's side (orders, what was dispatched) lives beside the journal as `<journal>.sandbox.json`, as
NAVER's does between runs: a second practice run finds the first one's orders dispatched. The first time, the
orders come from `orders_csv` when given, else every order of the sheet exists as PAYED.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from batchship.journal import journal_path
from batchship.naver.auth import Credentials
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from batchship.sandbox.server import load_orders_csv
from batchship.services.dispatch import Target


def state_path(journal_url: str) -> Path:
    path = journal_path(journal_url)
    return path.with_name(path.stem + ".sandbox.json")


@contextlib.contextmanager
def practice_target(journal_url: str, orders_csv: Path | None = None) -> Iterator[Target]:
    """A running sandbox as a dispatch `Target`; its state is saved when the block ends."""
    sandbox = Sandbox(rate_limit=None)
    state = state_path(journal_url)
    seed = None
    if state.exists():
        sandbox.load_state(state)
    elif orders_csv is not None:  # exactly these orders exist
        sandbox.add_orders(load_orders_csv(orders_csv))
    else:  # every order of the sheet exists, PAYED
        seed = sandbox.seed_payed
    sandbox.start()
    try:
        yield Target(sandbox.base_url, Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), seed=seed)
    finally:
        sandbox.stop()
        state.parent.mkdir(parents=True, exist_ok=True)
        sandbox.save_state(state)
