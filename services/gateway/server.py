"""Gateway service: JobService over gRPC and HTTP/JSON, and the job-outcome consumer."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import grpc

from cinemesh.gateway.http import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.reconciler import Reconciler
from cinemesh.runtime import metrics
from cinemesh.runtime.app import ServiceApp
from cinemesh.runtime.auth import authorization_of
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.consumer import Consumer
from cinemesh.runtime.jobstore import Account
from cinemesh.runtime.topics import JOBS_COMPLETED, JOBS_FAILED
from cinemesh.v1 import events_pb2, gateway_pb2, gateway_pb2_grpc

log = logging.getLogger(__name__)


class JobServicer(gateway_pb2_grpc.JobServiceServicer):
    """Thin transport: authenticate, delegate to JobsApi."""

    def __init__(self, api: JobsApi) -> None:
        self._api = api

    def _account(self, context: grpc.ServicerContext) -> Account:
        return self._api.authenticate(authorization_of(context))

    def SubmitJob(
        self, request: gateway_pb2.SubmitJobRequest, context: grpc.ServicerContext
    ) -> gateway_pb2.SubmitJobResponse:
        return self._api.submit(self._account(context), request)

    def GetJob(self, request: gateway_pb2.GetJobRequest, context: grpc.ServicerContext) -> gateway_pb2.GetJobResponse:
        return gateway_pb2.GetJobResponse(job=self._api.get(self._account(context), request.job_id))

    def WatchJob(
        self, request: gateway_pb2.WatchJobRequest, context: grpc.ServicerContext
    ) -> Iterator[gateway_pb2.WatchJobResponse]:
        yield from self._api.watch(self._account(context), request.job_id, context.is_active)

    def CancelJob(
        self, request: gateway_pb2.CancelJobRequest, context: grpc.ServicerContext
    ) -> gateway_pb2.CancelJobResponse:
        return gateway_pb2.CancelJobResponse(job=self._api.cancel(self._account(context), request.job_id))

    def DownloadJob(
        self, request: gateway_pb2.DownloadJobRequest, context: grpc.ServicerContext
    ) -> Iterator[gateway_pb2.DownloadJobResponse]:
        yield from self._api.download(self._account(context), request.job_id)

    def GetAccount(
        self, request: gateway_pb2.GetAccountRequest, context: grpc.ServicerContext
    ) -> gateway_pb2.GetAccountResponse:
        return self._api.account(self._account(context))


def main() -> None:
    app = ServiceApp("gateway")
    metrics.init_gateway_series()
    api = JobsApi(app.settings, app.store, app.artifacts, app.publisher)
    app.host.add_service(
        "cinemesh.v1.JobService",
        lambda server: gateway_pb2_grpc.add_JobServiceServicer_to_server(JobServicer(api), server),
    )
    app.host.add_background(HttpFront(api, app.settings.grpc_host, app.settings.http_port))

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
