"""The dispatch journal: what batchship sent, and what came back, across runs.

`open_journal(url, account)` opens a store by address: a plain path or `sqlite:///path` (the embedded
default; `sqlite:////abs/path` for an absolute path), or `postgresql://user:pass@host:port/db` (a journal
shared by several machines, `postgres.py`). Services see only `JournalStore` (`base.py`), so another
backend can be added here without touching them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from batchship.database import is_server
from batchship.errors import JournalError
from batchship.i18n import Msg
from batchship.journal.base import UNSETTLED, Attempt, AttemptState, JournalStore, RunRecord, Settlement

JOURNAL_ENV: Final = "BATCHSHIP_JOURNAL"

__all__ = [
    "JOURNAL_ENV",
    "UNSETTLED",
    "Attempt",
    "AttemptState",
    "JournalStore",
    "RunRecord",
    "Settlement",
    "default_url",
    "is_database",
    "journal_exists",
    "journal_path",
    "location",
    "open_journal",
    "read_journal",
    "state_dir",
]


def default_url() -> str:
    """`$BATCHSHIP_JOURNAL`, else the per-user state directory (`~/.local/state/batchship/journal.sqlite3`)."""
    env = os.environ.get(JOURNAL_ENV)
    if env:
        return env
    return str(state_dir() / "journal.sqlite3")


def state_dir() -> Path:
    """This user's state folder for batchship (`~/.local/state/batchship` on Linux): the default journal's,
    and, when the journal is a database, the practice store's and the desk's."""
    import platformdirs

    return Path(platformdirs.user_state_dir("batchship"))


def is_database(url: str) -> bool:
    """Whether `url` names a journal on a database server (PostgreSQL) rather than a file."""
    return is_server(url)


def journal_path(url: str) -> Path:
    """The file of an SQLite journal address (a plain path or `sqlite:///path`)."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    if "://" in url:
        raise JournalError(Msg.of("journal.bad_url", url=url))
    return Path(url)


def open_journal(url: str | os.PathLike[str], account: str) -> JournalStore:
    """Open (creating if needed) the journal at `url` for `account`: a file (SQLite) or a PostgreSQL database."""
    text = os.fspath(url)
    if is_database(text):
        from batchship.journal.postgres import PostgresJournal

        return PostgresJournal(text, account)
    from batchship.journal.sqlite import SqliteJournal

    return SqliteJournal(journal_path(text), account)


def journal_exists(url: str) -> bool:
    """Whether a journal is there already (a file, or a database holding the schema)."""
    if is_database(url):
        from batchship.journal.postgres import exists

        return exists(url)
    return journal_path(url).exists()


def location(url: str) -> str:
    """The journal's address as it may be shown: a database's password as `***`."""
    from batchship.journal.postgres import redacted

    return redacted(url) if is_database(url) else url


def read_journal(
    url: str | os.PathLike[str], account: str = "", exclude: tuple[str, ...] = ()
) -> JournalStore | None:
    """The journal at `url` opened read-only (check and dry run look without recording), or None when there is
    none yet. `account`: whose attempts to read; "" for every account but those in `exclude`."""
    text = os.fspath(url)
    if not journal_exists(text):
        return None
    if is_database(text):
        from batchship.journal.postgres import PostgresJournal

        return PostgresJournal(text, account, read_only=True, exclude=exclude)
    from batchship.journal.sqlite import SqliteJournal

    return SqliteJournal(journal_path(text), account, read_only=True, exclude=exclude)
