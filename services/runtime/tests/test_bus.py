"""Record framing: CloudEvents headers, decode's validation, and stored-record round trips."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest

from cinemesh.runtime import tracing
from cinemesh.runtime.bus import (
    CONTENT_TYPE,
    OutboundRecord,
    ce_type_of,
    cloudevent_headers,
    decode,
    make_record,
)
from cinemesh.runtime.errors import MalformedRecord
from cinemesh.runtime.topics import (
    JOBS_COMPLETED,
    JOBS_SUBMITTED,
    MESSAGE_OF,
    PLANS_PARSED,
    RENDERS_AUDIO,
    all_topics,
    dlq,
)
from cinemesh.v1 import common_pb2, events_pb2

W3C = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
SOURCE = "/cinemesh/test"
JOB_1 = "6b1f0c52-3d1e-4c8e-9a7b-0f2d9c1e5a01"
JOB_2 = "6b1f0c52-3d1e-4c8e-9a7b-0f2d9c1e5a02"
JOB_9 = "6b1f0c52-3d1e-4c8e-9a7b-0f2d9c1e5a09"


def submitted(job_id: str = JOB_1) -> events_pb2.JobSubmitted:
    return events_pb2.JobSubmitted(
        job_id=job_id,
        account_id="acct",
        spec=common_pb2.GenerationSpec(prompt="a kite", duration_seconds=2.0),
        tier=common_pb2.TIER_PLUS,
        seed=7,
    )


def good_record(job_id: str = JOB_1) -> OutboundRecord:
    return make_record(JOBS_SUBMITTED, job_id, submitted(job_id), SOURCE)


def decode_record(record: OutboundRecord, **overrides: object) -> object:
    fields = {"key": record.key.encode(), "value": record.value, "headers": record.headers}
    fields.update(overrides)
    return decode(record.topic, 3, 17, fields["key"], fields["value"], fields["headers"])  # type: ignore[arg-type]


def test_make_record_round_trips_through_decode() -> None:
    record = good_record()
    assert record.topic == JOBS_SUBMITTED
    assert record.key == JOB_1
    delivery = decode_record(record)
    assert delivery.topic == JOBS_SUBMITTED  # type: ignore[attr-defined]
    assert (delivery.partition, delivery.offset) == (3, 17)  # type: ignore[attr-defined]
    assert delivery.job_id == JOB_1  # type: ignore[attr-defined]
    assert delivery.message == submitted()  # type: ignore[attr-defined]
    assert isinstance(delivery.message, events_pb2.JobSubmitted)  # type: ignore[attr-defined]
    assert delivery.headers["ce_type"] == b"cinemesh.v1.JobSubmitted"  # type: ignore[attr-defined]
    assert W3C.match(delivery.traceparent)  # type: ignore[attr-defined]


def test_cloudevent_headers() -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    record = make_record(JOBS_SUBMITTED, JOB_1, submitted(), SOURCE, event_id="evt-1")
    headers = dict(record.headers)
    assert [name for name, _ in record.headers] == [
        "ce_specversion",
        "ce_id",
        "ce_type",
        "ce_source",
        "ce_time",
        "content-type",
        "traceparent",
    ]
    assert all(isinstance(value, bytes) for value in headers.values())
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_id"] == b"evt-1"
    assert headers["ce_type"] == b"cinemesh.v1.JobSubmitted"
    assert headers["ce_source"] == SOURCE.encode()
    assert headers["content-type"] == CONTENT_TYPE.encode() == b"application/protobuf"
    assert W3C.match(headers["traceparent"].decode())
    sent_at = dt.datetime.fromisoformat(headers["ce_time"].decode())
    assert sent_at.tzinfo is not None
    assert before <= sent_at <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)


def test_event_id_defaults_to_a_fresh_uuid() -> None:
    ids = {dict(good_record().headers)["ce_id"].decode() for _ in range(5)}
    assert len(ids) == 5
    for event_id in ids:
        uuid.UUID(event_id)


def test_traceparent_continues_the_active_trace() -> None:
    parent = "00-" + "ab" * 16 + "-" + "cd" * 8 + "-01"
    token = tracing.activate(parent)
    try:
        record = good_record()
    finally:
        tracing.deactivate(token)
    traceparent = dict(record.headers)["traceparent"].decode()
    assert tracing.trace_id_of(traceparent) == "ab" * 16
    assert traceparent != parent


def test_headers_use_the_message_type_name() -> None:
    message = events_pb2.AudioRendered(job_id="j")
    assert ce_type_of(message) == "cinemesh.v1.AudioRendered"
    headers = dict(cloudevent_headers(message, SOURCE, "e", "00-" + "1" * 32 + "-" + "2" * 16 + "-01"))
    assert headers["ce_type"] == b"cinemesh.v1.AudioRendered"
    assert headers["traceparent"] == ("00-" + "1" * 32 + "-" + "2" * 16 + "-01").encode()


def test_make_record_refuses_the_wrong_message_type() -> None:
    with pytest.raises(TypeError) as raised:
        make_record(PLANS_PARSED, JOB_1, submitted(), SOURCE)
    assert "plans.parsed" in str(raised.value)
    assert "PlanParsed" in str(raised.value)
    assert "JobSubmitted" in str(raised.value)


def test_outbound_record_json_round_trip() -> None:
    record = good_record()
    stored = record.to_json()
    # What the job store keeps must survive a trip through JSON text.
    restored = OutboundRecord.from_json(json.loads(json.dumps(stored)))
    assert restored == record
    assert stored["value"] == record.value.hex()
    binary = OutboundRecord("t", "k", bytes(range(256)), [("h", b"\x00\xff")])
    assert OutboundRecord.from_json(json.loads(json.dumps(binary.to_json()))) == binary


def test_garbage_value_is_malformed() -> None:
    with pytest.raises(MalformedRecord) as raised:
        decode_record(good_record(), value=b"\xff\xff\xff not protobuf")
    message = raised.value.message
    assert message.startswith("jobs.submitted[3]@17: ")
    assert "not a valid cinemesh.v1.JobSubmitted" in message


def test_wrong_ce_type_is_malformed() -> None:
    record = good_record()
    headers = [(k, b"cinemesh.v1.PlanParsed" if k == "ce_type" else v) for k, v in record.headers]
    with pytest.raises(MalformedRecord) as raised:
        decode_record(record, headers=headers)
    message = raised.value.message
    assert "ce_type is 'cinemesh.v1.PlanParsed'" in message
    assert "expected 'cinemesh.v1.JobSubmitted'" in message


@pytest.mark.parametrize("headers", [[], None])
def test_missing_headers_are_malformed(headers: list | None) -> None:
    with pytest.raises(MalformedRecord, match="ce_type is ''"):
        decode_record(good_record(), headers=headers)


@pytest.mark.parametrize("key", [None, b""])
def test_missing_key_is_malformed(key: bytes | None) -> None:
    with pytest.raises(MalformedRecord) as raised:
        decode_record(good_record(), key=key)
    assert "no key" in raised.value.message
    assert "job id" in raised.value.message


def test_key_body_mismatch_is_malformed() -> None:
    with pytest.raises(MalformedRecord) as raised:
        decode_record(good_record(JOB_1), key=JOB_2.encode())
    message = raised.value.message
    assert f"key {JOB_2!r}" in message
    assert f"job_id {JOB_1!r}" in message


@pytest.mark.parametrize(
    "key", [b"job-1", b"../../../../tmp/x", JOB_1.upper().encode(), JOB_1.replace("-", "").encode()]
)
def test_a_key_that_is_no_canonical_job_id_is_malformed(key: bytes) -> None:
    with pytest.raises(MalformedRecord) as raised:
        decode_record(good_record(), key=key)
    assert "is not a job id" in raised.value.message


def test_unknown_topic_is_malformed() -> None:
    record = good_record()
    with pytest.raises(MalformedRecord, match="no message type is registered for topic nope"):
        decode("nope", 0, 0, JOB_1.encode(), record.value, record.headers)


def test_malformed_record_is_not_retryable() -> None:
    assert MalformedRecord.retryable is False


@pytest.mark.parametrize("topic", sorted(MESSAGE_OF))
def test_every_topic_round_trips(topic: str) -> None:
    message = MESSAGE_OF[topic](job_id=JOB_9)
    record = make_record(topic, JOB_9, message, SOURCE)
    delivery = decode(topic, 0, 0, JOB_9.encode(), record.value, record.headers)
    assert delivery.message == message
    assert delivery.job_id == JOB_9


def test_topics_and_dead_letter_topics() -> None:
    assert dlq(RENDERS_AUDIO) == "renders.audio.dlq"
    topics = all_topics()
    assert len(topics) == 2 * len(MESSAGE_OF) == len(set(topics))
    assert JOBS_COMPLETED in topics
    assert dlq(JOBS_COMPLETED) in topics
