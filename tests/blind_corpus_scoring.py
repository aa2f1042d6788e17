"""Scores the planner on the blind13 corpus (labelled by someone who never saw the code); aggregates only.

Each line: id, style, prompt, duration_s, subject, subject_alternatives, location, characters, cues
[{text, time_s, relative_to, every_s, count, source, material, action, kind}], untimed_sounds, dialogue.
The prompt is submitted alone on the pro tier, as a person would type it: a duration it states
("make a 12 second video") is part of the text. Never prints a per-prompt miss unless asked
(`misses=True`), so a held-out set can be scored without being read.

    python tests/blind_corpus_scoring.py services/prompt/tests/blind13/tuning.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cinemesh.prompt.planner import plan
from cinemesh.runtime.errors import CinemeshError
from cinemesh.v1 import common_pb2

RATES = {"plus": 16, "pro": 40}
FRAME = 1 / 24
FOUND_WITHIN = 0.5
CUE_FIELDS = ("source", "material", "action", "count_every")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _stems(word: str) -> set[str]:
    """A word and what it is the plural of, if it is one: "glasses" → glass, "bottles" → bottle, "cubes" → cube,
    "flies" → fly. Every reading is kept, since spelling alone cannot tell "bottl-es" from "glass-es"; two words
    match when their readings share one, which treats both sides alike (the earlier single reading stripped
    "es" or "s" whichever came first, so "bottles" ≠ "bottle", "glass" ≠ "glasses", "ice cubes" ≠ "ice cube")."""
    if len(word) <= 3:
        return {word}
    stems = {word}
    if word.endswith("s"):
        stems.add(word[:-1])
    if word.endswith("es"):
        stems.add(word[:-2])
    if word.endswith("ies"):
        stems.add(word[:-3] + "y")
    return stems


NORMALISATION: dict[str, Any] = yaml.safe_load((Path(__file__).with_name("data") / "blind_scoring.yaml").read_text())


def _same_word(stems: set[str], other: set[str], normalise: bool) -> bool:
    """Two words' readings share one; normalised, a closed compound also matches its head ("toothbrush" ~
    "brush"), read from the end, with the shorter at least `compound_head_min_letters` long."""
    if stems & other:
        return True
    if not normalise:
        return False
    shortest = NORMALISATION["compound_head_min_letters"]
    return any(
        (a.endswith(b) and len(b) >= shortest) or (b.endswith(a) and len(a) >= shortest) for a in stems for b in other
    )


def _shared_words(label_text: str, plan_text: str) -> int:
    planned = [_stems(w) for w in _words(plan_text)]
    return sum(1 for word in set(_words(label_text)) if any(_same_word(_stems(word), p, True) for p in planned))


def _contains(haystack: str, needle: str, normalise: bool = True) -> bool:
    """Whether every word of needle is in haystack (plurals folded; normalised, compound heads match, and
    a compound written as one word or two is the same: "air horn" ~ "airhorn")."""
    hay = [_stems(w) for w in _words(haystack)]
    if normalise:
        hay.append(_stems("".join(_words(haystack))))
        joined = "".join(_words(needle))
        if joined and any(_stems(joined) & h for h in hay):
            return True
    return bool(_words(needle)) and all(any(_same_word(_stems(w), h, normalise) for h in hay) for w in _words(needle))


def _same_head(planned: str, label: str, normalise: bool = True) -> bool:
    """Normalised, whether two noun phrases share their head noun, the last word ("alarm clock" ~ "clock", "pickup
    truck" ~ "truck"; but "chess clock" ≁ "clock button"): the guide asks for the head noun of the sounding thing."""
    planned_words, label_words = _words(planned), _words(label)
    if not (normalise and planned_words and label_words):
        return False
    return _same_word(_stems(planned_words[-1]), _stems(label_words[-1]), True)


def material_class(material: str, normalise: bool = True) -> str:
    """A plan's material in the labelling guide's classes ("cardboard" → paper); unchanged when not normalising."""
    return NORMALISATION["material_classes"].get(material, material) if normalise else material


@dataclass
class BlindScore:
    prompts: int = 0
    refused: int = 0
    timed: int = 0
    found: int = 0
    within_frame: int = 0
    subject_ok: int = 0
    correct: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    kinds: set[str] = field(default_factory=set)
    misses: list[str] = field(default_factory=list)
    #: (example id, field, the labelled cue or None, the plan's value) of each field miss, for error analysis
    field_misses: list[tuple[str, str, dict[str, Any] | None, str]] = field(default_factory=list)

    def rate(self, name: str) -> float:
        return self.correct[name] / max(1, self.total[name])

    @property
    def recall(self) -> float:
        return self.found / max(1, self.timed)

    @property
    def frame_rate(self) -> float:
        return self.within_frame / max(1, self.found)

    @property
    def subject_rate(self) -> float:
        return self.subject_ok / max(1, self.prompts)

    def table(self) -> str:
        rows = [
            f"prompts {self.prompts}, refused {self.refused}",
            f"timed-cue recall (±{FOUND_WITHIN:g} s): {self.found}/{self.timed} = {self.recall:.1%}; "
            f"within one frame: {self.within_frame}/{self.timed} "
            f"({self.frame_rate:.1%} of those found)",
            f"subject correct: {self.subject_ok}/{self.prompts} = {self.subject_rate:.1%}",
        ]
        for name in sorted(self.total):
            rows.append(f"{name:<12}{self.correct[name]:>5}/{self.total[name]:<5}{self.rate(name):>8.1%}")
        rows.append(f"distinct labelled cue kinds: {len(self.kinds)}")
        return "\n".join(rows)


def _record(
    result: BlindScore,
    name: str,
    ok: bool,
    eid: str,
    detail: str,
    label: dict[str, Any] | None = None,
    planned: str = "",
) -> None:
    result.total[name] += 1
    result.correct[name] += int(ok)
    if not ok:
        result.misses.append(f"{eid} {name}: {detail}")
        result.field_misses.append((eid, name, label, planned))


def score(examples: list[dict[str, Any]], tier: str = "pro", normalise: bool = True) -> BlindScore:
    """Scores a corpus; `normalise=False` compares words strictly (no compound heads, no material classes), as
    the scorer did before the normalisations in data/blind_scoring.yaml, to count what they change."""
    result = BlindScore()
    for example in examples:
        _score_one(example, result, tier, normalise)
    return result


def _score_one(example: dict[str, Any], result: BlindScore, tier: str, normalise: bool = True) -> None:
    eid = example["id"]
    result.prompts += 1
    timed_labels = [c for c in example["cues"] if c["time_s"] is not None]
    result.timed += len(timed_labels)
    result.kinds.update(c["kind"] for c in example["cues"])
    try:
        scene_plan = plan(common_pb2.GenerationSpec(prompt=example["prompt"]), tier, 1, RATES)
    except CinemeshError as exc:
        result.refused += 1
        result.misses.append(f"{eid} refused: {exc.code.name} {exc.message}")
        return
    if not scene_plan.safety.allowed:
        result.refused += 1
        result.misses.append(f"{eid} refused by safety")
        return
    subject = scene_plan.shots[0].subject.text if scene_plan.shots else ""
    names = [example["subject"], *example["subject_alternatives"]]
    readings = [subject]
    if normalise and subject.lower() in NORMALISATION["subject_names"]:
        readings.append(NORMALISATION["subject_names"][subject.lower()])
    if any(_contains(reading, name, normalise) for name in names if name for reading in readings):
        result.subject_ok += 1
    else:
        result.misses.append(f"{eid} subject: {names} not in {subject!r}")
        result.field_misses.append((eid, "subject", None, subject))
    cues = list(scene_plan.sound_cues)
    used: set[int] = set()
    # nearest first (to the frame), one plan cue per labelled cue; among cues on the same frame the one whose text
    # shares most words with the label's, so that two sounds at one time are not paired crosswise by list order
    pairs = sorted(
        (
            round(abs(cue.time_seconds - label["time_s"]) / FRAME),
            -_shared_words(label["text"], _new(cue, "text")),
            abs(cue.time_seconds - label["time_s"]),
            li,
            ci,
        )
        for li, label in enumerate(timed_labels)
        for ci, cue in enumerate(cues)
    )
    matched: dict[int, int] = {}
    for _, _, distance, li, ci in pairs:
        if distance <= FOUND_WITHIN and li not in matched and ci not in used:
            matched[li] = ci
            used.add(ci)
    for li, label in enumerate(timed_labels):
        if li not in matched:
            planned = [(_new(c, "text"), c.time_seconds) for c in cues]
            notes = list(_new(scene_plan, "notes", []))
            result.misses.append(f"{eid} cue missed: {label['text']!r} at {label['time_s']} (plan: {planned}; {notes})")
            continue
        result.found += 1
        cue = cues[matched[li]]
        if abs(cue.time_seconds - label["time_s"]) <= FRAME + 1e-6:
            result.within_frame += 1
        else:
            result.misses.append(f"{eid} cue time: {label['time_s']} vs {cue.time_seconds}")
        _fields(result, eid, label, cue, normalise)
    for label in example["cues"]:
        if label["time_s"] is None and label["every_s"] is not None:
            ok = any(abs(_new(c, "every_seconds", 0.0) - label["every_s"]) < 0.05 for c in cues)
            _record(result, "count_every", ok, eid, f"every {label['every_s']} s not in plan")
    if example["location"]:
        env = scene_plan.shots[0].environment
        spans = list(env.location_source.spans)
        # the place as written where the plan has one (added with this corpus), else the location's words
        texts = [_new(env, "place")] + [example["prompt"][s.start : s.end] for s in spans]
        ok = any(
            _contains(t, example["location"], normalise) or _contains(example["location"], t, normalise)
            for t in texts
            if t
        )
        _record(result, "location", ok, eid, f"{example['location']!r} vs {texts}")
    people = len(scene_plan.characters)
    _record(result, "characters", people == example["characters"], eid, f"{example['characters']} vs {people}")


def _new(message: Any, name: str, default: Any = "") -> Any:
    """A field added with open-vocabulary cues; the baseline (plans made before it existed) reads as empty."""
    return getattr(message, name, default)


def _fields(result: BlindScore, eid: str, label: dict[str, Any], cue: Any, normalise: bool = True) -> None:
    source, action = _new(cue, "source_object"), _new(cue, "sound_action")
    material = material_class(_new(cue, "material"), normalise)
    repeat_count, every_seconds = _new(cue, "repeat_count", 0), _new(cue, "every_seconds", 0.0)
    if label["source"]:
        ok = (
            _contains(source, label["source"], normalise)
            or (bool(source) and _contains(label["source"], source, normalise))
            or _same_head(source, label["source"], normalise)
        )
        detail = f"{label['source']!r} vs {source!r} ({label['text']!r} / {cue.text!r})"
        _record(result, "source", ok, eid, detail, label, source)
    if label["material"]:
        detail = f"{label['material']} vs {material} ({label['source']!r} vs {source!r})"
        _record(result, "material", material == label["material"], eid, detail, label, material)
    detail = f"{label['action']} vs {action} ({label['text']!r})"
    _record(result, "action", action == label["action"], eid, detail, label, action)
    count = label["count"] or 1
    ok = max(1, repeat_count) == count and (label["every_s"] is None or abs(every_seconds - label["every_s"]) < 0.05)
    _record(result, "count_every", ok, eid, f"count {count}/every {label['every_s']} vs {repeat_count}")


if __name__ == "__main__":
    corpus = Path(sys.argv[1])
    outcome = score(load(corpus))
    print(f"{corpus.name}\n{outcome.table()}")
    if "--misses" in sys.argv:
        print("\n".join(outcome.misses))
