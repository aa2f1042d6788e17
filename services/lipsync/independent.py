"""A/V sync measured on any MP4 from its pictures and sound alone: no metadata, no plan, no stems.

`measure.measure` times lines and effects against what the generator embedded (phonemes, mouth tracks,
each cue's frame, onset and band), so it can only check files cinemesh made and trusts what they say.
This finds everything itself:

- effects: a frame whose picture changes far more than the frames around it (an impact, a flash, a
  slam) is an event when a sound starts within SEARCH seconds of it; the offset is that onset minus
  the frame's time. A picture change with no such sound (a cut, a camera move) is not an effect.
- lips: faces found by dlib's HOG detector, the mouth placed by its 68 landmarks; how much the mouth
  opens, frame by frame. How it opens and closes from frame to frame is cross-correlated with how the
  mix gets louder and quieter in the speech bands over the same frames (`time_faces`), over the frames
  that face talks.

Offsets are positive when the sound is late.
"""

from __future__ import annotations

import collections
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import av
import dlib
import numpy as np
from scipy import signal

from cinemesh.lipsync import measure, sync
from cinemesh.runtime import loudness
from cinemesh.runtime.face_models import dlib_image, model_path
from cinemesh.v1 import common_pb2

SEARCH = 0.3  # seconds either side of a picture event where its sound's onset is looked for
MERGE_FRAMES = 6  # picture changes closer than this are one event (a fall and its landing, a flash and its fade)
ATTACK_SPAN = 0.03  # seconds after an onset in which the whole mix must jump
DETECT_EVERY = 4  # frames between face detections: faces move little in four frames
# dlib's HOG detector's own cut (0) misses a face whose brows and eye whites are lighter than its skin (a dark
# face scores −0.5 … 0); a hand or a pattern that scores above this is seen on few frames and is not kept
DETECTION_SCORE = -0.3
MIN_SIGHTED = 0.5  # a face is seen on at least this share of the sampled frames between its first and last sighting
DETECTION_CACHE_FRAMES = 4096  # sampled frames whose detections are remembered (about 11 minutes at 24 fps)
MAX_LAG = 0.25  # seconds either way searched for the mouth-to-voice lag
SPEAKING_MARGIN = 0.25  # seconds around a face's talking it is timed over
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


@functools.cache
def _dlib_models() -> tuple[dlib.fhog_object_detector, dlib.shape_predictor]:
    """dlib's HOG face detector and 68-landmark predictor, loaded once per process (the predictor is 99 MB)."""
    return dlib.get_frontal_face_detector(), dlib.shape_predictor(
        str(model_path("shape_predictor_68_face_landmarks.dat"))
    )


# Detections by frame content: a file remuxed with other audio, or measured twice, carries the same pictures,
# and dlib's detector is by far the slowest step here.
_DETECTIONS: collections.OrderedDict[bytes, list[tuple[np.ndarray, np.ndarray]]] = collections.OrderedDict()


