"""`batchship dispatch` as users run it: credentials, secrets, exit codes, the sandbox demo, and signals."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import cli, dispatch_env, order_id, orders_sheet, read_rows

ROOT = Path(__file__).parent.parent


def make_sheet(tmp_path: Path, n: int) -> Path:
    return orders_sheet(tmp_path / "발송.xlsx", n, date="")


@pytest.fixture
def sandbox(sandbox_of: Callable[..., Sandbox]) -> Sandbox:
    return sandbox_of(199)


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_SECRET", DEMO_CLIENT_SECRET)


def test_missing_credentials_exit_2_naming_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials: exit 2 naming both variables and pointing at --sandbox; the result copy is not needed."""
    monkeypatch.delenv("NAVER_COMMERCE_CLIENT_ID", raising=False)
    monkeypatch.delenv("NAVER_COMMERCE_CLIENT_SECRET", raising=False)
    code, _, err = cli("dispatch", str(make_sheet(tmp_path, 2)))
    assert code == 2
    assert "NAVER_COMMERCE_CLIENT_ID, NAVER_COMMERCE_CLIENT_SECRET" in err and "--sandbox" in err


def test_config_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    """A config file with the secret that group or others can read is refused, saying how to fix it."""
    config = tmp_path / "naver.toml"
    config.write_text(f'client_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n')
    config.chmod(0o644)
    code, _, err = cli("dispatch", str(make_sheet(tmp_path, 1)), "--config", str(config))
    assert code == 2 and f"chmod 600 {config}" in err
    assert DEMO_CLIENT_SECRET not in err


def test_config_file_works_and_secrets_never_leak(tmp_path: Path, sandbox: Sandbox) -> None:
    """With a private config file the run succeeds; the secret is in no output, report or result file."""
    config = tmp_path / "naver.toml"
    config.write_text(f'[naver]\nclient_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n')
    config.chmod(0o600)
    report = tmp_path / "r.json"
    path = make_sheet(tmp_path, 3)
    code, out, err = cli(
        "dispatch",
        str(path),
        "--config",
        str(config),
        "--base-url",
        sandbox.base_url,
        "--report",
        str(report),
    )
    assert code == 0, err
    assert "성공          3" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["counts"]["SUCCESS"] == 3 and data["requests"] == 1 and "duration_s" in data
    with zipfile.ZipFile(tmp_path / "발송.result.xlsx") as zf:
        result_text = b"".join(zf.read(n) for n in zf.namelist())
    for blob in (out, err, report.read_text(encoding="utf-8"), result_text.decode("utf-8", "replace")):
        assert DEMO_CLIENT_SECRET not in blob
        assert DEMO_CLIENT_SECRET[7:] not in blob


