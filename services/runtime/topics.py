"""The Kafka topics of the mesh, the one message type each carries, and the priority lanes.

Every stage's input topic has two lanes: the standard topic (`plans.cast`) and a pro lane beside it
(`plans.cast.pro`) carrying the same message type. A job's tier at submission picks its lane once, at the
gateway; every stage then publishes its outputs to the lane its input came from, and the stored records
(outbox, re-drive, DLQ replay) keep the lane they were made for. Consumers read both lanes and start pro
records first (`cinemesh.runtime.lanes`). The outcome topics (`jobs.completed`, `jobs.failed`) have one lane:
the gateway only records them.
"""

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

#: The lanes, highest priority first: lane name → suffix of its topics ("" is the standard topic itself).
LANE_SUFFIXES: dict[str, str] = {"pro": ".pro", "standard": ""}
PRO_LANE, STANDARD_LANE = "pro", "standard"
#: The account tier whose jobs ride each lane (the label of the queue-wait metric).
TIER_OF_LANE: dict[str, str] = {PRO_LANE: "pro", STANDARD_LANE: "plus"}
#: Stage input topics that have a pro lane.
LANED_TOPICS = (JOBS_SUBMITTED, PLANS_PARSED, PLANS_CAST, RENDERS_VIDEO, RENDERS_AUDIO)

#: topic → the protobuf message its records hold (standard topics; `MESSAGE_OF` below adds the lanes).
BASE_MESSAGE_OF: dict[str, type[Message]] = {
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
BASE_CONSUMERS: dict[str, tuple[str, ...]] = {
    JOBS_SUBMITTED: ("prompt",),
    PLANS_PARSED: ("identity",),
    PLANS_CAST: ("video", "audio"),
    RENDERS_VIDEO: ("lipsync",),
    RENDERS_AUDIO: ("lipsync",),
    JOBS_COMPLETED: ("gateway",),
    JOBS_FAILED: ("gateway",),
}

log = logging.getLogger(__name__)


def lane_topic(topic: str, lane: str) -> str:
    """The topic of `lane` for the standard `topic` (itself for the standard lane or an unlaned topic)."""
    if lane not in LANE_SUFFIXES:
        raise ValueError(f"unknown lane {lane!r}; expected one of {', '.join(LANE_SUFFIXES)}")
    return topic + LANE_SUFFIXES[lane] if topic in LANED_TOPICS else topic


def lane_of_tier(tier: str) -> str:
    """The lane a job of `tier` rides: pro jobs take the pro lane, every other tier the standard one."""
    return PRO_LANE if tier == "pro" else STANDARD_LANE


def lane_of(topic: str) -> str:
    """The lane a (possibly laned) topic belongs to."""
    return PRO_LANE if base_topic(topic) != topic else STANDARD_LANE


def base_topic(topic: str) -> str:
    """The standard topic of a lane topic (`plans.cast.pro` → `plans.cast`); other topics unchanged."""
    for suffix in LANE_SUFFIXES.values():
        if suffix and topic.endswith(suffix) and topic.removesuffix(suffix) in LANED_TOPICS:
            return topic.removesuffix(suffix)
    return topic


def with_lanes(topics: list[str]) -> list[str]:
    """`topics` followed by the pro lane of each that has one: what a stage's consumer reads."""
    return [*topics, *(lane_topic(t, PRO_LANE) for t in topics if t in LANED_TOPICS)]


#: Every topic, lanes included → its message type, and → the stages that consume it.
MESSAGE_OF: dict[str, type[Message]] = {
    **BASE_MESSAGE_OF,
    **{lane_topic(topic, PRO_LANE): BASE_MESSAGE_OF[topic] for topic in LANED_TOPICS},
}
CONSUMERS: dict[str, tuple[str, ...]] = {
    **BASE_CONSUMERS,
    **{lane_topic(topic, PRO_LANE): BASE_CONSUMERS[topic] for topic in LANED_TOPICS},
}


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
