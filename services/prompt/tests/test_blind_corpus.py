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
#: measured with this commit, rounded down to a whole percent (action 0.79 since horns are whistle, as the labelling
#: guide's later briefs say: this first writer made car and starter horns electronic)
FLOORS = {"source": 0.74, "material": 0.73, "action": 0.79, "location": 0.90}


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


# Two more writers, each of whom never saw the code or the other corpora, 130 prompts each; every figure below
# was measured blind once before rules were changed with the corpus in view (aggregates only).
# blind13b (blind13b/README.md), with the rules of 43d0249: recall 85.5 %, subject 80.8 %, source 53 %, material
# 42 %, action 57 %, location 94 %, characters 78 %; with the rules tuned on blind13: recall 86.2 %, subject
# 83.1 %, source 55 %, material 46 %, action 59 %, location 92 %, characters 88 %: tuning on one writer's prompts
# carried over little to another's. Since then it is tuning data too.
# blind13c (blind13c/README.md), which nobody tuning the rules has read, with the rules tuned on blind13: recall
# 90.2 %, subject 83.1 %, source 55 %, material 46 %, action 61 %, location 90 %, characters 85 %, count/every
# 97 %; with the rules generalised on blind13 + blind13b: recall 96.3 %, within a frame 100 %, subject 83.8 %,
# source 57 %, material 48 %, action 62 %, location 90 %, characters 88 %, count/every 98 %; with the rules of
# branch prompt-fields (pronouns across sentences, a sound's deed's source, brittle falls, whole subjects), scored
# once at its end: recall 96.3 %, within a frame 100 %, subject 86.9 %, source 58.0 % (56.7 % with the scorer's
# old plural folding), material 48.2 %, action 61.1 %, location 90.2 %, characters 88.5 %, count/every 97.6 %.
# Since then blind13c is tuning data too: the second prompt-fields branch read its misses (error classes in
# benchmarks/prompt_field_misses.py) and, with the scorer's normalisations (tests/data/blind_scoring.yaml), measures
# subject 89.2 %, source 64.3 %, material 51.8 %, action 64.3 % on it; blind13b subject 91.5 %, source 69.8 %,
# material 59.2 %.
# blind13d (blind13d/README.md), a fourth writer's 130 prompts that nobody tuning the rules had read, scored once
# with the rules of both prompt-fields branches before anything was changed with it in view: recall 93.6 %,
# within a frame 99.4 % of those found, subject 75.4 %, source 63.0 %, material 56.6 %, action 59.3 %, location
# 88.1 %, characters 84.6 %, count/every 98.2 %, refused 0 (strict scorer: subject 75.4 %, source 62.3 %, material
# 55.9 %, action 59.3 %). Its recall is under the 95 % goal, unlike the other writers'.
# Since then blind13d is tuning data too (tuned on since): branch prompt-round2 read its misses and, with lists of
# times as one cue per time ("at 1s, 2s, 3s", "at 2 and 4 seconds"), subjects that are never a time phrase, an
# adjective, a list's numbering or a whole clause, a person named in a later sentence after the thing that acts
# first, capitalised screenplay names as people, no character for whose place ("a kid's party") and one for any
# pov caption's viewer, measures on it: recall 97.7 %, within a frame 100 %, subject 82.3 %, source 63.3 %,
# material 58.7 %, action 59.8 %, location 88.1 %, characters 87.7 %, count/every 98.3 %, refused 0; blind13c
# recall 98.8 %, subject 89.2 %, source 64.6 %, material 54.5 %, action 65.2 %; blind13b subject 92.3 %.
# Branch prompt-fields3 (issue [9], per-field accuracy) fixed mechanisms, not strings: a being's own sound is its
# voice, not a thing named nearby ("she squeals"); he/she stand for the person named before them; "one of them" is
# a person; "it" stands first for the nearest thing before it that makes that kind of sound; a sound word with no
# thing named is made by the last sounding thing named before it; a camera framing is no source; what a fall verb
# drops sounds; an animal's own sound is its voice; a whistle sounds of air; a recording with no player named
# (jingle, fanfare, melody, theme, sound effect) is played back; a relative cue spread through the scene keeps
# clear of the stated times. Measured with it: blind13 source 72.3 %, material 72.3 %, action 79.8 %; blind13b
# source 70.5 %, material 62.3 %, action 71.1 %; blind13c source 68.9 %, material 58.0 %, action 67.1 %; blind13d
# source 67.5 %, material 62.7 %, action 66.3 %; recall and subject unchanged.
# blind13e (blind13e/README.md), a fifth writer's 130 prompts, scored blind once at ae367d5 before any rule saw it
# (normalised scorer): recall 77/84 = 91.7 %, within a frame 98.7 % of those found, subject 80.8 %, source 74.0 %
# (strict 72.7 %), material 66.2 %, action 79.2 %, location 93.2 %, characters 74.6 %, count/every 98.8 %,
# refused 0. This writer counts animals as characters and labels horns and whistles as air, unlike the guide's
# other writers; the rules were not tuned toward those conventions. Since then blind13e is tuning data too:
# branch prompt-round3 fixed mechanisms ("for the first N seconds" starts at 0 s; "halfway" is half the asked
# length when the tier cuts the clip shorter and the clip still shows it; a coordinated verb of a distinct sound is
# its own cue, "spits and giggles"; lists of times in words, and a list's later items for a verb the sound tables
# lack; filler, greetings, platforms and a brief's words for the feel are never a subject; a pov viewer with no
# role named is "you"; a portion, "a piece of chalk", is its stuff; a framed vehicle is the subject; a pronoun or
# "one of them" left as the subject is the first thing, or group, named before it; whom a prompt asks, "bro just
# show …", is not what acts; an end card is a camera word; "The SUV's engine" is the SUV) and measures on it:
# recall 100 %, within a frame 100 %, subject 90.0 %, source 76.2 %,
# material 68.8 %, action 83.3 %, location 93.2 %, characters 74.6 %, count/every 98.9 %, refused 0; blind13b
# subject 93.1 %; blind13c recall 99.4 %, subject 89.2 %; blind13d subject 84.6 %; blind13 subject 92.2 % (92.9 %
# before: its writer calls a pov viewer "person").
# Branch prompt-fields4 (issue [9]) fixed mechanisms: a sound verb's bare form after "is" or read as an adjective
# is the verb of the copula's subject ("the marker is squeak", "it is break", "its brakes squeal"); a machine's verb
# said of a being makes no sound ("she is stop"); a sound word names its maker when the prompt names none (a person
# honks a horn, a lone beep is an alarm's) and a repeated sound verb with no subject keeps the earlier maker;
# blowing an instrument sounds it ("a foghorn blows", "the referee's whistle blows"); a beep is electronics; a place,
# camera phrase or time of day chosen as the subject gives way to what acts. Measured with it: blind13 source
# 72.5 %, material 73.0 %, action 80.1 %, subject 92.2 %; blind13b subject 93.8 %; blind13c source 73.5 %, material
# 60.4 %, action 70.4 %, subject 90.0 %; blind13d recall 98.3 %, source 68.8 %, material 63.3 %, action 67.1 %,
# count/every 98.9 %; blind13e source 81.0 %, material 71.4 %, action 85.7 %, subject 90.8 %.
# blind13f (blind13f/README.md), a sixth writer's 130 prompts (313 cues, 283 kinds), scored blind once at ee8c4d4:
# recall 113/128 = 88.3 %, within a frame 100 %, subject 80.8 %, source 55.8 %, material 61.0 %, action 60.2 %,
# location 93.5 %, characters 80.8 %, count/every 98.3 %, refused 0. prompt-fields4, which never saw it, moved it
# by about nothing (source 54.9 %, material 61.0 %, action 61.1 %, subject 80.8 %): those rules do not carry to a
# new writer. Tuned on it since: a bare "at 6" after the prompt counts in seconds, "1s 3s and 5s", "right away"
# after a stated time; recall 122/128 = 95.3 %, source 55.7 %, material 60.5 %, action 64.8 %, subject 80.8 %.
# Then lemmas repaired for the tables ("scrapes" read as "scrap", "Doors" as a name), a head that sounds by its own
# matter over its modifier ("church bells"), a possessed sounding part ("rings its bell"), portions ("a sheet of
# ice"), a quote that ends its sentence, a request for a clip of something anywhere ("pls make a vid of a red ferrari"):
# blind13f subject 84.6 %, source 59.8 %, material 63.2 %, action 65.6 %, count/every 99.2 %.
# blind13g (blind13g/README.md), a seventh writer's 130 prompts (348 cues, 142 timed, 332 kinds), scored blind once at
# a4155b1 and at the session's first commit 4e0c828, with the same figures: the rules tuned on blind13f moved
# nothing here. Recall 133/142 = 93.7 %, within a frame 98.5 % of those found, subject 80.8 %, source 67.7 %,
# material 59.6 %, action 70.7 %, location 81.4 %, characters 80.0 %, count/every 98.6 %, refused 0. Tuned on it
# since: a sound in capitals is no screenplay character, an echo repeats the sound before it, "in second 5",
# "at second 1 and second 3", "in the 2 seconds"; and the scorer reads a pov viewer the plan calls "you" as the
# guide's "viewer" (3 prompts); a sound's own adjective names its material ("a metallic clink"); words said aloud
# ("yells your name") are speech by whoever says them; "theres this golden retriever …" introduces the subject.
# Recall 95.8 %, within a frame 99.3 %, subject 85.4 %,
# source 69.1 %, material 60.3 %, action 72.8 %.
# blind13h (blind13h/README.md), an eighth writer's 130 prompts (503 cues, 141 timed, 496 kinds), scored blind once at
# 7f297c2 and at 4126db1 with the same figures: recall 129/141 = 91.5 %, within a frame 99.2 % of those found, subject
# 75.4 %, source 57.4 %, material 57.0 %, action 61.2 %, location 83.7 %, characters 76.9 %, count/every 97.8 %,
# refused 0. Tuned on it since (branch prompt9): sounds timed together are each a cue ("sputters and dies", "the
# pistol cracks at 3 s and her spikes hit the track", "a coin drops into a washer and it whirs"), "from the first
# frame" is 0 s, a motion whose object is a sound makes it ("hits the final chord"), screenplay names in capitals
# mid-line are characters; recall 134/141 = 95.0 %, within a frame 99.3 %, subject 75.4 %, source 59.0 %, material
# 60.0 %, action 64.2 %, location 83.7 %, characters 79.2 %, count/every 98.6 %, refused 0. Branch prompt10 (subject
# and place rules: a clock time's colon is no label's, an occasion is scenery, a person's dog is the dog, voices off
# screen and speakers' cues are not who acts, a camera's move onto something and "Clip about N seconds long" are no
# subject; a place within another is the place, a vehicle is one only when someone is in it): blind13h subject
# 80.8 %, location 88.6 %; blind13g subject 86.2 %, location 82.2 %; blind13f subject 86.2 %; blind13e location
# 94.3 %; blind13d subject 85.4 %, location 88.9 %; blind13c subject 92.3 %; blind13b subject 95.4 %; blind13
# subject 93.3 %, location 90.9 % (held out: location 92.7 %); no other field moved.
# blind13i (blind13i/README.md), a ninth writer's 130 prompts (443 cues, 132 timed, 436 kinds), scored blind once at
# 30df6cd (the prompt stage as at 5e6d51f): recall 125/132 = 94.7 %, within a frame 100 % of those found, subject
# 84.6 %, source 68.8 %, material 54.1 %, action 61.6 %, location 79.3 %, characters 80.8 %, count/every 96.9 %,
# refused 0.
# Tuned on it since (branch prompt11): a gerund said of a noun is that noun's sound ("everyone screaming on the
# drop", "a baby in the bath laughing"), a clause opened by a bare "and" after a timed comma clause shares its time,
# "at once" is no relative "once": recall 128/132 = 97.0 %, within a frame 100 %. Then a thing that opens its
# sentence and acts by the parse comes before a person named in a later sentence (not in screenplays, nor a thing
# only there or going past), whose animal or sound a person's possessive names puts no one on screen, nor does a
# voice over's parenthetical, "down"/"up"/"around" say where, a proper name after "in" is a place, more places, "he"
# is never a group, wings are air. prompt11's measures: blind13i recall 97.0 %, within a frame 100 %, subject 90.0 %,
# source 70.3 %, material 54.5 %, action 63.3 %, location 91.0 %, characters 85.4 %, count/every 97.0 %; blind13h
# subject 83.8 %, location 89.4 %, characters 80.0 %; blind13g subject 86.9 %, location 83.9 %, characters 81.5 %,
# source 70.1 %, material 61.5 %, action 73.7 %; blind13f location 94.8 %, material 64.0 %, characters 83.1 %;
# blind13e source 82.1 %, characters 76.9 %; blind13d subject 86.9 %; blind13c characters 90.0 %; blind13b subject
# 96.9 %, source 71.1 %; blind13 subject 93.5 %, source 73.9 %, action 80.9 %; no field fell on any set.
# Branch prompt12 (issue [9], source / material / action, tuned on all nine sets): every horn is whistle and metal
# (the guide's later briefs; the first writer's electronic car and starter horns now miss); a machine's own action
# names a voice verb or none but not a verb that says more ("a car honks", "the truck rattles", "the train
# screeches", "the phone rings"), a device's chime stays electronics; a liquid sound is the water's and a whoosh the
# air's unless the prompt says air; usual materials (bowling pins and dry plant matter wood, chalk stone, meat flesh);
# a verb read as the noun ending a place phrase ("a guy on a park bench rips open a bag") is the deed of who is
# there. Measured with it: blind13i source 71.9 %, material 63.6 %, action 67.2 %; blind13h source 61.9 %, material
# 67.6 %, action 68.7 %; all ten files together source 71.2 %, material 68.7 %, action 74.1 % (70.4 / 65.1 / 72.7 %
# before); recall and subject fell on no set.
# blind13j (blind13j/README.md), a tenth writer's 130 prompts (484 cues, 106 timed, 476 kinds), scored blind once at
# 070ed1f (prompt12 merged, never having seen it): recall 97/106 = 91.5 %, within a frame 100 % of those found,
# subject 84.6 %, source 68.0 %, material 53.8 %, action 68.0 %, location 82.0 %, characters 76.9 %, count/every
# 99.0 %, refused 0. Not tuned on yet. Of the nine timed cues missed, three are timed past the pro tier's 20 s (the
# plan clamps the clip and says so in its notes); the others are a time written "In exactly 6 second", two sounds on
# one "At 0:15", a list of timecodes ("at 0:03 and 0:08") and two sounds the planner merged into one cue.
# Tuned on it since (branch prompt13): "in exactly 6 second" is a time; a list of timecodes is one cue per time, and a
# list that leads its sound times it at each item; an "and" between two doers ("At 0:15 she and her partner unlock
# the door, …") ends no clause for the time; a deed beside its doer's voice is a sound of its own at the voice's time
# ("he hit the steering wheel and sigh", "one boy fall down from slide and crying"), a clause the parse hung on
# another verb as its subject is its own sound ("the train horn blasts and the train rumbles in"), a time's word is
# no part of a sound's words; a noun root with a subject is a verb ("One of them grunts"); scrabble, exhale, inhale.
# Recall 104/106 = 98.1 % (the two misses are timed past the pro tier's 20 s), within a frame 100 %, source 70.2 %,
# material 55.7 %, action 71.2 %; blind13i action 68.0 %; blind13d material 71.3 %, action 71.8 %; blind13 recall
# 99.5 %; blind13b action 71.1 % (a wind chime that jangles is read as a device's chime).
# blind13k (blind13k/README.md), an eleventh writer's 100 prompts (402 cues, 99 timed, 390 kinds), scored blind once
# at e607618: recall 92/99 = 92.9 %, within a frame 100 % of those found, subject 86.0 %, source 55.4 %, material
# 42.7 %, action 60.9 %, location 91.4 %, characters 88.0 %, count/every 98.9 %, refused 0; with prompt13 merged
# (which never saw it) the same but source 56.5 %. Not tuned on yet. The seven timed cues missed are found at their
# time under other words (a sound merged into its neighbour's cue: "it pops open at 6s and juice splashes
# everywhere", "the logo slams in with a whoosh") or not at all ("the doors fold open", "slide shut").
# Tuned on it since (branch prompt14): a sound the parse joined after a time is its own cue, with every word after it
# ("pops open at 6s and juice splashes everywhere", "… and water splashes", whose noun before it is its maker), so is
# one before it with its own subject ("At 1 s the bell rings, kids are shouting"); an untimed comma clause between two
# timed ones takes the time before it; a noun the parse made one more object of the verb before ("push the button and
# blender start") makes the sound; a time that opens a comma clause with its own verb times no sound before it;
# "fold open", "roll shut", "slide closed", and "slide shut" read as nouns: recall 96/99 = 97.0 %, source 58.3 %,
# material 43.0 %, action 63.5 %; blind13g source 70.8 %, action 75.9 %. Then a pov caption's role: "a crossing guard"
# (a role may begin with an -ing word), "on the night shift" rides nothing, the place that tells the role is the first
# in the prompt ("at the drive-thru … friends in the back seat" is a driver), "pov: your first day at …" is the viewer:
# blind13k subject 90.0 %. Then a relative pronoun's sound is the noun's it stands for ("a tomato, which splits"), a
# monitor flatlines, a sound "as it charges" still shares its clause's time: blind13k recall 97/99 = 98.0 %, source
# 61.9 %, material 43.7 %, action 63.9 %; blind13h recall 95.7 %; blind13f source 63.1 %, material 69.3 % (a
# "chain-link fence, which rattles" is the fence now, of no usual material).
# blind13l (blind13l/README.md), a twelfth writer's 100 prompts (395 cues, 108 timed, 385 kinds), scored blind once
# at 94c64fe: recall 103/108 = 95.4 %, within a frame 99.0 % of those found, subject 80.0 %, source 60.2 %,
# material 38.2 %, action 60.2 %, location 79.8 %, characters 73.0 %, count/every 97.2 %, refused 0. Not tuned on.
# With prompt14 merged (tuned on blind13k, never saw blind13l) the same but action 59.2 %: the relative-pronoun rule
# gives "…, which slams down with a bang" its sentence's words ("Its paws drum across the wooden seesaw"), and the
# drum reads as music. Left as measured: mending it would be tuning with blind13l in view.
# Tuned on it since (branch prompt15): a pov caption that names its viewer's role without "you" ("pov astronaut on
# a spacewalk", "POV mail carrier on a street") is that role and the one person a later "you" means; "first person,
# you're a chef" is a pov and no one on screen; "conducting" tells a conductor, "paddling" a paddler; a brief's "vid"
# or "sound design" is no subject; an animal acting in the first sentence outranks a person later whose verb is in the
# action table; a relative clause's sound keeps its own words ("which slams down with a bang") and no other verb's cue
# takes them in; people and places the tables lacked (nonna, aunty, an examiner, a retiree, a town crier, a handler,
# a guest; a community centre, an enclosure, a food truck, a fjord, a guildhall), a place the parse hung as a compound
# on another is where that one is ("a construction site downtown"), and one before a verb the parse took for a noun
# does what it says ("stadium roaring"): recall 95.4 %, subject 88.0 %, source 61.2 %, material 39.3 %, action 60.2 %,
# location 89.3 %, characters 82.0 %; blind13f subject 87.7 %; blind13i subject 90.8 %, location 91.9 %; blind13b
# characters 93.1 %, blind13g 83.1 %, blind13h 80.8 %, blind13j 77.7 %.
# blind13m (blind13m/README.md), a thirteenth writer's 100 prompts (355 cues, 98 timed, 344 kinds), scored blind once
# at 3892f47: recall 91/98 = 92.9 %, within a frame 100 % of those found, subject 89.0 %, source 57.1 %, material
# 53.6 %, action 64.8 %, location 83.5 %, characters 79.0 %, count/every 100 %, refused 0. Not tuned on. With
# prompt15 merged (tuned on blind13l, never saw blind13m) the same on every measure. prompt16 tuned on it, by rules
# that carry to other writers (a sound verb named after "with", a bare "at N" before a pronoun, a verb shouted in
# capitals, a line break ending a sentence, a screenplay's bare names in capitals, places and people the tables
# lacked): recall 94/98 = 95.9 %, subject 91.0 %, source 62.8 %, material 56.5 %, action 74.5 %, location 95.6 %,
# characters 86.0 % (a scene draws at most two characters: labels of three or four are out of reach).
# blind13n (blind13n/README.md), a fourteenth writer's 100 prompts (346 cues, 116 timed, 344 kinds), scored blind once
# at 06eee36 (before prompt16): recall 111/116 = 95.7 %, within a frame 99.1 % of those found, subject 82.0 %, source
# 56.8 %, material 49.5 %, action 53.2 %, location 80.0 %, characters 77.0 %, count/every 95.7 %, refused 0. With
# prompt16 merged (tuned on blind13m, never saw blind13n): recall 96.6 %, characters 83.0 %, subject and location the
# same, source 56.2 %, material 49.0 %, action 52.7 %: blind13m's location rose 83.5 → 95.6 % and blind13n's did not
# move. Not tuned on.
#: corpus → its measures with this commit, rounded down to a whole percent
# blind13o (blind13o/README.md), a fifteenth writer's 100 prompts (376 cues, 133 timed at a point, 369 kinds), scored
# blind once at a1c06bf (f7fd659 with the people words of the trades the renderer dresses: stonemason, postie, …):
# recall 126/133 = 94.7 %, within a frame 100 % of those found, subject 88.0 %, source 67.5 %, material 52.5 %, action
# 66.7 %, location 78.5 %, characters 85.0 %, count/every 99.2 %, refused 0. Then tuned on, by rules that read what
# people write (a length "12 second only"; an ad brief's opening "Pet food, 15s." names the product, not the subject;
# "Let it run fifteen seconds." asks only for the length; a cracker is no crack): recall 127/133 = 95.5 %, subject
# 91.0 %, source 67.7 %, material 52.9 %, action 66.9 %, location and characters the same.
# blind13p (blind13p/README.md), a sixteenth writer's 100 prompts (388 cues, 181 timed at a point, 379 kinds), scored
# blind once at 0d30eef: recall 162/181 = 89.5 %, within a frame 98.8 % of those found, subject 81.0 %, source 52.5 %,
# material 43.1 %, action 55.6 %, location 81.9 %, characters 77.8 %, count/every 97.6 %, refused 1 (a bin of lego
# read as the brand). Then tuned on, by rules that read what people write (a shot list's stamp opening a line or a
# sentence, "0:02 a moped beeps past"; "In 0:04"; "Sixteen seconds on a river", "Forty seconds at a graduation", "A
# twenty-second ride" are the clip's length; a crowd boos; chat's "n" before a verb is "and"; a brief's sentence of
# product and format is no picture; the lego toy is no trademarked character): recall 172/181 = 95.0 %, within a
# frame 100 %, subject 83.0 %, source 54.1 %, material 43.4 %, action 57.0 %, location 81.1 %, characters 77.0 %,
# refused 0.
# blind13q (blind13q/README.md), a seventeenth writer's 100 prompts (454 cues, 199 timed at a point, 448 kinds),
# scored blind once at cb6e9a4: recall 188/199 = 94.5 %, within a frame 97.3 % of those found, subject 86.0 %, source
# 50.0 %, material 44.4 %, action 59.6 %, location 82.8 %, characters 66.0 %, count/every 99.5 %, refused 0. Then
# tuned on, by rules that read what people write ("The clip should be 10 seconds" written last states the length, so
# "halfway" is 5 s; "goes ugh" is a voice; a pov from a thing shows no one; "someone's pickup" is heard, not seen; a
# coachman and a highlander are people; "[00:03]" opens the line it times; a brief's brand and setting fields name
# no subject, the beats do; a window cleaner is someone; "in the 2nd second"; "at 1s then 2s then 3s"): recall
# 192/199 = 96.5 %, within a frame 100 %, subject 90.0 %, characters 71.0 %, the rest level.
# blind13r (blind13r/README.md), an eighteenth writer's 100 prompts (448 cues, 232 timed at a point, 440 kinds),
# scored blind once at 53ab58c: recall 218/232 = 94.0 %, within a frame 98.2 % of those found, subject 82.0 %, source
# 52.3 %, material 46.4 %, action 49.5 %, location 73.7 %, characters 69.0 %, count/every 98.2 %, refused 0. Then
# tuned on, by rules that read what people write (a second deed of one subject shares its clause's time, "who takes
# a long slurp at 7 s and sighs"; a "later" two sounds share counts once; "On 8th second", "In the 7. second", "when
# video is 1 second"; a stamp opening a line times the line's every sentence; "tumble out shrieking"; an engine that
# cuts; "Keep it to ten seconds"; a screenplay's silent scene-setters and groups yield to its cast; place words such
# as velodrome, synagogue, funfair, soft play, courtyard): recall 228/232 = 98.3 %, within a frame 100 %, subject
# 87.0 %, source 55.3 %, material 47.5 %, action 53.9 %, location 88.4 %, the rest level.
# blind13s (blind13s/README.md), a nineteenth writer's 100 prompts (518 cues, 294 timed at a point, 516 kinds),
# scored blind once at 2db734b: recall 270/294 = 91.8 %, within a frame 99.3 % of those found, subject 66.0 %, source
# 53.3 %, material 42.9 %, action 55.6 %, location 81.4 %, characters 67.0 %, count/every 97.8 %, refused 0. Then
# tuned on, by rules that read what people write (a shot list's "- 0:02" bullet; a count at its line's stamp;
# "Roughly 12 seconds."; a time that opens its sentence times each of its clauses, and a "then" that opens a sound
# keeps it off the time before; "Close to 3 seconds," goes on into its sentence; a screenplay's name after "At 0:01"
# or introduced with its age after a comma; a "she" who acts before a thing is the person named before her; a bridge
# is no ride; a voice before another's quoted line is a sound; "he splutters"; a moving day or a roller disco is an
# occasion; a bare participle after a timed clause happens then, "at 5s it lands on a row of old cars, metal
# crunching, glass popping"): recall 281/294 = 95.6 %, within a frame 99.6 %, subject 74.0 %, source 55.2 %, material
# 46.2 %, action 57.7 %, the rest level.
# blind13t (blind13t/README.md), a twentieth writer's 100 prompts (521 cues, 310 timed at a point, 520 kinds),
# scored blind once at b08e4f3: recall 287/310 = 92.6 %, within a frame 99.7 % of those found, subject 67.0 %, source
# 47.0 %, material 37.7 %, action 53.3 %, location 82.7 %, characters 68.0 %, count/every 99.3 %, refused 0. Then
# tuned on, by rules that read what people write ("by second eight"; a yawn, an unzipping, a patter, a chink, a zing,
# a murmur someone lets out; "with a thud" the small model tags an adjective; "its metal slats clatter round" parsed
# as one compound; a participle with its own doer after a comma, "slams the steins down, foam sloshing"): recall
# 295/310 = 95.2 %, within a frame 100 %, subject 68.0 % (words that take the writer in are the one filming), source
# 47.5 %, material 39.0 %, action 53.9 %, the rest level.
OTHER_WRITERS = {
    "blind13t": {
        "recall": 0.95,
        "subject": 0.68,
        "source": 0.47,
        "material": 0.39,
        "action": 0.53,
        "location": 0.82,
        "characters": 0.68,
        "count_every": 0.99,
    },
    "blind13s": {
        "recall": 0.955,
        "subject": 0.74,
        "source": 0.54,
        "material": 0.46,
        "action": 0.57,
        "location": 0.81,
        "characters": 0.67,
        "count_every": 0.98,
    },
    "blind13r": {
        "recall": 0.98,
        "subject": 0.87,
        "source": 0.55,
        "material": 0.47,
        "action": 0.53,
        "location": 0.88,
        "characters": 0.70,
        "count_every": 0.98,
    },
    "blind13q": {
        "recall": 0.96,
        "subject": 0.90,
        "source": 0.48,
        "material": 0.44,
        "action": 0.58,
        "location": 0.82,
        "characters": 0.73,
        "count_every": 0.99,
    },
    "blind13p": {
        "recall": 0.95,
        "subject": 0.83,
        "source": 0.54,
        "material": 0.43,
        "action": 0.56,
        "location": 0.81,
        "characters": 0.77,
        "count_every": 0.97,
    },
    "blind13o": {
        "recall": 0.95,
        "subject": 0.91,
        "source": 0.67,
        "material": 0.52,
        "action": 0.66,
        "location": 0.78,
        "characters": 0.85,
        "count_every": 0.99,
    },
    "blind13n": {
        # n001's "then a phone notification ding" sat at 1 s and stood in, by time alone, for the coins that cascade
        # then: the guide leaves a "then" untimed, and the cascade is a miss of its own
        "recall": 0.95,
        "subject": 0.82,
        "source": 0.56,
        "material": 0.49,
        "action": 0.52,
        "location": 0.80,
        "characters": 0.83,
        "count_every": 0.95,
    },
    "blind13m": {
        "recall": 0.95,
        "subject": 0.91,
        "source": 0.62,
        "material": 0.55,  # the scorer pairs the tower's roar with its own cue now, whose voice has no material
        "action": 0.74,
        "location": 0.95,
        "characters": 0.86,
        "count_every": 1.0,
    },
    "blind13l": {
        "recall": 0.95,
        "subject": 0.88,
        "source": 0.61,
        "material": 0.39,
        "action": 0.60,
        "location": 0.89,
        "characters": 0.82,
        "count_every": 0.97,
    },
    "blind13k": {
        "recall": 0.97,
        "subject": 0.90,
        "source": 0.61,
        "material": 0.43,
        "action": 0.63,
        "location": 0.91,
        "characters": 0.88,
        "count_every": 0.98,
    },
    "blind13j": {
        "recall": 0.98,
        "subject": 0.84,
        "source": 0.70,
        "material": 0.55,
        "action": 0.71,
        "location": 0.81,
        "characters": 0.77,
        "count_every": 0.99,
    },
    "blind13i": {
        "recall": 0.96,
        "subject": 0.90,
        "source": 0.71,
        "material": 0.63,
        "action": 0.67,
        "location": 0.91,
        "characters": 0.85,
        "count_every": 0.96,
    },
    "blind13h": {
        "recall": 0.95,
        "subject": 0.83,
        "source": 0.61,
        "material": 0.67,
        "action": 0.68,
        "location": 0.89,
        "characters": 0.80,
        "count_every": 0.98,
    },
    "blind13g": {
        "recall": 0.96,
        "subject": 0.86,
        "source": 0.70,
        "material": 0.66,
        "action": 0.75,
        "location": 0.83,
        "characters": 0.83,
        "count_every": 0.98,
    },
    "blind13f": {
        "recall": 0.95,
        "subject": 0.87,
        "source": 0.62,
        "material": 0.69,
        "action": 0.70,
        "location": 0.94,
        "characters": 0.83,
        "count_every": 0.99,
    },
    "blind13b": {
        "recall": 0.98,
        "subject": 0.96,
        "source": 0.71,
        "material": 0.63,
        "action": 0.71,
        "location": 0.92,
        "characters": 0.93,
        "count_every": 0.96,
    },
    "blind13c": {
        "recall": 0.99,
        "subject": 0.92,
        "source": 0.74,
        "material": 0.64,
        "action": 0.70,
        "location": 0.90,
        "characters": 0.90,
        "count_every": 0.98,
    },
    "blind13d": {
        "recall": 0.98,
        "subject": 0.86,
        "source": 0.70,
        "material": 0.70,
        "action": 0.71,
        "location": 0.88,
        "characters": 0.87,
        "count_every": 0.98,
    },
    "blind13e": {
        "recall": 1.00,
        "subject": 0.91,
        "source": 0.82,
        "material": 0.72,
        "action": 0.90,
        "location": 0.94,
        "characters": 0.76,
        "count_every": 0.98,
    },
}


