"""A job's cancellation reaching the thread that does its work, in the stage or in a Serve replica.

The stage's lease keeper sets the event when the job is cancelled; a model call to Ray Serve closes its
connection (Serve then cancels the request in the replica), and a model running in-process, or in the
replica, checks `raise_if_cancelled()` between frames.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import grpc

from cinemesh.runtime.errors import CinemeshError

_cancelled: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("job_cancelled", default=None)


class WorkCancelled(CinemeshError):
    """The job was cancelled while its work ran; the work stopped and its output is dropped."""

    code = grpc.StatusCode.CANCELLED


def current() -> threading.Event | None:
    return _cancelled.get()


@contextmanager
def cancellable(event: threading.Event) -> Iterator[threading.Event]:
    """Work inside the block (and threads started with a copy of this context) sees `event`."""
    token = _cancelled.set(event)
    try:
        yield event
    finally:
        _cancelled.reset(token)


def raise_if_cancelled() -> None:
    event = _cancelled.get()
    if event is not None and event.is_set():
        raise WorkCancelled("the job was cancelled while this work ran")
