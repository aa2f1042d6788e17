"""The blind13 corpus: 322 prompts labelled by someone who never saw this code (blind13/README.md).

tuning.jsonl was used to tune the rules; heldout.jsonl was scored once before any change (the original
planner found 16 of its 134 timed cues and refused 5 of its 112 valid prompts) and once with the code
of this commit. The bounds below are the issue's goals where they are met, and otherwise the measured
values rounded down to a whole percent, so a regression fails; the planner is deterministic, so a
measured value is not a lucky draw. Goals not met yet are strict xfails: they fail the day they pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from blind_corpus_scoring import BlindScore, load, score

HERE = Path(__file__).with_name("blind13")
FIELDS = ("source", "material", "action", "count_every", "location", "characters")


@pytest.fixture(scope="module")
def tuning() -> BlindScore:
    return score(load(HERE / "tuning.jsonl"))


@pytest.fixture(scope="module")
def heldout() -> BlindScore:
    return score(load(HERE / "heldout.jsonl"))


def test_the_corpus_is_the_one_the_issue_asks_for() -> None:
    tuning, heldout = load(HERE / "tuning.jsonl"), load(HERE / "heldout.jsonl")
    assert len(tuning) >= 200 and len(heldout) >= 100
    kinds = {cue["kind"] for example in tuning + heldout for cue in example["cues"]}
    assert len(kinds) >= 120
    styles = {example["style"] for example in tuning + heldout}
    assert {"casual", "screenplay", "ad_brief", "pov", "multi_sentence", "non_native", "numbers_in_words"} <= styles


def test_tuning_meets_the_timing_goals_and_refuses_nothing(tuning: BlindScore) -> None:
    table = tuning.table()
    assert tuning.refused == 0, table
    assert tuning.recall >= 0.95, table
    assert tuning.frame_rate >= 0.98, table


@pytest.mark.xfail(strict=True, reason="goal not reached yet: see the measured floors below")
def test_tuning_meets_the_subject_and_field_goals(tuning: BlindScore) -> None:
    assert tuning.subject_rate >= 0.90, tuning.table()
    assert all(tuning.rate(name) >= 0.95 for name in FIELDS), tuning.table()


def test_tuning_does_not_fall_below_what_it_measures(tuning: BlindScore) -> None:
    floors = {"source": 0.60, "material": 0.63, "action": 0.69, "count_every": 0.95, "location": 0.85}
    floors["characters"] = 0.85
    table = tuning.table()
    assert tuning.subject_rate >= 0.84, table
    for name, floor in floors.items():
        assert tuning.rate(name) >= floor, f"{name}\n{table}"


def test_heldout_refuses_nothing_and_times_what_it_finds_to_the_frame(heldout: BlindScore) -> None:
    table = heldout.table()
    assert heldout.refused == 0, table
    assert heldout.frame_rate >= 0.98, table


def test_heldout_does_not_fall_below_what_it_measured(heldout: BlindScore) -> None:
    """Measured once with this code; the recall goal (95 %) and the field goals are not reached."""
    floors = {"source": 0.55, "material": 0.34, "action": 0.50, "count_every": 0.97, "location": 0.76}
    floors["characters"] = 0.81
    table = heldout.table()
    assert heldout.recall >= 0.90, table
    assert heldout.subject_rate >= 0.77, table
    for name, floor in floors.items():
        assert heldout.rate(name) >= floor, f"{name}\n{table}"
