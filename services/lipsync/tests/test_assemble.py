"""Final assembly: the two renders become one faststart MP4 with H.264 video and 48 kHz AAC audio."""

from __future__ import annotations

import hashlib
import struct
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest
from support import for_job

from cinemesh.audio.model import AudioModel, write_wav
from cinemesh.audio.soundtrack import sample_count
from cinemesh.audio.speech import SAMPLE_RATE
from cinemesh.lipsync import provenance
from cinemesh.lipsync.assemble import assemble, read_wav
from cinemesh.lipsync.model import LipSyncModel
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument
from cinemesh.v1 import audio_pb2, common_pb2, lipsync_pb2, plan_pb2, video_pb2
from cinemesh.video.model import VideoModel

WIDTH, HEIGHT = 160, 90


def _tone(frames: int, fps: int) -> np.ndarray:
    """A stereo 440 Hz tone exactly `frames` video frames long."""
    t = np.arange(sample_count(frames, fps)) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return np.stack([tone, tone])


@dataclass(frozen=True)
class Renders:
    job_id: str
    settings: Settings
    plan: common_pb2.ScenePlan
    video: common_pb2.ArtifactRef
    audio: common_pb2.ArtifactRef
    video_path: Path
    audio_path: Path


def one_second_plan(fps: int, seed: int = 5) -> common_pb2.ScenePlan:
    return common_pb2.ScenePlan(
        prompt="a lighthouse at night",
        format=common_pb2.VideoFormat(width=WIDTH, height=HEIGHT, fps=fps, frame_count=fps),
        duration_seconds=1.0,
        seed=seed,
        scenes=[common_pb2.Scene(index=0, prompt="a lighthouse at night", start_frame=0, end_frame=fps)],
        shots=[
            plan_pb2.Shot(
                index=0,
                scene_index=0,
                start_frame=0,
                end_frame=fps,
                environment=plan_pb2.Environment(
                    location=plan_pb2.LOCATION_BEACH, time_of_day=plan_pb2.TIME_OF_DAY_NIGHT
                ),
            )
        ],
    )


def make_renders(state_dir: Path, fps: int) -> Renders:
    settings = Settings.from_env("lipsync", {"CINEMESH_STATE_DIR": str(state_dir)})
    plan = one_second_plan(fps)
    job_id = str(uuid.uuid4())
    video = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=plan)).video
    audio = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=job_id, plan=plan)).audio
    jobs = state_dir / "artifacts" / "jobs" / job_id
    return Renders(job_id, settings, plan, video, audio, jobs / "video.mp4", jobs / "audio.wav")


@pytest.fixture(scope="module", params=[24, 30])
def renders(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Renders:
    return make_renders(tmp_path_factory.mktemp(f"renders{request.param}"), request.param)


def top_level_atoms(path: Path) -> list[str]:
    data = path.read_bytes()
    atoms, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
        elif size == 0:
            size = len(data) - offset
        assert size >= 8, f"corrupt atom at {offset}"
        atoms.append(kind.decode("latin-1"))
        offset += size
    assert offset == len(data), "atoms do not tile the file"
    return atoms


def test_assemble_muxes_h264_and_aac(renders: Renders, tmp_path: Path) -> None:
    fps = renders.plan.format.fps
    out = tmp_path / "final.mp4"
    seconds = assemble(renders.video_path, renders.audio_path, out)
    assert seconds == pytest.approx(1.0)
    with av.open(str(out)) as container:
        assert len(container.streams.video) == 1
        assert len(container.streams.audio) == 1
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert (video.codec_context.width, video.codec_context.height) == (WIDTH, HEIGHT)
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == SAMPLE_RATE
        assert audio.codec_context.channels == 2
        video_seconds = float(video.duration * video.time_base)
        audio_seconds = float(audio.duration * audio.time_base)
    assert video_seconds == pytest.approx(1.0, abs=1e-6)
    assert abs(audio_seconds - video_seconds) <= 1 / fps
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == fps
    with av.open(str(out)) as container:
        decoded_samples = sum(frame.samples for frame in container.decode(audio=0))
    assert abs(decoded_samples - SAMPLE_RATE) <= SAMPLE_RATE / fps


def test_assemble_copies_video_packets_unchanged(renders: Renders, tmp_path: Path) -> None:
    out = tmp_path / "final.mp4"
    assemble(renders.video_path, renders.audio_path, out)

    def payloads(path: Path) -> list[bytes]:
        with av.open(str(path)) as container:
            return [bytes(p) for p in container.demux(video=0) if p.size]

    assert payloads(out) == payloads(renders.video_path)


def test_output_is_faststart(renders: Renders, tmp_path: Path) -> None:
    out = tmp_path / "final.mp4"
    assemble(renders.video_path, renders.audio_path, out)
    atoms = top_level_atoms(out)
    assert atoms[0] == "ftyp"
    assert "moov" in atoms
    assert "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat"), atoms


