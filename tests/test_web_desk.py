"""The web desk beyond the happy path: users managed from the page, session expiry, the upload limit on a
body with no declared length, dry runs, history of runs by the other faces, keeping shared uploads, and a
desk that sends to "NAVER" (a sandbox on loopback) with credentials the page never shows."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batchship.accounts import UserStore
from batchship.apps.web.runs import Runs
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from tests.conftest import HEADER, cli, order_id, orders_sheet, write_xlsx
from tests.deskkit import desk_client, hidden_token, login, settings_for, upload, wait_done


def test_an_admin_manages_users_from_the_page(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with desk_client(settings) as client:
        csrf = login(client, "dan")
        assert client.get("/admin/users").status_code == 403
        client.post("/logout", data={"csrf_token": csrf})
        csrf = login(client, "ann")
        page = client.get("/admin/users")
        assert page.status_code == 200 and ">cho<" in page.text
        form = {
            "csrf_token": csrf,
            "action": "add",
            "name": "yuna",
            "role": "dispatch",
            "password": "yuna-pass-1",
        }
        assert client.post("/admin/users", data=form, follow_redirects=False).status_code == 303
        short = client.post("/admin/users", data={**form, "name": "bo", "password": "short"})
        assert short.status_code == 422 and "8자 이상" in short.text
        change = {"csrf_token": csrf, "action": "role", "name": "yuna", "role": "check"}
        assert client.post("/admin/users", data=change, follow_redirects=False).status_code == 303
        store = UserStore(settings.users_file)
        found = store.get("yuna")
        assert found is not None and found.role == "check"
        gone = {"csrf_token": csrf, "action": "remove", "name": "yuna"}
        assert client.post("/admin/users", data=gone, follow_redirects=False).status_code == 303
        assert store.get("yuna") is None
        itself = {"csrf_token": csrf, "action": "remove", "name": "ann"}
        refused = client.post("/admin/users", data=itself)
        assert refused.status_code == 422 and "자기 계정은 지울 수 없습니다" in refused.text
        assert store.get("ann") is not None
        store.close()


def test_sessions_expire_and_a_new_password_ends_them(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "users.sqlite3")
    store.rounds = 4
    store.add("mina", "check", "mina-pass-1")
    session, csrf = store.new_session("mina", ttl_s=3600, now=1_000_000.0)
    found = store.session(session, now=1_000_000.0 + 3599)
    assert found is not None and found[1] == csrf
    assert store.session(session, now=1_000_000.0 + 3601) is None
    other, _ = store.new_session("mina", ttl_s=3600, now=2_000_000.0)
    store.set_password("mina", "mina-pass-2")
    assert store.session(other, now=2_000_000.0) is None
    assert store.verify("mina", "mina-pass-1") is None and store.verify("mina", "mina-pass-2") is not None
    assert store.verify("nobody", "mina-pass-2") is None
    store.close()


def test_an_upload_with_no_declared_length_is_cut_off_at_the_limit(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path, max_upload_mb=1)) as client:
        csrf = login(client, "cho")
        boundary = "b0undary"

        def body() -> Iterator[bytes]:  # chunked: the limit is enforced as the bytes arrive
            yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'.encode()
            for _ in range(40):
                yield b"x" * 65536
            yield f"\r\n--{boundary}--\r\n".encode()

        answer = client.post(
            "/api/v1/runs",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}", "x-csrf-token": csrf},
        )
        assert answer.status_code == 413 and answer.json()["error"]["code"] == "desk.too_large"
        uploads = tmp_path / "desk" / "uploads"
        assert not uploads.exists() or not any(uploads.rglob("big.csv"))


def test_a_dry_run_builds_the_requests_and_sends_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with desk_client(settings) as client:
        run = wait_done(
            client,
            upload(
                client, orders_sheet(tmp_path / "s.xlsx", 40), login(client, "dan"), mode="dry-run"
            ).json()["id"],
        )
        report = run["report"]
        assert report["dry_run"] and report["requests_planned"] == 2 and report["requests"] == 0
        assert report["sample_request"]["dispatchProductOrders"][0]["productOrderId"] == order_id(1)
        assert not Path(settings.journal).exists()  # nothing was recorded: nothing was sent


def test_history_shows_what_the_command_line_and_the_watcher_dispatched(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    sheet = orders_sheet(tmp_path / "명령줄.xlsx", 3)
    code, _, err = cli("dispatch", str(sheet), "--sandbox", "--journal", settings.journal, "--quiet")
    assert code == 0, err
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    orders_sheet(inbox / "감시.xlsx", range(11, 14))
    code, out, err = cli(
        "watch", str(inbox), "--once", "--settle", "0", "--sandbox", "--journal", settings.journal
    )
    assert code == 0, out + err
    with desk_client(settings) as client:
        login(client, "cho")
        page = client.get("/history").text
        assert "명령줄.xlsx" in page and "명령줄</td>" in page  # the file and the face
        assert "감시.xlsx" in page and "폴더 감시</td>" in page
        link = page.split('href="/history/')[1].split('"')[0]
        result = client.get(f"/history/{link}")
        assert result.status_code == 200 and "filename*=UTF-8''" in result.headers["content-disposition"]
        assert client.get("/history/nope/result").status_code == 404
        attempts = client.get(f"/api/v1/orders/{order_id(2)}").json()["attempts"]
        assert [a["state"] for a in attempts] == ["success"]


def test_an_upload_a_newer_run_uses_is_kept(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, keep_days=30)
    with desk_client(settings) as client:
        csrf = login(client, "dan")
        check = wait_done(client, upload(client, orders_sheet(tmp_path / "s.xlsx", 2), csrf).json()["id"])
        runs: Runs = client.app.state.desk.runs  # type: ignore[attr-defined]
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
        runs.store._db.write(
            "UPDATE desk_runs SET created_at = ? WHERE id = ?", (old.isoformat(), check["id"])
        )
        again = client.post(
            f"/api/v1/runs/{check['id']}/rerun", data={"mode": "check"}, headers={"X-CSRF-Token": csrf}
        )
        newer = wait_done(client, again.json()["id"])
        assert runs.purge() == 1
        assert client.get(f"/api/v1/runs/{check['id']}/result").status_code == 404
        assert client.get(newer["links"]["result"]).status_code == 200
        again = client.post(
            f"/api/v1/runs/{newer['id']}/rerun", data={"mode": "check"}, headers={"X-CSRF-Token": csrf}
        )
        assert wait_done(client, again.json()["id"])["status"] == "done"  # its upload is still there


@pytest.fixture
def naver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A strict stand-in for NAVER on loopback, and its credentials in the environment, as the CLI reads them."""
    sandbox = Sandbox(rate_limit=None)
    sandbox.seed_payed(order_id(i) for i in range(1, 6))
    sandbox.start()
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    yield sandbox
    sandbox.stop()


