"""Soak: many jobs through the production configuration, with or without the fault matrix.

The mesh runs as the chart deploys it (group mode, two replicas per stage,
PostgreSQL when CINEMESH_TEST_POSTGRES_URL or the default local server is
reachable, else SQLite). A baseline batch runs first without faults, in the
same run; then `--jobs` jobs run while the fault matrix is injected (`--faults
random`) or not (`--faults none`). Prints lost, charged-twice and stuck counts,
whether the ledger balances, and throughput against the baseline.

    .venv/bin/python benchmarks/soak.py --jobs 200 --faults random [--baseline-jobs 30]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from faults import FAULT_ENV, REPLICAS, Faults, tally
from report import figure
from support import Client, postgres_schema

from cinemesh.mesh.launcher import LOCAL_ACCOUNT, LOCAL_BALANCE, EmbeddedMesh
from cinemesh.runtime.jobstore import JobStore

PROMPTS = [
    "A paper boat drifting down a rain gutter",
    "A lighthouse beam sweeping over a calm sea at night, a bell tolls at 0.5 s",
    "A red fox trotting through snowy birches",
    "A cat knocks a cup off a table at 0.6 s",
]


def run_batch(mesh: EmbeddedMesh, store: JobStore, count: int, offset: int, timeout: float) -> tuple[list[str], float]:
    """Submits `count` jobs at once and waits until all are terminal; returns their ids and the wall time."""
    assert mesh.info is not None
    client = Client(mesh.info.gateway_address, mesh.info.api_key)
    started = time.monotonic()
    ids = [
        client.submit(
            f"{PROMPTS[i % len(PROMPTS)]}, soak {offset + i}", duration_seconds=1.0, resolution="480p"
        ).job.job_id
        for i in range(count)
    ]
    deadline = started + timeout
    while time.monotonic() < deadline and not all(store.get_job(job_id).terminal for job_id in ids):
        time.sleep(2.0)
    client.channel.close()
    return ids, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--baseline-jobs", type=int, default=30)
    parser.add_argument("--faults", choices=("random", "none"), default="random")
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    with postgres_schema() as database_url, tempfile.TemporaryDirectory() as state:
        mesh = EmbeddedMesh(
            Path(state),
            replicas=REPLICAS,
            extra_env={
                "CINEMESH_DATABASE_URL": database_url,
                **FAULT_ENV,
                # The soak submits every job at once from one key: it measures the mesh, not the limits.
                "CINEMESH_RATE_LIMIT_RPS": "0",
                "CINEMESH_MAX_ACTIVE_JOBS": "0",
            },
        )
        info = mesh.start(timeout=300)
        store = JobStore(info.database_url)
        try:
            base_ids, base_seconds = run_batch(mesh, store, args.baseline_jobs, 0, timeout=1800)
            base_rate = len(base_ids) / base_seconds * 60
            print(f"baseline, no faults: {len(base_ids)} jobs in {base_seconds:.0f} s = {base_rate:.1f} jobs/min")
            artifacts = Path(info.artifacts_url.removeprefix("file://"))
            rng = random.Random(args.seed)
            if args.faults == "random":
                with Faults(mesh, artifacts, rng, replicas=REPLICAS) as faults:
                    ids, seconds = run_batch(mesh, store, args.jobs, len(base_ids), timeout=3600)
                print("\n".join(["faults injected:", *faults.log]))
            else:
                ids, seconds = run_batch(mesh, store, args.jobs, len(base_ids), timeout=3600)
            result = tally(store, info.artifacts_url, base_ids + ids, LOCAL_ACCOUNT, LOCAL_BALANCE)
            rate = len(ids) / seconds * 60
            print(result.summary(len(base_ids) + len(ids)))
            for job in result.failed:
                print(f"failed {job.job_id}: {job.failure_stage}: {job.failure_reason}")
            print(f"with faults={args.faults}: {len(ids)} jobs in {seconds:.0f} s = {rate:.1f} jobs/min")
            figure("soak jobs lost or stuck / charged twice", f"{len(result.stuck)} / {len(result.charged_twice)}")
            figure("soak ledger balanced", str(result.ledger_balanced))
            figure(
                f"soak throughput, faults={args.faults}",
                f"{rate:.1f} jobs/min ({rate / base_rate:.2f}× no-fault baseline)",
            )
        finally:
            store.dispose()
            mesh.stop()


if __name__ == "__main__":
    main()
