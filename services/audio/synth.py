"""Embedded soundtrack synthesiser: a music bed over a quiet ambience, exactly plan-length.

Key, tempo and voicing come from the seed; chords change on bar lines so the
plan's scene cuts can snap to them; the result is loudness-normalised
(RMS target) with a peak ceiling.
"""

from __future__ import annotations

import hashlib

import numpy as np

SAMPLE_RATE = 48_000
TARGET_RMS_DBFS = -20.0
PEAK_CEILING = 10 ** (-1.0 / 20)  # -1 dBFS
# I–V–vi–IV in semitones above the key's root.
_PROGRESSION = ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12))


def sample_count(frame_count: int, fps: int) -> int:
    """Audio sample frames that last exactly `frame_count` video frames."""
    return frame_count * SAMPLE_RATE // fps


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(f"audio:{seed}".encode()).digest()[:8], "little"))


def _pink_noise(rng: np.random.Generator, n: int) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spectrum /= np.sqrt(np.maximum(freqs, 20.0))
    noise = np.fft.irfft(spectrum, n)
    return noise / (np.abs(noise).max() + 1e-9)


def music_bed(samples: int, seed: int) -> tuple[np.ndarray, float]:
    """Stereo float32 (2, samples) music and its tempo in BPM."""
    rng = _rng(seed)
    tempo = float(rng.integers(84, 121))
    root = 45 + int(rng.integers(0, 12))  # MIDI A2..G#3
    beat = 60.0 / tempo
    t = np.arange(samples, dtype=np.float64) / SAMPLE_RATE
    bar = (t // (4 * beat)).astype(int) % len(_PROGRESSION)
    pad = np.zeros(samples)
    for voice in range(3):
        semis = np.array([chord[voice] for chord in _PROGRESSION])[bar]
        freq = 440.0 * 2 ** ((root + 12 + semis - 69) / 12)
        phase = 2 * np.pi * np.cumsum(freq) / SAMPLE_RATE
        pad += np.sin(phase) + 0.3 * np.sin(2 * phase) + 0.1 * np.sin(3 * phase)
    # bass on every beat with a plucked envelope
    bass_freq = 440.0 * 2 ** ((root + np.array([c[0] for c in _PROGRESSION])[bar] - 69) / 12)
    since_beat = t % beat
    bass = np.sin(2 * np.pi * np.cumsum(bass_freq) / SAMPLE_RATE) * np.exp(-since_beat * 6)
    # soft hat on off-beats
    hat = _pink_noise(rng, samples) * np.exp(-((t + beat / 2) % beat) * 40) * 0.15
    fade = np.minimum(1.0, np.minimum(t / 0.5, (t[-1] - t) / 0.5 + 1e-9)) if samples > 1 else np.ones(1)
    mono = (0.25 * pad / 3 + 0.5 * bass) * fade
    left = mono + hat * 0.8
    right = mono + np.roll(hat, int(0.011 * SAMPLE_RATE)) * 0.8
    return np.stack([left, right]).astype(np.float32), tempo


def ambience(samples: int, seed: int) -> np.ndarray:
    rng = _rng(seed + 1)
    return np.stack([_pink_noise(rng, samples), _pink_noise(rng, samples)]).astype(np.float32) * 0.05


def normalise(mix: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(mix)))) or 1e-9
    mix = mix * (10 ** (TARGET_RMS_DBFS / 20) / rms)
    peak = float(np.abs(mix).max())
    if peak > PEAK_CEILING:
        mix = mix * (PEAK_CEILING / peak)
    return mix


def soundtrack(frame_count: int, fps: int, seed: int) -> tuple[np.ndarray, float]:
    """The plan's soundtrack: (2, samples) float32 in [-1, 1] and the music tempo."""
    samples = sample_count(frame_count, fps)
    music, tempo = music_bed(samples, seed)
    return normalise(music + ambience(samples, seed)), tempo
