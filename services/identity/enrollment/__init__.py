"""Cameo enrollment: verifies a live reference recording and measures the face and voice it shows.

Pure domain code (no gRPC, no storage): the identity service calls `verify_recording` with
the recording and the challenge it issued, and stores what comes back.
"""

from cinemesh.identity.enrollment.challenge import MOVES, VOCABULARY, Challenge
from cinemesh.identity.enrollment.faces import SAME_PERSON_DISTANCE, embed_faces, face_distance
from cinemesh.identity.enrollment.rejection import Reason, RecordingRejected
from cinemesh.identity.enrollment.verify import Enrollment, verify_recording
from cinemesh.identity.enrollment.voice import measure_voice

__all__ = [
    "MOVES",
    "SAME_PERSON_DISTANCE",
    "VOCABULARY",
    "Challenge",
    "Enrollment",
    "Reason",
    "RecordingRejected",
    "embed_faces",
    "face_distance",
    "measure_voice",
    "verify_recording",
]
