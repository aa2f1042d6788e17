"""Ids that enter from outside (RPC fields, Kafka record keys) are checked here before anything uses them.

Job, cameo and challenge ids are server-assigned UUIDs. A job id also names the job's folder in the artifact
store (`jobs/<job id>/`), so only the canonical spelling (lowercase, hyphenated, as the server returned it)
is accepted: anything else could name another path, or the same job twice.
"""

from __future__ import annotations

import uuid

from cinemesh.runtime.errors import InvalidArgument


def is_uuid(value: str) -> bool:
    """True for a UUID in its canonical form, e.g. "123e4567-e89b-42d3-a456-426614174000"."""
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def checked_uuid(field: str, value: str) -> str:
    """`value` when it is a canonical UUID; else INVALID_ARGUMENT naming the field and the expected form."""
    if not is_uuid(value):
        shown = value if len(value) <= 80 else f"{value[:80]}…"
        raise InvalidArgument(
            field,
            f"{shown!r} is not an id this service issued; use the UUID it returned "
            "(36 characters, lowercase hex and hyphens, e.g. 123e4567-e89b-42d3-a456-426614174000)",
        )
    return value
