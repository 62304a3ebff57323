"""Notifications to real receivers on loopback: an HTTP server that records what it gets (or answers 500 first,
or hangs) and an SMTP server (aiosmtpd) that keeps each message. After a CLI dispatch with --notify and after
each sheet the folder watcher handles."""

from __future__ import annotations

import email
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from batchship.services.notify import Notifier, Webhook, run_digest
from tests.conftest import HEADER, cli, order_id, orders_sheet, write_xlsx
from tests.receivers import TOKEN, Mailbox, Receiver


def config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def mixed_sheet(path: Path, good: int = 3) -> Path:
    rows = [[order_id(i), "택배", "CJ대한통운", f"{6000000000 + i}", ""] for i in range(1, good + 1)]
    rows.append([order_id(90), "택배", "없는택배", "6000000090", ""])
    return write_xlsx(path, [HEADER, *rows])


def test_a_dispatch_sends_a_slack_style_digest(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATCHSHIP_NOTIFY_WEBHOOK", receiver.url)
    code, out, err = cli(
        "dispatch", str(mixed_sheet(tmp_path / "오늘.xlsx")), "--sandbox", "--notify", "--quiet"
    )
    assert code == 1  # the invalid row
    assert len(receiver.bodies) == 1 and set(receiver.bodies[0]) == {"text"}
    text = receiver.bodies[0]["text"]
    assert text.startswith("[batchship] 오늘.xlsx: 확인이 필요한 행 1건")
    assert "처리결과: 성공 3, 검증오류 1" in text and "104119 택배사 코드 확인 (1)" in text
    assert "보낸 곳: 샌드박스" in text and "오늘.result.xlsx" in text and "걸린 시간:" in text
    assert TOKEN not in out + err


def test_json_webhook_and_email_with_the_result_attached_and_the_problems_filter(
    tmp_path: Path, receiver: Receiver, mailbox: Mailbox
) -> None:
    settings = config(
        tmp_path / "batchship.toml",
        f"""
[[notify.webhook]]
url = "{receiver.url}"
format = "json"
when = "problems"

[notify.email]
host = "127.0.0.1"
port = {mailbox.port}
security = "none"
sender = "batchship@example.com"
to = ["ops@example.com", "boss@example.com"]
when = "always"
""",
    )
    code, _, err = cli(
        "dispatch",
        str(mixed_sheet(tmp_path / "a.xlsx")),
        "--sandbox",
        "--notify",
        "--config",
        str(settings),
        "--quiet",
    )
    assert code == 1, err
    body = receiver.bodies[0]
    assert body["counts"] == {"SUCCESS": 3, "INVALID": 1} and body["attention"] == 1
    assert body["error_codes"] == {"104119": 1} and body["file"] == "a.xlsx"
    message = mailbox.messages[0]
    assert str(email.header.make_header(email.header.decode_header(message["Subject"]))) == (
        "[batchship] a.xlsx: 확인이 필요한 행 1건"
    )
    assert message["To"] == "ops@example.com, boss@example.com"
    parts = list(message.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "처리결과: 성공 3, 검증오류 1" in text
    attached = [p for p in parts if p.get_filename()]
    assert [p.get_filename() for p in attached] == ["a.result.xlsx"]
    assert attached[0].get_payload(decode=True) == (tmp_path / "a.result.xlsx").read_bytes()
    # every row fine: the e-mail (always) goes, the webhook (problems) does not
    code, _, _ = cli(
        "dispatch",
        str(orders_sheet(tmp_path / "b.xlsx", range(20, 23))),
        "--sandbox",
        "--notify",
        "--config",
        str(settings),
        "--quiet",
    )
    assert code == 0 and len(mailbox.messages) == 2 and len(receiver.bodies) == 1
    assert "모두 처리했습니다" in str(
        email.header.make_header(email.header.decode_header(mailbox.messages[1]["Subject"]))
    )


def test_a_failing_receiver_is_tried_again(tmp_path: Path, receiver: Receiver) -> None:
    receiver.plan = [500]
    lines: list[str] = []
    report = _report(tmp_path)
    failed = Notifier((Webhook(receiver.url),), bound_s=10).send(
        run_digest(report, "샌드박스"), "ko", lines.append
    )
    assert failed == [] and lines == [] and len(receiver.bodies) == 2


def test_a_hanging_receiver_delays_nothing_beyond_the_bound(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.hang = threading.Event()
    settings = config(
        tmp_path / "b.toml", f'[notify]\nbound_s = 1.5\n[[notify.webhook]]\nurl = "{receiver.url}"\n'
    )
    start = time.monotonic()
    code, out, err = cli(
        "dispatch",
        str(orders_sheet(tmp_path / "s.xlsx", 2)),
        "--sandbox",
        "--notify",
        "--config",
        str(settings),
        "--quiet",
    )
    took = time.monotonic() - start
    assert code == 0 and receiver.got.wait(0) is False
    assert "알림을 보내지 못했습니다: http://127.0.0.1" in err and "실행 결과는 그대로입니다" in err
    assert TOKEN not in out + err
    run_alone = _timed_dispatch(tmp_path)
    assert took < run_alone + 1.5 + 1.0  # the bound, and a margin for a busy machine


def _timed_dispatch(tmp_path: Path) -> float:
    start = time.monotonic()
    cli("dispatch", str(orders_sheet(tmp_path / "t.xlsx", range(30, 32))), "--sandbox", "--quiet")
    return time.monotonic() - start


def _report(tmp_path: Path) -> Any:
    from batchship.sandbox import Sandbox
    from batchship.sandbox.server import Order
    from tests.conftest import run_job

    with Sandbox(orders=[Order(order_id(i)) for i in range(1, 3)]) as sb:
        return run_job(orders_sheet(tmp_path / "r.xlsx", 2), sb.base_url)


def test_the_watcher_reports_each_sheet_and_always_an_unreadable_one(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATCHSHIP_NOTIFY_WEBHOOK", receiver.url)
    monkeypatch.setenv("BATCHSHIP_NOTIFY_WHEN", "problems")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    orders_sheet(inbox / "좋은.xlsx", 2)  # all fine: `problems` sends nothing for it
    (inbox / "깨진.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    code, out, err = cli("watch", str(inbox), "--once", "--settle", "0", "--sandbox")
    assert code == 1  # a sheet failed
    texts = [b["text"] for b in receiver.bodies]
    assert len(texts) == 1 and texts[0].startswith("[batchship] 깨진.xlsx: 파일을 읽지 못했습니다"), out + err
    assert "보낸 곳: 샌드박스" in texts[0]
    assert TOKEN not in out + err


def test_settings_that_make_no_sense_are_refused_clearly(tmp_path: Path) -> None:
    bad = config(tmp_path / "c.toml", '[[notify.webhook]]\nurl = "ftp://x"\n')
    code, _, err = cli(
        "dispatch", str(orders_sheet(tmp_path / "s.xlsx", 1)), "--sandbox", "--notify", "--config", str(bad)
    )
    assert code == 2 and "`http(s)` 주소" in err
    code, _, err = cli("dispatch", str(orders_sheet(tmp_path / "s.xlsx", 1)), "--sandbox", "--notify")
    assert code == 2 and "알림을 보낼 곳이 설정되지 않았습니다" in err


def test_the_web_desk_notifies_after_a_dispatch_with_a_link_to_the_run(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.deskkit import desk_client, login, settings_for, upload, wait_done

    monkeypatch.setenv("BATCHSHIP_NOTIFY_WEBHOOK", receiver.url)
    settings = settings_for(tmp_path, notify=True, public_url="https://desk.example.co.kr/")
    with desk_client(settings) as client:
        csrf = login(client, "dan")
        wait_done(
            client, upload(client, orders_sheet(tmp_path / "s.xlsx", 2), csrf).json()["id"]
        )  # a check: no
        run = wait_done(
            client, upload(client, orders_sheet(tmp_path / "s.xlsx", 2), csrf, mode="dispatch").json()["id"]
        )
    assert len(receiver.bodies) == 1
    text = receiver.bodies[0]["text"]
    assert text.startswith("[batchship] s.xlsx: 모두 처리했습니다") and "성공 2" in text
    assert f"https://desk.example.co.kr/runs/{run['id']}" in text