def test_refused_credentials_exit_2_and_still_write_the_result(
    tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secret NAVER refuses: exit 2, nothing sent, every row 미전송 in the result copy, secret not shown,
    nothing journaled."""
    wrong = "$2a$04$WrongSecretWrongSecreu"
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("NAVER_COMMERCE_CLIENT_SECRET", wrong)
    path = make_sheet(tmp_path, 2)
    code, out, err = cli("dispatch", str(path), "--base-url", sandbox.base_url, "--debug")
    assert code == 2
    assert "NAVER가 인증 토큰 요청을 거부했습니다(HTTP 401 GW.AUTHN)" in err
    assert wrong not in out + err and wrong[7:] not in out + err
    assert sandbox.dispatch_counts() == {}
    rows = read_rows(tmp_path / "발송.result.xlsx")
    assert [r[5] for r in rows[1:]] == ["미전송", "미전송"]
    # credentials are proven before anything is journaled: a run that sent nothing leaves nothing pending
    assert not Path(os.environ["BATCHSHIP_JOURNAL"]).exists()


def test_env_base_url_and_dry_run_prints_a_sample_body(
    tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, creds: None
) -> None:
    """BATCHSHIP_API_BASE_URL is honoured; --dry-run prints the first request body and calls nothing."""
    monkeypatch.setenv("BATCHSHIP_API_BASE_URL", sandbox.base_url)
    code, out, _ = cli("dispatch", str(make_sheet(tmp_path, 31)), "--dry-run", "--lang", "en")
    assert code == 0  # every row passed the checks: a dry run with nothing wrong
    assert "Dry run: built 2 request(s) and sent nothing." in out
    assert '"productOrderId": "' + order_id(1) + '"' in out
    assert '"dispatchDate": "' in out
    assert sandbox.calls() == {}


def test_sandbox_demo_shows_every_naver_refusal(tmp_path: Path) -> None:
    """`dispatch --sandbox` on the sample data, as `make demo` runs it (default options): successes (some
    confirmed by a lookup after a 504, a main product and its add-on), our checks' rejections, what the
    pre-flight lookup kept back (a cancel request held, an order shipped by hand 이미처리, one shipped with
    another number, one the store does not have), NAVER's refusals, and an order cancelled while NAVER timed out
    (the lookup shows the request did not apply: 실패 104442). No cancel request is rejected, no add-on goes
    before its main product."""
    out_path = tmp_path / "demo.xlsx"
    code, out, err = cli(
        "dispatch",
        str(ROOT / "sample_data" / "발송처리_샘플.xlsx"),
        "--sandbox",
        "--sandbox-orders",
        str(ROOT / "sample_data" / "sandbox_orders.csv"),
        "--out",
        str(out_path),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert code == 1, err
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    counts = data["counts"]
    shown = ("SUCCESS", "FAILED", "INVALID", "UNKNOWN", "HELD", "ALREADY_DISPATCHED")
    assert tuple(counts[k] for k in shown) == (19, 5, 5, 0, 1, 1)
    assert set(data["error_codes"]) == {
        "104442",
        "104121",
        "104122",
        "BS501",
        "BS601",
        "BS603",
        "BS103",
        "104119",
        "104120",
        "104131",
    }
    assert data["lookups"] == 2  # the pre-flight, and one after the lost answer
    assert "샌드박스: http://127.0.0.1:" in out
    summary = {row[0]: row[1] for row in read_rows(out_path, "요약") if row and row[0]}
    assert summary["방식"] == "발송(dispatch)"
    assert summary["보낸 곳"].startswith("샌드박스(로컬 모의 서버) http://127.0.0.1:")
    assert (
        summary["성공"] == 19 and summary["실패"] == 5 and summary["확인필요"] == 0 and summary["보류"] == 1
    )


def test_practice_without_an_orders_file_knows_every_order_of_the_sheet(tmp_path: Path) -> None:
    """`dispatch --sandbox` alone: every order of the sheet exists as PAYED, so every valid row ships; a second
    run finds them dispatched (the practice store keeps its state beside the journal), and its result copy
    takes a new name: the first run's 성공 copy stays."""
    sheet = make_sheet(tmp_path, 3)
    journal = tmp_path / "practice.sqlite3"
    code, _, err = cli("dispatch", str(sheet), "--sandbox", "--journal", str(journal))
    assert code == 0, err
    assert [r[5] for r in read_rows(tmp_path / "발송.result.xlsx")[1:]] == ["성공"] * 3
    assert (tmp_path / "practice.sandbox.json").is_file()
    report = tmp_path / "r.json"
    code, _, err = cli(
        "dispatch", str(sheet), "--sandbox", "--journal", str(journal), "--report", str(report)
    )
    assert code == 0, err
    second = Path(json.loads(report.read_text(encoding="utf-8"))["result_file"])
    assert second.parent == tmp_path and second.name.startswith("발송.result.2") and second.suffix == ".xlsx"
    assert [r[5] for r in read_rows(second)[1:]] == ["이미처리"] * 3
    assert [r[5] for r in read_rows(tmp_path / "발송.result.xlsx")[1:]] == ["성공"] * 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"productOrderId,status\n2024050000000012,SHIPPED\n",
            "2행: 주문 2024050000000012의 status 값 SHIPPED",
        ),
        (b"productOrderId,fault\n2024050000000012,explode\n", "fault 값 explode을(를) 알 수 없습니다"),
        (b"productOrderId\n\xff\xfe2024\n", "UTF-8이 아닙니다"),
        (None, "읽을 수 없습니다(파일이나 폴더가 없음)"),
    ],
    ids=["status", "fault", "not-utf8", "missing"],
)
def test_a_wrong_practice_orders_file_says_where_in_korean_only(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    orders = tmp_path / "orders.csv"
    if content is not None:
        orders.write_bytes(content)
    journal = tmp_path / "j.sqlite3"
    code, _, err = cli(
        "dispatch",
        str(make_sheet(tmp_path, 1)),
        "--sandbox",
        "--sandbox-orders",
        str(orders),
        "--journal",
        str(journal),
    )
    assert code == 2 and expected in err and "Traceback" not in err
    assert not re.search(r"\b(unknown|use one of|cannot|No such)\b", err, re.IGNORECASE), err
    code, _, err = cli("sandbox", "--orders", str(orders))
    assert code == 2 and expected in err


def test_sigterm_finishes_in_flight_and_writes_the_result(tmp_path: Path) -> None:
    """A real `batchship dispatch` process gets SIGTERM mid-run: it stops sending, exits, and the result copy
    marks sent rows 성공 and the rest 미전송, matching exactly what the sandbox received."""
    path = make_sheet(tmp_path, 300)
    with Sandbox(orders=[Order(order_id(i)) for i in range(1, 301)], faults=Faults(latency_s=0.3)) as sb:
        env = dispatch_env()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "batchship",
                "dispatch",
                str(path),
                "--base-url",
                sb.base_url,
                "--quiet",
                "--batch-size",
                "5",
                "--rate-limit",
                "50",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert sb.wait_until(lambda calls, _: calls.get("dispatch", 0) >= 3), sb.calls()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        counts = sb.dispatch_counts()
    assert proc.returncode == 1, err
    assert 0 < len(counts) < 300
    assert set(counts.values()) == {1}
    rows = read_rows(tmp_path / "발송.result.xlsx")[1:]
    sent = {r[0] for r in rows if r[5] == "성공"}
    assert sent == set(counts)
    assert all(r[5] == "미전송" for r in rows if r[0] not in sent)
    assert "중단 요청으로 보내지 않았습니다" in {r[7] for r in rows if r[0] not in sent}.pop()


def test_sandbox_command_runs_as_a_process(tmp_path: Path, creds: None) -> None:
    """`batchship sandbox` serves on loopback, prints its URL and credentials, takes a dispatch, and exits 0
    on SIGTERM."""
    orders = tmp_path / "orders.csv"
    orders.write_text(
        f"productOrderId,status,placeOrderStatus\n{order_id(1)},PAYED,OK\n{order_id(2)},CANCELED,OK\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "batchship", "sandbox", "--orders", str(orders), "--rate-limit", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.match(r"샌드박스가 (http://127\.0\.0\.1:\d+/external)에서 기다립니다$", first.strip())
        assert found, first
        url = found.group(1)
        assert proc.stdout.readline().strip() == f"BATCHSHIP_API_BASE_URL={url}"
        path = make_sheet(tmp_path, 2)
        code, out, _ = cli("dispatch", str(path), "--base-url", url, "--lang", "en")
        assert code == 1
        assert "SUCCESS     1" in out and "FAILED      1" in out and "BS602" in out  # kept back by the lookup
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
