"""Effect sync measured on any MP4 from its pictures and sound alone: no metadata, no plan, no stems.

`measure.measure` times each effect against what the generator embedded (the cue's frame, its onset and
the band it stands out in), so it can only check files cinemesh made and trusts what they say. This
finds the events itself: a frame whose picture changes far more than the frames around it (an impact,
a flash, a slam) is an event when the sound, in one of five bands, rises RISE_DB over the mix within
SEARCH seconds of it; the offset is that onset minus the frame's time (positive: the sound is late).
A picture change with no such sound (a cut, a camera move) is not an effect and is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from scipy import signal

from cinemesh.lipsync import measure
from cinemesh.runtime import loudness

SEARCH = 0.3  # seconds either side of a picture event where its sound's onset is looked for
NEIGHBOURHOOD = 12  # frames either side whose typical change a picture event must stand out of
MERGE_FRAMES = 6  # picture changes closer than this are one event (a flash and its fade)
BLOCK = 16
ATTACK_SPAN = 0.03  # seconds after an onset in which the whole mix must jump


@dataclass(frozen=True)
class IndependentEffect:
    visible_frame: int  # first frame of the picture event
    onset_seconds: float  # where its sound starts
    offset_ms: float  # sound minus picture: positive when the sound is late


def picture_changes(path: Path) -> tuple[np.ndarray, float]:
    """(per-frame change, fps): the 99th percentile of 16×16 blocks' mean change from the previous frame."""
    changes = [0.0]
    previous = None
    with av.open(str(path)) as container:
        fps = float(container.streams.video[0].average_rate)
        for frame in container.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24").astype(np.int16)
            if previous is not None:
                diff = np.abs(rgb - previous).mean(axis=-1)
                h, w = diff.shape[0] // BLOCK * BLOCK, diff.shape[1] // BLOCK * BLOCK
                blocks = diff[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).mean(axis=(1, 3))
                changes.append(float(np.percentile(blocks, 99)))
            previous = rgb
    return np.array(changes), fps


def picture_events(changes: np.ndarray) -> list[int]:
    """Frames where a picture event starts: its change stands VISIBLE_RATIO over the frames around it."""
    events: list[int] = []
    for k in range(1, len(changes)):
        around = changes[max(1, k - NEIGHBOURHOOD) : k + NEIGHBOURHOOD + 1]
        if changes[k] < measure.VISIBLE_RATIO * (float(np.median(around)) + 1.0):
            continue
        if events and k - events[-1] <= MERGE_FRAMES:
            continue
        events.append(k)
    return events


def _local_rise_db(audio: np.ndarray, rate: int, at: float) -> float:
    """How far the whole mix's loudest 20 ms in the ATTACK_SPAN after `at` stands over its half second before."""
    start = round(at * rate)
    before = loudness.window_rms(audio, start - int(loudness.RISE_BEFORE_SECONDS * rate), start, rate)
    after = loudness.window_rms(audio, start, start + int(ATTACK_SPAN * rate), rate)
    return float(20 * np.log10(max(float(after.max()), 1e-9) / max(float(np.median(before)), 1e-9)))


def sound_onset(audio: np.ndarray, rate: int, around: float) -> float | None:
    """Seconds where a sound starts within SEARCH of `around`, or None.

    Each band offers its loudest onset (`measure.onset`); one counts where the whole mix, too, jumps RISE_DB
    within ATTACK_SPAN of it (an effect's attack does; a band that only wakes up before the effect, in a
    bed, does not), and the earliest that counts is where the sound starts: a thunderclap's rumble leads
    its crack, and both are the one sound.
    """
    a, b = max(0, int((around - SEARCH) * rate)), min(len(audio), int((around + SEARCH) * rate))
    pad = int(0.05 * rate)
    lo_pad = min(a, pad)
    onsets = []
    for lo, hi in measure.BANDS:
        sos = signal.butter(4, (lo, min(hi, rate / 2 * 0.95)), btype="bandpass", fs=rate, output="sos")
        band = signal.sosfiltfilt(sos, audio[a - lo_pad : b + pad])[lo_pad : lo_pad + b - a]  # zero phase
        start = measure.onset(band, rate)
        if start is not None and _local_rise_db(audio, rate, a / rate + start) >= measure.RISE_DB:
            onsets.append(a / rate + start)
    return min(onsets, default=None)


def measure_effects(path: Path) -> list[IndependentEffect]:
    """Every picture event in the file that a sound starts with, and how far apart the two are."""
    changes, fps = picture_changes(path)
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return []
        rate = container.streams.audio[0].codec_context.sample_rate
        audio = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1).mean(axis=0)
    found = []
    for frame in picture_events(changes):
        onset = sound_onset(audio, rate, frame / fps)
        if onset is not None:
            found.append(IndependentEffect(frame, onset, (onset - frame / fps) * 1000))
    return found
