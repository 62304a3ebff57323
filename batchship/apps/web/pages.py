"""The pages people use: log in, upload, verdicts and progress, confirm a dispatch, history, users. Forms post
with the session's CSRF token; the one script (`static/desk.js`) adds drag and drop and live progress."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from batchship.accounts import ROLES
from batchship.apps.web import history as history_facts
from batchship.apps.web.api import (
    find_run,
    pick_store,
    run_again,
    save_upload,
    start_run,
    usable_stores,
    visible_stores,
)
from batchship.apps.web.deps import LANG_COOKIE, DeskError, admin, any_user, desk, dispatcher, lang_of, words
from batchship.apps.web.files import download
from batchship.apps.web.security import LOGIN_COOKIE, SESSION_COOKIE, Caller, identify
from batchship.apps.web.store import RunRow
from batchship.apps.web.views import run_view, target_words
from batchship.errors import ConfigError
from batchship.i18n import Msg
from batchship.timefmt import now_kst

router = APIRouter(include_in_schema=False)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def render(
    request: Request, template: str, caller: Caller | None, status: int = 200, **values: Any
) -> Response:
    """A page, with what every page shows: the target banner (the run's store on a run's pages, else the
    stores the user may work for), the user, the language switch."""
    the_desk, lang = desk(request), lang_of(request)
    settings = the_desk.settings
    run = values.get("run")
    if isinstance(run, RunRow):
        shown = settings.store_label(run.store, lang)
    else:
        stores = settings.stores if caller is None else usable_stores(request, caller)
        shown = ", ".join(settings.store_label(s, lang) for s in stores) or "-"
    context = {
        "request": request,
        "t": words(lang),
        "lang": lang,
        "user": caller.user if caller else None,
        "csrf": caller.csrf if caller else "",
        "sandbox": settings.sandbox,
        "store": shown,
        **values,
    }
    return the_desk.templates.TemplateResponse(request, template, context, status_code=status)


def _secure(request: Request) -> bool:
    settings = desk(request).settings
    proto = request.headers.get("x-forwarded-proto", "") if settings.proxy_headers else ""
    return settings.secure_cookies or request.url.scheme == "https" or proto == "https"


def _address(request: Request) -> str:
    if desk(request).settings.proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "-"


# -- logging in ---------------------------------------------------------------------------------------------------


@router.get("/login")
async def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, login_token=token, error="")
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request), max_age=3600
    )
    return response


@router.post("/login")
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    the_desk, lang = desk(request), lang_of(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise DeskError(403, "desk.csrf")
    keys = (f"user:{name.lower()}", f"addr:{_address(request)}")
    wait = the_desk.throttle.wait_s(*keys)
    error = ""
    user = None
    if wait > 0:
        error = Msg.of("desk.throttled", minutes=int(wait // 60) + 1).render(lang)
    else:
        user = await asyncio.to_thread(the_desk.users.verify, name, password)
        if user is None:
            the_desk.throttle.failed(*keys)
            error = Msg.of("desk.bad_login").render(lang)
    if user is None:
        return render(
            request, "login.html", None, status=401 if not wait else 429, login_token=expected, error=error
        )
    the_desk.throttle.succeeded(*keys)
    ttl = the_desk.settings.session_hours * 3600
    session, _ = the_desk.users.new_session(user.name, ttl, time.time())
    response = redirect("/")
    response.set_cookie(
        SESSION_COOKIE, session, httponly=True, samesite="lax", secure=_secure(request), max_age=int(ttl)
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, caller: Annotated[Caller, Depends(any_user)]) -> Response:
    desk(request).users.end_session(caller.session)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
async def switch_language(request: Request, code: str, next: str = "/") -> Response:
    local = next.startswith("/") and not next.startswith("//") and "\\" not in next  # never another site
    response = redirect(next if local else "/")
    response.set_cookie(LANG_COOKIE, "en" if code == "en" else "ko", samesite="lax", max_age=365 * 86400)
    return response


# -- working --------------------------------------------------------------------------------------------------


@router.get("/")
async def home(request: Request) -> Response:
    caller = identify(desk(request).users, request.headers, dict(request.cookies))
    if caller is None:
        return redirect("/login")
    the_desk, lang = desk(request), lang_of(request)
    recent = the_desk.runs.store.recent(10, stores=visible_stores(caller))
    choices = [(s, the_desk.settings.store_label(s, lang)) for s in usable_stores(request, caller)]
    return render(request, "upload.html", caller, recent=recent, choices=choices)


@router.post("/upload")
async def upload(
    request: Request,
    caller: Annotated[Caller, Depends(any_user)],
    file: Annotated[UploadFile, File()],
    password: Annotated[str, Form(max_length=1024)] = "",
    store: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    picked = pick_store(request, caller, store)
    saved, name = await save_upload(request, file, password or None)
    run = start_run(request, caller, "check", saved, name, "", lang_of(request), picked)
    return redirect(f"/runs/{run.id}")


@router.get("/runs/{run_id}")
async def run_page(
    request: Request,
    run_id: str,
    caller: Annotated[Caller, Depends(any_user)],
    status: Annotated[str, Query(max_length=40)] = "",
    q: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    run = find_run(request, run_id, caller)
    view = await asyncio.to_thread(run_view, desk(request), run, lang_of(request), status, q.strip(), page)
    return render(request, "run.html", caller, run=run, view=view)


def _sendable(request: Request, run_id: str, caller: Caller) -> RunRow:
    """A finished check with orders to send whose upload is still kept: what a dispatch starts from."""
    run = find_run(request, run_id, caller)
    if (
        run.mode != "check"
        or run.status != "done"
        or not run.sendable
        or not Path(run.upload or "-").exists()
    ):
        raise DeskError(409, "desk.nothing_to_send")
    return run


@router.get("/runs/{run_id}/confirm")
async def confirm_page(
    request: Request, run_id: str, caller: Annotated[Caller, Depends(dispatcher)]
) -> Response:
    run = _sendable(request, run_id, caller)
    target = target_words(desk(request), lang_of(request), run.store)
    return render(request, "confirm.html", caller, run=run, target=target)


@router.post("/runs/{run_id}/dispatch")
async def dispatch(request: Request, run_id: str, caller: Annotated[Caller, Depends(dispatcher)]) -> Response:
    run = _sendable(request, run_id, caller)
    lang = lang_of(request)
    new = start_run(request, caller, "dispatch", Path(run.upload), run.file_name, run.sheet, lang, run.store)
    return redirect(f"/runs/{new.id}")


@router.post("/runs/{run_id}/recheck")
async def recheck(
    request: Request,
    run_id: str,
    caller: Annotated[Caller, Depends(any_user)],
    sheet: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    new = run_again(request, caller, run_id, "check", sheet, password)
    return redirect(f"/runs/{new.id}")


@router.get("/history")
async def history_page(
    request: Request,
    caller: Annotated[Caller, Depends(any_user)],
    order: Annotated[str, Query(max_length=40)] = "",
    days: Annotated[int, Query(ge=1, le=366)] = 7,
) -> Response:
    the_desk = desk(request)
    journal, accounts = the_desk.settings.journal, history_facts.accounts_for(the_desk.settings, caller.user)
    start = (now_kst().date() - dt.timedelta(days=days - 1)).isoformat()
    desk_runs = the_desk.runs.store.recent(1000, start, stores=visible_stores(caller))
    lines = await asyncio.to_thread(history_facts.runs, journal, desk_runs, start, accounts)
    found = await asyncio.to_thread(history_facts.attempts, journal, order.strip(), accounts)
    by_day: dict[str, list[history_facts.HistoryRun]] = {}
    for line in lines:
        by_day.setdefault(line.when[:10], []).append(line)
    return render(
        request, "history.html", caller, by_day=by_day, order=order.strip(), attempts=found, days=days
    )


@router.get("/history/{journal_run}/{kind}")
async def history_file(
    request: Request, journal_run: str, kind: str, caller: Annotated[Caller, Depends(any_user)]
) -> Response:
    """A file another face's run wrote, as the journal recorded it (nothing else is ever served)."""
    settings = desk(request).settings
    accounts = history_facts.accounts_for(settings, caller.user)
    recorded = await asyncio.to_thread(history_facts.recorded_run, settings.journal, journal_run, accounts)
    if recorded is None or kind not in ("result", "retry"):
        raise DeskError(404, "desk.no_file")
    return download(recorded.result_file if kind == "result" else recorded.retry_file)


