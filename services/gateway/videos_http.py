"""The Videos API over HTTP: the routes the openai SDK's `client.videos` calls, with OpenAI error bodies.

POST   /v1/videos                     JSON or multipart (the SDK always sends a form; `input_reference` an image)
GET    /v1/videos                     cursor page: `after`, `limit`, `order`
GET    /v1/videos/{id}                the Video
DELETE /v1/videos/{id}                → video.deleted
GET    /v1/videos/{id}/content        ?variant=video|thumbnail|spritesheet, streamed
POST   /v1/videos/{id}/remix          {"prompt"}
POST   /v1/videos/extensions          form: prompt, seconds, video[id]
POST   /v1/videos/{id}/save           keeps a draft past its time to live
GET    /v1/videos/{id}/events         server-sent `progress` events: the Video, stage, percent, ETA
POST   /v1/cameos/challenges          {"handle", "name"} → a live challenge to record for a character
POST   /v1/videos/characters          form: name, video (the recording), challenge_id (the SDK's extra_body)
GET    /v1/videos/characters/{id}     the character

Routes stay thin: authenticate, call VideosApi on the thread pool. Every error under these routes has the body
`{"error": {"message", "type", "param", "code"}}` with its status (400, 401, 403, 404, 409, 429, 503), so the SDK
raises its own typed exceptions; the mapping is in `openai_error`, the one place for it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
from collections.abc import AsyncIterator, Callable, Coroutine, Generator
from http import HTTPStatus
from typing import Annotated, Any

import grpc
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from cinemesh.gateway.characters import MAX_RECORDING_BYTES, CharactersApi
from cinemesh.gateway.dependencies import UUID_PATTERN, Bearer, Caller, Hub, Watcher
from cinemesh.gateway.openapi import REF_PREFIX
from cinemesh.gateway.sse import HEARTBEAT_SECONDS, event_stream
from cinemesh.gateway.videos import MAX_REFERENCE_BYTES, CreateVideo, VideosApi
from cinemesh.runtime.errors import CinemeshError, InvalidArgument, RateLimited, ResourceExhausted, Unavailable
from cinemesh.runtime.jobstore import Account
from cinemesh.v1 import common_pb2

#: Request bodies under this prefix may carry uploads (an `input_reference` image) up to this size.
UPLOAD_PREFIX = "/v1/videos"
MAX_UPLOAD_BYTES = max(MAX_REFERENCE_BYTES, MAX_RECORDING_BYTES) + 64 * 1024
_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: HTTPStatus.BAD_REQUEST,
    grpc.StatusCode.FAILED_PRECONDITION: HTTPStatus.BAD_REQUEST,
    grpc.StatusCode.UNAUTHENTICATED: HTTPStatus.UNAUTHORIZED,
    grpc.StatusCode.PERMISSION_DENIED: HTTPStatus.FORBIDDEN,
    grpc.StatusCode.NOT_FOUND: HTTPStatus.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS: HTTPStatus.CONFLICT,
    grpc.StatusCode.RESOURCE_EXHAUSTED: HTTPStatus.TOO_MANY_REQUESTS,
    grpc.StatusCode.UNAVAILABLE: HTTPStatus.SERVICE_UNAVAILABLE,
}
#: OpenAI's error `type` per status.
_TYPES = {
    HTTPStatus.BAD_REQUEST: "invalid_request_error",
    HTTPStatus.UNAUTHORIZED: "authentication_error",
    HTTPStatus.FORBIDDEN: "permission_error",
    HTTPStatus.NOT_FOUND: "not_found_error",
    HTTPStatus.CONFLICT: "conflict_error",
    HTTPStatus.TOO_MANY_REQUESTS: "rate_limit_error",
    HTTPStatus.SERVICE_UNAVAILABLE: "service_unavailable_error",
}
#: Spec fields named as the Videos API names them.
_PARAMS = {"spec.prompt": "prompt", "spec.duration_seconds": "seconds", "spec.resolution": "size"}


def openai_error(
    status: int, message: str, code: str, param: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    kind = _TYPES.get(HTTPStatus(status), "server_error" if status >= 500 else "invalid_request_error")
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def _domain_error(exc: CinemeshError) -> JSONResponse:
    status = _STATUS.get(exc.code, HTTPStatus.INTERNAL_SERVER_ERROR)
    param = _PARAMS.get(exc.field, exc.field) if isinstance(exc, InvalidArgument) else None
    code = exc.code.name.lower()
    headers = None
    if isinstance(exc, RateLimited):
        code, headers = "rate_limit_exceeded", {"retry-after": str(math.ceil(exc.retry_after_seconds))}
    elif isinstance(exc, ResourceExhausted):
        code = "insufficient_quota"
    elif exc.code == grpc.StatusCode.UNAUTHENTICATED:
        code = "invalid_api_key"
    return openai_error(status, exc.message, code, param, headers)


class OpenAIErrorRoute(APIRoute):
    """A route whose errors, raised anywhere in its dependencies or body, answer in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except CinemeshError as exc:
                return _domain_error(exc)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
                param = ".".join(map(str, first["loc"][1:])) or None
                problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
                return openai_error(HTTPStatus.BAD_REQUEST, problems, "invalid_argument", param)
            except HTTPException as exc:
                return openai_error(exc.status_code, str(exc.detail), "invalid_argument")

        return answer


