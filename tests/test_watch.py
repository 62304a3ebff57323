"""`batchship watch` as real processes on real folders, against the sandbox on loopback."""

from __future__ import annotations

import io
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from batchship.apps.cli import main
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, Sandbox
from batchship.sandbox.server import Order
from tests.conftest import dispatch_env, order_id, orders_sheet, read_rows

ROOT = Path(__file__).parent.parent


@pytest.fixture
def sb(sandbox_of: Callable[..., Sandbox]) -> Sandbox:
    return sandbox_of(399)


def env_for(sandbox: Sandbox) -> dict[str, str]:
    return dispatch_env(BATCHSHIP_API_BASE_URL=sandbox.base_url)


def sheet_bytes(tmp_path: Path, first: int, n: int, name: str = "src.xlsx") -> bytes:
    return orders_sheet(tmp_path / name, range(first, first + n), date="").read_bytes()


def watch(inbox: Path, sandbox: Sandbox, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "batchship", "watch", str(inbox), "--interval", "0.2", *args],
        env=env_for(sandbox),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_dropped_sheet_is_dispatched_filed_and_reported(tmp_path: Path, sb: Sandbox) -> None:
    """A sheet copied into INBOX under a temporary name and renamed (as copy tools do) is dispatched once it
    has settled, filed under done/, and its result copy and report appear in results/; SIGTERM ends the watch
    with exit 0. (When a file still being written is taken: `test_watcher.py`, with a fake clock.)"""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    proc = watch(inbox, sb, "--settle", "0.5")
    try:
        partial = inbox / "오늘발송.xlsx.part"
        partial.write_bytes(sheet_bytes(tmp_path, 1, 10))
        partial.rename(inbox / "오늘발송.xlsx")
        assert proc.stdout is not None
        start = proc.stdout.readline()  # what is watched, how often, the journal and where results go
        line = proc.stdout.readline()  # waits for the watcher to say what it did
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert line.startswith("처리함: 오늘발송.xlsx: 성공=10"), line + out + err
    assert start.startswith(
        f"감시 시작: {inbox.resolve()} (0.2초마다 확인, 0.5초 동안 그대로인 파일을 처리). 저널: "
    )
    assert f"결과: {inbox.resolve() / 'results'}." in start
    assert (inbox / "done" / "오늘발송.xlsx").exists()
    assert sorted(p.name for p in (inbox / "results").iterdir()) == [
        "batchship.log",
        "오늘발송.report.json",
        "오늘발송.result.xlsx",
    ]
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(1, 11)}


