"""Look before you ship (issue 13): every order about to be sent is looked up first, against the sandbox on
loopback; what NAVER received is read from the sandbox's own counts, not only from what batchship printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from batchship.model import Status
from batchship.sandbox import Sandbox
from batchship.sandbox.state import Order
from tests.conftest import CREDS, cli, dispatch_env, order_id, orders_sheet, read_rows, run_job
from tests.naver_script import Naver, error, ok_token


def _store(sandbox_of: Callable[..., Sandbox], *orders: Order, n: int = 0) -> Sandbox:
    sb = sandbox_of(n)
    sb.add_orders(orders)
    return sb


def test_each_order_state_is_decided_before_anything_is_sent(
    tmp_path: Path, sandbox_of: Callable[..., Sandbox]
) -> None:
    """One sheet, one order per state the lookup can show: only the ready ones reach NAVER; no cancel request
    is rejected; every other row says what the lookup saw, in words (no raw status names)."""
    shipped_ours = Order(order_id(3), "DELIVERING", delivery_method="DELIVERY")
    shipped_ours.delivery_company, shipped_ours.tracking_number = "CJGLS", "6000000003"
    sb = _store(
        sandbox_of,
        Order(order_id(1)),
        Order(order_id(2), claim_type="CANCEL", claim_status="CANCEL_REQUEST"),
        shipped_ours,
        Order(order_id(4), "DELIVERING", delivery_company="HANJIN", tracking_number="5555555555"),
        Order(order_id(5), "CANCELED", claim_type="CANCEL", claim_status="CANCEL_DONE"),
        Order(order_id(6), "RETURNED"),
        Order(order_id(7), "PAYMENT_WAITING"),
        Order(order_id(9), claim_type="ADMIN_CANCEL", claim_status="ADMIN_CANCELING"),
    )
    report = run_job(orders_sheet(tmp_path / "s.xlsx", range(1, 10)), sb.base_url)
    assert [(r.status, r.code) for r in report.rows] == [
        (Status.SUCCESS, ""),
        (Status.HELD, "BS601"),
        (Status.ALREADY_DISPATCHED, ""),
        (Status.FAILED, "BS501"),
        (Status.FAILED, "BS602"),
        (Status.FAILED, "BS602"),
        (Status.FAILED, "BS602"),
        (Status.FAILED, "BS603"),  # order 8: the store has none
        (Status.HELD, "BS601"),
    ]
    assert sb.dispatch_counts() == {order_id(1): 1}
    assert sb.snapshot()["effects"] == {}  # no cancel request rejected, no add-on before its main
    messages = [r.message for r in report.rows]
    assert "구매자가 취소를 요청한 주문이라 보내지 않았습니다(구매자 취소 요청)" in messages[1]
    assert "같은 택배사와 송장번호로 발송 처리되어 있습니다" in messages[2]
    assert "한진택배 (HANJIN) 5555555555(으)로 발송 처리된" in messages[3]
    assert "'취소됨, 취소 완료' 상태라" in messages[4] and "'반품됨' 상태라" in messages[5]
    assert "'입금 대기' 상태라" in messages[6] and "이 상품주문번호가 없어" in messages[7]
    assert "취소가 진행 중인 주문이라" in messages[8] and "직권 취소 처리 중" in messages[8]
    assert not any(word in m for m in messages for word in ("CANCEL", "RETURNED", "PAYMENT_WAITING"))
    assert report.sent is not None and report.sent.lookups == 1 and report.exit_code == 1
    assert report.counts()["HELD"] == 2


def test_shipping_cancel_requests_anyway_is_said_on_the_row(
    tmp_path: Path, sandbox_of: Callable[..., Sandbox]
) -> None:
    """`--ship-cancel-requests`: the parcel has left, the order goes, and its row says the buyer's request was
    rejected by it (the sandbox counts the rejection). A cancellation under way is still held."""
    sb = _store(
        sandbox_of,
        Order(order_id(1), claim_type="CANCEL", claim_status="CANCEL_REQUEST"),
        Order(order_id(2), claim_type="CANCEL", claim_status="CANCELING"),
    )
    sheet = orders_sheet(tmp_path / "s.xlsx", 2)
    env_args = ["--base-url", sb.base_url, "--ship-cancel-requests", "--report", str(tmp_path / "r.json")]
    with pytest.MonkeyPatch.context() as mp:
        for key in ("NAVER_COMMERCE_CLIENT_ID", "NAVER_COMMERCE_CLIENT_SECRET"):
            mp.setenv(key, dispatch_env()[key])
        code, out, err = cli("dispatch", str(sheet), *env_args)
    assert code == 1, out + err  # one row held
    rows = read_rows(tmp_path / "s.result.xlsx")[1:]
    assert [r[5] for r in rows] == ["성공", "보류"]
    assert "이 발송(--ship-cancel-requests)으로 취소 요청이 거부되었습니다" in rows[0][7]
    assert sb.snapshot()["effects"] == {"cancel_requests_rejected": 1}
    assert sb.order(order_id(1)).claim_status == "CANCEL_REJECT"  # type: ignore[union-attr]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["counts"]["HELD"] == 1 and data["lookups"] == 1
    assert "보류          1" in out
    retry = read_rows(tmp_path / "s.retry.xlsx")[1:]  # the held row waits in the retry file
    assert [(r[0], r[5], r[6]) for r in retry] == [(order_id(2), "보류", "BS601")]


def test_without_the_preflight_a_cancel_request_is_rejected_by_the_dispatch(
    tmp_path: Path, sandbox_of: Callable[..., Sandbox]
) -> None:
    """`--no-preflight` (or preflight=False) sends without looking: NAVER accepts, and the cancel request is
    rejected, which is what the pre-flight exists to prevent."""
    sb = _store(sandbox_of, Order(order_id(1), claim_type="CANCEL", claim_status="CANCEL_REQUEST"))
    report = run_job(orders_sheet(tmp_path / "s.xlsx", 1), sb.base_url, preflight=False)
    assert report.rows[0].status is Status.SUCCESS and report.sent is not None and report.sent.lookups == 0
    assert sb.snapshot()["effects"] == {"cancel_requests_rejected": 1}


def test_add_ons_go_only_after_their_main_product(tmp_path: Path, sandbox_of: Callable[..., Sandbox]) -> None:
    """Three orders, each a main product and add-ons, the add-ons listed first. Order A: the main product's
    request goes first, then the add-ons'. Order B: the main product fails batchship's checks, so its add-on is
    not sent. Order C: NAVER refuses the main product (its tracking number is taken), so its add-on, waiting
    for it, is not sent. Both say why, naming the main product's row."""
    add_on = "추가구성상품"
    taken = Order(order_id(8), "DELIVERING", delivery_method="DELIVERY")
    taken.delivery_company, taken.tracking_number = "CJGLS", "6000000007"
    sb = _store(
        sandbox_of,
        Order(order_id(1), order_id="2024000000000001", product_class=add_on),
        Order(order_id(2), order_id="2024000000000001", product_class=add_on),
        Order(order_id(3), order_id="2024000000000001"),
        Order(order_id(4), order_id="2024000000000002", product_class=add_on),
        Order(order_id(5), order_id="2024000000000002"),
        Order(order_id(6), order_id="2024000000000003", product_class=add_on),
        Order(order_id(7), order_id="2024000000000003"),
        taken,
    )
    sheet = orders_sheet(tmp_path / "s.xlsx", 7, tracking=lambda i: "BAD" if i == 5 else f"{6000000000 + i}")
    report = run_job(sheet, sb.base_url)
    assert [(r.status, r.code) for r in report.rows] == [
        (Status.SUCCESS, ""),
        (Status.SUCCESS, ""),
        (Status.SUCCESS, ""),
        (Status.NOT_SENT, "BS604"),
        (Status.INVALID, "104122"),
        (Status.NOT_SENT, "BS604"),
        (Status.FAILED, "104121"),
    ]
    assert f"본상품(상품주문번호 {order_id(5)}, 6행)이 발송된 뒤에만" in report.rows[3].message
    assert f"본상품(상품주문번호 {order_id(7)}, 8행)이 발송된 뒤에만" in report.rows[5].message
    assert sb.snapshot()["effects"] == {}  # no add-on reached NAVER before its main product
    assert set(sb.dispatch_counts()) == {order_id(1), order_id(2), order_id(3)}
    assert report.plan.requests == 2 and sb.calls()["dispatch"] == 2
    # the orders to send, then (order B's main product not among them) the sheet's other rows
    assert report.sent is not None and report.sent.lookups == 2