VideoId = Annotated[str, Path(pattern=UUID_PATTERN, description="The video's id (a UUID the API issued).")]
CharacterId = Annotated[str, Path(pattern=UUID_PATTERN, description="The character's id (a UUID the API issued).")]


def _body(properties: dict[str, Any], required: list[str], multipart: bool = True) -> dict[str, Any]:
    """An operation's documented request body: a JSON object, and the same fields as a form when uploads come."""
    schema = {"type": "object", "required": required, "properties": properties}
    content = {"application/json": {"schema": schema}}
    if multipart:
        content["multipart/form-data"] = {"schema": schema}
    return {"requestBody": {"required": True, "content": content}}


_PROMPT = {"type": "string", "minLength": 1, "maxLength": 4000, "description": "what to render"}
_SECONDS = {"type": "string", "pattern": r"^[0-9]{1,2}(\.[0-9]{1,3})?$", "description": "length in seconds"}
_CREATE_BODY = _body(
    {
        "prompt": _PROMPT,
        "model": {"type": "string", "description": "cinemesh-standard, cinemesh-pro, or sora-2 / sora-2-pro"},
        "seconds": _SECONDS,
        "size": {"type": "string", "pattern": r"^[0-9]{2,5}x[0-9]{2,5}$", "description": "WIDTHxHEIGHT"},
        "input_reference": {"type": "string", "format": "binary", "description": "an image file"},
    },
    ["prompt"],
)
_REMIX_BODY = _body({"prompt": _PROMPT}, ["prompt"], multipart=False)
_EXTEND_BODY = _body(
    {
        "prompt": _PROMPT,
        "seconds": _SECONDS,
        "video": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "string", "pattern": UUID_PATTERN}},
        },
    },
    ["prompt", "seconds", "video"],
)
_CHALLENGE_BODY = _body(
    {"handle": {"type": "string", "pattern": "^[a-z0-9_]{3,30}$"}, "name": {"type": "string", "maxLength": 100}},
    ["handle"],
    multipart=False,
)
_CHARACTER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["name", "video", "challenge_id"],
                    "properties": {
                        "name": {"type": "string"},
                        "video": {"type": "string", "format": "binary"},
                        "challenge_id": {"type": "string", "pattern": UUID_PATTERN},
                    },
                }
            }
        },
    }
}


def _api(request: Request) -> VideosApi:
    return request.app.state.videos  # type: ignore[no-any-return]


Videos = Annotated[VideosApi, Depends(_api)]


router = APIRouter(route_class=OpenAIErrorRoute, tags=["videos"])

