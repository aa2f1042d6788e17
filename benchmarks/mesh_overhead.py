"""Mesh overhead: a job through the embedded mesh vs. the same models called directly.

Baseline (measured in the same run): plan → video, audio → assemble in one
process, no broker, no Ray, no database. Mesh: the same prompt submitted to the
gateway and carried by Kafka through all five stages with Ray Serve replicas.
Prints per-run times and the mesh/baseline ratio (median of N).

    .venv/bin/python benchmarks/mesh_overhead.py [--runs 3] [--duration 4] [--resolution 720p]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from report import figure

from cinemesh.audio.model import AudioModel
from cinemesh.lipsync.model import LipSyncModel
from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.prompt.planner import plan
from cinemesh.runtime.config import Settings
from cinemesh.v1 import audio_pb2, common_pb2, gateway_pb2, gateway_pb2_grpc, lipsync_pb2, video_pb2
from cinemesh.video.model import VideoModel

PROMPT = "A lighthouse on a rocky cliff at golden hour, waves rolling in below, slow pan"


def direct(spec: common_pb2.GenerationSpec, state_dir: Path) -> float:
    settings = Settings.from_env("bench", {"CINEMESH_STATE_DIR": str(state_dir)})
    started = time.perf_counter()
    scene_plan = plan(spec, "pro", 7, settings.credits_per_second)
    job_id = str(uuid.uuid4())
    video = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=scene_plan))
    audio = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=job_id, plan=scene_plan))
    LipSyncModel(settings)(
        lipsync_pb2.AssembleOutputRequest(job_id=job_id, plan=scene_plan, video=video.video, audio=audio.audio)
    )
    return time.perf_counter() - started


def through_mesh(spec: common_pb2.GenerationSpec, mesh: EmbeddedMesh) -> float:
    assert mesh.info is not None
    metadata = [("authorization", f"Bearer {mesh.info.api_key}")]
    with __import__("grpc").insecure_channel(mesh.info.gateway_address) as channel:
        stub = gateway_pb2_grpc.JobServiceStub(channel)
        started = time.perf_counter()
        job = stub.SubmitJob(gateway_pb2.SubmitJobRequest(spec=spec), metadata=metadata).job
        for update in stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job.job_id), metadata=metadata):
            job = update.job
        elapsed = time.perf_counter() - started
    if job.state != common_pb2.JOB_STATE_COMPLETED:
        raise RuntimeError(f"job {job.job_id} ended {job.state}: {job.failure_reason}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--resolution", default="720p")
    args = parser.parse_args()
    spec = common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=args.duration, resolution=args.resolution)
    with tempfile.TemporaryDirectory() as tmp:
        baseline = [direct(spec, Path(tmp) / "direct") for _ in range(args.runs)]
        mesh = EmbeddedMesh(Path(tmp) / "mesh")
        started = time.perf_counter()
        mesh.start()
        startup = time.perf_counter() - started
        try:
            through_mesh(spec, mesh)  # warm-up: first call into each Ray replica
            meshed = [through_mesh(spec, mesh) for _ in range(args.runs)]
        finally:
            mesh.stop()
    base, mesh_median = statistics.median(baseline), statistics.median(meshed)
    print(f"clip: {args.duration:g} s at {args.resolution}, {args.runs} runs each")
    print(f"direct (baseline): {', '.join(f'{t:.2f}' for t in baseline)} s  median {base:.2f} s")
    print(f"through the mesh:  {', '.join(f'{t:.2f}' for t in meshed)} s  median {mesh_median:.2f} s")
    print(f"mesh start-up: {startup:.1f} s")
    print(f"ratio mesh/direct: {mesh_median / base:.2f}x  (overhead {mesh_median - base:+.2f} s per job)")
    figure(
        f"{args.duration:g} s {args.resolution} job through the mesh",
        f"{mesh_median:.1f} s; {mesh_median / base:.2f}x direct",
    )
    figure("embedded mesh start-up", f"{startup:.1f} s")


if __name__ == "__main__":
    main()
