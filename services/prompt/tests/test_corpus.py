"""Field-level accuracy of the planner on the labelled corpus (printed with `pytest -s` or on failure)."""

from __future__ import annotations

from pathlib import Path

from prompt_scoring import load, score

CORPUS = Path(__file__).with_name("corpus.jsonl")


def test_corpus_is_large_and_varied() -> None:
    examples = load(CORPUS)
    assert len(examples) >= 150
    assert sum(1 for e in examples if e.get("storyboard")) >= 10
    assert sum(1 for e in examples if e["expect"].get("dialogue")) >= 20
    assert sum(1 for e in examples if e["expect"].get("sound_events")) >= 20
    assert sum(1 for e in examples if e["expect"].get("safety", "ALLOW") != "ALLOW") >= 14
    assert sum(1 for e in examples if e["expect"].get("error")) >= 8


def test_field_level_accuracy_is_at_least_95_percent() -> None:
    result = score(load(CORPUS))
    print("\n" + result.table())
    assert result.accuracy() >= 0.95, result.table() + "\n" + "\n".join(result.misses)
    for name in result.total:
        assert result.accuracy(name) >= 0.95, f"{name}: {result.accuracy(name):.1%}\n" + "\n".join(
            m for m in result.misses if f" {name}:" in m
        )


def test_held_out_corpus_accuracy() -> None:
    """70 prompts written blind (screenplay, casual, ad-brief voices); never used for tuning the rules.

    Measured at 94.4 % before any change was made with it in view; this guards against regressions.
    """
    result = score(load(Path(__file__).with_name("heldout.jsonl")))
    print("\n" + result.table())
    assert result.accuracy() >= 0.90, result.table()
