"""The desk's runs: an upload checked, dry-run or dispatched off the event loop by the same services as the
command line, with live progress for the page and the report kept in the desk's store.

Checks run a few at once; dispatches one at a time (they share the store's rate limit, and the journal's run
lock would make them wait anyway): a second one is `queued` and says it waits its turn. A dispatch of another
program on the same journal (the CLI, the folder watcher) shows as `waiting`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from batchship.apps.web.settings import DeskSettings
from batchship.apps.web.store import DeskStore, RunRow
from batchship.errors import BatchshipError
from batchship.i18n import Lang, Msg
from batchship.model import Origin, Report, Status
from batchship.output.paths import default_result_path, fit_name
from batchship.services.check import SheetOptions
from batchship.services.progress import Progress
from batchship.sheets.loader import EXCEL_SUFFIXES, TEXT_SUFFIXES
from batchship.timefmt import format_naver_time, now_kst

Mode = Literal["check", "dry-run", "dispatch"]
MODES: tuple[Mode, ...] = ("check", "dry-run", "dispatch")
#: File types the desk takes: what the loader reads.
SUFFIXES = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)
#: Errors whose command-line wording (options, environment variables) the page says its own way.
_DESK_WORDS = {"file.protected": "desk.protected"}
#: How long a workbook's password is kept in memory for more runs on its upload.
_PASSWORD_S = 12 * 3600
#: Characters no upload's stored name keeps (Windows and POSIX file systems refuse or misread them).
_UNSAFE = frozenset('/\\:*?"<>|')


@dataclass
class Live:
    """A run's progress while it goes (in memory: after a restart, a run that was going is failed): its phase
    and the service's last progress event."""

    phase: str = "queued"
    last: Progress = field(default_factory=lambda: Progress("sending"))
    started: float = field(default_factory=time.monotonic)
    sending_since: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        figures = {k: v for k, v in dataclasses.asdict(self.last).items() if k != "kind"}
        done, total, left = self.last.done, self.last.total, None
        if done and total > done and self.sending_since:
            rate = done / max(1e-6, time.monotonic() - self.sending_since)
            left = round((total - done) / rate, 1)
        elapsed = round(time.monotonic() - self.started, 1)
        return {"phase": self.phase, **figures, "elapsed_s": elapsed, "left_s": left}


def now_text() -> str:
    return format_naver_time(now_kst())


