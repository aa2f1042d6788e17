"""How a voice sounds, measured from speech: pitch, its range, speaking rate and brightness.

Everything runs at 16 kHz, whatever the input rate, so a cameo's enrollment speech and
speech rendered later in its voice are measured the same way. Pitch is YIN (de Cheveigné
& Kawahara 2002) in numpy: robust to octave errors, no model, a few ms per second of audio.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import numpy as np
from scipy import signal

from cinemesh.v1 import common_pb2

RATE = 16_000
HOP = RATE // 100  # 10 ms analysis frames
F0_MIN, F0_MAX = 50.0, 400.0
_LAG_MIN, _LAG_MAX = int(RATE / F0_MAX), int(RATE / F0_MIN) + 1
_WINDOW = 640  # 40 ms integration window of YIN's difference function: two periods at 50 Hz
# YIN's cumulative-mean-normalised difference must dip below this at the period for a voiced frame.
_YIN_THRESHOLD = 0.15
_VOICED_MAX_DIP = 0.3
# Frames quieter than this below the loudest speech are silence or room noise.
_ACTIVE_RANGE_DB = 35.0
_ABSOLUTE_FLOOR_DBFS = -60.0


@dataclass(frozen=True)
class PitchTrack:
    """Per 10 ms frame: F0 in Hz (0 where unvoiced) and whether the frame carries speech energy."""

    f0: np.ndarray
    active: np.ndarray

    @property
    def voiced(self) -> np.ndarray:
        return self.f0 > 0

    @property
    def voiced_seconds(self) -> float:
        return float(np.count_nonzero(self.voiced)) * HOP / RATE

    def sound_span(self, margin: float) -> tuple[float, float]:
        """Seconds from the first to the last frame with speech energy, widened by `margin` each side."""
        active = np.flatnonzero(self.active)
        if len(active) == 0:
            return (0.0, 0.0)
        return (max(active[0] * HOP / RATE - margin, 0.0), (active[-1] * HOP + _WINDOW) / RATE + margin)


def to_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    samples = np.asarray(samples, np.float32)
    if sample_rate == RATE:
        return samples
    g = gcd(RATE, int(sample_rate))
    return signal.resample_poly(samples, RATE // g, int(sample_rate) // g).astype(np.float32)


def frame_levels_db(audio: np.ndarray) -> np.ndarray:
    """RMS level of each 10 ms frame (40 ms window), dBFS."""
    frames = _frames(audio, _WINDOW)
    return 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)


def active_frames(levels_db: np.ndarray) -> np.ndarray:
    """Frames loud enough to be speech: within 35 dB of the loudest speech and above -60 dBFS."""
    if len(levels_db) == 0:
        return np.zeros(0, bool)
    loud = float(np.percentile(levels_db, 95))
    return (levels_db > loud - _ACTIVE_RANGE_DB) & (levels_db > _ABSOLUTE_FLOOR_DBFS)


def track_pitch(audio: np.ndarray) -> PitchTrack:
    """YIN F0 of 16 kHz mono audio, every 10 ms."""
    length = _WINDOW + _LAG_MAX
    frames = _frames(audio, length).astype(np.float64)
    active = active_frames(frame_levels_db(audio))[: len(frames)]
    if len(frames) == 0:
        return PitchTrack(np.zeros(0), np.zeros(0, bool))
    # Difference function d(τ) = Σ (x_j − x_{j+τ})² over the window, via one FFT correlation per frame.
    n = 1 << (2 * length - 1).bit_length()
    head = np.fft.rfft(frames[:, :_WINDOW], n)
    whole = np.fft.rfft(frames, n)
    cross = np.fft.irfft(np.conj(head) * whole, n)[:, :_LAG_MAX]
    energy = np.cumsum(np.pad(frames**2, ((0, 0), (1, 0))), axis=1)
    head_energy = energy[:, _WINDOW][:, None]
    lagged_energy = energy[:, _WINDOW : _WINDOW + _LAG_MAX] - energy[:, :_LAG_MAX]
    diff = np.maximum(head_energy + lagged_energy - 2 * cross, 0.0)
    # Cumulative-mean normalisation: d'(τ) = d(τ)·τ / Σ_{k≤τ} d(k); d'(0) = 1.
    lags = np.arange(_LAG_MAX)
    cumulative = np.cumsum(diff, axis=1)
    normalised = np.ones_like(diff)
    normalised[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cumulative[:, 1:], 1e-12)
    f0 = np.zeros(len(frames))
    for i in np.flatnonzero(active):
        curve = normalised[i]
        lag = _first_dip(curve)
        if lag is None or curve[lag] > _VOICED_MAX_DIP:
            continue
        # Parabolic interpolation around the dip for sub-sample period resolution.
        a, b, c = curve[lag - 1], curve[lag], curve[min(lag + 1, _LAG_MAX - 1)]
        shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) > 1e-12 else 0.0
        f0[i] = RATE / (lag + float(np.clip(shift, -0.5, 0.5)))
    return PitchTrack(_fix_octaves(f0), active)


def _fix_octaves(f0: np.ndarray) -> np.ndarray:
    """Folds octave errors back towards the speaker's typical pitch.

    Where the fundamental is weak (low, creaky or vocoded voices) YIN sometimes locks onto half
    the period and reads twice the pitch; a frame an octave away from the voice's median is
    almost always such an error, not a real jump.
    """
    voiced = f0 > 0
    if np.count_nonzero(voiced) < 10:
        return f0
    typical = float(np.median(f0[voiced]))
    fixed = f0.copy()
    high = voiced & (f0 > 1.7 * typical) & (f0 / 2 >= F0_MIN)
    low = voiced & (f0 < typical / 1.7) & (f0 * 2 <= F0_MAX)
    fixed[high] /= 2
    fixed[low] *= 2
    return fixed


def _first_dip(curve: np.ndarray) -> int | None:
    """The first lag below the threshold, walked down to its local minimum; else the global minimum."""
    below = np.flatnonzero(curve[_LAG_MIN:] < _YIN_THRESHOLD)
    if len(below):
        lag = _LAG_MIN + int(below[0])
        while lag + 1 < len(curve) and curve[lag + 1] < curve[lag]:
            lag += 1
        return lag
    lag = _LAG_MIN + int(np.argmin(curve[_LAG_MIN:]))
    return lag if lag > _LAG_MIN else None


def _frames(audio: np.ndarray, length: int) -> np.ndarray:
    if len(audio) < length:
        return np.zeros((0, length), np.float32)
    count = 1 + (len(audio) - length) // HOP
    index = np.arange(length)[None, :] + HOP * np.arange(count)[:, None]
    return audio[index]


def measure_voice(samples: np.ndarray, sample_rate: int) -> common_pb2.VoiceProfile:
    """F0 median and p10/p90, speaking rate and spectral tilt of mono speech.

    Raises ValueError when the audio holds no voiced speech to measure.
    """
    audio = to_16k(samples, sample_rate)
    return profile_of(audio, track_pitch(audio))


def profile_of(audio: np.ndarray, track: PitchTrack) -> common_pb2.VoiceProfile:
    """`measure_voice` of 16 kHz audio whose pitch track is already known."""
    voiced = track.f0[track.voiced]
    if len(voiced) < 10:
        raise ValueError("no voiced speech to measure")
    p10, median, p90 = np.percentile(voiced, [10, 50, 90])
    return common_pb2.VoiceProfile(
        median_f0_hz=float(median),
        f0_p10_hz=float(p10),
        f0_p90_hz=float(p90),
        speaking_rate_syllables_per_second=_speaking_rate(audio, track),
        spectral_tilt_db_per_octave=_spectral_tilt(audio, track.active),
    )


def _speech_span_seconds(active: np.ndarray) -> float:
    """Seconds of speech: active frames, with pauses under 0.3 s between words counted as speech."""
    indices = np.flatnonzero(active)
    if len(indices) == 0:
        return 0.0
    gaps = np.diff(indices)
    bridged = np.sum(np.where(gaps <= 30, gaps, 1)) + 1
    return float(bridged) * HOP / RATE


def _speaking_rate(audio: np.ndarray, track: PitchTrack) -> float:
    """Syllable nuclei per second of speech: peaks of the 300–3000 Hz loudness ≥ 100 ms apart, voiced nearby."""
    sos = signal.butter(4, [300, 3000], btype="bandpass", fs=RATE, output="sos")
    band = signal.sosfiltfilt(sos, audio)
    levels = frame_levels_db(band.astype(np.float32))[: len(track.f0)]
    smooth = np.convolve(levels, np.ones(5) / 5, mode="same")
    peaks, _ = signal.find_peaks(smooth, prominence=2.0, distance=10)
    # YIN leaves gaps in voicing at syllable edges: a peak counts when any frame within 30 ms is voiced.
    voiced_near = np.convolve(track.voiced.astype(float), np.ones(7), mode="same") > 0
    nuclei = [p for p in peaks if p < len(voiced_near) and voiced_near[p]]
    seconds = _speech_span_seconds(track.active)
    return len(nuclei) / seconds if seconds > 0 else 0.0


def _spectral_tilt(audio: np.ndarray, active: np.ndarray) -> float:
    """Slope of the long-term spectrum of the speech frames from 1 to 7 kHz, dB per octave."""
    frames = _frames(audio, _WINDOW)
    count = min(len(frames), len(active))
    frames = frames[:count][active[:count]]
    if len(frames) == 0:
        return 0.0
    window = np.hanning(_WINDOW)
    power = np.mean(np.abs(np.fft.rfft(frames * window, axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(_WINDOW, 1 / RATE)
    band = (freqs >= 1000) & (freqs <= 7000)
    slope, _ = np.polyfit(np.log2(freqs[band]), 10 * np.log10(power[band] + 1e-20), 1)
    return float(slope)
