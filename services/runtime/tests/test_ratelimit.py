"""Token buckets: a burst up to the bucket, then the steady rate, each key on its own."""

from __future__ import annotations

import pytest

from cinemesh.runtime.auth import Principal
from cinemesh.runtime.errors import RateLimited
from cinemesh.runtime.ratelimit import KeyRateLimit, RateLimiter


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


def _principal(key_id: str) -> Principal:
    return Principal("acct", "plus", 0, key_id=key_id, scopes=frozenset({"cameos"}))


def test_a_key_over_its_rate_is_refused_with_when_to_retry() -> None:
    clock = _Clock()
    limit = KeyRateLimit(rate=1.0, burst=2, clock=clock)
    limit.check(_principal("k1"))
    limit.check(_principal("k1"))
    with pytest.raises(RateLimited, match=r"API key k1 is over its 1 requests per second \(burst 2\); retry in 1.0 s"):
        limit.check(_principal("k1"))
    limit.check(_principal("k2"))
    clock.now += 1.0
    limit.check(_principal("k1"))


def test_a_rate_of_zero_turns_the_limit_off() -> None:
    limit = KeyRateLimit(rate=0.0, burst=1)
    for _ in range(100):
        limit.check(_principal("k1"))
