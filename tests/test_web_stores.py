"""The web desk serving several stores of one config: the store picked at upload, each run sent with its
store's credentials, accounts limited to some stores (they neither start nor see another store's runs or
attempts), the store on every page, and the settings and accounts commands that set it up."""

from __future__ import annotations

import html
import io
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from batchship.accounts import UserStore
from batchship.apps.web.store import DeskStore
from batchship.journal import read_journal
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import cli, order_id, orders_sheet
from tests.deskkit import desk_client, login, settings_for, upload, wait_done

STORES = ("shop-a", "shop-b")


def stores_config(path: Path) -> Path:
    path.write_text(
        "".join(
            f'[stores.{name}]\nclient_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n'
            f'account_id = "{name}"\n'
            for name in STORES
        ),
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def two_stores(tmp_path: Path) -> Iterator[tuple[TestClient, Sandbox]]:
    """A desk for shop-a and shop-b on one sandbox (orders 1-3 shop-a's, 4-6 shop-b's); dan (dispatch) may
    use shop-b only."""
    orders = [Order(order_id(i), seller=STORES[(i - 1) // 3]) for i in range(1, 7)]
    with Sandbox(orders=orders) as sb:
        settings = settings_for(
            tmp_path,
            sandbox=False,
            config=stores_config(tmp_path / "stores.toml"),
            base_url=sb.base_url,
            stores=STORES,
        )
        with desk_client(settings) as client:
            users = UserStore(settings.users_file)
            users.set_stores("dan", ["shop-b"])
            users.close()
            yield client, sb


def test_each_upload_goes_to_the_store_picked_with_that_store_s_credentials(
    tmp_path: Path, two_stores: tuple[TestClient, Sandbox]
) -> None:
    client, sb = two_stores
    csrf = login(client, "ann")
    assert client.get("/api/v1/me").json()["stores"] == ["shop-a", "shop-b"]
    home = client.get("/").text
    assert (
        '<select name="store" id="store" required>' in home
        and '<option value="shop-b">shop-b</option>' in home
    )
    assert "실제 스토어: shop-a, shop-b" in home
    sheet = orders_sheet(tmp_path / "a.xlsx", [1, 2, 4])  # order 4 is shop-b's
    answer = upload(client, sheet, csrf, mode="dispatch")
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "desk.store_needed"
    answer = upload(client, sheet, csrf, mode="dispatch", store="shop-z")
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "desk.no_such_store"
    answer = upload(client, sheet, csrf, mode="dispatch", store="shop-a")
    assert answer.status_code == 202 and answer.json()["store"] == "shop-a"
    run = wait_done(client, answer.json()["id"])
    assert run["report"]["counts"]["SUCCESS"] == 2 and run["report"]["store"] == "shop-a"
    assert sb.dispatch_counts() == {order_id(1): 1, order_id(2): 1}  # shop-b's order 4 never left
    page = client.get(f"/runs/{run['id']}").text
    assert "실제 스토어: shop-a<" in page and "shop-b" not in page.split("<main>")[0]
    journal = read_journal(str(tmp_path / "journal.sqlite3"))
    assert journal is not None
    with journal:
        accounts = {a.product_order_id: a.account for a in journal.attempts_since("")}
    assert accounts == {order_id(1): f"{DEMO_CLIENT_ID}/shop-a", order_id(2): f"{DEMO_CLIENT_ID}/shop-a"}


def test_a_user_limited_to_one_store_works_only_there_and_sees_only_its_runs(
    tmp_path: Path, two_stores: tuple[TestClient, Sandbox]
) -> None:
    client, sb = two_stores
    csrf = login(client, "ann")
    ann_run = wait_done(
        client,
        upload(client, orders_sheet(tmp_path / "a.xlsx", [1]), csrf, store="shop-a", mode="dispatch").json()[
            "id"
        ],
    )
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "dan")
    assert client.get("/api/v1/me").json()["stores"] == ["shop-b"]
    home = client.get("/").text
    assert (
        'name="store" value="shop-b"' in home
        and "<select" not in home.split('id="upload-form"')[1].split("</form>")[0]
    )
    assert "실제 스토어: shop-b<" in home
    answer = upload(client, orders_sheet(tmp_path / "b.xlsx", [4, 5]), csrf, store="shop-a")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "desk.store_forbidden"
    answer = upload(client, orders_sheet(tmp_path / "b.xlsx", [4, 5]), csrf, mode="dispatch")  # the only one
    mine = wait_done(client, answer.json()["id"])
    assert mine["store"] == "shop-b" and mine["report"]["counts"]["SUCCESS"] == 2
    assert client.get(f"/api/v1/runs/{ann_run['id']}").status_code == 404
    assert client.get(f"/runs/{ann_run['id']}").status_code == 404
    assert client.get(f"/api/v1/runs/{ann_run['id']}/result").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/runs").json()["runs"]] == [mine["id"]]
    assert client.get(f"/api/v1/orders/{order_id(1)}").json()["attempts"] == []  # shop-a's order
    assert len(client.get(f"/api/v1/orders/{order_id(4)}").json()["attempts"]) == 1
    history = client.get("/history", params={"order": order_id(1)}).text
    assert ann_run["id"] not in history
    assert sb.dispatch_counts() == {order_id(1): 1, order_id(4): 1, order_id(5): 1}


def test_an_admin_limits_a_user_to_stores_on_the_users_page(two_stores: tuple[TestClient, Sandbox]) -> None:
    client, _ = two_stores
    csrf = login(client, "ann")
    page = client.get("/admin/users").text
    assert 'name="stores" value="shop-a"' in page and "모든 스토어" in page
    done = client.post(
        "/admin/users",
        data={"csrf_token": csrf, "action": "stores", "name": "cho", "stores": ["shop-a"]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    wrong = client.post(
        "/admin/users", data={"csrf_token": csrf, "action": "stores", "name": "cho", "stores": ["shop-z"]}
    )
    assert wrong.status_code == 422 and "스토어 'shop-z'은(는) 이 웹 데스크에 없습니다" in html.unescape(
        wrong.text
    )
    added = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "action": "add",
            "name": "eun",
            "role": "check",
            "password": "eun-password-1",
            "stores": ["shop-b"],
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    client.post("/logout", data={"csrf_token": csrf})
    login(client, "cho")
    assert client.get("/api/v1/me").json()["stores"] == ["shop-a"]


def test_the_user_and_serve_commands_set_stores_up_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = ["--journal", str(tmp_path / "journal.sqlite3")]
    monkeypatch.setattr("sys.stdin", io.StringIO("kim-password-1\n"))
    code, out, err = cli("user", "add", "kim", "--password-stdin", "--stores", "shop-a,shop-b", *journal)
    assert code == 0 and "kim은(는) 이 스토어만 씁니다: shop-a, shop-b" in out, err
    code, out, _ = cli("user", "list", *journal)
    assert (
        code == 0
        and out.splitlines()[0].startswith("kim\tcheck\t")
        and out.rstrip().endswith("\tshop-a,shop-b")
    )
    code, out, _ = cli("user", "stores", "kim", *journal)
    assert code == 0 and "kim은(는) 모든 스토어를 씁니다." in out
    assert cli("user", "list", *journal)[1].rstrip().endswith("\t모든 스토어")
    code, _, err = cli("serve", "--sandbox", "--store", "shop-a", *journal)
    assert code == 2 and "연습용 가상 스토어(--sandbox)는 스토어 하나입니다" in err
    code, _, err = cli("serve", "--all-stores", *journal)
    assert code == 2 and "--all-stores는 스토어가 적힌 설정 파일과 함께 씁니다" in err
    settings = stores_config(tmp_path / "s.toml")
    code, _, err = cli("serve", "--config", str(settings), "--store", "shop-z", *journal)
    assert code == 2 and "스토어 'shop-z'이(가) 없습니다" in err
    code, _, err = cli("serve", "--config", str(settings), *journal)  # two stores and no default_store
    assert code == 2 and "스토어가 여럿입니다(shop-a, shop-b)" in err


def test_an_older_desk_record_gains_the_store_column(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE desk_runs (id TEXT PRIMARY KEY, started_by TEXT NOT NULL, mode TEXT NOT NULL, "
            "file_name TEXT NOT NULL, upload TEXT NOT NULL, sheet TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL, "
            "status TEXT NOT NULL, created_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '', "
            "error_key TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', report TEXT NOT NULL DEFAULT '', "
            "result_file TEXT NOT NULL DEFAULT '', retry_file TEXT NOT NULL DEFAULT '', "
            "sendable INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '')"
        )
        db.execute(
            "INSERT INTO desk_runs (id, started_by, mode, file_name, upload, lang, status, created_at) "
            "VALUES ('r1', 'ann', 'check', 'a.xlsx', '', 'ko', 'done', '2026-11-01T09:00:00.000+09:00')"
        )
    store = DeskStore(path)
    try:
        old = store.get("r1")
        assert old is not None and old.store == ""
        assert [r.id for r in store.recent(10, stores=[""])] == ["r1"] and store.recent(
            10, stores=["shop-a"]
        ) == []
    finally:
        store.close()
