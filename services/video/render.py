"""Embedded frame renderer: a procedural landscape seen by a panning camera.

Honours the plan's frame size, rate and exact frame count and its scene cuts;
every scene gets its own palette and terrain from the seed, layered for
parallax, with the scene's prompt burned in as a caption. Layers are built once
per scene and each frame only slices and composites them, so cost per frame is
a few array copies.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cinemesh.v1 import common_pb2

#: Fraction of the frame width the near layer travels over a scene.
_PAN = 0.6


def _rng(seed: int, scene: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{scene}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _ridge(width: int, height: int, rng: np.random.Generator, base: float, amplitude: float) -> np.ndarray:
    """Row index of a terrain silhouette for every column (sum of random sines)."""
    x = np.arange(width, dtype=np.float32) / height
    y = np.full(width, base * height, dtype=np.float32)
    for octave in range(1, 5):
        y += (amplitude * height / octave) * np.sin(
            x * rng.uniform(1.5, 3.0) * octave * np.pi + rng.uniform(0, 2 * np.pi)
        )
    return y


def _caption(text: str, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """RGB and alpha of the caption band (bottom of the frame)."""
    size = max(12, height // 28)
    font = ImageFont.load_default(size=size)
    lines = textwrap.wrap(text, width=max(20, int(width / (size * 0.55))))[:3]
    band = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(band)
    line_height = int(size * 1.3)
    top = height - line_height * len(lines) - size
    if lines:
        draw.rectangle([0, top - size // 2, width, height], fill=(0, 0, 0, 110))
    for i, line in enumerate(lines):
        draw.text((width // 2, top + i * line_height), line, font=font, fill=(255, 255, 255, 235), anchor="mt")
    rgba = np.asarray(band, dtype=np.float32) / 255.0
    return rgba[..., :3], rgba[..., 3:]


class SceneLayers:
    """A scene's layers, built once: sky, far and near terrain (wider than the frame), caption."""

    def __init__(self, scene: common_pb2.Scene, fmt: common_pb2.VideoFormat, seed: int) -> None:
        w, h = fmt.width, fmt.height
        rng = _rng(seed, scene.index)
        self.width, self.height = w, h
        self.frames = max(1, scene.end_frame - scene.start_frame)
        hue = rng.uniform(0, 1)
        top = np.array(_hsv(hue, 0.55, 0.55), dtype=np.float32)
        horizon = np.array(_hsv((hue + 0.08) % 1, 0.35, 0.95), dtype=np.float32)
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        sky = top * (1 - t) + horizon * t
        self.sky = np.broadcast_to(sky, (h, w, 3)).copy()
        # sun
        cy, cx, r = h * rng.uniform(0.2, 0.4), w * rng.uniform(0.2, 0.8), h * 0.07
        yy, xx = np.mgrid[0:h, 0:w]
        glow = np.clip(1.2 - np.hypot(yy - cy, xx - cx) / r, 0, 1)[..., None].astype(np.float32)
        self.sky = self.sky * (1 - glow) + np.array([1.0, 0.95, 0.8], np.float32) * glow
        self.far = self._terrain(rng, w + int(w * _PAN * 0.4) + 2, 0.55, 0.08, _hsv((hue + 0.5) % 1, 0.3, 0.45))
        self.near = self._terrain(rng, w + int(w * _PAN) + 2, 0.75, 0.06, _hsv((hue + 0.35) % 1, 0.5, 0.25))
        self.caption_rgb, self.caption_alpha = _caption(scene.prompt, w, h)

    def _terrain(
        self, rng: np.random.Generator, width: int, base: float, amplitude: float, color: tuple[float, float, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        ridge = _ridge(width, self.height, rng, base, amplitude)
        rows = np.arange(self.height, dtype=np.float32)[:, None]
        mask = np.clip(rows - ridge[None, :] + 0.5, 0, 1)[..., None]  # anti-aliased edge
        shade = (0.75 + 0.25 * (1 - rows / self.height))[..., None]
        rgb = np.array(color, np.float32) * shade
        return np.broadcast_to(rgb, (self.height, width, 3)).astype(np.float32), mask.astype(np.float32)

    def frame(self, i: int) -> np.ndarray:
        progress = i / max(1, self.frames - 1)
        out = self.sky.copy()
        for (rgb, mask), travel in ((self.far, _PAN * 0.4), (self.near, _PAN)):
            x0 = round(progress * travel * self.width)
            m = mask[:, x0 : x0 + self.width]
            out = out * (1 - m) + rgb[:, x0 : x0 + self.width] * m
        out = out * (1 - self.caption_alpha) + self.caption_rgb * self.caption_alpha
        return (np.clip(out, 0, 1) * 255).astype(np.uint8)


def _hsv(h: float, s: float, v: float) -> tuple[float, float, float]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    return [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]


def frames(plan: common_pb2.ScenePlan) -> Iterator[np.ndarray]:
    """Every frame of the plan in order, as HxWx3 uint8 RGB; exactly frame_count of them."""
    for scene in plan.scenes:
        layers = SceneLayers(scene, plan.format, plan.seed)
        for i in range(scene.end_frame - scene.start_frame):
            yield layers.frame(i)
