"""Builds enrollment recordings from the one real face photo on disk: scikit-image's astronaut.

The person is composited over a synthetic room whose door, window, shelf and floor
edges are straight (what the lens check looks for) beside round things that are not.
Head movements rotate the head as a depth map (an ellipsoid with a nose), so the nose
leads the turn the way a real head's does and a 3-D pose estimate reads a real angle.
While the phrase is spoken, the jaw drops with the speech envelope. The speech is
Piper TTS (offline), the container H.264 + AAC in MP4, written with PyAV.

Every option flips one thing a verifier must notice: the order of the turns, the
words, a still mouth, silence, a second face, the length, a wide-angle lens.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import av
import cv2
import numpy as np
from scipy import signal
from skimage import data

from cinemesh.audio.pitch import pitch_shift
from cinemesh.audio.speech import PiperBackend
from cinemesh.identity.enrollment import Challenge, Reason, RecordingRejected, verify_recording

AUDIO_RATE = 48_000
# The astronaut photo (512²): the face box dlib finds, where the mouth line and chin are,
# and an ellipse around the head with its hair. Measured once on the photo.
_FACE_BOX_WIDTH = 87.0
_FACE_CENTER = (222.0, 127.0)
_HEAD_CENTER, _HEAD_AXES = (226.0, 106.0), (80.0, 100.0)
_BODY_CENTER, _BODY_AXES = (226.0, 330.0), (175.0, 150.0)
_NOSE = (225.0, 125.0)
_MOUTH_Y, _CHIN_Y, _MOUTH_X = 147.0, 180.0, 223.0  # mouth line: between the teeth
# Depth of the head model, photo pixels: the skull ellipsoid and the nose in front of it.
_SKULL_DEPTH, _NOSE_DEPTH, _NOSE_SIGMA = 70.0, 28.0, 14.0


@dataclass(frozen=True)
class Spec:
    """One recording. Defaults make a valid answer to `moves` + `phrase`."""

    moves: tuple[str, ...]
    phrase: str
    seconds: float = 14.0
    width: int = 640
    height: int = 360
    fps: int = 24
    face_px: float = 150.0  # dlib face-box width in the output frame
    face_at: tuple[float, float] = (0.5, 0.5)  # face centre, fraction of the frame
    brightness: float = 1.0
    spoken: str | None = None  # words actually said; None = the phrase
    voice_semitones: float = 0.0  # the speaker's pitch relative to the TTS voice (a different person)
    speech_rate: float = 1.0  # how fast the person speaks, relative to the TTS voice's own pace
    snr_db: float | None = None  # background noise this far under the speech (None: a quiet room)
    reverb_seconds: float = 0.0  # RT60 of the room the phrase is spoken in (0: dry)
    direct_to_reverb_db: float = 6.0  # how much the direct voice stands over the room's (arm's length: about +6)
    audio: str = "speech"  # "speech", "silence", "noise" or "none" (no audio track)
    mouth_moves: bool = True
    second_face: bool = False
    face_missing: tuple[float, float] | None = None  # seconds during which the person is out of frame
    barrel_k1: float = 0.0  # radial distortion on coordinates normalised by the half-diagonal
    turn_degrees: float = 30.0
    seed: int = 0
    room_shift: tuple[float, float] = (0.0, 0.0)  # moves the room's furniture, fraction of the frame

    def but(self, **changes: object) -> Spec:
        return replace(self, **changes)  # type: ignore[arg-type]


def build(spec: Spec) -> bytes:
    """The MP4 bytes of the recording `spec` describes."""
    speech = _speech_track(spec)
    envelope = _envelope(speech, spec.fps)
    frames = _FrameMaker(spec)
    count = round(spec.seconds * spec.fps)
    poses = _pose_timeline(spec.moves, count, spec.fps, spec.turn_degrees)
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=spec.fps)
        video.width, video.height, video.pix_fmt = spec.width, spec.height, "yuv420p"
        video.options = {"crf": "18", "preset": "ultrafast"}
        audio = None
        if spec.audio != "none":
            audio = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        for index in range(count):
            t = index / spec.fps
            opening = envelope[min(index, len(envelope) - 1)] if spec.mouth_moves else 0.0
            visible = not (spec.face_missing and spec.face_missing[0] <= t < spec.face_missing[1])
            rgb = frames.frame(*poses[index], opening, visible)
            container.mux(video.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(video.encode(None))
        if audio is not None:
            _encode_audio(container, audio, speech)
    return out.getvalue()


def picture(spec: Spec, yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """One RGB frame of the recording `spec` describes, with the head at `yaw`/`pitch` degrees, mouth shut."""
    return _FrameMaker(spec).frame(yaw, pitch, 0.0, True)


def phrase_audio(text: str, seed: int = 0, speed: float = 1.0) -> tuple[np.ndarray, int]:
    """`text` spoken by Piper's bundled voice at `speed`: mono float32 and its sample rate (same seed, same samples)."""
    piper = _piper()
    audio, _ = piper.synthesize(text, 1.0 / speed, seed)
    return audio, piper.sample_rate


