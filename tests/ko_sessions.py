"""The Korean ops section of the README: its terminal sessions, run for real.

    python -m tests.ko_sessions          # rewrite the session blocks of README.md from a real run
    tests/test_docs.py                   # fails when the README's sessions and a real run differ

Each step runs in one folder holding 오늘발송.xlsx (the sample sheet) and sandbox_orders.csv, in order; between
the dispatch and the re-send, the retry file is fixed the way the README tells staff to (the courier typo).
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
from pathlib import Path

import openpyxl

from batchship.apps.cli import main

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- ko-session: (\d+) -->\n```\n)(.*?)(```\n<!-- /ko-session -->)", re.S)


def prepare(folder: Path) -> None:
    shutil.copy(ROOT / "sample_data" / "발송처리_샘플.xlsx", folder / "오늘발송.xlsx")
    shutil.copy(ROOT / "sample_data" / "sandbox_orders.csv", folder / "sandbox_orders.csv")


def fix_retry_file(folder: Path) -> None:
    """What staff do between the two dispatches: correct the courier typo in the retry file."""
    path = folder / "오늘발송.retry.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "CJ택배":
                cell.value = "CJ대한통운"
    wb.save(path)


def run_sessions(folder: Path, commands: list[str]) -> list[str]:
    """Run each `$ batchship ...` command in `folder`; returns each one's output."""
    import os

    outputs = []
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        for command in commands:
            if "오늘발송.retry.xlsx" in command and "dispatch" in command:
                fix_retry_file(folder)
            out = io.StringIO()
            main(shlex.split(command.removeprefix("$ "))[1:], stdout=out, stderr=out)
            outputs.append(out.getvalue())
    finally:
        os.chdir(cwd)
    return outputs


def normalise(text: str) -> str:
    """What differs from run to run: the sandbox's port, seconds, run ids."""
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    text = re.sub(r"\b((?:실행 ID|run id)\s+|실행 |run )[0-9a-f]{8}\b", r"\1RUN", text)
    return re.sub(r"\d+\.\d초", "N초", text)


def blocks() -> list[tuple[str, str]]:
    """(command, shown output) of each Korean session block, in order."""
    found = []
    for match in BLOCK.finditer(README.read_text(encoding="utf-8")):
        command, _, shown = match.group(3).partition("\n")
        found.append((command, shown))
    return found


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        prepare(Path(tmp))
        outputs = run_sessions(Path(tmp), [c for c, _ in blocks()])
    text = README.read_text(encoding="utf-8")
    it = iter(outputs)
    text = BLOCK.sub(
        lambda m: m.group(1) + m.group(3).partition("\n")[0] + "\n" + next(it) + m.group(4), text
    )
    README.write_text(text, encoding="utf-8")
    print(f"rewrote {len(outputs)} sessions")
