"""The folder watcher in-process, with a fake `process` and a fake clock: which files it takes and when, the
order, where each ends up, what is logged, stops, leftovers and the folder lock. Nothing sleeps: time moves
only when the watcher waits. (`test_watch.py` runs the real thing as processes.)"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from batchship.apps.watch.watcher import LOCK_NAME, OWNER_NAME, Event, Watcher
from batchship.errors import ConfigError, SheetError
from batchship.i18n import Msg
from batchship.journal.runlock import RunLock
from batchship.model import Report, RowResult, Status


@dataclass
class FakeTime:
    """Monotonic seconds that move only when the watcher waits; `at(t, action)` runs `action` once time has
    reached t (a file written, a stop requested)."""

    now: float = 0.0
    waits: list[float] = field(default_factory=list)
    actions: list[tuple[float, Callable[[], None]]] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def at(self, when: float, action: Callable[[], None]) -> None:
        self.actions.append((when, action))

    def wait(self, stop: threading.Event, seconds: float) -> bool:
        assert len(self.waits) < 1000, "the watcher never stopped"
        self.waits.append(seconds)
        self.now += seconds
        due = [a for a in self.actions if a[0] <= self.now]
        self.actions = [a for a in self.actions if a[0] > self.now]
        for _, action in sorted(due, key=lambda a: a[0]):
            action()
        return stop.is_set()


@dataclass
class FakeProcess:
    """Records each sheet it is given (where it was, and when); `outcomes` by file name: an exception to raise,
    or a function called with the stop event (to stop mid-sheet); otherwise one SUCCESS row."""

    time: FakeTime
    outcomes: dict[str, BaseException | Callable[[threading.Event], None]] = field(default_factory=dict)
    calls: list[tuple[str, str, float]] = field(default_factory=list)

    def __call__(self, sheet: Path, results: Path, stop: threading.Event) -> Report:
        assert results == sheet.parent.parent / "results" and sheet.exists()
        self.calls.append((sheet.parent.name, sheet.name, self.time.now))
        outcome = self.outcomes.get(sheet.name)
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome is not None:
            outcome(stop)
        row = RowResult(2, "2024050000000012", Status.SUCCESS, "", "")
        return Report("dispatch", sheet, "발송처리", 1, [row])


def make(tmp_path: Path, **kwargs: object) -> tuple[Watcher, FakeTime, FakeProcess, threading.Event]:
    time = FakeTime()
    process = FakeProcess(time)
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    options: dict[str, object] = {"interval": 1.0, "settle": 3.0, **kwargs}
    watcher = Watcher(inbox, process, clock=time.clock, wait=time.wait, **options)  # type: ignore[arg-type]
    return watcher, time, process, threading.Event()


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def log_lines(watcher: Watcher) -> list[list[str]]:
    assert watcher.log is not None
    return [line.split("\t")[1:] for line in watcher.log.read_text(encoding="utf-8").splitlines()]


def test_a_file_still_growing_is_taken_only_once_unchanged_for_the_settle_time(tmp_path: Path) -> None:
    """Written in three pieces, 2 s apart (less than the 3 s settle): taken at the first scan at least 3 s after
    the last piece, never before; then filed under done/ and logged."""
    watcher, time, process, stop = make(tmp_path)
    sheet = watcher.inbox / "오늘발송.xlsx"
    sheet.write_bytes(b"PK-part-1")

    def append() -> None:
        with sheet.open("ab") as fh:
            fh.write(b"-more")

    for when in (2.0, 4.0):
        time.at(when, append)
    time.at(20.0, stop.set)
    events = list(watcher.run(stop))
    assert process.calls == [
        ("processing", "오늘발송.xlsx", 7.0)
    ]  # last write at 4, unchanged since, seen at 7
    assert [(e.kind, e.path) for e in events] == [("processed", watcher.inbox / "done" / "오늘발송.xlsx")]
    assert names(watcher.inbox) == [
        *sorted([".batchship-watch.lock", ".batchship-watch.owner"]),
        *sorted(["done", "failed", "processing", "results"]),
    ]
    assert log_lines(watcher) == [["오늘발송.xlsx", "rows=1", "성공=1", "종료 코드 0"]]
    assert set(time.waits) == {1.0}


def test_files_are_taken_oldest_first(tmp_path: Path) -> None:
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    for name, mtime in (("b.xlsx", 300), ("a.csv", 100), ("c.xls", 200), ("d.xlsx", 100)):
        path = watcher.inbox / name
        path.write_bytes(b"x")
        os.utime(path, (mtime, mtime))
    time.at(1.0, stop.set)
    list(watcher.run(stop))
    assert [name for _, name, _ in process.calls] == ["a.csv", "d.xlsx", "c.xls", "b.xlsx"]


def test_lock_hidden_temporary_and_foreign_files_are_never_taken(tmp_path: Path) -> None:
    """Excel and LibreOffice lock files, hidden and temporary files, other types, sub-folders and links leading
    outside INBOX stay where they are; a link to a sheet inside INBOX is a sheet."""
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    ignored = [
        "~$good.xlsx",
        ".~lock.good.xlsx#",
        ".hidden.csv",
        "upload.xlsx.part",
        "a.xlsx.tmp",
        "notes.docx",
    ]
    for name in ignored:
        (watcher.inbox / name).write_bytes(b"x")
    (watcher.inbox / "sub").mkdir()
    (watcher.inbox / "sub" / "deep.xlsx").write_bytes(b"x")
    (tmp_path / "outside.xlsx").write_bytes(b"x")
    (watcher.inbox / "out-link.xlsx").symlink_to(tmp_path / "outside.xlsx")
    (watcher.inbox / "good.xlsx").write_bytes(b"x")
    time.at(2.0, stop.set)
    list(watcher.run(stop))
    assert [name for _, name, _ in process.calls] == ["good.xlsx"]
    for name in [*ignored, "out-link.xlsx", "sub"]:
        assert (watcher.inbox / name).exists(), name
    assert (tmp_path / "outside.xlsx").exists()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_unreadable_sheet_goes_to_failed_with_a_note_and_the_queue_goes_on(
    tmp_path: Path, lang: str
) -> None:
    """A SheetError: the sheet is filed under failed/ with the reason beside it, in the watcher's language,
    and the next sheet is processed."""
    watcher, time, process, stop = make(tmp_path, settle=0.0, lang=lang)
    (watcher.inbox / "bad.xlsx").write_bytes(b"x")
    (watcher.inbox / "good.xlsx").write_bytes(b"x")
    os.utime(watcher.inbox / "bad.xlsx", (1, 1))
    process.outcomes["bad.xlsx"] = SheetError(Msg.of("file.empty", path="bad.xlsx"))
    time.at(1.0, stop.set)
    events = list(watcher.run(stop))
    assert [e.kind for e in events] == ["failed", "processed"]
    assert names(watcher.inbox / "failed") == ["bad.xlsx", "bad.xlsx.error.txt"]
    note = (watcher.inbox / "failed" / "bad.xlsx.error.txt").read_text(encoding="utf-8")
    expected = "bad.xlsx은(는) 빈 파일입니다(0바이트)" if lang == "ko" else "bad.xlsx is empty (0 bytes)"
    assert note.startswith(expected)
    assert names(watcher.inbox / "done") == ["good.xlsx"]
    first = log_lines(watcher)[0]
    assert first[:3] == ["bad.xlsx", "-", "-"] and first[3].startswith(
        "실패: " if lang == "ko" else "failed: "
    )


def test_an_error_that_is_not_the_files_fault_leaves_it_in_processing(tmp_path: Path) -> None:
    """Credentials refused (a ConfigError): not the sheet's fault, so it is not filed under failed/; it stays
    in processing/ and the next start resumes it first."""
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "a.xlsx").write_bytes(b"x")
    process.outcomes["a.xlsx"] = ConfigError(Msg.of("config.no_credentials", missing="X"))
    time.at(1.0, stop.set)
    events = list(watcher.run(stop))
    assert [(e.kind, e.path) for e in events] == [("failed", watcher.inbox / "processing" / "a.xlsx")]
    assert events[0].error == Msg.of("config.no_credentials", missing="X")
    assert names(watcher.inbox / "failed") == [] and names(watcher.inbox / "processing") == ["a.xlsx"]


def test_a_stop_mid_sheet_leaves_it_in_processing_and_the_next_start_resumes_it_first(tmp_path: Path) -> None:
    """A stop while a sheet is in hand: the sheet stays in processing/ (its report says what was done), the
    watch ends before the next sheet. The next start takes the left-over sheet before anything in INBOX."""
    watcher, _, process, stop = make(tmp_path, settle=0.0)
    for name, mtime in (("first.xlsx", 1), ("second.xlsx", 2)):
        (watcher.inbox / name).write_bytes(b"x")
        os.utime(watcher.inbox / name, (mtime, mtime))
    process.outcomes["first.xlsx"] = lambda stop: stop.set()
    events = list(watcher.run(stop))
    assert [(e.kind, e.path) for e in events] == [("stopped", watcher.inbox / "processing" / "first.xlsx")]
    assert log_lines(watcher)[0][-1] == "중단됨(processing/에 남김)"
    assert names(watcher.inbox / "processing") == ["first.xlsx"]

    again, time2, process2, stop2 = make(tmp_path, settle=0.0)
    (again.inbox / "newer.xlsx").write_bytes(b"x")
    time2.at(1.0, stop2.set)
    list(again.run(stop2))
    assert [(where, name) for where, name, _ in process2.calls] == [
        ("processing", "first.xlsx"),
        ("processing", "second.xlsx"),
        ("processing", "newer.xlsx"),
    ]
    assert names(again.inbox / "done") == ["first.xlsx", "newer.xlsx", "second.xlsx"]


def test_nothing_is_overwritten_in_done(tmp_path: Path) -> None:
    """The same name processed twice: the second original is kept beside the first, with a timestamp."""
    watcher, time, _, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "done" / "day.xlsx").write_bytes(b"yesterday")
    (watcher.inbox / "day.xlsx").write_bytes(b"today")
    time.at(1.0, stop.set)
    events = list(watcher.run(stop))
    moved = events[0].path
    assert moved is not None and moved.name.startswith("day.") and moved.name != "day.xlsx"
    assert (
        watcher.inbox / "done" / "day.xlsx"
    ).read_bytes() == b"yesterday" and moved.read_bytes() == b"today"


def test_once_watches_one_settle_period_then_ends(tmp_path: Path) -> None:
    """`--once`: the files present are watched for one settle period, processed, and the watch ends."""
    watcher, time, process, stop = make(tmp_path, settle=2.5)
    (watcher.inbox / "a.xlsx").write_bytes(b"x")
    events = list(watcher.run(stop, once=True))
    assert [e.kind for e in events] == ["processed"] and time.waits == [2.5]
    assert process.calls == [("processing", "a.xlsx", 2.5)]


def test_a_second_watcher_on_the_folder_waits_for_the_first(tmp_path: Path) -> None:
    """Another process holds the folder's lock: `--once` says so (with the holder) and ends; a watching one says
    it waits, and takes over when the lock is released."""
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / OWNER_NAME).write_text("pid 4242\n", encoding="utf-8")
    (watcher.inbox / "a.xlsx").write_bytes(b"x")
    held = RunLock(watcher.inbox / LOCK_NAME)
    assert held.try_acquire()
    try:
        assert list(watcher.run(stop, once=True)) == [Event("locked", holder="pid 4242")]
        time.at(3.0, held.release)
        time.at(5.0, stop.set)
        events = list(watcher.run(stop))
    finally:
        held.release()
    assert [e.kind for e in events] == ["waiting", "processed"] and events[0].holder == "pid 4242"
    assert process.calls == [("processing", "a.xlsx", 3.0)]
    assert (watcher.inbox / OWNER_NAME).read_text(encoding="utf-8") == f"pid {os.getpid()}\n"


def test_a_watcher_told_to_stop_while_waiting_for_the_lock_ends_without_processing(tmp_path: Path) -> None:
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "a.xlsx").write_bytes(b"x")
    held = RunLock(watcher.inbox / LOCK_NAME)
    assert held.try_acquire()
    try:
        time.at(2.0, stop.set)
        events = list(watcher.run(stop))
    finally:
        held.release()
    assert [e.kind for e in events] == ["waiting"] and events[0].holder == "?"
    assert process.calls == [] and (watcher.inbox / "a.xlsx").exists()


def test_a_file_taken_away_before_it_is_moved_is_skipped(tmp_path: Path) -> None:
    """A sheet deleted by someone between the scan and the move is simply not processed."""
    watcher, time, process, stop = make(tmp_path, settle=1.0)
    (watcher.inbox / "gone.xlsx").write_bytes(b"x")
    original = watcher.settled

    def settled_then_deleted() -> list[Path]:
        ready = original()
        for path in ready:
            path.unlink()
        return ready

    watcher.settled = settled_then_deleted  # type: ignore[method-assign]
    time.at(5.0, stop.set)
    assert list(watcher.run(stop)) == [] and process.calls == []


def test_a_sheet_the_watcher_died_with_twice_goes_to_failed_and_the_queue_goes_on(tmp_path: Path) -> None:
    """A sheet left in processing/ by two watch processes that died with it in hand (its `.inhand` count says
    so) is not tried a third time: it goes to failed/ with a note, and the next sheet is processed."""
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "processing" / "killer.xlsx").write_bytes(b"x")
    (watcher.inbox / "processing" / ".killer.xlsx.inhand").write_text("2\n", encoding="utf-8")
    (watcher.inbox / "next.xlsx").write_bytes(b"x")
    time.at(1.0, stop.set)
    events = list(watcher.run(stop))
    assert [e.kind for e in events] == ["failed", "processed"]
    assert [name for _, name, _ in process.calls] == ["next.xlsx"]
    assert names(watcher.inbox / "failed") == ["killer.xlsx", "killer.xlsx.error.txt"]
    assert "2번 멈췄습니다" in (watcher.inbox / "failed" / "killer.xlsx.error.txt").read_text(
        encoding="utf-8"
    )
    assert names(watcher.inbox / "processing") == []


def test_the_in_hand_count_grows_only_while_a_sheet_is_in_hand(tmp_path: Path) -> None:
    """While processed, a sheet's `.inhand` count is one more than before; once handled it is gone."""
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "processing" / "again.xlsx").write_bytes(b"x")
    marker = watcher.inbox / "processing" / ".again.xlsx.inhand"
    marker.write_text("1\n", encoding="utf-8")
    seen: list[str] = []
    process.outcomes["again.xlsx"] = lambda _: seen.append(marker.read_text(encoding="utf-8").strip())
    time.at(1.0, stop.set)
    list(watcher.run(stop))
    assert seen == ["2"] and not marker.exists() and names(watcher.inbox / "done") == ["again.xlsx"]