def test_once_ignores_lock_and_hidden_files_and_files_a_corrupt_one_under_failed(
    tmp_path: Path, sb: Sandbox
) -> None:
    """Lock files, hidden and temporary files are left alone; a corrupt file goes to failed/ with the reason
    in check's words while the good one beside it is dispatched; --once exits 1 because something failed."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.xlsx").write_bytes(sheet_bytes(tmp_path, 20, 5))
    (inbox / "bad.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    ignored = ["~$good.xlsx", ".~lock.good.xlsx#", ".hidden.csv", "upload.xlsx.part", "notes.docx"]
    for name in ignored:
        (inbox / name).write_bytes(b"x")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "deep.xlsx").write_bytes(sheet_bytes(tmp_path, 40, 1, "deep.xlsx"))
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(sheet_bytes(tmp_path, 50, 1, "o.xlsx"))
    (inbox / "link.xlsx").symlink_to(outside)
    proc = watch(inbox, sb, "--once", "--settle", "0.3")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["good.xlsx"]
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == ["bad.xlsx", "bad.xlsx.error.txt"]
    for name in [*ignored, "link.xlsx"]:
        assert (inbox / name).exists() or (inbox / name).is_symlink(), name
    assert (inbox / "sub" / "deep.xlsx").exists()
    reason = (inbox / "failed" / "bad.xlsx.error.txt").read_text(encoding="utf-8").strip()
    err_check = io.StringIO()
    main(["check", str(inbox / "failed" / "bad.xlsx")], stdout=io.StringIO(), stderr=err_check)
    same_words = err_check.getvalue().removeprefix("batchship: ").strip()
    assert re.sub(r"\S*bad\.xlsx", "FILE", reason) == re.sub(r"\S*bad\.xlsx", "FILE", same_words)
    assert set(sb.dispatch_counts()) == {order_id(i) for i in range(20, 25)}
    log = (inbox / "results" / "batchship.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2
    assert any("good.xlsx\trows=5\t성공=5\t종료 코드 0" in line for line in log)
    assert DEMO_CLIENT_SECRET not in "\n".join(log) + out + err


def test_two_watchers_on_one_folder_do_not_both_process(tmp_path: Path) -> None:
    """Two `--once` watchers start together: one works, the other says another is running and exits 0."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for k in range(3):
        (inbox / f"s{k}.xlsx").write_bytes(sheet_bytes(tmp_path, 100 + 10 * k, 10, f"s{k}.xlsx"))
    with Sandbox(
        orders=[Order(order_id(i)) for i in range(100, 130)], faults=Faults(latency_s=0.3)
    ) as sandbox:
        procs = [watch(inbox, sandbox, "--once", "--settle", "0.2") for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        counts = sandbox.dispatch_counts()
    assert sorted(p.returncode for p in procs) == [0, 0]
    assert sum("다른 batchship watch가" in o for o, _ in outs) == 1
    assert counts == {order_id(i): 1 for i in range(100, 130)}
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["s0.xlsx", "s1.xlsx", "s2.xlsx"]


def test_sigterm_mid_sheet_then_restart_completes_it(tmp_path: Path) -> None:
    """SIGTERM while a sheet is being sent: requests in flight finish, the result copy is written, the sheet
    stays in processing/, exit 0. The next start resumes it first and nothing is sent twice."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "big.xlsx").write_bytes(sheet_bytes(tmp_path, 200, 100))
    with Sandbox(
        orders=[Order(order_id(i)) for i in range(200, 300)], faults=Faults(latency_s=0.2)
    ) as sandbox:
        proc = watch(inbox, sandbox, "--settle", "0.2", "--batch-size", "5", "--rate-limit", "10")
        assert sandbox.wait_until(lambda calls, _: calls.get("dispatch", 0) >= 3), sandbox.calls()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert (inbox / "processing" / "big.xlsx").exists()
        first = read_rows(inbox / "results" / "big.result.xlsx")[1:]
        sent = {r[0] for r in first if r[5] == "성공"}
        assert 0 < len(sent) < 100
        assert {r[5] for r in first if r[0] not in sent} == {"미전송"}
        again = watch(inbox, sandbox, "--once", "--settle", "0.2")
        out2, err2 = again.communicate(timeout=120)
        counts = sandbox.dispatch_counts()
    assert again.returncode == 0, out2 + err2
    assert counts == {order_id(i): 1 for i in range(200, 300)}
    assert (inbox / "done" / "big.xlsx").exists()
    second = sorted((inbox / "results").glob("big.result*.xlsx"))
    assert len(second) == 2  # the first result copy is kept; the new one has a timestamp suffix
    final = read_rows(next(p for p in second if p.name != "big.result.xlsx"))[1:]
    assert {r[0] for r in final if r[5] == "이미처리"} == sent
    assert all(r[5] in ("성공", "이미처리") for r in final)


def test_a_stale_lock_file_from_a_dead_watcher_does_not_block(tmp_path: Path, sb: Sandbox) -> None:
    """A lock file left by a dead watcher (no process holds it) does not stop the next one."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".batchship-watch.lock").write_text("pid 999999\n")
    (inbox / "a.xlsx").write_bytes(sheet_bytes(tmp_path, 300, 2))
    proc = watch(inbox, sb, "--once", "--settle", "0")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert (inbox / "done" / "a.xlsx").exists()


def _readme_block(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```\n(.*?)```", text, re.S)
    assert match, marker
    return match.group(1)


@pytest.mark.parametrize("marker", ["cron", "systemd-service"])
def test_readme_cron_and_systemd_command_lines_work(tmp_path: Path, sb: Sandbox, marker: str) -> None:
    """The exact `batchship watch` command in the README's crontab line and systemd unit runs and dispatches
    (its paths swapped for test folders, its credentials in a private config file as the README says)."""
    block = _readme_block(marker)
    line = next(x for x in block.splitlines() if "batchship watch" in x)
    command = line.split("ExecStart=")[-1]
    command = command[command.index("batchship watch") :].split(" >>")[0]
    argv = shlex.split(command)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "day.xlsx").write_bytes(sheet_bytes(tmp_path, 350, 3))
    config = tmp_path / "naver.toml"
    config.write_text(f'client_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n')
    config.chmod(0o600)
    swapped = [
        str(inbox) if a == "/mnt/share/발송" else str(config) if a == "/etc/batchship/naver.toml" else a
        for a in argv
    ]
    assert swapped[:2] == ["batchship", "watch"] and "--once" in swapped
    env = env_for(sb)
    env.pop("NAVER_COMMERCE_CLIENT_ID")
    env.pop("NAVER_COMMERCE_CLIENT_SECRET")
    proc = subprocess.run(
        [sys.executable, "-m", "batchship", *swapped[1:], "--settle", "0.2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (inbox / "done" / "day.xlsx").exists()
    assert sb.dispatch_counts() == {order_id(i): 1 for i in range(350, 353)}
