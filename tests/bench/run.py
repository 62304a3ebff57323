"""`make bench`: the speed and memory figures the project promises, measured and printed.

    python -m tests.bench.run [--rows 100000]

Generates (once, cached under build/bench/) an xlsx of N order rows with about 2% invalid rows, then measures
in one run, so the ratios compare like with like on this machine:
- the reference: a bare `pandas.read_excel(path, engine="calamine", dtype=str)`;
- `batchship check` end to end in-process (load, validate, plan, write the result copy);
- writing the result copy alone, against an openpyxl load_workbook + append + save round trip;
- peak memory (max RSS) of `batchship check` as its own process.
Targets (issue #2): check <= 4x the bare read; writer >= 5x faster than openpyxl; peak memory < 400 MB.
Issue #17's (the five-column sheet, a CSV of `--csv-rows`, start-up) are in `speed.py`.
The web desk's figures (issue #14) are in `desk_bench.py`, the shared PostgreSQL journal's (issue #15) in
`team_bench.py`; dispatch, soak and scale in their modules.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "bench"


def make_sheet(path: Path, rows: int, width: int = 8) -> None:
    """A shipping sheet of `rows` orders, about 2% of them invalid; `width` 5: only the template's five
    columns (the honest case for the check ratio: the bare read is cheapest there)."""
    import openpyxl

    rng = random.Random(7)
    couriers = ["CJ대한통운", "롯데택배", "한진택배", "로젠택배", "우체국택배", "CJGLS", "롯데"]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("발송처리")
    ws.append(
        ["상품주문번호", "배송방법", "택배사", "송장번호", "발송일", "수취인명", "상품명", "수량"][:width]
    )
    for n in range(rows):
        pid = f"2024{n:011d}{(n % 9) + 1}"
        courier = rng.choice(couriers)
        tracking = f"{rng.randrange(10**11, 10**12)}"
        roll = rng.random()
        if roll < 0.005:
            courier = "CJ택배"
        elif roll < 0.01:
            tracking = ""
        elif roll < 0.015:
            pid = pid[:10]
        elif roll < 0.02:
            tracking = "12-34"
        ws.append(
            [pid, "택배,등기,소포", courier, tracking, "2024-05-05", "홍길동", "무선 키보드", 1][:width]
        )
    wb.save(path)


def timed(func: Callable[[], Any], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def paired(first: Callable[[], Any], second: Callable[[], Any], repeat: int = 3) -> tuple[float, float]:
    """The best times of two things measured in turn, `repeat` times each: on a machine whose speed comes and
    goes, a slow spell then costs both sides of a ratio alike instead of one."""
    a = b = float("inf")
    for _ in range(repeat):
        a = min(a, timed(first))
        b = min(b, timed(second))
    return a, b


def openpyxl_round_trip(src: Path, out: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb["발송처리"]
    ws.cell(row=1, column=9, value="처리결과")
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=9, value="미전송")
        ws.cell(row=r, column=11, value="검사 통과")
    wb.save(out)


def peak_rss_mb(args: list[str]) -> float:
    # VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec and would report this (large) parent's peak.
    code = (
        "import re, sys; from batchship.apps.cli import main; rc = main(sys.argv[1:]); "
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); "
        "sys.exit(0 if rc in (0, 1) else rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return int(proc.stdout.strip().splitlines()[-1]) / 1024


def startup_s() -> float:
    """Wall time of `batchship --version` as a fresh process (best of 5): what a person waits for before
    anything happens."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[2] / "batchship", quiet=1)  # as an install does
    command = [sys.executable, "-m", "batchship", "--version"]
    return timed(lambda: subprocess.run(command, capture_output=True, check=True), repeat=5)


