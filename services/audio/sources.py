"""The audio stage's sources on disk: one `.npz` per source, stamped with the projection it was rendered from.

The arrays are stored exactly as they are mixed (float32, no re-quantisation), so a mix of loaded sources is bit
for bit the mix of freshly rendered ones. A source is loaded only when its stamp matches the plan being rendered:
a remix's copied source made for another plan (or another cameo voice) is rendered again, never trusted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cinemesh.audio.music import MusicBed
from cinemesh.audio.soundtrack import EffectClip, SpokenDialogue
from cinemesh.v1 import common_pb2

Source = SpokenDialogue | list[EffectClip] | np.ndarray | MusicBed
_STAMP = "stamp"


def save(path: Path, stamp: str, source: Source) -> None:
    arrays: dict[str, np.ndarray] = {_STAMP: np.array(stamp)}
    if isinstance(source, SpokenDialogue):
        lines = common_pb2.AudioTimeline(lines=source.lines).SerializeToString()
        arrays |= {"audio": source.audio, "lines": np.frombuffer(lines, np.uint8)}
    elif isinstance(source, MusicBed):
        arrays |= {"audio": source.audio, "beats": np.array(source.beats, np.float64)}
        arrays["tempo_bpm"] = np.array(source.tempo_bpm, np.float64)
    elif isinstance(source, np.ndarray):  # ambience
        arrays["audio"] = source
    else:  # effects
        arrays |= {
            "cue_index": np.array([e.cue_index for e in source], np.int64),
            "start": np.array([e.start for e in source], np.int64),
            "sound_samples": np.array([e.sound_samples for e in source], np.int64),
        }
        arrays |= {f"clip_{k}": e.clip for k, e in enumerate(source)}
    with path.open("wb") as out:
        np.savez(out, **arrays)


def load(path: Path, name: str, stamp: str) -> Source | None:
    """The source stored at `path`, or None when it was rendered from another projection."""
    with np.load(path, allow_pickle=False) as stored:
        if str(stored[_STAMP]) != stamp:
            return None
        if name == "dialogue":
            lines = common_pb2.AudioTimeline.FromString(stored["lines"].tobytes()).lines
            return SpokenDialogue(stored["audio"], list(lines))
        if name == "effects":
            return [
                EffectClip(int(index), int(start), stored[f"clip_{k}"], int(samples))
                for k, (index, start, samples) in enumerate(
                    zip(stored["cue_index"], stored["start"], stored["sound_samples"], strict=True)
                )
            ]
        if name == "ambience":
            return stored["audio"]
        return MusicBed(stored["audio"], float(stored["tempo_bpm"]), [float(b) for b in stored["beats"]])
