"""Procedural foley: every SoundEvent renders, is seeded, starts on sample 0, and sounds like its class."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from cinemesh.audio import foley
from cinemesh.audio.foley import SAMPLE_RATE
from cinemesh.v1 import plan_pb2

EVENTS = [value for name, value in plan_pb2.SoundEvent.items() if value != plan_pb2.SOUND_EVENT_UNSPECIFIED]
FRAME_S = 1 / 24  # the mixer must land every cue within one 24-fps frame of its beat


def dbfs(x: float) -> float:
    return float(20 * np.log10(max(x, 1e-12)))


def event_name(event: int) -> str:
    return plan_pb2.SoundEvent.Name(event).removeprefix("SOUND_EVENT_")


def spectral_centroid(x: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
    return float((freqs * power).sum() / power.sum())


def test_there_are_28_renderable_events() -> None:
    assert len(EVENTS) == 28


@pytest.mark.parametrize("event", EVENTS, ids=event_name)
def test_every_event_renders_a_clean_clip(event: int) -> None:
    clip = foley.render(event, "", 7)
    assert clip.dtype == np.float32
    assert clip.ndim == 1
    assert np.isfinite(clip).all()
    peak = float(np.abs(clip).max())
    assert -12.0 <= dbfs(peak) <= 0.0
    assert 0.3 <= len(clip) / SAMPLE_RATE <= 3.5
    # the attack is inside the first 5 ms (sample 0 is the planned beat) ...
    assert dbfs(float(np.abs(clip[: int(0.005 * SAMPLE_RATE)]).max())) - dbfs(peak) > -20.0
    # ... and the tail fades out instead of clicking
    assert abs(float(clip[-1])) < 1e-3 * peak


@pytest.mark.parametrize("event", EVENTS, ids=event_name)
def test_rendering_is_deterministic_per_seed_and_varies_across_seeds(event: int) -> None:
    first = foley.render(event, "wood", 11)
    np.testing.assert_array_equal(first, foley.render(event, "wood", 11))
    other = foley.render(event, "wood", 12)
    if len(other) == len(first):
        assert not np.allclose(first, other, atol=1e-3)


@pytest.mark.parametrize("seed", [3, 2024])
@pytest.mark.parametrize("event", EVENTS, ids=event_name)
def test_onset_lands_within_one_frame_of_the_planned_time(event: int, seed: int) -> None:
    rng = np.random.default_rng([event, seed])
    planned = float(rng.uniform(0.5, 3.5))
    clip = foley.render(event, "gravel", seed)
    start = round(planned * SAMPLE_RATE)
    timeline = rng.standard_normal(start + len(clip) + SAMPLE_RATE // 2) * 10 ** (-60 / 20)  # room tone, -60 dBFS
    timeline[start : start + len(clip)] += clip
    onsets = librosa.onset.onset_detect(y=timeline, sr=SAMPLE_RATE, hop_length=256, units="time", backtrack=True)
    assert len(onsets) > 0
    nearest = float(onsets[np.argmin(np.abs(onsets - planned))])
    assert abs(nearest - planned) <= FRAME_S, f"onset {nearest:.4f}s vs planned {planned:.4f}s"


def test_footstep_surfaces_have_distinct_timbres() -> None:
    centroid = {
        surface: spectral_centroid(foley.render(plan_pb2.SOUND_EVENT_FOOTSTEPS, surface, 5))
        for surface in ("gravel", "tile", "wood", "snow", "carpet")
    }
    assert centroid["gravel"] > 2 * centroid["carpet"]
    assert centroid["tile"] > 2 * centroid["carpet"]
    assert centroid["gravel"] > 1.5 * centroid["snow"]
    assert centroid["tile"] > 1.5 * centroid["snow"]
    assert centroid["wood"] > centroid["carpet"]
    # unknown surfaces fall back to the generic floor instead of failing
    np.testing.assert_array_equal(
        foley.render(plan_pb2.SOUND_EVENT_FOOTSTEPS, "lava", 5), foley.render(plan_pb2.SOUND_EVENT_FOOTSTEPS, "", 5)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_phone_ring_is_the_440_480_hz_pair(seed: int) -> None:
    clip = foley.render(plan_pb2.SOUND_EVENT_PHONE_RING, "", seed)
    power = np.abs(np.fft.rfft(clip)) ** 2
    freqs = np.fft.rfftfreq(len(clip), 1 / SAMPLE_RATE)
    assert 430 <= freqs[np.argmax(power)] <= 490
    in_pair = power[(freqs >= 420) & (freqs <= 500)].sum()
    assert in_pair / power.sum() > 0.8


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bell_has_a_strong_partial_and_a_long_decay(seed: int) -> None:
    clip = foley.render(plan_pb2.SOUND_EVENT_BELL, "", seed).astype(np.float64)
    magnitude = np.abs(np.fft.rfft(clip))
    assert dbfs(float(magnitude.max())) - dbfs(float(np.median(magnitude))) > 40.0
    hop = int(0.02 * SAMPLE_RATE)
    frames = clip[: len(clip) // hop * hop].reshape(-1, hop)
    level = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-12)
    ringing_s = np.count_nonzero(level > level.max() - 40.0) * hop / SAMPLE_RATE
    assert ringing_s > 1.0


@pytest.mark.parametrize("event", [plan_pb2.SOUND_EVENT_UNSPECIFIED, 999, -1])
def test_a_bad_event_is_rejected(event: int) -> None:
    with pytest.raises(ValueError, match="sound event"):
        foley.render(event, "", 1)


MATERIALS = ("metal", "glass", "ceramic", "wood", "stone", "plastic", "rubber", "flesh", "paper", "")


@pytest.mark.parametrize("material", MATERIALS)
@pytest.mark.parametrize("action", foley.STRUCK_ACTIONS)
def test_every_struck_sound_is_clean_seeded_and_starts_on_sample_0(action: str, material: str) -> None:
    clip = foley.struck(action, material, 7)
    np.testing.assert_array_equal(clip, foley.struck(action, material, 7))
    peak = float(np.abs(clip).max())
    assert clip.dtype == np.float32 and np.isfinite(clip).all() and -12.0 <= dbfs(peak) <= 0.0
    assert dbfs(float(np.abs(clip[: int(0.005 * SAMPLE_RATE)]).max())) - dbfs(peak) > -20.0
    assert abs(float(clip[-1])) < 1e-3 * peak


def _ring_seconds(clip: np.ndarray) -> float:
    """Seconds until the clip's 10 ms envelope falls 40 dB under its peak."""
    window = int(0.01 * SAMPLE_RATE)
    envelope = np.sqrt(np.convolve(clip.astype(float) ** 2, np.ones(window) / window, mode="same"))
    return float(np.nonzero(envelope > envelope.max() * 10 ** (-40 / 20))[0][-1] / SAMPLE_RATE)


