"""Kafka bus: CloudEvents-framed protobuf records with at-least-once delivery.

Publisher: idempotent producer, acks=all, key = job id, CloudEvents binary-mode
headers plus W3C traceparent; `publish` returns only once the broker has the
record.

Consumer: auto-commit off; one record at a time per process, handled on a
worker thread while the poll loop keeps polling with the partitions paused (so a
long render never exceeds max.poll.interval.ms); the offset is committed only
after the handler returned, i.e. after its output was durably written. A record
that fails `max_attempts` times (or at once, if the error cannot change on
retry) goes to `<topic>.dlq` with the error in its headers.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from google.protobuf.message import DecodeError, Message
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from cinemesh.runtime import metrics, tracing
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import CinemeshError, MalformedRecord
from cinemesh.runtime.topics import MESSAGE_OF, dlq

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/protobuf"
LAG_REPORT_SECONDS = 5.0
Headers = list[tuple[str, bytes]]


def ce_type_of(message: Message) -> str:
    return message.DESCRIPTOR.full_name


def cloudevent_headers(message: Message, source: str, event_id: str, traceparent: str) -> Headers:
    """CloudEvents Kafka binding, binary mode, plus W3C trace context."""
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", event_id.encode()),
        ("ce_type", ce_type_of(message).encode()),
        ("ce_source", source.encode()),
        ("ce_time", dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").encode()),
        ("content-type", CONTENT_TYPE.encode()),
        ("traceparent", traceparent.encode()),
    ]


@dataclass(frozen=True)
class OutboundRecord:
    """A record ready to publish; also what a stage stores to re-publish after a redelivery."""

    topic: str
    key: str
    value: bytes
    headers: Headers

    def to_json(self) -> dict[str, str]:
        return {
            "topic": self.topic,
            "key": self.key,
            "value": self.value.hex(),
            "headers": [[k, v.hex()] for k, v in self.headers],  # type: ignore[dict-item]
        }

    @classmethod
    def from_json(cls, data: dict) -> OutboundRecord:
        return cls(
            topic=data["topic"],
            key=data["key"],
            value=bytes.fromhex(data["value"]),
            headers=[(k, bytes.fromhex(v)) for k, v in data["headers"]],
        )


def make_record(topic: str, job_id: str, message: Message, source: str, event_id: str | None = None) -> OutboundRecord:
    expected = MESSAGE_OF.get(topic)
    if expected is not None and not isinstance(message, expected):
        raise TypeError(f"topic {topic} carries {expected.__name__}, not {type(message).__name__}")
    headers = cloudevent_headers(
        message, source, event_id or str(uuid.uuid4()), tracing.new_traceparent(tracing.current())
    )
    return OutboundRecord(topic, job_id, message.SerializeToString(), headers)


class Publisher:
    """Idempotent, acks=all producer; `send` blocks until the broker acknowledged."""

    def __init__(self, settings: Settings) -> None:
        self._source = f"/cinemesh/{settings.service}"
        self._producer = KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            client_id=f"cinemesh-{settings.service}",
            enable_idempotence=True,
            acks="all",
            linger_ms=2,
        )

    def record(self, topic: str, job_id: str, message: Message, event_id: str | None = None) -> OutboundRecord:
        return make_record(topic, job_id, message, self._source, event_id)

    def publish(self, topic: str, job_id: str, message: Message, event_id: str | None = None) -> None:
        self.send(self.record(topic, job_id, message, event_id))

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        self._producer.send(record.topic, key=record.key.encode(), value=record.value, headers=record.headers).get(
            timeout=timeout
        )
        metrics.PUBLISHED_RECORDS.labels(record.topic).inc()

    def close(self) -> None:
        self._producer.close(timeout=5)


@dataclass(frozen=True)
class Delivery:
    """A decoded record: the job it belongs to and its protobuf message."""

    topic: str
    partition: int
    offset: int
    job_id: str
    message: Message
    headers: dict[str, bytes]

    @property
    def traceparent(self) -> str | None:
        raw = self.headers.get("traceparent")
        return raw.decode(errors="replace") if raw else None


def decode(
    topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None, headers: Headers
) -> Delivery:
    """Validates framing and decodes the value; anything off raises MalformedRecord."""
    where = f"{topic}[{partition}]@{offset}"
    header_map = {k: v for k, v in headers or []}
    message_type = MESSAGE_OF.get(topic)
    if message_type is None:
        raise MalformedRecord(f"{where}: no message type is registered for topic {topic}")
    if not key:
        raise MalformedRecord(f"{where}: record has no key; the key must be the job id")
    expected_type = message_type.DESCRIPTOR.full_name
    ce_type = header_map.get("ce_type", b"").decode(errors="replace")
    if ce_type != expected_type:
        raise MalformedRecord(f"{where}: header ce_type is {ce_type!r}, expected {expected_type!r}")
    try:
        message = message_type.FromString(value or b"")
    except DecodeError as exc:
        raise MalformedRecord(f"{where}: value is not a valid {expected_type}: {exc}") from None
    job_id = key.decode(errors="replace")
    body_job = getattr(message, "job_id", job_id)
    if body_job != job_id:
        raise MalformedRecord(f"{where}: key {job_id!r} does not match the body's job_id {body_job!r}")
    return Delivery(topic, partition, offset, job_id, message, header_map)


#: A handler receives a decoded record; raising means the attempt failed.
Handler = Callable[[Delivery], None]
#: Called once a record is dead-lettered: (job id or None, topic, error).
DeadLetterHook = Callable[[str | None, str, Exception], None]


class Consumer:
    """Consumes `topics` for one stage and runs `handler` under the delivery rules."""

    def __init__(
        self,
        settings: Settings,
        topics: list[str],
        handler: Handler,
        publisher: Publisher,
        on_dead_letter: DeadLetterHook,
        stage: str | None = None,
    ) -> None:
        self._settings = settings
        self._topics = topics
        self._handler = handler
        self._publisher = publisher
        self._on_dead_letter = on_dead_letter
        self._stage = stage or settings.service
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{self._stage}-consumer", daemon=True)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self._stage}-work")
        self._consumer: KafkaConsumer | None = None
        self.ready = threading.Event()
        metrics.init_consumer_series(self._stage, topics)

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        self._thread.join(timeout=grace_seconds + 5)

    # ------------------------------------------------------------------

    def _connect(self) -> KafkaConsumer:
        settings = self._settings
        consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=settings.kafka_group,
            client_id=f"cinemesh-{self._stage}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
            max_poll_interval_ms=30000,
        )
        if settings.kafka_assignment == "manual":
            # The embedded broker loses group members after restarts; owning every
            # partition and resuming from the group's committed offsets is reliable.
            partitions = [
                TopicPartition(topic, p)
                for topic in self._topics
                for p in sorted(consumer.partitions_for_topic(topic) or [])
            ]
            if not partitions:
                raise RuntimeError(f"topics {self._topics} have no partitions; create them first")
            consumer.assign(partitions)
        else:
            consumer.subscribe(self._topics)
        return consumer

    def _run(self) -> None:
        consumer = self._connect()
        self._consumer = consumer
        self.ready.set()
        next_lag_report = 0.0
        try:
            while not self._stop.is_set():
                if time.monotonic() >= next_lag_report:
                    self._report_lag(consumer)
                    next_lag_report = time.monotonic() + LAG_REPORT_SECONDS
                batch = consumer.poll(timeout_ms=200, max_records=1)
                for tp, records in batch.items():
                    for record in records:
                        self._handle_in_background(consumer, tp, record)
                        if self._stop.is_set():
                            return
        except Exception:
            log.exception("%s consumer loop crashed", self._stage)
            raise
        finally:
            consumer.close(autocommit=False)

    def _report_lag(self, consumer: KafkaConsumer) -> None:
        """Sets cinemesh_kafka_consumer_lag_records per topic (end offset − position, summed)."""
        assigned = list(consumer.assignment())
        if not assigned:
            return
        try:
            ends = consumer.end_offsets(assigned)
            lag: dict[str, int] = {}
            for tp in assigned:
                # The embedded broker under-reports end offsets; never report negative lag.
                lag[tp.topic] = lag.get(tp.topic, 0) + max(0, ends.get(tp, 0) - consumer.position(tp))
        except Exception as exc:  # a metric must never stop consumption
            log.debug("%s: lag not measured: %s", self._stage, exc)
            return
        for topic, records in lag.items():
            metrics.CONSUMER_LAG.labels(self._stage, topic).set(records)

    def _handle_in_background(self, consumer: KafkaConsumer, tp: TopicPartition, record) -> None:  # type: ignore[no-untyped-def]
        paused = list(consumer.assignment())
        consumer.pause(*paused)
        future = self._worker.submit(self._handle, record)
        deadline = None
        while not future.done():
            # Keeps the consumer alive in its group; paused partitions return nothing.
            consumer.poll(timeout_ms=100)
            if self._stop.is_set():
                deadline = deadline or time.monotonic() + self._settings.shutdown_grace_seconds
                if time.monotonic() > deadline:
                    log.warning(
                        "%s: leaving %s@%d uncommitted at shutdown; it will be redelivered",
                        self._stage,
                        tp,
                        record.offset,
                    )
                    return
        if future.exception() is None:
            consumer.commit({tp: OffsetAndMetadata(record.offset + 1, "", -1)})
        else:
            # Dead-lettering itself failed (broker down): do not commit; redelivery retries it.
            log.error("%s: giving %s@%d back for redelivery: %s", self._stage, tp, record.offset, future.exception())
            consumer.seek(tp, record.offset)
        consumer.resume(*paused)

    def _handle(self, record) -> None:  # type: ignore[no-untyped-def]
        topic = record.topic
        metrics.STAGE_INFLIGHT.labels(self._stage).inc()
        started = time.monotonic()
        try:
            error: Exception | None = None
            job_id: str | None = record.key.decode(errors="replace") if record.key else None
            for attempt in range(1, self._settings.max_attempts + 1):
                try:
                    delivery = decode(topic, record.partition, record.offset, record.key, record.value, record.headers)
                    token = tracing.activate(delivery.traceparent)
                    try:
                        self._handler(delivery)
                    finally:
                        tracing.deactivate(token)
                    return
                except Exception as exc:
                    error = exc
                    metrics.STAGE_ATTEMPT_FAILURES.labels(self._stage, type(exc).__name__).inc()
                    retryable = not isinstance(exc, CinemeshError) or exc.retryable
                    log.warning(
                        "%s: attempt %d/%d at %s@%d failed: %s",
                        self._stage,
                        attempt,
                        self._settings.max_attempts,
                        topic,
                        record.offset,
                        exc,
                    )
                    if not retryable or attempt == self._settings.max_attempts:
                        break
                    if self._stop.wait(self._settings.retry_backoff_seconds * 2 ** (attempt - 1)):
                        raise RuntimeError("shutting down mid-retry") from exc
            assert error is not None
            self._dead_letter(record, error, attempt)
            # The failure report (jobs.failed) stays in the job's trace, even for a record that did not decode.
            raw = dict(record.headers or []).get("traceparent")
            token = tracing.activate(raw.decode(errors="replace") if raw else None)
            try:
                self._on_dead_letter(job_id, topic, error)
            finally:
                tracing.deactivate(token)
            metrics.STAGE_RECORDS.labels(self._stage, topic, "dead_lettered").inc()
        finally:
            metrics.STAGE_INFLIGHT.labels(self._stage).dec()
            metrics.STAGE_PROCESSING_SECONDS.labels(self._stage).observe(time.monotonic() - started)

    def _dead_letter(self, record, error: Exception, attempts: int) -> None:  # type: ignore[no-untyped-def]
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