class Runs:
    """Starts runs and answers for them. `close()` waits for what is going."""

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        self.store = DeskStore(settings.desk_store, settings.owner)
        self.uploads = settings.data_dir / "uploads"
        self.results = settings.data_dir / "runs"
        self._checks = ThreadPoolExecutor(max(1, settings.check_workers), thread_name_prefix="desk-check")
        self._dispatches = ThreadPoolExecutor(1, thread_name_prefix="desk-dispatch")
        self._live: dict[str, Live] = {}
        self._waiting: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._passwords: dict[str, tuple[str, float]] = {}  # upload -> (password, when): memory only
        self._sheet_names: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        #: Set when the desk stops: a dispatch sends no new request (those in flight finish, the rest say not sent).
        self.stop = threading.Event()
        for run in self.store.unfinished():  # the server stopped while these went: say so, never pretend
            self.store.failed(run.id, now_text(), "desk.interrupted", "")

    def close(self) -> None:
        self.stop.set()
        self._checks.shutdown(wait=True, cancel_futures=False)
        self._dispatches.shutdown(wait=True, cancel_futures=False)
        self.store.close()

    # -- uploads ------------------------------------------------------------------------------------------------

    def new_upload(self, file_name: str) -> Path:
        """A fresh random folder for one upload, and the path its file goes to: its own name, made safe for any
        file system (messages and result copies then name the file as its owner knows it)."""
        folder = self.uploads / secrets.token_hex(16)
        folder.mkdir(parents=True, mode=0o700)
        stem, suffix = Path(file_name).stem, Path(file_name).suffix.lower()
        safe = "".join("_" if c in _UNSAFE or not c.isprintable() else c for c in stem).strip(" .") or "sheet"
        return folder / fit_name(safe, suffix)

    def remember_password(self, upload: str, password: str | None) -> None:
        """Keep a workbook's password in memory for runs on its upload (12 hours at most; never on disk)."""
        now = time.monotonic()
        with self._lock:
            self._passwords = {k: v for k, v in self._passwords.items() if now - v[1] < _PASSWORD_S}
            if password:
                self._passwords[upload] = (password, now)

    def password_for(self, upload: str) -> str | None:
        with self._lock:
            found = self._passwords.get(upload)
        return found[0] if found and time.monotonic() - found[1] < _PASSWORD_S else None

    def sheet_names(self, upload: str) -> list[str]:
        """The uploaded workbook's worksheets (the sheet chooser), read once per upload, not at each page
        view ([] when it cannot be read yet: a protected workbook before its password)."""
        from batchship.sheets.loader import worksheet_names

        with self._lock:
            known = self._sheet_names.get(upload)
        if known is not None:
            return known
        try:
            names = worksheet_names(Path(upload), self.password_for(upload))
        except BatchshipError:
            return []
        with self._lock:
            self._sheet_names[upload] = names
        return names

    # -- runs ---------------------------------------------------------------------------------------------------

    def start(
        self,
        user: str,
        mode: Mode,
        upload: Path,
        file_name: str,
        lang: Lang,
        sheet: str = "",
        store: str = "",
    ) -> RunRow:
        """Queue a run of `mode` on an uploaded file for `store`; it starts when a worker is free."""
        run = RunRow(
            id=secrets.token_hex(8),
            user=user,
            mode=mode,
            file_name=file_name,
            upload=str(upload),
            sheet=sheet,
            lang=lang,
            status="queued",
            created_at=now_text(),
            finished_at="",
            error_key="",
            error="",
            report={},
            result_file="",
            retry_file="",
            sendable=0,
            store=store,
        )
        self.store.add(run)
        with self._lock:
            self._live[run.id] = Live()
        pool = self._dispatches if mode == "dispatch" else self._checks
        pool.submit(self._run, run)
        return run

    def live(self, run_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._live.get(run_id)
            return found.as_dict() if found else None

    def _progress(self, run_id: str, event: Progress) -> None:
        with self._lock:
            live = self._live[run_id]
            if event.kind == "waiting":
                live.phase = "waiting"
            elif event.kind in ("sending", "rows"):
                if event.kind == "sending":
                    live.sending_since = time.monotonic()
                live.phase, live.last = "sending", event
        self._changed(run_id)

    # -- who waits for a run's news (the event streams) -------------------------------------------------------

    def subscribe(self, run_id: str) -> asyncio.Event:
        """An event (of the calling event loop) set whenever the run changes."""
        event = asyncio.Event()
        with self._lock:
            self._waiting.setdefault(run_id, []).append((asyncio.get_running_loop(), event))
        return event

    def unsubscribe(self, run_id: str, event: asyncio.Event) -> None:
        with self._lock:
            left = [(loop, e) for loop, e in self._waiting.get(run_id, []) if e is not event]
            if left:
                self._waiting[run_id] = left
            else:
                self._waiting.pop(run_id, None)

    def _changed(self, run_id: str) -> None:
        with self._lock:
            waiting = list(self._waiting.get(run_id, []))
        for loop, event in waiting:
            with contextlib.suppress(RuntimeError):  # a loop that has closed meanwhile
                loop.call_soon_threadsafe(event.set)

    def _run(self, run: RunRow) -> None:
        with self._lock:
            self._live[run.id].phase = "running"
        self.store.set_status(run.id, "running")
        self._changed(run.id)
        try:
            report = self._execute(run)
        except BatchshipError as exc:
            msg = (
                Msg.of(_DESK_WORDS[exc.msg.key], file=run.file_name)
                if exc.msg.key in _DESK_WORDS
                else exc.msg
            )
            text = msg.render(run.lang).replace(run.upload, run.file_name)  # type: ignore[arg-type]
            self.store.failed(run.id, now_text(), exc.msg.key, text)
        except Exception as exc:  # a bug: the run says so instead of hanging as "running"
            from batchship.apps.crash import crash_report

            log = crash_report(exc, lambda text: text)
            message = Msg.of("desk.crashed", error=type(exc).__name__, log=log or "-")
            self.store.failed(run.id, now_text(), "desk.crashed", message.render(run.lang))  # type: ignore[arg-type]
        else:
            sendable = sum(r.status is Status.NOT_SENT for r in report.rows) if run.mode == "check" else 0
            self.store.finished(run.id, now_text(), report, sendable)
            if run.mode == "dispatch":
                from batchship.apps.web import execute

                execute.notify(self.settings, run.id, report)
        finally:
            with self._lock:  # the report holds the figures now
                self._live.pop(run.id, None)
            self._changed(run.id)

    def _execute(self, run: RunRow) -> Report:
        from batchship.apps.web import execute

        upload = Path(run.upload)
        out = (
            self.results
            / run.id
            / default_result_path(upload, "check" if run.mode != "dispatch" else "result").name
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        options = SheetOptions(sheet=run.sheet or None, password=self.password_for(run.upload), lang=run.lang)  # type: ignore[arg-type]
        origin = Origin(run.user, "web", run.file_name, store=run.store)
        job = execute.Job(upload, options, out, origin, dry_run=run.mode == "dry-run")
        if run.mode != "dispatch":
            return execute.check(self.settings, job)
        return execute.dispatch(self.settings, job, self.stop, lambda e: self._progress(run.id, e))

    # -- keeping ----------------------------------------------------------------------------------------------

    def purge(self, now: dt.datetime | None = None) -> int:
        """Delete uploads and results older than `keep_days`; how many runs lost their files. An upload that a
        newer run still uses (a dispatch after its check) stays until that run's time is up too."""
        before = format_naver_time((now or now_kst()) - dt.timedelta(days=self.settings.keep_days))
        gone = self.store.expired(before)
        kept = self.store.uploads_kept_by_others(before)
        for run in gone:
            if run.upload and run.upload not in kept:
                shutil.rmtree(Path(run.upload).parent, ignore_errors=True)
                with self._lock:
                    self._sheet_names.pop(run.upload, None)
            shutil.rmtree(self.results / run.id, ignore_errors=True)
            self.store.forget(run.id)
        return len(gone)
