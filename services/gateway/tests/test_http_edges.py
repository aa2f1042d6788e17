"""The HTTP front's edges in process, on a real job store: schemathesis from its OpenAPI document, and a
slowloris client sending its head a byte at a time, cut off at a low CINEMESH_HTTP_TIMEOUT_SECONDS."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from http_fuzz import fuzz_openapi
from support import RecordingPublisher, job_store

from cinemesh.gateway.http import create_app
from cinemesh.gateway.httpserver import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.gateway.webhooks import WebhooksApi
from cinemesh.gateway.webhookstore import WebhookStore
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.auth import Keyring
from cinemesh.runtime.config import Settings

#: The front's head and body deadline here, set low as CINEMESH_HTTP_TIMEOUT_SECONDS would set it.
TIMEOUT = 1.5


@pytest.fixture
def front(tmp_path: Path) -> Iterator[tuple[str, Keyring]]:
    with job_store("sqlite", tmp_path) as store:
        # No credits: a fuzzed body that happens to be a valid job is refused before it is queued.
        store.upsert_account("broke", "plus", 0)
        keyring = Keyring(store, b"p" * 32)
        env = {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_HTTP_TIMEOUT_SECONDS": str(TIMEOUT)}
        settings = Settings.from_env("gateway", env)
        artifacts = ArtifactStore((tmp_path / "artifacts").as_uri())
        api = JobsApi(settings, store, artifacts, RecordingPublisher(), keyring)  # type: ignore[arg-type]
        hub = JobWatchHub(api, store, poll_seconds=0.05)
        webhook_store = WebhookStore(store)
        webhook_store.create_schema()
        webhooks = WebhooksApi(webhook_store, b"w" * 32, allow_private_urls=False)
        app = create_app(api, hub, settings.http_timeout_seconds, webhooks=webhooks)
        http = HttpFront(app, "127.0.0.1", 0, settings.http_timeout_seconds, 1.0)
        hub.start()
        http.start()
        try:
            yield f"http://127.0.0.1:{http.port}", keyring
        finally:
            http.stop(1.0)
            hub.stop(1.0)


def test_schemathesis_finds_no_5xx_no_hang_and_every_answer_conforms(front: tuple[str, Keyring]) -> None:
    base, keyring = front
    report = fuzz_openapi(
        base,
        lambda: "Bearer " + keyring.issue("broke", ["jobs:read", "jobs:write"])[1],
        examples_per_operation=25,
        request_timeout=10.0,
    )
    print(report.summary())
    assert not report.failures, "\n\n".join(report.failures[:5])
    # Schema-valid job ids reach the job store (404), schema-breaking ones are refused before it (400).
    assert report.statuses["GET /v1/jobs/{job_id} [positive]"] == {404: 25}
    assert {400, 401} <= report.statuses["GET /v1/jobs/{job_id} [negative]"].keys()
    assert report.requests >= 12 * 25 and report.slowest_seconds < 2.0


def _status_of(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def _dribble(port: int, data: bytes, pause: float) -> tuple[bytes, float, int]:
    """Sends `data` a byte every `pause` seconds until the server answers or closes: its answer, when, bytes sent."""
    started = time.monotonic()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT + 10) as conn:
        conn.settimeout(pause)
        answer = b""
        while time.monotonic() - started < TIMEOUT + 10:
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                if sent < len(data):
                    try:
                        conn.sendall(data[sent : sent + 1])
                        sent += 1
                    except OSError:  # the server closed its end
                        break
                continue
            if not chunk:
                break
            answer += chunk
    return answer, time.monotonic() - started, sent


def test_a_client_sending_its_head_a_byte_at_a_time_is_cut_off_within_the_timeout(front: tuple[str, Keyring]) -> None:
    base, _ = front
    port = int(base.rsplit(":", 1)[1])
    head = b"GET /healthz HTTP/1.1\r\nhost: x\r\nuser-agent: " + b"s" * 200 + b"\r\n\r\n"
    answer, elapsed, sent = _dribble(port, head, pause=0.05)
    print(f"cut off after {elapsed:.2f} s and {sent} of {len(head)} bytes (timeout {TIMEOUT:g} s)")
    assert TIMEOUT - 0.2 <= elapsed <= TIMEOUT + 1.0
    assert sent < len(head)  # it never got to finish its head
    status, body = _status_of(answer)
    assert status == 408 and body["code"] == "DEADLINE_EXCEEDED", answer
    # The same request sent at once is answered.
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200


@pytest.mark.parametrize("request_head", [b"GET /healthz HTTP/1.1\r\nhost: x\r\n", b""], ids=["half-a-head", "silent"])
def test_a_client_still_sending_after_the_408_gets_no_reset(front: tuple[str, Keyring], request_head: bytes) -> None:
    """The front closes a timed-out connection lingering: it sends its answer and a FIN, then reads and drops
    what the client still sends for a while. Closing at once would answer those bytes (or any unread before the
    close) with a reset, and a client whose reset arrives before it has read the 408 loses the answer."""
    base, _ = front
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT + 10) as conn:
        conn.sendall(request_head)
        answer = b""
        while chunk := conn.recv(65536):  # the 408, then the server's FIN
            answer += chunk
        assert _status_of(answer)[0] == 408, answer
        for _ in range(4):  # a slow client's next drips, sent after the answer and the FIN
            conn.sendall(b"x-a: b\r\n")
            time.sleep(0.05)
        assert conn.recv(65536) == b""
