"""JobStore on SQLite and PostgreSQL: credits move exactly once, states only go forward.

The PostgreSQL half uses CINEMESH_TEST_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), one fresh schema per test,
and is skipped when the server is not reachable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import job_store, postgres_schema

from cinemesh.runtime.errors import FailedPrecondition, LeaseHeld, NotFound, RateLimited, ResourceExhausted
from cinemesh.runtime.jobstore import STATES, JobStore, jobs, stage_runs

ACCOUNT = "acct-1"
OWNER = "video@host:1:abc"
LEASE = 30.0


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        yield created


def _account(store: JobStore, balance: int = 1000, tier: str = "plus") -> None:
    store.upsert_account(ACCOUNT, tier, balance)


def _submit(
    store: JobStore, credits: int = 80, request_id: str | None = None, job_id: str | None = None, max_active: int = 0
):
    return store.submit_job(
        job_id=job_id or str(uuid.uuid4()),
        account_id=ACCOUNT,
        request_id=request_id,
        tier="plus",
        spec=b"\x0a\x04kite",
        seed=42,
        duration_seconds=5.0,
        credits=credits,
        max_active=max_active,
    )


def _balance(store: JobStore) -> int:
    return store.get_account(ACCOUNT).balance_credits


def test_schema_lives_where_the_url_points(store: JobStore) -> None:
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"accounts", "api_keys", "audit_log", "jobs", "stage_runs", "credit_ledger", "join_parts"} <= names


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_single_key_column_of_an_earlier_release_is_dropped_and_accounts_kept(backend: str, tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else stack.enter_context(postgres_schema())
        old = JobStore(url)
        stack.callback(old.dispose)
        with old.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE accounts (account_id VARCHAR(64) PRIMARY KEY, tier VARCHAR(8) NOT NULL, "
                    "balance_credits BIGINT NOT NULL, api_key_sha256 VARCHAR(64) NOT NULL UNIQUE, "
                    "created_at TIMESTAMP WITH TIME ZONE NOT NULL)"
                )
            )
            conn.execute(
                sa.text("INSERT INTO accounts VALUES ('old', 'plus', 70, :digest, CURRENT_TIMESTAMP)"),
                {"digest": "ab" * 32},
            )
        old.create_schema()
        old.create_schema()  # a second start finds nothing left to do
        assert "api_key_sha256" not in {c["name"] for c in sa.inspect(old.engine).get_columns("accounts")}
        assert old.get_account("old").balance_credits == 70
        assert old.create_account("new", "pro", 5).tier == "pro"
        job, _ = old.submit_job(
            job_id="j1",
            account_id="old",
            request_id=None,
            tier="plus",
            spec=b"",
            seed=1,
            duration_seconds=1.0,
            credits=7,
        )
        assert old.get_account("old").balance_credits == 63 and job.state == "queued"


def test_accounts(store: JobStore) -> None:
    created = store.upsert_account(ACCOUNT, "plus", 500)
    assert (created.account_id, created.tier, created.balance_credits) == (ACCOUNT, "plus", 500)
    # An upsert changes the tier but never the balance.
    updated = store.upsert_account(ACCOUNT, "pro", 9999)
    assert (updated.tier, updated.balance_credits) == ("pro", 500)
    with pytest.raises(NotFound, match="'nobody'"):
        store.get_account("nobody")


def test_submit_reserves_credits(store: JobStore) -> None:
    _account(store, balance=1000)
    job, created = _submit(store, credits=80, request_id="req-1")
    assert created is True
    assert job.state == "queued"
    assert job.request_id == "req-1"
    assert (job.credits_reserved, job.credits_charged, job.credits_refunded) == (80, 0, 0)
    assert job.seed == 42
    assert job.spec == b"\x0a\x04kite"
    assert job.created_at.tzinfo is not None
    assert job.finished_at is None
    assert not job.terminal
    assert _balance(store) == 920
    assert store.ledger(job.job_id) == {"reserve": 80}


def test_the_cap_on_active_jobs_refuses_one_more_without_a_debit(store: JobStore) -> None:
    _account(store, balance=1000)
    first, _ = _submit(store, credits=10)
    _submit(store, credits=10, max_active=2)
    with pytest.raises(RateLimited, match="has 2 jobs queued or running") as refused:
        _submit(store, credits=10, max_active=2)
    assert refused.value.retry_after_seconds > 0
    assert _balance(store) == 980
    store.cancel_job(first.job_id)  # a terminal job no longer counts
    _submit(store, credits=10, max_active=2)


def test_same_request_id_returns_same_job_without_second_debit(store: JobStore) -> None:
    _account(store, balance=1000)
    first, created_first = _submit(store, credits=80, request_id="req-1")
    again, created_again = _submit(store, credits=80, request_id="req-1")
    assert created_first is True
    assert created_again is False
    assert again.job_id == first.job_id
    assert _balance(store) == 920
    # A different key, or none at all, is a new job.
    other, created_other = _submit(store, credits=80, request_id="req-2")
    anonymous_1, _ = _submit(store, credits=80)
    anonymous_2, _ = _submit(store, credits=80)
    assert created_other is True
    assert len({first.job_id, other.job_id, anonymous_1.job_id, anonymous_2.job_id}) == 4
    assert anonymous_1.request_id is None
    assert _balance(store) == 1000 - 4 * 80


def test_request_id_race_falls_back_to_the_winner(store: JobStore) -> None:
    # The lookup before the insert missed (as if a concurrent submit won): the
    # unique constraint catches it and the winner's job comes back.
    _account(store, balance=1000)
    winner, _ = _submit(store, credits=80, request_id="req-race")
    lookup = store._job_by_request
    store._job_by_request = lambda account_id, request_id: None  # type: ignore[method-assign]
    try:
        with pytest.raises(sa.exc.IntegrityError):
            # With the fallback lookup also blind, the integrity error surfaces.
            _submit(store, credits=80, request_id="req-race")
    finally:
        store._job_by_request = lookup  # type: ignore[method-assign]
    assert _balance(store) == 920  # the losing transaction's debit was rolled back
    seen: list[str] = []

    def blind_once(account_id: str, request_id: str):  # type: ignore[no-untyped-def]
        seen.append(request_id)
        return None if len(seen) == 1 else lookup(account_id, request_id)

    store._job_by_request = blind_once  # type: ignore[method-assign]
    try:
        job, created = _submit(store, credits=80, request_id="req-race")
    finally:
        store._job_by_request = lookup  # type: ignore[method-assign]
    assert seen == ["req-race", "req-race"]  # the pre-check missed, the fallback found it
    assert created is False
    assert job.job_id == winner.job_id
    assert _balance(store) == 920


def test_insufficient_credits(store: JobStore) -> None:
    _account(store, balance=50)
    job_id = str(uuid.uuid4())
    with pytest.raises(ResourceExhausted) as raised:
        _submit(store, credits=80, job_id=job_id)
    message = raised.value.message
    assert "80" in message
    assert "balance is 50" in message
    assert _balance(store) == 50
    with pytest.raises(NotFound):
        store.get_job(job_id)
    assert store.ledger(job_id) == {}


def test_exact_balance_is_enough(store: JobStore) -> None:
    _account(store, balance=80)
    _, created = _submit(store, credits=80)
    assert created
    assert _balance(store) == 0


def test_complete_job_charges_once(store: JobStore) -> None:
    _account(store, balance=1000)
    job, _ = _submit(store, credits=80)
    assert store.complete_job(job.job_id, "file:///out/final.mp4", 1234) is True
    assert store.complete_job(job.job_id, "file:///out/other.mp4", 1) is False
    done = store.get_job(job.job_id)
    assert done.state == "completed"
    assert done.terminal
    assert done.credits_charged == 80
    assert done.credits_refunded == 0
    assert done.output_uri == "file:///out/final.mp4"
    assert done.output_size_bytes == 1234
    assert done.finished_at is not None
    assert store.ledger(job.job_id) == {"reserve": 80, "charge": 80}
    assert _balance(store) == 920
    # A completed job can no longer fail (and so is never refunded).
    assert store.fail_job(job.job_id, "video", "late failure") is False
    assert store.get_job(job.job_id).state == "completed"
    assert _balance(store) == 920


def test_fail_job_refunds_once(store: JobStore) -> None:
    _account(store, balance=1000)
    job, _ = _submit(store, credits=80)
    assert _balance(store) == 920
    assert store.fail_job(job.job_id, "video", "encoder exploded") is True
    assert store.fail_job(job.job_id, "audio", "second failure") is False
    failed = store.get_job(job.job_id)
    assert failed.state == "failed"
    assert failed.failure_stage == "video"
    assert failed.failure_reason == "encoder exploded"
    assert failed.credits_refunded == 80
    assert failed.credits_charged == 0
    assert store.ledger(job.job_id) == {"reserve": 80, "refund": 80}
    assert _balance(store) == 1000
    assert store.complete_job(job.job_id, "file:///x", 1) is False
    assert _balance(store) == 1000


def test_fail_unknown_job_is_not_found(store: JobStore) -> None:
    with pytest.raises(NotFound):
        store.fail_job("missing", "video", "x")


def test_cancel_refunds_and_cancel_of_terminal_job_is_rejected(store: JobStore) -> None:
    _account(store, balance=1000)
    job, _ = _submit(store, credits=80)
    store.advance(job.job_id, "rendering")
    cancelled = store.cancel_job(job.job_id)
    assert cancelled.state == "cancelled"
    assert cancelled.credits_refunded == 80
    assert _balance(store) == 1000
    with pytest.raises(FailedPrecondition) as raised:
        store.cancel_job(job.job_id)
    assert "already cancelled" in raised.value.message
    assert _balance(store) == 1000
    assert store.ledger(job.job_id) == {"reserve": 80, "refund": 80}

    completed, _ = _submit(store, credits=80)
    store.complete_job(completed.job_id, "file:///x", 1)
    with pytest.raises(FailedPrecondition, match="already completed"):
        store.cancel_job(completed.job_id)
    assert store.get_job(completed.job_id).state == "completed"
    with pytest.raises(NotFound):
        store.cancel_job("missing")


def test_advance_only_moves_forward(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    store.advance(job.job_id, "casting")
    assert store.job_state(job.job_id) == "casting"
    store.advance(job.job_id, "parsing")  # a late prompt-stage record
    assert store.job_state(job.job_id) == "casting"
    store.advance(job.job_id, "casting")  # same state: no-op
    assert store.job_state(job.job_id) == "casting"
    store.advance(job.job_id, "aligning")  # skipping states is fine
    assert store.job_state(job.job_id) == "aligning"
    store.advance(job.job_id, "rendering")
    assert store.job_state(job.job_id) == "aligning"


@pytest.mark.parametrize("end", ["completed", "failed", "cancelled"])
def test_advance_never_leaves_a_terminal_state(store: JobStore, end: str) -> None:
    _account(store)
    job, _ = _submit(store)
    if end == "completed":
        store.complete_job(job.job_id, "file:///x", 1)
    elif end == "failed":
        store.fail_job(job.job_id, "video", "boom")
    else:
        store.cancel_job(job.job_id)
    for state in STATES:
        store.advance(job.job_id, state)
        assert store.job_state(job.job_id) == end, f"advance({state!r}) moved a {end} job"


def test_job_state_of_unknown_job_is_none(store: JobStore) -> None:
    assert store.job_state("missing") is None
    with pytest.raises(NotFound):
        store.get_job("missing")


def test_claim_run_then_republish_then_drop_for_cancelled_job(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    claim = store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE)
    assert (claim.action, claim.attempt, claim.outputs, claim.job_state) == ("run", 1, [], "queued")
    outputs = [{"topic": "renders.video", "key": job.job_id, "value": "0a01", "headers": []}]
    store.finish_stage(job.job_id, "video", OWNER, outputs)
    again = store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE)
    assert again.action == "republish"
    assert again.outputs == outputs
    assert again.attempt == 1

    store.cancel_job(job.job_id)
    # Finished work is still re-published (its records may not have reached the broker) …
    assert store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE).action == "republish"
    # … but new work on a cancelled job is dropped.
    dropped = store.claim_stage(job.job_id, "audio", 5.0, OWNER, LEASE)
    assert (dropped.action, dropped.attempt, dropped.outputs, dropped.job_state) == ("drop", 0, [], "cancelled")
    assert {run.stage for run in store.stage_runs(job.job_id)} == {"video"}


def test_second_claim_of_running_stage_counts_attempts(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    assert store.claim_stage(job.job_id, "audio", 5.0, OWNER, LEASE).attempt == 1
    second = store.claim_stage(job.job_id, "audio", 5.0, OWNER, LEASE)
    third = store.claim_stage(job.job_id, "audio", 5.0, OWNER, LEASE)
    assert (second.action, second.attempt) == ("run", 2)
    assert (third.action, third.attempt) == ("run", 3)
    [run] = store.stage_runs(job.job_id)
    assert (run.stage, run.status, run.attempts, run.video_seconds) == ("audio", "running", 3, 5.0)


def test_failed_stage_is_dropped(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    store.claim_stage(job.job_id, "identity", 5.0, OWNER, LEASE)
    assert store.fail_stage(job.job_id, "identity", OWNER, lambda replays: [{"topic": "jobs.failed"}])
    claim = store.claim_stage(job.job_id, "identity", 5.0, OWNER, LEASE)
    assert (claim.action, claim.attempt) == ("drop", 1)
    [run] = store.stage_runs(job.job_id)
    assert run.status == "failed"
    assert run.finished_at is not None
    assert _pending(store)[-1] == {"topic": "jobs.failed"}


def test_a_stage_failure_is_reported_only_by_the_owner_of_the_run(store: JobStore) -> None:
    """A replica whose lease was taken over, or whose run a replay re-opened, reports nothing."""
    _account(store)
    job, _ = _submit(store)
    rounds: list[int] = []

    def report(replays: int) -> list[dict[str, str]]:
        rounds.append(replays)
        return [{"topic": "jobs.failed"}]

    store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE)
    assert not store.fail_stage(job.job_id, "video", "video@other:2:def", report)
    assert store.stage_runs(job.job_id)[0].status == "running"
    assert store.fail_stage(job.job_id, "audio", OWNER, report)  # failed before it claimed a run: still reported
    store.fail_job(job.job_id, "audio", "unreadable record")
    store.reopen_for_replay(job.job_id, "audio")
    assert not store.fail_stage(job.job_id, "video", OWNER, report)  # the replay reset the run it held
    assert rounds == [0]
    store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE)
    assert store.fail_stage(job.job_id, "video", OWNER, report)
    assert rounds == [0, 1]
    assert store.fail_stage("no-such-job", "video", OWNER, report) is False


def test_a_failure_from_an_earlier_round_does_not_fail_a_replayed_job(store: JobStore) -> None:
    _account(store, balance=200)
    job, _ = _submit(store, credits=80)
    assert store.fail_job(job.job_id, "video", "store unwritable", replays=0)
    store.reopen_for_replay(job.job_id, "video")
    assert not store.fail_job(job.job_id, "audio", "store unwritable", replays=0)  # the audio run of round 0, late
    assert store.get_job(job.job_id).state == "parsing"
    assert _balance(store) == 120
    assert store.fail_job(job.job_id, "audio", "store unwritable again", replays=1)
    assert store.get_job(job.job_id).failure_reason == "store unwritable again"
    store.reopen_for_replay(job.job_id, "audio")
    assert store.fail_job(job.job_id, "identity", "@ada was revoked")  # a failure of every round
    assert store.ledger(job.job_id)["refund.3"] == 80


def test_stage_runs_record_outputs(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    store.claim_stage(job.job_id, "prompt", 5.0, OWNER, LEASE)
    store.finish_stage(job.job_id, "prompt", OWNER, [{"topic": "plans.parsed"}])
    [run] = store.stage_runs(job.job_id)
    assert run.status == "done"
    assert run.outputs == [{"topic": "plans.parsed"}]
    assert run.started_at.tzinfo is not None
    assert run.finished_at is not None
    assert run.finished_at >= run.started_at


def test_add_join_part_is_idempotent(store: JobStore) -> None:
    assert store.add_join_part("job-1", "video", b"v1") == {"video": b"v1"}
    # A redelivery keeps the first payload.
    assert store.add_join_part("job-1", "video", b"v2") == {"video": b"v1"}
    assert store.add_join_part("job-2", "audio", b"other job") == {"audio": b"other job"}
    assert store.add_join_part("job-1", "audio", b"a1") == {"video": b"v1", "audio": b"a1"}
    assert store.add_join_part("job-1", "audio", b"a1") == {"video": b"v1", "audio": b"a1"}


def test_seconds_per_video_second_is_the_median_of_clean_finished_runs(store: JobStore) -> None:
    assert store.seconds_per_video_second("video") is None
    _account(store, balance=10_000)
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

    def run(stage: str, video_seconds: float, wall_seconds: float, *, retried: bool = False, done: bool = True):
        job, _ = _submit(store, credits=1)
        store.claim_stage(job.job_id, stage, video_seconds, OWNER, LEASE)
        if retried:
            store.claim_stage(job.job_id, stage, video_seconds, OWNER, LEASE)
        if done:
            store.finish_stage(job.job_id, stage, OWNER, [])
        with store.engine.begin() as conn:
            conn.execute(
                stage_runs.update()
                .where(stage_runs.c.job_id == job.job_id)
                .values(started_at=start, finished_at=start + dt.timedelta(seconds=wall_seconds))
            )

    run("video", 5.0, 10.0)  # 2 s per video second
    run("video", 10.0, 10.0)  # 1
    run("video", 2.0, 20.0)  # 10
    run("video", 5.0, 500.0, retried=True)  # excluded: a retry
    run("video", 5.0, 500.0, done=False)  # excluded: not finished
    run("video", 0.0, 500.0)  # excluded: no video seconds
    run("audio", 5.0, 1.0)  # another stage: 0.2
    assert store.seconds_per_video_second("video") == pytest.approx(2.0)
    assert store.seconds_per_video_second("audio") == pytest.approx(0.2)
    assert store.seconds_per_video_second("lipsync") is None


# leases -----------------------------------------------------------------


def _expire_lease(store: JobStore, job_id: str, stage: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            stage_runs.update()
            .where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
            .values(lease_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )


def test_a_live_lease_keeps_other_replicas_out_until_it_expires(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    assert store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE).action == "run"
    with pytest.raises(LeaseHeld, match="held by video@host:1:abc"):
        store.claim_stage(job.job_id, "video", 5.0, "video@other:2:def", LEASE)
    assert store.renew_lease(job.job_id, "video", OWNER, LEASE)
    assert not store.renew_lease(job.job_id, "video", "video@other:2:def", LEASE)

    _expire_lease(store, job.job_id, "video")
    taken = store.claim_stage(job.job_id, "video", 5.0, "video@other:2:def", LEASE)
    assert (taken.action, taken.attempt) == ("run", 2)
    [run] = store.stage_runs(job.job_id)
    assert run.owner == "video@other:2:def"
    assert run.lease_expires_at > dt.datetime.now(dt.UTC)
    # The first owner lost the lease: it can neither renew nor finish, so only one result counts.
    assert not store.renew_lease(job.job_id, "video", OWNER, LEASE)
    assert not store.finish_stage(job.job_id, "video", OWNER, [{"topic": "renders.video"}])
    assert store.finish_stage(job.job_id, "video", "video@other:2:def", [{"topic": "renders.video", "n": "2"}])
    assert store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE).outputs == [{"topic": "renders.video", "n": "2"}]


# outbox -----------------------------------------------------------------


def _pending(store: JobStore) -> list[dict[str, str]]:
    sent: list[dict[str, str]] = []
    store.publish_pending(sent.append)
    return sent


def test_submit_queues_its_record_in_the_same_transaction(store: JobStore) -> None:
    _account(store, balance=100)
    record = {"topic": "jobs.submitted", "key": "k", "value": "00", "headers": []}
    store.submit_job(
        job_id="job-a", account_id=ACCOUNT, request_id=None, tier="plus", spec=b"", seed=1,
        duration_seconds=1.0, credits=80, outbound=[record],
    )  # fmt: skip
    with pytest.raises(ResourceExhausted):  # nothing is queued for a job that was refused
        store.submit_job(
            job_id="job-b", account_id=ACCOUNT, request_id=None, tier="plus", spec=b"", seed=1,
            duration_seconds=1.0, credits=80, outbound=[record | {"key": "refused"}],
        )  # fmt: skip
    assert store.outbox_pending() == 1
    assert _pending(store) == [record]
    assert store.outbox_pending() == 0
    assert _pending(store) == []  # published once


def test_finished_stage_outputs_are_queued_and_a_failed_send_keeps_them(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    store.claim_stage(job.job_id, "prompt", 5.0, OWNER, LEASE)
    outputs = [{"topic": "plans.parsed", "n": str(i)} for i in range(3)]
    assert store.finish_stage(job.job_id, "prompt", OWNER, outputs)
    sent: list[dict[str, str]] = []

    def flaky(record: dict[str, str]) -> None:
        if record["n"] == "1":
            raise ConnectionError("broker down")
        sent.append(record)

    assert store.publish_pending(flaky, job_id=job.job_id) == 1  # stops at the failure, keeps what was sent
    assert store.outbox_pending() == 2
    assert store.publish_pending(sent.append, job_id="another-job") == 0
    assert store.publish_pending(sent.append, older_than_seconds=3600) == 0  # the sweep waits for stale rows
    assert store.publish_pending(sent.append) == 2
    assert [r["n"] for r in sent] == ["0", "1", "2"]


# reconciliation ---------------------------------------------------------


def _age(store: JobStore, job_id: str, seconds: float) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    with store.engine.begin() as conn:
        conn.execute(jobs.update().where(jobs.c.job_id == job_id).values(updated_at=past))
        conn.execute(
            stage_runs.update()
            .where(stage_runs.c.job_id == job_id)
            .values(started_at=past, finished_at=past, heartbeat_at=past)
        )


def test_stalled_jobs_are_those_without_progress_and_a_redrive_counts_once(store: JobStore) -> None:
    _account(store)
    stuck, _ = _submit(store)
    moving, _ = _submit(store)
    done, _ = _submit(store)
    store.complete_job(done.job_id, "file:///x", 1)
    for job in (stuck, moving, done):
        _age(store, job.job_id, 600)
    store.claim_stage(moving.job_id, "video", 5.0, OWNER, LEASE)  # a fresh heartbeat is progress
    assert [job.job_id for job in store.stalled_jobs(300)] == [stuck.job_id]
    assert store.stalled_jobs(900) == []

    [job] = store.stalled_jobs(300)
    assert store.redrive(job, [{"topic": "jobs.submitted"}])
    assert not store.redrive(job, [{"topic": "jobs.submitted"}])  # another reconciler raced: counted once
    assert store.get_job(stuck.job_id).redrives == 1
    assert store.stalled_jobs(300) == []  # the re-drive itself is progress
    assert _pending(store) == [{"topic": "jobs.submitted"}]


def test_a_finished_stage_resets_the_redrive_count(store: JobStore) -> None:
    _account(store)
    job, _ = _submit(store)
    for _ in range(2):
        _age(store, job.job_id, 600)
        [stalled] = store.stalled_jobs(300)
        assert store.redrive(stalled, [{"topic": "jobs.submitted"}])
    assert store.get_job(job.job_id).redrives == 2
    store.claim_stage(job.job_id, "prompt", 5.0, OWNER, LEASE)
    assert store.finish_stage(job.job_id, "prompt", OWNER, [{"topic": "jobs.planned"}])
    assert store.get_job(job.job_id).redrives == 0  # stalls it got past do not count against the next one


def test_replay_reopens_a_failed_job_and_reserves_again(store: JobStore) -> None:
    _account(store, balance=200)
    job, _ = _submit(store, credits=80)
    store.claim_stage(job.job_id, "video", 5.0, OWNER, LEASE)
    store.fail_stage(job.job_id, "video", OWNER, lambda replays: [])
    store.fail_job(job.job_id, "video", "model unreachable")
    assert _balance(store) == 200

    reopened = store.reopen_for_replay(job.job_id, "video")
    assert (reopened.state, reopened.replays, reopened.credits_refunded) == ("parsing", 1, 0)
    assert _balance(store) == 120
    claim = store.claim_stage(job.job_id, "video", 5.0, "video@other:2:def", LEASE)
    assert (claim.action, claim.attempt) == ("run", 2)

    store.fail_job(job.job_id, "video", "still unreachable")  # a second failure refunds the second reservation
    assert _balance(store) == 200
    assert store.ledger(job.job_id) == {"reserve": 80, "refund": 80, "reserve.2": 80, "refund.2": 80}
    store.reopen_for_replay(job.job_id, "video")
    assert store.complete_job(job.job_id, "file:///out.mp4", 10)
    assert _balance(store) == 120
    assert store.ledger(job.job_id)["charge"] == 80

    with pytest.raises(FailedPrecondition, match="only failed jobs can be replayed"):
        store.reopen_for_replay(job.job_id, "video")


def test_replay_needs_the_credits_again(store: JobStore) -> None:
    _account(store, balance=80)
    job, _ = _submit(store, credits=80)
    store.fail_job(job.job_id, "video", "boom")
    store.upsert_account(ACCOUNT, "plus", 0)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE accounts SET balance_credits = 10"))
    with pytest.raises(ResourceExhausted, match="reserves 80 credits again"):
        store.reopen_for_replay(job.job_id, "video")
    assert store.get_job(job.job_id).state == "failed"


def test_join_parts_added_at_once_by_two_replicas_always_meet(store: JobStore) -> None:
    """Two replicas add the two halves concurrently: exactly one of them sees both (never neither)."""
    import threading

    _account(store, balance=10_000)
    for _ in range(15):
        job, _ = _submit(store, credits=1)
        barrier = threading.Barrier(2)
        seen: dict[str, int] = {}

        def add(
            part: str, job_id: str = job.job_id, barrier: threading.Barrier = barrier, seen: dict[str, int] = seen
        ) -> None:
            barrier.wait()
            for _ in range(20):
                try:
                    seen[part] = len(store.add_join_part(job_id, part, part.encode()))
                    return
                except sa.exc.OperationalError:  # SQLite's busy snapshot: the consumer retries it as transient
                    continue

        threads = [threading.Thread(target=add, args=(part,)) for part in ("video", "audio")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(seen.values()) == [1, 2]
