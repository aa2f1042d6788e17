"""Priority lanes on the real mesh: a pro job submitted behind a backlog of standard jobs overtakes them."""

from __future__ import annotations

import secrets
import time

import grpc
import pytest
import requests
from support import Client, records_of

from cinemesh.runtime.topics import JOBS_SUBMITTED, PRO_LANE, lane_topic
from cinemesh.v1 import gateway_pb2

pytestmark = pytest.mark.integration

BACKLOG = 4


def _prompt_runs(store, job_ids: list[str], timeout: float) -> dict:  # type: ignore[no-untyped-def]
    """Each job's finished prompt-stage run, once all of them have one."""
    deadline = time.monotonic() + timeout
    while True:
        runs = {
            job_id: run
            for job_id in job_ids
            for run in store.stage_runs(job_id)
            if run.stage == "prompt" and run.status == "done"
        }
        if len(runs) == len(job_ids):
            return runs
        if time.monotonic() > deadline:
            raise TimeoutError(f"prompt stage finished {len(runs)} of {len(job_ids)} jobs in {timeout} s")
        time.sleep(0.2)


def test_a_pro_job_behind_a_standard_backlog_finishes_its_first_stage_first(mesh, store, keyring, client) -> None:
    account = f"plus-{secrets.token_hex(6)}"
    store.upsert_account(account, "plus", 10_000)
    plus = Client(mesh.info.gateway_address, keyring.issue(account, ["jobs:write", "jobs:read"])[1])
    submitted: list[tuple[Client, str]] = []
    try:
        mesh.kill_service("prompt")  # the standard jobs pile up in the prompt stage's input
        standard = [
            plus.submit(f"A kite over a beach, backlog {i}", duration_seconds=1.0, resolution="480p").job.job_id
            for i in range(BACKLOG)
        ]
        submitted += [(plus, job_id) for job_id in standard]
        pro = client.submit("A kite over a beach, pro", duration_seconds=1.0, resolution="480p").job.job_id
        submitted.append((client, pro))
        # The gateway routed each job to its tier's lane.
        bootstrap = mesh.info.kafka_bootstrap
        assert len(records_of(bootstrap, lane_topic(JOBS_SUBMITTED, PRO_LANE), key=pro)) == 1
        assert records_of(bootstrap, JOBS_SUBMITTED, key=pro) == []
        assert all(len(records_of(bootstrap, JOBS_SUBMITTED, key=job_id)) == 1 for job_id in standard)
        time.sleep(1.0)  # the pro job is the youngest record by a clear margin
        mesh.start_service("prompt")
        runs = _prompt_runs(store, [*standard, pro], timeout=120)
        for job_id in standard:
            assert runs[pro].finished_at <= runs[job_id].started_at, (
                f"standard job {job_id} started its prompt stage at {runs[job_id].started_at}, before the pro job "
                f"finished it at {runs[pro].finished_at}"
            )
        metrics = requests.get(f"http://127.0.0.1:{mesh.info.services['prompt'].metrics_port}/metrics", timeout=5)
        series = {
            line.split(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in metrics.text.splitlines()
            if line.startswith("cinemesh_queue_wait_seconds_")
        }
        pro_count = series['cinemesh_queue_wait_seconds_count{stage="prompt",tier="pro"}']
        plus_count = series['cinemesh_queue_wait_seconds_count{stage="prompt",tier="plus"}']
        assert pro_count >= 1 and plus_count >= BACKLOG
        # The waits are real: from each record's publication (its CreateTime) until the restarted stage took it.
        pro_mean = series['cinemesh_queue_wait_seconds_sum{stage="prompt",tier="pro"}'] / pro_count
        plus_mean = series['cinemesh_queue_wait_seconds_sum{stage="prompt",tier="plus"}'] / plus_count
        assert 1.0 <= pro_mean < 300 and 1.0 <= plus_mean < 300
    finally:
        for owner, job_id in submitted:  # the rest of their pipeline is not this test's business
            try:
                owner.stub.CancelJob(gateway_pb2.CancelJobRequest(job_id=job_id), metadata=owner.metadata, timeout=10)
            except grpc.RpcError as error:  # it may have finished meanwhile: nothing left to cancel
                if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
        plus.channel.close()