@functools.cache
def _piper() -> PiperBackend:
    return PiperBackend()


def _speech_track(spec: Spec) -> np.ndarray:
    """Mono 48 kHz: quiet room tone, and the phrase after the head movements."""
    total = round(spec.seconds * AUDIO_RATE)
    rng = np.random.default_rng(spec.seed)
    track = rng.normal(0, 10 ** (-60 / 20), total).astype(np.float32)
    if spec.audio == "noise":
        track += rng.normal(0, 10 ** (-26 / 20), total).astype(np.float32)
    if spec.audio != "speech":
        return track
    raw, rate = phrase_audio(spec.spoken or spec.phrase, spec.seed, spec.speech_rate)
    raw = pitch_shift(raw, spec.voice_semitones)
    speech = signal.resample_poly(raw, AUDIO_RATE, rate).astype(np.float32)
    if spec.reverb_seconds > 0:
        speech = _reverberate(speech, spec.reverb_seconds, spec.direct_to_reverb_db, rng)
    speech *= 10 ** (-18 / 20) / (np.sqrt(np.mean(speech**2)) + 1e-9)
    start = round(speech_start(spec) * AUDIO_RATE)
    speech = speech[: max(0, total - start)]
    track[start : start + len(speech)] += speech
    if spec.snr_db is not None:
        # Broadband room noise (fan, traffic: pink-ish) at `snr_db` under the speech's RMS, all the way through.
        noise = signal.lfilter([1.0], [1.0, -0.9], rng.normal(0, 1, total)).astype(np.float32)
        noise *= 10 ** ((-18 - spec.snr_db) / 20) / (np.sqrt(np.mean(noise**2)) + 1e-9)
        track += noise
    return track


def _reverberate(speech: np.ndarray, rt60: float, direct_to_reverb_db: float, rng: np.random.Generator) -> np.ndarray:
    """The phrase in a room: a direct path plus a noise tail decaying 60 dB over `rt60` seconds."""
    t = np.arange(int(rt60 * AUDIO_RATE)) / AUDIO_RATE
    tail = rng.normal(0, 1, len(t)) * 10 ** (-3 * t / rt60)
    tail *= np.sqrt(10 ** (-direct_to_reverb_db / 10) / np.sum(tail**2))
    response = np.concatenate([[1.0], np.zeros(round(0.004 * AUDIO_RATE)), tail])
    return signal.fftconvolve(speech, response)[: len(speech)].astype(np.float32)


def speech_start(spec: Spec) -> float:
    """Where the phrase begins: after the movements, or earlier when the recording is too short for that."""
    after_moves = _MOVES_START + len(spec.moves) * _MOVE_SECONDS + 0.3
    return max(0.5, min(after_moves, spec.seconds - _PHRASE_ROOM))


