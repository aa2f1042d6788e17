"""The reconciler: notices jobs that stopped moving and re-drives them from the job store.

One reconciler acts at a time: on PostgreSQL the one holding an advisory lock
(any gateway replica may run one, the others wait), on SQLite the single
gateway of the embedded mesh. Every `reconcile_interval_seconds` it

1. publishes outbox records that have waited too long (their writer crashed
   after the commit, or the broker was down);
2. re-drives jobs without progress for `stall_seconds` — no state change, no
   lease heartbeat, no stage finished — whose next stage did nothing in that
   time either (a busy stage means the job waits in a backlog), by queueing
   again every stored record whose consuming stage has not finished with it
   (the job's frontier). The stages are idempotent, so a re-drive never renders
   twice what is done;
3. fails a job, with a refund, once it has been re-driven `max_redrives` times
   without a stage finishing in between.

A lost broker, a stage that died without redelivery, a gateway that missed an
outcome in a database blip: all of them end as a stalled job that this loop
picks up.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa

from cinemesh.gateway.jobs import count_finished
from cinemesh.gateway.redrive import frontier, waiting_on
from cinemesh.runtime import metrics
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import JobRecord, JobStore
from cinemesh.runtime.outbox import OutboxRelay

log = logging.getLogger(__name__)

#: Any fixed 64-bit number, the same in every gateway: the advisory lock that elects the reconciler.
ADVISORY_LOCK_KEY = 0x63696E656D657368  # "cinemesh"
#: Published outbox records are kept this long (for operators reading the table), then deleted.
OUTBOX_RETENTION_SECONDS = 3600.0


class Leadership:
    """Whether this process is the one reconciler (or holder of `key`): a session-level advisory lock on PostgreSQL."""

    def __init__(self, store: JobStore, key: int = ADVISORY_LOCK_KEY) -> None:
        self._engine = store.engine
        self._key = key
        self._conn: sa.Connection | None = None

    def held(self) -> bool:
        if self._engine.dialect.name != "postgresql":
            return True
        try:
            if self._conn is None:
                conn = self._engine.connect()
                if not conn.execute(sa.select(sa.func.pg_try_advisory_lock(self._key))).scalar():
                    conn.close()
                    return False
                conn.commit()
                self._conn = conn
            self._conn.execute(sa.select(1))  # the lock lives as long as this session
            return True
        except sa.exc.DBAPIError as exc:
            log.warning("reconciler leadership lost: %s", exc)
            self.release()
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
            finally:
                self._conn = None


class Reconciler:
    """Runs beside the gateway's servers (a Background of its host)."""

    def __init__(self, settings: Settings, store: JobStore, publisher: Publisher) -> None:
        self._settings = settings
        self._store = store
        self._publisher = publisher
        self._relay = OutboxRelay(store, publisher)
        self._leadership = Leadership(store)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reconciler", daemon=True)
        self._next_prune = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        self._thread.join(timeout=grace_seconds + 5)
        self._leadership.release()

    def healthy(self) -> bool:
        return self._stop.is_set() or not self._thread.ident or self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self._settings.reconcile_interval_seconds):
            try:
                if self._leadership.held():
                    self.reconcile_once()
            except Exception as exc:  # the database or the broker is away: try again next round
                log.warning("reconcile round failed: %s", exc)

    def reconcile_once(self) -> None:
        # Records younger than one round are most likely being published by their writer right now.
        sent = self._relay.sweep(older_than_seconds=self._settings.reconcile_interval_seconds)
        if sent:
            log.info("outbox sweep published %d record(s)", sent)
        metrics.OUTBOX_PENDING.set(self._store.outbox_pending())
        stalled = self._store.stalled_jobs(self._settings.stall_seconds)
        if stalled:
            # A job whose next stage is busy with other jobs is waiting in a backlog, not stalled: re-driving it
            # would only add duplicates to the queue. A stage that did nothing for the whole stall window while
            # the job waited for it lost the job's record (or is down).
            busy = self._store.stages_active_since(self._settings.stall_seconds)
            for job in stalled:
                self._redrive(job, busy)
        if time.monotonic() >= self._next_prune:
            self._store.prune_outbox(OUTBOX_RETENTION_SECONDS)
            self._next_prune = time.monotonic() + 60.0

    def _redrive(self, job: JobRecord, busy: set[str]) -> None:
        records = frontier(self._store, self._publisher, job)
        done = {run.stage for run in self._store.stage_runs(job.job_id) if run.status == "done"}
        if waiting_on(records, done) <= busy and records:
            return
        if job.redrives >= self._settings.max_redrives:
            reason = (
                f"no progress for {self._settings.stall_seconds:g} s after {job.redrives} re-drive(s); credits refunded"
            )
            if self._store.fail_job(job.job_id, "gateway", reason):
                metrics.JOBS_REDRIVEN.labels("failed").inc()
                failed = self._store.get_job(job.job_id)
                metrics.CREDITS_REFUNDED.labels(failed.tier).inc(failed.credits_refunded)
                count_finished(failed)
                log.error("job %s failed: %s", job.job_id, reason)
            return
        if self._store.redrive(job, records):
            metrics.JOBS_REDRIVEN.labels("redriven").inc()
            log.warning(
                "job %s (%s) made no progress for %g s; re-driving %d record(s) (re-drive %d of %d)",
                job.job_id,
                job.state,
                self._settings.stall_seconds,
                len(records),
                job.redrives + 1,
                self._settings.max_redrives,
            )
            self._relay.flush_job(job.job_id)
