"""A small SQL door for the web desk's own tables (accounts, sessions, runs): an SQLite file, or the team's
PostgreSQL database when the journal lives there, so that two desks behind a proxy serve the same team.

The statements are written once, in the SQL both understand (`?` placeholders, `ON CONFLICT`, `DOUBLE
PRECISION`); for PostgreSQL the placeholders become `%s`. Connections: one per thread for SQLite (WAL: reads
never wait for a write), a small pool for PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from batchship.errors import ConfigError
from batchship.i18n import Msg


def is_server(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


class Transaction:
    """Statements inside one transaction."""

    def __init__(self, run: Any) -> None:
        self._run = run

    def rows(self, sql: str, values: Sequence[object] = ()) -> list[Any]:
        return list(self._run(sql, values, True))

    def write(self, sql: str, values: Sequence[object] = ()) -> int:
        return int(self._run(sql, values, False))

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """One statement for many rows (a pipeline on PostgreSQL, not a round trip each)."""
        self._run(sql, rows, None)


class Database:
    """`where`: a file path (SQLite, created mode 0600) or a `postgresql://` address; `schema`: the statements
    that create the tables (run once at open, each `IF NOT EXISTS`); added: columns a later version added to
    those tables, `(table, column, definition)`, added at open to a table made before them."""

    def __init__(self, where: str | Path, schema: str, added: Sequence[tuple[str, str, str]] = ()) -> None:
        self.where = str(where)
        self.server = is_server(self.where)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            if self.server:
                import psycopg_pool

                kwargs = {"autocommit": True, "application_name": "batchship desk"}
                self._pool = psycopg_pool.ConnectionPool(
                    self.where, min_size=1, max_size=8, kwargs=kwargs, open=False
                )
                self._pool.open(wait=True, timeout=15)
            else:
                path = Path(self.where)
                path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
                self._sqlite().execute("PRAGMA journal_mode=WAL").fetchall()
            with self.transaction() as tx:
                for statement in schema.split(";"):
                    if statement.strip():
                        tx.write(statement)
                for table, column, definition in added:
                    if self.server:
                        tx.write(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {definition}")
                    elif column not in {row[1] for row in tx.rows(f"PRAGMA table_info({table})")}:
                        tx.write(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        except Exception as exc:
            shown = self.where.split("@")[-1] if self.server else self.where
            raise ConfigError(Msg.of("account.store_failed", path=shown, reason=type(exc).__name__)) from exc

    def _sqlite(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.where, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def close(self) -> None:
        if self.server:
            self._pool.close()
            return
        with self._lock:
            for db in self._opened:
                db.close()
            self._opened.clear()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        if self.server:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:

                def run(sql: str, values: Any, fetch: bool | None) -> Any:
                    text = sql.replace("%", "%%").replace("?", "%s")
                    if fetch is None:
                        cursor.executemany(text, values)
                        return 0
                    cursor.execute(text, values)
                    return cursor.fetchall() if fetch else cursor.rowcount

                yield Transaction(run)
            return
        db = self._sqlite()
        db.execute("BEGIN IMMEDIATE")
        try:

            def run_sqlite(sql: str, values: Any, fetch: bool | None) -> Any:
                if fetch is None:
                    db.executemany(sql, values)
                    return 0
                cursor = db.execute(sql, values)
                return cursor.fetchall() if fetch else cursor.rowcount

            yield Transaction(run_sqlite)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def rows(self, sql: str, values: Sequence[object] = ()) -> list[Any]:
        """A read, outside any transaction (SQLite: on this thread's connection; fetched whole, so no
        statement stays open on an old snapshot)."""
        if self.server:
            with self._pool.connection() as conn:
                return list(conn.execute(sql.replace("%", "%%").replace("?", "%s"), values).fetchall())
        return self._sqlite().execute(sql, values).fetchall()

    def write(self, sql: str, values: Sequence[object] = ()) -> int:
        with self.transaction() as tx:
            return tx.write(sql, values)
