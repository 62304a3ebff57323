"""Traps a newcomer walked into (issue 12): each reproduced, each fixed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import HEADER, cli, order_id, read_rows, write_xlsx


def test_check_says_the_same_word_in_the_terminal_the_sheet_and_the_summary(tmp_path: Path) -> None:
    """`check` printed 검사 통과 26 while the result sheet and 요약 said 미전송 26: one wording everywhere."""
    rows = [
        HEADER,
        [order_id(1), "택배", "CJ대한통운", "6000000001", ""],
        [order_id(2), "택배", "CJ택배", "1", ""],
    ]
    sheet = write_xlsx(tmp_path / "s.xlsx", rows)
    code, out, _ = cli("check", str(sheet))
    assert code == 1
    assert any(line.split() == ["검사", "통과", "1"] for line in out.splitlines()), out
    result = tmp_path / "s.result.xlsx"
    assert [r[5] for r in read_rows(result)[1:]] == ["검사 통과", "검증오류"]
    summary = {r[0]: r[1] for r in read_rows(result, "요약") if r[0]}
    assert summary["검사 통과"] == 1 and "미전송" not in summary
