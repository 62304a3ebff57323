"""The desk's own record of its runs (`desk.sqlite3` in the data folder, or the team's PostgreSQL database):
who started what on which upload,
its status, the report's figures, and every row's verdict, so that a 50,000-row run pages and filters in SQL
instead of in memory. What was *sent* is the journal's business, not this file's."""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from batchship.model import Report, Rows

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS desk_runs (
    id TEXT PRIMARY KEY,
    started_by TEXT NOT NULL,
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
    owner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS desk_runs_time ON desk_runs (created_at);
CREATE TABLE IF NOT EXISTS desk_rows (
    run_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    row INTEGER NOT NULL,
    pid TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
);
CREATE INDEX IF NOT EXISTS desk_rows_status ON desk_rows (run_id, status, idx)
"""
#: Columns added since the table's first release: `store`, the config's store a run was for ('' for the one).
_ADDED: Final = (("desk_runs", "store", "TEXT NOT NULL DEFAULT ''"),)


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
    store: str = ""


#: The fields of a run, and their columns (`user` is a reserved word in PostgreSQL).
FIELDS: Final = RunRow.__slots__
COLUMNS: Final = tuple("started_by" if f == "user" else f for f in FIELDS)


def _run(values: Sequence[Any]) -> RunRow:
    data = dict(zip(FIELDS, values, strict=True))
    data["report"] = json.loads(data["report"]) if data["report"] else {}
    return RunRow(**data)


class DeskStore:
    """The desk's runs and rows, in the data folder's `desk.sqlite3` or the team's PostgreSQL database.
    `owner` names this desk (host and data folder): a restarted desk fails only the runs it was going, never
    those of another desk sharing the database."""

    def __init__(self, where: Path | str, owner: str = "") -> None:
        from batchship.database import Database

        self.owner = owner
        self._db = Database(where, _SCHEMA, _ADDED)

    def close(self) -> None:
        self._db.close()

    def _select(self, condition: str, values: Sequence[object] = (), tail: str = "") -> list[RunRow]:
        sql = f"SELECT {', '.join(COLUMNS)} FROM desk_runs WHERE {condition} {tail}"
        return [_run(r) for r in self._db.rows(sql, values)]

    def add(self, run: RunRow) -> None:
        values = [getattr(run, f) for f in FIELDS]
        values[FIELDS.index("report")] = json.dumps(run.report) if run.report else ""
        marks = ", ".join("?" * (len(FIELDS) + 1))
        self._db.write(
            f"INSERT INTO desk_runs ({', '.join(COLUMNS)}, owner) VALUES ({marks})", [*values, self.owner]
        )

    def get(self, run_id: str) -> RunRow | None:
        found = self._select("id = ?", (run_id,))
        return found[0] if found else None

    def recent(self, limit: int = 200, since: str = "", stores: Sequence[str] | None = None) -> list[RunRow]:
        """The newest runs since `since` (of `stores` only, when given)."""
        if stores is None:
            return self._select("created_at >= ?", (since, limit), "ORDER BY created_at DESC LIMIT ?")
        if not stores:
            return []
        marks = ", ".join("?" * len(stores))
        condition = f"created_at >= ? AND store IN ({marks})"
        return self._select(condition, (since, *stores, limit), "ORDER BY created_at DESC LIMIT ?")

    def unfinished(self) -> list[RunRow]:
        """This desk's runs that were queued or going when it stopped."""
        return self._select("status IN ('queued', 'running') AND owner = ?", (self.owner,))

    def set_status(self, run_id: str, status: str) -> None:
        self._db.write("UPDATE desk_runs SET status = ? WHERE id = ?", (status, run_id))

    def failed(self, run_id: str, finished_at: str, key: str, text: str) -> None:
        self._db.write(
            "UPDATE desk_runs SET status = 'failed', finished_at = ?, error_key = ?, error = ? WHERE id = ?",
            (finished_at, key, text, run_id),
        )

    def finished(self, run_id: str, finished_at: str, report: Report, sendable: int) -> None:
        """A run's report: its figures, its files and every row (one transaction)."""
        data = report.to_dict(rows=False)
        data["source"] = report.source_name  # names, not the server's folders: the links download them
        for name in ("result_file", "retry_file"):
            data[name] = Path(data[name]).name if data[name] else None
        held = report.rows if isinstance(report.rows, Rows) else Rows.of(report.rows)
        values = map(operator.attrgetter("value"), held.statuses)
        rows = list(
            zip(
                itertools.repeat(run_id),
                itertools.count(),
                held.numbers,
                held.ids,
                values,
                held.codes,
                held.messages,
            )
        )
        files = [str(p) if p else "" for p in (report.result_file, report.retry_file)]
        with self._db.transaction() as tx:
            tx.many(
                "INSERT INTO desk_rows VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, idx) DO NOTHING",
                rows,
            )
            tx.write(
                "UPDATE desk_runs SET status = 'done', finished_at = ?, report = ?, result_file = ?,"
                " retry_file = ?, sendable = ?, sheet = ? WHERE id = ?",
                (finished_at, json.dumps(data), *files, sendable, report.sheet_name, run_id),
            )

    def rows(
        self, run_id: str, statuses: Sequence[str] = (), search: str = "", offset: int = 0, limit: int = 50
    ) -> tuple[int, list[tuple[int, str, str, str, str]]]:
        """How many rows match, and one page of them: (row, order number, status, code, message)."""
        where, values = "run_id = ?", [run_id]
        if statuses:
            where += f" AND status IN ({','.join('?' * len(statuses))})"
            values += list(statuses)
        if search:
            where += " AND pid LIKE ? ESCAPE '!'"
            values.append("%" + search.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%")
        total = int(self._db.rows(f"SELECT COUNT(*) FROM desk_rows WHERE {where}", values)[0][0])
        page = self._db.rows(
            f"SELECT row, pid, status, code, message FROM desk_rows WHERE {where} ORDER BY idx LIMIT ? OFFSET ?",
            [*values, limit, offset],
        )
        return total, [tuple(r) for r in page]

    def row_results(self, run_id: str) -> list[dict[str, Any]]:
        """Every row of a run, as the JSON report's `row_results`."""
        rows = self._db.rows(
            "SELECT row, pid, status, code, message FROM desk_rows WHERE run_id = ? ORDER BY idx", (run_id,)
        )
        keys = ("row", "productOrderId", "status", "code", "message")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def expired(self, before: str) -> list[RunRow]:
        return self._select(
            "created_at < ? AND upload != '' AND status NOT IN ('queued', 'running')", (before,)
        )

    def uploads_kept_by_others(self, before: str) -> set[str]:
        """The uploads of runs still within their keeping time (a check's upload stays while its dispatch
        does)."""
        rows = self._db.rows(
            "SELECT DISTINCT upload FROM desk_runs WHERE created_at >= ? AND upload != ''", (before,)
        )
        return {str(r[0]) for r in rows}

    def forget(self, run_id: str) -> None:
        """A run past its keeping time: its rows and files go, its line stays for the history."""
        with self._db.transaction() as tx:
            tx.write("DELETE FROM desk_rows WHERE run_id = ?", (run_id,))
            tx.write(
                "UPDATE desk_runs SET result_file = '', retry_file = '', upload = '' WHERE id = ?", (run_id,)
            )
