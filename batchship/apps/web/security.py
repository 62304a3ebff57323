"""What keeps the desk shut to whoever should not get in: security headers on every answer, the upload size
enforced while the body streams, login throttling, and who is asking (session cookie with CSRF token, or an API
token)."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from batchship.accounts import User, UserStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE: Final = "bs_session"
LOGIN_COOKIE: Final = "bs_login"
CSRF_HEADER: Final = "x-csrf-token"
CSRF_FIELD: Final = "csrf_token"
SAFE_METHODS: Final = ("GET", "HEAD", "OPTIONS")

HEADERS: Final = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers (and `Cache-Control: no-store` on everything but static files) to every
    response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class TooLarge(Exception):
    """The request body passed the upload limit."""


class BodyLimit:
    """Refuses a request body over `limit` bytes while it streams in (a declared Content-Length at once), so
    that a huge upload is never written to disk. `refuse` builds the 413 answer."""

    def __init__(self, app: ASGIApp, limit: int, refuse: Callable[[Scope], ASGIApp]) -> None:
        self.app, self.limit, self.refuse = app, limit, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self.refuse(scope)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await self.refuse(scope)(scope, receive, send)


@dataclass
class Throttle:
    """Login throttling: after `limit` failures within `window_s` for one account or one address, logins for it
    wait until the oldest failure leaves the window."""

    limit: int = 5
    window_s: float = 15 * 60

    def __post_init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, *keys: str, now: float | None = None) -> float:
        """Seconds to wait before another try for any of `keys` (0: go ahead)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._failures.get(key, deque())
                while times and now - times[0] > self.window_s:
                    times.popleft()
                if len(times) >= self.limit:
                    wait = max(wait, self.window_s - (now - times[0]))
        return wait

    def failed(self, *keys: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: the user, and the CSRF token of their session (None for an API token: a header a page
    cannot be tricked into sending)."""

    user: User
    csrf: str | None
    session: str = ""


def identify(users: UserStore, headers: Mapping[str, str], cookies: dict[str, str]) -> Caller | None:
    """The caller from `Authorization: Bearer <token>`, else from the session cookie."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = users.token_user(auth[7:].strip())
        return Caller(user, None) if user else None
    session = cookies.get(SESSION_COOKIE, "")
    if not session:
        return None
    found = users.session(session, time.time())
    return Caller(found[0], found[1], session) if found else None


def csrf_ok(caller: Caller, method: str, sent: str) -> bool:
    """A state-changing request of a session must carry its CSRF token (header or form field)."""
    if method in SAFE_METHODS or caller.csrf is None:
        return True
    return bool(sent) and hmac.compare_digest(sent, caller.csrf)
