"""Identity service: IdentityService (cameos, consent, resolution) and the `plans.parsed` consumer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import grpc
from sqlalchemy.exc import SQLAlchemyError

from cinemesh.identity import enrollment
from cinemesh.identity.cameos import CameoRegistry, ChallengeLimit, Likeness
from cinemesh.identity.vault import Vault
from cinemesh.runtime.app import ServiceApp, create_schema
from cinemesh.runtime.auth import Keyring, authorization_of, require
from cinemesh.runtime.bus import Delivery, Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import Account
from cinemesh.runtime.ratelimit import KeyRateLimit
from cinemesh.runtime.topics import JOBS_FAILED, PLANS_CAST, PLANS_PARSED
from cinemesh.v1 import common_pb2, events_pb2, identity_pb2, identity_pb2_grpc

log = logging.getLogger(__name__)


class LiveEnroller:
    """The live challenge and its verification, from cinemesh.identity.enrollment, under the upload caps."""

    def __init__(self, limits: enrollment.UploadLimits) -> None:
        self._limits = limits

    @classmethod
    def from_settings(cls, settings: Settings) -> LiveEnroller:
        width, height = settings.cameo_max_resolution
        return cls(
            enrollment.UploadLimits(
                max_bytes=settings.cameo_max_upload_bytes,
                max_decoded_seconds=settings.cameo_max_decoded_seconds,
                max_width=width,
                max_height=height,
            )
        )

    def new_challenge(self) -> tuple[Sequence[str], str]:
        challenge = enrollment.Challenge.new()
        return challenge.moves, challenge.phrase

    def check_upload(self, recording: bytes) -> None:
        self._limits.check_size(recording)

    def verify(self, recording: bytes, moves: Sequence[str], phrase: str) -> Likeness:
        challenge = enrollment.Challenge(moves=tuple(moves), phrase=phrase)
        return enrollment.verify_recording(recording, challenge, limits=self._limits)


class ChallengeJanitor:
    """Purges expired enrollment challenges every `interval_seconds` (StartEnrollment purges them too)."""

    def __init__(self, registry: CameoRegistry, interval_seconds: float) -> None:
        self._registry = registry
        self._interval = interval_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="challenge-janitor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stopped.set()
        self._thread.join(grace_seconds)

    def healthy(self) -> bool:
        return self._thread.is_alive() or self._stopped.is_set()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._registry.purge_expired_challenges()
            except SQLAlchemyError:  # the database is away: the next round tries again
                log.warning("purging expired enrollment challenges failed", exc_info=True)


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    """Thin transport: authenticate, delegate to the registry."""

    def __init__(
        self, registry: CameoRegistry, keyring: Keyring, publisher: Publisher, rate_limit: KeyRateLimit
    ) -> None:
        self._registry = registry
        self._keyring = keyring
        self._publisher = publisher
        self._rate_limit = rate_limit

    def _account(self, context: grpc.ServicerContext) -> Account:
        account = self._keyring.authenticate(authorization_of(context))
        self._rate_limit.check(account)
        require(account, "cameos")
        return account

    def StartEnrollment(
        self, request: identity_pb2.StartEnrollmentRequest, context: grpc.ServicerContext
    ) -> identity_pb2.StartEnrollmentResponse:
        account = self._account(context)
        challenge = self._registry.start_enrollment(account.account_id, request.handle, request.display_name)
        return identity_pb2.StartEnrollmentResponse(challenge=challenge)

    def CompleteEnrollment(
        self, request: identity_pb2.CompleteEnrollmentRequest, context: grpc.ServicerContext
    ) -> identity_pb2.CompleteEnrollmentResponse:
        account = self._account(context)
        cameo = self._registry.complete_enrollment(account.account_id, request.challenge_id, request.recording)
        return identity_pb2.CompleteEnrollmentResponse(cameo=cameo)

    def GetCameo(
        self, request: identity_pb2.GetCameoRequest, context: grpc.ServicerContext
    ) -> identity_pb2.GetCameoResponse:
        account = self._account(context)
        return identity_pb2.GetCameoResponse(cameo=self._registry.get_cameo(account.account_id, request.cameo_id))

    def SetCameoConsent(
        self, request: identity_pb2.SetCameoConsentRequest, context: grpc.ServicerContext
    ) -> identity_pb2.SetCameoConsentResponse:
        account = self._account(context)
        cameo = self._registry.set_consent(
            account.account_id, request.cameo_id, request.audience, list(request.approved_account_ids)
        )
        return identity_pb2.SetCameoConsentResponse(cameo=cameo)

    def RevokeCameo(
        self, request: identity_pb2.RevokeCameoRequest, context: grpc.ServicerContext
    ) -> identity_pb2.RevokeCameoResponse:
        account = self._account(context)
        revocation = self._registry.revoke(account.account_id, request.cameo_id)
        # The gateway fails and refunds each job once (its jobs.failed consumer); stages drop failed jobs' work.
        for job_id in revocation.unfinished_job_ids:
            failed = events_pb2.JobFailed(
                job_id=job_id,
                stage=common_pb2.STAGE_IDENTITY,
                reason=f"@{revocation.handle} was revoked by its owner while the job was queued",
                code=grpc.StatusCode.FAILED_PRECONDITION.name,
            )
            self._publisher.publish(JOBS_FAILED, job_id, failed)
        return identity_pb2.RevokeCameoResponse(failed_job_ids=revocation.unfinished_job_ids)

    def ListCameoUses(
        self, request: identity_pb2.ListCameoUsesRequest, context: grpc.ServicerContext
    ) -> identity_pb2.ListCameoUsesResponse:
        account = self._account(context)
        return identity_pb2.ListCameoUsesResponse(uses=self._registry.list_uses(account.account_id, request.cameo_id))

    def ResolveMentions(
        self, request: identity_pb2.ResolveMentionsRequest, context: grpc.ServicerContext
    ) -> identity_pb2.ResolveMentionsResponse:
        account = self._account(context)
        cast = self._registry.resolve(account.account_id, list(request.mentions), job_id="")
        return identity_pb2.ResolveMentionsResponse(cast=cast)


def main() -> None:
    app = ServiceApp("identity")
    settings = app.settings
    challenge_limit = (
        ChallengeLimit(settings.enrollment_challenges_per_hour, settings.enrollment_challenge_burst)
        if settings.enrollment_challenges_per_hour > 0
        else None
    )
    registry = CameoRegistry(
        app.store,
        Vault.from_settings(settings),
        LiveEnroller.from_settings(settings),
        settings.enrollment_challenge_seconds,
        challenge_limit,
    )
    create_schema(registry.create_schema)
    keyring = Keyring.from_settings(app.store, settings)
    rate_limit = KeyRateLimit.from_settings(settings)
    app.host.add_service(
        "cinemesh.v1.IdentityService",
        lambda server: identity_pb2_grpc.add_IdentityServiceServicer_to_server(
            IdentityServicer(registry, keyring, app.publisher, rate_limit), server
        ),
    )
    app.host.add_background(ChallengeJanitor(registry, min(60.0, settings.enrollment_challenge_seconds)))
    runner = app.stage_runner(job_state="casting")

    def handle(delivery: Delivery) -> None:
        parsed: events_pb2.PlanParsed = delivery.message  # type: ignore[assignment]

        def work() -> list:
            cast = registry.resolve(parsed.account_id, list(parsed.plan.mentions), parsed.job_id)
            return [(PLANS_CAST, events_pb2.PlanCast(job_id=parsed.job_id, plan=parsed.plan, cast=cast))]

        runner.run(delivery, parsed.plan.duration_seconds, work)

    app.consume([PLANS_PARSED], handle, runner)
    app.host.serve_forever()


if __name__ == "__main__":
    main()