def test_a_failing_lookup_sends_nothing_and_says_why(tmp_path: Path) -> None:
    """The pre-flight lookup keeps failing (NAVER's 500s): no dispatch is made, every row says why, exit 2."""
    naver = Naver([], token=[ok_token()], query=[error(500, "GW.PROXY.01")] * 20)
    report = run_job(
        orders_sheet(tmp_path / "s.xlsx", 3),
        "http://naver.test/external",
        transport=httpx.MockTransport(naver),
        retry=_no_wait(),
    )
    assert naver.calls["dispatch"] == 0 and naver.calls["query"] >= 2
    assert [r.status for r in report.rows] == [Status.NOT_SENT] * 3
    assert "보내기 전 주문 조회에 실패해 보내지 않았습니다" in report.rows[0].message
    assert [e.key for e in report.errors] == ["preflight.failed"] and report.exit_code == 2


def _no_wait() -> Any:
    import random

    from batchship.naver.retry import RetryPolicy

    return RetryPolicy(attempts=3, total_s=5, base_s=0.0, cap_s=0.0, rng=random.Random(1))


def test_a_cancel_request_made_after_the_lookup_is_the_race_that_remains(
    tmp_path: Path, sandbox_of: Callable[..., Sandbox]
) -> None:
    """The buyer asks to cancel between the lookup and the dispatch: NAVER accepts the dispatch (rejecting the
    request) and says nothing of it. batchship cannot see it: the row says 성공 like any other; the sandbox's
    counts show the one rejection. (The README says so; the lookup is as late as it can be.)"""
    sb = _store(sandbox_of, Order(order_id(1), fault="cancel_request_before_dispatch"), Order(order_id(2)))
    report = run_job(orders_sheet(tmp_path / "s.xlsx", 2), sb.base_url)
    assert [r.status for r in report.rows] == [Status.SUCCESS, Status.SUCCESS]
    assert sb.snapshot()["effects"] == {"cancel_requests_rejected": 1}


