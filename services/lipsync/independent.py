"""A/V sync measured on any MP4 from its pictures and sound alone: no metadata, no plan, no stems.

`measure.measure` times lines and effects against what the generator embedded (phonemes, mouth tracks,
each cue's frame, onset and band), so it can only check files cinemesh made and trusts what they say.
This finds everything itself:

- effects: a frame whose picture changes far more than the frames around it (an impact, a flash, a
  slam) is an event when a sound starts within SEARCH seconds of it; the offset is that onset minus
  the frame's time. A picture change with no such sound (a cut, a camera move) is not an effect.
- lips: faces found by dlib's HOG detector, the mouth placed by its 68 landmarks; how much the mouth
  opens, frame by frame, rises where syllables start. Those rises are cross-correlated with where the
  mix gets louder in the speech bands; a mouth starts to open MOUTH_LEAD before its sound
  (coarticulation), so the offset is the best lag minus that lead.

Offsets are positive when the sound is late.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import av
import dlib
import numpy as np
from scipy import signal

from cinemesh.lipsync import measure, sync
from cinemesh.runtime import loudness
from cinemesh.runtime.face_models import model_path
from cinemesh.v1 import common_pb2

SEARCH = 0.3  # seconds either side of a picture event where its sound's onset is looked for
MERGE_FRAMES = 6  # picture changes closer than this are one event (a fall and its landing, a flash and its fade)
ATTACK_SPAN = 0.03  # seconds after an onset in which the whole mix must jump
DETECT_EVERY = 4  # frames between face detections: faces move little in four frames
MOUTH_LEAD = 0.05  # seconds a mouth starts to open before its sound (coarticulation)
MAX_LAG = 0.3  # seconds either way searched for the mouth-to-voice lag
EFFECT_BODY = 0.25  # seconds of an effect's sound after its onset that no voice is timed by
MIN_CORRELATION = 0.25  # under this the mouth does not follow the voice clearly enough to time


@dataclass
class _Track:
    """One face followed over the file: where dlib saw it (frame index, box x0 y0 x1 y1, mouth x y)."""

    frames: list[int]
    boxes: list[np.ndarray]
    mouths: list[np.ndarray]

    def at(self, frame: int) -> common_pb2.FaceFrame:
        """The face on any frame, its box and mouth interpolated between sightings (a pan moves it)."""
        box = [float(np.interp(frame, self.frames, [b[k] for b in self.boxes])) for k in range(4)]
        mouth = [float(np.interp(frame, self.frames, [m[k] for m in self.mouths])) for k in range(2)]
        return common_pb2.FaceFrame(
            mouth_x=mouth[0], mouth_y=mouth[1], box_x0=box[0], box_y0=box[1], box_x1=box[2], box_y1=box[3]
        )


@dataclass(frozen=True)
class IndependentLine:
    box: tuple[int, int, int, int]  # the face, x0, y0, x1, y1 in pixels (median over its sightings)
    offset_ms: float | None  # voice minus mouth: positive when the sound is late; None when unclear
    correlation: float  # of the mouth's opening rises with the voice's onsets at the best lag
    seen: _Track  # where it was seen, for matching it to a speaker frame by frame

    def mouth_at(self, frame: int) -> tuple[float, float]:
        face = self.seen.at(frame)
        return face.mouth_x, face.mouth_y


@dataclass(frozen=True)
class IndependentEffect:
    visible_frame: int  # first frame of the picture event
    onset_seconds: float  # where its sound starts
    offset_ms: float  # sound minus picture: positive when the sound is late


def picture_changes(path: Path) -> tuple[np.ndarray, float]:
    """(per-frame change from the previous frame, as `measure.picture_change` reads it; fps)."""
    changes = [0.0]
    previous = None
    with av.open(str(path)) as container:
        fps = float(container.streams.video[0].average_rate)
        for frame in container.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            if previous is not None:
                changes.append(measure.picture_change(previous, rgb))
            previous = rgb
    return np.array(changes), fps


def picture_events(changes: np.ndarray) -> list[int]:
    """Frames of picture events: the largest change within MERGE_FRAMES either side, standing VISIBLE_RATIO
    over the file's typical change (an object falling or a door swinging before its impact is not the
    event: the impact changes the picture most)."""
    typical = float(np.median(changes[1:])) + 1.0
    events = []
    for k in range(1, len(changes)):
        around = changes[max(1, k - MERGE_FRAMES) : k + MERGE_FRAMES + 1]
        if changes[k] >= measure.VISIBLE_RATIO * typical and changes[k] == around.max():
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


def read_audio(path: Path) -> tuple[np.ndarray, int] | None:
    """(mono samples, rate) of the file's first audio stream, or None when it has none."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        rate = container.streams.audio[0].codec_context.sample_rate
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1).mean(axis=0), rate


