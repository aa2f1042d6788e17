"""Every Prometheus metric cinemesh exports, defined once.

Names follow Prometheus conventions (`cinemesh_<what>_<unit>`, `_total`,
`_seconds`); labels are low-cardinality (stage, topic, outcome, tier) — never a
job id or a prompt. gRPC metrics use the go-grpc-prometheus names so standard
dashboards work.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Seconds buckets up to 15 minutes: renders take minutes, RPCs milliseconds.
SECONDS_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    20,
    30,
    60,
    120,
    300,
    600,
    900,
)

GRPC_HANDLED = Counter(
    "grpc_server_handled_total",
    "RPCs completed on the server, by status code.",
    ["grpc_service", "grpc_method", "grpc_type", "grpc_code"],
)
GRPC_HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds",
    "Time to handle an RPC on the server, until the last message is sent.",
    ["grpc_service", "grpc_method", "grpc_type"],
    buckets=SECONDS_BUCKETS,
)

STAGE_RECORDS = Counter(
    "cinemesh_stage_records_total",
    "Kafka records a stage finished handling, by outcome (processed, republished, dropped, job_failed, dead_lettered).",
    ["stage", "topic", "outcome"],
)
STAGE_PROCESSING_SECONDS = Histogram(
    "cinemesh_stage_processing_seconds",
    "Wall time a stage spent on one record, retries included.",
    ["stage"],
    buckets=SECONDS_BUCKETS,
)
STAGE_ATTEMPT_FAILURES = Counter(
    "cinemesh_stage_attempt_failures_total",
    "Failed attempts at a record (each retry counts), by error class.",
    ["stage", "error"],
)
STAGE_INFLIGHT = Gauge(
    "cinemesh_stage_inflight_records",
    "Records a stage is working on right now.",
    ["stage"],
)
QUEUE_WAIT_SECONDS = Histogram(
    "cinemesh_queue_wait_seconds",
    "Time a stage's input record waited from publication until the stage started it, by stage and tier (the "
    "tier of the lane it rode: pro or plus).",
    ["stage", "tier"],
    buckets=SECONDS_BUCKETS,
)
DLQ_RECORDS = Counter(
    "cinemesh_dlq_records_total",
    "Records sent to a dead-letter topic, by original topic.",
    ["topic"],
)
PUBLISHED_RECORDS = Counter(
    "cinemesh_kafka_published_records_total",
    "Records published, by topic.",
    ["topic"],
)
CONSUMER_LAG = Gauge(
    "cinemesh_kafka_consumer_lag_records",
    "Records between a consumer's position and the end of the partition.",
    ["stage", "topic"],
)
CONSUMER_REBALANCES = Counter(
    "cinemesh_kafka_consumer_rebalances_total",
    "Partition changes seen by a stage's consumer (revoked, assigned, lost).",
    ["stage", "change"],
)
OUTBOX_PENDING = Gauge(
    "cinemesh_outbox_pending_records",
    "Outbox records written but not yet published (as seen by the reconciler).",
)
JOBS_REDRIVEN = Counter(
    "cinemesh_jobs_redriven_total",
    "Jobs the reconciler re-drove after they made no progress, by outcome (redriven, failed).",
    ["outcome"],
)
MODEL_CALL_SECONDS = Histogram(
    "cinemesh_model_call_seconds",
    "Time of one model call (Ray Serve or in-process), by stage and runtime.",
    ["stage", "runtime"],
    buckets=SECONDS_BUCKETS,
)
MODEL_DEVICE_SECONDS = Counter(
    "cinemesh_model_device_seconds_total",
    "Seconds model replicas spent computing, by stage and device (cpu or gpu); counted by the stage front from "
    "what the replica reports, so it is scraped with the front's metrics.",
    ["stage", "device"],
)

JOBS_SUBMITTED = Counter("cinemesh_jobs_submitted_total", "Jobs accepted by the gateway.", ["tier"])
JOBS_FINISHED = Counter(
    "cinemesh_jobs_finished_total",
    "Jobs that reached a terminal state (completed, failed, cancelled).",
    ["tier", "state"],
)
JOB_DURATION_SECONDS = Histogram(
    "cinemesh_job_duration_seconds",
    "End-to-end time from submission to a terminal state.",
    ["tier", "state"],
    buckets=SECONDS_BUCKETS,
)
CREDITS_RESERVED = Counter("cinemesh_credits_reserved_total", "Credits reserved at submission.", ["tier"])
CREDITS_CHARGED = Counter("cinemesh_credits_charged_total", "Credits charged on completion.", ["tier"])
CREDITS_REFUNDED = Counter("cinemesh_credits_refunded_total", "Credits refunded on failure or cancellation.", ["tier"])

CAMEO_ENROLLMENTS = Counter(
    "cinemesh_cameo_enrollments_total",
    "Enrollment attempts, by outcome: enrolled, or the reason the recording was rejected.",
    ["outcome"],
)
ENROLLMENT_CHALLENGES = Counter(
    "cinemesh_enrollment_challenges_total",
    "StartEnrollment requests, by outcome: issued, or rate_limited (the account's per-hour bucket is empty).",
    ["outcome"],
)
ENROLLMENT_CHALLENGES_PURGED = Counter(
    "cinemesh_enrollment_challenges_purged_total",
    "Expired enrollment challenges deleted from the job store.",
)
CAMEO_MENTIONS = Counter(
    "cinemesh_cameo_mentions_total",
    "@mentions resolved for jobs, by outcome (cast, no_consent, not_found, revoked).",
    ["outcome"],
)

#: Outcomes of cinemesh_stage_records_total.
STAGE_OUTCOMES = ("processed", "republished", "dropped", "job_failed", "dead_lettered")
TIERS = ("plus", "pro")
JOB_STATES = ("completed", "failed", "cancelled")


def init_consumer_series(stage: str, topics: list[str]) -> None:
    """Exports a consumer's series at 0 from the start, so rates and ratios exist before the first error."""
    STAGE_PROCESSING_SECONDS.labels(stage)
    STAGE_INFLIGHT.labels(stage)
    for tier in TIERS:
        QUEUE_WAIT_SECONDS.labels(stage, tier)
    for topic in topics:
        for outcome in STAGE_OUTCOMES:
            STAGE_RECORDS.labels(stage, topic, outcome)
        DLQ_RECORDS.labels(topic)
        CONSUMER_LAG.labels(stage, topic)


