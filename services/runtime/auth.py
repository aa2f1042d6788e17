"""API-key authentication, shared by every service with a public API (gateway, identity)."""

from __future__ import annotations

import grpc

from cinemesh.runtime.errors import Unauthenticated
from cinemesh.runtime.jobstore import Account, JobStore


def authenticate(store: JobStore, authorization: str | None) -> Account:
    """The account of an `authorization: Bearer <api key>` header or gRPC metadata value."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthenticated("send 'authorization: Bearer <api key>'; `cinemesh up` prints the local key")
    account = store.account_for_key(key.strip())
    if account is None:
        raise Unauthenticated("the API key is not known; check CINEMESH_API_KEY")
    return account


def authorization_of(context: grpc.ServicerContext) -> str | None:
    """The `authorization` metadata of a gRPC call."""
    value = dict(context.invocation_metadata() or ()).get("authorization")
    return value if isinstance(value, str) else None
