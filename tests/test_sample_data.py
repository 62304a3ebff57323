"""The checked-in sample sheet is exactly what sample_data/generate.py writes, and tells its story."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from batchship.services.check import run_check
from batchship.sheets.loader import load_sheet
from tests.conftest import NOW, read_rows

SAMPLES = Path(__file__).parent.parent / "sample_data"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", SAMPLES / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_samples_match_the_generator(tmp_path: Path) -> None:
    """Regenerating gives the same sheet, CSV and sandbox orders as the files in the repo (run
    sample_data/generate.py after changing it)."""
    gen = _generator()
    fresh = tmp_path / "fresh.xlsx"
    gen.write_xlsx(fresh)
    assert read_rows(fresh, "발주발송관리") == read_rows(SAMPLES / "발송처리_샘플.xlsx", "발주발송관리")
    gen.write_cp949_csv(tmp_path / "fresh.csv")
    assert (tmp_path / "fresh.csv").read_bytes() == (SAMPLES / "발송처리_샘플.csv").read_bytes()
    gen.write_orders_csv(tmp_path / "orders.csv")
    assert (tmp_path / "orders.csv").read_bytes() == (SAMPLES / "sandbox_orders.csv").read_bytes()


def test_cp949_csv_sample_tells_the_same_story(tmp_path: Path) -> None:
    """The CP949 CSV is the same day: CP949 detected, and the same verdicts as the workbook."""
    report = run_check(
        SAMPLES / "발송처리_샘플.csv", out=tmp_path / "r.csv", now=NOW.replace(year=2024, month=11, day=28)
    )
    sheet = load_sheet(SAMPLES / "발송처리_샘플.csv")
    assert sheet.csv is not None and sheet.csv.encoding == "cp949"
    assert report.error_codes() == {"104131": 2, "BS103": 1, "104119": 1, "104120": 1}


def test_sample_has_each_kind_of_mistake(tmp_path: Path) -> None:
    """The sample shows valid rows and each of the common mistakes the checks catch."""
    report = run_check(
        SAMPLES / "발송처리_샘플.xlsx", out=tmp_path / "r.xlsx", now=NOW.replace(year=2024, month=11, day=28)
    )
    assert report.header_row == 2
    assert report.counts()["NOT_SENT"] == 26
    assert report.error_codes() == {"104131": 2, "BS103": 1, "104119": 1, "104120": 1}
