"""Production video backends: a text-to-video diffusion model, in-process (diffusers) or on Triton.

Both are frame sources the video stage can use in place of the embedded
renderer, chosen by CINEMESH_VIDEO_BACKEND; each honours the plan exactly —
frame count, frame size and the scene cuts — so nothing downstream changes.
Each scene is one generation from its own prompt and seed. Triton contract:

  video: PROMPT [1] bytes, NUM_FRAMES [1] int32, HEIGHT [1] int32, WIDTH [1] int32, SEED [1] int64
         → FRAMES [F, H, W, 3] uint8 (F = NUM_FRAMES, H = HEIGHT, W = WIDTH)
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from cinemesh.runtime.config import Settings
from cinemesh.runtime.triton import TritonModel
from cinemesh.v1 import common_pb2, plan_pb2

#: A few prompt words per visual style; text-to-video models respond to such tags.
STYLE_WORDS = {
    plan_pb2.VISUAL_STYLE_CINEMATIC: "cinematic, dramatic lighting, shallow depth of field",
    plan_pb2.VISUAL_STYLE_DOCUMENTARY: "documentary footage, natural light, handheld camera",
    plan_pb2.VISUAL_STYLE_HYPER_REALISTIC: "hyper-realistic, photorealistic, highly detailed",
    plan_pb2.VISUAL_STYLE_ANIME: "anime style, cel shading, vibrant colors",
    plan_pb2.VISUAL_STYLE_NOIR: "film noir, black and white, high contrast, hard shadows",
    plan_pb2.VISUAL_STYLE_VINTAGE_FILM: "vintage film, film grain, faded colors",
}


class FrameSource(Protocol):
    """A plan → exactly format.frame_count RGB frames (height, width, 3) uint8, scene by scene."""

    def frames(self, plan: common_pb2.ScenePlan) -> Iterator[np.ndarray]: ...


def scene_prompt(plan: common_pb2.ScenePlan, scene: common_pb2.Scene) -> str:
    """The scene's prompt with the style words of its first shot."""
    style = next((shot.style.style for shot in plan.shots if shot.scene_index == scene.index), 0)
    words = STYLE_WORDS.get(style)
    return f"{scene.prompt}, {words}" if words else scene.prompt


def scene_seed(plan: common_pb2.ScenePlan, scene: common_pb2.Scene) -> int:
    """A per-scene seed in [0, 2**63), so equal prompts in two scenes still differ and it fits an int64."""
    return (plan.seed + scene.index) % 2**63


