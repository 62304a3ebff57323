"""The journal: never ship twice, never lose a row, across runs, crashes and concurrent runs. Tests taking
`journal_url` run against both stores: an SQLite file and a PostgreSQL database (tests/pgserver.py)."""

from __future__ import annotations

import hashlib
import io
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from batchship.apps.cli import main
from batchship.domain.plan import DispatchItem
from batchship.errors import JournalError
from batchship.journal import open_journal
from batchship.journal.sqlite import SCHEMA_VERSION
from batchship.model import Status
from batchship.sandbox import DEMO_CLIENT_ID, Faults, FaultSpec, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import (
    HEADER,
    cli,
    dispatch_env,
    order_id,
    orders_sheet,
    read_rows,
    run_job,
    write_xlsx,
)

DATE = "2024-05-05T10:00:00.000+09:00"


def dispatch(path: Path, sb: Sandbox, journal: Path | str, **kwargs: Any) -> Any:
    return run_job(path, sb.base_url, journal=journal, **kwargs)


@pytest.fixture
def sb(sandbox_of: Callable[..., Sandbox]) -> Sandbox:
    return sandbox_of(60)


def test_second_run_with_the_same_journal_sends_nothing_again(
    journal_url: str, tmp_path: Path, sb: Sandbox
) -> None:
    """Re-running a sheet: every row sent before is 이미처리 with its first dispatch time; the sandbox's counts
    show no order dispatched twice; only the rows that failed are looked at again."""
    sb.add_orders([Order(order_id(3), "CANCELED")])
    journal = journal_url
    path = orders_sheet(tmp_path / "s.xlsx", 40)
    first = dispatch(path, sb, journal)
    assert first.counts()["SUCCESS"] == 39 and first.counts()["FAILED"] == 1
    calls_before = sb.calls()["dispatch"]
    second = dispatch(path, sb, journal)
    assert second.counts()["ALREADY_DISPATCHED"] == 39
    # the cancelled order: looked up again, kept back again (the pre-flight sees it cancelled); nothing sent
    assert [r.code for r in second.rows if r.status is Status.FAILED] == ["BS602"]
    assert "'취소됨' 상태라 발송할 수 없어" in second.rows[2].message
    assert sb.calls()["dispatch"] == calls_before
    assert set(sb.dispatch_counts().values()) == {1}
    assert second.rows[0].message.startswith("20") and "이미 발송 처리한 주문입니다" in second.rows[0].message


def test_a_different_tracking_number_for_a_dispatched_order_is_refused(
    journal_url: str, tmp_path: Path, sb: Sandbox
) -> None:
    """Same order, another tracking number: not sent, 실패 BS501, the message shows both numbers."""
    journal = journal_url
    dispatch(orders_sheet(tmp_path / "a.xlsx", 2), sb, journal)
    report = dispatch(
        orders_sheet(tmp_path / "b.xlsx", 2, tracking=lambda i: f"{7000000000 + i}"), sb, journal
    )
    assert [(r.status, r.code) for r in report.rows] == [(Status.FAILED, "BS501")] * 2
    message = report.rows[0].message
    assert "6000000001" in message and "7000000001" in message and "이미 발송 처리되었습니다" in message
    assert sb.dispatch_counts() == {order_id(1): 1, order_id(2): 1}


def test_feeding_the_result_file_back_retries_exactly_the_failed_rows(
    journal_url: str, tmp_path: Path, sb: Sandbox
) -> None:
    """The result copy, fixed and fed back: rows that failed are sent, rows that succeeded are 이미처리."""
    journal = journal_url
    path = orders_sheet(tmp_path / "s.xlsx", 5)
    sb.add_orders([Order(order_id(4), "PAYMENT_WAITING")])
    first = dispatch(path, sb, journal)
    assert first.rows[3].status is Status.FAILED
    sb.add_orders([Order(order_id(4))])  # payment arrived meanwhile
    result = tmp_path / "s.result.xlsx"
    second = dispatch(
        result,
        sb,
        journal,
    )
    assert [r.status for r in second.rows] == [Status.ALREADY_DISPATCHED] * 3 + [
        Status.SUCCESS,
        Status.ALREADY_DISPATCHED,
    ]
    rows = read_rows(tmp_path / "s.result.result.xlsx")
    assert rows[0][5:] == ("처리결과", "오류코드", "오류메시지")  # overwritten in place, not appended
    assert rows[4][5] == "성공" and len(rows[4]) == 8
    assert set(sb.dispatch_counts().values()) == {1}


