"""Job store: the source of truth for jobs, accounts, credits and stage work.

SQLAlchemy Core over SQLite (embedded default) or PostgreSQL (by URL). Every
effect that must happen once — a credit charge, a refund, a stage's output —
is guarded by a conditional update or a primary key, so redelivered records
and racing replicas cannot repeat it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from cinemesh.runtime.errors import FailedPrecondition, NotFound, ResourceExhausted

#: Job states in their forward order; the last three are terminal.
STATES = ("queued", "parsing", "casting", "rendering", "aligning", "completed", "failed", "cancelled")
TERMINAL = ("completed", "failed", "cancelled")
_RANK = {state: rank for rank, state in enumerate(STATES)}

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("tier", sa.String(8), nullable=False),
    sa.Column("balance_credits", sa.BigInteger, nullable=False),
    sa.Column("api_key_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), sa.ForeignKey("accounts.account_id"), nullable=False),
    # NULL when the client sent no idempotency key (NULLs never collide).
    sa.Column("request_id", sa.String(128)),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("tier", sa.String(8), nullable=False),
    sa.Column("spec", sa.LargeBinary, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("duration_seconds", sa.Float, nullable=False),
    sa.Column("credits_reserved", sa.BigInteger, nullable=False),
    sa.Column("credits_charged", sa.BigInteger, nullable=False, default=0),
    sa.Column("credits_refunded", sa.BigInteger, nullable=False, default=0),
    sa.Column("failure_stage", sa.String(16)),
    sa.Column("failure_reason", sa.Text),
    sa.Column("output_uri", sa.Text),
    sa.Column("output_size_bytes", sa.BigInteger),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("account_id", "request_id", name="uq_jobs_account_request"),
)

# One row per (job, stage): the idempotency key of stage work. `outputs` holds
# the records the stage published, so a redelivery re-publishes them instead
# of rendering again.
stage_runs = sa.Table(
    "stage_runs",
    metadata,
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("stage", sa.String(16), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),  # running | done | dropped | failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("video_seconds", sa.Float, nullable=False, default=0.0),
    sa.Column("outputs", sa.Text),
)

# Exactly-once credit movements: one row per (job, kind).
credit_ledger = sa.Table(
    "credit_ledger",
    metadata,
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(8), primary_key=True),  # reserve | charge | refund
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("credits", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Inputs a joining stage (lipsync) has seen per job; either part may come first.
join_parts = sa.Table(
    "join_parts",
    metadata,
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("part", sa.String(16), primary_key=True),
    sa.Column("payload", sa.LargeBinary, nullable=False),
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    account_id: str
    tier: str
    balance_credits: int


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    account_id: str
    request_id: str | None
    state: str
    tier: str
    spec: bytes
    seed: int
    duration_seconds: float
    credits_reserved: int
    credits_charged: int
    credits_refunded: int
    failure_stage: str | None
    failure_reason: str | None
    output_uri: str | None
    output_size_bytes: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL


@dataclass(frozen=True)
class StageRun:
    job_id: str
    stage: str
    status: str
    attempts: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    video_seconds: float
    outputs: list[dict[str, str]]


@dataclass(frozen=True)
class StageClaim:
    """What a stage should do with a record: run it, re-publish, or drop it."""

    action: str  # "run" | "republish" | "drop"
    attempt: int
    outputs: list[dict[str, str]]
    job_state: str | None


def _job(row: sa.Row) -> JobRecord:
    values = dict(row._mapping)
    for key in ("created_at", "updated_at", "finished_at"):
        values[key] = _aware(values[key])
    return JobRecord(**values)


def _stage_run(row: sa.Row) -> StageRun:
    values = dict(row._mapping)
    values["started_at"] = _aware(values["started_at"])
    values["finished_at"] = _aware(values["finished_at"])
    values["outputs"] = json.loads(values["outputs"] or "[]")
    return StageRun(**values)


class JobStore:
    """All reads and writes of jobs, accounts, credits and stage runs."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine = sa.create_engine(url, connect_args={"timeout": 30})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    # accounts -----------------------------------------------------------

    def upsert_account(self, account_id: str, tier: str, balance: int, api_key: str) -> Account:
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(accounts).where(accounts.c.account_id == account_id)).first()
            if found is None:
                conn.execute(
                    accounts.insert().values(
                        account_id=account_id,
                        tier=tier,
                        balance_credits=balance,
                        api_key_sha256=hash_api_key(api_key),
                        created_at=utcnow(),
                    )
                )
            else:
                conn.execute(
                    accounts.update()
                    .where(accounts.c.account_id == account_id)
                    .values(tier=tier, api_key_sha256=hash_api_key(api_key))
                )
        return self.get_account(account_id)

    def get_account(self, account_id: str) -> Account:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(accounts.c.account_id, accounts.c.tier, accounts.c.balance_credits).where(
                    accounts.c.account_id == account_id
                )
            ).first()
        if row is None:
            raise NotFound(f"account {account_id!r} does not exist")
        return Account(*row)

    def account_for_key(self, api_key: str) -> Account | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(accounts.c.account_id, accounts.c.tier, accounts.c.balance_credits).where(
                    accounts.c.api_key_sha256 == hash_api_key(api_key)
                )
            ).first()
        return None if row is None else Account(*row)

    # jobs ---------------------------------------------------------------

    def submit_job(
        self,
        *,
        job_id: str,
        account_id: str,
        request_id: str | None,
        tier: str,
        spec: bytes,
        seed: int,
        duration_seconds: float,
        credits: int,
    ) -> tuple[JobRecord, bool]:
        """Creates a queued job and reserves its credits, or returns the job of the same request."""
        if request_id:
            existing = self._job_by_request(account_id, request_id)
            if existing is not None:
                return existing, False
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                debited = conn.execute(
                    accounts.update()
                    .where(accounts.c.account_id == account_id)
                    .where(accounts.c.balance_credits >= credits)
                    .values(balance_credits=accounts.c.balance_credits - credits)
                ).rowcount
                if debited != 1:
                    balance = conn.execute(
                        sa.select(accounts.c.balance_credits).where(accounts.c.account_id == account_id)
                    ).scalar()
                    if balance is None:
                        raise NotFound(f"account {account_id!r} does not exist")
                    raise ResourceExhausted(
                        f"insufficient credits: this job costs {credits} credits "
                        f"({duration_seconds:g} s on {tier}) but the balance is {balance}"
                    )
                conn.execute(
                    jobs.insert().values(
                        job_id=job_id,
                        account_id=account_id,
                        request_id=request_id or None,
                        state="queued",
                        tier=tier,
                        spec=spec,
                        seed=seed,
                        duration_seconds=duration_seconds,
                        credits_reserved=credits,
                        credits_charged=0,
                        credits_refunded=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                conn.execute(
                    credit_ledger.insert().values(
                        job_id=job_id,
                        kind="reserve",
                        account_id=account_id,
                        credits=credits,
                        created_at=now,
                    )
                )
        except IntegrityError:
            # A concurrent Submit with the same request_id won the race.
            existing = self._job_by_request(account_id, request_id) if request_id else None
            if existing is None:
                raise
            return existing, False
        return self.get_job(job_id), True

    def _job_by_request(self, account_id: str, request_id: str) -> JobRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(jobs).where(jobs.c.account_id == account_id, jobs.c.request_id == request_id)
            ).first()
        return None if row is None else _job(row)

    def get_job(self, job_id: str) -> JobRecord:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.job_id == job_id)).first()
        if row is None:
            raise NotFound(f"job {job_id!r} does not exist")
        return _job(row)

    def job_state(self, job_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(jobs.c.state).where(jobs.c.job_id == job_id)).scalar()

    def advance(self, job_id: str, state: str) -> None:
        """Moves a running job forward to `state`; never backwards, never out of a terminal state."""
        earlier = [s for s in STATES if _RANK[s] < _RANK[state] and s not in TERMINAL]
        with self.engine.begin() as conn:
            conn.execute(
                jobs.update()
                .where(jobs.c.job_id == job_id, jobs.c.state.in_(earlier))
                .values(state=state, updated_at=utcnow())
            )

    def complete_job(self, job_id: str, output_uri: str, output_size_bytes: int) -> bool:
        """Marks the job completed and charges its reservation, once. False if already terminal."""
        now = utcnow()
        with self.engine.begin() as conn:
            moved = conn.execute(
                jobs.update()
                .where(jobs.c.job_id == job_id, jobs.c.state.not_in(TERMINAL))
                .values(
                    state="completed",
                    credits_charged=jobs.c.credits_reserved,
                    output_uri=output_uri,
                    output_size_bytes=output_size_bytes,
                    updated_at=now,
                    finished_at=now,
                )
            ).rowcount
            if moved != 1:
                return False
            job = conn.execute(sa.select(jobs).where(jobs.c.job_id == job_id)).one()
            conn.execute(
                credit_ledger.insert().values(
                    job_id=job_id,
                    kind="charge",
                    account_id=job.account_id,
                    credits=job.credits_reserved,
                    created_at=now,
                )
            )
        return True

    def fail_job(self, job_id: str, stage: str, reason: str) -> bool:
        """Marks the job failed and refunds its reservation, once. False if already terminal."""
        return self._end_with_refund(job_id, "failed", stage, reason)

    def cancel_job(self, job_id: str) -> JobRecord:
        """Cancels a queued or running job and refunds it; a terminal job is a precondition error."""
        if not self._end_with_refund(job_id, "cancelled", None, None):
            job = self.get_job(job_id)
            raise FailedPrecondition(
                f"job {job_id} is already {job.state}; only queued or running jobs can be cancelled"
            )
        return self.get_job(job_id)

    def _end_with_refund(self, job_id: str, state: str, stage: str | None, reason: str | None) -> bool:
        now = utcnow()
        with self.engine.begin() as conn:
            moved = conn.execute(
                jobs.update()
                .where(jobs.c.job_id == job_id, jobs.c.state.not_in(TERMINAL))
                .values(
                    state=state,
                    failure_stage=stage,
                    failure_reason=reason,
                    credits_refunded=jobs.c.credits_reserved,
                    updated_at=now,
                    finished_at=now,
                )
            ).rowcount
            if moved != 1:
                if self._exists(conn, job_id):
                    return False
                raise NotFound(f"job {job_id!r} does not exist")
            job = conn.execute(sa.select(jobs).where(jobs.c.job_id == job_id)).one()
            conn.execute(
                credit_ledger.insert().values(
                    job_id=job_id,
                    kind="refund",
                    account_id=job.account_id,
                    credits=job.credits_reserved,
                    created_at=now,
                )
            )
            conn.execute(
                accounts.update()
                .where(accounts.c.account_id == job.account_id)
                .values(balance_credits=accounts.c.balance_credits + job.credits_reserved)
            )
        return True

    @staticmethod
    def _exists(conn: sa.Connection, job_id: str) -> bool:
        return conn.execute(sa.select(jobs.c.job_id).where(jobs.c.job_id == job_id)).first() is not None

    def ledger(self, job_id: str) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(credit_ledger.c.kind, credit_ledger.c.credits).where(credit_ledger.c.job_id == job_id)
            ).all()
        return {kind: credits for kind, credits in rows}

    # stage runs ---------------------------------------------------------

    def claim_stage(self, job_id: str, stage: str, video_seconds: float) -> StageClaim:
        """Decides what a stage does with a (possibly redelivered) record of `job_id`."""
        now = utcnow()
        with self.engine.begin() as conn:
            state = conn.execute(sa.select(jobs.c.state).where(jobs.c.job_id == job_id)).scalar()
            run = conn.execute(
                sa.select(stage_runs).where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
            ).first()
            if run is not None and run.status == "done":
                return StageClaim("republish", run.attempts, json.loads(run.outputs or "[]"), state)
            if state in TERMINAL or (run is not None and run.status == "failed"):
                return StageClaim("drop", run.attempts if run else 0, [], state)
            if run is None:
                try:
                    conn.execute(
                        stage_runs.insert().values(
                            job_id=job_id,
                            stage=stage,
                            status="running",
                            attempts=1,
                            started_at=now,
                            video_seconds=video_seconds,
                        )
                    )
                except IntegrityError:
                    raise FailedPrecondition(f"{stage} work on job {job_id} raced another replica") from None
                return StageClaim("run", 1, [], state)
            conn.execute(
                stage_runs.update()
                .where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
                .values(attempts=stage_runs.c.attempts + 1, status="running")
            )
            return StageClaim("run", run.attempts + 1, [], state)

    def finish_stage(self, job_id: str, stage: str, outputs: list[dict[str, str]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                stage_runs.update()
                .where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
                .values(status="done", finished_at=utcnow(), outputs=json.dumps(outputs))
            )

    def drop_stage(self, job_id: str, stage: str, status: str = "dropped") -> None:
        """Ends a stage run without output: "dropped" (job cancelled) or "failed"."""
        with self.engine.begin() as conn:
            conn.execute(
                stage_runs.update()
                .where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
                .values(status=status, finished_at=utcnow())
            )

    def stage_runs(self, job_id: str) -> list[StageRun]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(stage_runs).where(stage_runs.c.job_id == job_id).order_by(stage_runs.c.started_at)
            ).all()
        return [_stage_run(row) for row in rows]

    def seconds_per_video_second(self, stage: str, sample: int = 50) -> float | None:
        """Median wall seconds a stage spent per second of video over its recent finished runs."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(stage_runs.c.started_at, stage_runs.c.finished_at, stage_runs.c.video_seconds)
                .where(stage_runs.c.stage == stage, stage_runs.c.status == "done")
                .where(stage_runs.c.attempts == 1, stage_runs.c.video_seconds > 0)
                .order_by(stage_runs.c.finished_at.desc())
                .limit(sample)
            ).all()
        ratios = sorted((_aware(end) - _aware(start)).total_seconds() / seconds for start, end, seconds in rows)
        return ratios[len(ratios) // 2] if ratios else None

    # joins --------------------------------------------------------------

    def add_join_part(self, job_id: str, part: str, payload: bytes) -> dict[str, bytes]:
        """Records one input of a join (idempotently) and returns every part seen so far."""
        with self.engine.begin() as conn:
            exists = conn.execute(
                sa.select(join_parts.c.part).where(join_parts.c.job_id == job_id, join_parts.c.part == part)
            ).first()
            if exists is None:
                conn.execute(join_parts.insert().values(job_id=job_id, part=part, payload=payload))
            rows = conn.execute(
                sa.select(join_parts.c.part, join_parts.c.payload).where(join_parts.c.job_id == job_id)
            ).all()
        return {name: payload for name, payload in rows}


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the stage processes read while one of them writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
