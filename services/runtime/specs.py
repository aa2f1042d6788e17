"""Validation of a GenerationSpec against the product limits and the account's tier.

Used at the gateway's edge (so a person learns at once) and by the prompt
stage (so a record that bypassed the gateway cannot plan past the limits).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument
from cinemesh.runtime.timephrases import latest_stated_second, stated_duration
from cinemesh.v1 import common_pb2

MAX_PROMPT_CHARS = 4000
DEFAULT_DURATION_SECONDS = 5.0
#: Resolution name → (width, height) in landscape. "1024p" is 1792x1024 (7:4), a size the openai SDK's Videos API
#: offers on its pro model; the tier check compares heights, so it needs the pro tier.
RESOLUTIONS = {"480p": (854, 480), "720p": (1280, 720), "1024p": (1792, 1024), "1080p": (1920, 1080)}
FRAME_RATES = (24, 25, 30)
#: Tier → (longest single clip in seconds, largest resolution name).
TIER_LIMITS = {"plus": (10.0, "720p"), "pro": (20.0, "1080p")}
#: Tier → (shortest, longest) storyboard sequence in seconds.
STORYBOARD_LIMITS = {"plus": (0.0, 15.0), "pro": (15.0, 25.0)}
MAX_STORYBOARD_SCENES = 12
#: Seconds left after the last timed sound or line when the prompt states no duration, so it is heard out.
CONTENT_TAIL_SECONDS = 1.0
#: Speech pace used to size a prompt's lines (the prompt stage times lines at the same pace).
WORDS_PER_SECOND = 2.8
_QUOTED = re.compile(r"“([^”]{1,1000})”|\"([^\"]{1,1000})\"")
TIER_NAMES = {common_pb2.TIER_PLUS: "plus", common_pb2.TIER_PRO: "pro"}
TIER_ENUMS = {name: value for value, name in TIER_NAMES.items()}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True)
class ResolvedScene:
    """One scene of a resolved spec: its text and exact frames [start_frame, end_frame)."""

    prompt: str
    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class ResolvedSpec:
    """A valid spec with every default filled in."""

    prompt: str
    width: int
    height: int
    fps: int
    frame_count: int
    resolution: str
    scenes: tuple[ResolvedScene, ...]
    storyboard: bool
    #: Why the length is what it is when the spec gave none ("… clamped to the tier's 10 s limit").
    notes: tuple[str, ...] = ()
    #: The length the prompt asked for when the tier's limit cut the clip shorter ("Half a minute of …" on a 20 s
    #: tier): "halfway through" is half of it when that still falls in the clip.
    asked_seconds: float | None = None

    @property
    def duration_seconds(self) -> float:
        return self.frame_count / self.fps


def validate_request_id(request_id: str) -> None:
    if request_id and not _REQUEST_ID.match(request_id):
        raise InvalidArgument("request_id", "use 1–128 characters of letters, digits and . _ : - (e.g. a UUID)")


def _check_prompt(field: str, text: str, required: bool = True) -> str:
    if len(text) > MAX_PROMPT_CHARS:
        raise InvalidArgument(field, f"is {len(text)} characters; the limit is {MAX_PROMPT_CHARS}")
    if required and not text.strip():
        raise InvalidArgument(field, "must not be empty; describe the video to generate")
    return text.strip()


def _positive_seconds(field: str, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise InvalidArgument(field, f"must be a positive number of seconds (got {value:g})")
    return value


def content_seconds(text: str) -> float:
    """How long a prompt without a stated duration needs: its latest timed sound or its lines, plus a tail.

    Never shorter than the default length, which is enough for an action with nothing timed.
    """
    needed = DEFAULT_DURATION_SECONDS
    if (latest := latest_stated_second(text)) is not None:
        needed = max(needed, latest + CONTENT_TAIL_SECONDS)
    lines = [m.group(1) or m.group(2) for m in _QUOTED.finditer(text)]
    if lines:
        speech = sum(max(0.6, len(re.findall(r"[\w']+", line)) / WORDS_PER_SECOND) for line in lines)
        needed = max(needed, 0.4 + speech + 0.3 * (len(lines) - 1) + CONTENT_TAIL_SECONDS)
    return round(needed, 3)


def _check_stated_times(field: str, text: str, seconds: float) -> None:
    """A sound timed past an explicit duration is the person's to fix, now, not a job that fails later."""
    latest = latest_stated_second(text)
    if latest is not None and latest > seconds + 1e-9:
        raise InvalidArgument(
            field,
            f"a sound is timed at {latest:g} s but the clip lasts {seconds:g} s; "
            "move the sound earlier or ask for a longer duration",
        )


def _frames(seconds: float, fps: int) -> int:
    return max(1, math.floor(seconds * fps + 0.5))  # half up, not banker's rounding


