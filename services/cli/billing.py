"""`cinemesh webhooks …` and `cinemesh usage`: the gateway's HTTP routes for webhooks and the usage export.

The gateway is the mesh's (`.cinemesh/mesh.json`) unless CINEMESH_HTTP_URL names another; the key is the mesh's
local key unless CINEMESH_API_KEY is set. What a script wants (a new endpoint's secret, the export) goes to
stdout, the rest to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import requests
from rich.console import Console

from cinemesh.mesh.launcher import MeshInfo

_TIMEOUT = 30.0
_EVENTS = ("video.completed", "video.failed", "video.cancelled")
console = Console(stderr=True)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    hooks = commands.add_parser("webhooks", help="webhook endpoints and their delivery log")
    actions = hooks.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="register an endpoint; prints its signing secret once, on stdout")
    create.add_argument("url")
    create.add_argument("--name", default="cli")
    create.add_argument("--event", action="append", choices=_EVENTS, dest="events", help="repeat; default: all")
    actions.add_parser("list", help="list the account's endpoints")
    actions.add_parser("delete", help="delete an endpoint").add_argument("endpoint_id")
    log = actions.add_parser("deliveries", help="an endpoint's delivery log, newest first")
    log.add_argument("endpoint_id")
    log.add_argument("--limit", type=int, default=50)
    hooks.set_defaults(run=cmd_webhooks)
    usage = commands.add_parser("usage", help="export the account's usage (jobs that ended, and what each cost)")
    usage.add_argument("--start", help="ISO 8601 date or date-time, or Unix seconds (default: 30 days ago)")
    usage.add_argument("--end", help="the same (default: now)")
    usage.add_argument("--format", choices=("csv", "json"), default="csv")
    usage.set_defaults(run=cmd_usage)
    billing = commands.add_parser("billing", help="how an account pays: credits or usd (needs an admin key)")
    billing.add_argument("account_id")
    billing.add_argument("mode", choices=("credits", "usd"))
    billing.set_defaults(run=cmd_billing)


def _gateway() -> tuple[str, dict[str, str]]:
    info = MeshInfo.load(Path(os.environ.get("CINEMESH_STATE_DIR", ".cinemesh")).resolve())
    base = os.environ.get("CINEMESH_HTTP_URL") or (f"http://127.0.0.1:{info.gateway_http_port}" if info else None)
    api_key = os.environ.get("CINEMESH_API_KEY") or (info.api_key if info else None)
    if not base or not api_key:
        raise SystemExit("no mesh found: run `cinemesh up`, or set CINEMESH_HTTP_URL and CINEMESH_API_KEY")
    return base.rstrip("/"), {"authorization": f"Bearer {api_key}"}


def _call(method: str, path: str, **kwargs: Any) -> requests.Response:
    base, headers = _gateway()
    answer = requests.request(method, f"{base}{path}", headers=headers, timeout=_TIMEOUT, **kwargs)
    if answer.status_code >= 400:
        try:
            message = answer.json().get("message") or answer.text
        except ValueError:
            message = answer.text
        raise SystemExit(f"{method} {path}: HTTP {answer.status_code}: {message}")
    return answer


def cmd_webhooks(args: argparse.Namespace) -> int:
    if args.action == "create":
        body = {"name": args.name, "url": args.url, "event_types": args.events or list(_EVENTS)}
        endpoint = _call("POST", "/v1/webhook_endpoints", json=body).json()
        console.print(f"{endpoint['id']}  {endpoint['url']}  {' '.join(endpoint['event_types'])}")
        print(endpoint["signing_secret"])  # shown once: a script keeps it
    elif args.action == "list":
        for endpoint in _call("GET", "/v1/webhook_endpoints").json()["data"]:
            print(f"{endpoint['id']}  {endpoint['name']}  {endpoint['url']}  {' '.join(endpoint['event_types'])}")
    elif args.action == "delete":
        _call("DELETE", f"/v1/webhook_endpoints/{args.endpoint_id}")
        console.print(f"deleted {args.endpoint_id}")
    else:
        log = _call("GET", f"/v1/webhook_endpoints/{args.endpoint_id}/deliveries", params={"limit": args.limit})
        for entry in log.json()["data"]:
            outcome = entry["last_status_code"] or entry["last_error"] or ""
            tries = f"{entry['attempts']} attempt(s)"
            print(f"{entry['id']}  {entry['type']}  {entry['video_id']}  {entry['status']}  {tries}  {outcome}")
    return 0


def cmd_usage(args: argparse.Namespace) -> int:
    params = {"format": args.format, **{k: v for k, v in (("start", args.start), ("end", args.end)) if v}}
    answer = _call("GET", "/v1/usage", params=params)
    if args.format == "json":
        print(json.dumps(answer.json(), indent=2))
    else:
        sys.stdout.write(answer.text)
    return 0


def cmd_billing(args: argparse.Namespace) -> int:
    changed = _call("PUT", f"/v1/admin/accounts/{args.account_id}/billing", json={"billing": args.mode}).json()
    console.print(f"{changed['account_id']} now pays in {changed['billing']}")
    return 0
