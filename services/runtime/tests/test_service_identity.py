"""TLS, mTLS and service identity on real gRPC servers (threaded and asyncio hosts) on ephemeral ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY

from cinemesh.runtime.access import AccessPolicy
from cinemesh.runtime.aioserver import AioServiceHost
from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.pki import ThrowawayCa, identity_of, write_mesh_pki
from cinemesh.runtime.server import ServiceHost
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import (
    admin_pb2,  # noqa: F401  (registers the services in the descriptor pool)
    audio_pb2,  # noqa: F401
    common_pb2,
    gateway_pb2,
    gateway_pb2_grpc,
    identity_pb2,  # noqa: F401
    lipsync_pb2,  # noqa: F401
    prompt_pb2,
    prompt_pb2_grpc,
    video_pb2,  # noqa: F401
)

PROMPT = "cinemesh.v1.PromptService"
JOBS = "cinemesh.v1.JobService"
TOKEN = "s" * 43


def settings_for(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    from cinemesh.runtime.config import Settings

    return Settings.from_env(
        "prompt",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_GRPC_PORT": "0",
            "CINEMESH_METRICS_PORT": "0",
            "CINEMESH_SHUTDOWN_GRACE_SECONDS": "0",
            **env,
        },
    )


def parse(channel: grpc.Channel) -> prompt_pb2.ParsePromptResponse:
    request = prompt_pb2.ParsePromptRequest(spec=common_pb2.GenerationSpec(prompt="a kite"), tier=common_pb2.TIER_PLUS)
    return prompt_pb2_grpc.PromptServiceStub(channel).ParsePrompt(request, timeout=10)


def code_of(call) -> grpc.StatusCode:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.RpcError) as raised:
        call()
    return raised.value.code()


def healthy(channel: grpc.Channel) -> bool:
    reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def unauthenticated_count() -> float:
    labels = {
        "grpc_service": PROMPT,
        "grpc_method": "ParsePrompt",
        "grpc_type": "unary",
        "grpc_code": "UNAUTHENTICATED",
    }
    return REGISTRY.get_sample_value("grpc_server_handled_total", labels) or 0.0


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    write_mesh_pki(folder, ("prompt", "gateway", "cli"))
    return folder


def files(pki: Path, name: str) -> TlsFiles:
    return TlsFiles(str(pki / f"{name}.pem"), str(pki / f"{name}.key"), str(pki / "ca.pem"))


class EchoPrompt(prompt_pb2_grpc.PromptServiceServicer):
    """Answers at once (the planner's first call loads models); what is tested is who gets this far."""

    def ParsePrompt(self, request, context):  # type: ignore[no-untyped-def]
        return prompt_pb2.ParsePromptResponse(plan=common_pb2.ScenePlan(prompt=request.spec.prompt))


def prompt_host(settings) -> ServiceHost:  # type: ignore[no-untyped-def]
    host = ServiceHost(settings, max_workers=4)
    servicer = EchoPrompt()
    host.add_service(PROMPT, lambda server: prompt_pb2_grpc.add_PromptServiceServicer_to_server(servicer, server))
    host.start()
    return host


# the access table -----------------------------------------------------------


def test_every_cinemesh_service_is_declared_public_or_internal() -> None:
    policy = AccessPolicy.load()
    pool = descriptor_pool.Default()
    declared = policy.public | policy.internal
    for module in ("admin", "audio", "gateway", "identity", "lipsync", "prompt", "video"):
        for service in pool.FindFileByName(f"cinemesh/v1/{module}.proto").services_by_name.values():
            assert service.full_name in declared, f"{service.full_name} is in neither list of rpc_access.yaml"
    assert policy.internal >= {
        "cinemesh.v1.VideoService",
        "cinemesh.v1.AudioService",
        "cinemesh.v1.LipSyncService",
        "cinemesh.v1.PromptService",
    }
    assert policy.public == {JOBS, "cinemesh.v1.AdminService", "cinemesh.v1.IdentityService"}
    assert policy.is_internal("/cinemesh.v1.NewService/Anything"), "an undeclared service must be closed"
    assert not policy.is_internal("/grpc.health.v1.Health/Check")


# token mode (no TLS) ----------------------------------------------------------


@pytest.fixture(scope="module")
def token_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHost]:
    host = prompt_host(settings_for(tmp_path_factory.mktemp("token"), CINEMESH_SERVICE_TOKEN=TOKEN))
    yield host
    host.stop()


