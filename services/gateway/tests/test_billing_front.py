"""Webhooks and usage on a real front, job store and receiver: endpoints managed with the official `openai` SDK,
`video.*` events signed per Standard Webhooks and verified by the SDK's `client.webhooks.unwrap`, retried to a
receiver that was down, given up after the horizon, and listed in the delivery log; the usage export in JSON and
CSV sums to what the jobs recorded."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import openai
import pytest
import requests
import sqlalchemy as sa
from support import job_store

from cinemesh.cli import main as cli
from cinemesh.gateway import webhooks
from cinemesh.gateway.http import create_app
from cinemesh.gateway.httpserver import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.reconciler import Leadership
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.gateway.webhooks import (
    DISPATCHER_LOCK_KEY,
    MAX_ENDPOINTS_PER_ACCOUNT,
    WebhookDispatcher,
    WebhooksApi,
    sign,
)
from cinemesh.gateway.webhookstore import WebhookStore, webhook_endpoints
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.auth import Keyring, Principal
from cinemesh.runtime.bus import OutboundRecord, Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import JobStore, jobs
from cinemesh.v1 import common_pb2, events_pb2, gateway_pb2

PEPPER = b"p" * 32
#: Fast retries for the tests: the first after 0.1 s, doubling, at most 0.4 s apart.
FAST_RETRIES = {
    "CINEMESH_WEBHOOK_INTERVAL_SECONDS": "0.05",
    "CINEMESH_WEBHOOK_BACKOFF_SECONDS": "0.1",
    "CINEMESH_WEBHOOK_MAX_DELAY_SECONDS": "0.4",
    "CINEMESH_WEBHOOK_TIMEOUT_SECONDS": "2",
}


class NullPublisher(Publisher):
    """Builds records as the real one does; there is no broker here, so nothing is sent."""

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        pass


@dataclass
class Received:
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    """A real HTTP server that keeps what it is sent and answers `status`."""

    port: int
    status: int = 200
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Gateway:
    store: JobStore
    jobs: JobsApi
    dispatcher: WebhookDispatcher
    base_url: str
    keyring: Keyring

    def key(self, account_id: str) -> str:
        return self.keyring.issue(account_id, ["jobs:read", "jobs:write"])[1]

    def caller(self, key: str) -> Principal:
        return self.keyring.authenticate(f"Bearer {key}")

    def sdk(self, key: str) -> openai.OpenAI:
        return openai.OpenAI(api_key=key, base_url=f"{self.base_url}/v1", max_retries=0)

    def submit(self, key: str) -> str:
        spec = common_pb2.GenerationSpec(prompt="A kite over a beach", duration_seconds=2.0)
        return self.jobs.submit(self.caller(key), gateway_pb2.SubmitJobRequest(spec=spec)).job.job_id

    def complete(self, job_id: str) -> None:
        output = common_pb2.ArtifactRef(uri=f"jobs/{job_id}/out.mp4", size_bytes=10)
        self.jobs.on_completed(events_pb2.JobCompleted(job_id=job_id, output=output))


@contextlib.contextmanager
def _gateway(store: JobStore, tmp_path: Path, env: dict[str, str]) -> Iterator[Gateway]:
    settings = Settings.from_env(
        "gateway", {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_RATE_LIMIT_RPS": "0", **FAST_RETRIES, **env}
    )
    keyring = Keyring(store, PEPPER)
    jobs = JobsApi(settings, store, ArtifactStore((tmp_path / "a").as_uri()), NullPublisher(settings), keyring)
    webhook_store = WebhookStore(store)
    webhook_store.create_schema()
    hub = JobWatchHub(jobs, store, poll_seconds=0.05)
    app = create_app(jobs, hub, 5.0, webhooks=WebhooksApi(webhook_store, PEPPER, settings.webhook_allow_private_urls))
    front = HttpFront(app, "127.0.0.1", 0, 5.0, 1.0)
    dispatcher = WebhookDispatcher(settings, webhook_store, Leadership(store, DISPATCHER_LOCK_KEY), PEPPER)
    front.start()
    try:
        yield Gateway(store, jobs, dispatcher, f"http://127.0.0.1:{front.port}", keyring)
    finally:
        dispatcher.stop(1.0)
        front.stop(1.0)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        created.upsert_account("acct", "pro", 10_000)
        created.upsert_account("other", "pro", 10_000)
        yield created


@pytest.fixture()
def gateway(store: JobStore, tmp_path: Path) -> Iterator[Gateway]:
    with _gateway(store, tmp_path, {}) as created:
        yield created


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    created = Receiver(_free_port())
    yield created
    created.stop()


def _conforms(gateway: Gateway, schema: str, body: object) -> None:
    """`body` matches the named schema of the front's own OpenAPI document."""
    document = requests.get(f"{gateway.base_url}/v1/openapi.json", timeout=5).json()
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    )
    validator.validate(body)


