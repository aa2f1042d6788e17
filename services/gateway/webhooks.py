"""Webhooks: endpoints per account, `video.*` events signed per Standard Webhooks, retried deliveries.

An endpoint is registered with a URL and the event types it wants (`video.completed`, `video.failed`,
`video.cancelled`); its signing secret (`whsec_<base64 of 32 bytes>`) is shown once, at creation. The secret is
not stored: it is HMAC-SHA256 of the endpoint's id and a random nonce under the server pepper
(`CINEMESH_KEY_PEPPER`, as API-key digests), so whoever reads the database cannot sign events.

Every delivery is a POST of the event's JSON with the Standard Webhooks headers:

    webhook-id:        the event id (the same on every retry, so a receiver can drop duplicates)
    webhook-timestamp: Unix seconds of this attempt
    webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under the decoded secret>

which is what the `openai` SDK's `client.webhooks.unwrap(body, headers, secret=...)` verifies. The body has
the shape of the SDK's webhook events: `{"id", "object": "event", "created_at", "type", "data": {"id"}}`.

`WebhookDispatcher` runs beside the gateway, on one gateway at a time (a PostgreSQL advisory lock, as the
reconciler's). Each round it turns jobs that reached a terminal state into deliveries for the subscribed
endpoints, and POSTs the due ones on a small thread pool: a 2xx answer delivers; anything else is retried
with capped exponential backoff until `webhook_retry_horizon_seconds` after the event (24 h by default),
then it is marked failed. The job path never waits on any of it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from cinemesh.gateway.reconciler import Leadership
from cinemesh.gateway.webhookstore import Delivery, Endpoint, FinishedJob, WebhookStore
from cinemesh.runtime import metrics
from cinemesh.runtime.auth import require
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument
from cinemesh.runtime.jobstore import Account, utcnow

log = logging.getLogger(__name__)

#: Job state → the event type announcing it.
EVENT_TYPES = {"completed": "video.completed", "failed": "video.failed", "cancelled": "video.cancelled"}
#: Any fixed 64-bit number other than the reconciler's: the advisory lock that elects the one dispatcher.
DISPATCHER_LOCK_KEY = 0x63696E7765626B68  # "cinwebkh"
#: The event scan re-reads this far behind its cursor, for jobs whose end committed after a later one's.
SCAN_OVERLAP = dt.timedelta(seconds=120)
#: Settled deliveries stay in the log this long, then they are deleted.
LOG_RETENTION = dt.timedelta(days=30)
#: Ended jobs one scan reads (after the cursor, and again behind it).
SCAN_BATCH = 500
#: Due deliveries one round takes on.
DUE_BATCH = 50
#: Deliveries POSTed at once (one slow receiver does not hold up the others).
SENDERS = 8
#: Characters of a receiver's answer or error kept in the delivery log.
ERROR_CHARS = 300
#: Live endpoints one account may have.
MAX_ENDPOINTS_PER_ACCOUNT = 20
MAX_NAME_CHARS = 200
MAX_URL_CHARS = 2000
#: The ways a webhook endpoint is reached; the SDK's routes (`/v1/webhook_endpoints`) plus the issue's alias.
USER_AGENT = "cinemesh-webhooks/1"


def endpoint_secret(pepper: bytes, endpoint_id: str, nonce: str) -> str:
    """The endpoint's signing secret, derived (never stored) from the server pepper, its id and its nonce."""
    derived = hmac.new(pepper, f"cinemesh webhook secret:{endpoint_id}:{nonce}".encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(derived).decode()


def sign(secret: str, event_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value of one attempt: `v1,<base64 HMAC-SHA256>` of "{id}.{timestamp}.{body}"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{event_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, event_id: str, body: str, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, event_id, timestamp, body),
    }


def video_id_of(job_id: str) -> str:
    """The id a video (a job) has in events: the job id, as the Videos API names it."""
    return job_id


def event_id_of(job: FinishedJob) -> str:
    """Stable per job ending: a DLQ replay that ends the job again (`replays`) is a new event."""
    digest = hashlib.sha256(f"{job.job_id}:{job.state}:{job.replays}".encode()).hexdigest()
    return f"evt_{digest[:32]}"


def event_body(job: FinishedJob) -> str:
    """The JSON an event is delivered as (the exact bytes that are signed)."""
    event = {
        "id": event_id_of(job),
        "object": "event",
        "created_at": int(job.finished_at.timestamp()),
        "type": EVENT_TYPES[job.state],
        "data": {"id": video_id_of(job.job_id)},
    }
    return json.dumps(event, separators=(",", ":"))


def retry_delay(settings: Settings, delivery: Delivery) -> float:
    """Seconds before the next try after `delivery.attempts + 1` failed ones: doubling from the first delay up
    to the cap, scaled by a jitter in [0.5, 1] drawn from the delivery's own id (reproducible, yet receivers that
    failed together do not retry together)."""
    failures = delivery.attempts + 1
    base = min(settings.webhook_max_delay_seconds, settings.webhook_backoff_seconds * 2 ** (failures - 1))
    draw = hashlib.sha256(f"{delivery.event_id}:{delivery.endpoint_id}:{failures}".encode()).digest()
    return base * (0.5 + 0.5 * int.from_bytes(draw[:4], "big") / 0xFFFFFFFF)


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: Endpoint
    secret: str


class WebhooksApi:
    """Endpoints and delivery logs of the caller's account (the HTTP routes call this)."""

    def __init__(self, store: WebhookStore, pepper: bytes, allow_private_urls: bool = False) -> None:
        self._store = store
        self._pepper = pepper
        self._allow_private_urls = allow_private_urls

    def create(self, account: Account, name: str, url: str, event_types: list[str] | None) -> CreatedEndpoint:
        require(account, "jobs:write")
        name = name.strip()
        if not 1 <= len(name) <= MAX_NAME_CHARS:
            raise InvalidArgument("name", f"give the endpoint a name of 1-{MAX_NAME_CHARS} characters")
        _check_url(url, self._allow_private_urls)
        chosen = list(dict.fromkeys(event_types)) if event_types else list(EVENT_TYPES.values())
        unknown = [kind for kind in chosen if kind not in EVENT_TYPES.values()]
        if unknown:
            raise InvalidArgument(
                "event_types",
                f"{', '.join(map(repr, unknown))} not offered; choose from {', '.join(EVENT_TYPES.values())}",
            )
        if len(self._store.endpoints_of(account.account_id)) >= MAX_ENDPOINTS_PER_ACCOUNT:
            raise FailedPrecondition(
                f"the account has {MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints, the most it may have; delete one first"
            )
        now = utcnow()
        endpoint_id, nonce = "we_" + secrets.token_hex(12), secrets.token_hex(16)
        secret = endpoint_secret(self._pepper, endpoint_id, nonce)
        endpoint = Endpoint(
            endpoint_id=endpoint_id,
            account_id=account.account_id,
            name=name,
            url=url,
            event_types=tuple(chosen),
            secret_nonce=nonce,
            secret_hint=f"whsec_…{secret[-4:]}",
            created_at=now,
            updated_at=now,
            deleted_at=None,
        )
        self._store.add_endpoint(endpoint)
        return CreatedEndpoint(endpoint, secret)

    def list(self, account: Account) -> list[Endpoint]:
        require(account, "jobs:read")
        return self._store.endpoints_of(account.account_id)

    def get(self, account: Account, endpoint_id: str) -> Endpoint:
        require(account, "jobs:read")
        return self._store.endpoint(account.account_id, endpoint_id)

    def delete(self, account: Account, endpoint_id: str) -> None:
        require(account, "jobs:write")
        self._store.delete_endpoint(account.account_id, endpoint_id)

    def deliveries(self, account: Account, endpoint_id: str, limit: int) -> list[Delivery]:
        """The endpoint's delivery log, newest first (a deleted endpoint's too)."""
        require(account, "jobs:read")
        self._store.endpoint(account.account_id, endpoint_id, include_deleted=True)
        return self._store.deliveries_of(endpoint_id, limit)


def _check_url(url: str, allow_private: bool) -> None:
    parts = urllib.parse.urlsplit(url)
    if len(url) > MAX_URL_CHARS or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgument("url", f"{url[:100]!r} is not an http(s) URL of at most {MAX_URL_CHARS} characters")
    if parts.username or parts.password:
        raise InvalidArgument("url", "credentials in the URL are not accepted; verify the signature instead")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return  # a host name: checked when it is resolved, at each delivery
    if not allow_private and not literal.is_global:
        raise InvalidArgument("url", f"{parts.hostname} is not a public address; webhooks go to public receivers")


def private_address_of(url: str) -> str | None:
    """The first non-public address the URL's host resolves to (loopback, private, link-local, reserved), if any."""
    parts = urllib.parse.urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        return None  # unresolvable: the POST itself fails and is retried
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if not address.is_global:
            return str(address)
    return None


class WebhookDispatcher:
    """Finds events and delivers them; a Background of the gateway's host, acting only while it leads."""

    def __init__(self, settings: Settings, store: WebhookStore, leadership: Leadership, pepper: bytes) -> None:
        self._settings = settings
        self._pepper = pepper
        self._store = store
        self._leadership = leadership
        self._session = requests.Session()
        self._pool = ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook-send")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
        self._next_prune = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        if self._thread.ident:
            self._thread.join(timeout=grace_seconds + 5)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._leadership.release()

    def healthy(self) -> bool:
        return self._stop.is_set() or not self._thread.ident or self._thread.is_alive()

    def _run(self) -> None:
        backlog = False
        while not self._stop.wait(0.0 if backlog else self._settings.webhook_interval_seconds):
            backlog = False
            try:
                if self._leadership.held():
                    backlog = self.run_once() >= DUE_BATCH  # a full batch: more are due, go on at once
            except Exception as exc:  # the database is away: try again next round
                log.warning("webhook round failed: %s", exc)

    def run_once(self) -> int:
        """One round: queue new events, send what is due; returns how many deliveries were attempted."""
        self.scan()
        due = self._store.due(utcnow(), DUE_BATCH)
        list(self._pool.map(lambda item: self._attempt(*item), due))
        metrics.WEBHOOK_PENDING.set(self._store.pending_count())
        if time.monotonic() >= self._next_prune:
            self._store.prune(utcnow() - LOG_RETENTION)
            self._next_prune = time.monotonic() + 3600.0
        return len(due)

    def scan(self) -> int:
        """Turns jobs that ended since the cursor into deliveries for the endpoints subscribed then.

        The cursor is the latest end seen. Each round reads what ended after it (a batch at a time), and also
        looks back SCAN_OVERLAP behind it for jobs without a delivery yet: an end whose transaction committed
        after a later one's, or one left behind at a batch boundary.
        """
        cursor = self._store.cursor() or utcnow() - SCAN_OVERLAP  # a first start announces no older ends
        fresh = self._store.finished_after(cursor, SCAN_BATCH)
        late = self._store.finished_unannounced(cursor - SCAN_OVERLAP, cursor, SCAN_BATCH)
        finished = late + fresh
        endpoints = self._store.live_endpoints_of({job.account_id for job in finished})
        now = utcnow()
        deliveries = []
        for job in finished:
            event_type = EVENT_TYPES[job.state]
            body = event_body(job)
            # Endpoints subscribed to the event that existed when the job ended.
            for endpoint in endpoints[job.account_id]:
                if event_type not in endpoint.event_types or endpoint.created_at > job.finished_at:
                    continue
                deliveries.append(
                    Delivery(
                        event_id=event_id_of(job),
                        endpoint_id=endpoint.endpoint_id,
                        account_id=job.account_id,
                        job_id=job.job_id,
                        event_type=event_type,
                        payload=body,
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        last_attempt_at=None,
                        last_status_code=None,
                        last_error=None,
                        created_at=now,
                        delivered_at=None,
                    )
                )
        return self._store.enqueue(deliveries, max((job.finished_at for job in fresh), default=cursor))

    def _attempt(self, delivery: Delivery, endpoint: Endpoint | None) -> None:
        now = utcnow()
        if endpoint is None:
            self._store.record_attempt(
                delivery, status="abandoned", at=now, next_attempt_at=None, status_code=None, error="endpoint deleted"
            )
            metrics.WEBHOOK_DELIVERIES.labels("abandoned").inc()
            return
        private = None if self._settings.webhook_allow_private_urls else private_address_of(endpoint.url)
        if private is not None:
            error = (
                f"refused: {urllib.parse.urlsplit(endpoint.url).hostname} resolves to {private}, not a public address"
            )
            self._store.record_attempt(
                delivery, status="failed", at=now, next_attempt_at=None, status_code=None, error=error
            )
            metrics.WEBHOOK_DELIVERIES.labels("failed").inc()
            return
        started = time.monotonic()
        status_code: int | None = None
        try:
            response = self._session.post(
                endpoint.url,
                data=delivery.payload.encode(),
                headers=signed_headers(
                    endpoint_secret(self._pepper, endpoint.endpoint_id, endpoint.secret_nonce),
                    delivery.event_id,
                    delivery.payload,
                ),
                timeout=self._settings.webhook_timeout_seconds,
                allow_redirects=False,
            )
            status_code = response.status_code
            error = None if 200 <= status_code < 300 else f"HTTP {status_code}: {response.text[:ERROR_CHARS]}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {str(exc)[:ERROR_CHARS]}"
        finally:
            metrics.WEBHOOK_DELIVERY_SECONDS.observe(time.monotonic() - started)
        now = utcnow()
        if error is None:
            self._store.record_attempt(
                delivery, status="delivered", at=now, next_attempt_at=None, status_code=status_code, error=None
            )
            metrics.WEBHOOK_DELIVERIES.labels("delivered").inc()
            return
        give_up_at = delivery.created_at + dt.timedelta(seconds=self._settings.webhook_retry_horizon_seconds)
        if now >= give_up_at:
            self._store.record_attempt(
                delivery, status="failed", at=now, next_attempt_at=None, status_code=status_code, error=error
            )
            metrics.WEBHOOK_DELIVERIES.labels("failed").inc()
            log.warning("webhook %s to %s failed for good: %s", delivery.event_id, endpoint.endpoint_id, error)
            return
        retry_at = min(now + dt.timedelta(seconds=retry_delay(self._settings, delivery)), give_up_at)
        self._store.record_attempt(
            delivery, status="pending", at=now, next_attempt_at=retry_at, status_code=status_code, error=error
        )
        metrics.WEBHOOK_DELIVERIES.labels("retried").inc()
