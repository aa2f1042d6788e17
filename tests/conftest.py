"""Shared fixtures: the embedded mesh started for real (tansu broker, Ray Serve, six services)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import Client

from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.runtime.jobstore import JobStore


@pytest.fixture(scope="session")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedMesh]:
    state_dir: Path = tmp_path_factory.mktemp("mesh")
    mesh = EmbeddedMesh(state_dir, model_runtime=os.environ.get("CINEMESH_TEST_MODEL_RUNTIME", "ray"))
    try:
        mesh.start(timeout=240)
    except Exception:
        for log in sorted((state_dir / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-3000:]}")
        mesh.stop()
        raise
    yield mesh
    mesh.stop()


@pytest.fixture(scope="session")
def store(mesh: EmbeddedMesh) -> Iterator[JobStore]:
    assert mesh.info is not None
    job_store = JobStore(mesh.info.database_url)
    yield job_store
    job_store.dispose()


@pytest.fixture(scope="session")
def client(mesh: EmbeddedMesh) -> Iterator[Client]:
    assert mesh.info is not None
    c = Client(mesh.info.gateway_address, mesh.info.api_key)
    yield c
    c.channel.close()
