"""The Commerce API calls batchship makes, with every failure classified by what it means for the request.

- 200: per-item outcomes (a 200 can carry partial failure).
- `NotAppliedError` (safe to send again): 429 GW.RATE_LIMIT / GW.QUOTA_LIMIT, 401 after one renewal, 503
  GW.BLOCK.*, a refused connection or any failure before the request was written.
- `OutcomeUnknownError` (look the orders up before anything else): 504 GW.TIMEOUT.*, 500 GW.PROXY.* and
  GW.INTERNAL_SERVER_ERROR, a read timeout, a connection dropped after sending, an unreadable 200.
- `RejectedError` (final for this body): 400.
- `AuthError` (stop the run): 403 GW.IP_NOT_ALLOWED, or the token endpoint refusing the credentials.
Messages never quote credentials or tokens.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx

from batchship import __version__
from batchship.domain.plan import MAX_BATCH, DispatchItem
from batchship.errors import AuthError, NotAppliedError, OutcomeUnknownError, RejectedError
from batchship.i18n import Msg
from batchship.naver import BASE_URL_ENV, DEFAULT_BASE_URL
from batchship.naver.auth import TOKEN_PATH, Credentials, TokenAuth, json_body
from batchship.naver.ratelimit import RateLimiter

DISPATCH_PATH: Final = "/v1/pay-order/seller/product-orders/dispatch"
QUERY_PATH: Final = "/v1/pay-order/seller/product-orders/query"
MAX_QUERY: Final = 300
TRACE_HEADER: Final = "GNCP-GW-Trace-ID"


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What NAVER said of one product order: ok, or NAVER's failure code and message."""

    product_order_id: str
    ok: bool
    code: str = ""
    message: str = ""


@dataclass(frozen=True, slots=True)
class DispatchResponse:
    """A 200 from the dispatch endpoint: one outcome per product order NAVER mentioned, and the trace id."""

    outcomes: dict[str, ItemOutcome]
    trace_id: str


@dataclass(frozen=True, slots=True)
class OrderState:
    """An order as the lookup returns it: status (PAYED, DELIVERING, ...), place-order status, delivery method,
    courier, tracking number and send date when dispatched; the order it belongs to, its product class
    (`추가구성상품` for an add-on), an open claim (type and status, e.g. CANCEL / CANCEL_REQUEST) and when it
    was paid ('' for what NAVER left out)."""

    product_order_id: str
    status: str
    place_order_status: str
    delivery_method: str
    delivery_company: str
    tracking_number: str
    send_date: str
    order_id: str = ""
    product_class: str = ""
    claim_type: str = ""
    claim_status: str = ""
    payment_date: str = ""