RATE_LIMITED = Counter(
    "cinemesh_rate_limited_total",
    "Requests refused with RESOURCE_EXHAUSTED for a limit (requests_per_second, active_jobs), by tier.",
    ["limit", "tier"],
)


DRAFTS_PURGED = Counter(
    "cinemesh_drafts_purged_total", "Expired drafts whose artifacts the gateway deleted (their rows are kept)."
)
DRAFTS_PURGED_BYTES = Counter("cinemesh_drafts_purged_bytes_total", "Bytes of artifacts deleted with expired drafts.")
REMIX_REUSED = Counter(
    "cinemesh_remix_reused_total",
    "Renders a remix copied from its source instead of rendering them again: the pictures (video), the whole "
    "audio render (audio) or one audio source (dialogue, effects, ambience, music).",
    ["artifact"],
)
#: The artifact label's values (see cinemesh.gateway.reuse).
REMIX_ARTIFACTS = ("video", "audio", "dialogue", "effects", "ambience", "music")
DRAFTS_LIVE = Gauge(
    "cinemesh_drafts_live", "Finished videos that are drafts (not saved, not downloaded in full) and not expired yet."
)


def init_gateway_series() -> None:
    """Exports the job and credit series of every tier at 0 (the gateway process only)."""
    for outcome in ("redriven", "failed"):
        JOBS_REDRIVEN.labels(outcome)
    for artifact in REMIX_ARTIFACTS:
        REMIX_REUSED.labels(artifact)
    for tier in TIERS:
        for limit in ("requests_per_second", "active_jobs"):
            RATE_LIMITED.labels(limit, tier)
        JOBS_SUBMITTED.labels(tier)
        CREDITS_RESERVED.labels(tier)
        CREDITS_CHARGED.labels(tier)
        CREDITS_REFUNDED.labels(tier)
        for state in JOB_STATES:
            JOBS_FINISHED.labels(tier, state)


# Billing and webhooks (gateway).
USD_CHARGED = Counter(
    "cinemesh_charged_usd_total", "USD charged for completed jobs of accounts billed in USD.", ["tier"]
)
WEBHOOK_DELIVERIES = Counter(
    "cinemesh_webhook_deliveries_total",
    "Webhook delivery attempts by outcome: delivered, retried (will try again), failed (gave up after the "
    "retry horizon), abandoned (its endpoint was deleted).",
    ["outcome"],
)
WEBHOOK_PENDING = Gauge("cinemesh_webhook_deliveries_pending", "Webhook deliveries waiting for a (re)try.")
WEBHOOK_DELIVERY_SECONDS = Histogram(
    "cinemesh_webhook_delivery_seconds", "Time one webhook POST took, answered or not.", buckets=SECONDS_BUCKETS
)
WEBHOOK_OUTCOMES = ("delivered", "retried", "failed", "abandoned")


def init_billing_series() -> None:
    """Exports the USD and webhook series at 0 (the gateway process only)."""
    for tier in TIERS:
        USD_CHARGED.labels(tier)
    for outcome in WEBHOOK_OUTCOMES:
        WEBHOOK_DELIVERIES.labels(outcome)
