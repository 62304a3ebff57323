"""Several stores in one config file (`[stores.<name>]`, `--store NAME`): each store's credentials and its own
journal scope, a clear word when the choice is missing or wrong, and single-store configs as before."""

from __future__ import annotations

import os
from pathlib import Path

from batchship.journal import read_journal
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import cli, order_id, orders_sheet, read_rows


def config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def two_stores(tmp_path: Path, default: str = "") -> Path:
    head = f'default_store = "{default}"\n' if default else ""
    return config(
        tmp_path / "stores.toml",
        head
        + "".join(
            f'[stores.{name}]\nclient_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n'
            f'account_id = "{name}"\n'
            for name in ("shop-a", "shop-b")
        ),
    )


def test_each_store_dispatches_with_its_own_account(tmp_path: Path) -> None:
    settings, journal = two_stores(tmp_path), str(tmp_path / "j.sqlite3")
    sheet = orders_sheet(tmp_path / "s.xlsx", 3)
    with Sandbox(orders=[Order(order_id(i)) for i in range(1, 7)]) as sb:
        common = ["--config", str(settings), "--base-url", sb.base_url, "--journal", journal, "--quiet"]
        code, _, err = cli("dispatch", str(sheet), *common)
        assert code == 2 and "스토어가 여럿입니다(shop-a, shop-b)" in err and "--store" in err
        code, _, err = cli("dispatch", str(sheet), "--store", "shop-a", *common)
        assert code == 0, err
        facts = {r[0]: r[1] for r in read_rows(tmp_path / "s.result.xlsx", "요약") if r and r[0]}
        assert facts["스토어"] == "shop-a" and "shop-a" in facts["보낸 곳"]  # the result copy names its store
        seen = {
            store: cli(
                "check", str(sheet), "--config", str(settings), "--store", store, "--journal", journal
            )[1]
            for store in ("shop-a", "shop-b")
        }
        other = orders_sheet(tmp_path / "t.xlsx", range(4, 7))
        code, _, err = cli("dispatch", str(other), "--store", "shop-b", *common)
        assert code == 0, err
    assert (
        "이미처리" in seen["shop-a"] and "이미처리" not in seen["shop-b"]
    )  # each store reads its own attempts
    store = read_journal(journal)
    assert store is not None
    with store:
        accounts = {a.product_order_id: a.account for a in store.attempts_since("")}
    assert accounts == {
        **{order_id(i): f"{DEMO_CLIENT_ID}/shop-a" for i in (1, 2, 3)},
        **{order_id(i): f"{DEMO_CLIENT_ID}/shop-b" for i in (4, 5, 6)},
    }
    pick = ["--journal", journal, "--config", str(settings), "--store"]
    code, out, _ = cli("history", order_id(1), order_id(4), *pick, "shop-b")
    assert code == 0 and order_id(4) in out and order_id(1) not in out
    code, out, _ = cli("history", order_id(1), *pick, "shop-b")
    assert code == 1  # nothing of shop-b's for that order
    code, out, _ = cli("journal", "export", "--since", "2000-01-01", *pick, "shop-a")
    assert code == 0 and len(out.splitlines()) == 4 and "shop-b" not in out
    code, out, _ = cli("journal", "export", "--since", "2000-01-01", "--journal", journal)
    assert len(out.splitlines()) == 7  # every store's without --store


def test_a_wrong_or_missing_store_choice_is_said_clearly(tmp_path: Path) -> None:
    settings = two_stores(tmp_path, default="shop-b")
    sheet = orders_sheet(tmp_path / "s.xlsx", 1)
    code, _, err = cli("check", str(sheet), "--config", str(settings), "--store", "shop-z")
    assert code == 2 and "스토어 'shop-z'이(가) 없습니다(있는 스토어: shop-a, shop-b)" in err
    code, _, err = cli("check", str(sheet), "--store", "shop-a")
    assert code == 2 and "--config 파일을 주세요" in err
    code, _, err = cli("check", str(sheet), "--config", str(settings))  # default_store picks shop-b
    assert code == 0, err
    single = config(
        tmp_path / "one.toml", f'client_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n'
    )
    assert cli("check", str(sheet), "--config", str(single))[0] == 0  # a one-store config as before
    code, _, err = cli("check", str(sheet), "--config", str(single), "--store", "shop-a")
    assert code == 2 and "[stores.이름] 표가 없습니다" in err


def test_one_sandbox_stands_in_for_two_stores(tmp_path: Path) -> None:
    """An order belongs to one store: the other store's token neither finds it in a lookup nor ships it."""
    settings, journal = two_stores(tmp_path), str(tmp_path / "j.sqlite3")
    sheet = orders_sheet(tmp_path / "s.xlsx", 2)
    orders = [Order(order_id(1), seller="shop-a"), Order(order_id(2), seller="shop-b")]
    with Sandbox(orders=orders) as sb:
        common = ["--config", str(settings), "--base-url", sb.base_url, "--journal", journal, "--quiet"]
        code, out, err = cli("dispatch", str(sheet), "--store", "shop-a", "--no-preflight", *common)
        assert code == 1, out + err
        assert sb.dispatch_counts() == {order_id(1): 1}
    rows = read_rows(tmp_path / "s.result.xlsx")
    assert rows[2][-3:-1] == ("실패", "100001"), rows  # shop-b's order is not found with shop-a's token


def test_reconcile_settles_a_store_s_attempts_with_that_store_s_credentials_only(tmp_path: Path) -> None:
    """Each store had a run die after sending; `reconcile --store` looks up and settles that store's attempts
    alone, with its own token, and leaves the other store's for its own reconcile."""
    from batchship.domain.plan import DispatchItem
    from batchship.journal import open_journal

    settings, journal = two_stores(tmp_path), tmp_path / "j.sqlite3"
    date = "2024-05-05T10:00:00.000+09:00"
    for n, store in ((1, "shop-a"), (2, "shop-b")):
        with open_journal(journal, f"{DEMO_CLIENT_ID}/{store}") as attempts:
            attempts.begin(
                [DispatchItem(2, order_id(n), "DELIVERY", "CJGLS", f"600000000{n}", date)], "x.xlsx"
            )
    shipped = {"status": "DELIVERING", "delivery_company": "CJGLS"}
    orders = [
        Order(order_id(1), **shipped, tracking_number="6000000001", seller="shop-a"),
        Order(order_id(2), **shipped, tracking_number="6000000002", seller="shop-b"),
    ]
    with Sandbox(orders=orders) as sb:
        common = ["--config", str(settings), "--base-url", sb.base_url, "--journal", str(journal)]
        code, out, err = cli("reconcile", "--store", "shop-b", *common)
        assert code == 0, err
        assert f"{order_id(2)}  확인필요 → 성공" in out and order_id(1) not in out
        with open_journal(journal, f"{DEMO_CLIENT_ID}/shop-a") as attempts:
            assert [a.product_order_id for a in attempts.unsettled()] == [order_id(1)]
        code, out, err = cli("reconcile", "--store", "shop-a", *common)
        assert code == 0, err
        assert f"{order_id(1)}  확인필요 → 성공" in out and order_id(2) not in out
        assert sb.calls().get("dispatch", 0) == 0
