"""ServiceHost for real: a gRPC server on an ephemeral port hosting the prompt service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from prometheus_client import REGISTRY

from cinemesh.prompt.server import PromptServicer
from cinemesh.runtime import tracing
from cinemesh.runtime.config import Settings
from cinemesh.runtime.server import ServiceHost
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import common_pb2, prompt_pb2, prompt_pb2_grpc

SERVICE = "cinemesh.v1.PromptService"
#: ParsePrompt is internal to the mesh: the tests call it as a service, with the service token.
SERVICE_TOKEN = "t" * 40
PARENT = "00-" + "5e" * 16 + "-" + "7a" * 8 + "-01"


class RecordingPromptServicer(PromptServicer):
    """The real servicer; also notes the trace context each call ran under, and can crash on demand."""

    def __init__(self) -> None:
        super().__init__({"plus": 16, "pro": 40})
        self.traceparents: list[str | None] = []

    def ParsePrompt(self, request, context):  # type: ignore[no-untyped-def]
        self.traceparents.append(tracing.current())
        if request.spec.prompt == "crash":
            raise RuntimeError("a detail only the logs should see")
        return super().ParsePrompt(request, context)


def make_host(tmp_path: Path) -> tuple[ServiceHost, RecordingPromptServicer]:
    settings = Settings.from_env(
        "prompt",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_GRPC_PORT": "0",
            "CINEMESH_METRICS_PORT": "0",
            "CINEMESH_SHUTDOWN_GRACE_SECONDS": "1",
            "CINEMESH_SERVICE_TOKEN": SERVICE_TOKEN,
        },
    )
    host = ServiceHost(settings, max_workers=4)
    servicer = RecordingPromptServicer()
    host.add_service(SERVICE, lambda server: prompt_pb2_grpc.add_PromptServiceServicer_to_server(servicer, server))
    host.start()
    return host, servicer


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServiceHost, RecordingPromptServicer]]:
    host, servicer = make_host(tmp_path_factory.mktemp("server"))
    yield host, servicer
    host.stop()


@pytest.fixture
def channel(served: tuple[ServiceHost, RecordingPromptServicer]) -> Iterator[grpc.Channel]:
    host, _ = served
    with open_channel(f"127.0.0.1:{host.port}", service_token=SERVICE_TOKEN) as ch:
        yield ch


def parse(channel: grpc.Channel, prompt: str, tier: int = common_pb2.TIER_PLUS, **spec: object):
    stub = prompt_pb2_grpc.PromptServiceStub(channel)
    request = prompt_pb2.ParsePromptRequest(spec=common_pb2.GenerationSpec(prompt=prompt, **spec), tier=tier)
    return stub.ParsePrompt(request, timeout=10, metadata=[("traceparent", PARENT)])


def handled(code: str) -> float:
    labels = {"grpc_service": SERVICE, "grpc_method": "ParsePrompt", "grpc_type": "unary", "grpc_code": code}
    return REGISTRY.get_sample_value("grpc_server_handled_total", labels) or 0.0


def test_listens_on_an_ephemeral_port(served: tuple[ServiceHost, RecordingPromptServicer]) -> None:
    host, _ = served
    assert 0 < host.port < 65536


def test_good_request_returns_a_plan(channel: grpc.Channel) -> None:
    response = parse(channel, "@mia flies a kite", duration_seconds=2.0, fps=25, seed=9)
    plan = response.plan
    assert plan.prompt == "@mia flies a kite"
    assert (plan.format.width, plan.format.height, plan.format.fps, plan.format.frame_count) == (1280, 720, 25, 50)
    assert plan.seed == 9
    assert list(plan.mentions) == ["mia"]
    assert plan.credit_estimate == 32


def test_bad_request_is_invalid_argument_naming_the_field(channel: grpc.Channel) -> None:
    before = handled("INVALID_ARGUMENT")
    with pytest.raises(grpc.RpcError) as raised:
        parse(channel, "a kite", duration_seconds=-1.0)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details().startswith("spec.duration_seconds: ")
    assert handled("INVALID_ARGUMENT") == before + 1


def test_unspecified_tier_is_invalid_argument(channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        parse(channel, "a kite", tier=common_pb2.TIER_UNSPECIFIED)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details().startswith("tier: ")


def test_tier_limit_is_failed_precondition(channel: grpc.Channel) -> None:
    before = handled("FAILED_PRECONDITION")
    with pytest.raises(grpc.RpcError) as raised:
        parse(channel, "a kite", duration_seconds=12.0)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "plus tier" in raised.value.details()
    assert handled("FAILED_PRECONDITION") == before + 1


def test_unexpected_error_is_internal_without_details(channel: grpc.Channel) -> None:
    before = handled("INTERNAL")
    with pytest.raises(grpc.RpcError) as raised:
        parse(channel, "crash")
    assert raised.value.code() == grpc.StatusCode.INTERNAL
    assert "only the logs" not in raised.value.details()
    assert handled("INTERNAL") == before + 1


def test_ok_calls_are_counted_and_timed(channel: grpc.Channel) -> None:
    before = handled("OK")
    timed = {"grpc_service": SERVICE, "grpc_method": "ParsePrompt", "grpc_type": "unary"}
    count_before = REGISTRY.get_sample_value("grpc_server_handling_seconds_count", timed) or 0.0
    parse(channel, "a kite")
    assert handled("OK") == before + 1
    assert REGISTRY.get_sample_value("grpc_server_handling_seconds_count", timed) == count_before + 1


def test_calls_continue_the_callers_trace(
    channel: grpc.Channel, served: tuple[ServiceHost, RecordingPromptServicer]
) -> None:
    _, servicer = served
    parse(channel, "a kite")
    seen = servicer.traceparents[-1]
    assert seen is not None
    assert tracing.trace_id_of(seen) == "5e" * 16
    assert seen != PARENT


def test_health_reports_serving(channel: grpc.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ("", SERVICE):
        response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert response.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as raised:
        stub.Check(health_pb2.HealthCheckRequest(service="cinemesh.v1.Nope"), timeout=5)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_reflection_lists_the_service(channel: grpc.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    requests = iter(
        [
            reflection_pb2.ServerReflectionRequest(list_services=""),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol=SERVICE),
        ]
    )
    listed, described = list(stub.ServerReflectionInfo(requests, timeout=5))
    names = {s.name for s in listed.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= names
    assert len(described.file_descriptor_response.file_descriptor_proto) >= 1


def test_stop_reports_not_serving_and_closes(tmp_path: Path) -> None:
    host, _ = make_host(tmp_path)
    address = f"127.0.0.1:{host.port}"
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        assert stub.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING
        host.stop()
        host.stop()  # idempotent
        local = host.health.Check(health_pb2.HealthCheckRequest(service=SERVICE), None)
        assert local.status == health_pb2.HealthCheckResponse.NOT_SERVING
        try:
            remote = stub.Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError as exc:
            assert exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
        else:
            assert remote.status == health_pb2.HealthCheckResponse.NOT_SERVING
