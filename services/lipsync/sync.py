"""A/V sync of each spoken line, measured on the finished file against the line's own references.

The mouth and the voice are each aligned to a reference of the line, and the line's
offset is the voice's delay minus the mouth's (positive: the audio is late):

- the mouth: its opening per frame, counted in mouth-red pixels, against the viseme track of
  the line's phonemes re-timed in 2 ms steps (the track is what a correct mouth shows);
- the voice: where the mix gets louder in 8 speech bands, hop by hop (5 ms), against
  where the same line gets louder in the dialogue stem (its template, carried in the
  file's metadata), over the line plus 300 ms either side, refined between hops.

Correlating the mouth with the mix's loudness directly, at the frame rate, left a broad
peak on a two-word line and none on a whisper, whose loudness barely moves over the
ambience; a single-band loudness template still lost a short line to the music's ducking
around it. The voice's syllable onsets across several bands at once are what no bed of
waves, rain or music reproduces, and the mouth is read at the precision it was drawn with.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

from cinemesh.lipsync import visemes
from cinemesh.v1 import common_pb2

MAX_DELAY = 0.25  # seconds either way that mouth or voice may be off their references
MOUTH_COARSE = 0.01  # the viseme track is re-timed in these steps (a frame is 33-42 ms), then in MOUTH_STEP
MOUTH_STEP = 0.002
HOP = 0.005  # band-level hop
CONTEXT = 0.3  # seconds of the silence around a line included in the voice's alignment
FLOOR_DB = 40.0  # a band this far under its peak is silence: its noise must not count as onsets
BANDS = 8
BAND_EDGES = np.geomspace(150.0, 6000.0, BANDS + 1)  # the speech bands, log-spaced


@dataclass
class Measured:
    offset_ms: float
    correlation: float


def mouth_opening(frame: np.ndarray, face: common_pb2.FaceFrame) -> float:
    """Mouth-red pixels around the tracked mouth: how open the mouth is in this frame.

    A mouth pixel is darker than the face's skin and far redder than it (green under 45 % of the skin's
    green-to-red ratio), both relative to this face's own skin: the test holds on a grey noir face at
    night, where the mouth is barely darker, and on a face lit orange by a sunset, where skin is red too.
    """
    face_w, face_h = face.box_x1 - face.box_x0, face.box_y1 - face.box_y0
    x0, x1 = int(max(0, face.mouth_x - face_w * 0.3)), int(min(frame.shape[1], face.mouth_x + face_w * 0.3 + 1))
    y0, y1 = int(max(0, face.mouth_y - face_h * 0.16)), int(min(frame.shape[0], face.mouth_y + face_h * 0.16 + 1))
    patch = frame[y0:y1, x0:x1].astype(np.int32)
    if patch.size == 0:
        return 0.0
    r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
    luma = r + g + b
    bright = luma >= np.median(luma)  # the skin: the mouth is the smaller, darker part of the patch
    skin_r, skin_g = float(np.median(r[bright])) + 1, float(np.median(g[bright])) + 1
    skin = float(np.percentile(luma, 75))
    mouth = (r > g + 5) & (r > b) & (g * skin_r < 0.45 * r * skin_g) & (luma < 0.9 * skin)
    return float(mouth.sum()) / max(1.0, face_w * face_h) * 100


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equally shaped arrays (0 when either is constant)."""
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))


