"""The desk's own record of its runs (`desk.sqlite3` in the data folder): who started what on which upload,
its status, the report's figures, and every row's verdict, so that a 50,000-row run pages and filters in SQL
instead of in memory. What was *sent* is the journal's business, not this file's."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from batchship.model import Report

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    mode TEXT NOT NULL,
    file_name TEXT NOT NULL,
    upload TEXT NOT NULL,
    sheet TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    error_key TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    result_file TEXT NOT NULL DEFAULT '',
    retry_file TEXT NOT NULL DEFAULT '',
    sendable INTEGER NOT NULL DEFAULT 0,
    protected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_time ON runs (created_at);
CREATE TABLE IF NOT EXISTS rows (
    run_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    row INTEGER NOT NULL,
    pid TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
);
CREATE INDEX IF NOT EXISTS rows_status ON rows (run_id, status, idx);
"""


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run as the desk keeps it (`report`: the JSON report without its rows, or {} until done)."""

    id: str
    user: str
    mode: str
    file_name: str
    upload: str
    sheet: str
    lang: str
    status: str
    created_at: str
    finished_at: str
    error_key: str
    error: str
    report: dict[str, Any]
    result_file: str
    retry_file: str
    sendable: int
    protected: int


#: Columns of `runs`, in order.
FIELDS: Final = RunRow.__slots__


def _run(values: Sequence[Any]) -> RunRow:
    data = dict(zip(FIELDS, values, strict=True))
    data["report"] = json.loads(data["report"]) if data["report"] else {}
    return RunRow(**data)


class DeskStore:
    """The desk's runs and rows. Thread-safe: a connection per thread (WAL: a page being read never waits for
    a run's rows being written, so the pages stay quick while checks finish)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        db = self._db
        db.execute("PRAGMA journal_mode=WAL").fetchall()
        db.executescript(_SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._opened_lock:
                self._opened.append(db)
        return db

    def close(self) -> None:
        with self._opened_lock:
            for db in self._opened:
                db.close()
            self._opened.clear()

    def _all(self, sql: str, values: Sequence[object] = ()) -> list[Any]:
        return self._db.execute(sql, values).fetchall()

    def _write(self, sql: str, values: Sequence[object]) -> None:
        self._db.execute(sql, values)

    def add(self, run: RunRow) -> None:
        values = [getattr(run, f) for f in FIELDS]
        values[FIELDS.index("report")] = json.dumps(run.report) if run.report else ""
        self._write(f"INSERT INTO runs VALUES ({','.join('?' * len(FIELDS))})", values)

    def get(self, run_id: str) -> RunRow | None:
        found = self._all(f"SELECT {', '.join(FIELDS)} FROM runs WHERE id = ?", (run_id,))
        return _run(found[0]) if found else None

    def recent(self, limit: int = 200, since: str = "") -> list[RunRow]:
        rows = self._all(
            f"SELECT {', '.join(FIELDS)} FROM runs WHERE created_at >= ? ORDER BY created_at DESC LIMIT ?",
            (since, limit),
        )
        return [_run(r) for r in rows]

    def unfinished(self) -> list[RunRow]:
        rows = self._all(f"SELECT {', '.join(FIELDS)} FROM runs WHERE status IN ('queued', 'running')")
        return [_run(r) for r in rows]

    def set_status(self, run_id: str, status: str) -> None:
        self._write("UPDATE runs SET status = ? WHERE id = ?", (status, run_id))

    def failed(self, run_id: str, finished_at: str, key: str, text: str) -> None:
        self._write(
            "UPDATE runs SET status = 'failed', finished_at = ?, error_key = ?, error = ? WHERE id = ?",
            (finished_at, key, text, run_id),
        )

    def finished(self, run_id: str, finished_at: str, report: Report, sendable: int) -> None:
        """A run's report: its figures, its files and every row (one transaction)."""
        data = report.to_dict()
        data.pop("row_results")
        data["source"] = report.source_name  # names, not the server's folders: the links download them
        for name in ("result_file", "retry_file"):
            data[name] = Path(data[name]).name if data[name] else None
        rows = [
            (run_id, i, r.row, r.product_order_id, r.status.value, r.code, r.message)
            for i, r in enumerate(report.rows)
        ]
        files = [str(p) if p else "" for p in (report.result_file, report.retry_file)]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute(
                "UPDATE runs SET status = 'done', finished_at = ?, report = ?, result_file = ?,"
                " retry_file = ?, sendable = ?, sheet = ? WHERE id = ?",
                (finished_at, json.dumps(data), *files, sendable, report.sheet_name, run_id),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def rows(
        self, run_id: str, statuses: Sequence[str] = (), search: str = "", offset: int = 0, limit: int = 50
    ) -> tuple[int, list[tuple[int, str, str, str, str]]]:
        """How many rows match, and one page of them: (row, order number, status, code, message)."""
        where, values = "run_id = ?", [run_id]
        if statuses:
            where += f" AND status IN ({','.join('?' * len(statuses))})"
            values += list(statuses)
        if search:
            where += " AND pid LIKE ? ESCAPE '\\'"
            values.append("%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        total = int(self._all(f"SELECT COUNT(*) FROM rows WHERE {where}", values)[0][0])
        page = self._all(
            f"SELECT row, pid, status, code, message FROM rows WHERE {where} ORDER BY idx LIMIT ? OFFSET ?",
            [*values, limit, offset],
        )
        return total, [tuple(r) for r in page]

    def row_results(self, run_id: str) -> list[dict[str, Any]]:
        """Every row of a run, as the JSON report's `row_results`."""
        rows = self._all(
            "SELECT row, pid, status, code, message FROM rows WHERE run_id = ? ORDER BY idx", (run_id,)
        )
        keys = ("row", "productOrderId", "status", "code", "message")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def expired(self, before: str) -> list[RunRow]:
        rows = self._all(
            f"SELECT {', '.join(FIELDS)} FROM runs WHERE created_at < ? AND upload != ''"
            " AND status NOT IN ('queued', 'running')",
            (before,),
        )
        return [_run(r) for r in rows]

    def forget(self, run_id: str) -> None:
        """A run past its keeping time: its rows and files go, its line stays for the history."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM rows WHERE run_id = ?", (run_id,))
        db.execute("UPDATE runs SET result_file = '', retry_file = '', upload = '' WHERE id = ?", (run_id,))
        db.execute("COMMIT")
