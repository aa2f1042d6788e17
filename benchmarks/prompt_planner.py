"""Prompt planner: parse latency over the labelled corpora on one core, and its accuracy.

Baseline measured in the same run: tokenising each prompt into words with one
regular expression (the least any parser must do), so the ratio says how much
the planner costs beyond reading the text at all.

    .venv/bin/python benchmarks/prompt_planner.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import sys
import time
from pathlib import Path

from report import figure

from cinemesh.prompt.planner import plan
from cinemesh.prompt.sounds import parse
from cinemesh.runtime.errors import CinemeshError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import blind_corpus_scoring as blind  # test support: the blind13 corpus's scorer (aggregates only)
from prompt_scoring import RATES, load, score, spec_of  # test support: the labelled corpora's scorer

from cinemesh.v1 import common_pb2

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT / "services/prompt/tests/corpus.jsonl", ROOT / "services/prompt/tests/heldout.jsonl"]
# (name, file): every writer's set was written blind and scored blind once; all but the last have been tuned on since
BLIND = [
    ("blind13 (tuned on)", ROOT / "services/prompt/tests/blind13/tuning.jsonl"),
    ("blind13 heldout (tuned on since)", ROOT / "services/prompt/tests/blind13/heldout.jsonl"),
    ("blind13b (tuned on since)", ROOT / "services/prompt/tests/blind13b/blind13b.jsonl"),
    ("blind13c (tuned on since)", ROOT / "services/prompt/tests/blind13c/blind13c.jsonl"),
    ("blind13d (tuned on since)", ROOT / "services/prompt/tests/blind13d/blind13d.jsonl"),
    ("blind13e (tuned on since)", ROOT / "services/prompt/tests/blind13e/blind13e.jsonl"),
    ("blind13f (tuned on since)", ROOT / "services/prompt/tests/blind13f/blind13f.jsonl"),
    ("blind13g (tuned on since)", ROOT / "services/prompt/tests/blind13g/blind13g.jsonl"),
    ("blind13h (tuned on since)", ROOT / "services/prompt/tests/blind13h/blind13h.jsonl"),
    ("blind13i (tuned on since)", ROOT / "services/prompt/tests/blind13i/blind13i.jsonl"),
    ("blind13j (tuned on since)", ROOT / "services/prompt/tests/blind13j/blind13j.jsonl"),
    ("blind13k (tuned on since)", ROOT / "services/prompt/tests/blind13k/blind13k.jsonl"),
    ("blind13l (tuned on since)", ROOT / "services/prompt/tests/blind13l/blind13l.jsonl"),
    ("blind13m (tuned on since)", ROOT / "services/prompt/tests/blind13m/blind13m.jsonl"),
    ("blind13n (scored blind at 06eee36, not tuned on)", ROOT / "services/prompt/tests/blind13n/blind13n.jsonl"),
    ("blind13o (scored blind at a1c06bf, tuned on since)", ROOT / "services/prompt/tests/blind13o/blind13o.jsonl"),
    ("blind13p (scored blind at 0d30eef, tuned on since)", ROOT / "services/prompt/tests/blind13p/blind13p.jsonl"),
    ("blind13q (scored blind at cb6e9a4, tuned on since)", ROOT / "services/prompt/tests/blind13q/blind13q.jsonl"),
    ("blind13r (scored blind at 53ab58c, tuned on since)", ROOT / "services/prompt/tests/blind13r/blind13r.jsonl"),
    ("blind13s (scored blind at 2db734b, tuned on since)", ROOT / "services/prompt/tests/blind13s/blind13s.jsonl"),
    ("blind13t (scored blind at b08e4f3, tuned on since)", ROOT / "services/prompt/tests/blind13t/blind13t.jsonl"),
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    examples = load(CORPORA[0])
    specs = [(spec_of(e), e.get("tier", "pro")) for e in examples]
    # prompts as people write them (the blind13 tuning set), submitted alone on the pro tier
    specs += [(common_pb2.GenerationSpec(prompt=e["prompt"]), "pro") for e in blind.load(BLIND[0][1])]
    for spec, tier in specs:  # warm caches (compiled patterns)
        with contextlib.suppress(CinemeshError):
            plan(spec, tier, 1, RATES)
    planner_ms: list[float] = []
    baseline_ms: list[float] = []
    words = re.compile(r"[\w']+")
    for _ in range(args.repeat):
        for spec, tier in specs:
            parse.cache_clear()  # every measurement parses its text, as a first sight of the prompt does
            started = time.perf_counter()
            with contextlib.suppress(CinemeshError):
                plan(spec, tier, 1, RATES)
            planner_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            words.findall(spec.prompt + " ".join(s.prompt for s in spec.storyboard))
            baseline_ms.append((time.perf_counter() - started) * 1000)
    p50, p99 = statistics.median(planner_ms), _percentile(planner_ms, 0.99)
    base50 = statistics.median(baseline_ms)
    print(f"prompts: {len(specs)} x {args.repeat} runs on one core")
    print(f"planner latency: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(planner_ms):.2f} ms (goal p99 < 50 ms)")
    print(f"baseline (word tokenising): p50 {base50:.3f} ms; planner/baseline p50 ratio {p50 / base50:.0f}x")
    figure("parse latency on one core", f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal p99 < 50 ms)")
    for corpus in CORPORA:
        if corpus.exists():
            result = score(load(corpus))
            print(f"\naccuracy on {corpus.name} ({len(load(corpus))} prompts)\n{result.table()}")
            figure(f"field accuracy, {corpus.name}", f"{100 * result.accuracy():.1f} % of {len(load(corpus))} prompts")
    for name, corpus in BLIND:
        result = blind.score(blind.load(corpus))
        print(f"\n{name}: {corpus.name}\n{result.table()}")
        figure(f"timed-cue recall, {name}", f"{100 * result.recall:.1f} %")
        figure(f"cue time within one frame, {name}", f"{100 * result.frame_rate:.1f} % of those found")
        figure(f"subject correct, {name}", f"{100 * result.subject_rate:.1f} %")
        fields = ", ".join(f"{f} {100 * result.rate(f):.0f} %" for f in ("source", "material", "action", "location"))
        figure(f"per-field accuracy, {name}", fields)


if __name__ == "__main__":
    main()
