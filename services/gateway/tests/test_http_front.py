"""The HTTP front on a real job store, artifact store and watch hub: streamed downloads, progress events."""

from __future__ import annotations

import hashlib
import json
import socket
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support import job_store

from cinemesh.gateway import sse
from cinemesh.gateway.http import create_app
from cinemesh.gateway.httpserver import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.auth import Keyring
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import JobStore
from cinemesh.v1 import common_pb2

#: The authorization header of the account the fixture makes (its key is issued per test).
AUTH: dict[str, str] = {}
JOB_01 = "5eed0000-0000-4000-8000-000000000001"
JOB_02 = "5eed0000-0000-4000-8000-000000000002"
JOB_03 = "5eed0000-0000-4000-8000-000000000003"
JOB_04 = "5eed0000-0000-4000-8000-000000000004"
JOB_05 = "5eed0000-0000-4000-8000-000000000005"
JOB_06 = "5eed0000-0000-4000-8000-000000000006"


@pytest.fixture
def limits() -> dict[str, str]:
    """The gateway's rate-limit settings for `front` (its defaults unless a test overrides this fixture)."""
    return {}


@pytest.fixture
def front(tmp_path: Path, limits: dict[str, str]) -> Iterator[tuple[JobStore, JobWatchHub, str, ArtifactStore]]:
    with job_store("sqlite", tmp_path) as store:
        store.upsert_account("acct", "pro", 1000)
        keyring = Keyring(store, b"p" * 32)
        AUTH["authorization"] = "Bearer " + keyring.issue("acct", ["jobs:read", "jobs:write"])[1]
        settings = Settings.from_env("gateway", {"CINEMESH_STATE_DIR": str(tmp_path), **limits})
        artifacts = ArtifactStore((tmp_path / "artifacts").as_uri())
        # No job is submitted over this front, so nothing is published.
        api = JobsApi(settings, store, artifacts, None, keyring)  # type: ignore[arg-type]
        hub = JobWatchHub(api, store, poll_seconds=0.05)
        http = HttpFront(create_app(api, hub, 2.0), "127.0.0.1", 0, 2.0, 1.0)
        hub.start()
        http.start()
        try:
            yield store, hub, f"http://127.0.0.1:{http.port}", artifacts
        finally:
            http.stop(1.0)
            hub.stop(1.0)


def _job(store: JobStore, job_id: str) -> None:
    spec = common_pb2.GenerationSpec(prompt="a kite", duration_seconds=1.0)
    store.submit_job(
        job_id=job_id, account_id="acct", request_id=None, tier="pro", spec=spec.SerializeToString(), seed=1,
        duration_seconds=1.0, credits=40, outbound=[],
    )  # fmt: skip


def _next_event(lines: Iterator[str]) -> dict:
    data = []
    for line in lines:
        if line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())
        elif line == "" and data:
            return json.loads("\n".join(data))
    raise AssertionError("the stream ended")


