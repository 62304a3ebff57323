"""The checked-in sample sheet is exactly what sample_data/generate.py writes, and tells its story."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from batchship.check import run_check
from tests.conftest import NOW, read_rows

SAMPLES = Path(__file__).parent.parent / "sample_data"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", SAMPLES / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_sample_matches_the_generator(tmp_path: Path) -> None:
    """Regenerating gives the same cells as the file in the repo (run generate.py after changing it)."""
    fresh = tmp_path / "fresh.xlsx"
    _generator().write_xlsx(fresh)
    assert read_rows(fresh, "발주발송관리") == read_rows(SAMPLES / "발송처리_샘플.xlsx", "발주발송관리")


def test_sample_has_each_kind_of_mistake(tmp_path: Path) -> None:
    """The sample shows valid rows and each of the common mistakes the checks catch."""
    report, _, _ = run_check(
        SAMPLES / "발송처리_샘플.xlsx", out=tmp_path / "r.xlsx", now=NOW.replace(year=2024, month=11, day=28)
    )
    assert report.header_row == 2
    assert report.counts()["NOT_SENT"] == 26
    assert report.error_codes() == {"104131": 2, "BS103": 1, "104119": 1, "104120": 1}
