"""Credentials and the token flow, exactly as NAVER specifies (shared/reference/API-FACTS.md).

`client_secret_sign = base64(bcrypt.hashpw(f"{client_id}_{timestamp_ms}", salt=client_secret))`: the client
secret *is* a bcrypt salt. Tokens last 3 hours (trust `expires_in`); asking again returns the same token while
30 minutes or more remain, so a new one is fetched only when less than that (or half its life) remains, and
once after a 401 `GW.AUTHN`. All of it lives in one `httpx.Auth`, so no call site handles tokens.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Generator
from typing import Any, Final

import bcrypt
import httpx

from batchship.errors import AuthError
from batchship.i18n import Msg
from batchship.naver.identity import CLIENT_SECRET_SOURCE, Credentials

__all__ = [
    "CLIENT_SECRET_SOURCE",
    "Credentials",
    "TokenAuth",
    "client_secret_sign",
    "gateway_code",
    "json_body",
]

TOKEN_PATH: Final = "/v1/oauth2/token"
#: Renew when less than this remains (NAVER hands out the same token until then anyway).
RENEW_MARGIN_S: Final = 30 * 60


def client_secret_sign(client_id: str, client_secret: str, timestamp_ms: int, source: str = "") -> str:
    """NAVER's signature: base64 of the bcrypt hash of `client_id_timestamp` salted with the secret. `source`:
    where the secret came from, named when it cannot sign."""
    try:
        hashed = bcrypt.hashpw(f"{client_id}_{timestamp_ms}".encode(), client_secret.encode())
    except ValueError as exc:
        raise AuthError(Msg.of("api.secret_malformed", source=source or CLIENT_SECRET_SOURCE)) from exc
    return base64.b64encode(hashed).decode("ascii")


def json_body(response: httpx.Response) -> dict[str, Any] | None:
    """A response's body as a JSON object: None when it is not JSON, {} when it is JSON but not an object."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else {}


def gateway_code(response: httpx.Response) -> str:
    """The `code` of a NAVER error body, or ''."""
    return str((json_body(response) or {}).get("code", ""))


class TokenAuth(httpx.Auth):
    """Bearer tokens for the Commerce API: fetched on first use, cached until close to expiry, renewed once on a
    401 GW.AUTHN. Thread-safe: one token serves every worker thread."""

    requires_response_body = True

    def __init__(
        self,
        credentials: Credentials,
        token_url: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = credentials
        self._token_url = token_url
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._issued_for = 0.0
        self.tokens_fetched = 0

    def _needs_token(self) -> bool:
        if self._token is None:
            return True
        remaining = self._expires_at - self._clock()
        return remaining < min(RENEW_MARGIN_S, self._issued_for / 2)

    def _token_request(self) -> httpx.Request:
        creds = self._credentials
        timestamp = int(self._clock() * 1000)
        form = {
            "client_id": creds.client_id,
            "timestamp": str(timestamp),
            "grant_type": "client_credentials",
            "client_secret_sign": client_secret_sign(
                creds.client_id, creds.client_secret, timestamp, creds.source
            ),
            "type": creds.token_type,
        }
        if creds.account_id:
            form["account_id"] = creds.account_id
        return httpx.Request("POST", self._token_url, data=form, headers={"Accept": "application/json"})

    def _store(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            code = gateway_code(response)
            key = "api.token_ip_refused" if code == "GW.IP_NOT_ALLOWED" else "api.token_refused"
            raise AuthError(
                Msg.of(key, status=response.status_code, code=code or "-", source=self._credentials.source)
            )
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in", 10800))
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthError(Msg.of("api.token_unreadable")) from exc
        self._token = token
        self._issued_for = expires_in
        self._expires_at = self._clock() + expires_in
        self.tokens_fetched += 1

    def ensure_token(self, send: Callable[[httpx.Request], httpx.Response]) -> None:
        """Obtain a token now if none is held (credentials are proven before anything is recorded or sent)."""
        with self._lock:
            if self._needs_token():
                self._store(send(self._token_request()))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            if self._needs_token():
                self._store((yield self._token_request()))
            token = self._token
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and gateway_code(response) == "GW.AUTHN":
            with self._lock:
                if self._token == token:  # not renewed meanwhile by another worker
                    self._store((yield self._token_request()))
                token = self._token
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
