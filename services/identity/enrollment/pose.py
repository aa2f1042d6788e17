"""Head pose from 68 landmarks, and the head movements a pose trajectory shows.

Pose: cv2.solvePnP of six landmarks against a generic 3-D face (millimetre-ish units,
nose tip at the origin, +y up, +z out of the face), with a pinhole camera whose focal
length is the picture width. The face's forward axis then gives yaw and pitch in the
picture's terms; `MOVE_SIGNS` turns them into the person's own directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

# Landmark index → generic 3-D position. The "left" eye and mouth corner are the ones on
# the picture's left.
_MODEL_POINTS = {
    30: (0.0, 0.0, 0.0),  # nose tip
    8: (0.0, -330.0, -65.0),  # chin
    36: (-225.0, 170.0, -135.0),  # outer corner of the picture-left eye
    45: (225.0, 170.0, -135.0),  # outer corner of the picture-right eye
    48: (-150.0, -150.0, -125.0),  # picture-left mouth corner
    54: (150.0, -150.0, -125.0),  # picture-right mouth corner
}
_INDICES = list(_MODEL_POINTS)
_MODEL = np.array([_MODEL_POINTS[i] for i in _INDICES], np.float64)

# A move is seen once the head is this far from its frontal pose, and over once it is back within
# RETURN_DEGREES: the gap between the two keeps landmark jitter from splitting or inventing moves.
TURN_DEGREES = 15.0
RETURN_DEGREES = 8.0
# Frames of one excursion beyond TURN_DEGREES in one direction before it counts (at 6 fps, ~1/3 s):
# one stray frame is jitter.
MIN_FRAMES = 2


@dataclass(frozen=True)
class Pose:
    """Degrees. yaw > 0: the nose points to the picture's right; pitch > 0: the nose points up."""

    yaw: float
    pitch: float


def head_pose(landmarks: np.ndarray, frame_width: int, frame_height: int) -> Pose:
    image = landmarks[_INDICES].astype(np.float64)
    focal = float(frame_width)
    camera = np.array([[focal, 0, frame_width / 2], [0, focal, frame_height / 2], [0, 0, 1]], np.float64)
    # Start from a face looking into the camera at a plausible distance: six points of a generic
    # face leave PnP two mirror solutions for pitch, and this start keeps it on the real one.
    eye_span = float(np.linalg.norm(image[3] - image[2]))
    rvec = np.array([[np.pi], [0.0], [0.0]])
    tvec = np.array([[0.0], [0.0], [focal * 450.0 / max(eye_span, 1.0)]])
    ok, rvec, _ = cv2.solvePnP(_MODEL, image, camera, None, rvec, tvec, True, cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return Pose(0.0, 0.0)
    rotation, _ = cv2.Rodrigues(rvec)
    # Where the face looks, in camera coordinates (x right, y down, z away from the camera).
    forward = rotation @ np.array([0.0, 0.0, 1.0])
    yaw = np.degrees(np.arctan2(forward[0], -forward[2]))
    pitch = np.degrees(np.arctan2(-forward[1], -forward[2]))
    return Pose(float(yaw), float(pitch))


# The person's own directions for an unmirrored camera: turning to one's left moves the nose to
# the picture's right (yaw > 0); tilting up moves it up (pitch > 0).
MOVE_SIGNS = {"left": ("yaw", 1.0), "right": ("yaw", -1.0), "up": ("pitch", 1.0), "down": ("pitch", -1.0)}


def movements(poses: Sequence[Pose | None]) -> list[str]:
    """The head movements, in order, in a trajectory of sampled poses (None: no usable face there).

    Angles are taken relative to the recording's median pose: a generic face model reads a
    given person's frontal pose a few degrees off, always the same way.
    """
    known = [p for p in poses if p is not None]
    if not known:
        return []
    rest_yaw = float(np.median([p.yaw for p in known]))
    rest_pitch = float(np.median([p.pitch for p in known]))
    seen: list[str] = []
    # An excursion runs from leaving the frontal pose to coming back to it; within it, frames past
    # the threshold are counted per direction (not necessarily in a row: a held turn wobbles).
    beyond: dict[str, int] = {}
    counted: str | None = None
    for pose in poses:
        if pose is None:
            continue
        offsets = {"yaw": pose.yaw - rest_yaw, "pitch": pose.pitch - rest_pitch}
        if max(abs(v) for v in offsets.values()) <= RETURN_DEGREES:
            beyond, counted = {}, None
            continue
        axis = max(offsets, key=lambda a: abs(offsets[a]))
        if abs(offsets[axis]) < TURN_DEGREES:
            continue
        direction = next(m for m, (a, sign) in MOVE_SIGNS.items() if a == axis and sign * offsets[axis] > 0)
        beyond[direction] = beyond.get(direction, 0) + 1
        if beyond[direction] >= MIN_FRAMES and direction != counted:
            seen.append(direction)
            counted = direction
    return seen