def test_internal_rpc_without_the_service_token_is_unauthenticated(token_host: ServiceHost) -> None:
    address = f"127.0.0.1:{token_host.port}"
    before = unauthenticated_count()
    with open_channel(address) as channel:
        assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAUTHENTICATED
        assert healthy(channel), "health stays public"
    with open_channel(address, service_token=TOKEN[:-1] + "x") as channel:
        with pytest.raises(grpc.RpcError) as raised:
            parse(channel)
        assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "internal to the mesh" in raised.value.details() and TOKEN not in raised.value.details()
    assert unauthenticated_count() == before + 2, "refusals are counted like any other status"


def test_internal_rpc_with_the_service_token_works(token_host: ServiceHost) -> None:
    with open_channel(f"127.0.0.1:{token_host.port}", service_token=TOKEN) as channel:
        assert parse(channel).plan.prompt == "a kite"


def test_internal_rpc_on_a_server_without_any_service_credential_is_closed(tmp_path: Path) -> None:
    host = prompt_host(settings_for(tmp_path))
    try:
        with open_channel(f"127.0.0.1:{host.port}", service_token=TOKEN) as channel:
            assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAUTHENTICATED
    finally:
        host.stop()


# mTLS -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mtls_host(tmp_path_factory: pytest.TempPathFactory, pki: Path) -> Iterator[ServiceHost]:
    tls = files(pki, "prompt")
    host = prompt_host(
        settings_for(
            tmp_path_factory.mktemp("mtls"),
            CINEMESH_TLS_CERT_FILE=tls.cert_file,
            CINEMESH_TLS_KEY_FILE=tls.key_file,
            CINEMESH_TLS_CA_FILE=tls.ca_file,
            CINEMESH_HEALTH_PORT=str(_free_port()),
        )
    )
    yield host
    host.stop()


def _free_port() -> int:
    from cinemesh.mesh.launcher import free_port

    return free_port()


def test_plain_text_client_to_a_tls_server_is_refused(mtls_host: ServiceHost) -> None:
    with open_channel(f"127.0.0.1:{mtls_host.port}") as channel:
        assert code_of(lambda: healthy(channel)) == grpc.StatusCode.UNAVAILABLE


def test_internal_server_requires_a_client_certificate_from_its_ca(mtls_host: ServiceHost, pki: Path) -> None:
    address = f"127.0.0.1:{mtls_host.port}"
    with open_channel(address, TlsFiles(ca_file=str(pki / "ca.pem"))) as channel:
        assert code_of(lambda: healthy(channel)) == grpc.StatusCode.UNAVAILABLE, "no client certificate"
    stranger = pki.parent / "stranger"
    stranger.mkdir(exist_ok=True)
    cert, key = ThrowawayCa("another CA").issue(identity_of("gateway"))
    (stranger / "c.pem").write_bytes(cert)
    (stranger / "c.key").write_bytes(key)
    forged = TlsFiles(str(stranger / "c.pem"), str(stranger / "c.key"), str(pki / "ca.pem"))
    with open_channel(address, forged) as channel:
        assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAVAILABLE, "a service name from another CA"


def test_internal_rpc_needs_a_service_identity_not_just_any_certificate(mtls_host: ServiceHost, pki: Path) -> None:
    address = f"127.0.0.1:{mtls_host.port}"
    with open_channel(address, files(pki, "cli")) as channel:
        assert healthy(channel)
        assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAUTHENTICATED
        # the token is not configured on this server: sending one does not help
    with open_channel(address, files(pki, "cli"), service_token=TOKEN) as channel:
        assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAUTHENTICATED


def test_internal_rpc_with_a_service_certificate_works(mtls_host: ServiceHost, pki: Path) -> None:
    with open_channel(f"127.0.0.1:{mtls_host.port}", files(pki, "gateway")) as channel:
        assert parse(channel).plan.prompt == "a kite"


def test_probes_get_plain_text_health_on_their_own_port(mtls_host: ServiceHost) -> None:
    assert mtls_host.health_port not in (0, mtls_host.port)
    with open_channel(f"127.0.0.1:{mtls_host.health_port}") as channel:
        assert healthy(channel)
        # the health port serves health only
        assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNIMPLEMENTED


# the asyncio host (the gateway's) -------------------------------------------------------


class AsyncPrompt(prompt_pb2_grpc.PromptServiceServicer):
    async def ParsePrompt(self, request, context):  # type: ignore[no-untyped-def]
        return prompt_pb2.ParsePromptResponse(plan=common_pb2.ScenePlan(prompt=request.spec.prompt))


class AsyncJobs(gateway_pb2_grpc.JobServiceServicer):
    async def GetAccount(self, request, context):  # type: ignore[no-untyped-def]
        return gateway_pb2.GetAccountResponse(account_id="acct")


