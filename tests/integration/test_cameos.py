"""Cameos through the embedded mesh: live enrollment over gRPC, consent on every mention, revocation mid-queue.

Three accounts (owner, an approved friend, a stranger) × three audiences
(only me, approved, everyone): every cell is a real job through gateway →
prompt → identity → video/audio → lipsync, and the cells without consent fail
at identity with FAILED_PRECONDITION, refunded, before anything renders.
"""

from __future__ import annotations

import time
import uuid
import wave

import grpc
import numpy as np
import pytest
from recordings import answering_take
from support import Client

from cinemesh.audio import soundtrack
from cinemesh.audio.speech import SAMPLE_RATE, PiperBackend, Speaker
from cinemesh.cli import main as cli
from cinemesh.identity.enrollment import measure_voice
from cinemesh.runtime import topics
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.v1 import common_pb2, events_pb2, identity_pb2, identity_pb2_grpc

ACCOUNTS = ("owner", "friend", "stranger")
PROMPT = 'Close-up of @astro in a quiet studio. @astro says "We will meet again tomorrow. Bring the map."'
ALLOWED = {
    identity_pb2.CAMEO_AUDIENCE_ONLY_ME: {"owner"},
    identity_pb2.CAMEO_AUDIENCE_APPROVED: {"owner", "friend"},
    identity_pb2.CAMEO_AUDIENCE_EVERYONE: {"owner", "friend", "stranger"},
}


class Identity:
    """An IdentityService client bound to one API key."""

    def __init__(self, address: str, api_key: str) -> None:
        self.channel = grpc.insecure_channel(address, options=[("grpc.max_send_message_length", 16 << 20)])
        self.stub = identity_pb2_grpc.IdentityServiceStub(self.channel)
        self.metadata = [("authorization", f"Bearer {api_key}")]

    def __getattr__(self, rpc: str):  # type: ignore[no-untyped-def]
        method = getattr(self.stub, rpc)
        return lambda request, timeout=120: method(request, metadata=self.metadata, timeout=timeout)

    def enroll(self, handle: str) -> identity_pb2.Cameo:
        challenge = self.StartEnrollment(
            identity_pb2.StartEnrollmentRequest(handle=handle, display_name="Astro")
        ).challenge
        moves = tuple(identity_pb2.HeadMove.Name(m).removeprefix("HEAD_MOVE_").lower() for m in challenge.moves)
        recording = answering_take(moves, challenge.phrase)
        request = identity_pb2.CompleteEnrollmentRequest(challenge_id=challenge.challenge_id, recording=recording)
        return self.CompleteEnrollment(request).cameo


def _identity_address(mesh) -> str:  # type: ignore[no-untyped-def]
    return f"127.0.0.1:{mesh.info.services['identity'].grpc_port}"


@pytest.fixture(scope="module")
def people(mesh, store, keyring) -> dict[str, tuple[Client, Identity]]:
    clients = {}
    for name in ACCOUNTS:
        store.upsert_account(f"acct-{name}", "pro", 100_000)
        _, key = keyring.issue(f"acct-{name}", ["jobs:write", "jobs:read", "cameos"])
        clients[name] = (Client(mesh.info.gateway_address, key), Identity(_identity_address(mesh), key))
    return clients


@pytest.fixture(scope="module")
def cameo(people) -> identity_pb2.Cameo:
    return people["owner"][1].enroll("astro")


def _cast_plan(store, job_id: str) -> events_pb2.PlanCast:  # type: ignore[no-untyped-def]
    """What the identity stage handed the renderers: the plan and its cast (from the job store's stage outputs)."""
    (run,) = [run for run in store.stage_runs(job_id) if run.stage == "identity"]
    (record,) = [out for out in run.outputs if topics.base_topic(out["topic"]) == topics.PLANS_CAST]
    return events_pb2.PlanCast.FromString(bytes.fromhex(record["value"]))


def _dialogue_f0(mesh, job_id: str) -> float:
    artifacts = ArtifactStore(mesh.info.artifacts_url)
    with (
        artifacts.local_copy(artifacts.url_for(f"jobs/{job_id}/stems/dialogue.wav")) as path,
        wave.open(str(path), "rb") as stem,
    ):
        samples = np.frombuffer(stem.readframes(stem.getnframes()), np.int16).astype(np.float32) / 32768
        channels = samples.reshape(-1, stem.getnchannels())
        return measure_voice(channels.mean(axis=1), stem.getframerate()).median_f0_hz


