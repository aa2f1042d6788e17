"""Stage work under the delivery rules: once per (job, stage), leased, cancellable, failures reported.

Every stage's consumer handler calls `StageRunner.run`: it claims the (job,
stage) pair in the job store under a lease, does the work while a heartbeat
keeps the lease alive, stores its outputs and queues them in the outbox in one
transaction, and lets the relay publish them; only then does the consumer
commit. A redelivered record of finished work re-publishes the stored records
instead of rendering again; work for a cancelled or already failed job is
dropped; a record whose work another live replica holds waits (LeaseHeld).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from google.protobuf.message import Message

from cinemesh.runtime import cancellation, metrics
from cinemesh.runtime.bus import Delivery, OutboundRecord, Publisher
from cinemesh.runtime.errors import CinemeshError
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.outbox import OutboxRelay
from cinemesh.runtime.topics import JOBS_FAILED, lane_of, lane_topic
from cinemesh.v1 import common_pb2, events_pb2

log = logging.getLogger(__name__)

#: What a stage's work returns: (topic, message) pairs to publish for the job.
Outputs = list[tuple[str, Message]]

STAGE_ENUM = {
    "gateway": common_pb2.STAGE_GATEWAY,
    "prompt": common_pb2.STAGE_PROMPT,
    "identity": common_pb2.STAGE_IDENTITY,
    "video": common_pb2.STAGE_VIDEO,
    "audio": common_pb2.STAGE_AUDIO,
    "lipsync": common_pb2.STAGE_LIPSYNC,
}

#: How often a running job is checked for cancellation.
CANCEL_CHECK_SECONDS = 1.0


def process_identity(service: str) -> str:
    """Who holds a lease: service, host, pid and a nonce (a restarted pid is another owner)."""
    return f"{service}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LeaseKeeper:
    """Heartbeats a stage lease while work runs, and notices when the job is cancelled meanwhile."""

    def __init__(self, store: JobStore, job_id: str, stage: str, owner: str, lease_seconds: float) -> None:
        self._store = store
        self._job_id = job_id
        self._stage = stage
        self._owner = owner
        self._lease_seconds = lease_seconds
        self._done = threading.Event()
        self.cancelled = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{job_id[:8]}-{stage}", daemon=True)

    def _beat(self) -> None:
        renew_every = self._lease_seconds / 3
        next_renewal = time.monotonic() + renew_every
        while not self._done.wait(min(CANCEL_CHECK_SECONDS, renew_every)):
            try:
                if not self.cancelled.is_set() and self._store.job_state(self._job_id) == "cancelled":
                    self.cancelled.set()
                if time.monotonic() >= next_renewal:
                    if not self._store.renew_lease(self._job_id, self._stage, self._owner, self._lease_seconds):
                        self.lost.set()
                        return
                    next_renewal = time.monotonic() + renew_every
            except Exception as exc:  # a database blip: the next beat tries again before the lease runs out
                log.warning("%s: lease heartbeat for %s failed: %s", self._stage, self._job_id, exc)

    @contextmanager
    def held(self) -> Iterator[LeaseKeeper]:
        self._thread.start()
        try:
            with cancellation.cancellable(self.cancelled):
                yield self
        finally:
            self._done.set()


class StageRunner:
    """Runs one stage's work for a delivery exactly once per job, as far as effects go."""

    def __init__(
        self, stage: str, store: JobStore, publisher: Publisher, job_state: str | None, lease_seconds: float = 30.0
    ) -> None:
        self.stage = stage
        self.store = store
        self.publisher = publisher
        self.job_state = job_state
        self.lease_seconds = lease_seconds
        self.owner = process_identity(stage)
        self.relay = OutboxRelay(store, publisher)

    def run(self, delivery: Delivery, video_seconds: float, work: Callable[[], Outputs]) -> None:
        job_id = delivery.job_id
        claim = self.store.claim_stage(job_id, self.stage, video_seconds, self.owner, self.lease_seconds)
        if claim.action == "drop":
            log.info("%s: dropping %s (job is %s)", self.stage, job_id, claim.job_state)
            metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "dropped").inc()
            return
        if claim.action == "republish":
            log.info("%s: %s already done; re-publishing its %d record(s)", self.stage, job_id, len(claim.outputs))
            for stored in claim.outputs:
                self.publisher.send(OutboundRecord.from_json(stored))
            metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "republished").inc()
            return
        if self.job_state:
            self.store.advance(job_id, self.job_state)
        with LeaseKeeper(self.store, job_id, self.stage, self.owner, self.lease_seconds).held():
            try:
                outputs = work()
            except cancellation.WorkCancelled:
                log.info("%s: %s was cancelled; its work stopped", self.stage, job_id)
                self.store.drop_stage(job_id, self.stage)
                metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "dropped").inc()
                return
            except CinemeshError as exc:
                if exc.retryable:
                    raise
                # The job itself is wrong (e.g. a mention without a cameo): fail the job,
                # keep the record out of the DLQ, which is for records that cannot be handled.
                self._fail(job_id, f"{self.stage} stage rejected the job: {exc.message}", exc.code.name)
                metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "job_failed").inc()
                return
        if self.store.job_state(job_id) in ("cancelled", "failed"):
            self.store.drop_stage(job_id, self.stage)
            metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "dropped").inc()
            return
        # Outputs ride the lane their input came in on: a pro job stays in the pro lanes to the end.
        lane = lane_of(delivery.topic)
        records = [self.publisher.record(lane_topic(topic, lane), job_id, message) for topic, message in outputs]
        if not self.store.finish_stage(job_id, self.stage, self.owner, [r.to_json() for r in records]):
            log.warning(
                "%s: lost the lease on %s while working; the replica that took it over publishes", self.stage, job_id
            )
            metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "dropped").inc()
            return
        self.relay.flush_job(job_id)
        metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "processed").inc()

    def report_dead_letter(self, job_id: str | None, topic: str, error: Exception) -> None:
        """Tells the gateway (via `jobs.failed`) that this stage gave up on the job."""
        if not job_id:
            return
        code = error.code.name if isinstance(error, CinemeshError) else "INTERNAL"
        self._fail(job_id, f"{self.stage} stage could not process its {topic} record: {error}", code)

    def _fail(self, job_id: str, reason: str, code: str) -> None:
        """Marks the stage run failed and queues the job's failure report in the same transaction."""

        def report(replays: int) -> list[dict[str, str]]:
            failed = events_pb2.JobFailed(
                job_id=job_id, stage=STAGE_ENUM[self.stage], reason=reason[:2000], code=code, replays=replays
            )
            return [self.publisher.record(JOBS_FAILED, job_id, failed).to_json()]

        if not self.store.fail_stage(job_id, self.stage, self.owner, report):
            log.warning(
                "%s: not failing %s: its run was taken over or replayed meanwhile (%s)", self.stage, job_id, reason
            )
            return
        self.relay.flush_job(job_id)
