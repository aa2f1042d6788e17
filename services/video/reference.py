"""A client's `input_reference` image as a style reference: the clip takes on the image's palette.

The Videos API stores the image beside the job (`INPUT_REFERENCE`). The embedded renderer draws its own world, so
it cannot start from the image as a literal first frame; it uses it the way a style image is used: every frame's
colours move toward the image's (Reinhard-style transfer of each channel's mean and spread, in YCbCr so that
brightness and hue move separately). One transform is fitted on the clip's first frame and applied to all of
them, so the whole clip is graded alike and nothing flickers from frame to frame. Black stays black (the grade
fades out below `SHADOW_LUMA`), so letterbox bars and night skies are not tinted.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image

#: How far the grade goes from the render's own colours toward the reference's (1 = all the way).
STRENGTH = 0.7
#: Luma (0–255) under which the grade fades out toward pure black.
SHADOW_LUMA = 48.0
#: Bounds on each channel's spread ratio, so a flat reference or frame does not crush or blow up contrast.
MIN_SCALE, MAX_SCALE = 0.5, 2.0
# Full-range BT.601 RGB → YCbCr (offsets left out: they cancel in the transfer).
_TO_YCC = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], dtype=np.float64)
_FROM_YCC = np.linalg.inv(_TO_YCC)
#: Largest side the reference is read at: its statistics need no more.
_STATS_SIDE = 256

Grade = Callable[[np.ndarray], np.ndarray]


def _stats(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ycc = rgb.reshape(-1, 3).astype(np.float64) @ _TO_YCC.T
    return ycc.mean(axis=0), ycc.std(axis=0)


class PaletteReference:
    """The reference image's colour statistics, and the grade that moves a clip toward them."""

    def __init__(self, rgb: np.ndarray) -> None:
        self.mean, self.std = _stats(rgb)

    @classmethod
    def from_bytes(cls, data: bytes) -> PaletteReference:
        image = Image.open(io.BytesIO(data)).convert("RGB")
        image.thumbnail((_STATS_SIDE, _STATS_SIDE))
        return cls(np.asarray(image))

    def grade_for(self, first_frame: np.ndarray) -> Grade:
        """The grade fitted on a clip's first frame (H×W×3 uint8), as a function of one frame."""
        mean, std = _stats(first_frame)
        scale = np.clip(np.where(std > 1e-6, self.std / np.maximum(std, 1e-6), 1.0), MIN_SCALE, MAX_SCALE)
        # In YCbCr each channel goes to (x − mean)·scale + reference mean; blended by STRENGTH with the identity.
        gain = 1.0 + STRENGTH * (scale - 1.0)
        shift = STRENGTH * (self.mean - mean * scale)
        matrix = (_FROM_YCC @ np.diag(gain) @ _TO_YCC).astype(np.float32)
        offset = (_FROM_YCC @ shift).astype(np.float32)

        luma = _TO_YCC[0].astype(np.float32) / SHADOW_LUMA

        def grade(frame: np.ndarray) -> np.ndarray:
            pixels = frame.reshape(-1, 3).astype(np.float32)
            weight = np.minimum(pixels @ luma, 1.0)[:, None]
            graded = pixels + weight * (pixels @ matrix.T + offset - pixels)
            return np.clip(np.rint(graded), 0, 255).astype(np.uint8).reshape(frame.shape)

        return grade
