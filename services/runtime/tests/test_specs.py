"""cinemesh.runtime.specs: field validation, tier limits, frame maths and credit cost."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument
from cinemesh.runtime.specs import (
    MAX_PROMPT_CHARS,
    credit_cost,
    resolve,
    validate_request_id,
)
from cinemesh.v1 import common_pb2

RATES = {"plus": 16, "pro": 40}


def spec(**fields: object) -> common_pb2.GenerationSpec:
    fields.setdefault("prompt", "A red kite over a windy beach")
    return common_pb2.GenerationSpec(**fields)


def test_defaults_are_five_seconds_720p_24fps_landscape() -> None:
    resolved = resolve(spec(), "plus")
    assert (resolved.width, resolved.height, resolved.fps) == (1280, 720, 24)
    assert resolved.resolution == "720p"
    assert resolved.frame_count == 120
    assert resolved.duration_seconds == 5.0
    assert resolved.prompt == "A red kite over a windy beach"


def test_prompt_is_stripped() -> None:
    assert resolve(spec(prompt="  a kite \n"), "plus").prompt == "a kite"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"prompt": ""}, "spec.prompt"),
        ({"prompt": " \t\n "}, "spec.prompt"),
        ({"prompt": "x" * (MAX_PROMPT_CHARS + 1)}, "spec.prompt"),
        ({"duration_seconds": -1.0}, "spec.duration_seconds"),
        ({"duration_seconds": 0.0}, "spec.duration_seconds"),
        ({"duration_seconds": math.nan}, "spec.duration_seconds"),
        ({"duration_seconds": math.inf}, "spec.duration_seconds"),
        ({"resolution": "4k"}, "spec.resolution"),
        ({"resolution": "720"}, "spec.resolution"),
        ({"fps": 60}, "spec.fps"),
        ({"fps": 0}, "spec.fps"),
        ({"fps": 23}, "spec.fps"),
    ],
)
def test_invalid_field_is_named_first(fields: dict, field: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        resolve(spec(**fields), "pro")
    assert raised.value.field == field
    assert raised.value.message.startswith(f"{field}: ")
    assert str(raised.value) == raised.value.message


def test_prompt_too_long_message_has_length_and_limit() -> None:
    with pytest.raises(InvalidArgument) as raised:
        resolve(spec(prompt="y" * 4001), "pro")
    assert "4001" in raised.value.message
    assert "4000" in raised.value.message


def test_prompt_at_the_limit_is_accepted() -> None:
    assert len(resolve(spec(prompt="z" * MAX_PROMPT_CHARS), "pro").prompt) == MAX_PROMPT_CHARS


def test_negative_duration_message_shows_the_value() -> None:
    with pytest.raises(InvalidArgument) as raised:
        resolve(spec(duration_seconds=-2.5), "plus")
    assert "-2.5" in raised.value.message


def test_unknown_resolution_lists_choices() -> None:
    with pytest.raises(InvalidArgument) as raised:
        resolve(spec(resolution="8K"), "pro")
    assert "'8K'" in raised.value.message
    assert "480p, 720p, 1024p, 1080p" in raised.value.message


def test_the_sdk_s_1792x1024_size_renders_exactly_and_needs_pro() -> None:
    resolved = resolve(spec(resolution="1024p", orientation=common_pb2.ORIENTATION_PORTRAIT), "pro")
    assert (resolved.width, resolved.height) == (1024, 1792)
    with pytest.raises(FailedPrecondition, match="720p"):
        resolve(spec(resolution="1024p"), "plus")


def test_resolution_is_case_insensitive() -> None:
    assert resolve(spec(resolution=" 480P "), "plus").resolution == "480p"


def test_plus_tier_duration_limit() -> None:
    with pytest.raises(FailedPrecondition) as raised:
        resolve(spec(duration_seconds=12.0), "plus")
    message = raised.value.message
    assert message.startswith("spec.duration_seconds: ")
    assert "12 s" in message
    assert "plus tier" in message
    assert "10 s" in message
    assert "upgrade to pro" in message


def test_pro_tier_duration_limit_has_no_upsell() -> None:
    with pytest.raises(FailedPrecondition) as raised:
        resolve(spec(duration_seconds=20.5), "pro")
    assert "pro tier's limit of 20 s" in raised.value.message
    assert "upgrade" not in raised.value.message


def test_limits_are_inclusive() -> None:
    assert resolve(spec(duration_seconds=10.0), "plus").frame_count == 240
    assert resolve(spec(duration_seconds=20.0, resolution="1080p"), "pro").frame_count == 480


def test_plus_tier_resolution_limit() -> None:
    with pytest.raises(FailedPrecondition) as raised:
        resolve(spec(resolution="1080p"), "plus")
    message = raised.value.message
    assert message.startswith("spec.resolution: ")
    assert "1080p" in message
    assert "plus" in message
    assert "720p" in message


def test_unknown_tier_is_a_precondition_error() -> None:
    with pytest.raises(FailedPrecondition, match="'gold'"):
        resolve(spec(), "gold")


@pytest.mark.parametrize(
    ("resolution", "landscape"),
    [("480p", (854, 480)), ("720p", (1280, 720)), ("1080p", (1920, 1080))],
)
def test_portrait_swaps_width_and_height(resolution: str, landscape: tuple[int, int]) -> None:
    wide = resolve(spec(resolution=resolution), "pro")
    tall = resolve(spec(resolution=resolution, orientation=common_pb2.ORIENTATION_PORTRAIT), "pro")
    explicit = resolve(spec(resolution=resolution, orientation=common_pb2.ORIENTATION_LANDSCAPE), "pro")
    assert (wide.width, wide.height) == landscape
    assert (explicit.width, explicit.height) == landscape
    assert (tall.width, tall.height) == (landscape[1], landscape[0])


@pytest.mark.parametrize(
    ("duration", "fps", "frames"),
    [
        (2.5, 25, 63),
        (5.0, 24, 120),
        (5.0, 25, 125),
        (5.0, 30, 150),
        (1.0, 30, 30),
        (2.51, 24, 60),
        (0.01, 24, 1),
        (9.99, 30, 300),
    ],
)
def test_frame_count_is_rounded_duration_times_fps(duration: float, fps: int, frames: int) -> None:
    resolved = resolve(spec(duration_seconds=duration, fps=fps), "plus")
    assert resolved.fps == fps
    assert resolved.frame_count == frames
    assert resolved.duration_seconds == frames / fps


@given(
    duration=st.floats(min_value=0.05, max_value=20.0, allow_nan=False),
    fps=st.sampled_from([24, 25, 30]),
)
def test_frame_count_property(duration: float, fps: int) -> None:
    resolved = resolve(spec(duration_seconds=duration, fps=fps), "pro")
    assert resolved.frame_count == max(1, math.floor(duration * fps + 0.5))  # half up
    assert abs(resolved.duration_seconds - duration) <= 0.5 / fps + 1e-9


@pytest.mark.parametrize(
    ("seconds", "tier", "credits"),
    [
        (5.0, "plus", 80),
        (10.0, "plus", 160),
        (1.01, "plus", 17),  # 16.16 → 17
        (0.5, "plus", 8),
        (5.0, "pro", 200),
        (20.0, "pro", 800),
        (0.51, "pro", 21),  # 20.4 → 21
        (1 / 24, "pro", 2),  # 1.67 → 2
    ],
)
def test_credit_cost_rounds_up(seconds: float, tier: str, credits: int) -> None:
    assert credit_cost(seconds, tier, RATES) == credits


def test_credit_cost_ignores_float_noise() -> None:
    # 0.1 * 3 * 40 is 12.000000000000002 in binary floating point; that is not 13 credits.
    assert credit_cost(0.1 * 3, "pro", RATES) == 12
    # 125 frames at 25 fps charged per second of the resolved duration.
    assert credit_cost(125 / 25, "plus", RATES) == 80


@pytest.mark.parametrize(
    "request_id",
    ["", "a", "0f8fad5b-d9cb-469f-a165-70867728950e", "job:1.2_3-4", "x" * 128],
)
def test_request_id_accepted(request_id: str) -> None:
    validate_request_id(request_id)


@pytest.mark.parametrize("request_id", ["x" * 129, "has space", "slash/es", "ümlaut", "semi;colon", "new\nline"])
def test_request_id_rejected(request_id: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate_request_id(request_id)
    assert raised.value.field == "request_id"
    assert raised.value.message.startswith("request_id: ")


def test_without_a_duration_the_length_follows_the_latest_timed_sound() -> None:
    resolved = resolve(spec(prompt="Fireworks explode over the harbor at 6 seconds."), "pro")
    assert resolved.duration_seconds == 7.0
    assert resolved.notes == ("no duration was given; the clip lasts 7 s to fit what the prompt times",)


def test_a_duration_stated_in_the_prompt_is_used_and_clamped_to_the_tier() -> None:
    assert resolve(spec(prompt="Make 12 second video of the airport."), "pro").duration_seconds == 12.0
    clamped = resolve(spec(prompt="30s spot for a national park, ravens call at 25 seconds."), "pro")
    assert clamped.duration_seconds == 20.0
    assert clamped.notes[0].startswith("the prompt asks for 30 s but the pro tier allows 20 s per clip")


def test_a_sound_past_an_explicit_duration_is_invalid_argument() -> None:
    with pytest.raises(InvalidArgument, match=r"spec\.prompt: a sound is timed at 6 s but the clip lasts 5 s"):
        resolve(spec(prompt="Church bells toll at 6 seconds.", duration_seconds=5), "pro")
    assert resolve(spec(prompt="Church bells toll at 5 seconds.", duration_seconds=5), "pro").duration_seconds == 5.0
