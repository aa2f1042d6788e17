"""Music bed by mood, genre and tempo, with its beat grid snapped to the plan's cuts.

The tempo is the plan's when stated, otherwise chosen by mood; it is then nudged
(by at most 8 %) so that the plan's shot cuts fall as close to beats as possible,
and the beat grid is returned so later stages can check or re-snap cuts. Minor
moods get a minor progression. The genre picks one of four arrangements.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy import signal

from cinemesh.v1 import plan_pb2

SAMPLE_RATE = 48_000
_MINOR_MOODS = {
    "tense",
    "melancholic",
    "melancholy",
    "sad",
    "eerie",
    "dark",
    "mysterious",
    "suspenseful",
    "somber",
    "sombre",
    "ominous",
    "haunting",
    "moody",
    "lonely",
    "menacing",
    "brooding",
    "bittersweet",
    "spooky",
    "intense",
    "frantic",
}
_MOOD_TEMPO = {
    "tense": 100,
    "upbeat": 122,
    "energetic": 128,
    "epic": 96,
    "calm": 72,
    "peaceful": 68,
    "dreamy": 80,
    "playful": 112,
    "triumphant": 104,
    "romantic": 76,
    "melancholic": 70,
    "sad": 66,
    "eerie": 78,
    "suspenseful": 96,
    "frantic": 140,
    "chill": 84,
    "mellow": 80,
    "driving": 126,
    "festive": 118,
}
_BEAT_GENRES = {
    "electronic",
    "synthwave",
    "synth",
    "techno",
    "house",
    "edm",
    "pop",
    "hip hop",
    "hip-hop",
    "trap",
    "drum and bass",
    "dubstep",
    "disco",
    "funk",
    "rock",
    "metal",
    "punk",
    "lo-fi",
    "lofi",
    "trip-hop",
    "chiptune",
    "8-bit",
    "synthesizer",
    "reggae",
    "r&b",
}
_PIANO_GENRES = {
    "piano",
    "classical",
    "folk",
    "acoustic",
    "guitar",
    "country",
    "bluegrass",
    "celtic",
    "ukulele",
    "harp",
    "minimalist",
    "waltz",
    "flamenco",
    "tango",
    "bossa nova",
}
_JAZZ_GENRES = {"jazz", "blues", "swing", "big band", "soul", "gospel"}
# I–V–vi–IV (major) and i–VI–III–VII (minor), as semitone triads above the root.
_MAJOR = ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12))
_MINOR = ((0, 3, 7), (8, 12, 15), (3, 7, 10), (10, 14, 17))


@dataclass
class MusicBed:
    audio: np.ndarray  # (2, samples) float32
    tempo_bpm: float
    beats: list[float]


def arrangement(genre: str) -> str:
    genre = genre.lower()
    if genre in _BEAT_GENRES:
        return "beat"
    if genre in _PIANO_GENRES:
        return "piano"
    if genre in _JAZZ_GENRES:
        return "jazz"
    return "pad"  # orchestral, ambient, cinematic, strings, choir …


def snap_tempo(tempo: float, cuts: list[float], max_change: float = 0.08) -> float:
    """The tempo within ±max_change whose beat grid (from t=0) lies closest to the cuts."""
    if not cuts:
        return tempo
    best, best_error = tempo, float("inf")
    for candidate in np.linspace(tempo * (1 - max_change), tempo * (1 + max_change), 161):
        period = 60.0 / candidate
        error = sum(abs(c / period - round(c / period)) * period for c in cuts)
        if error < best_error - 1e-9 or (abs(error - best_error) < 1e-9 and abs(candidate - tempo) < abs(best - tempo)):
            best, best_error = float(candidate), error
    return best


def render(music: plan_pb2.Music, samples: int, seed: int, cuts: list[float]) -> MusicBed:
    if music.none or samples == 0:
        return MusicBed(np.zeros((2, samples), np.float32), 0.0, [])
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(f"music:{seed}".encode()).digest()[:8], "little"))
    tempo = music.tempo_bpm or float(_MOOD_TEMPO.get(music.mood.lower(), 90 + int(rng.integers(-6, 7))))
    tempo = snap_tempo(tempo, cuts)
    beat = 60.0 / tempo
    beats = [round(k * beat, 6) for k in range(int(samples / SAMPLE_RATE / beat) + 1)]
    progression = _MINOR if music.mood.lower() in _MINOR_MOODS else _MAJOR
    root = 45 + int(rng.integers(0, 12))  # MIDI A2..G#3
    t = np.arange(samples, dtype=np.float64) / SAMPLE_RATE
    bar = (t // (4 * beat)).astype(int) % len(progression)
    style = arrangement(music.genre)
    mono = {"pad": _pad, "piano": _piano, "beat": _beat, "jazz": _jazz}[style](t, bar, beat, root, progression, rng)
    fade = np.clip(np.minimum(t / 0.3, (t[-1] - t) / 0.6 + 1e-9), 0, 1) if samples > 1 else np.ones(1)
    mono = mono * fade
    width = _pink(rng, samples) * 0.002  # a touch of decorrelation for stereo width
    stereo = np.stack([mono + width, mono - width]).astype(np.float32)
    return MusicBed(stereo, tempo, beats)


def _freq(midi: np.ndarray | float) -> np.ndarray | float:
    return 440.0 * 2 ** ((np.asarray(midi) - 69) / 12)


def _pink(rng: np.random.Generator, n: int) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.fft.rfftfreq(n, 1 / SAMPLE_RATE), 20.0))
    noise = np.fft.irfft(spectrum, n)
    return noise / (np.abs(noise).max() + 1e-9)


def _chord_tones(t: np.ndarray, bar: np.ndarray, root: int, progression: tuple, octave: int) -> list[np.ndarray]:
    tones = []
    for voice in range(3):
        semis = np.array([chord[voice] for chord in progression])[bar]
        tones.append(2 * np.pi * np.cumsum(_freq(root + 12 * octave + semis)) / SAMPLE_RATE)
    return tones


def _pad(t, bar, beat, root, progression, rng) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Strings-like pad: detuned saws, low-passed, with a slow swell per bar."""
    out = np.zeros_like(t)
    for phase in _chord_tones(t, bar, root, progression, 1):
        for detune in (0.997, 1.003):
            saw = 2 * ((phase * detune / (2 * np.pi)) % 1.0) - 1
            out += saw
    sos = signal.butter(2, 1800, fs=SAMPLE_RATE, output="sos")
    out = signal.sosfilt(sos, out)
    swell = 0.7 + 0.3 * np.sin(np.pi * ((t % (4 * beat)) / (4 * beat)))
    bass = np.sin(_chord_tones(t, bar, root, progression, 0)[0]) * 0.6
    return out / 6 * swell + bass * 0.5


