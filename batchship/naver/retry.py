"""Retry on purpose: what is retried is named by the caller (never "everything"), attempts and total time are
both capped, and waits grow exponentially with full jitter. Tests pass `sleep=` to run without waiting."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """attempts: tries in all for one request (first one included); total_s: no new try starts after this
    many seconds since the first; base_s and cap_s: the exponential backoff's first step and ceiling."""

    attempts: int = 8
    total_s: float = 300.0
    base_s: float = 0.5
    cap_s: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based): full jitter under the curve."""
        return self.rng.uniform(0, min(self.cap_s, self.base_s * 2 ** (attempt - 1)))


class Budget:
    """Keeps count of one request's tries against a `RetryPolicy`."""

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._start = clock()
        self.attempts = 0

    def spend(self) -> None:
        self.attempts += 1

    def can_retry(self) -> bool:
        return self.attempts < self.policy.attempts and self._clock() - self._start < self.policy.total_s

    def wait(self) -> None:
        """Sleep the backoff due after the attempts spent so far."""
        self.policy.sleep(self.policy.backoff(self.attempts))
