"""Issue 17's figures ("close to the floor"), each a ratio to a bare read measured in the same run:

- the result copy of the five-column sheet against the bare read of that sheet (target <= 1x);
- peak memory of `batchship check` on the five-column sheet (< 300 MB at 100k rows);
- `check` of a CSV against a bare `pandas.read_csv(dtype=str)` of it (<= 3x at 1,000,000 rows), and its peak
  memory (< 800 MB);
- start-up: `batchship --help` (<= 0.25 s) and a check of the 31-row sample sheet (<= 0.5 s), fresh processes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bench.run import paired, peak_rss_mb, timed

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "발송처리_샘플.xlsx"


def _fresh(args: list[str]) -> float:
    """Best of three wall times of `batchship ARGS` as a fresh process, its modules compiled first as an
    installation compiles them (with PYTHONDONTWRITEBYTECODE set, as on the project's machines, an editable
    install would otherwise compile every module at every start)."""
    import compileall

    compileall.compile_dir(ROOT / "batchship", quiet=1)
    command = [sys.executable, "-m", "batchship", *args]
    return timed(lambda: subprocess.run(command, capture_output=True, check=False), repeat=3)


def run(build: Path, narrow: Path, csv_rows: int) -> tuple[list[tuple[str, ...]], bool]:
    from batchship.frames import pd as pandas

    pd = pandas()
    from batchship.output.paths import replace_any
    from batchship.output.results import write_result
    from batchship.services.check import SheetOptions, prepare, run_check
    from tests.bench.scale import make_csv

    report = run_check(narrow, out=build / "speed5.check.xlsx")
    sheet, _, _ = prepare(narrow, SheetOptions())
    narrow_bare, write_t = paired(
        lambda: pd.read_excel(narrow, engine="calamine", dtype=str),
        lambda: write_result(sheet, report, build / "speed5.result.xlsx", replace_any),
    )
    narrow_rss = peak_rss_mb(["check", str(narrow), "--out", str(build / "speed5.rss.xlsx")])
    csv_path = build / f"speed_{csv_rows}.csv"
    if not csv_path.exists():
        make_csv(csv_path, csv_rows)
    csv_bare, csv_check = paired(
        lambda: pd.read_csv(csv_path, dtype=str),
        lambda: run_check(csv_path, out=build / "speed.check.csv"),
        repeat=3,
    )
    csv_rss = peak_rss_mb(["check", str(csv_path), "--out", str(build / "speed.rss.csv")])
    help_t = _fresh(["--help"])
    small_t = _fresh(["check", str(SAMPLE), "--out", str(build / "sample.check.xlsx")])
    rows = [
        (
            "result copy, five template columns",
            f"{write_t:.2f} s",
            f"{write_t / narrow_bare:.2f}x its bare read ({narrow_bare:.2f} s)",
            "<= 1x",
        ),
        ("peak memory, check of the five-column sheet", f"{narrow_rss:.0f} MB", "", "< 300 MB"),
        (f"bare pandas.read_csv(dtype=str), {csv_rows:,} rows", f"{csv_bare:.2f} s", "reference", ""),
        (
            f"batchship check, CSV of {csv_rows:,} rows",
            f"{csv_check:.2f} s",
            f"{csv_check / csv_bare:.2f}x that read",
            "<= 3x",
        ),
        ("peak memory, check of that CSV", f"{csv_rss:.0f} MB", "", "< 800 MB"),
        ("start-up: batchship --help", f"{help_t:.2f} s", "", "<= 0.25 s"),
        ("check of the 31-row sample sheet, fresh process", f"{small_t:.2f} s", "", "<= 0.5 s"),
    ]
    ok = (
        write_t <= narrow_bare
        and narrow_rss < 300
        and csv_check <= 3 * csv_bare
        and csv_rss < 800
        and help_t <= 0.25
        and small_t <= 0.5
    )
    return rows, ok
