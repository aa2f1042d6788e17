"""The consumer's bookkeeping (`WorkTracker`): order per key within a partition, prefix commits, failures, revokes."""

from __future__ import annotations

import random
from concurrent.futures import Future

from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from cinemesh.runtime.consumer import REDELIVERY_PAUSE_SECONDS, WorkTracker
from cinemesh.runtime.lanes import LanePicker, LanePolicy
from cinemesh.runtime.topics import PLANS_CAST, PRO_LANE, lane_topic

STANDARD = TopicPartition(PLANS_CAST, 0)
PRO = TopicPartition(lane_topic(PLANS_CAST, PRO_LANE), 0)


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def record(tp: TopicPartition, offset: int, key: str, published_at: float = 1_000.0) -> ConsumerRecord:
    return ConsumerRecord(
        tp.topic, tp.partition, -1, offset, int(published_at * 1000), 0, key.encode(), b"v", [], None, 1, 1, -1
    )


class Harness:
    """A tracker whose submitted records become futures the test finishes or fails by offset."""

    def __init__(self, policy: LanePolicy | None = None) -> None:
        self.clock = FakeClock()
        # No starvation guard unless a test asks: the fake records are old by the wall clock.
        picker = LanePicker(policy or LanePolicy(max_consecutive_pro=0, max_standard_wait_seconds=0), self.clock)
        self.tracker = WorkTracker(picker, monotonic=self.clock)
        self.started: list[ConsumerRecord] = []
        self.futures: dict[tuple[str, int, int], Future] = {}

    def submit(self, r: ConsumerRecord) -> Future:
        self.started.append(r)
        future: Future = Future()
        self.futures[(r.topic, r.partition, r.offset)] = future
        return future

    def start(self, capacity: int) -> list[tuple[str, int]]:
        """Starts what the tracker allows; returns the (key, offset) of each record started by this call."""
        before = len(self.started)
        self.tracker.start_next(capacity, self.submit)
        return [(r.key.decode(), r.offset) for r in self.started[before:]]

    def finish(self, tp: TopicPartition, *offsets: int) -> None:
        for offset in offsets:
            self.futures[(tp.topic, tp.partition, offset)].set_result(None)

    def fail(self, tp: TopicPartition, offset: int) -> None:
        self.futures[(tp.topic, tp.partition, offset)].set_exception(RuntimeError("the DLQ could not be written"))

    def commits(self) -> dict[TopicPartition, int]:
        offsets, _ = self.tracker.collect()
        return {tp: meta.offset for tp, meta in offsets.items()}


def test_two_keys_of_one_partition_run_at_once() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, 0, "a"), record(STANDARD, 1, "b")])
    assert h.start(capacity=4) == [("a", 0), ("b", 1)]
    assert h.tracker.in_flight() == 2


def test_records_of_one_key_run_one_at_a_time_in_offset_order() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, 0, "a"), record(STANDARD, 1, "a"), record(STANDARD, 2, "b")])
    assert h.start(capacity=4) == [("a", 0), ("b", 2)]
    assert h.start(capacity=4) == []  # a@1 waits for a@0 although slots are free
    h.finish(STANDARD, 2)
    h.commits()
    assert h.start(capacity=4) == []
    h.finish(STANDARD, 0)
    h.commits()
    assert h.start(capacity=4) == [("a", 1)]


def test_capacity_bounds_what_runs_across_partitions_and_keys() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, i, f"s{i}") for i in range(3)])
    h.tracker.add(PRO, [record(PRO, i, f"p{i}") for i in range(3)])
    assert h.start(capacity=4) == [("p0", 0), ("p1", 1), ("p2", 2), ("s0", 0)]
    assert h.start(capacity=4) == []
    h.finish(PRO, 1)
    h.commits()
    assert h.start(capacity=4) == [("s1", 1)]


def test_a_pro_record_behind_a_running_standard_record_of_its_partition_starts_first() -> None:
    """The case per-partition order lost: the pro record of another job in a busy partition takes the free slot."""
    h = Harness()
    h.tracker.add(PRO, [record(PRO, 0, "p-running", published_at=10.0), record(PRO, 1, "p-next", published_at=30.0)])
    h.tracker.add(STANDARD, [record(STANDARD, 0, "s-old", published_at=20.0)])
    assert h.start(capacity=2) == [("p-running", 0), ("p-next", 1)]


