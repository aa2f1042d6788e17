"""gRPC server base shared by every service.

Health (`grpc.health.v1`, NOT_SERVING while draining), server reflection, one
interceptor that maps domain errors to gRPC status codes and records the
`grpc_server_*` metrics, Prometheus `/metrics` on its own port, and a graceful
SIGTERM: report NOT_SERVING, stop background consumers, finish in-flight RPCs.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any, Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from cinemesh.runtime import metrics, tracing
from cinemesh.runtime.access import AccessPolicy, ServiceCredentialCheck, ServiceIdentityInterceptor
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import CinemeshError, RateLimited
from cinemesh.runtime.tls import server_credentials

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024


#: Seconds between two looks at the background workers' health.
WATCHDOG_SECONDS = 1.0


class Background(Protocol):
    """Something that runs beside the gRPC server (a Kafka consumer, the reconciler)."""

    def start(self) -> None: ...
    def stop(self, grace_seconds: float) -> None: ...
    def healthy(self) -> bool: ...


def error_trailers(error: CinemeshError) -> tuple[tuple[str, str], ...]:
    """`retry-after` (whole seconds, rounded up) for a rate-limited call, like HTTP's Retry-After."""
    if isinstance(error, RateLimited):
        return (("retry-after", str(max(1, math.ceil(error.retry_after_seconds)))),)
    return ()


def _split(method: str) -> tuple[str, str]:
    _, service, name = method.split("/")
    return service, name


def _traceparent(context: grpc.ServicerContext | grpc.aio.ServicerContext) -> str:
    incoming = dict(context.invocation_metadata() or ()).get("traceparent")
    return tracing.new_traceparent(incoming if isinstance(incoming, str) else None)


