"""API keys: issued, checked and scoped; shared by every service with a public API (gateway, identity).

A key reads `cm_<key_id>_<secret>`. The job store keeps only HMAC-SHA256 of the
whole key under a server pepper (`CINEMESH_KEY_PEPPER`, from a Secret), so a
copy of the database does not let anyone authenticate. The row is found by the
public key id and the digest compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import grpc

from cinemesh.runtime.config import ConfigError, Settings
from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from cinemesh.runtime.jobstore import Account, ApiKey, JobStore, utcnow

#: What a key may do: submit and cancel jobs, read them, use cameos, reach the admin API.
SCOPES = ("jobs:write", "jobs:read", "cameos", "admin")
_PREFIX = "cm_"
_MIN_PEPPER_BYTES = 32
# Compared against when the key id is unknown, so that an unknown id costs the same as a wrong secret.
_NO_DIGEST = "0" * 64


@dataclass(frozen=True)
class Principal(Account):
    """The account an API key authenticated, with that key's id and scopes."""

    key_id: str = ""
    scopes: frozenset[str] = frozenset()


def require(account: Account, scope: str) -> None:
    """PERMISSION_DENIED unless the caller's key has `scope`."""
    if not isinstance(account, Principal) or scope not in account.scopes:
        key = account.key_id if isinstance(account, Principal) else "?"
        raise PermissionDenied(
            f"the API key {key} lacks the {scope!r} scope; an admin can issue one with `cinemesh admin key create`"
        )


def parse_scopes(scopes: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(scope.strip() for scope in scopes if scope.strip())
    unknown = sorted(chosen - set(SCOPES))
    if unknown or not chosen:
        raise InvalidArgument("scopes", f"got {unknown or 'none'}; choose from {', '.join(SCOPES)}")
    return chosen


def load_pepper(configured: str, state_dir: Path) -> bytes:
    """The configured pepper, or (embedded mode) one generated once as `<state>/key.pepper`."""
    if configured:
        try:
            pepper = base64.b64decode(configured, validate=True)
        except binascii.Error as exc:
            raise ConfigError(
                f"CINEMESH_KEY_PEPPER: not base64 ({exc}); make one with `openssl rand -base64 32`"
            ) from None
        if len(pepper) < _MIN_PEPPER_BYTES:
            raise ConfigError(f"CINEMESH_KEY_PEPPER: at least {_MIN_PEPPER_BYTES} bytes are needed, got {len(pepper)}")
        return pepper
    path = state_dir / "key.pepper"
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another service made it first
            write_private(path, base64.b64encode(secrets.token_bytes(_MIN_PEPPER_BYTES)))
    return base64.b64decode(path.read_bytes())


def write_private(path: Path, data: bytes) -> None:
    """Writes a new file only its owner can read; FileExistsError if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


class Keyring:
    """Issues API keys and turns an `authorization` header into a Principal."""

    def __init__(self, store: JobStore, pepper: bytes) -> None:
        self._store = store
        self._pepper = pepper

    @classmethod
    def from_settings(cls, store: JobStore, settings: Settings) -> Keyring:
        return cls(store, load_pepper(settings.key_pepper, settings.state_dir))

    def _digest(self, key: str) -> str:
        return hmac.new(self._pepper, key.encode(), hashlib.sha256).hexdigest()

    def issue(
        self, account_id: str, scopes: Iterable[str], expires_at: dt.datetime | None = None
    ) -> tuple[ApiKey, str]:
        """A new key for the account; the returned secret is never stored and cannot be shown again."""
        if expires_at is not None and expires_at <= utcnow():
            raise InvalidArgument("expires_at", "must be in the future")
        key_id = secrets.token_hex(6)
        secret = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id, account_id, parse_scopes(scopes), utcnow(), expires_at, None)
        self._store.add_api_key(record, self._digest(secret))
        return record, secret

    def rotate(self, key_id: str) -> tuple[ApiKey, str, ApiKey]:
        """A new key with the old one's account, scopes and expiry; the old one is revoked."""
        found = self._store.api_key(key_id)
        if found is None:
            raise NotFound(f"API key {key_id!r} does not exist")
        old = found[0]
        if old.revoked_at is not None:
            raise FailedPrecondition(f"API key {key_id} is revoked; create a new key instead")
        new, secret = self.issue(old.account_id, old.scopes, old.expires_at)
        return new, secret, self._store.revoke_api_key(key_id)

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal of an `authorization: Bearer <api key>` header or gRPC metadata value."""
        scheme, _, key = (authorization or "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise Unauthenticated("send 'authorization: Bearer <api key>'; `cinemesh up` prints the local key")
        key_id = key.removeprefix(_PREFIX).partition("_")[0] if key.startswith(_PREFIX) else ""
        found = self._store.api_key(key_id) if key_id else None
        matches = hmac.compare_digest(self._digest(key), found[1] if found else _NO_DIGEST)
        if found is None or not matches:
            raise Unauthenticated("the API key is not known; check CINEMESH_API_KEY")
        record = found[0]
        if record.revoked_at is not None:
            raise Unauthenticated(f"the API key {key_id} was revoked at {record.revoked_at:%Y-%m-%d %H:%M} UTC")
        if record.expires_at is not None and record.expires_at <= utcnow():
            raise Unauthenticated(f"the API key {key_id} expired at {record.expires_at:%Y-%m-%d %H:%M} UTC")
        account = self._store.get_account(record.account_id)
        return Principal(account.account_id, account.tier, account.balance_credits, key_id, record.scopes)


def authorization_of(context: grpc.ServicerContext) -> str | None:
    """The `authorization` metadata of a gRPC call."""
    value = dict(context.invocation_metadata() or ()).get("authorization")
    return value if isinstance(value, str) else None
