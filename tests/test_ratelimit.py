"""Client-side pacing and the retry budget, on a fake clock (no real waiting)."""

from __future__ import annotations

import random

import pytest

from batchship.naver.ratelimit import RateLimiter
from batchship.naver.retry import Budget, RetryPolicy


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_bucket_allows_a_burst_then_paces_at_the_rate() -> None:
    """At 2/s: two requests at once (one second's worth), then one every half second."""
    t = FakeTime()
    limiter = RateLimiter(2, clock=t.clock, sleep=t.sleep)
    times = []
    for _ in range(6):
        limiter.acquire()
        times.append(round(t.now, 3))
    assert times == [0.0, 0.0, 0.5, 1.0, 1.5, 2.0]


def test_gateway_headers_can_only_slow_it_down() -> None:
    """A lower GNCP-GW replenish rate is adopted; a higher one is ignored (the user's --rate-limit holds)."""
    limiter = RateLimiter(5)
    limiter.observe({"GNCP-GW-RateLimit-Replenish-Rate": "2", "GNCP-GW-RateLimit-Burst-Capacity": "4"})
    assert (limiter.rate, limiter.burst) == (2, 2)
    limiter.observe({"GNCP-GW-RateLimit-Replenish-Rate": "50"})
    assert limiter.rate == 2
    limiter.observe({"GNCP-GW-RateLimit-Replenish-Rate": "nonsense"})
    assert limiter.rate == 2


def test_a_429_pauses_everyone() -> None:
    """After a 429 the bucket is empty and nothing is sent until the backoff has passed."""
    t = FakeTime()
    limiter = RateLimiter(10, clock=t.clock, sleep=t.sleep)
    limiter.throttled(3.0)
    limiter.acquire()
    assert t.now >= 3.0


def test_retry_budget_caps_attempts_and_time() -> None:
    """Attempts and total time are both capped; waits grow but never pass the cap."""
    t = FakeTime()
    policy = RetryPolicy(attempts=4, total_s=100, base_s=1, cap_s=5, sleep=t.sleep, rng=random.Random(0))
    budget = Budget(policy, clock=t.clock)
    tries = 0
    while True:
        budget.spend()
        tries += 1
        if not budget.can_retry():
            break
        budget.wait()
    assert tries == 4
    assert all(0 <= s <= 5 for s in t.slept)
    slow = Budget(RetryPolicy(attempts=100, total_s=10, sleep=t.sleep), clock=t.clock)
    slow.spend()
    t.now += 11
    assert not slow.can_retry()


def test_rate_must_be_positive() -> None:
    """A zero or negative rate is refused."""
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
