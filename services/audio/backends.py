"""Production audio backends on Triton: a neural TTS and a text-to-audio foley model.

Both honour the same interfaces as the embedded defaults (Piper, procedural
foley), so the stage picks one by configuration (CINEMESH_TTS_BACKEND,
CINEMESH_FOLEY_BACKEND) and nothing downstream changes. Tensor contracts:

  TTS:   TEXT [1] bytes, LENGTH_SCALE [1] fp32
         → AUDIO [n] fp32, PHONEMES [k] bytes, SAMPLES [k] int32, SAMPLE_RATE [1] int32
  foley: PROMPT [1] bytes, DURATION [1] fp32, SEED [1] int64 → AUDIO [n] fp32 at 48 kHz
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from cinemesh.audio import foley
from cinemesh.runtime.config import Settings
from cinemesh.runtime.triton import TritonModel
from cinemesh.v1 import plan_pb2

FOLEY_SECONDS = 2.5
_ONSET_DB = -30.0


class FoleyBackend(Protocol):
    """A cue → a mono 48 kHz clip whose onset is sample 0."""

    def render(self, cue: plan_pb2.SoundCue, seed: int, description: str) -> np.ndarray: ...


class ProceduralFoley:
    """The embedded default, synthesised in code: a cue whose event the planner named, by that event; one it
    only approximated (a wave crash, a dropped wrench), by its action and material where those are struck
    sounds, so it is not heard as the nearest hand-made event (a heartbeat)."""

    def render(self, cue: plan_pb2.SoundCue, seed: int, description: str) -> np.ndarray:
        if cue.event_approximate and cue.sound_action in foley.STRUCK_ACTIONS:
            return foley.struck(cue.sound_action, cue.material, seed)
        return foley.render(cue.event, cue.surface, seed)


class TritonSpeech:
    """A neural TTS on Triton; its per-phoneme sample counts make the timeline exact."""

    def __init__(self, model: TritonModel) -> None:
        self._model = model
        self.sample_rate = 0

    def synthesize(self, text: str, length_scale: float, seed: int) -> tuple[np.ndarray, list[tuple[str, int]]]:
        out = self._model.infer(
            {
                "TEXT": np.array([[text.encode()]], dtype=object),
                "LENGTH_SCALE": np.array([[length_scale]], dtype=np.float32),
                "SEED": np.array([[seed]], dtype=np.int64),
            },
            ["AUDIO", "PHONEMES", "SAMPLES", "SAMPLE_RATE"],
        )
        self.sample_rate = int(out["SAMPLE_RATE"].reshape(-1)[0])
        counts = out["SAMPLES"].reshape(-1)
        names = out["PHONEMES"].reshape(-1)
        segments = [
            (n.decode() if isinstance(n, bytes) else str(n), int(c))
            for n, c in zip(names, counts, strict=True)
            if c > 0
        ]  # batched outputs are padded with empty phonemes
        total = sum(c for _, c in segments)
        audio = out["AUDIO"].reshape(-1)
        if total > len(audio):
            raise RuntimeError(f"TTS model {self._model.model!r} timed {total} samples but returned {len(audio)}")
        return audio[:total].astype(np.float32), segments


class TritonFoley:
    """A text-to-audio (or video-to-audio) foley model on Triton; its output is trimmed to its onset."""

    def __init__(self, model: TritonModel) -> None:
        self._model = model

    def render(self, cue: plan_pb2.SoundCue, seed: int, description: str) -> np.ndarray:
        name = plan_pb2.SoundEvent.Name(cue.event).removeprefix("SOUND_EVENT_").lower().replace("_", " ")
        prompt = description or cue.text or (f"{name} on {cue.surface}" if cue.surface else name)
        out = self._model.infer(
            {
                "PROMPT": np.array([[prompt.encode()]], dtype=object),
                "DURATION": np.array([[FOLEY_SECONDS]], dtype=np.float32),
                "SEED": np.array([[seed]], dtype=np.int64),
            },
            ["AUDIO"],
        )
        return trim_to_onset(out["AUDIO"].reshape(-1).astype(np.float32))


def trim_to_onset(clip: np.ndarray) -> np.ndarray:
    """Drops what precedes the first sample within 30 dB of the peak, so the mixer can place sample 0 on the beat."""
    peak = float(np.abs(clip).max()) if len(clip) else 0.0
    if peak == 0.0:
        return clip
    onset = int(np.argmax(np.abs(clip) >= peak * 10 ** (_ONSET_DB / 20)))
    trimmed = clip[onset:].copy()
    ramp = min(len(trimmed), foley.SAMPLE_RATE // 2000)  # 0.5 ms, against a click
    trimmed[:ramp] *= np.linspace(0, 1, ramp, dtype=np.float32)
    return trimmed


def speech_backend(settings: Settings):  # type: ignore[no-untyped-def]
    from cinemesh.audio.speech import PiperBackend

    if settings.tts_backend == "triton":
        return TritonSpeech(TritonModel(settings.triton_url, settings.tts_triton_model, settings.model_timeout_seconds))
    return PiperBackend()


def foley_backend(settings: Settings) -> FoleyBackend:
    if settings.foley_backend == "triton":
        return TritonFoley(
            TritonModel(settings.triton_url, settings.foley_triton_model, settings.model_timeout_seconds)
        )
    return ProceduralFoley()
