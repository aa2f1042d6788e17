"""A tiny audio-driven lip-sync model served by a real Triton Inference Server (pytriton), for the backend tests.

Runs in its own virtual environment (pytriton pins numpy < 2), so it imports
nothing from cinemesh. Its weights are built from a seed at start-up: nothing is
downloaded. It honours the tensor contract a production audio-driven lip-sync
model (Wav2Lip / MuseTalk / LatentSync style) is deployed with, batched:

  lipsync: FACE [96, 96, 3] uint8 (aligned face crop, mouth centre at (48, 67)),
           MEL [80, 16] fp32 (log-mel of the 16 kHz speech, Wav2Lip scale [-4, 4], centred on the frame)
           → SYNCED [96, 96, 3] uint8 (the crop with its mouth re-rendered to the speech)

The "network": the speech's loudness in the window's middle hops, read through
seeded positive band weights, opens the mouth; the balance of high to low bands
(seeded weights of either sign) widens or rounds it. The resting mouth is painted
over with the crop's own skin and the new mouth drawn in its place.

    python tiny_lipsync_model.py --grpc-port 8001 --http-port 8000 --metrics-port 8002
"""

from __future__ import annotations

import numpy as np
from local_triton import local_triton
from pytriton.decorators import batch
from pytriton.model_config import ModelConfig, Tensor

SIZE = 96
MOUTH = (48.0, 67.0)  # (x, y) of the mouth centre in the aligned crop
MEL_BINS, MEL_HOPS = 80, 16
_rng = np.random.default_rng(2024)
# Loudness head: positive weights over the speech bands (the lowest bins, under 100 Hz, carry no voice).
LOUDNESS_W = np.abs(_rng.normal(size=MEL_BINS)) * (np.arange(MEL_BINS) >= 4)
LOUDNESS_W /= LOUDNESS_W.sum()
# Shape head: high bands against low bands → mouth width (an "ee" is wide, an "oo" narrow).
SHAPE_W = _rng.normal(size=MEL_BINS) * np.where(np.arange(MEL_BINS) >= 40, 1.0, -1.0) / MEL_BINS
# The middle four hops (50 ms) of the 16-hop window: the mouth shows the sound of its own moment.
CENTRE = slice(MEL_HOPS // 2 - 2, MEL_HOPS // 2 + 2)
SILENT, LOUD = -2.2, 0.6  # window loudness (Wav2Lip scale) of a closed and of a fully open mouth
MOUTH_RGB = np.array([64, 5, 13], dtype=np.float32)
TEETH_RGB = np.array([235, 230, 220], dtype=np.float32)
_YY, _XX = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _mouth_shape(mel: np.ndarray) -> tuple[float, float]:
    """(opening 0..1, width 0..1) of one [80, 16] window."""
    centre = mel[:, CENTRE].mean(axis=1)
    loudness = float(LOUDNESS_W @ centre)
    opening = float(np.clip((loudness - SILENT) / (LOUD - SILENT), 0.0, 1.0))
    width = float(_sigmoid(4 * SHAPE_W @ (centre - centre.mean())))
    return opening, width


def _redraw(face: np.ndarray, opening: float, width: float) -> np.ndarray:
    crop = face.astype(np.float32)
    mx, my = MOUTH
    # the resting mouth (the dark part around the mouth centre) becomes skin: the median of the brighter half
    region = (np.abs(_XX - mx) <= SIZE * 0.24) & (np.abs(_YY - my) <= SIZE * 0.1)
    luma = crop.sum(axis=-1)
    lower = crop[region]
    skin = np.median(lower[luma[region] >= np.median(luma[region])], axis=0)
    crop[region] = skin
    half_w = SIZE * (0.1 + 0.08 * width)
    half_h = max(0.8, SIZE * 0.11 * opening)
    inside = ((_XX - mx) / half_w) ** 2 + ((_YY - my) / half_h) ** 2
    coverage = np.clip(1.5 - inside, 0.0, 1.0)[..., None]
    colour = np.broadcast_to(MOUTH_RGB, crop.shape).copy()
    colour[(my - half_h * 0.45 > _YY) & (inside < 1) & (opening > 0.35)] = TEETH_RGB
    crop = crop * (1 - coverage) + colour * coverage
    return np.clip(crop, 0, 255).astype(np.uint8)


@batch
def lipsync(FACE: np.ndarray, MEL: np.ndarray) -> dict[str, np.ndarray]:
    out = np.empty_like(FACE)
    for i, (face, mel) in enumerate(zip(FACE, MEL, strict=True)):
        out[i] = _redraw(face, *_mouth_shape(mel))
    return {"SYNCED": out}


def main() -> None:
    with local_triton() as triton:
        triton.bind(
            model_name="lipsync",
            infer_func=lipsync,
            inputs=[
                Tensor(name="FACE", dtype=np.uint8, shape=(SIZE, SIZE, 3)),
                Tensor(name="MEL", dtype=np.float32, shape=(MEL_BINS, MEL_HOPS)),
            ],
            outputs=[Tensor(name="SYNCED", dtype=np.uint8, shape=(SIZE, SIZE, 3))],
            config=ModelConfig(max_batch_size=64),
        )
        triton.serve()


if __name__ == "__main__":
    main()
