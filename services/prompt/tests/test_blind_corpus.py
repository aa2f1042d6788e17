"""The blind13 corpus: 322 prompts labelled by someone who never saw this code (blind13/README.md).

heldout.jsonl was scored blind twice (once before any change, once with the first rules tuned on
tuning.jsonl); since then both files are tuning data and are scored here together as one tuning set.
What the rules are really for is a blind set they have never seen, so the goals below are the issue's,
and the bounds are the issue's goals where they are met, and otherwise the measured values rounded down
to a whole percent, so a regression fails; the planner is deterministic, so a measured value is not a
lucky draw. Goals not met yet are strict xfails: they fail the day they pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from blind_corpus_scoring import BlindScore, load, score

HERE = Path(__file__).with_name("blind13")
FILES = ("tuning.jsonl", "heldout.jsonl")
FIELD_GOAL = 0.95
MET_FIELDS = ("characters", "count_every")
UNMET_FIELDS = ("source", "material", "action", "location")
#: measured with this commit, rounded down to a whole percent
FLOORS = {"source": 0.61, "material": 0.65, "action": 0.74, "location": 0.90}


@pytest.fixture(scope="module")
def tuning() -> BlindScore:
    return score([example for name in FILES for example in load(HERE / name)])


def test_the_corpus_is_the_one_the_issue_asks_for() -> None:
    tuning, heldout = load(HERE / "tuning.jsonl"), load(HERE / "heldout.jsonl")
    assert len(tuning) >= 200 and len(heldout) >= 100
    kinds = {cue["kind"] for example in tuning + heldout for cue in example["cues"]}
    assert len(kinds) >= 120
    styles = {example["style"] for example in tuning + heldout}
    assert {"casual", "screenplay", "ad_brief", "pov", "multi_sentence", "non_native", "numbers_in_words"} <= styles


def test_meets_the_timing_goals_and_refuses_nothing(tuning: BlindScore) -> None:
    table = tuning.table()
    assert tuning.refused == 0, table
    assert tuning.recall >= 0.95, table
    assert tuning.frame_rate >= 0.98, table


@pytest.mark.parametrize("name", MET_FIELDS)
def test_meets_the_field_goal(tuning: BlindScore, name: str) -> None:
    assert tuning.rate(name) >= FIELD_GOAL, f"{name}\n{tuning.table()}"


def test_meets_the_subject_goal(tuning: BlindScore) -> None:
    assert tuning.subject_rate >= 0.90, tuning.table()


@pytest.mark.xfail(strict=True, reason="goal not reached yet: see the measured floors below")
@pytest.mark.parametrize("name", UNMET_FIELDS)
def test_meets_the_field_goal_not_reached_yet(tuning: BlindScore, name: str) -> None:
    assert tuning.rate(name) >= FIELD_GOAL, f"{name}\n{tuning.table()}"


def test_does_not_fall_below_what_it_measures(tuning: BlindScore) -> None:
    table = tuning.table()
    for name, floor in FLOORS.items():
        assert tuning.rate(name) >= floor, f"{name}\n{table}"
