"""Turns a GenerationSpec into the ScenePlan every downstream stage renders."""

from __future__ import annotations

import re

from cinemesh.runtime.specs import TIER_ENUMS, credit_cost, resolve
from cinemesh.v1 import common_pb2

# `@handle`: a letter, then letters, digits or underscores; not part of an e-mail address.
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z][A-Za-z0-9_]{0,31})\b")


def mentions_of(prompt: str) -> list[str]:
    """Handles in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(prompt):
        seen.setdefault(match.group(1), None)
    return list(seen)


def plan(spec: common_pb2.GenerationSpec, tier: str, seed: int, rates: dict[str, int]) -> common_pb2.ScenePlan:
    resolved = resolve(spec, tier)
    fmt = common_pb2.VideoFormat(
        width=resolved.width, height=resolved.height, fps=resolved.fps, frame_count=resolved.frame_count
    )
    return common_pb2.ScenePlan(
        prompt=resolved.prompt,
        format=fmt,
        duration_seconds=resolved.duration_seconds,
        seed=seed,
        tier=TIER_ENUMS[tier],
        scenes=[common_pb2.Scene(index=0, prompt=resolved.prompt, start_frame=0, end_frame=resolved.frame_count)],
        mentions=mentions_of(resolved.prompt),
        credit_estimate=credit_cost(resolved.duration_seconds, tier, rates),
    )
