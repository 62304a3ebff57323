"""`/api/v1`: the JSON API under the page (the page uses it too), described by the server's OpenAPI document.

Authenticated by the session cookie (state-changing requests carry the CSRF token in `X-CSRF-Token`) or by
`Authorization: Bearer <token>` (`batchship user token NAME`). Errors are `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from batchship.apps.web.deps import DeskError, any_user, desk, lang_of
from batchship.apps.web.files import download
from batchship.apps.web.runs import MODES, SUFFIXES, Mode
from batchship.apps.web.security import Caller
from batchship.apps.web.store import RunRow
from batchship.i18n import Lang

router = APIRouter(prefix="/api/v1", tags=["runs"])
#: Rows per page at most.
MAX_PAGE = 500


def visible_stores(caller: Caller) -> list[str] | None:
    """The stores whose runs the caller sees (None: every store's)."""
    return list(caller.user.stores) if caller.user.stores else None


def run_json(request: Request, run: RunRow) -> dict[str, Any]:
    """A run as the API shows it: status, progress while it goes, the report once done."""
    runs = desk(request).runs
    data: dict[str, Any] = {
        "id": run.id,
        "status": run.status,
        "mode": run.mode,
        "file_name": run.file_name,
        "sheet": run.sheet or None,
        "store": run.store or None,
        "started_by": run.user,
        "created_at": run.created_at,
        "finished_at": run.finished_at or None,
        "progress": runs.live(run.id),
        "sendable": run.sendable,
        "error": {"code": run.error_key, "message": run.error} if run.error_key else None,
        "report": run.report or None,
        "links": {
            "self": f"/api/v1/runs/{run.id}",
            "events": f"/api/v1/runs/{run.id}/events",
            "rows": f"/api/v1/runs/{run.id}/rows",
            "result": f"/api/v1/runs/{run.id}/result" if run.result_file else None,
            "retry": f"/api/v1/runs/{run.id}/retry" if run.retry_file else None,
            "page": f"/runs/{run.id}",
        },
    }
    return data


def find_run(request: Request, run_id: str, caller: Caller) -> RunRow:
    """A run the caller may see (another store's, for a user limited to some stores, is not found)."""
    run = desk(request).runs.store.get(run_id)
    if run is None or not caller.user.may_use(run.store):
        raise DeskError(404, "desk.no_run", id=run_id[:40])
    return run


def usable_stores(request: Request, caller: Caller) -> list[str]:
    """The desk's stores this caller may work for."""
    return [s for s in desk(request).settings.stores if caller.user.may_use(s)]


def pick_store(request: Request, caller: Caller, store: str | None) -> str:
    """The store a new upload is for: the one asked (the desk's and the caller's), or the caller's only one."""
    usable = usable_stores(request, caller)
    if not usable:
        raise DeskError(403, "desk.no_store_for_you")
    if not store:
        if len(usable) > 1:
            raise DeskError(422, "desk.store_needed", stores=", ".join(usable))
        return usable[0]
    if store not in desk(request).settings.stores:
        raise DeskError(422, "desk.no_such_store", store=store[:64], stores=", ".join(usable))
    if store not in usable:
        raise DeskError(403, "desk.store_forbidden", store=store[:64])
    return store


def start_run(
    request: Request,
    caller: Caller,
    mode: str,
    upload: Path,
    file_name: str,
    sheet: str,
    lang: Lang,
    store: str,
) -> RunRow:
    """Queue a run for `store`, refusing a dispatch to a user who may not ship."""
    if mode not in MODES:
        raise DeskError(422, "desk.bad_mode", mode=mode[:40], modes=", ".join(MODES))
    if mode == "dispatch" and not caller.user.can("dispatch"):
        raise DeskError(403, "desk.forbidden", role="dispatch")
    checked: Mode = "dispatch" if mode == "dispatch" else "dry-run" if mode == "dry-run" else "check"
    return desk(request).runs.start(caller.user.name, checked, upload, file_name, lang, sheet, store)


def run_again(
    request: Request, caller: Caller, run_id: str, mode: str, sheet: str | None, password: str | None
) -> RunRow:
    """A new run on an earlier run's upload (another mode, sheet or password) for the same store, in the
    caller's language as a new upload would be."""
    earlier = find_run(request, run_id, caller)
    if not earlier.upload or not Path(earlier.upload).exists():
        raise DeskError(410, "desk.upload_gone", id=run_id)
    if earlier.store not in desk(request).settings.stores:  # the desk no longer serves that store
        raise DeskError(409, "desk.store_gone", store=earlier.store)
    desk(request).runs.remember_password(earlier.upload, password or None)
    upload, name = Path(earlier.upload), earlier.file_name
    lang = lang_of(request)
    return start_run(request, caller, mode, upload, name, sheet or earlier.sheet, lang, earlier.store)


async def save_upload(request: Request, file: UploadFile, password: str | None) -> tuple[Path, str]:
    """The uploaded file under a random name in the data folder; a clear refusal for what is not a sheet."""
    name = Path((file.filename or "").replace("\\", "/")).name.strip()
    suffix = Path(name).suffix.lower()
    if not name or suffix not in SUFFIXES:
        raise DeskError(415, "desk.not_sheet", name=name[:120] or "-", kinds=" ".join(SUFFIXES))
    runs = desk(request).runs
    target = runs.new_upload(name)
    with target.open("wb") as out:
        await asyncio.to_thread(shutil.copyfileobj, file.file, out)
    if target.stat().st_size == 0:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise DeskError(422, "desk.empty_file", name=name[:120])
    runs.remember_password(str(target), password)
    return target, name[:200]


@router.post("/runs", status_code=202, summary="Upload a sheet and start a check, dry run or dispatch")
async def create_run(
    request: Request,
    file: Annotated[UploadFile, File(description="The shipping sheet (.xlsx .xlsm .xls .csv .txt .tsv)")],
    caller: Annotated[Caller, Depends(any_user)],
    mode: Annotated[Literal["check", "dry-run", "dispatch"], Form()] = "check",
    password: Annotated[
        str | None, Form(description="A protected workbook's password (never stored)")
    ] = None,
    sheet: Annotated[str | None, Form(max_length=200)] = None,
    lang: Annotated[Literal["ko", "en"] | None, Form()] = None,
    store: Annotated[
        str | None, Form(max_length=64, description="Which of the desk's stores (needed when it has several)")
    ] = None,
) -> JSONResponse:
    if mode == "dispatch" and not caller.user.can("dispatch"):
        raise DeskError(403, "desk.forbidden", role="dispatch")
    picked = pick_store(request, caller, store)
    upload, name = await save_upload(request, file, password or None)
    chosen = lang or lang_of(request)
    run = await asyncio.to_thread(start_run, request, caller, mode, upload, name, sheet or "", chosen, picked)
    return JSONResponse(run_json(request, run), status_code=202)


@router.post(
    "/runs/{run_id}/rerun",
    status_code=202,
    summary="Run again on the same upload (another mode, sheet or password)",
)
async def rerun(
    request: Request,
    run_id: str,
    caller: Annotated[Caller, Depends(any_user)],
    mode: Annotated[Literal["check", "dry-run", "dispatch"], Form()] = "check",
    password: Annotated[str | None, Form()] = None,
    sheet: Annotated[str | None, Form(max_length=200)] = None,
) -> JSONResponse:
    run = run_again(request, caller, run_id, mode, sheet, password)
    return JSONResponse(run_json(request, run), status_code=202)


@router.get("/runs", summary="Recent runs, newest first")
def list_runs(
    request: Request,
    caller: Annotated[Caller, Depends(any_user)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    runs = desk(request).runs.store.recent(limit, stores=visible_stores(caller))
    return {"runs": [run_json(request, r) | {"report": None} for r in runs]}


@router.get("/runs/{run_id}", summary="A run: status, progress, and when done its report")
def get_run(
    request: Request,
    run_id: str,
    caller: Annotated[Caller, Depends(any_user)],
    rows: Annotated[bool, Query(description="the report's row_results too (false: figures only)")] = True,
) -> dict[str, Any]:
    """Once done, `report` is the JSON the CLI writes with `--report`, every row included unless `rows=false`
    (a page of rows: `/rows`)."""
    run = find_run(request, run_id, caller)
    data = run_json(request, run)
    if rows and data["report"] is not None:
        data["report"] = data["report"] | {"row_results": desk(request).runs.store.row_results(run.id)}
    return data


@router.get("/runs/{run_id}/rows", summary="A page of a run's rows, filtered by result and order number")
def get_rows(
    request: Request,
    run_id: str,
    caller: Annotated[Caller, Depends(any_user)],
    status: Annotated[list[str] | None, Query()] = None,
    q: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> dict[str, Any]:
    run = find_run(request, run_id, caller)
    total, rows = desk(request).runs.store.rows(run.id, status or (), q.strip(), (page - 1) * size, size)
    keys = ("row", "productOrderId", "status", "code", "message")
    return {
        "total": total,
        "page": page,
        "size": size,
        "rows": [dict(zip(keys, r, strict=True)) for r in rows],
    }


@router.get("/runs/{run_id}/events", summary="The run's progress as server-sent events, until it ends")
async def events(
    request: Request, run_id: str, caller: Annotated[Caller, Depends(any_user)]
) -> StreamingResponse:
    find_run(request, run_id, caller)

    async def stream() -> AsyncIterator[str]:
        runs = desk(request).runs
        changed = runs.subscribe(run_id)
        try:
            last = ""
            while not await request.is_disconnected():
                changed.clear()
                run = find_run(request, run_id, caller)
                data = json.dumps({"status": run.status, "progress": runs.live(run_id)})
                if data != last:
                    last = data
                    yield f"data: {data}\n\n"
                if run.status in ("done", "failed"):
                    return
                with contextlib.suppress(TimeoutError):  # also wakes now and then to see a closed connection
                    await asyncio.wait_for(changed.wait(), 1.0)
        finally:
            runs.unsubscribe(run_id, changed)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"x-accel-buffering": "no"})


@router.get(
    "/runs/{run_id}/result", summary="The result copy (or a check's copy)", response_class=FileResponse
)
def result_file(request: Request, run_id: str, caller: Annotated[Caller, Depends(any_user)]) -> FileResponse:
    run = find_run(request, run_id, caller)
    return download(run.result_file)


@router.get(
    "/runs/{run_id}/retry", summary="The retry file: the rows to send again", response_class=FileResponse
)
def retry_file(request: Request, run_id: str, caller: Annotated[Caller, Depends(any_user)]) -> FileResponse:
    run = find_run(request, run_id, caller)
    return download(run.retry_file)


@router.get("/orders/{product_order_id}", summary="Every attempt the journal holds for one order")
async def order_history(
    request: Request, product_order_id: str, caller: Annotated[Caller, Depends(any_user)]
) -> dict[str, Any]:
    from batchship.apps.web.history import accounts_for, attempts

    settings = desk(request).settings
    accounts = accounts_for(settings, caller.user)
    found = await asyncio.to_thread(attempts, settings.journal, product_order_id.strip()[:40], accounts)
    return {"productOrderId": product_order_id[:40], "attempts": found}


@router.get("/me", summary="Who the caller is")
async def me(request: Request, caller: Annotated[Caller, Depends(any_user)]) -> dict[str, Any]:
    return {
        "name": caller.user.name,
        "role": caller.user.role,
        "stores": usable_stores(request, caller),
        "csrf_token": caller.csrf,
    }
