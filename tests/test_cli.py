"""The command line: summaries, JSON reports, exit codes, and clear one-paragraph errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from batchship.apps.cli import build_parser
from tests.conftest import HEADER, cli, encrypt, order_id, write_csv, write_xlsx


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "오늘발송.xlsx",
        [
            HEADER,
            [order_id(1), "택배", "CJ대한통운", "123456789012", "2024-05-05"],
            [order_id(2), "택배", "CJ택배", "223456789012", "2024-05-05"],
            [order_id(3), "택배", "롯데", "", "2024-05-05"],
            [order_id(4), "직접전달", "", "", "2024-05-05"],
        ],
    )


def test_check_prints_a_summary_and_exits_1_when_rows_are_invalid(mixed: Path, tmp_path: Path) -> None:
    """Rows read, valid, invalid by code with meanings, and the result path; exit 1."""
    code, out, err = cli("check", str(mixed))
    assert code == 1
    assert err == ""
    assert out.splitlines() == [
        "오늘발송.xlsx (발송처리 시트, 머리글 1행): 주문 4행",
        "",
        "처리결과   행 수",
        "검증오류       2",
        "검사 통과      2",
        "",
        "오류코드  행 수  의미",
        "104119        1  택배사 코드 확인",
        "104120        1  송장 번호 미입력",
        "",
        "보낼 요청: 1건 (요청당 최대 30개)",
        "발송할 때는 보내기 직전에 주문을 조회해 취소 요청이 있거나 이미 발송된 주문을 거릅니다.",
        f"결과 파일  {tmp_path / '오늘발송.check.xlsx'}",
    ]


def test_check_in_english_with_a_json_report(mixed: Path, tmp_path: Path) -> None:
    """--lang en and --report: the JSON holds rows, every count, codes, and the result file."""
    report_path = tmp_path / "out" / "report.json"
    out_path = tmp_path / "custom.xlsx"
    code, out, _ = cli(
        "check", str(mixed), "--lang", "en", "--report", str(report_path), "--out", str(out_path)
    )
    assert code == 1
    assert "passed checks     2" in out and "requests to send: 1 (at most 30 orders each)" in out
    assert "104119     1  courier code wrong" in out
    assert f"report       {report_path}" in out
    data = json.loads(report_path.read_text(encoding="utf-8"))
    assert data["rows"] == 4
    assert data["counts"] == {
        "SUCCESS": 0,
        "FAILED": 0,
        "INVALID": 2,
        "ALREADY_DISPATCHED": 0,
        "UNKNOWN": 0,
        "HELD": 0,
        "NOT_SENT": 2,
    }
    assert data["error_codes"] == {"104119": 1, "104120": 1}
    assert data["result_file"] == str(out_path)
    assert out_path.exists()
    assert data["row_results"][1]["message"].startswith("Courier 'CJ택배' is not a known courier.")


def test_all_valid_exits_0_and_batch_size_plans_requests(tmp_path: Path) -> None:
    """Every row valid: exit 0; 65 rows are 3 requests of 30, or 7 of at most 10 with --batch-size 10."""
    rows = [[order_id(i), "택배", "CJ", f"{i:012d}", ""] for i in range(1, 66)]
    path = write_csv(tmp_path / "s.csv", [HEADER, *rows])
    code, out, _ = cli("check", str(path))
    assert code == 0
    assert "검사 통과     65" in out and "보낼 요청: 3건 (요청당 최대 30개)" in out
    assert "보낼 요청: 7건 (요청당 최대 10개)" in cli("check", str(path), "--batch-size", "10")[1]
    with pytest.raises(SystemExit):
        cli("check", str(path), "--batch-size", "31")


def test_password_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """BATCHSHIP_SHEET_PASSWORD opens a protected workbook; the password is never printed."""
    plain = write_xlsx(tmp_path / "p.xlsx", [HEADER, [order_id(1), "택배", "CJ", "123456789012"]])
    locked = encrypt(plain, tmp_path / "locked.xlsx", "Zq-secret-77")
    monkeypatch.setenv("BATCHSHIP_SHEET_PASSWORD", "Zq-secret-77")
    code, out, err = cli("check", str(locked))
    assert code == 0
    assert "Zq-secret-77" not in out + err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "빈 파일"),
        ("zero.xlsx", b"", "빈 파일"),
        ("truncated.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage", "손상"),
        ("page.xls", b"<!DOCTYPE html><html><table></table></html>", "웹 페이지(HTML)"),
        ("latin.csv", "상품주문번호,택배사,송장번호\n".encode() + b"\x80\xff\xfe\n", "인코딩"),
        ("noheader.csv", "이름,주소\n김,서울\n".encode(), "머리글을 찾지 못했습니다"),
    ],
)
def test_unprocessable_files_exit_2_with_one_paragraph(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    """A file that cannot be processed: exit 2, one paragraph on stderr, no traceback, nothing written."""
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = cli("check", str(path))
    assert code == 2
    assert out == ""
    assert expected in err
    assert err.startswith("batchship: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_protected_without_password_and_wrong_password(tmp_path: Path) -> None:
    """Protected workbook: without a password, or with the wrong one, exit 2 saying which."""
    plain = write_xlsx(tmp_path / "p.xlsx", [HEADER, [order_id(1), "택배", "CJ", "123456789012"]])
    locked = encrypt(plain, tmp_path / "locked.xlsx", "right")
    code, _, err = cli("check", str(locked), "--lang", "en")
    assert (code, "password-protected" in err) == (2, True)
    code, _, err = cli("check", str(locked), "--password", "not-the-pw-81", "--lang", "en")
    assert (code, "password for" in err and "is wrong" in err) == (2, True)
    assert "not-the-pw-81" not in err


def test_missing_path_and_directory_exit_2(tmp_path: Path) -> None:
    """A path that does not exist, and a directory, exit 2 with their own messages."""
    assert cli("check", str(tmp_path / "없는파일.xlsx"))[2].startswith("batchship: 파일을 찾을 수 없습니다")
    code, _, err = cli("check", str(tmp_path))
    assert code == 2 and "폴더입니다" in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    """--debug is the only way to see a traceback."""
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"nonsense")
    code, _, err = cli("check", str(path), "--debug")
    assert code == 2 and "Traceback" in err


def test_result_path_equal_to_input_is_refused(mixed: Path) -> None:
    """--out pointing at the input itself is refused: the input is never modified."""
    before = mixed.read_bytes()
    code, _, err = cli("check", str(mixed), "--out", str(mixed))
    assert code == 2 and "입력 파일" in err
    assert mixed.read_bytes() == before


def test_every_command_and_option_has_help() -> None:
    """Docs cannot drift: every subcommand and every option carries help text."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, subparser in sub.choices.items():  # type: ignore[union-attr]
        assert subparser.description, name
        for action in subparser._actions:
            assert action.help, f"{name} {action.option_strings or action.dest}"


