"""Hosts the HTTP front (an ASGI app) on uvicorn, on its own event-loop thread inside the gateway process.

uvicorn times out only idle kept-alive connections: a client that opens a
connection and then sends its request line and headers a byte at a time
(slowloris), or nothing at all, would hold it forever, and so would one that
asks for a download and never reads it. `_GuardedH11Protocol` gives the head
of every request a deadline, counted from the connection (the first request)
or from the first byte of the next one; it drops a connection whose client
leaves the send buffer full for as long; and it answers malformed requests (a
negative content-length, a bad request line) with a JSON error body like every
other error of the front.

Every close the front makes is a lingering close (`_LingeringTransport`): the answer goes out with a FIN, and
what the client still sends is read and dropped for `LINGER_SECONDS`. A socket closed with unread input, or
that receives input after it closed, answers with a reset, and a client whose reset arrives before it has
read the answer (a slowloris still dripping when its 408 goes out) loses the answer.

With a certificate configured (`CINEMESH_TLS_CERT_FILE`/`_KEY_FILE`, the gRPC server's) the
front serves HTTPS; it never asks clients for certificates (it is the public API).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from cinemesh.runtime.config import TlsFiles

log = logging.getLogger(__name__)

#: Seconds an idle kept-alive connection stays open.
KEEPALIVE_SECONDS = 5
#: Seconds a closing connection keeps reading (and dropping) what the client still sends, after its FIN.
LINGER_SECONDS = 2.0


def _raw_response(status: HTTPStatus, code: str, message: str) -> bytes:
    body = json.dumps({"code": code, "message": message}).encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode() + body


class _LingeringTransport:
    """A transport whose `close` half-closes (FIN once the answer is flushed) and reads on until the client
    closes or `LINGER_SECONDS` pass; every other call goes to the real transport. TLS cannot half-close, so
    there `close` is the real one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self.lingering = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def close(self) -> None:
        if self.is_closing():
            return
        if not self._transport.can_write_eof():
            self._transport.close()
            return
        self.lingering = True
        self._transport.resume_reading()  # uvicorn may have paused it; the point is to read what still comes
        self._transport.write_eof()
        self._loop.call_later(LINGER_SECONDS, self._transport.close)


class _GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines on request heads and on reading responses, and JSON 400s."""

    #: Seconds a client has to send a request's line and headers, and to make room in a full send buffer;
    #: set per front by `_protocol`.
    timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._write_timer: asyncio.TimerHandle | None = None
        self._protocol_error = "malformed request"
        next_event = self.conn.next_event

        def next_event_noting_errors() -> Any:
            try:
                return next_event()
            except h11.RemoteProtocolError as exc:
                self._protocol_error = str(exc)
                raise

        self.conn.next_event = next_event_noting_errors  # type: ignore[method-assign]

    def _awaiting_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._lingering_transport = _LingeringTransport(transport, asyncio.get_running_loop())
        super().connection_made(self._lingering_transport)  # type: ignore[arg-type]
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._lingering_transport.lingering:
            return  # the answer is out: what a client still sends is dropped
        if self._head_timer is None and self._awaiting_head():
            self._arm_head_timer()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)
        if not self._awaiting_head():
            self._disarm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        self._disarm_write_timer()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        """The transport's buffer is full: the client has to read some of it within the timeout."""
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.timeout, self._write_timed_out)

    def resume_writing(self) -> None:
        self._disarm_write_timer()
        super().resume_writing()

    def _disarm_write_timer(self) -> None:
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _write_timed_out(self) -> None:
        self._write_timer = None
        log.info("HTTP client %s read nothing of its response for %g s; dropping it", self.client, self.timeout)
        self.transport.abort()  # close() would wait for the buffer to drain, which it never does

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._awaiting_head():
            return
        log.info("HTTP client %s sent no complete request head within %g s; closing", self.client, self.timeout)
        self.transport.write(
            _raw_response(
                HTTPStatus.REQUEST_TIMEOUT,
                "DEADLINE_EXCEEDED",
                f"the request line and headers did not arrive within {self.timeout:g} s",
            )
        )
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self._disarm_head_timer()
        self.transport.write(
            _raw_response(HTTPStatus.BAD_REQUEST, "INVALID_ARGUMENT", f"malformed HTTP request: {self._protocol_error}")
        )
        self.transport.close()


def _protocol(timeout: float) -> type[H11Protocol]:
    return type("GuardedH11Protocol", (_GuardedH11Protocol,), {"timeout": timeout})


class HttpFront:
    """Serves an ASGI app on its own thread and event loop beside the gRPC server (the Background protocol)."""

    def __init__(
        self,
        app: ASGIApp,
        host: str,
        port: int,
        timeout_seconds: float,
        grace_seconds: float,
        tls: TlsFiles | None = None,
    ) -> None:
        # Bound now, so that a taken port fails the start-up and port 0 tells which port it got.
        self._socket = socket.create_server((host, port))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            http=_protocol(timeout_seconds),
            ws="none",
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_keep_alive=KEEPALIVE_SECONDS,
            timeout_graceful_shutdown=max(1, round(grace_seconds)),
            ssl_certfile=tls.cert_file if tls and tls.serves_tls else None,
            ssl_keyfile=tls.key_file if tls and tls.serves_tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="http-front", daemon=True)

    def _serve(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=grace_seconds + 5)
        self._socket.close()

    def healthy(self) -> bool:
        return not self._thread.ident or self._thread.is_alive()
