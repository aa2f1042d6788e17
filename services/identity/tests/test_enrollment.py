"""Enrollment verification on recordings built from a real face photo: one valid answer, and one
recording per way to fail, each asserting its own reason. Builds are cached for the session."""

from __future__ import annotations

import functools
import hashlib
import random

import cv2
import numpy as np
import pytest
from recordings import Spec, build, picture

from cinemesh.identity.enrollment import (
    VOCABULARY,
    Challenge,
    Enrollment,
    Reason,
    RecordingRejected,
    embed_faces,
    face_distance,
    verify_recording,
)
from cinemesh.identity.enrollment.challenge import MAX_MOVES, MAX_WORDS, MIN_MOVES, MIN_WORDS
from cinemesh.identity.enrollment.verify import LENS_K1_LIMIT, MIN_FACE_PX
from cinemesh.v1 import identity_pb2

CHALLENGE = Challenge(("left", "up", "right", "down"), "window valley cherry wagon basket")
OTHER_CHALLENGE = Challenge(("down", "left", "up"), "muffin tractor carpet morning")
VALID = Spec(CHALLENGE.moves, CHALLENGE.phrase)


@functools.cache
def recording(spec: Spec) -> bytes:
    """Each recording is built once per test session: a build takes seconds."""
    return build(spec)


def rejection(data: bytes, challenge: Challenge = CHALLENGE) -> RecordingRejected:
    with pytest.raises(RecordingRejected) as caught:
        verify_recording(data, challenge)
    return caught.value


@pytest.fixture(scope="session")
def enrolled() -> Enrollment:
    return verify_recording(recording(VALID), CHALLENGE)


def test_challenges_are_fresh_and_well_formed() -> None:
    challenges = [Challenge.new() for _ in range(200)]
    for challenge in challenges:
        assert MIN_MOVES <= len(challenge.moves) <= MAX_MOVES
        assert all(a != b for a, b in zip(challenge.moves, challenge.moves[1:], strict=False))
        words = challenge.phrase.split()
        assert MIN_WORDS <= len(words) <= MAX_WORDS and set(words) <= set(VOCABULARY)
        assert len(challenge.proto_moves) == len(challenge.moves)
    assert len({c.phrase for c in challenges}) == len(challenges)
    assert Challenge.new(random.Random(7)) == Challenge.new(random.Random(7))
    with pytest.raises(ValueError):
        Challenge(("left", "left", "up"), CHALLENGE.phrase)


def test_vocabulary_is_in_the_recognisers_dictionary() -> None:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("pocketsphinx")
    assert spec is not None and spec.submodule_search_locations
    dictionary = Path(next(iter(spec.submodule_search_locations))) / "model" / "en-us" / "cmudict-en-us.dict"
    known = {line.split()[0] for line in dictionary.read_text().splitlines() if line.strip()}
    assert set(VOCABULARY) <= known


def test_a_live_answer_enrolls_with_its_measurements(enrolled: Enrollment) -> None:
    report = enrolled.report
    assert list(report.moves_seen) == CHALLENGE.proto_moves
    assert report.phrase_heard == CHALLENGE.phrase
    assert report.mouth_speech_correlation > 0.5
    assert abs(report.lens_distortion) < LENS_K1_LIMIT
    assert 13.5 < report.duration_seconds < 14.5
    assert report.frames_checked >= 80 and 20 <= report.frontal_frames < report.frames_checked
    assert enrolled.recording_sha256 == hashlib.sha256(recording(VALID)).hexdigest()
    assert enrolled.face_embedding.shape == (128,) and enrolled.face_embedding.dtype == np.float32
    appearance = enrolled.appearance
    # The astronaut: light skin (r > g > b), dark-blond hair darker than the skin, an oval face.
    assert appearance.skin.r > appearance.skin.g > appearance.skin.b > 100
    assert sum((appearance.hair.r, appearance.hair.g, appearance.hair.b)) < sum(
        (appearance.skin.r, appearance.skin.g, appearance.skin.b)
    )
    assert 0.8 < appearance.face_aspect < 1.2
    assert 0.35 < appearance.eye_spacing < 0.55
    assert 0.35 < appearance.mouth_width < 0.6
    # Piper's "joe" voice: a low male voice at a brisk pace.
    voice = enrolled.voice
    assert 70 < voice.median_f0_hz < 110 and voice.f0_p10_hz < voice.median_f0_hz < voice.f0_p90_hz
    assert 2.5 < voice.speaking_rate_syllables_per_second < 7
    assert -20 < voice.spectral_tilt_db_per_octave < 0


def test_unreadable_bytes_are_rejected() -> None:
    assert rejection(b"this is not a video").reason == Reason.UNREADABLE
    assert rejection(recording(VALID)[:3000]).reason == Reason.UNREADABLE


def test_a_recording_without_sound_is_rejected() -> None:
    assert rejection(recording(VALID.but(audio="none"))).reason == Reason.NO_AUDIO_TRACK


