"""Mouth re-rendering backends: the embedded viseme redraw, or an audio-driven lip-sync model on Triton.

Chosen by CINEMESH_LIPSYNC_BACKEND. Both redraw, in place, the speaking mouths of a
batch of decoded frames; each mouth comes with its face, its viseme shape (from the
phoneme timeline) and the moment of speech it shows. The Triton backend is the
production path for large models (Wav2Lip, MuseTalk, LatentSync): per mouth it sends
an aligned face crop and a log-mel window of the speech centred on that moment, and
pastes the re-rendered crop back under a feathered mask. Tensor contract (batched:
one request carries every mouth of a batch of frames):

  lipsync: FACE [N, 96, 96, 3] uint8   face crop, square, aligned so the mouth centre is at (48, 67)
           MEL  [N, 80, 16] fp32       log-mel of the 16 kHz speech (Wav2Lip scale, [-4, 4]):
                                       16 hops of 12.5 ms centred on the mouth's moment
           → SYNCED [N, 96, 96, 3] uint8  the crop with its mouth re-rendered to the speech
"""

from __future__ import annotations

from functools import cached_property
from typing import Protocol

import numpy as np
from PIL import Image
from scipy import signal

from cinemesh.lipsync.mouths import Mouth
from cinemesh.lipsync.mouths import redraw as draw_viseme
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import FailedPrecondition
from cinemesh.runtime.triton import TritonModel
from cinemesh.v1 import common_pb2

CROP = 96
CROP_MOUTH = (48.0, 67.0)  # where the aligned crop puts the mouth centre
MEL_RATE = 16_000
MEL_BINS, MEL_HOPS = 80, 16
MEL_HOP = 200  # samples: 12.5 ms, 80 hops per second
MEL_FFT = 800
MEL_FMIN, MEL_FMAX = 55.0, 7600.0


class Speech:
    """The job's dialogue (mono samples and their rate); its features are computed on first use."""

    def __init__(self, dialogue: tuple[np.ndarray, int] | None) -> None:
        self._dialogue = dialogue

    @cached_property
    def log_mel(self) -> np.ndarray:
        """[80, hops] log-mel of the dialogue at 16 kHz, Wav2Lip scale: dB − 20 over [-100, 0] dB → [-4, 4]."""
        if self._dialogue is None:
            raise FailedPrecondition("the audio render has no dialogue stem: an audio-driven lip-sync model needs one")
        audio, rate = self._dialogue
        mono = signal.resample_poly(audio, MEL_RATE, rate)
        _, _, spectrum = signal.stft(
            mono, fs=MEL_RATE, window="hann", nperseg=MEL_FFT, noverlap=MEL_FFT - MEL_HOP, boundary="even"
        )
        # scipy scales the STFT by the window sum; undo it to get magnitudes on librosa's scale
        magnitude = np.abs(spectrum) * np.hanning(MEL_FFT + 1)[:-1].sum()
        db = 20 * np.log10(np.maximum(1e-5, _mel_filters() @ magnitude)) - 20
        return np.clip((2 * 4) * (db + 100) / 100 - 4, -4, 4).astype(np.float32)

    def window(self, seconds: float) -> np.ndarray:
        """[80, 16] hops centred on `seconds` (silence beyond the ends)."""
        mel = self.log_mel
        start = round(seconds * MEL_RATE / MEL_HOP) - MEL_HOPS // 2
        picks = np.arange(start, start + MEL_HOPS)
        inside = (picks >= 0) & (picks < mel.shape[1])
        out = np.full((MEL_BINS, MEL_HOPS), -4.0, np.float32)
        out[:, inside] = mel[:, picks[inside]]
        return out


def _mel_filters() -> np.ndarray:
    """[80, FFT/2 + 1] triangular mel filters (Slaney mel scale, area-normalised, as librosa's default)."""

    def to_mel(hz: np.ndarray) -> np.ndarray:
        linear = hz / (200 / 3)
        return np.where(hz < 1000, linear, 15 + 27 * np.log(np.maximum(hz, 1e-9) / 1000) / np.log(6.4))

    def to_hz(mel: np.ndarray) -> np.ndarray:
        return np.where(mel < 15, mel * 200 / 3, 1000 * np.exp((mel - 15) * np.log(6.4) / 27))

    edges = to_hz(np.linspace(to_mel(np.array(MEL_FMIN)), to_mel(np.array(MEL_FMAX)), MEL_BINS + 2))
    freqs = np.fft.rfftfreq(MEL_FFT, 1 / MEL_RATE)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs - lower) / (centre - lower)
    falling = (upper - freqs) / (upper - centre)
    return np.maximum(0, np.minimum(rising, falling)) * (2 / (upper - lower))


