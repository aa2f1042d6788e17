"""How visible an extension's seam is: planned from the new words alone (old) vs carried on from the source (new).

For each case (a pan, a tracking shot, a static shot of two people, a storm) and seed, the source and its
continuation are rendered with the embedded renderer and the audio stage's soundtrack, each written as an MP4, and
stitched as the gateway stitches them (`cinemesh.gateway.stitch`). The continuation is planned twice: the old way,
from the new prompt alone under the source's seed, and the new way, with the source's spec in
`GenerationSpec.continues`. On the stitched file: the colour step at the seam (the largest change over R, G, B of
the frame's mean colour, 8-bit levels from the last source frame to the first continuation frame) and the
luminance step (the change of the mean BT.601 luma), each divided by the p95 of the same step between ordinary
consecutive frames of that file (a ratio near or below 1: the seam is an ordinary frame step); and the sound's
largest sample step within 5 ms of the seam over the p99.9 of all its sample steps. `--sheets DIR` writes, per
case of the first seed, a contact sheet of the 4 frames before and the 4 after the seam (top row old, bottom new).

    .venv/bin/python benchmarks/extension_seam.py [--seeds 2] [--seconds 2] [--sheets DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image
from report import figure

from cinemesh.audio import soundtrack
from cinemesh.audio.speech import Speaker
from cinemesh.gateway.stitch import SAMPLE_RATE, stitch
from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.video import render

RATES = {"plus": 16, "pro": 40}
RESOLUTION = "480p"
#: (name, the source's prompt, the extension's prompt): none of them names a line, so no voice is rendered.
CASES = (
    ("pan", "Panning shot across a fishing harbor at dawn, boats moored along the quay.", "The water ripples."),
    ("tracking", "Tracking shot of a cyclist riding along a forest road.", "He rides on, pedalling hard."),
    ("two people", "An old man and a young woman sit on a park bench at sunset.", "The woman laughs, the man nods."),
    ("storm", "A thunderstorm over a wheat field at night, lightning flashes.", "The rain gets heavier."),
)
LUMA = np.array([0.299, 0.587, 0.114])
SHEET_FRAMES = 4


class _NoSpeech:
    """The cases say no line: a speech backend that is never asked for one."""

    sample_rate = 22_050

    def synthesize(self, text: str, length_scale: float, seed: int) -> tuple[np.ndarray, list[tuple[str, int]]]:
        raise AssertionError(f"the benchmark's prompts say no line, yet one was asked for: {text!r}")


@dataclass
class Seam:
    colour: float  # seam colour step / p95 of ordinary colour steps
    luma: float  # seam luminance step / p95 of ordinary luminance steps
    sound: float  # largest sample step within 5 ms of the seam / p99.9 of all sample steps
    frames: np.ndarray  # the SHEET_FRAMES frames on each side of the seam


def write_mp4(scene_plan: common_pb2.ScenePlan, path: Path) -> None:
    """The plan's pictures (embedded renderer) and its mix (audio stage, no voices) as an H.264 + AAC MP4."""
    fmt = scene_plan.format
    master = soundtrack.render(scene_plan, Speaker(_NoSpeech()), -16.0).master.astype(np.float32)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fmt.fps)
        video.width, video.height, video.pix_fmt = fmt.width, fmt.height, "yuv420p"
        video.options = {"crf": "16", "preset": "veryfast"}
        audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        for _, batch, _ in render.frames(scene_plan):
            for rgb in batch.numpy():
                out.mux(video.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")))
        out.mux(video.encode(None))
        for start in range(0, master.shape[1], 1024):
            chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(master[:, start : start + 1024]), format="fltp")
            chunk.sample_rate, chunk.pts, chunk.time_base = SAMPLE_RATE, start, Fraction(1, SAMPLE_RATE)
            out.mux(audio.encode(chunk))
        out.mux(audio.encode(None))


