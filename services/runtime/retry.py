"""When a failed attempt is tried again: transient causes wait out an outage, permanent ones fail fast.

A transient cause is one the world fixes by itself — a dependency restarting
(UNAVAILABLE, connection refused, HTTP 5xx), a database blip, an artifact store
that is full or read-only for a while, another replica holding the work's
lease. Those are retried with capped exponential backoff and full jitter until
`horizon_seconds` have passed since the first failure, and are never
dead-lettered before that. A permanent cause (a domain error that fails the
same way every time, a malformed record) is not retried. Anything else is a
bug until proven otherwise: `max_attempts` quick tries, then the DLQ.
"""

from __future__ import annotations

import errno
import random
from dataclasses import dataclass, field
from enum import Enum

import requests
import sqlalchemy.exc
from kafka import errors as kafka_errors

from cinemesh.runtime.errors import CinemeshError, LeaseHeld

#: OS errors of a storage or network dependency that clear up without a code change.
_TRANSIENT_ERRNOS = {
    errno.EACCES,  # artifact store made unwritable (a remount, a permissions fix rolling out)
    errno.EPERM,
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EIO,
    errno.EAGAIN,
    errno.EBUSY,
    errno.ESTALE,
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ETIMEDOUT,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
}


class Cause(Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


def classify(error: BaseException) -> Cause:
    """Whether `error` may clear up by itself (looking through `raise … from` chains)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, CinemeshError):
            return Cause.TRANSIENT if current.retryable else Cause.PERMANENT
        if isinstance(
            current,
            sqlalchemy.exc.OperationalError
            | sqlalchemy.exc.InterfaceError
            | requests.ConnectionError
            | requests.Timeout
            | kafka_errors.KafkaConnectionError
            | kafka_errors.BrokerNotAvailableError
            | kafka_errors.KafkaTimeoutError
            | ConnectionError
            | TimeoutError,
        ):
            return Cause.TRANSIENT
        if isinstance(current, kafka_errors.KafkaError) and getattr(current, "retriable", False):
            return Cause.TRANSIENT
        if isinstance(current, OSError) and current.errno in _TRANSIENT_ERRNOS:
            return Cause.TRANSIENT
        current = current.__cause__ or current.__context__
    return Cause.UNKNOWN


@dataclass
class RetryPolicy:
    """Decides whether and when the next attempt runs."""

    #: Tries of an error of unknown cause before the DLQ.
    max_attempts: int = 3
    #: Delay before the second attempt; doubles per attempt up to `max_delay_seconds`.
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0
    #: How long transient causes are retried, counted from the first failure.
    horizon_seconds: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Full-jitter backoff before attempt `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1))
        return self.rng.uniform(0.0, ceiling)

    def wait_for_lease(self, held: LeaseHeld) -> float:
        """Until the other owner's lease would expire (a finished owner ends it sooner), with a little jitter."""
        return min(self.max_delay_seconds, max(0.0, held.retry_after_seconds)) + self.rng.uniform(0.0, 0.5)

    def next_delay(self, cause: Cause, attempt: int, failing_for_seconds: float) -> float | None:
        """Seconds to wait before trying again, or None to give up now."""
        if cause is Cause.PERMANENT:
            return None
        if cause is Cause.UNKNOWN and attempt >= self.max_attempts:
            return None
        delay = self.delay(attempt)
        if cause is Cause.TRANSIENT and failing_for_seconds + delay > self.horizon_seconds:
            return None
        return delay
