"""Delivery rules on the real broker: DLQ for poison records, crash-restart, cancellation."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import grpc
import pytest
from kafka import KafkaProducer
from support import records_of, unwritable

from cinemesh.cli.dlq import read_dead_letters
from cinemesh.cli.main import main as cli_main
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.topics import JOBS_COMPLETED, PLANS_CAST, PRO_LANE, lane_topic
from cinemesh.v1 import common_pb2, gateway_pb2

pytestmark = pytest.mark.integration


def _wait_for(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(what)


def test_malformed_record_goes_to_dlq_and_fails_its_job_while_good_jobs_complete(mesh, client, store) -> None:
    spec = common_pb2.GenerationSpec(prompt="a poisoned job", duration_seconds=1.0)
    poisoned, _ = store.submit_job(
        job_id=str(uuid.uuid4()),
        account_id="local",
        request_id=None,
        tier="pro",
        spec=spec.SerializeToString(),
        seed=1,
        duration_seconds=1.0,
        credits=40,
    )
    good = [
        client.submit(f"Lanterns floating on a lake, take {i}", duration_seconds=1.0, resolution="480p").job.job_id
        for i in range(2)
    ]
    producer = KafkaProducer(bootstrap_servers=mesh.info.kafka_bootstrap)
    producer.send(
        PLANS_CAST,
        key=poisoned.job_id.encode(),
        value=b"\xff\xfe this is not a protobuf",
        headers=[("ce_type", b"cinemesh.v1.PlanCast"), ("ce_id", b"poison-1")],
    ).get(10)
    producer.close()

    job = client.wait(poisoned.job_id, timeout=60)
    assert job.state == common_pb2.JOB_STATE_FAILED
    assert job.failure_stage in (common_pb2.STAGE_VIDEO, common_pb2.STAGE_AUDIO)
    assert "plans.cast" in job.failure_reason and "not a valid cinemesh.v1.PlanCast" in job.failure_reason
    assert job.credits_refunded == 40

    dead = _wait_for(
        lambda: records_of(mesh.info.kafka_bootstrap, f"{PLANS_CAST}.dlq", key=poisoned.job_id), 30, "no DLQ record"
    )
    headers = dict(dead[0].headers)
    assert headers["dlq_error_class"] == b"MalformedRecord"
    assert b"not a valid cinemesh.v1.PlanCast" in headers["dlq_error_message"]
    assert headers["dlq_original_topic"] == PLANS_CAST.encode()
    assert headers["dlq_stage"] in (b"video", b"audio")
    assert int(headers["dlq_attempts"]) == 1  # a decode error cannot change on retry
    assert dead[0].value == b"\xff\xfe this is not a protobuf"

    for job_id in good:
        assert client.wait(job_id).state == common_pb2.JOB_STATE_COMPLETED


def test_stage_killed_mid_job_restarts_and_the_job_completes_once(mesh, client, store) -> None:
    job_id = client.submit(
        "A tram crossing a bridge in the evening", duration_seconds=4.0, resolution="720p"
    ).job.job_id
    _wait_for(
        lambda: any(r.stage == "video" and r.status == "running" for r in store.stage_runs(job_id)),
        60,
        "video stage never started",
    )
    mesh.kill_service("video")  # SIGKILL: no drain, offset not committed
    time.sleep(1.0)
    mesh.start_service("video")

    job = client.wait(job_id)
    assert job.state == common_pb2.JOB_STATE_COMPLETED, job.failure_reason
    runs = {r.stage: r for r in store.stage_runs(job_id)}
    assert set(runs) == {"prompt", "identity", "video", "audio", "lipsync"}
    assert all(r.status == "done" for r in runs.values())
    assert runs["video"].attempts == 2  # the killed attempt and the redelivery
    assert len(records_of(mesh.info.kafka_bootstrap, JOBS_COMPLETED, key=job_id)) == 1
    artifacts = ArtifactStore(mesh.info.artifacts_url)
    names = [
        "audio.sources/ambience.npz",
        "audio.sources/dialogue.npz",
        "audio.sources/effects.npz",
        "audio.sources/music.npz",
        "audio.timeline.pb",
        "audio.wav",
        "final.mp4",
        "final.sync.pb",
        "spritesheet.jpg",
        "stems/ambience.wav",
        "stems/dialogue.wav",
        "stems/effects.wav",
        "stems/music.wav",
        "thumbnail.webp",
        "video.mp4",
        "video.stamp",
        "video.tracks.pb",
    ]
    assert artifacts.list_keys(f"jobs/{job_id}") == [f"jobs/{job_id}/{name}" for name in names]
    assert store.ledger(job_id) == {"reserve": 160, "charge": 160}


def test_cancel_refunds_stops_the_render_and_the_stages_drop_the_work(mesh, client, store) -> None:
    """Cancelling mid-render refunds at once and stops the render in its Ray Serve replica: the video stage
    closes its model request, Serve cancels it, and the renderer stops between frames, long before the
    20 s 1080p clip would have been finished."""
    job_id = client.submit("A long train through snowy pines", duration_seconds=20.0, resolution="1080p").job.job_id
    _wait_for(
        lambda: any(r.stage == "video" and r.status == "running" for r in store.stage_runs(job_id)),
        90,
        "video stage never started",
    )
    time.sleep(2.0)
    cancelled = client.stub.CancelJob(gateway_pb2.CancelJobRequest(job_id=job_id), metadata=client.metadata).job
    cancelled_at = time.monotonic()
    assert cancelled.state == common_pb2.JOB_STATE_CANCELLED
    assert cancelled.credits_refunded == cancelled.credits_reserved == 800

    _wait_for(
        lambda: all(r.status != "running" for r in store.stage_runs(job_id) if r.stage == "video"),
        60,
        "video render still running",
    )
    stopped_after = time.monotonic() - cancelled_at
    print(f"video render stopped {stopped_after:.1f} s after the cancel")
    assert stopped_after < 8.0
    _wait_for(lambda: all(r.status != "running" for r in store.stage_runs(job_id)), 60, "audio still running")
    time.sleep(2.0)
    assert client.get(job_id).state == common_pb2.JOB_STATE_CANCELLED
    assert records_of(mesh.info.kafka_bootstrap, JOBS_COMPLETED, key=job_id) == []
    assert not ArtifactStore(mesh.info.artifacts_url).exists(f"jobs/{job_id}/final.mp4")
    assert not ArtifactStore(mesh.info.artifacts_url).exists(f"jobs/{job_id}/video.mp4")
    assert "lipsync" not in {r.stage for r in store.stage_runs(job_id)}
    assert store.ledger(job_id) == {"reserve": 800, "refund": 800}

    with pytest.raises(grpc.RpcError) as again:
        client.stub.CancelJob(gateway_pb2.CancelJobRequest(job_id=job_id), metadata=client.metadata)
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_job_failed_by_a_long_outage_completes_after_a_dlq_replay(mesh, client, store, monkeypatch) -> None:
    """The artifact store stays unwritable past the retry horizon: the job fails with a refund and its record
    is dead-lettered; once the store is back, `cinemesh dlq replay` re-opens the job and it completes."""
    artifacts = Path(mesh.info.artifacts_url.removeprefix("file://"))
    with unwritable(artifacts):
        job_id = client.submit("A kettle starts whistling at 0.5 s", duration_seconds=1.0, resolution="480p").job.job_id
        failed = client.wait(job_id, timeout=120)
    assert failed.state == common_pb2.JOB_STATE_FAILED
    assert "Errno" in failed.failure_reason, failed.failure_reason
    assert failed.credits_refunded == failed.credits_reserved == 40
    letters = [letter for letter in read_dead_letters(mesh.info.kafka_bootstrap) if letter.job_id == job_id]
    assert letters and letters[0].stage in ("video", "audio")
    assert letters[0].topic == lane_topic(PLANS_CAST, PRO_LANE)  # the local account is pro: so is its lane

    monkeypatch.setenv("CINEMESH_STATE_DIR", mesh.info.state_dir)
    assert cli_main(["dlq", "replay", letters[0].record_id]) == 0
    job = client.wait(job_id, timeout=120)
    assert job.state == common_pb2.JOB_STATE_COMPLETED, job.failure_reason
    assert store.ledger(job_id) == {"reserve": 40, "refund": 40, "reserve.2": 40, "charge": 40}
    # Charged once, one output (a replay may publish the completion twice; the gateway applies it once).
    assert ArtifactStore(mesh.info.artifacts_url).exists(f"jobs/{job_id}/final.mp4")
    # A second replay of the same record changes nothing: the job is no longer failed.
    assert cli_main(["dlq", "replay", letters[0].record_id]) == 0
    assert store.ledger(job_id) == {"reserve": 40, "refund": 40, "reserve.2": 40, "charge": 40}
