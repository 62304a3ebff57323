"""`batchship journal migrate --from SRC --to DST`: a team's history moved between journals (an SQLite file
into a shared PostgreSQL database, or back), in one transaction, the counts checked afterwards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from batchship.errors import JournalError
from batchship.i18n import Msg
from batchship.journal import location, open_journal, read_journal

#: Every run a journal holds (`runs()` pages by a limit).
_ALL = 10**9


@dataclass(frozen=True, slots=True)
class Moved:
    attempts: int
    runs: int


def migrate(source: str, target: str) -> Moved:
    """Copy every attempt and run of `source` into the empty journal `target`; the attempts by account and
    state, and the runs, are counted on both sides afterwards."""
    reader = read_journal(source)
    if reader is None:
        raise JournalError(Msg.of("journal.missing", path=location(source)))
    with reader:
        attempts, runs = reader.attempts_since(""), reader.runs(limit=_ALL)
    with open_journal(target, "") as writer:
        writer.import_history(attempts, runs)
        copied, copied_runs = writer.attempts_since(""), writer.runs(limit=_ALL)
    before = Counter((a.account, a.product_order_id, a.state) for a in attempts)
    after = Counter((a.account, a.product_order_id, a.state) for a in copied)
    if before != after or len(runs) != len(copied_runs):
        values = {"source": f"{len(attempts)}/{len(runs)}", "target": f"{len(copied)}/{len(copied_runs)}"}
        raise JournalError(Msg.of("journal.migrate_mismatch", path=location(target), **values))
    return Moved(len(attempts), len(runs))
