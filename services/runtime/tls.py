"""The one place that builds gRPC transport security: server credentials, channel credentials, channels.

Servers listen with TLS when a certificate is configured (`CINEMESH_TLS_CERT_FILE`/`_KEY_FILE`);
with a CA as well (`CINEMESH_TLS_CA_FILE`) a server that hosts only internal RPCs requires a
client certificate signed by that CA (mTLS). Clients dial TLS when they have a CA (or are told to
use the system roots) and present their own certificate when they have one. A client that holds
the service token sends it as `x-cinemesh-service-token` metadata on every call. With nothing
configured everything stays plain text (a laptop).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import grpc

from cinemesh.runtime.config import TlsFiles

log = logging.getLogger(__name__)

#: Metadata key of the service token (internal RPCs without an mTLS identity).
SERVICE_TOKEN_METADATA = "x-cinemesh-service-token"
ChannelOptions = Sequence[tuple[str, Any]]


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


class _RenewedCertificates:
    """Gives gRPC the certificate files again whenever they change on disk (cert-manager renews them in place in the
    mounted Secret), so a renewed certificate serves the next connection without a restart."""

    def __init__(self, files: TlsFiles, with_ca: bool) -> None:
        self._paths = [Path(p) for p in (files.cert_file, files.key_file, files.ca_file if with_ca else "") if p]
        self._files = files
        self._with_ca = with_ca
        self._seen: tuple[tuple[int, int], ...] = ()
        self._seen = self._stamp()
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[tuple[int, int], ...]:
        stamps = []
        for path in self._paths:
            try:
                stat = path.stat()
            except FileNotFoundError:  # between the removal and the rename of an atomic Secret update
                return self._seen
            stamps.append((stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)

    def configuration(self) -> grpc.ServerCertificateConfiguration:
        return grpc.ssl_server_certificate_configuration(
            [(_read(self._files.key_file), _read(self._files.cert_file))],
            root_certificates=_read(self._files.ca_file) if self._with_ca else None,
        )

    def __call__(self) -> grpc.ServerCertificateConfiguration | None:
        """Called by gRPC before every handshake: a new configuration when the files changed, else None."""
        with self._lock:
            stamp = self._stamp()
            if stamp == self._seen:
                return None
            try:
                configuration = self.configuration()
            except (OSError, ValueError):
                log.warning("TLS files changed but cannot be read yet; serving the previous certificate")
                return None
            self._seen = stamp
            log.info("TLS certificate files changed; new connections get the renewed certificate")
            return configuration


def server_credentials(files: TlsFiles, require_client_certificate: bool) -> grpc.ServerCredentials:
    """TLS with the configured certificate (re-read when its files change); with `require_client_certificate` (and a
    CA) clients must present a certificate the CA signed, or the handshake fails."""
    if not files.serves_tls:
        raise ValueError("server credentials need CINEMESH_TLS_CERT_FILE and CINEMESH_TLS_KEY_FILE")
    require = require_client_certificate and bool(files.ca_file)
    certificates = _RenewedCertificates(files, with_ca=require)
    return grpc.dynamic_ssl_server_credentials(
        certificates.configuration(), certificates, require_client_authentication=require
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
