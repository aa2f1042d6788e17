"""HTTP/JSON front of JobService (proto3 JSON mapping), for clients without gRPC.

POST /v1/jobs                  SubmitJobRequest → SubmitJobResponse
GET  /v1/jobs/{id}             → Job
POST /v1/jobs/{id}:cancel      → Job
GET  /v1/jobs/{id}:download    → video/mp4
GET  /v1/account               → GetAccountResponse
GET  /healthz                  → 200 "ok"
"""

from __future__ import annotations

import json
import logging
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from google.protobuf import json_format

from cinemesh.gateway.jobs import JobsApi
from cinemesh.runtime import tracing
from cinemesh.runtime.errors import CinemeshError, InvalidArgument
from cinemesh.v1 import gateway_pb2

log = logging.getLogger(__name__)

HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: HTTPStatus.BAD_REQUEST,
    grpc.StatusCode.FAILED_PRECONDITION: HTTPStatus.BAD_REQUEST,
    grpc.StatusCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS: HTTPStatus.CONFLICT,
    grpc.StatusCode.RESOURCE_EXHAUSTED: HTTPStatus.TOO_MANY_REQUESTS,
    grpc.StatusCode.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    grpc.StatusCode.UNAVAILABLE: HTTPStatus.SERVICE_UNAVAILABLE,
}
_JOB = re.compile(r"^/v1/jobs/([A-Za-z0-9-]{1,64})(:cancel|:download)?$")
MAX_BODY = 64 * 1024


class HttpFront:
    """Serves the JSON API on its own thread beside the gRPC server."""

    def __init__(self, api: JobsApi, host: str, port: int) -> None:
        api_ref = api

        class Handler(_Handler):
            api = api_ref

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-front", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._server.shutdown()
        self._server.server_close()

    def healthy(self) -> bool:
        return not self._thread.ident or self._thread.is_alive()


class _Handler(BaseHTTPRequestHandler):
    api: JobsApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("http %s", format % args)

    def _send_json(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self._send_json(HTTPStatus.OK, json_format.MessageToDict(message))

    def _error(self, exc: CinemeshError) -> None:
        status = HTTP_STATUS.get(exc.code, HTTPStatus.INTERNAL_SERVER_ERROR)
        self._send_json(status, {"code": exc.code.name, "message": exc.message})

    def _dispatch(self, method: str) -> None:
        # The caller's W3C trace context carries on into the job's Kafka records, as over gRPC.
        token = tracing.activate(tracing.new_traceparent(self.headers.get("traceparent")))
        try:
            if self.path == "/healthz":
                self._send_json(HTTPStatus.OK, {"status": "ok"})
                return
            account = self.api.authenticate(self.headers.get("authorization"))
            if method == "POST" and self.path == "/v1/jobs":
                request = gateway_pb2.SubmitJobRequest()
                try:
                    json_format.Parse(self._body(), request)
                except json_format.ParseError as exc:
                    raise InvalidArgument("body", f"not a SubmitJobRequest in JSON: {exc}") from None
                self._send_message(self.api.submit(account, request))
                return
            if method == "GET" and self.path == "/v1/account":
                self._send_message(self.api.account(account))
                return
            match = _JOB.match(self.path)
            if match is None:
                self._send_json(
                    HTTPStatus.NOT_FOUND, {"code": "NOT_FOUND", "message": f"no route {method} {self.path}"}
                )
                return
            job_id, action = match.groups()
            if method == "GET" and action is None:
                self._send_message(self.api.get(account, job_id))
            elif method == "POST" and action == ":cancel":
                self._send_message(self.api.cancel(account, job_id))
            elif method == "GET" and action == ":download":
                chunks = list(self.api.download(account, job_id))
                data = b"".join(c.chunk for c in chunks)
                self.send_response(HTTPStatus.OK)
                self.send_header("content-type", "video/mp4")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            else:
                self._send_json(
                    HTTPStatus.METHOD_NOT_ALLOWED, {"code": "UNIMPLEMENTED", "message": f"{method} {self.path}"}
                )
        except CinemeshError as exc:
            self._error(exc)
        except Exception:
            log.exception("HTTP %s %s failed", method, self.path)
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"code": "INTERNAL", "message": "internal error"})
        finally:
            tracing.deactivate(token)

    def _body(self) -> str:
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            raise InvalidArgument("body", f"is {length} bytes; the limit is {MAX_BODY}")
        return self.rfile.read(length).decode("utf-8", errors="replace")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")
