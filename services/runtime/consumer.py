"""The poll loop: fetches records, hands them to a RecordProcessor, commits what is done.

Delivery rules it keeps:

- Auto-commit is off. A record's offset is committed only after the processor
  returned (its output durably written, or the record dead-lettered), and a
  partition is committed up to its finished prefix only: the commit offset is the
  lowest fetched offset not finished, so a record that finished out of order waits
  for the ones before it, and a crash redelivers at worst finished records, whose
  stage re-publishes the stored output.
- Order is kept per key, not per partition. Records are keyed by job id and only
  one job's records must stay in order, so a partition's fetched records are
  queued per key: up to `concurrency` records are in flight per process, at most
  one per (partition, key), so records of one job run in offset order while
  other jobs of the same partition run beside them. A record queued behind
  another job's render in its partition therefore does not wait for it.
- Priority lanes: a stage reads the standard and the pro lane of its topics, and
  a free slot goes to the record `LanePicker` chooses among the head records of
  the idle keys of every partition: pro first, with a starvation guard for
  standard records (`lanes.py`). The wait from publication to start is exported
  per stage and tier (`cinemesh_queue_wait_seconds`).
- A record whose processing raised (the processor gave up even on the DLQ, or the
  process is stopping) goes back to the head of its key and starts again after
  `REDELIVERY_PAUSE_SECONDS`; the processor then retries or dead-letters it
  afresh. The other keys of its partition carry on, and the commit offset stays
  at it until it finishes, so nothing is skipped.
- Nothing fetched is dropped. Whatever `poll()` returns is queued; a partition
  holding records that have not started is paused, so fetching stays bounded (a
  partition whose records all run keeps fetching: its next job may start beside
  them). A consumer of one lane also pauses every partition while the process is
  at capacity; a consumer of lanes keeps fetching into partitions with nothing
  waiting even then (one batch each at most), so when a slot frees the picker
  sees every waiting head: a pro record published meanwhile, and the standard
  records its starvation guard counts. Polling never stops, so a long render
  never exceeds `max.poll.interval.ms`.
- Rebalances (group mode) go through `_Rebalance`, a ConsumerRebalanceListener:
  on revoke, the finished prefix is committed, records not running are given back
  (the new owner fetches them from the committed offset; a partition that comes
  back to this consumer is rewound to the lowest of them) and running work is
  abandoned to its stage lease, which keeps the new owner from rendering it
  twice; on assign, new partitions are paused at once if the process is busy.
- If this thread dies, `healthy()` turns false and the host reports NOT_SERVING.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from kafka import KafkaConsumer, TopicPartition
from kafka import errors as kafka_errors
from kafka.consumer.fetcher import ConsumerRecord
from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener
from kafka.structs import OffsetAndMetadata

from cinemesh.runtime import metrics
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.lanes import Candidate, LanePicker, LanePolicy
from cinemesh.runtime.processing import DeadLetterer, DeadLetterHook, Handler, RecordProcessor
from cinemesh.runtime.retry import RetryPolicy
from cinemesh.runtime.topics import PRO_LANE, TIER_OF_LANE, lane_of, with_lanes

log = logging.getLogger(__name__)

LAG_REPORT_SECONDS = 5.0
POLL_TIMEOUT_MS = 100
#: How long a record whose processing raised waits before it starts again (other keys carry on meanwhile).
REDELIVERY_PAUSE_SECONDS = 1.0

Offsets = dict[TopicPartition, OffsetAndMetadata]


#: A record's key (the job id); records of one key run one at a time, in offset order.
Key = bytes | None


@dataclass
class _Partition:
    """Records fetched from one partition and not yet committed."""

    #: Fetched records not running, per key, in offset order (a failed record is back at the head of its key).
    waiting: dict[Key, deque[ConsumerRecord]] = field(default_factory=dict)
    #: The running record of each key that has one.
    running: dict[Key, tuple[ConsumerRecord, Future]] = field(default_factory=dict)
    #: Offsets fetched and not finished (waiting or running): the commit offset cannot pass the lowest.
    unfinished: set[int] = field(default_factory=set)
    #: One past the highest offset fetched; the commit offset once every fetched record finished.
    fetched_until: int | None = None
    #: The commit offset last handed out (at first, the first offset fetched), so each is committed once.
    committed: int | None = None
    #: Keys whose head record failed, with the monotonic time before which it does not start again.
    cooling: dict[Key, float] = field(default_factory=dict)

    def commit_offset(self) -> int | None:
        """The lowest fetched offset not finished: every record before it finished (None when nothing was fetched)."""
        return min(self.unfinished) if self.unfinished else self.fetched_until

    def newly_committable(self) -> int | None:
        """The commit offset if it moved past the last one handed out (and notes it handed out), else None."""
        offset = self.commit_offset()
        if offset is None or (self.committed is not None and offset <= self.committed):
            return None
        self.committed = offset
        return offset

    def startable(self, now: float) -> list[tuple[Key, ConsumerRecord]]:
        """The head record of each key with nothing running and not cooling after a failure."""
        return [
            (key, queue[0])
            for key, queue in self.waiting.items()
            if key not in self.running and self.cooling.get(key, 0.0) <= now
        ]


def published_at(record: ConsumerRecord) -> float:
    """When the record was published (its CreateTime, epoch seconds); now if the record carries none."""
    timestamp = getattr(record, "timestamp", None)
    return timestamp / 1000.0 if timestamp is not None and timestamp >= 0 else time.time()


class WorkTracker:
    """Thread-safe bookkeeping of fetched, running and finished records per partition and key."""

    def __init__(self, picker: LanePicker | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        #: The clock of the cooling pauses after failures (a fake one in tests).
        self._monotonic = monotonic
        self._parts: dict[TopicPartition, _Partition] = {}
        self._abandoned: set[Future] = set()
        self.picker = picker or LanePicker()

    def add(self, tp: TopicPartition, records: list[ConsumerRecord]) -> None:
        with self._lock:
            part = self._parts.setdefault(tp, _Partition())
            for record in records:
                if part.fetched_until is None:
                    part.committed = record.offset  # fetched from here: nothing before it is this consumer's to commit
                part.waiting.setdefault(record.key, deque()).append(record)
                part.unfinished.add(record.offset)
                part.fetched_until = max(part.fetched_until or 0, record.offset + 1)

    def in_flight(self) -> int:
        with self._lock:
            return self._running()

    def busy(self) -> set[TopicPartition]:
        """Partitions holding fetched records that are not running: they fetch nothing more until those start."""
        with self._lock:
            return {tp for tp, part in self._parts.items() if part.waiting}

    def start_next(self, capacity: int, submit) -> None:  # type: ignore[no-untyped-def]
        """Starts head records of idle keys, as the lane picker orders them, while fewer than `capacity` run."""
        now = self._monotonic()
        with self._lock:
            running = self._running()
            heads = {(tp, key): record for tp, part in self._parts.items() for key, record in part.startable(now)}
            while running < capacity and heads:
                candidates = [Candidate(at, lane_of(at[0].topic), published_at(r)) for at, r in heads.items()]
                reserved = running >= capacity - self.picker.policy.reserved_pro_slots
                picked = self.picker.pick(candidates, reserved)
                if picked is None:
                    break
                tp, key = picked.key
                del heads[(tp, key)]
                part = self._parts[tp]
                queue = part.waiting[key]
                record = queue.popleft()
                if not queue:
                    del part.waiting[key]
                part.cooling.pop(key, None)
                part.running[key] = (record, submit(record))
                running += 1

    def collect(self) -> tuple[Offsets, list[tuple[TopicPartition, ConsumerRecord, BaseException]]]:
        """Takes finished records: offsets to commit, and records whose processing raised.

        A record that raised goes back to the head of its key and starts again after a cooling pause; other
        keys of its partition carry on, and the commit offset stays at or below it until it finishes.
        """
        offsets: Offsets = {}
        failed: list[tuple[TopicPartition, ConsumerRecord, BaseException]] = []
        now = self._monotonic()
        with self._lock:
            for tp, part in self._parts.items():
                for key, (record, future) in list(part.running.items()):
                    if not future.done():
                        continue
                    del part.running[key]
                    error = future.exception()
                    if error is None:
                        part.unfinished.discard(record.offset)
                    else:
                        part.waiting.setdefault(key, deque()).appendleft(record)
                        part.cooling[key] = now + REDELIVERY_PAUSE_SECONDS
                        failed.append((tp, record, error))
                offset = part.newly_committable()
                if offset is not None:
                    offsets[tp] = OffsetAndMetadata(offset, "", -1)
        return offsets, failed

    def revoke(self, partitions: set[TopicPartition]) -> tuple[Offsets, dict[TopicPartition, int]]:
        """Forgets revoked partitions, abandoning running records to their leases.

        Returns the commit offsets (each partition's finished prefix), and for each partition with records that
        are not running (never started, or failed) the lowest of their offsets: if the rebalance gives the
        partition back to this consumer, its fetch position is kept (kafka-python preserves it), so it must be
        rewound there or those records would be skipped. Records after it that finished run again then; their
        stage re-publishes the stored output.
        """
        offsets: Offsets = {}
        rewind: dict[TopicPartition, int] = {}
        with self._lock:
            for tp in partitions:
                part = self._parts.pop(tp, None)
                if part is None:
                    continue
                given_back = [queue[0].offset for queue in part.waiting.values()]
                for record, future in part.running.values():
                    if not future.done():
                        self._abandoned.add(future)
                    elif future.exception() is None:
                        part.unfinished.discard(record.offset)
                    else:
                        given_back.append(record.offset)
                if given_back:
                    rewind[tp] = min(given_back)
                offset = part.newly_committable()
                if offset is not None:
                    offsets[tp] = OffsetAndMetadata(offset, "", -1)
        return offsets, rewind

    def requeue_finished(self, offsets: Offsets) -> None:
        """Puts back offsets whose commit failed, so the next commit carries them."""
        with self._lock:
            for tp, meta in offsets.items():
                part = self._parts.get(tp)
                if part is not None and part.committed is not None and part.committed >= meta.offset:
                    part.committed = meta.offset - 1

    def _running(self) -> int:
        """Records running now, abandoned ones included (the caller holds the lock)."""
        self._abandoned = {f for f in self._abandoned if not f.done()}
        return len(self._abandoned) + sum(len(part.running) for part in self._parts.values())


class _Rebalance(AsyncConsumerRebalanceListener):
    """Group-mode rebalances: commit what is done, give back the rest, re-pause when busy."""

    def __init__(self, owner: Consumer) -> None:
        self._owner = owner
        #: Where partitions given back on the last revoke must be fetched from, should they come back.
        self._rewind: dict[TopicPartition, int] = {}

    async def on_partitions_revoked(self, revoked) -> None:  # type: ignore[no-untyped-def]
        owner = self._owner
        offsets, self._rewind = owner.tracker.revoke(set(revoked))
        metrics.CONSUMER_REBALANCES.labels(owner.stage, "revoked").inc()
        if offsets and owner.kafka is not None:
            try:
                # The listener runs on kafka-python's IO thread: await the commit there instead of blocking it.
                await owner.kafka._coordinator._commit_offsets_sync_async(offsets, timeout_ms=5000)
            except Exception as exc:  # the new owner redelivers; the stage re-publishes stored output
                log.warning("%s: commit on revoke failed (%s); the records will be redelivered", owner.stage, exc)
        log.info("%s: partitions revoked: %s", owner.stage, sorted(str(tp) for tp in revoked))

    async def on_partitions_assigned(self, assigned) -> None:  # type: ignore[no-untyped-def]
        owner = self._owner
        metrics.CONSUMER_REBALANCES.labels(owner.stage, "assigned").inc()
        rewind, self._rewind = self._rewind, {}
        if owner.kafka is not None:
            for tp in set(assigned) & set(rewind):
                owner.kafka.seek(tp, rewind[tp])  # kept across the rebalance: fetch its given-back records again
            if owner.tracker.in_flight() >= owner.concurrency:
                owner.kafka.pause(*assigned)
        log.info("%s: partitions assigned: %s", owner.stage, sorted(str(tp) for tp in assigned))

    async def on_partitions_lost(self, lost) -> None:  # type: ignore[no-untyped-def]
        # Evicted from the group: a commit would be refused; the new owners redeliver.
        _, self._rewind = self._owner.tracker.revoke(set(lost))
        metrics.CONSUMER_REBALANCES.labels(self._owner.stage, "lost").inc()
        log.warning("%s: partitions lost: %s", self._owner.stage, sorted(str(tp) for tp in lost))


class Consumer:
    """Consumes `topics` for one stage and runs `handler` on each record under the delivery rules."""

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
        self._topics = with_lanes(topics)
        self._laned = any(lane_of(topic) == PRO_LANE for topic in self._topics)
        self.stage = stage or settings.service
        self.concurrency = settings.consumer_concurrency
        self._stop = threading.Event()
        self._processor = RecordProcessor(
            self.stage,
            handler,
            RetryPolicy(
                max_attempts=settings.max_attempts,
                base_delay_seconds=settings.retry_backoff_seconds,
                max_delay_seconds=settings.retry_max_delay_seconds,
                horizon_seconds=settings.retry_horizon_seconds,
            ),
            DeadLetterer(publisher, self.stage),
            on_dead_letter,
            self._stop,
        )
        self.tracker = WorkTracker(
            LanePicker(
                LanePolicy(
                    settings.priority_max_consecutive_pro,
                    settings.priority_max_standard_wait_seconds,
                    settings.priority_reserved_pro_slots,
                )
            )
        )
        self._thread = threading.Thread(target=self._run, name=f"{self.stage}-consumer", daemon=True)
        self._workers = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix=f"{self.stage}-work")
        self.kafka: KafkaConsumer | None = None
        self.ready = threading.Event()
        metrics.init_consumer_series(self.stage, self._topics)

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        self._thread.join(timeout=grace_seconds + 5)

    def healthy(self) -> bool:
        """False once the poll loop has died (not when it was asked to stop)."""
        return self._stop.is_set() or not self._thread.ident or self._thread.is_alive()

    # ------------------------------------------------------------------

    def _connect(self) -> KafkaConsumer:
        settings = self._settings
        consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            **settings.kafka_security.client_kwargs(),
            group_id=settings.kafka_group,
            client_id=f"cinemesh-{self.stage}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
            max_poll_interval_ms=30000,
        )
        if settings.kafka_assignment == "manual":
            # One process owns every partition and resumes from the group's committed offsets.
            partitions = [
                TopicPartition(topic, p)
                for topic in self._topics
                for p in sorted(consumer.partitions_for_topic(topic) or [])
            ]
            if not partitions:
                raise RuntimeError(f"topics {self._topics} have no partitions; create them first")
            consumer.assign(partitions)
        else:
            consumer.subscribe(self._topics, listener=_Rebalance(self))
        return consumer

    def _run(self) -> None:
        consumer = self._connect()
        self.kafka = consumer
        self.ready.set()
        next_lag_report = 0.0
        try:
            while not self._stop.is_set():
                if time.monotonic() >= next_lag_report:
                    self._report_lag(consumer)
                    next_lag_report = time.monotonic() + LAG_REPORT_SECONDS
                self._poll_once(consumer)
            self._drain(consumer)
        except Exception:
            log.exception("%s consumer loop crashed", self.stage)
            raise
        finally:
            consumer.close(autocommit=False)

    def _poll_once(self, consumer: KafkaConsumer) -> None:
        batch = consumer.poll(timeout_ms=POLL_TIMEOUT_MS)
        for tp, records in batch.items():
            self.tracker.add(tp, records)
        self._settle(consumer)

    def _settle(self, consumer: KafkaConsumer) -> None:
        """Commits finished records, starts queued ones (failed ones again after a pause), adjusts pausing."""
        offsets, failed = self.tracker.collect()
        self._commit(consumer, offsets)
        for tp, record, error in failed:
            log.error(
                "%s: %s@%d failed; starting it again in %.1f s: %s",
                self.stage,
                tp,
                record.offset,
                REDELIVERY_PAUSE_SECONDS,
                error,
            )
        if not self._stop.is_set():
            self.tracker.start_next(self.concurrency, self._start)
        self._flow_control(consumer)

    def _start(self, record: ConsumerRecord) -> Future:
        """Hands a record to a worker, noting how long it waited since it was published."""
        tier = TIER_OF_LANE[lane_of(record.topic)]
        metrics.QUEUE_WAIT_SECONDS.labels(self.stage, tier).observe(max(0.0, time.time() - published_at(record)))
        return self._workers.submit(self._processor.process, record)

    def _commit(self, consumer: KafkaConsumer, offsets: Offsets) -> None:
        owned = {tp: meta for tp, meta in offsets.items() if tp in consumer.assignment()}
        if not owned:
            return
        try:
            consumer.commit(owned)
        except (kafka_errors.CommitFailedError, kafka_errors.IllegalStateError) as exc:
            # A rebalance took the partition: its new owner redelivers, the stage re-publishes stored output.
            log.warning("%s: commit refused (%s); those records will be redelivered", self.stage, exc)
        except kafka_errors.KafkaError as exc:
            log.warning("%s: commit failed (%s); retrying with the next commit", self.stage, exc)
            self.tracker.requeue_finished(owned)

    def _flow_control(self, consumer: KafkaConsumer) -> None:
        assigned = consumer.assignment()
        if not assigned:
            return
        # A consumer of lanes lets idle partitions fetch even while full, so the next free slot is picked among
        # every lane's waiting records (the pro record published meanwhile, the standard ones the guard counts).
        full = self.tracker.in_flight() >= self.concurrency and not self._laned
        hold = set(assigned) if full or self._stop.is_set() else self.tracker.busy() & assigned
        try:
            consumer.pause(*hold)
            consumer.resume(*(assigned - hold))
        except (KeyError, kafka_errors.IllegalStateError):
            pass  # the assignment changed under us; the next round pauses against the new one

    def _drain(self, consumer: KafkaConsumer) -> None:
        """Lets running records finish within the grace period, still polling to keep group membership."""
        deadline = time.monotonic() + self._settings.shutdown_grace_seconds
        while self.tracker.in_flight() and time.monotonic() < deadline:
            consumer.poll(timeout_ms=POLL_TIMEOUT_MS)  # all partitions are paused: returns nothing
            self._settle(consumer)
        offsets, _ = self.tracker.collect()
        self._commit(consumer, offsets)
        if self.tracker.in_flight():
            log.warning("%s: leaving running records uncommitted at shutdown; they will be redelivered", self.stage)

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
            log.debug("%s: lag not measured: %s", self.stage, exc)
            return
        for topic, records in lag.items():
            metrics.CONSUMER_LAG.labels(self.stage, topic).set(records)