def test_a_live_store_desk_ships_and_never_shows_the_secret(tmp_path: Path, naver: Sandbox) -> None:
    settings = settings_for(tmp_path, sandbox=False, base_url=naver.base_url, store_name="우리 가게")
    with desk_client(settings) as client:
        csrf = login(client, "dan")
        check = wait_done(client, upload(client, orders_sheet(tmp_path / "s.xlsx", 5), csrf).json()["id"])
        page = client.get(f"/runs/{check['id']}/confirm").text
        assert "실제 스토어: 우리 가게" in page and "주문 5건을 실제 스토어 우리 가게에 발송" in page
        shipped = client.post(
            f"/runs/{check['id']}/dispatch", data={"csrf_token": hidden_token(page)}, follow_redirects=False
        )
        run = wait_done(client, shipped.headers["location"].rsplit("/", 1)[1])
        assert run["report"]["counts"]["SUCCESS"] == 5 and run["report"]["api_base_url"] == naver.base_url
        seen: list[Any] = [
            json.dumps(run),
            client.get(f"/runs/{run['id']}").text,
            client.get("/history").text,
        ]
        seen.append(client.get(run["links"]["result"]).content.decode("latin-1"))
        assert all(DEMO_CLIENT_SECRET not in text for text in seen)
        again = wait_done(client, upload(client, orders_sheet(tmp_path / "s.xlsx", 5), csrf).json()["id"])
        assert again["report"]["counts"]["ALREADY_DISPATCHED"] == 5  # the check read that account's journal


def test_a_too_large_upload_from_the_page_gets_a_page_in_its_language(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (1024 * 1024 + 100_000))
    with desk_client(settings_for(tmp_path, max_upload_mb=1)) as client:
        csrf = login(client, "cho")
        client.get("/lang/en")
        with big.open("rb") as fh:
            answer = client.post("/upload", files={"file": ("big.csv", fh)}, data={"csrf_token": csrf})
        assert answer.status_code == 413 and "text/html" in answer.headers["content-type"]
        assert "The file is too large (at most 1 MB)" in answer.text


def test_a_korean_run_seen_in_english_keeps_each_table_line_in_one_language(tmp_path: Path) -> None:
    sheet = tmp_path / "s.xlsx"
    write_xlsx(sheet, [HEADER, [order_id(1), "택배", "없는택배", "6000000001", ""]])
    with desk_client(settings_for(tmp_path)) as client:
        run = wait_done(client, upload(client, sheet, login(client, "cho")).json()["id"])
        page = client.get(f"/runs/{run['id']}", params={"lang": "en"}).text
        assert "<h2>Verdicts</h2>" in page and "INVALID <b>1</b>" in page  # the page's words: English
        row = page.split('<tr class="tone-warn">')[1].split("</tr>")[0]
        assert "<td>검증오류</td>" in row and "없는택배" in row  # the row: all in the run's language
        assert not re.search(r"<td>[A-Za-z ]+</td>", row.replace(order_id(1), ""))


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/history", "/history"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
    ],
)
def test_the_language_switch_only_goes_back_into_the_desk(tmp_path: Path, target: str, lands: str) -> None:
    with desk_client(settings_for(tmp_path), users=False) as client:
        answer = client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert answer.headers["location"] == lands and "bs_lang=en" in answer.headers["set-cookie"]
