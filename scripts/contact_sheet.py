"""Contact sheets of rendered shots, to look at: frames around each visible event, and evenly spaced ones.

    .venv/bin/python scripts/contact_sheet.py OUT_DIR "prompt one" "prompt two" ... [--height 720]
    .venv/bin/python scripts/contact_sheet.py OUT_DIR --review benchmarks/data/depict14.jsonl

Renders each prompt's picture with the embedded renderer (no mesh, no audio) and writes one PNG per
prompt: a row of evenly spaced frames, then for each visible event the frames from 8 before its cue
to 8 after, each labelled with its frame number. `--review` writes the grids a blind depiction review
marks, one `<id>.png` per line of a labelled JSONL file: first, middle and last frame above; 4 frames
before the event, the event frame and 6 after below.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.video import render

RATES = {"plus": 16, "pro": 40}
THUMB_W = 320


def _frames(prompt: str, height: int, seed: int) -> tuple[common_pb2.ScenePlan, np.ndarray]:
    scene_plan = _planned(prompt, height, seed)
    batches = [b.numpy() for _, b, _ in render.frames(scene_plan, on_device=torch.device("cpu"))]
    return scene_plan, np.concatenate(batches)


def _planned(prompt: str, height: int, seed: int) -> common_pb2.ScenePlan:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=seed), "pro", seed, RATES)
    scene_plan.format.height, scene_plan.format.width = height, height * 16 // 9
    return scene_plan


def _frames_at(renderers: list[render.ShotRenderer], wanted: set[int]) -> dict[int, np.ndarray]:
    """Only the frames a grid shows: each frame is a function of its index, so no other frame is rendered."""
    found = {}
    for renderer in renderers:
        shot = renderer.shot
        for k in sorted(k for k in wanted if shot.start_frame <= k < shot.end_frame):
            local = k - shot.start_frame
            found[k] = renderer.render(local, local + 1).frames.cpu().numpy()[0]
    return found


def _row(frames: np.ndarray | dict[int, np.ndarray], indices: list[int]) -> Image.Image:
    first = frames[indices[0]]
    h = first.shape[0] * THUMB_W // first.shape[1]
    row = Image.new("RGB", (THUMB_W * len(indices), h + 16), "black")
    draw = ImageDraw.Draw(row)
    for column, k in enumerate(indices):
        row.paste(Image.fromarray(frames[k]).resize((THUMB_W, h)), (column * THUMB_W, 16))
        draw.text((column * THUMB_W + 4, 2), f"frame {k}", fill="white")
    return row


def sheet(prompt: str, height: int, seed: int) -> Image.Image:
    scene_plan, frames = _frames(prompt, height, seed)
    count = len(frames)
    rows = [_row(frames, [round(i * (count - 1) / 7) for i in range(8)])]
    for cue in scene_plan.sound_cues:
        if render.visible_kind(cue):
            around = [k for k in range(cue.frame - 8, cue.frame + 9, 2) if 0 <= k < count]
            rows.append(_row(frames, around))
    out = Image.new("RGB", (max(r.width for r in rows), sum(r.height for r in rows) + 24), "black")
    ImageDraw.Draw(out).text((4, 4), prompt[:200], fill="white")
    y = 24
    for r in rows:
        out.paste(r, (0, y))
        y += r.height
    return out


def review_grid(prompt: str, event_time_s: float, height: int, seed: int) -> Image.Image:
    scene_plan = _planned(prompt, height, seed)
    count, fps = scene_plan.shots[-1].end_frame, scene_plan.format.fps or 24
    renderers = [render.ShotRenderer(scene_plan, shot, torch.device("cpu")) for shot in scene_plan.shots]
    # the frames the renderer draws an event at (its own fallbacks included), the nearest to the asked time
    cues = [cue.frame for renderer in renderers for cue, _ in renderer._cues]
    event = min(cues, key=lambda f: abs(f - event_time_s * fps)) if cues else round(event_time_s * fps)
    clamp = lambda k: max(0, min(count - 1, k))  # noqa: E731
    shown = [[0, count // 2, count - 1], [clamp(event - 4), clamp(event), clamp(event + 6)]]
    frames = _frames_at(renderers, {k for row in shown for k in row})
    rows = [_row(frames, row) for row in shown]
    out = Image.new("RGB", (rows[0].width, sum(r.height for r in rows)), "black")
    out.paste(rows[0], (0, 0))
    out.paste(rows[1], (0, rows[0].height))
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("prompts", nargs="*")
    parser.add_argument("--review", type=Path, help="labelled JSONL (id, prompt, event_time_s): review grids")
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.review:
        for line in args.review.read_text().splitlines():
            item = json.loads(line)
            path = args.out / f"{item['id']}.png"
            review_grid(item["prompt"], float(item["event_time_s"]), args.height, args.seed).save(path)
            print(path)
    for index, prompt in enumerate(args.prompts):
        path = args.out / f"sheet{index:02d}.png"
        sheet(prompt, args.height, args.seed).save(path)
        print(path)
