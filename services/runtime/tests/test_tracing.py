"""W3C traceparent: children keep the trace id, get a new span id; invalid parents start a trace."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinemesh.runtime import tracing

W3C = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_root_matches_w3c_format() -> None:
    root = tracing.new_traceparent()
    match = W3C.match(root)
    assert match is not None, root
    assert match.group(3) == "01"


def test_roots_are_distinct() -> None:
    roots = {tracing.new_traceparent() for _ in range(50)}
    assert len(roots) == 50
    assert len({tracing.trace_id_of(r) for r in roots}) == 50


def test_child_keeps_trace_id_and_flags_with_new_span() -> None:
    child = tracing.new_traceparent(PARENT)
    match = W3C.match(child)
    assert match is not None, child
    assert match.group(1) == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert match.group(2) != "00f067aa0ba902b7"
    assert match.group(3) == "01"
    unsampled = tracing.new_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    assert unsampled.endswith("-00")


def test_siblings_get_different_span_ids() -> None:
    spans = {W3C.match(tracing.new_traceparent(PARENT)).group(2) for _ in range(20)}  # type: ignore[union-attr]
    assert len(spans) == 20


@pytest.mark.parametrize(
    "parent",
    [
        None,
        "",
        "garbage",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # unknown version
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ],
)
def test_invalid_parent_starts_a_new_trace(parent: str | None) -> None:
    child = tracing.new_traceparent(parent)
    assert W3C.match(child)
    assert tracing.trace_id_of(child) != "4bf92f3577b34da6a3ce929d0e0e4736"
    assert child.endswith("-01")


def test_trace_id_of() -> None:
    assert tracing.trace_id_of(PARENT) == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert tracing.trace_id_of("nope") is None
    assert tracing.trace_id_of(None) is None


def test_activate_and_deactivate_nest() -> None:
    assert tracing.current() is None
    outer = tracing.activate(PARENT)
    try:
        assert tracing.current() == PARENT
        inner = tracing.activate("00-" + "a" * 32 + "-" + "b" * 16 + "-01")
        assert tracing.trace_id_of(tracing.current()) == "a" * 32
        tracing.deactivate(inner)
        assert tracing.current() == PARENT
    finally:
        tracing.deactivate(outer)
    assert tracing.current() is None


@given(
    trace_id=st.text("0123456789abcdef", min_size=32, max_size=32),
    span_id=st.text("0123456789abcdef", min_size=16, max_size=16),
    flags=st.text("0123456789abcdef", min_size=2, max_size=2),
)
def test_any_valid_parent_is_continued(trace_id: str, span_id: str, flags: str) -> None:
    child = tracing.new_traceparent(f"00-{trace_id}-{span_id}-{flags}")
    match = W3C.match(child)
    assert match is not None
    assert match.group(1) == trace_id
    assert match.group(3) == flags
