"""How check and dispatch --dry-run grow with the sheet: CSV at 10k, 100k and 1M rows, xlsx at 10k and 100k.

Each run is its own process (`batchship check` / `batchship dispatch --dry-run`), timed end to end, with its
peak memory read from /proc (VmHWM). Growth is shown as microseconds per row: flat means linear.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "bench"

_RUN = (
    "import re, sys; from batchship.apps.cli import main; rc = main(sys.argv[1:]); "
    "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); "
    "sys.exit(0 if rc in (0, 1) else rc)"
)


def make_csv(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    couriers = ["CJ대한통운", "롯데택배", "한진택배", "로젠택배", "우체국택배"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["상품주문번호", "배송방법", "택배사", "송장번호", "발송일", "수취인명", "상품명"])
        for n in range(rows):
            tracking = f"{rng.randrange(10**11, 10**12)}" if rng.random() > 0.01 else ""
            writer.writerow(
                [f"2024{n:011d}{(n % 9) + 1}", "택배", rng.choice(couriers), tracking, "", "홍길동", "키보드"]
            )


def make_xlsx(path: Path, rows: int) -> None:
    from tests.bench.run import make_sheet

    make_sheet(path, rows)


def measure(args: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(proc.stdout.strip().splitlines()[-1]) / 1024


def run(
    sizes_csv: tuple[int, ...] = (10_000, 100_000, 1_000_000), sizes_xlsx: tuple[int, ...] = (10_000, 100_000)
) -> list[tuple[str, str, str, str]]:
    BUILD.mkdir(parents=True, exist_ok=True)
    rows_out = []
    for kind, sizes in (("csv", sizes_csv), ("xlsx", sizes_xlsx)):
        for n in sizes:
            path = BUILD / f"scale_{n}.{kind}"
            if not path.exists():
                (make_csv if kind == "csv" else make_xlsx)(path, n)
            for command in ("check", "dispatch --dry-run"):
                out = BUILD / f"scale_{n}.result.{kind}"
                args = [*command.split(), str(path), "--out", str(out), "--max-rows", "2000000"]
                seconds, mb = measure(args)
                rows_out.append(
                    (
                        f"{command} {kind} {n:,} rows",
                        f"{seconds:.1f} s, {mb:.0f} MB",
                        f"{1e6 * seconds / n:.0f} µs/row",
                        "",
                    )
                )
    return rows_out


def duplicates(sizes: tuple[int, int] = (10_000, 100_000)) -> tuple[list[tuple[str, str, str, str]], bool]:
    """One order number repeated down a whole sheet, checked at two sizes: linear time means the larger takes
    at most about `larger / smaller` times as long (the floor: 10x for 10x the rows; quadratic would be 100x)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    seconds = []
    for n in sizes:
        path = BUILD / f"duplicates_{n}.csv"
        if not path.exists():
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["상품주문번호", "배송방법", "택배사", "송장번호", "발송일"])
                writer.writerows(
                    ["2024050000000012", "택배", "CJ대한통운", f"{6000000000 + i}", ""] for i in range(n)
                )
        seconds.append(measure(["check", str(path), "--out", str(BUILD / f"duplicates_{n}.result.csv")])[0])
    ratio, floor = seconds[1] / seconds[0], sizes[1] / sizes[0]
    row = (
        f"check, one order number {sizes[0]:,} / {sizes[1]:,} times",
        f"{seconds[0]:.1f} s / {seconds[1]:.1f} s",
        f"{ratio:.1f}x for {floor:.0f}x the rows ({ratio / floor:.0%} of linear)",
        "<= 100% of linear",
    )
    return [row], ratio <= floor


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
