"""Calls a stage's model (proto in, proto out) in-process or on Ray Serve over HTTP.

The stage front never imports Ray: in production the model runs in a KubeRay
RayService and the front reaches it through the Serve HTTP proxy, with the
request and response protobufs as bodies. Domain errors come back as HTTP 422
with their gRPC code, so a user's mistake stays INVALID_ARGUMENT end to end.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from google.protobuf.message import Message

from cinemesh.runtime import cancellation, errors, metrics
from cinemesh.runtime.config import Settings
from cinemesh.runtime.tls import SERVICE_TOKEN_METADATA

Req = TypeVar("Req", bound=Message)
Resp = TypeVar("Resp", bound=Message)

PROTOBUF = "application/x-protobuf"
#: Response headers of a Serve replica: the device it computed on and for how long.
DEVICE_HEADER = "x-cinemesh-device"
DEVICE_SECONDS_HEADER = "x-cinemesh-device-seconds"
#: How often a model call looks whether its job was cancelled.
CANCEL_POLL_SECONDS = 0.25

_ERRORS_BY_CODE: dict[str, type[errors.CinemeshError]] = {
    "NOT_FOUND": errors.NotFound,
    "FAILED_PRECONDITION": errors.FailedPrecondition,
    "RESOURCE_EXHAUSTED": errors.ResourceExhausted,
    "UNAVAILABLE": errors.Unavailable,
    "UNAUTHENTICATED": errors.Unauthenticated,
}


def error_from_payload(code: str, message: str) -> errors.CinemeshError:
    if code == "INVALID_ARGUMENT":
        field, _, problem = message.partition(": ")
        return errors.InvalidArgument(field, problem) if problem else errors.InvalidArgument("request", message)
    return _ERRORS_BY_CODE.get(code, errors.CinemeshError)(message)


class ModelClient(Generic[Req, Resp]):
    """One way to reach a stage's model, chosen by CINEMESH_MODEL_RUNTIME."""

    def __init__(
        self,
        settings: Settings,
        app: str,
        response_type: type[Resp],
        local_model: Callable[[], Callable[[Req], Resp]],
    ) -> None:
        self._settings = settings
        self._app = app
        self._response_type = response_type
        self._url = f"{settings.ray_serve_url}/{app}"
        self._local = local_model() if settings.model_runtime == "inprocess" else None
        self._calls = ThreadPoolExecutor(thread_name_prefix=f"{app}-call")
        self._headers = {"content-type": PROTOBUF}
        if settings.service_token:
            self._headers[SERVICE_TOKEN_METADATA] = settings.service_token

    def call(self, request: Req) -> Resp:
        started = time.monotonic()
        try:
            if self._local is not None:
                reply = self._local(request)
                metrics.MODEL_DEVICE_SECONDS.labels(self._app, _local_device()).inc(time.monotonic() - started)
                return reply
            return self._call_serve(request)
        finally:
            metrics.MODEL_CALL_SECONDS.labels(self._app, self._settings.model_runtime).observe(
                time.monotonic() - started
            )

    def _call_serve(self, request: Req) -> Resp:
        reply = self._post(request.SerializeToString())
        if reply.status == 200:
            self._count_device_seconds(reply.headers)
            return self._response_type.FromString(reply.body)
        text = reply.body[:500].decode(errors="replace")
        if reply.status in (401, 422):
            payload = json.loads(reply.body)
            raise error_from_payload(payload.get("code", ""), payload.get("message", ""))
        if reply.status == 404:
            # Only the Serve proxy answers 404 (the app answers 422): the app is not deployed (yet), e.g. while
            # Ray Serve restarts.
            raise errors.Unavailable(f"Ray Serve has no app at {self._url} (yet): {text[:200]}")
        if reply.status == 429 or reply.status >= 500:
            # Overloaded, restarting, or a dependency of the replica is down: retried until the horizon.
            raise errors.Unavailable(f"Ray Serve app {self._app!r} answered {reply.status}: {text}")
        raise RuntimeError(f"Ray Serve app {self._app!r} answered {reply.status}: {text}")

    def _post(self, body: bytes) -> _Reply:
        """POSTs on a connection of its own; if the job is cancelled meanwhile, closes it, and Serve cancels the
        request in the replica."""
        url = urlsplit(self._url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=self._settings.model_timeout_seconds)
        cancelled = cancellation.current()

        def exchange() -> _Reply:
            try:
                connection.request("POST", url.path, body=body, headers=self._headers)
                response = connection.getresponse()
                return _Reply(response.status, dict(response.getheaders()), response.read())
            except (OSError, http.client.HTTPException) as exc:
                if cancelled is not None and cancelled.is_set():
                    raise cancellation.WorkCancelled("the job was cancelled; its model request was abandoned") from exc
                raise errors.Unavailable(f"Ray Serve app {self._app!r} at {self._url} is unreachable: {exc}") from exc

        try:
            if cancelled is None:
                return exchange()
            call = self._calls.submit(exchange)
            while True:
                try:
                    return call.result(timeout=CANCEL_POLL_SECONDS)
                except TimeoutError:
                    if cancelled.is_set():
                        _abort(connection)
        finally:
            connection.close()

    def _count_device_seconds(self, headers: dict[str, str]) -> None:
        lowered = {name.lower(): value for name, value in headers.items()}
        device = lowered.get(DEVICE_HEADER, "")
        try:
            seconds = float(lowered.get(DEVICE_SECONDS_HEADER, ""))
        except ValueError:
            return
        if device in ("cpu", "gpu") and seconds >= 0:
            metrics.MODEL_DEVICE_SECONDS.labels(self._app, device).inc(seconds)


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _abort(connection: http.client.HTTPConnection) -> None:
    """Shuts the socket under a request in flight: the reading thread wakes, and the server sees the client go."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _local_device() -> str:
    """ "gpu" when this process's torch (if the model loaded it) sees CUDA; the device label stays low-cardinality."""
    torch = sys.modules.get("torch")
    return "gpu" if torch is not None and torch.cuda.is_available() else "cpu"
