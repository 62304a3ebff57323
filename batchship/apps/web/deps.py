"""What every route needs: the desk's parts, the caller's language, who the caller is (and what they may do),
and errors that render as JSON for the API and as a page for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request

from batchship.accounts import Role, UserStore
from batchship.apps.web.runs import Runs
from batchship.apps.web.security import CSRF_FIELD, CSRF_HEADER, Caller, Throttle, csrf_ok, identify
from batchship.apps.web.settings import DeskSettings
from batchship.i18n import Lang, Msg, t

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates

LANG_COOKIE = "bs_lang"


@dataclass
class Desk:
    """Everything the routes share."""

    settings: DeskSettings
    users: UserStore
    runs: Runs
    throttle: Throttle
    templates: Jinja2Templates


class DeskError(Exception):
    """An answer other than success: HTTP status, a catalogue key (also the API's error code) and its values."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.msg = status, Msg.of(key, **values)
        self.headers: dict[str, str] = {}


def desk(request: Request) -> Desk:
    found: Desk = request.app.state.desk
    return found


def lang_of(request: Request) -> Lang:
    """`?lang=`, else the page's switch (a cookie), else the desk's language (`serve --lang`, Korean unless
    told otherwise: the browser's own language is not asked, as the command line ignores the locale's)."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in ("ko", "en"):
            return "en" if value == "en" else "ko"
    return desk(request).settings.lang


def words(lang: Lang) -> Any:
    """`t` bound to a language, for templates."""

    def say(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return say


async def caller(request: Request, role: Role = "check") -> Caller:
    """Who is asking, refused unless logged in (or with a token), holding `role`, and, for a session's
    state-changing request, carrying its CSRF token."""
    found = identify(desk(request).users, request.headers, dict(request.cookies))
    if found is None:
        raise DeskError(401, "desk.login_required")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and found.csrf is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
    if not csrf_ok(found, request.method, sent):
        raise DeskError(403, "desk.csrf")
    if not found.user.can(role):
        raise DeskError(403, "desk.forbidden", role=role)
    return found


async def any_user(request: Request) -> Caller:
    return await caller(request, "check")


async def dispatcher(request: Request) -> Caller:
    return await caller(request, "dispatch")


async def admin(request: Request) -> Caller:
    return await caller(request, "admin")
