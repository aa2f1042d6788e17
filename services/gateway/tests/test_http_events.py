"""Progress events of the HTTP front on a real job store and watch hub: a client that leaves is forgotten."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from support import job_store

from cinemesh.gateway.http import create_app
from cinemesh.gateway.httpserver import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import JobStore
from cinemesh.v1 import common_pb2

AUTH = {"authorization": "Bearer key"}


@pytest.fixture
def front(tmp_path: Path) -> Iterator[tuple[JobStore, JobWatchHub, str]]:
    with job_store("sqlite", tmp_path) as store:
        store.upsert_account("acct", "pro", 1000, "key")
        settings = Settings.from_env("gateway", {"CINEMESH_STATE_DIR": str(tmp_path)})
        # No job is submitted over this front, so nothing is published.
        api = JobsApi(settings, store, ArtifactStore((tmp_path / "artifacts").as_uri()), publisher=None)  # type: ignore[arg-type]
        hub = JobWatchHub(api, store, poll_seconds=0.05)
        http = HttpFront(create_app(api, hub, 2.0), "127.0.0.1", 0, 2.0, 1.0)
        hub.start()
        http.start()
        try:
            yield store, hub, f"http://127.0.0.1:{http.port}"
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
    store, hub, base = front
    _job(store, "job-1")
    streams = [requests.get(f"{base}/v1/jobs/job-1/events", headers=AUTH, stream=True, timeout=5) for _ in range(5)]
    readers = [stream.iter_lines(decode_unicode=True) for stream in streams]  # a reader dropped closes its stream
    for reader in readers:
        assert _next_event(reader)["job"]["state"] == "JOB_STATE_QUEUED"
    assert hub.watching() == 5
    for stream in streams:
        stream.close()
    _wait_for(lambda: hub.watching() == 0)


def test_the_stream_ends_with_the_job_s_terminal_state(front) -> None:  # type: ignore[no-untyped-def]
    store, hub, base = front
    _job(store, "job-2")
    with requests.get(f"{base}/v1/jobs/job-2/events", headers=AUTH, stream=True, timeout=5) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        first = _next_event(lines)
        assert first["job"]["state"] == "JOB_STATE_QUEUED" and first["progressPercent"] == 0
        assert requests.post(f"{base}/v1/jobs/job-2:cancel", headers=AUTH, timeout=5).status_code == 200
        last = _next_event(lines)
        assert last["job"]["state"] == "JOB_STATE_CANCELLED"
        assert list(lines) == []  # the server ended the stream
    _wait_for(lambda: hub.watching() == 0)
