"""AdminService over real gRPC on the gateway, and `cinemesh admin` against it; only admin keys get in."""

from __future__ import annotations

import secrets

import grpc
import pytest
import sqlalchemy as sa
from support import Client

from cinemesh.cli import main as cli
from cinemesh.runtime.jobstore import audit_log
from cinemesh.v1 import admin_pb2, admin_pb2_grpc, common_pb2, gateway_pb2

pytestmark = pytest.mark.integration


@pytest.fixture()
def admin(mesh):  # type: ignore[no-untyped-def]
    """The AdminService stub and the local key (which has every scope)."""
    with mesh.info.channel("gateway") as channel:
        yield admin_pb2_grpc.AdminServiceStub(channel), [("authorization", f"Bearer {mesh.info.api_key}")]


def test_an_admin_creates_an_account_and_a_key_the_gateway_accepts(mesh, admin, store) -> None:
    stub, metadata = admin
    account_id = f"acme-{secrets.token_hex(4)}"
    request = admin_pb2.CreateAccountRequest(account_id=account_id, tier=common_pb2.TIER_PLUS, balance_credits=40)
    assert stub.CreateAccount(request, metadata=metadata).account.balance_credits == 40
    stub.GrantCredits(admin_pb2.GrantCreditsRequest(account_id=account_id, credits=60), metadata=metadata)
    stub.SetAccountTier(
        admin_pb2.SetAccountTierRequest(account_id=account_id, tier=common_pb2.TIER_PRO), metadata=metadata
    )
    created = stub.CreateApiKey(
        admin_pb2.CreateApiKeyRequest(account_id=account_id, scopes=["jobs:read"]), metadata=metadata
    )
    client = Client(mesh.info.gateway_address, created.secret)
    account = client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata)
    assert (account.account_id, account.tier, account.balance_credits) == (account_id, common_pb2.TIER_PRO, 100)
    # That key is no admin.
    with pytest.raises(grpc.RpcError) as denied:
        stub.ListAccounts(admin_pb2.ListAccountsRequest(), metadata=client.metadata)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    rotated = stub.RotateApiKey(admin_pb2.RotateApiKeyRequest(key_id=created.key.key_id), metadata=metadata)
    with pytest.raises(grpc.RpcError) as revoked:
        client.stub.GetAccount(gateway_pb2.GetAccountRequest(), metadata=client.metadata)
    assert revoked.value.code() == grpc.StatusCode.UNAUTHENTICATED
    client.channel.close()
    keys = stub.ListApiKeys(admin_pb2.ListApiKeysRequest(account_id=account_id), metadata=metadata).keys
    assert [key.key_id for key in keys] == [created.key.key_id, rotated.key.key_id]
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.target)
            .where(audit_log.c.target == account_id)
            .order_by(audit_log.c.id.desc())
        )
        audited = [tuple(row) for row in rows]
    assert audited == [
        ("key.rotate", account_id),
        ("key.create", account_id),
        ("account.set_tier", account_id),
        ("account.grant_credits", account_id),
        ("account.create", account_id),
    ]


def test_no_key_or_a_wrong_key_is_unauthenticated(admin) -> None:
    stub, _ = admin
    for metadata in ([], [("authorization", "Bearer cm_0000_nope")]):
        with pytest.raises(grpc.RpcError) as caught:
            stub.ListAccounts(admin_pb2.ListAccountsRequest(), metadata=metadata)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_cli_manages_accounts_and_keys(mesh, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(mesh.info.state_dir))
    monkeypatch.delenv("CINEMESH_API_KEY", raising=False)
    account_id = f"cli-{secrets.token_hex(4)}"
    assert cli.main(["admin", "account", "create", account_id, "--tier", "pro", "--credits", "500"]) == 0
    assert cli.main(["admin", "account", "grant-credits", account_id, "25"]) == 0
    assert f"{account_id}  pro  525 credits" in capsys.readouterr().err
    assert cli.main(["admin", "account", "list"]) == 0
    assert account_id in capsys.readouterr().err
    assert cli.main(["admin", "key", "create", account_id, "--scope", "jobs:read", "--expires-in-days", "1"]) == 0
    printed = capsys.readouterr()
    secret = printed.out.strip()
    key_id = secret.split("_")[1]
    assert "shown this once" in printed.err and secret not in printed.err
    assert cli.main(["admin", "key", "list", account_id]) == 0
    listed = capsys.readouterr()
    assert key_id in listed.err and "expires" in listed.err and secret not in listed.err + listed.out
    monkeypatch.setenv("CINEMESH_API_KEY", secret)
    assert cli.main(["admin", "account", "list"]) == 1
    assert "PERMISSION_DENIED" in capsys.readouterr().err
    monkeypatch.delenv("CINEMESH_API_KEY")
    assert cli.main(["admin", "key", "revoke", key_id]) == 0
    assert "revoked" in capsys.readouterr().err
    assert cli.main(["admin", "account", "create", account_id]) == 1
    assert "ALREADY_EXISTS" in capsys.readouterr().err
