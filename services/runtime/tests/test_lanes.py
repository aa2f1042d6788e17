"""Priority lanes: topic routing, the lane-picking policy (fake clock) and the consumer's use of it (seeded)."""

from __future__ import annotations

import random
from concurrent.futures import Future

import pytest
from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from cinemesh.runtime.config import Settings
from cinemesh.runtime.consumer import Consumer, WorkTracker
from cinemesh.runtime.lanes import Candidate, LanePicker, LanePolicy
from cinemesh.runtime.topics import (
    CONSUMERS,
    JOBS_COMPLETED,
    JOBS_SUBMITTED,
    MESSAGE_OF,
    PLANS_CAST,
    PRO_LANE,
    RENDERS_AUDIO,
    RENDERS_VIDEO,
    STANDARD_LANE,
    all_topics,
    base_topic,
    lane_of,
    lane_of_tier,
    lane_topic,
    with_lanes,
)


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def pro(key: str, published_at: float) -> Candidate:
    return Candidate(key, PRO_LANE, published_at)


def standard(key: str, published_at: float) -> Candidate:
    return Candidate(key, STANDARD_LANE, published_at)


# topics -------------------------------------------------------------------


def test_every_stage_input_has_a_pro_lane_with_the_same_message_and_consumers() -> None:
    for topic in (JOBS_SUBMITTED, PLANS_CAST, RENDERS_VIDEO, RENDERS_AUDIO):
        lane = lane_topic(topic, PRO_LANE)
        assert lane == f"{topic}.pro"
        assert MESSAGE_OF[lane] is MESSAGE_OF[topic] and CONSUMERS[lane] == CONSUMERS[topic]
        assert base_topic(lane) == topic and lane_of(lane) == PRO_LANE and lane_of(topic) == STANDARD_LANE
        assert lane in all_topics() and f"{lane}.dlq" in all_topics()
    # The outcomes have one lane: the gateway only records them.
    assert lane_topic(JOBS_COMPLETED, PRO_LANE) == JOBS_COMPLETED
    assert lane_topic(PLANS_CAST, STANDARD_LANE) == PLANS_CAST
    assert base_topic("plans.cast.pro.dlq") == "plans.cast.pro.dlq"
    with pytest.raises(ValueError, match="unknown lane"):
        lane_topic(PLANS_CAST, "gold")


def test_tiers_pick_lanes_and_consumers_read_both() -> None:
    assert lane_of_tier("pro") == PRO_LANE
    assert lane_of_tier("plus") == lane_of_tier("") == STANDARD_LANE
    assert with_lanes([RENDERS_VIDEO, RENDERS_AUDIO]) == [
        RENDERS_VIDEO,
        RENDERS_AUDIO,
        "renders.video.pro",
        "renders.audio.pro",
    ]
    assert with_lanes([JOBS_COMPLETED]) == [JOBS_COMPLETED]


# the policy ---------------------------------------------------------------


def test_pro_goes_first_and_each_lane_is_oldest_first() -> None:
    picker = LanePicker(LanePolicy(max_consecutive_pro=0, max_standard_wait_seconds=0), FakeClock())
    candidates = [standard("s-old", 1.0), pro("p-new", 9.0), pro("p-old", 5.0), standard("s-new", 2.0)]
    assert picker.pick(candidates).key == "p-old"
    assert picker.pick([standard("s-new", 2.0), standard("s-old", 1.0)]).key == "s-old"
    with pytest.raises(ValueError):
        picker.pick([])


def test_a_standard_record_starts_after_n_pro_records_in_a_row() -> None:
    picker = LanePicker(LanePolicy(max_consecutive_pro=3, max_standard_wait_seconds=0), FakeClock())
    lanes = []
    for i in range(12):
        chosen = picker.pick([pro(f"p{i}", 100.0 + i), standard(f"s{i}", 0.0)])
        lanes.append(chosen.lane)
    assert lanes == [PRO_LANE] * 3 + [STANDARD_LANE] + [PRO_LANE] * 3 + [STANDARD_LANE] + [PRO_LANE] * 3 + [
        STANDARD_LANE
    ]
    assert picker.guard_trips == 3


