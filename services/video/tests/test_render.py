"""The embedded renderer and the video model: exact frame counts, determinism, motion, a real MP4."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pytest

from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import common_pb2, video_pb2
from cinemesh.video.model import VideoModel, validate_plan
from cinemesh.video.render import frames

WIDTH, HEIGHT, FPS = 160, 90, 24


def scene_plan(
    frame_count: int = 12,
    seed: int = 7,
    width: int = WIDTH,
    height: int = HEIGHT,
    cuts: tuple[int, ...] = (),
    fps: int = FPS,
) -> common_pb2.ScenePlan:
    bounds = [0, *cuts, frame_count]
    scenes = [
        common_pb2.Scene(index=i, prompt=f"scene {i}: hills at dusk", start_frame=start, end_frame=end)
        for i, (start, end) in enumerate(itertools.pairwise(bounds))
    ]
    return common_pb2.ScenePlan(
        prompt="hills at dusk",
        format=common_pb2.VideoFormat(width=width, height=height, fps=fps, frame_count=frame_count),
        duration_seconds=frame_count / fps if fps else 0.0,
        seed=seed,
        tier=common_pb2.TIER_PLUS,
        scenes=scenes,
    )


def render(plan: common_pb2.ScenePlan) -> list[np.ndarray]:
    return list(frames(plan))


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.mark.parametrize(("frame_count", "cuts"), [(1, ()), (12, ()), (13, (5,)), (10, (3, 4))])
def test_frames_yields_exactly_frame_count_rgb_frames(frame_count: int, cuts: tuple[int, ...]) -> None:
    out = render(scene_plan(frame_count, cuts=cuts))
    assert len(out) == frame_count
    for frame in out:
        assert frame.shape == (HEIGHT, WIDTH, 3)
        assert frame.dtype == np.uint8


def test_frames_follow_the_plan_size() -> None:
    [frame] = render(scene_plan(1, width=90, height=160))
    assert frame.shape == (160, 90, 3)


def test_frames_are_deterministic_for_a_seed() -> None:
    first = render(scene_plan(seed=42))
    second = render(scene_plan(seed=42))
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_different_seeds_give_different_pictures() -> None:
    a = render(scene_plan(4, seed=1))
    b = render(scene_plan(4, seed=2))
    assert mean_abs_diff(a[0], b[0]) > 5.0


def test_the_camera_pans() -> None:
    out = render(scene_plan(12))
    steps = [mean_abs_diff(a, b) for a, b in itertools.pairwise(out)]
    assert min(steps) > 0.0, "a frame repeats its predecessor"
    overall = mean_abs_diff(out[0], out[-1])
    assert overall > max(steps)


def test_pictures_are_not_flat() -> None:
    frame = render(scene_plan(1))[0]
    assert frame.std() > 10
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 50


def test_scene_cut_changes_the_picture() -> None:
    out = render(scene_plan(10, cuts=(5,)))
    within = mean_abs_diff(out[3], out[4])
    across = mean_abs_diff(out[4], out[5])
    assert across > 3 * within


def request(plan: common_pb2.ScenePlan, job_id: str = "job-1") -> video_pb2.RenderVideoRequest:
    return video_pb2.RenderVideoRequest(job_id=job_id, plan=plan)


def test_validate_plan_accepts_a_good_plan() -> None:
    validate_plan(request(scene_plan(10, cuts=(4,))))


@pytest.mark.parametrize(
    ("plan_fields", "field"),
    [
        ({"width": 161}, "plan.format"),
        ({"height": 91}, "plan.format"),
        ({"width": 14, "height": 14}, "plan.format"),
        ({"width": 0}, "plan.format"),
        ({"fps": 0}, "plan.format"),
    ],
)
def test_validate_plan_rejects_bad_formats(plan_fields: dict, field: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_plan(request(scene_plan(**plan_fields)))
    assert raised.value.field == field
    assert raised.value.message.startswith(f"{field}: ")


def test_validate_plan_rejects_zero_frames() -> None:
    plan = scene_plan(4)
    plan.format.frame_count = 0
    with pytest.raises(InvalidArgument) as raised:
        validate_plan(request(plan))
    assert raised.value.field == "plan.format"


def test_validate_plan_rejects_missing_job_id() -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_plan(request(scene_plan(), job_id=""))
    assert raised.value.field == "job_id"


def test_validate_plan_rejects_a_gap_between_scenes() -> None:
    plan = scene_plan(10, cuts=(4,))
    plan.scenes[1].start_frame = 5
    with pytest.raises(InvalidArgument) as raised:
        validate_plan(request(plan))
    assert raised.value.field == "plan.scenes[1]"
    assert "without gaps" in raised.value.message


def test_validate_plan_rejects_an_empty_scene() -> None:
    plan = scene_plan(10, cuts=(4,))
    plan.scenes[0].end_frame = 0
    plan.scenes[1].start_frame = 0
    with pytest.raises(InvalidArgument) as raised:
        validate_plan(request(plan))
    assert raised.value.field == "plan.scenes[0]"


def test_validate_plan_rejects_scenes_not_covering_the_format() -> None:
    plan = scene_plan(10)
    plan.scenes[0].end_frame = 8
    with pytest.raises(InvalidArgument) as raised:
        validate_plan(request(plan))
    assert raised.value.field == "plan.scenes"
    assert "cover 8 frames, the format has 10" in raised.value.message
    no_scenes = scene_plan(10)
    del no_scenes.scenes[:]
    with pytest.raises(InvalidArgument, match="cover 0 frames"):
        validate_plan(request(no_scenes))


@pytest.fixture
def model(tmp_path: Path) -> VideoModel:
    return VideoModel(Settings.from_env("video", {"CINEMESH_STATE_DIR": str(tmp_path)}))


def test_video_model_writes_the_planned_mp4(model: VideoModel, tmp_path: Path) -> None:
    plan = scene_plan(30, cuts=(12,))
    response = model(request(plan, job_id="job-mp4"))
    assert response.frame_count == 30
    path = tmp_path / "artifacts" / "jobs" / "job-mp4" / "video.mp4"
    assert response.video.uri == path.as_uri()
    assert response.video.media_type == "video/mp4"
    assert response.video.size_bytes == path.stat().st_size > 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.codec_context.width, stream.codec_context.height) == (WIDTH, HEIGHT)
        assert stream.average_rate == FPS
        decoded = list(container.decode(stream))
    assert len(decoded) == 30
    assert all((f.width, f.height) == (WIDTH, HEIGHT) for f in decoded)
    # The encode is faithful to the renderer (crf 16): the first decoded frame is close to frame 0.
    rendered = next(iter(frames(plan)))
    assert mean_abs_diff(decoded[0].to_ndarray(format="rgb24"), rendered) < 6.0


def test_video_model_does_not_render_twice(model: VideoModel, tmp_path: Path) -> None:
    first = model(request(scene_plan(6), job_id="job-again"))
    path = tmp_path / "artifacts" / "jobs" / "job-again" / "video.mp4"
    mtime = path.stat().st_mtime_ns
    second = model(request(scene_plan(6), job_id="job-again"))
    assert second.video == first.video
    assert second.frame_count == 6
    assert path.stat().st_mtime_ns == mtime


def test_video_model_validates_before_rendering(model: VideoModel, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument):
        model(request(scene_plan(6, width=15), job_id="job-bad"))
    assert not (tmp_path / "artifacts" / "jobs" / "job-bad").exists()


@pytest.mark.parametrize("orientation", [common_pb2.ORIENTATION_LANDSCAPE, common_pb2.ORIENTATION_PORTRAIT])
def test_video_model_renders_a_planned_480p_clip(model: VideoModel, tmp_path: Path, orientation: int) -> None:
    from cinemesh.prompt.planner import plan as make_plan

    spec = common_pb2.GenerationSpec(
        prompt="a slow pan over dunes", duration_seconds=0.25, resolution="480p", orientation=orientation
    )
    plan = make_plan(spec, "plus", 3, {"plus": 16, "pro": 40})
    response = model(request(plan, job_id=f"job-480-{orientation}"))
    path = tmp_path / "artifacts" / "jobs" / f"job-480-{orientation}" / "video.mp4"
    with av.open(str(path)) as container:
        decoded = list(container.decode(video=0))
    assert response.frame_count == len(decoded) == plan.format.frame_count == 6
    assert {(f.width, f.height) for f in decoded} == {(plan.format.width, plan.format.height)}
    expected = (854, 480) if orientation == common_pb2.ORIENTATION_LANDSCAPE else (480, 854)
    assert (plan.format.width, plan.format.height) == expected
