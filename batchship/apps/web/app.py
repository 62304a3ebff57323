"""The web desk's application: FastAPI (an OpenAPI document for the API, server-rendered Jinja2 pages, one
small vendored script), served by uvicorn. `create_app(settings)` builds it; `batchship serve` runs it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from batchship import __version__
from batchship.accounts import UserStore
from batchship.apps.web import api, pages
from batchship.apps.web.deps import Desk, DeskError, lang_of
from batchship.apps.web.runs import Runs
from batchship.apps.web.security import BodyLimit, Scope, SecurityHeaders, Throttle, TooLarge
from batchship.apps.web.settings import DeskSettings
from batchship.i18n import Msg

HERE = Path(__file__).parent
#: How often uploads past their keeping time are deleted.
PURGE_EVERY_S = 3600.0


def create_app(settings: DeskSettings) -> FastAPI:
    """The desk for `settings`: its accounts file, its run store, its routes."""

    templates = Jinja2Templates(directory=str(HERE / "templates"))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """The accounts file and the run store open while the app runs (each start opens them anew)."""
        the_desk = Desk(settings, UserStore(settings.users_file), Runs(settings), Throttle(), templates)
        app.state.desk = the_desk
        purge = asyncio.create_task(_purge_forever(the_desk))
        try:
            yield
        finally:
            purge.cancel()
            await asyncio.to_thread(the_desk.runs.close)
            the_desk.users.close()

    app = FastAPI(
        title="batchship web desk",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 64 * 1024, refuse=_too_large)
    app.add_middleware(SecurityHeaders)
    return app


async def _purge_forever(the_desk: Desk) -> None:
    while True:
        await asyncio.to_thread(the_desk.runs.purge)
        await asyncio.sleep(PURGE_EVERY_S)


def _too_large(scope: Scope) -> Any:
    """The answer to a body over the upload limit: JSON for the API, a page for the upload form."""
    request = Request(scope)
    mb = desk_settings(request).max_upload_mb
    return error_response(request, 413, Msg.of("desk.too_large", mb=mb))


def desk_settings(request: Request) -> DeskSettings:
    settings: DeskSettings = request.app.state.desk.settings
    return settings


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(
    request: Request, status: int, msg: Msg, headers: dict[str, str] | None = None
) -> Response:
    """An error as JSON for the API (code and message), as a page for people (a login page for 401)."""
    lang = lang_of(request)
    if wants_json(request):
        body = {"error": {"code": msg.key, "message": msg.render(lang)}}
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401:
        return pages.redirect("/login")
    return pages.render(request, "error.html", None, status, message=msg.render(lang), http_status=status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(DeskError)
    async def desk_error(request: Request, exc: DeskError) -> Response:
        return error_response(request, exc.status, exc.msg, exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if isinstance(exc.__cause__, TooLarge):  # the body limit, met while FastAPI read the form
            mb = desk_settings(request).max_upload_mb
            return error_response(request, 413, Msg.of("desk.too_large", mb=mb))
        key = {404: "desk.not_found", 405: "desk.method"}.get(exc.status_code, "desk.http")
        return error_response(request, exc.status_code, Msg.of(key, status=exc.status_code))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()[:5])
        return error_response(request, 422, Msg.of("desk.invalid_request", where=where[:300]))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:  # a bug: never a traceback in a body
        from batchship.apps.crash import crash_report

        log = crash_report(exc, lambda text: text)
        return error_response(request, 500, Msg.of("desk.crashed", error=type(exc).__name__, log=log or "-"))
