"""The diffusers video backend on a tiny randomly initialised Wan pipeline built and saved offline."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from cinemesh.runtime.config import Settings
from cinemesh.v1 import common_pb2, plan_pb2, video_pb2
from cinemesh.video.backends import DiffusersBackend, TritonVideoBackend, frame_source, scene_prompt
from cinemesh.video.model import VideoModel

WIDTH, HEIGHT, FPS = 160, 90, 8


def two_scene_plan(seed: int = 11) -> common_pb2.ScenePlan:
    return common_pb2.ScenePlan(
        prompt="a fox at the sea",
        format=common_pb2.VideoFormat(width=WIDTH, height=HEIGHT, fps=FPS, frame_count=16),
        seed=seed,
        scenes=[
            common_pb2.Scene(index=0, prompt="a red fox runs through snow", start_frame=0, end_frame=9),
            common_pb2.Scene(index=1, prompt="waves roll onto a beach", start_frame=9, end_frame=16),
        ],
        shots=[
            plan_pb2.Shot(
                index=0,
                scene_index=0,
                start_frame=0,
                end_frame=9,
                style=plan_pb2.Style(style=plan_pb2.VISUAL_STYLE_NOIR),
            ),
            plan_pb2.Shot(index=1, scene_index=1, start_frame=9, end_frame=16),
        ],
    )


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Wan 2.1-shaped pipeline with random weights, written the way a real one is deployed."""
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel
    from transformers import ByT5Tokenizer, UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(
        UMT5Config(d_model=32, d_kv=16, d_ff=64, num_layers=2, num_heads=2, vocab_size=400)
    )  # ByT5's 384 ids fit its vocabulary
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=32,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        rope_max_seq_len=32,
    )
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )
    pipeline = WanPipeline(
        tokenizer=ByT5Tokenizer(),
        text_encoder=text_encoder,
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        transformer=transformer,
    )
    path = tmp_path_factory.mktemp("tiny-wan")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HF_HUB_OFFLINE", "1")
        pipeline.save_pretrained(path)
    return path


class Recorder:
    """Wraps the pipeline to record what each scene asked for and what the model returned."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline, self.calls, self.videos = pipeline, [], []

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        result = self.pipeline(**kwargs)
        self.videos.append(np.asarray(result.frames[0]))
        return result


@pytest.fixture(scope="module")
def backend(model_dir: Path) -> DiffusersBackend:
    return DiffusersBackend(str(model_dir), steps=2, device="cpu", short_side=64)


def test_renders_exactly_the_planned_frames_at_the_plan_size(backend: DiffusersBackend) -> None:
    recorder = Recorder(backend.pipeline)
    backend.pipeline = recorder
    try:
        frames = list(backend.frames(two_scene_plan()))
    finally:
        backend.pipeline = recorder.pipeline
    assert len(frames) == 16
    assert all(f.shape == (HEIGHT, WIDTH, 3) and f.dtype == np.uint8 for f in frames)
    # Native size with the plan's aspect (16:9 → 112×64), and the smallest 4k+1 frame count per scene.
    assert [(c["width"], c["height"], c["num_frames"]) for c in recorder.calls] == [(112, 64, 9), (112, 64, 9)]
    assert "film noir" in recorder.calls[0]["prompt"]
    assert recorder.calls[1]["prompt"] == "waves roll onto a beach"
    # Scene 1 has 7 frames from a 9-frame clip: nearest frame in time, spanning the whole clip.
    raw = recorder.videos[1]
    for frame, index in zip(frames[9:], [0, 1, 3, 4, 5, 7, 8], strict=True):
        assert np.array_equal(frame, backend._resize(raw[index], WIDTH, HEIGHT))
    assert np.abs(frames[8].astype(int) - frames[9].astype(int)).mean() > 0  # the cut changes the picture


def test_renders_are_deterministic_for_a_seed(backend: DiffusersBackend) -> None:
    first = list(backend.frames(two_scene_plan(seed=3)))
    second = list(backend.frames(two_scene_plan(seed=3)))
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    other = list(backend.frames(two_scene_plan(seed=4)))
    assert not np.array_equal(first[0], other[0])


def test_generation_size_and_frame_count(backend: DiffusersBackend) -> None:
    assert backend.generation_size(160, 90) == (112, 64)
    assert backend.generation_size(90, 160) == (64, 112)
    assert [backend.generation_frames(n) for n in (1, 2, 5, 7, 9, 10)] == [1, 5, 5, 9, 9, 13]


@pytest.mark.parametrize("make", ["missing", "empty", "unset"])
def test_a_missing_model_directory_is_a_clear_error(tmp_path: Path, make: str) -> None:
    path = "" if make == "unset" else str(tmp_path / "model")
    if make == "empty":
        Path(path).mkdir()
    with pytest.raises(FileNotFoundError, match=r"model_index\.json") as raised:
        DiffusersBackend(path)
    assert f"video model directory {path!r} is missing" in str(raised.value)


def test_scene_prompt_adds_the_style_of_the_scenes_first_shot() -> None:
    plan = two_scene_plan()
    assert scene_prompt(plan, plan.scenes[0]).startswith("a red fox runs through snow, film noir")
    assert scene_prompt(plan, plan.scenes[1]) == "waves roll onto a beach"


def test_frame_source_follows_the_settings(model_dir: Path) -> None:
    def settings(backend: str) -> Settings:
        return Settings.from_env(
            "video",
            {
                "CINEMESH_VIDEO_BACKEND": backend,
                "CINEMESH_VIDEO_MODEL_DIR": str(model_dir),
                "CINEMESH_VIDEO_STEPS": "2",
                "CINEMESH_TRITON_URL": "127.0.0.1:1",
                "CINEMESH_MODEL_TIMEOUT_SECONDS": "5",
            },
        )

    assert frame_source(settings("embedded")) is None
    diffusers = frame_source(settings("diffusers"))
    assert isinstance(diffusers, DiffusersBackend)
    assert diffusers.steps == 2
    assert isinstance(frame_source(settings("triton")), TritonVideoBackend)


def test_the_video_stage_renders_a_clip_through_the_diffusers_backend(model_dir: Path, tmp_path: Path) -> None:
    settings = Settings.from_env(
        "video",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_VIDEO_BACKEND": "diffusers",
            "CINEMESH_VIDEO_MODEL_DIR": str(model_dir),
            "CINEMESH_VIDEO_STEPS": "2",
            "CINEMESH_VIDEO_SHORT_SIDE": "64",
        },
    )
    scene_plan = two_scene_plan()
    response = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=str(uuid.uuid4()), plan=scene_plan))
    with av.open(response.video.uri.removeprefix("file://")) as container:
        stream = container.streams.video[0]
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(decoded) == scene_plan.format.frame_count == response.frame_count
    assert (stream.width, stream.height) == (scene_plan.format.width, scene_plan.format.height)
