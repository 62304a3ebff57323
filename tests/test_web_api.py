"""The web desk's API and pages, in-process: accounts and sessions, CSRF, throttling, headers, uploads, runs
against the practice sandbox (real HTTP on loopback), downloads, history, keeping."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from pathlib import Path

import openpyxl
import pytest

from batchship.apps.web.runs import Runs
from batchship.journal import read_journal
from batchship.services.check import run_check
from tests.conftest import HEADER, encrypt, order_id, orders_sheet, write_xlsx
from tests.deskkit import desk_client, hidden_token, login, running_run, settings_for, upload, wait_done

SAMPLE = Path(__file__).parent.parent / "sample_data" / "발송처리_샘플.xlsx"


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"
        csrf = login(client, "dan")
        cookie = next(c for c in client.cookies.jar if c.name == "bs_session")
        assert cookie.has_nonstandard_attr("HttpOnly")
        raw = client.get("/login").headers  # a fresh login page: its own cookie, same flags
        assert "httponly" in raw["set-cookie"].lower() and "samesite=lax" in raw["set-cookie"].lower()
        assert client.get("/api/v1/me").json()["role"] == "dispatch"
        assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
        assert client.get("/api/v1/me").status_code == 401


def test_secure_cookie_behind_an_https_proxy(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path, proxy_headers=True)) as client:
        page = client.get("/login")
        answer = client.post(
            "/login",
            data={"name": "cho", "password": "cho-password-1", "csrf_token": hidden_token(page.text)},
            headers={"X-Forwarded-Proto": "https"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert "secure" in answer.headers["set-cookie"].lower()


def test_wrong_password_and_throttling(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        token = hidden_token(client.get("/login").text)
        for _ in range(5):
            wrong = client.post("/login", data={"name": "dan", "password": "nope-nope", "csrf_token": token})
            assert wrong.status_code == 401
            assert "아이디 또는 비밀번호가 맞지 않습니다" in wrong.text
        right = client.post("/login", data={"name": "dan", "password": "dan-password-1", "csrf_token": token})
        assert right.status_code == 429 and "로그인 실패가 너무 많습니다" in right.text
        assert client.get("/api/v1/me").status_code == 401
        # the same address is throttled for another account too
        other = client.post("/login", data={"name": "ann", "password": "ann-password-1", "csrf_token": token})
        assert other.status_code == 429


def test_login_form_needs_its_token(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        client.get("/login")
        answer = client.post("/login", data={"name": "dan", "password": "dan-password-1", "csrf_token": "x"})
        assert answer.status_code == 403


def test_security_headers_everywhere(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        for path in ("/login", "/api/v1/me", "/static/desk.js", "/nowhere"):
            headers = client.get(path).headers
            csp = headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
            assert "unsafe-inline" not in csp
            assert headers["x-content-type-options"] == "nosniff"


def test_state_changes_need_the_csrf_token(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        csrf = login(client, "dan")
        refused = upload(client, SAMPLE, None)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "desk.csrf"
        assert upload(client, SAMPLE, "wrong-token").status_code == 403
        assert upload(client, SAMPLE, csrf).status_code == 202


def test_check_through_the_api_matches_the_cli(tmp_path: Path) -> None:
    sheet = tmp_path / "오늘 발송.xlsx"
    write_xlsx(
        sheet,
        [
            HEADER,
            *([order_id(i), "택배", "CJ대한통운", f"60000000{i:02d}", ""] for i in range(1, 41)),
            [order_id(99), "택배", "없는택배", "1", ""],
        ],
    )
    with desk_client(settings_for(tmp_path)) as client:
        csrf = login(client, "cho")
        started = upload(client, sheet, csrf)
        assert started.status_code == 202 and started.json()["status"] in ("queued", "running", "done")
        run = wait_done(client, started.json()["id"])
        assert run["status"] == "done" and run["file_name"] == "오늘 발송.xlsx"
        cli_report = run_check(sheet, out=tmp_path / "cli.check.xlsx").to_dict()
        assert run["report"]["counts"] == cli_report["counts"]
        assert run["report"]["row_results"] == cli_report["row_results"]  # the same report as --report
        figures_only = client.get(f"/api/v1/runs/{run['id']}", params={"rows": "false"}).json()["report"]
        assert "row_results" not in figures_only and figures_only["rows"] == 41
        assert run["sendable"] == 40 and run["report"]["started_by"] == "cho"
        assert str(tmp_path / "desk") not in json.dumps(run)  # no server folder in what a user sees
        rows = client.get(f"/api/v1/runs/{run['id']}/rows", params={"size": 15, "page": 3}).json()
        assert rows["total"] == 41 and len(rows["rows"]) == 11 and rows["rows"][-1]["status"] == "INVALID"
        bad = client.get(f"/api/v1/runs/{run['id']}/rows", params={"status": "INVALID"}).json()
        assert bad["total"] == 1 and bad["rows"][0]["productOrderId"] == order_id(99)
        found = client.get(f"/api/v1/runs/{run['id']}/rows", params={"q": order_id(7)[-6:]}).json()
        assert [r["productOrderId"] for r in found["rows"]] == [order_id(7)]
        page = client.get(f"/runs/{run['id']}").text
        assert "발송하기 (40건)" not in page  # cho may only check
        assert "발송 권한이 있는 사용자만" in page


def test_a_check_user_cannot_ship(tmp_path: Path) -> None:
    sheet = orders_sheet(tmp_path / "s.xlsx", 3)
    with desk_client(settings_for(tmp_path)) as client:
        csrf = login(client, "cho")
        refused = upload(client, sheet, csrf, mode="dispatch")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "desk.forbidden"
        run = wait_done(client, upload(client, sheet, csrf).json()["id"])
        assert client.get(f"/runs/{run['id']}/confirm").status_code == 403
        answer = client.post(f"/runs/{run['id']}/dispatch", data={"csrf_token": csrf})
        assert answer.status_code == 403
        assert list((tmp_path / "desk" / "runs").iterdir()) == [tmp_path / "desk" / "runs" / run["id"]]


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("report.pdf", b"%PDF-1.4 not a sheet", 415, "desk.not_sheet"),
        ("run.exe", b"MZ\x90\x00", 415, "desk.not_sheet"),
        ("empty.xlsx", b"", 422, "desk.empty_file"),
    ],
)
def test_what_is_not_a_sheet_is_refused_clearly(
    tmp_path: Path, name: str, content: bytes, status: int, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with desk_client(settings_for(tmp_path)) as client:
        answer = upload(client, path, login(client, "cho"))
        assert answer.status_code == status
        body = answer.json()["error"]
        assert body["code"] == code and name in body["message"]
        assert "Traceback" not in answer.text
        uploads = tmp_path / "desk" / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())  # nothing kept of a refused file


def test_a_sheet_that_cannot_be_read_fails_with_the_loaders_message(tmp_path: Path) -> None:
    path = tmp_path / "가짜.xlsx"
    path.write_bytes(b"PK\x03\x04 a damaged zip, not really a workbook")
    with desk_client(settings_for(tmp_path)) as client:
        run = wait_done(client, upload(client, path, login(client, "cho")).json()["id"])
        assert run["status"] == "failed" and run["error"]["code"] == "file.corrupt"
        assert "가짜.xlsx" in run["error"]["message"] and "uploads" not in run["error"]["message"]


def test_an_upload_over_the_limit_is_refused_while_it_streams(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    with desk_client(settings_for(tmp_path, max_upload_mb=1)) as client:
        csrf = login(client, "cho")
        answer = upload(client, big, csrf)
        assert answer.status_code == 413 and answer.json()["error"]["code"] == "desk.too_large"
        uploads = tmp_path / "desk" / "uploads"
        assert not uploads.exists() or not any(uploads.rglob("*.csv"))


def test_protected_workbook_asks_for_its_password(tmp_path: Path) -> None:
    plain = orders_sheet(tmp_path / "plain.xlsx", 4)
    locked = encrypt(plain, tmp_path / "잠긴.xlsx", "Zq-secret-77")
    with desk_client(settings_for(tmp_path)) as client:
        csrf = login(client, "cho")
        run = wait_done(client, upload(client, locked, csrf).json()["id"])
        assert run["status"] == "failed" and run["error"]["code"] == "file.protected"
        page = client.get(f"/runs/{run['id']}").text
        assert 'id="password-form"' in page
        again = client.post(
            f"/api/v1/runs/{run['id']}/rerun",
            data={"password": "Zq-secret-77"},
            headers={"X-CSRF-Token": csrf},
        )
        done = wait_done(client, again.json()["id"])
        assert done["status"] == "done" and done["sendable"] == 4
        stored = list((tmp_path / "desk").rglob("*"))
        assert all(b"Zq-secret-77" not in p.read_bytes() for p in stored if p.is_file())
        assert "Zq-secret-77" not in json.dumps(done)


def test_several_sheets_offer_a_chooser(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "메모"
    first.append(["오늘 할 일"])
    second = book.create_sheet("발송")
    second.append(HEADER)
    second.append([order_id(1), "택배", "CJ대한통운", "6000000001", ""])
    book.save(tmp_path / "two.xlsx")
    with desk_client(settings_for(tmp_path)) as client:
        csrf = login(client, "cho")
        run = wait_done(client, upload(client, tmp_path / "two.xlsx", csrf).json()["id"])
        page = client.get(f"/runs/{run['id']}").text
        assert 'id="sheet-choice"' in page and ">메모<" in page and ">발송<" in page
        chosen = client.post(
            f"/api/v1/runs/{run['id']}/rerun", data={"sheet": "발송"}, headers={"X-CSRF-Token": csrf}
        )
        assert wait_done(client, chosen.json()["id"])["sheet"] == "발송"


def test_dispatch_to_the_sandbox_and_download_the_result(tmp_path: Path) -> None:
    sheet = tmp_path / "발송 11월.xlsx"
    write_xlsx(
        sheet, [HEADER, *([order_id(i), "택배", "CJ대한통운", f"70000000{i:02d}", ""] for i in range(1, 36))]
    )
    settings = settings_for(tmp_path)
    with desk_client(settings) as client:
        csrf = login(client, "dan")
        run = wait_done(client, upload(client, sheet, csrf, mode="dispatch").json()["id"])
        assert run["status"] == "done", run
        assert run["report"]["counts"]["SUCCESS"] == 35 and run["report"]["requests"] >= 2
        result = client.get(run["links"]["result"])
        assert result.status_code == 200
        disposition = result.headers["content-disposition"]
        assert "filename*=UTF-8''" + urllib.parse.quote("발송 11월.result.xlsx") in disposition
        saved = tmp_path / "downloaded.xlsx"
        saved.write_bytes(result.content)
        book = openpyxl.load_workbook(saved)
        header = [c.value for c in book.worksheets[0][1]]
        assert header[: len(HEADER)] == HEADER and "처리결과" in header
        summary = [tuple(r) for r in book["요약"].iter_rows(values_only=True)]
        assert ("실행한 사람", "dan") in [r[:2] for r in summary]
        # the journal knows who, from where; the order's history is there
        journal = read_journal(settings.journal)
        assert journal is not None
        with journal:
            recorded = journal.runs()
        assert [(r.started_by, r.face, r.source) for r in recorded] == [("dan", "web", "발송 11월.xlsx")]
        attempts = client.get(f"/api/v1/orders/{order_id(3)}").json()["attempts"]
        assert [a["state"] for a in attempts] == ["success"]
        history = client.get("/history", params={"order": order_id(3)}).text
        assert "7000000003" in history and "발송 11월.xlsx" in history


def test_a_second_dispatch_waits_its_turn_then_finds_the_orders_shipped(tmp_path: Path) -> None:
    sheet = orders_sheet(tmp_path / "s.xlsx", 60)
    with desk_client(settings_for(tmp_path, rate_limit=20)) as client:
        csrf = login(client, "dan")
        first = upload(client, sheet, csrf, mode="dispatch").json()
        second = upload(client, sheet, csrf, mode="dispatch").json()
        assert second["status"] == "queued"
        assert wait_done(client, first["id"])["report"]["counts"]["SUCCESS"] == 60
        again = wait_done(client, second["id"])["report"]["counts"]
        assert again["ALREADY_DISPATCHED"] == 60 and again["SUCCESS"] == 0


def test_from_a_check_to_a_dispatch_through_the_pages(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        csrf = login(client, "dan")
        with SAMPLE.open("rb") as fh:
            answer = client.post(
                "/upload",
                files={"file": (SAMPLE.name, fh)},
                data={"csrf_token": csrf},
                follow_redirects=False,
            )
        run_id = answer.headers["location"].rsplit("/", 1)[1]
        check = wait_done(client, run_id)
        page = client.get(f"/runs/{run_id}").text
        assert f"발송하기 ({check['sendable']}건)" in page
        confirm = client.get(f"/runs/{run_id}/confirm").text
        assert f"주문 {check['sendable']}건을 샌드박스(연습용 스토어)에 발송" in confirm
        assert "샌드박스: 실제 스토어에 반영되지 않습니다" in confirm
        shipped = client.post(
            f"/runs/{run_id}/dispatch", data={"csrf_token": hidden_token(confirm)}, follow_redirects=False
        )
        new_id = shipped.headers["location"].rsplit("/", 1)[1]
        done = wait_done(client, new_id)
        counts = done["report"]["counts"]
        assert counts["SUCCESS"] > 0 and counts["HELD"] == 0
        page = client.get(f"/runs/{new_id}").text
        assert "확인이 필요한 행을 먼저" in page  # the failed and invalid rows come first
        assert 'id="download-retry"' in page


def test_errors_are_json_with_a_code_for_the_api(tmp_path: Path) -> None:
    with desk_client(settings_for(tmp_path)) as client:
        assert client.get("/api/v1/runs").json()["error"]["code"] == "desk.login_required"
        login(client, "cho")
        missing = client.get("/api/v1/runs/nope")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "desk.no_run"
        english = client.get("/api/v1/runs/nope", params={"lang": "en"}).json()["error"]["message"]
        assert english == "There is no run nope."
        bad = client.get("/api/v1/runs", params={"limit": "many"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "desk.invalid_request"
        schema = client.get("/api/v1/openapi.json").json()
        assert {"/api/v1/runs", "/api/v1/runs/{run_id}", "/api/v1/orders/{product_order_id}"} <= set(
            schema["paths"]
        )


def test_api_tokens_work_without_csrf_and_can_be_revoked(tmp_path: Path) -> None:
    from batchship.accounts import UserStore

    settings = settings_for(tmp_path)
    with desk_client(settings) as client:
        store = UserStore(settings.users_file)
        token = store.new_token("dan")
        auth = {"Authorization": f"Bearer {token}"}
        sheet = orders_sheet(tmp_path / "s.csv.xlsx", 2)
        with sheet.open("rb") as fh:
            started = client.post("/api/v1/runs", files={"file": ("s.xlsx", fh)}, headers=auth)
        assert started.status_code == 202
        assert client.get("/api/v1/runs", headers=auth).json()["runs"][0]["id"] == started.json()["id"]
        assert store.revoke_tokens("dan") == 1
        assert client.get("/api/v1/runs", headers=auth).status_code == 401
        assert store.token_user("bs_" + "x" * 40) is None
        store.close()


def test_a_run_cut_short_by_a_restart_says_so(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    runs = Runs(settings)
    runs.store.add(running_run("r1"))
    runs.close()
    runs = Runs(settings)
    found = runs.store.get("r1")
    assert found is not None and found.status == "failed" and found.error_key == "desk.interrupted"
    runs.close()


def test_uploads_and_results_go_after_their_keeping_time(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, keep_days=30)
    with desk_client(settings) as client:
        run = wait_done(
            client, upload(client, orders_sheet(tmp_path / "s.xlsx", 2), login(client, "cho")).json()["id"]
        )
        assert client.get(run["links"]["result"]).status_code == 200
        runs: Runs = client.app.state.desk.runs  # type: ignore[attr-defined]
        assert runs.purge(dt.datetime.now(dt.UTC) + dt.timedelta(days=29)) == 0
        assert runs.purge(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)) == 1
        assert client.get(run["links"]["result"]).status_code == 404
        assert not any((tmp_path / "desk" / "uploads").iterdir())
        assert client.get(f"/api/v1/runs/{run['id']}").json()["status"] == "done"  # the line stays
