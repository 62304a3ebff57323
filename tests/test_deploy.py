"""The team setup's files (deploy/): every batchship command in them is one the command line takes, the compose
file is well formed (and `docker compose config` accepts it where Docker's compose plugin exists), the systemd
units pass `systemd-analyze verify` (where systemd is)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from batchship.apps.cli.parser import build_parser

DEPLOY = Path(__file__).parent.parent / "deploy"
ENV = {
    "BATCHSHIP_DB_PASSWORD": "pw",
    "NAVER_COMMERCE_CLIENT_ID": "id",
    "NAVER_COMMERCE_CLIENT_SECRET": "secret",
    "BATCHSHIP_STORE_NAME": "store",
}


def _filled(text: str) -> str:
    """`${NAME}`, `${NAME:-default}` and `${NAME:?message}` as compose fills them from ENV."""
    return re.sub(r"\$\{(\w+)(?::[-?][^}]*)?\}", lambda m: ENV.get(m.group(1), ""), text)


def test_compose_runs_batchship_commands_that_exist() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "desk", "watch"}
    for name in ("desk", "watch"):
        service = services[name]
        command = [_filled(part) for part in service["command"]]
        assert command[0] == "batchship"
        build_parser("en").parse_args(command[1:])  # exits (SystemExit) on an option it does not know
        assert (
            _filled(service["environment"]["BATCHSHIP_JOURNAL"])
            == "postgresql://batchship:pw@db:5432/batchship"
        )
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert (DEPLOY / services["desk"]["build"]["dockerfile"].removeprefix("deploy/")).exists()


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode != 0
    if shutil.which("docker")
    else True,
    reason="Docker's compose plugin is not on this machine",
)
def test_docker_compose_accepts_the_file() -> None:
    proc = subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("unit", ["batchship-desk.service", "batchship-watch.service"])
def test_systemd_units(unit: str, tmp_path: Path) -> None:
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    command = shlex.split(start.removeprefix("ExecStart="))
    assert command[0] == "/srv/batchship/.venv/bin/batchship"
    build_parser("en").parse_args(command[1:])
    if shutil.which("systemd-analyze") is None:
        return
    # verify with the paths of this machine: the venv's batchship, a readable environment file, a real user
    env_file = tmp_path / "batchship.env"
    env_file.write_text("BATCHSHIP_JOURNAL=postgresql://u:p@127.0.0.1/batchship\n")
    here = text.replace(
        "/srv/batchship/.venv/bin/batchship", str(Path(sys.executable).with_name("batchship"))
    )
    here = here.replace("/etc/batchship/batchship.env", str(env_file)).replace("User=batchship", "User=root")
    here = here.replace("WorkingDirectory=/srv/batchship", f"WorkingDirectory={tmp_path}")
    (tmp_path / unit).write_text(here)
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / unit)],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [line for line in proc.stderr.splitlines() if unit in line or "Failed" in line]
    assert proc.returncode == 0 and not problems, proc.stderr