def base_url_from_env(explicit: str | None = None) -> str:
    return (explicit or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


class CommerceClient:
    """One httpx client per run. `transport` may be injected (tests pass the sandbox or a mock)."""

    def __init__(
        self,
        credentials: Credentials,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        limiter: RateLimiter | None = None,
        timeout: httpx.Timeout | None = None,
        max_connections: int = 8,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = TokenAuth(credentials, self.base_url + TOKEN_PATH, clock=clock)
        self.limiter = limiter
        self.rate_limited = 0
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=self.auth,
            transport=transport,
            timeout=timeout or httpx.Timeout(30.0, connect=10.0),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"Accept": "application/json", "User-Agent": f"batchship/{__version__}"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CommerceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _not_connected(self, exc: httpx.TransportError) -> NotAppliedError:
        name = type(exc).__name__
        return NotAppliedError(Msg.of("api.connect_failed", url=self.base_url, error=name), code=name)

    def authenticate(self) -> None:
        """Prove the credentials: obtain a token (raises AuthError when NAVER refuses them)."""

        def send(request: httpx.Request) -> httpx.Response:
            try:
                response = self._http.send(request, auth=None)
                response.read()
                return response
            except httpx.TransportError as exc:  # no token, nothing else sent either
                raise self._not_connected(exc) from exc

        self.auth.ensure_token(send)

    # -----------------------------------------------------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        if self.limiter is not None:
            self.limiter.acquire()
        try:
            response = self._http.post(path, json=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise self._not_connected(exc) from exc
        except (httpx.WriteError, httpx.WriteTimeout) as exc:
            # The body was not fully written: the server cannot have parsed, let alone applied, it.
            raise NotAppliedError(
                Msg.of("api.write_failed", error=type(exc).__name__), code=type(exc).__name__
            ) from exc
        except httpx.TransportError as exc:  # read timeout, dropped connection, protocol error after sending
            raise OutcomeUnknownError(
                Msg.of("api.no_answer", error=type(exc).__name__), code=type(exc).__name__
            ) from exc
        if self.limiter is not None:
            self.limiter.observe(response.headers)
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        body = json_body(response)
        code = str((body or {}).get("code", ""))
        trace = response.headers.get(TRACE_HEADER, "") or str((body or {}).get("traceId", ""))
        text = Msg.of("api.http", status=status, code=code)
        if status in (429, 401, 503):
            if status == 429:
                self.rate_limited += 1
            raise NotAppliedError(text, status=status, code=code, trace_id=trace)
        if status == 403:
            raise AuthError(Msg.of("api.forbidden", status=status, code=code))
        if status == 400:
            raise RejectedError(
                Msg.of("api.rejected", status=status, code=code, message=_body_message(response, body)),
                status=status,
                code=code,
                trace_id=trace,
            )
        if status == 404 and code == "GW.NOT_FOUND":
            raise AuthError(Msg.of("api.not_found", status=status, code=code))
        raise OutcomeUnknownError(text, status=status, code=code, trace_id=trace)

    def dispatch(self, items: Sequence[DispatchItem]) -> DispatchResponse:
        """Send one dispatch request of at most 30 items."""
        if not 1 <= len(items) <= MAX_BATCH:
            raise ValueError(f"a dispatch request holds 1 to {MAX_BATCH} items, not {len(items)}")
        response = self._post(DISPATCH_PATH, {"dispatchProductOrders": [i.to_json() for i in items]})
        if response.status_code != 200:
            self._raise_for(response)
        body = json_body(response)
        trace = response.headers.get(TRACE_HEADER, "") or str((body or {}).get("traceId", ""))
        try:
            data = body["data"]  # type: ignore[index]  # None (not JSON) is caught below as unreadable
            outcomes = {
                str(pid): ItemOutcome(str(pid), True) for pid in data.get("successProductOrderIds") or []
            }
            for info in data.get("failProductOrderInfos") or []:
                pid = str(info["productOrderId"])
                outcomes[pid] = ItemOutcome(
                    pid, False, str(info.get("code", "")), str(info.get("message", ""))
                )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OutcomeUnknownError(Msg.of("api.unreadable_200"), status=200, trace_id=trace) from exc
        return DispatchResponse(outcomes, trace)

    def query(self, product_order_ids: Sequence[str]) -> dict[str, OrderState]:
        """Look orders up (in calls of at most 300); orders NAVER does not know are absent from the result."""
        found: dict[str, OrderState] = {}
        for start in range(0, len(product_order_ids), MAX_QUERY):
            chunk = list(product_order_ids[start : start + MAX_QUERY])
            response = self._post(QUERY_PATH, {"productOrderIds": chunk})
            if response.status_code != 200:
                self._raise_for(response)
            try:
                for entry in response.json().get("data") or []:
                    state = _order_state(entry)
                    found[state.product_order_id] = state
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise OutcomeUnknownError(Msg.of("api.unreadable_lookup"), status=200) from exc
        return found


def _order_state(entry: dict[str, Any]) -> OrderState:
    """One entry of a lookup's answer (fields NAVER left out, or sent as null, are '')."""
    order = entry.get("order") or {}
    po = entry.get("productOrder") or {}
    delivery = entry.get("delivery") or {}

    def text(part: dict[str, Any], name: str) -> str:
        return str(part.get(name) or "")

    return OrderState(
        product_order_id=str(po["productOrderId"]),
        status=text(po, "productOrderStatus"),
        place_order_status=text(po, "placeOrderStatus"),
        delivery_method=text(delivery, "deliveryMethod"),
        delivery_company=text(delivery, "deliveryCompany"),
        tracking_number=text(delivery, "trackingNumber"),
        send_date=text(delivery, "sendDate"),
        order_id=text(order, "orderId"),
        product_class=text(po, "productClass"),
        claim_type=text(po, "claimType"),
        claim_status=text(po, "claimStatus"),
        payment_date=text(order, "paymentDate"),
    )


def _body_message(response: httpx.Response, body: dict[str, Any] | None) -> str:
    """NAVER's message in an error body; the start of the body when it is not JSON."""
    return response.text[:200] if body is None else str(body.get("message", ""))[:300]
