"""The audio stage's model: renders a plan's soundtrack into a 48 kHz stereo WAV."""

from __future__ import annotations

import wave

import numpy as np

from cinemesh.audio.synth import SAMPLE_RATE, soundtrack
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import audio_pb2


def write_wav(path: str, audio: np.ndarray) -> None:
    """(channels, samples) float in [-1, 1] → 16-bit PCM WAV."""
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").T.copy()
    with wave.open(path, "wb") as out:
        out.setnchannels(audio.shape[0])
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


class AudioModel:
    """Proto in, proto out; hosted by Ray Serve or called in-process."""

    request_type = audio_pb2.RenderAudioRequest

    def __init__(self, settings: Settings) -> None:
        self._artifacts = ArtifactStore(settings.artifacts_url)

    def __call__(self, request: audio_pb2.RenderAudioRequest) -> audio_pb2.RenderAudioResponse:
        fmt = request.plan.format
        if not request.job_id:
            raise InvalidArgument("job_id", "must not be empty")
        if fmt.fps == 0 or fmt.frame_count == 0:
            raise InvalidArgument("plan.format", "fps and frame_count must be positive")
        key = f"jobs/{request.job_id}/audio.wav"
        audio, _tempo = soundtrack(fmt.frame_count, fmt.fps, request.plan.seed)
        if not self._artifacts.exists(key):
            with self._artifacts.writer(key, "audio/wav") as (path, result):
                write_wav(str(path), audio)
            ref = result[0]
        else:
            ref = self._artifacts.ref_for(key, "audio/wav")
        return audio_pb2.RenderAudioResponse(audio=ref, sample_rate=SAMPLE_RATE, sample_count=audio.shape[1])
