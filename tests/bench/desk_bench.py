"""The web desk under load, served as its own process (`batchship serve --sandbox`), driven over loopback.

1. Upload and check of a 10,000-row xlsx through the API: time from the upload's first byte to the verdicts
   (the run's event stream saying done), against `run_check` on the same file in a warm process (target:
   within 1.5x); and the verdict page of that run (first page, a filtered page, a page deep in) rendered in
   under 300 ms.
2. While one dispatch runs (3,000 orders at 10 requests/s), 20 clients upload a 1,000-row sheet each at once
   and poll their run: p95 of `GET /api/v1/runs/{id}` under 200 ms, every run done with all its rows (nothing
   lost), the dispatch complete; the server's peak memory reported.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from batchship.accounts import UserStore
from batchship.services.check import run_check
from tests.bench.run import make_sheet, timed
from tests.deskkit import serving


def _users(root: Path) -> str:
    """The bench's account, and its API token."""
    store = UserStore(root / "users.sqlite3")
    store.add("bench", "dispatch", "bench-password")
    token = store.new_token("bench")
    store.close()
    return token


def _upload(client: httpx.Client, path: Path, mode: str = "check") -> str:
    with path.open("rb") as fh:
        answer = client.post("/api/v1/runs", files={"file": (path.name, fh)}, data={"mode": mode})
    answer.raise_for_status()
    return str(answer.json()["id"])


def _until_done(client: httpx.Client, run_id: str) -> dict[str, Any]:
    with client.stream("GET", f"/api/v1/runs/{run_id}/events", timeout=600) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: ") and json.loads(line[6:])["status"] in ("done", "failed"):
                break
    run: dict[str, Any] = client.get(f"/api/v1/runs/{run_id}").json()
    return run


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


@dataclass(frozen=True)
class Sizes:
    """The sheets: checked through the API, dispatched meanwhile, and uploaded by each of `clients`."""

    check: int = 10_000
    dispatch: int = 3_000
    small: int = 1_000
    clients: int = 20


def _sheet(build: Path, rows: int) -> Path:
    path = build / f"desk_{rows}.xlsx"
    if not path.exists():
        make_sheet(path, rows)
    return path


def _check_figures(
    client: httpx.Client, build: Path, rows: int
) -> tuple[list[tuple[str, str, str, str]], bool]:
    sheet = _sheet(build, rows)
    run_check(sheet, out=build / "desk_warm.check.xlsx")  # warm the imports, as the server's are
    local = timed(lambda: run_check(sheet, out=build / "desk_cli.check.xlsx"), repeat=3)
    through: list[float] = []
    run_id = ""
    for _ in range(3):
        start = time.perf_counter()
        run_id = _upload(client, sheet)
        run = _until_done(client, run_id)
        through.append(time.perf_counter() - start)
        assert run["status"] == "done" and run["report"]["rows"] == rows
    api = min(through)
    pages = {}
    for name, params in (
        ("first", {}),
        ("filtered", {"status": "INVALID"}),
        ("deep", {"status": "all", "page": max(1, rows // 100)}),
    ):
        times = []
        for _ in range(10):
            start = time.perf_counter()
            answer = client.get(f"/runs/{run_id}", params=params)
            times.append(time.perf_counter() - start)
            assert answer.status_code == 200 and "<table" in answer.text
        pages[name] = statistics.median(times)
    worst = max(pages.values())
    figures = [
        (f"desk: check of {rows:,} rows in a warm process (run_check)", f"{local:.2f} s", "reference", ""),
        (
            "desk: upload + check of the same file through the API, to verdicts",
            f"{api:.2f} s",
            f"{api / local:.2f}x",
            "<= 1.5x",
        ),
        (
            f"desk: verdict page of that run (first / filtered / page {max(1, rows // 100)}, median of 10)",
            " / ".join(f"{v * 1000:.0f} ms" for v in pages.values()),
            f"worst {worst * 1000:.0f} ms",
            "< 300 ms",
        ),
    ]
    return figures, api / local <= 1.5 and worst < 0.3


def _load_figures(
    url: str, token: str, build: Path, pid: int, sizes: Sizes
) -> tuple[list[tuple[str, str, str, str]], bool]:
    big, small = _sheet(build, sizes.dispatch), _sheet(build, sizes.small)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as main:
        dispatch_id = _upload(main, big, "dispatch")
        latencies, results = asyncio.run(_clients(url, headers, small, sizes.clients))
        dispatched = _until_done(main, dispatch_id)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    complete = sum(r["status"] == "done" and r["report"]["rows"] == sizes.small for r in results)
    counts = dispatched["report"]["counts"]
    sent = counts["SUCCESS"] + counts["ALREADY_DISPATCHED"]
    valid = sizes.dispatch - counts["INVALID"]
    peak = _peak_mb(pid)
    rows = [
        (
            f"desk: {sizes.clients} clients upload {sizes.small:,} rows at once during a dispatch of"
            f" {sizes.dispatch:,}: p95 of GET /api/v1/runs/{{id}}",
            f"{p95 * 1000:.0f} ms ({len(latencies)} calls)",
            "",
            "< 200 ms",
        ),
        (
            "desk: those runs done with every row / the dispatch's valid orders sent",
            f"{complete} of {sizes.clients} / {sent} of {valid}",
            "",
            "all / all",
        ),
        ("desk: the server's peak memory (VmHWM)", f"{peak:.0f} MB", "", "reported"),
    ]
    return rows, p95 < 0.2 and complete == sizes.clients and sent == valid


async def _clients(
    url: str, headers: dict[str, str], sheet: Path, clients: int
) -> tuple[list[float], list[dict[str, Any]]]:
    """`clients` at once, each its own connection, on one event loop (threads in this process would time
    their own contention for the GIL, not the server's answers)."""
    content = sheet.read_bytes()
    latencies: list[float] = []

    async def one() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
            answer = await client.post(
                "/api/v1/runs", files={"file": (sheet.name, content)}, data={"mode": "check"}
            )
            answer.raise_for_status()
            run_id = answer.json()["id"]
            while True:
                start = time.perf_counter()
                run: dict[str, Any] = (await client.get(f"/api/v1/runs/{run_id}")).json()
                latencies.append(time.perf_counter() - start)
                if run["status"] in ("done", "failed"):
                    return run
                await asyncio.sleep(0.1)  # a page polling its run, as the fallback to the event stream does

    results = await asyncio.gather(*(one() for _ in range(clients)))
    return latencies, list(results)


def run(build: Path, sizes: Sizes = Sizes()) -> tuple[list[tuple[str, str, str, str]], bool]:
    with tempfile.TemporaryDirectory(prefix="batchship-desk-bench-") as folder:
        token = _users(Path(folder))
        with serving(Path(folder), "--rate-limit", "10") as (url, process):
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, headers=headers, timeout=600) as client:
                check_rows, check_ok = _check_figures(client, build, sizes.check)
            load_rows, load_ok = _load_figures(url, token, build, process.pid, sizes)
    return check_rows + load_rows, check_ok and load_ok


if __name__ == "__main__":
    found, ok = run(Path(os.environ.get("BATCHSHIP_BENCH_BUILD", "build/bench")))
    for row in found:
        print(" | ".join(row))
    print("ok" if ok else "NOT MET")
