"""Configuration from `CINEMESH_*` environment variables, validated at start-up.

Every service reads the same `Settings`; a missing or malformed value stops the
process with a message that names the variable and what it accepts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, default).strip()
    if not value:
        raise ConfigError(f"{name} must not be empty")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={value} is out of range [{minimum}, {maximum}]")
    return value


def _number(env: Mapping[str, str], name: str, default: float, minimum: float, maximum: float = math.inf) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ConfigError(f"{name}={raw!r} is not a finite number")
    if not minimum <= value <= maximum:
        bound = f">= {minimum}" if maximum == math.inf else f"in [{minimum}, {maximum}]"
        raise ConfigError(f"{name}={value} must be {bound}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


#: A cameo upload travels in one gRPC message (16 MiB at most): leave room for the rest of the request.
_MAX_CAMEO_UPLOAD_BYTES = 16 * 1024 * 1024 - 64 * 1024


def _resolution(env: Mapping[str, str], name: str, default: tuple[int, int]) -> tuple[int, int]:
    """`"1920x1080"` → (1920, 1080); each side 64–8192 pixels."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    width, separator, height = raw.partition("x")
    if not separator or not width.isdecimal() or not height.isdecimal():
        raise ConfigError(f"{name}={raw!r}: expected WIDTHxHEIGHT in pixels, e.g. 1920x1080")
    size = (int(width), int(height))
    if not all(64 <= side <= 8192 for side in size):
        raise ConfigError(f"{name}={raw!r}: each side must be 64–8192 pixels")
    return size


def _credit_rates(env: Mapping[str, str]) -> dict[str, int]:
    """`CINEMESH_CREDITS_PER_SECOND="plus=16,pro=40"` → {"plus": 16, "pro": 40}."""
    name = "CINEMESH_CREDITS_PER_SECOND"
    raw = env.get(name, "plus=16,pro=40")
    rates: dict[str, int] = {}
    for item in raw.split(","):
        tier, _, rate = item.partition("=")
        tier = tier.strip().lower()
        if tier not in ("plus", "pro") or not rate.strip().isdecimal():
            raise ConfigError(f"{name}={raw!r}: expected 'plus=<int>,pro=<int>'")
        rates[tier] = int(rate)
    if set(rates) != {"plus", "pro"}:
        raise ConfigError(f"{name}={raw!r}: both plus and pro need a rate")
    return rates


def _consumer_slots(env: Mapping[str, str]) -> dict[str, int]:
    """Records a stage works on at once, and how many of those slots only pro records take."""
    concurrency = _integer(env, "CINEMESH_CONSUMER_CONCURRENCY", 1, 1, 64)
    reserved = _integer(env, "CINEMESH_PRIORITY_RESERVED_PRO_SLOTS", 0, 0, 63)
    if reserved >= concurrency:
        raise ConfigError(
            f"CINEMESH_PRIORITY_RESERVED_PRO_SLOTS={reserved} must be less than CINEMESH_CONSUMER_CONCURRENCY="
            f"{concurrency}: standard records need at least one slot"
        )
    return {"consumer_concurrency": concurrency, "priority_reserved_pro_slots": reserved}


def _planner(env: Mapping[str, str]) -> dict[str, object]:
    """The planner backend's settings; the openai-compatible one needs its endpoint and model, fail fast."""
    backend = _choice(env, "CINEMESH_PLANNER_BACKEND", "rules", ("rules", "openai-compatible"))
    settings: dict[str, object] = {
        "planner_backend": backend,
        "planner_base_url": env.get("CINEMESH_PLANNER_BASE_URL", "").strip().rstrip("/"),
        "planner_model": env.get("CINEMESH_PLANNER_MODEL", "").strip(),
        "planner_api_key": env.get("CINEMESH_PLANNER_API_KEY", "").strip(),
        "planner_timeout_seconds": _number(env, "CINEMESH_PLANNER_TIMEOUT_SECONDS", 20.0, 0.1, 600.0),
    }
    if backend == "openai-compatible":
        for name in ("CINEMESH_PLANNER_BASE_URL", "CINEMESH_PLANNER_MODEL"):
            if not env.get(name, "").strip():
                raise ConfigError(f"{name} must be set when CINEMESH_PLANNER_BACKEND=openai-compatible")
    return settings


