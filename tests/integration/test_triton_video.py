"""The video stage's Triton backend against a real Triton server serving a tiny locally built text-to-video model."""

from __future__ import annotations

import itertools
import uuid

import numpy as np
import pytest

from cinemesh.runtime.errors import Unavailable
from cinemesh.runtime.triton import TritonModel
from cinemesh.v1 import common_pb2
from cinemesh.video.backends import TritonVideoBackend

pytestmark = pytest.mark.integration

WIDTH, HEIGHT, FPS = 160, 90, 8


def two_scene_plan(
    first: str = "a red fox runs through snow", second: str = "waves roll onto a beach"
) -> common_pb2.ScenePlan:
    return common_pb2.ScenePlan(
        prompt=f"{first}. {second}",
        format=common_pb2.VideoFormat(width=WIDTH, height=HEIGHT, fps=FPS, frame_count=16),
        seed=7,
        scenes=[
            common_pb2.Scene(index=0, prompt=first, start_frame=0, end_frame=9),
            common_pb2.Scene(index=1, prompt=second, start_frame=9, end_frame=16),
        ],
    )


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_triton_renders_the_planned_frames(triton_video_url: str) -> None:
    backend = TritonVideoBackend(TritonModel(triton_video_url, "video", 30))
    frames = list(backend.frames(two_scene_plan()))
    assert len(frames) == 16
    assert all(f.shape == (HEIGHT, WIDTH, 3) and f.dtype == np.uint8 for f in frames)
    steps = [mean_abs_diff(a, b) for a, b in itertools.pairwise(frames[:9])]
    assert min(steps) > 0.0, "a frame repeats its predecessor"
    assert mean_abs_diff(frames[8], frames[9]) > max(steps)  # the cut lands on frame 9
    again = backend.frames(two_scene_plan())
    assert all(np.array_equal(a, b) for a, b in zip(frames, again, strict=True))  # deterministic for the seed


def test_different_prompts_give_different_frames(triton_video_url: str) -> None:
    backend = TritonVideoBackend(TritonModel(triton_video_url, "video", 30))
    fox = list(backend.frames(two_scene_plan()))
    owl = list(backend.frames(two_scene_plan(first="an owl glides over a dark forest")))
    assert mean_abs_diff(fox[0], owl[0]) > 5.0
    assert all(np.array_equal(a, b) for a, b in zip(fox[9:], owl[9:], strict=True))  # scene 2 is unchanged


def test_a_model_breaking_its_contract_is_named(triton_video_url: str) -> None:
    class Truncating(TritonModel):
        def infer(self, inputs: dict[str, np.ndarray], outputs: list[str]) -> dict[str, np.ndarray]:
            return {"FRAMES": super().infer(inputs, outputs)["FRAMES"][:-1]}

    backend = TritonVideoBackend(Truncating(triton_video_url, "video", 30))
    with pytest.raises(RuntimeError, match=r"Triton video model 'video' returned FRAMES uint8 \(8, 90, 160, 3\)"):
        list(backend.frames(two_scene_plan()))


def test_an_unreachable_triton_is_unavailable() -> None:
    model = TritonModel("127.0.0.1:1", "video", 2)
    assert not model.ready()
    with pytest.raises(Unavailable):
        list(TritonVideoBackend(model).frames(two_scene_plan()))


def test_the_video_stage_renders_a_clip_through_the_triton_backend(triton_video_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import av

    from cinemesh.runtime.config import Settings
    from cinemesh.v1 import video_pb2
    from cinemesh.video.model import VideoModel

    settings = Settings.from_env(
        "video",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_VIDEO_BACKEND": "triton",
            "CINEMESH_TRITON_URL": triton_video_url,
        },
    )
    scene_plan = two_scene_plan()
    response = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=str(uuid.uuid4()), plan=scene_plan))
    with av.open(response.video.uri.removeprefix("file://")) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == scene_plan.format.frame_count
    assert decoded[0].shape == (scene_plan.format.height, scene_plan.format.width, 3)
