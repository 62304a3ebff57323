"""One watcher serving several stores (`--all-stores`, `--store A --store B`): an inbox per store
(`INBOX/<store>/`), each store's own credentials, journal account, pace and notification channels, in one
process, against one sandbox standing in for two stores (each order belongs to one store; the other store
neither sees nor ships it), with a webhook receiver and an SMTP server on loopback."""

from __future__ import annotations

import contextlib
import email.header
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from batchship.apps.cli.parser import build_parser
from batchship.apps.cli.watching import _lanes
from batchship.journal import read_journal
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import cli, order_id, orders_sheet
from tests.receivers import TOKEN, Mailbox, Receiver, receiving

STORES = ("shop-a", "shop-b")


def store_tables(**extra: str) -> str:
    """Two stores of one application (SELLER tokens with their own account ids), `extra` added to a store's
    table by name."""
    return "".join(
        f'[stores.{name}]\nclient_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n'
        f'account_id = "{name}"\n{extra.get(name.replace("-", "_"), "")}\n'
        for name in STORES
    )


def config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def two_store_sandbox(first: int) -> Sandbox:
    """Orders first..first+2 are shop-a's, first+3..first+5 shop-b's."""
    return Sandbox(
        orders=[Order(order_id(first + i), seller=STORES[i // 3]) for i in range(6)],
    )


def watch_once(
    inbox: Path, settings: Path, sandbox: Sandbox, journal: Path, *more: str
) -> subprocess.CompletedProcess[str]:
    """`batchship watch INBOX --once` as a real process."""
    argv = ["watch", str(inbox), "--config", str(settings), "--once", "--settle", "0"]
    argv += ["--base-url", sandbox.base_url, "--journal", str(journal), *more]
    return subprocess.run(
        [sys.executable, "-m", "batchship", *argv], capture_output=True, text=True, timeout=180
    )


def subject(message: email.message.Message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_a_watcher_serves_two_stores_and_notifies_each_by_webhook_and_email(
    tmp_path: Path, receiver: Receiver, mailbox: Mailbox
) -> None:
    settings = config(
        tmp_path / "stores.toml",
        f"""[notify]
bound_s = 5
[[notify.webhook]]
url = "{receiver.url}"
[notify.email]
host = "127.0.0.1"
port = {mailbox.port}
security = "none"
sender = "batchship@example.com"
to = ["ops@example.com"]

"""
        + store_tables(shop_a="rate_limit = 4"),
    )
    inbox, journal = tmp_path / "inbox", tmp_path / "journal.sqlite3"
    for store in STORES:
        (inbox / store).mkdir(parents=True)
    # shop-a's sheet holds one of shop-b's orders: shop-a's credentials must not ship it
    orders_sheet(inbox / "shop-a" / "a.xlsx", [1, 2, 3, 4])
    orders_sheet(inbox / "shop-b" / "b.xlsx", range(4, 7))
    with two_store_sandbox(1) as sb:
        done = watch_once(inbox, settings, sb, journal, "--all-stores")
        counts = sb.dispatch_counts()
        calls = sb.calls()
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # shop-a's sheet has a refused row
    assert counts == {order_id(i): 1 for i in range(1, 7)}  # order 4 shipped once, by shop-b
    assert calls.get("rate_limited", 0) == 0
    for store, name in (("shop-a", "a"), ("shop-b", "b")):
        assert (inbox / store / "done" / f"{name}.xlsx").is_file(), out
        assert (inbox / store / "results" / f"{name}.result.xlsx").is_file(), out
        assert f"[{store}] 감시 시작: {inbox / store}" in done.stdout
    lines = done.stdout.splitlines()
    assert "[shop-a] 처리함: a.xlsx: 성공=3 실패=1" in lines and "[shop-b] 처리함: b.xlsx: 성공=3" in lines
    # the webhook: a Slack-style digest per store, with the right counts and codes
    texts = {
        body["text"].split(" · ")[0].removeprefix("[batchship] "): body["text"] for body in receiver.bodies
    }
    assert set(texts) == set(STORES), receiver.bodies
    assert texts["shop-a"].startswith("[batchship] shop-a · a.xlsx: 확인이 필요한 행 1건")
    # the pre-flight lookup with shop-a's token does not find shop-b's order: never sent
    assert "처리결과: 성공 3, 실패 1" in texts["shop-a"] and "BS603 NAVER에 없는 주문 (1)" in texts["shop-a"]
    assert f"보낸 곳: 샌드박스(로컬 모의 서버) shop-a {sb.base_url}" in texts["shop-a"]
    assert texts["shop-b"].startswith("[batchship] shop-b · b.xlsx: 모두 처리했습니다")
    assert "처리결과: 성공 3" in texts["shop-b"] and "실패" not in texts["shop-b"]
    # the e-mail: Korean subject and body per store, the result copy attached
    mails = {subject(m).split(" · ")[0].removeprefix("[batchship] "): m for m in mailbox.messages}
    assert set(mails) == set(STORES)
    parts = list(mails["shop-a"].walk())
    body = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "처리결과: 성공 3, 실패 1" in body
    attached = [p for p in parts if p.get_filename()]
    assert [p.get_filename() for p in attached] == ["a.result.xlsx"]
    assert (
        attached[0].get_payload(decode=True) == (inbox / "shop-a" / "results" / "a.result.xlsx").read_bytes()
    )
    assert TOKEN not in out
    # each store's attempts are recorded under its own account
    store = read_journal(str(journal))
    assert store is not None
    with store:
        accounts = {a.product_order_id: a.account for a in store.attempts_since("")}
    assert accounts[order_id(1)] == f"{DEMO_CLIENT_ID}/shop-a"
    assert accounts[order_id(4)] == f"{DEMO_CLIENT_ID}/shop-b"


def test_a_hanging_receiver_holds_up_no_store_beyond_the_bound(tmp_path: Path, receiver: Receiver) -> None:
    """shop-b's own channel hangs (its [stores.shop-b.notify] replaces [notify]); shop-a's digest arrives all
    the same, and the watch ends within the bound of the moment the hanging receiver was reached."""
    with receiving(hang=True) as hanging:
        hook = f'[[stores.shop-b.notify.webhook]]\nurl = "{hanging.url}"\n'
        settings = config(
            tmp_path / "stores.toml",
            f'[notify]\n[[notify.webhook]]\nurl = "{receiver.url}"\n\n'
            + store_tables(shop_b=f"[stores.shop-b.notify]\nbound_s = 1.5\n{hook}"),
        )
        inbox = tmp_path / "inbox"
        for i, store in enumerate(STORES):
            (inbox / store).mkdir(parents=True)
            orders_sheet(inbox / store / f"{store}.xlsx", range(1 + 3 * i, 4 + 3 * i))
        with two_store_sandbox(1) as sb:
            journal = tmp_path / "journal.sqlite3"
            done = watch_once(inbox, settings, sb, journal, "--store", "shop-a", "--store", "shop-b")
            ended = time.monotonic()
        assert done.returncode == 0, done.stdout + done.stderr
        assert len(hanging.arrived) == 1 and not hanging.bodies  # reached, never answered
    assert "[shop-b] 알림을 보내지 못했습니다: http://127.0.0.1" in done.stdout
    assert TOKEN not in done.stdout + done.stderr
    assert [b["text"].split(" · ")[0] for b in receiver.bodies] == ["[batchship] shop-a"]
    # the bound (1.5 s), and a margin for the process to end on a busy machine
    assert ended - hanging.arrived[0] < 1.5 + 1.5


def _lanes_of(tmp_path: Path, settings: Path, *more: str) -> list:
    args = build_parser("ko").parse_args(["watch", str(tmp_path / "in"), "--config", str(settings), *more])
    with contextlib.ExitStack() as stack:
        return _lanes(args, io.StringIO(), "ko", [], stack)


def test_each_store_is_paced_by_its_own_rate_and_one_application_by_one_limiter(tmp_path: Path) -> None:
    other = "other-app-0000000000"
    text = store_tables(shop_a="rate_limit = 5", shop_b="rate_limit = 3") + (
        f'[stores.own]\nclient_id = "{other}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\nrate_limit = 7\n'
    )
    lanes = _lanes_of(tmp_path, config(tmp_path / "s.toml", text), "--all-stores")
    assert [lane.watcher.inbox for lane in lanes] == [
        tmp_path / "in" / n for n in ("shop-a", "shop-b", "own")
    ]
    a, b, own = (lane.target.limiter for lane in lanes)
    assert a is b and a is not None and a.rate == 3  # one application: one bucket at NAVER, one limiter here
    assert own is not None and own is not a and own.rate == 7
    explicit = _lanes_of(tmp_path, config(tmp_path / "s.toml", text), "--all-stores", "--rate-limit", "1.5")
    assert {lane.target.limiter.rate for lane in explicit} == {1.5}  # --rate-limit wins over the config


def test_choices_that_cannot_work_are_refused_clearly(tmp_path: Path) -> None:
    inbox = str(tmp_path / "in")
    code, _, err = cli("watch", inbox, "--all-stores", "--once")
    assert code == 2 and "--all-stores는 스토어가 적힌 설정 파일과 함께 씁니다" in err
    single = config(
        tmp_path / "one.toml", f'client_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n'
    )
    code, _, err = cli("watch", inbox, "--config", str(single), "--all-stores", "--once")
    assert code == 2 and "[stores.이름] 표가 없습니다" in err
    two = config(tmp_path / "two.toml", store_tables())
    code, _, err = cli("watch", inbox, "--config", str(two), "--all-stores", "--sandbox", "--once")
    assert code == 2 and "연습용 가상 스토어(--sandbox)는 스토어 하나입니다" in err
    odd = config(tmp_path / "odd.toml", store_tables(shop_a="rate_limit = 0"))
    code, _, err = cli("watch", inbox, "--config", str(odd), "--all-stores", "--once")
    assert code == 2 and "`rate_limit` 값 0은(는) 쓸 수 없습니다" in err and "shop-a" in err
    slash = config(
        tmp_path / "slash.toml", store_tables() + '[stores."a/b"]\nclient_id = "x"\nclient_secret = "y"\n'
    )
    code, _, err = cli("watch", inbox, "--config", str(slash), "--all-stores", "--once")
    assert code == 2 and "스토어 이름 'a/b'은(는) 폴더 이름으로 쓸 수 없습니다" in err