def _pluck(t: np.ndarray, onsets: np.ndarray, freqs: np.ndarray, decay: float) -> np.ndarray:
    out = np.zeros_like(t)
    for onset, freq in zip(onsets, freqs, strict=True):
        start = int(onset * SAMPLE_RATE)
        length = min(len(t) - start, int(decay * 4 * SAMPLE_RATE))
        if length <= 0:
            continue
        local = np.arange(length) / SAMPLE_RATE
        tone = (
            np.sin(2 * np.pi * freq * local)
            + 0.4 * np.sin(4 * np.pi * freq * local)
            + 0.15 * np.sin(6 * np.pi * freq * local)
        )
        out[start : start + length] += tone * np.exp(-local / decay) * np.minimum(1, local / 0.003)
    return out


def _piano(t, bar, beat, root, progression, rng) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Arpeggiated piano: chord tones on eighth notes, bass on the bar."""
    duration = t[-1] if len(t) else 0
    onsets = np.arange(0, duration, beat / 2)
    freqs = []
    for k, onset in enumerate(onsets):
        chord = progression[int(onset // (4 * beat)) % len(progression)]
        freqs.append(_freq(root + 24 + chord[k % 3] + (12 if k % 6 == 5 else 0)))
    melody = _pluck(t, onsets, np.array(freqs), 0.45) * 0.35
    bars = np.arange(0, duration, 4 * beat)
    bass_freqs = np.array([_freq(root + 12 + progression[i % len(progression)][0]) for i in range(len(bars))])
    return melody + _pluck(t, bars, bass_freqs, 1.2) * 0.5


def _drum_hits(t: np.ndarray, onsets: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros_like(t)
    for onset in onsets:
        start = int(onset * SAMPLE_RATE)
        length = min(len(t) - start, int(0.3 * SAMPLE_RATE))
        if length <= 0:
            continue
        local = np.arange(length) / SAMPLE_RATE
        if kind == "kick":
            hit = np.sin(2 * np.pi * np.cumsum(50 + 90 * np.exp(-local * 40)) / SAMPLE_RATE) * np.exp(-local * 9)
        elif kind == "snare":
            hit = (
                rng.standard_normal(length) * np.exp(-local * 18) * 0.5
                + np.sin(2 * np.pi * 190 * local) * np.exp(-local * 25) * 0.4
            )
        else:  # hat / ride
            hit = rng.standard_normal(length) * np.exp(-local * (60 if kind == "hat" else 12)) * 0.25
        out[start : start + length] += hit
    return out


def _beat(t, bar, beat, root, progression, rng) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Four-on-the-floor kick, backbeat snare, off-beat hats, saw bass and a soft pad."""
    duration = t[-1] if len(t) else 0
    beats = np.arange(0, duration, beat)
    kick = _drum_hits(t, beats, "kick", rng)
    snare = _drum_hits(t, beats[1::2], "snare", rng)
    sos = signal.butter(2, 6000, btype="highpass", fs=SAMPLE_RATE, output="sos")
    hats = signal.sosfilt(sos, _drum_hits(t, beats + beat / 2, "hat", rng))
    bass_phase = 2 * np.pi * np.cumsum(_freq(root + np.array([c[0] for c in progression])[bar])) / SAMPLE_RATE
    bass = signal.sosfilt(signal.butter(2, 400, fs=SAMPLE_RATE, output="sos"), 2 * ((bass_phase / (2 * np.pi)) % 1) - 1)
    return kick * 0.8 + snare * 0.45 + hats * 0.5 + bass * 0.35 + _pad(t, bar, beat, root, progression, rng) * 0.25


def _jazz(t, bar, beat, root, progression, rng) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Walking bass on every beat, swung ride, soft chord comps."""
    duration = t[-1] if len(t) else 0
    beats = np.arange(0, duration, beat)
    walk = []
    for k, onset in enumerate(beats):
        chord = progression[int(onset // (4 * beat)) % len(progression)]
        walk.append(_freq(root + chord[k % 3] + (2 if k % 4 == 3 else 0)))
    bass = _pluck(t, beats, np.array(walk), 0.35) * 0.6
    swing = np.sort(np.concatenate([beats, beats + beat * 2 / 3]))
    ride = signal.sosfilt(
        signal.butter(2, 5000, btype="highpass", fs=SAMPLE_RATE, output="sos"), _drum_hits(t, swing, "ride", rng)
    )
    comps = (
        _pluck(
            t,
            beats[1::2],
            np.array([_freq(root + 24 + progression[int(o // (4 * beat)) % 4][1]) for o in beats[1::2]]),
            0.25,
        )
        * 0.25
    )
    return bass + ride * 0.4 + comps
