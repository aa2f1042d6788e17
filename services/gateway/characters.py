"""The Videos API's characters: cameos enrolled through the identity service's live verification.

`start` asks IdentityService.StartEnrollment for a one-time challenge (head moves and a phrase) bound to the
caller's account; `create` sends the recording made for it to CompleteEnrollment, which verifies it live and
enrolls the cameo; `get` reads it back. A character is mentioned in a prompt by its `@handle`. The caller's own
API key travels with each call, so the identity service applies its scopes, consent and ownership rules as it does
for `cinemesh cameo`. gRPC errors come back as the domain errors of the same status.
"""

from __future__ import annotations

import threading
from typing import Any

import grpc

from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.errors import CinemeshError, InvalidArgument, Unavailable
from cinemesh.runtime.ids import checked_uuid
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import identity_pb2, identity_pb2_grpc

#: Largest recording accepted (CompleteEnrollmentRequest allows 16 MiB).
MAX_RECORDING_BYTES = 16 * 1024 * 1024
ENROLL_TIMEOUT_SECONDS = 180.0
READ_TIMEOUT_SECONDS = 15.0


class IdentityError(CinemeshError):
    """What the identity service answered, with its status."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def _call(method: Any, request: Any, authorization: str, timeout: float) -> Any:
    try:
        return method(request, metadata=[("authorization", authorization)], timeout=timeout)
    except grpc.RpcError as exc:
        code = exc.code()
        if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            raise Unavailable(f"the identity service is unreachable ({exc.details()}); try again") from None
        raise IdentityError(code, exc.details() or code.name) from None


def _character(cameo: identity_pb2.Cameo) -> dict[str, Any]:
    return {
        "id": cameo.cameo_id,
        "object": "character",
        "name": cameo.display_name,
        "handle": cameo.handle,
        "created_at": cameo.created_at.seconds,
    }


class CharactersApi:
    """Characters and their challenges, over the identity service's gRPC API."""

    def __init__(self, identity_address: str, tls: TlsFiles | None = None, service_token: str = "") -> None:
        self._address = identity_address
        self._tls = tls
        self._service_token = service_token
        self._lock = threading.Lock()
        self._stub: identity_pb2_grpc.IdentityServiceStub | None = None

    def _identity(self) -> identity_pb2_grpc.IdentityServiceStub:
        if not self._address:
            raise Unavailable("characters need the identity service: set CINEMESH_IDENTITY_ADDRESS on the gateway")
        with self._lock:
            if self._stub is None:
                channel = open_channel(
                    self._address,
                    self._tls,
                    self._service_token,
                    options=[("grpc.max_send_message_length", MAX_RECORDING_BYTES + (1 << 20))],
                )
                self._stub = identity_pb2_grpc.IdentityServiceStub(channel)
            return self._stub

    def start(self, authorization: str, handle: str, name: str) -> dict[str, Any]:
        """A one-time challenge to record for the character whose `@handle` prompts will mention."""
        request = identity_pb2.StartEnrollmentRequest(handle=handle, display_name=name or handle)
        challenge = _call(self._identity().StartEnrollment, request, authorization, READ_TIMEOUT_SECONDS).challenge
        return {
            "id": challenge.challenge_id,
            "object": "cameo.challenge",
            "handle": handle,
            "moves": [identity_pb2.HeadMove.Name(m).removeprefix("HEAD_MOVE_").lower() for m in challenge.moves],
            "phrase": challenge.phrase,
            "expires_at": challenge.expires_at.seconds,
        }

    def create(self, authorization: str, challenge_id: str | None, recording: bytes) -> dict[str, Any]:
        """Verifies the recording made for `challenge_id` and enrolls it as a character."""
        if not challenge_id:
            raise InvalidArgument(
                "challenge_id",
                "is required (in extra_body): start one with POST /v1/cameos/challenges and record what it asks",
            )
        checked_uuid("challenge_id", challenge_id)
        if len(recording) > MAX_RECORDING_BYTES:
            raise InvalidArgument("video", f"is {len(recording)} bytes; the limit is {MAX_RECORDING_BYTES}")
        request = identity_pb2.CompleteEnrollmentRequest(challenge_id=challenge_id, recording=recording)
        cameo = _call(self._identity().CompleteEnrollment, request, authorization, ENROLL_TIMEOUT_SECONDS).cameo
        return _character(cameo)

    def get(self, authorization: str, character_id: str) -> dict[str, Any]:
        request = identity_pb2.GetCameoRequest(cameo_id=checked_uuid("character_id", character_id))
        return _character(_call(self._identity().GetCameo, request, authorization, READ_TIMEOUT_SECONDS).cameo)
