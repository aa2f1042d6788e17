"""Token buckets per API key: a steady rate of requests per second with room for a short burst.

The buckets live in the process: with several replicas of a public service (gateway,
identity) behind a load balancer, a key's effective limit is the per-replica limit
times the replicas.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cinemesh.runtime import metrics
from cinemesh.runtime.auth import Principal
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import RateLimited


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`rate` tokens per second per key, at most `burst` saved up; each request takes one."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """0.0 if the request may go ahead, else the seconds until the key has a token again."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(self._burst, now))
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self._rate


class KeyRateLimit:
    """The requests-per-second limit of every API key on a public service (CINEMESH_RATE_LIMIT_RPS / _BURST)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._burst = burst
        self._limiter = RateLimiter(rate, burst, clock) if rate > 0 else None

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRateLimit:
        return cls(settings.rate_limit_rps, settings.rate_limit_burst)

    def check(self, principal: Principal) -> None:
        """Takes a token from the key's bucket, or raises RateLimited saying when to retry (and counts it)."""
        if self._limiter is None:
            return
        wait = self._limiter.take(principal.key_id)
        if wait > 0:
            metrics.RATE_LIMITED.labels("requests_per_second", principal.tier).inc()
            raise RateLimited(
                f"API key {principal.key_id} is over its {self._rate:g} requests per second "
                f"(burst {self._burst}); retry in {wait:.1f} s",
                wait,
            )
