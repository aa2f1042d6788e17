"""An extension's stitched whole: both parts' pictures in order, both parts' sound, no step in the waveform."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from cinemesh.gateway.stitch import SAMPLE_RATE, crossfade, stitch

FPS = 24


def _clip(path: Path, frames: int, grey: int, hz: float) -> None:
    """A clip of flat grey pictures and a sine tone, as long as each other."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        for k in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), grey, np.uint8), format="rgb24")
            frame.pts, frame.time_base = k, Fraction(1, FPS)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        t = np.arange(round(frames / FPS * SAMPLE_RATE)) / SAMPLE_RATE
        tone = np.tile((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), (2, 1))
        for start in range(0, tone.shape[1], 1024):
            chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(tone[:, start : start + 1024]), format="fltp")
            chunk.sample_rate, chunk.pts, chunk.time_base = SAMPLE_RATE, start, Fraction(1, SAMPLE_RATE)
            out.mux(audio.encode(chunk))
        out.mux(audio.encode(None))


def test_stitched_whole_has_both_parts_in_order_and_their_total_length(tmp_path: Path) -> None:
    _clip(tmp_path / "a.mp4", 36, 40, 220.0)
    _clip(tmp_path / "b.mp4", 24, 200, 330.0)
    assert stitch(tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "ab.mp4", "ultrafast") == 60 / FPS
    with av.open(str(tmp_path / "ab.mp4")) as whole:
        greys = [frame.to_ndarray(format="gray").mean() for frame in whole.decode(whole.streams.video[0])]
        assert whole.streams.audio[0].codec_context.name == "aac"
    assert len(greys) == 60
    assert all(abs(g - 40) < 4 for g in greys[:36]) and all(abs(g - 200) < 4 for g in greys[36:])


def test_crossfade_keeps_the_length_and_leaves_no_step_at_the_seam() -> None:
    first = np.full((2, 4800), 0.5, np.float32)
    second = np.full((2, 4800), -0.5, np.float32)
    joined = crossfade(first, second, 960)
    assert joined.shape == (2, 9600)
    steps = np.abs(np.diff(joined[0]))
    assert steps.max() < 0.01  # a hard cut would step by 1.0
    assert np.allclose(joined[:, :3840], 0.5) and np.allclose(joined[:, 5760:], -0.5)
