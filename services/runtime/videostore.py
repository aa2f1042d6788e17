"""What the Videos API and the draft rules keep beside the job rows: the `videos` table of the job store.

A job's Video is its job row plus, when there is one, its `videos` row (the model the client named, the video it
remixes or extends, and its draft state). Every finished job is a draft until it is saved, downloaded in full, or
purged once its time to live is over; purging deletes its artifacts and keeps both rows, with an audit entry.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from cinemesh.runtime.jobstore import JobRecord, JobStore, _aware, _job, audit_log, jobs, utcnow, videos

#: Who the audit log names for what the gateway does by itself (purging expired drafts).
SYSTEM_ACTOR = "system"
PURGE_ACTOR_KEY = "draft-purge"


@dataclass(frozen=True)
class VideoRow:
    """A job's `videos` row; `VideoRow(job_id)` with every field unset for a job that has none."""

    job_id: str
    model: str | None = None
    remixed_from: str | None = None
    reused: str | None = None
    extends: str | None = None
    base_seconds: float | None = None
    stitched_uri: str | None = None
    stitched_size_bytes: int | None = None
    saved_at: dt.datetime | None = None
    downloaded_at: dt.datetime | None = None
    purged_at: dt.datetime | None = None
    purged_bytes: int | None = None
    deleted_at: dt.datetime | None = None

    @property
    def kept(self) -> bool:
        """Saved, or downloaded in full: no longer a draft that expires."""
        return self.saved_at is not None or self.downloaded_at is not None


def _video(row: sa.Row | None, job_id: str) -> VideoRow:
    if row is None:
        return VideoRow(job_id)
    values = {column.name: row._mapping[column.name] for column in videos.columns}
    for key in ("saved_at", "downloaded_at", "purged_at", "deleted_at"):
        values[key] = _aware(values[key])
    return VideoRow(**values)


_VIDEO_COLUMNS = [column.label(f"v_{column.name}") for column in videos.columns]


class _RowView:
    """Values shaped as the `_job` and `_video` readers take a row."""

    def __init__(self, values: dict[str, object]) -> None:
        self._mapping = values


def _split(row: sa.Row) -> tuple[JobRecord, VideoRow]:
    """A joined (job, video) row: the job record and its video row (empty when the outer join found none)."""
    mapping = row._mapping
    job = _job(_RowView({column.name: mapping[column.name] for column in jobs.columns}))  # type: ignore[arg-type]
    if mapping["v_job_id"] is None:
        return job, VideoRow(job.job_id)
    values = {column.name: mapping[f"v_{column.name}"] for column in videos.columns}
    return job, _video(_RowView(values), job.job_id)  # type: ignore[arg-type]


