"""Error analysis of the prompt planner's field misses on the tuned-on blind corpora: counts only.

Each missed field (source, material, action, subject) falls in one class:

- (c) scorer too strict: the plan is right under the scorer's normalisations (tests/data/blind_scoring.yaml:
  compound heads, head nouns, the guide's material classes), applied to every corpus alike, but wrong under the
  strict word comparison the scorer used before them;
- (b) label inconsistent with the labelling guide (docs/prompt-labelling.md): the label breaks one of the guide's
  rules that can be checked on the label alone (`guide_checks` in the same file): a source or subject longer than
  a head noun, a material on a voice, a hiss that is not liquid, a clap that is not flesh;
- (b') labels disagree between writers: another corpus labels the same sounding thing (same head noun) the way
  the plan does, so the guide leaves it open and the writers chose differently (e.g. a screen door, wood or metal);
- (a) planner wrong: everything else.

    .venv/bin/python benchmarks/prompt_field_misses.py [--misses]

Never run it on a blind set that has not been scored yet: it reads labels.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import blind_corpus_scoring as blind  # test support: the blind corpora's scorer

ROOT = Path(__file__).resolve().parents[1]
TUNED_ON = {
    "blind13": ROOT / "services/prompt/tests/blind13/tuning.jsonl",
    "blind13 heldout": ROOT / "services/prompt/tests/blind13/heldout.jsonl",
    "blind13b": ROOT / "services/prompt/tests/blind13b/blind13b.jsonl",
    "blind13c": ROOT / "services/prompt/tests/blind13c/blind13c.jsonl",
    "blind13d": ROOT / "services/prompt/tests/blind13d/blind13d.jsonl",
    "blind13e": ROOT / "services/prompt/tests/blind13e/blind13e.jsonl",
    "blind13f": ROOT / "services/prompt/tests/blind13f/blind13f.jsonl",
    "blind13g": ROOT / "services/prompt/tests/blind13g/blind13g.jsonl",
    "blind13h": ROOT / "services/prompt/tests/blind13h/blind13h.jsonl",
    "blind13i": ROOT / "services/prompt/tests/blind13i/blind13i.jsonl",
}
FIELDS = ("source", "material", "action", "subject")
CLASSES = ("a planner", "b guide", "b' writers", "c scorer")


def _head(phrase: str) -> str:
    words = re.findall(r"[a-z0-9']+", phrase.lower())
    return words[-1].rstrip("s") if words else ""


def _breaks_guide(name: str, label: dict[str, Any] | None, example: dict[str, Any]) -> bool:
    checks = blind.NORMALISATION["guide_checks"]
    if name == "subject":
        return len(example["subject"].split()) > checks["subject_max_words"]
    assert label is not None
    words = f"{label['text']} {label['kind']}".lower()
    if name == "source":
        return len(label["source"].split()) > checks["source_max_words"]
    if name == "material":
        voice = label["action"] in checks["voice_actions_without_material"]
        crowd = label["action"] == "crowd" and bool(re.search(checks["crowd_without_material"], words))
        clap = bool(re.search(checks["flesh_words"], words)) and label["material"] != "flesh"
        return voice or crowd or clap
    if name == "action":
        return bool(re.search(checks["liquid_words"], words)) and label["action"] != "liquid"
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="print each miss with its class")
    args = parser.parse_args()
    corpora = {name: blind.load(path) for name, path in TUNED_ON.items()}
    # what each writer labels a sounding thing (by head noun): material and action, per corpus
    labelled: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, examples in corpora.items():
        for example in examples:
            for cue in example["cues"]:
                for fld in ("material", "action"):
                    if cue[fld]:
                        labelled[(fld, _head(cue["source"] or ""))][name].add(cue[fld])
    totals: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
    for name, examples in corpora.items():
        by_id = {e["id"]: e for e in examples}
        strict, normalised = blind.score(examples, normalise=False), blind.score(examples)
        still = Counter((eid, fld, str(label), planned) for eid, fld, label, planned in normalised.field_misses)
        counts: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
        for eid, fld, label, planned in strict.field_misses:
            if fld not in FIELDS:
                continue
            key = (eid, fld, str(label), planned)
            if still[key] == 0:
                cls = "c scorer"
            elif _breaks_guide(fld, label, by_id[eid]):
                cls = "b guide"
            elif (
                label is not None
                and fld in ("material", "action")
                and any(
                    planned in values
                    for corpus, values in labelled[(fld, _head(label["source"] or ""))].items()
                    if corpus != name
                )
            ):
                cls = "b' writers"
            else:
                cls = "a planner"
            still[key] -= still[key] > 0
            counts[fld][cls] += 1
            totals[fld][cls] += 1
            if args.misses:
                text = label["text"] if label else by_id[eid]["subject"]
                print(
                    f"{name} {eid} {fld} [{cls}] label {label[fld] if label else by_id[eid]['subject']!r} "
                    f"vs plan {planned!r} ({text!r})"
                )
        print(f"\n{name}: misses by class (strict scoring: {sum(sum(c.values()) for c in counts.values())})")
        for fld in FIELDS:
            print(f"  {fld:<9}" + "".join(f"{cls:>14} {counts[fld][cls]:>3}" for cls in CLASSES))
    print(f"\nall {len(corpora)} tuned-on sets")
    for fld in FIELDS:
        print(f"  {fld:<9}" + "".join(f"{cls:>14} {totals[fld][cls]:>3}" for cls in CLASSES))


if __name__ == "__main__":
    main()
