"""Tables of webhooks: endpoints per account, one delivery row per (event, endpoint), and the scan cursor.

Its own metadata beside the job store's (same database, same engine); the gateway creates it at start-up.
Events are found by scanning jobs that reached a terminal state (`jobs.finished_at`), so every path that ends
a job — the outcome consumer, a cancel, the reconciler, a revoked cameo — emits them, and the job path itself
never waits on a webhook. A delivery's primary key (event id, endpoint id) makes the scan idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from cinemesh.runtime.errors import NotFound
from cinemesh.runtime.jobstore import TERMINAL, JobStore, jobs, utcnow

metadata = sa.MetaData()

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    sa.Column("endpoint_id", sa.String(40), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("event_types", sa.String(200), nullable=False),  # space-separated
    # The signing secret is never stored: it is derived from the server pepper, the endpoint id and this random
    # nonce (`webhooks.endpoint_secret`), so a copy of the database cannot forge deliveries. The hint is its end.
    sa.Column("secret_nonce", sa.String(32), nullable=False),
    sa.Column("secret_hint", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # Deleted endpoints stay (soft delete) so that their delivery log can still be read.
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    # The event's id is the Standard Webhooks `webhook-id`: the same on every retry, so receivers can dedupe.
    sa.Column("event_id", sa.String(40), primary_key=True),
    sa.Column("endpoint_id", sa.String(40), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("job_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # the exact JSON body that is signed and sent
    sa.Column("status", sa.String(16), nullable=False),  # pending | delivered | failed | abandoned
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_webhook_deliveries_endpoint", "endpoint_id", "created_at"),
    sa.Index("ix_webhook_deliveries_job", "job_id"),
)

# How far the event scan has read `jobs.finished_at` (one row).
webhook_cursor = sa.Table(
    "webhook_cursor",
    metadata,
    sa.Column("name", sa.String(16), primary_key=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
)


#: The index the event scan reads `jobs` through (created here, on the job store's table, if missing).
JOBS_FINISHED_AT = sa.Index("ix_jobs_finished_at", jobs.c.finished_at)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    account_id: str
    name: str
    url: str
    event_types: tuple[str, ...]
    secret_nonce: str
    secret_hint: str
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


@dataclass(frozen=True)
class Delivery:
    event_id: str
    endpoint_id: str
    account_id: str
    job_id: str
    event_type: str
    payload: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None


@dataclass(frozen=True)
class FinishedJob:
    """A job that reached a terminal state, as the event scan sees it."""

    job_id: str
    account_id: str
    state: str
    replays: int
    finished_at: dt.datetime
    failure_reason: str | None


def _endpoint(row: sa.Row) -> Endpoint:
    values = dict(row._mapping)
    values["event_types"] = tuple(values["event_types"].split())
    for key in ("created_at", "updated_at", "deleted_at"):
        values[key] = _aware(values[key])
    return Endpoint(**values)


def _delivery(row: sa.Row) -> Delivery:
    values = dict(row._mapping)
    for key in ("next_attempt_at", "last_attempt_at", "created_at", "delivered_at"):
        values[key] = _aware(values[key])
    return Delivery(**values)


class WebhookStore:
    """Reads and writes of webhook endpoints and deliveries, on the job store's engine."""

    def __init__(self, store: JobStore) -> None:
        self.engine = store.engine

    def create_schema(self) -> None:
        metadata.create_all(self.engine)
        # The event scan reads jobs by when they ended; an index keeps each round's query off a full table scan.
        JOBS_FINISHED_AT.create(self.engine, checkfirst=True)

    # endpoints ----------------------------------------------------------

    def add_endpoint(self, endpoint: Endpoint) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                webhook_endpoints.insert().values(
                    endpoint_id=endpoint.endpoint_id,
                    account_id=endpoint.account_id,
                    name=endpoint.name,
                    url=endpoint.url,
                    event_types=" ".join(endpoint.event_types),
                    secret_nonce=endpoint.secret_nonce,
                    secret_hint=endpoint.secret_hint,
                    created_at=endpoint.created_at,
                    updated_at=endpoint.updated_at,
                )
            )

    def endpoint(self, account_id: str, endpoint_id: str, *, include_deleted: bool = False) -> Endpoint:
        """The account's endpoint; NOT_FOUND for another account's, an unknown one or (unless asked) a deleted one."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(webhook_endpoints).where(
                    webhook_endpoints.c.endpoint_id == endpoint_id, webhook_endpoints.c.account_id == account_id
                )
            ).first()
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise NotFound(f"webhook endpoint {endpoint_id!r} does not exist")
        return _endpoint(row)

    def endpoints_of(self, account_id: str) -> list[Endpoint]:
        """The account's live endpoints, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(webhook_endpoints)
                .where(webhook_endpoints.c.account_id == account_id, webhook_endpoints.c.deleted_at.is_(None))
                .order_by(webhook_endpoints.c.created_at.desc(), webhook_endpoints.c.endpoint_id.desc())
            ).all()
        return [_endpoint(row) for row in rows]

    def delete_endpoint(self, account_id: str, endpoint_id: str) -> None:
        """Deletes the endpoint (its log stays readable); its pending deliveries are abandoned."""
        now = utcnow()
        with self.engine.begin() as conn:
            moved = conn.execute(
                webhook_endpoints.update()
                .where(
                    webhook_endpoints.c.endpoint_id == endpoint_id,
                    webhook_endpoints.c.account_id == account_id,
                    webhook_endpoints.c.deleted_at.is_(None),
                )
                .values(deleted_at=now, updated_at=now)
            ).rowcount
            if moved != 1:
                raise NotFound(f"webhook endpoint {endpoint_id!r} does not exist")
            conn.execute(
                webhook_deliveries.update()
                .where(webhook_deliveries.c.endpoint_id == endpoint_id, webhook_deliveries.c.status == "pending")
                .values(status="abandoned", next_attempt_at=None, last_error="the endpoint was deleted")
            )

    # events -------------------------------------------------------------

    def cursor(self) -> dt.datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(webhook_cursor.c.finished_at).where(webhook_cursor.c.name == "jobs")
            ).scalar()
        return _aware(value)

    def finished_after(self, cursor: dt.datetime, limit: int = 500) -> list[FinishedJob]:
        """Terminal jobs that ended after `cursor`, of accounts with a live endpoint, oldest first."""
        return self._finished(jobs.c.finished_at > cursor, limit)

    def finished_unannounced(self, start: dt.datetime, end: dt.datetime, limit: int = 500) -> list[FinishedJob]:
        """Terminal jobs that ended in [start, end] and have no delivery yet (an end that committed after a later
        one's, behind the cursor), of accounts with a live endpoint, oldest first."""
        announced = sa.exists().where(webhook_deliveries.c.job_id == jobs.c.job_id)
        return self._finished(sa.and_(jobs.c.finished_at >= start, jobs.c.finished_at <= end, ~announced), limit)

    def _finished(self, condition: sa.ColumnElement[bool], limit: int) -> list[FinishedJob]:
        with_endpoint = sa.select(webhook_endpoints.c.account_id).where(webhook_endpoints.c.deleted_at.is_(None))
        query = (
            sa.select(
                jobs.c.job_id,
                jobs.c.account_id,
                jobs.c.state,
                jobs.c.replays,
                jobs.c.finished_at,
                jobs.c.failure_reason,
            )
            .where(jobs.c.state.in_(TERMINAL), jobs.c.finished_at.is_not(None), condition)
            .where(jobs.c.account_id.in_(with_endpoint.scalar_subquery()))
            .order_by(jobs.c.finished_at, jobs.c.job_id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            FinishedJob(
                row.job_id, row.account_id, row.state, row.replays or 0, _aware(row.finished_at), row.failure_reason
            )  # type: ignore[arg-type]
            for row in rows
        ]

    def live_endpoints_of(self, account_ids: set[str]) -> dict[str, list[Endpoint]]:
        """The live endpoints of several accounts in one query, by account."""
        found: dict[str, list[Endpoint]] = {account_id: [] for account_id in account_ids}
        if not account_ids:
            return found
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(webhook_endpoints).where(
                    webhook_endpoints.c.account_id.in_(sorted(account_ids)), webhook_endpoints.c.deleted_at.is_(None)
                )
            ).all()
        for row in rows:
            found[row.account_id].append(_endpoint(row))
        return found

    def enqueue(self, deliveries: list[Delivery], cursor: dt.datetime | None) -> int:
        """Adds the deliveries that are not there yet and moves the cursor, in one transaction; how many were new."""
        insert = (postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert)(webhook_deliveries)
        added = 0
        with self.engine.begin() as conn:
            for delivery in deliveries:
                added += conn.execute(
                    insert.values(**delivery.__dict__).on_conflict_do_nothing(
                        index_elements=["event_id", "endpoint_id"]
                    )
                ).rowcount
            if cursor is not None:
                moved = conn.execute(
                    webhook_cursor.update().where(webhook_cursor.c.name == "jobs").values(finished_at=cursor)
                ).rowcount
                if moved == 0:
                    conn.execute(webhook_cursor.insert().values(name="jobs", finished_at=cursor))
        return added

    # deliveries ---------------------------------------------------------

    def due(self, now: dt.datetime, limit: int = 50) -> list[tuple[Delivery, Endpoint | None]]:
        """Pending deliveries whose time has come, oldest first, each with its endpoint (None if deleted)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(webhook_deliveries)
                .where(webhook_deliveries.c.status == "pending", webhook_deliveries.c.next_attempt_at <= now)
                .order_by(webhook_deliveries.c.next_attempt_at)
                .limit(limit)
            ).all()
            ids = {row.endpoint_id for row in rows}
            endpoints = {
                row.endpoint_id: _endpoint(row)
                for row in conn.execute(
                    sa.select(webhook_endpoints).where(
                        webhook_endpoints.c.endpoint_id.in_(ids), webhook_endpoints.c.deleted_at.is_(None)
                    )
                ).all()
            }
        return [(_delivery(row), endpoints.get(row.endpoint_id)) for row in rows]

    def record_attempt(
        self,
        delivery: Delivery,
        *,
        status: str,
        at: dt.datetime,
        next_attempt_at: dt.datetime | None,
        status_code: int | None,
        error: str | None,
    ) -> None:
        """Stores one attempt's outcome (only over the attempt it followed, so a raced duplicate changes nothing)."""
        with self.engine.begin() as conn:
            conn.execute(
                webhook_deliveries.update()
                .where(
                    webhook_deliveries.c.event_id == delivery.event_id,
                    webhook_deliveries.c.endpoint_id == delivery.endpoint_id,
                    webhook_deliveries.c.attempts == delivery.attempts,
                    webhook_deliveries.c.status == "pending",
                )
                .values(
                    status=status,
                    attempts=delivery.attempts + (0 if status == "abandoned" else 1),
                    last_attempt_at=at,
                    next_attempt_at=next_attempt_at,
                    last_status_code=status_code,
                    last_error=error,
                    delivered_at=at if status == "delivered" else None,
                )
            )

    def deliveries_of(self, endpoint_id: str, limit: int = 100) -> list[Delivery]:
        """The endpoint's delivery log, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(webhook_deliveries)
                .where(webhook_deliveries.c.endpoint_id == endpoint_id)
                .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.event_id)
                .limit(limit)
            ).all()
        return [_delivery(row) for row in rows]

    def prune(self, older_than: dt.datetime) -> int:
        """Deletes settled deliveries (delivered, failed, abandoned) created before `older_than`."""
        with self.engine.begin() as conn:
            return conn.execute(
                webhook_deliveries.delete().where(
                    webhook_deliveries.c.status != "pending", webhook_deliveries.c.created_at < older_than
                )
            ).rowcount

    def pending_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count())
                .select_from(webhook_deliveries)
                .where(webhook_deliveries.c.status == "pending")
            ).scalar_one()