_VIDEO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "object", "model", "status", "progress", "created_at", "seconds", "size"],
    "properties": {
        "id": {"type": "string"},
        "object": {"const": "video"},
        "model": {"type": "string"},
        "status": {"enum": ["queued", "in_progress", "completed", "failed"]},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "created_at": {"type": "integer"},
        "completed_at": {"type": ["integer", "null"]},
        "expires_at": {"type": ["integer", "null"]},
        "prompt": {"type": ["string", "null"]},
        "seconds": {"type": "string"},
        "size": {"type": "string"},
        "remixed_from_video_id": {"type": ["string", "null"]},
        "error": {
            "type": ["object", "null"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
    },
}
_OPENAI_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "param", "code"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "description": (
            "Refused; the OpenAI error body says why. A body refused at the front's edge before any route ran "
            "(408, 411, 413) has the gateway's own Error body."
        ),
        "content": {"application/json": {"schema": {"anyOf": [_OPENAI_ERROR_SCHEMA, {"$ref": REF_PREFIX + "Error"}]}}},
    },
    "5XX": {
        "description": "The gateway or a dependency failed; retry later.",
        "content": {"application/json": {"schema": {"anyOf": [_OPENAI_ERROR_SCHEMA, {"$ref": REF_PREFIX + "Error"}]}}},
    },
}


def _video_response(description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"application/json": {"schema": _VIDEO_SCHEMA}}}, **_ERRORS}


