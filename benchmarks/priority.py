"""Priority lanes: pro and standard queue waits when 8 pro and 8 standard jobs arrive at once.

Runs the embedded mesh (models in-process, no Ray) and submits two rounds of 16 tiny jobs (1 s, 480p), all at
once from 16 threads, waiting for each round to finish before the next:

- baseline: the 8 "pro" jobs come from a plus account too, so all 16 ride the standard lane, first come first
  served, as before the lanes existed;
- lanes: the 8 pro jobs come from a pro account and ride the pro lanes; the 8 standard ones are the same jobs
  as in the baseline.

A job's queue wait is the sum over its stages of the time from when the stage's input was ready (the job
submitted; the upstream stage finished; for lipsync, both renders finished) to when the stage started it,
read from the job store's stage runs. It prints each tier's p50/p95 queue wait and end-to-end time per
round, and the ratios against the baseline measured in the same run. Goal: pro p95 ≤ 1/3 of standard's,
with every standard job completed.

What bounds the ratio: the p95 of 8 jobs is the slowest of them, and the jobs are alike, so it comes down to
the video stage (the slowest) taking them in waves of k, its records in flight at once. Rendering is not
preempted: whatever the start order, the last pro job waits for ⌈8/k⌉ − 1 renders and the last standard job
for ⌈16/k⌉ − 1, so with renders of equal length pro's p95 is at best (⌈8/k⌉ − 1)/(⌈16/k⌉ − 1) of standard's:
7/15 at k = 1, 1/3 at k = 4. Measured at k = 4 (16 partitions, no slot kept for pro), three runs gave 0.46,
0.35 and 0.45. Pro jobs also reach a stage at different times, as their earlier stages finish them, and a
standard record that takes a free slot in between holds a pro one back for a whole render: at k = 8 with no
slot kept, the video stage started PPPPPPssPPssssss and the ratio was 0.51.

So `make bench` keeps slots for pro (`CINEMESH_PRIORITY_RESERVED_PRO_SLOTS`, `runtime/lanes.py`): k = 10, of
which standard records take at most 2 (as many renders as this machine's 2 cores run at full speed) and the
other 8 only pro records, as many as the burst. A pro record then never waits for a render; it shares the cores
with those running, so what it gains is the wait, not render speed: its end-to-end time improves little while
standard's grows. Measured on 2 busy cores (load 6 to 9): k = 10 with 8 kept, 0.09 and 0.07 (pro p95 wait
1.2 and 1.1 s, standard 13.7 and 16.1 s); k = 8 with 4 kept, 0.09, 0.11 and 0.37 (in the last, two standard
jobs reached the video stage before any pro one and took two of the four open slots); k = 4 with 2 kept, 0.39
and 0.38. The script prints, for each tier, the stages its p95 job waited at and the order the video stage
started the jobs in.

    .venv/bin/python benchmarks/priority.py [--jobs 8] [--concurrency 1] [--partitions 4] [--reserved-pro-slots 0]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from report import figure

from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.runtime.auth import SCOPES, Keyring, load_pepper
from cinemesh.runtime.jobstore import JobStore
from cinemesh.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc

PROMPTS = (
    "A red kite over a windy beach",
    "A paper boat in a rainy gutter",
    "A lighthouse at dusk, waves below",
    "A cat on a windowsill watching snow",
    "A hot air balloon over a desert",
    "A fox trotting through a forest",
    "A sailboat on a calm lake at noon",
    "A train crossing a mountain bridge",
)
TERMINAL = (common_pb2.JOB_STATE_COMPLETED, common_pb2.JOB_STATE_FAILED, common_pb2.JOB_STATE_CANCELLED)


@dataclass(frozen=True)
class Outcome:
    group: str  # "pro" or "standard": the half of the round the job belongs to
    job_id: str
    state: int
    queue_wait: float
    end_to_end: float
    #: stage → seconds its input waited before the stage started it
    stage_waits: dict[str, float]
    #: when the video stage (the slowest) started the job, epoch seconds
    video_started: float


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


STAGES = ("prompt", "identity", "video", "audio", "lipsync")


def queue_wait(store: JobStore, job_id: str) -> tuple[dict[str, float], float, float]:
    """Stage → seconds the job's record waited before the stage started it; submission to the last stage's end;
    when the video stage started it."""
    job = store.get_job(job_id)
    runs = {run.stage: run for run in store.stage_runs(job_id)}
    finished = {stage: run.finished_at for stage, run in runs.items()}
    ready = {
        "prompt": job.created_at,
        "identity": finished.get("prompt"),
        "video": finished.get("identity"),
        "audio": finished.get("identity"),
        "lipsync": max(filter(None, (finished.get("video"), finished.get("audio"))), default=None),
    }
    waited = {
        stage: max(0.0, (runs[stage].started_at - since).total_seconds())
        for stage, since in ready.items()
        if stage in runs and since is not None
    }
    end = max((t for t in finished.values() if t is not None), default=job.created_at)
    video = runs.get("video")
    return waited, (end - job.created_at).total_seconds(), video.started_at.timestamp() if video else 0.0


def run_round(address: str, keys: dict[str, str], store: JobStore, label: str, per_group: int) -> list[Outcome]:
    """Submits `per_group` jobs with each group's key from one thread each, all at once; waits for them all."""
    groups = [(group, i) for i in range(per_group) for group in ("pro", "standard")]
    barrier = threading.Barrier(len(groups))
    submitted: dict[tuple[str, int], str] = {}
    errors: list[BaseException] = []

    def submit(group: str, i: int) -> None:
        try:
            prompt = f"{PROMPTS[i % len(PROMPTS)]}, {label} {group} take {i}"
            spec = common_pb2.GenerationSpec(prompt=prompt, duration_seconds=1.0, resolution="480p", seed=1000 + i)
            request = gateway_pb2.SubmitJobRequest(spec=spec)
            with grpc.insecure_channel(address) as channel:
                stub = gateway_pb2_grpc.JobServiceStub(channel)
                metadata = [("authorization", f"Bearer {keys[group]}")]
                barrier.wait(timeout=60)
                submitted[(group, i)] = stub.SubmitJob(request, metadata=metadata, timeout=60).job.job_id
        except BaseException as exc:  # reported below, after every thread is joined
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=g) for g in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    deadline = time.monotonic() + 900
    states: dict[str, int] = {}
    with grpc.insecure_channel(address) as channel:
        stub = gateway_pb2_grpc.JobServiceStub(channel)
        for (group, _), job_id in submitted.items():
            metadata = [("authorization", f"Bearer {keys[group]}")]
            while True:
                job = stub.GetJob(gateway_pb2.GetJobRequest(job_id=job_id), metadata=metadata, timeout=10).job
                if job.state in TERMINAL:
                    states[job_id] = job.state
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{label}: job {job_id} not finished after 15 minutes")
                time.sleep(0.5)
    outcomes = []
    for (group, _), job_id in submitted.items():
        waited, end_to_end, video_started = queue_wait(store, job_id)
        outcomes.append(Outcome(group, job_id, states[job_id], sum(waited.values()), end_to_end, waited, video_started))
    return outcomes


