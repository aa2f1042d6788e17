"""Embedded video renderer speed on this machine's CPU cores.

Renders a 10 s clip (one character walking in the rain on a neon street, tracking
shot, cinematic grade) at 720p and at 1080p, and reports frames/s and the
real-time factor (goal: 10 s of 720p24 in ≤ 10 s, i.e. ≥ 24 fps). Baseline in
the same run: H.264-encoding the same frames (preset veryfast), which every
backend pays. Then a profile of where render time goes.

    .venv/bin/python benchmarks/video_render.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import av
import numpy as np
import torch
from report import figure

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.video import render

PROMPT = "A woman walks through a neon-lit cyberpunk street at night in the rain. Tracking shot, cinematic."


def _render(scene_plan: common_pb2.ScenePlan) -> tuple[float, list[np.ndarray]]:
    frames: list[np.ndarray] = []
    started = time.perf_counter()
    for _, batch, _ in render.frames(scene_plan, on_device=torch.device("cpu")):
        frames.extend(batch.numpy())
    return time.perf_counter() - started, frames


def _encode(frames: list[np.ndarray], fps: int) -> float:
    started = time.perf_counter()
    with av.open("/dev/null", "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt, stream.options = "yuv420p", {"crf": "16", "preset": "veryfast"}
        for rgb in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for resolution in ("720p", "1080p"):
        spec = common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=args.seconds, resolution=resolution)
        scene_plan = plan(spec, "pro", 3, {"plus": 16, "pro": 40})
        seconds, frames = _render(scene_plan)
        encode = _encode(frames, scene_plan.format.fps)
        n = len(frames)
        print(
            f"{resolution}: {n} frames rendered in {seconds:.2f} s = {n / seconds:.1f} fps, "
            f"RTF {seconds / args.seconds:.2f} (goal at 720p: <= 1.0); encode baseline {encode:.2f} s "
            f"({n / encode:.1f} fps); render/encode {seconds / encode:.2f}x"
        )
        figure(f"video render {resolution}", f"{n / seconds:.1f} fps; {seconds / encode:.2f}x an H.264 encode")
    spec = common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=3, resolution="720p")
    scene_plan = plan(spec, "pro", 3, {"plus": 16, "pro": 40})
    profile = cProfile.Profile()
    profile.enable()
    _render(scene_plan)
    profile.disable()
    print("\nwhere 720p render time goes (3 s clip, cumulative):")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(r"services/video", 12)


if __name__ == "__main__":
    main()
