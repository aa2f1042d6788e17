"""Ambience beds: continuous backgrounds per environment and weather, synthesised in code."""

from __future__ import annotations

import hashlib

import numpy as np
from scipy import signal

from cinemesh.v1 import plan_pb2

SAMPLE_RATE = 48_000


def _rng(kind: int, seed: int) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(f"bed:{kind}:{seed}".encode()).digest()[:8], "little"))


def _band(noise: np.ndarray, low: float, high: float, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, [low, high], btype="bandpass", fs=SAMPLE_RATE, output="sos")
    return signal.sosfilt(sos, noise)


def _slow(rng: np.random.Generator, n: int, rate_hz: float) -> np.ndarray:
    """A smooth random modulation in [0, 1] varying at about rate_hz."""
    points = max(2, int(n / SAMPLE_RATE * rate_hz) + 2)
    return np.interp(np.arange(n), np.linspace(0, n, points), rng.random(points))


def _events(rng: np.random.Generator, n: int, per_second: float, sound) -> np.ndarray:  # type: ignore[no-untyped-def]
    out = np.zeros(n)
    for _ in range(rng.poisson(per_second * n / SAMPLE_RATE)):
        clip = sound(rng)
        start = int(rng.integers(0, max(1, n - len(clip))))
        out[start : start + len(clip)] += clip[: n - start]
    return out


def _drop(rng: np.random.Generator) -> np.ndarray:
    length = int(0.01 * SAMPLE_RATE)
    return rng.standard_normal(length) * np.exp(-np.arange(length) / (0.002 * SAMPLE_RATE)) * rng.uniform(0.2, 1)


def _chirp(rng: np.random.Generator) -> np.ndarray:
    length = int(rng.uniform(0.05, 0.15) * SAMPLE_RATE)
    local = np.arange(length) / SAMPLE_RATE
    freq = rng.uniform(2500, 5000) + rng.uniform(-1500, 1500) * local / local[-1]
    return np.sin(2 * np.pi * np.cumsum(freq) / SAMPLE_RATE) * np.hanning(length) * 0.3


def _cricket(rng: np.random.Generator) -> np.ndarray:
    pulses = int(rng.integers(3, 7))
    pulse = int(0.012 * SAMPLE_RATE)
    gap = int(0.02 * SAMPLE_RATE)
    out = np.zeros(pulses * (pulse + gap))
    tone = np.sin(2 * np.pi * rng.uniform(4200, 4800) * np.arange(pulse) / SAMPLE_RATE) * np.hanning(pulse)
    for k in range(pulses):
        out[k * (pulse + gap) : k * (pulse + gap) + pulse] = tone
    return out * 0.2


def render(kind: int, samples: int, seed: int) -> np.ndarray:
    """One bed, mono float32 with RMS about -20 dBFS before the mixer's bed gain."""
    rng = _rng(kind, seed)
    white = rng.standard_normal(samples)
    if kind == plan_pb2.AMBIENCE_KIND_RAIN:
        bed = _band(white, 800, 9000) * 0.6 + _events(rng, samples, 60, _drop)
    elif kind == plan_pb2.AMBIENCE_KIND_TRAFFIC:
        rumble = _band(white, 40, 300) * (0.5 + 0.5 * _slow(rng, samples, 0.2))
        bed = rumble + _band(rng.standard_normal(samples), 300, 2000) * 0.2 * _slow(rng, samples, 0.5)
    elif kind == plan_pb2.AMBIENCE_KIND_CROWD:
        syllables = _slow(rng, samples, 6.0)  # many talkers' syllable rate blurs into murmur
        bed = _band(white, 250, 3000) * (0.5 + 0.5 * syllables)
    elif kind == plan_pb2.AMBIENCE_KIND_FOREST:
        bed = _band(white, 200, 4000) * 0.3 * _slow(rng, samples, 0.3) + _events(rng, samples, 1.5, _chirp)
    elif kind == plan_pb2.AMBIENCE_KIND_OCEAN:
        swell = 0.5 + 0.5 * np.sin(2 * np.pi * np.arange(samples) / SAMPLE_RATE / rng.uniform(6, 9)) ** 2
        bed = _band(white, 150, 5000) * swell
    elif kind == plan_pb2.AMBIENCE_KIND_WIND:
        bed = _band(white, 150, 1200) * (0.3 + 0.7 * _slow(rng, samples, 0.4))
    elif kind == plan_pb2.AMBIENCE_KIND_ROOM_TONE:
        t = np.arange(samples) / SAMPLE_RATE
        bed = _band(white, 60, 600) * 0.3 + 0.05 * np.sin(2 * np.pi * 60 * t)
    elif kind == plan_pb2.AMBIENCE_KIND_NIGHT_INSECTS:
        bed = _events(rng, samples, 4.0, _cricket) + _band(white, 2000, 8000) * 0.05
    elif kind == plan_pb2.AMBIENCE_KIND_SPACESHIP_HUM:
        t = np.arange(samples) / SAMPLE_RATE
        bed = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((55, 110, 165, 220), start=1))
        bed = bed * 0.3 + _band(white, 80, 800) * 0.2
    else:
        raise ValueError(f"no ambience bed for kind {kind}")
    rms = float(np.sqrt(np.mean(bed**2))) or 1.0
    return (bed / rms * 0.1).astype(np.float32)