@pytest.fixture(scope="module", params=list(OTHER_WRITERS))
def other_writer(request: pytest.FixtureRequest) -> tuple[str, BlindScore]:
    name = request.param
    return name, score(load(Path(__file__).with_name(name) / f"{name}.jsonl"))


def _measures(result: BlindScore) -> dict[str, float]:
    fields = {name: result.rate(name) for name in (*MET_FIELDS, *UNMET_FIELDS)}
    return {"recall": result.recall, "subject": result.subject_rate, **fields}


#: corpora whose timed-cue recall is below the goal (see their notes above the floors)
TIMING_UNMET: frozenset[str] = frozenset()


def test_other_writers_meet_the_timing_goals_and_refuse_nothing(other_writer: tuple[str, BlindScore]) -> None:
    name, result = other_writer
    if name in TIMING_UNMET:
        assert result.refused == 0 and result.frame_rate >= 0.98, result.table()
        # the marker never hides a goal met: reaching it fails here, so the corpus leaves TIMING_UNMET
        assert result.recall < 0.95, f"{name} meets the recall goal now: take it out of TIMING_UNMET"
        pytest.xfail(f"{name}: timed-cue recall {result.recall:.1%} is below the 95 % goal")
    assert result.refused == 0 and result.recall >= 0.95 and result.frame_rate >= 0.98, result.table()


