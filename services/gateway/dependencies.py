"""What every HTTP route of the gateway may ask FastAPI for: the API key, its account, and the gateway's APIs.

One place for the routers (`http`, `videos_http`, `billing_routes`): the create_app that includes them puts
the APIs on `app.state`.
"""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.jobstore import Account

#: The canonical UUID the server issues for jobs, videos and characters; documented in the OpenAPI paths and
#: checked by the domain (cinemesh.runtime.ids), whose INVALID_ARGUMENT says what an id looks like.
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

_bearer = HTTPBearer(auto_error=False, description="An API key: `authorization: Bearer <key>`.")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


def _jobs(request: Request) -> JobsApi:
    return request.app.state.jobs  # type: ignore[no-any-return]


def _hub(request: Request) -> JobWatchHub:
    return request.app.state.hub  # type: ignore[no-any-return]


Jobs = Annotated[JobsApi, Depends(_jobs)]
Hub = Annotated[JobWatchHub, Depends(_hub)]


def _authorization(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return f"Bearer {credentials.credentials}" if credentials else None


async def _caller(jobs: Jobs, credentials: Bearer) -> Account:
    return await run_in_threadpool(jobs.authenticate, _authorization(credentials))


async def _watcher(jobs: Jobs, credentials: Bearer) -> Account:
    """As `_caller`, but not metered: one event stream follows a job for its whole life (as gRPC WatchJob)."""
    return await run_in_threadpool(functools.partial(jobs.authenticate, _authorization(credentials), metered=False))


Caller = Annotated[Account, Security(_caller)]
Watcher = Annotated[Account, Security(_watcher)]


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = {parameter.alias for parameter in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


def only_known_query_parameters(request: Request) -> None:
    """Refuses a query parameter the route does not take, as the OpenAI API does: a misspelt `limt=20` is an
    error the caller sees, not a default silently applied."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "no query parameters"
        raise InvalidArgument("query", f"unknown parameter {', '.join(map(repr, unknown))}; this route takes {takes}")
