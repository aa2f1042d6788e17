"""Safety verdict: what in a prompt (dialogue included) may not be rendered, with the matching spans."""

from __future__ import annotations

import re

from cinemesh.prompt import policy
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import plan_pb2

_FLAGS = re.IGNORECASE
_CATEGORIES = [
    (plan_pb2.SAFETY_CATEGORY_VIOLENCE_GORE, policy.VIOLENCE_GORE),
    (plan_pb2.SAFETY_CATEGORY_SELF_HARM, policy.SELF_HARM),
    (plan_pb2.SAFETY_CATEGORY_HATE, policy.HATE),
    (plan_pb2.SAFETY_CATEGORY_COPYRIGHTED_CHARACTER, policy.COPYRIGHTED),
    (plan_pb2.SAFETY_CATEGORY_PUBLIC_FIGURE, policy.PUBLIC_FIGURES),
]
_SEXUAL = re.compile(rf"(?<![\w-])(?:{policy.SEXUAL})(?![\w-])", _FLAGS)
_MINORS = re.compile(rf"(?<![\w-])(?:{policy.MINORS})(?![\w-])", _FLAGS)
_COMPILED = [(category, re.compile(rf"(?<![\w@-])(?:{pattern})(?![\w-])", _FLAGS)) for category, pattern in _CATEGORIES]


def findings(scene_index: int, text: str) -> list[plan_pb2.SafetyFinding]:
    """Every match in one scene's text."""
    found: list[plan_pb2.SafetyFinding] = []
    sexual = list(_SEXUAL.finditer(text))
    if sexual:
        minors = list(_MINORS.finditer(text))
        category = plan_pb2.SAFETY_CATEGORY_SEXUAL_MINORS if minors else plan_pb2.SAFETY_CATEGORY_SEXUAL
        for m in sexual + minors:
            found.append(
                plan_pb2.SafetyFinding(
                    category=category,
                    text=m.group(0),
                    scene_index=scene_index,
                    spans=[plan_pb2.TextSpan(start=m.start(), end=m.end())],
                )
            )
    for category, pattern in _COMPILED:
        for m in pattern.finditer(text):
            found.append(
                plan_pb2.SafetyFinding(
                    category=category,
                    text=m.group(0),
                    scene_index=scene_index,
                    spans=[plan_pb2.TextSpan(start=m.start(), end=m.end())],
                )
            )
    return found


def verdict(scene_texts: list[str], tier: str, license_reference: str) -> plan_pb2.SafetyVerdict:
    """Blocks on any finding, except licensed characters on pro with a license reference."""
    all_findings = [f for i, text in enumerate(scene_texts) for f in findings(i, text)]
    licensed = tier == "pro" and bool(license_reference.strip())
    blocking = [
        f for f in all_findings if not (licensed and f.category == plan_pb2.SAFETY_CATEGORY_COPYRIGHTED_CHARACTER)
    ]
    return plan_pb2.SafetyVerdict(
        allowed=not blocking,
        findings=blocking or all_findings,
        license_reference=license_reference.strip() if licensed and all_findings else "",
    )


def describe(safety: plan_pb2.SafetyVerdict) -> str:
    """A message a person can act on, naming each category and the words that matched."""
    parts: dict[str, list[str]] = {}
    for f in safety.findings:
        name = plan_pb2.SafetyCategory.Name(f.category).removeprefix("SAFETY_CATEGORY_")
        parts.setdefault(name, [])
        if f.text.lower() not in (t.lower() for t in parts[name]):
            parts[name].append(f.text)
    listed = "; ".join(f"{name} ({', '.join(repr(t) for t in texts)})" for name, texts in parts.items())
    advice = ""
    if "COPYRIGHTED_CHARACTER" in parts:
        advice = " Licensed characters need the pro tier and spec.license_reference."
    elif "PUBLIC_FIGURE" in parts:
        advice = " Real people appear only as their own consented cameo (@handle)."
    return f"blocked by the content policy: {listed}.{advice}"


def enforce(safety: plan_pb2.SafetyVerdict) -> None:
    """Raises INVALID_ARGUMENT on spec.prompt when the verdict blocks the plan."""
    if not safety.allowed:
        raise InvalidArgument("spec.prompt", describe(safety))
