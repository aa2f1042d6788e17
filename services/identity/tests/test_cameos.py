"""CameoRegistry: challenges are single-use and bound, consent is enforced per mention, revocation deletes vectors.

Verification itself is isolated here (a scripted enroller); the enrollment
tests and the mesh test run the real one.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from support import job_store

from cinemesh.identity.cameos import CameoRegistry, ChallengeLimit, cameos, challenges
from cinemesh.identity.server import ChallengeJanitor
from cinemesh.identity.vault import Vault, VaultError
from cinemesh.runtime.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    RateLimited,
    ResourceExhausted,
)
from cinemesh.runtime.jobstore import JobStore
from cinemesh.v1 import common_pb2, identity_pb2

OWNER, FRIEND, STRANGER = "owner", "friend", "stranger"
MAX_UPLOAD_BYTES = 1000
EMBEDDING = [0.123456789 * (k + 1) for k in range(128)]


@dataclass
class Verified:
    face_embedding: Sequence[float] = field(default_factory=lambda: list(EMBEDDING))
    appearance: common_pb2.CameoAppearance = field(
        default_factory=lambda: common_pb2.CameoAppearance(skin=common_pb2.Rgb(r=200, g=160, b=140), face_aspect=1.1)
    )
    voice: common_pb2.VoiceProfile = field(default_factory=lambda: common_pb2.VoiceProfile(median_f0_hz=180.0))
    report: identity_pb2.EnrollmentReport = field(
        default_factory=lambda: identity_pb2.EnrollmentReport(frames_checked=90)
    )


class ScriptedEnroller:
    """Issues a fixed challenge; accepts a recording whose bytes name the challenge's phrase."""

    def __init__(self) -> None:
        self.verified: list[bytes] = []

    def new_challenge(self) -> tuple[Sequence[str], str]:
        return ["left", "up", "right"], "apple river seven green"

    def check_upload(self, recording: bytes) -> None:
        if len(recording) > MAX_UPLOAD_BYTES:
            raise ResourceExhausted(f"recording: over {MAX_UPLOAD_BYTES} bytes")

    def verify(self, recording: bytes, moves: Sequence[str], phrase: str) -> Verified:
        if phrase.encode() not in recording:
            raise InvalidArgument("recording", "the spoken phrase does not match the challenge")
        self.verified.append(recording)
        return Verified()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        for account in (OWNER, FRIEND, STRANGER):
            created.upsert_account(account, "pro", 1000)
        yield created


@pytest.fixture
def key() -> bytes:
    return b"k" * 32


@pytest.fixture
def registry(store: JobStore, key: bytes) -> CameoRegistry:
    cameo_registry = CameoRegistry(store, Vault(key), ScriptedEnroller(), challenge_seconds=300)
    cameo_registry.create_schema()
    return cameo_registry


def enroll(registry: CameoRegistry, account: str = OWNER, handle: str = "astro") -> identity_pb2.Cameo:
    challenge = registry.start_enrollment(account, handle, "Astro Naut")
    return registry.complete_enrollment(
        account, challenge.challenge_id, f"mp4 {challenge.phrase} {challenge.challenge_id}".encode()
    )


def test_enrollment_stores_owner_readable_vectors_sealed_at_rest(registry: CameoRegistry, store: JobStore) -> None:
    cameo = enroll(registry)
    assert cameo.handle == "astro" and cameo.audience == identity_pb2.CAMEO_AUDIENCE_ONLY_ME
    assert list(cameo.face_embedding) == pytest.approx(EMBEDDING)
    assert cameo.voice.median_f0_hz == 180.0 and cameo.enrollment.frames_checked == 90
    with store.engine.connect() as conn:
        sealed = conn.execute(sa.select(cameos.c.sealed_vectors)).scalar()
    plain = identity_pb2.Cameo(face_embedding=EMBEDDING).SerializeToString()
    assert plain[4:40] not in sealed  # no run of the embedding's bytes is stored in the clear
    with pytest.raises(VaultError):
        Vault(b"x" * 32).open(sealed, cameo.cameo_id)
    with pytest.raises(VaultError):  # bound to its cameo: a copied row does not open elsewhere
        Vault(b"k" * 32).open(sealed, "another-cameo")


