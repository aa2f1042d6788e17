"""The embedded mesh on TLS (`cinemesh up --tls`): a job end to end, plain text refused, service identity.

Its own mesh, started as `cinemesh up --tls` starts it: a throwaway CA under the state directory, a
certificate per service, mTLS between them, HTTPS on the gateway's HTTP front. (CINEMESH_TEST_TLS=1
starts the shared `mesh` fixture this way too, e.g. to run all of test_pipeline.py on TLS.)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import requests
from pipeline_checks import assert_prompt_to_mp4
from support import Client, running

from cinemesh.cli.main import main as cli
from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import (
    common_pb2,
    gateway_pb2,
    gateway_pb2_grpc,
    prompt_pb2,
    prompt_pb2_grpc,
    video_pb2,
    video_pb2_grpc,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedMesh]:
    state_dir: Path = tmp_path_factory.mktemp("tls-mesh")
    mesh = EmbeddedMesh(
        state_dir,
        model_runtime=os.environ.get("CINEMESH_TEST_MODEL_RUNTIME", "ray"),
        extra_env={"CINEMESH_RETRY_HORIZON_SECONDS": "20"},
        tls=True,
    )
    with running(mesh, state_dir, timeout=240):
        yield mesh
    assert not (state_dir / "tls").exists(), "the throwaway certificates go with the mesh"


@pytest.fixture(scope="module")
def tls_client(tls_mesh: EmbeddedMesh) -> Iterator[Client]:
    assert tls_mesh.info is not None
    client = Client(tls_mesh.info.gateway_address, tls_mesh.info.api_key, tls_mesh.info.tls_files())
    yield client
    client.channel.close()


@pytest.fixture(scope="module")
def tls_store(tls_mesh: EmbeddedMesh) -> Iterator[JobStore]:
    assert tls_mesh.info is not None
    store = JobStore(tls_mesh.info.database_url)
    yield store
    store.dispose()


def _code(call) -> grpc.StatusCode:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.RpcError) as raised:
        call()
    return raised.value.code()


def test_prompt_to_mp4_through_every_stage_on_tls(tls_mesh, tls_client, tls_store) -> None:
    info = tls_mesh.info
    # mTLS identifies the services; the service token is for the Ray Serve models, whose proxy has no mTLS
    assert info.tls and (Path(info.state_dir) / "service.token").exists()
    assert_prompt_to_mp4(tls_mesh, tls_client, tls_store)


def test_plain_text_clients_are_refused_everywhere(tls_mesh) -> None:
    info = tls_mesh.info
    for name, endpoint in info.services.items():
        with open_channel(f"127.0.0.1:{endpoint.grpc_port}") as channel:
            stub = gateway_pb2_grpc.JobServiceStub(channel)
            metadata = [("authorization", f"Bearer {info.api_key}")]
            code = _code(lambda stub=stub, md=metadata: stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=md))
            assert code == grpc.StatusCode.UNAVAILABLE, name
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{info.gateway_http_port}/healthz", timeout=5)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{info.gateway_http_url}/healthz", timeout=5)  # a server this host's CAs do not know
    assert requests.get(f"{info.gateway_http_url}/healthz", timeout=5, verify=info.ca_file).ok
    account = requests.get(
        f"{info.gateway_http_url}/v1/account",
        headers={"authorization": f"Bearer {info.api_key}"},
        timeout=5,
        verify=info.ca_file,
    )
    assert account.ok, account.text


def test_stage_rpc_needs_a_service_certificate(tls_mesh) -> None:
    info = tls_mesh.info
    fmt = common_pb2.VideoFormat(width=64, height=64, fps=24, frame_count=24)
    plan = common_pb2.ScenePlan(prompt="a cat", format=fmt, duration_seconds=1.0)
    render = video_pb2.RenderVideoRequest(job_id="not-a-job", plan=plan)
    # a client certificate from the mesh's CA that is no service's: past the handshake, not past the check
    with info.channel("video") as channel:
        assert _code(lambda: video_pb2_grpc.VideoServiceStub(channel).RenderVideo(render, timeout=10)) == (
            grpc.StatusCode.UNAUTHENTICATED
        )
    # no client certificate at all: the stage's server does not finish the handshake
    with open_channel(f"127.0.0.1:{info.services['video'].grpc_port}", TlsFiles(ca_file=info.ca_file)) as ch:
        assert _code(lambda: video_pb2_grpc.VideoServiceStub(ch).RenderVideo(render, timeout=10)) == (
            grpc.StatusCode.UNAVAILABLE
        )
    # as the gateway: the call reaches the stage (which refuses the id itself)
    with info.channel("video", as_service="gateway") as channel:
        assert _code(lambda: video_pb2_grpc.VideoServiceStub(channel).RenderVideo(render, timeout=10)) == (
            grpc.StatusCode.INVALID_ARGUMENT
        )
    request = prompt_pb2.ParsePromptRequest(
        spec=common_pb2.GenerationSpec(prompt="A red kite over a beach"), tier=common_pb2.TIER_PLUS
    )
    with info.channel("prompt", as_service="video") as channel:
        plan = prompt_pb2_grpc.PromptServiceStub(channel).ParsePrompt(request, timeout=60).plan
    assert plan.prompt == "A red kite over a beach" and plan.scenes


def test_cli_finds_the_meshs_ca_or_takes_one(tls_mesh, tls_client, monkeypatch, capsys) -> None:
    info = tls_mesh.info
    job_id = tls_client.submit("A lantern on a windowsill", duration_seconds=1.0, resolution="480p").job.job_id
    monkeypatch.setenv("CINEMESH_STATE_DIR", info.state_dir)
    assert cli(["status", job_id]) == 0
    assert job_id in capsys.readouterr().out
    monkeypatch.setenv("CINEMESH_GATEWAY", info.gateway_address)
    monkeypatch.setenv("CINEMESH_API_KEY", info.api_key)
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(Path(info.state_dir) / "elsewhere"))  # no mesh.json there
    assert cli(["--ca", info.ca_file, "status", job_id]) == 0
    assert cli(["--ca", info.ca_file, "status", str(uuid.uuid4())]) == 2  # NOT_FOUND, over TLS
    capsys.readouterr()
    assert cli(["status", job_id]) == 2, "plain text to a TLS gateway fails"
    assert "UNAVAILABLE" in capsys.readouterr().err
