"""Submit refuses a sound timed past an explicit duration before any credit is reserved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import job_store

from cinemesh.gateway.jobs import JobsApi
from cinemesh.runtime.auth import Keyring, Principal
from cinemesh.runtime.bus import OutboundRecord, make_record
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import common_pb2, gateway_pb2


class _Untouchable:
    """A job store / artifact store / publisher that fails the test if Submit reaches it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Submit reached {name} before validating the prompt's times")


def test_a_cue_after_the_explicit_duration_is_invalid_argument_before_credits() -> None:
    untouchable: Any = _Untouchable()
    api = JobsApi(Settings.from_env("gateway", {}), untouchable, untouchable, untouchable, untouchable)
    account = Principal("a1", "pro", 1000, key_id="k1", scopes=frozenset({"jobs:write"}))
    request = gateway_pb2.SubmitJobRequest(
        spec=common_pb2.GenerationSpec(prompt="Church bells toll twice at 6 seconds.", duration_seconds=5)
    )
    with pytest.raises(InvalidArgument, match="a sound is timed at 6 s but the clip lasts 5 s"):
        api.submit(account, request)


def test_a_client_spec_that_continues_another_is_refused_before_credits() -> None:
    untouchable: Any = _Untouchable()
    api = JobsApi(Settings.from_env("gateway", {}), untouchable, untouchable, untouchable, untouchable)
    account = Principal("a1", "pro", 1000, key_id="k1", scopes=frozenset({"jobs:write"}))
    spec = common_pb2.GenerationSpec(prompt="The kite climbs higher.", duration_seconds=2)
    spec.continues.CopyFrom(common_pb2.GenerationSpec(prompt="A red kite over a beach.", duration_seconds=2))
    with pytest.raises(InvalidArgument, match="extend a video with /v1/videos/extensions"):
        api.submit(account, gateway_pb2.SubmitJobRequest(spec=spec))


class _Publisher:
    """Builds records as the real publisher does; the broker is never reached."""

    def __init__(self) -> None:
        self.records: list[str] = []

    def record(self, topic: str, key: str, message: Any, event_id: str | None = None) -> OutboundRecord:
        return make_record(topic, key, message, "/cinemesh/test", event_id)

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        self.records.append(record.key)


def test_a_prompt_without_a_duration_is_charged_for_the_length_it_times_and_says_so(tmp_path: Path) -> None:
    with job_store("sqlite", tmp_path) as store:
        store.upsert_account("a1", "pro", 10_000)
        keyring = Keyring(store, b"p" * 32)
        account = keyring.authenticate("Bearer " + keyring.issue("a1", ["jobs:write"])[1])
        api = JobsApi(Settings.from_env("gateway", {}), store, _Untouchable(), _Publisher(), keyring)  # type: ignore[arg-type]
        request = gateway_pb2.SubmitJobRequest(
            spec=common_pb2.GenerationSpec(prompt="Fireworks explode over the harbor at 6 seconds.")
        )
        response = api.submit(account, request)
    assert list(response.notes) == ["no duration was given; the clip lasts 7 s to fit what the prompt times"]
    assert response.job.credits_reserved == 7 * 40
