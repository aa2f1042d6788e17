"""Which failures are retried, for how long, and with what backoff."""

from __future__ import annotations

import errno
import random

import pytest
import requests
import sqlalchemy.exc
from kafka import errors as kafka_errors

from cinemesh.runtime.errors import InvalidArgument, LeaseHeld, MalformedRecord, Unavailable
from cinemesh.runtime.retry import Cause, RetryPolicy, classify


@pytest.mark.parametrize(
    "error",
    [
        Unavailable("Ray Serve app 'video' is unreachable"),
        LeaseHeld("held by video@host"),
        sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        requests.ConnectionError("refused"),
        kafka_errors.BrokerNotAvailableError(),
        kafka_errors.KafkaTimeoutError(),
        ConnectionRefusedError(errno.ECONNREFUSED, "refused"),
        PermissionError(errno.EACCES, "Permission denied", "/artifacts/jobs/x/video.mp4"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_outages_are_transient(error: Exception) -> None:
    assert classify(error) is Cause.TRANSIENT


def test_the_cause_is_found_through_a_raise_from_chain() -> None:
    try:
        try:
            raise OSError(errno.EROFS, "Read-only file system")
        except OSError as inner:
            raise RuntimeError("writing the render failed") from inner
    except RuntimeError as outer:
        assert classify(outer) is Cause.TRANSIENT


@pytest.mark.parametrize(
    "error", [InvalidArgument("plan", "no scenes"), MalformedRecord("not a PlanCast")], ids=lambda e: type(e).__name__
)
def test_domain_errors_are_permanent(error: Exception) -> None:
    assert classify(error) is Cause.PERMANENT


@pytest.mark.parametrize("error", [ValueError("bug"), KeyError("x"), OSError(errno.ENOENT, "missing")])
def test_anything_else_is_unknown(error: Exception) -> None:
    assert classify(error) is Cause.UNKNOWN


def test_backoff_is_capped_exponential_with_full_jitter() -> None:
    policy = RetryPolicy(base_delay_seconds=0.5, max_delay_seconds=4.0, rng=random.Random(7))
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert min(delays) >= 0.0 and max(delays) <= ceiling
        assert max(delays) > 0.8 * ceiling  # jitter spreads over the whole range


def test_transient_causes_retry_until_the_horizon_and_no_further() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay_seconds=1.0, max_delay_seconds=1.0, horizon_seconds=120.0)
    assert policy.next_delay(Cause.TRANSIENT, attempt=50, failing_for_seconds=60.0) is not None
    assert policy.next_delay(Cause.TRANSIENT, attempt=3, failing_for_seconds=119.5) in (
        None,
        pytest.approx(0.25, abs=0.25),
    )
    assert policy.next_delay(Cause.TRANSIENT, attempt=2, failing_for_seconds=121.0) is None


def test_permanent_causes_never_retry_and_unknown_ones_retry_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3, horizon_seconds=600.0)
    assert policy.next_delay(Cause.PERMANENT, attempt=1, failing_for_seconds=0.0) is None
    assert policy.next_delay(Cause.UNKNOWN, attempt=2, failing_for_seconds=1.0) is not None
    assert policy.next_delay(Cause.UNKNOWN, attempt=3, failing_for_seconds=1.0) is None


def test_a_held_lease_is_waited_out_until_it_would_expire() -> None:
    policy = RetryPolicy(max_delay_seconds=30.0, rng=random.Random(3))
    assert 4.0 <= policy.wait_for_lease(LeaseHeld("held", retry_after_seconds=4.0)) <= 4.5
    assert policy.wait_for_lease(LeaseHeld("held", retry_after_seconds=600.0)) <= 30.5  # looks again at least so often
    assert policy.wait_for_lease(LeaseHeld("held", retry_after_seconds=-2.0)) <= 0.5  # already expired: at once