@pytest.mark.parametrize(("seconds", "reason"), [(8.0, Reason.TOO_SHORT), (22.0, Reason.TOO_LONG)])
def test_length_outside_10_to_20_seconds_is_rejected(seconds: float, reason: Reason) -> None:
    error = rejection(recording(VALID.but(seconds=seconds)))
    assert error.reason == reason and "10–20 s" in error.message


def test_a_frame_without_the_face_is_rejected() -> None:
    error = rejection(recording(VALID.but(face_missing=(4.0, 5.0))))
    assert error.reason == Reason.NO_FACE and "4." in error.message


def test_a_second_face_is_rejected() -> None:
    error = rejection(recording(VALID.but(second_face=True, face_at=(0.3, 0.5))))
    assert error.reason == Reason.MULTIPLE_FACES


def test_a_small_face_is_rejected_saying_what_size_is_needed() -> None:
    error = rejection(recording(VALID.but(face_px=104)))
    assert error.reason == Reason.FACE_TOO_SMALL and f"at least {MIN_FACE_PX} px" in error.message


def test_head_movements_in_the_wrong_order_are_rejected_saying_what_was_seen() -> None:
    error = rejection(recording(VALID.but(moves=("up", "left", "down", "right"))))
    assert error.reason == Reason.MOVES_MISMATCH
    assert "left, up, right, down" in error.message and "shows up, left, down, right" in error.message


@pytest.mark.parametrize("audio", ["silence", "noise"])
def test_no_speech_is_rejected(audio: str) -> None:
    assert rejection(recording(VALID.but(audio=audio))).reason == Reason.NO_SPEECH


def test_other_words_are_rejected_naming_only_the_phrase_asked() -> None:
    error = rejection(recording(VALID.but(spoken=OTHER_CHALLENGE.phrase)))
    assert error.reason == Reason.PHRASE_MISMATCH
    assert CHALLENGE.phrase in error.message and OTHER_CHALLENGE.phrase not in error.message


def test_a_still_mouth_under_the_spoken_phrase_is_rejected() -> None:
    assert rejection(recording(VALID.but(mouth_moves=False))).reason == Reason.MOUTH_NOT_MOVING


def test_a_recording_made_for_another_challenge_is_rejected() -> None:
    other = recording(Spec(OTHER_CHALLENGE.moves, OTHER_CHALLENGE.phrase))
    assert rejection(other, CHALLENGE).reason in (Reason.PHRASE_MISMATCH, Reason.MOVES_MISMATCH)
    # Same phrase, other movements: the movements give it away.
    same_words = recording(Spec(OTHER_CHALLENGE.moves, CHALLENGE.phrase))
    assert rejection(same_words, CHALLENGE).reason == Reason.MOVES_MISMATCH


BARREL_STRENGTHS = (0.1, 0.2, 0.3, 0.5)


def test_wide_angle_lens_distortion_is_an_identity_mapping_error() -> None:
    detected = 0
    print("\nbarrel k1 | verdict")
    for k1 in BARREL_STRENGTHS:
        error = rejection(recording(VALID.but(barrel_k1=k1)))
        hit = error.reason == Reason.LENS_DISTORTION
        detected += hit
        print(f"  {k1:.1f}     | {error.reason}: {error.message}")
        if hit:
            assert "Identity Mapping Error" in error.message and "35–50 mm" in error.message
    print(f"distortion detection rate: {detected}/{len(BARREL_STRENGTHS)}")
    assert detected == len(BARREL_STRENGTHS)


UNDISTORTED_VARIANTS = {
    "as recorded": {},
    "bigger face": {"face_px": 175.0},
    "off centre": {"face_at": (0.42, 0.56), "room_shift": (0.04, -0.02)},
    "darker": {"brightness": 0.65},
    "brighter": {"brightness": 1.25},
}


def test_undistorted_footage_raises_no_false_alarm() -> None:
    false_alarms = 0
    print("\nundistorted variant | k1 estimate")
    for name, changes in UNDISTORTED_VARIANTS.items():
        enrollment = verify_recording(recording(VALID.but(**changes)), CHALLENGE)
        print(f"  {name:<17} | {enrollment.report.lens_distortion:+.3f}")
        false_alarms += enrollment.report.lens_distortion > LENS_K1_LIMIT
    print(f"false-alarm rate: {false_alarms}/{len(UNDISTORTED_VARIANTS)}")
    assert false_alarms == 0