def test_enrollment_over_grpc_keeps_the_vectors_with_the_owner(mesh, people, cameo) -> None:
    owner, friend = people["owner"][1], people["friend"][1]
    assert cameo.handle == "astro" and cameo.audience == identity_pb2.CAMEO_AUDIENCE_ONLY_ME
    assert len(cameo.face_embedding) == 128 and cameo.voice.median_f0_hz > 0
    assert list(cameo.enrollment.moves_seen) and cameo.enrollment.phrase_heard
    assert owner.GetCameo(identity_pb2.GetCameoRequest(cameo_id=cameo.cameo_id)).cameo.face_embedding
    with pytest.raises(grpc.RpcError) as denied:
        friend.GetCameo(identity_pb2.GetCameoRequest(cameo_id=cameo.cameo_id))
    assert denied.value.code() == grpc.StatusCode.NOT_FOUND  # another account's cameo is not there for it
    # A bad recording gets its own precise error, and the challenge is spent.
    challenge = owner.StartEnrollment(identity_pb2.StartEnrollmentRequest(handle="astro_two")).challenge
    with pytest.raises(grpc.RpcError) as rejected:
        owner.CompleteEnrollment(
            identity_pb2.CompleteEnrollmentRequest(challenge_id=challenge.challenge_id, recording=b"not a video")
        )
    assert rejected.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as unauthenticated:
        Identity(_identity_address(mesh), "wrong-key").GetCameo(identity_pb2.GetCameoRequest(cameo_id=cameo.cameo_id))
    assert unauthenticated.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_another_account_gets_not_found_for_a_cameo_and_its_uses(people, cameo) -> None:
    """Issue 16: a stranger learns nothing of another account's cameo, not even that its id exists."""
    owner, stranger = people["owner"][1], people["stranger"][1]
    missing = str(uuid.uuid4())
    for call in (
        lambda cameo_id: stranger.GetCameo(identity_pb2.GetCameoRequest(cameo_id=cameo_id)),
        lambda cameo_id: stranger.ListCameoUses(identity_pb2.ListCameoUsesRequest(cameo_id=cameo_id)),
        lambda cameo_id: stranger.SetCameoConsent(
            identity_pb2.SetCameoConsentRequest(cameo_id=cameo_id, audience=identity_pb2.CAMEO_AUDIENCE_EVERYONE)
        ),
        lambda cameo_id: stranger.RevokeCameo(identity_pb2.RevokeCameoRequest(cameo_id=cameo_id)),
    ):
        with pytest.raises(grpc.RpcError) as theirs:
            call(cameo.cameo_id)
        with pytest.raises(grpc.RpcError) as absent:
            call(missing)
        assert theirs.value.code() == absent.value.code() == grpc.StatusCode.NOT_FOUND
        assert theirs.value.details().replace(cameo.cameo_id, missing) == absent.value.details()
    # The owner's cameo is as it was: not widened, not revoked.
    kept = owner.GetCameo(identity_pb2.GetCameoRequest(cameo_id=cameo.cameo_id)).cameo
    assert kept.audience == identity_pb2.CAMEO_AUDIENCE_ONLY_ME and len(kept.face_embedding) == 128


