"""Wide-angle (barrel) lens distortion, estimated from edges that should be straight (the plumb-line method).

A wide lens close to a face swells its middle and shrinks its edges: the proportions the
identity vector and the appearance are measured from would not be the person's. Rooms
are full of straight edges (doors, windows, shelves, tables); through a barrel lens those
away from the picture's centre bow outwards. The estimate is the radial coefficient k1
that makes the most edge length straight again.

Model: with p the offset from the picture's centre divided by half its diagonal, the
picture at p shows what an ideal lens would show at p·(1 + k1·|p|²). k1 = 0 is no
distortion; barrel distortion is k1 > 0. The person's own outline is masked out: faces
and hair are curved, and their shape is what is being protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

ANALYSIS_WIDTH = 640  # pixels; the estimate is in normalised units, so resolution only sets its precision
_K1_GRID = np.linspace(-0.3, 1.0, 66)
# An edge piece counts if some k1 makes it this straight (RMS distance to its line, analysis pixels)...
_STRAIGHT_PX = 0.8
# ... and its vote saturates this far from straight, so a few odd pieces cannot drag the estimate.
_VOTE_PX = 1.5
_MIN_PIECE_PX = 50
# How much straighter (RMS, analysis px) a piece must be at the estimate than 0.1 away from it to count as evidence.
_TELLING_PX = 0.08
# Direction change (degrees over ±6 px of edge) that splits an edge at a corner; a lens bends far more gently.
_CORNER_DEGREES = 35.0
_CORNER_SPAN = 6
# Edge length (analysis pixels) whose straightness depends on k1 needed before an estimate is trusted.
MIN_EVIDENCE_PX = 300.0


@dataclass(frozen=True)
class LensEstimate:
    k1: float
    evidence_px: float  # length of straight edges whose straightness tells k1 apart; 0 = no estimate

    @property
    def trusted(self) -> bool:
        return self.evidence_px >= MIN_EVIDENCE_PX


def estimate_distortion(
    frames: Sequence[np.ndarray], face_boxes: Sequence[tuple[float, float, float, float] | None]
) -> LensEstimate:
    """k1 over the straight edges of `frames` (RGB), each frame's face box (if any) masked out."""
    pieces: list[np.ndarray] = []
    residual_rows: list[np.ndarray] = []
    for rgb, box in zip(frames, face_boxes, strict=True):
        found, half_diagonal = _edge_pieces(rgb, box)
        pieces.extend(found)
        residual_rows.extend(_residual_by_k1(p) * half_diagonal for p in found)
    if not pieces:
        return LensEstimate(0.0, 0.0)
    residuals = np.array(residual_rows)  # (pieces, k1 values), analysis px
    lengths = np.array([len(p) for p in pieces], np.float64)
    line_like = residuals.min(axis=1) < _STRAIGHT_PX
    if not line_like.any():
        return LensEstimate(0.0, 0.0)
    residuals, lengths = residuals[line_like], lengths[line_like]
    cost = (lengths[:, None] * np.minimum(residuals / _VOTE_PX, 1.0) ** 2).sum(axis=0)
    best = int(np.argmin(cost))
    k1 = float(_K1_GRID[best])
    if 0 < best < len(_K1_GRID) - 1:
        # A parabola through the cost minimum and its neighbours refines k1 between grid steps.
        a, b, c = cost[best - 1], cost[best], cost[best + 1]
        if a - 2 * b + c > 0:
            k1 += float(0.5 * (a - c) / (a - 2 * b + c)) * float(_K1_GRID[1] - _K1_GRID[0])
    # Evidence: pieces straight at the estimate that measurably bend 0.1 away from it (pieces through
    # the centre, or pointing at it, stay straight whatever k1 is and tell nothing).
    at_best = residuals[:, best]
    step = round(0.1 / float(_K1_GRID[1] - _K1_GRID[0]))
    away = np.minimum(residuals[:, max(best - step, 0)], residuals[:, min(best + step, len(_K1_GRID) - 1)])
    telling = (at_best < _STRAIGHT_PX) & (away > at_best + _TELLING_PX)
    return LensEstimate(k1, float(lengths[telling].sum()))


