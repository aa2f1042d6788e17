"""Cameo enrollment: time to verify a 15 s 720p reference recording on this machine.

Builds the recording (the astronaut photo turning its head and speaking a Piper phrase,
H.264 + AAC), verifies it, and prints the seconds, the frames examined and each part's
share. Baseline in the same run: decoding the same file alone (every frame decoded, the
sampled ones converted to RGB). Goal: ≤ 10 s on 2 cores.

    .venv/bin/python benchmarks/enrollment_verification.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np
from report import figure

from cinemesh.identity.enrollment import Challenge, media, speech, verify_recording
from cinemesh.identity.enrollment import faces as face_models
from cinemesh.identity.enrollment.verify import SAMPLE_FPS

# The recording builder is test support (it makes recordings from scikit-image's astronaut photo).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from recordings import Spec, build


def main() -> None:
    challenge = Challenge.new(random.Random(15))
    spec = Spec(challenge.moves, challenge.phrase, seconds=15.0, width=1280, height=720, face_px=280, fps=30)
    started = time.perf_counter()
    data = build(spec)
    built = time.perf_counter() - started
    print(f"built a 15 s 1280x720 {spec.fps} fps recording ({len(data) / 1e6:.1f} MB) in {built:.1f} s")
    print(f"challenge: {' '.join(challenge.moves)} / {challenge.phrase!r}")

    # Models load once per process (a server loads them at start): not part of a verification.
    started = time.perf_counter()
    face_models.detect(np.zeros((64, 64, 3), np.uint8), 1.0)
    speech.recognise(np.zeros(16_000, np.float32), challenge.phrase)
    print(f"models loaded in {time.perf_counter() - started:.1f} s (once per process)")

    started = time.perf_counter()
    decoded = sum(1 for _ in media.read_frames(data, SAMPLE_FPS, media.DEFAULT_LIMITS))
    media.read_audio(data, media.DEFAULT_LIMITS)
    baseline = time.perf_counter() - started

    timings: dict[str, float] = {}
    started = time.perf_counter()
    enrollment = verify_recording(data, challenge, timings)
    total = time.perf_counter() - started
    report = enrollment.report
    print(f"verified in {total:.2f} s: {report.frames_checked} frames examined, {report.frontal_frames} frontal")
    for part, seconds in timings.items():
        print(f"  {part:<9} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    print(
        f"baseline: decoding alone ({decoded} frames converted + audio) {baseline:.2f} s; ratio {total / baseline:.1f}x"
    )
    print(f"goal ≤ 10 s on 2 cores: {'met' if total <= 10 else 'NOT met'}")
    figure("verifying a 15 s 720p cameo recording", f"{total:.1f} s; {total / baseline:.1f}x decoding alone")


if __name__ == "__main__":
    main()