def _wait_for(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_client_that_leaves_is_forgotten_by_the_hub(front) -> None:  # type: ignore[no-untyped-def]
    store, hub, base, _ = front
    _job(store, JOB_01)
    streams = [requests.get(f"{base}/v1/jobs/{JOB_01}/events", headers=AUTH, stream=True, timeout=5) for _ in range(5)]
    readers = [stream.iter_lines(decode_unicode=True) for stream in streams]  # a reader dropped closes its stream
    for reader in readers:
        assert _next_event(reader)["job"]["state"] == "JOB_STATE_QUEUED"
    assert hub.watching() == 5
    for stream in streams:
        stream.close()
    _wait_for(lambda: hub.watching() == 0)


def test_a_quiet_stream_gets_heartbeats_and_ends_with_the_terminal_state(front, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, hub, base, _ = front
    monkeypatch.setattr(sse, "HEARTBEAT_SECONDS", 0.2)
    _job(store, JOB_02)
    with requests.get(f"{base}/v1/jobs/{JOB_02}/events", headers=AUTH, stream=True, timeout=5) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        first = _next_event(lines)
        assert first["job"]["state"] == "JOB_STATE_QUEUED" and first["progressPercent"] == 0
        # A queued job does not change: heartbeats keep the stream open, and the watch goes on.
        heartbeats = 0
        while heartbeats < 3:
            heartbeats += next(lines) == ": heartbeat"
        assert hub.watching() == 1
        assert requests.post(f"{base}/v1/jobs/{JOB_02}:cancel", headers=AUTH, timeout=5).status_code == 200
        last = _next_event(lines)
        assert last["job"]["state"] == "JOB_STATE_CANCELLED"
        assert [line for line in lines if line and line != ": heartbeat"] == []  # the server ended the stream
    _wait_for(lambda: hub.watching() == 0)


def _completed(store: JobStore, artifacts: ArtifactStore, job_id: str, size: int) -> str:
    """A completed job whose output is `size` bytes; their SHA-256."""
    _job(store, job_id)
    with artifacts.writer(f"jobs/{job_id}/final.mp4", "video/mp4") as (path, refs):
        path.write_bytes(hashlib.sha256(job_id.encode()).digest() * (size // 32))
    store.complete_job(job_id, refs[0].uri, size)
    return refs[0].sha256


def test_a_large_download_is_streamed_not_held_in_memory(front) -> None:  # type: ignore[no-untyped-def]
    store, _, base, artifacts = front
    size = 24 * 1024 * 1024
    sha256 = _completed(store, artifacts, JOB_03, size)
    digest = hashlib.sha256()
    tracemalloc.start()  # counts the gateway's allocations too: the front runs in this process
    try:
        with requests.get(f"{base}/v1/jobs/{JOB_03}:download", headers=AUTH, stream=True, timeout=30) as response:
            assert response.status_code == 200 and int(response.headers["content-length"]) == size
            for chunk in response.iter_content(64 * 1024):
                digest.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == sha256
    print(f"peak traced memory {peak / 2**20:.1f} MiB while sending {size / 2**20:.0f} MiB")
    assert peak < size / 4
    _job(store, JOB_04)
    queued = requests.get(f"{base}/v1/jobs/{JOB_04}:download", headers=AUTH, timeout=5)
    assert queued.status_code == 400 and queued.json()["code"] == "FAILED_PRECONDITION"


def _download(base: str, job_id: str, stall: float, pause: float, read_size: int, limit: int) -> int:
    """Asks for a download through a small receive window, reads nothing for `stall` seconds, then
    `read_size` bytes every `pause` seconds; how many bytes came before the server closed (or `limit`)."""
    host, port = base.removeprefix("http://").split(":")
    request = f"GET /v1/jobs/{job_id}:download HTTP/1.1\r\nhost: x\r\nauthorization: {AUTH['authorization']}\r\n\r\n"
    received = 0
    with socket.socket() as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        conn.connect((host, int(port)))
        conn.settimeout(10)
        conn.sendall(request.encode())
        time.sleep(stall)
        while received < limit:
            try:
                chunk = conn.recv(read_size)
            except ConnectionResetError:
                break
            if not chunk:
                break
            if not received:
                assert chunk.startswith(b"HTTP/1.1 200"), chunk[:200]  # the download itself, not an error
            received += len(chunk)
            time.sleep(pause)
    return received


def test_a_client_that_stops_reading_a_download_is_dropped(front) -> None:  # type: ignore[no-untyped-def]
    store, _, base, artifacts = front
    size = 24 * 1024 * 1024
    _completed(store, artifacts, JOB_05, size)
    # Reads nothing for 4 s, past the front's 2 s timeout with a full send buffer, then reads as fast as it can.
    received = _download(base, JOB_05, stall=4.0, pause=0.0, read_size=1024 * 1024, limit=size)
    print(f"a stalled reader got {received / 2**20:.1f} MiB of {size / 2**20:.0f} MiB before it was dropped")
    assert received < size


def test_a_slow_but_steady_reader_gets_the_whole_download(front) -> None:  # type: ignore[no-untyped-def]
    store, _, base, artifacts = front
    size = 2 * 1024 * 1024
    _completed(store, artifacts, JOB_06, size)
    # 64 KiB every 0.1 s: the send buffer never stays full for the 2 s timeout.
    assert _download(base, JOB_06, stall=0.0, pause=0.1, read_size=64 * 1024, limit=size) >= size


@pytest.mark.parametrize(
    "limits", [{"CINEMESH_RATE_LIMIT_RPS": "0.05", "CINEMESH_RATE_LIMIT_BURST": "2"}], ids=["one-per-20s"]
)
def test_a_key_over_its_rate_gets_429_with_retry_after(front) -> None:  # type: ignore[no-untyped-def]
    _, _, base, _ = front
    replies = [requests.get(f"{base}/v1/account", headers=AUTH, timeout=5) for _ in range(3)]
    assert [reply.status_code for reply in replies] == [200, 200, 429]
    assert replies[2].json()["code"] == "RESOURCE_EXHAUSTED"
    assert 1 <= int(replies[2].headers["retry-after"]) <= 20
