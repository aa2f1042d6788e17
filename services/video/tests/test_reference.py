"""An `input_reference` image grades the clip toward its palette, alike in every frame."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from cinemesh.prompt.planner import plan
from cinemesh.runtime.artifacts import INPUT_REFERENCE, ArtifactStore, job_key
from cinemesh.runtime.config import Settings
from cinemesh.v1 import common_pb2, video_pb2
from cinemesh.video.model import VideoModel
from cinemesh.video.reference import STRENGTH, PaletteReference

RATES = {"plus": 16, "pro": 40}


def _png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def _noise(seed: int, mean: tuple[int, int, int], spread: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(mean, spread, size=(64, 96, 3)), 0, 255).astype(np.uint8)


def test_the_grade_moves_a_frames_colour_statistics_toward_the_references() -> None:
    frame = _noise(1, (150, 140, 120), 30)
    reference = PaletteReference(_noise(2, (40, 60, 170), 15))
    graded = reference.grade_for(frame)(frame)
    before = np.abs(frame.reshape(-1, 3).mean(0) - (40, 60, 170))
    after = np.abs(graded.reshape(-1, 3).mean(0) - (40, 60, 170))
    # each channel's mean goes STRENGTH of the way (a little less where values clip at 0 or 255)
    assert np.all(after < (1 - STRENGTH) * before + 8), (before, after)
    assert graded.reshape(-1, 3).std(0).mean() < frame.reshape(-1, 3).std(0).mean()  # and the spread follows


def test_a_reference_like_the_frame_changes_nothing_and_one_transform_grades_every_frame() -> None:
    frame = _noise(3, (100, 120, 90), 25)
    assert np.abs(PaletteReference(frame).grade_for(frame)(frame).astype(int) - frame).max() <= 1
    grade = PaletteReference(_noise(4, (200, 80, 40), 20)).grade_for(frame)
    later = np.roll(frame, 7, axis=1)  # the same picture moved: graded alike, pixel for pixel
    assert np.array_equal(grade(later), np.roll(grade(frame), 7, axis=1))


def test_a_flat_reference_or_frame_neither_crushes_nor_blows_up_contrast() -> None:
    flat = np.full((32, 32, 3), 128, np.uint8)
    frame = _noise(5, (120, 120, 120), 40)
    graded = PaletteReference(flat).grade_for(frame)(frame)
    assert graded.std() > 0.5 * 0.3 * frame.std()  # the spread ratio is bounded below
    flat_graded = PaletteReference(frame).grade_for(flat)(flat)
    assert len(np.unique(flat_graded.reshape(-1, 3), axis=0)) == 1  # a flat frame stays flat, only tinted


def _mean_colour(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return np.stack(frames).reshape(-1, 3).mean(0)


@pytest.mark.parametrize("with_reference", [False, True], ids=["plain", "blue-reference"])
def test_the_video_stage_grades_a_job_with_a_reference(tmp_path: Path, with_reference: bool) -> None:
    settings = Settings.from_env("video", {"CINEMESH_STATE_DIR": str(tmp_path)})
    spec = common_pb2.GenerationSpec(prompt="A red barn in a green field at noon", duration_seconds=1)
    scene_plan = plan(spec, "pro", 5, RATES)
    scene_plan.format.width, scene_plan.format.height = 160, 96
    job_id = str(uuid.uuid4())
    artifacts = ArtifactStore(settings.artifacts_url)
    if with_reference:
        with artifacts.writer(job_key(job_id, INPUT_REFERENCE), "image/png") as (path, _):
            path.write_bytes(_png(_noise(6, (20, 40, 200), 20)))
    response = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=scene_plan))
    red, _, blue = _mean_colour(Path(response.video.uri.removeprefix("file://")))
    if with_reference:
        assert blue > red + 30, (red, blue)  # the noon field takes on the reference's blue
    else:
        assert blue < red + 30, (red, blue)


def test_black_stays_black() -> None:
    frame = _noise(7, (120, 130, 110), 30)
    frame[:8] = 0  # a letterbox bar
    graded = PaletteReference(_noise(8, (230, 120, 40), 20)).grade_for(frame)(frame)
    assert graded[:8].max() == 0
