"""A throwaway PostgreSQL server for the tests and the bench: Debian's `postgresql` binaries (`.ci/run` installs
them when missing), initdb in a temporary folder, a free port on 127.0.0.1, stopped at the end. As root (CI)
the server runs as the `postgres` system user, since PostgreSQL refuses to run as root."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: The role the tests connect as; its password is in every URL so that its redaction is tested too.
USER, PASSWORD = "batchship", "pg-Secret-42"


def binary(name: str) -> str:
    """A PostgreSQL server program: Debian keeps them off PATH, in /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise RuntimeError(f"PostgreSQL's {name} is missing: apt-get install postgresql (.ci/run does)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresServer:
    """A server in a temporary folder: `url` of its database `batchship`; `stop()` and `start()` it (a
    database going away mid-run, and coming back)."""

    def __init__(self, root: Path, port: int, fsync: bool) -> None:
        self.root, self.port = root, port
        self.data = root / "data"
        self.options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync={'on' if fsync else 'off'}"
        )
        self.url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/batchship"

    def _run(self, *args: str) -> None:
        subprocess.run(_as_server_user(list(args)), check=True, capture_output=True, text=True)

    def initdb(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(pwfile, "postgres")
        self._run(
            binary("initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "--pwfile",
            str(pwfile),
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        )

    def start(self) -> None:
        self._run(
            binary("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            self.options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop at once, as a crash or a pulled cable would (connections are cut)."""
        self._run(binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def throwaway_postgres(fsync: bool = False) -> Iterator[PostgresServer]:
    """A running server with an empty database `batchship`. `fsync`: durable commits, as a real server has
    them (the bench measures with them; the tests need not)."""
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="batchship-pg-")), _free_port(), fsync)
    server.initdb()
    server.start()
    try:
        import psycopg

        with psycopg.connect(server.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE batchship")
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """A new empty database on the server of `url`, and its URL."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"
