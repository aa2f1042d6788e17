"""What a cameo looks like, from the landmarks and pixels of frontal frames: skin, hair and proportions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cinemesh.v1 import common_pb2


def proportions(landmarks: np.ndarray) -> tuple[float, float, float]:
    """(face_aspect, eye_spacing, mouth_width) of one frontal face, as CameoAppearance defines them."""
    width = float(np.linalg.norm(landmarks[16] - landmarks[0]))  # jaw, ear to ear at eye level
    brow = (landmarks[19] + landmarks[24]) / 2
    height = float(np.linalg.norm(landmarks[8] - brow))
    eyes = float(np.linalg.norm(landmarks[36:42].mean(axis=0) - landmarks[42:48].mean(axis=0)))
    mouth = float(np.linalg.norm(landmarks[54] - landmarks[48]))
    width = max(width, 1e-6)
    return height / width, eyes / width, mouth / width


def _patch(rgb: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    xa, xb = int(np.clip(min(x0, x1), 0, w)), int(np.clip(max(x0, x1), 0, w))
    ya, yb = int(np.clip(min(y0, y1), 0, h)), int(np.clip(max(y0, y1), 0, h))
    return rgb[ya:yb, xa:xb].reshape(-1, 3)


def skin_and_hair(rgb: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of both cheeks and of the hair just above the forehead, each as (n, 3)."""
    width = float(np.linalg.norm(landmarks[16] - landmarks[0]))
    half = 0.06 * width
    cheeks = []
    # Mid-cheek: halfway between the nose wing and the jaw line at the same height.
    for nose, jaw in ((31, 2), (35, 14)):
        cx, cy = (landmarks[nose] + landmarks[jaw]) / 2
        cheeks.append(_patch(rgb, cx - half, cy - half, cx + half, cy + half))
    brow_y = float(min(landmarks[19][1], landmarks[24][1]))
    face_height = float(landmarks[8][1]) - brow_y
    # The forehead is about half the brow-to-chin height above the brows; hair begins there.
    hair = _patch(
        rgb,
        landmarks[19][0],
        brow_y - 0.75 * face_height,
        landmarks[24][0],
        brow_y - 0.55 * face_height,
    )
    return np.concatenate(cheeks), hair


def _rgb(pixels: np.ndarray) -> common_pb2.Rgb:
    if len(pixels) == 0:
        return common_pb2.Rgb()
    r, g, b = (round(float(v)) for v in np.median(pixels, axis=0))
    return common_pb2.Rgb(r=r, g=g, b=b)


def measure_appearance(
    shapes: Sequence[np.ndarray], samples: Sequence[tuple[np.ndarray, np.ndarray]]
) -> common_pb2.CameoAppearance:
    """Medians of the proportions over `shapes` (68-point landmarks) and of the colours over `samples`.

    `samples` are (rgb, landmarks) pairs of frontal frames, in that picture's pixels.
    """
    ratios = np.median(np.array([proportions(s) for s in shapes]), axis=0)
    skin, hair = [], []
    for rgb, landmarks in samples:
        cheeks, top = skin_and_hair(rgb, landmarks)
        skin.append(cheeks)
        hair.append(top)
    return common_pb2.CameoAppearance(
        skin=_rgb(np.concatenate(skin)) if skin else common_pb2.Rgb(),
        hair=_rgb(np.concatenate(hair)) if hair else common_pb2.Rgb(),
        face_aspect=float(ratios[0]),
        eye_spacing=float(ratios[1]),
        mouth_width=float(ratios[2]),
    )
