"""A/V sync on the finished file over many seeds: the dialogue corpus rendered again and again.

The integration test runs the ten dialogue prompts once each with fixed seeds and asserts every
line and every effect within one frame. This measures how the same pipeline does on other seeds
(each seed draws other prosody, music and room): every line's mouth-to-voice offset, every
visible effect's sound-to-picture offset, and how often an effect cannot be measured at all
("unclear": masked by the music, or no picture change), each from the decoded MP4 alone.
Stages are called in one process (no broker): sync does not depend on the transport.
Baseline in the same run: the seconds to decode and measure each file, against rendering it.

    .venv/bin/python benchmarks/sync_accuracy.py [--seeds 4]
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from report import figure

from cinemesh.audio.model import AudioModel
from cinemesh.lipsync import measure
from cinemesh.lipsync.model import LipSyncModel
from cinemesh.prompt.planner import plan
from cinemesh.runtime.config import Settings
from cinemesh.v1 import audio_pb2, common_pb2, lipsync_pb2, video_pb2
from cinemesh.video.model import VideoModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dialogue_corpus import FRAME_MS, PROMPTS  # test support: the lipsync corpus


def render(prompt: str, seed: int, settings: Settings) -> Path:
    spec = common_pb2.GenerationSpec(prompt=prompt, duration_seconds=5.0, resolution="480p", seed=seed)
    scene_plan = plan(spec, "pro", seed, settings.credits_per_second)
    job_id = str(uuid.uuid4())
    video = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=scene_plan))
    audio = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=job_id, plan=scene_plan))
    done = LipSyncModel(settings)(
        lipsync_pb2.AssembleOutputRequest(
            job_id=job_id,
            plan=scene_plan,
            video=video.video,
            audio=audio.audio,
            timeline=audio.timeline,
            face_tracks=video.face_tracks,
            events=video.events,
        )
    )
    return Path(done.output.uri.removeprefix("file://"))


def _spread(values: list[float]) -> str:
    if not values:
        return "none"
    absolute = np.abs(values)
    return (
        f"abs offset median {np.median(absolute):.1f} ms, p95 {np.percentile(absolute, 95):.1f} ms, "
        f"max {absolute.max():.1f} ms over {len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args()
    lines: list[float] = []
    effects: list[float] = []
    unclear: collections.Counter[str] = collections.Counter()
    render_s: list[float] = []
    measure_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env("bench", {"CINEMESH_STATE_DIR": tmp})
        for seed in range(1, args.seeds + 1):
            for prompt in PROMPTS:
                started = time.perf_counter()
                path = render(prompt, seed * 7919, settings)
                render_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                report = measure.measure(path)
                measure_s.append(time.perf_counter() - started)
                lines += [line.offset_ms for line in report.lines]
                for effect in report.effects:
                    if effect.unclear:
                        unclear[effect.unclear.split(":")[0]] += 1
                    else:
                        effects.append(effect.offset_ms)
                path.unlink()
    jobs = len(render_s)
    within = sum(abs(v) <= FRAME_MS for v in lines)
    print(f"{jobs} jobs ({len(PROMPTS)} prompts x {args.seeds} seeds), 5 s at 480p")
    print(f"lines: {_spread(lines)}; within one frame ({FRAME_MS:.1f} ms): {within}/{len(lines)}")
    effects_within = sum(abs(v) <= FRAME_MS for v in effects)
    total_effects = len(effects) + sum(unclear.values())
    print(f"effects: {_spread(effects)}; within one frame: {effects_within}/{len(effects)}")
    print(f"unclear effects: {sum(unclear.values())}/{total_effects} {dict(unclear)}")
    rendering, measuring = statistics.median(render_s), statistics.median(measure_s)
    print(
        f"per job: render {rendering:.2f} s; baseline decode + measure {measuring:.2f} s "
        f"(ratio {rendering / measuring:.1f}x)"
    )
    figure("dialogue lines within one frame", f"{within}/{len(lines)}; {_spread(lines)}")
    figure("visible effects within one frame", f"{effects_within}/{len(effects)}; {_spread(effects)}")
    figure("effects that could not be measured (masked)", f"{sum(unclear.values())}/{total_effects}")


if __name__ == "__main__":
    main()
