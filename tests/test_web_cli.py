"""`batchship user` and `batchship serve` as real processes: passwords from standard input only, tokens shown
once, the desk refusing to listen beyond this machine with no account, a real server that stops on a signal."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from batchship.accounts import UserStore
from batchship.apps.cli import main
from tests.deskkit import free_port

BATCHSHIP = [sys.executable, "-m", "batchship"]


def run(*args: str, stdin: str | None = None, journal: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BATCHSHIP, *args, "--journal", str(journal)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def inproc(*args: str, stdin: str = "", journal: Path) -> subprocess.CompletedProcess[str]:
    """`batchship ARGS --journal JOURNAL` in this process, `stdin` as its standard input."""
    out, err, was = io.StringIO(), io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main([*args, "--journal", str(journal)], stdout=out, stderr=err)
    finally:
        sys.stdin = was
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_user_commands(tmp_path: Path) -> None:
    """Every action; the password comes from standard input, and neither it nor a token is in the file. The
    first command runs as a process of its own, the rest in-process (the same code, a second apiece less)."""
    journal = tmp_path / "journal.sqlite3"
    added = run(
        "user",
        "add",
        "mina",
        "--role",
        "dispatch",
        "--password-stdin",
        stdin="correct horse 9\n",
        journal=journal,
    )
    assert added.returncode == 0, added.stderr
    assert "mina" in added.stdout and "correct horse" not in added.stdout + added.stderr
    users = journal.with_name("users.sqlite3")
    assert oct(users.stat().st_mode & 0o777) == "0o600"
    assert b"correct horse" not in users.read_bytes()  # before a connection is open in this process (below)
    store = UserStore(users)
    assert store.verify("mina", "correct horse 9") is not None
    # no terminal, no --password-stdin: refused, never read from an argument
    asked = inproc("user", "passwd", "mina", journal=journal, stdin="")
    assert asked.returncode == 2 and "--password-stdin" in asked.stderr
    short = inproc("user", "add", "bo", "--password-stdin", stdin="short\n", journal=journal)
    assert short.returncode == 2 and "8자 이상" in short.stderr
    again = inproc("user", "add", "mina", "--password-stdin", stdin="another pass 1\n", journal=journal)
    assert again.returncode == 2 and "이미 있습니다" in again.stderr
    token = inproc("user", "token", "mina", journal=journal)
    secret = token.stdout.strip().splitlines()[-1]
    assert token.returncode == 0 and secret.startswith("bs_")
    assert store.token_user(secret) is not None
    listed = inproc("user", "list", journal=journal)
    assert listed.stdout.split("\t")[:2] == ["mina", "dispatch"]
    assert inproc("user", "token", "mina", "--revoke", journal=journal).returncode == 0
    assert store.token_user(secret) is None
    changed = inproc("user", "passwd", "mina", "--password-stdin", stdin="new pass word 2\n", journal=journal)
    assert changed.returncode == 0 and store.verify("mina", "new pass word 2") is not None
    assert inproc("user", "remove", "mina", journal=journal).returncode == 0
    assert store.get("mina") is None
    missing = inproc("user", "remove", "mina", journal=journal)
    assert missing.returncode == 2 and "없습니다" in missing.stderr
    store.close()
    # the file is read only with no connection open in this process: closing any descriptor of an SQLite file
    # drops every lock the process holds on it
    assert secret.encode() not in users.read_bytes() and b"new pass word" not in users.read_bytes()
    # read the file only with no connection open in this process: closing any descriptor of an SQLite file
    # drops the process's locks on it
    assert secret.encode() not in users.read_bytes() and b"new pass word" not in users.read_bytes()


def test_serve_refuses_all_addresses_with_no_user(tmp_path: Path) -> None:
    served = run(
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--sandbox",
        "--data",
        str(tmp_path / "d"),
        journal=tmp_path / "j.sqlite3",
    )
    assert served.returncode == 2
    assert "user add" in served.stderr and "0.0.0.0" in served.stderr
    asked = inproc(
        "serve", "--notify", "--sandbox", "--data", str(tmp_path / "d"), journal=tmp_path / "j.sqlite3"
    )
    assert asked.returncode == 2 and "알림을 보낼 곳이 설정되지 않았습니다" in asked.stderr


def test_serve_runs_the_desk_and_stops_on_a_signal(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            *BATCHSHIP,
            "serve",
            "--sandbox",
            "--demo-user",
            "--port",
            str(port),
            "--data",
            str(tmp_path / "d"),
            "--journal",
            str(tmp_path / "j.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # the server says where it listens once it is about to
            lines.append(line)
            if "웹 데스크:" in line:
                break
        password = next(line for line in lines if "비밀번호" in line).split()[-1]
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=10, transport=httpx.HTTPTransport(retries=20)
        ) as client:
            page = _get_when_up(client, "/login")
            assert "샌드박스: 실제 스토어에 반영되지 않습니다" in page.text
            store = UserStore(tmp_path / "users.sqlite3")
            assert store.verify("demo", password) is not None
            store.close()
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    assert code == 0  # a graceful stop, not a kill


def _get_when_up(client: httpx.Client, path: str) -> httpx.Response:
    """uvicorn binds just after the line is printed: connection refusals are retried by the transport."""
    return client.get(path)


def test_user_add_asks_for_the_password_on_the_terminal(tmp_path: Path) -> None:
    """On a real terminal (a pseudo-terminal that is the process's controlling terminal), the password is asked
    for twice and never echoed; two different answers are refused."""
    import fcntl
    import pty
    import termios

    def on_terminal(*answers: str) -> tuple[int, str]:
        master, slave = pty.openpty()

        def take_terminal() -> None:  # the child leads a new session with the pty as its controlling terminal
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        with subprocess.Popen(
            [*BATCHSHIP, "user", "add", "tty", "--role", "admin", "--journal", str(tmp_path / "j.sqlite3")],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=take_terminal,
        ) as process:
            os.close(slave)
            seen = b""
            for answer in answers:
                while b": " not in seen.rsplit(b"\n", 1)[-1]:  # wait for the prompt itself
                    seen += os.read(master, 1024)
                os.write(master, answer.encode() + b"\n")
                seen += os.read(master, 1024)
            code = process.wait(timeout=60)
            try:
                while chunk := os.read(master, 1024):
                    seen += chunk
            except OSError:  # the terminal is gone with the process
                pass
            os.close(master)
        return code, seen.decode("utf-8", "replace")

    code, seen = on_terminal("one-password-1", "another-one-2")
    assert code == 2 and "두 비밀번호가 다릅니다" in seen
    code, seen = on_terminal("tty-password-9", "tty-password-9")
    assert code == 0 and "비밀번호: " in seen and "비밀번호 확인: " in seen and "tty(admin)" in seen
    assert "tty-password-9" not in seen  # never echoed
    store = UserStore(tmp_path / "users.sqlite3")
    assert store.verify("tty", "tty-password-9") is not None
    store.close()
