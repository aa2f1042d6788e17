"""What a request can reach (issue 16), through the embedded mesh.

- Confinement: every RPC that takes an id or a URI refuses one that could name a path (INVALID_ARGUMENT),
  and nothing is written outside the artifact store.
- Accounts: a second account gets NOT_FOUND for the first one's job, its watch, cancel and download (over
  gRPC and HTTP), and cannot have a stage read the first one's renders into a job of its own.
- Service identity: the stage RPCs answer only callers with the mesh's service credential (UNAUTHENTICATED otherwise).
- Privacy: the delivered MP4 carries no word of the prompt; its C2PA manifest names the plan by its hash.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
import requests
from support import Client

from cinemesh.lipsync import provenance
from cinemesh.mesh.launcher import LOCAL_ACCOUNT
from cinemesh.runtime.ids import is_uuid
from cinemesh.runtime.modelclient import PROTOBUF
from cinemesh.runtime.tls import SERVICE_TOKEN_METADATA, open_channel
from cinemesh.v1 import (
    audio_pb2,
    audio_pb2_grpc,
    common_pb2,
    gateway_pb2,
    identity_pb2,
    identity_pb2_grpc,
    lipsync_pb2,
    lipsync_pb2_grpc,
    prompt_pb2,
    prompt_pb2_grpc,
    video_pb2,
    video_pb2_grpc,
)

pytestmark = pytest.mark.integration

PROMPT = "A lighthouse keeper reads her private diary aloud by candlelight"
CANONICAL = "6b1f0c52-3d1e-4c8e-9a7b-0f2d9c1e5a01"
#: Ids that are not the canonical UUID the server issues; `{outside}` is a folder outside the store.
BAD_IDS = [
    "../" * 16 + "{outside}/x",
    "{outside}",
    "..",
    "job-1",
    "",
    CANONICAL.upper(),
    CANONICAL.replace("-", ""),
    f"{CANONICAL}/../../x",
    "%2e%2e%2f%2e%2e%2fx",
]


def _error(call: Callable[[], object]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """An empty folder outside the store; the traversals aim into it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.fixture()
def bad_ids(outside: Path) -> list[str]:
    return [bad.format(outside=str(outside).lstrip("/")) for bad in BAD_IDS]


def _store_entries(mesh) -> set[str]:  # type: ignore[no-untyped-def]
    root = Path(mesh.info.artifacts_url.removeprefix("file://"))
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def _assert_confined(mesh, outside: Path, *kept: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing was written outside the store (`outside` holds only `kept`), and inside only under jobs/<UUID>/."""
    assert sorted(p.name for p in outside.iterdir()) == sorted(kept)
    for entry in _store_entries(mesh):
        parts = entry.split("/")
        assert parts[0] == "jobs" and (len(parts) == 1 or is_uuid(parts[1])), entry


def _channel(mesh, service: str) -> grpc.Channel:  # type: ignore[no-untyped-def]
    """A channel to `service` with the gateway's service credential (stage RPCs are internal to the mesh)."""
    return mesh.info.channel(service, as_service="gateway")


# confinement -----------------------------------------------------------------


def test_every_job_rpc_refuses_an_id_that_is_no_job_id(mesh, client, bad_ids, outside) -> None:
    stub, metadata = client.stub, client.metadata
    calls = {
        "GetJob": lambda job_id: stub.GetJob(gateway_pb2.GetJobRequest(job_id=job_id), metadata=metadata, timeout=10),
        "WatchJob": lambda job_id: list(
            stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job_id), metadata=metadata, timeout=10)
        ),
        "CancelJob": lambda job_id: stub.CancelJob(
            gateway_pb2.CancelJobRequest(job_id=job_id), metadata=metadata, timeout=10
        ),
        "DownloadJob": lambda job_id: list(
            stub.DownloadJob(gateway_pb2.DownloadJobRequest(job_id=job_id), metadata=metadata, timeout=10)
        ),
    }
    for name, call in calls.items():
        for bad in bad_ids:
            error = _error(lambda call=call, bad=bad: call(bad))
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (name, bad, error.details())
            assert error.details().startswith("job_id: ") and "UUID" in error.details(), error.details()
    base = f"http://127.0.0.1:{mesh.info.gateway_http_port}/v1/jobs"
    auth = {"authorization": f"Bearer {mesh.info.api_key}"}
    for path in ("job-1", CANONICAL.upper(), CANONICAL.replace("-", "")):
        assert requests.get(f"{base}/{path}", headers=auth, timeout=5).status_code == 400
        assert requests.post(f"{base}/{path}:cancel", headers=auth, timeout=5).status_code == 400
        assert requests.get(f"{base}/{path}:download", headers=auth, timeout=5).status_code == 400
    _assert_confined(mesh, outside)


