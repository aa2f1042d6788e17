"""Gateway service: JobService over gRPC and HTTP/JSON, AdminService over gRPC, and the job-outcome consumer."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator

import grpc

from cinemesh.gateway.admin import AdminApi
from cinemesh.gateway.characters import CharactersApi
from cinemesh.gateway.http import create_app
from cinemesh.gateway.httpserver import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.reconciler import Leadership, Reconciler
from cinemesh.gateway.reuse import StemReuse
from cinemesh.gateway.videos import Periodic, VideosApi
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.gateway.webhooks import DISPATCHER_LOCK_KEY, WebhookDispatcher, WebhooksApi
from cinemesh.gateway.webhookstore import WebhookStore
from cinemesh.runtime import metrics
from cinemesh.runtime.app import ServiceApp, create_schema
from cinemesh.runtime.auth import Keyring, Principal, authorization_of, load_pepper
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.consumer import Consumer
from cinemesh.runtime.jobstore import Account
from cinemesh.runtime.topics import JOBS_COMPLETED, JOBS_FAILED
from cinemesh.v1 import admin_pb2, admin_pb2_grpc, events_pb2, gateway_pb2, gateway_pb2_grpc

log = logging.getLogger(__name__)
#: How often the gateway looks for finished extensions to stitch.
STITCH_POLL_SECONDS = 1.0


class JobServicer(gateway_pb2_grpc.JobServiceServicer):
    """Thin transport on the asyncio server: authenticate, delegate to JobsApi off the event loop."""

    def __init__(self, api: JobsApi, hub: JobWatchHub) -> None:
        self._api = api
        self._hub = hub

    async def _account(self, context: grpc.aio.ServicerContext, metered: bool = True) -> Account:
        return await asyncio.to_thread(
            functools.partial(self._api.authenticate, authorization_of(context), metered=metered)
        )

    async def SubmitJob(
        self, request: gateway_pb2.SubmitJobRequest, context: grpc.aio.ServicerContext
    ) -> gateway_pb2.SubmitJobResponse:
        return await asyncio.to_thread(self._api.submit, await self._account(context), request)

    async def GetJob(
        self, request: gateway_pb2.GetJobRequest, context: grpc.aio.ServicerContext
    ) -> gateway_pb2.GetJobResponse:
        job = await asyncio.to_thread(self._api.get, await self._account(context), request.job_id)
        return gateway_pb2.GetJobResponse(job=job)

    async def WatchJob(
        self, request: gateway_pb2.WatchJobRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[gateway_pb2.WatchJobResponse]:
        async for update in self._hub.watch(await self._account(context, metered=False), request.job_id):
            yield update

    async def CancelJob(
        self, request: gateway_pb2.CancelJobRequest, context: grpc.aio.ServicerContext
    ) -> gateway_pb2.CancelJobResponse:
        job = await asyncio.to_thread(self._api.cancel, await self._account(context), request.job_id)
        return gateway_pb2.CancelJobResponse(job=job)

    async def DownloadJob(
        self, request: gateway_pb2.DownloadJobRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[gateway_pb2.DownloadJobResponse]:
        # A generator: its checks (the job exists, is completed) run on the first next(), off the loop.
        chunks = self._api.download(await self._account(context), request.job_id)
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            yield chunk

    async def GetAccount(
        self, request: gateway_pb2.GetAccountRequest, context: grpc.aio.ServicerContext
    ) -> gateway_pb2.GetAccountResponse:
        return await asyncio.to_thread(self._api.account, await self._account(context))


class AdminServicer(admin_pb2_grpc.AdminServiceServicer):
    """Thin transport for AdminService: authenticate an admin key, delegate to AdminApi off the event loop."""

    def __init__(self, api: AdminApi) -> None:
        self._api = api

    async def _caller(self, context: grpc.aio.ServicerContext) -> Principal:
        return await asyncio.to_thread(self._api.authenticate, authorization_of(context))

    async def CreateAccount(
        self, request: admin_pb2.CreateAccountRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.CreateAccountResponse:
        account = await asyncio.to_thread(self._api.create_account, await self._caller(context), request)
        return admin_pb2.CreateAccountResponse(account=account)

    async def ListAccounts(
        self, request: admin_pb2.ListAccountsRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.ListAccountsResponse:
        accounts = await asyncio.to_thread(self._api.list_accounts, await self._caller(context))
        return admin_pb2.ListAccountsResponse(accounts=accounts)

    async def SetAccountTier(
        self, request: admin_pb2.SetAccountTierRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.SetAccountTierResponse:
        account = await asyncio.to_thread(self._api.set_tier, await self._caller(context), request)
        return admin_pb2.SetAccountTierResponse(account=account)

    async def GrantCredits(
        self, request: admin_pb2.GrantCreditsRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.GrantCreditsResponse:
        account = await asyncio.to_thread(self._api.grant_credits, await self._caller(context), request)
        return admin_pb2.GrantCreditsResponse(account=account)

    async def CreateApiKey(
        self, request: admin_pb2.CreateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.CreateApiKeyResponse:
        return await asyncio.to_thread(self._api.create_key, await self._caller(context), request)

    async def ListApiKeys(
        self, request: admin_pb2.ListApiKeysRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.ListApiKeysResponse:
        keys = await asyncio.to_thread(self._api.list_keys, await self._caller(context), request.account_id)
        return admin_pb2.ListApiKeysResponse(keys=keys)

    async def RevokeApiKey(
        self, request: admin_pb2.RevokeApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.RevokeApiKeyResponse:
        key = await asyncio.to_thread(self._api.revoke_key, await self._caller(context), request.key_id)
        return admin_pb2.RevokeApiKeyResponse(key=key)

    async def RotateApiKey(
        self, request: admin_pb2.RotateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> admin_pb2.RotateApiKeyResponse:
        return await asyncio.to_thread(self._api.rotate_key, await self._caller(context), request.key_id)


def main() -> None:
    app = ServiceApp("gateway", asynchronous=True)
    metrics.init_gateway_series()
    keyring = Keyring.from_settings(app.store, app.settings)
    api = JobsApi(app.settings, app.store, app.artifacts, app.publisher, keyring)
    hub = JobWatchHub(api, app.store)
    app.host.add_service(
        "cinemesh.v1.JobService",
        lambda server: gateway_pb2_grpc.add_JobServiceServicer_to_server(JobServicer(api, hub), server),
    )
    app.host.add_service(
        "cinemesh.v1.AdminService",
        lambda server: admin_pb2_grpc.add_AdminServiceServicer_to_server(
            AdminServicer(AdminApi(app.store, keyring, api.rate_limit)), server
        ),
    )
    app.host.add_background(hub)
    settings = app.settings
    reuse = StemReuse(
        settings.prompt_address,
        settings.planner_backend,
        app.artifacts,
        settings.tls,
        settings.service_token,
        settings.video_backend,
    )
    videos = VideosApi(
        api, app.store, app.artifacts, settings.draft_ttl_seconds, x264_preset=settings.x264_preset, reuse=reuse
    )
    app.host.add_background(Periodic("draft-purge", videos.purge_expired, settings.draft_purge_interval_seconds))
    app.host.add_background(Periodic("extension-stitch", videos.stitch_pending, STITCH_POLL_SECONDS))
    characters = CharactersApi(settings.identity_address, settings.tls, settings.service_token)
    metrics.init_billing_series()
    webhook_store = WebhookStore(app.store)
    create_schema(webhook_store.create_schema)
    # Webhook signing secrets derive from the API-key pepper (never stored); one dispatcher delivers at a time.
    pepper = load_pepper(settings.key_pepper, settings.state_dir)
    webhooks = WebhooksApi(webhook_store, pepper, settings.webhook_allow_private_urls)
    front = create_app(api, hub, settings.http_timeout_seconds, videos, characters, webhooks)
    app.host.add_background(
        WebhookDispatcher(settings, webhook_store, Leadership(app.store, DISPATCHER_LOCK_KEY), pepper)
    )
    app.host.add_background(
        HttpFront(
            front,
            settings.grpc_host,
            settings.http_port,
            settings.http_timeout_seconds,
            settings.shutdown_grace_seconds,
            settings.tls,
        )
    )

    def handle(delivery: Delivery) -> None:
        if isinstance(delivery.message, events_pb2.JobCompleted):
            api.on_completed(delivery.message)
        else:
            api.on_failed(delivery.message)  # type: ignore[arg-type]

    def dead_letter(job_id: str | None, topic: str, error: Exception) -> None:
        log.error("outcome record of job %s on %s was dead-lettered: %s", job_id, topic, error)

    app.host.add_background(Consumer(app.settings, [JOBS_COMPLETED, JOBS_FAILED], handle, app.publisher, dead_letter))
    app.host.add_background(Reconciler(app.settings, app.store, app.publisher))
    app.host.serve_forever()


if __name__ == "__main__":
    main()
