"""What the sandbox knows: its orders, faults, calls and tokens, and how orders are read from a CSV."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Final

from batchship.timefmt import KST, format_naver_time

DEMO_CLIENT_ID: Final = "batchship-demo"
#: A valid bcrypt salt, as NAVER's client secrets are. Public on purpose: the sandbox is not NAVER.
DEMO_CLIENT_SECRET: Final = "$2a$04$BatchshipSandboxDemo1u"
DATE_FORMAT: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00$")
#: Couriers whose tracking numbers the sandbox checks as 10 to 14 digits; others: 8 to 30 letters/digits.
DOMESTIC_COURIERS: Final = frozenset({"CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "DAESIN"})
TRACKING_RULE: Final = "domestic couriers (CJGLS, HYUNDAI, HANJIN, KGB, EPOST, KDEXP, DAESIN): 10-14 digits; others: 8-30 letters and digits"
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


@dataclass(slots=True)
class Order:
    product_order_id: str
    status: str = "PAYED"
    place_order_status: str = "OK"
    delivery_method: str = ""
    delivery_company: str = ""
    tracking_number: str = ""
    send_date: str = ""
    #: A one-shot fault for the next dispatch request holding this order: `timeout_after` (apply, then 504)
    #: or `cancel_in_flight` (the buyer cancels while NAVER is busy: the order becomes CANCELED, then 504).
    fault: str = ""


ORDER_FAULTS: Final = ("", "timeout_after", "cancel_in_flight")


@dataclass(slots=True)
class Bucket:
    tokens: float
    updated: float


@dataclass(slots=True)
class SandboxState:
    """Everything the sandbox knows. Guarded by `lock`: the server thread writes, tests read."""

    orders: dict[str, Order] = field(default_factory=dict)
    dispatch_counts: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    faults_injected: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (client id, expiry)
    lock: threading.Lock = field(default_factory=threading.Lock)

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

    def load(self, path: Path) -> None:
        """Go on from a state `save` wrote (replaces the orders held now)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        with self.lock:
            self.orders = {o["product_order_id"]: Order(**o) for o in data["orders"]}
            self.dispatch_counts = Counter(data.get("dispatchCounts", {}))


def load_orders_csv(path: Path) -> list[Order]:
    """Orders from a CSV with columns productOrderId, status, placeOrderStatus (and optionally
    deliveryCompany, trackingNumber for orders already shipped, and fault: see `Order.fault`)."""
    text = path.read_bytes().decode("utf-8-sig")
    orders = []
    for row in csv.DictReader(text.splitlines()):
        pid = (row.get("productOrderId") or "").strip()
        if not pid:
            continue
        status = (row.get("status") or "PAYED").strip().upper()
        if status not in STATUSES:
            raise ValueError(f"{path}: unknown status {status!r} for {pid}; use one of {', '.join(STATUSES)}")
        fault = (row.get("fault") or "").strip()
        if fault not in ORDER_FAULTS:
            raise ValueError(
                f"{path}: unknown fault {fault!r} for {pid}; use one of {', '.join(ORDER_FAULTS[1:])}"
            )
        orders.append(
            Order(
                pid,
                status,
                (row.get("placeOrderStatus") or "OK").strip().upper(),
                delivery_company=(row.get("deliveryCompany") or "").strip(),
                tracking_number=(row.get("trackingNumber") or "").strip(),
                delivery_method="DELIVERY" if (row.get("trackingNumber") or "").strip() else "",
                fault=fault,
            )
        )
    return orders


NO_FAULTS: Final = Faults()
