"""Showing what was asked: the thing a prompt names is drawn rather than a stand-in, a brief's or a place's words
are never the subject, a plural draws a group, and the families that had no drawing of their own have one
(people's roles and their kit: test_roles.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.video import render, subjects

RATES = {"plus": 16, "pro": 40}
W, H = 128, 72


def _renderer(prompt: str) -> render.ShotRenderer:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=7), "pro", 7, RATES)
    scene_plan.format.width, scene_plan.format.height = W, H
    return render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))


def _drawn_pixels(renderer: render.ShotRenderer) -> np.ndarray:
    """[H, W] bool: what the subject's drawing changes in the first frame (a render with it against one without)."""
    drawing = renderer.drawing
    with_it = renderer.render(0, 1).frames.numpy().astype(np.int16)
    renderer.drawing = None
    without = renderer.render(0, 1).frames.numpy().astype(np.int16)
    renderer.drawing = drawing
    return np.abs(with_it - without).max(axis=-1)[0] > 12


@pytest.mark.parametrize(
    ("prompt", "thing"),
    [
        # the brief's hotel, gear and store are what the film sells, not what it shows
        ("Summer campaign for a pet-friendly hotel - 7s. A golden retriever dog races along a resort pool", "dog"),
        ("Outdoor gear campaign, 7 seconds. A lone orange tent pitched on a bare mountain ridge", "tent"),
        ("Car insurance safety campaign, 6s. An empty shopping trolley rolling down a car park", "shopping cart"),
        # "at 3s" and "at dawn" say when: the wolf and the heron are not where something else is
        ("pov: you're hiking through snowy woods under a full moon and at 3s the wolf on the ridge howls", "wolf"),
        ("pov: you're drifting in a canoe on a misty lake at dawn and the grey heron on the log dives", "heron"),
        # what does something leads over what the viewer only holds
        ("pov: you're eating chips on the harbour sea wall in a gale, seagulls hovering, grey sky", "seagull"),
        ("Home insurance ad, 6 sec. Rain streaking down the big window. A tabby cat on the shelf nudges a vase", "cat"),
        # the viewer is the camera, whoever the prompt makes them; a home named in passing is not the picture
        ("pov: you're a salmon leaping up a waterfall and at 2s the grizzly bear on the rocks plunges its paw", "bear"),
        ("pov: you just got home and the overloaded bookshelf in the hallway gives way at 4s", "shelves"),
        # the planner's subject is where the viewer stands: the thing the prompt shows is drawn instead
        ("pov: you're on the farmhouse porch and the lone oak tree gets hit by lightning at 4s", "oak"),
    ],
)
def test_the_prompts_thing_is_drawn_not_a_brief_or_place_word(prompt: str, thing: str) -> None:
    renderer = _renderer(prompt)
    assert renderer.subject is not None and renderer.subject.name == thing


def test_a_brief_clause_is_found_only_where_a_brief_word_heads_it() -> None:
    assert subjects.brief_spans("Hardware store spot, 7 seconds. A lumberjack splits firewood") == [(0, 19)]
    assert subjects.brief_spans("6s premium spot for a sparkling wine label. A champagne bottle") == [(0, 42)]
    assert subjects.brief_spans("a dog naps in a sunny spot") == []  # a place in the picture
    assert subjects.brief_spans("a busy commercial kitchen at noon") == []  # an adjective


def test_a_time_ends_a_prepositions_reach() -> None:
    found = {m.noun.name: m.located for m in subjects.mentions("at 2.5 sec the heron dives; a cat sits at the table")}
    assert found == {"heron": False, "table": True, "cat": False}


def test_the_subject_drawn_for_a_new_family_is_on_screen() -> None:
    renderer = _renderer("A grey heron wades through the reeds of a quiet lake at dawn")
    assert renderer.subject is not None and renderer.subject.name == "heron" and renderer.drawing is not None
    assert _drawn_pixels(renderer).mean() > 0.015  # benchmarks/subject_visibility.py: clearly seen


@pytest.mark.parametrize(
    ("word", "stock"),
    [("wolf", "dog"), ("fox", "dog"), ("heron", "bird"), ("oak", "tree"), ("maple", "oak"), ("willow", "tree")],
)
def test_a_family_has_its_own_drawing_not_a_stand_ins(word: str, stock: str) -> None:
    nouns = subjects.vocabulary().nouns
    index = json.loads((subjects.DATA / "sprites" / "atlas.json").read_text())["sprites"]
    assert nouns[word].key in index and nouns[word].key != nouns[stock].key


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("a tent on a ridge", "tent"),
        ("a taiko drum in a courtyard", "taiko drum"),
        ("a stone clock tower above the square", "clock tower"),
        ("a crane wades in the shallows", "heron"),  # a crane that wades is the bird (subjects.yaml senses)
        ("a crane lifts a beam over the site", "construction crane"),  # a lone "crane" is the machine
        ("a whooping crane wades in the shallows", "heron"),
        ("the shopping trolley rolls", "shopping cart"),
    ],
)
def test_named_things_resolve_to_their_drawing(text: str, name: str) -> None:
    noun = subjects.resolve(text)
    assert noun is not None and noun.name == name


@pytest.mark.parametrize(
    ("text", "count"),
    [("seagulls hovering", 3), ("a tray of wine glasses", 3), ("three cows graze", 3), ("a cow grazes", 1)],
)
def test_a_plural_draws_a_group(text: str, count: int) -> None:
    assert [m.noun.count for m in subjects.mentions(text)][-1] == count


def test_a_plural_alias_is_one_thing() -> None:
    noun = subjects.resolve("her glasses fall")
    assert noun is not None and noun.name == "glasses" and noun.count == 1


def test_a_groups_drawing_is_several_copies_each_as_large_as_one() -> None:
    cow = subjects.vocabulary().nouns["cow"]
    cows = subjects.resolve("cows graze")
    assert cows is not None and cows.count == subjects.GROUP
    one, group = subjects.sprite(cow), subjects.sprite(cows)
    assert group.shape[2] == pytest.approx(one.shape[2] * subjects.spread(cows), abs=2)
    assert float(group[3].sum()) > 2 * float(one[3].sum())  # they overlap a little, never wholly
    assert subjects.screen_size(cows, 100, 720) > subjects.screen_size(cow, 100, 720)


def test_an_events_group_falls_together_each_as_large_as_one() -> None:
    renderer = _renderer("pov: ur the waiter and the tray of wine glasses slips at 2s and they smash on the tiles. 4s")
    glasses = [noun for noun in renderer._event_nouns if noun.name == "wine glass"]
    assert glasses and glasses[0].count == subjects.GROUP


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Oak barrels line the stone walls of the cellar", ["barrel", "stone wall"]),  # the wood of the barrels, no oak
        ("an oak sways in the wind", ["oak"]),
        ("the old oak creaks", ["oak"]),
        ("the lone oak tree gets hit by lightning", ["oak"]),
    ],
)
def test_a_trees_name_before_another_word_is_its_wood(text: str, names: list[str]) -> None:
    assert [m.noun.name for m in subjects.mentions(text)] == names


def test_beside_people_the_walls_they_stand_among_are_not_drawn_as_a_thing() -> None:
    renderer = _renderer("INT. WINERY CELLAR. Oak barrels line the stone walls. The SOMMELIER eases a bottle open")
    scenery = subjects.vocabulary().finder.scenery
    assert renderer._people and (renderer.subject is None or renderer.subject.family not in scenery)