def test_the_lookup_answer_has_naver_shape(sandbox_of: Callable[..., Sandbox]) -> None:
    """The sandbox's order lookup, as a third-party SDK reads it: order and payment dates, place-order date,
    productClass, a 16-digit orderId shared by one order's items, claims only when there is one, `delivery`
    only once dispatched, no nulls anywhere."""
    sb = _store(
        sandbox_of,
        Order(order_id(1), order_id="2024000000000001"),
        Order(order_id(2), order_id="2024000000000001", product_class="추가구성상품"),
        Order(
            order_id(3),
            "DELIVERING",
            delivery_method="DELIVERY",
            delivery_company="CJGLS",
            tracking_number="6000000003",
        ),
        Order(order_id(4), claim_type="CANCEL", claim_status="CANCEL_REQUEST"),
    )
    from batchship.naver.client import CommerceClient

    with CommerceClient(CREDS, sb.base_url) as client:
        client.authenticate()
        response = client._post(
            "/v1/pay-order/seller/product-orders/query",
            {"productOrderIds": [order_id(i) for i in range(1, 6)]},
        )
        states = client.query([order_id(i) for i in range(1, 5)])
    data = {e["productOrder"]["productOrderId"]: e for e in response.json()["data"]}
    assert set(data) == {order_id(i) for i in range(1, 5)}  # order 5: unknown, absent

    def nulls(value: Any) -> bool:
        return value is None or (isinstance(value, dict) and any(nulls(v) for v in value.values()))

    assert not any(nulls(entry) for entry in data.values())
    first = data[order_id(1)]
    assert set(first) == {"order", "productOrder"}  # never dispatched: no delivery object
    assert set(first["order"]) >= {"orderId", "orderDate", "paymentDate"}
    assert set(first["productOrder"]) >= {
        "productOrderStatus",
        "placeOrderStatus",
        "placeOrderDate",
        "productClass",
    }
    assert "claimStatus" not in first["productOrder"]
    assert data[order_id(2)]["order"]["orderId"] == "2024000000000001" == first["order"]["orderId"]
    assert len(data[order_id(3)]["order"]["orderId"]) == 16
    assert data[order_id(3)]["delivery"]["trackingNumber"] == "6000000003"
    assert data[order_id(4)]["productOrder"]["claimStatus"] == "CANCEL_REQUEST"
    assert states[order_id(2)].product_class == "추가구성상품" and states[order_id(4)].claim_type == "CANCEL"
    assert states[order_id(1)].payment_date.endswith("+09:00")


def test_a_dispatch_date_before_navers_payment_date_gets_a_note(
    tmp_path: Path, sandbox_of: Callable[..., Sandbox]
) -> None:
    """The sheet has no 결제일, but the lookup knows when the order was paid: a 발송일 on an earlier day still
    goes, and its row says so."""
    sb = _store(
        sandbox_of,
        Order(order_id(1), paid_at="2024-05-06T09:00:00.000+09:00"),
        Order(order_id(2), paid_at="2024-05-05T09:00:00.000+09:00"),  # the same day: fine
    )
    report = run_job(orders_sheet(tmp_path / "s.xlsx", 2, date="2024-05-05 10:00"), sb.base_url)
    assert [r.status for r in report.rows] == [Status.SUCCESS, Status.SUCCESS]
    assert report.rows[0].message.endswith(
        "주의: 발송일 2024-05-05이(가) 결제일 2024-05-06보다 앞섭니다. 맞는지 확인하세요."
    )
    assert "결제일" not in report.rows[1].message


def test_add_ons_waiting_for_a_run_that_stopped_say_why(tmp_path: Path) -> None:
    """The main product's request meets a refused token (the secret rotated mid-run): the run stops, and the
    add-on waiting for it says it was not sent and why, instead of keeping its check verdict."""
    entries = [
        {
            "order": {"orderId": "2024000000000001"},
            "productOrder": {
                "productOrderId": order_id(i),
                "productOrderStatus": "PAYED",
                "productClass": cls,
            },
        }
        for i, cls in ((1, "추가구성상품"), (2, "단일상품"))
    ]
    lookup = httpx.Response(200, json={"data": entries})
    naver = Naver([error(401, "GW.AUTHN")], token=[ok_token(), error(403, "GW.AUTHN")], query=[lookup])
    report = run_job(
        orders_sheet(tmp_path / "s.xlsx", 2),
        "http://naver.test/external",
        transport=httpx.MockTransport(naver),
        retry=_no_wait(),
    )
    assert naver.calls == {"token": 2, "dispatch": 1, "query": 1}
    assert [r.status for r in report.rows] == [Status.NOT_SENT, Status.NOT_SENT]
    assert all("인증 토큰 요청을 거부했습니다" in r.message for r in report.rows)
    assert report.exit_code == 2