def _versions() -> str:
    from importlib.metadata import version

    return ", ".join(
        f"{name} {version(name)}" for name in ("python-calamine", "openpyxl", "pandera", "httpx", "aiohttp")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-dispatch", action="store_true", help="no dispatch, soak or scale figures")
    parser.add_argument("--skip-desk", action="store_true", help="no web desk figures")
    parser.add_argument("--skip-team", action="store_true", help="no shared PostgreSQL journal figures")
    parser.add_argument(
        "--csv-rows", type=int, default=1_000_000, help="rows of the CSV of the speed figures"
    )
    parser.add_argument("--build", type=Path, default=BUILD, help="where the sheets and results go")
    args = parser.parse_args()
    build = args.build
    build.mkdir(parents=True, exist_ok=True)
    sheet_path = build / f"bench_{args.rows}.xlsx"
    narrow_path = build / f"bench_{args.rows}_5col.xlsx"
    for path, width in ((sheet_path, 8), (narrow_path, 5)):
        if not path.exists():
            t = timed(lambda: make_sheet(path, args.rows, width))  # noqa: B023 (called at once)
            print(f"generated {path.name} in {t:.1f} s")

    from batchship.frames import pd as pandas

    pd = pandas()
    from batchship.output.paths import replace_any
    from batchship.output.results import write_result
    from batchship.services.check import SheetOptions, prepare, run_check

    result: dict[str, Any] = {}

    def check() -> None:
        result["run"] = run_check(sheet_path, out=build / "check.result.xlsx")

    bare, check_t = paired(lambda: pd.read_excel(sheet_path, engine="calamine", dtype=str), check)
    report = result["run"]
    sheet, _, _ = prepare(sheet_path, SheetOptions())  # the loaded sheet, for timing the writer alone
    write_t = timed(lambda: write_result(sheet, report, build / "writer.result.xlsx", replace_any), repeat=2)
    openpyxl_t = timed(lambda: openpyxl_round_trip(sheet_path, build / "openpyxl.result.xlsx"))
    rss = peak_rss_mb(["check", str(sheet_path), "--out", str(build / "rss.result.xlsx")])
    counts = report.counts()

    rows = [
        ("bare pandas.read_excel(calamine, dtype=str)", f"{bare:.2f} s", "reference", ""),
        ("batchship check, end to end", f"{check_t:.2f} s", f"{check_t / bare:.2f}x the bare read", "<= 4x"),
        ("result copy, streaming writer", f"{write_t:.2f} s", "", ""),
        (
            "result copy, openpyxl round trip",
            f"{openpyxl_t:.2f} s",
            f"writer {openpyxl_t / write_t:.1f}x faster",
            ">= 5x",
        ),
        ("peak memory of batchship check (max RSS)", f"{rss:.0f} MB", "", "< 400 MB"),
    ]
    narrow_bare, narrow_check = paired(
        lambda: pd.read_excel(narrow_path, engine="calamine", dtype=str),
        lambda: run_check(narrow_path, out=build / "check5.result.xlsx"),
    )
    narrow = narrow_check / narrow_bare
    rows[2:2] = [
        ("bare read, the five template columns only", f"{narrow_bare:.2f} s", "reference", ""),
        (
            "batchship check, five template columns",
            f"{narrow_check:.2f} s",
            f"{narrow:.2f}x that read",
            "<= 3x",
        ),
    ]
    start = startup_s()
    rows.append(
        ("start-up: batchship --version", f"{start:.2f} s", f"{start / 0.25:.0%} of 0.25 s", "<= 0.25 s")
    )
    ok = check_t / bare <= 4 and narrow <= 3 and openpyxl_t / write_t >= 5 and rss < 400 and start <= 0.25
    from tests.bench import speed

    speed_rows, speed_ok = speed.run(build, narrow_path, args.csv_rows)
    rows += speed_rows
    ok = ok and speed_ok
    if not args.skip_desk:
        from tests.bench import desk_bench

        desk_rows, desk_ok = desk_bench.run(build)
        rows += desk_rows
        ok = ok and desk_ok
    if not args.skip_team:
        from tests.bench import team_bench

        team_rows, team_ok = team_bench.run()
        rows += team_rows
        ok = ok and team_ok
    if not args.skip_dispatch:
        from tests.bench import dispatch_bench, scale, soak

        dispatch_rows, dispatch_ok = dispatch_bench.run()
        soak_rows, soak_ok = soak.run()
        duplicate_rows, duplicates_ok = scale.duplicates()
        rows += dispatch_rows + soak_rows + duplicate_rows + scale.run()
        ok = ok and dispatch_ok and soak_ok and duplicates_ok
    lines = [
        f"# batchship benchmark (check: {args.rows:,} rows, {counts['INVALID']:,} invalid)",
        "",
        f"Machine: {platform.machine()}, {platform.processor() or platform.system()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pandas {pd.__version__}, {_versions()}; "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}",
        "",
        "| figure | value | ratio | target |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        f"All targets met: {'yes' if ok else 'NO'}",
    ]
    text = "\n".join(lines)
    print(text)
    (build.parent / "bench-report.md").write_text(text + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