def test_challenge_is_single_use_bound_to_its_account_and_expires(registry: CameoRegistry, store: JobStore) -> None:
    challenge = registry.start_enrollment(OWNER, "astro", "")
    assert [identity_pb2.HeadMove.Name(m) for m in challenge.moves] == [
        "HEAD_MOVE_LEFT",
        "HEAD_MOVE_UP",
        "HEAD_MOVE_RIGHT",
    ]
    recording = f"take {challenge.phrase}".encode()
    with pytest.raises(NotFound, match="was not issued to you"):
        registry.complete_enrollment(STRANGER, challenge.challenge_id, recording)
    with pytest.raises(InvalidArgument, match="phrase"):
        registry.complete_enrollment(OWNER, challenge.challenge_id, b"a recording of something else")
    with pytest.raises(FailedPrecondition, match="already used"):  # a rejected attempt consumed it
        registry.complete_enrollment(OWNER, challenge.challenge_id, recording)

    late = registry.start_enrollment(OWNER, "astro", "")
    with store.engine.begin() as conn:
        conn.execute(
            challenges.update()
            .where(challenges.c.challenge_id == late.challenge_id)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    with pytest.raises(FailedPrecondition, match="expired"):
        registry.complete_enrollment(OWNER, late.challenge_id, recording)


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_an_upload_over_the_size_cap_is_refused_before_its_challenge_is_spent(registry: CameoRegistry) -> None:
    challenge = registry.start_enrollment(OWNER, "astro", "")
    too_large = f"take {challenge.phrase} ".encode() + b"x" * MAX_UPLOAD_BYTES
    refused_before = _sample("cinemesh_cameo_enrollments_total", outcome="rejected")
    with pytest.raises(ResourceExhausted, match=f"over {MAX_UPLOAD_BYTES} bytes"):
        registry.complete_enrollment(OWNER, challenge.challenge_id, too_large)
    assert _sample("cinemesh_cameo_enrollments_total", outcome="rejected") == refused_before + 1
    # The same take, exported smaller, still answers the challenge.
    cameo = registry.complete_enrollment(OWNER, challenge.challenge_id, f"take {challenge.phrase}".encode())
    assert cameo.handle == "astro"


def test_challenges_are_rate_limited_per_account(store: JobStore, key: bytes) -> None:
    now = [0.0]
    limit = ChallengeLimit(per_hour=6, burst=2, clock=lambda: now[0])
    registry = CameoRegistry(store, Vault(key), ScriptedEnroller(), challenge_seconds=300, challenge_limit=limit)
    registry.create_schema()
    registry.start_enrollment(OWNER, "astro", "")
    registry.start_enrollment(OWNER, "astro", "")
    with pytest.raises(RateLimited, match=r"6 an hour are issued \(at most 2 at once\).*ask again in 600 s") as refused:
        registry.start_enrollment(OWNER, "astro", "")
    assert refused.value.retry_after_seconds == pytest.approx(600.0)
    registry.start_enrollment(FRIEND, "buddy", "")  # another account has its own bucket
    now[0] = 600.0  # ten minutes later one more challenge is due
    registry.start_enrollment(OWNER, "astro", "")
    with pytest.raises(RateLimited):
        registry.start_enrollment(OWNER, "astro", "")


def _expire(store: JobStore, challenge_id: str, seconds_ago: float) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            challenges.update()
            .where(challenges.c.challenge_id == challenge_id)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago))
        )


def _challenge_ids(store: JobStore) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(challenges.c.challenge_id)).scalars())


def test_expired_challenges_are_purged_a_lifetime_after_they_expire(registry: CameoRegistry, store: JobStore) -> None:
    live = registry.start_enrollment(OWNER, "astro", "")
    just_expired = registry.start_enrollment(OWNER, "astro", "")
    long_expired = registry.start_enrollment(FRIEND, "buddy", "")
    used = registry.start_enrollment(STRANGER, "other", "")
    with pytest.raises(InvalidArgument):
        registry.complete_enrollment(STRANGER, used.challenge_id, b"not the phrase")
    _expire(store, just_expired.challenge_id, seconds_ago=10)
    _expire(store, long_expired.challenge_id, seconds_ago=301)
    _expire(store, used.challenge_id, seconds_ago=400)
    purged_before = _sample("cinemesh_enrollment_challenges_purged_total")
    assert registry.purge_expired_challenges() == 2
    assert _sample("cinemesh_enrollment_challenges_purged_total") == purged_before + 2
    assert _challenge_ids(store) == {live.challenge_id, just_expired.challenge_id}
    # Within the grace a late upload is told why it cannot be used.
    with pytest.raises(FailedPrecondition, match="expired"):
        registry.complete_enrollment(OWNER, just_expired.challenge_id, f"take {just_expired.phrase}".encode())
    # Starting an enrollment purges too.
    _expire(store, just_expired.challenge_id, seconds_ago=301)
    fresh = registry.start_enrollment(FRIEND, "buddy", "")
    assert _challenge_ids(store) == {live.challenge_id, fresh.challenge_id}
    with pytest.raises(NotFound):
        registry.complete_enrollment(FRIEND, long_expired.challenge_id, f"take {long_expired.phrase}".encode())


