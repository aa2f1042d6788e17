"""`cinemesh inspect --independent`: lip and effect sync found from a file's pictures and sound alone.

The delivered file is remuxed with its audio shifted by −120 … +120 ms and without any metadata; the
independent measurement must read each shift back within a frame, for every speaking face and every
visible effect.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import av
import pytest

from cinemesh.audio.model import AudioModel
from cinemesh.cli.main import main
from cinemesh.lipsync import independent, measure
from cinemesh.lipsync.assemble import assemble
from cinemesh.lipsync.model import LipSyncModel
from cinemesh.prompt.planner import plan
from cinemesh.runtime.config import Settings
from cinemesh.v1 import audio_pb2, common_pb2, lipsync_pb2, video_pb2
from cinemesh.video.model import VideoModel

FRAME_MS = 1000 / 24
SHIFTS_MS = (-120, -80, -40, 0, 40, 80, 120)
# Effects, with a line under way so the picture also moves with a talking face.
EFFECTS_PROMPT = (
    'Medium shot of an old man and a young woman in a kitchen. He says "Dinner is ready, come and sit down." '
    'She replies "Coming, just a minute!" A door slams at 2.5 seconds, a glass shatters on the floor at '
    "4 seconds and thunder cracks at 5.2 seconds."
)
# Lines alone: the lip figure is not asked to hold under a loud effect (see the README).
DIALOGUE_PROMPT = (
    'Medium shot of an old man and a young woman in a kitchen. He says "Dinner is ready, come and sit down." '
    'She replies "Coming, just a minute, I am nearly done here!"'
)


def _deliver(prompt: str, state: Path) -> tuple[Path, Path, int]:
    """(the delivered MP4, its audio WAV, how many effects its own metadata says are visible)."""
    settings = Settings.from_env("lipsync", {"CINEMESH_STATE_DIR": str(state)})
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, duration_seconds=7), "pro", 11, {"plus": 16, "pro": 40})
    # 480p: dlib's detector finds faces from 80 px (40 px with its 2× upsampling); at 360p a mouth is too
    # few pixels for its opening to follow the voice
    scene_plan.format.width, scene_plan.format.height = 854, 480
    job_id = str(uuid.uuid4())
    video = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=scene_plan))
    audio = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=job_id, plan=scene_plan))
    done = LipSyncModel(settings)(
        lipsync_pb2.AssembleOutputRequest(
            job_id=job_id,
            plan=scene_plan,
            video=video.video,
            audio=audio.audio,
            timeline=audio.timeline,
            face_tracks=video.face_tracks,
            events=video.events,
        )
    )
    measured = [e for e in done.effect_sync if not e.unclear]
    return Path(done.output.uri.removeprefix("file://")), Path(audio.audio.uri.removeprefix("file://")), len(measured)


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    return _deliver(EFFECTS_PROMPT, tmp_path_factory.mktemp("independent"))


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    return _deliver(DIALOGUE_PROMPT, tmp_path_factory.mktemp("independent_dialogue"))


def _stripped(delivered: tuple[Path, Path, int], target: Path, shift_ms: int) -> Path:
    video, wav, _ = delivered
    assemble(video, wav, target, None, "ultrafast", None, None, None, shift_ms / 1000)
    with av.open(str(target)) as container:
        assert measure.SYNC_TAG not in container.metadata
    return target


@pytest.mark.parametrize("shift_ms", SHIFTS_MS)
def test_every_visible_effect_reads_its_shift_back_within_a_frame(delivered, tmp_path, shift_ms: int) -> None:  # type: ignore[no-untyped-def]
    found = independent.measure_effects(_stripped(delivered, tmp_path / "shifted.mp4", shift_ms))
    # at least every effect the generator's own measurement could time (it may find one that could not)
    assert len(found) >= delivered[2] >= 2, found
    for effect in found:
        assert abs(effect.offset_ms - shift_ms) <= FRAME_MS, (shift_ms, effect)


@pytest.mark.parametrize("shift_ms", SHIFTS_MS)
def test_every_speaking_face_reads_its_shift_back_within_a_frame(dialogue, tmp_path, shift_ms: int) -> None:  # type: ignore[no-untyped-def]
    faces = independent.measure_lines(_stripped(dialogue, tmp_path / "shifted.mp4", shift_ms))
    assert len(faces) == 2, faces
    for face in faces:
        assert face.offset_ms is not None and abs(face.offset_ms - shift_ms) <= FRAME_MS, (shift_ms, face)


def test_inspect_independent_finds_both_faces_and_flags_what_disagrees(dialogue, capsys) -> None:  # type: ignore[no-untyped-def]
    """Each face found is reported next to the generator's figure for its speaker, and flagged when the two
    differ by more than a frame."""
    assert main(["inspect", str(dialogue[0]), "--independent", "--json"]) == 0
    faces = json.loads(capsys.readouterr().out)["independent"]["dialogue_sync"]
    assert len(faces) == 2 and all(face["generator_offset_ms"] is not None for face in faces), faces
    for face in faces:
        differs = abs(face["offset_ms"] - face["generator_offset_ms"]) > FRAME_MS
        assert face["disagrees"] is differs, face


def test_inspect_independent_reports_the_effects_next_to_the_generators(delivered, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["inspect", str(delivered[0]), "--independent", "--json"]) == 0
    independent_effects = json.loads(capsys.readouterr().out)["independent"]["effect_sync"]
    compared = [e for e in independent_effects if e["generator_offset_ms"] is not None]
    assert len(compared) == delivered[2], independent_effects
    for effect in compared:
        assert effect["disagrees"] is False, effect


def test_a_face_seen_across_a_pan_is_one_track_placed_between_its_sightings() -> None:
    """A slow pan moves a face 60 px between two sightings: frames between them read it where it has got to."""
    import numpy as np

    track = independent._Track(
        [0, 8],
        [np.array([100.0, 50, 200, 150]), np.array([160.0, 50, 260, 150])],
        [np.array([150.0, 120]), np.array([210.0, 120])],
    )
    middle = track.at(4)
    assert (middle.box_x0, middle.box_x1, middle.mouth_x, middle.mouth_y) == (130.0, 230.0, 180.0, 120.0)
    assert track.at(20).mouth_x == 210.0  # after the last sighting it stays where it was last seen


def test_a_decoded_frame_reads_the_same_faces_every_time(dialogue) -> None:  # type: ignore[no-untyped-def]
    """A decoded frame's rows are padded: dlib read such a view right once and found no face in it after."""
    with av.open(str(dialogue[0])) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert not frame.flags.c_contiguous
    sightings = []
    for _ in range(3):
        independent._DETECTIONS.clear()
        sightings.append([box.tolist() for box, _ in independent._detect(frame)])
    assert len(sightings[0]) == 2 and sightings[1] == sightings[0] and sightings[2] == sightings[0], sightings
