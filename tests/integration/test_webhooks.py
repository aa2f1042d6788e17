"""Webhooks and USD pricing through the real mesh: a job of an account billed in USD renders, is priced from its
plan (it has a spoken line) and its `video.completed` event reaches a receiver that was down when the job ended,
verified by the official SDK's `client.webhooks.unwrap`; the usage export sums to what the job recorded."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openai
import pytest
import requests
from support import Client

from cinemesh.gateway.pricing import PriceTable, plan_of
from cinemesh.v1 import common_pb2

pytestmark = pytest.mark.integration

#: A line of dialogue, so that the plan has one and the price is the "with dialogue" one.
PROMPT = 'A woman in a photo studio says "Hold still." A camera flash at 1 s.'
SECONDS = 2.0


class Inbox:
    """A real HTTP receiver on a chosen port, started when the test says so."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.received: list[tuple[dict[str, str], str]] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                inbox.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture()
def inbox() -> Iterator[Inbox]:
    created = Inbox()
    yield created
    created.stop()


def _until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s")
        time.sleep(0.2)


def test_a_usd_job_is_priced_and_its_event_reaches_a_receiver_that_was_down(mesh, store, keyring, inbox) -> None:  # type: ignore[no-untyped-def]
    account = f"api-{secrets.token_hex(6)}"
    store.upsert_account(account, "pro", 0)
    store.set_account_billing(account, "usd")
    key = keyring.issue(account, ["jobs:read", "jobs:write"])[1]
    base = f"http://127.0.0.1:{mesh.info.gateway_http_port}"
    sdk = openai.OpenAI(api_key=key, base_url=f"{base}/v1", max_retries=0)
    endpoint = sdk.webhooks.create(name="ci", url=f"http://127.0.0.1:{inbox.port}/in", event_types=["video.completed"])

    client = Client(mesh.info.gateway_address, key)
    try:
        job = client.submit(PROMPT, duration_seconds=SECONDS, resolution="480p").job
        assert job.credits_reserved == 0  # billed in USD: nothing reserved
        assert client.wait(job.job_id).state == common_pb2.JOB_STATE_COMPLETED
    finally:
        client.channel.close()

    auth = {"authorization": f"Bearer {key}"}

    def log() -> list[dict]:
        answer = requests.get(f"{base}/v1/webhook_endpoints/{endpoint.id}/deliveries", headers=auth, timeout=5)
        return answer.json()["data"]  # type: ignore[no-any-return]

    _until(lambda: bool(log()) and log()[0]["attempts"] >= 1, timeout=30)
    assert log()[0]["status"] == "pending" and inbox.received == []  # the receiver is down: retried later
    inbox.start()
    _until(lambda: log()[0]["status"] == "delivered", timeout=60)
    ((headers, body),) = inbox.received
    event = sdk.webhooks.unwrap(body, headers, secret=endpoint.signing_secret)
    assert (event.type, event.data.id) == ("video.completed", job.job_id)

    plan = plan_of(store, job.job_id)
    assert plan is not None and len(plan.dialogue) >= 1
    recorded = store.get_job(job.job_id).price_micros
    assert recorded == PriceTable.load().price_micros("pro", "480p", True, SECONDS) == 700_000
    usage = requests.get(f"{base}/v1/usage", headers=auth, timeout=5).json()
    assert [row["job_id"] for row in usage["data"]] == [job.job_id]
    assert usage["total_price_micros"] == recorded and usage["total_usd"] == "0.700000"
