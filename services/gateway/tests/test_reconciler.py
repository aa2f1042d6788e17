"""The reconciler on a real job store: what it re-drives, what it leaves waiting, when it gives up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import job_store

from cinemesh.gateway.reconciler import Reconciler
from cinemesh.runtime.bus import OutboundRecord, make_record
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import JobStore, jobs, outbox, stage_runs
from cinemesh.runtime.topics import JOBS_SUBMITTED, PLANS_PARSED, PRO_LANE, lane_topic
from cinemesh.v1 import common_pb2, events_pb2

OWNER = "prompt@host:1:abc"


class RecordingPublisher:
    """Builds records as the real publisher does and keeps what would be sent."""

    def __init__(self) -> None:
        self.sent: list[OutboundRecord] = []

    def record(self, topic: str, job_id: str, message, event_id: str | None = None) -> OutboundRecord:  # type: ignore[no-untyped-def]
        return make_record(topic, job_id, message, "/cinemesh/test", event_id)

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        self.sent.append(record)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        created.upsert_account("acct", "pro", 1000)
        yield created


def _job(store: JobStore, job_id: str, tier: str = "pro") -> None:
    """A job as the gateway submits it: with its JobSubmitted record in the outbox."""
    spec = common_pb2.GenerationSpec(prompt="a kite", duration_seconds=1.0)
    submitted = make_record(JOBS_SUBMITTED, job_id, events_pb2.JobSubmitted(job_id=job_id), "/cinemesh/gateway")
    store.submit_job(
        job_id=job_id, account_id="acct", request_id=None, tier=tier, spec=spec.SerializeToString(), seed=1,
        duration_seconds=1.0, credits=40, outbound=[submitted.to_json()],
    )  # fmt: skip


def _age(store: JobStore, seconds: float) -> None:
    """Moves every job and stage run `seconds` into the past."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    with store.engine.begin() as conn:
        conn.execute(jobs.update().values(updated_at=past))
        conn.execute(stage_runs.update().values(started_at=past, finished_at=past, heartbeat_at=past))


def _reconciler(store: JobStore, publisher: RecordingPublisher, max_redrives: int = 2) -> Reconciler:
    settings = Settings.from_env(
        "gateway",
        {
            "CINEMESH_STATE_DIR": "/tmp/unused",
            "CINEMESH_STALL_SECONDS": "60",
            "CINEMESH_MAX_REDRIVES": str(max_redrives),
        },
    )
    return Reconciler(settings, store, publisher)  # type: ignore[arg-type]


def test_a_stalled_job_is_re_driven_from_its_frontier_then_failed_with_a_refund(store: JobStore) -> None:
    publisher = RecordingPublisher()
    reconciler = _reconciler(store, publisher)
    _job(store, "job-1")
    store.claim_stage("job-1", "prompt", 1.0, OWNER, 30.0)
    parsed = make_record(PLANS_PARSED, "job-1", events_pb2.PlanParsed(job_id="job-1"), "/cinemesh/prompt")
    store.finish_stage("job-1", "prompt", OWNER, [parsed.to_json()])
    store.publish_pending(lambda record: None)  # the prompt stage published it; the broker then lost it
    _age(store, 120)

    reconciler.reconcile_once()
    assert [r.topic for r in publisher.sent] == [PLANS_PARSED]  # not JobSubmitted: the prompt stage is done
    assert store.get_job("job-1").redrives == 1

    reconciler.reconcile_once()  # the re-drive itself was progress
    assert len(publisher.sent) == 1

    _age(store, 120)
    reconciler.reconcile_once()
    _age(store, 120)
    reconciler.reconcile_once()  # two re-drives without progress: the job fails and is refunded
    job = store.get_job("job-1")
    assert (job.state, job.failure_stage, job.credits_refunded) == ("failed", "gateway", 40)
    assert "after 2 re-drive(s)" in (job.failure_reason or "")
    assert store.get_account("acct").balance_credits == 1000


def test_a_job_waiting_behind_a_busy_stage_is_left_alone(store: JobStore) -> None:
    publisher = RecordingPublisher()
    reconciler = _reconciler(store, publisher)
    _job(store, "queued-job")
    store.publish_pending(lambda record: None)
    _job(store, "other-job", tier="plus")
    store.publish_pending(lambda record: None)
    _age(store, 120)
    store.claim_stage("other-job", "prompt", 1.0, OWNER, 30.0)  # the prompt stage is busy right now

    reconciler.reconcile_once()
    assert publisher.sent == []  # queued-job waits in the prompt stage's backlog
    assert store.get_job("queued-job").redrives == 0

    _age(store, 120)  # the prompt stage has been idle for the whole window: the record was lost
    reconciler.reconcile_once()
    # Each goes back to the lane of its job's tier.
    assert sorted((r.key, r.topic) for r in publisher.sent) == [
        ("other-job", JOBS_SUBMITTED),
        ("queued-job", lane_topic(JOBS_SUBMITTED, PRO_LANE)),
    ]


def test_the_outbox_sweep_publishes_what_a_crashed_writer_left(store: JobStore) -> None:
    publisher = RecordingPublisher()
    _job(store, "job-1")  # committed with its JobSubmitted record; the gateway died before publishing
    reconciler = _reconciler(store, publisher)
    reconciler.reconcile_once()
    assert publisher.sent == []  # younger than one round: its writer may be publishing it right now
    with store.engine.begin() as conn:
        conn.execute(outbox.update().values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)))
    reconciler.reconcile_once()
    assert [r.topic for r in publisher.sent] == [JOBS_SUBMITTED]
    assert store.outbox_pending() == 0
