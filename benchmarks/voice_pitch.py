"""A cameo's voice: how close the rendered pitch comes to its owner's, on short and long lines.

For owners with median F0 from 85 to 220 Hz, lines of 2 to 4 words and of 12 to 16 words are
spoken in the cameo's voice with several seeds (each seed draws other prosody) and measured the
way enrollment measures the owner (YIN median F0). A short line is a small pitch sample: this
reports how far a single line can read from the target, which is why a test may only assert
on fixed seeds. Baseline in the same run: the base voice unshifted, measured the same way.

    .venv/bin/python benchmarks/voice_pitch.py [--seeds 8]
"""

from __future__ import annotations

import argparse

import numpy as np
from report import figure

from cinemesh.audio.speech import SAMPLE_RATE, PiperBackend, Speaker
from cinemesh.audio.voices import BASE_MEDIAN_F0_HZ, Voice, cameo_voice
from cinemesh.identity.enrollment import measure_voice
from cinemesh.v1 import common_pb2, plan_pb2

SHORT = ["Coming!", "Hold on tight.", "Look at the kite!", "We are late."]
LONG = [
    "The tide is turning and we should go home before the light is gone from the water.",
    "I told you twice already that the boats are not coming back tonight, so sit down and wait.",
    "Somebody was here before us, and they left the door open and the lamp still burning.",
    "If you follow the river past the old mill you will find the bridge the children told us about.",
]
OWNERS_HZ = [85.0, 110.0, 140.0, 180.0, 220.0]


def errors(speaker: Speaker, lines: list[str], seeds: int) -> list[float | None]:
    """Relative pitch error in %, or None where YIN found no voiced frame to measure."""
    found: list[float | None] = []
    for owner in OWNERS_HZ:
        voice = cameo_voice(common_pb2.VoiceProfile(median_f0_hz=owner, speaking_rate_syllables_per_second=4.5))
        for index, text in enumerate(lines):
            for seed in range(seeds):
                spoken = speaker.speak(text, voice, plan_pb2.DELIVERY_NORMAL, seed * 101 + index)
                try:
                    measured = measure_voice(spoken.audio, SAMPLE_RATE).median_f0_hz
                except ValueError:
                    found.append(None)
                    continue
                found.append(100 * (measured - owner) / owner)
    return found


def describe(values: list[float | None]) -> str:
    absolute = np.abs([v for v in values if v is not None])
    return (
        f"abs error median {np.median(absolute):.1f} %, p95 {np.percentile(absolute, 95):.1f} %, "
        f"max {absolute.max():.1f} %; over 10 %: {int((absolute > 10).sum())}/{len(absolute)}; "
        f"no voiced frame found: {values.count(None)}/{len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    speaker = Speaker(PiperBackend())
    base = [
        measure_voice(speaker.speak(t, Voice(0.0, 1.0, 0.0), plan_pb2.DELIVERY_NORMAL, s).audio, SAMPLE_RATE)
        for t in LONG
        for s in range(args.seeds)
    ]
    base_f0 = float(np.median([b.median_f0_hz for b in base]))
    print(f"baseline: the base voice unshifted reads {base_f0:.1f} Hz (the renderer assumes {BASE_MEDIAN_F0_HZ:g} Hz)")
    short, long = errors(speaker, SHORT, args.seeds), errors(speaker, LONG, args.seeds)
    print(f"owners {OWNERS_HZ} Hz x {len(SHORT)} lines x {args.seeds} seeds each")
    print(f"short lines (1-4 words): {describe(short)}")
    print(f"long lines (12-18 words): {describe(long)}")
    figure("cameo pitch error, short lines", describe(short))
    figure("cameo pitch error, long lines", describe(long))


if __name__ == "__main__":
    main()
