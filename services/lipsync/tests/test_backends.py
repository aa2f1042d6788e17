"""Mouth backends: the Triton backend's audio features, face crops and paste-back (no server needed here)."""

from __future__ import annotations

import numpy as np
import pytest

from cinemesh.lipsync import backends
from cinemesh.lipsync.mouths import Mouth
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import FailedPrecondition
from cinemesh.v1 import common_pb2

RATE = 48_000


def test_log_mel_sees_a_tone_in_its_band_at_its_time() -> None:
    t = np.arange(2 * RATE) / RATE
    tone = np.where((t >= 1.0) & (t < 1.5), 0.3 * np.sin(2 * np.pi * 1000 * t), 0.0)
    speech = backends.Speech((tone, RATE))
    mel = speech.log_mel
    assert mel.shape[0] == backends.MEL_BINS and mel.dtype == np.float32
    assert mel.min() >= -4 and mel.max() <= 4
    assert abs(mel.shape[1] - 2 * 80) <= 1  # 12.5 ms hops
    loud, quiet = speech.window(1.25), speech.window(0.5)
    assert loud.shape == quiet.shape == (backends.MEL_BINS, backends.MEL_HOPS)
    peak_bin = int(np.argmax(loud[:, backends.MEL_HOPS // 2]))
    assert 20 < peak_bin < 45  # 1 kHz sits in the lower-middle mel bins
    assert loud.max() > quiet.max() + 4
    # beyond the ends the window is silence, not an error
    assert np.all(speech.window(-1.0) == -4.0)


def test_speech_without_a_dialogue_stem_is_a_failed_precondition() -> None:
    with pytest.raises(FailedPrecondition, match="dialogue stem"):
        backends.Speech(None).window(0.0)


def _face() -> common_pb2.FaceFrame:
    return common_pb2.FaceFrame(
        frame=0, visible=True, box_x0=100, box_y0=40, box_x1=160, box_y1=120, mouth_x=130, mouth_y=100
    )


def test_the_crop_puts_the_mouth_where_the_model_expects_it() -> None:
    frame = np.zeros((180, 320, 3), np.uint8)
    face = _face()
    frame[99:102, 129:132] = 255  # a dot on the mouth
    box = backends.crop_box(face)
    crop = backends.aligned_crop(frame, box)
    assert crop.shape == (backends.CROP, backends.CROP, 3)
    y, x = np.unravel_index(np.argmax(crop.sum(axis=-1)), crop.shape[:2])
    assert abs(x - backends.CROP_MOUTH[0]) <= 2 and abs(y - backends.CROP_MOUTH[1]) <= 2


def test_paste_changes_only_the_lower_face_and_blends_its_edge() -> None:
    frame = np.full((180, 320, 3), 100, np.uint8)
    box = backends.crop_box(_face())
    backends.paste(frame, np.full((backends.CROP, backends.CROP, 3), 200, np.uint8), box)
    assert frame[100, 130].tolist() == [200, 200, 200]  # the mouth is the model's
    assert frame[45, 130].tolist() == [100, 100, 100]  # the eyes are the video's
    row = frame[100, :, 0].astype(int)
    assert len(set(row[(row > 100) & (row < 200)])) >= 3  # a feathered edge, not a hard seam
    # a crop partly outside the frame is clipped, not wrapped
    edge = common_pb2.FaceFrame(visible=True, box_x0=-30, box_y0=0, box_x1=30, box_y1=60, mouth_x=0, mouth_y=50)
    backends.paste(frame, np.full((backends.CROP, backends.CROP, 3), 0, np.uint8), backends.crop_box(edge))
    assert frame[50, 319].tolist() == [100, 100, 100]


def test_embedded_backend_draws_the_viseme_and_the_setting_picks_the_backend(tmp_path) -> None:  # type: ignore[no-untyped-def]
    frame = np.full((180, 320, 3), 180, np.uint8)
    mouth = Mouth(_face(), 1.0, 0.6, 0.0)
    backends.EmbeddedMouths().redraw([frame], [[mouth]], backends.Speech(None))
    assert (frame[95:106, 120:141].sum(axis=-1) < 200).sum() > 20  # a dark open mouth
    embedded = Settings.from_env("lipsync", {"CINEMESH_STATE_DIR": str(tmp_path)})
    assert isinstance(backends.mouth_backend(embedded), backends.EmbeddedMouths)
    triton = Settings.from_env(
        "lipsync",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_LIPSYNC_BACKEND": "triton",
            "CINEMESH_LIPSYNC_TRITON_MODEL": "w2l",
        },
    )
    backend = backends.mouth_backend(triton)
    assert isinstance(backend, backends.TritonMouths) and backend.name == "triton:w2l"
