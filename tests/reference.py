"""NAVER's dispatch page as vendored in tests/data: the independent source tests compare the code with."""

from __future__ import annotations

from pathlib import Path

VENDORED = Path(__file__).parent / "data" / "dispatch-api.md"


def naver_table(text: str, after: str) -> dict[str, str]:
    """The |코드|설명| table that follows `after` in the page: code -> description."""
    segment = text[text.index(after) :]
    rows: dict[str, str] = {}
    started = False
    for line in segment.splitlines():
        if line.startswith("|코드|"):
            started = True
            continue
        if not started:
            continue
        if line.startswith("|---"):
            continue
        if not line.startswith("|"):
            break
        cells = line.strip("|").split("|")
        rows[cells[0].strip().strip("*")] = cells[1].strip()
    return rows