def _until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_events_are_signed_so_the_sdk_verifies_them(gateway: Gateway, receiver: Receiver) -> None:
    receiver.start()
    key = gateway.key("acct")
    client = gateway.sdk(key)
    created = client.webhooks.create(name="ci", url=receiver.url, event_types=["video.completed", "video.failed"])
    assert created.signing_secret.startswith("whsec_") and created.object == "webhook_endpoint"
    with gateway.store.engine.connect() as conn:  # the secret is derived when signing, never stored
        stored = [str(value) for row in conn.execute(sa.select(webhook_endpoints)) for value in row]
    assert stored and not any(created.signing_secret[6:14] in value for value in stored)
    completed, failed, cancelled = gateway.submit(key), gateway.submit(key), gateway.submit(key)
    gateway.complete(completed)
    gateway.jobs.on_failed(events_pb2.JobFailed(job_id=failed, stage=common_pb2.STAGE_PROMPT, reason="blocked"))
    gateway.jobs.cancel(gateway.caller(key), cancelled)  # not subscribed: never delivered
    assert gateway.dispatcher.run_once() == 2

    events = {}
    for delivery in receiver.received:
        event = client.webhooks.unwrap(delivery.body, delivery.headers, secret=created.signing_secret)
        assert delivery.headers["webhook-id"] == event.id
        events[event.type] = event.data.id
        tampered = delivery.body.replace('"data"', '"data" ')
        with pytest.raises(openai.InvalidWebhookSignatureError):
            client.webhooks.unwrap(tampered, delivery.headers, secret=created.signing_secret)
    assert events == {"video.completed": completed, "video.failed": failed}
    # Another secret does not verify it either.
    other = client.webhooks.create(name="other", url=receiver.url, event_types=["video.completed"])
    with pytest.raises(openai.InvalidWebhookSignatureError):
        client.webhooks.unwrap(receiver.received[0].body, receiver.received[0].headers, secret=other.signing_secret)
    # A second round finds nothing new: each event is delivered once per endpoint.
    assert gateway.dispatcher.run_once() == 0 and len(receiver.received) == 2
    # Settled deliveries leave the log after the retention; a pending one never does.
    webhook_store = WebhookStore(gateway.store)
    assert webhook_store.prune(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) == 0
    assert webhook_store.prune(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == 2


def test_a_receiver_that_is_down_gets_the_event_later(gateway: Gateway, receiver: Receiver) -> None:
    key = gateway.key("acct")
    client = gateway.sdk(key)
    endpoint = client.webhooks.create(name="late", url=receiver.url, event_types=["video.completed"])
    job_id = gateway.submit(key)
    gateway.complete(job_id)
    gateway.dispatcher.start()  # its own loop, as in the gateway
    log_url = f"{gateway.base_url}/v1/webhook_endpoints/{endpoint.id}/deliveries"
    auth = {"authorization": f"Bearer {key}"}

    def log() -> list[dict]:
        return requests.get(log_url, headers=auth, timeout=5).json()["data"]  # type: ignore[no-any-return]

    _until(lambda: bool(log()) and log()[0]["attempts"] >= 2)
    _conforms(gateway, "WebhookDeliveryList", requests.get(log_url, headers=auth, timeout=5).json())
    listed = requests.get(f"{gateway.base_url}/v1/webhook_endpoints", headers=auth, timeout=5).json()
    _conforms(gateway, "WebhookEndpointList", listed)
    pending = log()[0]
    assert pending["status"] == "pending" and "ConnectionError" in pending["last_error"]
    receiver.start()
    _until(lambda: log()[0]["status"] == "delivered")
    entry = log()[0]
    assert entry["attempts"] >= 3 and entry["video_id"] == job_id and entry["last_status_code"] == 200
    assert len(receiver.received) == 1
    event = client.webhooks.unwrap(
        receiver.received[0].body, receiver.received[0].headers, secret=endpoint.signing_secret
    )
    assert (event.id, event.type, event.data.id) == (entry["id"], "video.completed", job_id)


def test_retries_stop_after_the_horizon(store: JobStore, tmp_path: Path, receiver: Receiver) -> None:
    receiver.status = 500
    receiver.start()
    with _gateway(store, tmp_path, {"CINEMESH_WEBHOOK_RETRY_HORIZON_SECONDS": "0.5"}) as gateway:
        key = gateway.key("acct")
        endpoint = gateway.sdk(key).webhooks.create(name="broken", url=receiver.url, event_types=["video.completed"])
        gateway.complete(gateway.submit(key))
        gateway.dispatcher.start()
        api = WebhooksApi(WebhookStore(store), PEPPER)
        _until(lambda: [d.status for d in api.deliveries(gateway.caller(key), endpoint.id, 10)] == ["failed"])
        failed = api.deliveries(gateway.caller(key), endpoint.id, 10)[0]
        assert failed.last_status_code == 500 and failed.attempts >= 2 and failed.next_attempt_at is None
        attempts = len(receiver.received)
        time.sleep(0.3)
        assert len(receiver.received) == attempts  # nothing more after it gave up
        # Every attempt carried the same webhook-id, each with its own timestamp and a valid signature.
        assert {r.headers["webhook-id"] for r in receiver.received} == {failed.event_id}
        for received in receiver.received:
            stamp = int(received.headers["webhook-timestamp"])
            expected = sign(endpoint.signing_secret, failed.event_id, stamp, received.body)
            assert received.headers["webhook-signature"] == expected


def test_endpoints_are_per_account_and_deleting_one_stops_its_deliveries(gateway: Gateway, receiver: Receiver) -> None:
    key, other_key = gateway.key("acct"), gateway.key("other")
    client, other = gateway.sdk(key), gateway.sdk(other_key)
    endpoint = client.webhooks.create(name="mine", url=receiver.url, event_types=["video.completed"])
    assert [e.id for e in client.webhooks.list()] == [endpoint.id]
    assert list(other.webhooks.list()) == []
    with pytest.raises(openai.NotFoundError):
        other.webhooks.retrieve(endpoint.id)
    with pytest.raises(openai.NotFoundError):
        other.webhooks.delete(endpoint.id)
    with pytest.raises(openai.BadRequestError):
        client.webhooks.create(name="bad", url="ftp://example.com/x", event_types=["video.completed"])
    with pytest.raises(openai.BadRequestError):
        client.webhooks.create(name="bad", url=receiver.url, event_types=["batch.completed"])
    assert client.webhooks.retrieve(endpoint.id).signing_secret_hint == f"whsec_…{endpoint.signing_secret[-4:]}"
    for index in range(MAX_ENDPOINTS_PER_ACCOUNT):
        other.webhooks.create(name=f"n{index}", url=receiver.url, event_types=["video.failed"])
    with pytest.raises(openai.BadRequestError, match="the most it may have"):
        other.webhooks.create(name="one too many", url=receiver.url, event_types=["video.failed"])
    gateway.complete(gateway.submit(key))
    gateway.dispatcher.scan()  # queued while the receiver is down ...
    deleted = client.webhooks.delete(endpoint.id)
    assert (deleted.id, deleted.deleted) == (endpoint.id, True)
    with pytest.raises(openai.NotFoundError):
        client.webhooks.retrieve(endpoint.id)
    receiver.start()
    gateway.dispatcher.run_once()  # ... and abandoned with its endpoint
    assert receiver.received == []
    log = requests.get(
        f"{gateway.base_url}/v1/webhooks/{endpoint.id}/deliveries",
        headers={"authorization": f"Bearer {key}"},
        timeout=5,
    ).json()["data"]
    assert [entry["status"] for entry in log] == ["abandoned"]
    # An endpoint registered after a job ended is not sent that job's event.
    late = client.webhooks.create(name="late", url=receiver.url, event_types=["video.completed", "video.cancelled"])
    gateway.dispatcher.run_once()
    assert (
        receiver.received == []
        and json.loads(
            requests.get(
                f"{gateway.base_url}/v1/webhook_endpoints/{late.id}/deliveries",
                headers={"authorization": f"Bearer {key}"},
                timeout=5,
            ).text
        )["data"]
        == []
    )


def test_one_dispatcher_leads_on_postgresql(store: JobStore) -> None:
    first, second = Leadership(store, DISPATCHER_LOCK_KEY), Leadership(store, DISPATCHER_LOCK_KEY)
    try:
        assert first.held()
        assert second.held() is (store.engine.dialect.name != "postgresql")
        first.release()
        _until(second.held, timeout=10)  # PostgreSQL frees the lock once the old session's backend has ended
    finally:
        first.release()
        second.release()


def test_the_usage_export_sums_to_what_the_jobs_recorded(gateway: Gateway) -> None:
    gateway.store.set_account_billing("acct", "usd")
    key = gateway.key("acct")
    auth = {"authorization": f"Bearer {key}"}
    done, other_done, failed = gateway.submit(key), gateway.submit(key), gateway.submit(key)
    gateway.complete(done)
    gateway.complete(other_done)
    gateway.jobs.on_failed(events_pb2.JobFailed(job_id=failed, stage=common_pb2.STAGE_VIDEO, reason="x"))
    recorded = {job_id: gateway.store.get_job(job_id).price_micros for job_id in (done, other_done, failed)}
    assert recorded[failed] == 0 and recorded[done] == 2 * 300_000  # pro 720p, 2 s, no plan stored: silent

    usage = f"{gateway.base_url}/v1/usage"
    exported = requests.get(usage, headers=auth, timeout=5).json()
    _conforms(gateway, "UsageOut", exported)
    assert {row["job_id"]: row["price_micros"] for row in exported["data"]} == recorded
    assert exported["total_price_micros"] == sum(recorded.values()) and exported["total_usd"] == "1.200000"
    answer = requests.get(
        usage, params={"format": "csv", "start": str(dt.date.today() - dt.timedelta(days=10))}, headers=auth, timeout=5
    )
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert sum(int(row["price_micros"]) for row in rows) == sum(recorded.values())
    assert {row["job_id"]: row["state"] for row in rows}[failed] == "failed"
    future = requests.get(usage, params={"start": "2999-01-01", "end": "2999-01-02"}, headers=auth, timeout=5)
    assert future.json()["data"] == []
    for params in ({"start": "yesterday"}, {"start": "2026-02-01", "end": "2026-01-01"}, {"end": "0001-01-01"}):
        refused = requests.get(usage, params=params, headers=auth, timeout=5)
        assert refused.status_code == 400, (params, refused.text)
    assert requests.get(usage, timeout=5).status_code == 401


def test_a_cluster_gateway_sends_no_webhook_to_a_private_address(
    store: JobStore, tmp_path: Path, receiver: Receiver
) -> None:
    receiver.start()
    with _gateway(store, tmp_path, {"CINEMESH_DEPLOYMENT": "cluster", "CINEMESH_KEY_PEPPER": "cA" * 22}) as gateway:
        key = gateway.key("acct")
        client = gateway.sdk(key)
        for literal in ("127.0.0.1", "10.1.2.3", "169.254.169.254", "[::1]"):
            with pytest.raises(openai.BadRequestError, match="not a public address"):
                client.webhooks.create(name="in", url=f"http://{literal}/hooks", event_types=["video.completed"])
        # A host name is resolved when delivering: `localhost` is refused then, for good.
        endpoint = client.webhooks.create(
            name="local", url=f"http://localhost:{receiver.port}/hooks", event_types=["video.completed"]
        )
        gateway.complete(gateway.submit(key))
        assert gateway.dispatcher.run_once() == 1
        (refused,) = WebhooksApi(WebhookStore(store), PEPPER).deliveries(gateway.caller(key), endpoint.id, 10)
        assert refused.status == "failed" and "not a public address" in (refused.last_error or "")
        assert receiver.received == []


def test_the_cli_manages_endpoints_and_exports_usage(
    gateway: Gateway, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = gateway.key("acct")
    monkeypatch.setenv("CINEMESH_HTTP_URL", gateway.base_url)
    monkeypatch.setenv("CINEMESH_API_KEY", key)
    assert cli.main(["webhooks", "create", receiver.url, "--name", "cli", "--event", "video.completed"]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("whsec_")
    cli.main(["webhooks", "list"])
    (listed,) = capsys.readouterr().out.splitlines()
    endpoint_id = listed.split()[0]
    receiver.start()
    job_id = gateway.submit(key)
    gateway.complete(job_id)
    gateway.dispatcher.run_once()
    cli.main(["webhooks", "deliveries", endpoint_id])
    (entry,) = capsys.readouterr().out.splitlines()
    assert f"video.completed  {job_id}  delivered  1 attempt(s)  200" in entry
    ((_, body),) = [(r.headers, r.body) for r in receiver.received]
    gateway.sdk(key).webhooks.unwrap(body, receiver.received[0].headers, secret=secret)
    cli.main(["usage"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["job_id"], row["state"], row["credits"]) for row in rows] == [(job_id, "completed", "80")]
    cli.main(["webhooks", "delete", endpoint_id])
    cli.main(["webhooks", "list"])
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit, match="HTTP 404"):
        cli.main(["webhooks", "delete", endpoint_id])
    with pytest.raises(SystemExit, match=r"HTTP 403.*'admin' scope"):
        cli.main(["billing", "acct", "usd"])
    monkeypatch.setenv("CINEMESH_API_KEY", gateway.keyring.issue("other", ["admin"])[1])
    assert cli.main(["billing", "acct", "usd"]) == 0
    assert gateway.store.account_billing("acct") == "usd"


def test_ends_behind_the_cursor_or_past_a_batch_are_still_announced(
    gateway: Gateway, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.start()
    key = gateway.key("acct")
    endpoint = gateway.sdk(key).webhooks.create(name="all", url=receiver.url, event_types=["video.completed"])
    time.sleep(0.5)  # the late ends below are before the cursor, yet after the endpoint was registered
    first = gateway.submit(key)
    gateway.complete(first)
    gateway.dispatcher.run_once()
    cursor = WebhookStore(gateway.store).cursor()
    assert cursor is not None
    monkeypatch.setattr(webhooks, "SCAN_BATCH", 2)  # read two ended jobs at a time

    def end_at(job_ids: list[str], finished_at: dt.datetime) -> None:
        for job_id in job_ids:
            gateway.complete(job_id)
        with gateway.store.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.job_id.in_(job_ids)).values(finished_at=finished_at))

    # Five ends that committed after the cursor had passed them, then five at one instant past it.
    behind = [gateway.submit(key) for _ in range(5)]
    end_at(behind, cursor - dt.timedelta(seconds=0.2))
    together = [gateway.submit(key) for _ in range(5)]
    end_at(together, cursor + dt.timedelta(seconds=5))
    for _ in range(6):
        gateway.dispatcher.run_once()
    announced = [json.loads(r.body)["data"]["id"] for r in receiver.received]
    assert sorted(announced) == sorted([first, *behind, *together])  # each once
    log = WebhooksApi(WebhookStore(gateway.store), PEPPER).deliveries(gateway.caller(key), endpoint.id, 100)
    assert {d.status for d in log} == {"delivered"} and len(log) == 11