async def _fields(request: Request) -> tuple[dict[str, Any], FormData | None]:
    """The body's fields, from JSON or from a form (the SDK sends forms, nested objects as `a[b]`)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data") or content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
        fields: dict[str, Any] = {}
        for key, value in form.multi_items():
            if "[" in key and key.endswith("]"):
                outer, inner = key[:-1].split("[", 1)
                nested = fields.setdefault(outer, {})
                if isinstance(nested, dict):
                    nested[inner] = value
            else:
                fields[key] = value
        return fields, form
    body = await request.body()
    if not body:
        return {}, None
    try:
        parsed = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidArgument("body", f"not JSON or a multipart form: {exc}") from None
    if not isinstance(parsed, dict):
        raise InvalidArgument("body", "must be a JSON object")
    return parsed, None


def _text(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value)
    raise InvalidArgument(name, "must be a string")


async def _image(value: Any) -> bytes | None:
    """An `input_reference`: an uploaded file, or `{"image_url": "data:image/...;base64,..."}`."""
    if value is None:
        return None
    if isinstance(value, UploadFile):
        return await value.read()
    if isinstance(value, dict) and isinstance(value.get("image_url"), str):
        url: str = value["image_url"]
        if url.startswith("data:") and ";base64," in url:
            try:
                return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
            except (binascii.Error, ValueError):
                raise InvalidArgument("input_reference.image_url", "is not valid base64") from None
        raise InvalidArgument(
            "input_reference.image_url", "give the image itself (an upload or a base64 data URL); URLs are not fetched"
        )
    raise InvalidArgument("input_reference", "upload an image file or give {image_url: <base64 data URL>}")


_CHARACTER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "created_at"],
    "properties": {
        "id": {"type": "string"},
        "object": {"const": "character"},
        "name": {"type": "string"},
        "handle": {"type": "string", "description": "what prompts write as `@handle` to cast it"},
        "created_at": {"type": "integer"},
    },
}


def _characters(request: Request) -> CharactersApi:
    characters: CharactersApi | None = request.app.state.characters
    if characters is None:
        raise Unavailable("characters are not served by this gateway (no identity service configured)")
    return characters


Characters = Annotated[CharactersApi, Depends(_characters)]


def _authorization(credentials: HTTPAuthorizationCredentials | None) -> str:
    return f"Bearer {credentials.credentials}" if credentials else ""


@router.post(
    "/v1/cameos/challenges",
    summary="Start a character: a one-time live challenge (head moves and a phrase) to record",
    responses={200: {"description": "The challenge; send its `id` as `challenge_id` with the recording."}, **_ERRORS},
    openapi_extra=_CHALLENGE_BODY,
)
async def start_character(
    request: Request, characters: Characters, caller: Caller, credentials: Bearer
) -> JSONResponse:
    fields, _ = await _fields(request)
    handle = _text(fields, "handle") or ""
    challenge = await run_in_threadpool(
        characters.start, _authorization(credentials), handle, _text(fields, "name") or handle
    )
    return JSONResponse(challenge)


@router.post(
    "/v1/videos/characters",
    summary="Create a character from the recording made for a challenge (live verification)",
    responses={
        200: {"description": "The character.", "content": {"application/json": {"schema": _CHARACTER_SCHEMA}}},
        **_ERRORS,
    },
    openapi_extra=_CHARACTER_BODY,
)
async def create_character(
    request: Request, characters: Characters, caller: Caller, credentials: Bearer
) -> JSONResponse:
    fields, _ = await _fields(request)
    video = fields.get("video")
    if not isinstance(video, UploadFile):
        raise InvalidArgument("video", "upload the recording made for the challenge (MP4 or WebM with sound)")
    recording = await video.read()
    created = await run_in_threadpool(
        characters.create, _authorization(credentials), _text(fields, "challenge_id"), recording
    )
    return JSONResponse(created)


@router.get(
    "/v1/videos/characters/{character_id}",
    summary="Read a character",
    responses={
        200: {"description": "The character.", "content": {"application/json": {"schema": _CHARACTER_SCHEMA}}},
        **_ERRORS,
    },
)
async def get_character(
    character_id: CharacterId, characters: Characters, caller: Caller, credentials: Bearer
) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(characters.get, _authorization(credentials), character_id))


@router.post(
    "/v1/videos",
    summary="Create a video",
    responses=_video_response("The video, queued."),
    openapi_extra=_CREATE_BODY,
)
async def create_video(request: Request, videos: Videos, caller: Caller) -> JSONResponse:
    fields, _ = await _fields(request)
    create = CreateVideo(
        prompt=_text(fields, "prompt"),
        model=_text(fields, "model"),
        seconds=_text(fields, "seconds"),
        size=_text(fields, "size"),
        input_reference=await _image(fields.get("input_reference")),
        idempotency_key=request.headers.get("idempotency-key"),
    )
    return JSONResponse(await run_in_threadpool(videos.create, caller, create))


@router.get(
    "/v1/videos",
    summary="List videos (cursor pagination)",
    responses={
        200: {
            "description": "A page of videos.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "object": {"const": "list"},
                            "data": {"type": "array", "items": _VIDEO_SCHEMA},
                            "has_more": {"type": "boolean"},
                            "first_id": {"type": ["string", "null"]},
                            "last_id": {"type": ["string", "null"]},
                        },
                    }
                }
            },
        },
        **_ERRORS,
    },
)
async def list_videos(
    videos: Videos,
    caller: Caller,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    order: Annotated[str | None, Query(pattern="^(asc|desc)$")] = None,
) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(videos.page, caller, after, limit, order))


@router.post(
    "/v1/videos/extensions",
    summary="Extend a completed video by a number of seconds",
    responses=_video_response("The extension, queued; `seconds` is the stitched total."),
    openapi_extra=_EXTEND_BODY,
)
async def extend_video(request: Request, videos: Videos, caller: Caller) -> JSONResponse:
    fields, _ = await _fields(request)
    video = fields.get("video")
    if not isinstance(video, dict) or not isinstance(video.get("id"), str):
        raise InvalidArgument("video", "give the completed video to extend as {id: <video id>}")
    prompt, seconds = _text(fields, "prompt") or "", _text(fields, "seconds")
    if seconds is None:
        raise InvalidArgument("seconds", "is required: how many seconds to add")
    return JSONResponse(await run_in_threadpool(videos.extend, caller, video["id"], prompt, seconds))


@router.get("/v1/videos/{video_id}", summary="Read a video", responses=_video_response("The video."))
async def retrieve_video(video_id: VideoId, videos: Videos, caller: Caller) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(videos.retrieve, caller, video_id))


@router.delete(
    "/v1/videos/{video_id}",
    summary="Delete a video (a running one is cancelled and refunded)",
    responses={200: {"description": "video.deleted"}, **_ERRORS},
)
async def delete_video(video_id: VideoId, videos: Videos, caller: Caller) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(videos.delete, caller, video_id))


@router.post(
    "/v1/videos/{video_id}/remix",
    summary="Remix a completed video with a new prompt (same seed, size and length)",
    responses=_video_response("The remix, queued."),
    openapi_extra=_REMIX_BODY,
)
async def remix_video(request: Request, video_id: VideoId, videos: Videos, caller: Caller) -> JSONResponse:
    fields, _ = await _fields(request)
    return JSONResponse(await run_in_threadpool(videos.remix, caller, video_id, _text(fields, "prompt") or ""))


@router.post(
    "/v1/videos/{video_id}/save",
    summary="Save a draft: it no longer expires",
    responses=_video_response("The video, with no `expires_at`."),
)
async def save_video(video_id: VideoId, videos: Videos, caller: Caller) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(videos.save, caller, video_id))


@router.get(
    "/v1/videos/{video_id}/content",
    summary="Download a completed video's MP4, thumbnail or spritesheet",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The bytes, streamed from the artifact store.",
            "content": {
                "video/mp4": {"schema": {"type": "string"}},
                "image/webp": {"schema": {"type": "string"}},
                "image/jpeg": {"schema": {"type": "string"}},
            },
        },
        **_ERRORS,
    },
)
async def video_content(
    video_id: VideoId,
    videos: Videos,
    caller: Caller,
    variant: Annotated[str | None, Query(pattern="^(video|thumbnail|spritesheet)$")] = None,
) -> StreamingResponse:
    media_type, size, chunks = await run_in_threadpool(videos.content, caller, video_id, variant)
    # The first chunk is read before the status line, so that a missing file is still an error status.
    first = await run_in_threadpool(next, chunks, None)
    headers = {"content-length": str(size)} if size else None
    return StreamingResponse(_stream(first, chunks), media_type=media_type, headers=headers)


async def _stream(first: bytes | None, chunks: Generator[bytes]) -> AsyncIterator[bytes]:
    try:
        item = first
        while item is not None:
            yield item
            item = await run_in_threadpool(next, chunks, None)
    finally:
        chunks.close()


@router.get(
    "/v1/videos/{video_id}/events",
    summary="Follow a video's progress (server-sent events) until it is terminal",
    description=(
        "Each `progress` event's data is `{video, stage, percent, eta_seconds}`: the Video object, the stage "
        "working now (`prompt`, `identity`, `video`, `audio`, `lipsync`, or null), the percent done and the "
        f"estimated seconds left (< 0 while unknown). A comment every {HEARTBEAT_SECONDS:g} s keeps a quiet stream "
        "open; the stream ends after the event whose video is completed or failed."
    ),
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The stream of `progress` events.",
            "content": {
                "text/event-stream": {
                    "schema": {
                        "type": "object",
                        "description": "one server-sent event",
                        "properties": {
                            "event": {"const": "progress"},
                            "data": {"type": "string", "contentMediaType": "application/json"},
                        },
                    }
                }
            },
        },
        **_ERRORS,
    },
)
async def video_events(video_id: VideoId, videos: Videos, hub: Hub, caller: Watcher) -> StreamingResponse:
    await run_in_threadpool(videos.retrieve, caller, video_id)  # NOT_FOUND for deleted videos too
    updates = hub.watch(caller, video_id)
    first = await anext(updates)
    return StreamingResponse(
        event_stream(first, updates, functools.partial(_event, videos, caller, video_id)),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


async def _event(videos: VideosApi, caller: Account, video_id: str, update: Any) -> str:
    video = await run_in_threadpool(videos.retrieve, caller, video_id)
    stage = common_pb2.Stage.Name(update.current_stage).removeprefix("STAGE_").lower()
    data = {
        "video": video,
        "stage": None if stage == "unspecified" else stage,
        "percent": update.progress_percent,
        "eta_seconds": update.eta_seconds,
    }
    return f"event: progress\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
