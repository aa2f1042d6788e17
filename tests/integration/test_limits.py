"""Rate limits on the gateway and the identity service: a key's burst over its bucket, an account over its cap on
active jobs or on enrollment challenges get RESOURCE_EXHAUSTED with a retry-after hint, other accounts carry on,
and the rejections are counted."""

from __future__ import annotations

import re
import secrets
import uuid

import grpc
import pytest
import requests
from support import Client

from cinemesh.runtime.config import Settings
from cinemesh.v1 import gateway_pb2, identity_pb2, identity_pb2_grpc

pytestmark = pytest.mark.integration
DEFAULTS = Settings.from_env("gateway", {})


@pytest.fixture()
def two_accounts(mesh, store, keyring):  # type: ignore[no-untyped-def]
    clients = []
    for _ in range(2):
        account = f"limits-{secrets.token_hex(4)}"
        store.upsert_account(account, "plus", 10_000)
        clients.append(Client(mesh.info.gateway_address, keyring.issue(account, ["jobs:write", "jobs:read"])[1]))
    yield clients
    for client in clients:
        client.channel.close()


def _counter(mesh, service: str, series: str) -> float:  # type: ignore[no-untyped-def]
    text = requests.get(f"http://127.0.0.1:{mesh.info.services[service].metrics_port}/metrics", timeout=5).text
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def _rejections(mesh, limit: str, service: str = "gateway") -> float:  # type: ignore[no-untyped-def]
    return _counter(mesh, service, f'cinemesh_rate_limited_total{{limit="{limit}",tier="plus"}}')


def _account_id(client: Client) -> str:
    return client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata).account_id


def test_a_burst_over_the_bucket_is_refused_while_another_account_is_not(mesh, two_accounts) -> None:
    greedy, other = two_accounts
    before = _rejections(mesh, "requests_per_second")
    burst = 3 * DEFAULTS.rate_limit_burst
    calls = [
        greedy.stub.GetAccount.future(gateway_pb2.GetAccountRequest(), metadata=greedy.metadata, timeout=30)
        for _ in range(burst)
    ]
    refused = [call for call in calls if call.exception() is not None]  # exception() waits for the call
    assert {call.code() for call in refused} == {grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert burst - len(refused) >= DEFAULTS.rate_limit_burst  # the burst allowance itself went through
    assert len(refused) >= burst - DEFAULTS.rate_limit_burst - 2 * DEFAULTS.rate_limit_rps
    assert "requests per second" in refused[0].details()
    assert int(dict(refused[0].trailing_metadata())["retry-after"]) >= 1
    assert int(dict(refused[0].trailing_metadata())["retry-after"]) >= 1
    # The other account's key has a bucket of its own: its job goes in.
    assert other.submit("a lighthouse at dusk", duration_seconds=1.0).created
    assert _rejections(mesh, "requests_per_second") - before == len(refused)


def test_an_account_at_its_cap_of_active_jobs_cannot_submit_another(mesh, store, two_accounts) -> None:
    capped, other = two_accounts
    account_id = _account_id(capped)
    before = _rejections(mesh, "active_jobs")
    # Jobs written as Submit writes them but never published: they stay queued for the test's length.
    held = []
    for _ in range(DEFAULTS.max_active_jobs):
        record, _ = store.submit_job(
            job_id=str(uuid.uuid4()),
            account_id=account_id,
            request_id=None,
            tier="plus",
            spec=b"",
            seed=1,
            duration_seconds=1.0,
            credits=1,
        )
        held.append(record.job_id)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            capped.submit("one more kite", duration_seconds=1.0)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert f"has {DEFAULTS.max_active_jobs} jobs queued or running" in refused.value.details()
        assert int(dict(refused.value.trailing_metadata())["retry-after"]) >= 1
        assert _rejections(mesh, "active_jobs") - before == 1
        assert other.submit("a kite, unaffected", duration_seconds=1.0).created
    finally:
        for job_id in held:
            store.cancel_job(job_id)
    assert capped.submit("one more kite, now under the cap", duration_seconds=1.0).created


def test_identity_rpcs_and_enrollment_challenges_are_rate_limited(mesh, store, keyring) -> None:
    identity = grpc.insecure_channel(f"127.0.0.1:{mesh.info.services['identity'].grpc_port}")
    stub = identity_pb2_grpc.IdentityServiceStub(identity)
    accounts = [f"limits-{secrets.token_hex(4)}" for _ in range(2)]
    for account in accounts:
        store.upsert_account(account, "plus", 0)
    eager, second_key = ([("authorization", f"Bearer {keyring.issue(accounts[0], ['cameos'])[1]}")] for _ in range(2))
    other = [("authorization", f"Bearer {keyring.issue(accounts[1], ['cameos'])[1]}")]
    challenges_refused = _counter(mesh, "identity", 'cinemesh_enrollment_challenges_total{outcome="rate_limited"}')

    def start(metadata: list[tuple[str, str]], handle: str) -> identity_pb2.StartEnrollmentResponse:
        return stub.StartEnrollment(identity_pb2.StartEnrollmentRequest(handle=handle), metadata=metadata, timeout=30)

    # Challenges are counted per account, whichever key asks.
    for index in range(DEFAULTS.enrollment_challenge_burst):
        assert start(eager, f"eager_{index}").challenge.challenge_id
    for metadata in (eager, second_key):
        with pytest.raises(grpc.RpcError) as refused:
            start(metadata, "eager_more")
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert f"{DEFAULTS.enrollment_challenges_per_hour:g} an hour are issued" in refused.value.details()
        assert int(dict(refused.value.trailing_metadata())["retry-after"]) >= 1
    assert start(other, "other_one").challenge.challenge_id
    refused_now = _counter(mesh, "identity", 'cinemesh_enrollment_challenges_total{outcome="rate_limited"}')
    assert refused_now - challenges_refused == 2

    # Every identity RPC takes a token from the key's bucket.
    before = _rejections(mesh, "requests_per_second", service="identity")
    burst = 3 * DEFAULTS.rate_limit_burst
    request = identity_pb2.GetCameoRequest(cameo_id=str(uuid.uuid4()))
    calls = [stub.GetCameo.future(request, metadata=eager, timeout=30) for _ in range(burst)]
    codes = [call.code() for call in calls]
    assert set(codes) == {grpc.StatusCode.NOT_FOUND, grpc.StatusCode.RESOURCE_EXHAUSTED}
    refused = [call for call in calls if call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED]
    assert "requests per second" in refused[0].details()
    assert int(dict(refused[0].trailing_metadata())["retry-after"]) >= 1
    assert len(refused) >= burst - DEFAULTS.rate_limit_burst - 2 * DEFAULTS.rate_limit_rps
    assert _rejections(mesh, "requests_per_second", service="identity") - before == len(refused)
    # Another key has its own bucket.
    with pytest.raises(grpc.RpcError) as missing:
        stub.GetCameo(request, metadata=second_key, timeout=30)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    identity.close()