def _envelope(track: np.ndarray, fps: int) -> np.ndarray:
    """Speech loudness per video frame, 0..1: how far the jaw drops."""
    hop = AUDIO_RATE // fps
    frames = track[: len(track) // hop * hop].reshape(-1, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    level = np.clip((20 * np.log10(rms + 1e-9) + 50) / 42, 0, 1)  # -50 dBFS closed .. -8 dBFS wide open
    return np.convolve(level, [0.25, 0.5, 0.25], mode="same")


def _encode_audio(container: av.container.OutputContainer, stream: av.AudioStream, track: np.ndarray) -> None:
    for start in range(0, len(track), 1024):
        chunk = np.ascontiguousarray(track[None, start : start + 1024])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, start, Fraction(1, AUDIO_RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


_MOVES_START = 1.0
_PHRASE_ROOM = 4.0  # seconds a phrase of up to six words needs, with a pause after it
_MOVE_SECONDS = 2.2  # turn out 0.6 s, hold 0.5 s, back 0.6 s, rest 0.5 s
# Image-space rotation of the head model for each move, as (yaw, pitch) signs. The person's own
# left is the picture's right for an unmirrored camera: a turn to the left moves the nose right.
_MOVE_AXES = {"left": (1.0, 0.0), "right": (-1.0, 0.0), "up": (0.0, 1.0), "down": (0.0, -1.0)}


def _pose_timeline(moves: Sequence[str], count: int, fps: int, degrees: float) -> list[tuple[float, float]]:
    """(yaw, pitch) in degrees per frame, smooth (raised-cosine) in and out of each move."""
    poses = []
    for index in range(count):
        t = index / fps - _MOVES_START
        slot = int(t // _MOVE_SECONDS) if t >= 0 else -1
        if not 0 <= slot < len(moves):
            poses.append((0.0, 0.0))
            continue
        phase = t - slot * _MOVE_SECONDS
        if phase < 0.6:
            amount = 0.5 - 0.5 * np.cos(np.pi * phase / 0.6)
        elif phase < 1.1:
            amount = 1.0
        elif phase < 1.7:
            amount = 0.5 + 0.5 * np.cos(np.pi * (phase - 1.1) / 0.6)
        else:
            amount = 0.0
        yaw_sign, pitch_sign = _MOVE_AXES[moves[slot]]
        # Heads tilt less far than they turn.
        poses.append((yaw_sign * degrees * amount, pitch_sign * degrees * 0.8 * amount))
    return poses


@functools.cache
def _astronaut() -> np.ndarray:
    return data.astronaut()


def _ellipse_mask(shape: tuple[int, int], center: tuple[float, float], axes: tuple[float, float]) -> np.ndarray:
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    inside = ((x - center[0]) / axes[0]) ** 2 + ((y - center[1]) / axes[1]) ** 2
    return np.clip((1.0 - inside) * 12.0, 0.0, 1.0)  # a soft edge a few pixels wide


# The head is warped inside this window of the photo only (x0, y0, x1, y1): it holds the head ellipse.
_HEAD_WINDOW = (136, 0, 316, 216)


class _FrameMaker:
    """Draws frames of one recording: room, body, and the head at a pose with the jaw open by some amount."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.scale = spec.face_px / _FACE_BOX_WIDTH
        photo = np.clip(_astronaut().astype(np.float32) * spec.brightness, 0, 255)
        size = photo.shape[:2]
        head_alpha = _ellipse_mask(size, _HEAD_CENTER, _HEAD_AXES)
        body_alpha = np.maximum(_ellipse_mask(size, _BODY_CENTER, _BODY_AXES) - head_alpha, 0)
        # The scene is drawn larger than the frame so a barrel lens has something to bring in at the edges.
        margin = 1.0 + max(spec.barrel_k1, 0.0) * 1.05
        scene_w = int(np.ceil(spec.width * margin / 2)) * 2
        scene_h = int(np.ceil(spec.height * margin / 2)) * 2
        self.origin = ((scene_w - spec.width) / 2, (scene_h - spec.height) / 2)
        self.face_center = (
            self.origin[0] + spec.face_at[0] * spec.width,
            self.origin[1] + spec.face_at[1] * spec.height,
        )
        room = _room(scene_w, scene_h, self.origin, spec)
        if spec.second_face:
            # The same person again, mirrored, beside the first: a second face in every frame.
            other = (self.face_center[0] + spec.width * 0.42, self.face_center[1])
            mirrored_face = (size[1] - 1 - _FACE_CENTER[0], _FACE_CENTER[1])
            self._paste(room, photo[:, ::-1], (head_alpha + body_alpha)[:, ::-1], mirrored_face, other)
        self.empty_room = room
        self.background = room.copy()
        self._paste(self.background, photo, body_alpha, _FACE_CENTER, self.face_center)
        x0, y0, x1, y1 = _HEAD_WINDOW
        self.head_photo = np.ascontiguousarray(photo[y0:y1, x0:x1])
        self.head_alpha = np.ascontiguousarray(head_alpha[y0:y1, x0:x1])
        self.head_face_center = (_FACE_CENTER[0] - x0, _FACE_CENTER[1] - y0)
        y, x = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        self.grid = (x, y)  # photo coordinates of each window pixel
        self.depth = _head_depth(x, y)
        self.lens_map = _lens_map(spec.width, spec.height, spec.barrel_k1, self.origin)

    def frame(self, yaw: float, pitch: float, opening: float, visible: bool) -> np.ndarray:
        if not visible:
            scene = self.empty_room.copy()
        else:
            scene = self.background.copy()
            photo, alpha = self._head(yaw, pitch, opening)
            self._paste(scene, photo, alpha, self.head_face_center, self.face_center)
        if self.lens_map is None:
            x0, y0 = int(self.origin[0]), int(self.origin[1])
            return np.ascontiguousarray(scene[y0 : y0 + self.spec.height, x0 : x0 + self.spec.width])
        return cv2.remap(scene, *self.lens_map, interpolation=cv2.INTER_LINEAR)

    def _head(self, yaw: float, pitch: float, opening: float) -> tuple[np.ndarray, np.ndarray]:
        """The head window at a pose with the jaw dropped by `opening` (0..1), and its alpha."""
        x, y = self.grid
        wx, wy = x - _HEAD_WINDOW[0], y - _HEAD_WINDOW[1]  # window pixel coordinates
        map_x, map_y, gap = wx, wy, None
        if opening > 0.01:
            # Everything below the mouth line moves down by up to 10 photo pixels, tapering off
            # towards the mouth corners and below the chin; the opened gap shows a dark mouth.
            drop = 10.0 * opening * np.clip((38 - np.abs(x - _MOUTH_X)) / 22, 0, 1)
            drop *= np.clip((_CHIN_Y + 30 - y) / 25, 0, 1) * (y >= _MOUTH_Y)
            gap = ((y - drop < _MOUTH_Y) & (y >= _MOUTH_Y)).astype(np.float32)
            map_y = (np.where(y >= _MOUTH_Y, np.maximum(y - drop, _MOUTH_Y), y) - _HEAD_WINDOW[1]).astype(np.float32)
        if abs(yaw) > 0.1 or abs(pitch) > 0.1:
            src_x, src_y = _rotation_source(self.depth, np.radians(yaw), np.radians(pitch))
            map_x = cv2.remap(map_x, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            map_y = cv2.remap(map_y, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            if gap is not None:
                gap = cv2.remap(gap, src_x, src_y, cv2.INTER_LINEAR)
        map_x, map_y = map_x.astype(np.float32), map_y.astype(np.float32)
        photo = cv2.remap(self.head_photo, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        alpha = cv2.remap(self.head_alpha, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)
        if gap is not None:
            photo = photo * (1 - gap[..., None]) + np.array([70.0, 25.0, 30.0], np.float32) * gap[..., None]
        return photo, alpha

    def _paste(
        self,
        scene: np.ndarray,
        photo: np.ndarray,
        alpha: np.ndarray,
        photo_face: tuple[float, float],
        scene_face: tuple[float, float],
    ) -> None:
        """Blends `photo` in with `alpha`, scaled to the recording's face size, its face centre at `scene_face`."""
        s = self.scale
        tx, ty = scene_face[0] - s * photo_face[0], scene_face[1] - s * photo_face[1]
        # Only the photo's footprint in the scene is touched.
        x0, y0 = max(int(tx), 0), max(int(ty), 0)
        x1 = min(int(tx + s * photo.shape[1]) + 1, scene.shape[1])
        y1 = min(int(ty + s * photo.shape[0]) + 1, scene.shape[0])
        if x1 <= x0 or y1 <= y0:
            return
        affine = np.array([[s, 0, tx - x0], [0, s, ty - y0]], np.float32)
        region = (x1 - x0, y1 - y0)
        warped = cv2.warpAffine(np.ascontiguousarray(photo, np.float32), affine, region, flags=cv2.INTER_LINEAR)
        weight = cv2.warpAffine(np.ascontiguousarray(alpha, np.float32), affine, region, flags=cv2.INTER_LINEAR)
        weight = weight[..., None]
        patch = scene[y0:y1, x0:x1].astype(np.float32)
        scene[y0:y1, x0:x1] = np.clip(patch * (1 - weight) + warped * weight, 0, 255).astype(np.uint8)


def _head_depth(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance in front of the head's centre plane, photo pixels: an ellipsoid skull plus a nose."""
    inside = 1.0 - ((x - _HEAD_CENTER[0]) / _HEAD_AXES[0]) ** 2 - ((y - _HEAD_CENTER[1]) / _HEAD_AXES[1]) ** 2
    skull = _SKULL_DEPTH * np.sqrt(np.clip(inside, 0.0, 1.0))
    nose = _NOSE_DEPTH * np.exp(-((x - _NOSE[0]) ** 2 + (y - _NOSE[1]) ** 2) / (2 * _NOSE_SIGMA**2))
    # Smoothed so the edge of the skull slopes instead of dropping off a cliff: the inverse
    # rotation below converges only where the depth changes slowly.
    return cv2.GaussianBlur((skull + nose).astype(np.float32), (0, 0), 6)


def _rotation_source(depth: np.ndarray, yaw: float, pitch: float) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel of the rotated head window, the window pixel it shows.

    A point at (x, y) with depth z lands at x + z·sin(yaw), y − z·sin(pitch) after an
    orthographic rotation (x, y scaled by the cosines); the inverse is found by fixed-point
    iteration, because the depth under a pixel depends on where it came from.
    """
    cx, cy = _HEAD_CENTER[0] - _HEAD_WINDOW[0], _HEAD_CENTER[1] - _HEAD_WINDOW[1]
    out_y, out_x = np.mgrid[0 : depth.shape[0], 0 : depth.shape[1]].astype(np.float32)
    src_x, src_y = out_x.copy(), out_y.copy()
    for _ in range(8):
        z = cv2.remap(depth, src_x, src_y, cv2.INTER_LINEAR, borderValue=0)
        src_x = (cx + (out_x - cx - z * np.sin(yaw)) / np.cos(yaw)).astype(np.float32)
        src_y = (cy + (out_y - cy + z * np.sin(pitch)) / np.cos(pitch)).astype(np.float32)
    return src_x, src_y


def _room(width: int, height: int, origin: tuple[float, float], spec: Spec) -> np.ndarray:
    """A lit wall with a door, a window, a shelf and a floor (straight edges), a clock and a plant (curves)."""
    rng = np.random.default_rng(spec.seed)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    light = (0.85 + 0.15 * x) * (0.9 + 0.1 * (1 - y))
    room = np.array([196, 186, 168], np.float32) * light[..., None] * spec.brightness
    room = np.clip(room + rng.normal(0, 2.0, room.shape), 0, 255).astype(np.uint8)
    frame_w, frame_h = spec.width, spec.height  # furniture is laid out in fractions of the frame
    dx, dy = spec.room_shift

    def at(fx: float, fy: float) -> tuple[int, int]:
        return int(origin[0] + (fx + dx) * frame_w), int(origin[1] + (fy + dy) * frame_h)

    def shade(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
        return tuple(int(min(255, c * spec.brightness)) for c in rgb)  # type: ignore[return-value]

    floor_y = at(0, 0.86)[1]
    room[floor_y:] = np.array(shade((120, 92, 70)), np.uint8)
    cv2.line(room, (0, floor_y), (width, floor_y), shade((60, 45, 35)), 3, cv2.LINE_AA)
    cv2.line(room, (0, at(0, 0.06)[1]), (width, at(0, 0.06)[1]), shade((240, 236, 228)), 6, cv2.LINE_AA)
    # door at the left edge: frame and panel
    cv2.rectangle(room, at(-0.12, 0.08), at(0.16, 0.86), shade((110, 80, 55)), -1, cv2.LINE_AA)
    cv2.rectangle(room, at(-0.10, 0.11), at(0.14, 0.86), shade((150, 112, 80)), -1, cv2.LINE_AA)
    cv2.rectangle(room, at(-0.07, 0.16), at(0.11, 0.45), shade((130, 96, 68)), 2, cv2.LINE_AA)
    # window at the right with cross bars
    cv2.rectangle(room, at(0.74, 0.04), at(1.10, 0.56), shade((235, 235, 235)), -1, cv2.LINE_AA)
    cv2.rectangle(room, at(0.76, 0.07), at(1.08, 0.53), shade((150, 190, 225)), -1, cv2.LINE_AA)
    cv2.line(room, at(0.92, 0.07), at(0.92, 0.53), shade((235, 235, 235)), 5, cv2.LINE_AA)
    cv2.line(room, at(0.76, 0.30), at(1.08, 0.30), shade((235, 235, 235)), 5, cv2.LINE_AA)
    # shelf on the right, low
    cv2.rectangle(room, at(0.70, 0.66), at(1.12, 0.70), shade((90, 66, 48)), -1, cv2.LINE_AA)
    cv2.rectangle(room, at(0.75, 0.58), at(0.80, 0.66), shade((160, 40, 40)), -1, cv2.LINE_AA)
    cv2.rectangle(room, at(0.82, 0.56), at(0.86, 0.66), shade((40, 90, 150)), -1, cv2.LINE_AA)
    # round things: a wall clock and a plant's leaves
    cv2.circle(room, at(0.26, 0.2), int(0.05 * frame_h), shade((245, 245, 240)), -1, cv2.LINE_AA)
    cv2.circle(room, at(0.26, 0.2), int(0.05 * frame_h), shade((40, 40, 40)), 2, cv2.LINE_AA)
    for angle in (-40, -10, 20, 50):
        cv2.ellipse(
            room, at(0.22, 0.78), (int(0.09 * frame_h), int(0.025 * frame_h)), angle, 0, 360, shade((60, 120, 60)), -1
        )
    return room


def _lens_map(width: int, height: int, k1: float, origin: tuple[float, float]) -> tuple[np.ndarray, np.ndarray] | None:
    """Remap tables of a barrel lens: the picture at radius r shows the scene at r·(1 + k1·r²)."""
    if k1 == 0:
        return None
    half_diagonal = np.hypot(width, height) / 2
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    nx, ny = (x - width / 2) / half_diagonal, (y - height / 2) / half_diagonal
    grow = 1 + k1 * (nx**2 + ny**2)
    map_x = origin[0] + width / 2 + nx * grow * half_diagonal
    map_y = origin[1] + height / 2 + ny * grow * half_diagonal
    return cv2.convertMaps(map_x.astype(np.float32), map_y.astype(np.float32), cv2.CV_16SC2)


def answering_take(moves: tuple[str, ...], phrase: str) -> bytes:
    """A recording that answers the challenge, checked on this side first, as the app does before uploading.

    The service draws the phrase from a secure random source, so the test cannot choose it; the speech check
    rejects a small share of clear takes (measured by benchmarks/enrollment_errors.py). Like a person told to
    say it again, the test records another take of the same phrase (another prosody seed) when the local
    check would refuse it, so the mesh path is tested on a take the verifier accepts, whatever phrase comes.
    """
    challenge = Challenge(moves, phrase)
    for seed in range(4):
        # The person speaks well above the TTS voice, so matching their pitch is a real shift.
        recording = build(Spec(moves=moves, phrase=phrase, voice_semitones=3.0, seed=seed))
        try:
            verify_recording(recording, challenge)
        except RecordingRejected as rejected:
            if rejected.reason != Reason.PHRASE_MISMATCH:
                raise
            continue
        return recording
    raise AssertionError(f"four takes of {phrase!r} were all refused by the speech check")
