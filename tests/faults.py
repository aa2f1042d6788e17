"""The fault matrix, as a harness for the fault-matrix test and the soak benchmark.

On a running EmbeddedMesh it SIGKILLs stage replicas (and restarts them),
makes the artifact store unwritable for 20 s, restarts Ray Serve and kills the
broker (the supervisor restarts it), on a seeded schedule.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from support import unwritable

from cinemesh.mesh.launcher import EmbeddedMesh, instance_names, service_of
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.jobstore import JobRecord, JobStore, credit_ledger

#: The production configuration the fault matrix runs: every model stage and the prompt stage twice, in group mode.
REPLICAS = {"prompt": 2, "video": 2, "audio": 2, "lipsync": 2}
#: Faults here last seconds: leases, stall detection and retries are scaled to match.
FAULT_ENV = {
    "CINEMESH_LEASE_SECONDS": "6",
    "CINEMESH_STALL_SECONDS": "30",
    "CINEMESH_RECONCILE_INTERVAL_SECONDS": "2",
    "CINEMESH_MAX_REDRIVES": "6",
    "CINEMESH_RETRY_HORIZON_SECONDS": "180",
    "CINEMESH_RETRY_MAX_DELAY_SECONDS": "4",
    "CINEMESH_X264_PRESET": "ultrafast",
}

#: The faults in the order they are injected; after the plan, replicas keep being killed until the end.
PLAN = ("kill", "artifacts", "kill", "ray", "kill", "broker", "kill", "kill")


class Faults:
    """Injects the fault matrix on a thread until told to stop; records what it did."""

    def __init__(
        self, mesh: EmbeddedMesh, artifacts: Path, rng: random.Random, replicas: dict[str, int], plan: tuple = PLAN
    ) -> None:
        self.mesh = mesh
        self.plan = plan
        self.killable = [name for name in instance_names(replicas) if service_of(name) in replicas]
        self.artifacts = artifacts
        self.rng = rng
        self.log: list[str] = []
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faults", daemon=True)

    def __enter__(self) -> Faults:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=300)

    def _note(self, what: str) -> None:
        self.log.append(f"{time.monotonic() - self._started:6.1f} s  {what}")

    def _kill_a_replica(self) -> None:
        victim = self.rng.choice(self.killable)
        self.mesh.kill_service(victim)
        self._note(f"SIGKILL {victim}")
        time.sleep(1.0)
        self.mesh.start_service(victim, timeout=120)

    def _run(self) -> None:
        try:
            # The whole plan runs while jobs are being submitted (about 90 s), whatever the jobs do.
            for step in self.plan:
                time.sleep(self.rng.uniform(2.0, 4.0))
                if step == "kill":
                    self._kill_a_replica()
                elif step == "artifacts":
                    with unwritable(self.artifacts):
                        self._note("artifact store unwritable for 20 s")
                        self._stop.wait(20.0)
                elif step == "ray":
                    self._note("Ray Serve restarting")
                    self.mesh.restart_rayhost()
                    self._note("Ray Serve back")
                elif step == "broker":
                    pid = self.mesh.kill_broker()
                    self._note(f"broker SIGKILLed; restarted as pid {pid}")
            while not self._stop.wait(self.rng.uniform(4.0, 8.0)):
                self._kill_a_replica()
        except BaseException as exc:  # reported by the test
            self.error = exc


@dataclass
class Tally:
    """How a batch of jobs ended, and whether the credits add up."""

    completed: list[JobRecord]
    failed: list[JobRecord]
    stuck: list[str]
    charged_twice: list[str]
    without_one_output: list[str]
    redrives: int
    ledger_balanced: bool

    def summary(self, jobs: int) -> str:
        return (
            f"jobs {jobs}: completed {len(self.completed)}, failed {len(self.failed)}, "
            f"lost/stuck {len(self.stuck)}, charged twice {len(self.charged_twice)}, "
            f"without exactly one output {len(self.without_one_output)}, ledger balanced {self.ledger_balanced}; "
            f"re-drives since a stage last finished {self.redrives}"
        )


def tally(store: JobStore, artifacts_url: str, job_ids: list[str], account_id: str, initial_balance: int) -> Tally:
    jobs = [store.get_job(job_id) for job_id in job_ids]
    completed = [job for job in jobs if job.state == "completed"]
    with store.engine.connect() as conn:
        charges = conn.execute(
            sa.select(credit_ledger.c.job_id, sa.func.count())
            .where(credit_ledger.c.kind == "charge")
            .group_by(credit_ledger.c.job_id)
        ).all()
    artifacts = ArtifactStore(artifacts_url)
    without_one_output = [
        job.job_id
        for job in completed
        if sum(key.endswith("final.mp4") for key in artifacts.list_keys(f"jobs/{job.job_id}")) != 1
    ]
    charged = sum(job.credits_charged for job in jobs)
    reserved = sum(job.credits_reserved for job in jobs if not job.terminal)
    balance = store.get_account(account_id).balance_credits
    return Tally(
        completed=completed,
        failed=[job for job in jobs if job.state == "failed"],
        stuck=[job.job_id for job in jobs if not job.terminal],
        charged_twice=[job_id for job_id, count in charges if count > 1],
        without_one_output=without_one_output,
        redrives=sum(job.redrives for job in jobs),
        ledger_balanced=balance + reserved == initial_balance - charged,
    )
