"""Ray Serve side of a stage's model: one generic deployment for proto-in/proto-out models.

A KubeRay RayService (or the embedded mesh) deploys each model-bearing stage as
an application built by `build_app`, e.g. `import_path:
cinemesh.runtime.serving:build_app` with args `{"name": "video", "model":
"cinemesh.video.model:VideoModel", ...}`.
"""

from __future__ import annotations

import asyncio
import hmac
import importlib
import os
import threading
import time
from typing import Any

import ray
from ray import serve
from ray.serve import Application
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cinemesh.runtime import cancellation
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import CinemeshError
from cinemesh.runtime.modelclient import DEVICE_HEADER, DEVICE_SECONDS_HEADER, PROTOBUF
from cinemesh.runtime.retry import Cause, classify
from cinemesh.runtime.tls import SERVICE_TOKEN_METADATA


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@serve.deployment
class ProtoModel:
    """Hosts one stage model; bodies are the model's request/response protobufs."""

    def __init__(self, name: str, model: str, env: dict[str, str]) -> None:
        # The replica's own CINEMESH_* environment (a KubeRay pod's env, Secrets included) under the app's args.
        process_env = {k: v for k, v in os.environ.items() if k.startswith("CINEMESH_")}
        settings = Settings.from_env(name, {**process_env, **env})
        self._model = _load(model)(settings)
        self._request_type = self._model.request_type
        self._device = "gpu" if ray.get_gpu_ids() else "cpu"
        # Serve's HTTP proxy has no mTLS: with a service token configured, only callers that send it run the model.
        self._service_token = settings.service_token.encode()

    async def __call__(self, request: Request) -> Response:
        sent = request.headers.get(SERVICE_TOKEN_METADATA, "").encode()
        if self._service_token and not hmac.compare_digest(sent, self._service_token):
            message = "models are internal to the mesh: only cinemesh stages (with the service token) may call them"
            return JSONResponse({"code": "UNAUTHENTICATED", "message": message}, status_code=401)
        body = await request.body()
        try:
            message = self._request_type.FromString(body)
            started = time.monotonic()
            cancelled = threading.Event()
            with cancellation.cancellable(cancelled):  # the model's thread gets a copy of this context
                work = asyncio.ensure_future(asyncio.to_thread(self._model, message))
            try:
                reply = await asyncio.shield(work)
            except asyncio.CancelledError:
                # The caller went away (its job was cancelled): tell the model to stop between frames. Its
                # WorkCancelled is expected, so it is collected here instead of logged as never retrieved.
                cancelled.set()
                work.add_done_callback(lambda done: done.cancelled() or done.exception())
                raise
            busy = time.monotonic() - started
        except CinemeshError as exc:
            status = 503 if exc.retryable else 422
            return JSONResponse({"code": exc.code.name, "message": exc.message}, status_code=status)
        except Exception as exc:
            if classify(exc) is not Cause.TRANSIENT:
                raise
            # A full or read-only artifact store, a database blip: the caller retries it until it clears.
            return JSONResponse({"code": "UNAVAILABLE", "message": f"{type(exc).__name__}: {exc}"}, status_code=503)
        # The stage front counts these in cinemesh_model_device_seconds_total (it is the process Prometheus scrapes).
        headers = {DEVICE_HEADER: self._device, DEVICE_SECONDS_HEADER: f"{busy:.6f}"}
        return Response(reply.SerializeToString(), media_type=PROTOBUF, headers=headers)


def build_app(args: dict[str, Any]) -> Application:
    """Application builder; args: name, model, env, autoscaling_config, num_cpus, num_gpus."""
    options: dict[str, Any] = {
        "name": f"{args['name']}-model",
        "autoscaling_config": args.get(
            "autoscaling_config",
            {"min_replicas": 1, "max_replicas": 2, "target_ongoing_requests": 1},
        ),
        "max_ongoing_requests": int(args.get("max_ongoing_requests", 2)),
        "ray_actor_options": {
            "num_cpus": float(args.get("num_cpus", 1)),
            "num_gpus": float(args.get("num_gpus", 0)),
        },
    }
    return ProtoModel.options(**options).bind(args["name"], args["model"], dict(args.get("env", {})))
