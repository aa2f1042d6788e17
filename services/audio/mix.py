"""Master: loudness-normalised to a target (ITU-R BS.1770 via pyloudnorm) with a true-peak ceiling.

True peak is measured on a 4× oversampled signal; a look-ahead limiter holds it
under the ceiling, and the loudness gain is re-applied until both the target
(±0.5 LU) and the ceiling hold.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage, signal

from cinemesh.runtime.loudness import OVERSAMPLE, integrated_lufs, true_peak_dbtp

SAMPLE_RATE = 48_000
CEILING_DBTP = -1.2  # a little under -1 dBTP so codecs have room


def _limit(audio: np.ndarray, ceiling_dbtp: float) -> np.ndarray:
    ceiling = 10 ** (ceiling_dbtp / 20)
    upsampled = signal.resample_poly(audio, OVERSAMPLE, 1, axis=-1)
    peak = np.abs(upsampled).max(axis=0)
    needed = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    # back to the base rate (worst case per sample), then a 2 ms look-ahead minimum and a 60 ms release
    needed = needed[: (len(needed) // OVERSAMPLE) * OVERSAMPLE].reshape(-1, OVERSAMPLE).min(axis=1)
    needed = np.pad(needed, (0, audio.shape[-1] - len(needed)), constant_values=1.0)
    lookahead = int(0.002 * SAMPLE_RATE)
    gain = ndimage.minimum_filter1d(needed, size=2 * lookahead + 1, mode="nearest")
    release = int(0.06 * SAMPLE_RATE)
    smoothed = ndimage.uniform_filter1d(gain, size=release, mode="nearest")
    gain = np.minimum(gain, smoothed)
    return (audio * gain).astype(np.float32)


def master(stems: np.ndarray, target_lufs: float) -> tuple[np.ndarray, float, float]:
    """(channels, samples) mix → (master, integrated LUFS, true peak dBTP)."""
    audio = stems.astype(np.float64)
    if not np.any(audio):
        return audio.astype(np.float32), -np.inf, -np.inf
    for _ in range(6):
        loudness = integrated_lufs(audio)
        audio = audio * 10 ** ((target_lufs - loudness) / 20)
        if true_peak_dbtp(audio) > CEILING_DBTP:
            audio = _limit(audio, CEILING_DBTP).astype(np.float64)
        if abs(integrated_lufs(audio) - target_lufs) <= 0.5 and true_peak_dbtp(audio) <= -1.0:
            break
    return audio.astype(np.float32), integrated_lufs(audio), true_peak_dbtp(audio)


def duck(
    bed: np.ndarray,
    key: np.ndarray,
    depth_db: float,
    attack_seconds: float = 0.015,
    release_seconds: float = 0.09,
    threshold_dbfs: float = -45.0,
) -> np.ndarray:
    """Lowers a bed (music, ambience) by `depth_db` while the key (dialogue, effects) sounds.

    A 10 ms RMS follower on the key opens the gate; a one-pole smoother with separate attack and release
    time constants, run every millisecond, turns it into a gain. The follower is centred, so the bed
    starts to dip 5 ms before the key: no earlier, so what is heard before an effect keeps its level.
    """
    if bed.shape[-1] == 0 or not np.any(key):
        return bed
    window = int(0.01 * SAMPLE_RATE)
    envelope = np.sqrt(np.convolve(key.astype(np.float64) ** 2, np.ones(window) / window, mode="same"))
    step = SAMPLE_RATE // 1000
    coarse = (envelope[::step] > 10 ** (threshold_dbfs / 20)).astype(np.float64)
    attack, release = (1 - np.exp(-0.001 / tau) for tau in (attack_seconds, release_seconds))
    smoothed = np.empty_like(coarse)
    level = 0.0
    for i, target in enumerate(coarse):
        level += (attack if target > level else release) * (target - level)
        smoothed[i] = level
    gain_db = -depth_db * np.repeat(smoothed, step)[: bed.shape[-1]]
    gain = 10 ** (np.pad(gain_db, (0, max(0, bed.shape[-1] - len(gain_db)))) / 20)
    return (bed * gain).astype(np.float32)