class DiffusersBackend:
    """A text-to-video diffusers pipeline (Wan, LTX-Video, CogVideoX…) loaded from a local directory.

    Each scene is generated at the model's own resolution (`short_side` pixels on
    the short side, the plan's aspect ratio, sizes the model accepts) and the
    smallest frame count the model accepts that covers the scene, then resampled
    to the scene's exact frame count and resized to the plan's frame size.
    """

    def __init__(
        self,
        model_dir: str | Path,
        steps: int = 30,
        guidance: float = 5.0,
        device: str | None = None,
        short_side: int = 480,
    ) -> None:
        import torch
        from diffusers import DiffusionPipeline

        path = Path(model_dir)
        if not str(model_dir) or not (path / "model_index.json").is_file():  # Path("") would be the working dir
            raise FileNotFoundError(
                f"video model directory {str(model_dir)!r} is missing or has no model_index.json "
                "(set CINEMESH_VIDEO_MODEL_DIR to a diffusers pipeline saved with save_pretrained)"
            )
        self._torch = torch
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
        # local_files_only: a production render never reaches for the hub (HF_HUB_OFFLINE semantics).
        self.pipeline: Any = DiffusionPipeline.from_pretrained(str(path), dtype=dtype, local_files_only=True)
        self.pipeline.to(self.device)
        self.pipeline.set_progress_bar_config(disable=True)
        self.pipeline_class = json.loads((path / "model_index.json").read_text())["_class_name"]
        self.steps, self.guidance, self.short_side = steps, guidance, short_side
        self._accepts = set(inspect.signature(self.pipeline.__call__).parameters)
        # Wan and CogVideoX accept 4k+1 frames (LTX 8k+1); sizes in multiples of VAE stride × patch.
        self.temporal_stride = int(
            getattr(self.pipeline, "vae_scale_factor_temporal", 0)
            or getattr(self.pipeline, "vae_temporal_compression_ratio", 0)
            or 4
        )
        spatial = int(
            getattr(self.pipeline, "vae_scale_factor_spatial", 0)
            or getattr(self.pipeline, "vae_spatial_compression_ratio", 0)
            or 8
        )
        patch = getattr(self.pipeline.transformer.config, "patch_size", 1)
        patch = int(patch[-1]) if isinstance(patch, list | tuple) else int(patch or 1)
        self.size_multiple = max(16, spatial * patch)

    def generation_size(self, width: int, height: int) -> tuple[int, int]:
        """(width, height) to generate at: `short_side` on the short side, the plan's aspect, valid multiples."""
        scale = self.short_side / min(width, height)
        m = self.size_multiple
        return max(m, round(width * scale / m) * m), max(m, round(height * scale / m) * m)

    def generation_frames(self, needed: int) -> int:
        """The smallest frame count the model accepts (stride·k + 1) that is at least `needed`."""
        k = max(0, -(-(needed - 1) // self.temporal_stride))
        return self.temporal_stride * k + 1

    def frames(self, plan: common_pb2.ScenePlan) -> Iterator[np.ndarray]:
        fmt = plan.format
        gen_width, gen_height = self.generation_size(fmt.width, fmt.height)
        for scene in plan.scenes:
            count = scene.end_frame - scene.start_frame
            video = self._generate(
                scene_prompt(plan, scene),
                scene_seed(plan, scene),
                self.generation_frames(count),
                gen_width,
                gen_height,
                fmt.fps,
            )
            # Nearest frame in time: the clip's span maps onto the scene's span, so cuts stay on the planned frames.
            picks = np.minimum(((np.arange(count) + 0.5) * len(video) / count).astype(int), len(video) - 1)
            for index in picks:
                yield self._resize(video[index], fmt.width, fmt.height)

    def _generate(self, prompt: str, seed: int, num_frames: int, width: int, height: int, fps: int) -> np.ndarray:
        """(F, H, W, 3) float in [0, 1]."""
        # A CPU generator gives the same noise, hence the same video, whatever the device.
        generator = self._torch.Generator("cpu").manual_seed(seed)
        extra = {"frame_rate": fps} if "frame_rate" in self._accepts else {}  # LTX conditions its RoPE on it
        with self._torch.inference_mode():
            result = self.pipeline(
                prompt=prompt,
                num_frames=num_frames,
                height=height,
                width=width,
                num_inference_steps=self.steps,
                guidance_scale=self.guidance,
                generator=generator,
                output_type="np",
                **extra,
            )
        video = np.asarray(result.frames[0], dtype=np.float32)
        if video.ndim != 4 or video.shape[-1] != 3 or len(video) == 0:
            raise RuntimeError(f"{self.pipeline_class} returned frames of shape {video.shape}, expected (F, H, W, 3)")
        return video

    def _resize(self, frame: np.ndarray, width: int, height: int) -> np.ndarray:
        torch = self._torch
        tensor = torch.from_numpy(np.ascontiguousarray(frame)).permute(2, 0, 1)[None]
        resized = torch.nn.functional.interpolate(
            tensor, size=(height, width), mode="bilinear", antialias=True, align_corners=False
        )
        return (resized[0].permute(1, 2, 0).clamp(0, 1) * 255).round().to(torch.uint8).numpy()


class TritonVideoBackend:
    """A text-to-video model on Triton, asked for each scene at the plan's exact size and frame count."""

    def __init__(self, model: TritonModel) -> None:
        self._model = model

    def frames(self, plan: common_pb2.ScenePlan) -> Iterator[np.ndarray]:
        fmt = plan.format
        for scene in plan.scenes:
            count = scene.end_frame - scene.start_frame
            out = self._model.infer(
                {
                    "PROMPT": np.array([scene_prompt(plan, scene).encode()], dtype=object),
                    "NUM_FRAMES": np.array([count], dtype=np.int32),
                    "HEIGHT": np.array([fmt.height], dtype=np.int32),
                    "WIDTH": np.array([fmt.width], dtype=np.int32),
                    "SEED": np.array([scene_seed(plan, scene)], dtype=np.int64),
                },
                ["FRAMES"],
            )
            frames = out["FRAMES"]
            expected = (count, fmt.height, fmt.width, 3)
            if frames.shape != expected or frames.dtype != np.uint8:
                raise RuntimeError(
                    f"Triton video model {self._model.model!r} returned FRAMES {frames.dtype} {frames.shape} "
                    f"for scene {scene.index}, expected uint8 {expected}"
                )
            yield from frames


def frame_source(settings: Settings) -> FrameSource | None:
    """The configured production backend, or None for the embedded renderer."""
    if settings.video_backend == "diffusers":
        return DiffusersBackend(
            settings.video_model_dir, steps=settings.video_steps, short_side=settings.video_short_side
        )
    if settings.video_backend == "triton":
        return TritonVideoBackend(
            TritonModel(settings.triton_url, settings.video_triton_model, settings.model_timeout_seconds)
        )
    return None
