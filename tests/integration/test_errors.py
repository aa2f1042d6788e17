"""Bad input gets the precise status and a message naming what to fix; nothing is charged."""

from __future__ import annotations

import secrets
import uuid

import grpc
import pytest
from support import records_of

from cinemesh.runtime.topics import PLANS_PARSED, dlq, with_lanes
from cinemesh.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc

pytestmark = pytest.mark.integration


def _error(call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"prompt": ""}, "spec.prompt"),
        ({"prompt": "   "}, "spec.prompt"),
        ({"prompt": "x" * 4001}, "spec.prompt"),
        ({"prompt": "a cat", "resolution": "900p"}, "spec.resolution"),
        ({"prompt": "a cat", "duration_seconds": -3.0}, "spec.duration_seconds"),
        ({"prompt": "a cat", "duration_seconds": 0.0}, "spec.duration_seconds"),
        ({"prompt": "a cat", "fps": 60}, "spec.fps"),
    ],
)
def test_bad_request_is_invalid_argument_naming_the_field(client, spec, field) -> None:
    prompt = spec.pop("prompt")
    error = _error(client.submit, prompt, **spec)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(field), error.details()


def test_bad_request_id_is_invalid_argument(client) -> None:
    error = _error(client.submit, "a cat", request_id="has spaces in it")
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "request_id" in error.details()


def test_missing_or_wrong_api_key_is_unauthenticated(mesh) -> None:
    with mesh.info.channel("gateway") as channel:
        stub = gateway_pb2_grpc.JobServiceStub(channel)
        request = gateway_pb2.SubmitJobRequest(spec=common_pb2.GenerationSpec(prompt="a cat"))
        assert _error(stub.SubmitJob, request).code() == grpc.StatusCode.UNAUTHENTICATED
        bad = [("authorization", "Bearer nope")]
        assert _error(stub.SubmitJob, request, metadata=bad).code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.fixture()
def plus_client(mesh, store, keyring):
    from support import Client

    account = f"plus-{secrets.token_hex(8)}"
    store.upsert_account(account, "plus", 100)
    client = Client(mesh.info.gateway_address, keyring.issue(account, ["jobs:write", "jobs:read"])[1])
    yield client
    client.channel.close()


def test_tier_limits_are_failed_precondition_naming_limit_and_tier(plus_client) -> None:
    error = _error(plus_client.submit, "a cat", duration_seconds=12.0)
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "10 s" in error.details() and "plus" in error.details()
    error = _error(plus_client.submit, "a cat", duration_seconds=1.0, resolution="1080p")
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "720p" in error.details() and "plus" in error.details()


def test_short_balance_is_resource_exhausted_with_balance_and_cost(plus_client) -> None:
    # 100 credits; 7 s on plus costs 112.
    error = _error(plus_client.submit, "a cat", duration_seconds=7.0)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "112" in error.details() and "100" in error.details()
    account = plus_client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=plus_client.metadata)
    assert account.balance_credits == 100


def test_download_before_completion_is_failed_precondition(client, store, keyring) -> None:
    # A job that is certainly not finished: written to the store the way Submit writes it, never published.
    account = keyring.authenticate(client.metadata[0][1])
    job_id = str(uuid.uuid4())
    store.submit_job(
        job_id=job_id,
        account_id=account.account_id,
        request_id=None,
        tier="pro",
        spec=b"",
        seed=1,
        duration_seconds=1.0,
        credits=10,
    )
    error = _error(client.download, job_id)
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    assert "completed" in error.details()
    assert store.cancel_job(job_id).credits_refunded == 10


def test_mention_without_cameo_fails_job_at_identity_and_refunds(mesh, client, store) -> None:
    submitted = client.submit("@nobody_here waves at the camera on a pier", duration_seconds=1.0, resolution="480p")
    job = client.wait(submitted.job.job_id)
    assert job.state == common_pb2.JOB_STATE_FAILED
    assert job.failure_stage == common_pb2.STAGE_IDENTITY
    assert "@nobody_here" in job.failure_reason and "cameo" in job.failure_reason
    assert job.credits_refunded == job.credits_reserved and job.credits_charged == 0
    assert store.ledger(job.job_id) == {"reserve": job.credits_reserved, "refund": job.credits_reserved}
    # A job the user got wrong is not a poison record.
    for topic in with_lanes([PLANS_PARSED]):
        assert records_of(mesh.info.kafka_bootstrap, dlq(topic), key=job.job_id) == []
    # No stage after identity worked on it.
    assert {r.stage for r in store.stage_runs(job.job_id)} == {"prompt", "identity"}
