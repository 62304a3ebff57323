"""The web desk in tests: the app in-process (FastAPI's TestClient, lifespan included), its accounts, logging
in as a browser does, and waiting on a run's end through the API itself (its own event stream)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from batchship.accounts import UserStore
from batchship.apps.web.app import create_app
from batchship.apps.web.settings import DeskSettings

PASSWORDS = {"ann": "ann-password-1", "dan": "dan-password-1", "cho": "cho-password-1"}
#: ann: admin; dan: dispatch; cho: check.
ROLES = {"ann": "admin", "dan": "dispatch", "cho": "check"}


def settings_for(tmp_path: Path, **changes: Any) -> DeskSettings:
    base = DeskSettings(data_dir=tmp_path / "desk", journal=str(tmp_path / "journal.sqlite3"), sandbox=True)
    return replace(base, **changes)


def add_users(settings: DeskSettings, rounds: int = 4) -> None:
    """The three users. bcrypt's cost is lowered for the in-process tests only (the login path is the same)."""
    store = UserStore(settings.users_file)
    store.rounds = rounds
    for name, role in ROLES.items():
        if store.get(name) is None:
            store.add(name, role, PASSWORDS[name])
    store.close()


@contextlib.contextmanager
def desk_client(settings: DeskSettings, users: bool = True) -> Iterator[TestClient]:
    if users:
        add_users(settings)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


def hidden_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, name: str) -> str:
    """Log in through the login form; the session's CSRF token (from the page it lands on)."""
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"name": name, "password": PASSWORDS[name], "csrf_token": hidden_token(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return str(client.get("/api/v1/me").json()["csrf_token"])


def upload(client: TestClient, path: Path, csrf: str | None, **form: str) -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    with path.open("rb") as fh:
        return client.post("/api/v1/runs", files={"file": (path.name, fh)}, data=form, headers=headers)


def wait_done(client: TestClient, run_id: str) -> dict[str, Any]:
    """Follow the run's event stream to its end (the stream closes when the run is done or failed); the run."""
    with client.stream("GET", f"/api/v1/runs/{run_id}/events") as stream:
        last: dict[str, Any] = {}
        for line in stream.iter_lines():
            if line.startswith("data: "):
                last = json.loads(line[6:])
    assert last.get("status") in ("done", "failed"), last
    run: dict[str, Any] = client.get(f"/api/v1/runs/{run_id}").json()
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(root: Path, *options: str, sandbox: bool = True) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`batchship serve --sandbox` (or, `sandbox` False, as `options` say) as its own process (data and journal
    under `root`; accounts added there beforehand), its URL once it takes connections; stopped with SIGTERM
    afterwards, which must end it cleanly."""
    import httpx

    port = free_port()
    practice = ["--sandbox"] if sandbox else []
    command = [sys.executable, "-m", "batchship", "serve", *practice, "--port", str(port), *options]
    command += ["--data", str(root / "data"), "--journal", str(root / "journal.sqlite3")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "BATCHSHIP_LANG": "ko"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    ) as process:
        assert process.stdout is not None
        for (
            line
        ) in process.stdout:  # printed just before uvicorn binds: the first request retries until it does
            if f"127.0.0.1:{port}" in line:
                break
        else:
            raise AssertionError("batchship serve did not start")
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(transport=httpx.HTTPTransport(retries=50)) as client:
            client.get(url + "/login", timeout=10)
        try:
            yield url, process
        finally:
            process.terminate()
            code = process.wait(timeout=60)
    assert code == 0, f"batchship serve ended with {code}"


def running_run(run_id: str) -> Any:
    """A desk run recorded as going (what a desk that stopped mid-run leaves behind)."""
    from batchship.apps.web.store import RunRow

    return RunRow(
        run_id,
        "dan",
        "dispatch",
        "a.xlsx",
        "",
        "",
        "ko",
        "running",
        "2026-01-01T00:00:00",
        "",
        "",
        "",
        {},
        "",
        "",
        0,
    )