class VideoStore:
    """Reads and writes of the `videos` table, on the job store's engine."""

    def __init__(self, store: JobStore) -> None:
        self._store = store
        self._engine = store.engine

    def _insert(self) -> sa.Insert:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(videos)

    def _ensure(self, conn: sa.Connection, job_id: str) -> None:
        """Creates the job's empty row if it has none (concurrent callers both succeed)."""
        conn.execute(self._insert().values(job_id=job_id).on_conflict_do_nothing(index_elements=["job_id"]))

    def register(
        self,
        job_id: str,
        model: str,
        remixed_from: str | None = None,
        extends: str | None = None,
        base_seconds: float | None = None,
        reused: str | None = None,
    ) -> None:
        """Records how a job was asked for through the Videos API (once; a repeated request keeps the first)."""
        with self._engine.begin() as conn:
            conn.execute(
                self._insert()
                .values(
                    job_id=job_id,
                    model=model,
                    remixed_from=remixed_from,
                    extends=extends,
                    base_seconds=base_seconds,
                    reused=reused,
                )
                .on_conflict_do_nothing(index_elements=["job_id"])
            )

    def video(self, job_id: str) -> VideoRow:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(videos).where(videos.c.job_id == job_id)).first()
        return _video(row, job_id)

    def page(
        self, account_id: str, after: str | None, limit: int, descending: bool
    ) -> tuple[list[tuple[JobRecord, VideoRow]], bool]:
        """One page of the account's videos (deleted ones left out) in creation order, and whether more follow.

        `after` is the id of the last video of the previous page; an id that is not one of the account's videos
        starts from the beginning of the order.
        """
        joined = jobs.outerjoin(videos, videos.c.job_id == jobs.c.job_id)
        query = (
            sa.select(*jobs.columns, *_VIDEO_COLUMNS)
            .select_from(joined)
            .where(jobs.c.account_id == account_id, videos.c.deleted_at.is_(None))
        )
        with self._engine.connect() as conn:
            if after:
                cursor = conn.execute(
                    sa.select(jobs.c.created_at).where(jobs.c.job_id == after, jobs.c.account_id == account_id)
                ).scalar()
                if cursor is not None:
                    if descending:
                        query = query.where(
                            sa.or_(
                                jobs.c.created_at < cursor,
                                sa.and_(jobs.c.created_at == cursor, jobs.c.job_id < after),
                            )
                        )
                    else:
                        query = query.where(
                            sa.or_(
                                jobs.c.created_at > cursor,
                                sa.and_(jobs.c.created_at == cursor, jobs.c.job_id > after),
                            )
                        )
            order = (
                (jobs.c.created_at.desc(), jobs.c.job_id.desc()) if descending else (jobs.c.created_at, jobs.c.job_id)
            )
            rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()
        return [_split(row) for row in rows[:limit]], len(rows) > limit

    def save(self, job_id: str) -> VideoRow:
        """Marks the video saved (kept past its draft TTL); saving again keeps the first time."""
        with self._engine.begin() as conn:
            self._ensure(conn, job_id)
            conn.execute(
                videos.update().where(videos.c.job_id == job_id, videos.c.saved_at.is_(None)).values(saved_at=utcnow())
            )
        return self.video(job_id)

    def downloaded(self, job_id: str) -> None:
        """The video was downloaded in full: it is kept like a saved one."""
        with self._engine.begin() as conn:
            self._ensure(conn, job_id)
            conn.execute(
                videos.update()
                .where(videos.c.job_id == job_id, videos.c.downloaded_at.is_(None))
                .values(downloaded_at=utcnow())
            )

    def delete(self, job_id: str) -> None:
        with self._engine.begin() as conn:
            self._ensure(conn, job_id)
            conn.execute(
                videos.update()
                .where(videos.c.job_id == job_id, videos.c.deleted_at.is_(None))
                .values(deleted_at=utcnow())
            )

    def set_stitched(self, job_id: str, uri: str, size_bytes: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                videos.update()
                .where(videos.c.job_id == job_id)
                .values(stitched_uri=uri, stitched_size_bytes=size_bytes)
            )

    def unstitched_extensions(self, limit: int = 20) -> list[tuple[JobRecord, VideoRow]]:
        """Completed extension jobs whose stitched whole is not made yet."""
        joined = jobs.join(videos, videos.c.job_id == jobs.c.job_id)
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(*jobs.columns, *_VIDEO_COLUMNS)
                .select_from(joined)
                .where(
                    jobs.c.state == "completed",
                    videos.c.extends.is_not(None),
                    videos.c.stitched_uri.is_(None),
                    videos.c.deleted_at.is_(None),
                )
                .order_by(jobs.c.finished_at)
                .limit(limit)
            ).all()
        return [_split(row) for row in rows]

    # drafts -----------------------------------------------------------------

    def _drafts(self) -> sa.Select:
        """Completed jobs that are still drafts: not saved, not downloaded in full, not purged, not deleted."""
        joined = jobs.outerjoin(videos, videos.c.job_id == jobs.c.job_id)
        return (
            sa.select(*jobs.columns)
            .select_from(joined)
            .where(
                jobs.c.state == "completed",
                videos.c.saved_at.is_(None),
                videos.c.downloaded_at.is_(None),
                videos.c.purged_at.is_(None),
                videos.c.deleted_at.is_(None),
            )
        )

    def expired_drafts(self, ttl_seconds: float, limit: int = 100) -> list[JobRecord]:
        """Drafts that completed more than `ttl_seconds` ago, oldest first."""
        cutoff = utcnow() - dt.timedelta(seconds=ttl_seconds)
        with self._engine.connect() as conn:
            rows = conn.execute(
                self._drafts().where(jobs.c.finished_at < cutoff).order_by(jobs.c.finished_at).limit(limit)
            ).all()
        return [_job(row) for row in rows]

    def live_drafts(self, ttl_seconds: float) -> int:
        """Drafts whose time to live is not over yet."""
        cutoff = utcnow() - dt.timedelta(seconds=ttl_seconds)
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(
                        self._drafts().where(jobs.c.finished_at >= cutoff).subquery()
                    )
                ).scalar_one()
            )

    def mark_purged(self, job: JobRecord, purged_bytes: int, ttl_seconds: float) -> bool:
        """Marks an expired draft purged and writes its audit entry, in one transaction; False if it was already
        purged, saved or downloaded in the meantime (then its artifacts must stay)."""
        now = utcnow()
        with self._engine.begin() as conn:
            self._ensure(conn, job.job_id)
            moved = conn.execute(
                videos.update()
                .where(
                    videos.c.job_id == job.job_id,
                    videos.c.purged_at.is_(None),
                    videos.c.saved_at.is_(None),
                    videos.c.downloaded_at.is_(None),
                )
                .values(purged_at=now, purged_bytes=purged_bytes)
            ).rowcount
            if moved != 1:
                return False
            conn.execute(
                audit_log.insert().values(
                    at=now,
                    actor_account_id=SYSTEM_ACTOR,
                    actor_key_id=PURGE_ACTOR_KEY,
                    action="draft.purge",
                    target=job.job_id,
                    detail=json.dumps(
                        {
                            "account_id": job.account_id,
                            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                            "ttl_seconds": ttl_seconds,
                            "purged_bytes": purged_bytes,
                        },
                        sort_keys=True,
                    ),
                )
            )
        return True
