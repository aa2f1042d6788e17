"""The parts of enrollment verification on their own: movement segmentation, the lens estimate,
the phrase grammar and the voice measurements (no video encoding)."""

from __future__ import annotations

import numpy as np
import pytest
from recordings import Spec, phrase_audio, picture
from scipy import signal

from cinemesh.audio.pitch import pitch_shift
from cinemesh.identity.enrollment import faces, measure_voice
from cinemesh.identity.enrollment.lens import estimate_distortion
from cinemesh.identity.enrollment.pose import Pose, head_pose, movements
from cinemesh.identity.enrollment.speech import recognise

SPEC = Spec(("left", "up", "right"), "apple river")


def _trajectory(*segments: tuple[float, float, int]) -> list[Pose | None]:
    return [Pose(yaw, pitch) for yaw, pitch, count in segments for _ in range(count)]


def test_movements_follow_the_persons_own_directions_in_order() -> None:
    poses = _trajectory((2, -9, 10), (30, -9, 4), (2, -9, 5), (2, 14, 4), (1, -8, 5), (-28, -10, 4), (2, -9, 10))
    assert movements(poses) == ["left", "up", "right"]


def test_movements_need_two_frames_past_the_threshold_and_a_return_between_repeats() -> None:
    # One stray frame past 15° is jitter; holding a turn is one move, not several.
    assert movements(_trajectory((0, 0, 10), (20, 0, 1), (0, 0, 10))) == []
    assert movements(_trajectory((0, 0, 10), (25, 0, 3), (12, 0, 2), (25, 0, 3), (0, 0, 10))) == ["left"]
    # Frames without a usable face do not break a movement.
    assert movements([*_trajectory((0, 0, 10), (25, 0, 2)), None, *_trajectory((25, 0, 1), (0, 0, 5))]) == ["left"]


@pytest.mark.parametrize(
    ("yaw", "pitch", "expected"), [(30, 0, "left"), (-30, 0, "right"), (0, 24, "up"), (0, -24, "down")]
)
def test_head_pose_reads_the_synthetic_head_turns(yaw: float, pitch: float, expected: str) -> None:
    rest = _pose_of(picture(SPEC))
    turned = _pose_of(picture(SPEC, yaw=yaw, pitch=pitch))
    assert movements([rest] * 6 + [turned] * 3 + [rest] * 6) == [expected]


def _pose_of(rgb: np.ndarray) -> Pose:
    boxes = faces.detect(rgb, 1.0)
    assert len(boxes) == 1
    return head_pose(faces.locate(rgb, boxes[0]).landmarks, rgb.shape[1], rgb.shape[0])


@pytest.mark.parametrize("k1", [0.0, 0.1, 0.2, 0.3, 0.5])
def test_lens_estimate_recovers_the_barrel_coefficient(k1: float) -> None:
    rgb = picture(SPEC.but(barrel_k1=k1))
    estimate = estimate_distortion([rgb], [faces.detect(rgb, 1.0)[0]])
    assert estimate.trusted
    assert estimate.k1 == pytest.approx(k1, abs=0.03)


def test_lens_estimate_without_straight_edges_is_not_trusted() -> None:
    # Smooth noise: plenty of edges, none of them meant to be straight.
    rng = np.random.default_rng(1)
    noise = signal.convolve2d(rng.normal(128, 40, (360, 640)), np.ones((9, 9)) / 81, mode="same", boundary="symm")
    rgb = np.repeat(np.clip(noise, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    assert not estimate_distortion([rgb], [None]).trusted


def test_the_grammar_hears_the_phrase_and_only_the_phrase() -> None:
    phrase, other = "window valley cherry wagon basket", "muffin tractor carpet morning"
    said, rate = phrase_audio(phrase)
    audio = np.concatenate([np.zeros(rate // 2, np.float32), said, np.zeros(rate // 2, np.float32)])
    audio_16k = signal.resample_poly(audio, 16_000, rate).astype(np.float32)
    heard = recognise(audio_16k, phrase)
    assert heard.words == phrase
    assert 0.3 < heard.start < heard.end < len(audio_16k) / 16_000
    assert recognise(audio_16k, other).words != other
    unrelated, rate = phrase_audio("the quick brown fox jumps over the lazy dog")
    assert recognise(signal.resample_poly(unrelated, 16_000, rate).astype(np.float32), phrase).words != phrase


@pytest.fixture(scope="module")
def line() -> tuple[np.ndarray, int]:
    said, rate = phrase_audio("The storm is coming, get inside now, before the river floods the valley.")
    return said, rate


def test_voice_pitch_follows_a_known_pitch_shift(line: tuple[np.ndarray, int]) -> None:
    said, rate = line
    base = measure_voice(said, rate)
    print(f"\nunshifted median F0 {base.median_f0_hz:.1f} Hz")
    shifted = {}
    for semitones in (-4.0, -2.0, 2.0, 4.0):
        shifted[semitones] = measure_voice(pitch_shift(said, semitones), rate).median_f0_hz
        ratio = shifted[semitones] / base.median_f0_hz
        print(f"  {semitones:+.0f} st: ratio {ratio:.3f}, expected {2 ** (semitones / 12):.3f}")
        assert ratio == pytest.approx(2 ** (semitones / 12), rel=0.05)
    # Between two shifted versions (both through the same vocoder) the ratio is tighter still.
    assert shifted[4.0] / shifted[-4.0] == pytest.approx(2 ** (8 / 12), rel=0.03)


def test_voice_measurements_do_not_depend_on_the_sample_rate(line: tuple[np.ndarray, int]) -> None:
    said, rate = line
    at_48k = signal.resample_poly(said, 48_000, rate).astype(np.float32)
    a, b = measure_voice(said, rate), measure_voice(at_48k, 48_000)
    assert b.median_f0_hz == pytest.approx(a.median_f0_hz, rel=0.02)
    assert b.speaking_rate_syllables_per_second == pytest.approx(a.speaking_rate_syllables_per_second, rel=0.15)
    assert b.spectral_tilt_db_per_octave == pytest.approx(a.spectral_tilt_db_per_octave, abs=1.0)


def test_voice_of_silence_is_refused() -> None:
    with pytest.raises(ValueError):
        measure_voice(np.zeros(16_000, np.float32), 16_000)