def test_pro_records_with_nobody_waiting_behind_them_do_not_count() -> None:
    picker = LanePicker(LanePolicy(max_consecutive_pro=2, max_standard_wait_seconds=0), FakeClock())
    for i in range(5):
        assert picker.pick([pro(f"p{i}", float(i))]).lane == PRO_LANE
    assert picker.consecutive_pro == 0
    # A standard record arriving now waits for two pro records, not zero.
    assert picker.pick([pro("p5", 5.0), standard("s", 5.0)]).lane == PRO_LANE
    assert picker.pick([pro("p6", 6.0), standard("s", 5.0)]).lane == PRO_LANE
    assert picker.pick([pro("p7", 7.0), standard("s", 5.0)]).lane == STANDARD_LANE


def test_a_standard_record_that_waited_too_long_starts_first() -> None:
    clock = FakeClock(now=1_000.0)
    picker = LanePicker(LanePolicy(max_consecutive_pro=0, max_standard_wait_seconds=120.0), clock)
    waiting = standard("s", published_at=1_000.0)
    clock.now = 1_119.9
    assert picker.pick([pro("p1", 1_100.0), waiting]).lane == PRO_LANE
    clock.now = 1_120.0
    assert picker.pick([pro("p2", 1_110.0), waiting]).key == "s"
    assert picker.guard_trips == 1


def test_a_reserved_slot_takes_a_pro_record_and_a_standard_one_only_when_the_guard_trips() -> None:
    clock = FakeClock(now=1_000.0)
    picker = LanePicker(LanePolicy(max_consecutive_pro=0, max_standard_wait_seconds=60.0, reserved_pro_slots=1), clock)
    waiting = standard("s", published_at=1_000.0)
    assert picker.pick([waiting], reserved=True) is None
    assert picker.pick([waiting, pro("p", 1_001.0)], reserved=True).key == "p"  # type: ignore[union-attr]
    assert picker.pick([waiting], reserved=False).key == "s"  # type: ignore[union-attr]
    clock.now = 1_060.0  # waited as long as the guard allows: the reservation does not hold it back
    assert picker.pick([waiting], reserved=True).key == "s"  # type: ignore[union-attr]
    assert picker.guard_trips == 0  # no pro record was passed over


def test_limits_must_not_be_negative() -> None:
    with pytest.raises(ValueError):
        LanePolicy(max_consecutive_pro=-1)
    with pytest.raises(ValueError):
        LanePolicy(max_standard_wait_seconds=-0.5)
    with pytest.raises(ValueError):
        LanePolicy(reserved_pro_slots=-1)


# the consumer's bookkeeping with the picker ------------------------------


def record(topic: str, partition: int, offset: int, published_at: float) -> ConsumerRecord:
    return ConsumerRecord(topic, partition, -1, offset, int(published_at * 1000), 0, b"k", b"v", [], None, 1, 1, -1)


def finish(tracker: WorkTracker, futures: list[Future]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)
    tracker.collect()


