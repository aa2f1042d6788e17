"""The prompt stage inside the mesh: storyboards are planned and rendered, blocked prompts never render."""

from __future__ import annotations

import io

import av
import pytest

from cinemesh.v1 import common_pb2, gateway_pb2

pytestmark = pytest.mark.integration


def test_blocked_prompt_fails_at_the_prompt_stage_and_is_never_charged(client, store) -> None:
    job_id = client.submit("A graphic decapitation in a dark alley", duration_seconds=2.0, resolution="480p").job.job_id
    job = client.wait(job_id, timeout=60)
    assert job.state == common_pb2.JOB_STATE_FAILED
    assert job.failure_stage == common_pb2.STAGE_PROMPT
    assert job.failure_reason == (
        "prompt stage rejected the job: spec.prompt: blocked by the content policy: VIOLENCE_GORE ('decapitation')."
    )
    assert store.ledger(job_id) == {"reserve": 80, "refund": 80}
    assert {r.stage for r in store.stage_runs(job_id)} == {"prompt"}


def test_storyboard_is_planned_into_scenes_and_rendered_with_cuts_on_the_planned_frames(client, store) -> None:
    spec = common_pb2.GenerationSpec(resolution="480p", fps=24)
    spec.storyboard.add(prompt="Wide shot of a harbour at dawn, gulls crying.", duration_seconds=8.0)
    spec.storyboard.add(prompt="Close-up of a lighthouse beam sweeping through fog at night.", duration_seconds=7.0)
    submitted = client.stub.SubmitJob(gateway_pb2.SubmitJobRequest(spec=spec), metadata=client.metadata, timeout=30)
    assert submitted.job.credits_reserved == 600  # 15 s x 40 credits/s
    job = client.wait(submitted.job.job_id, timeout=240)
    assert job.state == common_pb2.JOB_STATE_COMPLETED, job.failure_reason
    with av.open(io.BytesIO(client.download(job.job_id))) as container:
        frames = [f.to_ndarray(format="rgb24").astype(float) for f in container.decode(video=0)]
    assert len(frames) == 360
    # The cut between the two scenes is where the plan put it (frame 192): the largest jump.
    jumps = [abs(frames[i] - frames[i - 1]).mean() for i in range(1, len(frames))]
    assert jumps.index(max(jumps)) + 1 == 192
