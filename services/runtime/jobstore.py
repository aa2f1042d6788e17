"""Job store: the source of truth for jobs, accounts, credits and stage work.

SQLAlchemy Core over SQLite (embedded default) or PostgreSQL (by URL). Every
effect that must happen once — a credit charge, a refund, a stage's output —
is guarded by a conditional update or a primary key, so redelivered records
and racing replicas cannot repeat it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from cinemesh.runtime.errors import (
    AlreadyExists,
    FailedPrecondition,
    LeaseHeld,
    NotFound,
    RateLimited,
    ResourceExhausted,
)

#: Job states in their forward order; the last three are terminal.
STATES = ("queued", "parsing", "casting", "rendering", "aligning", "completed", "failed", "cancelled")
TERMINAL = ("completed", "failed", "cancelled")
_RANK = {state: rank for rank, state in enumerate(STATES)}
#: The retry hint of a Submit refused for the account's cap on active jobs (a 1-10 s clip renders in about this).
ACTIVE_JOBS_RETRY_SECONDS = 10.0

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("tier", sa.String(8), nullable=False),
    sa.Column("balance_credits", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # How the account pays: "credits" (reserved at Submit, charged on completion) or "usd" (API billing: each
    # completed job's price from the USD price table, exported by GET /v1/usage).
    sa.Column("billing", sa.String(8), nullable=False, server_default="credits"),
)

# API keys, several per account. A key reads `cm_<key_id>_<secret>`: the row is found by its public id, and
# only the HMAC-SHA256 of the whole key under the server pepper is stored (the key itself is shown once).
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.String(64), sa.ForeignKey("accounts.account_id"), nullable=False, index=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("scopes", sa.String(128), nullable=False),  # space-separated
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

# Every admin action: who (the key and its account), what, on what, and the details.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_account_id", sa.String(64), nullable=False),
    sa.Column("actor_key_id", sa.String(32), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
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
    # Times the reconciler re-published the job's records after it made no progress.
    sa.Column("redrives", sa.Integer, nullable=False, default=0),
    # Times an operator replayed the job from the DLQ (each replay reserves credits again).
    sa.Column("replays", sa.Integer, nullable=False, default=0),
    # The account's billing mode when the job was submitted ("credits" or "usd").
    sa.Column("billing", sa.String(8), nullable=False, server_default="credits"),
    # What the job cost in USD micro-dollars (10^-6 USD): set once on completion for a "usd" job; a failed,
    # cancelled or blocked job, and every "credits" job, stays 0.
    sa.Column("price_micros", sa.BigInteger, nullable=False, server_default="0"),
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
    # The lease of a running row: which process works on it, when it last said so, and until when
    # nobody else may take it over.
    sa.Column("owner", sa.String(128)),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
    sa.Column("lease_expires_at", sa.DateTime(timezone=True)),
)

# Exactly-once credit movements: one row per (job, kind).
credit_ledger = sa.Table(
    "credit_ledger",
    metadata,
    sa.Column("job_id", sa.String(64), primary_key=True),
    # reserve | charge | refund; a DLQ replay's round n > 1 reserves and refunds as "reserve.n" / "refund.n".
    sa.Column("kind", sa.String(16), primary_key=True),
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


# Transactional outbox: records written in the same transaction as the state change they announce,
# published by a relay afterwards (at least once; every consumer is idempotent).
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(64), nullable=False),
    sa.Column("record", sa.Text, nullable=False),  # OutboundRecord.to_json()
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True)),
    sa.Index("ix_outbox_pending", "published_at", "id"),
)

# What the Videos API (`/v1/videos`, the openai SDK's `client.videos`) keeps about a job beyond the job row, and
# the draft state of every finished job. A job submitted through `/v1/jobs` has no row until it is saved, downloaded
# in full or purged; a missing row reads as "a draft nobody saved".
videos = sa.Table(
    "videos",
    metadata,
    sa.Column("job_id", sa.String(64), primary_key=True),
    # The model the client named (`sora-2`, `cinemesh-pro` …), echoed back as the Video's `model`.
    sa.Column("model", sa.String(64)),
    sa.Column("remixed_from", sa.String(64)),
    # What a remix took over from its source instead of rendering it again ("audio"), or NULL.
    sa.Column("reused", sa.String(64)),
    # An extension: the completed video it continues, and that video's seconds (the stitched whole is both).
    sa.Column("extends", sa.String(64)),
    sa.Column("base_seconds", sa.Float),
    # The stitched MP4 of an extension, once made.
    sa.Column("stitched_uri", sa.Text),
    sa.Column("stitched_size_bytes", sa.BigInteger),
    sa.Column("saved_at", sa.DateTime(timezone=True)),
    sa.Column("downloaded_at", sa.DateTime(timezone=True)),
    sa.Column("purged_at", sa.DateTime(timezone=True)),
    sa.Column("purged_bytes", sa.BigInteger),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
)

#: Columns added after the first release: (table, column DDL) added to an older database at start-up.
_ADDED_COLUMNS = (
    ("jobs", "redrives INTEGER NOT NULL DEFAULT 0"),
    ("jobs", "replays INTEGER NOT NULL DEFAULT 0"),
    ("stage_runs", "owner VARCHAR(128)"),
    ("stage_runs", "heartbeat_at TIMESTAMP WITH TIME ZONE"),
    ("stage_runs", "lease_expires_at TIMESTAMP WITH TIME ZONE"),
    ("accounts", "billing VARCHAR(8) NOT NULL DEFAULT 'credits'"),
    ("jobs", "billing VARCHAR(8) NOT NULL DEFAULT 'credits'"),
    ("jobs", "price_micros BIGINT NOT NULL DEFAULT 0"),
)
#: How an account pays for its jobs.
BILLING_MODES = ("credits", "usd")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Account:
    account_id: str
    tier: str
    balance_credits: int


@dataclass(frozen=True)
class ApiKey:
    """An API key's row, without its digest."""

    key_id: str
    account_id: str
    scopes: frozenset[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _api_key(row: sa.Row) -> ApiKey:
    return ApiKey(
        key_id=row.key_id,
        account_id=row.account_id,
        scopes=frozenset(row.scopes.split()),
        created_at=_aware(row.created_at),  # type: ignore[arg-type]
        expires_at=_aware(row.expires_at),
        revoked_at=_aware(row.revoked_at),
    )


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
    redrives: int = 0
    replays: int = 0
    billing: str = "credits"
    price_micros: int = 0

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
    owner: str | None = None
    heartbeat_at: dt.datetime | None = None
    lease_expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class StageClaim:
    """What a stage should do with a record: run it, re-publish, or drop it."""

    action: str  # "run" | "republish" | "drop"
    attempt: int
    outputs: list[dict[str, str]]
    job_state: str | None


@dataclass(frozen=True)
class PendingRecord:
    """An outbox row not yet published."""

    outbox_id: int
    job_id: str
    record: dict[str, str]
    created_at: dt.datetime


def _job(row: sa.Row) -> JobRecord:
    values = dict(row._mapping)
    for key in ("created_at", "updated_at", "finished_at"):
        values[key] = _aware(values[key])
    values["redrives"] = values.get("redrives") or 0
    values["replays"] = values.get("replays") or 0
    return JobRecord(**values)


def _stage_run(row: sa.Row) -> StageRun:
    values = dict(row._mapping)
    for key in ("started_at", "finished_at", "heartbeat_at", "lease_expires_at"):
        values[key] = _aware(values[key])
    values["outputs"] = json.loads(values["outputs"] or "[]")
    return StageRun(**values)


def _kind(kind: str, replay_round: int) -> str:
    """Ledger kind of a credit movement in a job's n-th run (a DLQ replay starts a new round)."""
    return kind if replay_round <= 1 else f"{kind}.{replay_round}"


def _queue(conn: sa.Connection, job_id: str, records: list[dict[str, str]], now: dt.datetime) -> list[int]:
    """Adds records to the outbox inside the caller's transaction; returns their ids."""
    ids = []
    for record in records:
        result = conn.execute(outbox.insert().values(job_id=job_id, record=json.dumps(record), created_at=now))
        ids.append(int(result.inserted_primary_key[0]))
    return ids


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
        self._add_missing_columns()
        self._drop_single_key_column()

    def _add_missing_columns(self) -> None:
        """Brings a database created by an earlier release up to this schema (columns are only ever added)."""
        inspector = sa.inspect(self.engine)
        for table, ddl in _ADDED_COLUMNS:
            column = ddl.split()[0]
            if column in {c["name"] for c in inspector.get_columns(table)}:
                continue
            if self.engine.dialect.name == "sqlite":
                ddl = ddl.replace("TIMESTAMP WITH TIME ZONE", "DATETIME")
            with self.engine.begin() as conn:
                conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {ddl}"))

    def _drop_single_key_column(self) -> None:
        """Drops `accounts.api_key_sha256` (one unsalted key per account, before the api_keys table).

        Its digests cannot become peppered HMACs without the keys, so those keys stop working: an admin issues
        new ones (`cinemesh admin key create`; `cinemesh up` issues the local account a new key each start).
        SQLite cannot drop a UNIQUE column, so there the table is rebuilt in one transaction.
        """
        if "api_key_sha256" not in {c["name"] for c in sa.inspect(self.engine).get_columns("accounts")}:
            return
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as conn:
                conn.execute(sa.text("ALTER TABLE accounts DROP COLUMN IF EXISTS api_key_sha256"))
            return
        rebuilt = accounts.to_metadata(sa.MetaData(), name="accounts_rebuilt")
        create = str(sa.schema.CreateTable(rebuilt).compile(self.engine)).strip()
        columns = ", ".join(column.name for column in accounts.columns)
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.executescript(  # type: ignore[union-attr]
                f"BEGIN; {create}; INSERT INTO accounts_rebuilt ({columns}) SELECT {columns} FROM accounts; "
                "DROP TABLE accounts; ALTER TABLE accounts_rebuilt RENAME TO accounts; COMMIT;"
            )
        finally:
            raw.close()

    def dispose(self) -> None:
        self.engine.dispose()

    # accounts -----------------------------------------------------------

    def upsert_account(self, account_id: str, tier: str, balance: int) -> Account:
        """Creates the account with `balance` credits, or sets the tier of an existing one (never its balance)."""
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(accounts).where(accounts.c.account_id == account_id)).first()
            if found is None:
                conn.execute(
                    accounts.insert().values(
                        account_id=account_id, tier=tier, balance_credits=balance, created_at=utcnow()
                    )
                )
            else:
                conn.execute(accounts.update().where(accounts.c.account_id == account_id).values(tier=tier))
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

    def create_account(self, account_id: str, tier: str, balance: int) -> Account:
        """A new account; ALREADY_EXISTS if the id is taken."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    accounts.insert().values(
                        account_id=account_id, tier=tier, balance_credits=balance, created_at=utcnow()
                    )
                )
        except IntegrityError:
            raise AlreadyExists(f"account {account_id!r} already exists") from None
        return self.get_account(account_id)

    def list_accounts(self) -> list[Account]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(accounts.c.account_id, accounts.c.tier, accounts.c.balance_credits).order_by(
                    accounts.c.account_id
                )
            ).all()
        return [Account(*row) for row in rows]

    def set_tier(self, account_id: str, tier: str) -> Account:
        with self.engine.begin() as conn:
            conn.execute(accounts.update().where(accounts.c.account_id == account_id).values(tier=tier))
        return self.get_account(account_id)

    def grant_credits(self, account_id: str, credits: int) -> Account:
        with self.engine.begin() as conn:
            conn.execute(
                accounts.update()
                .where(accounts.c.account_id == account_id)
                .values(balance_credits=accounts.c.balance_credits + credits)
            )
        return self.get_account(account_id)

    def audit(self, actor_account_id: str, actor_key_id: str, action: str, target: str, detail: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                audit_log.insert().values(
                    at=utcnow(),
                    actor_account_id=actor_account_id,
                    actor_key_id=actor_key_id,
                    action=action,
                    target=target,
                    detail=json.dumps(detail, sort_keys=True),
                )
            )

    # API keys -----------------------------------------------------------

    def add_api_key(self, key: ApiKey, digest: str) -> None:
        self.get_account(key.account_id)
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    account_id=key.account_id,
                    digest=digest,
                    scopes=" ".join(sorted(key.scopes)),
                    created_at=key.created_at,
                    expires_at=key.expires_at,
                    revoked_at=key.revoked_at,
                )
            )

    def api_key(self, key_id: str) -> tuple[ApiKey, str] | None:
        """The key with this public id and its stored digest, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
        return None if row is None else (_api_key(row), row.digest)

    def api_keys_of(self, account_id: str) -> list[ApiKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(api_keys).where(api_keys.c.account_id == account_id).order_by(api_keys.c.created_at)
            ).all()
        return [_api_key(row) for row in rows]

    def revoke_api_key(self, key_id: str) -> ApiKey:
        """Revokes the key (a revoked key stays revoked, with its first revocation time)."""
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        found = self.api_key(key_id)
        if found is None:
            raise NotFound(f"API key {key_id!r} does not exist")
        return found[0]

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
        outbound: list[dict[str, str]] | None = None,
        max_active: int = 0,
        billing: str = "credits",
    ) -> tuple[JobRecord, bool]:
        """Creates a queued job, reserves its credits and queues `outbound` in one transaction.

        Returns the job and True, or the job of the same request and False. With `max_active` > 0, an account
        that already has that many jobs queued or running gets RateLimited; the count is taken after the debit
        has locked the account's row, so concurrent submits of one account cannot both slip under the cap.
        """
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
                if max_active:
                    active = conn.execute(
                        sa.select(sa.func.count())
                        .select_from(jobs)
                        .where(jobs.c.account_id == account_id, jobs.c.state.not_in(TERMINAL))
                    ).scalar_one()
                    if active >= max_active:
                        raise RateLimited(
                            f"account {account_id!r} has {active} jobs queued or running, the most it may have at "
                            "once (CINEMESH_MAX_ACTIVE_JOBS); submit again when one finishes",
                            ACTIVE_JOBS_RETRY_SECONDS,
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
                        billing=billing,
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
                _queue(conn, job_id, outbound or [], now)
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

    def get_jobs(self, job_ids: list[str]) -> dict[str, JobRecord]:
        """Several jobs in one query (unknown ids are left out)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(jobs).where(jobs.c.job_id.in_(job_ids))).all()
        return {row.job_id: _job(row) for row in rows}

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

    def complete_job(self, job_id: str, output_uri: str, output_size_bytes: int, price_micros: int = 0) -> bool:
        """Marks the job completed and charges its reservation (and, for a "usd" job, records its
        `price_micros`), once. False if already terminal."""
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
                    price_micros=sa.case((jobs.c.billing == "usd", price_micros), else_=0),
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

    def fail_job(self, job_id: str, stage: str, reason: str, replays: int | None = None) -> bool:
        """Marks the job failed and refunds its reservation, once. False if already terminal.

        With `replays`, the failure belongs to that round of the job: once the job was replayed again, it is
        a late report of a run the replay replaced and changes nothing (False).
        """
        return self._end_with_refund(job_id, "failed", stage, reason, replays)

    def cancel_job(self, job_id: str) -> JobRecord:
        """Cancels a queued or running job and refunds it; a terminal job is a precondition error."""
        if not self._end_with_refund(job_id, "cancelled", None, None):
            job = self.get_job(job_id)
            raise FailedPrecondition(
                f"job {job_id} is already {job.state}; only queued or running jobs can be cancelled"
            )
        return self.get_job(job_id)

    def _end_with_refund(
        self, job_id: str, state: str, stage: str | None, reason: str | None, replays: int | None = None
    ) -> bool:
        now = utcnow()
        same_round = sa.true() if replays is None else jobs.c.replays == replays
        with self.engine.begin() as conn:
            moved = conn.execute(
                jobs.update()
                .where(jobs.c.job_id == job_id, jobs.c.state.not_in(TERMINAL), same_round)
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
                    kind=_kind("refund", (job.replays or 0) + 1),
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

    # billing --------------------------------------------------------------

    def account_billing(self, account_id: str) -> str:
        """How the account pays: "credits" or "usd"."""
        with self.engine.connect() as conn:
            billing = conn.execute(sa.select(accounts.c.billing).where(accounts.c.account_id == account_id)).scalar()
        if billing is None:
            raise NotFound(f"account {account_id!r} does not exist")
        return str(billing)

    def set_account_billing(self, account_id: str, billing: str) -> None:
        """Switches how the account pays for the jobs it submits from now on (its earlier jobs keep theirs)."""
        with self.engine.begin() as conn:
            moved = conn.execute(
                accounts.update().where(accounts.c.account_id == account_id).values(billing=billing)
            ).rowcount
        if moved != 1:
            raise NotFound(f"account {account_id!r} does not exist")

    def finished_jobs(self, account_id: str, start: dt.datetime, end: dt.datetime) -> list[JobRecord]:
        """The account's jobs that ended (completed, failed or cancelled) in [start, end), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(jobs)
                .where(
                    jobs.c.account_id == account_id,
                    jobs.c.state.in_(TERMINAL),
                    jobs.c.finished_at >= start,
                    jobs.c.finished_at < end,
                )
                .order_by(jobs.c.finished_at, jobs.c.job_id)
            ).all()
        return [_job(row) for row in rows]

    # stage runs ---------------------------------------------------------

    def claim_stage(
        self, job_id: str, stage: str, video_seconds: float, owner: str, lease_seconds: float
    ) -> StageClaim:
        """Decides what `owner` does with a (possibly redelivered) record of `job_id`, taking the lease to run it.

        A running row whose lease has not expired belongs to its owner: another
        process gets LeaseHeld (retryable) and tries again later, by when the
        work is done (re-publish) or its owner is gone (take over).
        """
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
            lease = {"owner": owner, "heartbeat_at": now, "lease_expires_at": now + dt.timedelta(seconds=lease_seconds)}
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
                            **lease,
                        )
                    )
                except IntegrityError:
                    raise LeaseHeld(f"{stage} work on job {job_id} was just claimed by another replica") from None
                return StageClaim("run", 1, [], state)
            expires = _aware(run.lease_expires_at)
            if run.status == "running" and run.owner not in (None, owner) and expires is not None and expires > now:
                until = expires.isoformat(timespec="seconds")
                raise LeaseHeld(
                    f"{stage} work on job {job_id} is held by {run.owner} until {until}",
                    retry_after_seconds=(expires - now).total_seconds(),
                )
            taken = conn.execute(
                stage_runs.update()
                .where(
                    stage_runs.c.job_id == job_id,
                    stage_runs.c.stage == stage,
                    stage_runs.c.attempts == run.attempts,
                )
                .values(attempts=stage_runs.c.attempts + 1, status="running", **lease)
            ).rowcount
            if taken != 1:
                raise LeaseHeld(f"{stage} work on job {job_id} was just taken over by another replica")
            return StageClaim("run", run.attempts + 1, [], state)

    def renew_lease(self, job_id: str, stage: str, owner: str, lease_seconds: float) -> bool:
        """Extends `owner`'s lease; False if the row is no longer running under this owner."""
        now = utcnow()
        with self.engine.begin() as conn:
            return (
                conn.execute(
                    stage_runs.update()
                    .where(
                        stage_runs.c.job_id == job_id,
                        stage_runs.c.stage == stage,
                        stage_runs.c.owner == owner,
                        stage_runs.c.status == "running",
                    )
                    .values(heartbeat_at=now, lease_expires_at=now + dt.timedelta(seconds=lease_seconds))
                ).rowcount
                == 1
            )

    def finish_stage(self, job_id: str, stage: str, owner: str, outputs: list[dict[str, str]]) -> bool:
        """Stores the stage's outputs and queues them in the outbox, in one transaction, if `owner` still holds it.

        False when the lease was lost (another process took the work over): its result counts, not this one.
        """
        now = utcnow()
        with self.engine.begin() as conn:
            done = conn.execute(
                stage_runs.update()
                .where(
                    stage_runs.c.job_id == job_id,
                    stage_runs.c.stage == stage,
                    stage_runs.c.owner == owner,
                    stage_runs.c.status == "running",
                )
                .values(status="done", finished_at=now, outputs=json.dumps(outputs), lease_expires_at=None)
            ).rowcount
            if done != 1:
                return False
            # A finished stage is progress: the re-drive budget counts stalls since the job last moved, so a long
            # job that recovers from one lost record after another is not failed for stalls it got past.
            conn.execute(jobs.update().where(jobs.c.job_id == job_id, jobs.c.redrives > 0).values(redrives=0))
            _queue(conn, job_id, outputs, now)
        return True

    def drop_stage(self, job_id: str, stage: str) -> None:
        """Ends a stage run without output because its job was cancelled or failed elsewhere."""
        with self.engine.begin() as conn:
            conn.execute(
                stage_runs.update()
                .where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
                .values(status="dropped", finished_at=utcnow(), lease_expires_at=None)
            )

    def fail_stage(self, job_id: str, stage: str, owner: str, report: Callable[[int], list[dict[str, str]]]) -> bool:
        """Ends `owner`'s run of the stage as failed and queues `report(replays)`, the job's failure, with it.

        The run must still be `owner`'s: a replica that took the work over, or a replay that re-opened the
        job, owns what happens next, and this late failure is not reported (False). A record that failed
        before any run was claimed (one that could not even be read) is reported.
        """
        now = utcnow()
        with self.engine.begin() as conn:
            replays = conn.execute(sa.select(jobs.c.replays).where(jobs.c.job_id == job_id)).scalar()
            if replays is None:
                return False  # a record of a job this store never had
            run = conn.execute(
                sa.select(stage_runs.c.owner, stage_runs.c.status).where(
                    stage_runs.c.job_id == job_id, stage_runs.c.stage == stage
                )
            ).first()
            if run is not None:
                if (run.owner, run.status) != (owner, "running"):
                    return False
                conn.execute(
                    stage_runs.update()
                    .where(stage_runs.c.job_id == job_id, stage_runs.c.stage == stage)
                    .values(status="failed", finished_at=now, lease_expires_at=None)
                )
            _queue(conn, job_id, report(replays), now)
        return True

    # outbox ---------------------------------------------------------------

    def publish_pending(
        self,
        send: Callable[[dict[str, str]], None],
        job_id: str | None = None,
        older_than_seconds: float = 0.0,
        limit: int = 200,
    ) -> int:
        """Sends pending outbox records in order and marks them published; returns how many were sent.

        On PostgreSQL the rows are locked (SKIP LOCKED), so relays in several processes do not send the
        same row at once. A failed send stops the batch; what was sent stays marked.
        """
        cutoff = utcnow() - dt.timedelta(seconds=older_than_seconds)
        query = (
            sa.select(outbox.c.id, outbox.c.record)
            .where(outbox.c.published_at.is_(None), outbox.c.created_at <= cutoff)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        if job_id is not None:
            query = query.where(outbox.c.job_id == job_id)
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        sent = 0
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
            try:
                for outbox_id, record in rows:
                    send(json.loads(record))
                    conn.execute(outbox.update().where(outbox.c.id == outbox_id).values(published_at=utcnow()))
                    sent += 1
            except Exception:
                if not sent:
                    raise
        return sent

    def outbox_pending(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            ).scalar_one()

    def prune_outbox(self, older_than_seconds: float) -> int:
        """Deletes published records older than the given age."""
        cutoff = utcnow() - dt.timedelta(seconds=older_than_seconds)
        with self.engine.begin() as conn:
            return conn.execute(
                outbox.delete().where(outbox.c.published_at.is_not(None), outbox.c.published_at < cutoff)
            ).rowcount

    def stage_runs(self, job_id: str) -> list[StageRun]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(stage_runs).where(stage_runs.c.job_id == job_id).order_by(stage_runs.c.started_at)
            ).all()
        return [_stage_run(row) for row in rows]

    def stage_runs_of(self, job_ids: list[str]) -> dict[str, list[StageRun]]:
        """The stage runs of several jobs in one query, each job's in start order."""
        found: dict[str, list[StageRun]] = {job_id: [] for job_id in job_ids}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(stage_runs).where(stage_runs.c.job_id.in_(job_ids)).order_by(stage_runs.c.started_at)
            ).all()
        for row in rows:
            found[row.job_id].append(_stage_run(row))
        return found

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
        """Records one input of a join (idempotently) and returns every part seen so far.

        The job's row is locked first (PostgreSQL; SQLite has one writer at a time), so two replicas adding
        the two parts at once are serialised: the second always sees the first, under READ COMMITTED too.
        """
        with self.engine.begin() as conn:
            conn.execute(sa.select(jobs.c.job_id).where(jobs.c.job_id == job_id).with_for_update()).first()
            exists = conn.execute(
                sa.select(join_parts.c.part).where(join_parts.c.job_id == job_id, join_parts.c.part == part)
            ).first()
            if exists is None:
                conn.execute(join_parts.insert().values(job_id=job_id, part=part, payload=payload))
            rows = conn.execute(
                sa.select(join_parts.c.part, join_parts.c.payload).where(join_parts.c.job_id == job_id)
            ).all()
        return {name: payload for name, payload in rows}

    # reconciliation -------------------------------------------------------

    def stalled_jobs(self, stall_seconds: float, limit: int = 100) -> list[JobRecord]:
        """Unfinished jobs with no progress for `stall_seconds`: no state change, no heartbeat, no stage finished."""
        cutoff = utcnow() - dt.timedelta(seconds=stall_seconds)
        recent = (
            sa.select(stage_runs.c.job_id)
            .where(
                sa.or_(
                    stage_runs.c.started_at > cutoff,
                    stage_runs.c.finished_at > cutoff,
                    stage_runs.c.heartbeat_at > cutoff,
                )
            )
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(jobs)
                .where(jobs.c.state.not_in(TERMINAL), jobs.c.updated_at < cutoff, jobs.c.job_id.not_in(recent))
                .order_by(jobs.c.updated_at)
                .limit(limit)
            ).all()
        return [_job(row) for row in rows]

    def stages_active_since(self, seconds: float) -> set[str]:
        """Stages that started, heart-beat or finished any work in the last `seconds`."""
        cutoff = utcnow() - dt.timedelta(seconds=seconds)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(stage_runs.c.stage)
                .where(
                    sa.or_(
                        stage_runs.c.started_at > cutoff,
                        stage_runs.c.finished_at > cutoff,
                        stage_runs.c.heartbeat_at > cutoff,
                    )
                )
                .distinct()
            ).all()
        return {row.stage for row in rows}

    def redrive(self, job: JobRecord, records: list[dict[str, str]]) -> bool:
        """Queues `records` again for a stalled job and counts the re-drive, once per stall (False if raced).

        The count is of re-drives since the job's last finished stage (`finish_stage` resets it).
        """
        now = utcnow()
        with self.engine.begin() as conn:
            moved = conn.execute(
                jobs.update()
                .where(
                    jobs.c.job_id == job.job_id,
                    jobs.c.state.not_in(TERMINAL),
                    jobs.c.updated_at == job.updated_at,
                )
                .values(redrives=jobs.c.redrives + 1, updated_at=now)
            ).rowcount
            if moved != 1:
                return False
            _queue(conn, job.job_id, records, now)
        return True

    def reopen_for_replay(self, job_id: str, stage: str) -> JobRecord:
        """Re-opens a job that failed at `stage` so a replayed record runs it again: reserves its credits anew.

        The failed stage run is reset, so the replayed record is claimed as a fresh attempt.
        """
        now = utcnow()
        with self.engine.begin() as conn:
            job = conn.execute(sa.select(jobs).where(jobs.c.job_id == job_id).with_for_update()).first()
            if job is None:
                raise NotFound(f"job {job_id!r} does not exist")
            if job.state != "failed":
                if job.state not in TERMINAL:
                    return _job(job)  # still running: the replayed record is simply another delivery
                raise FailedPrecondition(f"job {job_id} is {job.state}; only failed jobs can be replayed")
            replay_round = (job.replays or 0) + 2
            debited = conn.execute(
                accounts.update()
                .where(accounts.c.account_id == job.account_id)
                .where(accounts.c.balance_credits >= job.credits_reserved)
                .values(balance_credits=accounts.c.balance_credits - job.credits_reserved)
            ).rowcount
            if debited != 1:
                raise ResourceExhausted(
                    f"replaying job {job_id} reserves {job.credits_reserved} credits again; the balance is too low"
                )
            conn.execute(
                credit_ledger.insert().values(
                    job_id=job_id,
                    kind=_kind("reserve", replay_round),
                    account_id=job.account_id,
                    credits=job.credits_reserved,
                    created_at=now,
                )
            )
            resumed = "queued" if stage in ("gateway", "prompt") else "parsing"
            conn.execute(
                jobs.update()
                .where(jobs.c.job_id == job_id)
                .values(
                    state=resumed,
                    replays=jobs.c.replays + 1,
                    redrives=0,
                    credits_refunded=0,
                    failure_stage=None,
                    failure_reason=None,
                    finished_at=None,
                    updated_at=now,
                )
            )
            conn.execute(
                stage_runs.update()
                .where(stage_runs.c.job_id == job_id, stage_runs.c.status.in_(("failed", "running")))
                .values(status="running", owner=None, lease_expires_at=None)
            )
            return _job(conn.execute(sa.select(jobs).where(jobs.c.job_id == job_id)).one())


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the stage processes read while one of them writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
