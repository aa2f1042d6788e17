"""Consumer groups on the real broker: members join and leave while records flow, and nothing is lost.

Group mode is how the chart deploys every stage. Three consumers of one group
take turns on a topic of four partitions while a producer keeps writing two
records per job; each record must be handled at least once, and each member
starts a job's records in offset order (records of different jobs in one
partition may run side by side). A record in flight when its partition moves
may be handled twice (the stage's lease and stored outputs make that harmless);
the count is printed.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from cinemesh.mesh.launcher import _wait_for_port, broker_argv, free_port
from cinemesh.runtime.bus import Delivery, Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.consumer import Consumer
from cinemesh.runtime.topics import JOBS_FAILED, PLANS_PARSED, PRO_LANE, ensure_topics, lane_topic
from cinemesh.v1 import events_pb2

pytestmark = pytest.mark.integration

RECORDS = 240


@pytest.fixture(scope="module")
def bootstrap() -> Iterator[str]:
    address = f"127.0.0.1:{free_port()}"
    broker = subprocess.Popen(broker_argv(address), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(int(address.rsplit(":", 1)[1]), time.monotonic() + 20, "broker")
        ensure_topics(address, partitions=4)
        yield address
    finally:
        broker.kill()
        broker.wait()


def _settings(bootstrap: str, group: str, state: Path, name: str) -> Settings:
    return Settings.from_env(
        name,
        {
            "CINEMESH_STATE_DIR": str(state),
            "CINEMESH_KAFKA_BOOTSTRAP": bootstrap,
            "CINEMESH_KAFKA_ASSIGNMENT": "group",
            "CINEMESH_KAFKA_GROUP": group,
            "CINEMESH_CONSUMER_CONCURRENCY": "2",
        },
    )


def _wait_for_partitions(member: Consumer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if member.kafka is not None and member.kafka.assignment():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{member.stage} got no partitions from the group coordinator in {timeout:g} s")


@pytest.mark.parametrize("laned", [False, True], ids=["one-lane", "pro-lanes"])
def test_members_join_and_leave_while_records_flow_and_none_is_lost(
    bootstrap: str, tmp_path: Path, laned: bool
) -> None:
    """One lane (jobs.failed), or a stage input with its pro lane, every other record on the pro lane."""
    group = f"rebalance-{uuid.uuid4().hex[:8]}"
    handled: dict[str, list[str]] = defaultdict(list)  # record (its event id) → members that handled it
    # (member, topic, partition, job id) → offsets in the order the member started them
    order: dict[tuple[str, str, int, str], list[int]] = defaultdict(list)
    lock = threading.Lock()

    def handler(member: str):  # type: ignore[no-untyped-def]
        def handle(delivery: Delivery) -> None:
            with lock:
                order[member, delivery.topic, delivery.partition, delivery.job_id].append(delivery.offset)
            time.sleep(0.03)  # a little work, so rebalances meet records in flight
            with lock:
                handled[delivery.headers["ce_id"].decode()].append(member)

        return handle

    publisher = Publisher(_settings(bootstrap, group, tmp_path, "producer"))

    def consumer(member: str) -> Consumer:
        settings = _settings(bootstrap, group, tmp_path, member)
        topic = PLANS_PARSED if laned else JOBS_FAILED
        started = Consumer(settings, [topic], handler(member), publisher, lambda *_: None, stage=member)
        started.start()
        return started

    job_ids = [str(uuid.uuid4()) for _ in range(RECORDS // 2)]  # a record's key must be a job id
    # Two records per job, one after the other, so a job's records meet in one fetch and must keep their order.
    event_ids = [f"{job_id}/{copy}" for job_id in job_ids for copy in (0, 1)]

    def produce() -> None:
        for n, event_id in enumerate(event_ids):
            job_id = event_id.split("/")[0]
            if not laned:
                message = events_pb2.JobFailed(job_id=job_id, reason="rebalance test")
                publisher.publish(JOBS_FAILED, job_id, message, event_id=event_id)
            else:
                lane = lane_topic(PLANS_PARSED, PRO_LANE) if (n // 2) % 2 else PLANS_PARSED
                publisher.publish(lane, job_id, events_pb2.PlanParsed(job_id=job_id), event_id=event_id)
            time.sleep(0.04)

    producer = threading.Thread(target=produce)
    first = consumer("first")
    # The group forms before the records flow (on a loaded machine the first join alone can take seconds).
    _wait_for_partitions(first, timeout=60)
    producer.start()
    time.sleep(3.0)
    second = consumer("second")  # joins: partitions are split
    time.sleep(4.0)
    first.stop(5.0)  # leaves cleanly mid-stream: its partitions move to the others
    third = consumer("third")  # joins while the group is rebalancing
    producer.join()
    deadline = time.monotonic() + 90
    expected = set(event_ids)
    while time.monotonic() < deadline and not expected <= set(handled):
        time.sleep(0.5)
    second.stop(5.0)
    third.stop(5.0)
    publisher.close()

    lost = expected - set(handled)
    duplicates = {job_id: members for job_id, members in handled.items() if len(members) > 1}
    print(f"{RECORDS} records: lost {len(lost)}, handled twice {len(duplicates)}")
    assert not lost, sorted(lost)[:10]
    assert {member for members in handled.values() for member in members} == {"first", "second", "third"}
    for (member, topic, partition, job_id), offsets in order.items():
        assert offsets == sorted(offsets), (
            f"{member} started job {job_id}'s records in {topic}[{partition}] out of order"
        )
