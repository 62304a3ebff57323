"""Corrupted bytes never crash the loader with anything but our own SheetError."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchship.errors import SheetError
from batchship.sheets.loader import load_sheet
from tests.conftest import HEADER, order_id, write_csv, write_xlsx

#: A fixed budget in `make test`; `make fuzz` raises it (BATCHSHIP_FUZZ_EXAMPLES=2000).
EXAMPLES = int(os.environ.get("BATCHSHIP_FUZZ_EXAMPLES", "60"))
_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    buf = bytearray(data)
    for pos, value in edits:
        buf[pos % len(buf)] = value
    return bytes(buf[: max(1, len(buf) - cut)])


def _try(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        sheet = load_sheet(path)
    except SheetError as exc:
        assert str(exc) and "\n" not in str(exc).strip()
    else:
        assert len(sheet.data) >= 1


edits = st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=12)


@_SETTINGS
@given(edits=edits, cut=st.integers(0, 4000))
def test_corrupted_xlsx(tmp_path: Path, edits: list[tuple[int, int]], cut: int) -> None:
    """Flipped bytes and truncation anywhere in an xlsx: a result or a SheetError, nothing else."""
    src = tmp_path / "src.xlsx"
    if not src.exists():
        write_xlsx(src, [HEADER, *[[order_id(i), "택배", "CJ", f"{i:012d}"] for i in range(1, 20)]])
    _try(tmp_path / "fuzz.xlsx", _mutate(src.read_bytes(), edits, cut))


@_SETTINGS
@given(edits=edits, cut=st.integers(0, 200))
def test_corrupted_csv(tmp_path: Path, edits: list[tuple[int, int]], cut: int) -> None:
    """Flipped bytes in a CP949 CSV: a result or a SheetError, nothing else."""
    src = tmp_path / "src.csv"
    if not src.exists():
        write_csv(
            src,
            [HEADER, *[[order_id(i), "택배", "롯데", f"{i:012d}", ""] for i in range(1, 20)]],
            encoding="cp949",
        )
    _try(tmp_path / "fuzz.csv", _mutate(src.read_bytes(), edits, cut))


@_SETTINGS
@given(data=st.binary(min_size=1, max_size=600), suffix=st.sampled_from([".xlsx", ".xls", ".xlsm", ".csv"]))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    """Arbitrary bytes under any accepted name: a SheetError (or, rarely, a valid read)."""
    _try(tmp_path / f"random{suffix}", data)
