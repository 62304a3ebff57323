"""What the sandbox's endpoints decide, as functions over its state: NAVER's per-item checks and effects of a
dispatch, the one-shot per-order faults, and the answer of an order lookup."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Final

from batchship.domain.codes import ADD_ON_CLASS, COURIERS, DELIVERY_METHODS, PARCEL_METHODS
from batchship.sandbox.state import DOMESTIC_COURIERS, Order, SandboxState, order_id_of


def order_of(state: SandboxState, pid: str, seller: str) -> Order | None:
    """The order `pid` as `seller` sees it: None when it does not exist or belongs to another store."""
    order = state.orders.get(pid)
    return order if order is not None and order.seller in ("", seller) else None


def take_order_faults(state: SandboxState, items: list[dict[str, Any]], seller: str = "") -> bool:
    """Fire the one-shot per-order faults of this request; True when the answer must be a 504."""
    fired = False
    with state.lock:
        for item in items:
            order = order_of(state, str(item.get("productOrderId")), seller)
            if order is None or not order.fault:
                continue
            if order.fault == "cancel_in_flight":
                order.status = "CANCELED"
            if order.fault == "cancel_request_before_dispatch":  # the race a lookup cannot close: no 504
                order.claim_type, order.claim_status = "CANCEL", "CANCEL_REQUEST"
            else:
                fired = True
            state.faults_injected[order.fault] += 1
            order.fault = ""
    return fired


def apply(state: SandboxState, items: list[dict[str, Any]], seller: str = "") -> dict[str, Any]:
    """Apply a dispatch request of `seller` (the store its token speaks for); NAVER's answer's `data`."""
    ids = Counter(str(i["productOrderId"]) for i in items)
    success: list[str] = []
    fails: list[dict[str, str]] = []
    with state.lock:
        used = {
            (o.delivery_company, o.tracking_number): o.product_order_id
            for o in state.orders.values()
            if o.tracking_number
        }
        for item in items:
            pid = str(item["productOrderId"])
            code, message = item_error(state, item, ids, used, seller)
            if code:
                fails.append({"productOrderId": pid, "code": code, "message": message})
                continue
            order = state.orders[pid]
            if (
                order.claim_status == "CANCEL_REQUEST"
            ):  # NAVER: dispatching rejects the buyer's cancel request
                order.claim_status = "CANCEL_REJECT"
                state.effects["cancel_requests_rejected"] += 1
            order.status = "DELIVERING"
            order.delivery_method = str(item["deliveryMethod"])
            order.delivery_company = str(item.get("deliveryCompanyCode") or "")
            order.tracking_number = str(item.get("trackingNumber") or "")
            order.send_date = str(item["dispatchDate"])
            if order.tracking_number:
                used[(order.delivery_company, order.tracking_number)] = pid
            state.dispatch_counts[pid] += 1
            success.append(pid)
    return {"successProductOrderIds": success, "failProductOrderInfos": fails}


def item_error(
    state: SandboxState,
    item: dict[str, Any],
    ids: Counter[str],
    used: dict[tuple[str, str], str],
    seller: str = "",
) -> tuple[str, str]:
    pid = str(item["productOrderId"])
    method = str(item["deliveryMethod"])
    courier = str(item.get("deliveryCompanyCode") or "")
    tracking = str(item.get("trackingNumber") or "")
    if ids[pid] > 1:
        return "104131", "상품 주문 번호 중복"
    order = order_of(state, pid, seller)
    if order is None:  # another store's order is not found either
        return "100001", "상품 주문을 찾을 수 없음"
    if order.status != "PAYED":
        return "104442", f"상품 주문 상태 확인 필요({order.status})"
    if order.place_order_status == "CANCEL":
        return "104443", "발주 상태 확인 필요"
    if order.product_class == ADD_ON_CLASS and _main_waiting(state, order):
        state.effects["addons_before_main"] += 1
        return "104442", "상품 주문 상태 확인 필요(추가구성상품은 본상품을 먼저 발송 처리해야 합니다)"
    if method not in DELIVERY_METHODS:
        return "104117", "배송 방법 변경 필요"
    if method in PARCEL_METHODS or courier or tracking:
        if method in PARCEL_METHODS and not courier:
            return "104118", "택배사 미입력"
        if courier and courier not in COURIERS:
            return "104119", "택배사 코드 확인"
        if method in PARCEL_METHODS and not tracking:
            return "104120", "송장 번호 미입력"
        if tracking and not tracking_ok(courier, tracking):
            return "104122", "배송 송장 오류(유효하지 않은 송장)"
        other = used.get((courier, tracking))
        if tracking and other is not None and other != pid:
            return "104121", "배송 송장 오류(기사용 송장)"
    return "", ""


def _main_waiting(state: SandboxState, add_on: Order) -> bool:
    """Whether a main product of the add-on's order is not dispatched yet."""
    order_id = order_id_of(add_on)
    return any(
        o.product_class != ADD_ON_CLASS and o.status == "PAYED" and order_id_of(o) == order_id
        for o in state.orders.values()
    )


#: Statuses in which an order has a delivery (NAVER's answer has a `delivery` object only then).
_DISPATCHED: Final = frozenset({"DELIVERING", "DELIVERED", "PURCHASE_DECIDED", "EXCHANGED", "RETURNED"})


def _present(**fields: str) -> dict[str, str]:
    """The fields that have a value: NAVER leaves out what it has no value for, rather than sending null."""
    return {k: v for k, v in fields.items() if v}


def lookup(state: SandboxState, ids: list[str], seller: str = "") -> list[dict[str, Any]]:
    """The stored orders among `ids`, in NAVER's product-order shape (orders the store does not have, or
    another store has, are absent); orders placed and paid when the store opened, unless an order says
    otherwise."""
    data = []
    with state.lock:
        for pid in ids:
            o = order_of(state, pid, seller)
            if o is None:
                continue
            paid = o.paid_at or state.opened
            entry: dict[str, Any] = {
                "order": {"orderId": order_id_of(o), "orderDate": paid, "paymentDate": paid},
                "productOrder": _present(
                    productOrderId=pid,
                    productOrderStatus=o.status,
                    placeOrderStatus=o.place_order_status,
                    placeOrderDate=paid,
                    productClass=o.product_class,
                    claimType=o.claim_type,
                    claimStatus=o.claim_status,
                ),
            }
            if o.status in _DISPATCHED or o.tracking_number:
                entry["delivery"] = _present(
                    deliveryMethod=o.delivery_method or "DELIVERY",
                    deliveryCompany=o.delivery_company,
                    trackingNumber=o.tracking_number,
                    sendDate=o.send_date or paid,
                )
            data.append(entry)
    return data


def tracking_ok(courier: str, tracking: str) -> bool:
    if courier in DOMESTIC_COURIERS:
        return bool(re.fullmatch(r"\d{10,14}", tracking))
    return bool(re.fullmatch(r"[A-Za-z0-9]{8,30}", tracking))
