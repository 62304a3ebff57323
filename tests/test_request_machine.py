"""Every failure branch of one dispatch request, driven through the state machine with httpx.MockTransport:
what each item ends as, what was sent, and what the journal recorded for each attempt."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest

from batchship.domain.plan import DispatchItem
from batchship.errors import AuthError, JournalError
from batchship.i18n import Msg
from batchship.journal import AttemptState, JournalStore, open_journal
from batchship.model import RowResult, Status
from batchship.naver.client import CommerceClient
from batchship.naver.retry import RetryPolicy
from batchship.services.dispatch.context import RunContext
from batchship.services.dispatch.reconcile import reconcile_journal
from batchship.services.dispatch.request import Request, Step
from batchship.services.known import screen
from tests.conftest import CREDS, HEADER, order_id, read_rows, run_job, write_xlsx
from tests.naver_script import Answer, Naver, error, ok, ok_token, order

DATE = "2024-05-05T10:00:00.000+09:00"
ITEMS = [DispatchItem(i + 1, order_id(i), "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE) for i in (1, 2)]
NO_WAIT = RetryPolicy(attempts=3, base_s=0.0, cap_s=0.0, sleep=lambda s: None, rng=random.Random(0))


def run(
    naver: Naver, journal: JournalStore | None = None, items: list[DispatchItem] = ITEMS
) -> tuple[list[Status], Request]:
    client = CommerceClient(CREDS, "http://naver.test/external", transport=httpx.MockTransport(naver))
    request = Request(RunContext(client, retry=NO_WAIT, journal=journal), list(items))
    try:
        results = request.run()
    finally:
        client.close()
    return [r.status for r in results], request


@pytest.fixture
def journal(tmp_path: Path) -> JournalStore:
    return open_journal(tmp_path / "j.sqlite3", "acct")


def states(journal: JournalStore, pid: str) -> list[AttemptState]:
    return [a.state for a in journal.history([pid])]


A, B = order_id(1), order_id(2)


def test_200_settles_each_item(journal: JournalStore) -> None:
    """A 200 with one success and one refusal: SUCCESS and FAILED with NAVER's code, both journaled."""
    naver = Naver([ok([A], [{"productOrderId": B, "code": "104121", "message": "기사용 송장"}])])
    statuses, request = run(naver, journal)
    assert statuses == [Status.SUCCESS, Status.FAILED]
    assert request.results[B].code == "104121"
    assert (states(journal, A), states(journal, B)) == ([AttemptState.SUCCESS], [AttemptState.FAILED])
    assert request.steps == [Step.SEND, Step.SETTLE]


@pytest.mark.parametrize(
    "first",
    [
        error(
            429,
            "GW.RATE_LIMIT",
            {"GNCP-GW-RateLimit-Replenish-Rate": "1", "GNCP-GW-RateLimit-Burst-Capacity": "2"},
        ),
        error(429, "GW.RATE_LIMIT"),
        error(503, "GW.BLOCK.01"),
        httpx.ConnectError,
    ],
    ids=["429-with-headers", "429-bare", "503", "refused-connection"],
)
def test_not_applied_is_sent_again(journal: JournalStore, first: Answer) -> None:
    """Certainly not applied: the same items are sent again; the first attempt is journaled not_applied."""
    naver = Naver([first, ok([A, B])])
    statuses, request = run(naver, journal)
    assert statuses == [Status.SUCCESS, Status.SUCCESS]
    assert naver.bodies == [[A, B], [A, B]] and naver.calls["query"] == 0
    assert states(journal, A) == [AttemptState.NOT_APPLIED, AttemptState.SUCCESS]
    assert request.steps == [Step.SEND, Step.RETRY, Step.SEND, Step.SETTLE]


def test_retries_exhausted_leave_items_not_sent(journal: JournalStore) -> None:
    """429 on every try: after the budget (3 tries), NOT_SENT with the reason, every attempt not_applied."""
    statuses, request = run(Naver([error(429, "GW.RATE_LIMIT")]), journal)
    assert statuses == [Status.NOT_SENT, Status.NOT_SENT]
    assert "HTTP 429 GW.RATE_LIMIT" in request.results[A].message
    assert states(journal, A) == [AttemptState.NOT_APPLIED] * 3


