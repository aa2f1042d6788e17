"""AdminService's domain: only admin keys reach it, every change is audited, keys rotate and revoke."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import job_store

from cinemesh.gateway.admin import AdminApi
from cinemesh.runtime.auth import Keyring, Principal
from cinemesh.runtime.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
)
from cinemesh.runtime.jobstore import JobStore, audit_log
from cinemesh.runtime.ratelimit import KeyRateLimit
from cinemesh.v1 import admin_pb2, common_pb2

#: A rate of 0 turns the limit off (CINEMESH_RATE_LIMIT_RPS=0).
UNLIMITED = KeyRateLimit(0.0, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        created.upsert_account("ops", "pro", 0)
        yield created


@pytest.fixture()
def keyring(store: JobStore) -> Keyring:
    return Keyring(store, b"p" * 32)


def _audited(store: JobStore) -> list[sa.Row]:
    """The audit log, newest first."""
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc())))


def _caller(keyring: Keyring, *scopes: str) -> Principal:
    return keyring.authenticate("Bearer " + keyring.issue("ops", scopes)[1])


def test_only_an_admin_key_reaches_the_admin_api(store: JobStore, keyring: Keyring) -> None:
    api = AdminApi(store, keyring, UNLIMITED)
    _, everything_but_admin = keyring.issue("ops", ["jobs:write", "jobs:read", "cameos"])
    with pytest.raises(PermissionDenied, match="lacks the 'admin' scope"):
        api.authenticate(f"Bearer {everything_but_admin}")
    _, admin = keyring.issue("ops", ["admin"])
    assert api.authenticate(f"Bearer {admin}").account_id == "ops"


def test_admin_calls_take_a_token_from_the_keys_bucket(store: JobStore, keyring: Keyring) -> None:
    now = [0.0]
    api = AdminApi(store, keyring, KeyRateLimit(0.5, 2, clock=lambda: now[0]))
    _, admin = keyring.issue("ops", ["admin"])
    _, other_admin = keyring.issue("ops", ["admin"])
    api.authenticate(f"Bearer {admin}")
    api.authenticate(f"Bearer {admin}")
    with pytest.raises(RateLimited, match=r"over its 0.5 requests per second \(burst 2\); retry in 2.0 s") as refused:
        api.authenticate(f"Bearer {admin}")
    assert refused.value.retry_after_seconds == pytest.approx(2.0)
    api.authenticate(f"Bearer {other_admin}")  # each key has its own bucket
    now[0] = 2.0
    api.authenticate(f"Bearer {admin}")
    _, not_admin = keyring.issue("ops", ["jobs:read"])
    for _ in range(2):
        with pytest.raises(PermissionDenied):
            api.authenticate(f"Bearer {not_admin}")
    with pytest.raises(RateLimited):  # a key without the scope is metered too: it cannot hammer the admin API
        api.authenticate(f"Bearer {not_admin}")


def test_accounts_are_created_moved_and_credited_and_each_change_is_audited(store: JobStore, keyring: Keyring) -> None:
    api = AdminApi(store, keyring, UNLIMITED)
    admin = _caller(keyring, "admin")
    request = admin_pb2.CreateAccountRequest(account_id="acme", tier=common_pb2.TIER_PLUS, balance_credits=100)
    assert api.create_account(admin, request).balance_credits == 100
    with pytest.raises(AlreadyExists, match="'acme' already exists"):
        api.create_account(admin, request)
    with pytest.raises(InvalidArgument, match="account_id"):
        api.create_account(admin, admin_pb2.CreateAccountRequest(account_id="a b", tier=common_pb2.TIER_PLUS))
    with pytest.raises(InvalidArgument, match="tier"):
        api.create_account(admin, admin_pb2.CreateAccountRequest(account_id="x"))
    moved = api.set_tier(admin, admin_pb2.SetAccountTierRequest(account_id="acme", tier=common_pb2.TIER_PRO))
    assert moved.tier == common_pb2.TIER_PRO
    assert api.grant_credits(admin, admin_pb2.GrantCreditsRequest(account_id="acme", credits=50)).balance_credits == 150
    with pytest.raises(InvalidArgument, match="credits"):
        api.grant_credits(admin, admin_pb2.GrantCreditsRequest(account_id="acme", credits=0))
    with pytest.raises(NotFound):
        api.grant_credits(admin, admin_pb2.GrantCreditsRequest(account_id="nobody", credits=5))
    assert [a.account_id for a in api.list_accounts(admin)] == ["acme", "ops"]
    entries = _audited(store)
    assert [(e.action, e.target, e.actor_key_id) for e in entries] == [
        ("account.grant_credits", "acme", admin.key_id),
        ("account.set_tier", "acme", admin.key_id),
        ("account.create", "acme", admin.key_id),
    ]
    assert json.loads(entries[0].detail) == {"credits": 50} and entries[0].actor_account_id == "ops"


def test_keys_are_shown_once_rotated_and_revoked(store: JobStore, keyring: Keyring) -> None:
    api = AdminApi(store, keyring, UNLIMITED)
    admin = _caller(keyring, "admin")
    created = api.create_key(admin, admin_pb2.CreateApiKeyRequest(account_id="ops", scopes=["jobs:read"]))
    assert keyring.authenticate(f"Bearer {created.secret}").scopes == {"jobs:read"}
    listed = api.list_keys(admin, "ops")
    assert created.key.key_id in [key.key_id for key in listed]
    assert all(created.secret not in str(key) for key in listed)
    rotated = api.rotate_key(admin, created.key.key_id)
    assert rotated.revoked.key_id == created.key.key_id and rotated.revoked.HasField("revoked_at")
    assert list(rotated.key.scopes) == ["jobs:read"]
    with pytest.raises(Unauthenticated, match="was revoked"):
        keyring.authenticate(f"Bearer {created.secret}")
    assert keyring.authenticate(f"Bearer {rotated.secret}").key_id == rotated.key.key_id
    with pytest.raises(FailedPrecondition, match="is revoked"):
        api.rotate_key(admin, created.key.key_id)
    assert api.revoke_key(admin, rotated.key.key_id).HasField("revoked_at")
    with pytest.raises(Unauthenticated, match="was revoked"):
        keyring.authenticate(f"Bearer {rotated.secret}")
    with pytest.raises(NotFound):
        api.list_keys(admin, "nobody")
    actions = [(e.action, json.loads(e.detail).get("key_id")) for e in _audited(store)]
    assert actions == [
        ("key.revoke", rotated.key.key_id),
        ("key.rotate", rotated.key.key_id),
        ("key.create", created.key.key_id),
    ]
