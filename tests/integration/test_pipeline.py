"""A prompt goes through all five stages over the real broker and comes back as an MP4."""

from __future__ import annotations

import time
import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pipeline_checks import assert_prompt_to_mp4
from support import records_of

from cinemesh.runtime import tracing
from cinemesh.runtime.topics import JOBS_COMPLETED, JOBS_SUBMITTED, PRO_LANE, lane_topic
from cinemesh.v1 import common_pb2, gateway_pb2

pytestmark = pytest.mark.integration


def test_prompt_to_mp4_through_every_stage(mesh, client, store) -> None:
    assert_prompt_to_mp4(mesh, client, store)


def test_trace_context_crosses_every_hop(mesh, client) -> None:
    root = tracing.new_traceparent()
    request = gateway_pb2.SubmitJobRequest(
        spec=common_pb2.GenerationSpec(
            prompt="Fireflies over a meadow at dusk", duration_seconds=1.0, resolution="480p"
        )
    )
    job_id = client.stub.SubmitJob(request, metadata=[*client.metadata, ("traceparent", root)]).job.job_id
    assert client.wait(job_id).state == common_pb2.JOB_STATE_COMPLETED
    trace_id = tracing.trace_id_of(root)
    # The local account is pro: its JobSubmitted record rides the pro lane.
    for topic in (lane_topic(JOBS_SUBMITTED, PRO_LANE), JOBS_COMPLETED):
        (record,) = records_of(mesh.info.kafka_bootstrap, topic, key=job_id)
        traceparent = dict(record.headers)["traceparent"].decode()
        assert tracing.trace_id_of(traceparent) == trace_id
        assert traceparent != root  # a new span per hop


def test_submit_is_idempotent_by_request_id(client) -> None:
    request_id = f"req-{uuid.uuid4()}"
    balance = client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata).balance_credits
    first = client.submit(
        "A hot air balloon over a desert canyon", request_id=request_id, duration_seconds=1.0, resolution="480p"
    )
    second = client.submit(
        "A hot air balloon over a desert canyon", request_id=request_id, duration_seconds=1.0, resolution="480p"
    )
    assert first.created and not second.created
    assert first.job.job_id == second.job.job_id
    after = client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata).balance_credits
    assert balance - after == first.job.credits_reserved
    assert client.wait(first.job.job_id).state == common_pb2.JOB_STATE_COMPLETED


def test_watch_streams_stage_progress_to_completion(client) -> None:
    job_id = client.submit(
        "Snow falling on a quiet mountain village", duration_seconds=1.0, resolution="480p"
    ).job.job_id
    updates = list(
        client.stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job_id), metadata=client.metadata, timeout=180)
    )
    assert updates[-1].job.state == common_pb2.JOB_STATE_COMPLETED
    assert updates[-1].progress_percent == 100.0
    progress = [u.progress_percent for u in updates]
    assert progress == sorted(progress), progress
    assert len(updates) >= 2
    # Once earlier jobs are measured, the ETA is known (>= 0) while the job runs.
    assert any(u.eta_seconds >= 0 for u in updates[:-1])


def test_unknown_job_is_not_found(client) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        client.get(str(uuid.uuid4()))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_many_watchers_leave_health_and_other_calls_unaffected(mesh, client) -> None:
    """300 open WatchJob streams (the gateway used to spend one of 16 threads on each) while health checks
    and GetAccount keep answering within the 5 s deadline they used to miss with 20 watchers, and every
    watcher sees the job complete."""
    job_id = client.submit("A kite over a windy beach, watched", duration_seconds=1.0, resolution="480p").job.job_id
    watchers = 300
    calls = [
        client.stub.WatchJob(gateway_pb2.WatchJobRequest(job_id=job_id), metadata=client.metadata, timeout=180)
        for _ in range(watchers)
    ]
    health = health_pb2_grpc.HealthStub(client.channel)
    try:
        started = time.monotonic()
        slowest = 0.0
        for _ in range(20):
            before = time.monotonic()
            assert (
                health.Check(health_pb2.HealthCheckRequest(), timeout=5).status
                == health_pb2.HealthCheckResponse.SERVING
            )
            client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata, timeout=5)
            slowest = max(slowest, time.monotonic() - before)
            time.sleep(0.1)
        print(f"{watchers} watchers: slowest health check + GetAccount {slowest * 1000:.0f} ms")
        finals = [list(call)[-1] for call in calls]
    finally:
        for call in calls:
            call.cancel()
    assert all(update.job.state == common_pb2.JOB_STATE_COMPLETED for update in finals)
    assert time.monotonic() - started < 180
