"""WatchJob at scale: one poller for every watcher, fanned out to their streams.

However many clients watch, the hub reads the job store once per tick: the
watched jobs and their stage runs in one query each, the stage rates once. A
watcher is an asyncio queue on the gateway's event loop, not a thread; it gets
the job at once, then every change of state, stage or whole percent, and its
stream ends when the job is terminal.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from cinemesh.gateway.jobs import STATE_ENUM, JobsApi
from cinemesh.runtime.jobstore import TERMINAL, Account, JobStore
from cinemesh.v1 import gateway_pb2

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
#: Stages whose speed the progress estimate uses.
RATED_STAGES = ("prompt", "identity", "video", "audio", "lipsync")
_TERMINAL_STATES = {STATE_ENUM[state] for state in TERMINAL}


@dataclass(eq=False)
class _Watcher:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[gateway_pb2.WatchJobResponse] = field(default_factory=asyncio.Queue)
    #: Has not had its first update yet.
    fresh: bool = True

    def send(self, update: gateway_pb2.WatchJobResponse) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, update)


class JobWatchHub:
    """Polls the watched jobs on one thread and hands each change to every watcher of that job."""

    def __init__(self, api: JobsApi, store: JobStore, poll_seconds: float = POLL_SECONDS) -> None:
        self._api = api
        self._store = store
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._watchers: dict[str, set[_Watcher]] = {}
        self._last: dict[str, tuple] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watch-hub", daemon=True)

    # Background protocol -------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=grace_seconds + 5)

    def healthy(self) -> bool:
        return self._stop.is_set() or not self._thread.ident or self._thread.is_alive()

    def watching(self) -> int:
        with self._lock:
            return sum(len(watchers) for watchers in self._watchers.values())

    # watchers --------------------------------------------------------------

    async def watch(self, account: Account, job_id: str) -> AsyncIterator[gateway_pb2.WatchJobResponse]:
        await asyncio.to_thread(self._api.job, account, job_id)  # NOT_FOUND for unknown jobs and other accounts
        watcher = _Watcher(asyncio.get_running_loop())
        with self._lock:
            self._watchers.setdefault(job_id, set()).add(watcher)
        self._wake.set()
        try:
            while True:
                update = await watcher.queue.get()
                yield update
                if update.job.state in _TERMINAL_STATES:
                    return
        finally:
            with self._lock:
                watchers = self._watchers.get(job_id, set())
                watchers.discard(watcher)
                if not watchers:
                    self._watchers.pop(job_id, None)
                    self._last.pop(job_id, None)

    # the poller --------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._poll_seconds)
            self._wake.clear()
            try:
                self.poll_once()
            except Exception as exc:  # the database is away: watchers wait for the next tick
                log.warning("watch poll failed: %s", exc)

    def poll_once(self) -> None:
        with self._lock:
            job_ids = list(self._watchers)
        if not job_ids:
            return
        records = self._store.get_jobs(job_ids)
        runs = self._store.stage_runs_of(job_ids)
        rates = {stage: self._store.seconds_per_video_second(stage) for stage in RATED_STAGES}
        for job_id, record in records.items():
            key, update = self._api.watch_update(record, runs.get(job_id, []), rates)
            with self._lock:
                watchers = list(self._watchers.get(job_id, ()))
                changed = self._last.get(job_id) != key
                self._last[job_id] = key
            for watcher in watchers:
                if changed or watcher.fresh:
                    watcher.fresh = False
                    watcher.send(update)
