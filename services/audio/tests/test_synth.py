"""The soundtrack synthesiser and the audio model: exact length, loudness, determinism, a real WAV."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinemesh.audio.model import AudioModel
from cinemesh.audio.synth import PEAK_CEILING, SAMPLE_RATE, normalise, sample_count, soundtrack
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import audio_pb2, common_pb2


def dbfs(x: float) -> float:
    return 20 * np.log10(x)


@pytest.mark.parametrize(
    ("frame_count", "fps", "samples"),
    [(24, 24, 48_000), (120, 24, 240_000), (125, 25, 240_000), (150, 30, 240_000), (1, 24, 2000), (7, 30, 11_200)],
)
def test_sample_count_is_exact(frame_count: int, fps: int, samples: int) -> None:
    assert sample_count(frame_count, fps) == samples


@given(frame_count=st.integers(min_value=1, max_value=20 * 30), fps=st.sampled_from([24, 25, 30]))
def test_sample_count_lasts_exactly_the_frames(frame_count: int, fps: int) -> None:
    samples = sample_count(frame_count, fps)
    # 48 kHz is a whole number of samples per frame at every supported rate: no drift.
    assert samples * fps == frame_count * SAMPLE_RATE


@pytest.mark.parametrize(("frame_count", "fps"), [(24, 24), (25, 25), (45, 30)])
def test_soundtrack_is_stereo_float_of_the_exact_length(frame_count: int, fps: int) -> None:
    audio, tempo = soundtrack(frame_count, fps, seed=3)
    assert audio.shape == (2, sample_count(frame_count, fps))
    assert audio.dtype == np.float32
    assert 84 <= tempo <= 120


@pytest.mark.parametrize("seed", [0, 1, 2, 99])
def test_loudness_is_normalised(seed: int) -> None:
    audio, _ = soundtrack(48, 24, seed)
    rms = float(np.sqrt(np.mean(np.square(audio.astype(np.float64)))))
    peak = float(np.abs(audio).max())
    assert dbfs(rms) == pytest.approx(-20.0, abs=0.5)
    assert dbfs(peak) <= -1.0 + 1e-4
    assert np.all(np.isfinite(audio))
    # Both channels carry sound, and they are not identical (the hat is offset).
    assert np.sqrt(np.mean(audio[0] ** 2)) > 0.05
    assert np.sqrt(np.mean(audio[1] ** 2)) > 0.05
    assert not np.array_equal(audio[0], audio[1])


def test_normalise_applies_the_peak_ceiling() -> None:
    # A lone click: bringing it to -20 dBFS RMS would clip, so the peak ceiling wins.
    click = np.zeros((2, 48_000), dtype=np.float32)
    click[:, 100] = 0.5
    out = normalise(click)
    assert float(np.abs(out).max()) == pytest.approx(PEAK_CEILING, rel=1e-6)
    assert dbfs(PEAK_CEILING) == pytest.approx(-1.0)
    assert dbfs(float(np.sqrt(np.mean(np.square(out))))) < -20.0


def test_normalise_of_silence_stays_silent() -> None:
    out = normalise(np.zeros((2, 100), dtype=np.float32))
    assert not np.any(out)


def test_deterministic_per_seed() -> None:
    a, tempo_a = soundtrack(24, 24, seed=11)
    b, tempo_b = soundtrack(24, 24, seed=11)
    c, _ = soundtrack(24, 24, seed=12)
    assert np.array_equal(a, b)
    assert tempo_a == tempo_b
    assert not np.allclose(a, c)


def test_fades_in_and_out() -> None:
    audio, _ = soundtrack(48, 24, seed=5)
    edge = int(0.02 * SAMPLE_RATE)
    middle = audio[:, audio.shape[1] // 2 - edge : audio.shape[1] // 2 + edge]

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(np.square(x))))

    assert rms(audio[:, :edge]) < 0.5 * rms(middle)
    assert rms(audio[:, -edge:]) < 0.5 * rms(middle)


@pytest.mark.parametrize("seed", [0, 4])
def test_onsets_fall_on_the_beat(seed: int) -> None:
    audio, tempo = soundtrack(6 * 24, 24, seed)
    mono = audio.mean(axis=0)
    beat = 60.0 / tempo
    window = int(0.01 * SAMPLE_RATE)
    n = mono.size // window
    energy = np.sqrt(np.mean(mono[: n * window].reshape(n, window) ** 2, axis=1))
    centres = (np.arange(n) * window + window / 2) / SAMPLE_RATE
    inner = (centres > 1.0) & (centres < centres[-1] - 1.0)  # away from the fades
    bins = np.floor((centres[inner] % beat) / beat * 10).astype(int)
    profile = np.array([energy[inner][bins == b].mean() for b in range(10)])
    assert profile.argmax() == 0, profile
    assert profile[0] > 2 * profile[5:].min(), profile


def audio_request(job_id: str = "job-1", frame_count: int = 24, fps: int = 24, seed: int = 3):
    plan = common_pb2.ScenePlan(
        format=common_pb2.VideoFormat(width=160, height=90, fps=fps, frame_count=frame_count), seed=seed
    )
    return audio_pb2.RenderAudioRequest(job_id=job_id, plan=plan)


@pytest.fixture
def model(tmp_path: Path) -> AudioModel:
    return AudioModel(Settings.from_env("audio", {"CINEMESH_STATE_DIR": str(tmp_path)}))


@pytest.mark.parametrize(("frame_count", "fps"), [(24, 24), (30, 25), (45, 30)])
def test_audio_model_writes_a_wav_of_the_right_length(
    model: AudioModel, tmp_path: Path, frame_count: int, fps: int
) -> None:
    response = model(audio_request("job-wav", frame_count, fps))
    expected = sample_count(frame_count, fps)
    assert response.sample_rate == SAMPLE_RATE
    assert response.sample_count == expected
    path = tmp_path / "artifacts" / "jobs" / "job-wav" / "audio.wav"
    assert response.audio.uri == path.as_uri()
    assert response.audio.media_type == "audio/wav"
    assert response.audio.size_bytes == path.stat().st_size
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 2
        assert wav.getsampwidth() == 2
        assert wav.getframerate() == SAMPLE_RATE
        assert wav.getnframes() == expected
        pcm = np.frombuffer(wav.readframes(expected), dtype="<i2").reshape(-1, 2).T
    audio, _ = soundtrack(frame_count, fps, 3)
    assert np.abs(pcm.astype(np.float32) / 32767 - audio).max() < 2 / 32767


def test_audio_model_is_idempotent(model: AudioModel) -> None:
    first = model(audio_request("job-same"))
    second = model(audio_request("job-same"))
    assert second.audio == first.audio
    assert second.sample_count == first.sample_count


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"job_id": ""}, "job_id"), ({"fps": 0}, "plan.format"), ({"frame_count": 0}, "plan.format")],
)
def test_audio_model_rejects_bad_requests(model: AudioModel, kwargs: dict, field: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        model(audio_request(**kwargs))
    assert raised.value.field == field