def test_a_recording_never_enrolls_twice(registry: CameoRegistry) -> None:
    first = registry.start_enrollment(OWNER, "astro", "")
    recording = f"take {first.phrase}".encode()
    registry.complete_enrollment(OWNER, first.challenge_id, recording)
    second = registry.start_enrollment(FRIEND, "copycat", "")
    with pytest.raises(InvalidArgument, match="already used for an enrollment"):
        registry.complete_enrollment(FRIEND, second.challenge_id, recording)


def test_handles_are_validated_and_owned(registry: CameoRegistry) -> None:
    for bad in ("ab", "Has Space", "self", "x" * 31):
        with pytest.raises(InvalidArgument, match="handle"):
            registry.start_enrollment(OWNER, bad, "")
    enroll(registry)
    with pytest.raises(AlreadyExists, match="another account"):
        registry.start_enrollment(FRIEND, "@Astro", "")
    with pytest.raises(AlreadyExists, match="revoke it first"):
        registry.start_enrollment(OWNER, "astro", "")


def test_only_the_owner_reads_or_manages_a_cameo(registry: CameoRegistry) -> None:
    cameo = enroll(registry)
    for call in (
        lambda: registry.get_cameo(FRIEND, cameo.cameo_id),
        lambda: registry.set_consent(FRIEND, cameo.cameo_id, identity_pb2.CAMEO_AUDIENCE_EVERYONE, []),
        lambda: registry.revoke(FRIEND, cameo.cameo_id),
        lambda: registry.list_uses(FRIEND, cameo.cameo_id),
    ):
        with pytest.raises(NotFound, match="does not exist among your cameos"):
            call()
    with pytest.raises(NotFound):
        registry.get_cameo(OWNER, str(uuid.uuid4()))
    for bad in ("no-such-cameo", "../../etc/passwd", ""):
        with pytest.raises(InvalidArgument, match="cameo_id"):
            registry.get_cameo(OWNER, bad)
    with pytest.raises(InvalidArgument, match="audience"):
        registry.set_consent(OWNER, cameo.cameo_id, identity_pb2.CAMEO_AUDIENCE_UNSPECIFIED, [])
    with pytest.raises(NotFound, match="nobody"):
        registry.set_consent(OWNER, cameo.cameo_id, identity_pb2.CAMEO_AUDIENCE_APPROVED, ["nobody"])


@pytest.mark.parametrize(
    ("audience", "allowed"),
    [
        (identity_pb2.CAMEO_AUDIENCE_ONLY_ME, {OWNER}),
        (identity_pb2.CAMEO_AUDIENCE_APPROVED, {OWNER, FRIEND}),
        (identity_pb2.CAMEO_AUDIENCE_EVERYONE, {OWNER, FRIEND, STRANGER}),
    ],
)
def test_consent_matrix(registry: CameoRegistry, audience: int, allowed: set[str]) -> None:
    cameo = enroll(registry)
    registry.set_consent(OWNER, cameo.cameo_id, audience, [FRIEND])
    for account in (OWNER, FRIEND, STRANGER):
        if account in allowed:
            (member,) = registry.resolve(account, ["Astro"], f"job-{account}")
            assert member.cameo_id == cameo.cameo_id and member.voice.median_f0_hz == 180.0
            assert member.appearance.skin.r == 200
        else:
            with pytest.raises(FailedPrecondition, match="not consented"):
                registry.resolve(account, ["Astro"], f"job-{account}")
    uses = registry.list_uses(OWNER, cameo.cameo_id)
    assert sorted(u.account_id for u in uses) == sorted(allowed)


def test_self_resolves_to_the_requesters_own_cameo(registry: CameoRegistry) -> None:
    cameo = enroll(registry)
    (member,) = registry.resolve(OWNER, ["Self"], "job-1")
    assert member.handle == "Self" and member.cameo_id == cameo.cameo_id
    with pytest.raises(NotFound, match="enroll your own cameo"):
        registry.resolve(FRIEND, ["Self"], "job-2")
    with pytest.raises(NotFound, match="@nobody"):
        registry.resolve(OWNER, ["nobody"], "job-3")