def test_materials_sound_like_themselves() -> None:
    """Metal rings long and glass bright; wood and stone knock short; a break scatters past its first hit."""
    centroid = {
        m: spectral_centroid(foley.struck("impact", m, 5)) for m in ("metal", "glass", "wood", "stone", "flesh")
    }
    assert centroid["glass"] > centroid["metal"] > centroid["wood"] > centroid["flesh"]
    ring = {m: _ring_seconds(foley.struck("impact", m, 5)) for m in ("metal", "glass", "wood", "stone")}
    assert ring["metal"] > 3 * ring["wood"] and ring["glass"] > 3 * ring["stone"]
    assert _ring_seconds(foley.struck("ring", "metal", 5)) > 2 * ring["metal"]
    assert _ring_seconds(foley.struck("break", "ceramic", 5)) > _ring_seconds(foley.struck("impact", "ceramic", 5))


def test_an_approximated_cue_is_struck_and_a_named_one_keeps_its_event() -> None:
    from cinemesh.audio.backends import ProceduralFoley

    wave = plan_pb2.SoundCue(
        event=plan_pb2.SOUND_EVENT_HEARTBEAT, event_approximate=True, sound_action="impact", material="stone"
    )
    np.testing.assert_array_equal(ProceduralFoley().render(wave, 3, ""), foley.struck("impact", "stone", 3))
    slam = plan_pb2.SoundCue(event=plan_pb2.SOUND_EVENT_DOOR_SLAM, sound_action="impact", material="wood")
    np.testing.assert_array_equal(
        ProceduralFoley().render(slam, 3, ""), foley.render(plan_pb2.SOUND_EVENT_DOOR_SLAM, "", 3)
    )
