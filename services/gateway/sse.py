"""Server-sent events of a job watch, shared by the jobs and the Videos API routes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

#: A comment this often keeps a quiet stream open through proxies that close idle connections.
HEARTBEAT_SECONDS = 15.0


async def event_stream(
    first: Any, updates: AsyncIterator[Any], render: Callable[[Any], Awaitable[str]]
) -> AsyncIterator[str]:
    """`render`ed events of the hub's updates, with a heartbeat comment while none comes.

    The next update is awaited in a task of its own, so that a heartbeat does not cancel the watch; the
    hub's stream ends after the terminal update.
    """
    yield await render(first)
    pending = asyncio.ensure_future(anext(updates, None))
    try:
        while True:
            done, _ = await asyncio.wait({pending}, timeout=HEARTBEAT_SECONDS)
            if not done:
                yield ": heartbeat\n\n"
                continue
            update = pending.result()
            if update is None:
                return
            yield await render(update)
            pending = asyncio.ensure_future(anext(updates, None))
    finally:
        pending.cancel()  # a client that left: the hub forgets its watcher
