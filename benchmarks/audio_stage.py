"""Audio stage speed: a 20 s two-character scene with 4 lines and 6 effects.

Reports the real-time factor (render seconds / audio seconds; goal ≤ 0.2, i.e.
≥ 5× faster than real time on 2 cores) and where the time goes. Baseline in the
same run: writing the same 20 s of 48 kHz stereo PCM to disk, the least any
audio stage must do.

    .venv/bin/python benchmarks/audio_stage.py [--runs 3]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from report import figure

from cinemesh.audio import soundtrack
from cinemesh.audio.model import write_wav
from cinemesh.audio.speech import PiperBackend, Speaker
from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2

PROMPT = (
    'In a rainy harbour at dusk, a fisherman says "The boats are not coming back tonight." '
    'His daughter whispers "Then we wait for them." The fisherman shouts "Get inside, the storm is here!" '
    'She says "I am not leaving without you." A glass shatters on the stone floor at 3 s. Thunder cracks at 6 s. '
    "A door slams at 9 s. A dog barks at 12 s. A bell tolls at 15 s. Footsteps on wood at 17 s. "
    "Melancholic orchestral music."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scene_plan = plan(common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=20), "pro", 11, {"plus": 16, "pro": 40})
    assert len(scene_plan.dialogue) == 4 and len(scene_plan.sound_cues) == 6, (
        scene_plan.dialogue,
        scene_plan.sound_cues,
    )
    speaker = Speaker(PiperBackend())
    soundtrack.render(scene_plan, speaker, -16.0)  # warm-up: model load, first allocations
    seconds = scene_plan.duration_seconds
    renders, writes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            started = time.perf_counter()
            track = soundtrack.render(scene_plan, speaker, -16.0)
            renders.append(time.perf_counter() - started)
            started = time.perf_counter()
            write_wav(Path(tmp) / "master.wav", track.master)
            writes.append(time.perf_counter() - started)
    render, write = statistics.median(renders), statistics.median(writes)
    print(
        f"scene: {seconds:g} s, {len(scene_plan.characters)} characters, {len(scene_plan.dialogue)} lines, "
        f"{len(scene_plan.sound_cues)} effects; {args.runs} runs"
    )
    print(
        f"render: {', '.join(f'{r:.2f}' for r in renders)} s; median {render:.2f} s -> RTF {render / seconds:.3f} "
        f"({seconds / render:.1f}x faster than real time; goal >= 5x)"
    )
    print(f"baseline (write 20 s of 48 kHz stereo PCM): {write * 1000:.1f} ms; render/baseline {render / write:.0f}x")
    figure("audio render, 20 s scene with 4 lines and 6 effects", f"{seconds / render:.1f}x faster than real time")
    print(
        f"master: {track.timeline.integrated_lufs:.2f} LUFS, true peak {track.timeline.true_peak_dbtp:.2f} dBTP, "
        f"peak sample {20 * np.log10(np.abs(track.master).max()):.2f} dBFS"
    )
    profile = cProfile.Profile()
    profile.enable()
    soundtrack.render(scene_plan, speaker, -16.0)
    profile.disable()
    print("\nwhere the time goes (cumulative, top entries):")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(r"services/audio|piper|onnxruntime", 14)


if __name__ == "__main__":
    main()
