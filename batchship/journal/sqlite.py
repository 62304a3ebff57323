"""The SQLite journal store: WAL, durable commits (synchronous=FULL), one connection per process.

See `base.py` for what a journal holds and `services/dispatch` for what a run does with it. Two runs on one
journal never send at once: a run holds the run lock (`<journal>.lock`, see `runlock.py`) from reconciliation
to its last request; a second run waits for it, and then finds the first run's orders dispatched.

Schema versions: `meta.schema_version`; `_MIGRATIONS[n]` takes a journal from version n to n+1. A journal
newer than this batchship is refused rather than misread.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

from batchship.domain.plan import DispatchItem
from batchship.errors import JournalError
from batchship.i18n import Msg, os_reason
from batchship.journal.base import (
    Attempt,
    AttemptState,
    RunRecord,
    Settlement,
    first_successes,
    latest_unsettled,
    schema,
)
from batchship.journal.runlock import RunLock
from batchship.timefmt import format_naver_time, now_kst

SCHEMA_VERSION: Final = 2

_MIGRATIONS: Final = schema("INTEGER PRIMARY KEY AUTOINCREMENT")


def now_text() -> str:
    """Now, in NAVER's exact form (the journal's timestamps sort as text)."""
    return format_naver_time(now_kst())


_FIELDS: Final = Attempt.__slots__
_COLUMNS: Final = ", ".join(_FIELDS)


def _attempt(row: Sequence[object]) -> Attempt:
    values = list(row)
    values[10] = AttemptState(str(values[10]))
    return Attempt(*values)  # type: ignore[arg-type]


class SqliteJournal:
    """An open SQLite journal (a `JournalStore`). Thread-safe: one connection behind a lock."""

    #: How long to wait for another program holding the database (a DB browser, a backup) before giving up.
    busy_timeout_s: float = 60.0

    def __init__(
        self, path: Path, account: str, *, read_only: bool = False, exclude: Sequence[str] = ()
    ) -> None:
        """`account`: whose attempts the store reads and writes; a read-only store may have none (""), and then
        reads every account's but those in `exclude`."""
        self.path = path
        self.location = str(path)
        self.account = account
        self.run_id = uuid.uuid4().hex
        self._exclude = tuple(exclude)
        self._lock = threading.Lock()
        self._run_lock = RunLock(path.with_name(path.name + ".lock"))
        try:
            if read_only:
                self._db = self._open_read_only(path)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            self._retry_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
            self._db.execute("PRAGMA synchronous=FULL")
            self._retry_locked(self._migrate)
        except (sqlite3.Error, OSError) as exc:
            raise JournalError(Msg.of("journal.open_failed", path=path, reason=_reason(exc))) from exc

    def _open_read_only(self, path: Path) -> sqlite3.Connection:
        """A connection that cannot write (check and dry run look, they never record), refusing a journal newer
        than this batchship."""
        uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
        db = sqlite3.connect(
            uri, uri=True, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            db.close()
            raise JournalError(Msg.of("journal.newer", path=path, version=version))
        return db

    def _scope(self) -> tuple[str, list[object]]:
        """The SQL condition (and its values) that picks this store's accounts."""
        if self.account or not self._exclude:
            return ("account = ?", [self.account]) if self.account else ("1 = 1", [])
        return f"account NOT IN ({','.join('?' * len(self._exclude))})", list(self._exclude)

    def _retry_locked(self, step: Callable[[], object]) -> None:
        """Run `step`, waiting while another process holds the database (switching to WAL and creating the
        schema need it briefly to themselves, and SQLite does not always wait on its own for those)."""
        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            try:
                step()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        with self._tx():
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise JournalError(Msg.of("journal.newer", path=self.path, version=version))
            while version < SCHEMA_VERSION:
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                version += 1
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(version),),
            )

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextlib.contextmanager
    def _failing_as_journal_error(self) -> Iterator[None]:
        """SQLite errors after the journal is open (disk full at COMMIT, a damaged page) as a JournalError."""
        try:
            yield
        except sqlite3.Error as exc:
            raise JournalError(Msg.of("journal.failed", path=self.path, reason=_reason(exc))) from exc

    def close(self) -> None:
        self.release()
        self._db.close()

    def __enter__(self) -> SqliteJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the run lock ---------------------------------------------------------------------------------------

    def acquire(self, on_wait: Callable[[], None] | None = None) -> None:
        """Hold the journal's run lock (blocking; `on_wait` is called once if another run holds it)."""
        self._run_lock.acquire(on_wait)

    def release(self) -> None:
        self._run_lock.release()

    # -- writing ----------------------------------------------------------------------------------------------

    def begin(self, items: Sequence[DispatchItem], source: str) -> list[int]:
        """Record `items` as pending, committed before the request is sent; returns their attempt ids."""
        request_id = uuid.uuid4().hex
        stamp = now_text()
        ids = []
        with self._failing_as_journal_error(), self._tx():
            for item in items:
                cursor = self._db.execute(
                    "INSERT INTO attempts (account, product_order_id, run_id, request_id, delivery_method, courier,"
                    " tracking, dispatch_date, source, state, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                    (
                        self.account,
                        item.product_order_id,
                        self.run_id,
                        request_id,
                        item.delivery_method,
                        item.delivery_company_code or "",
                        item.tracking_number or "",
                        item.dispatch_date,
                        f"{source}:{item.row}",
                        stamp,
                        stamp,
                    ),
                )
                ids.append(int(cursor.lastrowid or 0))
        return ids

    def finish(self, settlements: Iterable[Settlement]) -> None:
        """Record answers, in one committed transaction."""
        stamp = now_text()
        rows = [(s.state.value, s.code, s.message, s.trace_id, stamp, s.attempt) for s in settlements]
        with self._failing_as_journal_error(), self._tx():
            self._db.executemany(
                "UPDATE attempts SET state = ?, code = ?, message = ?, trace_id = ?, updated_at = ? WHERE id = ?",
                rows,
            )

    def start_run(self, started_by: str, face: str, source: str) -> None:
        """Record that this run started: by whom, from which face (cli, watch, web), on which sheet."""
        with self._failing_as_journal_error(), self._tx():
            self._db.execute(
                "INSERT OR IGNORE INTO runs (run_id, account, started_by, face, source, started_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.run_id, self.account, started_by, face, source, now_text()),
            )

    def end_run(self, run_id: str, counts: str, result_file: str, retry_file: str) -> None:
        """Record how run `run_id` ended: rows by status (JSON text) and the files it wrote."""
        with self._failing_as_journal_error(), self._tx():
            self._db.execute(
                "UPDATE runs SET finished_at = ?, counts = ?, result_file = ?, retry_file = ? WHERE run_id = ?",
                (now_text(), counts, result_file, retry_file, run_id),
            )

    # -- reading ----------------------------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object]) -> list[Attempt]:
        with self._failing_as_journal_error(), self._lock:
            return [_attempt(row) for row in self._db.execute(sql, params).fetchall()]

    def unsettled(self) -> list[Attempt]:
        """Attempts of this account whose outcome is not known: pending (a run died) or unknown."""
        scope, values = self._scope()
        return self._rows(
            f"SELECT {_COLUMNS} FROM attempts WHERE {scope} AND state IN ('pending', 'unknown') ORDER BY id",
            values,
        )

    def _for_orders(self, product_order_ids: Sequence[str], condition: str = "") -> Iterator[Attempt]:
        """Attempts of this account for these orders (and `condition`), oldest first, in chunks of 500."""
        for start in range(0, len(product_order_ids), 500):
            chunk = list(product_order_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            scope, values = self._scope()
            yield from self._rows(
                f"SELECT {_COLUMNS} FROM attempts WHERE {scope}{condition}"
                f" AND product_order_id IN ({marks}) ORDER BY id",
                (*values, *chunk),
            )

    def first_success(self, product_order_ids: Sequence[str]) -> dict[str, Attempt]:
        """The first successful attempt of each order that has one."""
        return first_successes(self._for_orders(product_order_ids, " AND state = 'success'"))

    def latest_unsettled(self, product_order_ids: Sequence[str]) -> dict[str, Attempt]:
        """Orders whose latest attempt is still unknown (reconciliation could not settle them)."""
        return latest_unsettled(self._for_orders(product_order_ids))

    def history(self, product_order_ids: Sequence[str]) -> list[Attempt]:
        """Every attempt for these orders, any account, oldest first."""
        marks = ",".join("?" * len(product_order_ids))
        return self._rows(
            f"SELECT {_COLUMNS} FROM attempts WHERE product_order_id IN ({marks}) ORDER BY id",
            list(product_order_ids),
        )

    def runs(self, since: str = "", limit: int = 200) -> list[RunRecord]:
        """Runs of every account started at or after `since`, newest first (none in a journal older than the
        runs table, opened read-only)."""
        names = ", ".join(RunRecord.__slots__)
        with self._failing_as_journal_error(), self._lock:
            if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
                return []
            rows = self._db.execute(
                f"SELECT {names} FROM runs WHERE started_at >= ? ORDER BY started_at DESC LIMIT ?",
                (since, limit),
            ).fetchall()
        return [RunRecord(*row) for row in rows]

    def attempts_since(self, since: str) -> list[Attempt]:
        """Every attempt of any account created at or after `since` (a date or date-time, KST), oldest first."""
        return self._rows(f"SELECT {_COLUMNS} FROM attempts WHERE created_at >= ? ORDER BY id", (since,))

    def import_history(self, attempts: Sequence[Attempt], runs: Sequence[RunRecord]) -> None:
        """Copy another journal's attempts and runs in, in one transaction; refused when this one has attempts."""
        names = _FIELDS[1:]
        with self._failing_as_journal_error(), self._tx():
            if self._db.execute("SELECT 1 FROM attempts LIMIT 1").fetchone():
                raise JournalError(Msg.of("journal.not_empty", path=self.location))
            self._db.executemany(
                f"INSERT INTO attempts ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [[getattr(a, n) for n in names] for a in attempts],
            )
            fields = RunRecord.__slots__
            self._db.executemany(
                f"INSERT OR IGNORE INTO runs ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                [[getattr(r, n) for n in fields] for r in runs],
            )


_SQLITE_REASONS: Final = {
    "SQLITE_CANTOPEN": "reason.cannot_open",
    "SQLITE_BUSY": "reason.busy",
    "SQLITE_LOCKED": "reason.busy",
    "SQLITE_FULL": "reason.no_space",
    "SQLITE_READONLY": "reason.read_only",
    "SQLITE_CORRUPT": "reason.damaged",
    "SQLITE_NOTADB": "reason.damaged",
    "SQLITE_IOERR": "reason.io",
    "SQLITE_PERM": "reason.denied",
}


def _reason(exc: BaseException) -> Msg:
    """Why SQLite (or the system) refused, in the catalogue's words: SQLite's own text is English."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    key = _SQLITE_REASONS.get(name) or _SQLITE_REASONS.get("_".join(name.split("_")[:2]))
    return Msg.of(key) if key else Msg.of("reason.other", name=name or type(exc).__name__)
