"""The HTTP front with a certificate: HTTPS only, and its request deadlines still hold behind the TLS handshake."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from cinemesh.gateway.httpserver import HttpFront
from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.pki import write_mesh_pki

TIMEOUT = 1.5


async def healthz(_request) -> JSONResponse:  # type: ignore[no-untyped-def]
    return JSONResponse({"status": "ok"})


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HttpFront, Path]]:
    folder = tmp_path_factory.mktemp("tls")
    files = write_mesh_pki(folder, ("gateway",))["gateway"]
    tls = TlsFiles(str(files.cert_file), str(files.key_file), str(folder / "ca.pem"))
    http = HttpFront(Starlette(routes=[Route("/healthz", healthz)]), "127.0.0.1", 0, TIMEOUT, 1.0, tls)
    http.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", http.port)) == 0:
                break
        time.sleep(0.05)
    yield http, folder / "ca.pem"
    http.stop(1.0)


def test_serves_https_with_the_gateways_certificate(front: tuple[HttpFront, Path]) -> None:
    http, ca = front
    reply = requests.get(f"https://127.0.0.1:{http.port}/healthz", verify=str(ca), timeout=5)
    assert reply.json() == {"status": "ok"}
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://127.0.0.1:{http.port}/healthz", timeout=5)  # not a CA this host trusts


def test_plain_http_gets_no_answer(front: tuple[HttpFront, Path]) -> None:
    http, _ = front
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{http.port}/healthz", timeout=5)


def test_a_slow_client_behind_tls_is_still_cut_off(front: tuple[HttpFront, Path]) -> None:
    http, ca = front
    context = ssl.create_default_context(cafile=str(ca))
    with (
        socket.create_connection(("127.0.0.1", http.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as sock,
    ):
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        answer = sock.recv(4096)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert TIMEOUT - 0.2 <= elapsed <= TIMEOUT + 3
