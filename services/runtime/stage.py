"""Stage work under the delivery rules: once per (job, stage), cancellable, failures reported.

Every stage's consumer handler calls `StageRunner.run`: it claims the (job,
stage) pair in the job store, does the work, stores the records it will
publish, publishes them, and only then lets the consumer commit. A redelivered
record of finished work re-publishes the stored records instead of rendering
again; work for a cancelled or already failed job is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from google.protobuf.message import Message

from cinemesh.runtime import metrics
from cinemesh.runtime.bus import Delivery, OutboundRecord, Publisher
from cinemesh.runtime.errors import CinemeshError
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.topics import JOBS_FAILED
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


class StageRunner:
    """Runs one stage's work for a delivery exactly once per job, as far as effects go."""

    def __init__(self, stage: str, store: JobStore, publisher: Publisher, job_state: str | None) -> None:
        self.stage = stage
        self.store = store
        self.publisher = publisher
        self.job_state = job_state

    def run(self, delivery: Delivery, video_seconds: float, work: Callable[[], Outputs]) -> None:
        job_id = delivery.job_id
        claim = self.store.claim_stage(job_id, self.stage, video_seconds)
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
        try:
            outputs = work()
        except CinemeshError as exc:
            if exc.retryable:
                raise
            # The job itself is wrong (e.g. a mention without a cameo): fail the job,
            # keep the record out of the DLQ, which is for records that cannot be handled.
            self.store.drop_stage(job_id, self.stage, status="failed")
            self._publish_failure(job_id, f"{self.stage} stage rejected the job: {exc.message}", exc.code.name)
            metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "job_failed").inc()
            return
        if self.store.job_state(job_id) in ("cancelled", "failed"):
            self.store.drop_stage(job_id, self.stage)
            metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "dropped").inc()
            return
        records = [self.publisher.record(topic, job_id, message) for topic, message in outputs]
        self.store.finish_stage(job_id, self.stage, [r.to_json() for r in records])
        for record in records:
            self.publisher.send(record)
        metrics.STAGE_RECORDS.labels(self.stage, delivery.topic, "processed").inc()

    def report_dead_letter(self, job_id: str | None, topic: str, error: Exception) -> None:
        """Tells the gateway (via `jobs.failed`) that this stage gave up on the job."""
        if not job_id:
            return
        code = error.code.name if isinstance(error, CinemeshError) else "INTERNAL"
        self._publish_failure(job_id, f"{self.stage} stage could not process its {topic} record: {error}", code)

    def _publish_failure(self, job_id: str, reason: str, code: str) -> None:
        failed = events_pb2.JobFailed(job_id=job_id, stage=STAGE_ENUM[self.stage], reason=reason[:2000], code=code)
        self.publisher.publish(JOBS_FAILED, job_id, failed)
