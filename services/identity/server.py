"""Identity service: IdentityService.ResolveMentions and the `plans.parsed` consumer."""

from __future__ import annotations

import grpc

from cinemesh.identity.casting import CameoRegistry
from cinemesh.runtime.app import ServiceApp
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.topics import PLANS_CAST, PLANS_PARSED
from cinemesh.v1 import events_pb2, identity_pb2, identity_pb2_grpc


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, registry: CameoRegistry) -> None:
        self._registry = registry

    def ResolveMentions(
        self, request: identity_pb2.ResolveMentionsRequest, context: grpc.ServicerContext
    ) -> identity_pb2.ResolveMentionsResponse:
        cast = self._registry.resolve(request.account_id, list(request.mentions))
        return identity_pb2.ResolveMentionsResponse(cast=cast)


def main() -> None:
    app = ServiceApp("identity")
    registry = CameoRegistry()
    app.host.add_service(
        "cinemesh.v1.IdentityService",
        lambda server: identity_pb2_grpc.add_IdentityServiceServicer_to_server(IdentityServicer(registry), server),
    )
    runner = app.stage_runner(job_state="casting")

    def handle(delivery: Delivery) -> None:
        parsed: events_pb2.PlanParsed = delivery.message  # type: ignore[assignment]

        def work() -> list:
            cast = registry.resolve(parsed.account_id, list(parsed.plan.mentions))
            return [(PLANS_CAST, events_pb2.PlanCast(job_id=parsed.job_id, plan=parsed.plan, cast=cast))]

        runner.run(delivery, parsed.plan.duration_seconds, work)

    app.consume([PLANS_PARSED], handle, runner)
    app.host.serve_forever()


if __name__ == "__main__":
    main()
