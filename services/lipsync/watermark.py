"""A visible, slowly moving watermark: says the video is generated, hard to crop or paint out."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont


class Watermark:
    """Semi-transparent text drifting around the frame on a slow Lissajous path."""

    def __init__(self, text: str, width: int, height: int) -> None:
        size = max(10, height // 30)
        font = ImageFont.load_default(size=size)
        box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
        w, h = box[2] - box[0] + 4, box[3] - box[1] + 4
        image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.text((2 - box[0] + 1, 2 - box[1] + 1), text, font=font, fill=(0, 0, 0, 90))  # shadow
        draw.text((2 - box[0], 2 - box[1]), text, font=font, fill=(255, 255, 255, 110))
        rgba = np.asarray(image, dtype=np.float32) / 255
        self.rgb, self.alpha = rgba[..., :3] * 255, rgba[..., 3:]
        self.w, self.h = w, h
        self.width, self.height = width, height

    def position(self, index: int, fps: float) -> tuple[int, int]:
        t = index / fps
        x = (0.5 + 0.45 * np.sin(t * 0.35)) * (self.width - self.w)
        y = (0.5 + 0.42 * np.sin(t * 0.23 + 1.3)) * (self.height - self.h)
        return int(x), int(y)

    def apply(self, frame: np.ndarray, index: int, fps: float) -> None:
        """Blends the mark into an (H, W, 3) uint8 frame, in place."""
        if self.w > self.width or self.h > self.height:
            return
        x, y = self.position(index, fps)
        region = frame[y : y + self.h, x : x + self.w].astype(np.float32)
        frame[y : y + self.h, x : x + self.w] = (region * (1 - self.alpha) + self.rgb * self.alpha).astype(np.uint8)
