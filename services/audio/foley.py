"""Procedural foley: every plan SoundEvent synthesised in code, with its attack on sample 0.

The mixer drops sample 0 exactly on the planned beat, so each effect starts with
its transient (no leading silence, attack inside the first 5 ms); even swelling
sounds open with an audible onset. Variation comes from a seeded generator, so
the same (event, surface, seed) always renders the same samples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import yaml
from scipy import signal

from cinemesh.v1 import plan_pb2

SAMPLE_RATE = 48_000
PEAK = 10 ** (-3.0 / 20)  # -3 dBFS leaves headroom for the mixer to stack cues
_RAMP = 24  # 0.5 ms: softens the first-sample step without moving the onset
_FADE = int(0.015 * SAMPLE_RATE)  # end fade so truncated tails never click


def render(event: int, surface: str, seed: int) -> np.ndarray:
    """Mono float32 effect for a plan SoundEvent, peak about -3 dBFS, attack on sample 0.

    `surface` only shapes footsteps ("gravel", "wood", "carpet", ...; unknown or "" is a
    generic hard floor). Raises ValueError for UNSPECIFIED or values that are not sound events.
    """
    if event != plan_pb2.SOUND_EVENT_FOOTSTEPS and event not in _GENERATORS:
        name = plan_pb2.SoundEvent.Name(event) if event in plan_pb2.SoundEvent.values() else "not a SoundEvent"
        raise ValueError(f"cannot render foley for sound event {event} ({name})")
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(f"foley:{event}:{seed}".encode()).digest()[:8], "little"))
    if event == plan_pb2.SOUND_EVENT_FOOTSTEPS:
        raw = _footsteps(rng, _SURFACES.get(surface.strip().lower(), _SURFACES[""]))
    else:
        raw = _GENERATORS[event](rng)
    return _finish(raw)


# ---------------------------------------------------------------- building blocks


def _time(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE


def _bandpass(x: np.ndarray, low: float, high: float, order: int = 2) -> np.ndarray:
    sos = signal.butter(order, [low, min(high, 0.45 * SAMPLE_RATE)], btype="bandpass", fs=SAMPLE_RATE, output="sos")
    return signal.sosfilt(sos, x)


def _lowpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(signal.butter(order, cutoff, btype="lowpass", fs=SAMPLE_RATE, output="sos"), x)


def _highpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(signal.butter(order, cutoff, btype="highpass", fs=SAMPLE_RATE, output="sos"), x)


def _resonators(x: np.ndarray, freqs: list[float], q: float) -> np.ndarray:
    """Sum of peaking filters: formants of a voice or body modes excited by x."""
    out = np.zeros_like(x)
    for freq in freqs:
        b, a = signal.iirpeak(freq, q, fs=SAMPLE_RATE)
        out += signal.lfilter(b, a, x)
    return out


def _modes(t: np.ndarray, freqs: np.ndarray, taus: np.ndarray, amps: np.ndarray) -> np.ndarray:
    """Decaying sines from phase 0: the impulse response of a struck resonant body."""
    return (amps[:, None] * np.sin(2 * np.pi * freqs[:, None] * t) * np.exp(-t / taus[:, None])).sum(axis=0)


def _norm(x: np.ndarray) -> np.ndarray:
    return x / (np.abs(x).max() + 1e-12)


def _slow(rng: np.random.Generator, n: int, rate_hz: float) -> np.ndarray:
    """Smooth random modulation in [-1, 1] varying at about rate_hz."""
    points = max(2, int(n / SAMPLE_RATE * rate_hz) + 2)
    return np.interp(np.arange(n), np.linspace(0, n, points), rng.uniform(-1, 1, points))


def _add(out: np.ndarray, clip: np.ndarray, start_s: float) -> None:
    start = int(start_s * SAMPLE_RATE)
    length = min(len(clip), len(out) - start)
    if length > 0:
        out[start : start + length] += clip[:length]


def _spikes(n: int, times: np.ndarray, amps: np.ndarray) -> np.ndarray:
    out = np.zeros(n)
    idx = (times * SAMPLE_RATE).astype(int)
    keep = idx < n
    np.add.at(out, idx[keep], amps[keep])
    return out


def _glide_tone(freq: np.ndarray) -> np.ndarray:
    """Phase (radians) of a tone whose frequency follows `freq` sample by sample."""
    return 2 * np.pi * np.cumsum(freq) / SAMPLE_RATE


def _shaped_noise(rng: np.random.Generator, n: int, centre_hz: np.ndarray, width_oct: float) -> np.ndarray:
    """White noise through a band that follows centre_hz over time (done in the STFT domain)."""
    nperseg = 1024
    freqs, times, spec = signal.stft(rng.standard_normal(n), fs=SAMPLE_RATE, nperseg=nperseg)
    centre = np.interp(times * SAMPLE_RATE, np.arange(n), centre_hz)
    octaves = np.log2(np.maximum(freqs, 20.0)[:, None] / centre[None, :])
    spec *= np.exp(-0.5 * (octaves / width_oct) ** 2)
    _, out = signal.istft(spec, fs=SAMPLE_RATE, nperseg=nperseg)
    return np.pad(out, (0, max(0, n - len(out))))[:n]


def _finish(x: np.ndarray) -> np.ndarray:
    x = _highpass(x, 20.0)  # impulse trains and summed envelopes can carry DC
    x[:_RAMP] *= np.linspace(0.0, 1.0, _RAMP)
    fade = min(_FADE, len(x))
    x[-fade:] *= np.cos(np.linspace(0.0, np.pi / 2, fade)) ** 2
    return (PEAK * _norm(x)).astype(np.float32)


# ---------------------------------------------------------------- impacts


def _glass(rng: np.random.Generator) -> np.ndarray:
    dur = rng.uniform(1.3, 2.0)
    t = _time(dur)
    crash = _highpass(rng.standard_normal(t.size), 2500, 4) * np.exp(-t / rng.uniform(0.03, 0.06))
    sparkle = _bandpass(rng.standard_normal(t.size), 4000, 14000) * np.exp(-t / rng.uniform(0.2, 0.35))
    out = _norm(crash) + 0.25 * _norm(sparkle)
    # tinkles: shards landing after the break, densest right after impact
    shards = int(rng.integers(40, 80))
    starts = np.concatenate([np.zeros(4), rng.exponential(0.2, shards - 4)])
    for start in starts[starts < dur - 0.15]:
        tau = rng.uniform(0.015, 0.09)
        seg = t[: int(6 * tau * SAMPLE_RATE)]
        count = int(rng.integers(1, 4))
        freqs = rng.uniform(2500, 10000, count)
        tone = _modes(seg, freqs, np.full(count, tau), rng.uniform(0.3, 1.0, count))
        _add(out, rng.uniform(0.1, 0.35) * np.exp(-start / 0.6) * tone, start)
    return out


class _Surface(NamedTuple):
    low: float  # band of the impact/scuff noise (Hz)
    high: float
    tau: float  # decay of the impact noise (s)
    grains: int  # crunch grains per step (gravel, snow, leaves)
    thump: float  # low body thump: soft floors are mostly thump
    ring: tuple[float, ...]  # modes of hard or hollow floors (Hz)


_SURFACES: dict[str, _Surface] = {
    "": _Surface(300, 5000, 0.03, 0, 0.5, ()),
    "concrete": _Surface(400, 6000, 0.025, 0, 0.4, ()),
    "stone": _Surface(700, 7000, 0.03, 4, 0.3, ()),
    "gravel": _Surface(1200, 9000, 0.08, 60, 0.15, ()),
    "wood": _Surface(200, 3000, 0.04, 0, 0.6, (140.0, 230.0, 410.0)),
    "tile": _Surface(1500, 10000, 0.02, 0, 0.15, (2300.0, 3700.0)),
    "marble": _Surface(1200, 11000, 0.025, 0, 0.15, (2900.0, 4600.0)),
    "metal": _Surface(600, 8000, 0.03, 0, 0.3, (420.0, 690.0, 1130.0, 1870.0)),
    "snow": _Surface(250, 2000, 0.12, 50, 0.4, ()),
    "sand": _Surface(250, 2500, 0.09, 40, 0.4, ()),
    "grass": _Surface(800, 5000, 0.07, 25, 0.3, ()),
    "leaves": _Surface(1500, 9000, 0.14, 70, 0.15, ()),
    "water": _Surface(250, 3500, 0.15, 30, 0.5, ()),
    "carpet": _Surface(80, 700, 0.04, 0, 1.0, ()),
}


def _step(rng: np.random.Generator, surface: _Surface) -> np.ndarray:
    t = _time(0.35)
    n = t.size
    out = _norm(_bandpass(rng.standard_normal(n), surface.low, surface.high) * np.exp(-t / surface.tau))
    out += surface.thump * np.sin(2 * np.pi * rng.uniform(60, 90) * t) * np.exp(-t / 0.035)
    if surface.grains:
        # crunch: grains crushed over the first few tens of ms, one right at contact
        times = np.concatenate([[0.0], rng.exponential(surface.tau, surface.grains - 1)])
        grains = _bandpass(_spikes(n, times, rng.uniform(-1, 1, surface.grains)), surface.low, surface.high)
        out += 0.8 * _norm(grains)
    if surface.ring:
        freqs = np.array(surface.ring) * rng.uniform(0.97, 1.03, len(surface.ring))
        out += 0.3 * _modes(t, freqs, np.full(len(freqs), 0.06), np.ones(len(freqs)))
    return _norm(out)


def _footsteps(rng: np.random.Generator, surface: _Surface) -> np.ndarray:
    count = int(rng.integers(4, 7))
    gaps = rng.uniform(0.45, 0.55, count - 1)
    starts = np.concatenate([[0.0], np.cumsum(gaps)])
    out = np.zeros(int((starts[-1] + 0.4) * SAMPLE_RATE))
    for i, start in enumerate(starts):
        level = 1.0 if i == 0 else rng.uniform(0.7, 0.95)
        _add(out, level * _step(rng, surface), start)  # heel
        _add(out, 0.45 * level * _step(rng, surface), start + rng.uniform(0.03, 0.06))  # toe
    return out


def _door_slam(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(1.2, 1.8))
    n = t.size
    # the panel's pitch drops as it seats in the frame
    thump = np.sin(_glide_tone(rng.uniform(45, 65) * (1 + 0.6 * np.exp(-t / 0.03)))) * np.exp(-t / 0.12)
    base = rng.uniform(100, 150)
    body = _modes(
        t, base * np.array([1.0, 1.58, 2.37, 3.4]) * rng.uniform(0.97, 1.03, 4), rng.uniform(0.1, 0.3, 4), np.ones(4)
    )
    impact = _bandpass(rng.standard_normal(n), 150, 4000) * np.exp(-t / 0.012)
    # rattle: latch and hinges bouncing with shrinking gaps
    clicks = int(rng.integers(8, 15))
    times = rng.uniform(0.02, 0.05) + np.cumsum(rng.uniform(0.015, 0.035) * 0.85 ** np.arange(clicks))
    rattle = _bandpass(_spikes(n, times, 0.8 ** np.arange(clicks) * rng.uniform(0.5, 1.0, clicks)), 2000, 6000)
    room = _lowpass(rng.standard_normal(n), 400) * np.exp(-t / 0.35)
    return _norm(thump) + 0.6 * _norm(body) + 0.7 * _norm(impact) + 0.25 * _norm(rattle) + 0.15 * _norm(room)


def _knock(rng: np.random.Generator) -> np.ndarray:
    gap = rng.uniform(0.16, 0.24)
    out = np.zeros(int((2 * gap + 0.4) * SAMPLE_RATE))
    t = _time(0.3)
    base = rng.uniform(160, 240)
    freqs = base * np.array([1.0, 2.3, 3.9, 5.6])
    taus = np.array([0.05, 0.03, 0.02, 0.015])
    for i in range(3):
        body = _modes(t, freqs * rng.uniform(0.98, 1.02, 4), taus, np.array([1.0, 0.6, 0.4, 0.25]))
        click = _bandpass(rng.standard_normal(t.size), 1000, 5000) * np.exp(-t / 0.004)
        level = 1.0 if i == 0 else rng.uniform(0.75, 0.95)
        start = 0.0 if i == 0 else i * gap + rng.uniform(-0.01, 0.01)
        _add(out, level * (_norm(body) + 0.5 * _norm(click)), start)
    return out


def _creak(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(1.3, 2.5))
    n = t.size
    # stick-slip friction: a pulse train whose rate glides and wanders with hinge pressure
    low, high = rng.uniform(100, 250), rng.uniform(250, 600)
    if rng.random() < 0.5:
        low, high = high, low
    rate = (low + (high - low) * (t / t[-1]) ** rng.uniform(0.6, 1.5)) * (1 + 0.25 * _slow(rng, n, 6))
    slips = np.flatnonzero(np.diff(np.floor(np.cumsum(rate) / SAMPLE_RATE)) > 0) + 1
    pulses = np.zeros(n)
    pulses[0] = 1.0
    pulses[slips] = rng.uniform(0.5, 1.0, slips.size)
    wood = [rng.uniform(500, 800), rng.uniform(1100, 1600), rng.uniform(2200, 3000)]
    pressure = 0.75 + 0.25 * _slow(rng, n, 3)
    creak = _norm(_resonators(pulses, wood, 12.0)) * pressure
    latch = _bandpass(rng.standard_normal(n), 1500, 6000) * np.exp(-t / 0.006)
    return creak + 0.8 * _norm(latch)


def _thunder(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(3.0, 3.45))
    n = t.size
    # the crack: a main strike and a few branch strikes within the first quarter second
    strikes = np.concatenate([[0.0], rng.uniform(0.03, 0.25, int(rng.integers(2, 5)))])
    sizes = np.concatenate([[1.0], rng.uniform(0.5, 0.9, strikes.size - 1)])
    env = sum(a * np.exp(-(t - s) / 0.04) * (t >= s) for s, a in zip(strikes, sizes, strict=True))
    crack = _highpass(rng.standard_normal(n), 300) * env
    roll = np.clip(0.6 + 0.4 * _slow(rng, n, 4), 0.1, None)
    swell = (0.35 + 0.65 * (1 - np.exp(-t / 0.25))) * np.exp(-t / rng.uniform(0.9, 1.4)) * roll
    rumble = _lowpass(rng.standard_normal(n), 120, 2) * swell
    mid = _bandpass(rng.standard_normal(n), 100, 600) * swell
    return 0.9 * _norm(crack) + _norm(rumble) + 0.35 * _norm(mid)


def _explosion(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.5, 3.4))
    n = t.size
    blast = np.tanh(3 * rng.standard_normal(n) * np.exp(-t / 0.06))  # overdriven pressure front
    boom = np.sin(_glide_tone(30 + rng.uniform(40, 80) * np.exp(-t / 0.08))) * np.exp(-t / 0.5)
    body = _lowpass(rng.standard_normal(n), 500) * np.exp(-t / rng.uniform(0.5, 0.9))
    rain = (rng.random(n) < 30 / SAMPLE_RATE) * (t > 0.1) * np.exp(-t / 0.6) * rng.uniform(0.2, 1.0, n)
    debris = _bandpass(rain, 1500, 7000)
    return 0.8 * _norm(blast) + _norm(boom) + 0.8 * _norm(body) + 0.2 * _norm(debris)


def _gunshot(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(1.0, 1.6))
    n = t.size
    crack = rng.standard_normal(n) * np.exp(-t / 0.0015)  # muzzle blast: broadband, ~2 ms
    body = _bandpass(rng.standard_normal(n), 300, 5000) * np.exp(-t / 0.015)
    boom = np.sin(2 * np.pi * rng.uniform(70, 110) * t) * np.exp(-t / 0.05)
    tail = _lowpass(rng.standard_normal(n), 1500) * np.exp(-t / 0.25)
    dry = _norm(crack) + 0.6 * _norm(body) + 0.5 * boom + 0.15 * _norm(tail)
    out = dry.copy()
    dull = _lowpass(dry, 2500)  # reflections lose their top end
    for delay, gain in ((rng.uniform(0.12, 0.25), 0.35), (rng.uniform(0.3, 0.5), 0.18)):
        _add(out, gain * dull, delay)
    return out


def _splash(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(1.0, 1.6))
    n = t.size
    impact = _bandpass(rng.standard_normal(n), 300, 6000) * np.exp(-t / rng.uniform(0.05, 0.1))
    slosh = _bandpass(rng.standard_normal(n), 150, 1500) * np.exp(-t / 0.35) * (0.7 + 0.3 * _slow(rng, n, 8))
    spray = _highpass(rng.standard_normal(n), 3000) * np.exp(-t / 0.2)
    out = _norm(impact) + 0.5 * _norm(slosh) + 0.3 * _norm(spray)
    # bubbles: resonating air pockets whose pitch rises as they shrink
    for start in np.concatenate([[0.0], rng.exponential(0.15, int(rng.integers(25, 50)))]):
        seg = t[: int(0.2 * SAMPLE_RATE)]
        freq = rng.uniform(400, 1800) * (1 + rng.uniform(3, 8) * seg)
        bubble = np.sin(_glide_tone(freq)) * np.exp(-seg / rng.uniform(0.02, 0.06))
        _add(out, rng.uniform(0.1, 0.4) * np.exp(-start / 0.5) * bubble, start)
    return out


# ---------------------------------------------------------------- vehicles and machines


def _car_pass(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.6, 3.4))
    n = t.size
    closest, speed, offset = t[-1] * rng.uniform(0.4, 0.55), rng.uniform(15, 30), rng.uniform(3, 7)
    x = speed * (t - closest)
    dist = np.hypot(offset, x)
    # the floor keeps the far approach clearly audible from sample 0, then it swells past the listener
    gain = 0.2 + 0.8 * offset / dist
    doppler = 343.0 / (343.0 + speed * x / dist)
    phase = _glide_tone(rng.uniform(70, 110) * doppler)
    engine = _lowpass(sum(np.sin(k * phase) / k for k in range(1, 11)), 2500)
    tyres = _bandpass(rng.standard_normal(n), 300, 3000)
    return (0.7 * _norm(engine) + 0.6 * _norm(tyres)) * gain


def _engine(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.0, 3.0))
    n = t.size
    cylinders = int(rng.choice([4, 6, 8]))
    idle = rng.uniform(700, 1000)
    rev_at = rng.uniform(0.5, t[-1] - 1.2)
    since = np.maximum(t - rev_at, 0.0)
    rise = (t > rev_at) * (1 - np.exp(-since / 0.08)) * np.exp(-since / 0.5)
    rpm = idle + rng.uniform(1500, 3000) * rise / max(rise.max(), 1e-9)
    # one pressure pulse per firing, each cylinder with its own strength (the lumpy idle)
    firings = np.floor(np.cumsum(rpm / 60 * cylinders / 2) / SAMPLE_RATE)
    fire_idx = np.concatenate([[0], np.flatnonzero(np.diff(firings) > 0) + 1])
    strength = rng.uniform(0.8, 1.2, cylinders)
    pulses = np.zeros(n)
    pulses[fire_idx] = strength[np.arange(fire_idx.size) % cylinders]
    exhaust = _lowpass(pulses, 1200)
    block = _resonators(pulses, [rng.uniform(100, 140), rng.uniform(260, 340)], 3.0)
    mech = _bandpass(rng.standard_normal(n), 1000, 4000)
    level = 0.7 + 0.3 * (rpm - idle) / (rpm.max() - idle + 1e-9)
    return (_norm(exhaust) + 0.7 * _norm(block) + 0.05 * _norm(mech)) * level


def _car_horn(rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:
        honks = [(0.0, rng.uniform(0.5, 1.0))]
    else:
        first = rng.uniform(0.18, 0.3)
        honks = [(0.0, first), (first + rng.uniform(0.1, 0.15), rng.uniform(0.18, 0.3))]
    t = _time(honks[-1][0] + honks[-1][1] + 0.05)
    low = rng.uniform(380, 460)
    droop = 1 - 0.03 * np.exp(-t / 0.02)  # the diaphragm settles into pitch
    tone = np.tanh(4 * np.sin(_glide_tone(low * droop))) + np.tanh(4 * np.sin(_glide_tone(1.26 * low * droop)))
    gate = np.zeros(t.size)
    for start, length in honks:
        gate += np.clip(np.minimum((t - start) / 0.002, (start + length - t) / 0.01), 0, 1)
    return _lowpass(tone, 3500) * gate


def _siren(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.5, 3.4))
    low, high = rng.uniform(550, 700), rng.uniform(1300, 1600)
    if rng.random() < 0.5:  # wail: slow sweep
        sweep = 0.5 - 0.5 * np.cos(2 * np.pi * t / rng.uniform(1.8, 3.0))
    else:  # yelp: fast triangle sweep
        sweep = np.abs(signal.sawtooth(2 * np.pi * t / rng.uniform(0.12, 0.3)))
    tone = _lowpass(np.tanh(3 * np.sin(_glide_tone(low + (high - low) * sweep))), 5000)
    return tone * (0.55 + 0.45 * np.minimum(1, t / (0.6 * t[-1])))  # approaching


def _phone(rng: np.random.Generator) -> np.ndarray:
    burst, gap, pause = rng.uniform(0.35, 0.45), rng.uniform(0.15, 0.25), rng.uniform(0.5, 0.8)
    starts: list[float] = []
    for cycle in range(int(rng.integers(1, 3))):
        base = cycle * (2 * burst + gap + pause)
        starts += [base, base + burst + gap]
    t = _time(starts[-1] + burst + 0.05)
    gate = np.zeros(t.size)
    for start in starts:
        gate += (t >= start) * (t < start + burst)
    # 3 ms edges: a square gate would splatter energy far from the 440+480 Hz pair
    edge = np.hanning(int(0.003 * SAMPLE_RATE))
    gate = np.convolve(gate, edge / edge.sum(), mode="full")[: t.size]
    return (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 480 * t)) * gate


def _typing(rng: np.random.Generator) -> np.ndarray:
    dur = rng.uniform(1.5, 2.5)
    out = np.zeros(int(dur * SAMPLE_RATE))
    t = _time(0.12)
    when = 0.0
    first = True
    while when < dur - 0.15:
        space = not first and rng.random() < 0.1  # the space bar is lower and heavier
        click = _bandpass(rng.standard_normal(t.size), 2000, 9000) * np.exp(-t / 0.002)
        freqs = np.array([rng.uniform(350, 600), rng.uniform(900, 1400)]) * (0.5 if space else 1.0)
        thock = _modes(t, freqs, np.full(2, 0.012), np.array([1.0, 0.5]))
        key = _norm(click) + 0.6 * _norm(thock)
        level = 1.0 if first else rng.uniform(0.6, 1.0)
        _add(out, level * key, when)
        _add(out, 0.3 * level * _norm(click), when + rng.uniform(0.05, 0.09))  # key release
        when += float(np.clip(rng.lognormal(np.log(0.14), 0.4), 0.06, 0.4))
        first = False
    return out


def _clock(rng: np.random.Generator) -> np.ndarray:
    period = rng.uniform(0.45, 0.55)
    count = int(rng.integers(4, 7))
    out = np.zeros(int(((count - 1) * period + 0.15) * SAMPLE_RATE))
    t = _time(0.06)
    ring = rng.uniform(2000, 3000) * np.array([1.0, 1.47, 2.09])
    for i in range(count):
        pitch = 1.0 if i % 2 == 0 else 0.82  # tick, tock
        click = _bandpass(rng.standard_normal(t.size), 2500, 9000) * np.exp(-t / 0.0015)
        metal = _modes(t, ring * pitch, np.full(3, 0.012), np.array([1.0, 0.6, 0.4]))
        thunk = _modes(t, np.array([700.0 * pitch]), np.array([0.006]), np.array([1.0]))
        _add(out, _norm(click) + 0.5 * _norm(metal) + 0.4 * thunk, i * period)
    return out


def _bell(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(3.0, 3.45))
    prime = rng.uniform(280, 700)
    # church-bell partials: hum, prime, minor-third tierce, quint, nominal and upper partials
    ratios = np.array([0.5, 1.0, 1.19, 1.5, 2.0, 2.52, 2.67, 3.01, 4.07]) * rng.uniform(0.995, 1.005, 9)
    amps = np.array([0.5, 1.0, 0.6, 0.35, 0.8, 0.3, 0.25, 0.2, 0.12]) * rng.uniform(0.8, 1.2, 9)
    taus = rng.uniform(2.4, 3.2) * ratios**-0.6  # high partials die first
    partials = _modes(t, prime * ratios, taus, amps)
    partials *= 1 + 0.1 * np.sin(2 * np.pi * rng.uniform(1, 3) * t)  # slight warble of the split doublets
    strike = _bandpass(rng.standard_normal(t.size), 1000, 8000) * np.exp(-t / 0.004)
    return _norm(partials) + 0.4 * _norm(strike)


# ---------------------------------------------------------------- creatures and people


def _harmonic_voice(f0: np.ndarray, formants: list[np.ndarray], widths: list[float], tilt: float) -> np.ndarray:
    """Additive voice: each harmonic weighted by the formant envelope at its own frequency."""
    phase = _glide_tone(f0)
    out = np.zeros(f0.size)
    for k in range(1, int(7000 / f0.min()) + 1):
        freq = k * f0
        envelope = sum(1 / (1 + ((freq - centre) / width) ** 2) for centre, width in zip(formants, widths, strict=True))
        out += envelope * k**-tilt * np.sin(k * phase)
    return out


def _dog(rng: np.random.Generator) -> np.ndarray:
    barks = int(rng.integers(1, 4))
    base = rng.uniform(220, 480)  # small dogs bark higher
    formants = [rng.uniform(450, 650), rng.uniform(1100, 1500), rng.uniform(2300, 2900)]
    length = rng.uniform(0.14, 0.24)
    gaps = rng.uniform(0.25, 0.4, barks - 1)
    starts = np.concatenate([[0.0], np.cumsum(gaps)])
    out = np.zeros(int((starts[-1] + length + 0.2) * SAMPLE_RATE))
    for i, start in enumerate(starts):
        t = _time(length * rng.uniform(0.9, 1.1))
        f0 = base * rng.uniform(0.95, 1.05) * (1 + 0.35 * np.exp(-t / 0.03)) * (1 - 0.25 * t / t[-1])
        voice = _harmonic_voice(f0, [np.full(t.size, f) for f in formants], [120, 180, 250], 0.7)
        voice *= 1 + 0.3 * np.sin(0.5 * _glide_tone(f0))  # growl: subharmonic roughness
        breath = _bandpass(rng.standard_normal(t.size), 500, 4000)
        env = np.minimum(1, t / 0.002) * np.exp(-t / (0.45 * t[-1]))
        level = 1.0 if i == 0 else rng.uniform(0.75, 0.95)
        _add(out, level * (_norm(voice) + 0.25 * _norm(breath)) * env, start)
    return out


def _cat(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(0.6, 1.2))
    dur = t[-1]
    peak_at = 0.35 * dur
    start = rng.uniform(450, 650)
    # "mee-ow": pitch rises then falls while the mouth opens then rounds
    f0 = np.interp(t, [0, peak_at, dur], [start, start * rng.uniform(1.25, 1.6), start * rng.uniform(0.7, 0.95)])
    f0 *= 1 + 0.01 * np.sin(2 * np.pi * 6 * t)
    f1 = np.interp(t, [0, peak_at, dur], [rng.uniform(500, 650), rng.uniform(850, 1000), rng.uniform(550, 650)])
    f2 = np.interp(t, [0, peak_at, dur], [rng.uniform(1900, 2300), rng.uniform(1400, 1600), rng.uniform(950, 1150)])
    voice = _harmonic_voice(f0, [f1, f2, np.full(t.size, 3000.0)], [150, 200, 300], 0.5)
    breath = _bandpass(rng.standard_normal(t.size), 1000, 6000)
    env = np.minimum(1, t / 0.003) * (0.7 + 0.3 * np.sin(np.pi * t / dur)) * np.minimum(1, (dur - t) / (0.4 * dur))
    return (_norm(voice) + 0.08 * _norm(breath)) * env


def _birds(rng: np.random.Generator) -> np.ndarray:
    dur = rng.uniform(1.5, 3.0)
    out = np.zeros(int(dur * SAMPLE_RATE))
    low, high = sorted(rng.uniform(2500, 5500, 2))  # this bird's range
    when = 0.0
    first = True
    while when < dur - 0.2:
        t = _time(rng.uniform(0.03, 0.12))
        begin = rng.uniform(low, high + 1)
        sweep = begin + (begin * rng.uniform(0.6, 1.6) - begin) * t / t[-1]
        freq = sweep + rng.uniform(0, 600) * np.sin(2 * np.pi * rng.uniform(15, 60) * t)  # FM trill
        phase = _glide_tone(freq)
        env = np.minimum(1, t / 0.0015) * (1 - t / t[-1]) ** 1.2
        level = 1.0 if first else rng.uniform(0.4, 1.0)
        _add(out, level * (np.sin(phase) + 0.15 * np.sin(2 * phase)) * env, when)
        when += rng.uniform(0.06, 0.35)
        first = False
    return out


def _crowd(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.5, 3.4))
    n = t.size
    dur = t[-1]
    vowel = [rng.uniform(650, 850), rng.uniform(1100, 1400), rng.uniform(2400, 2800)]  # an "ah"/"yeah" cheer
    voices = np.zeros(n)
    for i in range(16):
        onset = 0.0 if i < 4 else rng.uniform(0, 0.6)
        f0 = rng.uniform(150, 420) * (1 + 0.25 * np.minimum(1, t / rng.uniform(0.3, 1.0)))
        f0 *= 1 + 0.02 * np.sin(2 * np.pi * rng.uniform(4, 7) * t)
        env = (t >= onset) * np.minimum(1, (t - onset) / 0.003) * (0.6 + 0.4 * _slow(rng, n, 3))
        saw = 2 * (np.cumsum(f0) / SAMPLE_RATE % 1.0) - 1
        voices += rng.uniform(0.5, 1.0) * saw * np.clip(env, 0, None)
    voiced = _resonators(_lowpass(voices, 4000), vowel, 4.0)
    bed = _resonators(_bandpass(rng.standard_normal(n), 250, 4000), vowel, 2.0)
    # opens with a burst (audible at sample 0), swells, then dies away
    swell = (0.55 + 0.45 * (1 - np.exp(-t / 0.25)) + 0.4 * np.exp(-t / 0.08)) * np.minimum(1, (dur - t) / (0.35 * dur))
    return (_norm(voiced) + 0.7 * _norm(bed)) * swell


def _applause(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.0, 3.0))
    n = t.size
    out = np.zeros(n)
    kernel_t = _time(0.015)
    for i in range(int(rng.integers(10, 20))):
        rate = rng.uniform(3.5, 6.0)
        first = 0.0 if i == 0 else rng.uniform(0, 1 / rate)
        times = first + np.cumsum(np.concatenate([[0.0], 1 / rate * rng.uniform(0.85, 1.15, int(t[-1] * rate) + 2)]))
        amps = rng.uniform(0.5, 1.0, times.size)
        if i == 0:
            amps[0] = 1.5  # a clap right on the cue
        # each clapper's hands give a clap its own colour
        kernel = rng.standard_normal(kernel_t.size) * np.exp(-kernel_t / rng.uniform(0.003, 0.008))
        centre = rng.uniform(700, 2500)
        claps = signal.fftconvolve(_spikes(n, times, amps), kernel)[:n]
        out += _bandpass(claps, 0.6 * centre, 2.5 * centre)
    return out * np.minimum(1, 0.3 + (t[-1] - t) / (0.4 * t[-1]))


def _heartbeat(rng: np.random.Generator) -> np.ndarray:
    period = 60 / rng.uniform(60, 90)
    beats = int(rng.integers(2, 4))
    out = np.zeros(int(((beats - 1) * period + 0.5) * SAMPLE_RATE))
    t = _time(0.3)
    split = rng.uniform(0.25, 0.32)
    freq = rng.uniform(45, 60)
    for i in range(beats):
        # "lub" (valves closing, lower and longer) then "dub"
        lub = np.sin(2 * np.pi * freq * t) * np.exp(-t / 0.05)
        thud = _norm(_lowpass(rng.standard_normal(t.size), 180) * np.exp(-t / 0.015))
        dub = np.sin(2 * np.pi * 1.3 * freq * t) * np.exp(-t / 0.035)
        _add(out, lub + 0.6 * thud, i * period)
        _add(out, 0.7 * (dub + 0.5 * thud), i * period + split)
    return out


# ---------------------------------------------------------------- air, fire, water, paper


def _wind(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.5, 3.4))
    n = t.size
    crest = rng.uniform(0.35, 0.6) * t[-1]
    rise = np.sin(np.pi / 2 * np.minimum(t / crest, 1)) ** 2
    fall = np.where(t > crest, np.cos(np.pi / 2 * (t - crest) / (t[-1] - crest)) ** 2, 1.0)
    gust = np.clip((0.35 + 0.65 * rise) * (0.2 + 0.8 * fall) * (1 + 0.25 * _slow(rng, n, 7)), 0.05, None)
    # stronger gusts sound higher, with a faint whistle above the roar
    centre = 250 + rng.uniform(700, 1100) * gust
    roar = _shaped_noise(rng, n, centre, 0.8)
    whistle = _shaped_noise(rng, n, 2.2 * centre, 0.06)
    puff = _lowpass(rng.standard_normal(n), 2000) * np.exp(-t / 0.04)  # the gust's first buffet
    return (_norm(roar) + 0.3 * _norm(whistle)) * gust + 0.5 * _norm(puff)


def _whoosh(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(0.6, 1.2))
    n = t.size
    crest = rng.uniform(0.35, 0.55) * t[-1]
    swell = np.exp(-(((t - crest) / (0.22 * t[-1])) ** 2))
    amplitude = (0.3 + 0.7 * swell) * np.minimum(1, (t[-1] - t) / (0.25 * t[-1]))
    low, high = rng.uniform(250, 500), rng.uniform(1800, 4000)
    centre = low * (high / low) ** swell  # brightest as it passes
    front = _bandpass(rng.standard_normal(n), 500, 6000) * np.exp(-t / 0.02)  # the air front: onset on sample 0
    return _norm(_shaped_noise(rng, n, centre, 0.5)) * amplitude + 0.4 * _norm(front)


def _fire(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(2.0, 3.0))
    n = t.size
    bed = _lowpass(rng.standard_normal(n), 400) * (0.7 + 0.3 * _slow(rng, n, 2))
    hiss = _bandpass(rng.standard_normal(n), 2000, 8000)
    # pops: Poisson snaps with heavy-tailed sizes, the biggest one on the cue
    mask = rng.random(n) < rng.uniform(12, 25) / SAMPLE_RATE
    sizes = np.minimum(rng.pareto(2.5, n) * 0.3, 1.0) * mask
    sizes[0] = 1.0
    kernel_t = _time(0.004)
    pop_kernel = rng.standard_normal(kernel_t.size) * np.exp(-kernel_t / 0.0008)
    pops = _bandpass(signal.fftconvolve(sizes, pop_kernel)[:n], 800, 9000)
    return _norm(pops) + 0.25 * _norm(bed) + 0.04 * _norm(hiss)


def _drip(rng: np.random.Generator) -> np.ndarray:
    drips = int(rng.integers(1, 4))
    gap = rng.uniform(0.35, 0.6)
    out = np.zeros(int(((drips - 1) * gap + 0.35) * SAMPLE_RATE))
    t = _time(0.3)
    for i in range(drips):
        # a plop is a bubble closing: its pitch sweeps up over a few tens of ms
        rise = rng.uniform(1.6, 2.6) ** np.minimum(t / rng.uniform(0.025, 0.04), 1)
        plop = np.sin(_glide_tone(rng.uniform(700, 1400) * rise)) * np.exp(-t / rng.uniform(0.02, 0.04))
        click = _bandpass(rng.standard_normal(t.size), 2000, 8000) * np.exp(-t / 0.001)
        level = 1.0 if i == 0 else rng.uniform(0.6, 1.0)
        _add(out, level * (plop + 0.3 * _norm(click)), i * gap + (0 if i == 0 else rng.uniform(-0.05, 0.05)))
    return out


def _paper(rng: np.random.Generator) -> np.ndarray:
    t = _time(rng.uniform(0.8, 1.8))
    n = t.size
    grabs = np.concatenate([[0.0], rng.uniform(0.15, t[-1] - 0.3, int(rng.integers(1, 4)))])
    env = np.zeros(n)
    for i, start in enumerate(grabs):
        since = t - start
        env += (since >= 0) * (1.0 if i == 0 else rng.uniform(0.5, 0.9)) * np.exp(-np.maximum(since, 0) / 0.15)
    # crinkles: a dense Poisson crackle that follows each handful
    mask = rng.random(n) < rng.uniform(400, 900) * np.minimum(env, 1) / SAMPLE_RATE
    sizes = mask * np.minimum(rng.pareto(3.0, n) * 0.3 + 0.1, 1.0)
    burst = int(0.005 * SAMPLE_RATE)
    sizes[:burst] += (rng.random(burst) < 0.1) * rng.uniform(0.5, 1.0, burst)  # the first crumple lands on the cue
    crackle = _bandpass(sizes, 1500, 10000)
    friction = _bandpass(rng.standard_normal(n), 2500, 9000) * env
    return _norm(crackle) * np.minimum(env, 1) + 0.3 * _norm(friction)


_GENERATORS: dict[int, Callable[[np.random.Generator], np.ndarray]] = {
    plan_pb2.SOUND_EVENT_GLASS_SHATTER: _glass,
    plan_pb2.SOUND_EVENT_DOOR_SLAM: _door_slam,
    plan_pb2.SOUND_EVENT_DOOR_KNOCK: _knock,
    plan_pb2.SOUND_EVENT_DOOR_CREAK: _creak,
    plan_pb2.SOUND_EVENT_THUNDER: _thunder,
    plan_pb2.SOUND_EVENT_EXPLOSION: _explosion,
    plan_pb2.SOUND_EVENT_GUNSHOT: _gunshot,
    plan_pb2.SOUND_EVENT_SPLASH: _splash,
    plan_pb2.SOUND_EVENT_CAR_PASS: _car_pass,
    plan_pb2.SOUND_EVENT_ENGINE: _engine,
    plan_pb2.SOUND_EVENT_CROWD_CHEER: _crowd,
    plan_pb2.SOUND_EVENT_APPLAUSE: _applause,
    plan_pb2.SOUND_EVENT_BELL: _bell,
    plan_pb2.SOUND_EVENT_PHONE_RING: _phone,
    plan_pb2.SOUND_EVENT_TYPING: _typing,
    plan_pb2.SOUND_EVENT_DOG_BARK: _dog,
    plan_pb2.SOUND_EVENT_BIRDS: _birds,
    plan_pb2.SOUND_EVENT_WIND_GUST: _wind,
    plan_pb2.SOUND_EVENT_FIRE_CRACKLE: _fire,
    plan_pb2.SOUND_EVENT_HEARTBEAT: _heartbeat,
    plan_pb2.SOUND_EVENT_WHOOSH: _whoosh,
    plan_pb2.SOUND_EVENT_CAR_HORN: _car_horn,
    plan_pb2.SOUND_EVENT_SIREN: _siren,
    plan_pb2.SOUND_EVENT_CLOCK_TICK: _clock,
    plan_pb2.SOUND_EVENT_CAT_MEOW: _cat,
    plan_pb2.SOUND_EVENT_WATER_DRIP: _drip,
    plan_pb2.SOUND_EVENT_PAPER_RUSTLE: _paper,
}


# ---------------------------------------------------------------- open vocabulary: struck objects

_MATERIALS_FILE = Path(__file__).with_name("data") / "materials.yaml"
STRUCK_ACTIONS = ("impact", "break", "pop", "ring", "scrape")


@cache
def _materials() -> dict[str, Any]:
    return yaml.safe_load(_MATERIALS_FILE.read_text())


def struck(action: str, material: str, seed: int) -> np.ndarray:
    """A cue none of the hand-made events names, from how it is made and what sounds (modal synthesis).

    impact: one hit of the material's modes; ring: the same hit ringing three times longer; break: the hit
    and then fragments of the same material, smaller (higher) and scattered over 0.4 s; pop: a burst of
    contact noise over a short low thump; scrape: contact noise dragged through the modes for half a second.
    Attack on sample 0, like every event. Raises ValueError for an action this cannot synthesise.
    """
    if action not in STRUCK_ACTIONS:
        raise ValueError(f"cannot synthesise a struck sound for action {action!r}")
    table = _materials()
    model = table.get(material) or table[table["default_material"][action]]
    rng = np.random.default_rng(
        int.from_bytes(hashlib.sha256(f"struck:{action}:{material}:{seed}".encode()).digest()[:8], "little")
    )
    modes, decays, amps = (np.array(model[k], dtype=float) for k in ("modes", "decays", "amps"))
    modes = modes * rng.uniform(0.9, 1.1)  # another object of the same material

    def hit(scale: float, ring: float = 1.0) -> np.ndarray:
        t = _time(max(0.05, float(decays.max()) * ring * 5))
        body = _modes(t, modes * scale, decays * ring, amps * rng.uniform(0.8, 1.2, len(amps)))
        contact = rng.standard_normal(max(8, int(model["contact"] * SAMPLE_RATE)))
        contact *= np.exp(-np.arange(len(contact)) / (len(contact) / 3))
        body[: len(contact)] += _lowpass(contact, model["brightness"]) * 2
        return _norm(body)

    if action == "impact":
        return _finish(hit(1.0))
    if action == "ring":
        return _finish(hit(1.0, ring=3.0))
    if action == "pop":
        burst = rng.standard_normal(int(0.006 * SAMPLE_RATE)) * np.exp(-np.arange(int(0.006 * SAMPLE_RATE)) / 80)
        thump = _modes(_time(0.12), np.array([90.0, 180.0]), np.array([0.03, 0.015]), np.array([0.6, 0.3]))
        thump[: len(burst)] += burst
        return _finish(thump)
    if action == "scrape":
        n = int(0.5 * SAMPLE_RATE)
        noise = rng.standard_normal(n) * (0.5 + 0.5 * _slow(rng, n, 30))
        return _finish(_resonators(_bandpass(noise, 200, model["brightness"]), list(modes), 8.0) + noise * 0.05)
    out = np.zeros(int(1.2 * SAMPLE_RATE))
    _add(out, hit(1.0), 0.0)
    for start in np.sort(rng.uniform(0.01, 0.4, 14)):  # fragments: smaller pieces ring higher
        _add(out, hit(rng.uniform(1.5, 3.0)) * rng.uniform(0.1, 0.4), float(start))
    return _finish(out)