def test_the_commit_offset_is_the_finished_prefix() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, offset, key) for offset, key in ((5, "a"), (6, "b"), (7, "c"))])
    h.start(capacity=3)
    assert h.commits() == {}  # nothing finished: the fetch started at 5, nothing to commit
    h.finish(STANDARD, 6, 7)
    assert h.commits() == {}  # 6 and 7 finished out of order: they wait for 5
    h.finish(STANDARD, 5)
    assert h.commits() == {STANDARD: 8}
    assert h.commits() == {}  # committed once
    h.tracker.add(STANDARD, [record(STANDARD, 8, "a"), record(STANDARD, 9, "d")])
    h.start(capacity=3)
    h.finish(STANDARD, 9)
    assert h.commits() == {}
    h.finish(STANDARD, 8)
    assert h.commits() == {STANDARD: 10}


def test_a_failed_record_holds_the_commit_and_its_key_but_not_the_other_keys() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, offset, key) for offset, key in enumerate("abab")])
    assert h.start(capacity=4) == [("a", 0), ("b", 1)]
    h.fail(STANDARD, 0)
    offsets, failed = h.tracker.collect()
    assert offsets == {} and [(tp, r.offset) for tp, r, _ in failed] == [(STANDARD, 0)]
    assert STANDARD in h.tracker.busy()  # the failed record waits again: nothing more is fetched meanwhile
    # Key b carries on; key a neither restarts its failed record nor passes it while cooling.
    h.finish(STANDARD, 1)
    assert h.commits() == {}
    assert h.start(capacity=4) == [("b", 3)]
    h.finish(STANDARD, 3)
    assert h.commits() == {}  # 1 and 3 finished, but 0 did not: the commit offset stays at it
    h.clock.now += REDELIVERY_PAUSE_SECONDS - 0.01
    assert h.start(capacity=4) == []
    h.clock.now += 0.01
    assert h.start(capacity=4) == [("a", 0)]  # the same record again, ahead of a@2
    assert h.start(capacity=4) == []
    h.finish(STANDARD, 0)
    assert h.commits() == {STANDARD: 2}
    assert h.start(capacity=4) == [("a", 2)]
    h.finish(STANDARD, 2)
    assert h.commits() == {STANDARD: 4}
    assert h.tracker.busy() == set() and h.tracker.in_flight() == 0


def test_only_partitions_with_records_not_running_are_busy() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, 0, "a"), record(STANDARD, 1, "a")])
    h.tracker.add(PRO, [record(PRO, 0, "p")])
    assert h.tracker.busy() == {STANDARD, PRO}
    h.start(capacity=4)
    assert h.tracker.busy() == {STANDARD}  # a@1 waits behind a@0; PRO's record runs with nothing behind it


def test_revoke_commits_the_finished_prefix_rewinds_to_the_lowest_record_not_running_and_abandons_the_rest() -> None:
    h = Harness()
    keys = {0: "a", 1: "b", 2: "c", 3: "d", 4: "b", 5: "e"}
    h.tracker.add(STANDARD, [record(STANDARD, offset, key) for offset, key in keys.items()])
    assert h.start(capacity=4) == [("a", 0), ("b", 1), ("c", 2), ("d", 3)]
    h.finish(STANDARD, 0, 2)
    h.fail(STANDARD, 3)  # failed, not yet collected: it must be fetched again, not skipped
    offsets, rewind = h.tracker.revoke({STANDARD})
    assert {tp: meta.offset for tp, meta in offsets.items()} == {STANDARD: 1}  # 1 still runs
    assert rewind == {STANDARD: 3}  # 3 failed; 4 and 5 never started
    assert h.tracker.in_flight() == 1  # b@1 is abandoned to its lease, and still counts against capacity
    assert h.start(capacity=4) == [] and h.tracker.busy() == set()
    h.finish(STANDARD, 1)
    assert h.tracker.in_flight() == 0
    assert h.commits() == {}  # the revoked partition is forgotten


def test_revoke_rewinds_to_a_failed_record_already_requeued() -> None:
    h = Harness()
    h.tracker.add(PRO, [record(PRO, 7, "a"), record(PRO, 8, "b")])
    h.start(capacity=4)
    h.fail(PRO, 8)
    h.tracker.collect()
    h.finish(PRO, 7)
    offsets, rewind = h.tracker.revoke({PRO})
    assert {tp: meta.offset for tp, meta in offsets.items()} == {PRO: 8}
    assert rewind == {PRO: 8}


