"""HTTP routes of webhooks, usage and billing mode (included by `http.create_app`).

POST   /v1/webhook_endpoints                   {name, url, event_types} → the endpoint with its signing secret (once)
GET    /v1/webhook_endpoints                   → {"object": "list", "data": [endpoint, ...]}
GET    /v1/webhook_endpoints/{id}              → the endpoint
DELETE /v1/webhook_endpoints/{id}              → {"id", "deleted": true, "object": "webhook_endpoint.deleted"}
GET    /v1/webhook_endpoints/{id}/deliveries   → the endpoint's delivery log, newest first
GET    /v1/usage?start=&end=&format=json|csv   → the caller's finished jobs in [start, end) and what each cost
PUT    /v1/admin/accounts/{id}/billing         {billing: credits|usd} (admin scope) → the account's billing mode

The endpoint routes follow the `openai` SDK's `client.webhooks` (create, list, retrieve, delete), so the SDK can
manage them; `/v1/webhooks` is the same collection under the name the issue uses. Routes stay thin: the
domain is `webhooks.WebhooksApi` and `pricing.usage_report`; errors go through `http`'s one handler.
"""

from __future__ import annotations

import datetime as dt
import math
from http import HTTPStatus
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from cinemesh.gateway.dependencies import Caller, Jobs
from cinemesh.gateway.http import _ERRORS
from cinemesh.gateway.webhooks import EVENT_TYPES, WebhooksApi
from cinemesh.gateway.webhookstore import Delivery, Endpoint
from cinemesh.runtime.errors import InvalidArgument

#: The usage export's default range: the last 30 days.
DEFAULT_USAGE_DAYS = 30
#: Longest usage range one request may ask for.
MAX_USAGE_DAYS = 400
#: usage and billing (always served) and webhook endpoints (served when the gateway has webhooks)
router = APIRouter()
webhook_router = APIRouter()
EndpointId = Annotated[str, Path(pattern=r"^we_[0-9a-f]{24}$", description="The webhook endpoint's id.")]
AccountId = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="The account's id.")]


def _webhooks(request: Request) -> WebhooksApi:
    return request.app.state.webhooks  # type: ignore[no-any-return]


Webhooks = Annotated[WebhooksApi, Depends(_webhooks)]


class EndpointCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="A name for the endpoint.")
    url: str = Field(min_length=1, max_length=2000, description="The http(s) URL that receives the events.")
    event_types: list[Literal["video.completed", "video.failed", "video.cancelled"]] | None = Field(
        default=None, description="The events to deliver; all of them when left out."
    )


class WebhookEndpointOut(BaseModel):
    """A webhook endpoint, as the `openai` SDK's `WebhookEndpoint` types it."""

    id: str
    object: Literal["webhook_endpoint"]
    created_at: int
    updated_at: int
    name: str
    url: str
    event_types: list[str]
    signing_secret_hint: str
    signing_secret: str | None = Field(default=None, description="Only in the answer that created the endpoint.")


class WebhookEndpointList(BaseModel):
    object: Literal["list"]
    data: list[WebhookEndpointOut]
    first_id: str | None
    last_id: str | None
    has_more: bool


class DeletedWebhookEndpoint(BaseModel):
    id: str
    deleted: bool
    object: Literal["webhook_endpoint.deleted"]