def measure_effects(path: Path) -> list[IndependentEffect]:
    """Every picture event in the file that a sound starts with, and how far apart the two are."""
    sound = read_audio(path)
    if sound is None:
        return []
    audio, rate = sound
    changes, fps = picture_changes(path)
    found = []
    for frame in picture_events(changes):
        onset = sound_onset(audio, rate, frame / fps)
        if onset is not None:
            found.append(IndependentEffect(frame, onset, (onset - frame / fps) * 1000))
    return found


def _faces(path: Path) -> list[_Track]:
    """Each face dlib finds on at least two sampled frames, followed from sighting to sighting: a detection
    joins the face last seen within half a face width of it."""
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(model_path("shape_predictor_68_face_landmarks.dat")))
    tracks: list[_Track] = []
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index % DETECT_EVERY:
                continue
            rgb = frame.to_ndarray(format="rgb24")
            for rect in detector(rgb, 1):
                box = np.array([rect.left(), rect.top(), rect.right(), rect.bottom()], np.float64)
                shape = predictor(rgb, rect)
                mouth = np.array([[shape.part(j).x, shape.part(j).y] for j in range(48, 68)], np.float64).mean(axis=0)
                near = [t for t in tracks if np.abs(t.boxes[-1] - box)[:2].max() < (box[2] - box[0]) / 2]
                if near:
                    track = min(near, key=lambda t: float(np.abs(t.boxes[-1] - box)[:2].sum()))
                    if track.frames[-1] == index:  # a second face in the same place on one frame: not this one
                        continue
                    track.frames.append(index)
                    track.boxes.append(box)
                    track.mouths.append(mouth)
                else:
                    tracks.append(_Track([index], [box], [mouth]))
    return [t for t in tracks if len(t.frames) >= 2]


def _openings(path: Path, faces: list[_Track]) -> tuple[np.ndarray, float]:
    """([frames, faces] how open each mouth is, fps), read as in `sync.mouth_opening`."""
    rows = []
    with av.open(str(path)) as container:
        fps = float(container.streams.video[0].average_rate)
        for index, frame in enumerate(container.decode(video=0)):
            rgb = frame.to_ndarray(format="rgb24")
            rows.append([sync.mouth_opening(rgb, face.at(index)) for face in faces])
    return np.array(rows, np.float64).reshape(len(rows), len(faces)), fps


def _speaking(opening: np.ndarray, fps: float) -> np.ndarray:
    """Frames where this mouth talks, and MAX_LAG around them: the rest of the soundtrack (other speakers,
    effects, music) is not this mouth's to follow."""
    quiet = float(np.median(opening))
    moving = opening > quiet + 0.25 * (float(opening.max()) - quiet)
    reach = int(np.ceil(MAX_LAG * fps)) + 1
    return np.convolve(moving.astype(float), np.ones(2 * reach + 1), mode="same") > 0


def _voice_onsets(
    audio: np.ndarray, rate: int, fps: float, frames: int, lag: float, effects: list[float]
) -> np.ndarray:
    """Per frame: how much the mix rose in the speech bands over that frame's span, `lag` seconds later.

    The onsets of the effects found in the file (and their first EFFECT_BODY seconds) are not a voice's:
    they are left out, or a glass breaking under a line would pull the line's lag to itself.
    """
    hops = round((frames / fps + 2 * MAX_LAG) / sync.HOP) + 2
    onsets = sync.rises(sync.band_levels(audio, rate, -MAX_LAG, hops)).sum(axis=1)
    for onset in effects:
        first = max(0, round((onset + MAX_LAG) / sync.HOP) - 2)
        onsets[first : first + round(EFFECT_BODY / sync.HOP) + 2] = 0.0
    edges = np.round((np.arange(frames + 1) / fps + lag + MAX_LAG) / sync.HOP).astype(int)
    return np.array([onsets[a : max(a + 1, b)].mean() for a, b in itertools.pairwise(edges)])


def measure_lines(path: Path) -> list[IndependentLine]:
    """One lip-sync figure per face found: its mouth against the voice, over the whole file."""
    sound = read_audio(path)
    faces = _faces(path) if sound is not None else []
    if sound is None or not faces:
        return []
    audio, rate = sound
    openings, fps = _openings(path, faces)
    lags = np.arange(-MAX_LAG, MAX_LAG + sync.HOP / 2, sync.HOP)
    effects = [effect.onset_seconds for effect in measure_effects(path)]
    voices = [_voice_onsets(audio, rate, fps, len(openings), lag, effects) for lag in lags]
    found = []
    for column, face in enumerate(faces):
        box = np.median(face.boxes, axis=0)
        opening = openings[:, column]
        rises = np.maximum(0.0, np.diff(opening, prepend=opening[:1]))
        span = _speaking(opening, fps)
        scores = np.array([sync.correlation(rises[span], voice[span]) for voice in voices])
        lag, score = sync.peak(lags, scores)
        offset = (lag - MOUTH_LEAD) * 1000 if score >= MIN_CORRELATION else None
        found.append(IndependentLine(tuple(int(v) for v in box), offset, score, face))  # type: ignore[arg-type]
    return found
