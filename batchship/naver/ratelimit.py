"""Client-side pacing: a token bucket that learns from NAVER's rate-limit headers and backs off on 429.

NAVER publishes no fixed rate; own-store applications are reported to get 2 requests/second with a burst of
twice that. So: pace on the client at `rate` (the `--rate-limit`), never faster than the
`GNCP-GW-RateLimit-Replenish-Rate` header says, and on a 429 empty the bucket and wait before the next request.

The client's own burst is the rate (one second's worth), half the gateway's documented burst of twice the
rate, on purpose: were both buckets the same size they would drain together and then run with no slack, and
the smallest jitter in when requests reach the gateway would draw a 429. With the gateway's bucket kept half
full, jitter is absorbed; the cost is a smaller head start, nothing in sustained throughput.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Final

DEFAULT_RATE: Final = 2.0


class RateLimiter:
    """A thread-safe token bucket. rate: requests per second; burst: bucket size (default: the rate, see above)."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self._tokens = self.burst
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def acquire(self) -> None:
        """Block until a request may be sent."""
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                wait = max(0.0, self._paused_until - now)
                if wait == 0.0 and self._tokens >= 1:
                    self._tokens -= 1
                    return
                if wait == 0.0:
                    wait = (1 - self._tokens) / self.rate
            self._sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Adopt a lower replenish rate / burst capacity announced by the gateway (never a higher one)."""
        try:
            rate = float(headers.get("GNCP-GW-RateLimit-Replenish-Rate", "") or 0)
            burst = float(headers.get("GNCP-GW-RateLimit-Burst-Capacity", "") or 0)
        except ValueError:
            return
        with self._lock:
            if 0 < rate < self.rate:
                self.rate = rate
            if 0 < burst / 2 < self.burst:
                self.burst = max(1.0, burst / 2)
                self._tokens = min(self._tokens, self.burst)

    def throttled(self, backoff_s: float) -> None:
        """A 429 came back: empty the bucket and send nothing for `backoff_s` seconds."""
        with self._lock:
            self._tokens = 0.0
            self._updated = self._clock()
            self._paused_until = max(self._paused_until, self._updated + backoff_s)
