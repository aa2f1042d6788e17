"""The pipeline test's checks, shared by the plain-text mesh (test_pipeline.py) and the TLS mesh (test_tls.py)."""

from __future__ import annotations

import io

import av
from support import records_of

from cinemesh.runtime.topics import JOBS_COMPLETED
from cinemesh.v1 import common_pb2, events_pb2, gateway_pb2

STAGES = ["prompt", "identity", "video", "audio", "lipsync"]


def assert_prompt_to_mp4(mesh, client, store) -> None:  # type: ignore[no-untyped-def]
    """One 2 s job through all five stages: charged once, every stage done once, a faststart H.264/AAC MP4."""
    balance_before = client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata).balance_credits
    submitted = client.submit(
        "A paper boat drifting down a rainy street gutter", duration_seconds=2.0, resolution="480p", fps=25
    )
    assert submitted.created
    job_id = submitted.job.job_id
    assert submitted.job.credits_reserved == 80  # 2 s x 40 credits/s on pro

    job = client.wait(job_id)
    assert job.state == common_pb2.JOB_STATE_COMPLETED, job.failure_reason
    assert job.credits_charged == 80 and job.credits_refunded == 0
    assert [common_pb2.Stage.Name(s.stage) for s in job.stages] == [f"STAGE_{s.upper()}" for s in STAGES]
    balance_after = client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata).balance_credits
    assert balance_before - balance_after == 80

    data = client.download(job_id)
    assert len(data) == job.output_size_bytes
    assert data.find(b"moov") < data.find(b"mdat"), "MP4 is not faststart"
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert video.codec_context.name == "h264" and video.codec_context.pix_fmt == "yuv420p"
        assert (video.width, video.height) == (854, 480)
        assert audio.codec_context.name == "aac" and audio.codec_context.sample_rate == 48000
        assert video.frames == 50
        frame = 1 / 25
        assert abs(float(video.duration * video.time_base) - 2.0) <= frame
        assert abs(float(audio.duration * audio.time_base) - 2.0) <= frame
        assert abs(container.duration / 1e6 - 2.0) <= frame

    runs = store.stage_runs(job_id)
    assert sorted(r.stage for r in runs) == sorted(STAGES)
    assert all(r.status == "done" and r.attempts == 1 for r in runs)
    completed = records_of(mesh.info.kafka_bootstrap, JOBS_COMPLETED, key=job_id)
    assert len(completed) == 1
    headers = dict(completed[0].headers)
    assert headers["ce_type"] == b"cinemesh.v1.JobCompleted"
    assert headers["ce_specversion"] == b"1.0" and headers["content-type"] == b"application/protobuf"
    assert events_pb2.JobCompleted.FromString(completed[0].value).output.sha256
