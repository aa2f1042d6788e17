"""Reading a reference recording with PyAV: its length, its sound at 16 kHz and a sample of its frames.

Every read is bounded by `UploadLimits`: the size of the upload, the picture size the header declares
and each decoded frame has, and how many seconds decode. The header is probed before anything decodes,
and decoding stops at the first frame or audio sample past a cap, so a recording whose header lies
(a short length, a small picture) costs no more than an honest one at the caps.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np

from cinemesh.identity.enrollment.rejection import Reason, RecordingRejected, RecordingTooLarge
from cinemesh.identity.enrollment.voice import RATE

#: The highest frame rate a reference is counted at: a file declaring more is counted at this rate, so a
#: made-up rate cannot stretch the decoding cap.
_MAX_FRAMES_PER_SECOND = 240.0


@dataclass(frozen=True)
class UploadLimits:
    """The caps on a reference recording, checked before and while it decodes."""

    #: Bytes of the uploaded file.
    max_bytes: int = 12 * 1024 * 1024
    #: Seconds of sound or picture decoded; past it decoding stops.
    max_decoded_seconds: float = 25.0
    #: The largest picture, in either orientation (a 1080x1920 portrait fits 1920x1080).
    max_width: int = 1920
    max_height: int = 1080

    def check_size(self, data: bytes) -> None:
        """RecordingTooLarge for an upload over `max_bytes`: nothing is read past this check."""
        if len(data) > self.max_bytes:
            raise RecordingTooLarge(
                f"the upload is {_mebibytes(len(data))}; at most {_mebibytes(self.max_bytes)} is accepted: "
                f"record at {min(self.max_width, self.max_height)}p or lower, or export the recording again at a "
                "lower bit rate"
            )

    def check_picture(self, width: int, height: int, where: str) -> None:
        """RecordingRejected (RESOLUTION_TOO_HIGH) for a picture larger than the cap in either orientation."""
        long_side, short_side = max(width, height), min(width, height)
        if long_side > max(self.max_width, self.max_height) or short_side > min(self.max_width, self.max_height):
            raise RecordingRejected(
                Reason.RESOLUTION_TOO_HIGH,
                f"{where} is {width}x{height}; at most {self.max_width}x{self.max_height} (either orientation) "
                f"is accepted: set the camera to {min(self.max_width, self.max_height)}p or lower and record again",
            )

    def decoded_too_long(self) -> RecordingRejected:
        return RecordingRejected(
            Reason.DECODES_TOO_LONG,
            f"the recording decodes to more than {self.max_decoded_seconds:g} s, longer than its header says; "
            "send the 10–20 s recording as the camera wrote it (MP4 or WebM), not an edited or joined file",
        )


#: The caps when none are configured (each is a CINEMESH_CAMEO_MAX_* setting in the identity service).
DEFAULT_LIMITS = UploadLimits()


def _mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


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


def probe(data: bytes, limits: UploadLimits) -> float:
    """The recording's length in seconds, from its headers; rejects files too large, without video or sound,
    or whose header declares a picture over the cap, before anything decodes."""
    limits.check_size(data)
    with _open(data) as container:
        if not container.streams.video:
            raise RecordingRejected(Reason.UNREADABLE, "the file has no video track; record yourself with the camera")
        if not container.streams.audio:
            raise RecordingRejected(
                Reason.NO_AUDIO_TRACK, "the recording has no sound; record with the microphone on and say the phrase"
            )
        video = container.streams.video[0].codec_context
        limits.check_picture(video.width, video.height, "the video track")
        if container.duration is not None:
            return container.duration / av.time_base
        lengths = [float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base]
        if not lengths:
            raise RecordingRejected(Reason.UNREADABLE, "the recording's length could not be read; send an MP4 or WebM")
        return max(lengths)


def read_audio(data: bytes, limits: UploadLimits) -> np.ndarray:
    """The first audio track, mixed to mono float32 at 16 kHz; stops past `limits.max_decoded_seconds`."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    chunks: list[np.ndarray] = []
    max_samples = int(limits.max_decoded_seconds * RATE)
    decoded = 0
    with _open(data) as container:
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                    decoded += chunks[-1].size
                if decoded > max_samples:
                    raise limits.decoded_too_long()
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
        except av.FFmpegError as error:
            raise RecordingRejected(Reason.UNREADABLE, "the sound track is damaged; record again") from error
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def read_frames(
    data: bytes,
    fps: float,
    limits: UploadLimits,
    dense: tuple[float, float] | None = None,
    dense_fps: float = 0.0,
) -> Iterator[Frame]:
    """Frames about `fps` times a second, and `dense_fps` times a second between the `dense` seconds.

    Every frame is decoded (H.264 needs its predecessors) but only kept frames are converted to
    RGB, and they are handed out one at a time, so a long 1080p recording never sits in memory.
    Decoding stops at the first frame past `limits.max_decoded_seconds` (by its timestamp or by count),
    or larger than the picture cap.
    """
    next_at = next_dense_at = 0.0
    with _open(data) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        # Seconds decoded so far by count as well as by timestamp: timestamps that restart or stand still
        # (joined or doctored files) do not hide frames past the cap.
        frame_rate = min(max(float(stream.average_rate or 25), 1.0), _MAX_FRAMES_PER_SECOND)
        try:
            for index, frame in enumerate(container.decode(stream)):
                t = float(frame.time) if frame.time is not None else index / frame_rate
                if max(t, index / frame_rate) > limits.max_decoded_seconds:
                    raise limits.decoded_too_long()
                limits.check_picture(frame.width, frame.height, f"the frame at {t:.1f} s")
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
