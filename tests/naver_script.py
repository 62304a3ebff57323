"""A scripted NAVER Commerce API for httpx.MockTransport: token, dispatch and order lookup answers given in
order, every request body recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Answer = httpx.Response | type[Exception]


def ok(ids: list[str], fails: list[dict[str, str]] | None = None) -> httpx.Response:
    data = {"successProductOrderIds": ids, "failProductOrderInfos": fails or []}
    return httpx.Response(200, json={"data": data, "traceId": "t-ok"})


def error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, json={"code": code, "message": code, "traceId": f"t-{status}"}, headers=headers
    )


def ok_token(name: str = "tok") -> httpx.Response:
    return httpx.Response(200, json={"access_token": name, "expires_in": 10800})


def order(pid: str, status: str, tracking: str = "") -> dict[str, Any]:
    delivery = {"deliveryCompany": "CJGLS", "trackingNumber": tracking} if tracking else {}
    return {"productOrder": {"productOrderId": pid, "productOrderStatus": status}, "delivery": delivery}


class Naver:
    """A scripted Commerce API: token, dispatch and query answers are taken in order (the last one repeats);
    without a token script every token request is granted."""

    def __init__(
        self,
        dispatch: list[Answer] | Callable[[list[str]], httpx.Response],
        query: list[Answer] | None = None,
        token: list[Answer] | None = None,
    ) -> None:
        self.dispatch = dispatch
        self.query = query or []
        self.token = token
        self.forms: list[dict[str, str]] = []
        self.calls: dict[str, int] = {"token": 0, "dispatch": 0, "query": 0}
        self.bodies: list[list[str]] = []

    def _next(self, answers: list[Answer], n: int) -> httpx.Response:
        answer = answers[min(n, len(answers) - 1)]
        if isinstance(answer, type):
            raise answer("scripted")
        return answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/oauth2/token"):
            self.calls["token"] += 1
            self.forms.append(dict(httpx.QueryParams(request.content.decode())))
            if self.token is not None:
                return self._next(self.token, self.calls["token"] - 1)
            return httpx.Response(
                200, json={"access_token": f"tok{self.calls['token']}", "expires_in": 10800}
            )
        body = json.loads(request.content)
        if path.endswith("/dispatch"):
            ids = [i["productOrderId"] for i in body["dispatchProductOrders"]]
            self.bodies.append(ids)
            self.calls["dispatch"] += 1
            if callable(self.dispatch):
                return self.dispatch(ids)
            return self._next(self.dispatch, self.calls["dispatch"] - 1)
        self.calls["query"] += 1
        return self._next(self.query, self.calls["query"] - 1)
