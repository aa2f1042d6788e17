"""Cameos: enrollment bookkeeping, consent, revocation, uses, and `@mention` resolution.

A cameo exists only after a live recording passed verification for a one-time
challenge bound to its owner. Its vectors (face embedding, appearance, voice)
are sealed at rest and readable by the owner only; jobs receive the appearance
and voice, never the embedding. Consent is checked for every mention, before
anything renders; revocation deletes the vectors and fails the jobs using it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.exc import IntegrityError

from cinemesh.identity.vault import Vault
from cinemesh.runtime import metrics
from cinemesh.runtime.errors import (
    AlreadyExists,
    CinemeshError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    RateLimited,
)
from cinemesh.runtime.ids import checked_uuid
from cinemesh.runtime.jobstore import TERMINAL, JobStore, utcnow
from cinemesh.runtime.ratelimit import RateLimiter
from cinemesh.v1 import common_pb2, identity_pb2

HANDLE = re.compile(r"[a-z0-9_]{3,30}")
SELF = "self"

MOVES = {
    "left": identity_pb2.HEAD_MOVE_LEFT,
    "right": identity_pb2.HEAD_MOVE_RIGHT,
    "up": identity_pb2.HEAD_MOVE_UP,
    "down": identity_pb2.HEAD_MOVE_DOWN,
}
AUDIENCES = {
    identity_pb2.CAMEO_AUDIENCE_ONLY_ME: "only_me",
    identity_pb2.CAMEO_AUDIENCE_APPROVED: "approved",
    identity_pb2.CAMEO_AUDIENCE_EVERYONE: "everyone",
}
_AUDIENCE_ENUM = {name: value for value, name in AUDIENCES.items()}

metadata = sa.MetaData()

challenges = sa.Table(
    "cameo_challenges",
    metadata,
    sa.Column("challenge_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("handle", sa.String(32), nullable=False),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("moves", sa.String(64), nullable=False),  # comma-separated, in order
    sa.Column("phrase", sa.String(256), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("used_at", sa.DateTime(timezone=True)),
)

cameos = sa.Table(
    "cameos",
    metadata,
    sa.Column("cameo_id", sa.String(64), primary_key=True),
    # A handle belongs to its first owner; re-enrolling after a revocation reuses the row.
    sa.Column("handle", sa.String(32), nullable=False, unique=True),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("owner_account_id", sa.String(64), nullable=False),
    sa.Column("audience", sa.String(16), nullable=False),
    # AES-GCM sealed identity_pb2.Cameo (vectors + enrollment report); NULL once revoked.
    sa.Column("sealed_vectors", sa.LargeBinary),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

approvals = sa.Table(
    "cameo_approvals",
    metadata,
    sa.Column("cameo_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), primary_key=True),
)

uses = sa.Table(
    "cameo_uses",
    metadata,
    sa.Column("cameo_id", sa.String(64), primary_key=True),
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
)

# Every recording that enrolled a cameo, by content hash: the same bytes never enroll twice.
recordings = sa.Table(
    "cameo_recordings",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
)


class Likeness(Protocol):
    """What verification of a reference recording yields."""

    face_embedding: Sequence[float]
    appearance: common_pb2.CameoAppearance
    voice: common_pb2.VoiceProfile
    report: identity_pb2.EnrollmentReport


class Enroller(Protocol):
    """Issues live challenges and verifies recordings against them (cinemesh.identity.enrollment)."""

    def new_challenge(self) -> tuple[Sequence[str], str]:
        """(moves, phrase) of a fresh challenge; moves are "left", "right", "up", "down"."""
        ...

    def verify(self, recording: bytes, moves: Sequence[str], phrase: str) -> Likeness:
        """The likeness of a recording that performs the challenge; raises InvalidArgument otherwise."""
        ...

    def check_upload(self, recording: bytes) -> None:
        """Cheap checks of an upload made before its challenge is spent (its size); raises a CinemeshError."""
        ...


class ChallengeLimit:
    """Enrollment challenges per account: `per_hour` on average, at most `burst` at once (a token bucket).

    Each challenge costs a row and an attempt at live verification, the most expensive work of the service.
    The buckets live in the process, like the API keys' (cinemesh.runtime.ratelimit).
    """

    def __init__(self, per_hour: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_hour = per_hour
        self._burst = burst
        self._limiter = RateLimiter(per_hour / 3600.0, burst, clock)

    def take(self, account_id: str) -> None:
        """Takes one challenge from the account's bucket, or raises RateLimited saying when to ask again."""
        wait = self._limiter.take(account_id)
        if wait > 0:
            metrics.ENROLLMENT_CHALLENGES.labels("rate_limited").inc()
            raise RateLimited(
                f"this account asks for enrollment challenges too often: {self._per_hour:g} an hour are issued "
                f"(at most {self._burst} at once); use the challenge you have, or ask again in {wait:.0f} s",
                wait,
            )


