"""Admin domain: accounts and API keys, for keys with the `admin` scope; every change is audited."""

from __future__ import annotations

import datetime as dt
import re

from google.protobuf.timestamp_pb2 import Timestamp

from cinemesh.runtime.auth import Keyring, Principal, require
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.jobstore import Account, ApiKey, JobStore
from cinemesh.runtime.ratelimit import KeyRateLimit
from cinemesh.runtime.specs import TIER_ENUMS, TIER_NAMES
from cinemesh.v1 import admin_pb2, common_pb2

_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _ts(value) -> Timestamp | None:  # type: ignore[no-untyped-def]
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _account_id(value: str) -> str:
    if not _ACCOUNT_ID.match(value):
        raise InvalidArgument("account_id", f"{value!r}: use 1-64 of letters, digits and ._:-")
    return value


def _tier(value: common_pb2.Tier.ValueType) -> str:
    if value not in TIER_NAMES:
        raise InvalidArgument("tier", "choose TIER_PLUS or TIER_PRO")
    return TIER_NAMES[value]


def account_proto(account: Account) -> admin_pb2.Account:
    return admin_pb2.Account(
        account_id=account.account_id, tier=TIER_ENUMS[account.tier], balance_credits=account.balance_credits
    )


def key_proto(key: ApiKey) -> admin_pb2.ApiKey:
    return admin_pb2.ApiKey(
        key_id=key.key_id,
        account_id=key.account_id,
        scopes=sorted(key.scopes),
        created_at=_ts(key.created_at),
        expires_at=_ts(key.expires_at),
        revoked_at=_ts(key.revoked_at),
    )


class AdminApi:
    """What AdminService does, independent of gRPC; `caller` is the authenticated admin."""

    def __init__(self, store: JobStore, keyring: Keyring, rate_limit: KeyRateLimit) -> None:
        self._store = store
        self._keyring = keyring
        self._rate_limit = rate_limit

    def authenticate(self, authorization: str | None) -> Principal:
        """The admin calling; every call takes a token from the key's bucket (RateLimited when it is empty)."""
        caller = self._keyring.authenticate(authorization)
        self._rate_limit.check(caller)
        require(caller, "admin")
        return caller

    def _audit(self, caller: Principal, action: str, target: str, **detail: object) -> None:
        self._store.audit(caller.account_id, caller.key_id, action, target, detail)

    def create_account(self, caller: Principal, request: admin_pb2.CreateAccountRequest) -> admin_pb2.Account:
        if request.balance_credits < 0:
            raise InvalidArgument("balance_credits", "must be 0 or more")
        account = self._store.create_account(
            _account_id(request.account_id), _tier(request.tier), request.balance_credits
        )
        self._audit(caller, "account.create", account.account_id, tier=account.tier, balance=account.balance_credits)
        return account_proto(account)

    def list_accounts(self, caller: Principal) -> list[admin_pb2.Account]:
        return [account_proto(account) for account in self._store.list_accounts()]

    def set_tier(self, caller: Principal, request: admin_pb2.SetAccountTierRequest) -> admin_pb2.Account:
        account = self._store.set_tier(request.account_id, _tier(request.tier))
        self._audit(caller, "account.set_tier", account.account_id, tier=account.tier)
        return account_proto(account)

    def grant_credits(self, caller: Principal, request: admin_pb2.GrantCreditsRequest) -> admin_pb2.Account:
        if request.credits <= 0:
            raise InvalidArgument("credits", "must be more than 0")
        account = self._store.grant_credits(request.account_id, request.credits)
        self._audit(caller, "account.grant_credits", account.account_id, credits=request.credits)
        return account_proto(account)

    def create_key(self, caller: Principal, request: admin_pb2.CreateApiKeyRequest) -> admin_pb2.CreateApiKeyResponse:
        expires_at = request.expires_at.ToDatetime(tzinfo=dt.UTC) if request.HasField("expires_at") else None
        key, secret = self._keyring.issue(request.account_id, request.scopes, expires_at)
        self._audit(caller, "key.create", key.account_id, key_id=key.key_id, scopes=sorted(key.scopes))
        return admin_pb2.CreateApiKeyResponse(key=key_proto(key), secret=secret)

    def list_keys(self, caller: Principal, account_id: str) -> list[admin_pb2.ApiKey]:
        self._store.get_account(account_id)
        return [key_proto(key) for key in self._store.api_keys_of(account_id)]

    def revoke_key(self, caller: Principal, key_id: str) -> admin_pb2.ApiKey:
        key = self._store.revoke_api_key(key_id)
        self._audit(caller, "key.revoke", key.account_id, key_id=key_id)
        return key_proto(key)

    def rotate_key(self, caller: Principal, key_id: str) -> admin_pb2.RotateApiKeyResponse:
        new, secret, old = self._keyring.rotate(key_id)
        self._audit(caller, "key.rotate", new.account_id, key_id=new.key_id, replaces=old.key_id)
        return admin_pb2.RotateApiKeyResponse(key=key_proto(new), secret=secret, revoked=key_proto(old))
