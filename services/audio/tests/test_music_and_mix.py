"""Music bed, ambience beds and the master: tempo, beats on cuts, ducking, loudness and true peak."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cinemesh.audio import beds, mix, music
from cinemesh.v1 import plan_pb2

SR = 48_000


def test_stated_tempo_and_beat_grid() -> None:
    bed = music.render(plan_pb2.Music(mood="upbeat", genre="synthwave", tempo_bpm=120), 4 * SR, 3, cuts=[])
    assert bed.tempo_bpm == pytest.approx(120)
    assert bed.beats[:3] == pytest.approx([0.0, 0.5, 1.0])
    assert bed.audio.shape == (2, 4 * SR) and bed.audio.dtype == np.float32


def test_tempo_is_nudged_so_cuts_fall_on_beats() -> None:
    cuts = [2.25, 4.5]  # on the grid of 106.7 BPM, within the 8 % a tempo may move

    def error(tempo: float) -> float:
        period = 60 / tempo
        return max(abs(c / period - round(c / period)) * period for c in cuts)

    tempo = music.snap_tempo(100.0, cuts)
    assert abs(tempo - 100.0) <= 8.0
    assert error(tempo) < 0.01 < error(100.0)


def test_no_music_is_silence() -> None:
    bed = music.render(plan_pb2.Music(none=True), SR, 1, cuts=[])
    assert not np.any(bed.audio) and bed.beats == []


@pytest.mark.parametrize("genre", ["orchestral", "piano", "synthwave", "jazz"])
def test_each_arrangement_plays_and_differs_by_genre(genre: str) -> None:
    bed = music.render(plan_pb2.Music(mood="calm", genre=genre), 3 * SR, 5, cuts=[])
    assert np.sqrt(np.mean(bed.audio**2)) > 0.01


def test_arrangements_are_distinguishable_by_spectrum() -> None:
    centroids = {}
    for genre in ("orchestral", "synthwave", "jazz", "piano"):
        audio = music.render(plan_pb2.Music(genre=genre), 4 * SR, 5, cuts=[]).audio[0]
        spectrum = np.abs(np.fft.rfft(audio))
        freqs = np.fft.rfftfreq(len(audio), 1 / SR)
        centroids[genre] = float((spectrum * freqs).sum() / spectrum.sum())
    values = sorted(centroids.values())
    assert all(b - a > 30 for a, b in itertools.pairwise(values)), centroids


def test_music_ducks_under_dialogue() -> None:
    bed = np.ones((2, 3 * SR), np.float32) * 0.1
    dialogue = np.zeros(3 * SR, np.float32)
    dialogue[SR : 2 * SR] = 0.3 * np.sin(2 * np.pi * 200 * np.arange(SR) / SR)
    ducked = mix.duck(bed, dialogue, depth_db=10)
    quiet = 20 * np.log10(np.abs(ducked[0, int(1.5 * SR)]) / 0.1)
    assert -11 < quiet < -8
    assert np.abs(ducked[0, int(0.2 * SR)]) == pytest.approx(0.1)


@pytest.mark.parametrize("kind", [k for k in plan_pb2.AmbienceKind.values() if k])
def test_every_ambience_bed_renders(kind: int) -> None:
    bed = beds.render(kind, 2 * SR, 1)
    assert bed.shape == (2 * SR,) and np.isfinite(bed).all()
    assert np.sqrt(np.mean(bed**2)) == pytest.approx(0.1, rel=0.01)


def test_master_hits_loudness_target_and_true_peak_ceiling() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(6 * SR) / SR
    loud = 0.9 * np.sin(2 * np.pi * 110 * t) * (rng.random(len(t)) > 0.3) + 0.2 * rng.standard_normal(len(t))
    stems = np.stack([loud, loud * 0.8]).astype(np.float32)
    master, lufs, peak = mix.master(stems, -16.0)
    assert abs(mix.integrated_lufs(master) + 16.0) <= 1.0
    assert mix.true_peak_dbtp(master) <= -1.0
    assert lufs == pytest.approx(mix.integrated_lufs(master)) and peak == pytest.approx(mix.true_peak_dbtp(master))