def _billing(env: Mapping[str, str]) -> dict[str, object]:
    """The USD price table's override and the webhook delivery loop's timing and reach."""
    in_cluster = env.get("CINEMESH_DEPLOYMENT", "embedded").strip().lower() == "cluster"
    allow_private = _choice(
        env, "CINEMESH_WEBHOOK_ALLOW_PRIVATE_URLS", "false" if in_cluster else "true", ("true", "false")
    )
    return {
        "webhook_allow_private_urls": allow_private == "true",
        "price_table": env.get("CINEMESH_PRICE_TABLE", "").strip(),
        "webhook_interval_seconds": _number(env, "CINEMESH_WEBHOOK_INTERVAL_SECONDS", 1.0, 0.05, 600.0),
        "webhook_timeout_seconds": _number(env, "CINEMESH_WEBHOOK_TIMEOUT_SECONDS", 10.0, 0.1, 120.0),
        "webhook_backoff_seconds": _number(env, "CINEMESH_WEBHOOK_BACKOFF_SECONDS", 5.0, 0.01, 3600.0),
        "webhook_max_delay_seconds": _number(env, "CINEMESH_WEBHOOK_MAX_DELAY_SECONDS", 3600.0, 0.01, 86400.0),
        "webhook_retry_horizon_seconds": _number(
            env, "CINEMESH_WEBHOOK_RETRY_HORIZON_SECONDS", 86400.0, 0.1, 7 * 86400.0
        ),
    }


#: Shortest service token accepted: 32 characters (`openssl rand -base64 32` gives 44).
MIN_SERVICE_TOKEN_CHARS = 32


def kafka_partitions(env: Mapping[str, str]) -> int:
    """Partitions of each topic this process creates (CINEMESH_KAFKA_PARTITIONS; existing topics keep theirs)."""
    return _integer(env, "CINEMESH_KAFKA_PARTITIONS", 4, 1, 1024)


def _service_token(env: Mapping[str, str]) -> str:
    token = env.get("CINEMESH_SERVICE_TOKEN", "").strip()
    if token and len(token) < MIN_SERVICE_TOKEN_CHARS:
        raise ConfigError(
            f"CINEMESH_SERVICE_TOKEN: at least {MIN_SERVICE_TOKEN_CHARS} characters are needed, got {len(token)}; "
            "make one with `openssl rand -base64 32`"
        )
    return token


def _readable_file(env: Mapping[str, str], name: str) -> str:
    """The path in `name`, "" when unset; a path that is not a readable file stops the process."""
    value = env.get(name, "").strip()
    if value and not os.access(value, os.R_OK):
        raise ConfigError(f"{name}={value!r} is not a readable file")
    if value and not Path(value).is_file():
        raise ConfigError(f"{name}={value!r} is not a file")
    return value


@dataclass(frozen=True)
class TlsFiles:
    """PEM files of a TLS endpoint: its certificate and key, and the CA its peers' certificates come from."""

    cert_file: str = ""
    key_file: str = ""
    ca_file: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str], prefix: str = "CINEMESH_TLS") -> TlsFiles:
        files = cls(
            cert_file=_readable_file(env, f"{prefix}_CERT_FILE"),
            key_file=_readable_file(env, f"{prefix}_KEY_FILE"),
            ca_file=_readable_file(env, f"{prefix}_CA_FILE"),
        )
        if bool(files.cert_file) != bool(files.key_file):
            raise ConfigError(f"{prefix}_CERT_FILE and {prefix}_KEY_FILE must be set together")
        return files

    @property
    def serves_tls(self) -> bool:
        """A server with these files listens with TLS."""
        return bool(self.cert_file)

    @property
    def mutual(self) -> bool:
        """Certificate, key and CA: servers of internal RPCs verify client certificates, clients present theirs."""
        return bool(self.cert_file and self.ca_file)


KAFKA_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_SSL")
KAFKA_SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