def test_work_tracker_starts_pro_first_keeping_each_partition_in_order_seeded() -> None:
    """A seeded random backlog over 4 standard and 4 pro partitions, one slot: the picker's order, partition order."""
    rng = random.Random(1729)
    clock = FakeClock(now=0.0)
    tracker = WorkTracker(LanePicker(LanePolicy(max_consecutive_pro=3, max_standard_wait_seconds=0), clock))
    published: dict[tuple[str, int], list[int]] = {}
    for n in range(60):
        topic = rng.choice([PLANS_CAST, lane_topic(PLANS_CAST, PRO_LANE)])
        partition = rng.randrange(4)
        offsets = published.setdefault((topic, partition), [])
        offsets.append(len(offsets))
        tracker.add(TopicPartition(topic, partition), [record(topic, partition, offsets[-1], published_at=n * 0.1)])
    started: list[ConsumerRecord] = []
    futures: list[Future] = []

    def submit(r: ConsumerRecord) -> Future:
        started.append(r)
        futures.append(Future())
        return futures[-1]

    while len(started) < 60:
        tracker.start_next(1, submit)
        finish(tracker, futures)
    # Every partition's records started in offset order.
    for (topic, partition), offsets in published.items():
        assert [r.offset for r in started if (r.topic, r.partition) == (topic, partition)] == offsets
    lanes = [lane_of(r.topic) for r in started]
    pro_total = lanes.count(PRO_LANE)
    # While both lanes had records, never more than 3 pro in a row; after that, the rest of the pro lane.
    last_standard = max(i for i, lane in enumerate(lanes) if lane == STANDARD_LANE)
    run = 0
    for lane in lanes[:last_standard]:
        run = run + 1 if lane == PRO_LANE else 0
        assert run <= 3
    # Pro records start earlier on average than standard ones published at the same time.
    mean_position = {
        lane: sum(i for i, x in enumerate(lanes) if x == lane) / lanes.count(lane) for lane in (PRO_LANE, STANDARD_LANE)
    }
    assert mean_position[PRO_LANE] < mean_position[STANDARD_LANE]
    assert 0 < pro_total < 60


class FakeKafka:
    """What `Consumer._flow_control` uses of a KafkaConsumer."""

    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned = assigned
        self.paused: set[TopicPartition] = set()

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    def pause(self, *partitions: TopicPartition) -> None:
        self.paused |= set(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self.paused -= set(partitions)


def _consumer(topics: list[str]) -> Consumer:
    settings = Settings.from_env("video", {"CINEMESH_CONSUMER_CONCURRENCY": "1"})
    return Consumer(settings, topics, handler=lambda d: None, publisher=None, on_dead_letter=lambda *a: None)  # type: ignore[arg-type]


def test_a_full_consumer_of_lanes_keeps_fetching_its_idle_partitions() -> None:
    """So the picker sees a pro record published while the stage was busy, and the guard the waiting standard ones."""
    consumer = _consumer([PLANS_CAST])
    assert consumer._topics == [PLANS_CAST, "plans.cast.pro"]
    std0, std1 = TopicPartition(PLANS_CAST, 0), TopicPartition(PLANS_CAST, 1)
    pro0, pro1 = TopicPartition("plans.cast.pro", 0), TopicPartition("plans.cast.pro", 1)
    kafka = FakeKafka({std0, std1, pro0, pro1})
    # One standard record (waiting since epoch 1 s: the starvation guard) fills the only slot; pro1 has one queued.
    consumer.tracker.add(std0, [record(PLANS_CAST, 0, 0, 1.0)])
    consumer.tracker.add(pro1, [record("plans.cast.pro", 1, 0, 2.0), record("plans.cast.pro", 1, 1, 2.0)])
    started: list[ConsumerRecord] = []
    consumer.tracker.start_next(1, lambda r: started.append(r) or Future())
    assert [(r.topic, r.partition) for r in started] == [(PLANS_CAST, 0)]
    consumer._flow_control(kafka)  # type: ignore[arg-type]
    # pro1 holds a record that has not started; std0's record runs with nothing behind it, so std0 keeps fetching
    # (its next job may start beside it) like the idle std1 and pro0.
    assert kafka.paused == {pro1}
    consumer._workers.shutdown(wait=False)


def test_a_full_consumer_of_one_lane_pauses_every_partition() -> None:
    consumer = _consumer([JOBS_COMPLETED])
    assert consumer._topics == [JOBS_COMPLETED]
    busy, idle = TopicPartition(JOBS_COMPLETED, 0), TopicPartition(JOBS_COMPLETED, 1)
    kafka = FakeKafka({busy, idle})
    consumer.tracker.add(busy, [record(JOBS_COMPLETED, 0, 0, 1.0)])
    consumer.tracker.start_next(1, lambda r: Future())
    consumer._flow_control(kafka)  # type: ignore[arg-type]
    assert kafka.paused == {busy, idle}
    consumer._workers.shutdown(wait=False)
