"""The asyncio variant of the service host, for a service whose clients hold long streams (the gateway).

A synchronous gRPC server spends one pool thread per open stream: a few dozen
WatchJob clients used to take every thread and starve health checks. Here the
server runs on its own event loop: a stream waits as a coroutine, and blocking
domain calls (the job store) run on a bounded thread pool via `blocking()`.
Health, reflection, metrics, the domain-error mapping and the background
workers behave as in `ServiceHost`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import _async as health_async
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from cinemesh.runtime import tracing
from cinemesh.runtime.access import AioServiceIdentityInterceptor, ServiceCredentialCheck
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import CinemeshError
from cinemesh.runtime.server import (
    MAX_MESSAGE_BYTES,
    WATCHDOG_SECONDS,
    Background,
    DomainErrorInterceptor,
    _split,
    _traceparent,
    error_trailers,
    listen,
    listen_for_probes,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class AioDomainErrorInterceptor(grpc.aio.ServerInterceptor):
    """Maps CinemeshError to its status code (unexpected errors to INTERNAL) and measures RPCs."""

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
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

    def _unary(self, behavior: Callable[..., Awaitable[Any]], service: str, method: str) -> Callable:
        async def wrapper(request: Any, context: grpc.aio.ServicerContext) -> Any:
            started = time.monotonic()
            token = tracing.activate(_traceparent(context))
            code = grpc.StatusCode.OK
            try:
                return await behavior(request, context)
            except CinemeshError as exc:
                code = exc.code
                await context.abort(exc.code, exc.message, error_trailers(exc))
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    code = context.code()
                    raise
                log.exception("%s/%s failed", service, method)
                code = grpc.StatusCode.INTERNAL
                await context.abort(code, "internal error; the operator's logs have the details")
            finally:
                tracing.deactivate(token)
                DomainErrorInterceptor.finish(service, method, "unary", code, started)

        return wrapper

    def _stream(self, behavior: Callable[..., AsyncIterator[Any]], service: str, method: str) -> Callable:
        async def wrapper(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            started = time.monotonic()
            token = tracing.activate(_traceparent(context))
            code = grpc.StatusCode.OK
            try:
                async for response in behavior(request, context):
                    yield response
            except CinemeshError as exc:
                code = exc.code
                await context.abort(exc.code, exc.message, error_trailers(exc))
            except asyncio.CancelledError:
                code = grpc.StatusCode.CANCELLED
                raise
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    code = context.code()
                    raise
                log.exception("%s/%s failed", service, method)
                code = grpc.StatusCode.INTERNAL
                await context.abort(code, "internal error; the operator's logs have the details")
            finally:
                tracing.deactivate(token)
                DomainErrorInterceptor.finish(service, method, "server_stream", code, started)

        return wrapper


async def _health_only_server() -> grpc.aio.Server:
    return grpc.aio.server()


class AioServiceHost:
    """Hosts one service on a grpc.aio server running on its own event-loop thread."""

    def __init__(self, settings: Settings, blocking_threads: int = 32) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self._pool = ThreadPoolExecutor(max_workers=blocking_threads, thread_name_prefix=f"{settings.service}-io")
        self.loop.set_default_executor(self._pool)
        self._loop_thread = threading.Thread(target=self.loop.run_forever, name="grpc-aio-loop", daemon=True)
        self._loop_thread.start()
        self.server: grpc.aio.Server = self.run(self._create_server())
        self.health = health_async.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self._health_server: grpc.aio.Server | None = None
        self.health_port = 0
        self._service_names: list[str] = [health.SERVICE_NAME]
        self._background: list[Background] = []
        self._stopped = threading.Event()
        self.port = 0
        self.metrics_port = 0

    async def _create_server(self) -> grpc.aio.Server:
        return grpc.aio.server(
            interceptors=[
                AioDomainErrorInterceptor(),
                AioServiceIdentityInterceptor(ServiceCredentialCheck(self.settings.service_token)),
            ],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )

    def run(self, coroutine: Awaitable[T]) -> T:
        """Runs a coroutine on the server's loop from another thread and waits for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()  # type: ignore[arg-type]

    def add_service(self, full_name: str, register: Callable[[grpc.aio.Server], None]) -> None:
        register(self.server)
        self._service_names.append(full_name)

    def add_background(self, worker: Background) -> None:
        self._background.append(worker)

    def start(self) -> None:
        reflection.enable_server_reflection([*self._service_names, reflection.SERVICE_NAME], self.server)
        self.port = listen(self.server, self.settings, self._service_names)
        if self.settings.health_port:
            self._health_server = self.run(_health_only_server())
            health_pb2_grpc.add_HealthServicer_to_server(self.health, self._health_server)
            self.health_port = listen_for_probes(self._health_server, self.settings)
            self.run(self._health_server.start())
        self._metrics_server, _ = start_http_server(self.settings.metrics_port, addr=self.settings.grpc_host)
        self.metrics_port = self._metrics_server.server_address[1]
        self.run(self.server.start())
        for worker in self._background:
            worker.start()
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        threading.Thread(target=self._watch_background, name="health-watchdog", daemon=True).start()
        log.info(
            "%s serving gRPC (asyncio) on %s:%d, metrics on :%d",
            self.settings.service,
            self.settings.grpc_host,
            self.port,
            self.metrics_port,
        )

    def _set_health(self, status: int) -> None:
        async def set_all() -> None:
            for name in ["", *self._service_names]:
                await self.health.set(name, status)

        self.run(set_all())

    def _watch_background(self) -> None:
        """A background worker that died makes the process NOT_SERVING, so a probe restarts it."""
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
        self.run(self.health.enter_graceful_shutdown())
        grace = self.settings.shutdown_grace_seconds
        for worker in self._background:
            worker.stop(grace)
        self.run(self.server.stop(grace))
        if self._health_server is not None:
            self.run(self._health_server.stop(0))
        self._metrics_server.shutdown()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._pool.shutdown(wait=False, cancel_futures=True)

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