def test_the_video_render_itself_is_not_faststart(renders: Renders) -> None:
    # Guards the test above: the parser does see moov after mdat when it is there.
    atoms = top_level_atoms(renders.video_path)
    assert atoms.index("moov") > atoms.index("mdat"), atoms


def test_audio_of_the_wrong_length_is_refused(renders: Renders, tmp_path: Path) -> None:
    fps = renders.plan.format.fps
    long_audio = _tone(fps * 3 // 2, fps)  # 1.5 s against 1 s of video
    wav = tmp_path / "long.wav"
    write_wav(str(wav), long_audio)
    out = tmp_path / "final.mp4"
    with pytest.raises(FailedPrecondition) as raised:
        assemble(renders.video_path, wav, out)
    message = raised.value.message
    assert "audio lasts 1.500 s but video 1.000 s" in message
    assert f"{fps} frames at {fps} fps" in message
    assert not out.exists()


def test_audio_within_one_frame_is_accepted(renders: Renders, tmp_path: Path) -> None:
    fps = renders.plan.format.fps
    audio = _tone(fps, fps)
    extra = np.zeros((2, SAMPLE_RATE // fps // 2), dtype=np.float32)  # half a frame longer
    wav = tmp_path / "near.wav"
    write_wav(str(wav), np.concatenate([audio, extra], axis=1))
    assert assemble(renders.video_path, wav, tmp_path / "final.mp4") == pytest.approx(1.0)


def test_audio_that_is_not_16_bit_is_refused(renders: Renders, tmp_path: Path) -> None:
    wav = tmp_path / "eight.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(1)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(2 * SAMPLE_RATE))
    with pytest.raises(FailedPrecondition, match="not 16-bit PCM"):
        assemble(renders.video_path, wav, tmp_path / "final.mp4")


def test_video_that_is_not_h264_is_refused(renders: Renders, tmp_path: Path) -> None:
    video = tmp_path / "mpeg4.mp4"
    with av.open(str(video), "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=24)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for _ in range(24):
            frame = av.VideoFrame.from_ndarray(np.zeros((HEIGHT, WIDTH, 3), np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    with pytest.raises(FailedPrecondition, match="expected h264/yuv420p"):
        assemble(video, renders.audio_path, tmp_path / "final.mp4")


def test_read_wav_round_trip(tmp_path: Path) -> None:
    audio = np.stack([np.linspace(-0.5, 0.5, 480), np.linspace(0.25, -0.25, 480)]).astype(np.float32)
    path = tmp_path / "ramp.wav"
    write_wav(str(path), audio)
    decoded, rate = read_wav(path)
    assert rate == SAMPLE_RATE
    assert decoded.shape == (2, 480)
    assert decoded.dtype == np.float32
    assert np.abs(decoded - audio).max() < 1e-4


def test_lipsync_model_stores_the_final_mp4(renders: Renders) -> None:
    model = LipSyncModel(renders.settings)
    request = lipsync_pb2.AssembleOutputRequest(
        job_id=renders.job_id, plan=renders.plan, video=renders.video, audio=renders.audio
    )
    response = model(request)
    final = renders.settings.state_dir / "artifacts" / "jobs" / renders.job_id / "final.mp4"
    assert response.output.uri == final.as_uri()
    assert response.output.media_type == "video/mp4"
    assert response.output.size_bytes == final.stat().st_size
    assert response.duration_seconds == pytest.approx(1.0)
    assert top_level_atoms(final).index("moov") < top_level_atoms(final).index("mdat")
    again = model(request)
    assert again.output == response.output
    assert again.duration_seconds == pytest.approx(1.0)


@pytest.mark.parametrize("missing", ["job_id", "video", "audio"])
def test_lipsync_model_rejects_incomplete_requests(renders: Renders, missing: str) -> None:
    request = lipsync_pb2.AssembleOutputRequest(
        job_id=renders.job_id, plan=renders.plan, video=renders.video, audio=renders.audio
    )
    request.ClearField(missing)
    with pytest.raises(InvalidArgument):
        LipSyncModel(renders.settings)(request)


@pytest.mark.parametrize(
    ("field", "uri"),
    [
        ("video", "file:///etc/passwd"),
        ("audio", "{root}/jobs/{job}/../../../../etc/passwd"),
        ("audio", "{root}/jobs/{other}/audio.wav"),
        ("video", "{root}/jobs/{job}/audio.wav"),
        ("timeline.dialogue_stem", "{root}/jobs/{other}/stems/dialogue.wav"),
        ("timeline.effects_stem", "{root}/../outside/stems/effects.wav"),
    ],
)
def test_lipsync_model_reads_only_the_renders_its_job_stored(renders: Renders, field: str, uri: str) -> None:
    """Another job's render, a path climbing out of the store, or a file elsewhere: refused before any read."""
    other = str(uuid.uuid4())
    job = str(uuid.uuid4())
    request = for_job(
        lipsync_pb2.AssembleOutputRequest(
            job_id=renders.job_id, plan=renders.plan, video=renders.video, audio=renders.audio
        ),
        ArtifactStore(renders.settings.artifacts_url),
        job,
    )
    ref = request
    for part in field.split("."):
        ref = getattr(ref, part)
    ref.uri = uri.format(root=renders.settings.artifacts_url, job=job, other=other)
    with pytest.raises(InvalidArgument) as refused:
        LipSyncModel(renders.settings)(request)
    assert refused.value.field == f"{field}.uri" and "this job's render" in refused.value.message
    assert not (renders.settings.state_dir / "artifacts" / "jobs" / job / "final.mp4").exists()


@pytest.mark.parametrize("job_id", ["../../../../tmp/x", "job-1", "", str(uuid.UUID(int=7)).replace("-", "")])
def test_every_stage_model_refuses_a_job_id_that_is_no_uuid(renders: Renders, job_id: str) -> None:
    """The traversal of issue 16: a job id of ../../../../tmp/x once made the video stage write /tmp/x/video.mp4."""
    state = renders.settings.state_dir
    before = sorted(state.rglob("*"))
    for request, model in (
        (video_pb2.RenderVideoRequest(job_id=job_id, plan=renders.plan), VideoModel),
        (audio_pb2.RenderAudioRequest(job_id=job_id, plan=renders.plan), AudioModel),
        (
            lipsync_pb2.AssembleOutputRequest(
                job_id=job_id, plan=renders.plan, video=renders.video, audio=renders.audio
            ),
            LipSyncModel,
        ),
    ):
        with pytest.raises(InvalidArgument) as refused:
            model(renders.settings)(request)  # type: ignore[operator]
        assert refused.value.field == "job_id" and "UUID" in refused.value.message
    assert sorted(state.rglob("*")) == before


@pytest.mark.parametrize("embed", [False, True])
def test_the_prompt_is_in_the_file_only_when_the_person_opted_in(renders: Renders, embed: bool) -> None:
    """Privacy: by default no word of the prompt is in the MP4 or its C2PA manifest, which names the plan's hash."""
    join = lipsync_pb2.AssembleOutputRequest(
        job_id=renders.job_id, plan=renders.plan, video=renders.video, audio=renders.audio
    )
    request = for_job(join, ArtifactStore(renders.settings.artifacts_url), str(uuid.uuid4()))
    request.plan.embed_prompt = embed
    path = Path(LipSyncModel(renders.settings)(request).output.uri.removeprefix("file://"))
    with av.open(str(path)) as container:
        title = container.metadata.get("title")
        chapters = [c.get("metadata", {}).get("title", "") for c in container.chapters()]
    claim = provenance.verify(path).claim
    assert claim["plan_sha256"] == hashlib.sha256(request.plan.SerializeToString(deterministic=True)).hexdigest()
    if embed:
        assert title == renders.plan.prompt and claim["prompt"] == renders.plan.prompt
        assert chapters == [f"Scene 1: {renders.plan.prompt}"]
    else:
        assert title is None and "prompt" not in claim
        assert chapters == ["Scene 1"]
        assert b"lighthouse" not in path.read_bytes()