def _detect(rgb: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(box x0 y0 x1 y1, mouth centre x y) of each face dlib finds on one frame, remembered by the frame's pixels."""
    rgb = dlib_image(rgb)
    key = hashlib.blake2b(rgb.data, digest_size=16).digest() + bytes(str(rgb.shape), "ascii")
    if key in _DETECTIONS:
        _DETECTIONS.move_to_end(key)
        return _DETECTIONS[key]
    detector, predictor = _dlib_models()
    found = []
    rects, _, _ = detector.run(rgb, 1, DETECTION_SCORE)
    for rect in rects:
        shape = predictor(rgb, rect)
        mouth = np.array([[shape.part(j).x, shape.part(j).y] for j in range(48, 68)], np.float64).mean(axis=0)
        found.append((np.array([rect.left(), rect.top(), rect.right(), rect.bottom()], np.float64), mouth))
    _DETECTIONS[key] = found
    if len(_DETECTIONS) > DETECTION_CACHE_FRAMES:
        _DETECTIONS.popitem(last=False)
    return found


def _faces(path: Path) -> list[_Track]:
    """Each face dlib finds steadily on at least two sampled frames, followed from sighting to sighting: a
    detection joins the face last seen within half a face width of it."""
    tracks: list[_Track] = []
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index % DETECT_EVERY:
                continue
            for box, mouth in _detect(frame.to_ndarray(format="rgb24")):
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
    return [t for t in tracks if len(t.frames) >= 2 and _steady(t)]


def _steady(track: _Track) -> bool:
    """Seen on most of the sampled frames it spans: a face stays in view, a passing false detection does not."""
    sampled = (track.frames[-1] - track.frames[0]) // DETECT_EVERY + 1
    return len(track.frames) >= MIN_SIGHTED * sampled


def _openings(path: Path, faces: list[_Track]) -> tuple[np.ndarray, float]:
    """([frames, faces] how open each mouth is, fps), read as in `sync.mouth_opening`."""
    rows = []
    with av.open(str(path)) as container:
        fps = float(container.streams.video[0].average_rate)
        for index, frame in enumerate(container.decode(video=0)):
            rgb = frame.to_ndarray(format="rgb24")
            rows.append([sync.mouth_opening(rgb, face.at(index)) for face in faces])
    return np.array(rows, np.float64).reshape(len(rows), len(faces)), fps


def _talking(opening: np.ndarray) -> np.ndarray:
    """Frames where this mouth is open well past its rest: a quarter of the way from its median to its widest."""
    quiet = float(np.median(opening))
    return opening > quiet + 0.25 * (float(opening.max()) - quiet)


def _dilate(frames: np.ndarray, reach: int) -> np.ndarray:
    return np.convolve(frames.astype(float), np.ones(2 * reach + 1), mode="same") > 0


def _speaking(talking: np.ndarray, column: int, fps: float) -> np.ndarray:
    """Frames this face is timed over: where it talks and SPEAKING_MARGIN around (where its voice starts and
    stops anchors the lag), less the frames where another face talks and this one does not. The other voice
    is not this mouth's to follow; sliding over this mouth's closed margins it still counts against a lag."""
    own = talking[:, column]
    others = np.delete(talking, column, axis=1).any(axis=1)
    return _dilate(own, round(SPEAKING_MARGIN * fps)) & (own | ~others)


def _voice_levels(audio: np.ndarray, rate: int, fps: float, frames: int, lags: np.ndarray) -> np.ndarray:
    """[lags, frames] how loud the mix is in the speech bands over each frame's span, `lag` seconds later.

    Each band's dB level is floored at its median over the file, the bed under the voice, and the bands
    are averaged: a voice is loud across them together. Under the floor is not silence to rise out of: a
    file that starts in digital silence before its room tone would otherwise rise there in every band at
    once, and a mouth opening soon after locks onto it. The spans are read from 5 ms hops, so the lag is
    resolved well under a frame.
    """
    hops = round((frames / fps + 2 * MAX_LAG) / sync.HOP) + 2
    levels = sync.band_levels(audio, rate, -MAX_LAG, hops)
    loudness_db = np.maximum(levels, np.median(levels, axis=0, keepdims=True)).mean(axis=1)
    summed = np.concatenate([[0.0], np.cumsum(loudness_db)])
    edges = np.round((np.arange(frames + 1)[None, :] / fps + lags[:, None] + MAX_LAG) / sync.HOP).astype(int)
    first, last = edges[:, :-1], np.maximum(edges[:, 1:], edges[:, :-1] + 1)
    return (summed[last] - summed[first]) / (last - first)


def _near_effects(fps: float, frames: int, effects: list[float]) -> np.ndarray:
    """Frames whose voice, at any lag searched, would overlap an effect's first EFFECT_BODY seconds: a glass
    breaking under a line is loud where the mouth may be shut, and would pull the lag to itself."""
    start = np.arange(frames) / fps - MAX_LAG
    end = (np.arange(frames) + 1) / fps + MAX_LAG
    near = np.zeros(frames, bool)
    for onset in effects:
        near |= (start < onset + EFFECT_BODY) & (end > onset)
    return near


def measure_lines(path: Path) -> list[IndependentLine]:
    """One lip-sync figure per face found in the file (see `time_faces`)."""
    sound = read_audio(path)
    faces = _faces(path) if sound is not None else []
    if sound is None or not faces:
        return []
    audio, rate = sound
    openings, fps = _openings(path, faces)
    return time_faces(faces, openings, fps, audio, rate, [effect.onset_seconds for effect in measure_effects(path)])


def time_faces(
    faces: list[_Track], openings: np.ndarray, fps: float, audio: np.ndarray, rate: int, effects: list[float]
) -> list[IndependentLine]:
    """Each face's offset: how its mouth opens and closes, frame to frame (`openings`, [frames, faces]),
    against how the voice gets louder and quieter over those frames' spans, at every lag within MAX_LAG;
    the lag that correlates best, refined between the 5 ms steps, is the offset. Changes, not levels: the
    level of a bed of music or room tone under a line varies slowly and broadens a level correlation's peak
    (one speaker read 50 ms early), while its changes do not follow the mouth's. A best lag at the edge of
    the search is no peak: unclear. `effects` are the onsets of the effects found in the file."""
    if not faces:
        return []
    lags = np.arange(-round(MAX_LAG / sync.HOP), round(MAX_LAG / sync.HOP) + 1) * sync.HOP
    levels = _voice_levels(audio, rate, fps, len(openings), lags)
    voices = np.diff(levels, axis=1, prepend=levels[:, :1])
    near_effects = _near_effects(fps, len(openings), effects)
    talking = np.stack([_talking(openings[:, column]) for column in range(len(faces))], axis=1)
    found = []
    for column, face in enumerate(faces):
        box = np.median(face.boxes, axis=0)
        span = _speaking(talking, column, fps) & ~near_effects
        opening = np.diff(openings[:, column], prepend=openings[:1, column])[span]
        scores = np.array([sync.correlation(opening, voice[span]) for voice in voices])
        lag, score = sync.peak(lags, scores)
        inside = 0 < int(np.argmax(scores)) < len(lags) - 1
        offset = lag * 1000 if score >= MIN_CORRELATION and inside else None
        found.append(IndependentLine(tuple(int(v) for v in box), offset, score, face))  # type: ignore[arg-type]
    return found
