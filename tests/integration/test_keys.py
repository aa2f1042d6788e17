"""API keys over real gRPC: each scope reaches only what it names, and a revoked key is refused at once."""

from __future__ import annotations

import secrets
import uuid

import grpc
import pytest
from support import Client

from cinemesh.v1 import gateway_pb2, identity_pb2, identity_pb2_grpc

pytestmark = pytest.mark.integration


def _error(call, *args, **kwargs) -> grpc.RpcError:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture()
def account(store) -> str:  # type: ignore[no-untyped-def]
    name = f"keys-{secrets.token_hex(6)}"
    store.upsert_account(name, "pro", 10_000)
    return name


def test_a_read_only_key_reads_but_cannot_submit_or_cancel(mesh, keyring, account) -> None:
    writer = Client(mesh.info.gateway_address, keyring.issue(account, ["jobs:write"])[1])
    record, secret = keyring.issue(account, ["jobs:read"])
    reader = Client(mesh.info.gateway_address, secret)
    job = writer.submit("a cat naps on a warm windowsill", duration_seconds=1.0).job
    assert reader.get(job.job_id).job_id == job.job_id
    assert reader.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=reader.metadata).account_id == account
    error = _error(reader.submit, "a cat")
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert f"{record.key_id} lacks the 'jobs:write' scope" in error.details()
    cancel = gateway_pb2.CancelJobRequest(job_id=job.job_id)
    assert _error(reader.stub.CancelJob, cancel, metadata=reader.metadata).code() == grpc.StatusCode.PERMISSION_DENIED
    # A write-only key cannot read.
    assert _error(writer.get, job.job_id).code() == grpc.StatusCode.PERMISSION_DENIED
    assert writer.stub.CancelJob(cancel, metadata=writer.metadata).job.job_id == job.job_id
    for client in (reader, writer):
        client.channel.close()


def test_cameo_rpcs_need_the_cameos_scope(mesh, keyring, account) -> None:
    request = identity_pb2.GetCameoRequest(cameo_id=str(uuid.uuid4()))  # an id of the right form, of no cameo
    with mesh.info.channel("identity") as channel:
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        jobs_only = [("authorization", f"Bearer {keyring.issue(account, ['jobs:write', 'jobs:read'])[1]}")]
        error = _error(stub.GetCameo, request, metadata=jobs_only)
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED and "'cameos' scope" in error.details()
        cameos = [("authorization", f"Bearer {keyring.issue(account, ['cameos'])[1]}")]
        assert _error(stub.GetCameo, request, metadata=cameos).code() == grpc.StatusCode.NOT_FOUND


def test_a_revoked_key_is_unauthenticated_with_a_clear_message(mesh, store, keyring, account) -> None:
    record, secret = keyring.issue(account, ["jobs:read"])
    client = Client(mesh.info.gateway_address, secret)
    client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata)
    store.revoke_api_key(record.key_id)
    error = _error(client.stub.GetAccount, gateway_pb2.GetAccountRequest(), metadata=client.metadata)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert f"API key {record.key_id} was revoked" in error.details()
    client.channel.close()
