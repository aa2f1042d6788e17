"""Watchers: SubmitJob and health-check latency with no watchers vs 500 open WatchJob streams.

Runs the embedded mesh (models in-process, no Ray: only the gateway is measured). The prompt stage
is stopped, so the watched jobs stay queued and their streams stay open while the latencies are
measured; every job submitted for timing is cancelled at once. Baseline: the same measurements with
no watcher, in the same run.

    .venv/bin/python benchmarks/watchers.py [--watchers 500] [--calls 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from report import figure

from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(address: str, api_key: str, calls: int) -> tuple[list[float], list[float]]:
    """Milliseconds of `calls` SubmitJob (each job cancelled right after) and `calls` health checks."""
    metadata = [("authorization", f"Bearer {api_key}")]
    with grpc.insecure_channel(address) as channel:
        jobs = gateway_pb2_grpc.JobServiceStub(channel)
        health = health_pb2_grpc.HealthStub(channel)
        submit_ms, health_ms = [], []
        for i in range(calls):
            started = time.perf_counter()
            spec = common_pb2.GenerationSpec(prompt=f"A kite over a beach, timing {i}", duration_seconds=1.0)
            job = jobs.SubmitJob(gateway_pb2.SubmitJobRequest(spec=spec), metadata=metadata, timeout=30).job
            submit_ms.append((time.perf_counter() - started) * 1000)
            jobs.CancelJob(gateway_pb2.CancelJobRequest(job_id=job.job_id), metadata=metadata, timeout=30)
            started = time.perf_counter()
            health.Check(health_pb2.HealthCheckRequest(), timeout=30)
            health_ms.append((time.perf_counter() - started) * 1000)
    return submit_ms, health_ms


async def hold_watchers(address: str, api_key: str, job_ids: list[str], count: int, opened: threading.Event,
                        release: asyncio.Event) -> int:  # fmt: skip
    """Opens `count` WatchJob streams spread over `job_ids`, reads each one's first update, holds them open."""
    metadata = (("authorization", f"Bearer {api_key}"),)
    async with grpc.aio.insecure_channel(address) as channel:
        stub = gateway_pb2_grpc.JobServiceStub(channel)
        calls = [
            stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job_ids[i % len(job_ids)]), metadata=metadata)
            for i in range(count)
        ]
        firsts = await asyncio.gather(*(call.read() for call in calls))
        opened.set()
        await release.wait()
        for call in calls:
            call.cancel()
        return sum(1 for first in firsts if first is not grpc.aio.EOF)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=500)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        # One key makes every measured call: the benchmark measures the gateway, not its rate limit.
        mesh = EmbeddedMesh(Path(state), model_runtime="inprocess", extra_env={"CINEMESH_RATE_LIMIT_RPS": "0"})
        info = mesh.start(timeout=300)
        try:
            mesh.kill_service("prompt")  # watched jobs stay queued, so their streams stay open
            base_submit, base_health = measure(info.gateway_address, info.api_key, args.calls)
            metadata = [("authorization", f"Bearer {info.api_key}")]
            with grpc.insecure_channel(info.gateway_address) as channel:
                stub = gateway_pb2_grpc.JobServiceStub(channel)
                spec = common_pb2.GenerationSpec(prompt="A kite over a beach, watched", duration_seconds=1.0)
                watched = [
                    stub.SubmitJob(gateway_pb2.SubmitJobRequest(spec=spec), metadata=metadata).job.job_id
                    for _ in range(10)
                ]
            loop = asyncio.new_event_loop()
            opened, release = threading.Event(), asyncio.Event()
            holder = threading.Thread(
                target=lambda: loop.run_until_complete(
                    hold_watchers(info.gateway_address, info.api_key, watched, args.watchers, opened, release)
                )
            )
            holder.start()
            if not opened.wait(120):
                raise TimeoutError(f"{args.watchers} watchers did not all get their first update in 120 s")
            loaded_submit, loaded_health = measure(info.gateway_address, info.api_key, args.calls)
            loop.call_soon_threadsafe(release.set)
            holder.join()
        finally:
            mesh.stop()
    for name, base, loaded in (("SubmitJob", base_submit, loaded_submit), ("health check", base_health, loaded_health)):
        print(
            f"{name}: no watchers p50 {statistics.median(base):.1f} ms p99 {percentile(base, 0.99):.1f} ms; "
            f"{args.watchers} watchers p50 {statistics.median(loaded):.1f} ms p99 {percentile(loaded, 0.99):.1f} ms "
            f"({percentile(loaded, 0.99) / percentile(base, 0.99):.2f}× at p99)"
        )
        figure(
            f"{name} p99 with {args.watchers} watchers",
            f"{percentile(loaded, 0.99):.1f} ms ({percentile(loaded, 0.99) / percentile(base, 0.99):.2f}× none)",
        )


if __name__ == "__main__":
    main()
