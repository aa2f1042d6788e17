"""Verifies a live reference recording against its challenge and measures the cameo it shows.

In order, cheapest first, each failure a `RecordingRejected` with its own reason:
length → speech present → the phrase → one face, big enough, in every sampled frame →
lens distortion → head movements in order → the mouth moving with the speech. Then the
identity embedding, appearance and voice are measured from the same recording.

Frames are sampled (6 per second, 15 per second while the phrase is spoken, for the
mouth), found with dlib's HOG detector on a picture scaled so the face is just large
enough for it, and analysed (landmarks, embedding) at full resolution.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from cinemesh.identity.enrollment import faces, media, pose, speech
from cinemesh.identity.enrollment.appearance import measure_appearance
from cinemesh.identity.enrollment.challenge import MOVE_TO_PROTO, Challenge
from cinemesh.identity.enrollment.lens import estimate_distortion
from cinemesh.identity.enrollment.rejection import Reason, RecordingRejected
from cinemesh.identity.enrollment.voice import HOP, RATE, frame_levels_db, profile_of, track_pitch
from cinemesh.v1 import common_pb2, identity_pb2

MIN_SECONDS, MAX_SECONDS = 10.0, 20.0
SAMPLE_FPS = 6.0
MOUTH_FPS = 15.0
# The smallest face (dlib box width, pixels) enrolled: landmarks and the 150 px embedding chip
# need detail. The first search finds faces a little smaller, to say "too small" rather than "none".
MIN_FACE_PX = 120
_SEARCH_FACE_PX = 96
# Later frames are searched at a scale where a face 80 % the size of the main one is still found.
_OTHER_FACE_FRACTION = 0.8
# A second face must show in this many sampled frames: one stray detection is not a person.
_OTHER_FACE_FRAMES = 2
# Voiced (YIN) seconds that count as speech. A clearly spoken 5-word phrase of the test voice gave only
# 0.41–1.09 s voiced over 20 recordings (YIN is strict on its jittery fundamental), silence and noise 0.
MIN_VOICED_SECONDS = 0.2
# Lip gap / eye distance must vary by this much (p90 − p10) and follow the speech loudness this
# closely while the phrase is spoken: a photo or a replayed face with dubbed audio does neither.
MIN_MOUTH_RANGE = 0.04
MIN_MOUTH_CORRELATION = 0.3
_MOUTH_LAGS = (-0.12, -0.06, 0.0, 0.06, 0.12)  # seconds the mouth may lead or trail the sound
_MOUTH_MARGIN = 0.25
LENS_K1_LIMIT = 0.05
FRONTAL_DEGREES = 8.0
EMBEDDING_FRAMES = 4
_APPEARANCE_FRAMES = 6


@dataclass(frozen=True)
class Enrollment:
    """What a verified recording yields."""

    face_embedding: np.ndarray  # (128,) float32: dlib ResNet, averaged over frontal frames
    appearance: common_pb2.CameoAppearance
    voice: common_pb2.VoiceProfile
    report: identity_pb2.EnrollmentReport
    recording_sha256: str


@dataclass
class _Observation:
    """One analysed frame: its face, pose, and for sampled frames a full-resolution crop around the face."""

    seconds: float
    sampled: bool
    face: faces.Face
    pose: pose.Pose
    crop: np.ndarray | None = None  # RGB around the face, with `crop_landmarks` in its pixels
    crop_landmarks: np.ndarray | None = None
    crop_box: tuple[float, float, float, float] | None = None


@dataclass
class _Track:
    observations: list[_Observation] = field(default_factory=list)
    lens_frames: list[np.ndarray] = field(default_factory=list)
    lens_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


def verify_recording(
    data: bytes,
    challenge: Challenge,
    timings: dict[str, float] | None = None,
    limits: media.UploadLimits = media.DEFAULT_LIMITS,
) -> Enrollment:
    """Checks `data` (MP4/WebM bytes) answers `challenge` live and measures the cameo; raises RecordingRejected
    (RecordingTooLarge for an upload over `limits.max_bytes`).

    `timings`, when given, receives the seconds each part took (for metrics and benchmarks).
    """
    timed = _Timer(timings)
    digest = hashlib.sha256(data).hexdigest()
    duration = media.probe(data, limits)
    if duration < MIN_SECONDS:
        raise RecordingRejected(
            Reason.TOO_SHORT,
            f"the recording is {duration:.1f} s long; it must be {MIN_SECONDS:.0f}–{MAX_SECONDS:.0f} s: "
            "do the head movements, then say the phrase, without hurrying",
        )
    if duration > MAX_SECONDS:
        raise RecordingRejected(
            Reason.TOO_LONG,
            f"the recording is {duration:.1f} s long; it must be {MIN_SECONDS:.0f}–{MAX_SECONDS:.0f} s: "
            "start right before the first head movement and stop after the phrase",
        )
    with timed("audio"):
        audio = media.read_audio(data, limits)
    with timed("speech"):
        pitch = track_pitch(audio)
        heard = None
        if pitch.voiced_seconds >= MIN_VOICED_SECONDS:
            heard = speech.recognise(audio, challenge.phrase, pitch.sound_span(margin=0.5))
    if heard is None:
        raise RecordingRejected(
            Reason.NO_SPEECH, "no speech was heard; say the phrase aloud, clearly, close enough to the microphone"
        )
    if not heard.words:
        raise RecordingRejected(
            Reason.NO_SPEECH, "no words were recognised; say the phrase aloud, clearly, in a quiet place"
        )
    if heard.words != challenge.phrase:
        # Only what was asked: telling what was heard would coach an attacker's replay.
        raise RecordingRejected(
            Reason.PHRASE_MISMATCH,
            f'the phrase was not recognised; say exactly "{challenge.phrase}", clearly, in one go',
        )

    with timed("faces"):
        track = _track_faces(data, duration, (heard.start, heard.end), limits)
    sampled = [o for o in track.observations if o.sampled]
    widths = [o.face.width for o in sampled]
    if float(np.median(widths)) < MIN_FACE_PX:
        raise _too_small(float(np.median(widths)))

    with timed("lens"):
        lens = estimate_distortion(track.lens_frames, track.lens_boxes)
    if lens.trusted and lens.k1 > LENS_K1_LIMIT:
        raise RecordingRejected(
            Reason.LENS_DISTORTION,
            f"Identity Mapping Error: the picture is bent by a wide-angle lens (radial distortion k1 ≈ {lens.k1:.2f}), "
            "which changes a face's proportions; re-record with a 35–50 mm-equivalent focal length, "
            "further from the lens",
        )

    moves_seen = pose.movements([o.pose for o in sampled])
    if tuple(moves_seen) != challenge.moves:
        raise RecordingRejected(
            Reason.MOVES_MISMATCH,
            f"the head movements asked for were {', '.join(challenge.moves)}, in that order, facing the camera "
            f"again after each; the recording shows {', '.join(moves_seen) or 'none'}. Directions are your "
            "own left and right; turn or tilt about 30° and hold it for half a second",
        )

    with timed("liveness"):
        correlation, mouth_range = _mouth_follows_speech(track.observations, audio, (heard.start, heard.end))
    if mouth_range < MIN_MOUTH_RANGE or correlation < MIN_MOUTH_CORRELATION:
        raise RecordingRejected(
            Reason.MOUTH_NOT_MOVING,
            "your lips did not move with the spoken phrase; say the phrase yourself, facing the camera, "
            "with your mouth clearly visible",
        )

    frontal = _frontal(sampled)
    at_rest = [o for o in frontal if not heard.start <= o.seconds <= heard.end] or frontal
    with timed("identity"):
        chosen = _spread(at_rest, EMBEDDING_FRAMES)
        embedding = np.mean([faces.embed(o.crop, _crop_face(o)) for o in chosen], axis=0)
        appearance = measure_appearance(
            [o.face.landmarks for o in at_rest],
            [(o.crop, o.crop_landmarks) for o in _spread(at_rest, _APPEARANCE_FRAMES)],
        )
    with timed("voice"):
        voice = profile_of(audio, pitch)
    report = identity_pb2.EnrollmentReport(
        duration_seconds=duration,
        frames_checked=len(track.observations),
        frontal_frames=len(frontal),
        moves_seen=[MOVE_TO_PROTO[m] for m in moves_seen],
        phrase_heard=heard.words,
        mouth_speech_correlation=correlation,
        lens_distortion=lens.k1,
    )
    return Enrollment(
        face_embedding=embedding.astype(np.float32),
        appearance=appearance,
        voice=voice,
        report=report,
        recording_sha256=digest,
    )


class _Timer:
    """`with timed("part"):` adds the block's seconds to `timings["part"]`, when timings are wanted."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings

    @contextlib.contextmanager
    def __call__(self, part: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            if self.timings is not None:
                self.timings[part] = self.timings.get(part, 0.0) + time.perf_counter() - started


def _too_small(width: float) -> RecordingRejected:
    return RecordingRejected(
        Reason.FACE_TOO_SMALL,
        f"your face is about {width:.0f} px wide in the picture; it must be at least {MIN_FACE_PX} px: "
        "come closer to the camera or record at a higher resolution (720p or more)",
    )


def _track_faces(data: bytes, duration: float, speaking: tuple[float, float], limits: media.UploadLimits) -> _Track:
    """Finds the one face in each kept frame; rejects a frame with none, or frames with a second face."""
    track = _Track()
    search_scale = min(1.0, faces.DETECTOR_WINDOW_PX / _SEARCH_FACE_PX)
    main_width: float | None = None
    last_box: tuple[float, float, float, float] | None = None
    crowded: list[float] = []  # times of sampled frames with more than one face
    lens_times = [0.0, duration / 2]
    dense = (speaking[0] - _MOUTH_MARGIN, speaking[1] + _MOUTH_MARGIN)
    frames = media.read_frames(data, SAMPLE_FPS, limits, dense=dense, dense_fps=MOUTH_FPS)
    with contextlib.closing(frames):
        for frame in frames:
            if not frame.sampled and last_box is not None:
                # Kept only to follow the mouth: the face is where it was a fifteenth of a second ago.
                face = faces.locate(frame.rgb, last_box)
                track.observations.append(_Observation(frame.seconds, False, face, _pose(face, frame.rgb)))
                continue
            boxes = _detect(frame.rgb, main_width, search_scale)
            if not boxes:
                raise RecordingRejected(
                    Reason.NO_FACE,
                    f"no face was found at {frame.seconds:.1f} s; keep your whole face in the picture, lit from "
                    "the front, and turn or tilt your head no more than about 30°",
                )
            boxes.sort(key=lambda b: b[2] - b[0], reverse=True)
            if len(boxes) > 1:
                crowded.append(frame.seconds)
                if len(crowded) >= _OTHER_FACE_FRAMES:
                    raise RecordingRejected(
                        Reason.MULTIPLE_FACES,
                        f"more than one face is in the picture (at {crowded[0]:.1f} s); record alone, with no other "
                        "people, photos or screens showing faces in view",
                    )
            main = boxes[0]
            if main_width is None and main[2] - main[0] < MIN_FACE_PX:
                raise _too_small(main[2] - main[0])  # no need to follow a face that cannot enroll
            main_width, last_box = main[2] - main[0], main
            face = faces.locate(frame.rgb, main)
            observation = _Observation(frame.seconds, True, face, _pose(face, frame.rgb))
            _keep_crop(observation, frame.rgb)
            track.observations.append(observation)
            if lens_times and frame.seconds >= lens_times[0]:
                lens_times.pop(0)
                track.lens_frames.append(frame.rgb)
                track.lens_boxes.append(main)
    if not track.observations:
        raise RecordingRejected(Reason.NO_FACE, "the recording has no pictures to check; record again")
    return track


def _detect(rgb: np.ndarray, main_width: float | None, search_scale: float) -> list[tuple[float, float, float, float]]:
    if main_width is None:
        return faces.detect(rgb, search_scale)
    scale = min(search_scale, faces.DETECTOR_WINDOW_PX / (_OTHER_FACE_FRACTION * main_width))
    boxes = faces.detect(rgb, scale)
    # A face that shrank (turned, or moved back) may have dropped below what that scale finds.
    return boxes or (faces.detect(rgb, search_scale) if scale < search_scale else [])


def _pose(face: faces.Face, rgb: np.ndarray) -> pose.Pose:
    return pose.head_pose(face.landmarks, rgb.shape[1], rgb.shape[0])


def _keep_crop(observation: _Observation, rgb: np.ndarray) -> None:
    """Keeps the face with its hair and cheeks at full resolution: embedding and colours need no more."""
    x0, y0, x1, y1 = observation.face.box
    w = x1 - x0
    cx0, cy0 = int(max(x0 - 0.8 * w, 0)), int(max(y0 - 1.2 * w, 0))
    cx1, cy1 = int(min(x1 + 0.8 * w, rgb.shape[1])), int(min(y1 + 0.6 * w, rgb.shape[0]))
    observation.crop = np.ascontiguousarray(rgb[cy0:cy1, cx0:cx1])
    observation.crop_landmarks = observation.face.landmarks - np.array([cx0, cy0], np.float32)
    observation.crop_box = (x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0)


def _crop_face(observation: _Observation) -> faces.Face:
    assert observation.crop_box is not None and observation.crop_landmarks is not None
    return faces.Face(observation.crop_box, observation.crop_landmarks)


def _frontal(sampled: list[_Observation]) -> list[_Observation]:
    """Sampled frames within a few degrees of the recording's resting (median) pose; at least the closest few."""
    rest_yaw = float(np.median([o.pose.yaw for o in sampled]))
    rest_pitch = float(np.median([o.pose.pitch for o in sampled]))

    def turned(o: _Observation) -> float:
        return max(abs(o.pose.yaw - rest_yaw), abs(o.pose.pitch - rest_pitch))

    frontal = [o for o in sampled if turned(o) <= FRONTAL_DEGREES]
    return frontal or sorted(sampled, key=turned)[:EMBEDDING_FRAMES]


def _spread(items: list[_Observation], count: int) -> list[_Observation]:
    """Up to `count` items evenly spread over the list: different moments, not neighbouring frames."""
    if len(items) <= count:
        return items
    return [items[round(i)] for i in np.linspace(0, len(items) - 1, count)]


def _mouth_follows_speech(
    observations: list[_Observation], audio: np.ndarray, speaking: tuple[float, float]
) -> tuple[float, float]:
    """(best correlation of mouth opening with speech loudness over small lags, range of the opening)."""
    # A little before and after the phrase too: a mouth closing as the voice stops is part of the evidence.
    start, end = speaking[0] - _MOUTH_MARGIN, speaking[1] + _MOUTH_MARGIN
    during = [o for o in observations if start <= o.seconds <= end]
    if len(during) < 8:
        return 0.0, 0.0
    opening = np.array([_mouth_opening(o.face.landmarks) for o in during])
    times = np.array([o.seconds for o in during])
    levels = frame_levels_db(audio)
    # Loudness over the 80 ms around each picture (a jaw is slower than a voice), from 40 dB below
    # the loudest speech (mouth closed) up.
    smoothed = np.convolve(levels, np.ones(8) / 8, mode="same")
    floor = float(np.percentile(levels, 95)) - 40.0
    mouth_range = float(np.percentile(opening, 90) - np.percentile(opening, 10))
    best = -1.0
    for lag in _MOUTH_LAGS:
        index = np.clip(((times + lag) * RATE / HOP).astype(int), 0, len(levels) - 1)
        loudness = np.clip(smoothed[index] - floor, 0.0, None)
        if np.std(opening) > 1e-9 and np.std(loudness) > 1e-9:
            best = max(best, float(np.corrcoef(opening, loudness)[0, 1]))
    return best, mouth_range


def _mouth_opening(landmarks: np.ndarray) -> float:
    """Gap between the inner lips over the distance between the eyes (which speaking does not change)."""
    gap = np.linalg.norm(landmarks[[61, 62, 63]] - landmarks[[67, 66, 65]], axis=1).mean()
    eyes = np.linalg.norm(landmarks[36:42].mean(axis=0) - landmarks[42:48].mean(axis=0))
    return float(gap / max(eyes, 1e-6))
