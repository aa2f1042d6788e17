"""Where dlib's face models are (the face_recognition_models wheel carries them), and how a picture is handed to dlib.

The package is located on disk, never imported: importing it needs pkg_resources, which recent
setuptools no longer ships.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np


def model_path(name: str) -> Path:
    """The path of one of the wheel's models, e.g. "shape_predictor_68_face_landmarks.dat"."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("face_recognition_models is not installed: it carries dlib's face models")
    return Path(next(iter(spec.submodule_search_locations))) / "models" / name


def dlib_image(rgb: np.ndarray) -> np.ndarray:
    """`rgb` as dlib can read it. A decoded video frame is a strided view (its rows are padded to an aligned
    width); dlib reads such an array right on its first call and finds nothing in it on later calls."""
    return np.ascontiguousarray(rgb)