@dataclass(frozen=True)
class KafkaSecurity:
    """How every Kafka client (producer, consumer, admin) connects: protocol, SASL credentials, TLS files.

    SASL_PLAINTEXT is not offered: it would send the password (PLAIN) or the whole session in clear.
    """

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = ""
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    ssl_check_hostname: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> KafkaSecurity:
        protocol = env.get("CINEMESH_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").strip().upper() or "PLAINTEXT"
        if protocol not in KAFKA_PROTOCOLS:
            raise ConfigError(
                f"CINEMESH_KAFKA_SECURITY_PROTOCOL={protocol!r} is not one of {', '.join(KAFKA_PROTOCOLS)}"
            )
        mechanism = env.get("CINEMESH_KAFKA_SASL_MECHANISM", "").strip().upper()
        username = env.get("CINEMESH_KAFKA_SASL_USERNAME", "").strip()
        password = env.get("CINEMESH_KAFKA_SASL_PASSWORD", "")
        if protocol == "SASL_SSL":
            if mechanism not in KAFKA_SASL_MECHANISMS:
                raise ConfigError(
                    f"CINEMESH_KAFKA_SASL_MECHANISM={mechanism!r}: SASL_SSL needs one of "
                    f"{', '.join(KAFKA_SASL_MECHANISMS)}"
                )
            for name, value in (("CINEMESH_KAFKA_SASL_USERNAME", username), ("CINEMESH_KAFKA_SASL_PASSWORD", password)):
                if not value:
                    raise ConfigError(f"{name} must be set when CINEMESH_KAFKA_SECURITY_PROTOCOL=SASL_SSL")
        elif mechanism or username or password:
            raise ConfigError(
                f"CINEMESH_KAFKA_SASL_* are set but CINEMESH_KAFKA_SECURITY_PROTOCOL is {protocol}; SASL needs SASL_SSL"
            )
        certfile = _readable_file(env, "CINEMESH_KAFKA_SSL_CERTFILE")
        keyfile = _readable_file(env, "CINEMESH_KAFKA_SSL_KEYFILE")
        cafile = _readable_file(env, "CINEMESH_KAFKA_SSL_CAFILE")
        if bool(certfile) != bool(keyfile):
            raise ConfigError("CINEMESH_KAFKA_SSL_CERTFILE and CINEMESH_KAFKA_SSL_KEYFILE must be set together")
        if protocol == "PLAINTEXT" and (certfile or cafile):
            raise ConfigError("CINEMESH_KAFKA_SSL_* are set but CINEMESH_KAFKA_SECURITY_PROTOCOL is PLAINTEXT")
        check = _choice(env, "CINEMESH_KAFKA_SSL_CHECK_HOSTNAME", "true", ("true", "false"))
        return cls(protocol, mechanism, username, password, cafile, certfile, keyfile, check == "true")

    def __repr__(self) -> str:  # the password never reaches a log line
        return f"KafkaSecurity(protocol={self.protocol!r}, sasl_mechanism={self.sasl_mechanism!r})"

    def client_kwargs(self) -> dict[str, object]:
        """Keyword arguments for KafkaProducer, KafkaConsumer and KafkaAdminClient (kafka-python)."""
        kwargs: dict[str, object] = {"security_protocol": self.protocol}
        if self.protocol in ("SSL", "SASL_SSL"):
            kwargs["ssl_check_hostname"] = self.ssl_check_hostname
            if self.ssl_cafile:
                kwargs["ssl_cafile"] = self.ssl_cafile
            if self.ssl_certfile:
                kwargs["ssl_certfile"] = self.ssl_certfile
                kwargs["ssl_keyfile"] = self.ssl_keyfile
        if self.protocol == "SASL_SSL":
            kwargs["sasl_mechanism"] = self.sasl_mechanism
            kwargs["sasl_plain_username"] = self.sasl_username
            kwargs["sasl_plain_password"] = self.sasl_password
        return kwargs


