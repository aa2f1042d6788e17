"""Upload caps on reference recordings: bytes before anything is read, the picture from the header, and
decoding that stops at the cap even when the header lies (a joined file whose timestamps restart, a picture
that grows after the first frames)."""

from __future__ import annotations

import functools
import io

import av
import grpc
import numpy as np
import pytest

from cinemesh.identity.enrollment import (
    Challenge,
    Reason,
    RecordingRejected,
    RecordingTooLarge,
    UploadLimits,
    media,
    verify_recording,
)
from cinemesh.identity.server import LiveEnroller
from cinemesh.runtime.config import Settings

AUDIO_RATE = 16_000
FPS = 12


@functools.cache
def clip(width: int, height: int, seconds: float, container: str = "mp4") -> bytes:
    """A grey clip with a silent mono AAC track, `seconds` long at 12 frames a second."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=AUDIO_RATE)
        audio.layout = "mono"
        for index in range(round(seconds * FPS)):
            picture = np.full((height, width, 3), (index * 7) % 255, np.uint8)
            out.mux(video.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        out.mux(video.encode())
        silence = np.zeros((1, round(seconds * AUDIO_RATE)), np.float32)
        for start in range(0, silence.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(silence[:, start : start + 1024], format="flt", layout="mono")
            frame.sample_rate = AUDIO_RATE
            out.mux(audio.encode(frame))
        out.mux(audio.encode())
    return buffer.getvalue()


def _rejection(call, *args) -> RecordingRejected:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordingRejected) as caught:
        call(*args)
    return caught.value


def test_an_upload_over_the_byte_cap_is_refused_before_it_is_read() -> None:
    limits = UploadLimits(max_bytes=3 * 1024 * 1024)
    too_large = b"\x00" * (4 * 1024 * 1024)  # not even a video: the size is checked first
    with pytest.raises(RecordingTooLarge) as caught:
        media.probe(too_large, limits)
    assert caught.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert caught.value.reason == Reason.TOO_LARGE
    assert caught.value.message == (
        "recording: the upload is 4.0 MiB; at most 3.0 MiB is accepted: record at 1080p or lower, "
        "or export the recording again at a lower bit rate"
    )
    limits.check_size(b"\x00" * limits.max_bytes)  # exactly at the cap is fine


def test_a_picture_over_the_cap_is_refused_from_the_header() -> None:
    limits = UploadLimits(max_width=320, max_height=240)
    rejected = _rejection(media.probe, clip(640, 360, 1.0), limits)
    assert rejected.reason == Reason.RESOLUTION_TOO_HIGH
    assert rejected.code == grpc.StatusCode.INVALID_ARGUMENT
    assert rejected.message == (
        "recording: the video track is 640x360; at most 320x240 (either orientation) is accepted: "
        "set the camera to 240p or lower and record again"
    )
    # Either orientation fits: a portrait recording within the cap passes.
    assert media.probe(clip(240, 320, 1.0), limits) == pytest.approx(1.0, abs=0.15)
    assert media.probe(clip(320, 240, 1.0), limits) == pytest.approx(1.0, abs=0.15)


def test_verification_stops_at_the_header_for_a_picture_over_the_cap() -> None:
    limits = UploadLimits(max_width=160, max_height=120)
    challenge = Challenge(("left", "up", "right"), "window valley cherry wagon")
    rejected = _rejection(verify_recording, clip(320, 240, 12.0), challenge, None, limits)
    assert rejected.reason == Reason.RESOLUTION_TOO_HIGH


def test_decoding_stops_at_the_seconds_cap() -> None:
    data = clip(160, 120, 4.0)
    limits = UploadLimits(max_decoded_seconds=1.5)
    frames: list[media.Frame] = []

    def read_all() -> None:
        frames.extend(media.read_frames(data, FPS, limits))

    rejected = _rejection(read_all)
    assert rejected.reason == Reason.DECODES_TOO_LONG
    assert "decodes to more than 1.5 s" in rejected.message
    assert frames and frames[-1].seconds <= 1.5 + 1 / FPS  # nothing past the cap was handed out
    assert _rejection(media.read_audio, data, limits).reason == Reason.DECODES_TOO_LONG
    # Under the cap everything decodes.
    assert len(list(media.read_frames(data, FPS, UploadLimits(max_decoded_seconds=5.0)))) == round(4.0 * FPS)
    assert media.read_audio(data, UploadLimits(max_decoded_seconds=5.0)).size == pytest.approx(4.0 * 16_000, rel=0.1)


def test_a_joined_file_whose_timestamps_restart_is_cut_off_by_count() -> None:
    # Six 1-second MPEG-TS clips joined: every frame's timestamp is under 1.1 s, the header says about 1 s.
    joined = clip(160, 120, 1.0, "mpegts") * 6
    limits = UploadLimits(max_decoded_seconds=3.0)
    assert media.probe(joined, limits) < 3.0
    with av.open(io.BytesIO(joined)) as container:
        seconds = [float(frame.time) for frame in container.decode(video=0)]
    assert max(seconds) < 1.2 and len(seconds) == 6 * FPS  # the timestamps restart: they alone would not stop it
    list(media.read_frames(joined, FPS, UploadLimits(max_decoded_seconds=7.0)))  # all six seconds fit 7 s
    rejected = _rejection(lambda: list(media.read_frames(joined, FPS, limits)))
    assert rejected.reason == Reason.DECODES_TOO_LONG


def test_a_picture_that_grows_after_the_header_is_caught_while_decoding() -> None:
    # A small clip's header, then a large picture: the header passes, the first large frame stops decoding.
    joined = clip(160, 120, 1.0, "mpegts") + clip(640, 480, 1.0, "mpegts")
    limits = UploadLimits(max_width=320, max_height=240)
    media.probe(joined, limits)
    kept: list[media.Frame] = []

    def read_all() -> None:
        kept.extend(media.read_frames(joined, FPS, limits))

    rejected = _rejection(read_all)
    assert rejected.reason == Reason.RESOLUTION_TOO_HIGH
    assert "640x480" in rejected.message and rejected.message.startswith("recording: the frame at ")
    assert all(frame.rgb.shape[:2] == (120, 160) for frame in kept)


def test_the_identity_service_reads_its_caps_from_the_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "CINEMESH_STATE_DIR": str(tmp_path),
        "CINEMESH_CAMEO_MAX_UPLOAD_BYTES": str(1024 * 1024),
        "CINEMESH_CAMEO_MAX_RESOLUTION": "320x240",
    }
    enroller = LiveEnroller.from_settings(Settings.from_env("identity", env))
    enroller.check_upload(b"\x00" * 1024 * 1024)
    with pytest.raises(RecordingTooLarge, match=r"at most 1\.0 MiB"):
        enroller.check_upload(b"\x00" * (1024 * 1024 + 1))
    challenge = Challenge(("left", "up", "right"), "window valley cherry wagon")
    rejected = _rejection(enroller.verify, clip(640, 360, 12.0), challenge.moves, challenge.phrase)
    assert rejected.reason == Reason.RESOLUTION_TOO_HIGH and "at most 320x240" in rejected.message