def test_pending_attempts_of_a_dead_run_are_reconciled_first(
    journal_url: str, tmp_path: Path, sb: Sandbox
) -> None:
    """A run died after journaling two requests: one NAVER applied, one it never saw. The next run looks them
    up first: the applied one is 이미처리 and not resent, the other is sent once."""
    journal_path = journal_url
    items = [DispatchItem(i + 1, order_id(i), "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE) for i in (1, 2)]
    with open_journal(journal_path, DEMO_CLIENT_ID) as journal:
        journal.begin(items[:1], "s.xlsx")
        journal.begin(items[1:], "s.xlsx")
    # NAVER applied the first request before the run died.
    order = sb.order(order_id(1))
    assert order is not None
    order.status, order.delivery_company, order.tracking_number = "DELIVERING", "CJGLS", "6000000001"
    report = dispatch(orders_sheet(tmp_path / "s.xlsx", 2), sb, journal_path)
    assert report.sent.reconciled == 2
    assert [r.status for r in report.rows] == [Status.ALREADY_DISPATCHED, Status.SUCCESS]
    assert sb.dispatch_counts() == {order_id(2): 1}
    with open_journal(journal_path, DEMO_CLIENT_ID) as journal:
        states = [a.state for a in journal.history([order_id(1), order_id(2)])]
    assert states == ["success", "not_applied", "success"]


def test_every_attempt_is_kept_with_trace_ids(journal_url: str, tmp_path: Path) -> None:
    """A 500 then a success: both attempts are in the journal, with NAVER's trace id on each."""
    journal = journal_url
    with Sandbox(
        orders=[Order(order_id(1))], faults=Faults(error_500_before=FaultSpec(at=frozenset({1})))
    ) as sb:
        dispatch(orders_sheet(tmp_path / "s.xlsx", 1), sb, journal)
    out = io.StringIO()
    assert main(["history", order_id(1), "--journal", str(journal)], stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert " not_applied " in lines[0] and "trace=" in lines[0]
    assert " success " in lines[1] and "trace=" in lines[1]


def test_journal_export_as_csv(journal_url: str, tmp_path: Path, sb: Sandbox) -> None:
    """`journal export --since` writes every attempt since that day as CSV, for audits."""
    journal = journal_url
    dispatch(orders_sheet(tmp_path / "s.xlsx", 3), sb, journal)
    target = tmp_path / "audit.csv"
    assert (
        main(["journal", "export", "--since", "2024-01-01", "--journal", str(journal), "--out", str(target)])
        == 0
    )
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,account,product_order_id,run_id")
    assert len(lines) == 4 and all(",success," in line for line in lines[1:])
    out = io.StringIO()
    main(["journal", "export", "--since", "2999-01-01", "--journal", str(journal)], stdout=out)
    assert out.getvalue().count("\n") == 1


def test_a_journal_from_a_newer_batchship_is_refused(tmp_path: Path) -> None:
    """Schema versions: a newer journal is not misread."""
    path = tmp_path / "j.sqlite3"
    open_journal(path, "x").close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(JournalError, match="더 새 batchship"):
        open_journal(path, "x")


def _not_a_database(journal: Path) -> None:
    journal.parent.mkdir()
    journal.write_bytes(b"this is no database, just text" * 100)


def _folder_is_a_file(journal: Path) -> None:
    journal.parent.write_text("x")


def _journal_is_a_folder(journal: Path) -> None:
    journal.mkdir(parents=True)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_not_a_database, "파일이 손상되었거나 저널 파일이 아님"),
        (_folder_is_a_file, "같은 이름의 파일이 이미 있음"),
        (_journal_is_a_folder, "파일을 만들거나 열 수 없음"),
    ],
    ids=["not-a-database", "folder-is-a-file", "is-a-folder"],
)
def test_a_journal_that_cannot_be_opened_says_why_in_korean_only(
    tmp_path: Path, make: Callable[[Path], None], reason: str
) -> None:
    """SQLite's and the system's own texts are English: the reason is said in the catalogue's words."""
    journal = tmp_path / "j" / "journal.sqlite3"
    make(journal)
    with pytest.raises(JournalError) as e:
        open_journal(journal, "acct")
    assert f"저널 {journal}을(를) 열 수 없습니다({reason})" in str(e.value)
    assert e.value.render("en").startswith(f"Cannot open the journal {journal} (")


def _dispatch_cmd(path: Path, sb: Sandbox, journal: Path | str, out: Path, rate: str = "50") -> list[str]:
    return [
        sys.executable,
        "-m",
        "batchship",
        "dispatch",
        str(path),
        "--base-url",
        sb.base_url,
        "--journal",
        str(journal),
        "--out",
        str(out),
        "--quiet",
        "--batch-size",
        "5",
        "--rate-limit",
        rate,
    ]


