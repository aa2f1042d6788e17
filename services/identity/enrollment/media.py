"""Reading a reference recording with PyAV: its length, its sound at 16 kHz and a sample of its frames."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np

from cinemesh.identity.enrollment.rejection import Reason, RecordingRejected
from cinemesh.identity.enrollment.voice import RATE


@dataclass(frozen=True)
class Frame:
    seconds: float
    rgb: np.ndarray  # (height, width, 3) uint8
    sampled: bool  # on the regular sampling grid (else kept only for the denser span)


def _open(data: bytes) -> av.container.InputContainer:
    try:
        return av.open(io.BytesIO(data), "r")
    except (av.FFmpegError, ValueError) as error:
        raise RecordingRejected(
            Reason.UNREADABLE, "the file could not be read as a video; send an MP4 or WebM recording"
        ) from error


def probe(data: bytes) -> float:
    """The recording's length in seconds, from its headers; rejects files without video or sound."""
    with _open(data) as container:
        if not container.streams.video:
            raise RecordingRejected(Reason.UNREADABLE, "the file has no video track; record yourself with the camera")
        if not container.streams.audio:
            raise RecordingRejected(
                Reason.NO_AUDIO_TRACK, "the recording has no sound; record with the microphone on and say the phrase"
            )
        if container.duration is not None:
            return container.duration / av.time_base
        lengths = [float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base]
        if not lengths:
            raise RecordingRejected(Reason.UNREADABLE, "the recording's length could not be read; send an MP4 or WebM")
        return max(lengths)


def read_audio(data: bytes) -> np.ndarray:
    """The first audio track, mixed to mono float32 at 16 kHz."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    chunks: list[np.ndarray] = []
    with _open(data) as container:
        try:
            for frame in container.decode(audio=0):
                chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
        except av.FFmpegError as error:
            raise RecordingRejected(Reason.UNREADABLE, "the sound track is damaged; record again") from error
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def read_frames(
    data: bytes, fps: float, dense: tuple[float, float] | None = None, dense_fps: float = 0.0
) -> Iterator[Frame]:
    """Frames about `fps` times a second, and `dense_fps` times a second between the `dense` seconds.

    Every frame is decoded (H.264 needs its predecessors) but only kept frames are converted to
    RGB, and they are handed out one at a time, so a long 1080p recording never sits in memory.
    """
    next_at = next_dense_at = 0.0
    with _open(data) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        try:
            for index, frame in enumerate(container.decode(stream)):
                t = float(frame.time) if frame.time is not None else index / float(stream.average_rate or 25)
                sampled = t >= next_at
                in_dense = dense is not None and dense[0] <= t <= dense[1] and t >= next_dense_at
                if sampled:
                    next_at = t + 1.0 / fps - 1e-3
                if in_dense:
                    next_dense_at = t + 1.0 / dense_fps - 1e-3
                if sampled or in_dense:
                    yield Frame(t, frame.to_ndarray(format="rgb24"), sampled)
        except av.FFmpegError as error:
            raise RecordingRejected(Reason.UNREADABLE, "the video track is damaged; record again") from error