class DomainErrorInterceptor(grpc.ServerInterceptor):
    """Maps CinemeshError to its status code (unexpected errors to INTERNAL) and measures RPCs."""

    def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith("/grpc."):
            return handler
        service, method = _split(handler_call_details.method)
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(handler.unary_unary, service, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._stream(handler.unary_stream, service, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler

    @staticmethod
    def finish(service: str, method: str, kind: str, code: grpc.StatusCode, started: float) -> None:
        metrics.GRPC_HANDLED.labels(service, method, kind, code.name).inc()
        metrics.GRPC_HANDLING_SECONDS.labels(service, method, kind).observe(time.monotonic() - started)

    def _unary(self, behavior: Callable, service: str, method: str) -> Callable:
        def wrapper(request: Any, context: grpc.ServicerContext) -> Any:
            started = time.monotonic()
            token = tracing.activate(_traceparent(context))
            code = grpc.StatusCode.OK
            try:
                return behavior(request, context)
            except CinemeshError as exc:
                code = exc.code
                context.set_trailing_metadata(error_trailers(exc))
                context.abort(exc.code, exc.message)
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    code = context.code()
                    raise
                log.exception("%s/%s failed", service, method)
                code = grpc.StatusCode.INTERNAL
                context.abort(code, "internal error; the operator's logs have the details")
            finally:
                tracing.deactivate(token)
                self.finish(service, method, "unary", code, started)

        return wrapper

    def _stream(self, behavior: Callable, service: str, method: str) -> Callable:
        def wrapper(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            started = time.monotonic()
            code = grpc.StatusCode.OK
            try:
                yield from behavior(request, context)
            except CinemeshError as exc:
                code = exc.code
                context.set_trailing_metadata(error_trailers(exc))
                context.abort(exc.code, exc.message)
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    code = context.code()
                    raise
                log.exception("%s/%s failed", service, method)
                code = grpc.StatusCode.INTERNAL
                context.abort(code, "internal error; the operator's logs have the details")
            finally:
                self.finish(service, method, "server_stream", code, started)

        return wrapper


def listen(server: grpc.Server | grpc.aio.Server, settings: Settings, service_names: list[str]) -> int:
    """Binds the gRPC port: TLS when a certificate is configured (mTLS when the server hosts only internal RPCs and
    a CA is configured), plain text otherwise. Returns the bound port."""
    address = f"{settings.grpc_host}:{settings.grpc_port}"
    if settings.tls.serves_tls:
        # Public servers (gateway, identity) take clients without certificates; their RPCs check API keys.
        internal_only = AccessPolicy.load().hosts_only_internal(service_names)
        port = server.add_secure_port(address, server_credentials(settings.tls, internal_only))
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"cannot listen on {address}")
    return port


def listen_for_probes(server: grpc.Server | grpc.aio.Server, settings: Settings) -> int:
    """Binds the plain-text health port (grpc.health.v1 only: kubelet gRPC probes cannot speak TLS)."""
    address = f"{settings.grpc_host}:{settings.health_port}"
    port = server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"cannot listen on {address}")
    return port


class ServiceHost:
    """Hosts one service: gRPC servicers, health, reflection, metrics and background workers."""

    def __init__(self, settings: Settings, max_workers: int = 16) -> None:
        self.settings = settings
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=max_workers),
            # The error interceptor is outermost: a refused credential is counted and mapped like any domain error.
            interceptors=[
                DomainErrorInterceptor(),
                ServiceIdentityInterceptor(ServiceCredentialCheck(settings.service_token)),
            ],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        self.health = health.HealthServicer(experimental_non_blocking=True)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self._health_server: grpc.Server | None = None
        self.health_port = 0
        self._service_names: list[str] = [health.SERVICE_NAME]
        self._background: list[Background] = []
        self._stopped = threading.Event()
        self.port = 0
        self.metrics_port = 0

    def add_service(self, full_name: str, register: Callable[[grpc.Server], None]) -> None:
        register(self.server)
        self._service_names.append(full_name)

    def add_background(self, worker: Background) -> None:
        self._background.append(worker)

    def start(self) -> None:
        reflection.enable_server_reflection([*self._service_names, reflection.SERVICE_NAME], self.server)
        self.port = listen(self.server, self.settings, self._service_names)
        if self.settings.health_port:
            self._health_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
            health_pb2_grpc.add_HealthServicer_to_server(self.health, self._health_server)
            self.health_port = listen_for_probes(self._health_server, self.settings)
            self._health_server.start()
        self._metrics_server, _ = start_http_server(self.settings.metrics_port, addr=self.settings.grpc_host)
        self.metrics_port = self._metrics_server.server_address[1]
        self.server.start()
        for worker in self._background:
            worker.start()
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        threading.Thread(target=self._watch_background, name="health-watchdog", daemon=True).start()
        log.info(
            "%s serving gRPC on %s:%d, metrics on :%d",
            self.settings.service,
            self.settings.grpc_host,
            self.port,
            self.metrics_port,
        )

    def _set_health(self, status: int) -> None:
        for name in ["", *self._service_names]:
            self.health.set(name, status)

    def _watch_background(self) -> None:
        """A background worker that died (its thread crashed) makes the process NOT_SERVING, so a probe restarts it."""
        while not self._stopped.wait(WATCHDOG_SECONDS):
            dead = [type(worker).__name__ for worker in self._background if not worker.healthy()]
            if dead:
                log.error("%s: background worker(s) %s died; reporting NOT_SERVING", self.settings.service, dead)
                self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
                return

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        log.info("%s draining", self.settings.service)
        self.health.enter_graceful_shutdown()
        grace = self.settings.shutdown_grace_seconds
        for worker in self._background:
            worker.stop(grace)
        self.server.stop(grace).wait()
        if self._health_server is not None:
            self._health_server.stop(0)
        self._metrics_server.shutdown()

    def serve_forever(self) -> None:
        """Starts, then blocks until SIGTERM/SIGINT and drains."""
        done = threading.Event()

        def on_signal(signum: int, _frame: object) -> None:
            log.info("%s received signal %d", self.settings.service, signum)
            done.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        self.start()
        done.wait()
        self.stop()


def configure_logging(service: str) -> None:
    logging.basicConfig(
        level=logging.INFO,
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("kafka").setLevel(logging.WARNING)
