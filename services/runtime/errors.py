"""Domain errors. Services raise these; one interceptor maps them to gRPC codes.

Each error carries a message a person can act on: what was wrong, with which
field or limit, and what is accepted.
"""

from __future__ import annotations

import grpc


class CinemeshError(Exception):
    """Base of every domain error; `code` is the gRPC status it maps to."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    #: False for errors that fail the same way on every attempt (no retry).
    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(CinemeshError):
    """The request itself is wrong; names the field."""

    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


class NotFound(CinemeshError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(CinemeshError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(CinemeshError):
    """The request is well-formed but the system is not in a state to honour it."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class PermissionDenied(CinemeshError):
    """The caller is known but may not do this (e.g. read another person's cameo)."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhausted(CinemeshError):
    """Credits or quota are short."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class Unauthenticated(CinemeshError):
    code = grpc.StatusCode.UNAUTHENTICATED


class Unavailable(CinemeshError):
    """A dependency is down or overloaded; safe to retry."""

    code = grpc.StatusCode.UNAVAILABLE
    retryable = True


class LeaseHeld(Unavailable):
    """Another replica holds the lease on this stage work; try again once it finished or its lease expired.

    Retried without a horizon: a lease ends when its owner finishes or stops heartbeating.
    """

    def __init__(self, message: str, retry_after_seconds: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class MalformedRecord(CinemeshError):
    """A Kafka record that cannot be decoded; retrying cannot help."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class RateLimited(ResourceExhausted):
    """Over a rate or concurrency limit; the same request succeeds after `retry_after_seconds`.

    Sent to gRPC clients with a `retry-after` trailer (whole seconds, rounded up).
    """

    def __init__(self, message: str, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