def _storyboard_durations(spec: common_pb2.GenerationSpec) -> list[float]:
    """Each scene's seconds: given ones as given, the others share what is left (or 5 s each)."""
    given = {
        i: _positive_seconds(f"spec.storyboard[{i}].duration_seconds", scene.duration_seconds)
        for i, scene in enumerate(spec.storyboard)
        if scene.HasField("duration_seconds")
    }
    missing = [i for i in range(len(spec.storyboard)) if i not in given]
    if spec.HasField("duration_seconds") and missing:
        total = _positive_seconds("spec.duration_seconds", spec.duration_seconds)
        left = total - sum(given.values())
        if left <= 0:
            raise InvalidArgument(
                "spec.storyboard",
                f"the scenes with durations already take {sum(given.values()):g} s of the {total:g} s requested",
            )
        share = {i: left / len(missing) for i in missing}
    else:
        share = {i: content_seconds(spec.storyboard[i].prompt) for i in missing}
    durations = [given.get(i, share.get(i, 0.0)) for i in range(len(spec.storyboard))]
    for i, seconds in given.items():
        _check_stated_times(f"spec.storyboard[{i}].prompt", spec.storyboard[i].prompt, seconds)
    if spec.HasField("duration_seconds") and not missing:
        total = _positive_seconds("spec.duration_seconds", spec.duration_seconds)
        if abs(sum(durations) - total) > 1e-6:
            raise InvalidArgument(
                "spec.duration_seconds",
                f"is {total:g} s but the storyboard scenes add up to {sum(durations):g} s",
            )
    return durations


def resolve(spec: common_pb2.GenerationSpec, tier: str) -> ResolvedSpec:
    """Checks every field, names the first one that is wrong, and applies the tier's limits."""
    storyboard = len(spec.storyboard) > 0
    prompt = _check_prompt("spec.prompt", spec.prompt, required=not storyboard)
    if storyboard:
        if len(spec.storyboard) > MAX_STORYBOARD_SCENES:
            raise InvalidArgument(
                "spec.storyboard", f"has {len(spec.storyboard)} scenes; the limit is {MAX_STORYBOARD_SCENES}"
            )
        texts = [_check_prompt(f"spec.storyboard[{i}].prompt", s.prompt) for i, s in enumerate(spec.storyboard)]
        durations = _storyboard_durations(spec)
    notes: list[str] = []
    asked_seconds: float | None = None
    if storyboard:
        pass  # scene lengths and their checks come from _storyboard_durations
    elif spec.HasField("duration_seconds"):
        duration = _positive_seconds("spec.duration_seconds", spec.duration_seconds)
        _check_stated_times("spec.prompt", prompt, duration)
        texts, durations = [prompt], [duration]
    else:
        asked = stated_duration(prompt)
        duration = asked or content_seconds(prompt)
        longest = TIER_LIMITS[tier][0] if tier in TIER_LIMITS else duration
        if duration > longest:
            what = " asks for" if asked else "'s timed content needs"
            notes.append(
                f"the prompt{what} {duration:g} s but the {tier} tier allows {longest:g} s per clip; "
                f"the clip lasts {longest:g} s"
            )
            asked_seconds = asked
            duration = longest
        elif asked:
            notes.append(f"the clip lasts {duration:g} s as the prompt asks")
        elif duration > DEFAULT_DURATION_SECONDS:
            notes.append(f"no duration was given; the clip lasts {duration:g} s to fit what the prompt times")
        texts, durations = [prompt], [duration]
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
    total = sum(durations)
    max_seconds, max_resolution = TIER_LIMITS[tier]
    if storyboard:
        shortest, longest = STORYBOARD_LIMITS[tier]
        if not shortest <= total <= longest:
            window = f"{shortest:g}–{longest:g} s" if shortest else f"at most {longest:g} s"
            raise FailedPrecondition(
                f"spec.storyboard: the sequence lasts {total:g} s; storyboard sequences on the {tier} tier run {window}"
            )
    elif total > max_seconds:
        raise FailedPrecondition(
            f"spec.duration_seconds: {total:g} s exceeds the {tier} tier's limit of {max_seconds:g} s per clip"
            + ("; upgrade to pro for up to 20 s" if tier == "plus" else "")
        )
    if RESOLUTIONS[resolution][1] > RESOLUTIONS[max_resolution][1]:
        raise FailedPrecondition(f"spec.resolution: {resolution} exceeds the {tier} tier's limit of {max_resolution}")
    width, height = RESOLUTIONS[resolution]
    if spec.orientation == common_pb2.ORIENTATION_PORTRAIT:
        width, height = height, width
    # Scene boundaries fall on the frame nearest each cumulative time, so cuts never drift.
    scenes, elapsed, start = [], 0.0, 0
    for text, seconds in zip(texts, durations, strict=True):
        elapsed += seconds
        end = max(start + 1, _frames(elapsed, fps))
        scenes.append(ResolvedScene(text, start, end))
        start = end
    return ResolvedSpec(
        prompt, width, height, fps, start, resolution, tuple(scenes), storyboard, tuple(notes), asked_seconds
    )


def credit_cost(duration_seconds: float, tier: str, rates: dict[str, int]) -> int:
    """Credits a clip costs: the tier's per-second rate, rounded up to whole credits."""
    return math.ceil(round(duration_seconds * rates[tier], 6))