def test_a_redelivered_plan_records_one_use(registry: CameoRegistry) -> None:
    cameo = enroll(registry)
    for _ in range(3):
        registry.resolve(OWNER, ["astro"], "job-1")
    assert [u.job_id for u in registry.list_uses(OWNER, cameo.cameo_id)] == ["job-1"]


def test_revocation_deletes_vectors_and_names_the_unfinished_jobs(registry: CameoRegistry, store: JobStore) -> None:
    cameo = enroll(registry)
    for job_id in ("queued-job", "finished-job"):
        store.submit_job(
            job_id=job_id,
            account_id=OWNER,
            request_id=None,
            tier="pro",
            spec=b"",
            seed=1,
            duration_seconds=4,
            credits=10,
        )
        registry.resolve(OWNER, ["astro"], job_id)
    store.complete_job("finished-job", "file:///x.mp4", 1)
    revocation = registry.revoke(OWNER, cameo.cameo_id)
    assert revocation.unfinished_job_ids == ["queued-job"] and revocation.handle == "astro"
    revoked = registry.get_cameo(OWNER, cameo.cameo_id)
    assert not revoked.face_embedding and not revoked.HasField("voice")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(cameos.c.sealed_vectors)).scalar() is None
    with pytest.raises(FailedPrecondition, match="revoked"):
        registry.resolve(OWNER, ["astro"], "job-after")
    # The owner may enroll the handle again; it starts private.
    again = enroll(registry)
    assert again.cameo_id == cameo.cameo_id and len(again.face_embedding) == 128


def test_vault_key_from_settings(tmp_path: Path) -> None:
    from cinemesh.runtime.config import ConfigError, Settings

    generated = Vault.from_settings(Settings.from_env("identity", {"CINEMESH_STATE_DIR": str(tmp_path)}))
    assert (tmp_path / "cameo.key").stat().st_mode & 0o777 == 0o600
    sealed = generated.seal(b"vector", "c1")
    again = Vault.from_settings(Settings.from_env("identity", {"CINEMESH_STATE_DIR": str(tmp_path)}))
    assert again.open(sealed, "c1") == b"vector"
    configured = base64.b64encode(b"s" * 32).decode()
    env = {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_CAMEO_KEY": configured}
    assert Vault.from_settings(Settings.from_env("identity", env)).open(Vault(b"s" * 32).seal(b"v", "c2"), "c2") == b"v"
    with pytest.raises(ConfigError, match="32 bytes"):
        Vault.from_settings(
            Settings.from_env("identity", {**env, "CINEMESH_CAMEO_KEY": base64.b64encode(b"short").decode()})
        )
    with pytest.raises(ConfigError, match="not base64"):
        Vault.from_settings(Settings.from_env("identity", {**env, "CINEMESH_CAMEO_KEY": "***"}))


def test_a_cluster_pod_without_the_cameo_key_refuses_to_start(tmp_path: Path) -> None:
    """No per-pod fallback in a cluster: a key of its own would make other replicas' cameos unreadable."""
    from cinemesh.runtime.config import ConfigError, Settings

    env = {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_DEPLOYMENT": "cluster"}
    with pytest.raises(ConfigError, match="CINEMESH_CAMEO_KEY must be set in a cluster"):
        Vault.from_settings(Settings.from_env("identity", env))
    assert not (tmp_path / "cameo.key").exists()
    configured = {**env, "CINEMESH_CAMEO_KEY": base64.b64encode(b"k" * 32).decode()}
    assert (
        Vault.from_settings(Settings.from_env("identity", configured)).open(Vault(b"k" * 32).seal(b"v", "c"), "c")
        == b"v"
    )


def test_the_janitor_purges_expired_challenges_in_the_background(registry: CameoRegistry, store: JobStore) -> None:
    stale = registry.start_enrollment(OWNER, "astro", "")
    _expire(store, stale.challenge_id, seconds_ago=400)
    janitor = ChallengeJanitor(registry, interval_seconds=0.05)
    janitor.start()
    try:
        deadline = time.monotonic() + 10
        while stale.challenge_id in _challenge_ids(store) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert janitor.healthy()
    finally:
        janitor.stop(2.0)
    assert stale.challenge_id not in _challenge_ids(store)
    assert janitor.healthy()  # stopped on purpose
