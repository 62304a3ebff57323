"""What the sandbox knows: its orders, faults, calls and tokens, and how orders are read from a CSV."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from batchship.domain.codes import ADD_ON_CLASS
from batchship.errors import ConfigError
from batchship.i18n import Msg, os_reason
from batchship.sandbox.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET  # noqa: F401 (re-exported)
from batchship.timefmt import KST, format_naver_time

DATE_FORMAT: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00$")
#: Couriers whose tracking numbers the sandbox checks as 10 to 14 digits; others: 8 to 30 letters/digits.
DOMESTIC_COURIERS: Final = frozenset({"CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "DAESIN"})
STATUSES: Final = (
    "PAYMENT_WAITING",
    "PAYED",
    "DELIVERING",
    "DELIVERED",
    "PURCHASE_DECIDED",
    "EXCHANGED",
    "CANCELED",
    "RETURNED",
    "CANCELED_BY_NOPAYMENT",
)


def now_text(clock: Callable[[], float]) -> str:
    return format_naver_time(dt.datetime.fromtimestamp(clock(), KST))


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """When a fault strikes: with probability `rate` on each dispatch call, and on the calls numbered in `at`."""

    rate: float = 0.0
    at: frozenset[int] = frozenset()

    def strikes(self, call: int, rng: random.Random) -> bool:
        return call in self.at or (self.rate > 0 and rng.random() < self.rate)


@dataclass(frozen=True, slots=True)
class Faults:
    """Faults on the dispatch endpoint. error_500_before: 500 without applying; storm_429: 429 GW.RATE_LIMIT
    whatever the bucket holds (NAVER's gateway does that too, sellers report); timeout_504_after: apply, then
    504; drop_after: apply, then close the connection unanswered; latency_s: added before every answer of
    every endpoint; expire_tokens: the token store is emptied before these dispatch calls (a 401 mid-run)."""

    error_500_before: FaultSpec = FaultSpec()
    storm_429: FaultSpec = FaultSpec()
    timeout_504_after: FaultSpec = FaultSpec()
    drop_after: FaultSpec = FaultSpec()
    expire_tokens: FaultSpec = FaultSpec()
    latency_s: float = 0.0
    seed: int = 0


PRODUCT_CLASSES: Final = ("단일상품", "조합형옵션상품", "단독형옵션상품", ADD_ON_CLASS)
CLAIM_TYPES: Final = ("", "CANCEL", "RETURN", "EXCHANGE", "PURCHASE_DECISION_HOLDBACK", "ADMIN_CANCEL")
CLAIM_STATUSES: Final = (
    "",
    "CANCEL_REQUEST",
    "CANCELING",
    "CANCEL_DONE",
    "CANCEL_REJECT",
    "RETURN_REQUEST",
    "EXCHANGE_REQUEST",
    "COLLECTING",
    "COLLECT_DONE",
    "ADMIN_CANCELING",
    "ADMIN_CANCEL_DONE",
    "ADMIN_CANCEL_REJECT",
)


@dataclass(slots=True)
class Order:
    """One product order. order_id: the order it belongs to (16 digits, shared by its items; derived from the
    product order number when not given); product_class: NAVER's productClass; claim_type and claim_status:
    an open claim (a buyer's cancel request: CANCEL / CANCEL_REQUEST); paid_at: the payment time (NAVER's
    form; `OPENED` when not given); seller: whose order it is (see the field)."""

    product_order_id: str
    status: str = "PAYED"
    place_order_status: str = "OK"
    delivery_method: str = ""
    delivery_company: str = ""
    tracking_number: str = ""
    send_date: str = ""
    #: A one-shot fault for the next dispatch request holding this order: `timeout_after` (apply, then 504),
    #: `cancel_in_flight` (the buyer cancels while NAVER is busy: the order becomes CANCELED, then 504) or
    #: `cancel_request_before_dispatch` (the buyer asks to cancel between a lookup and the dispatch).
    fault: str = ""
    order_id: str = ""
    product_class: str = "단일상품"
    claim_type: str = ""
    claim_status: str = ""
    paid_at: str = ""
    #: The store the order belongs to: the account id of a SELLER token, or the client id of a SELF one
    #: ("": any store's, the sandbox then standing in for one store). Another store neither sees nor ships it.
    seller: str = ""


#: The default time the sandbox's orders were placed and paid.
OPENED: Final = "2024-01-02T09:00:00.000+09:00"
ORDER_FAULTS: Final = ("", "timeout_after", "cancel_in_flight", "cancel_request_before_dispatch")


def order_id_of(order: Order) -> str:
    """The order's number: given, else one derived from the product order number (16 digits, another series)."""
    pid = order.product_order_id
    if order.order_id:
        return order.order_id
    return "1" + pid[1:] if len(pid) == 16 and pid.isdigit() else pid


@dataclass(slots=True)
class Bucket:
    tokens: float
    updated: float


class RateBuckets:
    """NAVER's gateway limit: a token bucket per application, `rate` per second, burst twice that (None:
    no limit), and the `GNCP-GW-RateLimit-*` headers it announces."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self._buckets: dict[str, Bucket] = {}

    def headers(self, client_id: str) -> dict[str, str]:
        if self.rate is None:
            return {}
        bucket = self._buckets.get(client_id)
        remaining = int(bucket.tokens) if bucket else int(2 * self.rate)
        return {
            "GNCP-GW-RateLimit-Replenish-Rate": f"{self.rate:g}",
            "GNCP-GW-RateLimit-Burst-Capacity": f"{2 * self.rate:g}",
            "GNCP-GW-RateLimit-Remaining": str(max(0, remaining)),
        }

    def take(self, client_id: str) -> bool:
        """Take one request's token; False when the bucket is empty (answer 429)."""
        if self.rate is None:
            return True
        now = time.monotonic()
        burst = 2 * self.rate
        bucket = self._buckets.setdefault(client_id, Bucket(burst, now))
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False


@dataclass(slots=True)
class SandboxState:
    """Everything the sandbox knows. Guarded by `lock`: the server thread writes, tests read."""

    orders: dict[str, Order] = field(default_factory=dict)
    dispatch_counts: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    faults_injected: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    #: token -> (`client_id/type/account_id`, expiry)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: What dispatches did that NAVER does not refuse but a seller must never be surprised by:
    #: `cancel_requests_rejected` (an order with an open cancel request dispatched), `addons_before_main`.
    effects: Counter[str] = field(default_factory=Counter)
    #: When the store's orders were placed and paid, unless an order says (`paid_at`): long ago, so that no
    #: dispatch date of a practice sheet lies before it by accident.
    opened: str = OPENED
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Notified (under `lock`) each time a call is counted, so that a test can wait on it.
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def token_owner(self, token: str, now: float) -> tuple[str, str] | None:
        """The application and the store a live token speaks for (the account id of a SELLER token, the
        client id of a SELF one), or None."""
        with self.lock:
            entry = self.tokens.get(token)
        if entry is None or entry[1] <= now:
            return None
        client_id, kind, account = entry[0].split("/", 2)
        return client_id, account if kind == "SELLER" else client_id

    def count(self, name: str) -> int:
        """One more call of `name`; its new count."""
        with self.lock:
            self.calls[name] += 1
            self.changed.notify_all()
            return self.calls[name]

    def save(self, path: Path) -> None:
        """Write the orders and dispatch counts to `path` (JSON, atomically)."""
        with self.lock:
            data = {
                "orders": [asdict(o) for o in self.orders.values()],
                "dispatchCounts": dict(self.dispatch_counts),
            }
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def snapshot(self) -> dict[str, Any]:
        """What `GET /_sandbox/state` shows: counts, calls, faults, statuses and every order's state."""
        with self.lock:
            return {
                "dispatchCounts": dict(self.dispatch_counts),
                "calls": dict(self.calls),
                "faultsInjected": dict(self.faults_injected),
                "effects": dict(self.effects),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "orders": {
                    pid: {
                        "status": o.status,
                        "deliveryCompany": o.delivery_company,
                        "trackingNumber": o.tracking_number,
                        "claimStatus": o.claim_status,
                    }
                    for pid, o in self.orders.items()
                },
            }

    def load(self, path: Path) -> None:
        """Go on from a state `save` wrote (replaces the orders held now); a ConfigError saying how to start
        afresh when it cannot be read."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            orders = {o["product_order_id"]: Order(**o) for o in data["orders"]}
            counts = Counter({str(k): int(v) for k, v in data.get("dispatchCounts", {}).items()})
        except OSError as exc:
            raise ConfigError(Msg.of("sandbox.state_unreadable", path=path, reason=os_reason(exc))) from exc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = Msg.of("reason.not_json")
            raise ConfigError(Msg.of("sandbox.state_unreadable", path=path, reason=reason)) from exc
        with self.lock:
            self.orders = orders
            self.dispatch_counts = counts


def load_orders_csv(path: Path) -> list[Order]:
    """Orders from a CSV with columns productOrderId, status, placeOrderStatus and optionally
    deliveryCompany, trackingNumber (orders already shipped), fault (see `Order.fault`), orderId,
    productClass, claimType, claimStatus, seller (the store whose order it is: so one sandbox stands in for
    several stores). A file that cannot be read or holds an unknown value is a
    ConfigError saying where."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(Msg.of("sandbox.orders_unreadable", path=path, reason=os_reason(exc))) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(Msg.of("sandbox.orders_not_utf8", path=path)) from exc
    orders = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        pid = (row.get("productOrderId") or "").strip()
        if not pid:
            continue
        value = {k: (row.get(k) or "").strip() for k in _CSV_CHOICES}
        value["status"] = (value["status"] or "PAYED").upper()
        value["productClass"] = value["productClass"] or "단일상품"
        for column, choices in _CSV_CHOICES.items():
            if value[column] not in choices:
                shown = ", ".join(c for c in choices if c)
                where = {"path": path, "line": line, "pid": pid, "column": column}
                raise ConfigError(
                    Msg.of("sandbox.orders_bad_value", **where, value=value[column], choices=shown)
                )
        tracking = (row.get("trackingNumber") or "").strip()
        orders.append(
            Order(
                pid,
                value["status"],
                (row.get("placeOrderStatus") or "OK").strip().upper(),
                delivery_company=(row.get("deliveryCompany") or "").strip(),
                tracking_number=tracking,
                delivery_method="DELIVERY" if tracking else "",
                fault=value["fault"],
                order_id=(row.get("orderId") or "").strip(),
                product_class=value["productClass"],
                claim_type=value["claimType"],
                claim_status=value["claimStatus"],
                seller=(row.get("seller") or "").strip(),
            )
        )
    return orders


#: The CSV's columns whose values must be one of NAVER's (or the sandbox's) own.
_CSV_CHOICES: Final = {
    "status": STATUSES,
    "fault": ORDER_FAULTS,
    "productClass": PRODUCT_CLASSES,
    "claimType": CLAIM_TYPES,
    "claimStatus": CLAIM_STATUSES,
}


NO_FAULTS: Final = Faults()