def peak(delays: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """(delay, score) at the best score, refined between grid points by a parabola through its neighbours."""
    best = int(np.argmax(scores))
    delay = float(delays[best])
    if 0 < best < len(scores) - 1:
        left, centre, right = scores[best - 1], scores[best], scores[best + 1]
        curvature = left - 2 * centre + right
        if curvature < 0:
            delay += 0.5 * float(left - right) / float(curvature) * float(delays[1] - delays[0])
    return delay, float(scores[best])


def mouth_delay(opening: np.ndarray, line: common_pb2.SpokenLine, fps: int) -> tuple[float, float]:
    """(seconds the mouth runs behind the line's visemes, correlation), from its per-frame opening.

    `opening` covers the frames the line's mouth is drawn on (visemes.track's span). The search is coarse
    (MOUTH_COARSE) then fine (MOUTH_STEP) around the best: the correlation is smooth at well under a frame.
    """

    def scores(delays: np.ndarray) -> np.ndarray:
        return np.array([correlation(opening, visemes.track(line, fps, d).opening) for d in delays])

    coarse = np.arange(-MAX_DELAY, MAX_DELAY + MOUTH_COARSE / 2, MOUTH_COARSE)
    best = float(coarse[int(np.argmax(scores(coarse)))])
    fine = best + np.arange(-MOUTH_COARSE, MOUTH_COARSE + MOUTH_STEP / 2, MOUTH_STEP)
    return peak(fine, scores(fine))


def band_levels(audio: np.ndarray, rate: int, start: float, hops: int) -> np.ndarray:
    """[hops, BANDS] dB of `audio` in log-spaced speech bands, 10 ms windows every 5 ms, the first centred on `start`.

    Outside the audio counts as silence.
    """
    hop, window = int(HOP * rate), int(2 * HOP * rate)
    a = round(start * rate) - hop
    segment = np.zeros((hops - 1) * hop + window)
    lo, hi = max(0, a), max(0, min(len(audio), a + len(segment)))
    segment[lo - a : hi - a] = audio[lo:hi]
    frames = np.lib.stride_tricks.sliding_window_view(segment, window)[::hop][:hops] * np.hanning(window)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(window, 1 / rate)
    which = np.digitize(freqs, BAND_EDGES) - 1  # band of each FFT bin; -1 or BANDS outside them
    levels = np.stack([power[:, which == k].sum(axis=1) for k in range(BANDS)], axis=1)
    return 10 * np.log10(levels + 1e-12)


def rises(levels: np.ndarray) -> np.ndarray:
    """How much each band got louder from the previous hop (dB, rises only; 40 dB under its peak is silence).

    Onsets of syllables carry the alignment: a steady bed (waves, rain, music) rises rarely, and what
    rises in it does not line up with the voice's onsets in several bands at once.
    """
    floored = np.maximum(levels, levels.max(axis=0, keepdims=True) - FLOOR_DB)
    return np.maximum(0.0, np.diff(floored, axis=0, prepend=floored[:1]))


@dataclass(frozen=True)
class VoiceTemplate:
    """A line's band levels in the dialogue stem: its voice over time, without the rest of the mix."""

    start: float  # centre of the first hop, seconds; MAX_DELAY + CONTEXT before the line
    levels: np.ndarray  # [hops, BANDS] dB

    def encode(self) -> list:
        """[start, base64 of whole dB as int8]: compact enough for the file's metadata."""
        quantised = np.clip(np.round(self.levels), -128, 127).astype(np.int8)
        return [round(self.start, 4), base64.b64encode(quantised.tobytes()).decode()]

    @classmethod
    def decode(cls, value: list) -> VoiceTemplate:
        levels = np.frombuffer(base64.b64decode(value[1]), np.int8).reshape(-1, BANDS)
        return cls(float(value[0]), levels.astype(np.float64))


def voice_template(dialogue: np.ndarray, rate: int, line: common_pb2.SpokenLine) -> VoiceTemplate:
    """The template of one line from the (mono) dialogue stem."""
    start = line.start_seconds - CONTEXT - MAX_DELAY
    hops = round((line.end_seconds + CONTEXT + MAX_DELAY - start) / HOP) + 1
    return VoiceTemplate(start, band_levels(dialogue, rate, start, hops))


def voice_delay(audio: np.ndarray, rate: int, template: VoiceTemplate) -> tuple[float, float]:
    """(seconds the voice in the mix runs behind its template, correlation of their band onsets)."""
    lags = round(MAX_DELAY / HOP)
    hops = len(template.levels) - 2 * lags
    if hops < 4:
        return 0.0, 0.0
    mix = rises(band_levels(audio, rate, template.start + MAX_DELAY, hops))
    ref = rises(template.levels)
    shifts = np.arange(-lags, lags + 1)
    # a voice late by d sounds at t what the template has at t − d
    scores = np.array([correlation(mix, ref[lags - k : lags - k + hops]) for k in shifts])
    return peak(shifts * HOP, scores)


def measure_line(
    opening: np.ndarray, audio: np.ndarray, rate: int, fps: int, line: common_pb2.SpokenLine, voice: VoiceTemplate
) -> Measured:
    mouth, mouth_r = mouth_delay(opening, line, fps)
    delay, voice_r = voice_delay(audio, rate, voice)
    return Measured((delay - mouth) * 1000, min(mouth_r, voice_r))


def measure(
    frames: list[np.ndarray],
    audio: np.ndarray,
    sample_rate: int,
    fps: int,
    timeline: common_pb2.AudioTimeline,
    tracks: list[common_pb2.FaceTrack],
    voices: dict[int, VoiceTemplate],
) -> list[tuple[common_pb2.SpokenLine, Measured]]:
    """One measurement per spoken line whose speaker has a face track and whose voice has a template."""
    faces = {t.character_id: {f.frame: f for f in t.frames} for t in tracks}
    results = []
    for line in timeline.lines:
        by_frame = faces.get(line.character_id)
        if not by_frame or line.line_index not in voices:
            continue
        span = visemes.track(line, fps)
        frames_of_line = range(span.first, span.first + len(span.opening))
        opening = np.array(
            [
                mouth_opening(frames[k], by_frame[k]) if k in by_frame and k < len(frames) else 0.0
                for k in frames_of_line
            ]
        )
        results.append((line, measure_line(opening, audio, sample_rate, fps, line, voices[line.line_index])))
    return results
