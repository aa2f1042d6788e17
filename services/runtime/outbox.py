"""The outbox relay: publishes records the job store queued in the same transaction as their state change."""

from __future__ import annotations

import logging

from cinemesh.runtime.bus import OutboundRecord, Publisher
from cinemesh.runtime.jobstore import JobStore

log = logging.getLogger(__name__)


class OutboxRelay:
    """Publishes pending outbox records; what it cannot send now, the reconciler's sweep sends later."""

    def __init__(self, store: JobStore, publisher: Publisher) -> None:
        self._store = store
        self._publisher = publisher

    def _send(self, record: dict[str, str]) -> None:
        self._publisher.send(OutboundRecord.from_json(record))

    def flush_job(self, job_id: str) -> None:
        """Right after a commit: publishes the job's pending records, best effort."""
        try:
            self._store.publish_pending(self._send, job_id=job_id)
        except Exception as exc:
            log.warning("outbox records of job %s not published yet (%s); the reconciler will", job_id, exc)

    def sweep(self, older_than_seconds: float) -> int:
        """Publishes every record pending for longer than `older_than_seconds` (a crashed writer, a broker outage)."""
        return self._store.publish_pending(self._send, older_than_seconds=older_than_seconds)
