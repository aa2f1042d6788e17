"""Cameo enrollment: verifies a live reference recording and measures the face and voice it shows.

Pure domain code (no gRPC, no storage): the identity service calls `verify_recording` with
the recording and the challenge it issued, and stores what comes back.
"""

from cinemesh.identity.enrollment.challenge import MOVES, VOCABULARY, Challenge
from cinemesh.identity.enrollment.faces import SAME_PERSON_DISTANCE, embed_faces, face_distance
from cinemesh.identity.enrollment.media import DEFAULT_LIMITS, UploadLimits
from cinemesh.identity.enrollment.rejection import Reason, RecordingRejected, RecordingTooLarge
from cinemesh.identity.enrollment.verify import Enrollment, verify_recording
from cinemesh.identity.enrollment.voice import measure_voice

__all__ = [
    "DEFAULT_LIMITS",
    "MOVES",
    "SAME_PERSON_DISTANCE",
    "VOCABULARY",
    "Challenge",
    "Enrollment",
    "Reason",
    "RecordingRejected",
    "RecordingTooLarge",
    "UploadLimits",
    "embed_faces",
    "face_distance",
    "measure_voice",
    "verify_recording",
]
