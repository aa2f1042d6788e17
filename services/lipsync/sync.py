"""A/V sync measured on the finished file: speech envelope against mouth opening seen in the pixels.

For each spoken line, the mouth's opening per frame is the number of dark mouth
pixels inside the tracked mouth box; the voice is the RMS of the audio over each
frame's duration. Their normalised cross-correlation over the line, refined to
a fraction of a frame, gives the offset (positive: the audio is late).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cinemesh.v1 import common_pb2

MAX_LAG_FRAMES = 6


@dataclass
class Measured:
    offset_ms: float
    correlation: float


def mouth_opening(frame: np.ndarray, face: common_pb2.FaceFrame) -> float:
    """Dark-red pixels around the tracked mouth: how open the mouth is in this frame."""
    face_w, face_h = face.box_x1 - face.box_x0, face.box_y1 - face.box_y0
    x0, x1 = int(max(0, face.mouth_x - face_w * 0.3)), int(min(frame.shape[1], face.mouth_x + face_w * 0.3 + 1))
    y0, y1 = int(max(0, face.mouth_y - face_h * 0.16)), int(min(frame.shape[0], face.mouth_y + face_h * 0.16 + 1))
    patch = frame[y0:y1, x0:x1].astype(np.int16)
    if patch.size == 0:
        return 0.0
    r, g, b = patch[..., 0], patch[..., 1], patch[..., 2]
    luma = r + g + b
    skin = float(np.percentile(luma, 75))  # relative to this face's own skin, whatever its tone
    dark = (luma < 0.55 * skin) & (r > g + 5) & (r > b)
    return float(dark.sum()) / max(1.0, face_w * face_h) * 100


def speech_envelope(audio: np.ndarray, sample_rate: int, fps: int, frames: range) -> np.ndarray:
    """RMS of the (mono) audio over each frame's duration."""
    out = []
    for k in frames:
        a, b = int(k * sample_rate / fps), int((k + 1) * sample_rate / fps)
        segment = audio[a:b]
        out.append(float(np.sqrt(np.mean(segment**2))) if len(segment) else 0.0)
    return np.array(out)


def offset(mouth: np.ndarray, voice: np.ndarray, fps: int) -> Measured:
    """Lag of the voice behind the mouth, in ms (sub-frame by parabolic interpolation)."""
    if len(mouth) < 4 or np.std(mouth) == 0 or np.std(voice) == 0:
        return Measured(0.0, 0.0)
    m = (mouth - mouth.mean()) / mouth.std()
    v = (voice - voice.mean()) / voice.std()
    lags = list(range(-MAX_LAG_FRAMES, MAX_LAG_FRAMES + 1))
    scores = []
    for lag in lags:
        if lag >= 0:
            a, b = m[: len(m) - lag], v[lag:]
        else:
            a, b = m[-lag:], v[: len(v) + lag]
        scores.append(float(np.mean(a * b)) if len(a) > 2 else -1.0)
    best = int(np.argmax(scores))
    refined = float(lags[best])
    if 0 < best < len(scores) - 1:
        left, centre, right = scores[best - 1], scores[best], scores[best + 1]
        denominator = left - 2 * centre + right
        if denominator < 0:
            refined += 0.5 * (left - right) / denominator
    return Measured(refined * 1000 / fps, scores[best])


def measure(
    frames: list[np.ndarray],
    audio: np.ndarray,
    sample_rate: int,
    fps: int,
    timeline: common_pb2.AudioTimeline,
    tracks: list[common_pb2.FaceTrack],
) -> list[Measured]:
    """One measurement per spoken line whose speaker has a face track."""
    faces = {t.character_id: {f.frame: f for f in t.frames} for t in tracks}
    results = []
    for line in timeline.lines:
        by_frame = faces.get(line.character_id)
        if not by_frame:
            continue
        # the line plus a few frames of context on each side, so a shift has room to show
        span = range(max(0, int(line.start_seconds * fps) - 3), min(len(frames), int(line.end_seconds * fps) + 4))
        mouth = np.array([mouth_opening(frames[k], by_frame[k]) if k in by_frame else 0.0 for k in span])
        voice = speech_envelope(audio, sample_rate, fps, span)
        results.append(offset(mouth, voice, fps))
    return results
