"""The plan marks a cue `offscreen` when the words around it put its source out of sight, and only that cue."""

from __future__ import annotations

import pytest

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2

RATES = {"plus": 16, "pro": 40}


def _cues(prompt: str) -> dict[float, bool]:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, duration_seconds=6), "pro", 1, RATES)
    return {cue.time_seconds: cue.offscreen for cue in scene_plan.sound_cues}


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("A village green at noon. Church bells ring in the distance at 2 seconds.", {2.0: True}),
        ("Offscreen, a phone rings at 2s. A cat jumps onto the table at 3s.", {2.0: True, 3.0: False}),
        (
            "INT. KITCHEN - NIGHT. From upstairs, a door slams at 2 seconds. The kettle whistles at 4 seconds.",
            {2.0: True, 4.0: False},
        ),
        ("A car horn honks somewhere at 1 second while a girl laughs at 3 seconds.", {1.0: True, 3.0: False}),
        (
            "A dog barks behind the door at 2 seconds, then a plate smashes on the floor at 4 seconds.",
            {2.0: True, 4.0: False},
        ),
        (
            "A plate smashes on the floor at 2 seconds and the dog next door barks at 4 seconds.",
            {2.0: False, 4.0: True},
        ),
        ("A glass shatters at 2 seconds in a quiet bar.", {2.0: False}),
        # a thing seen before it leaves the picture is not offscreen; a sound whose source is out of shot is
        ("A champagne bottle on a rooftop. At 2 seconds the cork pops and flies out of frame.", {2.0: False}),
        ("A quiet office. At 2 seconds a phone rings out of shot.", {2.0: True}),
    ],
)
def test_only_the_cue_whose_words_put_it_out_of_sight_is_offscreen(prompt: str, expected: dict[float, bool]) -> None:
    assert _cues(prompt) == expected
