"""One record, handled under the delivery rules: attempts under a retry policy, then the DLQ.

`RecordProcessor` decodes and runs the handler, retrying as `RetryPolicy`
says; when it gives up, `DeadLetterer` writes the record to `<topic>.dlq` with
the error in its headers, and the stage's hook reports the job failed. The
processor returns normally once the record is dealt with (handled or
dead-lettered), so the consumer may commit it; it raises only if even the DLQ
could not be written, so the record is delivered again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kafka.consumer.fetcher import ConsumerRecord

from cinemesh.runtime import metrics, tracing
from cinemesh.runtime.bus import Delivery, Headers, OutboundRecord, Publisher, decode
from cinemesh.runtime.errors import LeaseHeld
from cinemesh.runtime.ids import is_uuid
from cinemesh.runtime.retry import RetryPolicy, classify
from cinemesh.runtime.topics import dlq

log = logging.getLogger(__name__)

#: A handler receives a decoded record; raising means the attempt failed.
Handler = Callable[[Delivery], None]
#: Called once a record is dead-lettered: (job id or None, topic, error).
DeadLetterHook = Callable[[str | None, str, Exception], None]


class ShuttingDown(Exception):
    """The process is stopping in the middle of a retry; the record stays uncommitted."""


class DeadLetterer:
    """Writes a record that cannot be handled to `<topic>.dlq`, with why, where from and after how many attempts."""

    def __init__(self, publisher: Publisher, stage: str) -> None:
        self._publisher = publisher
        self._stage = stage

    def send(self, record: ConsumerRecord, error: Exception, attempts: int) -> None:
        headers: Headers = list(record.headers or [])
        headers += [
            ("dlq_error_class", type(error).__name__.encode()),
            ("dlq_error_message", str(error)[:4000].encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
            ("dlq_attempts", str(attempts).encode()),
            ("dlq_stage", self._stage.encode()),
        ]
        key = record.key.decode(errors="replace") if record.key else ""
        self._publisher.send(OutboundRecord(dlq(record.topic), key, record.value or b"", headers))
        metrics.DLQ_RECORDS.labels(record.topic).inc()
        log.error(
            "%s: %s@%d dead-lettered after %d attempt(s): %s", self._stage, record.topic, record.offset, attempts, error
        )


class RecordProcessor:
    """Decodes a record and runs the handler until it succeeds or the policy gives up."""

    def __init__(
        self,
        stage: str,
        handler: Handler,
        policy: RetryPolicy,
        dead_letterer: DeadLetterer,
        on_dead_letter: DeadLetterHook,
        stopping: threading.Event,
    ) -> None:
        self._stage = stage
        self._handler = handler
        self._policy = policy
        self._dead_letterer = dead_letterer
        self._on_dead_letter = on_dead_letter
        self._stopping = stopping

    def process(self, record: ConsumerRecord) -> None:
        metrics.STAGE_INFLIGHT.labels(self._stage).inc()
        started = time.monotonic()
        try:
            self._attempt_until_done(record, started)
        finally:
            metrics.STAGE_INFLIGHT.labels(self._stage).dec()
            metrics.STAGE_PROCESSING_SECONDS.labels(self._stage).observe(time.monotonic() - started)

    def _attempt_until_done(self, record: ConsumerRecord, started: float) -> None:
        attempt, first_failure = 0, 0.0
        while True:
            attempt += 1
            try:
                delivery = decode(
                    record.topic, record.partition, record.offset, record.key, record.value, record.headers
                )
                token = tracing.activate(delivery.traceparent)
                try:
                    self._handler(delivery)
                finally:
                    tracing.deactivate(token)
                return
            except LeaseHeld as held:
                # Not a failure: another replica works on it. Its lease ends when it finishes or dies.
                first_failure, attempt = 0.0, attempt - 1
                delay = self._policy.wait_for_lease(held)
                log.info("%s: %s; waiting %.1f s", self._stage, held.message, delay)
                if self._stopping.wait(delay):
                    raise ShuttingDown(
                        f"stopping while waiting for a lease on {record.topic}@{record.offset}"
                    ) from held
            except Exception as exc:
                cause = classify(exc)
                first_failure = first_failure or time.monotonic()
                metrics.STAGE_ATTEMPT_FAILURES.labels(self._stage, type(exc).__name__).inc()
                delay = self._policy.next_delay(cause, attempt, time.monotonic() - first_failure)
                log.warning(
                    "%s: attempt %d at %s@%d failed (%s cause): %s%s",
                    self._stage,
                    attempt,
                    record.topic,
                    record.offset,
                    cause.value,
                    exc,
                    "" if delay is None else f"; retrying in {delay:.2f} s",
                )
                if delay is None:
                    self._give_up(record, exc, attempt)
                    return
                if self._stopping.wait(delay):
                    raise ShuttingDown(f"stopping while retrying {record.topic}@{record.offset}") from exc

    def _give_up(self, record: ConsumerRecord, error: Exception, attempts: int) -> None:
        self._dead_letterer.send(record, error, attempts)
        # The failure report (jobs.failed) stays in the job's trace, even for a record that did not decode.
        raw = dict(record.headers or []).get("traceparent")
        token = tracing.activate(raw.decode(errors="replace") if raw else None)
        try:
            # A key that is no job id names no job to fail: the record only goes to the DLQ.
            key = (record.key or b"").decode(errors="replace")
            self._on_dead_letter(key if is_uuid(key) else None, record.topic, error)
        finally:
            tracing.deactivate(token)
        metrics.STAGE_RECORDS.labels(self._stage, record.topic, "dead_lettered").inc()
