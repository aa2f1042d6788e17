"""A person's move on a sound cue (characters.BodyMove): read from the words of the cue's sentence, made by the
person those words name, with its moment of contact on the cue frame."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import characters, render

FPS, CUE_S, HEIGHT = 24, 1.5, 160
CUE_FRAME = round(CUE_S * FPS)
LOOK = characters.appearance_for(p.Character(id="c1", description="a woman in a red jacket"))


def _moving(kind: str, frames: int = 60) -> np.ndarray:
    """The figure making `kind` on CUE_FRAME, carried by its move's offset over a plain canvas: [F, H, W] grey."""
    times = torch.arange(frames, dtype=torch.float32) / FPS
    moves = [characters.BodyMove(kind, CUE_S)]
    rgba, _ = characters.render_figure(LOOK, p.ACTION_KIND_IDLE, times, HEIGHT, torch.ones(3), moves=moves)
    dx, dy = characters.body_offset(moves, times)
    canvas = np.zeros((frames, 2 * HEIGHT, 5 * HEIGHT), dtype=np.float32)
    for k in range(frames):
        x0, y0 = 3 * HEIGHT // 2 + round(float(dx[k]) * HEIGHT), HEIGHT // 2 + round(float(dy[k]) * HEIGHT)
        grey = rgba[k, :3].mean(0) * rgba[k, 3]
        canvas[k, y0 : y0 + HEIGHT, x0 : x0 + rgba.shape[3]] += grey.numpy()
    return canvas


def _swept(frames: np.ndarray) -> np.ndarray:
    """swept[k - 1]: how many pixels change visibly into frame k (the area a limb sweeps: a blow's is largest)."""
    return (np.abs(np.diff(frames, axis=0)) > 0.05).sum(axis=(1, 2))


@pytest.mark.parametrize("kind", sorted(characters.BODY_MOVES - {"dash"}))
def test_a_move_changes_the_figure_most_on_its_cue_and_the_figure_never_vanishes(kind: str) -> None:
    frames = _moving(kind)
    swept = _swept(frames)
    assert abs(int(np.argmax(swept)) + 1 - CUE_FRAME) <= 1, (kind, swept)
    assert swept[: CUE_FRAME - 24].max() == 0, (kind, swept)  # still until the move begins
    covered = (frames > 0.01).sum(axis=(1, 2))
    assert covered.min() > 0.5 * covered.max(), (kind, covered)  # no frame loses the figure


def test_a_dash_holds_its_set_until_the_cue_and_leaves_on_it() -> None:
    swept = _swept(_moving("dash"))
    assert swept[: CUE_FRAME - 1].max() == 0, swept  # set, still
    assert swept[CUE_FRAME - 1 : CUE_FRAME + 2].max() > 0.3 * swept.max(), swept  # off on the cue, faster after


def test_a_jump_is_in_the_air_before_its_cue_and_down_on_it() -> None:
    t = torch.tensor([CUE_S - characters.JUMP_AIR_S / 2, CUE_S, CUE_S + 0.5])
    _, dy = characters.body_offset([characters.BodyMove("jump", CUE_S)], t)
    assert float(dy[0]) < -0.2 and float(dy[1]) == 0 and float(dy[2]) == 0


def test_a_dash_waits_for_its_cue_and_runs_the_way_it_was_told() -> None:
    t = torch.tensor([CUE_S - 0.5, CUE_S, CUE_S + 0.5])
    right, _ = characters.body_offset([characters.BodyMove("dash", CUE_S, 1.0)], t)
    left, _ = characters.body_offset([characters.BodyMove("dash", CUE_S, -1.0)], t)
    assert float(right[0]) == float(right[1]) == 0 and float(right[2]) > 0.3 and float(left[2]) < -0.3


def _cast(prompt: str) -> list[render.Cast]:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=3), "pro", 3, {"plus": 16, "pro": 40})
    scene_plan.format.height, scene_plan.format.width = 180, 320
    return render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))._cast_list


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        (
            "INT. SCHOOL GYM - DAY (4 SEC)\nMAYA stands on the vault. AT 2 SEC she jumps down onto the mat, thud.",
            "jump",
        ),
        ("a chef in a busy kitchen chops an onion with a loud thwack at 2 seconds, 4 second clip", "strike"),
        ("A boy on a beach throws a stone into the sea at 2 seconds, splash. 4 seconds.", "throw"),
        ("A football player on a muddy pitch kicks the ball at 2 seconds with a thump, rain, 4 seconds", "kick"),
        (
            "A sprinter crouches on a running track; at 2 seconds the gun goes bang and she bursts out. 4s",
            "dash",
        ),
        # depict31: "diving in" is a jump into the water
        ("A triathlete in a wetsuit at the start of an open-water swim, diving in at 2 seconds. 4s", "jump"),
        # what they wear is no thing that acts instead of them
        ("A man in a red jacket slips and falls on the wet kitchen floor at 2 seconds. 4s", "fall"),
        ("A snowboarder catches an edge on the rail and slams down at 2 seconds in a snow dome. 4s", "fall"),
    ],
)
def test_the_person_the_sentence_names_makes_the_move_on_the_cue_framed_head_to_foot(prompt: str, kind: str) -> None:
    cast = _cast(prompt)
    moving = [member for member in cast if member.moves]
    assert len(moving) == 1, [(m.cid, m.moves) for m in cast]
    (move,) = moving[0].moves
    assert move.kind == kind and abs(move.at_s - 2.0) < 0.05
    assert moving[0].height_px <= render.MOVER_HEIGHT * 180 + 1e-6  # the legs are in the picture


def test_a_thing_the_sentence_names_acts_itself_and_no_person_moves() -> None:
    cast = _cast(
        "pov: you're a butcher behind the counter of a market stall. at 2s the cleaver comes down and chops. 4s"
    )
    assert all(not member.moves for member in cast)


def test_a_fall_ends_lying_on_the_ground_and_nothing_drops_beside_the_one_who_falls() -> None:
    frames = _moving("fall", frames=72)
    rows = np.nonzero(frames.max(axis=2) > 0.01)
    tall = lambda k: int(np.ptp(rows[1][rows[0] == k]))  # noqa: E731
    assert tall(CUE_FRAME + 12) < 0.5 * tall(0)  # down: half as tall as standing, or less
    prompt = "A man in a red jacket slips and falls on the wet kitchen floor at 2 seconds."
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt), "pro", 3, {"plus": 16, "pro": 40})
    scene_plan.format.height, scene_plan.format.width = 180, 320
    renderer = render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))
    assert renderer._cues == []  # the fall is his: no stand-in drops and splashes on its frame
