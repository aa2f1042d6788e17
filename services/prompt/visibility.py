"""Which sound cues come from a source out of sight: the plan marks them `offscreen`.

Only the words around a cue decide (data/offscreen.yaml): its own text with the rest of its clause, and the
start of its clause or a short lead-in set off by a comma. A clause ends at a sentence mark, a semicolon, a comma or a
joining word ("and", "while", "as", "then", "but", "when"), so "a dog barks in the distance and a cup falls at
2 s" marks the bark and not the cup. A cue with no position in the prompt (one a planner backend added) is read
on its own text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from cinemesh.v1 import common_pb2

#: Most words a lead-in set off by a comma may have ("Somewhere in the house, a phone rings").
LEAD_IN_WORDS = 4
_CLAUSE_END = re.compile(r"[.;!?]|,|\b(?:and|while|as|then|but|when)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;!?]")


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    raw = yaml.safe_load((Path(__file__).with_name("data") / "offscreen.yaml").read_text())
    return tuple(re.compile(pattern) for pattern in raw["patterns"])


def says_offscreen(words: str) -> bool:
    lowered = words.lower()
    return any(pattern.search(lowered) for pattern in _patterns())


def _context(prompt: str, start: int, end: int) -> str:
    """The cue's words with the rest of their clause and the start of their clause (or a short lead-in)."""
    after = prompt[end:]
    stop = _CLAUSE_END.search(after)
    tail = after[: stop.start()] if stop else after
    before = prompt[:start]
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    opening = before[sentence_start:]
    # The clause's own start: after the last joining word, and after the last comma unless what comes before
    # that comma is a short lead-in of its own ("Offscreen, a phone rings"; "From upstairs, a crash") rather
    # than another clause ("A dog barks behind the door at 2 s, then a plate smashes").
    joins = [m.end() for m in re.finditer(r"\b(?:and|while|as|then|but|when)\b", opening, re.IGNORECASE)]
    opening = opening[joins[-1] :] if joins else opening
    *earlier, last = opening.split(",")
    if earlier and not last.strip() and len(earlier[-1].split()) <= LEAD_IN_WORDS:
        last = earlier[-1]
    opening = last
    return f"{opening} {prompt[start:end]} {tail}"


def mark_offscreen(scene_plan: common_pb2.ScenePlan) -> None:
    """Sets `offscreen` on every cue whose words put its source out of sight."""
    for cue in scene_plan.sound_cues:
        spans = cue.source.spans
        scene = scene_plan.scenes[cue.scene_index] if cue.scene_index < len(scene_plan.scenes) else None
        if spans and scene is not None:
            words = " ".join(_context(scene.prompt, span.start, span.end) for span in spans)
        else:
            words = cue.text
        cue.offscreen = says_offscreen(words)
