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
FLOORS = {"source": 0.66, "material": 0.70, "action": 0.77, "location": 0.90}


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


# blind13b: 130 prompts by another writer who never saw the code or the other corpora (blind13b/README.md).
# Scored blind twice, aggregates only: with the rules of 43d0249 (recall 85.5 %, subject 80.8 %, source 53 %,
# material 42 %, action 57 %, location 94 %, characters 78 %) and with the rules tuned on blind13 (recall
# 86.2 %, subject 83.1 %, source 55 %, material 46 %, action 59 %, location 92 %, characters 88 %): tuning
# on one writer's prompts carried over little to another's. Since then it is tuning data too.
BLIND13B = Path(__file__).with_name("blind13b") / "blind13b.jsonl"
#: measured with this commit, rounded down to a whole percent
BLIND13B_FLOORS = {
    "recall": 0.98,
    "subject": 0.90,
    "source": 0.63,
    "material": 0.57,
    "action": 0.65,
    "location": 0.92,
    "characters": 0.92,
    "count_every": 0.96,
}


@pytest.fixture(scope="module")
def blind13b() -> BlindScore:
    return score(load(BLIND13B))


def _measures(result: BlindScore) -> dict[str, float]:
    fields = {name: result.rate(name) for name in (*MET_FIELDS, *UNMET_FIELDS)}
    return {"recall": result.recall, "subject": result.subject_rate, **fields}


def test_blind13b_refuses_nothing_and_times_what_it_finds_to_the_frame(blind13b: BlindScore) -> None:
    assert blind13b.refused == 0 and blind13b.frame_rate >= 0.98, blind13b.table()


def test_blind13b_does_not_fall_below_what_it_measures(blind13b: BlindScore) -> None:
    measured = _measures(blind13b)
    for name, floor in BLIND13B_FLOORS.items():
        assert measured[name] >= floor, f"{name}\n{blind13b.table()}"


@pytest.mark.xfail(strict=True, reason="the goals are not reached on blind13b: see its floors")
def test_blind13b_meets_the_goals(blind13b: BlindScore) -> None:
    measured = _measures(blind13b)
    assert measured["recall"] >= 0.95 and measured["subject"] >= 0.90, blind13b.table()
    assert all(measured[name] >= FIELD_GOAL for name in (*MET_FIELDS, *UNMET_FIELDS)), blind13b.table()


# blind13c: 130 prompts by a third writer, in other users' voices, who never saw the code or the other corpora
# (blind13c/README.md). Nobody tuning the rules has read it. Scored blind twice, aggregates only: with the
# rules tuned on blind13 (recall 90.2 %, subject 83.1 %, source 55 %, material 46 %, action 61 %, location
# 90 %, characters 85 %, count/every 97 %) and with the rules generalised on blind13 + blind13b (recall 96.3 %,
# within a frame 100 %, subject 83.8 %, source 57 %, material 48 %, action 62 %, location 90 %, characters
# 88 %, count/every 98 %): timed-cue recall meets its goal on prompts no one tuned on; the rest do not.
BLIND13C = Path(__file__).with_name("blind13c") / "blind13c.jsonl"
#: measured blind with this commit, rounded down to a whole percent
BLIND13C_FLOORS = {
    "recall": 0.96,
    "subject": 0.83,
    "source": 0.57,
    "material": 0.48,
    "action": 0.61,
    "location": 0.90,
    "characters": 0.88,
    "count_every": 0.97,
}


@pytest.fixture(scope="module")
def blind13c() -> BlindScore:
    return score(load(BLIND13C))


def test_blind13c_meets_the_timing_goals_and_refuses_nothing(blind13c: BlindScore) -> None:
    table = blind13c.table()
    assert blind13c.refused == 0 and blind13c.recall >= 0.95 and blind13c.frame_rate >= 0.98, table


def test_blind13c_does_not_fall_below_what_it_measured(blind13c: BlindScore) -> None:
    measured = _measures(blind13c)
    for name, floor in BLIND13C_FLOORS.items():
        assert measured[name] >= floor, f"{name}\n{blind13c.table()}"


@pytest.mark.xfail(strict=True, reason="the subject and field goals are not reached on blind13c: see its floors")
def test_blind13c_meets_the_subject_and_field_goals(blind13c: BlindScore) -> None:
    measured = _measures(blind13c)
    assert measured["subject"] >= 0.90, blind13c.table()
    assert all(measured[name] >= FIELD_GOAL for name in (*MET_FIELDS, *UNMET_FIELDS)), blind13c.table()
