"""Token buckets: a burst up to the bucket, then the steady rate, each key on its own."""

from __future__ import annotations

import pytest

from cinemesh.runtime.ratelimit import RateLimiter


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_and_keys_do_not_share_a_bucket() -> None:
    clock = _Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)  # one token comes every 0.5 s
    assert limiter.take("b") == 0.0
    clock.now += 0.5
    assert limiter.take("a") == 0.0
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 60.0  # idle: the bucket refills only up to the burst
    assert [limiter.take("a") for _ in range(4)][-1] == pytest.approx(0.5)
