"""`cinemesh admin account …` and `cinemesh admin key …`: AdminService from the terminal (needs an admin key)."""

from __future__ import annotations

import argparse
import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Console

from cinemesh.runtime.auth import SCOPES
from cinemesh.v1 import admin_pb2, admin_pb2_grpc, common_pb2

_TIERS = {"plus": common_pb2.TIER_PLUS, "pro": common_pb2.TIER_PRO}
_TIMEOUT = 10.0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    admin = commands.add_parser("admin", help="accounts and API keys (needs a key with the admin scope)")
    kinds = admin.add_subparsers(dest="kind", required=True)
    account = kinds.add_parser("account", help="create, list, set-tier, grant-credits")
    account_actions = account.add_subparsers(dest="action", required=True)
    create = account_actions.add_parser("create", help="create an account")
    create.add_argument("account_id")
    create.add_argument("--tier", choices=tuple(_TIERS), default="plus")
    create.add_argument("--credits", type=int, default=0, help="opening balance")
    account_actions.add_parser("list", help="list every account")
    tier = account_actions.add_parser("set-tier", help="move an account to another tier")
    tier.add_argument("account_id")
    tier.add_argument("tier", choices=tuple(_TIERS))
    grant = account_actions.add_parser("grant-credits", help="add credits to an account")
    grant.add_argument("account_id")
    grant.add_argument("credits", type=int)
    key = kinds.add_parser("key", help="create, list, revoke, rotate")
    key_actions = key.add_subparsers(dest="action", required=True)
    key_create = key_actions.add_parser("create", help="issue a key; prints it once, on stdout")
    key_create.add_argument("account_id")
    key_create.add_argument(
        "--scope", action="append", choices=SCOPES, required=True, dest="scopes", help="repeat for several"
    )
    key_create.add_argument("--expires-in-days", type=float, help="the key stops working after this many days")
    key_actions.add_parser("list", help="list an account's keys").add_argument("account_id")
    key_actions.add_parser("revoke", help="revoke a key").add_argument("key_id")
    rotate = key_actions.add_parser("rotate", help="replace a key by a new one; prints it once, on stdout")
    rotate.add_argument("key_id")
    return admin


def _account_line(account: admin_pb2.Account) -> str:
    tier = common_pb2.Tier.Name(account.tier).removeprefix("TIER_").lower()
    return f"{account.account_id}  {tier}  {account.balance_credits} credits"


def _key_line(key: admin_pb2.ApiKey) -> str:
    state = (
        f"revoked {key.revoked_at.ToDatetime():%Y-%m-%d %H:%M}"
        if key.HasField("revoked_at")
        else f"expires {key.expires_at.ToDatetime():%Y-%m-%d %H:%M}"
        if key.HasField("expires_at")
        else "live"
    )
    created = f"{key.created_at.ToDatetime():%Y-%m-%d %H:%M}"
    return f"{key.key_id}  {key.account_id}  {' '.join(key.scopes)}  created {created}  {state}"


def run(args: argparse.Namespace, stub: admin_pb2_grpc.AdminServiceStub, metadata: list, console: Console) -> None:
    """Runs one admin command; grpc.RpcError propagates to the caller."""
    call = {"metadata": metadata, "timeout": _TIMEOUT}
    if args.kind == "account":
        if args.action == "create":
            request = admin_pb2.CreateAccountRequest(
                account_id=args.account_id, tier=_TIERS[args.tier], balance_credits=args.credits
            )
            console.print(_account_line(stub.CreateAccount(request, **call).account))
        elif args.action == "list":
            for account in stub.ListAccounts(admin_pb2.ListAccountsRequest(), **call).accounts:
                console.print(_account_line(account))
        elif args.action == "set-tier":
            request = admin_pb2.SetAccountTierRequest(account_id=args.account_id, tier=_TIERS[args.tier])
            console.print(_account_line(stub.SetAccountTier(request, **call).account))
        else:
            request = admin_pb2.GrantCreditsRequest(account_id=args.account_id, credits=args.credits)
            console.print(_account_line(stub.GrantCredits(request, **call).account))
        return
    if args.action == "create":
        request = admin_pb2.CreateApiKeyRequest(account_id=args.account_id, scopes=args.scopes)
        if args.expires_in_days is not None:
            expires_at = Timestamp()
            expires_at.FromDatetime(dt.datetime.now(dt.UTC) + dt.timedelta(days=args.expires_in_days))
            request.expires_at.CopyFrom(expires_at)
        created = stub.CreateApiKey(request, **call)
        console.print(f"{_key_line(created.key)}\nthe key is shown this once; store it now:")
        print(created.secret)
    elif args.action == "list":
        for key in stub.ListApiKeys(admin_pb2.ListApiKeysRequest(account_id=args.account_id), **call).keys:
            console.print(_key_line(key))
    elif args.action == "revoke":
        console.print(_key_line(stub.RevokeApiKey(admin_pb2.RevokeApiKeyRequest(key_id=args.key_id), **call).key))
    else:
        rotated = stub.RotateApiKey(admin_pb2.RotateApiKeyRequest(key_id=args.key_id), **call)
        console.print(f"{_key_line(rotated.revoked)}\n{_key_line(rotated.key)}\nthe new key is shown this once:")
        print(rotated.secret)