def test_consent_matrix_through_the_job_path(mesh, store, people, cameo) -> None:
    owner = people["owner"][1]
    used_by_jobs: set[str] = set()
    for audience, allowed in ALLOWED.items():
        owner.SetCameoConsent(
            identity_pb2.SetCameoConsentRequest(
                cameo_id=cameo.cameo_id, audience=audience, approved_account_ids=["acct-friend"]
            )
        )
        submitted = {
            name: people[name][0].submit(PROMPT, duration_seconds=3.0, resolution="480p").job.job_id
            for name in ACCOUNTS
        }
        # Consent is read when identity resolves the mention: finish this audience's jobs before changing it.
        for name, job_id in submitted.items():
            job = people[name][0].wait(job_id, timeout=300)
            cell = f"{name} × {identity_pb2.CameoAudience.Name(audience)}"
            if name in allowed:
                assert job.state == common_pb2.JOB_STATE_COMPLETED, (cell, job.failure_reason)
                used_by_jobs.add(job_id)
            else:
                assert job.state == common_pb2.JOB_STATE_FAILED, cell
                assert job.failure_stage == common_pb2.STAGE_IDENTITY, cell
                assert "not consented" in job.failure_reason and "@astro" in job.failure_reason, cell
                assert job.credits_refunded == job.credits_reserved and job.credits_charged == 0, cell
                assert {r.stage for r in store.stage_runs(job_id)} == {"prompt", "identity"}, cell
    uses = owner.ListCameoUses(identity_pb2.ListCameoUsesRequest(cameo_id=cameo.cameo_id)).uses
    assert {u.job_id for u in uses} == used_by_jobs
    assert {u.account_id for u in uses} == {"acct-owner", "acct-friend", "acct-stranger"}
    # The cameo speaks in its owner's voice, whoever mentions it: identity hands the audio stage the owner's measured
    # profile, and the dialogue stem is the line spoken in the voice made from it. The profile is measured on the
    # challenge phrase, which the service draws at random, so how close one short line comes to the owner's pitch
    # would vary from run to run: that error is measured by benchmarks/voice_pitch.py, not sampled here (a run of
    # this test once read a line 16 % above a profile measured at 101 Hz). What is checked is that the job spoke in
    # the cameo's voice and not another: the stem reads as the same line rendered here with the cast it was given.
    speaker = Speaker(PiperBackend())
    for job_id in sorted(used_by_jobs):
        cast_plan = _cast_plan(store, job_id)
        assert [member.voice for member in cast_plan.cast] == [cameo.voice]
        expected = soundtrack.render_dialogue(cast_plan.plan, speaker, cast_plan.cast)
        uncast = soundtrack.render_dialogue(cast_plan.plan, speaker, ())
        rendered = _dialogue_f0(mesh, job_id)
        own = measure_voice(expected.audio, SAMPLE_RATE).median_f0_hz
        other = measure_voice(uncast.audio, SAMPLE_RATE).median_f0_hz
        assert abs(rendered - own) / own < 0.02 < abs(rendered - other) / other, (rendered, own, other)


def test_the_cli_lists_uses_and_reports_errors(mesh, people, cameo, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(mesh.info.state_dir))
    monkeypatch.setenv("CINEMESH_API_KEY", people["owner"][0].metadata[0][1].removeprefix("Bearer "))
    assert cli.main(["cameo", "uses", cameo.cameo_id]) == 0
    listed = capsys.readouterr().err
    uses = people["owner"][1].ListCameoUses(identity_pb2.ListCameoUsesRequest(cameo_id=cameo.cameo_id)).uses
    assert uses and all(use.job_id in listed for use in uses)
    monkeypatch.setenv("CINEMESH_API_KEY", people["friend"][0].metadata[0][1].removeprefix("Bearer "))
    assert cli.main(["cameo", "start", "astro"]) == 1
    assert "ALREADY_EXISTS" in capsys.readouterr().err


def test_revocation_fails_queued_jobs_and_refunds_them(mesh, store, people, cameo) -> None:
    client, owner = people["owner"]
    job_id = client.submit(PROMPT, duration_seconds=8.0, resolution="720p").job.job_id
    deadline = time.monotonic() + 120
    # Revoke while video and audio render: they drop the work, so lipsync never starts and no MP4 is written.
    while store.job_state(job_id) != "rendering":
        assert time.monotonic() < deadline, f"job never reached rendering: {store.job_state(job_id)}"
        time.sleep(0.1)
    revoked = owner.RevokeCameo(identity_pb2.RevokeCameoRequest(cameo_id=cameo.cameo_id))
    assert list(revoked.failed_job_ids) == [job_id]
    job = client.wait(job_id, timeout=120)
    assert job.state == common_pb2.JOB_STATE_FAILED and "revoked" in job.failure_reason
    assert job.credits_refunded == job.credits_reserved and job.credits_charged == 0
    assert store.ledger(job_id) == {"reserve": job.credits_reserved, "refund": job.credits_reserved}
    assert not ArtifactStore(mesh.info.artifacts_url).exists(f"jobs/{job_id}/final.mp4")
    # The vectors are gone, and a later mention fails before rendering.
    assert not owner.GetCameo(identity_pb2.GetCameoRequest(cameo_id=cameo.cameo_id)).cameo.face_embedding
    later = client.wait(client.submit(PROMPT, duration_seconds=3.0, resolution="480p").job.job_id)
    assert later.state == common_pb2.JOB_STATE_FAILED and "revoked" in later.failure_reason
