"""HTTP/JSON front of JobService (proto3 JSON mapping) on FastAPI, for clients without gRPC.

POST /v1/jobs                   SubmitJobRequest → SubmitJobResponse
GET  /v1/jobs/{id}              → Job
POST /v1/jobs/{id}:cancel       → Job
GET  /v1/jobs/{id}:download     → video/mp4, streamed from the artifact store
GET  /v1/jobs/{id}/events       → text/event-stream of WatchJobResponse until the job is terminal
GET  /v1/account                → GetAccountResponse
GET  /healthz                   → {"status": "ok"}
GET  /v1/openapi.json, /docs    → the OpenAPI 3.1 document, generated from this module and the protos

Routes stay thin: authenticate, call JobsApi on the thread pool, and let one
exception handler turn a CinemeshError into its status. Every error body is
{"code": <gRPC status name>, "message": <what to do>}. The socket-level edges
(a request head's deadline, malformed requests) are in `httpserver`.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator, Generator
from http import HTTPStatus
from typing import Annotated, Any

import grpc
from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from google.protobuf import json_format
from google.protobuf.message import Message
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from cinemesh.gateway import videos_http
from cinemesh.gateway.characters import CharactersApi
from cinemesh.gateway.dependencies import UUID_PATTERN, Caller, Hub, Jobs, Watcher, only_known_query_parameters
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.openapi import REF_PREFIX, proto_schemas
from cinemesh.gateway.sse import HEARTBEAT_SECONDS, event_stream
from cinemesh.gateway.videos import VideosApi
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.gateway.webhooks import WebhooksApi
from cinemesh.runtime import tracing
from cinemesh.runtime.errors import CinemeshError, InvalidArgument, RateLimited
from cinemesh.v1 import gateway_pb2

#: Largest request body accepted (a SubmitJobRequest with a long storyboard is a few KiB).
MAX_BODY_BYTES = 64 * 1024
#: An SSE comment this often keeps an idle progress stream open through proxies.
HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: HTTPStatus.BAD_REQUEST,
    grpc.StatusCode.FAILED_PRECONDITION: HTTPStatus.BAD_REQUEST,
    grpc.StatusCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS: HTTPStatus.CONFLICT,
    grpc.StatusCode.PERMISSION_DENIED: HTTPStatus.FORBIDDEN,
    grpc.StatusCode.RESOURCE_EXHAUSTED: HTTPStatus.TOO_MANY_REQUESTS,
    grpc.StatusCode.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    grpc.StatusCode.UNAVAILABLE: HTTPStatus.SERVICE_UNAVAILABLE,
}
#: The code named in the body of errors that the HTTP layer itself raises.
_HTTP_CODES = {
    HTTPStatus.NOT_FOUND: "NOT_FOUND",
    HTTPStatus.METHOD_NOT_ALLOWED: "UNIMPLEMENTED",
    HTTPStatus.REQUEST_TIMEOUT: "DEADLINE_EXCEEDED",
}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def _rejection(status: HTTPStatus, code: str, message: str) -> JSONResponse:
    """An answer before the body was read: the connection closes, so unread body bytes cannot pose as a request."""
    return _error(status, code, message, {"connection": "close"})


class _BodyTimeout(Exception):
    """The request body did not arrive in time."""


class RequestGuard:
    """Bounds every request body: a length up front, at most `max_bytes`, all of it within `timeout` seconds.

    A body must say its length (`content-length`; no chunked uploads), so an oversized one is refused
    before a byte of it is read. The deadline covers the whole body, however slowly it trickles in.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float, uploads: tuple[str, int] | None = None) -> None:
        self._app = app
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._uploads = uploads  # (path prefix, larger limit) of routes that take uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        max_bytes = self._max_bytes
        if self._uploads is not None and scope["path"].startswith(self._uploads[0]):
            max_bytes = self._uploads[1]
        rejection = None
        if "transfer-encoding" in headers:
            rejection = _rejection(
                HTTPStatus.LENGTH_REQUIRED,
                "INVALID_ARGUMENT",
                "send the body with a content-length header; chunked request bodies are not accepted",
            )
        elif length is not None and not (length.isascii() and length.isdigit()):
            # uvicorn's h11 refuses these before the app runs; this keeps the app safe behind another server
            rejection = _rejection(
                HTTPStatus.BAD_REQUEST, "INVALID_ARGUMENT", f"content-length {length!r} is not a byte count"
            )
        elif length is not None and int(length) > max_bytes:
            rejection = _rejection(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "INVALID_ARGUMENT",
                f"the body is {int(length)} bytes; the limit is {max_bytes}",
            )
        if rejection is not None:
            await rejection(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self._timeout
        body_done = False
        started = False

        async def guarded_receive() -> AsgiMessage:
            nonlocal body_done
            if body_done:  # later receives wait for a disconnect (a stream's), with no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTimeout from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def tracked_send(message: AsgiMessage) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, guarded_receive, tracked_send)
        except _BodyTimeout:
            if not started:
                timeout = _rejection(
                    HTTPStatus.REQUEST_TIMEOUT,
                    "DEADLINE_EXCEEDED",
                    f"the request body did not arrive within {self._timeout:g} s",
                )
                await timeout(scope, receive, send)


class TraceContext:
    """The caller's W3C trace context carries on into the job's Kafka records, as over gRPC."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        token = tracing.activate(tracing.new_traceparent(Headers(scope=scope).get("traceparent")))
        try:
            await self._app(scope, receive, send)
        finally:
            tracing.deactivate(token)


def _json(message: Message) -> JSONResponse:
    return JSONResponse(json_format.MessageToDict(message))


def _schema(name: str) -> dict[str, Any]:
    return {"$ref": REF_PREFIX + name}


def _json_content(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _schema(name)}}}


_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": _json_content("Error", "The request was refused; `message` says why and what is accepted."),
    "5XX": _json_content("Error", "The gateway or a dependency failed; retry later."),
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "the gRPC status name, e.g. INVALID_ARGUMENT or NOT_FOUND"},
        "message": {"type": "string", "description": "what was wrong, with the field or limit, and what to do"},
    },
}
JobId = Annotated[
    str,
    Path(
        description="The job's id, as SubmitJob returned it.",
        json_schema_extra={"format": "uuid", "pattern": UUID_PATTERN},
    ),
]


router = APIRouter()


@router.get("/healthz", tags=["ops"], responses={200: {"description": "The HTTP front is up."}})
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.post(
    "/v1/jobs",
    tags=["jobs"],
    summary="Submit a job (idempotent by requestId)",
    responses={200: _json_content("SubmitJobResponse", "The job, new or the one of an earlier requestId."), **_ERRORS},
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _schema("SubmitJobRequest")}}}
    },
)
async def submit_job(request: Request, jobs: Jobs, caller: Caller) -> Response:
    if "content-length" not in request.headers:
        raise HTTPException(HTTPStatus.LENGTH_REQUIRED, "send the JSON body with a content-length header")
    body = await request.body()
    submit = gateway_pb2.SubmitJobRequest()
    try:
        json_format.Parse(body.decode("utf-8"), submit)
    except (json_format.ParseError, UnicodeDecodeError) as exc:
        raise InvalidArgument("body", f"not a SubmitJobRequest in UTF-8 JSON: {exc}") from None
    return _json(await run_in_threadpool(jobs.submit, caller, submit))


@router.get(
    "/v1/account",
    tags=["account"],
    summary="Read the caller's account: tier and credit balance",
    responses={200: _json_content("GetAccountResponse", "The account."), **_ERRORS},
)
async def get_account(jobs: Jobs, caller: Caller) -> Response:
    return _json(await run_in_threadpool(jobs.account, caller))


# The `:cancel` and `:download` routes come before `/v1/jobs/{job_id}`, whose parameter would match them too.
@router.post(
    "/v1/jobs/{job_id}:cancel",
    tags=["jobs"],
    summary="Cancel a queued or running job and refund its credits",
    responses={200: _json_content("Job", "The job, now cancelled."), **_ERRORS},
)
async def cancel_job(job_id: JobId, jobs: Jobs, caller: Caller) -> Response:
    return _json(await run_in_threadpool(jobs.cancel, caller, job_id))


@router.get(
    "/v1/jobs/{job_id}:download",
    tags=["jobs"],
    summary="Download the MP4 of a completed job",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The MP4, streamed in chunks from the artifact store.",
            "content": {"video/mp4": {"schema": {"type": "string", "contentMediaType": "video/mp4"}}},
        },
        **_ERRORS,
    },
)
async def download_job(job_id: JobId, jobs: Jobs, caller: Caller) -> StreamingResponse:
    chunks = jobs.download(caller, job_id)
    # The generator's checks (the job exists, is the caller's, is completed) run on its first chunk: here,
    # before the status line is sent, so that they still become an error status.
    first = await run_in_threadpool(next, chunks, None)
    headers = {"content-length": str(first.total_bytes)} if first is not None and first.total_bytes else None
    return StreamingResponse(_stream_chunks(first, chunks), media_type="video/mp4", headers=headers)


@router.get(
    "/v1/jobs/{job_id}/events",
    tags=["jobs"],
    summary="Follow a job's progress (server-sent events) until it is terminal",
    description=(
        "Each `progress` event carries a WatchJobResponse in JSON with every field present: the job (with its "
        "`state`), `currentStage`, `progressPercent` and `etaSeconds` (< 0 while unknown). One comes at once, "
        f"then one on every change of state, stage or whole percent; a comment every {HEARTBEAT_SECONDS:g} s "
        "keeps a quiet stream open. The stream ends after the event with a terminal state."
    ),
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The stream of `progress` events.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **_ERRORS,
    },
)
async def job_events(job_id: JobId, hub: Hub, caller: Watcher) -> StreamingResponse:
    updates = hub.watch(caller, job_id)
    first = await anext(updates)  # NOT_FOUND surfaces here, before the stream starts
    return StreamingResponse(
        event_stream(first, updates, _event),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


@router.get(
    "/v1/jobs/{job_id}",
    tags=["jobs"],
    summary="Read a job",
    responses={200: _json_content("Job", "The job."), **_ERRORS},
)
async def get_job(job_id: JobId, jobs: Jobs, caller: Caller) -> Response:
    return _json(await run_in_threadpool(jobs.get, caller, job_id))


async def _domain_error(request: Request, exc: Exception) -> Response:
    """The one place where a domain error becomes an HTTP status."""
    assert isinstance(exc, CinemeshError)
    # Over a rate or concurrency limit: 429 says when the same request will succeed.
    headers = {"retry-after": str(math.ceil(exc.retry_after_seconds))} if isinstance(exc, RateLimited) else None
    return _error(HTTP_STATUS.get(exc.code, HTTPStatus.INTERNAL_SERVER_ERROR), exc.code.name, exc.message, headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Errors of the HTTP layer itself: no such route, a method the route does not take, no content-length."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == HTTPStatus.NOT_FOUND:
        message = f"no route {request.method} {request.url.path}"
    elif exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        allowed = Headers(exc.headers).get("allow", "")
        message = f"{request.method} is not served on {request.url.path}; it takes {allowed}"
    else:
        message = str(exc.detail)
    return _error(exc.status_code, _HTTP_CODES.get(exc.status_code, "INVALID_ARGUMENT"), message, exc.headers)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(map(str, error['loc'][1:]))}: {error['msg']}" for error in exc.errors())
    return _error(HTTPStatus.BAD_REQUEST, "INVALID_ARGUMENT", problems)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Starlette re-raises the exception after this answer, and uvicorn logs its traceback.
    return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error; the operator's logs have the details")


def create_app(
    jobs: JobsApi,
    hub: JobWatchHub,
    timeout_seconds: float,
    videos: VideosApi | None = None,
    characters: CharactersApi | None = None,
    webhooks: WebhooksApi | None = None,
) -> FastAPI:
    """The HTTP front's ASGI application; a request body must arrive within `timeout_seconds`.

    With `videos`, it also serves the Videos API (`videos_http`) that the openai SDK's `client.videos` calls, and
    with `characters` its characters (cameos enrolled through the identity service); with `webhooks` the webhook
    endpoints and their delivery logs.
    """
    app = FastAPI(
        title="cinemesh",
        version="1",
        summary="Prompt-to-MP4 jobs over HTTP/JSON: the proto3 JSON mapping of cinemesh.v1.JobService.",
        openapi_url="/v1/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        redirect_slashes=False,  # an API answers `/v1/jobs/` with a 404, not a redirect built from the Host header
        dependencies=[Depends(only_known_query_parameters)],
        exception_handlers={
            CinemeshError: _domain_error,
            HTTPException: _http_error,
            RequestValidationError: _invalid_request,
            Exception: _unexpected,
        },
    )
    app.state.jobs = jobs
    app.state.hub = hub
    app.state.videos = videos
    app.state.characters = characters
    app.state.webhooks = webhooks
    app.include_router(router)
    from cinemesh.gateway import billing_routes  # webhooks and usage; it imports this module's error responses

    app.include_router(billing_routes.router)
    if webhooks is not None:
        app.include_router(billing_routes.webhook_router)
    if videos is not None:
        app.include_router(videos_http.router)
    uploads = (videos_http.UPLOAD_PREFIX, videos_http.MAX_UPLOAD_BYTES) if videos is not None else None
    app.add_middleware(RequestGuard, max_bytes=MAX_BODY_BYTES, timeout=timeout_seconds, uploads=uploads)
    app.add_middleware(TraceContext)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Error"] = _ERROR_SCHEMA
            schemas.update(
                proto_schemas(
                    gateway_pb2.SubmitJobRequest.DESCRIPTOR,
                    gateway_pb2.SubmitJobResponse.DESCRIPTOR,
                    gateway_pb2.Job.DESCRIPTOR,
                    gateway_pb2.WatchJobResponse.DESCRIPTOR,
                    gateway_pb2.GetAccountResponse.DESCRIPTOR,
                )
            )
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _stream_chunks(
    first: gateway_pb2.DownloadJobResponse | None, chunks: Generator[gateway_pb2.DownloadJobResponse, None, None]
) -> AsyncIterator[bytes]:
    """The download's chunks, each read from the artifact store on the thread pool."""
    try:
        item = first
        while item is not None:
            yield item.chunk
            item = await run_in_threadpool(next, chunks, None)
    finally:
        chunks.close()  # closes the artifact file of a client that left


async def _event(update: gateway_pb2.WatchJobResponse) -> str:
    data = json_format.MessageToDict(update, always_print_fields_with_no_presence=True)
    return f"event: progress\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