def test_401_renews_the_token_once() -> None:
    """401 GW.AUTHN: one new token, the call repeated inside the auth flow, success."""
    naver = Naver([error(401, "GW.AUTHN"), ok([A, B])])
    statuses, _ = run(naver)
    assert statuses == [Status.SUCCESS, Status.SUCCESS]
    assert naver.calls["token"] == 2


def test_401_twice_is_not_applied_and_retried() -> None:
    """A second 401 after renewing: not applied, retried within the budget."""
    naver = Naver([error(401, "GW.AUTHN"), error(401, "GW.AUTHN"), ok([A, B])])
    statuses, request = run(naver)
    assert statuses == [Status.SUCCESS, Status.SUCCESS]
    assert request.steps[:3] == [Step.SEND, Step.RETRY, Step.SEND]


@pytest.mark.parametrize("answer", [error(403, "GW.IP_NOT_ALLOWED"), error(404, "GW.NOT_FOUND")])
def test_403_and_404_stop_the_run(journal: JournalStore, answer: httpx.Response) -> None:
    """403 (IP not allowed) and 404 GW.NOT_FOUND (wrong base URL) raise AuthError; nothing stays pending."""
    with pytest.raises(AuthError):
        run(Naver([answer]), journal)
    assert states(journal, A) == [AttemptState.NOT_APPLIED]


@pytest.mark.parametrize(
    "lost",
    [
        error(504, "GW.TIMEOUT.01"),
        error(500, "GW.INTERNAL_SERVER_ERROR"),
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
        httpx.Response(200, text="<html>oops</html>"),
    ],
    ids=["504", "500", "timeout", "dropped", "unreadable-200"],
)
def test_unknown_outcome_is_looked_up_never_resent_blindly(journal: JournalStore, lost: Answer) -> None:
    """Outcome unknown: the lookup decides. A applied (DELIVERING with our tracking) is SUCCESS without a second
    send; B still PAYED is sent again, alone."""
    lookup = httpx.Response(200, json={"data": [order(A, "DELIVERING", "6000000001"), order(B, "PAYED")]})
    naver = Naver([lost, ok([B])], [lookup])
    statuses, request = run(naver, journal)
    assert statuses == [Status.SUCCESS, Status.SUCCESS]
    assert naver.bodies == [[A, B], [B]]
    assert "주문 조회로 확인했습니다" in request.results[A].message
    assert states(journal, A) == [AttemptState.SUCCESS]
    assert states(journal, B) == [AttemptState.NOT_APPLIED, AttemptState.SUCCESS]


def test_lookup_showing_something_else_means_this_request_did_not_apply(journal: JournalStore) -> None:
    """After a lost answer, an order NAVER does not know (A) or shipped with another number (B) was not
    dispatched by this request: FAILED with the code NAVER would have given (100001, 104442), in plain words;
    nothing is sent again."""
    lookup = httpx.Response(200, json={"data": [order(B, "DELIVERING", "7000000000")]})
    naver = Naver([error(504, "GW.TIMEOUT.01")], [lookup])
    statuses, request = run(naver, journal)
    assert statuses == [Status.FAILED, Status.FAILED] and naver.calls["dispatch"] == 1
    assert (request.results[A].code, request.results[B].code) == ("100001", "104442")
    assert "스토어에 없는 주문입니다" in request.results[A].message
    assert "배송 중, CJ대한통운 (CJGLS) 7000000000" in request.results[B].message
    assert states(journal, A) == [AttemptState.FAILED]


def test_lookup_failing_leaves_unknown_with_both_reasons(journal: JournalStore) -> None:
    """The lookup itself fails on every try: UNKNOWN, saying both what was lost and why the lookup failed."""
    naver = Naver([error(504, "GW.TIMEOUT.01")], [error(500, "GW.INTERNAL_SERVER_ERROR")])
    statuses, request = run(naver, journal)
    assert statuses == [Status.UNKNOWN, Status.UNKNOWN]
    assert naver.calls["query"] == NO_WAIT.attempts and naver.calls["dispatch"] == 1
    assert (
        "GW.TIMEOUT.01" in request.results[A].message
        and "GW.INTERNAL_SERVER_ERROR" in request.results[A].message
    )


