"""The lipsync stage's Triton backend against a real Triton server serving a tiny locally built lip-sync model.

The model re-renders each face crop's mouth from the log-mel window of the speech around its frame
(tests/triton_servers/tiny_lipsync_model.py); the stage crops, batches, pastes back and assembles.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest
from support import for_job

from cinemesh.audio.model import AudioModel
from cinemesh.lipsync import backends, provenance, sync
from cinemesh.lipsync.model import LipSyncModel
from cinemesh.lipsync.mouths import Mouth
from cinemesh.prompt.planner import plan
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import FailedPrecondition, Unavailable
from cinemesh.runtime.triton import TritonModel
from cinemesh.v1 import audio_pb2, common_pb2, lipsync_pb2, video_pb2
from cinemesh.video.model import VideoModel

pytestmark = pytest.mark.integration

FRAME_MS = 1000 / 24
PROMPT = (
    'Medium shot of a fisherman and his daughter on a beach at sunset. He says "The tide is turning, we should '
    'go home now." She replies "Not yet, I want to watch the boats." Static.'
)


@dataclass(frozen=True)
class Renders:
    job_id: str
    state: Path
    plan: common_pb2.ScenePlan
    video: video_pb2.RenderVideoResponse
    audio: audio_pb2.RenderAudioResponse

    def request(self) -> lipsync_pb2.AssembleOutputRequest:
        """The join as a job of its own (AssembleOutput reads only a job's own renders)."""
        join = lipsync_pb2.AssembleOutputRequest(
            job_id=self.job_id,
            plan=self.plan,
            video=self.video.video,
            audio=self.audio.audio,
            timeline=self.audio.timeline,
            face_tracks=self.video.face_tracks,
            events=self.video.events,
        )
        artifacts = ArtifactStore(Settings.from_env("lipsync", {"CINEMESH_STATE_DIR": str(self.state)}).artifacts_url)
        return for_job(join, artifacts, str(uuid.uuid4()))

    def settings(self, url: str) -> Settings:
        return Settings.from_env(
            "lipsync",
            {
                "CINEMESH_STATE_DIR": str(self.state),
                "CINEMESH_LIPSYNC_BACKEND": "triton",
                "CINEMESH_TRITON_URL": url,
                "CINEMESH_X264_PRESET": "ultrafast",
            },
        )

    def final(self, job_id: str) -> Path:
        return self.state / "artifacts/jobs" / job_id / "final.mp4"


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    state = tmp_path_factory.mktemp("triton-lipsync")
    settings = Settings.from_env("lipsync", {"CINEMESH_STATE_DIR": str(state)})
    scene_plan = plan(common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=8), "pro", 4, {"plus": 16, "pro": 40})
    scene_plan.format.width, scene_plan.format.height = 640, 360
    job_id = str(uuid.uuid4())
    video = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=scene_plan))
    audio = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=job_id, plan=scene_plan))
    return Renders(job_id, state, scene_plan, video, audio)


def _decode(path: Path) -> tuple[list[np.ndarray], np.ndarray, int]:
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        rate = container.streams.audio[0].codec_context.sample_rate
        audio = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1).mean(axis=0)
    return frames, audio, rate


def test_the_stage_renders_mouths_that_follow_the_speech(triton_lipsync_url: str, renders: Renders) -> None:
    request = renders.request()
    response = LipSyncModel(renders.settings(triton_lipsync_url))(request)
    frames, audio, rate = _decode(renders.final(request.job_id))
    fps = renders.plan.format.fps
    faces = {t.character_id: {f.frame: f for f in t.frames} for t in renders.video.face_tracks}
    report = []
    for line in renders.audio.timeline.lines:
        span = range(int(line.start_seconds * fps) - 3, int(line.end_seconds * fps) + 4)
        opening = np.array([sync.mouth_opening(frames[k], faces[line.character_id][k]) for k in span])
        # the speech envelope of the finished file: RMS over each frame's duration
        envelope = np.array([np.sqrt(np.mean(audio[k * rate // fps : (k + 1) * rate // fps] ** 2)) for k in span])
        r = float(np.corrcoef(opening, envelope)[0, 1])
        report.append(round(r, 2))
        assert r > 0.5, (line.line_index, r)
    for line in response.line_sync:
        assert abs(line.offset_ms) <= FRAME_MS, line
    claim = provenance.verify(renders.final(request.job_id)).claim
    assert claim["backends"]["lipsync"] == "triton:lipsync"
    print(
        f"\nmouth-vs-envelope correlation per line: {report}; stage-measured offsets (ms): "
        f"{[round(s.offset_ms, 1) for s in response.line_sync]}"
    )


def test_the_model_opens_the_mouth_with_the_speech_energy(triton_lipsync_url: str, renders: Renders) -> None:
    backend = backends.TritonMouths(TritonModel(triton_lipsync_url, "lipsync", 30))
    line = renders.audio.timeline.lines[0]
    middle = round((line.start_seconds + line.end_seconds) / 2 * renders.plan.format.fps)
    track = next(t for t in renders.video.face_tracks if t.character_id == line.character_id)
    face = next(f for f in track.frames if f.frame == middle)
    with av.open(renders.video.video.uri.removeprefix("file://")) as container:
        picture = next(f.to_ndarray(format="rgb24") for k, f in enumerate(container.decode(video=0)) if k == face.frame)
    rate = 48_000
    t = np.arange(rate) / rate
    silence = backends.Speech((np.zeros(rate), rate))
    # broadband breath swelling three times a second, at a speaking level
    noise = np.random.default_rng(1).normal(size=rate) * 0.05
    speech = backends.Speech((noise * (1 + np.sin(2 * np.pi * 3 * t)), rate))

    def drawn(source: backends.Speech, moment: float) -> np.ndarray:
        frame = picture.copy()
        backend.redraw([frame], [[Mouth(face, 0.0, 0.5, moment)]], source)
        return frame

    quiet, loud = drawn(silence, 0.5), drawn(speech, 1 / 12)  # the sine's loudest moment
    assert sync.mouth_opening(loud, face) > 2 * sync.mouth_opening(quiet, face) + 0.5
    assert np.array_equal(loud, drawn(speech, 1 / 12))  # deterministic
    outside = np.ones(picture.shape[:2], bool)
    left, top, side = backends.crop_box(face)
    outside[max(0, top) : top + side, max(0, left) : left + side] = False
    assert np.array_equal(loud[outside], picture[outside])  # nothing changes outside the face crop


def test_a_model_breaking_its_contract_fails_cleanly(
    triton_lipsync_url: str, renders: Renders, monkeypatch: pytest.MonkeyPatch
) -> None:
    def truncated(self: TritonModel, inputs: dict[str, np.ndarray], outputs: list[str]) -> dict[str, np.ndarray]:
        return {"SYNCED": real(self, inputs, outputs)["SYNCED"][:, :48]}

    real = TritonModel.infer
    monkeypatch.setattr(TritonModel, "infer", truncated)
    request = renders.request()
    with pytest.raises(FailedPrecondition, match=r"lip-sync model .lipsync. returned SYNCED uint8 \(\d+, 48, 96"):
        LipSyncModel(renders.settings(triton_lipsync_url))(request)
    assert not renders.final(request.job_id).exists()  # nothing half-written is published


def test_an_unreachable_triton_is_unavailable(renders: Renders) -> None:
    request = renders.request()
    with pytest.raises(Unavailable, match="Triton model 'lipsync'"):
        LipSyncModel(renders.settings("127.0.0.1:1"))(request)
    assert not renders.final(request.job_id).exists()
