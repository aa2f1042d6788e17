"""The audio stage's production backends against a real Triton server serving tiny locally built models."""

from __future__ import annotations

import itertools
import uuid

import librosa
import numpy as np
import pytest

from cinemesh.audio import soundtrack
from cinemesh.audio.backends import TritonFoley, TritonSpeech, trim_to_onset
from cinemesh.audio.model import AudioModel
from cinemesh.audio.speech import PAUSE, SAMPLE_RATE, Speaker
from cinemesh.audio.voices import Voice
from cinemesh.prompt.planner import plan
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import Unavailable
from cinemesh.runtime.triton import TritonModel
from cinemesh.v1 import audio_pb2, common_pb2, plan_pb2

pytestmark = pytest.mark.integration


def test_triton_tts_gives_a_timeline_exact_to_its_samples(triton_audio_url: str) -> None:
    backend = TritonSpeech(TritonModel(triton_audio_url, "tts", 30))
    raw, segments = backend.synthesize("Hello there, captain.", 1.0, 0)
    assert backend.sample_rate == 16_000
    assert sum(count for _, count in segments) == len(raw)
    line = Speaker(backend).speak("Hello there, captain.", Voice(3.0, 1.0, 0.0), plan_pb2.DELIVERY_NORMAL, seed=1)
    assert line.phonemes[-1].end == pytest.approx(len(line.audio) / SAMPLE_RATE)
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(line.phonemes))
    for pause in (p for p in line.phonemes if p.symbol == PAUSE and p.end - p.start > 0.04):
        segment = line.audio[int((pause.start + 0.01) * SAMPLE_RATE) : int((pause.end - 0.01) * SAMPLE_RATE)]
        assert np.sqrt(np.mean(segment**2)) < 0.1 * np.sqrt(np.mean(line.audio**2))


def test_slower_speech_is_longer(triton_audio_url: str) -> None:
    backend = TritonSpeech(TritonModel(triton_audio_url, "tts", 30))
    fast, _ = backend.synthesize("steady as she goes", 0.8, 0)
    slow, _ = backend.synthesize("steady as she goes", 1.25, 0)
    assert len(slow) > 1.4 * len(fast)


def test_triton_foley_clip_starts_on_its_onset(triton_audio_url: str) -> None:
    model = TritonModel(triton_audio_url, "foley", 30)
    clip = TritonFoley(model).render(
        plan_pb2.SoundCue(event=plan_pb2.SOUND_EVENT_GLASS_SHATTER, surface="tile"), 3, "a glass shatters on the tile"
    )
    assert np.abs(clip[:48]).max() >= 10 ** (-30 / 20) * np.abs(clip).max()
    raw = model.infer(
        {
            "PROMPT": np.array([[b"a glass shatters"]], dtype=object),
            "DURATION": np.array([[2.5]], np.float32),
            "SEED": np.array([[3]], np.int64),
        },
        ["AUDIO"],
    )
    assert len(raw["AUDIO"].reshape(-1)) - len(clip) == pytest.approx(0.03 * SAMPLE_RATE, abs=2)  # its lead-in
    other = TritonFoley(model).render(plan_pb2.SoundCue(event=plan_pb2.SOUND_EVENT_DOG_BARK), 3, "a dog barks")
    assert not np.array_equal(clip[: len(other)], other[: len(clip)])


def test_trim_to_onset_keeps_silence_out() -> None:
    clip = np.concatenate([np.zeros(1000, np.float32), np.ones(10, np.float32)])
    assert len(trim_to_onset(clip)) == 10


def test_the_audio_stage_renders_a_plan_through_triton_backends(triton_audio_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.from_env(
        "audio",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_TTS_BACKEND": "triton",
            "CINEMESH_FOLEY_BACKEND": "triton",
            "CINEMESH_TRITON_URL": triton_audio_url,
        },
    )
    prompt = (
        'In a small office, @Leo says "Sign here, please." A glass shatters at 3 s. '
        "A dog barks at 6 s. Calm piano music."
    )
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, duration_seconds=8), "pro", 2, {"plus": 16, "pro": 40})
    response = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=str(uuid.uuid4()), plan=scene_plan))
    assert response.sample_count == soundtrack.sample_count(scene_plan.format.frame_count, scene_plan.format.fps)
    line = response.timeline.lines[0]
    assert line.phonemes[0].start_seconds == pytest.approx(scene_plan.dialogue[0].start_seconds)
    with __import__("wave").open(response.timeline.effects_stem.uri.removeprefix("file://"), "rb") as stem:
        pcm = np.frombuffer(stem.readframes(stem.getnframes()), "<i2").reshape(-1, 2)[:, 0] / 32768
    onsets = librosa.onset.onset_detect(
        y=pcm.astype(np.float32), sr=SAMPLE_RATE, units="time", hop_length=256, backtrack=True
    )
    for cue in scene_plan.sound_cues:
        assert np.min(np.abs(onsets - cue.time_seconds)) <= 1 / 24


def test_an_unreachable_triton_is_unavailable() -> None:
    model = TritonModel("127.0.0.1:1", "tts", 2)
    assert not model.ready()
    with pytest.raises(Unavailable):
        TritonSpeech(model).synthesize("hello", 1.0, 0)
