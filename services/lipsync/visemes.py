"""Phoneme timelines → per-frame mouth shapes (Oculus/MPEG-4 style visemes) with coarticulation.

Each frame's mouth blends the visemes of the phonemes around it: a phoneme
starts shaping the mouth before it sounds (anticipation) and lingers after it
(carry-over); the result is smoothed over neighbouring frames so no shape
flickers for a single frame. Pauses close the mouth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cinemesh.v1 import common_pb2

#: The 15 visemes and the mouth each makes: (opening 0..1, width 0..1).
VISEMES: dict[str, tuple[float, float]] = {
    "sil": (0.0, 0.5),
    "PP": (0.0, 0.45),
    "FF": (0.15, 0.55),
    "TH": (0.25, 0.5),
    "DD": (0.35, 0.55),
    "kk": (0.45, 0.5),
    "CH": (0.3, 0.35),
    "SS": (0.2, 0.65),
    "nn": (0.3, 0.5),
    "RR": (0.35, 0.4),
    "aa": (1.0, 0.6),
    "E": (0.6, 0.75),
    "ih": (0.45, 0.7),
    "oh": (0.75, 0.3),
    "ou": (0.45, 0.2),
}
# IPA (as the TTS writes it) → viseme. Stress and length marks carry no shape.
_IPA: dict[str, str] = {
    **dict.fromkeys("pbm", "PP"),
    **dict.fromkeys("fv", "FF"),
    **dict.fromkeys(["θ", "ð"], "TH"),
    **dict.fromkeys("tdɾ", "DD"),
    **dict.fromkeys(["k", "ɡ", "g", "ŋ", "x"], "kk"),
    **dict.fromkeys(["ʃ", "ʒ", "tʃ", "dʒ", "j"], "CH"),
    **dict.fromkeys(["s", "z"], "SS"),
    **dict.fromkeys(["n", "l", "h"], "nn"),
    **dict.fromkeys(["ɹ", "r", "ɚ", "ɝ"], "RR"),
    **dict.fromkeys(["a", "ɑ", "æ", "ʌ", "ɐ", "aɪ", "aʊ"], "aa"),
    **dict.fromkeys(["e", "ɛ", "eɪ", "ə"], "E"),
    **dict.fromkeys(["i", "ɪ", "ɨ"], "ih"),
    **dict.fromkeys(["o", "ɔ", "oʊ", "ɔɪ", "ɒ"], "oh"),
    **dict.fromkeys(["u", "ʊ", "w"], "ou"),
    "_": "sil",
    " ": "sil",
}
_MARKS = set("ˈˌːˑ")
ANTICIPATION = 0.05  # seconds a phoneme shapes the mouth before it sounds
CARRY_OVER = 0.02
LEAD = 0.02


def viseme_of(phoneme: str) -> str | None:
    """The viseme of an IPA symbol; None for marks that only modify their neighbour."""
    if phoneme in _MARKS:
        return None
    if phoneme in _IPA:
        return _IPA[phoneme]
    return _IPA.get(phoneme[:1], "nn")


@dataclass
class MouthTrack:
    """Per-frame mouth for one line: frames [first, first + len) of the video."""

    first: int
    opening: np.ndarray  # 0..1
    width: np.ndarray  # 0..1
    viseme: list[str]
    delay_seconds: float = 0.0  # how much later than its voice the mouth was timed (the sync correction)


def track(line: common_pb2.SpokenLine, fps: int, delay_seconds: float = 0.0) -> MouthTrack:
    """The mouth over the frames a line spans, sampled at the video's frame times (delayed by `delay_seconds`)."""
    first = int(np.floor(line.start_seconds * fps))
    last = int(np.ceil(line.end_seconds * fps))
    # frame centres, 20 ms ahead: speech energy peaks at syllable onsets, the opening mid-vowel
    times = (np.arange(first, last + 1) + 0.5) / fps + LEAD - delay_seconds
    opening = np.zeros(len(times))
    width = np.full(len(times), VISEMES["sil"][1])
    weight = np.zeros(len(times))
    dominant = ["sil"] * len(times)
    best = np.zeros(len(times))
    for ph in line.phonemes:
        name = viseme_of(ph.phoneme)
        if name is None:
            continue
        shape_open, shape_width = VISEMES[name]
        start, end = ph.start_seconds - ANTICIPATION, ph.end_seconds + CARRY_OVER
        centre = (ph.start_seconds + ph.end_seconds) / 2
        half = max(1e-3, (end - start) / 2)
        # a triangular influence peaking mid-phoneme: neighbours blend (coarticulation)
        w = np.clip(1 - np.abs(times - centre) / half, 0, 1)
        opening += w * shape_open
        width += w * (shape_width - VISEMES["sil"][1])
        weight += w
        for k in np.nonzero(w > best)[0]:
            best[k], dominant[k] = w[k], name
    opening = np.where(weight > 0, opening / np.maximum(weight, 1e-9), 0.0)
    width = np.where(
        weight > 0, VISEMES["sil"][1] + (width - VISEMES["sil"][1]) / np.maximum(weight, 1e-9), VISEMES["sil"][1]
    )
    # three-frame smoothing: no single-frame flicker
    kernel = np.array([0.25, 0.5, 0.25])
    opening = np.convolve(np.pad(opening, 1, mode="edge"), kernel, mode="valid")
    width = np.convolve(np.pad(width, 1, mode="edge"), kernel, mode="valid")
    return MouthTrack(first, np.clip(opening, 0, 1), np.clip(width, 0, 1), dominant, delay_seconds)