class WebhookDeliveryOut(BaseModel):
    """One event's delivery to one endpoint; times are Unix seconds."""

    id: str = Field(description="The event id: the `webhook-id` header of every attempt.")
    object: Literal["webhook_delivery"]
    endpoint_id: str
    type: str
    video_id: str
    status: Literal["pending", "delivered", "failed", "abandoned"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: int
    last_attempt_at: int | None
    next_attempt_at: int | None
    delivered_at: int | None


class WebhookDeliveryList(BaseModel):
    object: Literal["list"]
    data: list[WebhookDeliveryOut]
    first_id: str | None
    last_id: str | None
    has_more: bool


class UsageRowOut(BaseModel):
    job_id: str
    state: Literal["completed", "failed", "cancelled"]
    tier: str
    resolution: str
    seconds: float
    billing: Literal["credits", "usd"]
    credits: int
    price_micros: int = Field(description="USD micro-dollars (10^-6 USD); 0 unless completed and billed in USD.")
    price_usd: str
    created_at: str
    finished_at: str


class UsageOut(BaseModel):
    object: Literal["usage"]
    account_id: str
    start: str
    end: str
    total_seconds: float
    total_credits: int
    total_price_micros: int
    total_usd: str
    data: list[UsageRowOut]


class BillingOut(BaseModel):
    account_id: str
    billing: Literal["credits", "usd"]


class BillingChange(BaseModel):
    billing: Literal["credits", "usd"] = Field(description="credits: prepaid credits; usd: billed per second in USD.")


def _unix(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def _endpoint_json(endpoint: Endpoint, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": endpoint.endpoint_id,
        "object": "webhook_endpoint",
        "created_at": _unix(endpoint.created_at),
        "updated_at": _unix(endpoint.updated_at),
        "name": endpoint.name,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "signing_secret_hint": endpoint.secret_hint,
    }
    if secret is not None:
        body["signing_secret"] = secret
    return body


def _delivery_json(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.event_id,
        "object": "webhook_delivery",
        "endpoint_id": delivery.endpoint_id,
        "type": delivery.event_type,
        "video_id": delivery.job_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": _unix(delivery.created_at),
        "last_attempt_at": _unix(delivery.last_attempt_at),
        "next_attempt_at": _unix(delivery.next_attempt_at),
        "delivered_at": _unix(delivery.delivered_at),
    }


def _list(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": False,
    }


def _answer(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "description": description}, **_ERRORS}


_CREATED = _answer(WebhookEndpointOut, "The endpoint with `signing_secret`, shown this once.")
_ENDPOINTS = _answer(WebhookEndpointList, "A list of endpoints (without their secrets).")
_DELIVERIES = _answer(WebhookDeliveryList, "A list of deliveries, newest first.")
_DELETED = _answer(DeletedWebhookEndpoint, "The endpoint is deleted.")


@webhook_router.post(
    "/v1/webhook_endpoints",
    tags=["webhooks"],
    summary="Register a webhook endpoint; its signing secret is in this answer only",
    responses=_CREATED,
)
@webhook_router.post(
    "/v1/webhooks", tags=["webhooks"], summary="Register a webhook endpoint (alias)", responses=_CREATED
)
async def create_endpoint(body: EndpointCreate, api: Webhooks, caller: Caller) -> JSONResponse:
    event_types = list(body.event_types) if body.event_types else None
    created = await run_in_threadpool(api.create, caller, body.name, body.url, event_types)
    return JSONResponse(_endpoint_json(created.endpoint, created.secret))


@webhook_router.get(
    "/v1/webhook_endpoints",
    tags=["webhooks"],
    summary="List the account's webhook endpoints, newest first",
    responses=_ENDPOINTS,
)
@webhook_router.get("/v1/webhooks", tags=["webhooks"], summary="List webhook endpoints (alias)", responses=_ENDPOINTS)
async def list_endpoints(api: Webhooks, caller: Caller) -> JSONResponse:
    endpoints = await run_in_threadpool(api.list, caller)
    return JSONResponse(_list([_endpoint_json(endpoint) for endpoint in endpoints]))


@webhook_router.get(
    "/v1/webhook_endpoints/{endpoint_id}/deliveries",
    tags=["webhooks"],
    summary="The endpoint's delivery log: every event, its attempts and outcome, newest first",
    responses=_DELIVERIES,
)
@webhook_router.get(
    "/v1/webhooks/{endpoint_id}/deliveries", tags=["webhooks"], summary="Delivery log (alias)", responses=_DELIVERIES
)
async def list_deliveries(
    endpoint_id: EndpointId, api: Webhooks, caller: Caller, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> JSONResponse:
    deliveries = await run_in_threadpool(api.deliveries, caller, endpoint_id, limit)
    return JSONResponse(_list([_delivery_json(delivery) for delivery in deliveries]))


@webhook_router.get(
    "/v1/webhook_endpoints/{endpoint_id}",
    tags=["webhooks"],
    summary="Read a webhook endpoint",
    responses=_answer(WebhookEndpointOut, "The endpoint (without its secret)."),
)
async def get_endpoint(endpoint_id: EndpointId, api: Webhooks, caller: Caller) -> JSONResponse:
    return JSONResponse(_endpoint_json(await run_in_threadpool(api.get, caller, endpoint_id)))


@webhook_router.delete(
    "/v1/webhook_endpoints/{endpoint_id}",
    tags=["webhooks"],
    summary="Delete a webhook endpoint; its pending deliveries are abandoned, its log stays readable",
    responses=_DELETED,
)
@webhook_router.delete("/v1/webhooks/{endpoint_id}", tags=["webhooks"], summary="Delete (alias)", responses=_DELETED)
async def delete_endpoint(endpoint_id: EndpointId, api: Webhooks, caller: Caller) -> JSONResponse:
    await run_in_threadpool(api.delete, caller, endpoint_id)
    return JSONResponse({"id": endpoint_id, "deleted": True, "object": "webhook_endpoint.deleted"})


def parse_instant(field: str, value: str) -> dt.datetime:
    """An ISO 8601 date or date-time (UTC unless it says otherwise) or Unix seconds."""
    text = value.strip()
    try:
        if text.replace(".", "", 1).isdigit():
            seconds = float(text)
            if not math.isfinite(seconds) or seconds > 253402300799:
                raise ValueError(text)
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise InvalidArgument(field, f"{value[:40]!r} is not an ISO 8601 date or date-time, nor Unix seconds") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


@router.get(
    "/v1/usage",
    tags=["billing"],
    summary="Export the account's usage: every job that ended in [start, end) and what it cost",
    description=(
        "One row per job that completed, failed or was cancelled in the range (by when it ended): its seconds, "
        "tier, resolution, billing mode, the credits charged and, for an account billed in USD, its price in "
        "micro-dollars and dollars. Failed, cancelled and blocked jobs cost nothing. `start` and `end` are ISO "
        f"8601 dates or date-times (UTC unless they say otherwise) or Unix seconds; the default range is the last "
        f"{DEFAULT_USAGE_DAYS} days, the longest {MAX_USAGE_DAYS}."
    ),
    responses={
        200: {
            "description": "JSON with totals and `data` rows, or CSV with a header row.",
            "model": UsageOut,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **_ERRORS,
    },
)
async def export_usage(
    jobs: Jobs,
    caller: Caller,
    start: Annotated[str | None, Query(max_length=40)] = None,
    end: Annotated[str | None, Query(max_length=40)] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Response:
    until = parse_instant("end", end) if end else dt.datetime.now(dt.UTC)
    try:
        since = parse_instant("start", start) if start else until - dt.timedelta(days=DEFAULT_USAGE_DAYS)
    except OverflowError:
        raise InvalidArgument("end", "is too early for the default 30-day range; give start as well") from None
    if since >= until:
        raise InvalidArgument("start", "must be before end")
    if until - since > dt.timedelta(days=MAX_USAGE_DAYS):
        raise InvalidArgument("start", f"the range may span at most {MAX_USAGE_DAYS} days")
    report = await run_in_threadpool(jobs.usage, caller, since, until)
    if format == "csv":
        return PlainTextResponse(
            report.to_csv(),
            media_type="text/csv",
            headers={"content-disposition": 'attachment; filename="usage.csv"'},
        )
    return JSONResponse(report.to_json())


@router.put(
    "/v1/admin/accounts/{account_id}/billing",
    tags=["admin"],
    summary="Set how an account pays for the jobs it submits from now on: credits or usd (admin scope)",
    responses=_answer(BillingOut, "The account's billing mode now."),
)
async def set_billing(account_id: AccountId, body: BillingChange, jobs: Jobs, caller: Caller) -> JSONResponse:
    await run_in_threadpool(jobs.set_billing, caller, account_id, body.billing)
    return JSONResponse({"account_id": account_id, "billing": body.billing}, status_code=HTTPStatus.OK)


__all__ = ["EVENT_TYPES", "router"]
