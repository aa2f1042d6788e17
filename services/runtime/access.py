"""Service identity: internal RPCs answer only other cinemesh services.

Which gRPC services are public and which internal is data (`data/rpc_access.yaml`); a service
listed nowhere is internal. A call to an internal method needs one of two credentials, checked
by a server interceptor before the method runs:

- an mTLS client certificate (verified against the CA during the handshake) whose common name or
  DNS SAN is a cinemesh service identity (`cinemesh-<service>`);
- the service token (`CINEMESH_SERVICE_TOKEN`, from a Secret) as `x-cinemesh-service-token`
  metadata, compared in constant time.

Anything else is UNAUTHENTICATED, raised as the domain error so the one error interceptor maps it.
"""

from __future__ import annotations

import functools
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import yaml

from cinemesh.runtime.errors import Unauthenticated
from cinemesh.runtime.tls import SERVICE_TOKEN_METADATA

ACCESS_TABLE = Path(__file__).parent / "data" / "rpc_access.yaml"


@dataclass(frozen=True)
class AccessPolicy:
    """Public services, internal services and the certificate identities of cinemesh services."""

    public: frozenset[str]
    internal: frozenset[str]
    service_identities: frozenset[str]

    @classmethod
    @functools.cache
    def load(cls, path: Path = ACCESS_TABLE) -> AccessPolicy:
        table = yaml.safe_load(path.read_text())
        policy = cls(frozenset(table["public"]), frozenset(table["internal"]), frozenset(table["service_identities"]))
        if policy.public & policy.internal:
            raise ValueError(f"{path}: {sorted(policy.public & policy.internal)} are both public and internal")
        return policy

    def is_internal(self, method: str) -> bool:
        """`/package.Service/Method` → whether only services may call it (health and reflection are public)."""
        if method.startswith("/grpc."):
            return False
        service = method.split("/")[1]
        return service not in self.public

    def hosts_only_internal(self, service_names: list[str]) -> bool:
        """Whether a server hosting these services has no public RPC (so it may demand client certificates)."""
        own = [name for name in service_names if not name.startswith("grpc.")]
        return bool(own) and not any(name in self.public for name in own)


def _values(auth_context: dict[str, list[bytes]], key: str) -> list[str]:
    return [value.decode(errors="replace") for value in auth_context.get(key, [])]


def peer_service_identity(context: grpc.ServicerContext | grpc.aio.ServicerContext, policy: AccessPolicy) -> str | None:
    """The cinemesh service identity of the caller's verified client certificate, if it has one."""
    auth = context.auth_context() or {}
    if _values(auth, "transport_security_type") != ["ssl"]:
        return None
    # Only present when the client sent a certificate the server verified against its CA.
    names = [*_values(auth, "x509_common_name"), *_values(auth, "peer_dns")]
    return next((name for name in names if name in policy.service_identities), None)


class ServiceCredentialCheck:
    """Decides whether a call to an internal method carries a service credential."""

    def __init__(self, service_token: str, policy: AccessPolicy | None = None) -> None:
        self._token = service_token.encode()
        self.policy = policy or AccessPolicy.load()

    def check(self, method: str, context: grpc.ServicerContext | grpc.aio.ServicerContext) -> None:
        """Nothing for a public method or a credentialed caller; Unauthenticated otherwise."""
        if not self.policy.is_internal(method):
            return
        if peer_service_identity(context, self.policy) is not None:
            return
        sent = dict(context.invocation_metadata() or ()).get(SERVICE_TOKEN_METADATA)
        if self._token and isinstance(sent, str) and hmac.compare_digest(sent.encode(), self._token):
            return
        accepted = "an mTLS client certificate of a cinemesh service" + (" or the service token" if self._token else "")
        raise Unauthenticated(
            f"{method.split('/')[-1]} is internal to the mesh: only cinemesh services may call it ({accepted})"
        )


class ServiceIdentityInterceptor(grpc.ServerInterceptor):
    """Threaded servers: internal methods run only for callers with a service credential."""

    def __init__(self, check: ServiceCredentialCheck) -> None:
        self._check = check

    def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or not self._check.policy.is_internal(method):
            return handler
        return _guarded(handler, method, self._check, asynchronous=False)


class AioServiceIdentityInterceptor(grpc.aio.ServerInterceptor):
    """Asyncio servers: internal methods run only for callers with a service credential."""

    def __init__(self, check: ServiceCredentialCheck) -> None:
        self._check = check

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or not self._check.policy.is_internal(method):
            return handler
        return _guarded(handler, method, self._check, asynchronous=True)


def _guarded(
    handler: grpc.RpcMethodHandler, method: str, check: ServiceCredentialCheck, asynchronous: bool
) -> grpc.RpcMethodHandler:
    """`handler` with the credential check run first, in the call (the servicer context has the peer there)."""
    if handler.unary_unary:
        inner, factory = handler.unary_unary, grpc.unary_unary_rpc_method_handler
    elif handler.unary_stream:
        inner, factory = handler.unary_stream, grpc.unary_stream_rpc_method_handler
    elif handler.stream_unary:
        inner, factory = handler.stream_unary, grpc.stream_unary_rpc_method_handler
    else:
        inner, factory = handler.stream_stream, grpc.stream_stream_rpc_method_handler
    streaming_response = bool(handler.unary_stream or handler.stream_stream)

    if asynchronous and streaming_response:

        async def behavior(request: Any, context: Any) -> Any:
            check.check(method, context)
            async for response in inner(request, context):
                yield response

    elif asynchronous:

        async def behavior(request: Any, context: Any) -> Any:  # type: ignore[misc]
            check.check(method, context)
            return await inner(request, context)

    elif streaming_response:

        def behavior(request: Any, context: Any) -> Any:  # type: ignore[misc]
            check.check(method, context)
            yield from inner(request, context)

    else:

        def behavior(request: Any, context: Any) -> Any:  # type: ignore[misc]
            check.check(method, context)
            return inner(request, context)

    return factory(
        behavior, request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer
    )
