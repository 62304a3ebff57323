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
dies, so a stale lock never blocks; the holder's pid is in INBOX/.batchship-watch.owner). A sheet left in processing/ by a run that died is resumed first; the
journal makes sure nothing is sent twice. A stop request (SIGTERM, SIGINT) lets the current sheet's requests in
flight finish, writes its result copy, leaves it in processing/ and ends the watch; the next start completes it.

The watcher is a generator of `Event`s with a stop event; all the work on one file is the `process` function
it is given (`pipeline.py` builds the real one; tests pass a fake, and a fake clock and wait).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from batchship.apps.crash import crash_report
from batchship.errors import BatchshipError, ConfigError, SheetError
from batchship.i18n import Lang, Msg, os_reason, t
from batchship.journal.runlock import RunLock
from batchship.model import Report
from batchship.output.paths import fit_name, stamped_names
from batchship.output.summary import counts_text
from batchship.sheets.loader import SUFFIXES
from batchship.timefmt import now_kst

SUBFOLDERS: Final = ("processing", "done", "failed", "results")
LOCK_NAME: Final = ".batchship-watch.lock"
OWNER_NAME: Final = ".batchship-watch.owner"
TEMP_SUFFIXES: Final = (".tmp", ".temp", ".part", ".crdownload", ".partial", ".download", "~")
#: Beside a sheet in processing/, `.NAME.inhand` counts the watch processes that died with it in hand.
INHAND_SUFFIX: Final = ".inhand"
MAX_DEATHS: Final = 2


@dataclass(frozen=True, slots=True)
class Event:
    """Something the watcher did. kind: `processed`, `failed`, `stopped` (left in processing/), `locked`
    (another watcher holds the folder), `waiting` (for the other watcher); path: the sheet; report: for a
    processed or stopped sheet; error: for a failed one."""

    kind: Literal["processed", "failed", "stopped", "locked", "waiting"]
    path: Path | None = None
    report: Report | None = None
    error: Msg | None = None
    holder: str = ""


ProcessFn = Callable[[Path, Path, threading.Event], Report]
#: Waits up to `seconds` or until the stop event is set; True when it is set.
WaitFn = Callable[[threading.Event, float], bool]


def wait_on(stop: threading.Event, seconds: float) -> bool:
    return stop.wait(seconds)


@dataclass(slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float


@dataclass
class Watcher:
    """inbox: the folder; process: runs one sheet (sheet path, results folder, stop event) -> Report;
    interval: seconds between scans; settle: seconds a file must stay unchanged; log: the run log file;
    lang: of the notes written beside failed files; clock: monotonic seconds, and wait: the pause between
    scans (tests pass a fake pair that moves time on without sleeping); redact: removes secrets from crash
    logs."""

    inbox: Path
    process: ProcessFn
    interval: float = 10.0
    settle: float = 5.0
    log: Path | None = None
    lang: Lang = "ko"
    clock: Callable[[], float] = time.monotonic
    wait: WaitFn = wait_on
    redact: Callable[[str], str] = str
    _seen: dict[Path, _Seen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inbox = self.inbox.resolve()
        if self.inbox.exists() and not self.inbox.is_dir():
            raise ConfigError(Msg.of("watch.not_a_folder", path=self.inbox))
        try:
            for name in SUBFOLDERS:
                (self.inbox / name).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(Msg.of("watch.cannot_create", path=self.inbox, reason=os_reason(exc))) from exc
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
        for candidate in stamped_names(target):
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
        lock = RunLock(self.inbox / LOCK_NAME)
        owner = self.inbox / OWNER_NAME
        if not lock.try_acquire():
            holder = _read(owner)
            if once:
                yield Event("locked", holder=holder)
                return
            yield Event("waiting", holder=holder)
            while not lock.try_acquire():
                if self.wait(stop, self.interval):
                    return
        try:
            owner.write_text(f"pid {os.getpid()}\n", encoding="utf-8")
            yield from self._loop(stop, once)
        finally:
            lock.release()

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
                self.wait(stop, self.settle)  # watch the files for one settle period
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
            self.wait(stop, self.interval)

    def _handle(self, path: Path, stop: threading.Event) -> Event:
        """Process one sheet that sits in processing/, counting the processes that died with it in hand: after
        MAX_DEATHS it is filed under failed/ instead (one file never stops the queue for good)."""
        marker = path.with_name(fit_name("." + path.name, INHAND_SUFFIX))
        deaths = _count(marker)
        if deaths >= MAX_DEATHS:
            marker.unlink(missing_ok=True)
            return self._fail(path, Msg.of("watch.died_with_it", n=deaths))
        marker.write_text(f"{deaths + 1}\n", encoding="utf-8")
        try:
            return self._handle_once(path, stop)
        finally:
            marker.unlink(missing_ok=True)

    def _fail(self, path: Path, why: Msg) -> Event:
        """File the sheet under failed/ with a note saying why."""
        moved = self._move(path, "failed")
        note = moved.with_name(fit_name(moved.name, ".error.txt"))
        note.write_text(why.render(self.lang) + "\n", encoding="utf-8")
        self._log(moved.name, None, t("watch.log_failed", self.lang, message=why))
        return Event("failed", moved, error=why)

    def _handle_once(self, path: Path, stop: threading.Event) -> Event:
        """Process one sheet; file it under done/ or failed/, or leave it in processing/ to be resumed."""
        results = self.inbox / "results"
        try:
            report = self.process(path, results, stop)
        except SheetError as exc:
            return self._fail(path, exc.msg)
        except BatchshipError as exc:  # credentials, journal, output: not the file's fault; retry later
            self._log(path.name, None, t("watch.log_error", self.lang, message=exc.msg))
            return Event("failed", path, error=exc.msg)
        except Exception as exc:  # nobody foresaw it: a crash log, the sheet to failed/, the queue goes on
            log = crash_report(exc, self.redact)
            return self._fail(path, Msg.of("watch.crashed", error=type(exc).__name__, log=log or "-"))
        if report.errors:  # the run stopped early (credentials, journal): resumed on the next start
            self._log(path.name, report, t("watch.log_error", self.lang, message=report.errors[0]))
            return Event("failed", path, report, error=report.errors[0])
        if stop.is_set():
            self._log(path.name, report, t("watch.log_stopped", self.lang))
            return Event("stopped", path, report)
        moved = self._move(path, "done")
        self._log(moved.name, report, t("watch.log_exit", self.lang, code=report.exit_code))
        return Event("processed", moved, report)

    def _log(self, name: str, report: Report | None, status: str) -> None:
        stamp = now_kst().isoformat(timespec="seconds")
        if report is not None:
            counts = counts_text(report)
            line = f"{stamp}\t{name}\trows={len(report.rows)}\t{counts}\t{status}"
        else:
            line = f"{stamp}\t{name}\t-\t-\t{status}"
        assert self.log is not None
        with self.log.open("a", encoding="utf-8") as fh:
            fh.write(line.replace("\n", " ") + "\n")


def _count(marker: Path) -> int:
    try:
        return int(marker.read_text(encoding="utf-8").strip() or 0)
    except (OSError, ValueError):
        return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"
