"""Room acoustics: RT60 on target per class, band-limiting, onset timing, tail ordering, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from cinemesh.audio.acoustics import SAMPLE_RATE, apply, estimate_rt60, impulse_response
from cinemesh.v1 import plan_pb2

# The planner's table: class → (rt60 s, highpass Hz, lowpass Hz, level dB).
PLANNER_TABLE = {
    "OUTDOOR": (0.05, 0, 0, 0),
    "ROOM": (0.45, 0, 0, 0),
    "HALLWAY": (1.4, 0, 0, 0),
    "STUDIO": (0.15, 0, 0, 0),
    "CATHEDRAL": (4.0, 0, 0, 0),
    "BEHIND_DOOR": (0.5, 0, 700, -12),
    "PHONE": (0.1, 300, 3400, -3),
    "UNDERWATER": (0.3, 0, 500, -6),
    "SMALL_ENCLOSURE": (0.12, 0, 0, 0),
    "LARGE_HALL": (2.2, 0, 0, 0),
}
CLASSES = list(PLANNER_TABLE)


def env(name: str) -> plan_pb2.AcousticEnvironment:
    rt60, highpass, lowpass, level = PLANNER_TABLE[name]
    return plan_pb2.AcousticEnvironment(
        acoustic_class=plan_pb2.AcousticClass.Value(f"ACOUSTIC_CLASS_{name}"),
        rt60_seconds=rt60,
        highpass_hz=highpass,
        lowpass_hz=lowpass,
        level_db=level,
    )


def white_noise(seconds: float = 2.0) -> np.ndarray:
    return np.random.default_rng(7).standard_normal(int(seconds * SAMPLE_RATE)).astype(np.float32)


def band_energy(x: np.ndarray, low: float, high: float) -> float:
    power = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SAMPLE_RATE)
    return float(power[(freqs >= low) & (freqs < high)].sum())


def db(ratio: float) -> float:
    return 10 * np.log10(ratio)


def click(samples: int, at: int) -> np.ndarray:
    x = np.zeros(samples, dtype=np.float32)
    x[at] = 1.0
    return x


@pytest.mark.parametrize("name", CLASSES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_measured_rt60_is_within_20_percent_of_target(name: str, seed: int) -> None:
    ir = impulse_response(env(name), seed)
    target = PLANNER_TABLE[name][0]
    assert ir.dtype == np.float32 and ir.ndim == 1
    assert ir[0] == 1.0
    assert abs(estimate_rt60(ir) - target) <= 0.2 * target


def test_highs_decay_faster_than_lows() -> None:
    ir = impulse_response(env("CATHEDRAL"), 0).astype(np.float64)
    lows = signal.sosfilt(signal.butter(4, 500, fs=SAMPLE_RATE, output="sos"), ir)
    highs = signal.sosfilt(signal.butter(4, 6000, "highpass", fs=SAMPLE_RATE, output="sos"), ir)
    assert estimate_rt60(highs) < estimate_rt60(ir) < estimate_rt60(lows)


def test_estimate_rt60_degrades_gracefully() -> None:
    # A lone impulse has no decay to fit; a 5 ms IR still yields a (T10) figure.
    assert estimate_rt60(np.ones(1)) == 0.0
    assert estimate_rt60(np.zeros(100)) == 0.0
    short = np.exp(-np.log(1e6) / 2 * np.arange(240) / SAMPLE_RATE / 0.01)
    assert estimate_rt60(short) == pytest.approx(0.01, rel=0.05)


def test_phone_is_band_limited() -> None:
    out = apply(white_noise(), env("PHONE"), 0)
    assert db(band_energy(out, 0, 250) / band_energy(out, 300, 3400)) < -20


def test_behind_door_muffles_highs_and_drops_12_db() -> None:
    noise = white_noise()
    out = apply(noise, env("BEHIND_DOOR"), 0)
    assert db(band_energy(out, 2000, SAMPLE_RATE) / band_energy(noise, 2000, SAMPLE_RATE)) <= -20
    # Level measured where the 700 Hz lowpass passes: the room itself keeps loudness, level_db sets it.
    assert db(band_energy(out, 0, 300) / band_energy(noise, 0, 300)) == pytest.approx(-12, abs=1.5)


@pytest.mark.parametrize("name", CLASSES)
def test_keeps_length_and_click_onset(name: str) -> None:
    at = SAMPLE_RATE // 10
    out = apply(click(SAMPLE_RATE // 2, at), env(name), 0)
    assert out.shape == (SAMPLE_RATE // 2,) and out.dtype == np.float32
    magnitude = np.abs(out)
    onset = int(np.argmax(magnitude >= magnitude.max() * 10 ** (-30 / 20)))
    assert abs(onset - at) <= SAMPLE_RATE // 1000


def test_longer_rooms_ring_longer() -> None:
    def decay_time(name: str) -> float:
        # Seconds until the rendered click's remaining energy is 50 dB below its total.
        out = apply(click(5 * SAMPLE_RATE, 0), env(name), 0).astype(np.float64)
        remaining = np.cumsum((out**2)[::-1])[::-1]
        return int(np.argmax(remaining < remaining[0] * 1e-5)) / SAMPLE_RATE

    times = [decay_time(name) for name in ("CATHEDRAL", "HALLWAY", "ROOM", "STUDIO")]
    assert times == sorted(times, reverse=True) and len(set(times)) == 4


def test_unspecified_passes_through() -> None:
    noise = white_noise(0.1)
    assert apply(noise, plan_pb2.AcousticEnvironment(rt60_seconds=2.0, level_db=-6), 0) is noise


def test_deterministic_per_seed() -> None:
    noise = white_noise(0.5)
    room = env("ROOM")
    assert np.array_equal(impulse_response(room, 5), impulse_response(room, 5))
    assert np.array_equal(apply(noise, room, 5), apply(noise, room, 5))
    assert not np.array_equal(impulse_response(room, 5), impulse_response(room, 6))
    assert not np.array_equal(apply(noise, room, 5), apply(noise, room, 6))
