"""Is the plan's subject on screen? For each prompt of the blind depiction set, the fraction of frames in which
the subject's drawing is clearly seen: the pixels it changes (a render with it against one without) cover at
least MIN_AREA of the frame and lie inside it.

    .venv/bin/python benchmarks/subject_visibility.py [--set benchmarks/data/depict14.jsonl] [--every 6]

Frames are sampled every `--every` frames of each prompt's first shot, at 320×180 (fractions do not depend on
the size). A subject is one of: a sprite (measured), people (drawn as characters, not measured here), the
object of its own event (drawn by the event before, during and after it, not measured here), or unresolved
(nothing in the vocabulary: never drawn; listed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.video import render

RATES = {"plus": 16, "pro": 40}
W, H = 320, 180
MIN_AREA = 0.015  # of the frame: a 720p subject at least ~117×117 px
EDGE = 1  # px: changed pixels in the outermost column or row mean the drawing runs off the frame


def _changed(renderer: render.ShotRenderer, frames: list[int]) -> np.ndarray:
    """[F, H, W] bool: the pixels the subject drawing changes in the sampled frames."""
    drawing = renderer.drawing
    seen = []
    for k in frames:
        renderer.drawing = drawing
        a = renderer.render(k, k + 1).frames.numpy().astype(np.int16)
        renderer.drawing = None
        b = renderer.render(k, k + 1).frames.numpy().astype(np.int16)
        seen.append(np.abs(a - b).max(axis=-1)[0] > 12)
    renderer.drawing = drawing
    return np.stack(seen)


def measure(prompt: str, seed: int, every: int) -> dict[str, object]:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=seed), "pro", seed, RATES)
    scene_plan.format.width, scene_plan.format.height = W, H
    shot = scene_plan.shots[0]
    renderer = render.ShotRenderer(scene_plan, shot, torch.device("cpu"))
    subject = renderer.subject.name if renderer.subject is not None else None
    if renderer.drawing is None:
        kind = "event object" if subject else ("people" if shot.character_ids else "unresolved")
        return {"kind": kind, "subject": subject, "text": shot.subject.text, "seen": None}
    changed = _changed(renderer, list(range(0, renderer.count, every)))
    area = changed.mean(axis=(1, 2))
    inside = ~(changed[:, :EDGE].any(axis=(1, 2)) | changed[:, -EDGE:].any(axis=(1, 2)))
    inside &= ~(changed[:, :, :EDGE].any(axis=(1, 2)) | changed[:, :, -EDGE:].any(axis=(1, 2)))
    seen = (area >= MIN_AREA) & inside
    return {
        "kind": "sprite",
        "subject": subject,
        "text": shot.subject.text,
        "seen": float(seen.mean()),
        "area": float(np.median(area)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=Path("benchmarks/data/depict14.jsonl"))
    parser.add_argument("--every", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for line in args.set.read_text().splitlines():
        item = json.loads(line)
        result = measure(item["prompt"], args.seed, args.every)
        rows.append((item["id"], item["subject"], result))
        seen = "-" if result["seen"] is None else f"{result['seen']:.2f} (area {result['area']:.3f})"
        print(f"{item['id']} {item['subject']!r:24} {result['kind']:13} {result['subject']!s:16} seen {seen}")
    sprites = [r for _, _, r in rows if r["kind"] == "sprite"]
    fractions = [float(r["seen"]) for r in sprites]
    print(f"\nsprite subjects: {len(sprites)}/{len(rows)}; mean fraction of frames seen {np.mean(fractions):.3f}; ")
    print(f"seen in every sampled frame: {sum(f == 1.0 for f in fractions)}/{len(sprites)}")
    for kind in ("event object", "people", "unresolved"):
        ids = [i for i, _, r in rows if r["kind"] == kind]
        print(f"{kind}: {len(ids)} {' '.join(ids)}")


if __name__ == "__main__":
    main()