def test_an_unforeseen_error_files_the_sheet_with_a_crash_log_and_the_queue_goes_on(tmp_path: Path) -> None:
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "odd.xlsx").write_bytes(b"x")
    (watcher.inbox / "fine.xlsx").write_bytes(b"x")
    os.utime(watcher.inbox / "odd.xlsx", (1, 1))
    process.outcomes["odd.xlsx"] = RuntimeError("nobody foresaw this")
    time.at(1.0, stop.set)
    events = list(watcher.run(stop))
    assert [e.kind for e in events] == ["failed", "processed"]
    note = (watcher.inbox / "failed" / "odd.xlsx.error.txt").read_text(encoding="utf-8")
    assert "예기치 못한 오류(RuntimeError)" in note
    log = Path(note.split("자세한 내용이 ")[1].split("에 있습니다")[0])
    assert "nobody foresaw this" in log.read_text(encoding="utf-8")


def test_a_run_that_stopped_on_its_own_leaves_the_sheet_to_be_resumed(tmp_path: Path) -> None:
    """The dispatch stopped early (the journal failed): not the sheet's fault; it stays in processing/."""
    watcher, time, process, stop = make(tmp_path, settle=0.0)
    (watcher.inbox / "a.xlsx").write_bytes(b"x")
    why = Msg.of("journal.failed", path="j", reason=Msg.of("reason.no_space"))
    real = process.__call__

    def stopped_early(sheet: Path, results: Path, stop_: threading.Event) -> Report:
        report = real(sheet, results, stop_)
        report.errors.append(why)
        return report

    watcher.process = stopped_early
    time.at(1.0, stop.set)
    events = list(watcher.run(stop))
    assert [(e.kind, e.error) for e in events] == [("failed", why)]
    assert names(watcher.inbox / "processing") == ["a.xlsx"] and names(watcher.inbox / "failed") == []
