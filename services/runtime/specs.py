"""Validation of a GenerationSpec against the product limits and the account's tier.

Used at the gateway's edge (so a person learns at once) and by the prompt
stage (so a record that bypassed the gateway cannot plan past the limits).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument
from cinemesh.v1 import common_pb2

MAX_PROMPT_CHARS = 4000
DEFAULT_DURATION_SECONDS = 5.0
#: Resolution name → (width, height) in landscape.
RESOLUTIONS = {"480p": (854, 480), "720p": (1280, 720), "1080p": (1920, 1080)}
FRAME_RATES = (24, 25, 30)
#: Tier → (longest single clip in seconds, largest resolution name).
TIER_LIMITS = {"plus": (10.0, "720p"), "pro": (20.0, "1080p")}
TIER_NAMES = {common_pb2.TIER_PLUS: "plus", common_pb2.TIER_PRO: "pro"}
TIER_ENUMS = {name: value for value, name in TIER_NAMES.items()}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True)
class ResolvedSpec:
    """A valid spec with every default filled in."""

    prompt: str
    width: int
    height: int
    fps: int
    frame_count: int
    resolution: str

    @property
    def duration_seconds(self) -> float:
        return self.frame_count / self.fps


def validate_request_id(request_id: str) -> None:
    if request_id and not _REQUEST_ID.match(request_id):
        raise InvalidArgument("request_id", "use 1–128 characters of letters, digits and . _ : - (e.g. a UUID)")


def resolve(spec: common_pb2.GenerationSpec, tier: str) -> ResolvedSpec:
    """Checks every field, names the first one that is wrong, and applies the tier's limits."""
    prompt = spec.prompt.strip()
    if not prompt:
        raise InvalidArgument("spec.prompt", "must not be empty; describe the video to generate")
    if len(spec.prompt) > MAX_PROMPT_CHARS:
        raise InvalidArgument("spec.prompt", f"is {len(spec.prompt)} characters; the limit is {MAX_PROMPT_CHARS}")
    duration = spec.duration_seconds if spec.HasField("duration_seconds") else DEFAULT_DURATION_SECONDS
    if not math.isfinite(duration) or duration <= 0:
        raise InvalidArgument("spec.duration_seconds", f"must be a positive number of seconds (got {duration:g})")
    resolution = (spec.resolution or "720p").strip().lower()
    if resolution not in RESOLUTIONS:
        raise InvalidArgument(
            "spec.resolution", f"unknown value {spec.resolution!r}; expected one of {', '.join(RESOLUTIONS)}"
        )
    fps = spec.fps if spec.HasField("fps") else 24
    if fps not in FRAME_RATES:
        raise InvalidArgument("spec.fps", f"{fps} is not supported; expected one of 24, 25, 30")
    if tier not in TIER_LIMITS:
        raise FailedPrecondition(f"the account's tier {tier!r} is not one of plus, pro")
    max_seconds, max_resolution = TIER_LIMITS[tier]
    if duration > max_seconds:
        raise FailedPrecondition(
            f"spec.duration_seconds: {duration:g} s exceeds the {tier} tier's limit of "
            f"{max_seconds:g} s per clip" + ("; upgrade to pro for up to 20 s" if tier == "plus" else "")
        )
    if RESOLUTIONS[resolution][1] > RESOLUTIONS[max_resolution][1]:
        raise FailedPrecondition(f"spec.resolution: {resolution} exceeds the {tier} tier's limit of {max_resolution}")
    width, height = RESOLUTIONS[resolution]
    if spec.orientation == common_pb2.ORIENTATION_PORTRAIT:
        width, height = height, width
    frame_count = max(1, math.floor(duration * fps + 0.5))  # half up, not banker's rounding
    return ResolvedSpec(prompt, width, height, fps, frame_count, resolution)


def credit_cost(duration_seconds: float, tier: str, rates: dict[str, int]) -> int:
    """Credits a clip costs: the tier's per-second rate, rounded up to whole credits."""
    return math.ceil(round(duration_seconds * rates[tier], 6))
