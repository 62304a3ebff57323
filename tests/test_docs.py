"""Docs cannot drift: the session the README shows is what the command really prints."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from batchship.apps.cli import main
from tests.ko_sessions import normalise

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


def test_readme_names_the_two_commands() -> None:
    """A fresh clone needs exactly `make demo` and `make test`, and the README says so on its first screen."""
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:15])
    assert "make demo" in first_screen and "make test" in first_screen


def test_readme_check_session_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running the README's `batchship check` line prints exactly the output shown under it."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- session: check -->\n```\n(.*?)```\n<!-- /session -->", text, re.S)
    assert block, "README lost its check session"
    command, *expected = block.group(1).rstrip("\n").splitlines()
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[:2] == ["batchship", "check"]
    (tmp_path / "sample_data").mkdir()
    (tmp_path / "sample_data" / "발송처리_샘플.xlsx").write_bytes(
        (ROOT / "sample_data" / "발송처리_샘플.xlsx").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    code = main(argv[1:], stdout=out, stderr=out)
    assert code == 1
    assert out.getvalue().splitlines() == expected


def test_readme_demo_session_is_real(tmp_path: Path) -> None:
    """`make demo`'s command line is the README's, and it prints what the README shows (port, seconds and the
    paths it writes aside)."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- session: demo -->\n```\n(.*?)```\n<!-- /session -->", text, re.S)
    assert block, "README lost its demo session"
    command, *expected = block.group(1).rstrip("\n").splitlines()
    argv = shlex.split(command.removeprefix("$ "))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = re.search(r"^demo:.*?\n((?:\t.*\n)+)", makefile, re.M)
    assert demo
    recipe = [line for line in demo.group(1).replace("\\\n", " ").splitlines() if "-m batchship" in line]
    make_argv = shlex.split(recipe[0].split(";")[0])
    assert make_argv[1:3] == ["-m", "batchship"] and make_argv[3:] == argv[1:]
    swaps = {"--out": str(tmp_path / "demo.result.xlsx"), "--journal": str(tmp_path / "journal.sqlite3")}
    args = list(argv[1:])
    shown_paths = {}
    for option, replacement in swaps.items():
        i = args.index(option)
        shown_paths[args[i + 1]] = option
        args[i + 1] = replacement
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        code = main(args, stdout=out, stderr=out)
    assert code == 1

    def norm(text: str, paths: dict[str, str]) -> list[str]:
        text = normalise(text)
        for path, option in paths.items():
            text = text.replace(path, option.upper())
        return text.splitlines()

    real_paths = {v: k for k, v in swaps.items()}
    real_paths[str(tmp_path / "demo.retry.xlsx")] = "--retry"
    real_paths[str(tmp_path / "journal.sandbox.json")] = "--store"
    shown_paths[shown_paths_retry(shown_paths)] = "--retry"
    journal = next(p for p, option in shown_paths.items() if option == "--journal")
    shown_paths[journal.replace(".sqlite3", ".sandbox.json")] = "--store"
    assert norm(out.getvalue(), real_paths) == norm("\n".join(expected), shown_paths)


def shown_paths_retry(paths: dict[str, str]) -> str:
    """The retry file the README shows: beside the result copy, named after it."""
    result = next(p for p, option in paths.items() if option == "--out")
    return result.replace(".result.xlsx", ".retry.xlsx")


def test_readme_korean_sessions_are_real(tmp_path: Path) -> None:
    """The Korean ops section's sessions (template, check, dispatch, re-send of the fixed retry file) print
    exactly what the README shows (sandbox port and seconds aside). Regenerate: python -m tests.ko_sessions"""
    from tests import ko_sessions

    shown = ko_sessions.blocks()
    assert [c.split()[2] for c, _ in shown] == ["template", "check", "dispatch", "dispatch"]
    ko_sessions.prepare(tmp_path)
    outputs = ko_sessions.run_sessions(tmp_path, [c for c, _ in shown])
    for (command, expected), real in zip(shown, outputs, strict=True):
        assert ko_sessions.normalise(real) == ko_sessions.normalise(expected), command
    assert (tmp_path / "발송양식.xlsx").exists() and (tmp_path / "오늘발송.retry.result.xlsx").exists()


def test_readme_lists_every_error_code() -> None:
    """The README's full code table is the one the code generates (code, meaning, fix), all codes included."""
    from batchship.domain.codes import NAVER_ERROR_CODES
    from batchship.domain.meanings import OWN_CODES, codes_table

    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- codes -->\n(.*?)\n<!-- /codes -->", text, re.S)
    assert block and block.group(1) == codes_table()
    for code in [*OWN_CODES, *NAVER_ERROR_CODES]:
        assert f"| {code} |" in block.group(1)


def test_make_demo_installs_only_what_the_tool_needs() -> None:
    """`make demo` (and so a newcomer's first command) installs batchship without the test tools; `make
    test` adds them. Read from the Makefile's own rules."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^([$()\w.-]+):[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M))
    demo_needs = re.search(r"^demo: (.+)$", makefile, re.M)
    assert demo_needs and demo_needs.group(1).split() == ["$(RUN_STAMP)"]
    assert "pip install --quiet -e .\n" in rules["$(RUN_STAMP)"] and "[test]" not in rules["$(RUN_STAMP)"]
    assert "-e '.[test]'" in rules["$(STAMP)"]
    assert re.search(r"^test: \$\(STAMP\)", makefile, re.M)
