"""Jobs domain: submit, read, watch, cancel, download; credits reserved, charged, refunded once."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Generator
from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp

from cinemesh.gateway.pricing import PriceTable, UsageReport, job_price_micros, usage_report
from cinemesh.gateway.redrive import submitted_record
from cinemesh.runtime import metrics
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.auth import Keyring, Principal, require
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument, NotFound, RateLimited
from cinemesh.runtime.ids import checked_uuid
from cinemesh.runtime.jobstore import BILLING_MODES, Account, JobRecord, JobStore, StageRun
from cinemesh.runtime.outbox import OutboxRelay
from cinemesh.runtime.ratelimit import KeyRateLimit
from cinemesh.runtime.specs import TIER_ENUMS, credit_cost, resolve, validate_request_id
from cinemesh.runtime.stage import STAGE_ENUM
from cinemesh.runtime.videostore import VideoStore
from cinemesh.v1 import common_pb2, events_pb2, gateway_pb2

STATE_ENUM = {
    "queued": common_pb2.JOB_STATE_QUEUED,
    "parsing": common_pb2.JOB_STATE_PARSING,
    "casting": common_pb2.JOB_STATE_CASTING,
    "rendering": common_pb2.JOB_STATE_RENDERING,
    "aligning": common_pb2.JOB_STATE_ALIGNING,
    "completed": common_pb2.JOB_STATE_COMPLETED,
    "failed": common_pb2.JOB_STATE_FAILED,
    "cancelled": common_pb2.JOB_STATE_CANCELLED,
}
#: Stages in data-flow order with their share of the progress bar; video and
#: audio run in parallel, so they share one slot (the slower one counts).
PIPELINE: tuple[tuple[tuple[str, ...], float], ...] = (
    (("prompt",), 5.0),
    (("identity",), 5.0),
    (("video", "audio"), 70.0),
    (("lipsync",), 20.0),
)


def _ts(value) -> Timestamp | None:  # type: ignore[no-untyped-def]
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def seed_for(job_id: str) -> int:
    return int.from_bytes(hashlib.sha256(job_id.encode()).digest()[:8], "little") >> 1


@dataclass(frozen=True)
class Progress:
    current_stage: int
    percent: float
    eta_seconds: float


class JobsApi:
    """Everything the gateway does, independent of gRPC or HTTP."""

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        artifacts: ArtifactStore,
        publisher: Publisher,
        keyring: Keyring,
        prices: PriceTable | None = None,
    ) -> None:
        self._settings = settings
        #: USD per second for accounts billed in USD (the built-in table unless CINEMESH_PRICE_TABLE replaces it).
        self.prices = prices or PriceTable.load(settings.price_table)
        self._keyring = keyring
        #: One bucket per API key, shared with the admin API of the same process.
        self.rate_limit = KeyRateLimit.from_settings(settings)
        self._store = store
        self._artifacts = artifacts
        self._publisher = publisher
        self._relay = OutboxRelay(store, publisher)

    # auth ---------------------------------------------------------------

    def authenticate(self, authorization: str | None, *, metered: bool = True) -> Account:
        """The caller's account; each method below checks the scope it needs of the key.

        A metered request takes a token from the key's bucket, or is RateLimited. WatchJob is not metered: one
        stream follows a job for its whole life, where polling GetJob instead would be.
        """
        principal = self._keyring.authenticate(authorization)
        if metered:
            self.rate_limit.check(principal)
        return principal

    # jobs ---------------------------------------------------------------

    def submit(
        self,
        account: Account,
        request: gateway_pb2.SubmitJobRequest,
        job_id: str | None = None,
        from_stored_spec: bool = False,
    ) -> gateway_pb2.SubmitJobResponse:
        """Creates the job (with `job_id` when the caller prepared artifacts for it, else a new UUID).

        `from_stored_spec`: the Videos API's remix or extension, whose spec the gateway built from a stored one and
        may continue another video's; a client's spec never does (its words would draw a world no check read)."""
        require(account, "jobs:write")
        if request.spec.HasField("continues") and not from_stored_spec:
            raise InvalidArgument("spec.continues", "is set by the gateway; extend a video with /v1/videos/extensions")
        validate_request_id(request.request_id)
        resolved = resolve(request.spec, account.tier)
        # An account billed in USD reserves no credits: its job is priced from the USD table when it completes.
        billing = self._store.account_billing(account.account_id)
        cost = (
            0
            if billing == "usd"
            else credit_cost(resolved.duration_seconds, account.tier, self._settings.credits_per_second)
        )
        job_id = job_id or str(uuid.uuid4())
        seed = request.spec.seed if request.spec.HasField("seed") else seed_for(job_id)
        submitted = submitted_record(
            self._publisher, job_id, account.account_id, request.spec, account.tier, seed, request.request_id or job_id
        )
        try:
            record, created = self._store.submit_job(
                job_id=job_id,
                account_id=account.account_id,
                request_id=request.request_id or None,
                tier=account.tier,
                spec=request.spec.SerializeToString(),
                seed=seed,
                duration_seconds=resolved.duration_seconds,
                credits=cost,
                outbound=[submitted.to_json()],
                max_active=self._settings.max_active_jobs,
                billing=billing,
            )
        except RateLimited:
            metrics.RATE_LIMITED.labels("active_jobs", account.tier).inc()
            raise
        if created:
            metrics.JOBS_SUBMITTED.labels(account.tier).inc()
            metrics.CREDITS_RESERVED.labels(account.tier).inc(cost)
        if record.state == "queued":
            # The job, its reservation and its JobSubmitted record were committed together; publishing now is
            # only the fast path: if the broker is down, the reconciler's outbox sweep publishes it later.
            self._relay.flush_job(record.job_id)
        return gateway_pb2.SubmitJobResponse(job=self.to_proto(record), created=created, notes=resolved.notes)

    def job(self, account: Account, job_id: str, scope: str = "jobs:read") -> JobRecord:
        """The account's job, once the key has `scope`: INVALID_ARGUMENT for an id that is no UUID, NOT_FOUND for
        another account's."""
        require(account, scope)
        record = self._store.get_job(checked_uuid("job_id", job_id))
        if record.account_id != account.account_id:
            raise NotFound(f"job {job_id!r} does not exist")
        return record

    def get(self, account: Account, job_id: str) -> gateway_pb2.Job:
        return self.to_proto(self.job(account, job_id))

    def cancel(self, account: Account, job_id: str) -> gateway_pb2.Job:
        self.job(account, job_id, scope="jobs:write")
        record = self._store.cancel_job(job_id)
        metrics.CREDITS_REFUNDED.labels(record.tier).inc(record.credits_reserved)
        count_finished(record)
        return self.to_proto(record)

    def watch_update(
        self, record: JobRecord, runs: list[StageRun], rates: dict[str, float | None] | None = None
    ) -> tuple[tuple, gateway_pb2.WatchJobResponse]:
        """What a watcher is sent about a job, and the key that says whether it changed since the last one."""
        progress = self.progress(record, runs, rates)
        key = (record.state, tuple((r.stage, r.status, r.attempts) for r in runs), round(progress.percent))
        return key, gateway_pb2.WatchJobResponse(
            job=self.to_proto(record, runs),
            current_stage=progress.current_stage,
            progress_percent=progress.percent,
            eta_seconds=progress.eta_seconds,
        )

    def progress(
        self, record: JobRecord, runs: list[StageRun], rates: dict[str, float | None] | None = None
    ) -> Progress:
        """Percent done and ETA from the median measured seconds per video second of each stage.

        `rates` (stage → seconds per video second) lets a caller that reports on many jobs measure them once.
        """
        if record.state == "completed":
            return Progress(common_pb2.STAGE_UNSPECIFIED, 100.0, 0.0)
        if record.terminal:
            return Progress(common_pb2.STAGE_UNSPECIFIED, 0.0, 0.0)
        by_stage = {run.stage: run for run in runs}
        now = time.time()
        percent, eta, current, known = 0.0, 0.0, common_pb2.STAGE_UNSPECIFIED, True
        for stages, weight in PIPELINE:
            remaining_slot, fraction_slot = 0.0, 1.0
            for stage in stages:
                run = by_stage.get(stage)
                if run is not None and run.status == "done":
                    continue
                rate = (
                    rates[stage]
                    if rates is not None and stage in rates
                    else self._store.seconds_per_video_second(stage)
                )
                expected = None if rate is None else rate * record.duration_seconds
                if run is None:
                    fraction, remaining = 0.0, expected
                else:
                    current = current or STAGE_ENUM[stage]
                    elapsed = now - run.started_at.timestamp()
                    fraction = 0.5 if expected is None else min(0.95, elapsed / max(expected, 1e-3))
                    remaining = None if expected is None else max(0.0, expected - elapsed)
                fraction_slot = min(fraction_slot, fraction)
                if remaining is None:
                    known = False
                else:
                    remaining_slot = max(remaining_slot, remaining)
            percent += weight * fraction_slot
            eta += remaining_slot
        return Progress(current, round(percent, 1), eta if known else -1.0)

    def download(self, account: Account, job_id: str) -> Generator[gateway_pb2.DownloadJobResponse, None, None]:
        """The job's MP4 in chunks; reading it to the end keeps the draft (it no longer expires)."""
        record = self.job(account, job_id)
        if record.state != "completed" or not record.output_uri:
            raise FailedPrecondition(f"job {job_id} is {record.state}; its MP4 can be downloaded once it is completed")
        drafts = VideoStore(self._store)
        if drafts.video(job_id).purged_at is not None:
            raise NotFound(f"job {job_id}: the draft expired and its files were deleted; save or download to keep one")
        first = True
        for chunk in self._artifacts.iter_chunks(record.output_uri):
            if first:
                yield gateway_pb2.DownloadJobResponse(
                    chunk=chunk, media_type="video/mp4", total_bytes=record.output_size_bytes or 0
                )
                first = False
            else:
                yield gateway_pb2.DownloadJobResponse(chunk=chunk)
        drafts.downloaded(job_id)  # reached only when the client read it all

    def account(self, account: Account) -> gateway_pb2.GetAccountResponse:
        require(account, "jobs:read")
        fresh = self._store.get_account(account.account_id)
        return gateway_pb2.GetAccountResponse(
            account_id=fresh.account_id, tier=TIER_ENUMS[fresh.tier], balance_credits=fresh.balance_credits
        )

    # billing ------------------------------------------------------------

    def usage(self, account: Account, start: dt.datetime, end: dt.datetime) -> UsageReport:
        """The caller's jobs that ended in [start, end) and what each cost."""
        require(account, "jobs:read")
        return usage_report(self._store, account.account_id, start, end)

    def set_billing(self, admin: Account, account_id: str, billing: str) -> None:
        """How `account_id` pays for the jobs it submits from now on (an admin's change, audited)."""
        require(admin, "admin")
        if billing not in BILLING_MODES:
            raise InvalidArgument("billing", f"{billing!r} is not one of {', '.join(BILLING_MODES)}")
        before = self._store.account_billing(account_id)
        self._store.set_account_billing(account_id, billing)
        key_id = admin.key_id if isinstance(admin, Principal) else ""
        self._store.audit(admin.account_id, key_id, "account.set_billing", account_id, {"from": before, "to": billing})

    # outcomes (from Kafka) ------------------------------------------------

    def on_completed(self, event: events_pb2.JobCompleted) -> None:
        try:
            price = job_price_micros(self.prices, self._store, self._store.get_job(event.job_id))
        except NotFound:
            return  # an outcome of a job this store never had
        if self._store.complete_job(event.job_id, event.output.uri, event.output.size_bytes, price_micros=price):
            record = self._store.get_job(event.job_id)
            metrics.CREDITS_CHARGED.labels(record.tier).inc(record.credits_charged)
            metrics.USD_CHARGED.labels(record.tier).inc(record.price_micros / 1_000_000)
            count_finished(record)

    def on_failed(self, event: events_pb2.JobFailed) -> None:
        stage = common_pb2.Stage.Name(event.stage).removeprefix("STAGE_").lower()
        replays = event.replays if event.HasField("replays") else None
        if self._store.fail_job(event.job_id, stage, event.reason, replays):
            record = self._store.get_job(event.job_id)
            metrics.CREDITS_REFUNDED.labels(record.tier).inc(record.credits_refunded)
            count_finished(record)

    # mapping ------------------------------------------------------------

    def to_proto(self, record: JobRecord, runs: list[StageRun] | None = None) -> gateway_pb2.Job:
        runs = self._store.stage_runs(record.job_id) if runs is None else runs
        order = list(STAGE_ENUM)
        return gateway_pb2.Job(
            job_id=record.job_id,
            request_id=record.request_id or "",
            state=STATE_ENUM[record.state],
            spec=common_pb2.GenerationSpec.FromString(record.spec),
            tier=TIER_ENUMS[record.tier],
            credits_reserved=record.credits_reserved,
            credits_charged=record.credits_charged,
            credits_refunded=record.credits_refunded,
            failure_stage=STAGE_ENUM.get(record.failure_stage or "", common_pb2.STAGE_UNSPECIFIED),
            failure_reason=record.failure_reason or "",
            stages=[
                gateway_pb2.StageTiming(
                    stage=STAGE_ENUM[run.stage],
                    started_at=_ts(run.started_at),
                    finished_at=_ts(run.finished_at),
                    attempts=run.attempts,
                )
                for run in sorted(runs, key=lambda r: order.index(r.stage))
            ],
            created_at=_ts(record.created_at),
            finished_at=_ts(record.finished_at),
            output_size_bytes=record.output_size_bytes or 0,
        )


def count_finished(record: JobRecord) -> None:
    metrics.JOBS_FINISHED.labels(record.tier, record.state).inc()
    if record.finished_at is not None:
        elapsed = (record.finished_at - record.created_at).total_seconds()
        metrics.JOB_DURATION_SECONDS.labels(record.tier, record.state).observe(elapsed)