def test_other_writers_do_not_fall_below_what_they_measure(other_writer: tuple[str, BlindScore]) -> None:
    name, result = other_writer
    measured = _measures(result)
    for measure, floor in OTHER_WRITERS[name].items():
        assert measured[measure] >= floor, f"{name} {measure}\n{result.table()}"


@pytest.mark.xfail(strict=True, reason="the subject and field goals are not reached: see the floors above")
def test_other_writers_meet_the_subject_and_field_goals(other_writer: tuple[str, BlindScore]) -> None:
    _, result = other_writer
    measured = _measures(result)
    assert measured["subject"] >= 0.90, result.table()
    assert all(measured[name] >= FIELD_GOAL for name in (*MET_FIELDS, *UNMET_FIELDS)), result.table()


def test_two_sounds_on_one_frame_are_paired_by_their_words() -> None:
    """The scorer pairs a labelled cue with the plan's cue on the same frame that shares its words, not the first one
    listed: labelled in the other order, the bell and the bark are each scored against their own cue."""
    cue = {"time_s": 2.0, "relative_to": None, "every_s": None, "count": 1, "material": None}
    example = {
        "id": "pair",
        "prompt": "At 2 seconds the dog barks and the church bell rings.",
        "subject": "dog",
        "subject_alternatives": [],
        "location": None,
        "characters": 0,
        "cues": [
            {**cue, "text": "the church bell rings", "source": "bell", "action": "ring", "kind": "bell"},
            {**cue, "text": "the dog barks", "source": "dog", "action": "vocalisation", "kind": "bark"},
        ],
    }
    result = score([example])
    assert result.found == 2 and result.correct["source"] == 2, result.misses