def summary(outcomes: list[Outcome], group: str) -> dict[str, float]:
    mine = [o for o in outcomes if o.group == group]
    waits = [o.queue_wait for o in mine]
    ends = [o.end_to_end for o in mine]
    return {
        **{f"mean_{stage}": statistics.fmean(o.stage_waits.get(stage, 0.0) for o in mine) for stage in STAGES},
        "completed": sum(1 for o in mine if o.state == common_pb2.JOB_STATE_COMPLETED),
        "count": len(mine),
        "wait_p50": statistics.median(waits),
        "wait_p95": percentile(waits, 0.95),
        "e2e_p50": statistics.median(ends),
        "e2e_p95": percentile(ends, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8, help="jobs per tier per round")
    parser.add_argument("--concurrency", type=int, default=1, help="CINEMESH_CONSUMER_CONCURRENCY of every stage")
    parser.add_argument("--partitions", type=int, default=4, help="CINEMESH_KAFKA_PARTITIONS of every topic and lane")
    parser.add_argument(
        "--reserved-pro-slots", type=int, default=0, help="CINEMESH_PRIORITY_RESERVED_PRO_SLOTS of every stage"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        env = {
            "CINEMESH_RATE_LIMIT_RPS": "0",
            "CINEMESH_MAX_ACTIVE_JOBS": str(4 * args.jobs),
            "CINEMESH_CONSUMER_CONCURRENCY": str(args.concurrency),
            "CINEMESH_KAFKA_PARTITIONS": str(args.partitions),
            "CINEMESH_PRIORITY_RESERVED_PRO_SLOTS": str(args.reserved_pro_slots),
            "CINEMESH_X264_PRESET": "ultrafast",
        }
        mesh = EmbeddedMesh(Path(state), model_runtime="inprocess", extra_env=env)
        info = mesh.start(timeout=300)
        store = JobStore(info.database_url)
        try:
            store.upsert_account("bench-plus", "plus", 1_000_000)
            plus_key = Keyring(store, load_pepper("", Path(info.state_dir))).issue("bench-plus", SCOPES)[1]
            # Warm-up: one job through every stage, so no round pays for first-call imports and model loads.
            run_round(info.gateway_address, {"pro": plus_key, "standard": plus_key}, store, "warm-up", 1)
            rounds = {
                "baseline": run_round(
                    info.gateway_address, {"pro": plus_key, "standard": plus_key}, store, "baseline", args.jobs
                ),
                "lanes": run_round(
                    info.gateway_address, {"pro": info.api_key, "standard": plus_key}, store, "lanes", args.jobs
                ),
            }
        finally:
            store.dispose()
            mesh.stop()
    stats = {name: {g: summary(o, g) for g in ("pro", "standard")} for name, o in rounds.items()}
    for name, by_group in stats.items():
        for group, s in by_group.items():
            print(
                f"{name:8s} {group:8s}: {s['completed']}/{s['count']} completed; queue wait p50 {s['wait_p50']:.1f} s "
                f"p95 {s['wait_p95']:.1f} s; end to end p50 {s['e2e_p50']:.1f} s p95 {s['e2e_p95']:.1f} s; "
                "mean wait per stage: " + ", ".join(f"{stage} {s['mean_' + stage]:.1f} s" for stage in STAGES)
            )
    for name, outcomes in rounds.items():
        for group in ("pro", "standard"):
            # The job at the p95 (the slowest of 8): where its wait came from.
            waits = sorted((o for o in outcomes if o.group == group), key=lambda o: o.queue_wait)
            slowest = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
            print(
                f"{name:8s} {group:8s}: p95 job waited {slowest.queue_wait:.1f} s: "
                + ", ".join(f"{stage} {slowest.stage_waits.get(stage, 0.0):.1f} s" for stage in STAGES)
            )
    for name, outcomes in rounds.items():
        order = "".join("P" if o.group == "pro" else "s" for o in sorted(outcomes, key=lambda o: o.video_started))
        print(f"{name:8s} order the video stage started the jobs in (P pro, s standard): {order}")
    base, lanes = stats["baseline"], stats["lanes"]
    ratio = lanes["pro"]["wait_p95"] / max(lanes["standard"]["wait_p95"], 1e-9)
    base_ratio = base["pro"]["wait_p95"] / max(base["standard"]["wait_p95"], 1e-9)
    print(f"pro/standard p95 queue wait: {ratio:.2f} with lanes, {base_ratio:.2f} baseline (goal ≤ 0.33)")
    setup = (
        f"{args.concurrency} in flight per stage, {args.reserved_pro_slots} of them kept for pro, "
        f"{args.partitions} partitions per lane"
    )
    figure(
        "pro / standard p95 queue wait",
        f"{ratio:.2f} with lanes ({base_ratio:.2f} baseline, goal ≤ 0.33; {setup})",
    )
    median_ratio = lanes["pro"]["wait_p50"] / max(lanes["standard"]["wait_p50"], 1e-9)
    base_median_ratio = base["pro"]["wait_p50"] / max(base["standard"]["wait_p50"], 1e-9)
    figure("pro / standard p50 queue wait", f"{median_ratio:.2f} with lanes ({base_median_ratio:.2f} baseline)")
    for group in ("pro", "standard"):
        figure(
            f"{group} p95 queue wait",
            f"{lanes[group]['wait_p95']:.1f} s ({lanes[group]['wait_p95'] / max(base[group]['wait_p95'], 1e-9):.2f}× "
            f"baseline {base[group]['wait_p95']:.1f} s)",
        )
    pro_e2e, base_pro_e2e = lanes["pro"]["e2e_p95"], base["pro"]["e2e_p95"]
    figure(
        "pro p95 end to end",
        f"{pro_e2e:.1f} s with lanes ({pro_e2e / max(base_pro_e2e, 1e-9):.2f}× baseline {base_pro_e2e:.1f} s)",
    )
    figure("standard jobs completed with lanes", f"{lanes['standard']['completed']}/{lanes['standard']['count']}")


if __name__ == "__main__":
    main()
