"""Test helpers shared by the suites: a JobService client, a topic reader, job stores on SQLite and PostgreSQL,
and one job's renders handed to another."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from google.protobuf.message import Message
from kafka import KafkaConsumer, TopicPartition

from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.runtime.artifacts import ArtifactStore, job_key
from cinemesh.runtime.bus import OutboundRecord, make_record
from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc, lipsync_pb2

POSTGRES_URL = os.environ.get("CINEMESH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose search_path is a fresh schema on CINEMESH_TEST_POSTGRES_URL (skipped if unreachable)."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.orig}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    schema = f"cinemesh_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def job_store(backend: str, tmp_path: Path) -> Iterator[JobStore]:
    """A fresh JobStore: a SQLite file, or its own schema on CINEMESH_TEST_POSTGRES_URL (skipped if unreachable)."""
    if backend == "sqlite":
        store = JobStore(f"sqlite:///{tmp_path / 'state' / 'cinemesh.db'}")
        store.create_schema()
        yield store
        store.dispose()
        return
    with postgres_schema() as url:
        store = JobStore(url)
        try:
            store.create_schema()
            yield store
        finally:
            store.dispose()


class Client:
    """A JobService client bound to one API key (over TLS when `tls` has a CA)."""

    def __init__(self, address: str, api_key: str, tls: TlsFiles | None = None) -> None:
        self.channel = open_channel(address, tls)
        self.stub = gateway_pb2_grpc.JobServiceStub(self.channel)
        self.metadata = [("authorization", f"Bearer {api_key}")]

    def submit(self, prompt: str = "A red kite over a windy beach", request_id: str = "", **spec: object):
        # Test jobs are reproducible: the seed comes from the prompt unless a test chooses one.
        spec.setdefault("seed", int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:4], "little"))
        request = gateway_pb2.SubmitJobRequest(
            request_id=request_id, spec=common_pb2.GenerationSpec(prompt=prompt, **spec)
        )
        return self.stub.SubmitJob(request, metadata=self.metadata, timeout=30)

    def get(self, job_id: str) -> gateway_pb2.Job:
        return self.stub.GetJob(gateway_pb2.GetJobRequest(job_id=job_id), metadata=self.metadata, timeout=10).job

    def wait(self, job_id: str, timeout: float = 180.0) -> gateway_pb2.Job:
        deadline = time.monotonic() + timeout
        terminal = (common_pb2.JOB_STATE_COMPLETED, common_pb2.JOB_STATE_FAILED, common_pb2.JOB_STATE_CANCELLED)
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job.state in terminal:
                return job
            time.sleep(0.3)
        raise TimeoutError(f"job {job_id} not terminal after {timeout} s: {self.get(job_id)}")

    def download(self, job_id: str) -> bytes:
        chunks = self.stub.DownloadJob(gateway_pb2.DownloadJobRequest(job_id=job_id), metadata=self.metadata)
        return b"".join(c.chunk for c in chunks)


@contextlib.contextmanager
def running(mesh: EmbeddedMesh, state_dir: Path, timeout: float = 240) -> Iterator[EmbeddedMesh]:
    """Starts the mesh for a fixture and stops it after; a start that fails prints the tail of every log."""
    try:
        mesh.start(timeout=timeout)
    except Exception:
        for log in sorted((state_dir / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-3000:]}")
        mesh.stop()
        raise
    try:
        yield mesh
    finally:
        mesh.stop()


#: How long records_of may take to read a topic up to the end it had when called (a loaded machine is slow).
READ_TO_END_S = 60.0


def records_of(bootstrap: str, topic: str, key: str | None = None, timeout_ms: int = 1500) -> list:
    """Every record of `topic` (optionally only those with `key`), read from the start: at least every record the
    topic held when called, then whatever more arrives until a poll of `timeout_ms` brings nothing. A first poll
    that comes back empty before the consumer has fetched anything is no end (a slow fetch once read nothing)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        deadline = time.monotonic() + READ_TO_END_S
        found = []
        while True:
            batch = consumer.poll(timeout_ms=timeout_ms)
            for records in batch.values():
                found.extend(r for r in records if key is None or (r.key or b"").decode() == key)
            if not batch and all(consumer.position(tp) >= ends[tp] for tp in partitions):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{topic} was not read to its end offsets {ends} in {READ_TO_END_S:.0f} s")
    finally:
        consumer.close()


@contextlib.contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """Makes every file and folder under `path` unwritable, for root too (the immutable attribute)."""
    if os.geteuid() == 0 and shutil.which("chattr"):
        lock, unlock = ["chattr", "-R", "+i", str(path)], ["chattr", "-R", "-i", str(path)]
    else:
        lock, unlock = ["chmod", "-R", "a-w", str(path)], ["chmod", "-R", "u+w", str(path)]
    subprocess.run(lock, check=True)
    try:
        with pytest.raises(OSError):
            (path / "probe").write_bytes(b"x")
        yield
    finally:
        subprocess.run(unlock, check=True)


def for_job(
    request: lipsync_pb2.AssembleOutputRequest, artifacts: ArtifactStore, job_id: str
) -> lipsync_pb2.AssembleOutputRequest:
    """The same join for another job: each render it names is copied to where that job's stages store it.

    AssembleOutput reads only a job's own renders, so a test that assembles one render as several jobs copies it.
    """
    moved = lipsync_pb2.AssembleOutputRequest()
    moved.CopyFrom(request)
    moved.job_id = job_id
    stems = [f.name for f in moved.timeline.DESCRIPTOR.fields if f.message_type is common_pb2.ArtifactRef.DESCRIPTOR]
    source = f"{artifacts.root_url}/jobs/{request.job_id}/"
    for ref in (moved.video, moved.audio, *(getattr(moved.timeline, name) for name in stems)):
        if not ref.uri:
            continue
        with (
            artifacts.local_copy(ref.uri) as path,
            artifacts.writer(job_key(job_id, ref.uri.removeprefix(source)), ref.media_type) as (target, result),
        ):
            shutil.copyfile(path, target)
        ref.CopyFrom(result[0])
    return moved


class RecordingPublisher:
    """Builds records as the real publisher does and keeps what would be sent; no broker is reached."""

    def __init__(self) -> None:
        self.sent: list[OutboundRecord] = []

    def record(self, topic: str, job_id: str, message: Message, event_id: str | None = None) -> OutboundRecord:
        return make_record(topic, job_id, message, "/cinemesh/test", event_id)

    def publish(self, topic: str, job_id: str, message: Message, event_id: str | None = None) -> None:
        self.send(self.record(topic, job_id, message, event_id))

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        self.sent.append(record)