def measure(stitched: Path, seam_frame: int, fps: int) -> Seam:
    """The seam's steps on the stitched file, each over the same step between ordinary consecutive frames."""
    with av.open(str(stitched)) as container:
        pictures = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    means = np.array([picture.mean(axis=(0, 1)) for picture in pictures])
    colour = np.abs(np.diff(means, axis=0)).max(axis=1)
    luma = np.abs(np.diff(means @ LUMA))
    at = seam_frame - 1  # the step from the last source frame to the first continuation frame

    def ratio(steps: np.ndarray) -> float:
        return float(steps[at] / max(np.percentile(np.delete(steps, at), 95), 1e-3))

    with av.open(str(stitched)) as container:
        sound = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    jumps, centre, window = np.abs(np.diff(sound)), round(seam_frame / fps * SAMPLE_RATE), SAMPLE_RATE // 200
    near = jumps[centre - window : centre + window].max() / np.percentile(jumps, 99.9)
    frames = np.stack(pictures[seam_frame - SHEET_FRAMES : seam_frame + SHEET_FRAMES])
    return Seam(ratio(colour), ratio(luma), float(near), frames)


def seam_of(source: common_pb2.ScenePlan, extension: common_pb2.ScenePlan, work: Path, name: str) -> Seam:
    first, second, whole = work / f"{name}-source.mp4", work / f"{name}-extension.mp4", work / f"{name}.mp4"
    if not first.exists():
        write_mp4(source, first)
    write_mp4(extension, second)
    stitch(first, second, whole)
    return measure(whole, source.format.frame_count, source.format.fps)


def contact_sheet(old: np.ndarray, new: np.ndarray, path: Path) -> None:
    """Top row: the old seam's frames; bottom row: the new one's; the seam falls between the 4th and 5th."""
    rows = [np.concatenate([frame[::2, ::2] for frame in frames], axis=1) for frames in (old, new)]
    gap = np.full((8, rows[0].shape[1], 3), 255, np.uint8)
    Image.fromarray(np.concatenate([rows[0], gap, rows[1]])).save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2, help="seeds per case")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of the source and of its extension")
    parser.add_argument("--sheets", type=Path, default=None, help="folder for contact sheets of the first seed")
    args = parser.parse_args()
    old_colour, new_colour, old_luma, new_luma, old_sound, new_sound = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, source_prompt, prompt in CASES:
            for seed in range(1, args.seeds + 1):
                source_spec = common_pb2.GenerationSpec(
                    prompt=source_prompt, duration_seconds=args.seconds, resolution=RESOLUTION, seed=seed
                )
                spec = common_pb2.GenerationSpec(
                    prompt=prompt, duration_seconds=args.seconds, resolution=RESOLUTION, seed=seed
                )
                source = plan(source_spec, "plus", seed, RATES)
                old = seam_of(source, plan(spec, "plus", seed, RATES), work, f"{name}-{seed}")
                spec.continues.CopyFrom(source_spec)
                new = seam_of(source, plan(spec, "plus", seed, RATES), work, f"{name}-{seed}")
                print(
                    f"{name:<11} seed {seed}: colour step/p95 old {old.colour:6.2f} new {new.colour:5.2f}; "
                    f"luma step/p95 old {old.luma:6.2f} new {new.luma:5.2f}; "
                    f"sound step/p99.9 old {old.sound:4.2f} new {new.sound:4.2f}",
                    flush=True,
                )
                old_colour.append(old.colour)
                new_colour.append(new.colour)
                old_luma.append(old.luma)
                new_luma.append(new.luma)
                old_sound.append(old.sound)
                new_sound.append(new.sound)
                if args.sheets is not None and seed == 1:
                    args.sheets.mkdir(parents=True, exist_ok=True)
                    contact_sheet(old.frames, new.frames, args.sheets / f"{name.replace(' ', '_')}.png")
    print(f"{len(old_colour)} seams ({len(CASES)} cases x {args.seeds} seeds), {args.seconds:g} s + {args.seconds:g} s")
    colour = f"{statistics.median(old_colour):.2f} old vs {statistics.median(new_colour):.2f} new"
    luma = f"{statistics.median(old_luma):.2f} old vs {statistics.median(new_luma):.2f} new"
    sound = f"{statistics.median(old_sound):.2f} old vs {statistics.median(new_sound):.2f} new"
    print(f"median seam colour step/p95: {colour}; luma step/p95: {luma}; sound step/p99.9: {sound}")
    figure("extension seam colour step / p95 frame step (median)", colour)
    figure("extension seam luminance step / p95 frame step (median)", luma)
    figure("extension seam sound step / p99.9 sample step (median)", sound)


if __name__ == "__main__":
    main()