@dataclass(frozen=True)
class Revocation:
    cameo_id: str
    handle: str
    #: Jobs that used the cameo and had not finished.
    unfinished_job_ids: list[str]


def _timestamp(value: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    return stamp


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class CameoRegistry:
    """All reads and writes of cameos; tables live beside the job store's, in the same database."""

    def __init__(
        self,
        store: JobStore,
        vault: Vault,
        enroller: Enroller,
        challenge_seconds: float,
        challenge_limit: ChallengeLimit | None = None,
    ) -> None:
        self._store = store
        self._engine = store.engine
        self._vault = vault
        self._enroller = enroller
        self._challenge_seconds = challenge_seconds
        self._challenge_limit = challenge_limit

    def create_schema(self) -> None:
        metadata.create_all(self._engine)

    # enrollment ---------------------------------------------------------

    def start_enrollment(self, account_id: str, handle: str, display_name: str) -> identity_pb2.EnrollmentChallenge:
        handle = _valid_handle(handle)
        display_name = display_name.strip() or handle
        if len(display_name) > 128:
            raise InvalidArgument("display_name", f"is {len(display_name)} characters; at most 128")
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(cameos).where(cameos.c.handle == handle)).first()
        if row is not None and row.owner_account_id != account_id:
            raise AlreadyExists(f"handle @{handle} belongs to another account; choose another handle")
        if row is not None and row.revoked_at is None:
            raise AlreadyExists(f"@{handle} is already enrolled; revoke it first to enroll it again")
        if self._challenge_limit is not None:
            self._challenge_limit.take(account_id)
        self.purge_expired_challenges()
        moves, phrase = self._enroller.new_challenge()
        challenge_id = str(uuid.uuid4())
        expires_at = utcnow() + dt.timedelta(seconds=self._challenge_seconds)
        with self._engine.begin() as conn:
            conn.execute(
                challenges.insert().values(
                    challenge_id=challenge_id,
                    account_id=account_id,
                    handle=handle,
                    display_name=display_name,
                    moves=",".join(moves),
                    phrase=phrase,
                    expires_at=expires_at,
                )
            )
        metrics.ENROLLMENT_CHALLENGES.labels("issued").inc()
        return identity_pb2.EnrollmentChallenge(
            challenge_id=challenge_id,
            moves=[MOVES[m] for m in moves],
            phrase=phrase,
            expires_at=_timestamp(expires_at),
        )

    def purge_expired_challenges(self) -> int:
        """Deletes challenges that expired more than one challenge lifetime ago (used or not); how many.

        The lifetime's grace keeps an expired challenge long enough to tell a late upload "expired" rather than
        "not issued to you"; past it, no attempt can use the row and it goes.
        """
        cutoff = utcnow() - dt.timedelta(seconds=self._challenge_seconds)
        with self._engine.begin() as conn:
            purged = conn.execute(challenges.delete().where(challenges.c.expires_at < cutoff)).rowcount
        if purged:
            metrics.ENROLLMENT_CHALLENGES_PURGED.inc(purged)
        return purged

    def complete_enrollment(self, account_id: str, challenge_id: str, recording: bytes) -> identity_pb2.Cameo:
        if not recording:
            raise InvalidArgument("recording", "is empty; upload the 10–20 s MP4 or WebM you recorded")
        # Before the challenge is claimed: an upload over the size cap can be exported smaller and sent again.
        try:
            self._enroller.check_upload(recording)
        except CinemeshError as exc:
            metrics.CAMEO_ENROLLMENTS.labels(getattr(exc, "reason", "rejected")).inc()
            raise
        challenge = self._claim_challenge(account_id, challenge_id)
        digest = hashlib.sha256(recording).hexdigest()
        with self._engine.connect() as conn:
            if conn.execute(sa.select(recordings.c.sha256).where(recordings.c.sha256 == digest)).first():
                metrics.CAMEO_ENROLLMENTS.labels("replayed_recording").inc()
                raise InvalidArgument(
                    "recording", "was already used for an enrollment; record a new one live for this challenge"
                )
        try:
            likeness = self._enroller.verify(recording, challenge.moves.split(","), challenge.phrase)
        except InvalidArgument as exc:
            metrics.CAMEO_ENROLLMENTS.labels(getattr(exc, "reason", "rejected")).inc()
            raise
        cameo_id = self._store_cameo(account_id, challenge, likeness, digest)
        metrics.CAMEO_ENROLLMENTS.labels("enrolled").inc()
        return self.get_cameo(account_id, cameo_id)

    def _claim_challenge(self, account_id: str, challenge_id: str) -> sa.Row:
        now = utcnow()
        with self._engine.begin() as conn:
            query = sa.select(challenges).where(challenges.c.challenge_id == checked_uuid("challenge_id", challenge_id))
            row = conn.execute(query).first()
            if row is None or row.account_id != account_id:
                raise NotFound(f"challenge {challenge_id!r} was not issued to you; call StartEnrollment")
            if row.used_at is not None:
                raise FailedPrecondition("this challenge was already used; call StartEnrollment for a new one")
            if _aware(row.expires_at) < now:
                raise FailedPrecondition(
                    f"this challenge expired at {_aware(row.expires_at):%H:%M:%S} UTC; call StartEnrollment "
                    "and record within its time limit"
                )
            # Single use, whatever the verdict: a rejected attempt needs a fresh challenge.
            claimed = conn.execute(
                challenges.update()
                .where(challenges.c.challenge_id == challenge_id, challenges.c.used_at.is_(None))
                .values(used_at=now)
            ).rowcount
            if claimed != 1:
                raise FailedPrecondition("this challenge was already used; call StartEnrollment for a new one")
        return row

    def _store_cameo(self, account_id: str, challenge: sa.Row, likeness: Likeness, digest: str) -> str:
        now = utcnow()
        vectors = identity_pb2.Cameo(
            face_embedding=[float(x) for x in likeness.face_embedding],
            appearance=likeness.appearance,
            voice=likeness.voice,
            enrollment=likeness.report,
        )
        with self._engine.begin() as conn:
            try:
                conn.execute(recordings.insert().values(sha256=digest, account_id=account_id, used_at=now))
            except IntegrityError:
                raise InvalidArgument("recording", "was already used for an enrollment; record a new one") from None
            row = conn.execute(sa.select(cameos).where(cameos.c.handle == challenge.handle)).first()
            if row is not None and (row.owner_account_id != account_id or row.revoked_at is None):
                raise AlreadyExists(f"@{challenge.handle} was enrolled meanwhile; choose another handle")
            cameo_id = row.cameo_id if row is not None else str(uuid.uuid4())
            values = dict(
                display_name=challenge.display_name,
                owner_account_id=account_id,
                audience="only_me",
                sealed_vectors=self._vault.seal(vectors.SerializeToString(), cameo_id),
                created_at=now,
                revoked_at=None,
            )
            if row is None:
                conn.execute(cameos.insert().values(cameo_id=cameo_id, handle=challenge.handle, **values))
            else:
                conn.execute(cameos.update().where(cameos.c.cameo_id == cameo_id).values(**values))
        return cameo_id

    # owner's reads and controls -----------------------------------------

    def _owned(self, conn: sa.Connection, account_id: str, cameo_id: str, *, lock: bool = False) -> sa.Row:
        query = sa.select(cameos).where(cameos.c.cameo_id == checked_uuid("cameo_id", cameo_id))
        row = conn.execute(query.with_for_update() if lock else query).first()
        # Another account's cameo is answered as a missing one: a caller learns nothing of ids it does not own.
        if row is None or row.owner_account_id != account_id:
            raise NotFound(f"cameo {cameo_id!r} does not exist among your cameos")
        return row

    def get_cameo(self, account_id: str, cameo_id: str) -> identity_pb2.Cameo:
        with self._engine.connect() as conn:
            row = self._owned(conn, account_id, cameo_id)
            approved = self._approved(conn, cameo_id)
        cameo = self._public(row, approved)
        if row.sealed_vectors is not None:
            cameo.MergeFrom(self._vectors(row))
        return cameo

    def set_consent(
        self, account_id: str, cameo_id: str, audience: int, approved_account_ids: Sequence[str]
    ) -> identity_pb2.Cameo:
        if audience not in AUDIENCES:
            raise InvalidArgument("audience", "choose CAMEO_AUDIENCE_ONLY_ME, _APPROVED or _EVERYONE")
        approved = sorted(set(approved_account_ids) - {account_id})
        for other in approved:
            self._store.get_account(other)  # NotFound names the unknown account
        with self._engine.begin() as conn:
            row = self._owned(conn, account_id, cameo_id, lock=True)
            if row.revoked_at is not None:
                raise FailedPrecondition(f"@{row.handle} was revoked; enroll it again before sharing it")
            conn.execute(cameos.update().where(cameos.c.cameo_id == cameo_id).values(audience=AUDIENCES[audience]))
            conn.execute(approvals.delete().where(approvals.c.cameo_id == cameo_id))
            if approved:
                conn.execute(approvals.insert(), [{"cameo_id": cameo_id, "account_id": a} for a in approved])
        return self.get_cameo(account_id, cameo_id)

    def revoke(self, account_id: str, cameo_id: str) -> Revocation:
        with self._engine.begin() as conn:
            row = self._owned(conn, account_id, cameo_id, lock=True)
            conn.execute(
                cameos.update()
                .where(cameos.c.cameo_id == cameo_id)
                .values(sealed_vectors=None, revoked_at=row.revoked_at or utcnow(), audience="only_me")
            )
            conn.execute(approvals.delete().where(approvals.c.cameo_id == cameo_id))
            job_ids = conn.execute(sa.select(uses.c.job_id).where(uses.c.cameo_id == cameo_id)).scalars().all()
        unfinished = [j for j in job_ids if self._store.job_state(j) not in (*TERMINAL, None)]
        return Revocation(cameo_id, row.handle, unfinished)

    def list_uses(self, account_id: str, cameo_id: str) -> list[identity_pb2.CameoUse]:
        with self._engine.connect() as conn:
            self._owned(conn, account_id, cameo_id)
            rows = conn.execute(sa.select(uses).where(uses.c.cameo_id == cameo_id).order_by(uses.c.used_at)).all()
        return [
            identity_pb2.CameoUse(job_id=r.job_id, account_id=r.account_id, used_at=_timestamp(r.used_at)) for r in rows
        ]

    # resolution ---------------------------------------------------------

    def resolve(self, account_id: str, mentions: Sequence[str], job_id: str) -> list[common_pb2.CastMember]:
        """Cast members for mentions, each consented; records the use by `job_id` (if any). Raises before rendering."""
        cast = []
        for written in mentions:
            handle = written.lower()
            with self._engine.begin() as conn:
                row = self._mentioned(conn, account_id, written)
                if job_id:
                    exists = sa.select(uses.c.job_id).where(uses.c.cameo_id == row.cameo_id, uses.c.job_id == job_id)
                    if conn.execute(exists).first() is None:  # a redelivered plan records its use once
                        conn.execute(
                            uses.insert().values(
                                cameo_id=row.cameo_id, job_id=job_id, account_id=account_id, used_at=utcnow()
                            )
                        )
            vectors = self._vectors(row)
            metrics.CAMEO_MENTIONS.labels("cast").inc()
            cast.append(
                common_pb2.CastMember(
                    handle="Self" if handle == SELF else written,
                    cameo_id=row.cameo_id,
                    display_name=row.display_name,
                    appearance=vectors.appearance,
                    voice=vectors.voice,
                )
            )
        return cast

    def _mentioned(self, conn: sa.Connection, account_id: str, written: str) -> sa.Row:
        handle = written.lower()
        if handle == SELF:  # the requester's newest active cameo
            query = (
                sa.select(cameos)
                .where(cameos.c.owner_account_id == account_id, cameos.c.revoked_at.is_(None))
                .order_by(cameos.c.created_at.desc())
            )
        else:
            query = sa.select(cameos).where(cameos.c.handle == handle)
        row = conn.execute(query.with_for_update()).first()
        if row is None:
            metrics.CAMEO_MENTIONS.labels("not_found").inc()
            who = "your own cameo" if handle == SELF else f"a cameo for @{handle}"
            raise NotFound(f"@{written}: there is no cameo to cast; enroll {who} or remove the mention")
        if row.revoked_at is not None:
            metrics.CAMEO_MENTIONS.labels("revoked").inc()
            raise FailedPrecondition(f"@{written}: its owner revoked this cameo; remove the mention")
        if not self._may_mention(conn, row, account_id):
            metrics.CAMEO_MENTIONS.labels("no_consent").inc()
            raise FailedPrecondition(
                f"@{written}: its owner has not consented to mentions by your account; ask them to approve you"
            )
        return row

    @staticmethod
    def _may_mention(conn: sa.Connection, row: sa.Row, account_id: str) -> bool:
        if row.owner_account_id == account_id or row.audience == "everyone":
            return True
        if row.audience != "approved":
            return False
        query = sa.select(approvals.c.account_id).where(
            approvals.c.cameo_id == row.cameo_id, approvals.c.account_id == account_id
        )
        return conn.execute(query).first() is not None

    # mapping ------------------------------------------------------------

    @staticmethod
    def _approved(conn: sa.Connection, cameo_id: str) -> list[str]:
        query = (
            sa.select(approvals.c.account_id).where(approvals.c.cameo_id == cameo_id).order_by(approvals.c.account_id)
        )
        return list(conn.execute(query).scalars())

    @staticmethod
    def _public(row: sa.Row, approved: list[str]) -> identity_pb2.Cameo:
        return identity_pb2.Cameo(
            cameo_id=row.cameo_id,
            handle=row.handle,
            display_name=row.display_name,
            owner_account_id=row.owner_account_id,
            audience=_AUDIENCE_ENUM[row.audience],
            approved_account_ids=approved,
            created_at=_timestamp(row.created_at),
        )

    def _vectors(self, row: sa.Row) -> identity_pb2.Cameo:
        return identity_pb2.Cameo.FromString(self._vault.open(row.sealed_vectors, row.cameo_id))


def _valid_handle(handle: str) -> str:
    handle = handle.strip().removeprefix("@").lower()
    if not HANDLE.fullmatch(handle):
        raise InvalidArgument("handle", f"{handle!r} must be 3–30 characters of a–z, 0–9 and _")
    if handle == SELF:
        raise InvalidArgument("handle", "'self' is reserved: it means the requester's own cameo")
    return handle
