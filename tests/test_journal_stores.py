"""The journal's contract, run against both stores: SQLite (a file) and PostgreSQL (a throwaway server the
tests start themselves, tests/pgserver.py). Then what only a shared database must show: the claim refused
across runs, the password never shown, a database that stops mid-run (two processes on one journal, and
SIGKILLs, are in test_journal.py, run on both stores)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from batchship.domain.plan import DispatchItem
from batchship.errors import JournalError
from batchship.journal import AttemptState, Settlement, open_journal, read_journal
from batchship.journal.base import attempts_csv
from batchship.sandbox import Sandbox
from batchship.sandbox.server import Order
from batchship.services.check import SheetOptions
from batchship.services.dispatch import DispatchJob, DispatchOptions, Target, run_dispatch
from tests.conftest import CREDS, FAST, NOW, cli, order_id, orders_sheet, run_job
from tests.pgserver import PASSWORD, throwaway_postgres


def item(n: int) -> DispatchItem:
    return DispatchItem(
        n + 1, order_id(n), "DELIVERY", "CJGLS", f"60000000{n:02d}", "2024-05-05T10:00:00.000+09:00"
    )


def test_attempts_are_recorded_settled_and_read_back(journal_url: str) -> None:
    with open_journal(journal_url, "acct") as journal:
        ids = journal.begin([item(1), item(2), item(3)], "sheet.xlsx")
        assert len(set(ids)) == 3
        assert [a.product_order_id for a in journal.unsettled()] == [order_id(1), order_id(2), order_id(3)]
        journal.finish(
            [
                Settlement(ids[0], AttemptState.SUCCESS, trace_id="t1"),
                Settlement(ids[1], AttemptState.FAILED, "104121", "used"),
                Settlement(ids[2], AttemptState.UNKNOWN, "", "lost"),
            ]
        )
        pids = [order_id(1), order_id(2), order_id(3)]
        assert set(journal.first_success(pids)) == {order_id(1)}
        assert set(journal.latest_unsettled(pids)) == {order_id(3)}
        again = journal.begin([item(2)], "sheet.xlsx")  # a failed order may be tried again
        journal.finish([Settlement(again[0], AttemptState.NOT_APPLIED)])
        states = [(a.product_order_id, a.state, a.code) for a in journal.history([order_id(2)])]
        assert states == [
            (order_id(2), AttemptState.FAILED, "104121"),
            (order_id(2), AttemptState.NOT_APPLIED, ""),
        ]
        assert journal.history([order_id(1)])[0].source == "sheet.xlsx:2"
        journal.start_run("mina", "cli", "sheet.xlsx")
        journal.end_run(journal.run_id, '{"SUCCESS": 1}', "/r.xlsx", "")
        export = attempts_csv(journal.attempts_since("2000-01-01"))
    assert export.splitlines()[0].startswith("id,account,product_order_id") and len(export.splitlines()) == 5
    with open_journal(journal_url, "other") as other:  # another account's attempts are not this one's
        assert other.unsettled() == [] and other.first_success([order_id(1)]) == {}
        assert len(other.history([order_id(1)])) == 1  # history is every account's
    reader = read_journal(journal_url, "", exclude=("other",))
    assert reader is not None
    with reader:
        runs = reader.runs()
        assert [(r.started_by, r.face, r.counts) for r in runs] == [("mina", "cli", '{"SUCCESS": 1}')]
        assert [a.product_order_id for a in reader.unsettled()] == [order_id(3)]


def test_one_run_per_store_at_a_time(journal_url: str) -> None:
    """A second run of the same store waits for the first (and says so). On PostgreSQL another store's run does
    not wait (the lock is the store's: they share NAVER's rate limit, nothing else); the SQLite file keeps its
    one lock for the whole journal, stricter and just as safe."""
    first, second, elsewhere = (open_journal(journal_url, a) for a in ("acct", "acct", "shop2"))
    first.acquire()
    if journal_url.startswith("postgresql://"):
        elsewhere.acquire(lambda: pytest.fail("another store's run must not wait"))
    told, holding = threading.Event(), threading.Event()

    def take() -> None:
        second.acquire(told.set)
        holding.set()

    waiter = threading.Thread(target=take)
    waiter.start()
    assert told.wait(10)
    assert not holding.is_set()
    first.release()
    assert holding.wait(10)
    waiter.join()
    for journal in (first, second, elsewhere):
        journal.close()


def test_a_dispatch_and_its_rerun(journal_url: str, tmp_path: Path, sandbox_of: object) -> None:
    sb = sandbox_of(12)  # type: ignore[operator]
    sheet = orders_sheet(tmp_path / "s.xlsx", 12)
    first = run_job(sheet, sb.base_url, journal=journal_url, batch_size=5)
    assert first.counts()["SUCCESS"] == 12 and first.run_id
    again = run_job(sheet, sb.base_url, journal=journal_url, out=tmp_path / "again.xlsx")
    assert again.counts()["ALREADY_DISPATCHED"] == 12
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 13)}


def test_a_second_claim_on_an_order_is_refused_by_the_database(postgres_url: str) -> None:
    """Whatever happens to the run lock, the database lets one attempt per order be pending or shipped."""
    with open_journal(postgres_url, "acct") as one, open_journal(postgres_url, "acct") as two:
        ids = one.begin([item(1)], "a.xlsx")
        with pytest.raises(JournalError) as refused:
            two.begin([item(2), item(1)], "b.xlsx")
        assert refused.value.msg.key == "journal.claimed"
        assert [a.product_order_id for a in two.unsettled()] == [order_id(1)]  # b's order 2 was not recorded
        one.finish([Settlement(ids[0], AttemptState.SUCCESS)])
        with pytest.raises(JournalError):
            two.begin([item(1)], "b.xlsx")  # shipped: never claimed again
        one.finish([Settlement(ids[0], AttemptState.NOT_APPLIED)])
        two.begin([item(1)], "b.xlsx")  # not applied after all: it may be sent


def test_the_databases_password_is_never_shown(postgres_url: str, tmp_path: Path, sandbox_of: object) -> None:
    with pytest.raises(JournalError) as refused:
        open_journal(postgres_url.replace(PASSWORD, "wrong-pass"), "acct")
    text = refused.value.render("ko") + refused.value.render("en")
    assert "wrong-pass" not in text and "***" in text and "연결할 수 없습니다" in text
    sb = sandbox_of(2)  # type: ignore[operator]
    report = run_job(orders_sheet(tmp_path / "s.xlsx", 2), sb.base_url, journal=postgres_url)
    assert report.journal and PASSWORD not in report.journal and "***" in report.journal
    assert PASSWORD not in str(report.to_dict())


def test_the_database_stopping_mid_run_stops_the_sending(tmp_path: Path) -> None:
    """The server stops while the first request is answered (before its outcome is recorded): the run stops
    sending, says why, and loses nothing: the rows know what NAVER said, the rest are not sent. With the server
    back, the next run settles the unrecorded attempts from the order lookup and sends the rest, each order
    once."""
    import httpx

    sheet = orders_sheet(tmp_path / "s.xlsx", 20)
    with throwaway_postgres() as server, Sandbox(orders=[Order(order_id(i)) for i in range(1, 21)]) as sb:

        class StopAfterFirstDispatch(httpx.HTTPTransport):
            stopped = False

            def handle_request(self, request: httpx.Request) -> httpx.Response:
                response = super().handle_request(request)
                if request.url.path.endswith("/dispatch") and not self.stopped:
                    type(self).stopped = True
                    response.read()
                    server.stop()
                return response

        job = DispatchJob(
            sheet,
            SheetOptions(),
            DispatchOptions(rate_limit=200, retry=FAST, batch_size=5, concurrency=1),
            Target(sb.base_url, CREDS, transport=StopAfterFirstDispatch()),
            out=tmp_path / "r.xlsx",
            journal=server.url,
            now=NOW,
        )
        report = run_dispatch(job)
        assert StopAfterFirstDispatch.stopped and [e.key for e in report.errors] == ["journal.db_failed"]
        assert (report.counts()["SUCCESS"], report.counts()["NOT_SENT"]) == (5, 15)
        assert sum(sb.dispatch_counts().values()) == 5
        assert PASSWORD not in report.errors[0].render("ko")
        server.start()
        again = run_job(sheet, sb.base_url, journal=server.url, out=tmp_path / "again.xlsx", concurrency=1)
        assert again.sent is not None and again.sent.reconciled == 5
        assert (again.counts()["ALREADY_DISPATCHED"], again.counts()["SUCCESS"]) == (5, 15)
        assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 21)}


def test_a_history_moves_between_stores_without_loss(
    tmp_path: Path, postgres_url: str, sandbox_of: object
) -> None:
    """`journal migrate`: an SQLite journal's history into PostgreSQL (counts checked), and used from there: the
    orders it shipped are not shipped again; a journal that holds attempts is not moved into."""
    sb = sandbox_of(8)  # type: ignore[operator]
    sqlite_url = str(tmp_path / "old.sqlite3")
    sheet = orders_sheet(tmp_path / "s.xlsx", 8)
    run_job(orders_sheet(tmp_path / "first.xlsx", 5), sb.base_url, journal=sqlite_url)
    code, out, err = cli("journal", "migrate", "--from", sqlite_url, "--to", postgres_url)
    assert code == 0, err
    assert "시도 5건과 실행 1건" in out and PASSWORD not in out and "***" in out
    report = run_job(sheet, sb.base_url, journal=postgres_url, out=tmp_path / "r.xlsx")
    assert (report.counts()["ALREADY_DISPATCHED"], report.counts()["SUCCESS"]) == (5, 3)
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 9)}
    code, _, err = cli("journal", "migrate", "--from", sqlite_url, "--to", postgres_url)
    assert code == 2 and "이미 기록이 있어" in err and PASSWORD not in err
    back = str(tmp_path / "back.sqlite3")
    code, out, _ = cli("journal", "migrate", "--from", postgres_url, "--to", back)
    assert code == 0 and "시도 8건과 실행 2건" in out
    code, csv_text, _ = cli("journal", "export", "--since", "2000-01-01", "--journal", postgres_url)
    assert code == 0 and len(csv_text.splitlines()) == 9


def test_no_command_prints_the_databases_password(
    postgres_url: str, tmp_path: Path, sandbox_of: object
) -> None:
    """Every command that names its journal names it with the password as ***."""
    sb = sandbox_of(3)  # type: ignore[operator]
    sheet = orders_sheet(tmp_path / "s.xlsx", 3)
    run_job(sheet, sb.base_url, journal=postgres_url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outputs = [
        cli(
            "check", str(sheet), "--sandbox", "--journal", postgres_url
        ),  # the demo account is the practice one
        cli("history", order_id(99), "--journal", postgres_url),
        cli("history", order_id(1), "--journal", postgres_url),
        cli("reconcile", "--sandbox", "--journal", postgres_url),
        cli("watch", str(inbox), "--once", "--sandbox", "--journal", postgres_url),
        cli("journal", "export", "--since", "2000-01-01", "--journal", postgres_url),
        cli(
            "check",
            str(sheet),
            "--journal",
            postgres_url.replace(PASSWORD, "Not-This-One"),
            "--report",
            str(tmp_path / "r.json"),
        ),
    ]
    seen = "".join(out + err for _, out, err in outputs) + (tmp_path / "r.json").read_text(encoding="utf-8")
    assert "이미처리" in outputs[0][1] and "***" in seen
    assert PASSWORD not in seen and "Not-This-One" not in seen


def test_a_database_journal_from_a_newer_batchship_is_refused(postgres_url: str) -> None:
    """Schema versions on PostgreSQL as on SQLite: a newer journal is not misread, whether opened to record or
    only to look."""
    import psycopg

    open_journal(postgres_url, "x").close()
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(JournalError) as refused:
        open_journal(postgres_url, "x")
    assert refused.value.msg.key == "journal.newer" and "99" in refused.value.render("ko")
    with pytest.raises(JournalError):
        read_journal(postgres_url)
