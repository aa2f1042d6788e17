"""Submit refuses a sound timed past an explicit duration before any credit is reserved."""

from __future__ import annotations

from typing import Any

import pytest

from cinemesh.gateway.jobs import JobsApi
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.jobstore import Account
from cinemesh.v1 import common_pb2, gateway_pb2


class _Untouchable:
    """A job store / artifact store / publisher that fails the test if Submit reaches it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Submit reached {name} before validating the prompt's times")


def test_a_cue_after_the_explicit_duration_is_invalid_argument_before_credits() -> None:
    api = JobsApi(Settings.from_env("gateway", {}), _Untouchable(), _Untouchable(), _Untouchable())  # type: ignore[arg-type]
    account = Account(account_id="a1", tier="pro", balance_credits=1000)
    request = gateway_pb2.SubmitJobRequest(
        spec=common_pb2.GenerationSpec(prompt="Church bells toll twice at 6 seconds.", duration_seconds=5)
    )
    with pytest.raises(InvalidArgument, match="a sound is timed at 6 s but the clip lasts 5 s"):
        api.submit(account, request)
