#!/usr/bin/env python3
"""Check blind13i.jsonl and print its counts.  Exit status 1 on any error."""
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(os.path.dirname(HERE), "blind13i.jsonl")

REC_KEYS = ["id", "style", "prompt", "duration_s", "subject", "subject_alternatives", "location",
            "characters", "cues", "untimed_sounds", "dialogue"]
CUE_KEYS = ["text", "time_s", "relative_to", "every_s", "count", "source", "material", "action", "kind"]
DLG_KEYS = ["speaker", "text"]
STYLES = ["casual", "screenplay", "ad_brief", "pov", "multi_sentence", "non_native", "numbers_in_words"]
MATERIALS = {"air", "ceramic", "electronic", "fabric", "flesh", "glass", "metal", "paper", "plastic",
             "rubber", "stone", "water", "wood"}
ACTIONS = {"break", "crowd", "electronic", "explosion", "fire", "footsteps", "impact", "liquid",
           "mechanical", "motor", "music", "pop", "ring", "rustle", "scrape", "speech", "vocalisation",
           "whistle", "wind"}
RELATIVE = {"end", "line", "event", "unspecified"}
PREFIX = "i"
TOTAL = 130


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def main():
    errors = []

    def err(rid, msg):
        errors.append("%s: %s" % (rid, msg))

    recs = []
    with open(PATH, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                recs.append(json.loads(line))
            except ValueError as e:
                errors.append("line %d: bad JSON (%s)" % (n, e))

    ids, prompts = Counter(), Counter()
    for r in recs:
        rid = r.get("id", "?")
        ids[rid] += 1
        prompts[r.get("prompt")] += 1
        if list(r.keys()) != REC_KEYS:
            err(rid, "record keys/order %s" % list(r.keys()))
            continue
        p = r["prompt"]
        if r["style"] not in STYLES:
            err(rid, "bad style %r" % r["style"])
        d = r["duration_s"]
        if d is not None and (not is_num(d) or d <= 0):
            err(rid, "bad duration_s %r" % d)
        subj = r["subject"]
        if not isinstance(subj, str) or not subj or subj != subj.lower() or len(subj.split()) > 2:
            err(rid, "subject must be lowercase, at most two words: %r" % subj)
        for a in r["subject_alternatives"]:
            if a != a.lower():
                err(rid, "alternative not lowercase: %r" % a)
            if a == subj:
                err(rid, "alternative repeats subject: %r" % a)
        if len(set(r["subject_alternatives"])) != len(r["subject_alternatives"]):
            err(rid, "repeated alternative")
        loc = r["location"]
        if loc is not None and loc not in p:
            err(rid, "location not in prompt: %r" % loc)
        if not isinstance(r["characters"], int) or isinstance(r["characters"], bool) or r["characters"] < 0:
            err(rid, "bad characters %r" % r["characters"])

        # dialogue
        masked = p
        for dl in r["dialogue"]:
            if list(dl.keys()) != DLG_KEYS:
                err(rid, "dialogue keys/order %s" % list(dl.keys()))
                continue
            if dl["text"] not in p:
                err(rid, "dialogue text not in prompt: %r" % dl["text"])
            if not dl["speaker"]:
                err(rid, "empty speaker")
            masked = masked.replace(dl["text"], "\u0000" * len(dl["text"]))

        # cues
        limit = d if d is not None else 15
        for c in r["cues"]:
            if list(c.keys()) != CUE_KEYS:
                err(rid, "cue keys/order %s" % list(c.keys()))
                continue
            t = c["text"]
            if t not in p:
                err(rid, "cue text not in prompt: %r" % t)
            elif t not in masked:
                err(rid, "cue text only inside dialogue: %r" % t)
            ts, rel = c["time_s"], c["relative_to"]
            if ts is None:
                if rel not in RELATIVE:
                    err(rid, "untimed cue %r needs relative_to, got %r" % (t, rel))
            else:
                if rel is not None:
                    err(rid, "timed cue %r has relative_to %r" % (t, rel))
                if not is_num(ts) or ts < 0 or ts > limit:
                    err(rid, "cue %r time %r outside 0..%s" % (t, ts, limit))
            ev = c["every_s"]
            if ev is not None and (not is_num(ev) or ev <= 0):
                err(rid, "cue %r bad every_s %r" % (t, ev))
            cnt = c["count"]
            if not isinstance(cnt, int) or isinstance(cnt, bool) or cnt < 1:
                err(rid, "cue %r bad count %r" % (t, cnt))
            src = c["source"]
            if not isinstance(src, str) or not src or src != src.lower():
                err(rid, "cue %r source must be lowercase: %r" % (t, src))
            m, a = c["material"], c["action"]
            if a not in ACTIONS:
                err(rid, "cue %r bad action %r" % (t, a))
            if m is not None and m not in MATERIALS:
                err(rid, "cue %r bad material %r" % (t, m))
            if a in ("vocalisation", "speech") and m is not None:
                err(rid, "cue %r: %s takes null material" % (t, a))
            elif a == "crowd" and m not in (None, "flesh"):
                err(rid, "cue %r: crowd takes null or flesh" % t)
            elif a not in ("vocalisation", "speech", "crowd") and m is None:
                err(rid, "cue %r: action %s needs a material" % (t, a))
            if not c["kind"]:
                err(rid, "cue %r empty kind" % t)
        want = [c["text"] for c in r["cues"] if c.get("time_s") is None and c.get("every_s") is None]
        if r["untimed_sounds"] != want:
            err(rid, "untimed_sounds %r != %r" % (r["untimed_sounds"], want))

    for k, v in ids.items():
        if v > 1:
            errors.append("duplicate id %s" % k)
    for k, v in prompts.items():
        if v > 1:
            errors.append("duplicate prompt %r" % k[:60])
    expect = ["%s%03d" % (PREFIX, i) for i in range(1, TOTAL + 1)]
    if [r.get("id") for r in recs] != expect:
        errors.append("ids do not run %s..%s in order" % (expect[0], expect[-1]))

    styles = Counter(r.get("style") for r in recs)
    for s in STYLES:
        if styles[s] not in (18, 19):
            errors.append("style %s has %d records (want 18 or 19)" % (s, styles[s]))

    cues = [c for r in recs for c in r.get("cues", [])]
    kinds = {c["kind"] for c in cues}
    if len(kinds) < 150:
        errors.append("only %d distinct kinds (want >= 150)" % len(kinds))

    # counts
    timed = [c for c in cues if c["time_s"] is not None]
    timed_prompts = sum(1 for r in recs if any(c["time_s"] is not None for c in r["cues"]))
    rel = Counter(c["relative_to"] for c in cues if c["time_s"] is None and c["every_s"] is None)
    dlg = [r for r in recs if r["dialogue"]]
    print("records                     %d" % len(recs))
    print("styles                      " + " / ".join("%s %d" % (s, styles[s]) for s in STYLES))
    print("cues                        %d" % len(cues))
    print("timed cues                  %d" % len(timed))
    print("distinct kinds              %d" % len(kinds))
    print("distinct (source, action)   %d" % len({(c["source"], c["action"]) for c in cues}))
    print("prompts with timed cue      %d (%d %%)" % (timed_prompts, round(100.0 * timed_prompts / max(1, len(recs)))))
    print("prompts with no cues        %d" % sum(1 for r in recs if not r["cues"]))
    print("prompts with duration       %d" % sum(1 for r in recs if r["duration_s"] is not None))
    print("prompts with dialogue       %d (%d lines)" % (len(dlg), sum(len(r["dialogue"]) for r in recs)))
    print("untimed cues by relative_to " + ", ".join("%s %d" % kv for kv in rel.most_common()))
    print("repeating cues (every_s)    %d" % sum(1 for c in cues if c["every_s"] is not None))
    print("cues with count > 1         %d" % sum(1 for c in cues if c["count"] > 1))
    print("actions                     " + ", ".join("%s %d" % kv for kv in Counter(c["action"] for c in cues).most_common()))

    if errors:
        print("\n%d error(s):" % len(errors))
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
