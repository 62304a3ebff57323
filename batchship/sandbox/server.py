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
  tracking format (domestic couriers 10-14 digits, others 8-30 letters and digits) 104122; tracking used by
  another order 104121; an add-on (추가구성상품) before its main product 104442. A success moves the order to
  DELIVERING, records method, courier, tracking and date, and turns an open cancel request into CANCEL_REJECT
  (counted in `effects`: a seller must never be surprised by it).
- `POST /external/v1/pay-order/seller/product-orders/query`: the stored orders, in NAVER's product-order shape
  (order and payment dates, productClass, claims; `delivery` only once dispatched; no nulls).
- Several stores at once: an order may belong to one store (`Order.seller`, the CSV's `seller`: a SELLER
  token's account id, or a SELF token's client id); another store's token neither finds nor ships it (100001).
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
import hmac
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import bcrypt
from aiohttp import web

from batchship.errors import ConfigError
from batchship.i18n import Msg, os_reason
from batchship.sandbox.rules import apply, lookup, take_order_faults
from batchship.sandbox.state import (
    DATE_FORMAT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    NO_FAULTS,
    Faults,
    FaultSpec,
    Order,
    RateBuckets,
    SandboxState,
    load_orders_csv,
    now_text,
)

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "FaultSpec",
    "Faults",
    "Order",
    "Sandbox",
    "load_orders_csv",
]


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
        faults: Faults = NO_FAULTS,
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
        self._limits = RateBuckets(rate_limit)
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
        self.state.save(path)

    def load_state(self, path: Path) -> None:
        """Go on from a state `save_state` wrote (replaces the orders held now)."""
        self.state.load(path)

    def dispatch_counts(self) -> dict[str, int]:
        with self.state.lock:
            return dict(self.state.dispatch_counts)

    def calls(self) -> dict[str, int]:
        with self.state.lock:
            return dict(self.state.calls)

    def wait_until(
        self, predicate: Callable[[dict[str, int], dict[str, int]], bool], timeout: float = 60.0
    ) -> bool:
        """Block until `predicate(calls, dispatch_counts)` holds (tried each time a call is counted), or
        `timeout` seconds pass; whether it held. Tests wait on the sandbox with this instead of polling."""
        state = self.state
        with state.changed:
            return state.changed.wait_for(
                lambda: predicate(dict(state.calls), dict(state.dispatch_counts)), timeout
            )

    def order(self, pid: str) -> Order | None:
        with self.state.lock:
            return self.state.orders.get(pid)

    def snapshot(self) -> dict[str, Any]:
        return self.state.snapshot()

    # -- HTTP ----------------------------------------------------------------------------------------------

    def _error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> web.Response:
        trace = uuid.uuid4().hex
        body = {"code": code, "message": message, "timestamp": now_text(self.clock), "traceId": trace}
        return web.json_response(body, status=status, headers={"GNCP-GW-Trace-ID": trace, **(headers or {})})

    async def _token(self, request: web.Request) -> web.Response:
        self.state.count("token")
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

    async def _guard(self, request: web.Request, name: str) -> tuple[str, dict[str, str]] | web.Response:
        """Latency, auth and rate limit, common to the API endpoints; the store the call speaks for."""
        if self.faults.latency_s:
            await asyncio.sleep(self.faults.latency_s)
        self.state.count(name)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        who = self.state.token_owner(token, self.clock())
        if who is None:
            return self._error(401, "GW.AUTHN", "invalid or expired token")
        client_id, seller = who
        if not self._limits.take(client_id):  # NAVER's bucket is per application, whichever store
            self.state.count("rate_limited")
            return self._error(
                429, "GW.RATE_LIMIT", "요청이 많아 처리할 수 없습니다.", self._limits.headers(client_id)
            )
        return seller, self._limits.headers(client_id)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        call = self.state.count("dispatch_attempts")
        try:
            return await self._dispatch_call(request, call)
        finally:
            self.state.count("dispatch_done")

    async def _dispatch_call(self, request: web.Request, call: int) -> web.StreamResponse:
        if self.faults.expire_tokens.strikes(call, self._rng):
            with self.state.lock:
                self.state.tokens.clear()
                self.state.faults_injected["expire_tokens"] += 1
        guard = await self._guard(request, "dispatch")
        if isinstance(guard, web.Response):
            return guard
        seller, headers = guard
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
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: deeply nested JSON
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
        order_fault = take_order_faults(self.state, items, seller)
        data = apply(self.state, items, seller)
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

    async def _query(self, request: web.Request) -> web.Response:
        guard = await self._guard(request, "query")
        if isinstance(guard, web.Response):
            return guard
        seller, headers = guard
        try:
            body = await request.json()
            ids = [str(i) for i in body["productOrderIds"]]
            if not 1 <= len(ids) <= 300:
                raise ValueError("productOrderIds: 1 to 300")
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: deeply nested JSON
            return self._error(400, "4000", f"잘못된 요청 파라미터: {exc}", headers)
        data = lookup(self.state, ids, seller)
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
        error = self._startup_error
        if isinstance(error, OSError):
            where = {"host": self.host, "port": self.port, "reason": os_reason(error)}
            raise ConfigError(Msg.of("sandbox.cannot_listen", **where)) from error
        if error is not None:
            raise error
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
