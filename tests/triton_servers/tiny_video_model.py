"""A tiny text-to-video model served by a real Triton Inference Server (pytriton), for the backend tests.

Runs in its own virtual environment (pytriton pins numpy < 2), so it imports
nothing from cinemesh. The weights are random, built from a seed at start-up:
nothing is downloaded. The model honours the tensor contract a production
text-to-video model is deployed with (no batching; one clip per request):

  video: PROMPT [1] bytes, NUM_FRAMES [1] int32, HEIGHT [1] int32, WIDTH [1] int32, SEED [1] int64
         → FRAMES [F, H, W, 3] uint8

    python tiny_video_model.py --grpc-port 8001 --http-port 8000 --metrics-port 8002
"""

from __future__ import annotations

import hashlib

import numpy as np
from local_triton import local_triton
from pytriton.model_config import ModelConfig, Tensor

BLOBS = 4
_rng = np.random.default_rng(4321)
# "Text encoder": hashed bag of words → embedding; "decoder" heads: embedding → palette and motion field.
EMBED = _rng.normal(size=(64, 16))
W_PALETTE = _rng.normal(size=(16, 3 * (BLOBS + 2))) / 2  # two background colours + one per blob
W_MOTION = _rng.normal(size=(16, 4 * BLOBS)) / 2  # start (x, y) and velocity (dx, dy) per blob
W_DRIFT = _rng.normal(size=(16, 2)) / 2  # the camera's pan of the background texture


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _embed(prompt: str) -> np.ndarray:
    bag = np.zeros(64)
    for word in prompt.lower().replace(",", " ").split():
        bag[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1
    return np.tanh(bag @ EMBED)


def _render(prompt: str, frames: int, height: int, width: int, seed: int) -> np.ndarray:
    z = _embed(prompt)
    palette = _sigmoid(2 * z @ W_PALETTE).reshape(BLOBS + 2, 3)
    motion = np.tanh(z @ W_MOTION).reshape(BLOBS, 4)
    drift = np.tanh(z @ W_DRIFT) * 0.3
    rng = np.random.default_rng(seed)
    # The seed picks the noise: a texture, and jitter of where the blobs start.
    texture = rng.normal(size=(height // 4 + 2, width // 4 + 2))
    texture = np.kron(texture, np.ones((4, 4)))
    start = (motion[:, :2] + rng.normal(scale=0.3, size=(BLOBS, 2))) * 0.5 + 0.5
    velocity = motion[:, 2:] * 0.6
    yy, xx = np.mgrid[0:height, 0:width]
    y, x = yy / height, xx / width
    gradient = (1 - y)[..., None] * palette[0] + y[..., None] * palette[1]
    radius = 0.12 + 0.05 * _sigmoid(motion[:, 0])
    out = np.empty((frames, height, width, 3), np.uint8)
    for f in range(frames):
        t = f / max(1, frames - 1)
        dy, dx = (drift * f * 4).astype(int)
        picture = gradient + 0.06 * np.roll(texture, (dy, dx), axis=(0, 1))[:height, :width, None]
        for b in range(BLOBS):
            cx, cy = (start[b] + velocity[b] * t) % 1.0
            weight = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius[b] ** 2))[..., None]
            picture = picture * (1 - weight) + palette[2 + b] * weight
        out[f] = np.clip(picture * 255, 0, 255).astype(np.uint8)
    return out


def video(requests: list) -> list[dict[str, np.ndarray]]:
    return [
        {
            "FRAMES": _render(
                r["PROMPT"][0].decode(),
                int(r["NUM_FRAMES"][0]),
                int(r["HEIGHT"][0]),
                int(r["WIDTH"][0]),
                int(r["SEED"][0]),
            )
        }
        for r in requests
    ]


def main() -> None:
    with local_triton() as triton:
        triton.bind(
            model_name="video",
            infer_func=video,
            inputs=[
                Tensor(name="PROMPT", dtype=bytes, shape=(1,)),
                Tensor(name="NUM_FRAMES", dtype=np.int32, shape=(1,)),
                Tensor(name="HEIGHT", dtype=np.int32, shape=(1,)),
                Tensor(name="WIDTH", dtype=np.int32, shape=(1,)),
                Tensor(name="SEED", dtype=np.int64, shape=(1,)),
            ],
            outputs=[Tensor(name="FRAMES", dtype=np.uint8, shape=(-1, -1, -1, 3))],
            config=ModelConfig(batching=False),  # a clip is 4-D already; production video models do not batch
        )
        triton.serve()


if __name__ == "__main__":
    main()
