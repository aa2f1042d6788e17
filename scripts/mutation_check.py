"""Deliberate one-line mutations of core code: does the suite notice each one?

Each mutation replaces one exact piece of one line, runs the tests that guard that file, and
restores the file. A mutation the tests do not fail on is a gap in the tests. The report says,
per mutation, whether it was caught and which test caught it first.

    .venv/bin/python scripts/mutation_check.py
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOBSTORE_TESTS = ["services/runtime/tests/test_jobstore.py"]
SPECS_TESTS = ["services/runtime/tests/test_specs.py"]
SYNC_TESTS = ["services/lipsync/tests/test_sync.py"]


@dataclass(frozen=True)
class Mutation:
    path: str
    original: str
    mutated: str
    tests: list[str]


MUTATIONS = [
    Mutation(
        "services/runtime/jobstore.py",
        ".where(accounts.c.balance_credits >= credits)",
        ".where(accounts.c.balance_credits > credits)",
        JOBSTORE_TESTS,
    ),
    Mutation(
        "services/runtime/jobstore.py",
        "credits_charged=jobs.c.credits_reserved,",
        "credits_charged=0,",
        JOBSTORE_TESTS,
    ),
    Mutation(
        "services/runtime/jobstore.py",
        ".values(balance_credits=accounts.c.balance_credits + job.credits_reserved)",
        ".values(balance_credits=accounts.c.balance_credits)",
        JOBSTORE_TESTS,
    ),
    Mutation(
        "services/runtime/jobstore.py",
        'if state in TERMINAL or (run is not None and run.status == "failed"):',
        'if state in TERMINAL and (run is not None and run.status == "failed"):',
        JOBSTORE_TESTS,
    ),
    Mutation(
        "services/runtime/jobstore.py",
        "earlier = [s for s in STATES if _RANK[s] < _RANK[state] and s not in TERMINAL]",
        "earlier = [s for s in STATES if _RANK[s] <= _RANK[state]]",
        JOBSTORE_TESTS,
    ),
    Mutation(
        "services/runtime/jobstore.py",
        '.values(attempts=stage_runs.c.attempts + 1, status="running")',
        '.values(attempts=stage_runs.c.attempts, status="running")',
        JOBSTORE_TESTS,
    ),
    Mutation(
        "services/runtime/specs.py",
        "if len(text) > MAX_PROMPT_CHARS:",
        "if len(text) >= MAX_PROMPT_CHARS:",
        SPECS_TESTS,
    ),
    Mutation(
        "services/runtime/specs.py",
        "if not math.isfinite(value) or value <= 0:",
        "if not math.isfinite(value) or value < 0:",
        SPECS_TESTS,
    ),
    Mutation(
        "services/runtime/specs.py",
        "return max(1, math.floor(seconds * fps + 0.5))",
        "return max(1, round(seconds * fps))",
        SPECS_TESTS,
    ),
    Mutation("services/runtime/specs.py", "elif total > max_seconds:", "elif total >= max_seconds:", SPECS_TESTS),
    Mutation(
        "services/runtime/specs.py",
        "return math.ceil(round(duration_seconds * rates[tier], 6))",
        "return round(duration_seconds * rates[tier])",
        SPECS_TESTS,
    ),
    Mutation(
        "services/runtime/specs.py",
        "if spec.orientation == common_pb2.ORIENTATION_PORTRAIT:",
        "if spec.orientation != common_pb2.ORIENTATION_PORTRAIT:",
        SPECS_TESTS,
    ),
    Mutation(
        "services/lipsync/sync.py",
        "delay += 0.5 * float(left - right) / float(curvature) * float(delays[1] - delays[0])",
        "delay -= 0.5 * float(left - right) / float(curvature) * float(delays[1] - delays[0])",
        SYNC_TESTS,
    ),
    Mutation(
        "services/lipsync/sync.py",
        "return Measured((delay - mouth) * 1000, min(mouth_r, voice_r))",
        "return Measured((mouth - delay) * 1000, min(mouth_r, voice_r))",
        SYNC_TESTS,
    ),
    Mutation(
        "services/lipsync/sync.py",
        "scores = np.array([_correlation(mix, ref[lags - k : lags - k + hops]) for k in shifts])",
        "scores = np.array([_correlation(mix, ref[lags + k : lags + k + hops]) for k in shifts])",
        SYNC_TESTS,
    ),
    Mutation(
        "services/lipsync/sync.py",
        "return np.maximum(0.0, np.diff(floored, axis=0, prepend=floored[:1]))",
        "return np.diff(floored, axis=0, prepend=floored[:1])",
        SYNC_TESTS,
    ),
]


def run(mutation: Mutation) -> tuple[bool, str]:
    path = ROOT / mutation.path
    source = path.read_text(encoding="utf-8")
    if source.count(mutation.original) != 1:
        raise SystemExit(f"{mutation.path}: {mutation.original!r} must occur exactly once")
    try:
        path.write_text(source.replace(mutation.original, mutation.mutated), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "--no-header", "-p", "no:randomly", *mutation.tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        path.write_text(source, encoding="utf-8")
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    return result.returncode != 0, failed[0].removeprefix("FAILED ") if failed else result.stdout.strip()[-120:]


def main() -> None:
    caught = 0
    for number, mutation in enumerate(MUTATIONS, 1):
        killed, evidence = run(mutation)
        caught += killed
        print(f"{number:2}. {'caught' if killed else 'MISSED'}  {mutation.path}: {mutation.mutated.strip()}")
        print(f"    {evidence[:160]}", flush=True)
    print(f"\n{caught} of {len(MUTATIONS)} mutations caught")
    sys.exit(0 if caught == len(MUTATIONS) else 1)


if __name__ == "__main__":
    main()
