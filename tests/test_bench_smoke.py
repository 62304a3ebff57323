"""`make bench` stays runnable: each of its parts run at toy sizes (its figures are measured by `make bench`
itself, not here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bench import desk_bench, dispatch_bench, soak, team_bench

ROOT = Path(__file__).parent.parent


def test_the_check_figures_are_all_measured(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.run",
            "--rows",
            "300",
            "--skip-dispatch",
            "--skip-desk",
            "--skip-team",
            "--csv-rows",
            "300",
            "--build",
            str(tmp_path / "b"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr  # 1: toy sizes miss the ratios, which is not the point
    figures = [line.split(" | ")[0].strip("| ") for line in proc.stdout.splitlines() if line.startswith("| ")]
    assert figures[1:] == [
        "bare pandas.read_excel(calamine, dtype=str)",
        "batchship check, end to end",
        "bare read, the five template columns only",
        "batchship check, five template columns",
        "result copy, streaming writer",
        "result copy, openpyxl round trip",
        "peak memory of batchship check (max RSS)",
        "start-up: batchship --version",
        "result copy, five template columns",
        "peak memory, check of the five-column sheet",
        "bare pandas.read_csv(dtype=str), 300 rows",
        "batchship check, CSV of 300 rows",
        "peak memory, check of that CSV",
        "start-up: batchship --help",
        "check of the 31-row sample sheet, fresh process",
    ]
    report = (tmp_path / "bench-report.md").read_text(encoding="utf-8")
    assert report.startswith("# batchship benchmark (check: 300 rows") and report.strip() in proc.stdout


def test_the_soak_and_the_dispatch_throughput_run() -> None:
    rows, ok = soak.run(sheets=1, rows=30)
    assert ok and ("soak: orders dispatched twice", "0", "", "0") in rows
    figures = dispatch_bench._run(60, None, 0.0, 100)
    assert (figures["orders"], figures["succeeded"], figures["requests"], figures["lookups"]) == (
        60,
        60,
        2,
        0,
    )
    looked = dispatch_bench._run(60, None, 0.0, 100, preflight=True)
    assert (looked["succeeded"], looked["requests"], looked["lookups"]) == (60, 2, 1)


def test_the_desk_figures_run(tmp_path: Path) -> None:
    rows, _ = desk_bench.run(tmp_path, desk_bench.Sizes(check=200, dispatch=60, small=40, clients=3))
    figures = dict((a, b) for a, b, _, _ in rows)
    assert figures["desk: those runs done with every row / the dispatch's valid orders sent"].startswith(
        "3 of 3"
    )
    assert len(rows) == 6


def test_the_team_soak_runs(tmp_path: Path, postgres_url: str) -> None:
    rows, ok = team_bench.soak(postgres_url, tmp_path, orders=60, rate="100")
    assert ok, rows
    assert rows[1][1] == "60 of 60 / 0"
