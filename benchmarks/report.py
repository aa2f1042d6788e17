"""How a benchmark states a headline figure: `make bench` collects these lines into docs/benchmarks.md."""

from __future__ import annotations

PREFIX = "FIGURE "


def figure(name: str, value: str) -> None:
    """Prints one headline figure (a short name and its value with units) for the benchmark summary."""
    print(f"{PREFIX}{name} | {value}", flush=True)
