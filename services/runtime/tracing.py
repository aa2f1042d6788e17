"""W3C trace context (`traceparent`) carried across every gRPC call and Kafka hop.

A record's traceparent keeps the trace id of the request that started the job
and gets a fresh span id at each hop, so one job is one trace end to end.
"""

from __future__ import annotations

import contextvars
import re
import secrets

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("traceparent", default=None)


def new_traceparent(parent: str | None = None) -> str:
    """A child of `parent` (same trace id, new span id), or the root of a new trace."""
    match = _TRACEPARENT.match(parent or "")
    trace_id = match.group(1) if match else secrets.token_hex(16)
    flags = match.group(3) if match else "01"
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"


def trace_id_of(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None


def current() -> str | None:
    return _current.get()


def activate(traceparent: str | None) -> contextvars.Token[str | None]:
    return _current.set(traceparent)


def deactivate(token: contextvars.Token[str | None]) -> None:
    _current.reset(token)
