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
    # Records one process works on at once (at most one per partition, so each partition stays in order).
    consumer_concurrency: int = 1
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
            kafka_partitions=_integer(env, "CINEMESH_KAFKA_PARTITIONS", 4, 1, 1024),
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
            consumer_concurrency=_integer(env, "CINEMESH_CONSUMER_CONCURRENCY", 1, 1, 64),
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
            x264_preset=_choice(
                env,
                "CINEMESH_X264_PRESET",
                "veryfast",
                ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"),
            ),
        )