# -- users ----------------------------------------------------------------------------------------------------


@router.get("/admin/users")
async def users_page(request: Request, caller: Annotated[Caller, Depends(admin)]) -> Response:
    return render(request, "users.html", caller, users=desk(request).users.list(), **_user_choices(request))


def _user_choices(request: Request) -> dict[str, Any]:
    """What the users page offers: the roles, and the desk's named stores to limit a user to."""
    return {"roles": ROLES, "stores": [s for s in desk(request).settings.stores if s], "error": ""}


@router.post("/admin/users")
async def users_change(
    request: Request,
    caller: Annotated[Caller, Depends(admin)],
    action: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=64)] = "",
    role: Annotated[str, Form(max_length=20)] = "check",
    password: Annotated[str, Form(max_length=1024)] = "",
    stores: Annotated[list[str] | None, Form()] = None,
) -> Response:
    users = desk(request).users
    try:
        offered = desk(request).settings.stores
        for store in stores or []:
            if store not in offered:
                raise ConfigError(Msg.of("desk.no_such_store", store=store[:64], stores=", ".join(offered)))
        if action == "add":
            await asyncio.to_thread(users.add, name, role, password, stores or [])
        elif action == "stores":
            users.set_stores(name, stores or [])
        elif action == "role":
            users.set_role(name, role)
        elif action == "remove":
            if name == caller.user.name:
                raise ConfigError(Msg.of("desk.not_yourself"))
            users.remove(name)
        elif action == "password":
            await asyncio.to_thread(users.set_password, name, password)
        else:
            raise ConfigError(Msg.of("desk.bad_action"))
    except ConfigError as exc:
        choices = _user_choices(request) | {"error": exc.render(lang_of(request))}
        return render(request, "users.html", caller, 422, users=users.list(), **choices)
    return redirect("/admin/users")
