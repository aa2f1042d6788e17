"""Resolves `@mentions` to consented cameos.

No cameo can be enrolled yet (enrollment arrives with live verification), so
every mention is honestly unresolvable: the job fails with NOT_FOUND naming the
handle instead of rendering someone who never consented.
"""

from __future__ import annotations

from cinemesh.runtime.errors import NotFound
from cinemesh.v1 import common_pb2


class CameoRegistry:
    """Consented cameos by handle. Empty until enrollment exists."""

    def __init__(self) -> None:
        self._by_handle: dict[str, common_pb2.CastMember] = {}

    def resolve(self, account_id: str, mentions: list[str]) -> list[common_pb2.CastMember]:
        cast = []
        for handle in mentions:
            member = self._by_handle.get(handle.lower())
            if member is None:
                who = "your own cameo" if handle.lower() == "self" else f"a cameo for @{handle}"
                raise NotFound(
                    f"@{handle}: there is no consented cameo to cast; enroll {who} "
                    "or remove the mention from the prompt"
                )
            cast.append(member)
        return cast