def test_every_stage_rpc_refuses_an_id_that_is_no_job_id(mesh, bad_ids, outside) -> None:
    video = video_pb2_grpc.VideoServiceStub(_channel(mesh, "video"))
    audio = audio_pb2_grpc.AudioServiceStub(_channel(mesh, "audio"))
    lipsync = lipsync_pb2_grpc.LipSyncServiceStub(_channel(mesh, "lipsync"))
    fmt = common_pb2.VideoFormat(width=64, height=64, fps=24, frame_count=24)
    scene = common_pb2.Scene(index=0, prompt="a cat", start_frame=0, end_frame=24)
    plan = common_pb2.ScenePlan(prompt="a cat", format=fmt, duration_seconds=1.0, scenes=[scene])
    render = common_pb2.ArtifactRef(uri=f"{mesh.info.artifacts_url}/jobs/{CANONICAL}/video.mp4")
    calls = {
        "RenderVideo": lambda job_id: video.RenderVideo(video_pb2.RenderVideoRequest(job_id=job_id, plan=plan)),
        "RenderAudio": lambda job_id: audio.RenderAudio(audio_pb2.RenderAudioRequest(job_id=job_id, plan=plan)),
        "AssembleOutput": lambda job_id: lipsync.AssembleOutput(
            lipsync_pb2.AssembleOutputRequest(job_id=job_id, plan=plan, video=render, audio=render)
        ),
    }
    for name, call in calls.items():
        for bad in bad_ids:
            error = _error(lambda call=call, bad=bad: call(bad))
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (name, bad, error.details())
            assert error.details().startswith("job_id: "), error.details()
    _assert_confined(mesh, outside)


def test_serve_models_need_the_service_token(mesh) -> None:
    """Ray Serve's HTTP proxy has no mTLS, so the model apps check the service token themselves (in both modes):
    without it, or with a wrong one, 401 UNAUTHENTICATED before the model reads the body; with it the model
    answers (here 422: an empty request names no job)."""
    if mesh.info.model_runtime != "ray":
        pytest.skip("the models run in the stage processes: there is no Serve hop")
    for app in ("video", "audio", "lipsync"):
        url = f"{mesh.info.ray_serve_url}/{app}"
        for token in ({}, {SERVICE_TOKEN_METADATA: secrets.token_urlsafe(32)}):
            reply = requests.post(url, data=b"", headers={"content-type": PROTOBUF, **token}, timeout=60)
            assert reply.status_code == 401, (app, reply.status_code, reply.text)
            assert reply.json()["code"] == "UNAUTHENTICATED"
        token = {SERVICE_TOKEN_METADATA: mesh.info.service_token()}
        reply = requests.post(url, data=b"", headers={"content-type": PROTOBUF, **token}, timeout=60)
        assert reply.status_code == 422 and reply.json()["code"] == "INVALID_ARGUMENT", (app, reply.text)


