"""The shared PostgreSQL journal (issue 15), measured on a throwaway server with durable commits (fsync on):

1. the journal's cost per request of 30 orders (record pending, then settle), PostgreSQL beside SQLite;
2. a 3,000-row dispatch's wall time with each journal, against the sandbox with no rate limit;
3. a multi-machine soak: three processes, two `batchship watch --once` on separate inboxes and one
   `batchship dispatch`, all fed the same orders, share one PostgreSQL journal and one sandbox that applies and
   then loses answers (504 after applying, dropped connections); each process is SIGKILLed at a random moment
   once and started again until it finishes. The sandbox's own counts must show every order dispatched once.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import openpyxl

from batchship.domain.plan import DispatchItem
from batchship.journal import AttemptState, Settlement, open_journal
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, FaultSpec, Sandbox
from batchship.sandbox.server import Order
from tests.bench.run import timed
from tests.bench.soak import write_sheet
from tests.pgserver import throwaway_postgres

Row = tuple[str, str, str, str]


def _ids(n: int, base: int = 2024_0700_0000_0000) -> list[str]:
    return [str(base + i * 10 + 1) for i in range(1, n + 1)]


def _sheet(path: Path, ids: list[str]) -> Path:
    return write_sheet(path, ids, lambda pid: f"{6000000000 + int(pid[-8:]) // 10}")


def journal_cost(url: str, requests: int = 100, account: str = "bench") -> float:
    """Milliseconds per request of 30 orders: the pending rows committed, then their answers committed."""
    items = [
        DispatchItem(i + 2, pid, "DELIVERY", "CJGLS", f"{i}", "2024-05-05T10:00:00.000+09:00")
        for i, pid in enumerate(_ids(30 * requests, 2024_0800_0000_0000))
    ]
    with open_journal(url, account) as journal:
        journal.acquire()

        def all_requests() -> None:
            for k in range(requests):
                batch = items[k * 30 : (k + 1) * 30]
                ids = journal.begin(batch, "bench.xlsx")
                journal.finish([Settlement(a, AttemptState.SUCCESS) for a in ids])

        elapsed = timed(all_requests)
    return elapsed / requests * 1000


def dispatch_time(url: str, folder: Path, rows: int = 3000) -> float:
    from tests.conftest import run_job

    ids = _ids(rows, 2024_0900_0000_0000 + len(url) * 100_000)
    sheet = _sheet(folder / f"d{abs(hash(url))}.xlsx", ids)
    with Sandbox(orders=[Order(pid) for pid in ids], rate_limit=None) as sb:
        start = time.perf_counter()
        report = run_job(
            sheet, sb.base_url, journal=url, now=None, rate_limit=1000, out=folder / "d.result.xlsx"
        )
        elapsed = time.perf_counter() - start
    assert report.counts()["SUCCESS"] == rows, report.counts()
    return elapsed


def soak(url: str, folder: Path, orders: int = 600, seed: int = 5, rate: str = "8") -> tuple[list[Row], bool]:
    """`rate`: requests per second of each process, slow enough that the SIGKILLs land mid-run."""
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    rng = random.Random(seed)
    ids = _ids(orders, 2024_1000_0000_0000)
    faults = Faults(
        timeout_504_after=FaultSpec(rate=0.05), drop_after=FaultSpec(rate=0.05), latency_s=0.02, seed=seed
    )
    sheet = _sheet(folder / "오늘.xlsx", ids)
    env = {
        **os.environ,
        "NAVER_COMMERCE_CLIENT_ID": DEMO_CLIENT_ID,
        "NAVER_COMMERCE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "BATCHSHIP_JOURNAL": url,
    }
    tally = {"runs": 0, "kills": 0}
    lock = threading.Lock()
    with Sandbox(orders=[Order(pid) for pid in ids], faults=faults) as sb:
        base = [sys.executable, "-m", "batchship"]
        machines = []
        for name in ("a", "b"):
            inbox = folder / f"inbox-{name}"
            inbox.mkdir()
            shutil.copy(sheet, inbox / sheet.name)
            machines.append(
                [
                    *base,
                    "watch",
                    str(inbox),
                    "--once",
                    "--settle",
                    "0",
                    "--base-url",
                    sb.base_url,
                    "--rate-limit",
                    rate,
                ]
            )
        machines.append(
            [
                *base,
                "dispatch",
                str(sheet),
                "--base-url",
                sb.base_url,
                "--quiet",
                "--rate-limit",
                rate,
                "--out",
                str(folder / "cli.result.xlsx"),
            ]
        )

        def machine(command: list[str], delay: float) -> None:
            for attempt in range(8):
                with lock:
                    tally["runs"] += 1
                with subprocess.Popen(
                    command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                ) as proc:
                    if attempt == 0:
                        try:
                            proc.wait(timeout=delay)
                        except subprocess.TimeoutExpired:
                            proc.send_signal(signal.SIGKILL)
                            proc.wait()
                            with lock:
                                tally["kills"] += 1
                            continue
                    if proc.wait(timeout=600) in (0, 1):
                        return

        threads = [threading.Thread(target=machine, args=(c, rng.uniform(0.8, 3.0))) for c in machines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        counts = sb.dispatch_counts()
        injected = sum(sb.snapshot()["faultsInjected"].values())
    finals = _finals(
        [
            folder / "cli.result.xlsx",
            *[p for n in "ab" for p in (folder / f"inbox-{n}" / "results").glob("*.result*.xlsx")],
        ]
    )
    twice = sum(1 for c in counts.values() if c > 1)
    unfinished = sum(1 for pid in ids if finals.get(pid) not in ("성공", "이미처리"))
    rows: list[Row] = [
        (
            "team soak: processes / runs / kills / faults injected",
            f"3 / {tally['runs']} / {tally['kills']} / {injected}",
            f"{orders} orders fed to all three",
            "",
        ),
        (
            "team soak: orders dispatched / dispatched twice",
            f"{len(counts)} of {orders} / {twice}",
            "",
            "all / 0",
        ),
        ("team soak: valid rows without a final result (last result file of each)", str(unfinished), "", "0"),
    ]
    return rows, twice == 0 and unfinished == 0 and len(counts) == orders


def _finals(paths: list[Path]) -> dict[str, str]:
    """The best word each order has in the result files (a later run's 이미처리 counts as final too)."""
    finals: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            continue
        wb = openpyxl.load_workbook(path, read_only=True)
        for row in wb["발송처리"].iter_rows(min_row=2, values_only=True):
            word = str(row[4])
            if finals.get(str(row[0])) not in ("성공", "이미처리"):
                finals[str(row[0])] = word
        wb.close()
    return finals


def run(orders: int = 600) -> tuple[list[Row], bool]:
    with (
        tempfile.TemporaryDirectory(prefix="batchship-team-bench-") as tmp,
        throwaway_postgres(fsync=True) as pg,
    ):
        folder = Path(tmp)
        sqlite_url = str(folder / "journal.sqlite3")
        cost_pg, cost_sqlite = journal_cost(pg.url), journal_cost(sqlite_url)
        time_sqlite = dispatch_time(str(folder / "d.sqlite3"), folder)
        time_pg = dispatch_time(pg.url.rsplit("/", 1)[0] + "/batchship", folder)
        soak_rows, soak_ok = soak(pg.url, folder, orders)
    rows: list[Row] = [
        (
            "journal cost per request of 30 orders (pending, then settled), PostgreSQL / SQLite",
            f"{cost_pg:.2f} ms / {cost_sqlite:.2f} ms",
            f"{cost_pg / 5:.0%} of 5 ms",
            "< 5 ms",
        ),
        (
            "dispatch of 3,000 rows, no rate limit: SQLite / PostgreSQL journal",
            f"{time_sqlite:.1f} s / {time_pg:.1f} s",
            f"{time_pg / time_sqlite:.2f}x",
            "reported",
        ),
        *soak_rows,
    ]
    return rows, cost_pg < 5 and soak_ok


if __name__ == "__main__":
    table, ok = run()
    for line in table:
        print(" | ".join(line))
    print("ok" if ok else "NOT MET")