def _astronaut_in(
    scale: float, gain: float = 1.0, rotate: float = 0.0, canvas: tuple[int, int] = (720, 720)
) -> np.ndarray:
    from skimage import data

    photo = cv2.resize(data.astronaut(), None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    rows, cols = canvas
    out = np.full((rows, cols, 3), 128, np.uint8)
    out[: min(rows, photo.shape[0]), : min(cols, photo.shape[1])] = photo[:rows, :cols]
    if rotate:
        turn = cv2.getRotationMatrix2D((220 * scale, 130 * scale), rotate, 1.0)
        out = cv2.warpAffine(out, turn, (cols, rows), borderMode=cv2.BORDER_REFLECT)
    return np.clip(out.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def _reshaped(photo: np.ndarray, stretch: float, eyes_apart: float, nose_long: float) -> np.ndarray:
    """Another face made from the astronaut: longer or shorter, eyes moved apart, nose stretched."""
    h, w = photo.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = 222.0 * w / 512, 127.0 * h / 512
    unit = w / 512
    # Vertical stretch about the nose, horizontal push of the eye region away from the midline.
    src_y = cy + (y - cy) / stretch
    eye_band = np.exp(-(((y - 102 * unit) / (18 * unit)) ** 2))
    src_x = x - eyes_apart * unit * np.tanh((x - cx) / (25 * unit)) * eye_band
    nose_band = np.exp(-(((x - cx) / (14 * unit)) ** 2)) * (np.abs(y - 118 * unit) < 22 * unit)
    src_y = src_y - nose_long * unit * np.tanh((y - 118 * unit) / (11 * unit)) * nose_band
    return cv2.remap(photo, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _recoloured_mirror(photo: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(photo[:, ::-1].copy(), cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(int) + 20) % 180
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def test_identity_matches_the_same_face_elsewhere(enrolled: Enrollment) -> None:
    same = {
        "larger, brighter": _astronaut_in(1.4, gain=1.15),
        "smaller, darker": _astronaut_in(0.9, gain=0.7),
        "rotated 10°": _astronaut_in(1.2, rotate=10.0),
        "turned 15°": _turned_frame(),
    }
    others = {
        "longer face, eyes apart": _reshaped(_astronaut_in(1.2), stretch=1.25, eyes_apart=7, nose_long=6),
        "shorter face, long nose": _reshaped(_astronaut_in(1.2), stretch=0.82, eyes_apart=-5, nose_long=9),
        "mirrored, recoloured": _recoloured_mirror(_astronaut_in(1.2)),
    }
    print("\nidentity distance to the enrolled embedding (same person < 0.6)")
    same_distances = []
    for name, frame in same.items():
        (vector,) = embed_faces([frame])
        assert vector is not None, name
        same_distances.append(face_distance(enrolled.face_embedding, vector))
        print(f"  same  {name:<26} {same_distances[-1]:.3f}")
    other_distances = []
    for name, frame in others.items():
        (vector,) = embed_faces([frame])
        assert vector is not None, name
        other_distances.append(face_distance(enrolled.face_embedding, vector))
        print(f"  other {name:<26} {other_distances[-1]:.3f}")
    assert max(same_distances) < 0.6
    # Honest limit: the "others" are the same woman reshaped, so dlib may still call them her.
    # What must hold is only that reshaping moves the embedding further than scale, light and pose do.
    assert min(other_distances) > max(same_distances)


def _lfw_frame(face: np.ndarray) -> np.ndarray:
    """A 25×25 grey face crop enlarged to a 200 px face on a grey canvas, as RGB."""
    grey = (face * 255).astype(np.uint8) if face.max() <= 1 else face.astype(np.uint8)
    canvas = np.full((400, 400), 128, np.uint8)
    canvas[100:300, 100:300] = cv2.resize(grey, (200, 200), interpolation=cv2.INTER_CUBIC)
    return np.repeat(canvas[..., None], 3, axis=2)


def test_identity_rejects_real_other_people(enrolled: Enrollment) -> None:
    """Other people for real: the 100 faces of scikit-image's LFW subset (Labeled Faces in the Wild).

    They are 25×25 grey crops, so the control is the astronaut put through the same loss (her face
    cropped, greyed, shrunk to 25×25 and enlarged the same way): she must still match herself, or
    the rejections would only show that blur is far from everything.
    """
    from skimage import data

    photo = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2GRAY)
    crop = photo[127 - 55 : 127 + 55, 222 - 55 : 222 + 55]  # her face, framed like an LFW crop
    (control,) = embed_faces([_lfw_frame(cv2.resize(crop, (25, 25), interpolation=cv2.INTER_AREA))])
    assert control is not None
    control_distance = face_distance(enrolled.face_embedding, control)
    vectors = [v for v in embed_faces([_lfw_frame(face) for face in data.lfw_subset()[:100]]) if v is not None]
    distances = sorted(face_distance(enrolled.face_embedding, v) for v in vectors)
    print(
        f"\nLFW subset: {len(vectors)} of 100 faces found; distance to the enrolled astronaut min {distances[0]:.3f}, "
        f"median {distances[len(distances) // 2]:.3f}; the astronaut degraded the same way: {control_distance:.3f}"
    )
    assert control_distance < 0.6
    assert len(vectors) >= 80 and distances[0] >= 0.6


def _turned_frame() -> np.ndarray:
    return picture(VALID.but(width=960, height=540, face_px=220, brightness=0.9, room_shift=(0.1, 0.05)), yaw=15.0)


def test_rejections_are_invalid_argument_with_the_recording_field() -> None:
    import grpc

    error = rejection(b"")
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and error.field == "recording"
    assert isinstance(error.reason, Reason)


def test_move_codes_match_the_proto() -> None:
    assert Challenge(("left", "right", "up"), CHALLENGE.phrase).proto_moves == [
        identity_pb2.HEAD_MOVE_LEFT,
        identity_pb2.HEAD_MOVE_RIGHT,
        identity_pb2.HEAD_MOVE_UP,
    ]
