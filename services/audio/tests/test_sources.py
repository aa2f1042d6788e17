"""A remix's audio: the sources its source kept are mixed as they are, and the mix is the one a fresh render makes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cinemesh.audio import soundtrack
from cinemesh.audio.model import AudioModel
from cinemesh.prompt.planner import plan
from cinemesh.runtime.artifacts import AUDIO_RENDER, AUDIO_SOURCE, STEM_RENDER
from cinemesh.runtime.config import Settings
from cinemesh.runtime.projections import AUDIO_SOURCES
from cinemesh.v1 import audio_pb2, common_pb2

PROMPT = 'A red kite over a windy beach at noon. A woman says "Hold the string tight." A gull cries at 2 s.'
CHANGED_LINE = PROMPT.replace("Hold the string tight.", "Let it go now.")
SOURCE, REMIX, FRESH = (f"5eed0000-0000-4000-8000-00000000001{k}" for k in range(3))


def _plan(prompt: str) -> common_pb2.ScenePlan:
    return plan(common_pb2.GenerationSpec(prompt=prompt, duration_seconds=4), "pro", 1234, {"plus": 16, "pro": 40})


def _counted(name: str, render: Callable[..., Any], rendered: list[str]) -> Callable[..., Any]:
    def counted(*args: Any) -> Any:
        rendered.append(name)
        return render(*args)

    return counted


def test_a_changed_line_renders_only_the_dialogue_and_mixes_bit_for_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.from_env("audio", {"CINEMESH_STATE_DIR": str(tmp_path)})
    model = AudioModel(settings)
    jobs = tmp_path / "artifacts" / "jobs"
    rendered: list[str] = []
    for name in AUDIO_SOURCES:
        monkeypatch.setattr(
            soundtrack, f"render_{name}", _counted(name, getattr(soundtrack, f"render_{name}"), rendered)
        )
    model(audio_pb2.RenderAudioRequest(job_id=SOURCE, plan=_plan(PROMPT)))
    assert rendered == list(AUDIO_SOURCES)
    # The gateway copies every source to the remix here, the dialogue too: the stage keeps only what is stamped
    # with the remix's projection, and speaks the new line.
    (jobs / REMIX / "audio.sources").mkdir(parents=True)
    for name in AUDIO_SOURCES:
        shutil.copyfile(jobs / SOURCE / AUDIO_SOURCE.format(name), jobs / REMIX / AUDIO_SOURCE.format(name))
    rendered.clear()
    model(audio_pb2.RenderAudioRequest(job_id=REMIX, plan=_plan(CHANGED_LINE)))
    assert rendered == ["dialogue"]
    rendered.clear()
    model(audio_pb2.RenderAudioRequest(job_id=FRESH, plan=_plan(CHANGED_LINE)))
    assert rendered == list(AUDIO_SOURCES)

    def read(job: str, name: str) -> bytes:
        return (jobs / job / name).read_bytes()

    for name in ("effects", "ambience", "music"):
        # kept as copied, and the same bits a fresh render of the remix's plan stores
        source = AUDIO_SOURCE.format(name)
        assert read(REMIX, source) == read(SOURCE, source)
        with np.load(jobs / REMIX / source) as kept, np.load(jobs / FRESH / source) as fresh:
            for array in fresh.files:
                assert np.array_equal(kept[array], fresh[array]), (name, array)
    assert read(REMIX, AUDIO_SOURCE.format("dialogue")) != read(SOURCE, AUDIO_SOURCE.format("dialogue"))
    # The mix of kept sources is the mix of fresh ones, bit for bit; the line changed the dialogue and (ducking
    # the music under it, levelling the cry over it) every stem and the master.
    for name in (AUDIO_RENDER, *(STEM_RENDER.format(stem) for stem in AUDIO_SOURCES)):
        assert read(REMIX, name) == read(FRESH, name), name
        assert read(REMIX, name) != read(SOURCE, name), name
