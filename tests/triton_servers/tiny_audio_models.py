"""Tiny audio models served by a real Triton Inference Server (pytriton), for the backend tests.

Runs in its own virtual environment (pytriton pins numpy < 2), so it imports
nothing from cinemesh. The weights are random, built from a seed at start-up:
nothing is downloaded. The models honour the same tensor contracts a production
TTS or text-to-audio foley model is deployed with:

  tts:   TEXT (bytes), LENGTH_SCALE (fp32), SEED (int64)
         → AUDIO (fp32), PHONEMES (bytes), SAMPLES (int32), SAMPLE_RATE (int32)
  foley: PROMPT (bytes), DURATION (fp32), SEED (int64) → AUDIO (fp32, 48 kHz)

    python tiny_audio_models.py --grpc-port 8001 --http-port 8000 --metrics-port 8002
"""

from __future__ import annotations

import hashlib

import numpy as np
from local_triton import local_triton
from pytriton.decorators import batch
from pytriton.model_config import ModelConfig, Tensor

TTS_RATE = 16_000
FOLEY_RATE = 48_000
VOCAB = " abcdefghijklmnopqrstuvwxyz.,!?'"
_rng = np.random.default_rng(1234)
# A two-layer "acoustic model": symbol embedding → hidden → (duration, 3 partial frequencies, 3 amplitudes)
EMBED = _rng.normal(size=(len(VOCAB), 16))
W1, B1 = _rng.normal(size=(16, 24)) / 4, _rng.normal(size=24) / 4
W2, B2 = _rng.normal(size=(24, 7)) / 5, _rng.normal(size=7) / 5
# "Text encoder" of the foley model: hashed bag of words → spectral shape and decay
FOLEY_W = _rng.normal(size=(64, 6)) / 3


def _symbols(text: str) -> list[str]:
    return [c for c in text.lower() if c in VOCAB]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _speak(text: str, length_scale: float) -> tuple[np.ndarray, list[str], list[int]]:
    symbols = _symbols(text) or [" "]
    hidden = np.tanh(EMBED[[VOCAB.index(s) for s in symbols]] @ W1 + B1)
    head = hidden @ W2 + B2
    audio, names, counts = [], [], []
    for symbol, row in zip(symbols, head, strict=True):
        samples = int(TTS_RATE * (0.05 + 0.07 * _sigmoid(row[0])) * length_scale)
        t = np.arange(samples) / TTS_RATE
        if symbol in " .,!?'":
            segment = np.zeros(samples)
            names.append("_")
        else:
            freqs = 120 + 900 * _sigmoid(row[1:4])
            amps = _sigmoid(row[4:7])
            segment = sum(a * np.sin(2 * np.pi * f * t) for f, a in zip(freqs, amps, strict=True)) * np.hanning(samples)
            names.append(symbol)
        audio.append(segment)
        counts.append(samples)
    wave = np.concatenate(audio)
    return (0.3 * wave / (np.abs(wave).max() + 1e-9)).astype(np.float32), names, counts


@batch
def tts(TEXT: np.ndarray, LENGTH_SCALE: np.ndarray, SEED: np.ndarray) -> dict[str, np.ndarray]:
    # The tiny voice has no sampling, so SEED changes nothing; it is part of the contract.
    results = [_speak(t[0].decode(), float(s[0])) for t, s in zip(TEXT, LENGTH_SCALE, strict=True)]
    width = max(len(r[0]) for r in results)
    count = max(len(r[1]) for r in results)
    audio = np.zeros((len(results), width), np.float32)
    phonemes = np.full((len(results), count), b"", dtype=object)
    samples = np.zeros((len(results), count), np.int32)
    for i, (wave, names, counts) in enumerate(results):
        audio[i, : len(wave)] = wave
        phonemes[i, : len(names)] = [n.encode() for n in names]
        samples[i, : len(counts)] = counts
    return {
        "AUDIO": audio,
        "PHONEMES": phonemes,
        "SAMPLES": samples,
        "SAMPLE_RATE": np.full((len(results), 1), TTS_RATE, np.int32),
    }


def _foley(prompt: str, duration: float, seed: int) -> np.ndarray:
    words = prompt.lower().split()
    bag = np.zeros(64)
    for word in words:
        bag[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1
    low, high, decay, tone, noise, _ = _sigmoid(bag @ FOLEY_W)
    rng = np.random.default_rng(seed)
    n = int(duration * FOLEY_RATE)
    t = np.arange(n) / FOLEY_RATE
    spectrum = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1 / FOLEY_RATE)
    spectrum *= np.exp(-(((np.log(freqs + 1) - (5 + 4 * low)) / (0.5 + 2 * high)) ** 2))
    body = noise * np.fft.irfft(spectrum, n) + tone * np.sin(2 * np.pi * (200 + 800 * low) * t)
    envelope = np.exp(-t / (0.05 + 0.6 * decay))
    lead = int(0.03 * FOLEY_RATE)  # like real generators: a little silence before the sound
    out = np.zeros(n)
    out[lead:] = (body * envelope)[: n - lead]
    return (0.5 * out / (np.abs(out).max() + 1e-9)).astype(np.float32)


@batch
def foley(PROMPT: np.ndarray, DURATION: np.ndarray, SEED: np.ndarray) -> dict[str, np.ndarray]:
    clips = [_foley(p[0].decode(), float(d[0]), int(s[0])) for p, d, s in zip(PROMPT, DURATION, SEED, strict=True)]
    width = max(len(c) for c in clips)
    audio = np.zeros((len(clips), width), np.float32)
    for i, clip in enumerate(clips):
        audio[i, : len(clip)] = clip
    return {"AUDIO": audio}


def main() -> None:
    with local_triton() as triton:
        triton.bind(
            model_name="tts",
            infer_func=tts,
            inputs=[
                Tensor(name="TEXT", dtype=bytes, shape=(1,)),
                Tensor(name="LENGTH_SCALE", dtype=np.float32, shape=(1,)),
                Tensor(name="SEED", dtype=np.int64, shape=(1,)),
            ],
            outputs=[
                Tensor(name="AUDIO", dtype=np.float32, shape=(-1,)),
                Tensor(name="PHONEMES", dtype=bytes, shape=(-1,)),
                Tensor(name="SAMPLES", dtype=np.int32, shape=(-1,)),
                Tensor(name="SAMPLE_RATE", dtype=np.int32, shape=(1,)),
            ],
            config=ModelConfig(max_batch_size=8),
        )
        triton.bind(
            model_name="foley",
            infer_func=foley,
            inputs=[
                Tensor(name="PROMPT", dtype=bytes, shape=(1,)),
                Tensor(name="DURATION", dtype=np.float32, shape=(1,)),
                Tensor(name="SEED", dtype=np.int64, shape=(1,)),
            ],
            outputs=[Tensor(name="AUDIO", dtype=np.float32, shape=(-1,))],
            config=ModelConfig(max_batch_size=8),
        )
        triton.serve()


if __name__ == "__main__":
    main()
