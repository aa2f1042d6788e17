"""Re-driving a job from what the job store holds: its JobSubmitted record and every stage's stored outputs."""

from __future__ import annotations

from cinemesh.runtime.bus import OutboundRecord, Publisher
from cinemesh.runtime.jobstore import JobRecord, JobStore
from cinemesh.runtime.specs import TIER_ENUMS
from cinemesh.runtime.topics import CONSUMERS, JOBS_SUBMITTED, lane_of_tier, lane_topic
from cinemesh.v1 import common_pb2, events_pb2


def submitted_record(
    publisher: Publisher,
    job_id: str,
    account_id: str,
    spec: common_pb2.GenerationSpec,
    tier: str,
    seed: int,
    event_id: str,
) -> OutboundRecord:
    """The JobSubmitted record that starts (or, re-driven, restarts) a job, on the lane of the job's tier."""
    event = events_pb2.JobSubmitted(job_id=job_id, account_id=account_id, spec=spec, tier=TIER_ENUMS[tier], seed=seed)
    return publisher.record(lane_topic(JOBS_SUBMITTED, lane_of_tier(tier)), job_id, event, event_id=event_id)


def frontier(store: JobStore, publisher: Publisher, job: JobRecord) -> list[dict[str, str]]:
    """The job's stored records that a consuming stage has not finished with, first stage first.

    Re-publishing them moves the job on from wherever it stopped; the stages are idempotent, so what is
    done is re-published, never rendered again. Each goes back to the lane it was made for: the JobSubmitted
    record to the lane of the job's tier at submission, stored outputs to the topic they were stored with.
    """
    runs = {run.stage: run for run in store.stage_runs(job.job_id)}
    done = {stage for stage, run in runs.items() if run.status == "done"}
    records = []
    if not set(CONSUMERS[JOBS_SUBMITTED]) <= done:
        spec = common_pb2.GenerationSpec.FromString(job.spec)
        submitted = submitted_record(
            publisher, job.job_id, job.account_id, spec, job.tier, job.seed, job.request_id or job.job_id
        )
        records.append(submitted.to_json())
    for run in runs.values():
        if run.status == "done":
            records += [record for record in run.outputs if not set(CONSUMERS[record["topic"]]) <= done]
    return records


def waiting_on(records: list[dict[str, str]], done: set[str]) -> set[str]:
    """The stages (or "gateway") that the frontier `records` wait for."""
    return {stage for record in records for stage in CONSUMERS[record["topic"]] if stage not in done}
