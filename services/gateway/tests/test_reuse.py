"""A remix keeps its source's audio only when the new prompt changes nothing heard; the copy moves the stem refs."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest

from cinemesh.gateway.reuse import AUDIO_TIMELINE, StemReuse
from cinemesh.prompt.server import PromptServicer
from cinemesh.runtime.artifacts import AUDIO_RENDER, STEM_RENDER, ArtifactStore, job_key
from cinemesh.runtime.jobstore import JobRecord, utcnow
from cinemesh.v1 import common_pb2, prompt_pb2_grpc

SOURCE = "5eed0000-0000-4000-8000-00000000000a"
REMIX = "5eed0000-0000-4000-8000-00000000000b"
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


def test_only_a_change_nobody_hears_keeps_the_audio(prompt_address: str, tmp_path: Path) -> None:
    reuse = StemReuse(prompt_address, "rules", ArtifactStore(tmp_path.as_uri()))
    source = _source(PROMPT)
    assert reuse.audio_unchanged(source, _remix(PROMPT.replace("red kite", "blue kite")))
    assert not reuse.audio_unchanged(source, _remix(PROMPT.replace("Hold the string tight.", "Let it go now.")))
    assert not reuse.audio_unchanged(source, _remix(PROMPT.replace("A gull cries at 2 s.", "A gull cries at 3 s.")))
    assert not reuse.audio_unchanged(source, _remix(PROMPT.replace("windy beach", "quiet forest")))
    # Another seed is another sound; another planner may plan differently; no prompt service, no telling.
    other_seed = _remix(PROMPT.replace("red kite", "blue kite"))
    other_seed.seed = 99
    assert not reuse.audio_unchanged(source, other_seed)
    assert not StemReuse(prompt_address, "openai-compatible", reuse._artifacts).audio_unchanged(source, _remix(PROMPT))
    assert not StemReuse("", "rules", reuse._artifacts).audio_unchanged(source, _remix(PROMPT))


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
