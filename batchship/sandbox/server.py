"""The sandbox: a small HTTP server that behaves like the Commerce API endpoints batchship uses.

Bound to 127.0.0.1 only. Built on aiohttp (its handlers can drop a connection on purpose). Follows NAVER's
documentation (shared/reference/dispatch-api.md and API-FACTS.md) to the letter where it is specific:

- `POST /external/v1/oauth2/token` (form-urlencoded): checks the bcrypt signature and that the millisecond
  timestamp is within 5 minutes; returns the same token while 30 minutes or more of it remain; tokens live
  `token_ttl` seconds (3 hours by default). Other calls need `Authorization: Bearer` with a live token, else
  401 `GW.AUTHN`.
- `POST /external/v1/pay-order/seller/product-orders/dispatch`: at most 30 items; a malformed body, a missing
  field, or a `dispatchDate` not exactly `yyyy-MM-dd'T'HH:mm:ss.SSS+09:00` is a 400 for the whole request.
  Per item: duplicate in the request 104131; unknown order 100001; not PAYED 104442; place-order status CANCEL
  104443; for DELIVERY and GDFW_ISSUE_SVC, courier missing 104118, unknown 104119, tracking missing 104120;
  tracking format (see `TRACKING_RULE`) 104122; tracking already used by another order of the same courier
  104121. A success moves the order to DELIVERING and records method, courier, tracking and date.
- `POST /external/v1/pay-order/seller/product-orders/query`: the stored orders, in NAVER's shape.
- `GET /external/_sandbox/state`: read-only inspection: dispatch count per order, calls, faults injected.
- Rate limit per application: token bucket of `rate_limit`/s, burst twice that, 429 `GW.RATE_LIMIT`, with the
  `GNCP-GW-RateLimit-*` headers on every answer.
- Faults on the dispatch endpoint, each by rate or by schedule (the n-th dispatch call): 429 `GW.RATE_LIMIT`
  whatever the bucket says (a storm), 500 `GW.INTERNAL_SERVER_ERROR` before applying, 504 `GW.TIMEOUT.01` after applying, the connection dropped
  after applying; plus added latency.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import datetime as dt
import hmac
import json
import random
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import bcrypt
from aiohttp import web

from batchship.domain.codes import COURIERS, DELIVERY_METHODS, PARCEL_METHODS
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
class _Bucket:
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


class Sandbox:
    """The sandbox server. Use as a context manager (tests) or `serve_forever` (the `sandbox` command).

    credentials: client id -> client secret accepted by the token endpoint; rate_limit: requests/second per
    application (None: unlimited); token_ttl: seconds a token lives; clock: the server's time (tests may
    move it forward with `advance`).
    """

    def __init__(
        self,
        *,
        orders: Iterable[Order] = (),
        credentials: dict[str, str] | None = None,
        rate_limit: float | None = None,
        token_ttl: float = 3 * 3600,
        faults: Faults = Faults(),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the sandbox binds to loopback only")
        self.state = SandboxState()
        for order in orders:
            self.state.orders[order.product_order_id] = order
        self.credentials = credentials or {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        self.rate_limit = rate_limit
        self.token_ttl = token_ttl
        self.faults = faults
        self.host = host
        self.port = port
        self._offset = 0.0
        self._rng = random.Random(faults.seed)
        self._buckets: dict[str, _Bucket] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._startup_error: BaseException | None = None

    # -- time --------------------------------------------------------------------------------------------

    def clock(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock forward (tokens expire, timestamps age)."""
        self._offset += seconds

    # -- seeding and inspection ----------------------------------------------------------------------------

    def add_orders(self, orders: Iterable[Order]) -> None:
        with self.state.lock:
            for order in orders:
                self.state.orders[order.product_order_id] = order

    def seed_payed(self, product_order_ids: Iterable[str]) -> None:
        """Every given order exists as PAYED (orders already known keep their state)."""
        with self.state.lock:
            for pid in product_order_ids:
                self.state.orders.setdefault(pid, Order(pid))

    def save_state(self, path: Path) -> None:
        """Write the orders and dispatch counts to `path` (JSON), so a later sandbox can go on from here."""
        from dataclasses import asdict

        with self.state.lock:
            data = {
                "orders": [asdict(o) for o in self.state.orders.values()],
                "dispatchCounts": dict(self.state.dispatch_counts),
            }
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def load_state(self, path: Path) -> None:
        """Go on from a state `save_state` wrote (replaces the orders held now)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        with self.state.lock:
            self.state.orders = {o["product_order_id"]: Order(**o) for o in data["orders"]}
            self.state.dispatch_counts = Counter(data.get("dispatchCounts", {}))

    def dispatch_counts(self) -> dict[str, int]:
        with self.state.lock:
            return dict(self.state.dispatch_counts)

    def calls(self) -> dict[str, int]:
        with self.state.lock:
            return dict(self.state.calls)

    def order(self, pid: str) -> Order | None:
        with self.state.lock:
            return self.state.orders.get(pid)

    def snapshot(self) -> dict[str, Any]:
        with self.state.lock:
            return {
                "dispatchCounts": dict(self.state.dispatch_counts),
                "calls": dict(self.state.calls),
                "faultsInjected": dict(self.state.faults_injected),
                "statuses": {str(k): v for k, v in self.state.statuses.items()},
                "orders": {
                    pid: {
                        "status": o.status,
                        "deliveryCompany": o.delivery_company,
                        "trackingNumber": o.tracking_number,
                    }
                    for pid, o in self.state.orders.items()
                },
            }

    # -- HTTP ----------------------------------------------------------------------------------------------

    def _error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> web.Response:
        trace = uuid.uuid4().hex
        body = {"code": code, "message": message, "timestamp": now_text(self.clock), "traceId": trace}
        return web.json_response(body, status=status, headers={"GNCP-GW-Trace-ID": trace, **(headers or {})})

    def _rate_headers(self, client_id: str) -> dict[str, str]:
        if self.rate_limit is None:
            return {}
        bucket = self._buckets.get(client_id)
        remaining = int(bucket.tokens) if bucket else int(2 * self.rate_limit)
        return {
            "GNCP-GW-RateLimit-Replenish-Rate": f"{self.rate_limit:g}",
            "GNCP-GW-RateLimit-Burst-Capacity": f"{2 * self.rate_limit:g}",
            "GNCP-GW-RateLimit-Remaining": str(max(0, remaining)),
        }

    def _take_token(self, client_id: str) -> bool:
        if self.rate_limit is None:
            return True
        now = time.monotonic()
        burst = 2 * self.rate_limit
        bucket = self._buckets.setdefault(client_id, _Bucket(burst, now))
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * self.rate_limit)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False

    async def _token(self, request: web.Request) -> web.Response:
        with self.state.lock:
            self.state.calls["token"] += 1
        form = await request.post()
        client_id = str(form.get("client_id", ""))
        timestamp = str(form.get("timestamp", ""))
        sign = str(form.get("client_secret_sign", ""))
        if form.get("grant_type") != "client_credentials" or form.get("type") not in ("SELF", "SELLER"):
            return self._error(
                400, "GW.AUTHN", "grant_type must be client_credentials and type SELF or SELLER"
            )
        if form.get("type") == "SELLER" and not form.get("account_id"):
            return self._error(400, "GW.AUTHN", "account_id is required for type SELLER")
        secret = self.credentials.get(client_id)
        if secret is None or not timestamp.isdigit():
            return self._error(401, "GW.AUTHN", "unknown client_id or bad timestamp")
        if abs(self.clock() * 1000 - int(timestamp)) > 5 * 60 * 1000:
            return self._error(401, "GW.AUTHN", "timestamp outside the 5-minute window")
        expected = base64.b64encode(
            bcrypt.hashpw(f"{client_id}_{timestamp}".encode(), secret.encode())
        ).decode()
        if not hmac.compare_digest(expected, sign):
            return self._error(401, "GW.AUTHN", "client_secret_sign does not match")
        now = self.clock()
        key = f"{client_id}/{form.get('type')!s}/{form.get('account_id', '')!s}"
        with self.state.lock:
            for token, (owner, expiry) in self.state.tokens.items():
                if owner == key and expiry - now >= 30 * 60:
                    return web.json_response(
                        {"access_token": token, "expires_in": int(expiry - now), "token_type": "Bearer"}
                    )
            token = secrets.token_urlsafe(24)
            self.state.tokens[token] = (key, now + self.token_ttl)
        return web.json_response(
            {"access_token": token, "expires_in": int(self.token_ttl), "token_type": "Bearer"}
        )

    def _authorise(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        with self.state.lock:
            entry = self.state.tokens.get(token)
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0].split("/")[0]

    async def _guard(self, request: web.Request, name: str) -> tuple[str, dict[str, str]] | web.Response:
        """Latency, auth and rate limit, common to the API endpoints."""
        if self.faults.latency_s:
            await asyncio.sleep(self.faults.latency_s)
        with self.state.lock:
            self.state.calls[name] += 1
        client_id = self._authorise(request)
        if client_id is None:
            return self._error(401, "GW.AUTHN", "invalid or expired token")
        if not self._take_token(client_id):
            with self.state.lock:
                self.state.calls["rate_limited"] += 1
            return self._error(
                429, "GW.RATE_LIMIT", "요청이 많아 처리할 수 없습니다.", self._rate_headers(client_id)
            )
        return client_id, self._rate_headers(client_id)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        with self.state.lock:
            call = self.state.calls["dispatch_attempts"] + 1
            self.state.calls["dispatch_attempts"] = call
        try:
            return await self._dispatch_call(request, call)
        finally:
            with self.state.lock:
                self.state.calls["dispatch_done"] += 1

    async def _dispatch_call(self, request: web.Request, call: int) -> web.StreamResponse:
        if self.faults.expire_tokens.strikes(call, self._rng):
            with self.state.lock:
                self.state.tokens.clear()
                self.state.faults_injected["expire_tokens"] += 1
        guard = await self._guard(request, "dispatch")
        if isinstance(guard, web.Response):
            return guard
        _, headers = guard
        try:
            body = await request.json()
            items = body["dispatchProductOrders"]
            if not isinstance(items, list) or not items:
                raise ValueError("dispatchProductOrders must be a non-empty array")
            if len(items) > 30:
                return self._error(
                    400, "4000", "Size.dispatchProductOrders: 최대 30개까지 요청할 수 있습니다.", headers
                )
            for item in items:
                if (
                    not isinstance(item, dict)
                    or not item.get("productOrderId")
                    or not item.get("deliveryMethod")
                ):
                    raise ValueError("NotNull.dispatchProductOrders.productOrderId/deliveryMethod")
                if not DATE_FORMAT.match(str(item.get("dispatchDate", ""))):
                    return self._error(
                        400, "4000", "Pattern.dispatchProductOrders.dispatchDate: 날짜 형식 오류", headers
                    )
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            return self._error(400, "4000", f"잘못된 요청 파라미터: {exc}", headers)

        if self.faults.storm_429.strikes(call, self._rng):
            with self.state.lock:
                self.state.faults_injected["storm_429"] += 1
                self.state.calls["rate_limited"] += 1
            return self._error(429, "GW.RATE_LIMIT", "요청이 많아 처리할 수 없습니다.", headers)
        if self.faults.error_500_before.strikes(call, self._rng):
            with self.state.lock:
                self.state.faults_injected["error_500_before"] += 1
            return self._error(500, "GW.INTERNAL_SERVER_ERROR", "internal server error", headers)
        order_fault = self._take_order_faults(items)
        data = self._apply(items)
        if order_fault or self.faults.timeout_504_after.strikes(call, self._rng):
            with self.state.lock:
                self.state.faults_injected["timeout_504_after"] += 1
            return self._error(504, "GW.TIMEOUT.01", "gateway timeout", headers)
        if self.faults.drop_after.strikes(call, self._rng):
            with self.state.lock:
                self.state.faults_injected["drop_after"] += 1
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError  # nothing more is written on this connection
        trace = uuid.uuid4().hex
        return web.json_response(
            {"timestamp": now_text(self.clock), "traceId": trace, "data": data},
            headers={"GNCP-GW-Trace-ID": trace, **headers},
        )

    def _take_order_faults(self, items: list[dict[str, Any]]) -> bool:
        """Fire the one-shot per-order faults of this request; True when the answer must be a 504."""
        fired = False
        with self.state.lock:
            for item in items:
                order = self.state.orders.get(str(item.get("productOrderId")))
                if order is None or not order.fault:
                    continue
                if order.fault == "cancel_in_flight":
                    order.status = "CANCELED"
                self.state.faults_injected[order.fault] += 1
                order.fault = ""
                fired = True
        return fired

    def _apply(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        ids = Counter(str(i["productOrderId"]) for i in items)
        success: list[str] = []
        fails: list[dict[str, str]] = []
        with self.state.lock:
            used = {
                (o.delivery_company, o.tracking_number): o.product_order_id
                for o in self.state.orders.values()
                if o.tracking_number
            }
            for item in items:
                pid = str(item["productOrderId"])
                code, message = self._item_error(item, ids, used)
                if code:
                    fails.append({"productOrderId": pid, "code": code, "message": message})
                    continue
                order = self.state.orders[pid]
                order.status = "DELIVERING"
                order.delivery_method = str(item["deliveryMethod"])
                order.delivery_company = str(item.get("deliveryCompanyCode") or "")
                order.tracking_number = str(item.get("trackingNumber") or "")
                order.send_date = str(item["dispatchDate"])
                if order.tracking_number:
                    used[(order.delivery_company, order.tracking_number)] = pid
                self.state.dispatch_counts[pid] += 1
                success.append(pid)
        return {"successProductOrderIds": success, "failProductOrderInfos": fails}

    def _item_error(
        self, item: dict[str, Any], ids: Counter[str], used: dict[tuple[str, str], str]
    ) -> tuple[str, str]:
        pid = str(item["productOrderId"])
        method = str(item["deliveryMethod"])
        courier = str(item.get("deliveryCompanyCode") or "")
        tracking = str(item.get("trackingNumber") or "")
        if ids[pid] > 1:
            return "104131", "상품 주문 번호 중복"
        order = self.state.orders.get(pid)
        if order is None:
            return "100001", "상품 주문을 찾을 수 없음"
        if order.status != "PAYED":
            return "104442", f"상품 주문 상태 확인 필요({order.status})"
        if order.place_order_status == "CANCEL":
            return "104443", "발주 상태 확인 필요"
        if method not in DELIVERY_METHODS:
            return "104117", "배송 방법 변경 필요"
        if method in PARCEL_METHODS or courier or tracking:
            if method in PARCEL_METHODS and not courier:
                return "104118", "택배사 미입력"
            if courier and courier not in COURIERS:
                return "104119", "택배사 코드 확인"
            if method in PARCEL_METHODS and not tracking:
                return "104120", "송장 번호 미입력"
            if tracking and not _tracking_ok(courier, tracking):
                return "104122", "배송 송장 오류(유효하지 않은 송장)"
            other = used.get((courier, tracking))
            if tracking and other is not None and other != pid:
                return "104121", "배송 송장 오류(기사용 송장)"
        return "", ""

    async def _query(self, request: web.Request) -> web.Response:
        guard = await self._guard(request, "query")
        if isinstance(guard, web.Response):
            return guard
        _, headers = guard
        try:
            body = await request.json()
            ids = [str(i) for i in body["productOrderIds"]]
            if not 1 <= len(ids) <= 300:
                raise ValueError("productOrderIds: 1 to 300")
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            return self._error(400, "4000", f"잘못된 요청 파라미터: {exc}", headers)
        data = []
        with self.state.lock:
            for pid in ids:
                o = self.state.orders.get(pid)
                if o is None:
                    continue
                data.append(
                    {
                        "order": {"orderId": pid[:-6] or pid},
                        "productOrder": {
                            "productOrderId": pid,
                            "productOrderStatus": o.status,
                            "placeOrderStatus": o.place_order_status,
                        },
                        "delivery": {
                            "deliveryMethod": o.delivery_method or None,
                            "deliveryCompany": o.delivery_company or None,
                            "trackingNumber": o.tracking_number or None,
                            "sendDate": o.send_date or None,
                        },
                    }
                )
        trace = uuid.uuid4().hex
        return web.json_response(
            {"timestamp": now_text(self.clock), "traceId": trace, "data": data},
            headers={"GNCP-GW-Trace-ID": trace, **headers},
        )

    async def _state(self, request: web.Request) -> web.Response:
        return web.json_response(self.snapshot())

    async def _not_found(self, request: web.Request) -> web.Response:
        return self._error(404, "GW.NOT_FOUND", "no such API")

    def app(self) -> web.Application:
        @web.middleware
        async def record_status(request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
            response: web.StreamResponse = await handler(request)
            with self.state.lock:
                self.state.statuses[response.status] += 1
            return response

        app = web.Application(middlewares=[record_status])
        app.router.add_post("/external/v1/oauth2/token", self._token)
        app.router.add_post("/external/v1/pay-order/seller/product-orders/dispatch", self._dispatch)
        app.router.add_post("/external/v1/pay-order/seller/product-orders/query", self._query)
        app.router.add_get("/external/_sandbox/state", self._state)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    # -- lifecycle -------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/external"

    def start(self) -> Sandbox:
        """Serve in a background thread; returns once the port is bound (`base_url` is then valid)."""
        self._thread = threading.Thread(target=self._run, name="batchship-sandbox", daemon=True)
        self._thread.start()
        self._started.wait(10)
        if self._startup_error is not None:
            raise self._startup_error
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:  # report a bind failure to start()
            self._startup_error = exc
            self._started.set()
            loop.close()
            return
        self._started.set()
        loop.run_forever()
        loop.run_until_complete(self._shutdown())
        loop.close()

    async def _startup(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        server: Any = site._server
        self.port = server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _tracking_ok(courier: str, tracking: str) -> bool:
    if courier in DOMESTIC_COURIERS:
        return bool(re.fullmatch(r"\d{10,14}", tracking))
    return bool(re.fullmatch(r"[A-Za-z0-9]{8,30}", tracking))
