"""Shared fixtures: the embedded mesh started for real (tansu broker, Ray Serve, six services)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import Client, running

from cinemesh.mesh.launcher import EmbeddedMesh
from cinemesh.runtime.auth import Keyring, load_pepper
from cinemesh.runtime.jobstore import JobStore


@pytest.fixture(scope="session")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedMesh]:
    state_dir: Path = tmp_path_factory.mktemp("mesh")
    mesh = EmbeddedMesh(
        state_dir,
        model_runtime=os.environ.get("CINEMESH_TEST_MODEL_RUNTIME", "ray"),
        # Outages in the tests last seconds, not minutes: transient causes are retried for 20 s.
        # Webhook retries start after 0.5 s, so a receiver that was down gets its event within seconds.
        extra_env={"CINEMESH_RETRY_HORIZON_SECONDS": "20", "CINEMESH_WEBHOOK_BACKOFF_SECONDS": "0.5"},
        # CINEMESH_TEST_TLS=1 starts this mesh as `cinemesh up --tls` does: the suites that dial it through `Client`
        # or `mesh.info.channel` (test_pipeline.py among them) then run on TLS; those that dial plain http:// or
        # build their own plain channels (the HTTP front's, the cameo suite) need the plain mesh.
        tls=os.environ.get("CINEMESH_TEST_TLS", "") == "1",
    )
    with running(mesh, state_dir, timeout=240):
        yield mesh


@pytest.fixture(scope="session")
def store(mesh: EmbeddedMesh) -> Iterator[JobStore]:
    assert mesh.info is not None
    job_store = JobStore(mesh.info.database_url)
    yield job_store
    job_store.dispose()


@pytest.fixture(scope="session")
def keyring(mesh: EmbeddedMesh, store: JobStore) -> Keyring:
    """Issues API keys the mesh accepts (with the pepper it generated under its state directory)."""
    assert mesh.info is not None
    return Keyring(store, load_pepper("", Path(mesh.info.state_dir)))


@pytest.fixture(scope="session")
def client(mesh: EmbeddedMesh) -> Iterator[Client]:
    assert mesh.info is not None
    c = Client(mesh.info.gateway_address, mesh.info.api_key, mesh.info.tls_files())
    yield c
    c.channel.close()


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def triton_audio_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Triton Inference Server (pytriton, CPU) serving the tiny audio models; yields its gRPC address."""
    yield from _triton_server(tmp_path_factory, REPO / "tests/triton_servers/tiny_audio_models.py", ["tts", "foley"])


def _triton_server(tmp_path_factory: pytest.TempPathFactory, script: Path, models: list[str]) -> Iterator[str]:
    import subprocess

    import tritonclient.grpc as grpcclient

    from cinemesh.mesh.launcher import free_port

    python = Path(os.environ.get("CINEMESH_TEST_TRITON_PYTHON", REPO / ".triton-venv/bin/python"))
    if not python.exists():
        pytest.fail(f"{python} is missing; `make test` builds it (make .triton-venv/.installed)")
    libdir = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_config_var('LIBDIR'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    grpc_port, http_port, metrics_port = free_port(), free_port(), free_port()
    log = tmp_path_factory.mktemp("triton") / "triton.log"
    env = {**os.environ, "LD_LIBRARY_PATH": libdir}  # else its Python backend loads the system libpython
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(python),
                str(script),
                "--grpc-port",
                str(grpc_port),
                "--http-port",
                str(http_port),
                "--metrics-port",
                str(metrics_port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    url = f"127.0.0.1:{grpc_port}"
    client = grpcclient.InferenceServerClient(url=url)
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if all(client.is_model_ready(m) for m in models):
                    break
            except Exception:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Triton did not become ready:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def triton_video_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Triton Inference Server (pytriton, CPU) serving the tiny text-to-video model; yields its gRPC address."""
    yield from _triton_server(tmp_path_factory, REPO / "tests/triton_servers/tiny_video_model.py", ["video"])


@pytest.fixture(scope="session")
def triton_lipsync_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Triton Inference Server (pytriton, CPU) serving the tiny audio-driven lip-sync model."""
    yield from _triton_server(tmp_path_factory, REPO / "tests/triton_servers/tiny_lipsync_model.py", ["lipsync"])
