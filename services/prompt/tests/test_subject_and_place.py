"""The first shot's subject and place: rules for what acts first, written with prompts of our own."""

from __future__ import annotations

import pytest

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2

RATES = {"plus": 16, "pro": 40}


def _plan(prompt: str) -> common_pb2.ScenePlan:
    return plan(common_pb2.GenerationSpec(prompt=prompt), "pro", 1, RATES)


def _subject(prompt: str) -> str:
    return _plan(prompt).shots[0].subject.text.lower()


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        # a clock time's colon is no label's colon: the sentence before it is no "Brief:" preamble
        ("A parrot squawks at 0:03 on a perch. Rain ticks on the glass.", "a parrot"),
        ("A kettle whistles at 0:04 in a small kitchen. Steam curls up.", "a kettle"),
    ],
)
def test_a_clock_time_colon_is_not_a_label(prompt: str, subject: str) -> None:
    # and a sound verb the parse reads as a plural noun ("kettle whistles") is no part of the subject
    assert _subject(prompt) == subject


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        # an occasion the prompt opens on is when and where, not what acts
        ("hockey game, goalie slaps the puck away at 0:03 and the fans roar", "goalie"),
        ("A village wedding at dusk. A fiddler saws out a reel at 2 seconds.", "fiddler"),
        ("the wedding, a fiddler saws out a reel at 2 seconds", "fiddler"),
    ],
)
def test_an_occasion_is_not_the_subject(prompt: str, subject: str) -> None:
    assert subject in _subject(prompt).split()
