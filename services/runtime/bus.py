"""Kafka bus: CloudEvents-framed protobuf records, the publisher, and decoding.

Publisher: idempotent producer, acks=all, key = job id, CloudEvents binary-mode
headers plus W3C traceparent; `send` returns only once the broker has the
record. Consuming lives in `consumer.py` (the poll loop) and `processing.py`
(attempts, retries, the DLQ).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from dataclasses import dataclass

from google.protobuf.message import DecodeError, Message
from kafka import KafkaProducer

from cinemesh.runtime import metrics, tracing
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import MalformedRecord
from cinemesh.runtime.ids import is_uuid
from cinemesh.runtime.topics import MESSAGE_OF

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
    """Idempotent, acks=all producer; `send` blocks until the broker acknowledged.

    A failed send drops the producer, and the next send builds a new one: after a
    broker restart the old producer's id and sequence numbers mean nothing to it.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._source = f"/cinemesh/{settings.service}"
        self._lock = threading.Lock()
        self._producer: KafkaProducer | None = None

    def _connected(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self._settings.kafka_bootstrap,
                    client_id=f"cinemesh-{self._settings.service}",
                    enable_idempotence=True,
                    acks="all",
                    linger_ms=2,
                    **self._settings.kafka_security.client_kwargs(),
                )
            return self._producer

    def record(self, topic: str, job_id: str, message: Message, event_id: str | None = None) -> OutboundRecord:
        return make_record(topic, job_id, message, self._source, event_id)

    def publish(self, topic: str, job_id: str, message: Message, event_id: str | None = None) -> None:
        self.send(self.record(topic, job_id, message, event_id))

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        producer = self._connected()
        try:
            producer.send(record.topic, key=record.key.encode(), value=record.value, headers=record.headers).get(
                timeout=timeout
            )
        except Exception:
            self._discard(producer)
            raise
        metrics.PUBLISHED_RECORDS.labels(record.topic).inc()

    def _discard(self, producer: KafkaProducer) -> None:
        with self._lock:
            if self._producer is producer:
                self._producer = None
        threading.Thread(target=producer.close, kwargs={"timeout": 5}, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            producer.close(timeout=5)


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
    if not is_uuid(job_id):
        raise MalformedRecord(f"{where}: key {job_id[:80]!r} is not a job id (the UUID the gateway issued)")
    body_job = getattr(message, "job_id", job_id)
    if body_job != job_id:
        raise MalformedRecord(f"{where}: key {job_id!r} does not match the body's job_id {body_job!r}")
    return Delivery(topic, partition, offset, job_id, message, header_map)