@dataclass(frozen=True)
class Settings:
    """Everything a cinemesh process is configured with."""

    # Name of this service (gateway, prompt, identity, video, audio, lipsync).
    service: str
    # Folder for embedded-mode state: SQLite file, artifacts, logs.
    state_dir: Path
    # Kafka bootstrap servers, "host:port[,host:port]".
    kafka_bootstrap: str
    # "manual": one process owns all partitions of its topics (embedded broker);
    # "group": consumer-group subscription (real Kafka, several replicas).
    kafka_assignment: str
    # Partitions of every topic created up front.
    kafka_partitions: int
    # Consumer group of this service (default "cinemesh-<service>").
    kafka_group: str
    # Attempts at a record whose error has an unknown cause before it goes to <topic>.dlq.
    max_attempts: int
    # Seconds before the first retry; doubles per attempt (full jitter) up to retry_max_delay_seconds.
    retry_backoff_seconds: float
    # SQLAlchemy URL of the job store.
    database_url: str
    # fsspec URL of the artifact store root.
    artifacts_url: str
    # gRPC listen address.
    grpc_host: str
    grpc_port: int
    # Prometheus /metrics port.
    metrics_port: int
    # Gateway HTTP/JSON port (gateway only).
    http_port: int
    # How model work runs: "ray" calls the Ray Serve deployment over HTTP,
    # "inprocess" runs it inside the stage process (tests, debugging).
    model_runtime: str
    # Base URL of the Ray Serve HTTP proxy.
    ray_serve_url: str
    # Seconds a stage waits for one model call.
    model_timeout_seconds: float
    # Seconds SIGTERM waits for in-flight work before the process exits.
    shutdown_grace_seconds: float
    # Credits per second of video by tier.
    credits_per_second: dict[str, int] = field(default_factory=dict)
    # Longest wait between two retries of one record.
    retry_max_delay_seconds: float = 30.0
    # How long transient causes (a dependency down, a database blip, an unwritable artifact store) are
    # retried, from the first failure, before the record is dead-lettered.
    retry_horizon_seconds: float = 300.0
    # Records one process works on at once (at most one per job id in a partition, so each job stays in order).
    consumer_concurrency: int = 1
    # Priority lanes' starvation guard: a standard record starts after this many pro records started in a row
    # while it waited, or once it has waited this many seconds since publication (0 turns either off).
    priority_max_consecutive_pro: int = 8
    priority_max_standard_wait_seconds: float = 600.0
    # Slots of consumer_concurrency that only pro records take (the guard excepted); fewer than the concurrency.
    priority_reserved_pro_slots: int = 0
    # Seconds a stage's claim on a job stays valid without a heartbeat; heartbeats come every third of it.
    lease_seconds: float = 30.0
    # Reconciler: how often it looks, after how many seconds without progress it re-drives a job, and how
    # many re-drives a job gets before it fails with a refund.
    reconcile_interval_seconds: float = 5.0
    stall_seconds: float = 180.0
    max_redrives: int = 3
    # H.264 preset of the renders (ultrafast … veryslow).
    x264_preset: str = "veryfast"
    # Integrated loudness of the audio master (ITU-R BS.1770), LUFS.
    loudness_target_lufs: float = -16.0
    # Speech synthesis: "piper" (embedded neural TTS) or "triton" (a TTS model on Triton).
    tts_backend: str = "piper"
    # Sound effects: "procedural" (embedded synthesis) or "triton" (a foley model on Triton).
    foley_backend: str = "procedural"
    # Triton Inference Server gRPC address, and the model names of the Triton backends.
    triton_url: str = "127.0.0.1:8001"
    tts_triton_model: str = "tts"
    foley_triton_model: str = "foley"
    # Frames: "embedded" (the torch renderer), "diffusers" (a text-to-video model from a local
    # directory) or "triton" (a video model on Triton).
    video_backend: str = "embedded"
    # Local directory of the diffusers pipeline (model_index.json); never downloaded at run time.
    video_model_dir: str = ""
    # Denoising steps of the diffusers backend.
    video_steps: int = 30
    # Model name of the Triton video backend.
    video_triton_model: str = "video"
    # Short side in pixels the diffusers backend generates at before resizing to the plan's size.
    video_short_side: int = 480
    # Mouth re-rendering: "embedded" (drawn from the visemes) or "triton" (an audio-driven lip-sync model).
    lipsync_backend: str = "embedded"
    # Model name of the Triton lip-sync backend.
    lipsync_triton_model: str = "lipsync"
    # Visible moving watermark on every delivered video ("" turns it off).
    watermark_text: str = "AI-generated · cinemesh"
    # Dialogue A/V offset (ms) beyond which the lipsync stage shifts the audio and measures again.
    sync_target_ms: float = 30.0
    # C2PA signing identity: PEM certificate chain (leaf first) and ES256 private key, mounted from a
    # Secret. Unset: a test identity is generated under the state directory (embedded mode only).
    c2pa_cert_chain: str = ""
    c2pa_private_key: str = ""
    # Key that encrypts cameo vectors at rest: 32 bytes, base64, mounted from a Secret. Unset: a key is
    # generated under the state directory (embedded mode only; a cluster refuses to start without it).
    cameo_key: str = ""
    # "embedded" (one machine, `cinemesh up`: keys may be generated under the state directory) or "cluster"
    # (the Helm chart: every key comes from a Secret, and a missing one stops the pod).
    deployment: str = "embedded"
    # Server pepper of API-key digests (HMAC-SHA256): at least 32 bytes, base64, mounted from a Secret. Unset: a
    # pepper is generated under the state directory (embedded mode only).
    key_pepper: str = ""
    # Requests per second each API key may make of the gateway, and how many it may save up for a burst
    # (0 turns the limit off). Over it: RESOURCE_EXHAUSTED with a retry-after hint.
    rate_limit_rps: float = 20.0
    rate_limit_burst: int = 40
    # Jobs an account may have queued or running at once (0: no cap). Over it, Submit is RESOURCE_EXHAUSTED.
    max_active_jobs: int = 20
    # Seconds an enrollment challenge stays valid.
    enrollment_challenge_seconds: float = 300.0
    # Drafts: a finished video that was neither saved nor downloaded in full is purged this many seconds after it
    # completed; the gateway looks for expired drafts every draft_purge_interval_seconds.
    draft_ttl_seconds: float = 86400.0
    draft_purge_interval_seconds: float = 60.0
    # gRPC address of the identity service, which the gateway's Videos API enrolls characters through ("": none).
    identity_address: str = ""
    # gRPC address of the prompt service, which the gateway asks for plans to tell whether a remix may keep its
    # source's audio ("": every remix renders its audio again).
    prompt_address: str = ""
    # Gateway HTTP front: seconds a client has to send a request's head, again its body, and to read from a
    # full send buffer; a client that dribbles (slowloris) or stops reading is cut off then.
    http_timeout_seconds: float = 10.0
    # Prompt planning: "rules" (the embedded parser) or "openai-compatible" (a chat-completions endpoint
    # such as vLLM or SGLang answering with structured output; the rules validate it and fill its gaps).
    planner_backend: str = "rules"
    # Base URL of the chat-completions endpoint (…/v1), the model it serves, and its API key ("" if none).
    planner_base_url: str = ""
    planner_model: str = ""
    planner_api_key: str = ""
    # Seconds one planning call may take before the rules plan alone.
    planner_timeout_seconds: float = 20.0
    # Cameo reference uploads: the largest file (bytes; under the 16 MiB gRPC message cap), the most seconds
    # decoded (decoding stops there, whatever the header says) and the largest picture, WxH in either orientation.
    cameo_max_upload_bytes: int = 12 * 1024 * 1024
    cameo_max_decoded_seconds: float = 25.0
    cameo_max_resolution: tuple[int, int] = (1920, 1080)
    # Enrollment challenges each account may start per hour, and how many at once (a token bucket per account).
    enrollment_challenges_per_hour: float = 12.0
    enrollment_challenge_burst: int = 3
    # USD price table of "usd" accounts: a YAML file's path or the YAML itself ("" : the built-in table,
    # services/gateway/data/prices.yaml).
    price_table: str = ""
    # Webhook deliveries: how often the delivery loop looks for due ones, how long one POST may take, the first
    # retry delay (doubling per attempt up to the max delay), and how long a failing delivery is retried.
    webhook_interval_seconds: float = 1.0
    webhook_timeout_seconds: float = 10.0
    webhook_backoff_seconds: float = 5.0
    webhook_max_delay_seconds: float = 3600.0
    webhook_retry_horizon_seconds: float = 86400.0
    # Whether webhooks may be sent to loopback, private, link-local or reserved addresses (the cluster's own
    # services among them): yes on one machine (embedded), no in a cluster unless set.
    webhook_allow_private_urls: bool = True
    # gRPC (and the gateway's HTTP front) over TLS: this service's certificate and key, and the CA that signed
    # its peers' certificates (PEM files, from a Secret). With all three, services speak mTLS: a server of internal
    # RPCs only admits clients with a certificate from that CA, and clients present theirs. Unset: plain text.
    tls: TlsFiles = field(default_factory=lambda: TlsFiles())
    # Shared secret that internal RPCs accept instead of an mTLS identity (metadata `x-cinemesh-service-token`,
    # compared in constant time); "" accepts only mTLS identities.
    service_token: str = field(default="", repr=False)
    # Plain-text gRPC port serving only grpc.health.v1, for kubelet probes (they cannot speak TLS); 0: none.
    health_port: int = 0
    # Kafka security: protocol (PLAINTEXT, SSL, SASL_SSL), SASL mechanism and credentials, CA and client certificate.
    kafka_security: KafkaSecurity = field(default_factory=lambda: KafkaSecurity())

    @classmethod
    def from_env(cls, service: str, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        state_dir = Path(_text(env, "CINEMESH_STATE_DIR", ".cinemesh")).resolve()
        database_url = _text(env, "CINEMESH_DATABASE_URL", f"sqlite:///{state_dir / 'cinemesh.db'}")
        if not database_url.startswith(("sqlite", "postgresql")):
            raise ConfigError(f"CINEMESH_DATABASE_URL={database_url!r}: expected sqlite:///… or postgresql://…")
        return cls(
            service=service,
            state_dir=state_dir,
            kafka_bootstrap=_text(env, "CINEMESH_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            kafka_assignment=_choice(env, "CINEMESH_KAFKA_ASSIGNMENT", "manual", ("manual", "group")),
            kafka_partitions=kafka_partitions(env),
            kafka_group=_text(env, "CINEMESH_KAFKA_GROUP", f"cinemesh-{service}"),
            max_attempts=_integer(env, "CINEMESH_MAX_ATTEMPTS", 3, 1, 100),
            retry_backoff_seconds=_number(env, "CINEMESH_RETRY_BACKOFF_SECONDS", 0.5, 0.0),
            database_url=database_url,
            artifacts_url=_text(env, "CINEMESH_ARTIFACTS_URL", (state_dir / "artifacts").as_uri()),
            grpc_host=_text(env, "CINEMESH_GRPC_HOST", "127.0.0.1"),
            grpc_port=_integer(env, "CINEMESH_GRPC_PORT", 50051, 0, 65535),
            metrics_port=_integer(env, "CINEMESH_METRICS_PORT", 9464, 0, 65535),
            http_port=_integer(env, "CINEMESH_HTTP_PORT", 8080, 0, 65535),
            http_timeout_seconds=_number(env, "CINEMESH_HTTP_TIMEOUT_SECONDS", 10.0, 0.5, 600.0),
            model_runtime=_choice(env, "CINEMESH_MODEL_RUNTIME", "ray", ("ray", "inprocess")),
            ray_serve_url=_text(env, "CINEMESH_RAY_SERVE_URL", "http://127.0.0.1:8000").rstrip("/"),
            model_timeout_seconds=_number(env, "CINEMESH_MODEL_TIMEOUT_SECONDS", 900.0, 1.0),
            shutdown_grace_seconds=_number(env, "CINEMESH_SHUTDOWN_GRACE_SECONDS", 10.0, 0.0),
            credits_per_second=_credit_rates(env),
            retry_max_delay_seconds=_number(env, "CINEMESH_RETRY_MAX_DELAY_SECONDS", 30.0, 0.0),
            retry_horizon_seconds=_number(env, "CINEMESH_RETRY_HORIZON_SECONDS", 300.0, 0.0),
            **_consumer_slots(env),
            priority_max_consecutive_pro=_integer(env, "CINEMESH_PRIORITY_MAX_CONSECUTIVE_PRO", 8, 0, 1_000_000),
            priority_max_standard_wait_seconds=_number(
                env, "CINEMESH_PRIORITY_MAX_STANDARD_WAIT_SECONDS", 600.0, 0.0, 86_400.0
            ),
            lease_seconds=_number(env, "CINEMESH_LEASE_SECONDS", 30.0, 1.0, 3600.0),
            reconcile_interval_seconds=_number(env, "CINEMESH_RECONCILE_INTERVAL_SECONDS", 5.0, 0.1, 3600.0),
            stall_seconds=_number(env, "CINEMESH_STALL_SECONDS", 180.0, 1.0),
            max_redrives=_integer(env, "CINEMESH_MAX_REDRIVES", 3, 0, 100),
            loudness_target_lufs=_number(env, "CINEMESH_LOUDNESS_TARGET_LUFS", -16.0, -40.0, -5.0),
            tts_backend=_choice(env, "CINEMESH_TTS_BACKEND", "piper", ("piper", "triton")),
            foley_backend=_choice(env, "CINEMESH_FOLEY_BACKEND", "procedural", ("procedural", "triton")),
            triton_url=_text(env, "CINEMESH_TRITON_URL", "127.0.0.1:8001"),
            tts_triton_model=_text(env, "CINEMESH_TTS_TRITON_MODEL", "tts"),
            foley_triton_model=_text(env, "CINEMESH_FOLEY_TRITON_MODEL", "foley"),
            video_backend=_choice(env, "CINEMESH_VIDEO_BACKEND", "embedded", ("embedded", "diffusers", "triton")),
            video_model_dir=env.get("CINEMESH_VIDEO_MODEL_DIR", "").strip(),
            video_steps=_integer(env, "CINEMESH_VIDEO_STEPS", 30, 1, 500),
            video_triton_model=_text(env, "CINEMESH_VIDEO_TRITON_MODEL", "video"),
            video_short_side=_integer(env, "CINEMESH_VIDEO_SHORT_SIDE", 480, 32, 2160),
            lipsync_backend=_choice(env, "CINEMESH_LIPSYNC_BACKEND", "embedded", ("embedded", "triton")),
            lipsync_triton_model=_text(env, "CINEMESH_LIPSYNC_TRITON_MODEL", "lipsync"),
            watermark_text=env.get("CINEMESH_WATERMARK_TEXT", "AI-generated · cinemesh").strip(),
            sync_target_ms=_number(env, "CINEMESH_SYNC_TARGET_MS", 30.0, 1.0, 1000.0),
            c2pa_cert_chain=env.get("CINEMESH_C2PA_CERT_CHAIN", "").strip(),
            c2pa_private_key=env.get("CINEMESH_C2PA_PRIVATE_KEY", "").strip(),
            cameo_key=env.get("CINEMESH_CAMEO_KEY", "").strip(),
            deployment=_choice(env, "CINEMESH_DEPLOYMENT", "embedded", ("embedded", "cluster")),
            key_pepper=env.get("CINEMESH_KEY_PEPPER", "").strip(),
            rate_limit_rps=_number(env, "CINEMESH_RATE_LIMIT_RPS", 20.0, 0.0, 100_000.0),
            rate_limit_burst=_integer(env, "CINEMESH_RATE_LIMIT_BURST", 40, 1, 1_000_000),
            max_active_jobs=_integer(env, "CINEMESH_MAX_ACTIVE_JOBS", 20, 0, 1_000_000),
            draft_ttl_seconds=_number(env, "CINEMESH_DRAFT_TTL_SECONDS", 86400.0, 1.0),
            identity_address=env.get("CINEMESH_IDENTITY_ADDRESS", "").strip(),
            prompt_address=env.get("CINEMESH_PROMPT_ADDRESS", "").strip(),
            draft_purge_interval_seconds=_number(env, "CINEMESH_DRAFT_PURGE_INTERVAL_SECONDS", 60.0, 0.1, 3600.0),
            enrollment_challenge_seconds=_number(env, "CINEMESH_ENROLLMENT_CHALLENGE_SECONDS", 300.0, 30.0, 3600.0),
            **_planner(env),
            cameo_max_upload_bytes=_integer(
                env, "CINEMESH_CAMEO_MAX_UPLOAD_BYTES", 12 * 1024 * 1024, 64 * 1024, _MAX_CAMEO_UPLOAD_BYTES
            ),
            # At least the 20 s an enrollment recording may last.
            cameo_max_decoded_seconds=_number(env, "CINEMESH_CAMEO_MAX_DECODED_SECONDS", 25.0, 20.0, 120.0),
            cameo_max_resolution=_resolution(env, "CINEMESH_CAMEO_MAX_RESOLUTION", (1920, 1080)),
            enrollment_challenges_per_hour=_number(env, "CINEMESH_ENROLLMENT_CHALLENGES_PER_HOUR", 12.0, 0.0, 3600.0),
            enrollment_challenge_burst=_integer(env, "CINEMESH_ENROLLMENT_CHALLENGE_BURST", 3, 1, 1000),
            **_billing(env),
            tls=TlsFiles.from_env(env),
            service_token=_service_token(env),
            health_port=_integer(env, "CINEMESH_HEALTH_PORT", 0, 0, 65535),
            kafka_security=KafkaSecurity.from_env(env),
            x264_preset=_choice(
                env,
                "CINEMESH_X264_PRESET",
                "veryfast",
                ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"),
            ),
        )
