"""Dispatch against the sandbox over real HTTP on 127.0.0.1: outcomes, faults, retries, and the exactly-once
promise proven by the sandbox's own per-order counts."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from batchship.domain.plan import DispatchItem
from batchship.model import Status
from batchship.naver.auth import client_secret_sign
from batchship.naver.client import CommerceClient
from batchship.naver.ratelimit import RateLimiter
from batchship.naver.retry import RetryPolicy
from batchship.sandbox import Faults, FaultSpec, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import CREDS, HEADER, order_id, order_row, run_job, send, write_xlsx

DATE = "2024-05-05T10:00:00.000+09:00"


@pytest.fixture
def sandbox(sandbox_of: Callable[..., Sandbox]) -> Callable[..., Sandbox]:
    return sandbox_of


def sheet(tmp_path: Path, n: int, **overrides: list[Any]) -> Path:
    rows = [order_row(i) for i in range(1, n + 1)]
    for index, row in overrides.items():
        rows[int(index.removeprefix("r")) - 1] = row
    return write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows])


def dispatch(path: Path, sb: Sandbox, **options: Any) -> Any:
    return run_job(path, sb.base_url, **options)


def test_known_answer_signature() -> None:
    """The signature matches the known-answer vector from NAVER's documentation (with bcrypt 4+'s salt)."""
    assert (
        client_secret_sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuu", 1643961623299)
        == "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy"
    )


def test_every_valid_row_is_sent_once_in_requests_of_30(
    tmp_path: Path, sandbox: Callable[..., Sandbox]
) -> None:
    """65 valid rows: 3 requests, every order dispatched exactly once with the sheet's tracking number."""
    sb = sandbox(65)
    report = dispatch(sheet(tmp_path, 65), sb)
    assert report.counts()["SUCCESS"] == 65 and report.exit_code == 0
    assert sb.calls()["dispatch"] == 3
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 66)}
    order = sb.order(order_id(7))
    assert order is not None
    assert (order.status, order.delivery_company, order.tracking_number) == (
        "DELIVERING",
        "CJGLS",
        "6000000007",
    )
    assert order.send_date == "2024-05-05T10:00:00.000+09:00"
    assert report.rows[0].message == "발송 처리되었습니다(CJ대한통운 (CJGLS) 6000000001)."


def test_token_is_reused_and_renewed_near_expiry(sandbox: Callable[..., Sandbox]) -> None:
    """One token serves many calls; with under 30 minutes left a new one is fetched."""
    sb = sandbox(3)
    now = [1_800_000_000.0]
    sb.advance(now[0] - sb.clock())
    with CommerceClient(CREDS, sb.base_url, clock=lambda: now[0]) as client:
        client.query([order_id(1)])
        client.query([order_id(2)])
        assert (client.auth.tokens_fetched, sb.calls()["token"]) == (1, 1)
        now[0] += 2 * 3600 + 40 * 60
        sb.advance(2 * 3600 + 40 * 60)
        client.query([order_id(3)])
    assert (client.auth.tokens_fetched, sb.calls()["token"]) == (2, 2)


def test_401_mid_run_renews_once_and_continues(tmp_path: Path, sandbox: Callable[..., Sandbox]) -> None:
    """Tokens revoked before the 2nd request: a 401 GW.AUTHN, one renewal, and every row still succeeds."""
    sb = sandbox(90, faults=Faults(expire_tokens=FaultSpec(at=frozenset({2}))))
    report = dispatch(sheet(tmp_path, 90), sb, concurrency=1)
    assert report.counts()["SUCCESS"] == 90
    assert sb.calls()["token"] == 2
    assert sb.snapshot()["statuses"]["401"] == 1
    assert set(sb.dispatch_counts().values()) == {1}


def test_partial_success_in_one_request(tmp_path: Path, sandbox: Callable[..., Sandbox]) -> None:
    """In one request: an order already shipped (104442) and an unknown one (100001) fail, the rest succeed
    (without the pre-flight lookup, which would have kept both back: NAVER's own refusals, as they come)."""
    sb = sandbox(4)
    sb.add_orders([Order(order_id(2), "DELIVERING")])
    path = sheet(tmp_path, 5)  # order 5 does not exist in the store
    report = dispatch(path, sb, preflight=False)
    assert sb.calls()["dispatch"] == 1
    assert [(r.status, r.code) for r in report.rows] == [
        (Status.SUCCESS, ""),
        (Status.FAILED, "104442"),
        (Status.SUCCESS, ""),
        (Status.SUCCESS, ""),
        (Status.FAILED, "100001"),
    ]
    assert report.rows[1].message.startswith("NAVER가 거부했습니다(104442 상품 주문 상태 확인 필요)")
    # the one request that carried the refusals, by the trace id NAVER (here the sandbox) gave it
    assert [len(t) for t in report.sent.failed_trace_ids] == [32]
    assert report.exit_code == 1


def test_a_429_storm_is_ridden_out(tmp_path: Path, sandbox: Callable[..., Sandbox]) -> None:
    """The sandbox allows 20 requests/s, the client asks for 100, and the gateway answers 429 to 25 calls in a
    row whatever its bucket holds: every row still goes through, none twice."""
    sb = sandbox(300, rate_limit=20, faults=Faults(storm_429=FaultSpec(at=frozenset(range(1, 26)))))
    patient = RetryPolicy(attempts=40, total_s=60, base_s=0.01, cap_s=0.05, rng=random.Random(2))
    report = dispatch(sheet(tmp_path, 300), sb, rate_limit=100, batch_size=30, retry=patient)
    assert report.counts()["SUCCESS"] == 300
    assert report.sent.rate_limited >= 25
    assert sb.calls()["rate_limited"] == report.sent.rate_limited
    assert sb.snapshot()["faultsInjected"] == {"storm_429": 25}
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 301)}