def test_python_dash_m_runs_as_a_real_process(mixed: Path) -> None:
    """`python -m batchship check` works as a process and returns the exit code."""
    proc = subprocess.run(
        [sys.executable, "-m", "batchship", "check", str(mixed), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "INVALID           2" in proc.stdout


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["dispatch", "--help"], ["--lang", "en", "--help"]]
)
def test_help_and_version_load_nothing_heavy(argv: list[str]) -> None:
    """`batchship --help` and `--version` answer at once: pandas, pandera, openpyxl, httpx and aiohttp are
    loaded only by the commands that use them (`make bench` times the start-up)."""
    heavy = ("pandas", "pandera", "openpyxl", "httpx", "aiohttp", "python_calamine", "numpy")
    code = (
        "import sys\n"
        "from batchship.apps.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout


@pytest.mark.parametrize("sheet", ["발송처리_샘플.xlsx", "big.csv"])
def test_a_check_loads_neither_pandas_nor_pandera(tmp_path: Path, sheet: str) -> None:
    """A check works on numpy arrays (`batchship.frames.Frame`): pandas' import alone was most of a small
    check's time. A large CSV brings in Arrow to read it, not pandas."""
    if sheet == "big.csv":
        rows = [f"{order_id(i)},CJ대한통운,{6000000000 + i}" for i in range(40_000)]
        src = tmp_path / sheet
        src.write_bytes("\n".join(["상품주문번호,택배사,송장번호", *rows]).encode())
    else:
        src = Path(__file__).parent.parent / "sample_data" / sheet
    code = (
        "import sys\n"
        "from batchship.apps.cli import main\n"
        f"main(['check', {str(src)!r}, '--out', {str(tmp_path / ('out' + src.suffix))!r}])\n"
        "print(sorted(m for m in ('pandas', 'pandera', 'pyarrow') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == ("['pyarrow']" if sheet == "big.csv" else "[]"), (
        proc.stdout
    )
