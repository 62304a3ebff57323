"""The PostgreSQL journal: one journal shared by every machine of a team (`postgresql://user:pass@host/db`).

The same promises as the SQLite store, kept by the database rather than by a lock file on one disk:
- every attempt is committed as pending before its request leaves; a partial unique index lets one attempt per
  order and account be pending or successful at a time, across machines: a second claimant is refused (the run
  stops before sending: nothing is shipped twice);
- one dispatching run per store (account) at a time across machines: a session-level advisory lock, held on
  the run's own connection. The run writes its attempts over that connection, so a run that lost its
  connection (and with it the lock) cannot record, and so cannot send. The lock is the run's lease: the server
  ends it when the connection dies (TCP keepalives find a machine that vanished), and the next run, from any
  machine, reconciles what the dead one left pending;
- schema versions as for SQLite (`meta.schema_version`), applied under a transaction-scoped advisory lock.
Reads use a small connection pool. The password in the address never appears in messages (`location`).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final

from batchship.domain.plan import DispatchItem
from batchship.errors import JournalError
from batchship.i18n import Msg
from batchship.journal.base import (
    Attempt,
    AttemptState,
    RunRecord,
    Settlement,
    first_successes,
    latest_unsettled,
    schema,
)
from batchship.journal.sqlite import SCHEMA_VERSION, now_text

_FIELDS: Final = Attempt.__slots__
_COLUMNS: Final = ", ".join(_FIELDS)
#: Any two batchship processes migrating one database take turns (the key of a transaction-scoped lock).
_MIGRATION_KEY: Final = 0x62617463_68736870
#: Keepalives: the server notices a vanished client (and frees its run lock) within about a minute.
_CONNECT: Final[dict[str, Any]] = {
    "keepalives": 1,
    "keepalives_idle": 20,
    "keepalives_interval": 5,
    "keepalives_count": 4,
}

_MIGRATIONS: Final = schema(
    "BIGSERIAL PRIMARY KEY",
    # one attempt per order and account pending or shipped at a time, whichever machine holds it
    "CREATE UNIQUE INDEX IF NOT EXISTS attempts_claim ON attempts (account, product_order_id)"
    " WHERE state IN ('pending', 'success')",
)


def redacted(url: str) -> str:
    """The address with its password as `***`."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = urllib.parse.unquote(parts.username or "")
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _lock_key(account: str) -> int:
    """The advisory lock of one store's runs: a signed 64-bit number from the account."""
    digest = hashlib.sha256(b"batchship run lock:" + account.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _attempt(row: Sequence[Any]) -> Attempt:
    values = list(row)
    values[10] = AttemptState(str(values[10]))
    return Attempt(*values)


class PostgresJournal:
    """An open PostgreSQL journal for one account (a `JournalStore`). Thread-safe."""

    def __init__(
        self, url: str, account: str, *, read_only: bool = False, exclude: Sequence[str] = ()
    ) -> None:
        import psycopg_pool

        self.url = url
        self.location = redacted(url)
        self.account = account
        self.run_id = uuid.uuid4().hex
        self._exclude = tuple(exclude)
        self._run_conn: Any = None
        self._run_lock = threading.Lock()
        options = "-c default_transaction_read_only=on" if read_only else ""
        kwargs = {**_CONNECT, "autocommit": True, "application_name": "batchship", "options": options}
        with self._failing("journal.db_open_failed"):
            import psycopg

            # one connection first: a wrong password or a server that is down is said at once (a pool would
            # keep trying until its timeout)
            psycopg.connect(url, connect_timeout=10, **kwargs).close()
            self._pool = psycopg_pool.ConnectionPool(
                url, min_size=1, max_size=4, kwargs=kwargs, open=False, timeout=10, reconnect_timeout=30
            )
            self._pool.open(wait=True, timeout=15)
        try:
            if not read_only:
                self._migrate()
            else:
                self._check_version()
        except BaseException:  # a journal refused (newer, unreachable) leaves no pool behind
            self._pool.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _failing(self, key: str = "journal.db_failed") -> Iterator[None]:
        """Database errors (and a pool that cannot connect) as a JournalError naming the journal, never its
        password."""
        import psycopg
        import psycopg_pool

        try:
            yield
        except psycopg.errors.UniqueViolation as exc:
            raise JournalError(Msg.of("journal.claimed", path=self.location)) from exc
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            reason = Msg.of("reason.other", name=type(exc).__name__)
            raise JournalError(Msg.of(key, path=self.location, reason=reason)) from exc

    @contextlib.contextmanager
    def _writing(self, single: bool = False) -> Iterator[Any]:
        """A transaction on the run's own connection when the run lock is held (a run that lost it cannot
        record), else on a pooled one. `single`: one statement, atomic by itself (autocommit), so no BEGIN and
        COMMIT round trips around it."""
        with self._failing():
            if self._run_conn is not None:
                with self._run_lock:
                    if single:
                        yield self._run_conn
                    else:
                        with self._run_conn.transaction():
                            yield self._run_conn
                return
            with self._pool.connection() as conn:
                if single:
                    yield conn
                else:
                    with conn.transaction():
                        yield conn

    def _rows(self, sql: str, params: Sequence[object]) -> list[Any]:
        with self._failing(), self._pool.connection() as conn:
            return list(conn.execute(sql, params).fetchall())

    def _migrate(self) -> None:
        with self._writing() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_KEY,))
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise JournalError(Msg.of("journal.newer", path=self.location, version=version))
            while version < SCHEMA_VERSION:
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version += 1
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(version),),
            )

    def _check_version(self) -> None:
        rows = self._rows("SELECT value FROM meta WHERE key = 'schema_version'", ())
        if rows and int(rows[0][0]) > SCHEMA_VERSION:
            raise JournalError(Msg.of("journal.newer", path=self.location, version=rows[0][0]))

    def _scope(self) -> tuple[str, list[object]]:
        if self.account or not self._exclude:
            return ("account = %s", [self.account]) if self.account else ("TRUE", [])
        return "account <> ALL(%s)", [list(self._exclude)]

    def close(self) -> None:
        self.release()
        self._pool.close()

    def __enter__(self) -> PostgresJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the run lock -------------------------------------------------------------------------------------------

    def acquire(self, on_wait: Callable[[], None] | None = None) -> None:
        """Hold this store's run lock on a connection of the run's own (waiting, after `on_wait`, while a run on
        any machine holds it)."""
        import psycopg

        key = _lock_key(self.account)
        with self._failing():
            conn: Any = psycopg.connect(
                self.url, **_CONNECT, autocommit=True, application_name="batchship run"
            )
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
                if on_wait is not None:
                    on_wait()
                conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        self._run_conn = conn

    def release(self) -> None:
        conn, self._run_conn = self._run_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # a connection already gone has released its lock
                conn.close()

    # -- writing ----------------------------------------------------------------------------------------------

    def begin(self, items: Sequence[DispatchItem], source: str) -> list[int]:
        """Record `items` as pending in one committed transaction; refused (JournalError) when another run
        holds one of these orders as pending or shipped."""
        request_id, stamp = uuid.uuid4().hex, now_text()
        rows = [
            (
                self.account,
                i.product_order_id,
                self.run_id,
                request_id,
                i.delivery_method,
                i.delivery_company_code or "",
                i.tracking_number or "",
                i.dispatch_date,
                f"{source}:{i.row}",
                stamp,
                stamp,
            )
            for i in items
        ]
        marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s, %s)"] * len(rows))
        with self._writing(single=True) as conn:  # one statement: one round trip, one commit per request
            cursor = conn.execute(
                "INSERT INTO attempts (account, product_order_id, run_id, request_id, delivery_method, courier,"
                f" tracking, dispatch_date, source, state, created_at, updated_at) VALUES {marks} RETURNING id",
                [value for row in rows for value in row],
            )
            ids = [int(r[0]) for r in cursor.fetchall()]
        return ids

    def finish(self, settlements: Iterable[Settlement]) -> None:
        """Record answers: one statement for the whole request, in one committed transaction."""
        stamp = now_text()
        rows = [(s.attempt, s.state.value, s.code, s.message, s.trace_id) for s in settlements]
        if not rows:
            return
        marks = ", ".join(["(%s::bigint, %s, %s, %s, %s)"] * len(rows))
        with self._writing(single=True) as conn:
            conn.execute(
                "UPDATE attempts SET state = v.state, code = v.code, message = v.message, trace_id = v.trace_id,"
                f" updated_at = %s FROM (VALUES {marks}) AS v (id, state, code, message, trace_id)"
                " WHERE attempts.id = v.id",
                [stamp, *(value for row in rows for value in row)],
            )

    def start_run(self, started_by: str, face: str, source: str) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO runs (run_id, account, started_by, face, source, started_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.run_id, self.account, started_by, face, source, now_text()),
            )

    def end_run(self, run_id: str, counts: str, result_file: str, retry_file: str) -> None:
        with self._writing() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = %s, counts = %s, result_file = %s, retry_file = %s"
                " WHERE run_id = %s",
                (now_text(), counts, result_file, retry_file, run_id),
            )

    # -- reading ----------------------------------------------------------------------------------------------

    def unsettled(self) -> list[Attempt]:
        scope, values = self._scope()
        sql = f"SELECT {_COLUMNS} FROM attempts WHERE {scope} AND state IN ('pending', 'unknown') ORDER BY id"
        return [_attempt(r) for r in self._rows(sql, values)]

    def _for_orders(self, product_order_ids: Sequence[str], condition: str = "") -> list[Attempt]:
        scope, values = self._scope()
        sql = (
            f"SELECT {_COLUMNS} FROM attempts WHERE {scope}{condition}"
            " AND product_order_id = ANY(%s) ORDER BY id"
        )
        return [_attempt(r) for r in self._rows(sql, [*values, list(product_order_ids)])]

    def first_success(self, product_order_ids: Sequence[str]) -> dict[str, Attempt]:
        """The first successful attempt of each order that has one."""
        return first_successes(self._for_orders(product_order_ids, " AND state = 'success'"))

    def latest_unsettled(self, product_order_ids: Sequence[str]) -> dict[str, Attempt]:
        """Orders whose latest attempt is still unknown (reconciliation could not settle them)."""
        return latest_unsettled(self._for_orders(product_order_ids))

    def history(self, product_order_ids: Sequence[str]) -> list[Attempt]:
        sql = f"SELECT {_COLUMNS} FROM attempts WHERE product_order_id = ANY(%s) ORDER BY id"
        return [_attempt(r) for r in self._rows(sql, [list(product_order_ids)])]

    def runs(self, since: str = "", limit: int = 200) -> list[RunRecord]:
        names = ", ".join(RunRecord.__slots__)
        sql = f"SELECT {names} FROM runs WHERE started_at >= %s ORDER BY started_at DESC LIMIT %s"
        return [RunRecord(*row) for row in self._rows(sql, (since, limit))]

    def attempts_since(self, since: str) -> list[Attempt]:
        sql = f"SELECT {_COLUMNS} FROM attempts WHERE created_at >= %s ORDER BY id"
        return [_attempt(r) for r in self._rows(sql, (since,))]

    def import_history(self, attempts: Sequence[Attempt], runs: Sequence[RunRecord]) -> None:
        """Copy another journal's attempts and runs in, in one transaction; refused when this one has attempts
        (and by the claim index, should the history hold two shipped attempts of one order)."""
        names, fields = _FIELDS[1:], RunRecord.__slots__
        with self._writing() as conn, conn.cursor() as cursor:
            if conn.execute("SELECT 1 FROM attempts LIMIT 1").fetchone():
                raise JournalError(Msg.of("journal.not_empty", path=self.location))
            cursor.executemany(
                f"INSERT INTO attempts ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                [[getattr(a, n) for n in names] for a in attempts],
            )
            cursor.executemany(
                f"INSERT INTO runs ({', '.join(fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
                " ON CONFLICT DO NOTHING",
                [[getattr(r, n) for n in fields] for r in runs],
            )


def exists(url: str) -> bool:
    """Whether the database at `url` holds a journal already (its schema is there)."""
    import psycopg

    try:
        conn: Any
        with psycopg.connect(url, connect_timeout=10, **_CONNECT) as conn:
            return conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0] is True
    except psycopg.Error as exc:
        reason = Msg.of("reason.other", name=type(exc).__name__)
        raise JournalError(Msg.of("journal.db_open_failed", path=redacted(url), reason=reason)) from exc
