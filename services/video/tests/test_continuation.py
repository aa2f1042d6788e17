"""An extension's first shot is drawn in its source's world, with the source's camera move carried on."""

from __future__ import annotations

import numpy as np
import torch

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import render

RATES = {"plus": 16, "pro": 40}
SEED = 3


def _plans(source_prompt: str, prompt: str, seconds: float = 1.0) -> tuple[common_pb2.ScenePlan, ...]:
    source = common_pb2.GenerationSpec(prompt=source_prompt, duration_seconds=1, resolution="480p", seed=SEED)
    spec = common_pb2.GenerationSpec(prompt=prompt, duration_seconds=seconds, resolution="480p", seed=SEED)
    spec.continues.CopyFrom(source)
    return plan(source, "plus", SEED, RATES), plan(spec, "plus", SEED, RATES)


def _frames(scene_plan: common_pb2.ScenePlan, start: int, stop: int) -> np.ndarray:
    shot = render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))
    return shot.render(start, stop).frames.numpy().astype(float)


def _step(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


def test_linear_moves_go_on_past_their_end_and_the_others_hold() -> None:
    t = torch.tensor([0.5, 1.0, 1.5, 2.0])
    pan = render.Camera(p.CAMERA_MOVEMENT_PAN, 100, 50, 24, 0)
    _, ox, _ = pan.transform(t, 5.0)
    assert torch.allclose(ox.diff(), ox.diff()[0].expand(3))  # the same speed before and after the end
    for move in (p.CAMERA_MOVEMENT_DOLLY_IN, p.CAMERA_MOVEMENT_ORBIT, p.CAMERA_MOVEMENT_AERIAL):
        scale, ox, oy = render.Camera(move, 100, 50, 24, 0).transform(t, 5.0)
        for values in (scale, ox, oy):
            assert torch.equal(values[1:], values[1].expand(3))


def test_the_first_frame_of_a_carried_on_pan_is_the_next_step_of_the_source() -> None:
    source, extension = _plans("Slow pan across a harbor at dawn.", "The light grows.")
    count = source.format.frame_count
    before = _frames(source, count - 2, count)
    after = _frames(extension, 0, 2)
    ordinary = _step(before[0], before[1])
    assert _step(before[1], after[0]) < 1.5 * ordinary
    assert _step(after[0], after[1]) < 1.5 * ordinary


def test_a_tracking_shot_carries_on_past_the_canvas_edge() -> None:
    source, extension = _plans("Tracking shot along a forest road.", "The road goes on.", seconds=2.0)
    count = extension.format.frame_count
    frames = _frames(extension, count - 3, count)
    assert _step(frames[0], frames[1]) > 0.5 and _step(frames[1], frames[2]) > 0.5  # still moving at the end
    renderer = render.ShotRenderer(extension, extension.shots[0], torch.device("cpu"))
    assert renderer.lead_in == source.format.frame_count


def test_words_that_name_another_world_are_a_cut() -> None:
    _, extension = _plans("Tracking shot along a forest road.", "A camel walks across a desert.")
    renderer = render.ShotRenderer(extension, extension.shots[0], torch.device("cpu"))
    assert renderer.lead_in == 0


def test_two_people_on_a_bench_are_where_they_were_after_the_seam() -> None:
    source, extension = _plans(
        "An old man and a young woman sit on a park bench at sunset.", "The woman laughs, the man nods."
    )
    count = source.format.frame_count
    before, after = _frames(source, count - 1, count), _frames(extension, 0, 1)
    assert _step(before[0], after[0]) < 1.0  # the same bench, the same two people seated in the same places
