"""Redraws speaking mouths on decoded frames from the video stage's face tracks.

For each frame of a line, the speaker's resting mouth is painted over with skin
sampled from the face, and a mouth is drawn at the tracked centre: its height
follows the viseme opening (scaled by the face size), its width the viseme
width, foreshortened by the head's yaw. Characters who are not speaking keep the
resting mouth the video stage drew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cinemesh.lipsync.visemes import MouthTrack
from cinemesh.v1 import common_pb2

MOUTH_RGB = np.array([64, 5, 13], dtype=np.float32)  # the dark red of the figures' mouths
TEETH_RGB = np.array([235, 230, 220], dtype=np.float32)


def redraw(frame: np.ndarray, face: common_pb2.FaceFrame, opening: float, width: float) -> None:
    """Draws one mouth into an (H, W, 3) uint8 frame, in place."""
    if not face.visible:
        return
    h, w = frame.shape[:2]
    face_w = face.box_x1 - face.box_x0
    face_h = face.box_y1 - face.box_y0
    half_w = max(1.0, face_w * (0.16 + 0.14 * width) * max(0.3, math.cos(face.yaw)))
    half_h = max(0.6, face_h * 0.11 * opening)
    # the patch we repaint: the resting mouth plus a margin
    x0, x1 = int(max(0, face.mouth_x - face_w * 0.32)), int(min(w, face.mouth_x + face_w * 0.32 + 1))
    y0, y1 = int(max(0, face.mouth_y - face_h * 0.14)), int(min(h, face.mouth_y + face_h * 0.14 + 1))
    if x1 <= x0 or y1 <= y0:
        return
    patch = frame[y0:y1, x0:x1].astype(np.float32)
    # skin: the median of the patch's brighter half (the resting mouth is the dark part)
    luma = patch.sum(axis=-1)
    skin = np.median(patch[luma >= np.median(luma)], axis=0)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    old_mouth = (np.abs(yy - face.mouth_y) <= max(1.5, face.mouth_height)) & (
        np.abs(xx - face.mouth_x) <= face.mouth_width / 2 + 1
    )
    patch[old_mouth] = skin
    inside = ((xx - face.mouth_x) / half_w) ** 2 + ((yy - face.mouth_y) / half_h) ** 2
    coverage = np.clip(1.5 - inside, 0, 1)[..., None]  # soft edge
    colour = np.broadcast_to(MOUTH_RGB, patch.shape).copy()
    teeth = (yy < face.mouth_y - half_h * 0.45) & (inside < 1) & (opening > 0.35)
    colour[teeth] = TEETH_RGB
    patch = patch * (1 - coverage) + colour * coverage
    frame[y0:y1, x0:x1] = np.clip(patch, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class Mouth:
    """One speaking mouth to redraw on one frame."""

    face: common_pb2.FaceFrame
    opening: float  # the viseme shape (embedded backend)
    width: float
    speech_seconds: float  # the moment of speech it shows: the frame's centre, less the line's re-timing delay


def schedule(
    tracks: list[common_pb2.FaceTrack], speaking: list[tuple[str, MouthTrack]], fps: int
) -> dict[int, list[Mouth]]:
    """Frame index → the mouths to draw on it."""
    faces = {t.character_id: {f.frame: f for f in t.frames} for t in tracks}
    plan: dict[int, list[Mouth]] = {}
    for character_id, mouth in speaking:
        for k in range(len(mouth.opening)):
            index = mouth.first + k
            face = faces.get(character_id, {}).get(index)
            if face is not None:
                moment = (index + 0.5) / fps - mouth.delay_seconds
                plan.setdefault(index, []).append(Mouth(face, float(mouth.opening[k]), float(mouth.width[k]), moment))
    return plan