def aio_host(settings, public: bool) -> AioServiceHost:  # type: ignore[no-untyped-def]
    host = AioServiceHost(settings, blocking_threads=2)
    host.add_service(PROMPT, lambda server: prompt_pb2_grpc.add_PromptServiceServicer_to_server(AsyncPrompt(), server))
    if public:
        host.add_service(JOBS, lambda server: gateway_pb2_grpc.add_JobServiceServicer_to_server(AsyncJobs(), server))
    host.start()
    return host


def test_asyncio_host_public_server_takes_tls_clients_without_certificates(tmp_path: Path, pki: Path) -> None:
    tls = files(pki, "gateway")
    host = aio_host(
        settings_for(
            tmp_path,
            CINEMESH_TLS_CERT_FILE=tls.cert_file,
            CINEMESH_TLS_KEY_FILE=tls.key_file,
            CINEMESH_TLS_CA_FILE=tls.ca_file,
            CINEMESH_SERVICE_TOKEN=TOKEN,
        ),
        public=True,
    )
    address = f"127.0.0.1:{host.port}"
    try:
        with open_channel(address) as channel:
            assert code_of(lambda: healthy(channel)) == grpc.StatusCode.UNAVAILABLE, "plain text is refused"
        with open_channel(address, TlsFiles(ca_file=tls.ca_file)) as channel:
            stub = gateway_pb2_grpc.JobServiceStub(channel)
            assert stub.GetAccount(gateway_pb2.GetAccountRequest(), timeout=5).account_id == "acct"
            # an internal RPC hosted beside the public ones still needs the credential
            assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAUTHENTICATED
        with open_channel(address, TlsFiles(ca_file=tls.ca_file), service_token=TOKEN) as channel:
            assert parse(channel).plan.prompt == "a kite"
    finally:
        host.stop()


def test_asyncio_host_internal_server_demands_mtls(tmp_path: Path, pki: Path) -> None:
    tls = files(pki, "prompt")
    host = aio_host(
        settings_for(
            tmp_path,
            CINEMESH_TLS_CERT_FILE=tls.cert_file,
            CINEMESH_TLS_KEY_FILE=tls.key_file,
            CINEMESH_TLS_CA_FILE=tls.ca_file,
        ),
        public=False,
    )
    address = f"127.0.0.1:{host.port}"
    try:
        with open_channel(address, TlsFiles(ca_file=tls.ca_file)) as channel:
            assert code_of(lambda: healthy(channel)) == grpc.StatusCode.UNAVAILABLE
        with open_channel(address, files(pki, "cli")) as channel:
            assert code_of(lambda: parse(channel)) == grpc.StatusCode.UNAUTHENTICATED
        with open_channel(address, files(pki, "gateway")) as channel:
            assert parse(channel).plan.prompt == "a kite"
    finally:
        host.stop()


def test_a_renewed_certificate_serves_new_connections_without_a_restart(tmp_path: Path) -> None:
    """cert-manager renews a certificate in place in its mounted Secret: the server uses it from the next handshake."""
    old, new = tmp_path / "old", tmp_path / "new"
    write_mesh_pki(old, ("prompt", "gateway"))
    write_mesh_pki(new, ("prompt", "gateway"))  # another CA: a client trusting only it needs the renewed files
    live = tmp_path / "live"
    live.mkdir()
    for name in ("prompt.pem", "prompt.key", "ca.pem"):
        (live / name).write_bytes((old / name).read_bytes())
    host = prompt_host(
        settings_for(
            tmp_path,
            CINEMESH_TLS_CERT_FILE=str(live / "prompt.pem"),
            CINEMESH_TLS_KEY_FILE=str(live / "prompt.key"),
            CINEMESH_TLS_CA_FILE=str(live / "ca.pem"),
        )
    )
    address = f"127.0.0.1:{host.port}"
    try:
        with open_channel(address, files(old, "gateway")) as channel:
            assert parse(channel).plan.prompt == "a kite"
        with open_channel(address, files(new, "gateway")) as channel:
            assert code_of(lambda: healthy(channel)) == grpc.StatusCode.UNAVAILABLE, "not renewed yet"
        for name in ("prompt.pem", "prompt.key", "ca.pem"):
            (live / name).write_bytes((new / name).read_bytes())
        with open_channel(address, files(new, "gateway")) as channel:
            assert parse(channel).plan.prompt == "a kite"
        with open_channel(address, files(old, "gateway")) as channel:
            assert code_of(lambda: healthy(channel)) == grpc.StatusCode.UNAVAILABLE, "the old CA is no longer trusted"
    finally:
        host.stop()