def test_a_commit_that_failed_is_handed_out_again() -> None:
    h = Harness()
    h.tracker.add(STANDARD, [record(STANDARD, 0, "a")])
    h.start(capacity=1)
    h.finish(STANDARD, 0)
    offsets, _ = h.tracker.collect()
    assert h.commits() == {}
    h.tracker.requeue_finished(offsets)
    assert h.commits() == {STANDARD: 1}


def test_random_interleavings_keep_key_order_and_never_commit_past_an_unfinished_record_seeded() -> None:
    """Seeded random keys, partitions, finishes and failures at capacity 3: the delivery rules hold throughout."""
    rng = random.Random(4242)
    h = Harness(LanePolicy(max_consecutive_pro=2, max_standard_wait_seconds=0))
    partitions = [TopicPartition(PLANS_CAST, p) for p in range(2)] + [PRO]
    published: dict[TopicPartition, list[tuple[int, str]]] = {tp: [] for tp in partitions}
    for n in range(90):
        tp = rng.choice(partitions)
        offset, key = len(published[tp]), f"job{rng.randrange(6)}"
        published[tp].append((offset, key))
        h.tracker.add(tp, [record(tp, offset, key, published_at=n * 0.1)])
    finished: dict[TopicPartition, set[int]] = {tp: set() for tp in partitions}
    committed: dict[TopicPartition, int] = {}
    failures = shared_a_partition = 0
    for _ in range(1_000):  # rounds: every record finishes well within them
        if sum(len(done) for done in finished.values()) == 90:
            break
        h.start(capacity=3)
        running = [(TopicPartition(topic, p), offset) for (topic, p, offset), f in h.futures.items() if not f.done()]
        assert len(running) <= 3
        shared_a_partition += len({tp for tp, _ in running}) < len(running)
        if not running:  # only failed records are left, cooling
            h.clock.now += REDELIVERY_PAUSE_SECONDS
            continue
        # At most one record of a key runs in a partition at once.
        keys = [(tp, dict(published[tp])[offset]) for tp, offset in running]
        assert len(keys) == len(set(keys))
        tp, offset = rng.choice(running)
        if failures < 5 and rng.random() < 0.1:
            failures += 1
            h.fail(tp, offset)
            del h.futures[(tp.topic, tp.partition, offset)]  # it runs again under a new future
        else:
            h.finish(tp, offset)
            finished[tp].add(offset)
        for part, commit in h.commits().items():
            assert commit > committed.get(part, 0)
            assert all(o in finished[part] for o in range(commit))  # never past an unfinished or failed record
            committed[part] = commit
        h.clock.now += REDELIVERY_PAUSE_SECONDS / 4  # a failed record cools for four rounds
    assert failures == 5 and shared_a_partition > 0  # two keys of one partition ran at once
    assert committed == {tp: len(offsets) for tp, offsets in published.items()}
    # Each key's records started in offset order within its partition (failed ones restarted in place).
    for tp, records in published.items():
        for key in {key for _, key in records}:
            starts = [
                r.offset
                for r in h.started
                if (r.topic, r.partition) == (tp.topic, tp.partition) and r.key.decode() == key
            ]
            deduplicated = [o for i, o in enumerate(starts) if i == 0 or starts[i - 1] != o]
            assert deduplicated == [o for o, k in records if k == key]


def test_standard_records_leave_the_reserved_slots_to_a_pro_record_that_arrives_later() -> None:
    """4 slots, 2 kept for pro: standard jobs fill 2; a pro job published later starts at once in a kept slot."""
    h = Harness(LanePolicy(max_consecutive_pro=0, max_standard_wait_seconds=0, reserved_pro_slots=2))
    h.tracker.add(STANDARD, [record(STANDARD, offset, f"s{offset}") for offset in range(4)])
    assert h.start(capacity=4) == [("s0", 0), ("s1", 1)]
    h.tracker.add(PRO, [record(PRO, 0, "p0"), record(PRO, 1, "p1"), record(PRO, 2, "p2")])
    assert h.start(capacity=4) == [("p0", 0), ("p1", 1)]
    h.finish(STANDARD, 0)
    h.commits()
    assert h.start(capacity=4) == [("p2", 2)]  # a freed standard slot goes to the waiting pro record first
    h.finish(PRO, 0, 1, 2)
    h.commits()
    assert h.start(capacity=4) == [("s2", 2)]  # with s1 running, one more standard record fits beside it