def _edge_pieces(rgb: np.ndarray, face_box: tuple[float, float, float, float] | None) -> tuple[list[np.ndarray], float]:
    """Edge chains split at corners, as points normalised by half the picture diagonal, and that half diagonal."""
    scale = min(1.0, ANALYSIS_WIDTH / rgb.shape[1])
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 40, 120)
    if face_box is not None:
        # The head with its hair: about twice the face box's width, from well above it to below the chin.
        x0, y0, x1, y1 = (v * scale for v in face_box)
        w, h = x1 - x0, y1 - y0
        cv2.rectangle(edges, (int(x0 - 0.6 * w), int(y0 - 1.0 * h)), (int(x1 + 0.6 * w), int(y1 + 0.5 * h)), 0, -1)
    # Where edges meet or cross, cut them apart: pieces should each follow one edge.
    neighbours = cv2.filter2D(
        (edges > 0).astype(np.uint8), -1, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT
    )
    edges[(neighbours > 3) & (edges > 0)] = 0
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    half_diagonal = np.hypot(gray.shape[1], gray.shape[0]) / 2
    center = np.array([gray.shape[1] / 2, gray.shape[0] / 2])
    pieces = []
    for contour in contours:
        points = contour.reshape(-1, 2).astype(np.float64)
        for piece in _split_at_corners(points):
            if np.ptp(piece, axis=0).max() >= _MIN_PIECE_PX:
                pieces.append((piece - center) / half_diagonal)
    return pieces, float(half_diagonal)


def _split_at_corners(points: np.ndarray) -> list[np.ndarray]:
    """Runs of a traced contour between sharp turns (corners, and the turn-back at an open edge's end)."""
    n = len(points)
    if n < 2 * _CORNER_SPAN + 1:
        return []
    before = points[_CORNER_SPAN:-_CORNER_SPAN] - points[: -2 * _CORNER_SPAN]
    after = points[2 * _CORNER_SPAN :] - points[_CORNER_SPAN:-_CORNER_SPAN]
    cosine = (before * after).sum(axis=1) / (np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1) + 1e-9)
    sharp = np.zeros(n, bool)
    sharp[_CORNER_SPAN:-_CORNER_SPAN] = cosine < np.cos(np.radians(_CORNER_DEGREES))
    pieces, start = [], None
    for i, is_sharp in enumerate(sharp):
        if not is_sharp and start is None:
            start = i
        elif is_sharp and start is not None:
            pieces.append(points[start:i])
            start = None
    if start is not None:
        pieces.append(points[start:])
    return pieces


def _residual_by_k1(piece: np.ndarray) -> np.ndarray:
    """RMS distance of the piece's points to their best line after undistorting with each k1, normalised units."""
    r2 = (piece**2).sum(axis=1)
    undistorted = piece[None, :, :] * (1 + _K1_GRID[:, None, None] * r2[None, :, None])
    centred = undistorted - undistorted.mean(axis=1, keepdims=True)
    sxx = (centred[..., 0] ** 2).mean(axis=1)
    syy = (centred[..., 1] ** 2).mean(axis=1)
    sxy = (centred[..., 0] * centred[..., 1]).mean(axis=1)
    # Smallest eigenvalue of the 2×2 covariance: the mean squared distance to the principal line.
    smallest = (sxx + syy) / 2 - np.sqrt(((sxx - syy) / 2) ** 2 + sxy**2)
    # Measured in the picture's terms: undistortion grows the picture by about (1 + k1·r²) around the piece.
    return np.sqrt(np.maximum(smallest, 0.0)) / (1 + _K1_GRID * r2.mean())
