"""How far timed effects stand over the mix, on prompts written by someone who never saw the renderer.

The blind depiction sets (benchmarks/data/depict*.jsonl, each prompt with a subject, a place, a weather and a
timed visible event, by writers who never saw the code) through the audio stage: for every timed cue on screen
its rise, the loudest 20 ms RMS in the 300 ms from its onset over the median 20 ms RMS of the half second
before (`loudness.rise_db`), on the master, plus the master's loudness and true peak. Cues the plan marks
offscreen are set back on purpose and left out of the rise figures (counted apart). Baseline in the same run:
the same soundtracks with every effect at its stem's flat gain and no ducking under effects (the mix before
per-effect levels), so the ratio is what levelling gained.

    .venv/bin/python benchmarks/effect_levels.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from report import figure

from cinemesh.audio import levels, mix, soundtrack
from cinemesh.audio.speech import PiperBackend, Speaker
from cinemesh.prompt.planner import plan
from cinemesh.runtime import loudness
from cinemesh.v1 import common_pb2

CORPORA = sorted(p for p in Path(__file__).with_name("data").glob("depict*.jsonl") if ".review" not in p.name)
RATES = {"plus": 16, "pro": 40}


def measure(prompts: list[str], speaker: Speaker) -> tuple[list[float], list[float], list[float], float, int]:
    """(rises dB of cues on screen, integrated LUFS per master, true peaks dBTP, seconds, cues offscreen)."""
    rises, lufs, peaks, offscreen = [], [], [], 0
    started = time.perf_counter()
    for seed, prompt in enumerate(prompts):
        scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt), "pro", seed, RATES)
        track = soundtrack.render(scene_plan, speaker, -16.0)
        mono = track.master.mean(axis=0)
        rises += [loudness.rise_db(mono, 48_000, c.time_seconds) for c in scene_plan.sound_cues if not c.offscreen]
        offscreen += sum(c.offscreen for c in scene_plan.sound_cues)
        lufs.append(mix.integrated_lufs(track.master))
        peaks.append(mix.true_peak_dbtp(track.master))
    return rises, lufs, peaks, time.perf_counter() - started, offscreen


def _flat_levels() -> levels.EffectLevels:
    """Every effect at the stem gain, no passes, no ducking: the mix as it was before per-effect levels."""
    table = levels.effect_levels()
    return levels.EffectLevels(table.default_db, table.actions, table.distance_db, table.offscreen_db, 0.0, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="at most this many prompts (0: all)")
    args = parser.parse_args()
    prompts = [json.loads(line)["prompt"] for c in CORPORA for line in c.read_text().splitlines() if line.strip()]
    prompts = prompts[: args.limit or None]
    speaker = Speaker(PiperBackend())
    rises, lufs, peaks, seconds, offscreen = measure(prompts, speaker)
    # baseline: the same soundtracks with each effect's gain pinned to its stem's and no ducking under effects
    levelled, duck_db, passes = soundtrack.effect_levels, soundtrack.EFFECT_DUCK_DB, soundtrack.LEVEL_PASSES
    soundtrack.effect_levels, soundtrack.EFFECT_DUCK_DB, soundtrack.LEVEL_PASSES = _flat_levels, 0.0, 1
    try:
        flat, flat_lufs, _, flat_seconds, _ = measure(prompts, speaker)
    finally:
        soundtrack.effect_levels, soundtrack.EFFECT_DUCK_DB, soundtrack.LEVEL_PASSES = levelled, duck_db, passes
    print(f"{', '.join(c.stem for c in CORPORA)}: {len(prompts)} prompts, {len(rises)} timed cues on screen")
    print(f"{offscreen} timed cues offscreen (set back, not counted)")
    for name, values in (("levelled", rises), ("flat (baseline)", flat)):
        print(
            f"{name:>16}: rise min {min(values):.1f} dB, median {statistics.median(values):.1f} dB, "
            f"under 12 dB: {sum(v < 12 for v in values)}/{len(values)}"
        )
    print(f"loudness {min(lufs):.2f} to {max(lufs):.2f} LUFS (flat: {min(flat_lufs):.2f} to {max(flat_lufs):.2f})")
    print(f"true peak max {max(peaks):.2f} dBTP; render {seconds:.1f} s vs {flat_seconds:.1f} s flat")
    figure(
        "effect rise over the mix, median (blind sets, on screen)",
        f"{statistics.median(rises):.1f} dB vs {statistics.median(flat):.1f} dB flat",
    )
    figure(
        "effects on screen under 12 dB (blind sets)",
        f"{sum(v < 12 for v in rises)}/{len(rises)} vs {sum(v < 12 for v in flat)}/{len(flat)} flat",
    )
    figure(
        "master loudness range (blind sets)",
        f"{min(lufs):.2f} to {max(lufs):.2f} LUFS, true peak ≤ {max(peaks):.2f} dBTP",
    )
    figure("levelling cost", f"{seconds / max(flat_seconds, 1e-9):.2f}× the flat mix's render time")


if __name__ == "__main__":
    main()