def test_two_runs_at_once_never_both_send(journal_url: str, tmp_path: Path) -> None:
    """Two real processes dispatch the same sheet on one journal at the same time: the second waits for the
    first, then finds every order dispatched. Each order reaches NAVER once."""
    path = orders_sheet(tmp_path / "s.xlsx", 40)
    journal = journal_url
    with Sandbox(orders=[Order(order_id(i)) for i in range(1, 41)], faults=Faults(latency_s=0.4)) as sb:
        procs = [
            subprocess.Popen(
                _dispatch_cmd(path, sb, journal, tmp_path / f"r{k}.xlsx"),
                env=dispatch_env(),
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in (1, 2)
        ]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        counts = sb.dispatch_counts()
    assert [p.returncode for p in procs] == [0, 0]  # 이미처리 is a fine end state
    assert counts == {order_id(i): 1 for i in range(1, 41)}
    statuses = sorted(tuple(sorted({r[5] for r in read_rows(tmp_path / f"r{k}.xlsx")[1:]})) for k in (1, 2))
    assert statuses == [("성공",), ("이미처리",)]
    assert any("기다립니다" in o for o in outputs)


@pytest.mark.parametrize(
    ("moment", "faults"),
    [
        ("before_first_request", Faults(latency_s=0.1)),
        ("between_requests", Faults(latency_s=0.1)),
        ("request_in_flight", Faults(latency_s=0.4)),
        ("writing_result", Faults(latency_s=0.02)),
        ("request_in_flight", Faults(latency_s=0.3, timeout_504_after=FaultSpec(rate=0.3))),
        ("between_requests", Faults(latency_s=0.1, drop_after=FaultSpec(rate=0.3))),
    ],
)
def test_sigkill_at_any_moment_then_rerun(tmp_path: Path, moment: str, faults: Faults) -> None:
    """`batchship dispatch` killed with SIGKILL at a given moment (waited on through the sandbox's own call
    counts), then run once more on the same sheet: every valid order dispatched exactly once, the final result
    complete and right on every row, nothing left to check, the input file unchanged."""
    _kill_then_rerun(tmp_path, moment, faults, tmp_path / "j.sqlite3")


@pytest.mark.parametrize(
    ("moment", "faults"),
    [("between_requests", Faults(latency_s=0.1)), ("request_in_flight", Faults(latency_s=0.4))],
)
def test_sigkill_on_a_shared_database_then_rerun(
    tmp_path: Path, moment: str, faults: Faults, postgres_url: str
) -> None:
    """The same on a PostgreSQL journal: the killed run's connection dies, the server ends its run lock (its
    lease), and the next run settles what it left pending."""
    _kill_then_rerun(tmp_path, moment, faults, postgres_url)


def _kill_then_rerun(tmp_path: Path, moment: str, faults: Faults, journal: Path | str) -> None:
    n = 60
    rows = [
        [order_id(i), "택배", "CJ대한통운", f"{6000000000 + i}", "2024-05-05 10:00"] for i in range(1, n + 1)
    ]
    rows.append([order_id(99), "택배", "CJ택배", "6000000099", ""])  # invalid: never sent
    path = write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "r.xlsx"
    with Sandbox(orders=[Order(order_id(i)) for i in range(1, n + 1)], faults=faults) as sb:
        # 12 requests at 4 a second: slow enough that "between requests" is a moment one can hit.
        proc = subprocess.Popen(
            _dispatch_cmd(path, sb, journal, out, "4"), env=dispatch_env(), stdout=subprocess.DEVNULL
        )

        def reached(calls: dict[str, int], counts: dict[str, int]) -> bool:
            if moment == "before_first_request":  # the token is asked for before anything is sent
                return calls.get("token", 0) >= 1
            if moment == "between_requests":
                answered = calls.get("dispatch_done", 0)  # requests fully handled, answer sent or dropped
                return answered >= 2 and calls.get("dispatch_attempts", 0) == answered
            if moment == "request_in_flight":
                return calls.get("dispatch_attempts", 0) >= 3
            return sum(counts.values()) >= n

        assert sb.wait_until(reached), sb.calls()
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL  # killed, not finished
        killed_at = dict(sb.dispatch_counts())
        calls_at_kill = sb.calls()
        sb.faults = Faults()  # the next run meets a healthy NAVER: one run must settle everything
        rerun = subprocess.run(
            _dispatch_cmd(path, sb, journal, out),
            env=dispatch_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        counts = sb.dispatch_counts()
    assert rerun.returncode == 1, rerun.stderr  # the invalid row keeps it from 0
    assert counts == {order_id(i): 1 for i in range(1, n + 1)}
    result = read_rows(out)
    by_order = {r[0]: r for r in result[1:]}
    assert len(by_order) == n + 1
    for i in range(1, n + 1):
        assert by_order[order_id(i)][5] in ("성공", "이미처리"), by_order[order_id(i)]
    assert by_order[order_id(99)][5:7] == ("검증오류", "104119")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    if moment == "before_first_request":
        assert killed_at == {}
    elif moment == "between_requests":
        assert 0 < len(killed_at) < n
    elif moment == "request_in_flight":
        assert calls_at_kill["dispatch_attempts"] > calls_at_kill.get("dispatch", 0)  # some were in flight


def test_sample_sheet_twice_with_one_journal(journal_url: str, tmp_path: Path) -> None:
    """The sample sheet dispatched twice against the same store with one journal: every row sent the first
    time is 이미처리 the second time, and the sandbox's counts prove nothing was dispatched again."""
    from batchship.sandbox.server import load_orders_csv

    root = Path(__file__).parent.parent / "sample_data"
    sheet = root / "발송처리_샘플.xlsx"
    journal = journal_url
    with Sandbox(orders=load_orders_csv(root / "sandbox_orders.csv")) as sb:
        first = run_job(sheet, sb.base_url, journal=journal, out=tmp_path / "1.xlsx", now=None, batch_size=10)
        counts_after_first = sb.dispatch_counts()
        second = run_job(
            sheet, sb.base_url, journal=journal, out=tmp_path / "2.xlsx", now=None, batch_size=10
        )
        assert sb.dispatch_counts() == counts_after_first
    sent_first = {r.row for r in first.rows if r.status is Status.SUCCESS}
    assert len(sent_first) == 19
    by_hand = {
        r.row for r in first.rows if r.status is Status.ALREADY_DISPATCHED
    }  # the lookup saw it shipped
    assert len(by_hand) == 1
    assert {r.row for r in second.rows if r.status is Status.ALREADY_DISPATCHED} == sent_first | by_hand
    assert second.counts()["SUCCESS"] == 0


def test_a_journal_damaged_in_the_middle_stops_before_sending_and_says_so(
    tmp_path: Path, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages in the middle of the journal overwritten (a disk fault): the run cannot screen the sheet against
    it, so nothing is sent; every row says why, the result copy is written, exit 2, no traceback."""
    journal = tmp_path / "j.sqlite3"
    dispatch(orders_sheet(tmp_path / "first.xlsx", 60), sb, journal)
    with sqlite3.connect(journal) as db:  # fold the WAL in, so the damage hits the pages read
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(journal.read_bytes())
    page = 4096
    assert len(data) >= 4 * page
    data[page : len(data) - page] = b"\xa5" * (len(data) - 2 * page)
    journal.write_bytes(bytes(data))
    calls = sb.calls().get("dispatch", 0)
    for name, value in dispatch_env().items():
        monkeypatch.setenv(name, value)
    sheet = orders_sheet(tmp_path / "second.xlsx", 3, tracking=lambda i: f"{7000000000 + i}")
    code, out, err = cli("dispatch", str(sheet), "--base-url", sb.base_url, "--journal", str(journal))
    assert code == 2, out + err
    assert "Traceback" not in err and "저널" in err and sb.calls().get("dispatch", 0) == calls
    rows = read_rows(tmp_path / "second.result.xlsx")[1:]
    assert {r[5] for r in rows} == {"미전송"} and all("저널" in str(r[7]) for r in rows)


def test_a_full_disk_at_commit_is_a_journal_error_in_words(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" at COMMIT (the file may not grow: `max_page_count`, as a full
    disk): a JournalError saying 디스크 공간 부족, never SQLite's English text or a traceback."""
    journal = open_journal(tmp_path / "j.sqlite3", "acct")
    try:
        db = journal._db  # type: ignore[attr-defined]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        items = [
            DispatchItem(i + 2, order_id(i), "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE)
            for i in range(500)
        ]
        with pytest.raises(JournalError) as e:
            journal.begin(items, "s.xlsx")
    finally:
        journal.close()
    assert "기록하지 못했습니다(디스크 공간 부족)" in str(e.value) and "disk is full" not in str(e.value)


def test_a_journal_another_program_keeps_locked_stops_before_sending(
    tmp_path: Path, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the journal's database locked past the wait (here 0.5 s instead of 60): nothing
    is sent, every row says why in words, the result copy is written, the report carries the error."""
    from batchship.journal.sqlite import SqliteJournal

    journal = tmp_path / "j.sqlite3"
    dispatch(orders_sheet(tmp_path / "first.xlsx", 2), sb, journal)
    monkeypatch.setattr(SqliteJournal, "busy_timeout_s", 0.5)
    holder = sqlite3.connect(journal, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        calls = sb.calls().get("dispatch", 0)
        report = dispatch(orders_sheet(tmp_path / "second.xlsx", [3, 4]), sb, journal)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.exit_code == 2 and sb.calls().get("dispatch", 0) == calls
    assert [e.key for e in report.errors] == ["journal.open_failed"]
    assert all(r.status is Status.NOT_SENT and "(사용 중)" in r.message for r in report.rows), report.rows[0]
