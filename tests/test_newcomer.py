"""Traps a newcomer walked into (issue 12): each reproduced, each fixed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import HEADER, cli, order_id, read_rows, write_xlsx


def test_check_says_the_same_word_in_the_terminal_the_sheet_and_the_summary(tmp_path: Path) -> None:
    """`check` printed 검사 통과 26 while the result sheet and 요약 said 미전송 26: one wording everywhere."""
    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ택배", "1", ""],
    ]
    sheet = write_xlsx(tmp_path / "s.xlsx", rows)
    code, out, _ = cli("check", str(sheet))
    assert code == 1
    assert any(line.split() == ["검사", "통과", "1"] for line in out.splitlines()), out
    result = tmp_path / "s.result.xlsx"
    assert [r[5] for r in read_rows(result)[1:]] == ["검사 통과", "검증오류"]
    summary = {r[0]: r[1] for r in read_rows(result, "요약") if r[0]}
    assert summary["검사 통과"] == 1 and "미전송" not in summary


def test_every_time_a_person_reads_is_korean_time(tmp_path: Path) -> None:
    """The watch log, the suffix that keeps two originals apart, crash logs: KST (+09:00), whatever the
    server's zone (CI machines run in UTC)."""
    import datetime as dt
    import re
    import threading

    from batchship.apps.crash import crash_report
    from batchship.apps.watch.watcher import Watcher
    from batchship.model import Report
    from batchship.timefmt import KST

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "done").mkdir()
    (inbox / "done" / "a.xlsx").write_bytes(b"before")
    (inbox / "a.xlsx").write_bytes(b"x")

    def process(sheet: Path, results: Path, stop: threading.Event) -> Report:
        return Report("dispatch", sheet, "발송처리", 1, [])

    before = dt.datetime.now(KST)
    list(Watcher(inbox, process, settle=0.0).run(threading.Event(), once=True))
    stamp = (inbox / "results" / "batchship.log").read_text(encoding="utf-8").split("\t")[0]
    assert stamp.endswith("+09:00") and abs(dt.datetime.fromisoformat(stamp) - before) < dt.timedelta(
        minutes=1
    )
    (moved,) = [p.name for p in (inbox / "done").iterdir() if p.name != "a.xlsx"]
    suffix = re.fullmatch(r"a\.(\d{8}-\d{6})\.xlsx", moved)
    assert suffix, moved
    taken = dt.datetime.strptime(suffix.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=KST)
    assert abs(taken - before) < dt.timedelta(minutes=1)
    log = crash_report(RuntimeError("x"), str, tmp_path / "logs")
    assert log is not None and log.name.startswith(f"crash-{before:%Y%m%d}")
