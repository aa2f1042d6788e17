"""Why a reference recording was refused: a machine-readable reason and what the person should do."""

from __future__ import annotations

from enum import StrEnum

from cinemesh.runtime.errors import InvalidArgument, ResourceExhausted


class Reason(StrEnum):
    UNREADABLE = "unreadable"
    NO_AUDIO_TRACK = "no_audio_track"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    FACE_TOO_SMALL = "face_too_small"
    MOVES_MISMATCH = "moves_mismatch"
    NO_SPEECH = "no_speech"
    PHRASE_MISMATCH = "phrase_mismatch"
    MOUTH_NOT_MOVING = "mouth_not_moving"
    # Wide-angle / barrel lens: the face's proportions in the picture are not the person's.
    LENS_DISTORTION = "identity_mapping_error"
    # Upload caps (UploadLimits): bytes, picture size, seconds decoded.
    TOO_LARGE = "too_large"
    RESOLUTION_TOO_HIGH = "resolution_too_high"
    DECODES_TOO_LONG = "decodes_too_long"


class RecordingRejected(InvalidArgument):
    """The recording cannot enroll a cameo; `reason` says why, the message says what to change."""

    def __init__(self, reason: Reason, problem: str) -> None:
        super().__init__("recording", problem)
        self.reason = reason


class RecordingTooLarge(ResourceExhausted):
    """The upload is over the byte cap: refused before it is read (RESOURCE_EXHAUSTED, like gRPC's own size cap)."""

    reason = Reason.TOO_LARGE

    def __init__(self, problem: str) -> None:
        super().__init__(f"recording: {problem}")
