"""The video projection is exactly what the renderer reads: plans that project alike render alike, bit for bit."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from cinemesh.prompt.planner import plan
from cinemesh.runtime.artifacts import VIDEO_RENDER, VIDEO_STAMP, VIDEO_TRACKS
from cinemesh.runtime.config import Settings
from cinemesh.runtime.projections import seen_prompt, video_projection
from cinemesh.v1 import common_pb2, video_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import render
from cinemesh.video.model import VideoModel

PROMPT = (
    'A ceramic cup on a wooden table in a farmhouse kitchen at dawn. A man says "Careful, it might fall!" '
    "A door slams at 1.5 s."
)

LINE_CHANGED = PROMPT.replace("Careful, it might fall!", "Look, the cup falls!")


def _plan(prompt: str) -> common_pb2.ScenePlan:
    spec = common_pb2.GenerationSpec(prompt=prompt, duration_seconds=2)
    scene_plan = plan(spec, "pro", 7, {"plus": 16, "pro": 40})
    scene_plan.format.width, scene_plan.format.height = 160, 90
    return scene_plan


def _render(scene_plan: common_pb2.ScenePlan) -> tuple[np.ndarray, list[bytes]]:
    frames, faces = [], []
    for _, batch, batch_faces in render.frames(scene_plan, on_device=torch.device("cpu")):
        frames.append(batch.numpy())
        faces += [face.SerializeToString() for cid in sorted(batch_faces) for face in batch_faces[cid]]
    return np.concatenate(frames), faces


def test_what_is_heard_changes_no_picture() -> None:
    before = _plan(PROMPT)
    # Another line, of another length and with words the renderer would draw (a fall), moves every span
    # after it; and everything else only heard changes too.
    after = _plan(LINE_CHANGED)
    after.music.mood, after.music.genre = "calm", "piano"
    del after.ambience[:]
    after.ambience.add(kind=p.AMBIENCE_KIND_OCEAN)
    after.scenes[0].acoustics.rt60_seconds = 2.5
    after.dialogue[0].start_seconds += 0.3
    after.notes.append("a note for the person who asked")
    assert after.dialogue[0].text != before.dialogue[0].text and before.dialogue[0].source.spans
    assert video_projection(after) == video_projection(before)
    assert "fall" not in seen_prompt(after, 0) and "Careful" not in seen_prompt(before, 0)
    frames_before, faces_before = _render(before)
    frames_after, faces_after = _render(after)
    assert faces_before and faces_after == faces_before
    assert np.array_equal(frames_after, frames_before)


def test_what_is_seen_changes_the_projection() -> None:
    before = video_projection(_plan(PROMPT))
    for changed in (
        PROMPT.replace("ceramic cup", "glass jar"),
        PROMPT.replace("farmhouse kitchen", "lighthouse"),
        PROMPT.replace("at 1.5 s", "at 1 s"),
        PROMPT.replace("A man says", "A woman says"),
    ):
        assert video_projection(_plan(changed)) != before, changed
    reseeded = _plan(PROMPT)
    reseeded.seed += 1
    assert video_projection(reseeded) != before


def test_the_video_stage_keeps_copied_pictures_only_when_stamped_for_its_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = VideoModel(Settings.from_env("video", {"CINEMESH_STATE_DIR": str(tmp_path)}))
    jobs = tmp_path / "artifacts" / "jobs"
    source, line_remix, cue_remix = (f"5eed0000-0000-4000-8000-00000000002{k}" for k in range(3))
    rendered: list[int] = []
    frames = render.frames

    def counted(*args: Any, **kwargs: Any) -> Any:
        rendered.append(1)
        return frames(*args, **kwargs)

    monkeypatch.setattr(render, "frames", counted)
    first = model(video_pb2.RenderVideoRequest(job_id=source, plan=_plan(PROMPT)))
    assert rendered == [1]
    for remix in (line_remix, cue_remix):  # as the gateway copies them: the MP4, its stamp, the tracks last
        (jobs / remix).mkdir()
        for name in (VIDEO_RENDER, VIDEO_STAMP, VIDEO_TRACKS):
            shutil.copyfile(jobs / source / name, jobs / remix / name)
    kept = model(video_pb2.RenderVideoRequest(job_id=line_remix, plan=_plan(LINE_CHANGED)))
    assert rendered == [1] and list(kept.face_tracks) == list(first.face_tracks)
    assert (jobs / line_remix / VIDEO_RENDER).read_bytes() == (jobs / source / VIDEO_RENDER).read_bytes()
    # A cue is drawn on its frame: the copied pictures are not this plan's, and the stage renders them again.
    model(video_pb2.RenderVideoRequest(job_id=cue_remix, plan=_plan(PROMPT.replace("at 1.5 s", "at 1 s"))))
    assert rendered == [1, 1]
    assert (jobs / cue_remix / VIDEO_RENDER).read_bytes() != (jobs / source / VIDEO_RENDER).read_bytes()