@pytest.mark.parametrize("fault", ["timeout_504_after", "drop_after"])
def test_ambiguous_failures_after_apply_never_send_twice(
    tmp_path: Path, sandbox: Callable[..., Sandbox], fault: str
) -> None:
    """504 after applying, or the connection dropped after applying: the orders are looked up, found shipped
    with our tracking numbers, and reported as sent; nothing is dispatched twice."""
    sb = sandbox(90, faults=Faults(**{fault: FaultSpec(at=frozenset({1, 3}))}))
    report = dispatch(sheet(tmp_path, 90), sb, concurrency=1)
    assert report.counts()["SUCCESS"] == 90
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 91)}
    assert sb.snapshot()["faultsInjected"] == {fault: 2}
    assert report.sent.lookups == 1 + 2  # the pre-flight lookup, then one after each lost answer
    assert "주문 조회로 확인했습니다" in report.rows[0].message
    assert "주문 조회로 확인했습니다" not in report.rows[30].message  # the 2nd request was answered


def test_500_before_apply_is_retried(tmp_path: Path, sandbox: Callable[..., Sandbox]) -> None:
    """A 500 that applied nothing: the lookup shows the orders still PAYED, so they are sent again, once."""
    sb = sandbox(30, faults=Faults(error_500_before=FaultSpec(at=frozenset({1}))))
    report = dispatch(sheet(tmp_path, 30), sb)
    assert report.counts()["SUCCESS"] == 30
    assert report.sent.retries == 1
    assert sb.calls()["dispatch"] == 2
    assert set(sb.dispatch_counts().values()) == {1}


def test_lookup_showing_another_tracking_number_is_not_ours(sandbox: Callable[..., Sandbox]) -> None:
    """After a lost answer, an order found shipped with a different tracking number was not dispatched by this
    request: 실패 104442 (as NAVER would have said), with what the lookup saw, never a success."""
    sb = sandbox(2, faults=Faults(timeout_504_after=FaultSpec(at=frozenset({1}))))
    sb.add_orders([Order(order_id(2), "DELIVERING", delivery_company="CJGLS", tracking_number="7000000000")])
    items = [DispatchItem(i + 2, order_id(i), "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE) for i in (1, 2)]
    with CommerceClient(CREDS, sb.base_url, limiter=RateLimiter(100)) as client:
        results = send(client, items)
    assert [(r.status, r.code) for r in results] == [(Status.SUCCESS, ""), (Status.FAILED, "104442")]
    assert "이 요청은 적용되지 않았습니다(배송 중, CJ대한통운 (CJGLS) 7000000000)" in results[1].message


def test_a_400_for_the_whole_request_is_split(sandbox: Callable[..., Sandbox]) -> None:
    """One malformed item makes NAVER refuse the whole request; halving isolates it, the good rows go through."""
    sb = sandbox(8)
    items = [
        DispatchItem(i + 1, order_id(i), "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE) for i in range(1, 9)
    ]
    items[5] = DispatchItem(7, order_id(6), "DELIVERY", "CJGLS", "6000000006", "2024-05-05 10:00:00")
    with CommerceClient(CREDS, sb.base_url, limiter=RateLimiter(100)) as client:
        results = send(client, items)
    assert [r.status for r in results].count(Status.SUCCESS) == 7
    bad = results[5]
    assert (bad.status, bad.code) == (Status.FAILED, "4000")
    assert sb.order(order_id(6)) is not None and sb.order(order_id(6)).status == "PAYED"  # type: ignore[union-attr]
    assert set(sb.dispatch_counts().values()) == {1}


def test_invalid_rows_are_never_sent(tmp_path: Path, sandbox: Callable[..., Sandbox]) -> None:
    """Rows that fail the checks stay INVALID and never reach the API."""
    sb = sandbox(3)
    path = sheet(tmp_path, 3, r2=[order_id(2), "택배", "CJ택배", "6000000002", ""])
    report = dispatch(path, sb)
    assert [r.status for r in report.rows] == [Status.SUCCESS, Status.INVALID, Status.SUCCESS]
    assert order_id(2) not in sb.dispatch_counts()


def test_dry_run_contacts_nothing(tmp_path: Path, sandbox: Callable[..., Sandbox]) -> None:
    """--dry-run builds the requests and writes the result copy, and the sandbox sees no call at all."""
    sb = sandbox(40)
    report = dispatch(sheet(tmp_path, 40), sb, dry_run=True)
    assert sb.calls() == {}
    assert report.counts()["NOT_SENT"] == 40
    assert report.plan.requests == 2
    assert len(report.plan.sample_request["dispatchProductOrders"]) == 30
    assert report.result_file is not None and report.result_file.exists()


def test_token_ttl_expiry_on_the_server_side_renews_once(sandbox: Callable[..., Sandbox]) -> None:
    """Tokens live --token-ttl seconds: when the server's clock passes that before the client's does (the two
    never agree exactly), the next call gets a 401 GW.AUTHN, the client renews once, and the call goes through."""
    sb = sandbox(2, token_ttl=120)
    items = [DispatchItem(i + 1, order_id(i), "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE) for i in (1, 2)]
    with CommerceClient(CREDS, sb.base_url, limiter=RateLimiter(100)) as client:
        assert send(client, items[:1])[0].status is Status.SUCCESS
        sb.advance(121)  # the server is two minutes ahead: within the 5-minute window for signing
        assert send(client, items[1:])[0].status is Status.SUCCESS
    assert sb.calls()["token"] == 2
    assert sb.snapshot()["statuses"]["401"] == 1
