"""Settings.from_env: defaults, and a ConfigError naming the variable for every bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from cinemesh.runtime.config import ConfigError, Settings


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env("video", {"CINEMESH_STATE_DIR": str(tmp_path)})
    assert settings.service == "video"
    assert settings.state_dir == tmp_path.resolve()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'cinemesh.db'}"
    assert settings.artifacts_url == (tmp_path.resolve() / "artifacts").as_uri()
    assert settings.kafka_bootstrap == "127.0.0.1:9092"
    assert settings.kafka_assignment == "manual"
    assert settings.kafka_partitions == 4
    assert settings.kafka_group == "cinemesh-video"
    assert settings.max_attempts == 3
    assert settings.retry_backoff_seconds == 0.5
    assert settings.grpc_host == "127.0.0.1"
    assert settings.grpc_port == 50051
    assert settings.metrics_port == 9464
    assert settings.http_port == 8080
    assert settings.model_runtime == "ray"
    assert settings.ray_serve_url == "http://127.0.0.1:8000"
    assert settings.model_timeout_seconds == 900.0
    assert settings.shutdown_grace_seconds == 10.0
    assert settings.credits_per_second == {"plus": 16, "pro": 40}
    assert settings.x264_preset == "veryfast"


def test_default_state_dir_is_dot_cinemesh_under_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env("prompt", {})
    assert settings.state_dir == tmp_path.resolve() / ".cinemesh"
    # from_env only reads; it creates nothing.
    assert not (tmp_path / ".cinemesh").exists()


def test_explicit_values_are_parsed(tmp_path: Path) -> None:
    env = {
        "CINEMESH_STATE_DIR": str(tmp_path),
        "CINEMESH_KAFKA_ASSIGNMENT": " GROUP ",
        "CINEMESH_KAFKA_PARTITIONS": "12",
        "CINEMESH_KAFKA_GROUP": "mine",
        "CINEMESH_GRPC_PORT": "0",
        "CINEMESH_METRICS_PORT": "65535",
        "CINEMESH_MODEL_RUNTIME": "inprocess",
        "CINEMESH_RAY_SERVE_URL": "http://ray:8000/",
        "CINEMESH_RETRY_BACKOFF_SECONDS": "0",
        "CINEMESH_CREDITS_PER_SECOND": " pro = 50 , plus=20",
        "CINEMESH_DATABASE_URL": "postgresql+psycopg://u@db/cinemesh",
        "CINEMESH_X264_PRESET": "Medium",
    }
    settings = Settings.from_env("gateway", env)
    assert settings.kafka_assignment == "group"
    assert settings.kafka_partitions == 12
    assert settings.kafka_group == "mine"
    assert settings.grpc_port == 0
    assert settings.metrics_port == 65535
    assert settings.model_runtime == "inprocess"
    assert settings.ray_serve_url == "http://ray:8000"
    assert settings.retry_backoff_seconds == 0.0
    assert settings.credits_per_second == {"plus": 20, "pro": 50}
    assert settings.database_url == "postgresql+psycopg://u@db/cinemesh"
    assert settings.x264_preset == "medium"


def test_blank_numbers_fall_back_to_defaults(tmp_path: Path) -> None:
    env = {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_GRPC_PORT": "  ", "CINEMESH_RETRY_BACKOFF_SECONDS": ""}
    settings = Settings.from_env("audio", env)
    assert settings.grpc_port == 50051
    assert settings.retry_backoff_seconds == 0.5


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("CINEMESH_GRPC_PORT", "fifty", "is not an integer"),
        ("CINEMESH_GRPC_PORT", "50051.5", "is not an integer"),
        ("CINEMESH_GRPC_PORT", "65536", "out of range [0, 65535]"),
        ("CINEMESH_METRICS_PORT", "-1", "out of range [0, 65535]"),
        ("CINEMESH_HTTP_PORT", "80x", "is not an integer"),
        ("CINEMESH_KAFKA_PARTITIONS", "0", "out of range [1, 1024]"),
        ("CINEMESH_KAFKA_PARTITIONS", "1025", "out of range [1, 1024]"),
        ("CINEMESH_MAX_ATTEMPTS", "101", "out of range [1, 100]"),
        ("CINEMESH_RETRY_BACKOFF_SECONDS", "soon", "is not a number"),
        ("CINEMESH_RETRY_BACKOFF_SECONDS", "-0.1", "must be >= 0.0"),
        ("CINEMESH_RETRY_BACKOFF_SECONDS", "nan", "is not a finite number"),
        ("CINEMESH_MODEL_TIMEOUT_SECONDS", "0.5", "must be >= 1.0"),
        ("CINEMESH_MODEL_TIMEOUT_SECONDS", "inf", "is not a finite number"),
        ("CINEMESH_SHUTDOWN_GRACE_SECONDS", "-5", "must be >= 0.0"),
        ("CINEMESH_KAFKA_ASSIGNMENT", "roundrobin", "is not one of manual, group"),
        ("CINEMESH_MODEL_RUNTIME", "k8s", "is not one of ray, inprocess"),
        ("CINEMESH_X264_PRESET", "placebo", "is not one of ultrafast"),
        ("CINEMESH_DATABASE_URL", "mysql://db/cinemesh", "expected sqlite:///… or postgresql://…"),
        ("CINEMESH_DATABASE_URL", "   ", "must not be empty"),
        ("CINEMESH_KAFKA_BOOTSTRAP", "", "must not be empty"),
        ("CINEMESH_STATE_DIR", " ", "must not be empty"),
        ("CINEMESH_CAMEO_MAX_UPLOAD_BYTES", str(16 * 1024 * 1024), "out of range [65536, 16711680]"),
        ("CINEMESH_CAMEO_MAX_DECODED_SECONDS", "19", "must be in [20.0, 120.0]"),
        ("CINEMESH_CAMEO_MAX_RESOLUTION", "1080p", "expected WIDTHxHEIGHT in pixels"),
        ("CINEMESH_CAMEO_MAX_RESOLUTION", "32x32", "each side must be 64–8192 pixels"),
        ("CINEMESH_ENROLLMENT_CHALLENGE_BURST", "0", "out of range [1, 1000]"),
        # the default concurrency is 1: no slot could be kept for pro without shutting standard records out
        ("CINEMESH_PRIORITY_RESERVED_PRO_SLOTS", "1", "standard records need at least one slot"),
    ],
)
def test_bad_value_names_the_variable(tmp_path: Path, name: str, value: str, fragment: str) -> None:
    env = {"CINEMESH_STATE_DIR": str(tmp_path), name: value}
    with pytest.raises(ConfigError) as raised:
        Settings.from_env("video", env)
    message = str(raised.value)
    assert message.startswith(f"{name}"), message
    assert fragment in message


@pytest.mark.parametrize(
    "value",
    [
        "plus=16",  # pro missing
        "pro=40",  # plus missing
        "plus=16,pro=forty",
        "plus=16,pro=-40",
        "plus=1.5,pro=40",
        "plus=16,gold=40",
        "plus=16;pro=40",
        "plus:16,pro:40",
        "",
        "plus=16,pro=40,",
        "plus=²,pro=40",  # str.isdigit() accepts "²", int() does not
    ],
)
def test_bad_credit_rates_name_the_variable(tmp_path: Path, value: str) -> None:
    env = {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_CREDITS_PER_SECOND": value}
    with pytest.raises(ConfigError) as raised:
        Settings.from_env("gateway", env)
    message = str(raised.value)
    assert message.startswith("CINEMESH_CREDITS_PER_SECOND="), message
    assert "plus=<int>,pro=<int>" in message or "both plus and pro need a rate" in message


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_cameo_upload_caps_and_challenge_limits(tmp_path: Path) -> None:
    defaults = Settings.from_env("identity", {"CINEMESH_STATE_DIR": str(tmp_path)})
    assert defaults.cameo_max_upload_bytes == 12 * 1024 * 1024
    assert (defaults.cameo_max_decoded_seconds, defaults.cameo_max_resolution) == (25.0, (1920, 1080))
    assert (defaults.enrollment_challenges_per_hour, defaults.enrollment_challenge_burst) == (12.0, 3)
    configured = Settings.from_env(
        "identity",
        {
            "CINEMESH_STATE_DIR": str(tmp_path),
            "CINEMESH_CAMEO_MAX_UPLOAD_BYTES": "1048576",
            "CINEMESH_CAMEO_MAX_DECODED_SECONDS": "30",
            "CINEMESH_CAMEO_MAX_RESOLUTION": "1280X720",
            "CINEMESH_ENROLLMENT_CHALLENGES_PER_HOUR": "0",
            "CINEMESH_ENROLLMENT_CHALLENGE_BURST": "5",
        },
    )
    assert configured.cameo_max_upload_bytes == 1048576 and configured.cameo_max_decoded_seconds == 30.0
    assert configured.cameo_max_resolution == (1280, 720)
    assert (configured.enrollment_challenges_per_hour, configured.enrollment_challenge_burst) == (0.0, 5)
