"""The Kafka topics of the mesh and the one message type each carries."""

from __future__ import annotations

import logging

from google.protobuf.message import Message
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from cinemesh.runtime.config import KafkaSecurity
from cinemesh.v1 import events_pb2

JOBS_SUBMITTED = "jobs.submitted"
PLANS_PARSED = "plans.parsed"
PLANS_CAST = "plans.cast"
RENDERS_VIDEO = "renders.video"
RENDERS_AUDIO = "renders.audio"
JOBS_COMPLETED = "jobs.completed"
JOBS_FAILED = "jobs.failed"

#: topic → the protobuf message its records hold.
MESSAGE_OF: dict[str, type[Message]] = {
    JOBS_SUBMITTED: events_pb2.JobSubmitted,
    PLANS_PARSED: events_pb2.PlanParsed,
    PLANS_CAST: events_pb2.PlanCast,
    RENDERS_VIDEO: events_pb2.VideoRendered,
    RENDERS_AUDIO: events_pb2.AudioRendered,
    JOBS_COMPLETED: events_pb2.JobCompleted,
    JOBS_FAILED: events_pb2.JobFailed,
}

#: topic → the stages that consume it ("gateway" takes the outcomes). The reconciler re-publishes a job's
#: stored record while one of its consumers has not finished with it.
CONSUMERS: dict[str, tuple[str, ...]] = {
    JOBS_SUBMITTED: ("prompt",),
    PLANS_PARSED: ("identity",),
    PLANS_CAST: ("video", "audio"),
    RENDERS_VIDEO: ("lipsync",),
    RENDERS_AUDIO: ("lipsync",),
    JOBS_COMPLETED: ("gateway",),
    JOBS_FAILED: ("gateway",),
}

log = logging.getLogger(__name__)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


def all_topics() -> list[str]:
    return [*MESSAGE_OF, *(dlq(t) for t in MESSAGE_OF)]


def ensure_topics(bootstrap: str, partitions: int, security: KafkaSecurity | None = None) -> None:
    """Creates every topic (and its DLQ) up front; existing topics are left as they are."""
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="cinemesh-admin", **(security or KafkaSecurity()).client_kwargs()
    )
    try:
        existing = set(admin.list_topics())
        missing = [t for t in all_topics() if t not in existing]
        if not missing:
            return
        try:
            admin.create_topics([NewTopic(t, partitions, 1) for t in missing])
        except TopicAlreadyExistsError:
            log.info("topics were created concurrently by another service")
    finally:
        admin.close()
