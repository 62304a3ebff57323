"""`batchship watch INBOX`: process every shipping sheet dropped into a shared folder, unattended.

Layout under INBOX (created if missing):

    INBOX/              new sheets arrive here (.xlsx, .xlsm, .xls, .csv)
    INBOX/processing/   a sheet being worked on (moved here by an atomic rename)
    INBOX/done/         originals that were processed
    INBOX/failed/       originals that could not be read at all, each with a .error.txt beside it
    INBOX/results/      result copies, JSON reports and the run log (batchship.log)

Polling, not inotify: shared folders (SMB/NFS) do not deliver file events. A file is taken only once its size
and modification time have stayed the same for `settle` seconds, oldest first. Ignored: Excel and LibreOffice
lock files (`~$*`, `.~lock.*#`), hidden files, temporary files, sub-folders, symlinks that lead outside INBOX.

One watcher per INBOX (an exclusive lock on INBOX/.batchship-watch.lock, released by the OS when a process
dies, so a stale lock never blocks). A sheet left in processing/ by a run that died is resumed first; the
journal makes sure nothing is sent twice. A stop request (SIGTERM, SIGINT) lets the current sheet's requests in
flight finish, writes its result copy, leaves it in processing/ and ends the watch; the next start completes it.

The watcher is a generator of `Event`s with a stop event; all the work on one file is `process_file`.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from batchship.errors import BatchshipError, SheetError
from batchship.report import Report
from batchship.sheet import SUFFIXES

SUBFOLDERS: Final = ("processing", "done", "failed", "results")
LOCK_NAME: Final = ".batchship-watch.lock"
TEMP_SUFFIXES: Final = (".tmp", ".temp", ".part", ".crdownload", ".partial", ".download", "~")


@dataclass(frozen=True, slots=True)
class Event:
    """Something the watcher did. kind: `processed`, `failed`, `stopped` (left in processing/), `locked`
    (another watcher holds the folder), `waiting` (for the other watcher); path: the sheet; report: for a
    processed or stopped sheet; error: for a failed one."""

    kind: Literal["processed", "failed", "stopped", "locked", "waiting"]
    path: Path | None = None
    report: Report | None = None
    error: str = ""


ProcessFn = Callable[[Path, Path, threading.Event], Report]


@dataclass(slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float


@dataclass
class Watcher:
    """inbox: the folder; process: runs one sheet (sheet path, results folder, stop event) -> Report;
    interval: seconds between scans; settle: seconds a file must stay unchanged; log: the run log file."""

    inbox: Path
    process: ProcessFn
    interval: float = 10.0
    settle: float = 5.0
    log: Path | None = None
    clock: Callable[[], float] = time.monotonic
    _seen: dict[Path, _Seen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inbox = self.inbox.resolve()
        for name in SUBFOLDERS:
            (self.inbox / name).mkdir(parents=True, exist_ok=True)
        if self.log is None:
            self.log = self.inbox / "results" / "batchship.log"

    # -- which files -------------------------------------------------------------------------------------------

    def is_candidate(self, path: Path) -> bool:
        name = path.name
        if name.startswith(("~$", ".~lock.", ".")) or name.lower().endswith(TEMP_SUFFIXES):
            return False
        if path.suffix.lower() not in SUFFIXES:
            return False
        if path.is_symlink():
            target = path.resolve()
            if target.parent != self.inbox or not target.is_file():
                return False
        return path.is_file()

    def settled(self) -> list[Path]:
        """Candidates whose size and modification time have not changed for `settle` seconds, oldest first."""
        now = self.clock()
        ready = []
        present = set()
        for path in self.inbox.iterdir():
            if not self.is_candidate(path):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            present.add(path)
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                seen = self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now)
                if self.settle > 0:
                    continue
            if now - seen.since >= self.settle:
                ready.append((st.st_mtime_ns, path.name, path))
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return [p for _, _, p in sorted(ready)]

    # -- moving files ----------------------------------------------------------------------------------------

    @staticmethod
    def free_name(folder: Path, name: str) -> Path:
        """`folder/name`, or with a timestamp suffix when that exists: nothing is ever overwritten."""
        target = folder / Path(name).name  # never a path from elsewhere
        if not target.exists():
            return target
        stem, suffix = Path(name).stem, Path(name).suffix
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for n in range(1000):
            extra = f"-{n}" if n else ""
            candidate = folder / f"{stem}.{stamp}{extra}{suffix}"
            if not candidate.exists():
                return candidate
        raise FileExistsError(target)

    def _move(self, path: Path, folder: str) -> Path:
        target = self.free_name(self.inbox / folder, path.name)
        os.replace(path, target)
        return target

    # -- the loop ----------------------------------------------------------------------------------------------

    def run(self, stop: threading.Event, *, once: bool = False) -> Iterator[Event]:
        """Watch until `stop` is set (or, with `once`, until what is there has been processed)."""
        lock = self.inbox / LOCK_NAME
        fh = lock.open("a+")
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "?"
                if once:
                    yield Event("locked", error=holder)
                    return
                yield Event("waiting", error=holder)
                while not stop.is_set():
                    try:
                        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        stop.wait(self.interval)
                else:
                    return
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}\n")
            fh.flush()
            yield from self._loop(stop, once)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def _loop(self, stop: threading.Event, once: bool) -> Iterator[Event]:
        # A run that died left these: resume them first, oldest first.
        leftovers = sorted(
            (
                p
                for p in (self.inbox / "processing").iterdir()
                if p.is_file() and p.suffix.lower() in SUFFIXES
            ),
            key=lambda p: p.stat().st_mtime_ns,
        )
        for path in leftovers:
            if stop.is_set():
                return
            yield self._handle(path, stop)
        first = True
        while not stop.is_set():
            ready = self.settled()
            if once and first and self.settle > 0:
                first = False
                stop.wait(self.settle)  # watch the files for one settle period
                continue
            for path in ready:
                if stop.is_set():
                    return
                try:
                    moved = self._move(path, "processing")
                except FileNotFoundError:
                    continue  # taken away meanwhile
                self._seen.pop(path, None)
                yield self._handle(moved, stop)
            if once:
                return
            stop.wait(self.interval)

    def _handle(self, path: Path, stop: threading.Event) -> Event:
        """Process one sheet that sits in processing/; file it under done/ or failed/."""
        results = self.inbox / "results"
        try:
            report = self.process(path, results, stop)
        except SheetError as exc:
            moved = self._move(path, "failed")
            note = moved.with_name(moved.name + ".error.txt")
            note.write_text(exc.message + "\n", encoding="utf-8")
            self._log(moved.name, None, f"failed: {exc.message}")
            return Event("failed", moved, error=exc.message)
        except BatchshipError as exc:  # credentials, journal, output: not the file's fault; retry later
            self._log(path.name, None, f"error: {exc.message}")
            return Event("failed", path, error=exc.message)
        if stop.is_set():
            self._log(path.name, report, "stopped (left in processing/)")
            return Event("stopped", path, report)
        moved = self._move(path, "done")
        self._log(moved.name, report, f"exit {report.exit_code}")
        return Event("processed", moved, report)

    def _log(self, name: str, report: Report | None, status: str) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if report is not None:
            counts = " ".join(f"{k}={v}" for k, v in report.counts().items() if v)
            line = f"{stamp}\t{name}\trows={len(report.rows)}\t{counts}\t{status}"
        else:
            line = f"{stamp}\t{name}\t-\t-\t{status}"
        assert self.log is not None
        with self.log.open("a", encoding="utf-8") as fh:
            fh.write(line.replace("\n", " ") + "\n")


def result_paths(results: Path, sheet: Path) -> tuple[Path, Path]:
    """Where the result copy and the JSON report of a sheet go (never overwriting earlier ones)."""
    from batchship.results import default_result_path

    result = Watcher.free_name(results, default_result_path(sheet).name)
    report = Watcher.free_name(results, f"{sheet.stem}.report.json")
    return result, report


def write_report(path: Path, report: Report) -> None:
    buffer = io.StringIO()
    json.dump(report.to_dict(), buffer, ensure_ascii=False, indent=2)
    path.write_text(buffer.getvalue() + "\n", encoding="utf-8")