def test_stage_rpcs_need_a_service_credential(mesh) -> None:
    """Stage RPCs are internal to the mesh: without its service token (or with a wrong one) UNAUTHENTICATED before the
    stage looks at the request; with it the call reaches the stage. (test_tls.py checks the mTLS identities.)"""
    if mesh.info.tls:
        pytest.skip("this mesh runs on mTLS: test_tls.py covers service certificates")
    fmt = common_pb2.VideoFormat(width=64, height=64, fps=24, frame_count=24)
    plan = common_pb2.ScenePlan(prompt="a cat", format=fmt, duration_seconds=1.0)
    render = common_pb2.ArtifactRef(uri=f"{mesh.info.artifacts_url}/jobs/{CANONICAL}/video.mp4")
    calls = {
        "video": lambda ch: video_pb2_grpc.VideoServiceStub(ch).RenderVideo(
            video_pb2.RenderVideoRequest(job_id="job-1", plan=plan), timeout=10
        ),
        "audio": lambda ch: audio_pb2_grpc.AudioServiceStub(ch).RenderAudio(
            audio_pb2.RenderAudioRequest(job_id="job-1", plan=plan), timeout=10
        ),
        "lipsync": lambda ch: lipsync_pb2_grpc.LipSyncServiceStub(ch).AssembleOutput(
            lipsync_pb2.AssembleOutputRequest(job_id="job-1", plan=plan, video=render, audio=render), timeout=10
        ),
    }
    assert len(mesh.info.service_token()) >= 32
    for service, call in calls.items():
        address = f"127.0.0.1:{mesh.info.services[service].grpc_port}"
        for token in ("", secrets.token_urlsafe(32)):
            with open_channel(address, service_token=token) as channel:
                error = _error(lambda call=call, channel=channel: call(channel))
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED, (service, error.details())
            assert "internal to the mesh" in error.details()
        with _channel(mesh, service) as channel:
            error = _error(lambda call=call, channel=channel: call(channel))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (service, error.details())
    request = prompt_pb2.ParsePromptRequest(spec=common_pb2.GenerationSpec(prompt="a cat"), tier=common_pb2.TIER_PLUS)
    with _channel(mesh, "prompt") as channel:
        assert prompt_pb2_grpc.PromptServiceStub(channel).ParsePrompt(request, timeout=60).plan.prompt == "a cat"
    with open_channel(f"127.0.0.1:{mesh.info.services['prompt'].grpc_port}") as channel:
        error = _error(lambda: prompt_pb2_grpc.PromptServiceStub(channel).ParsePrompt(request, timeout=10))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_assemble_output_refuses_every_reference_its_job_did_not_store(mesh, outside) -> None:
    lipsync = lipsync_pb2_grpc.LipSyncServiceStub(_channel(mesh, "lipsync"))
    job_id = str(uuid.uuid4())
    root = mesh.info.artifacts_url
    own = f"{root}/jobs/{job_id}"
    secret = outside / "secret.wav"
    secret.write_bytes(b"RIFF")
    refused = {
        "video": ["file:///etc/passwd", f"{own}/../../../../../../etc/passwd", f"{own}/audio.wav"],
        "audio": [secret.as_uri(), f"{root}/jobs/{uuid.uuid4()}/audio.wav", f"{root}/../outside/secret.wav"],
        "timeline.dialogue_stem": ["file:///etc/shadow", f"{own}/stems/../../../../etc/shadow"],
    }
    for field, uris in refused.items():
        for uri in uris:
            request = lipsync_pb2.AssembleOutputRequest(
                job_id=job_id,
                video=common_pb2.ArtifactRef(uri=f"{own}/video.mp4"),
                audio=common_pb2.ArtifactRef(uri=f"{own}/audio.wav"),
            )
            target = request
            for part in field.split("."):
                target = getattr(target, part)
            target.uri = uri
            error = _error(lambda request=request: lipsync.AssembleOutput(request, timeout=60))
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (field, uri, error.details())
            assert error.details().startswith(f"{field}.uri: "), error.details()
    assert not any(entry.startswith(f"jobs/{job_id}") for entry in _store_entries(mesh))
    _assert_confined(mesh, outside, "secret.wav")


def test_every_cameo_rpc_refuses_an_id_that_is_no_cameo_id(mesh, keyring, bad_ids) -> None:
    identity = identity_pb2_grpc.IdentityServiceStub(_channel(mesh, "identity"))
    # Each RPC below gets a key of its own (set in the loop): its calls stay inside one key's burst of the
    # identity service's rate limit, however fast they go.
    metadata: list[tuple[str, str]] = []
    everyone = identity_pb2.CAMEO_AUDIENCE_EVERYONE
    calls = {
        "GetCameo": (
            "cameo_id",
            lambda bad: identity.GetCameo(identity_pb2.GetCameoRequest(cameo_id=bad), metadata=metadata),
        ),
        "SetCameoConsent": (
            "cameo_id",
            lambda bad: identity.SetCameoConsent(
                identity_pb2.SetCameoConsentRequest(cameo_id=bad, audience=everyone), metadata=metadata
            ),
        ),
        "RevokeCameo": (
            "cameo_id",
            lambda bad: identity.RevokeCameo(identity_pb2.RevokeCameoRequest(cameo_id=bad), metadata=metadata),
        ),
        "ListCameoUses": (
            "cameo_id",
            lambda bad: identity.ListCameoUses(identity_pb2.ListCameoUsesRequest(cameo_id=bad), metadata=metadata),
        ),
        "CompleteEnrollment": (
            "challenge_id",
            lambda bad: identity.CompleteEnrollment(
                identity_pb2.CompleteEnrollmentRequest(challenge_id=bad, recording=b"x"), metadata=metadata
            ),
        ),
    }
    for name, (field, call) in calls.items():
        metadata[:] = [("authorization", f"Bearer {keyring.issue(LOCAL_ACCOUNT, ['cameos'])[1]}")]
        for bad in bad_ids:
            error = _error(lambda call=call, bad=bad: call(bad))
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (name, bad, error.details())
            assert error.details().startswith(f"{field}: "), error.details()


