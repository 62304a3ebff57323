"""A randomized soak: sheets dispatched through faults and kills, checked against the sandbox's own counts.

N sheets of a few hundred orders each are dispatched by real `batchship dispatch` processes against one
sandbox that injects 429 storms, 500s, 504s after applying, dropped connections after applying and token
expiry at random; about half the runs are killed with SIGKILL at a random moment and run again until they
finish. Then every order's dispatch count at the sandbox is compared with the journal and the result files.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from batchship.journal import open_journal
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, FaultSpec, Sandbox
from batchship.sandbox.server import Order


def write_sheet(path: Path, ids: list[str], tracking: Callable[[str], str]) -> Path:
    """A shipping sheet of `ids`, parcels by CJ대한통운, each with the tracking number `tracking(id)`."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("발송처리")
    ws.append(["상품주문번호", "배송방법", "택배사", "송장번호"])
    for pid in ids:
        ws.append([pid, "택배", "CJ대한통운", tracking(pid)])
    wb.save(path)
    return path


def _tracking(pid: str) -> str:
    return f"{7000000000 + int(pid[-7:])}"


def run(sheets: int = 6, rows: int = 300, seed: int = 11) -> tuple[list[tuple[str, str, str, str]], bool]:
    # Clients killed mid-request make aiohttp log "Connection lost" for each: expected here, so quiet.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    rng = random.Random(seed)
    faults = Faults(
        storm_429=FaultSpec(rate=0.08),
        error_500_before=FaultSpec(rate=0.05),
        timeout_504_after=FaultSpec(rate=0.05),
        drop_after=FaultSpec(rate=0.05),
        expire_tokens=FaultSpec(rate=0.03),
        latency_s=0.03,
        seed=seed,
    )
    all_ids = [f"20240600{n:08d}" for n in range(1, sheets * rows + 1)]
    kills = runs = 0
    stats: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(orders=[Order(i) for i in all_ids], faults=faults) as sb,
    ):
        folder = Path(tmp)
        journal = folder / "journal.sqlite3"
        env = {
            **os.environ,
            "NAVER_COMMERCE_CLIENT_ID": DEMO_CLIENT_ID,
            "NAVER_COMMERCE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "BATCHSHIP_JOURNAL": str(journal),
        }
        finals: dict[str, str] = {}
        for k in range(sheets):
            ids = all_ids[k * rows : (k + 1) * rows]
            sheet = folder / f"sheet{k}.xlsx"
            write_sheet(sheet, ids, _tracking)
            out = folder / f"sheet{k}.result.xlsx"
            cmd = [
                sys.executable,
                "-m",
                "batchship",
                "dispatch",
                str(sheet),
                "--base-url",
                sb.base_url,
                "--out",
                str(out),
                "--quiet",
                "--rate-limit",
                "40",
                "--batch-size",
                str(rng.choice([10, 20, 30])),
            ]
            for attempt in range(10):
                runs += 1
                proc = subprocess.Popen(
                    cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
                if attempt < 2 and rng.random() < 0.5:
                    time.sleep(rng.uniform(0.8, 2.5))
                    if proc.poll() is None:
                        proc.send_signal(signal.SIGKILL)
                        proc.communicate()
                        kills += 1
                        continue
                proc.communicate(timeout=300)
                if proc.returncode == 0:
                    break
            wb = openpyxl.load_workbook(out, read_only=True)
            ws = wb["발송처리"]
            for row in ws.iter_rows(min_row=2, values_only=True):
                finals[str(row[0])] = str(row[4])
            wb.close()
        counts = sb.dispatch_counts()
        stats["faults"] = sum(sb.snapshot()["faultsInjected"].values())
        with open_journal(journal, account=DEMO_CLIENT_ID) as j:
            successes = j.first_success(all_ids)
    twice = sum(1 for c in counts.values() if c > 1)
    unfinished = sum(1 for pid in all_ids if finals.get(pid) not in ("성공", "이미처리"))
    journal_mismatch = sum(1 for pid in all_ids if (pid in successes) != (counts.get(pid, 0) == 1))
    rows_out = [
        (
            "soak: runs / kills / faults injected",
            f"{runs} / {kills} / {stats['faults']}",
            f"{sheets} sheets of {rows}",
            "",
        ),
        ("soak: orders dispatched", f"{len(counts)} of {len(all_ids)}", "", ""),
        ("soak: orders dispatched twice", str(twice), "", "0"),
        ("soak: valid rows without a final result", str(unfinished), "", "0"),
        ("soak: journal and sandbox disagree", str(journal_mismatch), "", "0"),
    ]
    return rows_out, twice == 0 and unfinished == 0 and journal_mismatch == 0 and len(counts) == len(all_ids)


if __name__ == "__main__":
    table, ok = run()
    for line in table:
        print(" | ".join(line))
    print("ok" if ok else "FAILED")
