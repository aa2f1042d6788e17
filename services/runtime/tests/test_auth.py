"""API keys: several per account, scoped, peppered, revocable, expiring; every failure says why."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import job_store

from cinemesh.runtime.auth import Keyring, Principal, load_pepper, require
from cinemesh.runtime.config import ConfigError
from cinemesh.runtime.errors import InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from cinemesh.runtime.jobstore import JobStore, api_keys

PEPPER = b"p" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        created.upsert_account("a1", "pro", 1000)
        created.upsert_account("a2", "plus", 50)
        yield created


def test_several_scoped_keys_per_account_each_authenticate(store: JobStore) -> None:
    keyring = Keyring(store, PEPPER)
    reader, reader_secret = keyring.issue("a1", ["jobs:read"])
    writer, writer_secret = keyring.issue("a1", ["jobs:write", "jobs:read"])
    principal = keyring.authenticate(f"Bearer {reader_secret}")
    assert principal == Principal("a1", "pro", 1000, reader.key_id, frozenset({"jobs:read"}))
    assert keyring.authenticate(f"bearer {writer_secret}").scopes == {"jobs:write", "jobs:read"}
    assert [key.key_id for key in store.api_keys_of("a1")] == [reader.key_id, writer.key_id]
    require(principal, "jobs:read")
    with pytest.raises(PermissionDenied, match=f"{reader.key_id} lacks the 'jobs:write' scope"):
        require(principal, "jobs:write")


def test_only_a_peppered_digest_is_stored(store: JobStore) -> None:
    record, secret = Keyring(store, PEPPER).issue("a1", ["admin"])
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(api_keys)).one()
    assert secret.startswith(f"cm_{record.key_id}_")
    assert secret not in str(tuple(stored)) and secret.split("_", 2)[2] not in str(tuple(stored))
    # The same key under another pepper does not authenticate: the database alone is not enough.
    with pytest.raises(Unauthenticated, match="not known"):
        Keyring(store, b"q" * 32).authenticate(f"Bearer {secret}")


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer nope", "Bearer cm_", "Bearer cm_x_y"])
def test_malformed_or_unknown_keys_are_unauthenticated(store: JobStore, header: str | None) -> None:
    with pytest.raises(Unauthenticated):
        Keyring(store, PEPPER).authenticate(header)


def test_a_wrong_secret_with_a_real_key_id_is_unauthenticated(store: JobStore) -> None:
    _, secret = Keyring(store, PEPPER).issue("a1", ["jobs:read"])
    with pytest.raises(Unauthenticated, match="not known"):
        Keyring(store, PEPPER).authenticate(f"Bearer {secret[:-2]}xx")


def test_revoked_and_expired_keys_are_unauthenticated_and_say_so(store: JobStore) -> None:
    keyring = Keyring(store, PEPPER)
    revoked, revoked_secret = keyring.issue("a1", ["jobs:read"])
    store.revoke_api_key(revoked.key_id)
    with pytest.raises(Unauthenticated, match=f"API key {revoked.key_id} was revoked"):
        keyring.authenticate(f"Bearer {revoked_secret}")
    expiring, expiring_secret = keyring.issue("a2", ["jobs:read"], dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert keyring.authenticate(f"Bearer {expiring_secret}").account_id == "a2"
    with store.engine.begin() as conn:
        conn.execute(
            api_keys.update()
            .where(api_keys.c.key_id == expiring.key_id)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    with pytest.raises(Unauthenticated, match=f"API key {expiring.key_id} expired at"):
        keyring.authenticate(f"Bearer {expiring_secret}")
    with pytest.raises(NotFound):
        store.revoke_api_key("nosuchkey")


def test_issuing_checks_scopes_expiry_and_account(store: JobStore) -> None:
    keyring = Keyring(store, PEPPER)
    with pytest.raises(InvalidArgument, match="scopes: got \\['root'\\]; choose from jobs:write"):
        keyring.issue("a1", ["root"])
    with pytest.raises(InvalidArgument, match="scopes: got none"):
        keyring.issue("a1", [])
    with pytest.raises(InvalidArgument, match="expires_at: must be in the future"):
        keyring.issue("a1", ["admin"], dt.datetime.now(dt.UTC))
    with pytest.raises(NotFound, match="'nobody'"):
        keyring.issue("nobody", ["admin"])


def test_the_pepper_comes_from_configuration_or_is_generated_once(tmp_path: Path) -> None:
    generated = load_pepper("", tmp_path)
    assert len(generated) == 32 and load_pepper("", tmp_path) == generated
    assert (tmp_path / "key.pepper").stat().st_mode & 0o777 == 0o600
    configured = base64.b64encode(b"s" * 48).decode()
    assert load_pepper(configured, tmp_path) == b"s" * 48
    with pytest.raises(ConfigError, match="CINEMESH_KEY_PEPPER: at least 32 bytes"):
        load_pepper(base64.b64encode(b"short").decode(), tmp_path)
    with pytest.raises(ConfigError, match="CINEMESH_KEY_PEPPER: not base64"):
        load_pepper("***", tmp_path)
