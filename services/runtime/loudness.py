"""Loudness measures (ITU-R BS.1770 via pyloudnorm, true peak 4× oversampled), shared by the stage that
masters the audio and the stage that measures the finished file."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy import signal

OVERSAMPLE = 4


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
