"""Dispatch throughput against the sandbox running as its own process (`batchship sandbox`).

1. 10,000 valid orders, sandbox and client both at 20 requests/s, 50 ms added latency: orders per second from
   the first request to the last, against the ceiling of 20 x 30 = 600 orders/s (target: at least 95%), and
   the 429s seen (target: none).
2. No rate limit, no latency: requests per second and client CPU per request.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from batchship.domain.plan import DispatchItem
from batchship.model import RowResult
from batchship.naver.auth import Credentials
from batchship.naver.client import CommerceClient
from batchship.naver.ratelimit import DEFAULT_RATE, RateLimiter
from batchship.naver.retry import RetryPolicy
from batchship.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from batchship.services.dispatch.context import RunContext
from batchship.services.dispatch.run import DispatchOptions, send_items
from batchship.services.progress import ignore

DATE = "2024-05-05T10:00:00.000+09:00"


def _orders_csv(n: int, folder: Path) -> Path:
    path = folder / "orders.csv"
    lines = ["productOrderId,status,placeOrderStatus"]
    lines += [f"{2024000000000000 + i},PAYED,OK" for i in range(1, n + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_sandbox(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "batchship", "sandbox", *args], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+/external)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"sandbox did not start: {line!r}")
    return proc, match.group(1)


def _run(
    n: int, rate: float | None, latency: float, client_rate: float, *, preflight: bool = False
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        orders = _orders_csv(n, Path(tmp))
        args = ["--orders", str(orders), "--latency", str(latency)]
        if rate:
            args += ["--rate-limit", str(rate)]
        proc, url = _start_sandbox(args)
        try:
            items = [
                DispatchItem(i + 1, f"{2024000000000000 + i}", "DELIVERY", "CJGLS", f"{6000000000 + i}", DATE)
                for i in range(1, n + 1)
            ]
            creds = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            with CommerceClient(creds, url, limiter=RateLimiter(client_rate)) as client:
                client.query([items[0].product_order_id])  # token fetched outside the measured window
                ctx = RunContext(client, retry=RetryPolicy(rng=random.Random(3)))
                by_row: dict[int, RowResult] = {}
                cpu0, t0 = time.process_time(), time.perf_counter()
                send_items(ctx, DispatchOptions(concurrency=4, preflight=preflight), items, by_row, ignore)
                results = by_row
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
                rate_limited = client.rate_limited
        finally:
            proc.terminate()
            proc.communicate(timeout=10)
    ok = sum(1 for r in results.values() if r.status.value == "SUCCESS")
    return {
        "orders": n,
        "succeeded": ok,
        "requests": ctx.counters.requests,
        "lookups": ctx.counters.lookups,
        "seconds": elapsed,
        "orders_per_s": n / elapsed,
        "requests_per_s": ctx.counters.requests / elapsed,
        "cpu_ms_per_request": 1000 * cpu / max(1, ctx.counters.requests),
        "rate_limited": rate_limited,
    }


def run() -> tuple[list[tuple[str, str, str, str]], bool]:
    paced = _run(10_000, rate=20, latency=0.05, client_rate=20)
    free = _run(3_000, rate=None, latency=0.0, client_rate=10_000)
    share = paced["orders_per_s"] / 600
    rows = [
        (
            "dispatch 10,000 orders, 20 req/s, 50 ms latency",
            f"{paced['orders_per_s']:.0f} orders/s ({paced['requests']} requests, {paced['seconds']:.1f} s)",
            f"{share:.1%} of 600 orders/s",
            ">= 95%",
        ),
        ("429s seen in that run", str(paced["rate_limited"]), "", "0"),
        (
            "dispatch, no rate limit, no latency",
            f"{free['requests_per_s']:.0f} requests/s",
            f"client CPU {free['cpu_ms_per_request']:.1f} ms/request",
            "",
        ),
    ]
    plain = _run(3_000, rate=None, latency=0.0, client_rate=DEFAULT_RATE)
    looked = _run(3_000, rate=None, latency=0.0, client_rate=DEFAULT_RATE, preflight=True)
    more_calls = (looked["requests"] + looked["lookups"]) / plain["requests"] - 1
    more_time = looked["seconds"] / plain["seconds"] - 1
    rows += [
        (
            f"pre-flight lookup, 3,000 orders at {DEFAULT_RATE:g} req/s",
            f"{looked['requests']} dispatch + {looked['lookups']} lookup calls, {looked['seconds']:.1f} s "
            f"(without: {plain['requests']} calls, {plain['seconds']:.1f} s)",
            f"+{more_calls:.1%} calls, +{more_time:.1%} time",
            "<= +12% each",
        ),
    ]
    ok = share >= 0.95 and paced["rate_limited"] == 0 and paced["succeeded"] == 10_000
    ok = ok and looked["succeeded"] == plain["succeeded"] == 3_000 and max(more_calls, more_time) <= 0.12
    return rows, ok