# accounts ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def stranger(mesh, store, keyring) -> Iterator[Client]:  # type: ignore[no-untyped-def]
    """A second account, made in the job store as the launcher makes the first, with a key of every scope."""
    account = f"stranger-{secrets.token_hex(4)}"
    store.upsert_account(account, "pro", 10_000)
    key = keyring.issue(account, ["jobs:write", "jobs:read", "cameos"])[1]
    other = Client(mesh.info.gateway_address, key)
    yield other
    other.channel.close()


@pytest.fixture(scope="module")
def owned_job(client) -> gateway_pb2.Job:  # type: ignore[no-untyped-def]
    """A completed job of the first account (the mesh's own key)."""
    job = client.wait(client.submit(PROMPT, duration_seconds=1.0, resolution="480p").job.job_id)
    assert job.state == common_pb2.JOB_STATE_COMPLETED, job.failure_reason
    return job


def test_another_account_gets_not_found_for_a_job_over_grpc_and_http(mesh, client, stranger, owned_job) -> None:
    job_id, stub, metadata = owned_job.job_id, stranger.stub, stranger.metadata
    missing = str(uuid.uuid4())
    for call in (
        lambda job_id: stub.GetJob(gateway_pb2.GetJobRequest(job_id=job_id), metadata=metadata, timeout=10),
        lambda job_id: list(stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job_id), metadata=metadata, timeout=10)),
        lambda job_id: stub.CancelJob(gateway_pb2.CancelJobRequest(job_id=job_id), metadata=metadata, timeout=10),
        lambda job_id: list(
            stub.DownloadJob(gateway_pb2.DownloadJobRequest(job_id=job_id), metadata=metadata, timeout=10)
        ),
    ):
        theirs = _error(lambda call=call: call(job_id))
        assert theirs.code() == grpc.StatusCode.NOT_FOUND, theirs.details()
        # the same answer as for a job that does not exist: nothing tells the stranger the job is there
        absent = _error(lambda call=call: call(missing))
        assert theirs.details().replace(job_id, missing) == absent.details()
    base = f"http://127.0.0.1:{mesh.info.gateway_http_port}/v1/jobs/{job_id}"
    auth = {"authorization": stranger.metadata[0][1]}
    assert requests.get(base, headers=auth, timeout=5).status_code == 404
    assert requests.post(f"{base}:cancel", headers=auth, timeout=5).status_code == 404
    assert requests.get(f"{base}:download", headers=auth, timeout=5).status_code == 404
    job = client.get(job_id)  # the owner's job is untouched by all of it
    assert job.state == common_pb2.JOB_STATE_COMPLETED and job.credits_refunded == 0
    assert client.download(job_id)


def test_a_stage_will_not_read_another_jobs_renders(mesh, owned_job) -> None:
    """A caller cannot have the lipsync stage assemble the first account's renders into a job of its own."""
    lipsync = lipsync_pb2_grpc.LipSyncServiceStub(_channel(mesh, "lipsync"))
    theirs = f"{mesh.info.artifacts_url}/jobs/{owned_job.job_id}"
    mine = str(uuid.uuid4())
    request = lipsync_pb2.AssembleOutputRequest(
        job_id=mine,
        video=common_pb2.ArtifactRef(uri=f"{theirs}/video.mp4"),
        audio=common_pb2.ArtifactRef(uri=f"{theirs}/audio.wav"),
    )
    error = _error(lambda: lipsync.AssembleOutput(request, timeout=60))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith("video.uri: ")
    assert not any(entry.startswith(f"jobs/{mine}") for entry in _store_entries(mesh))


# privacy -----------------------------------------------------------------------


def test_the_delivered_mp4_carries_no_prompt_and_its_manifest_the_plan_hash(client, owned_job, tmp_path) -> None:
    path = tmp_path / "delivered.mp4"
    path.write_bytes(client.download(owned_job.job_id))
    data = path.read_bytes()
    for word in ("lighthouse", "diary", "candlelight"):
        assert word.encode() not in data and word.title().encode() not in data
    verified = provenance.verify(path)
    assert verified.valid, verified.errors
    assert len(verified.claim["plan_sha256"]) == 64 and "prompt" not in verified.claim
