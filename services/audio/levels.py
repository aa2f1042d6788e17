"""How loud each effect sits in the mix: its rise over what plays just before it follows its kind and distance.

The levels (data/effect_levels.yaml) are rises in dB as `loudness.rise_db` measures them on the finished
file, so an effect is set against the bed it actually lands on: a slam over room tone and the same slam
under a line of dialogue and an orchestra both cut through by the same margin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from cinemesh.runtime import loudness
from cinemesh.v1 import plan_pb2

DATA = Path(__file__).with_name("data") / "effect_levels.yaml"


@dataclass(frozen=True)
class EffectLevels:
    default_db: float
    actions: dict[str, float]
    distance_db: dict[str, float]
    offscreen_db: float
    max_boost_db: float
    max_cut_db: float

    def target_db(self, cue: plan_pb2.SoundCue, text: str) -> float:
        """The rise this cue's effect should have: its action's level moved by distance words in its text, and
        set back by `offscreen_db` when the plan marks it out of sight and no word already set it back."""
        words = set(re.findall(r"[a-z-]+", f"{cue.text} {text}".lower()))
        distance = sum(shift for word, shift in self.distance_db.items() if word in words)
        if cue.offscreen and distance >= 0:
            distance += self.offscreen_db
        return self.actions.get(cue.sound_action, self.default_db) + distance

    def gain(self, clip: np.ndarray, bed: np.ndarray, onset: int, target_db: float) -> float:
        """Linear gain that puts `clip` (starting at sample `onset`) `target_db` over `bed` (mono, same rate).

        The clip's loudest 20 ms against the median 20 ms of the bed's half second before the onset; bounded
        to max_cut_db/max_boost_db around unity.
        """
        rate = loudness.RATE
        clip_peak = float(loudness.window_rms(clip, 0, int(loudness.RISE_AFTER_SECONDS * rate), rate).max())
        before_start = onset - int(loudness.RISE_BEFORE_SECONDS * rate)
        before = float(np.median(loudness.window_rms(bed, before_start, onset, rate)))
        if clip_peak <= 0 or before <= 0:
            return 1.0
        wanted_db = target_db - 20 * np.log10(clip_peak / before)
        return float(10 ** (np.clip(wanted_db, -self.max_cut_db, self.max_boost_db) / 20))


@cache
def effect_levels() -> EffectLevels:
    raw = yaml.safe_load(DATA.read_text())
    return EffectLevels(
        default_db=float(raw["default_db"]),
        actions={k: float(v) for k, v in raw["actions"].items()},
        distance_db={k: float(v) for k, v in raw["distance_db"].items()},
        offscreen_db=float(raw["offscreen_db"]),
        max_boost_db=float(raw["max_boost_db"]),
        max_cut_db=float(raw["max_cut_db"]),
    )
