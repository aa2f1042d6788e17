"""Pitch shifting that keeps duration: phase-vocoder time stretch, then resampling back.

Written in numpy so a fresh replica renders its first line at once (librosa's
version compiles with numba on first use: ~20 s here).
"""

from __future__ import annotations

import numpy as np
from scipy import signal

N_FFT = 1024
HOP = N_FFT // 4


def _stft(audio: np.ndarray) -> np.ndarray:
    padded = np.pad(audio, (N_FFT // 2, N_FFT // 2 + N_FFT))
    count = 1 + (len(padded) - N_FFT) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    return np.fft.rfft(padded[index] * np.hanning(N_FFT), axis=1)


def _istft(frames: np.ndarray, length: int) -> np.ndarray:
    window = np.hanning(N_FFT)
    out = np.zeros(HOP * (len(frames) - 1) + N_FFT)
    norm = np.zeros_like(out)
    for k, frame in enumerate(np.fft.irfft(frames, n=N_FFT, axis=1)):
        out[k * HOP : k * HOP + N_FFT] += frame * window
        norm[k * HOP : k * HOP + N_FFT] += window**2
    out /= np.maximum(norm, 1e-8)
    return out[N_FFT // 2 : N_FFT // 2 + length]


def time_stretch(audio: np.ndarray, factor: float) -> np.ndarray:
    """Longer by `factor` (>1 slower), same pitch."""
    spectrum = _stft(audio)
    steps = np.arange(0, len(spectrum) - 1, 1 / factor)
    expected = 2 * np.pi * HOP * np.arange(spectrum.shape[1]) / N_FFT
    phase = np.angle(spectrum[0])
    frames = np.empty((len(steps), spectrum.shape[1]), complex)
    for k, step in enumerate(steps):
        i = int(step)
        frac = step - i
        magnitude = (1 - frac) * np.abs(spectrum[i]) + frac * np.abs(spectrum[i + 1])
        frames[k] = magnitude * np.exp(1j * phase)
        delta = np.angle(spectrum[i + 1]) - np.angle(spectrum[i]) - expected
        phase += expected + (delta - 2 * np.pi * np.round(delta / (2 * np.pi)))
    return _istft(frames, round(len(audio) * factor))


def pitch_shift(audio: np.ndarray, semitones: float) -> np.ndarray:
    """Raised or lowered by `semitones`; exactly as many samples as the input."""
    if abs(semitones) < 0.01 or len(audio) < N_FFT:
        return audio
    ratio = 2 ** (semitones / 12)
    stretched = time_stretch(audio.astype(np.float64), ratio)
    return signal.resample(stretched, len(audio)).astype(np.float32)