class MouthBackend(Protocol):
    """Redraws in place `frames[i]`'s speaking mouths `mouths[i]`."""

    name: str

    def redraw(self, frames: list[np.ndarray], mouths: list[list[Mouth]], speech: Speech) -> None: ...


class EmbeddedMouths:
    """The default: each mouth drawn from its viseme shape (see mouths.redraw)."""

    name = "embedded-visemes"

    def redraw(self, frames: list[np.ndarray], mouths: list[list[Mouth]], speech: Speech) -> None:
        for frame, drawn in zip(frames, mouths, strict=True):
            for mouth in drawn:
                draw_viseme(frame, mouth.face, mouth.opening, mouth.width)


class TritonMouths:
    """An audio-driven lip-sync model on Triton: every visible mouth of a batch of frames in one request."""

    def __init__(self, model: TritonModel) -> None:
        self._model = model
        self.name = f"triton:{model.model}"

    def redraw(self, frames: list[np.ndarray], mouths: list[list[Mouth]], speech: Speech) -> None:
        todo = [(frame, mouth) for frame, drawn in zip(frames, mouths, strict=True) for mouth in drawn]
        todo = [(frame, mouth) for frame, mouth in todo if mouth.face.visible]
        if not todo:
            return
        boxes = [crop_box(mouth.face) for _, mouth in todo]
        out = self._model.infer(
            {
                "FACE": np.stack([aligned_crop(frame, box) for (frame, _), box in zip(todo, boxes, strict=True)]),
                "MEL": np.stack([speech.window(mouth.speech_seconds) for _, mouth in todo]),
            },
            ["SYNCED"],
        )
        synced = out["SYNCED"]
        expected = (len(todo), CROP, CROP, 3)
        if synced.shape != expected or synced.dtype != np.uint8:
            raise FailedPrecondition(
                f"Triton lip-sync model {self._model.model!r} returned SYNCED {synced.dtype} {synced.shape}, "
                f"expected uint8 {expected}"
            )
        for (frame, _), box, face in zip(todo, boxes, synced, strict=True):
            paste(frame, face, box)


def crop_box(face: common_pb2.FaceFrame) -> tuple[int, int, int]:
    """(left, top, side) in frame pixels of the square face crop that puts the mouth at CROP_MOUTH."""
    side = max(8, round(max(face.box_x1 - face.box_x0, face.box_y1 - face.box_y0)))
    return round(face.mouth_x - side * CROP_MOUTH[0] / CROP), round(face.mouth_y - side * CROP_MOUTH[1] / CROP), side


def aligned_crop(frame: np.ndarray, box: tuple[int, int, int]) -> np.ndarray:
    """The crop resampled to CROP × CROP, edge pixels repeated where it leaves the frame."""
    left, top, side = box
    rows = np.clip(np.arange(top, top + side), 0, frame.shape[0] - 1)
    cols = np.clip(np.arange(left, left + side), 0, frame.shape[1] - 1)
    # PIL widens its filter when it shrinks: no aliasing whatever the face's size
    return np.asarray(Image.fromarray(frame[np.ix_(rows, cols)]).resize((CROP, CROP), Image.Resampling.BILINEAR))


def paste(frame: np.ndarray, face: np.ndarray, box: tuple[int, int, int]) -> None:
    """Blends a re-rendered crop back over the lower face under a feathered elliptic mask, in place."""
    left, top, side = box
    resized = np.asarray(Image.fromarray(face).resize((side, side), Image.Resampling.BILINEAR), dtype=np.float32)
    # the lower face around the mouth, fading out over the outer third of the ellipse so no seam shows
    centre = (np.arange(side) + 0.5) * CROP / side
    dx = (centre[None, :] - CROP_MOUTH[0]) / (CROP * 0.34)
    dy = (centre[:, None] - CROP_MOUTH[1]) / (CROP * 0.2)
    mask = np.clip((1 - np.sqrt(dx**2 + dy**2)) / 0.35, 0, 1)[..., None]
    h, w = frame.shape[:2]
    y0, y1, x0, x1 = max(0, top), min(h, top + side), max(0, left), min(w, left + side)
    if y1 <= y0 or x1 <= x0:
        return
    inner = (slice(y0 - top, y1 - top), slice(x0 - left, x1 - left))
    region = frame[y0:y1, x0:x1].astype(np.float32)
    blended = region * (1 - mask[inner]) + resized[inner] * mask[inner]
    frame[y0:y1, x0:x1] = np.clip(np.round(blended), 0, 255).astype(np.uint8)


def mouth_backend(settings: Settings) -> MouthBackend:
    if settings.lipsync_backend == "triton":
        return TritonMouths(
            TritonModel(settings.triton_url, settings.lipsync_triton_model, settings.model_timeout_seconds)
        )
    return EmbeddedMouths()
