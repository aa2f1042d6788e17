"""The one place that builds gRPC transport security: server credentials, channel credentials, channels.

Servers listen with TLS when a certificate is configured (`CINEMESH_TLS_CERT_FILE`/`_KEY_FILE`);
with a CA as well (`CINEMESH_TLS_CA_FILE`) a server that hosts only internal RPCs requires a
client certificate signed by that CA (mTLS). Clients dial TLS when they have a CA (or are told to
use the system roots) and present their own certificate when they have one. A client that holds
the service token sends it as `x-cinemesh-service-token` metadata on every call. With nothing
configured everything stays plain text (a laptop).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import grpc

from cinemesh.runtime.config import TlsFiles

#: Metadata key of the service token (internal RPCs without an mTLS identity).
SERVICE_TOKEN_METADATA = "x-cinemesh-service-token"
ChannelOptions = Sequence[tuple[str, Any]]


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def server_credentials(files: TlsFiles, require_client_certificate: bool) -> grpc.ServerCredentials:
    """TLS with the configured certificate; with `require_client_certificate` (and a CA) clients must present a
    certificate the CA signed, or the handshake fails."""
    if not files.serves_tls:
        raise ValueError("server credentials need CINEMESH_TLS_CERT_FILE and CINEMESH_TLS_KEY_FILE")
    require = require_client_certificate and bool(files.ca_file)
    return grpc.ssl_server_credentials(
        [(_read(files.key_file), _read(files.cert_file))],
        root_certificates=_read(files.ca_file) if require else None,
        require_client_auth=require,
    )


def channel_credentials(files: TlsFiles) -> grpc.ChannelCredentials:
    """TLS to a server whose certificate the CA signed (the system roots without a CA), presenting the configured
    client certificate if there is one."""
    return grpc.ssl_channel_credentials(
        root_certificates=_read(files.ca_file) if files.ca_file else None,
        private_key=_read(files.key_file) if files.cert_file else None,
        certificate_chain=_read(files.cert_file) if files.cert_file else None,
    )


class _ServiceTokenInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds the service token to the metadata of every call on a channel."""

    def __init__(self, token: str) -> None:
        self._token = token

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        metadata = [*(details.metadata or ()), (SERVICE_TOKEN_METADATA, self._token)]
        return _CallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready, details.compression
        )

    def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return continuation(self._details(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return continuation(self._details(client_call_details), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return continuation(self._details(client_call_details), request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return continuation(self._details(client_call_details), request_iterator)


class _CallDetails(grpc.ClientCallDetails):
    def __init__(
        self,
        method: str,
        timeout: float | None,
        metadata: list[tuple[str, str]],
        credentials: grpc.CallCredentials | None,
        wait_for_ready: bool | None,
        compression: grpc.Compression | None,
    ) -> None:
        self.method = method
        self.timeout = timeout
        self.metadata = metadata
        self.credentials = credentials
        self.wait_for_ready = wait_for_ready
        self.compression = compression


def open_channel(
    target: str,
    files: TlsFiles | None = None,
    service_token: str = "",
    options: ChannelOptions = (),
    use_tls: bool | None = None,
) -> grpc.Channel:
    """A channel to `target`: TLS when `files` has a CA or a client certificate (or `use_tls` says so: the system
    roots), plain text otherwise; every call carries `service_token` when one is given."""
    files = files or TlsFiles()
    secure = use_tls if use_tls is not None else bool(files.ca_file or files.cert_file)
    if secure:
        channel = grpc.secure_channel(target, channel_credentials(files), options=list(options))
    else:
        channel = grpc.insecure_channel(target, options=list(options))
    if service_token:
        return grpc.intercept_channel(channel, _ServiceTokenInterceptor(service_token))
    return channel
