"""Owns the embedded Ray instance and deploys each model-bearing stage as a Serve app.

The same applications a KubeRay RayService deploys from `serveConfigV2`:
`cinemesh.runtime.serving:build_app` with per-stage args.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

import ray
from ray import serve

from cinemesh.runtime.server import configure_logging
from cinemesh.runtime.serving import build_app

#: stage → import path of its model class.
MODEL_APPS = {
    "video": "cinemesh.video.model:VideoModel",
    "audio": "cinemesh.audio.model:AudioModel",
    "lipsync": "cinemesh.lipsync.model:LipSyncModel",
}

log = logging.getLogger("cinemesh.rayhost")


def main() -> None:
    configure_logging("rayhost")
    port = int(os.environ["CINEMESH_RAY_SERVE_PORT"])
    env = {k: v for k, v in os.environ.items() if k.startswith("CINEMESH_")}
    num_gpus = float(os.environ.get("CINEMESH_NUM_GPUS_PER_REPLICA", "0"))
    # Logical CPUs: replicas mostly wait on encoders and I/O; the OS shares the real cores.
    # ray_serve_* metrics (replicas, queues) are served on this port, as a KubeRay pod serves them on 8080.
    metrics_port = int(os.environ.get("CINEMESH_RAY_METRICS_PORT", "0")) or None
    ray.init(
        num_cpus=max(8, os.cpu_count() or 2),
        include_dashboard=False,
        log_to_driver=False,
        namespace="cinemesh",
        _metrics_export_port=metrics_port,
    )
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    for name, model in MODEL_APPS.items():
        app = build_app({"name": name, "model": model, "env": env, "num_gpus": num_gpus})
        serve.run(app, name=name, route_prefix=f"/{name}", blocking=False)
    log.info("Ray Serve apps %s ready on http://127.0.0.1:%d", ", ".join(MODEL_APPS), port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    # Stopping the local cluster ends every replica; serve.shutdown() would first
    # wait up to 30 s for the controller to drain apps nobody is calling any more.
    ray.shutdown()


if __name__ == "__main__":
    main()