def test_answer_missing_an_item_reconciles_that_item(journal: JournalStore) -> None:
    """A 200 that does not mention B: B is looked up (PAYED), sent again alone, and succeeds."""
    lookup = httpx.Response(200, json={"data": [order(B, "PAYED")]})
    naver = Naver([ok([A]), ok([B])], [lookup])
    statuses, request = run(naver, journal)
    assert statuses == [Status.SUCCESS, Status.SUCCESS]
    assert naver.bodies == [[A, B], [B]]
    assert request.steps == [Step.SEND, Step.SETTLE, Step.RECONCILE, Step.RETRY, Step.SEND, Step.SETTLE]


def test_auth_failure_during_reconciliation_stops_the_run(journal: JournalStore) -> None:
    """A lost answer, then the lookup is refused (403): AuthError; the attempts are not left looking sent."""
    with pytest.raises(AuthError):
        run(Naver([error(504, "GW.TIMEOUT.01")], [error(403, "GW.IP_NOT_ALLOWED")]), journal)
    assert states(journal, A) == [AttemptState.PENDING]  # unknown: the next run reconciles it first


def test_400_is_split_until_the_culprit_is_found(journal: JournalStore) -> None:
    """400 for the pair, then each alone: A goes through, B is FAILED with the 400's code."""

    naver = Naver(lambda ids: ok(ids) if ids == [A] else error(400, "104133"))
    _, request = run(naver, journal)
    results = [request.results[A], request.results[B]]
    assert naver.bodies == [[A, B], [A], [B]]
    assert [r.status for r in results] == [Status.SUCCESS, Status.FAILED]
    assert results[1].code == "104133"
    assert states(journal, B) == [AttemptState.NOT_APPLIED, AttemptState.FAILED]


def test_104442_with_our_tracking_at_naver_is_already_dispatched() -> None:
    """NAVER refuses 104442 (not PAYED), but the lookup shows our courier and number: ALREADY_DISPATCHED."""
    refused = ok(
        [],
        [
            {"productOrderId": A, "code": "104442", "message": "상태"},
            {"productOrderId": B, "code": "104442", "message": "상태"},
        ],
    )
    lookup = httpx.Response(200, json={"data": [order(A, "DELIVERING", "6000000001"), order(B, "CANCELED")]})
    statuses, _ = run(Naver([refused], [lookup]))
    assert statuses == [Status.ALREADY_DISPATCHED, Status.FAILED]


def test_a_stop_before_sending_sends_nothing() -> None:
    """With the stop event set, the request is not sent: NOT_SENT, 'run again'."""
    naver = Naver([ok([A, B])])
    client = CommerceClient(CREDS, "http://naver.test/external", transport=httpx.MockTransport(naver))
    ctx = RunContext(client, retry=NO_WAIT)
    ctx.stop.set()
    results = Request(ctx, list(ITEMS)).run()
    client.close()
    assert [r.status for r in results] == [Status.NOT_SENT] * 2 and naver.calls["dispatch"] == 0


def test_104442_with_the_lookup_failing_stays_failed_with_navers_code() -> None:
    """NAVER refuses 104442 and the lookup cannot tell whether the order is ours: FAILED 104442, never a guess."""
    refused = ok([], [{"productOrderId": A, "code": "104442", "message": "상태"}])
    statuses, request = run(Naver([refused], [error(500, "GW.INTERNAL_SERVER_ERROR")]), items=ITEMS[:1])
    assert statuses == [Status.FAILED] and request.results[A].code == "104442"


def test_reconciling_with_the_lookup_failing_leaves_the_attempts_unsettled(journal: JournalStore) -> None:
    """An attempt an earlier run left pending, and the lookup fails: it stays pending, so its order is not sent
    (the journal screen says UNKNOWN) until a later run can look it up."""
    journal.begin(ITEMS[:1], "yesterday.xlsx")
    naver = Naver([ok([A])], [error(500, "GW.INTERNAL_SERVER_ERROR")])
    client = CommerceClient(CREDS, "http://naver.test/external", transport=httpx.MockTransport(naver))
    try:
        result = reconcile_journal(RunContext(client, retry=NO_WAIT, journal=journal), journal)
    finally:
        client.close()
    assert (result.changes, result.left) == ([], 1)
    assert result.failed is not None and "GW.INTERNAL_SERVER_ERROR" in result.failed.render("ko")
    assert [a.product_order_id for a in journal.unsettled()] == [A]
    to_send, settled = screen(list(ITEMS), journal, "ko")
    assert [i.product_order_id for i in to_send] == [B]
    assert [r.status for r in settled] == [Status.UNKNOWN] and naver.calls["dispatch"] == 0


