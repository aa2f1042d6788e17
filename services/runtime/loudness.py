"""Loudness measures (ITU-R BS.1770 via pyloudnorm, true peak 4× oversampled), shared by the stage that
masters the audio and the stage that measures the finished file."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy import signal

OVERSAMPLE = 4
RATE = 48_000


def true_peak_dbtp(audio: np.ndarray) -> float:
    """Highest inter-sample peak of (channels, samples) audio, in dBTP."""
    if audio.size == 0:
        return -np.inf
    upsampled = signal.resample_poly(audio, OVERSAMPLE, 1, axis=-1)
    return float(20 * np.log10(max(np.abs(upsampled).max(), 1e-12)))


def integrated_lufs(audio: np.ndarray, sample_rate: int = 48_000) -> float:
    """Integrated loudness of (channels, samples) audio, LUFS."""
    meter = pyloudnorm.Meter(sample_rate)
    block = int(0.45 * sample_rate)
    if audio.shape[-1] < block:
        # shorter than one BS.1770 gating block: fall back to K-weighted energy of the whole clip
        padded = np.pad(audio, ((0, 0), (0, block - audio.shape[-1])))
        return float(meter.integrated_loudness(padded.T))
    return float(meter.integrated_loudness(audio.T))


RISE_WINDOW_SECONDS = 0.02
RISE_BEFORE_SECONDS = 0.5
RISE_AFTER_SECONDS = 0.3


def window_rms(mono: np.ndarray, start: int, stop: int, rate: int) -> np.ndarray:
    """RMS of 20 ms windows every 5 ms over mono[start:stop] (one zero when it is shorter than a window)."""
    segment = mono[max(0, start) : max(0, stop)].astype(np.float64)
    width, hop = int(RISE_WINDOW_SECONDS * rate), int(0.005 * rate)
    if len(segment) < width:
        return np.zeros(1)
    power = np.convolve(segment**2, np.ones(width) / width, mode="valid")[::hop]
    return np.sqrt(power)


def rise_db(mono: np.ndarray, rate: int, onset_seconds: float) -> float:
    """How far a sound starting at `onset_seconds` stands over the mix before it, in dB.

    Its loudest 20 ms RMS in the 300 ms from the onset against the median 20 ms RMS of the half second
    before: the median ignores a short sound in that half second, the peak is what a listener hears.
    """
    onset = round(onset_seconds * rate)
    before = float(np.median(window_rms(mono, onset - int(RISE_BEFORE_SECONDS * rate), onset, rate)))
    after = float(window_rms(mono, onset, onset + int(RISE_AFTER_SECONDS * rate), rate).max())
    return float(20 * np.log10(max(after, 1e-9) / max(before, 1e-9)))
