"""A remix keeps each render of its source whose part of the plan the new prompt leaves as it was."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest

from cinemesh.gateway.reuse import AUDIO_TIMELINE, StemReuse
from cinemesh.prompt.server import PromptServicer
from cinemesh.runtime.artifacts import (
    AUDIO_RENDER,
    AUDIO_SOURCE,
    INPUT_REFERENCE,
    STEM_RENDER,
    VIDEO_RENDER,
    VIDEO_STAMP,
    VIDEO_TRACKS,
    ArtifactStore,
    job_key,
)
from cinemesh.runtime.jobstore import JobRecord, utcnow
from cinemesh.runtime.projections import AUDIO_SOURCES
from cinemesh.v1 import common_pb2, prompt_pb2_grpc

SOURCE = "5eed0000-0000-4000-8000-00000000000a"
REMIX = "5eed0000-0000-4000-8000-00000000000b"
OTHER_REMIX = "5eed0000-0000-4000-8000-00000000000c"
PROMPT = 'A red kite over a windy beach at noon. A woman says "Hold the string tight." A gull cries at 2 s.'


@pytest.fixture(scope="module")
def prompt_address() -> Iterator[str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    prompt_pb2_grpc.add_PromptServiceServicer_to_server(PromptServicer({"plus": 16, "pro": 40}, None), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(0)


def _source(prompt: str) -> JobRecord:
    spec = common_pb2.GenerationSpec(prompt=prompt, duration_seconds=4, resolution="480p")
    now = utcnow()
    return JobRecord(
        job_id=SOURCE, account_id="acct", request_id=None, state="completed", tier="pro",
        spec=spec.SerializeToString(), seed=1234, duration_seconds=4.0, credits_reserved=160, credits_charged=160,
        credits_refunded=0, failure_stage=None, failure_reason=None, output_uri=None, output_size_bytes=None,
        created_at=now, updated_at=now, finished_at=now,
    )  # fmt: skip


def _remix(prompt: str) -> common_pb2.GenerationSpec:
    return common_pb2.GenerationSpec(prompt=prompt, duration_seconds=4, resolution="480p", seed=1234)


def test_a_change_only_seen_keeps_every_audio_source_and_no_picture(prompt_address: str, tmp_path: Path) -> None:
    reuse = StemReuse(prompt_address, "rules", ArtifactStore(tmp_path.as_uri()))
    kept = reuse.unchanged(_source(PROMPT), _remix(PROMPT.replace("red kite", "blue kite")))
    assert kept == ["dialogue", "effects", "ambience", "music"]


def test_a_changed_line_keeps_the_pictures_effects_ambience_and_music(prompt_address: str, tmp_path: Path) -> None:
    reuse = StemReuse(prompt_address, "rules", ArtifactStore(tmp_path.as_uri()))
    # Another length moves every span after the line (the cue's among them); what is said is never drawn, and the
    # words that asked for the gull's cry are the same, so only the voice is rendered again.
    for line in ("Let it go now.", "Look, the kite falls into the sea!"):
        kept = reuse.unchanged(_source(PROMPT), _remix(PROMPT.replace("Hold the string tight.", line)))
        assert kept == ["video", "effects", "ambience", "music"], line
    # A diffusion model's frames are not reproducible: its pictures are never kept.
    diffusion = StemReuse(prompt_address, "rules", reuse._artifacts, video_backend="diffusers")
    assert diffusion.unchanged(_source(PROMPT), _remix(PROMPT.replace("Hold the string tight.", "Let it go."))) == [
        "effects",
        "ambience",
        "music",
    ]


def test_a_changed_cue_keeps_the_dialogue_ambience_and_music(prompt_address: str, tmp_path: Path) -> None:
    reuse = StemReuse(prompt_address, "rules", ArtifactStore(tmp_path.as_uri()))
    kept = reuse.unchanged(_source(PROMPT), _remix(PROMPT.replace("A gull cries at 2 s.", "A gull cries at 3 s.")))
    assert kept == ["dialogue", "ambience", "music"]  # the cue's frame can be drawn: the pictures are rendered
    kept = reuse.unchanged(_source(PROMPT), _remix(PROMPT.replace("windy beach", "quiet forest")))
    assert "video" not in kept and "ambience" not in kept


def test_nothing_is_kept_when_it_cannot_be_told(prompt_address: str, tmp_path: Path) -> None:
    reuse = StemReuse(prompt_address, "rules", ArtifactStore(tmp_path.as_uri()))
    assert reuse.unchanged(_source(PROMPT), _remix(PROMPT)) == ["video", "dialogue", "effects", "ambience", "music"]
    # Another seed is another render; another planner may plan differently; no prompt service, no telling.
    other_seed = _remix(PROMPT)
    other_seed.seed = 99
    assert reuse.unchanged(_source(PROMPT), other_seed) == []
    assert (
        StemReuse(prompt_address, "openai-compatible", reuse._artifacts).unchanged(_source(PROMPT), _remix(PROMPT))
        == []
    )
    assert StemReuse("", "rules", reuse._artifacts).unchanged(_source(PROMPT), _remix(PROMPT)) == []


def _write(artifacts: ArtifactStore, key: str, data: bytes, media_type: str) -> common_pb2.ArtifactRef:
    with artifacts.writer(key, media_type) as (path, result):
        path.write_bytes(data)
    return result[0]


def _read(artifacts: ArtifactStore, key: str) -> bytes:
    with artifacts.local_copy(artifacts.url_for(key)) as path:
        return path.read_bytes()


def test_copy_takes_the_pictures_tracks_last_and_only_the_kept_sources(tmp_path: Path) -> None:
    artifacts = ArtifactStore(tmp_path.as_uri())
    reuse = StemReuse("", "rules", artifacts)
    _write(artifacts, job_key(SOURCE, VIDEO_RENDER), b"pictures", "video/mp4")
    _write(artifacts, job_key(SOURCE, VIDEO_STAMP), b"embedded:0123", "text/plain")
    assert reuse.copy(SOURCE, REMIX, ["video"]) == []  # the render has not landed without its tracks
    _write(artifacts, job_key(SOURCE, VIDEO_TRACKS), b"tracks", "application/protobuf")
    for name in AUDIO_SOURCES:
        _write(artifacts, job_key(SOURCE, AUDIO_SOURCE.format(name)), name.encode(), "application/x-npz")
    assert reuse.copy(SOURCE, REMIX, ["video", "effects", "music"]) == ["video", "effects", "music"]
    assert _read(artifacts, job_key(REMIX, VIDEO_RENDER)) == b"pictures"
    assert _read(artifacts, job_key(REMIX, VIDEO_TRACKS)) == b"tracks"
    assert _read(artifacts, job_key(REMIX, VIDEO_STAMP)) == b"embedded:0123"
    assert _read(artifacts, job_key(REMIX, AUDIO_SOURCE.format("music"))) == b"music"
    assert not artifacts.exists(job_key(REMIX, AUDIO_SOURCE.format("dialogue")))
    assert not artifacts.exists(job_key(REMIX, AUDIO_RENDER))
    # Pictures graded toward the source's reference image are the remix's too: the gateway carries the reference.
    _write(artifacts, job_key(SOURCE, INPUT_REFERENCE), b"png", "image/png")
    assert reuse.copy(SOURCE, OTHER_REMIX, ["video"]) == ["video"]


def test_copy_moves_master_stems_and_the_timeline_refs_to_the_remix(tmp_path: Path) -> None:
    artifacts = ArtifactStore(tmp_path.as_uri())
    reuse = StemReuse("", "rules", artifacts)
    assert not reuse.copy_audio(SOURCE, REMIX)  # no render to copy yet
    timeline = common_pb2.AudioTimeline()
    for name in ("dialogue", "effects"):
        with artifacts.writer(job_key(SOURCE, STEM_RENDER.format(name)), "audio/wav") as (path, result):
            path.write_bytes(f"{name} samples".encode())
        getattr(timeline, f"{name}_stem").CopyFrom(result[0])
    with artifacts.writer(job_key(SOURCE, AUDIO_TIMELINE), "application/protobuf") as (path, _):
        path.write_bytes(timeline.SerializeToString())
    with artifacts.writer(job_key(SOURCE, AUDIO_RENDER), "audio/wav") as (path, _):
        path.write_bytes(b"master samples")
    assert reuse.copy_audio(SOURCE, REMIX)
    with artifacts.local_copy(artifacts.url_for(job_key(REMIX, AUDIO_TIMELINE))) as path:
        copied = common_pb2.AudioTimeline.FromString(path.read_bytes())
    assert copied.dialogue_stem.uri == artifacts.url_for(job_key(REMIX, "stems/dialogue.wav"))
    assert copied.effects_stem.uri == artifacts.url_for(job_key(REMIX, "stems/effects.wav"))
    assert copied.dialogue_stem.sha256 == timeline.dialogue_stem.sha256 and not copied.music_stem.uri
    with artifacts.local_copy(copied.effects_stem.uri) as path:
        assert path.read_bytes() == b"effects samples"
    with artifacts.local_copy(artifacts.url_for(job_key(REMIX, AUDIO_RENDER))) as path:
        assert path.read_bytes() == b"master samples"
