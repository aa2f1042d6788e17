"""`cinemesh dlq`: list dead-lettered records and replay the jobs they failed.

A DLQ record is named `TOPIC:PARTITION:OFFSET` (its place in `<topic>.dlq`).
Replaying it re-opens the job that failed at the record's stage — reserving
its credits again — and re-publishes, through the outbox, every stored record
of the job whose consumer has not finished, so the failed stage runs again
with a fresh attempt and the rest of the pipeline follows. A pro job's records
were stored on the pro lane (`<topic>.pro`, dead-lettered to `<topic>.pro.dlq`)
and are replayed there.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition

from cinemesh.gateway.redrive import frontier
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import KafkaSecurity
from cinemesh.runtime.errors import CinemeshError
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.outbox import OutboxRelay
from cinemesh.runtime.topics import MESSAGE_OF, base_topic, dlq, with_lanes


@dataclass(frozen=True)
class DeadLetter:
    record_id: str
    job_id: str
    topic: str
    stage: str
    error_class: str
    error_message: str
    attempts: int


def read_dead_letters(
    bootstrap: str, topic: str | None = None, security: KafkaSecurity | None = None
) -> list[DeadLetter]:
    """Every record in the DLQ topics (or in the DLQs of `topic`'s lanes), oldest first per partition."""
    topics = [dlq(t) for t in with_lanes([base_topic(topic)])] if topic else [dlq(t) for t in MESSAGE_OF]
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        **(security or KafkaSecurity()).client_kwargs(),
    )
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        remaining = {tp for tp in partitions if ends.get(tp, 0) > 0}
        idle = 0
        while remaining and idle < 10:
            batch = consumer.poll(timeout_ms=300)
            idle = 0 if batch else idle + 1
            for tp, records in batch.items():
                for record in records:
                    headers = {k: v.decode(errors="replace") for k, v in record.headers or []}
                    letters.append(
                        DeadLetter(
                            record_id=f"{record.topic}:{record.partition}:{record.offset}",
                            job_id=record.key.decode(errors="replace") if record.key else "",
                            topic=headers.get("dlq_original_topic", record.topic.removesuffix(".dlq")),
                            stage=headers.get("dlq_stage", ""),
                            error_class=headers.get("dlq_error_class", ""),
                            error_message=headers.get("dlq_error_message", ""),
                            attempts=int(headers.get("dlq_attempts", "0") or 0),
                        )
                    )
                    if record.offset + 1 >= ends.get(tp, 0):
                        remaining.discard(tp)
        return letters
    finally:
        consumer.close()


def replay(store: JobStore, publisher: Publisher, letter: DeadLetter) -> str:
    """Re-opens the job of `letter` and re-drives it; returns what happened, for the operator."""
    if not letter.job_id:
        return f"{letter.record_id}: the record has no job id; nothing to replay"
    try:
        job = store.reopen_for_replay(letter.job_id, letter.stage or "gateway")
    except CinemeshError as exc:
        return f"{letter.record_id}: not replayed: {exc.message}"
    records = frontier(store, publisher, job)
    if not store.redrive(job, records):
        return f"{letter.record_id}: job {job.job_id} moved meanwhile; nothing replayed"
    OutboxRelay(store, publisher).flush_job(job.job_id)
    return f"{letter.record_id}: job {job.job_id} re-opened at {letter.stage or 'its start'} ({len(records)} record(s))"