def test_a_token_refused_mid_run_stops_sending_and_says_why_on_every_row_left(tmp_path: Path) -> None:
    """The first request meets 401 and the renewed token is refused (the secret was rotated mid-run): nothing
    else is sent; the report and the result copy say why on every row, and the run's error is in the report
    (exit 2: no order went out)."""
    rows = [[order_id(i), "택배", "CJ대한통운", f"{6000000000 + i}", ""] for i in range(1, 5)]
    sheet = write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows])
    naver = Naver([error(401, "GW.AUTHN")], token=[ok_token(), error(403, "GW.AUTHN")])
    report = run_job(
        sheet,
        "http://naver.test/external",
        transport=httpx.MockTransport(naver),
        batch_size=2,
        concurrency=1,
        retry=NO_WAIT,
        preflight=False,  # this NAVER answers the dispatch only
    )
    assert naver.calls == {"token": 2, "dispatch": 1, "query": 0}
    assert [e.key for e in report.errors] == ["api.token_refused"] and report.exit_code == 2
    result = read_rows(tmp_path / "s.result.xlsx")
    assert [r[5] for r in result[1:]] == ["미전송"] * 4
    assert all("인증 토큰 요청을 거부했습니다" in str(r[7]) for r in result[1:])


class FailingJournal:
    """The real SQLite journal, whose `begin` or `finish` fails (as a full disk would) from call `at` on."""

    def __init__(self, journal: JournalStore, method: str, at: int = 1) -> None:
        self.journal, self.method, self.at, self.calls = journal, method, at, 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(self.journal, name)
        if name != self.method:
            return real

        def failing(*args: Any) -> Any:
            self.calls += 1
            if self.calls >= self.at:
                raise JournalError(
                    Msg.of("journal.failed", path="j.sqlite3", reason=Msg.of("reason.no_space"))
                )
            return real(*args)

        return failing


def run_with(naver: Naver, journal: Any) -> tuple[list[RowResult], RunContext]:
    client = CommerceClient(CREDS, "http://naver.test/external", transport=httpx.MockTransport(naver))
    ctx = RunContext(client, retry=NO_WAIT, journal=journal)
    try:
        return Request(ctx, list(ITEMS)).run(), ctx
    finally:
        client.close()


def test_a_journal_that_cannot_record_before_sending_sends_nothing(journal: JournalStore) -> None:
    naver = Naver([ok([A, B])])
    results, ctx = run_with(naver, FailingJournal(journal, "begin"))
    assert [r.status for r in results] == [Status.NOT_SENT] * 2 and naver.calls["dispatch"] == 0
    assert "디스크 공간 부족" in results[0].message
    assert ctx.stop.is_set() and ctx.fatal is not None and ctx.fatal.msg.key == "journal.failed"


def test_a_journal_that_cannot_settle_keeps_what_naver_said_and_stops_the_run(journal: JournalStore) -> None:
    """NAVER answered; the journal cannot record it: the rows still say what happened (A sent, B refused),
    the run stops, and the attempts stay pending, so the next run looks them up before sending anything."""
    naver = Naver([ok([A], [{"productOrderId": B, "code": "104121", "message": "기사용 송장"}])])
    results, ctx = run_with(naver, FailingJournal(journal, "finish"))
    assert [(r.status, r.code) for r in results] == [(Status.SUCCESS, ""), (Status.FAILED, "104121")]
    assert ctx.stop.is_set() and ctx.fatal is not None
    assert {a.product_order_id for a in journal.unsettled()} == {A, B}


def test_a_journal_failing_after_an_unknown_outcome_leaves_the_rows_unknown(journal: JournalStore) -> None:
    """A 504 (outcome unknown), and the journal fails before the lookup is recorded: UNKNOWN, never NOT_SENT."""
    lookup = httpx.Response(200, json={"data": [order(A, "DELIVERING", "6000000001"), order(B, "PAYED")]})
    naver = Naver([error(504, "GW.TIMEOUT.01")], [lookup])
    results, _ = run_with(naver, FailingJournal(journal, "finish"))
    assert results[0].status is Status.SUCCESS  # the lookup proved it before the journal failed
    assert results[1].status is Status.UNKNOWN and "전달되었을 수 있습니다" in results[1].message
