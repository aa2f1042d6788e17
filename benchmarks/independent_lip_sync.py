"""Independent lip sync on the dialogue corpus: each file remuxed without metadata, its audio shifted.

`cinemesh inspect --independent` times each face's mouth against the voice from the pictures and sound
alone. This renders the ten dialogue prompts (one seed), remuxes each with its audio shifted by
−120 … +120 ms and no metadata (as the test does), and measures every remux. A speaker counts as
read within a frame when a face found is at that speaker's mouth and reads every shift back within one
frame. The speaker's mouth comes from the unshifted file's own metadata: it only scores the figure,
the measurement never sees it. A speaker whose face dlib does not find is a miss.

    .venv/bin/python benchmarks/independent_lip_sync.py [--seed 7919]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import numpy as np
from report import figure
from sync_accuracy import render

from cinemesh.lipsync import independent, measure
from cinemesh.lipsync.assemble import assemble
from cinemesh.runtime.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dialogue_corpus import FRAME_MS, PROMPTS  # test support: the lipsync corpus

SHIFTS_MS = (-120, -80, -40, 0, 40, 80, 120)


def _speaker_face(faces: list[independent.IndependentLine], mouth: dict[int, tuple[float, float]]) -> int | None:
    """The face whose mouth is, frame by frame, within half a face width of the speaker's (as inspect matches)."""
    for index, face in enumerate(faces):
        reach = (face.box[2] - face.box[0]) / 2
        if mouth and np.median([math.dist(xy, face.mouth_at(k)) for k, xy in mouth.items()]) <= reach:
            return index
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7919)
    args = parser.parse_args()
    speakers = within = unfound = 0
    errors: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env("bench", {"CINEMESH_STATE_DIR": tmp})
        for number, prompt in enumerate(PROMPTS):
            final = render(prompt, args.seed, settings)
            mouths = measure.measure(final).mouths
            readings: dict[str, list[float | None]] = {speaker: [] for speaker in mouths}
            for shift_ms in SHIFTS_MS:
                remux = Path(tmp) / f"shifted{shift_ms}.mp4"
                assemble(
                    final, final.with_name("audio.wav"), remux, None, "ultrafast", None, None, None, shift_ms / 1000
                )
                faces = independent.measure_lines(remux)
                for speaker, mouth in mouths.items():
                    index = _speaker_face(faces, mouth)
                    offset = None if index is None else faces[index].offset_ms
                    readings[speaker].append(None if offset is None else offset - shift_ms)
            for speaker, read in readings.items():
                speakers += 1
                clear = [e for e in read if e is not None]
                errors += clear
                unfound += not clear
                held = len(clear) == len(read) and all(abs(e) <= FRAME_MS for e in clear)
                within += held
                shown = ", ".join("none" if e is None else f"{e:+.1f}" for e in read)
                print(f"prompt {number} {speaker}: error at each shift (ms) {shown}{'' if held else '  MISSED'}")
    absolute = np.abs(errors) if errors else np.zeros(1)
    spread = f"abs error median {np.median(absolute):.1f} ms, max {absolute.max():.1f} ms over {len(errors)} readings"
    print(f"speakers read within a frame at every shift: {within}/{speakers} ({unfound} with no face found); {spread}")
    figure("speakers whose every shift −120…+120 ms reads within a frame", f"{within}/{speakers}; {spread}")


if __name__ == "__main__":
    main()
