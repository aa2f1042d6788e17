"""The audio stage's model: the plan's soundtrack as a 48 kHz stereo master, stems and timeline."""

from __future__ import annotations

import typing
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cinemesh.audio import soundtrack, sources
from cinemesh.audio.backends import foley_backend, speech_backend
from cinemesh.audio.speech import SAMPLE_RATE, Speaker
from cinemesh.runtime import projections
from cinemesh.runtime.artifacts import AUDIO_RENDER, AUDIO_SOURCE, STEM_RENDER, ArtifactStore, job_key
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.ids import checked_uuid
from cinemesh.v1 import audio_pb2, common_pb2

STEMS = ("dialogue", "effects", "ambience", "music")
S = typing.TypeVar("S", bound=sources.Source)


def write_wav(path: Path | str, audio: np.ndarray) -> None:
    """(channels, samples) float in [-1, 1] → 16-bit PCM WAV at 48 kHz."""
    pcm = (np.clip(audio, -1, 1) * 32767).round().astype("<i2").T.copy()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(audio.shape[0])
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


class AudioModel:
    """Proto in, proto out; hosted by Ray Serve or called in-process."""

    request_type = audio_pb2.RenderAudioRequest

    def __init__(self, settings: Settings) -> None:
        self._artifacts = ArtifactStore(settings.artifacts_url)
        self._settings = settings
        self._target_lufs = settings.loudness_target_lufs
        self._speaker: Speaker | None = None
        self._foley = foley_backend(settings)

    @property
    def speaker(self) -> Speaker:
        if self._speaker is None:  # the TTS model loads on first use, not at replica start-up
            self._speaker = Speaker(speech_backend(self._settings))
        return self._speaker

    def __call__(self, request: audio_pb2.RenderAudioRequest) -> audio_pb2.RenderAudioResponse:
        fmt = request.plan.format
        checked_uuid("job_id", request.job_id)
        if fmt.fps == 0 or fmt.frame_count == 0:
            raise InvalidArgument("plan.format", "fps and frame_count must be positive")
        if not request.plan.scenes:
            raise InvalidArgument("plan.scenes", "a plan needs at least one scene")
        master_key, timeline_key = job_key(request.job_id, AUDIO_RENDER), job_key(request.job_id, "audio.timeline.pb")
        samples = soundtrack.sample_count(fmt.frame_count, fmt.fps)
        # A redelivered job whose master already landed is not rendered twice.
        if self._artifacts.exists(master_key) and self._artifacts.exists(timeline_key):
            with self._artifacts.local_copy(self._artifacts.url_for(timeline_key)) as path:
                timeline = common_pb2.AudioTimeline.FromString(path.read_bytes())
            return audio_pb2.RenderAudioResponse(
                audio=self._artifacts.ref_for(master_key, "audio/wav"),
                sample_rate=SAMPLE_RATE,
                sample_count=samples,
                timeline=timeline,
            )
        rendered = soundtrack.mix_sources(request.plan, self._sources(request), self._target_lufs)
        timeline = rendered.timeline
        for name in STEMS:
            stem_key = job_key(request.job_id, STEM_RENDER.format(name))
            with self._artifacts.writer(stem_key, "audio/wav") as (path, result):
                write_wav(path, rendered.stems[name])
            getattr(timeline, f"{name}_stem").CopyFrom(result[0])
        with self._artifacts.writer(timeline_key, "application/protobuf") as (path, _):
            path.write_bytes(timeline.SerializeToString())
        # The master is written last: its presence means the whole render landed.
        with self._artifacts.writer(master_key, "audio/wav") as (path, result):
            write_wav(path, rendered.master)
        return audio_pb2.RenderAudioResponse(
            audio=result[0], sample_rate=SAMPLE_RATE, sample_count=rendered.master.shape[1], timeline=timeline
        )

    def _sources(self, request: audio_pb2.RenderAudioRequest) -> soundtrack.Sources:
        plan, cast = request.plan, request.cast
        stamps = {
            name: projections.digest(projection)
            for name, projection in projections.audio_projections(plan, cast).items()
        }
        return soundtrack.Sources(
            dialogue=self._source(
                request.job_id, "dialogue", stamps, lambda: soundtrack.render_dialogue(plan, self.speaker, cast)
            ),
            effects=self._source(
                request.job_id, "effects", stamps, lambda: soundtrack.render_effects(plan, self._foley)
            ),
            ambience=self._source(request.job_id, "ambience", stamps, lambda: soundtrack.render_ambience(plan)),
            music=self._source(request.job_id, "music", stamps, lambda: soundtrack.render_music(plan)),
        )

    def _source(self, job_id: str, name: str, stamps: dict[str, str], render: Callable[[], S]) -> S:
        """The source from the job's folder when it was rendered from this plan's projection (a redelivery after a
        crash mid-render, or a remix's copy), else rendered and stored there before the mix."""
        key = job_key(job_id, AUDIO_SOURCE.format(name))
        if self._artifacts.exists(key):
            with self._artifacts.local_copy(self._artifacts.url_for(key)) as path:
                kept = sources.load(path, name, stamps[name])
            if kept is not None:
                return typing.cast(S, kept)
        rendered = render()
        with self._artifacts.writer(key, "application/x-npz") as (path, _):
            sources.save(path, stamps[name], rendered)
        return rendered
