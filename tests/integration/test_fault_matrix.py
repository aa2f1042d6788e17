"""The production configuration under faults: group mode, two replicas per stage, PostgreSQL.

The mesh runs as the Helm chart deploys it — consumer groups, several
processes per stage, PostgreSQL — on the real embedded broker and Ray Serve.
While 30 jobs run, stage replicas are SIGKILLed every few seconds, Ray Serve is
restarted, the artifact store is unwritable for 20 s and the broker is killed
(its records are lost; the supervisor restarts it). Every job must end
completed, or failed with its credits refunded, with the ledger balanced.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import FAULT_ENV, REPLICAS, Faults, tally
from support import Client, postgres_schema, running

from cinemesh.mesh.launcher import LOCAL_ACCOUNT, LOCAL_BALANCE, EmbeddedMesh
from cinemesh.runtime.jobstore import JobStore

pytestmark = pytest.mark.integration

JOBS = 30
PROMPTS = [
    "A paper boat drifting down a rain gutter",
    "A lighthouse beam sweeping over a calm sea at night, a bell tolls at 0.5 s",
    "A red fox trotting through snowy birches",
    "A tram crossing a bridge in the evening",
    "Lanterns floating on a lake",
    "A cat knocks a cup off a table at 0.6 s",
]


@pytest.fixture(scope="module")
def production_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedMesh]:
    with postgres_schema() as database_url:
        state_dir = tmp_path_factory.mktemp("faults")
        mesh = EmbeddedMesh(
            state_dir,
            replicas=REPLICAS,
            extra_env={
                "CINEMESH_DATABASE_URL": database_url,
                **FAULT_ENV,
                # Jobs pile up while faults hold them back; the matrix tests recovery, not the cap.
                "CINEMESH_MAX_ACTIVE_JOBS": str(JOBS),
            },
        )
        with running(mesh, state_dir, timeout=300):
            yield mesh


def test_every_job_ends_once_with_a_balanced_ledger_under_the_fault_matrix(production_mesh: EmbeddedMesh) -> None:
    mesh = production_mesh
    assert mesh.info is not None
    client = Client(mesh.info.gateway_address, mesh.info.api_key)
    store = JobStore(mesh.info.database_url)
    artifacts_root = Path(mesh.info.artifacts_url.removeprefix("file://"))
    (artifacts_root / "jobs").mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261203)
    try:
        with Faults(mesh, artifacts_root, rng, replicas=REPLICAS) as faults:
            job_ids = []
            for i in range(JOBS):
                prompt = f"{PROMPTS[i % len(PROMPTS)]}, take {i}"
                job_ids.append(client.submit(prompt, duration_seconds=1.0, resolution="480p").job.job_id)
                time.sleep(rng.uniform(2.0, 4.0))
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                states = [store.get_job(job_id).state for job_id in job_ids]
                if all(state in ("completed", "failed", "cancelled") for state in states):
                    break
                time.sleep(2.0)
        print("\n".join(["faults injected:", *faults.log]))
        assert faults.error is None, f"the fault injector itself failed: {faults.error!r}"
        injected = "\n".join(faults.log)
        for fault in ("SIGKILL", "artifact store unwritable", "Ray Serve back", "broker SIGKILLed"):
            assert fault in injected, f"{fault!r} was not injected while jobs ran"

        result = tally(store, mesh.info.artifacts_url, job_ids, LOCAL_ACCOUNT, LOCAL_BALANCE)
        print(result.summary(JOBS))
        for job in result.failed:
            print(f"failed {job.job_id}: {job.failure_stage}: {job.failure_reason}")
            # where its time went, against the fault log: which stage it waited on through its re-drives
            for run in store.stage_runs(job.job_id):
                print(f"  {run.stage}: {run.status}, {run.attempts} attempt(s), {run.started_at} → {run.finished_at}")

        assert result.stuck == []
        assert result.charged_twice == []
        assert result.without_one_output == []
        for job in result.completed:
            assert job.credits_charged == job.credits_reserved and job.credits_refunded == 0
            assert store.ledger(job.job_id) == {"reserve": job.credits_reserved, "charge": job.credits_reserved}
        for job in result.failed:
            assert job.credits_charged == 0 and job.credits_refunded == job.credits_reserved
            assert store.ledger(job.job_id) == {"reserve": job.credits_reserved, "refund": job.credits_reserved}
        assert result.ledger_balanced
        # Faults are transient: the mesh is expected to ride them out, not to fail jobs.
        assert len(result.completed) == JOBS, [f"{job.failure_stage}: {job.failure_reason}" for job in result.failed]
    finally:
        client.channel.close()
        store.dispose()
