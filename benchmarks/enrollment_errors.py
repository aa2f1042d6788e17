"""Cameo enrollment: false reject and false accept rates of every live-verification check.

Genuine recordings answer a fresh random challenge the way people really do: speaker pitch
−6…+6 semitones from the TTS voice, speaking rate ±15 %, room noise 10–30 dB under the
speech, room reverb (RT60 0–0.8 s, the direct voice 0–10 dB over the room's), H.264 + AAC.
Each check (speech, faces, lens, moves, liveness) is run on every recording on its own, not
only up to the first failure, so each gets its own false reject rate. Attack recordings each
target the check that claims to stop them; their false accept rate is counted on that check
and on the whole verifier:

  wrong_phrase     the challenged phrase with one word swapped        → speech
  other_challenge  the phrase of another challenge (a replayed take)  → speech
  no_speech        silence or room noise instead of the phrase        → speech
  second_face      a second person in the picture                     → faces
  dubbed_still     a still mouth with the phrase dubbed over it       → liveness

Clear recordings (no noise, no reverb, pitch ±3 semitones, rate ±5 %) measure the speech
check alone on what a careful person records: the false reject rate the integration tests'
own enrollment is exposed to. An attack that its target check rejects is rejected by the
verifier too, so the other checks are not run on it. Rates come with 95 % Wilson intervals.
Every recording is built from its own seed, so a run is reproducible. The baseline in the
same run: the seconds to decode each recording alone.

    .venv/bin/python benchmarks/enrollment_errors.py [--genuine 300] [--clear 100] [--attacks 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from report import figure

from cinemesh.identity.enrollment import VOCABULARY, Challenge, RecordingRejected, lens, media, pose, speech, verify
from cinemesh.identity.enrollment.voice import track_pitch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from recordings import Spec, build  # test support: recordings from the astronaut photo

CHECKS = ("speech", "faces", "lens", "moves", "liveness")
SPEECH_ONLY = "speech only"
ATTACKS = {
    "wrong_phrase": "speech",
    "other_challenge": "speech",
    "no_speech": "speech",
    "second_face": "faces",
    "dubbed_still": "liveness",
}


@dataclass(frozen=True)
class Case:
    kind: str  # "genuine" or an attack
    index: int


@dataclass
class Outcome:
    kind: str
    checks: dict[str, bool | None]  # True passed, False rejected, None not reached (no face to examine)
    build_seconds: float
    verify_seconds: float
    decode_seconds: float
    detail: str


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return 0.0, 1.0
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def spec_for(case: Case) -> tuple[Spec, Challenge]:
    rng = random.Random(f"{case.kind}:{case.index}")
    challenge = Challenge.new(rng)
    spec = Spec(
        challenge.moves,
        challenge.phrase,
        seconds=rng.uniform(13.0, 16.0),
        voice_semitones=rng.uniform(-6.0, 6.0),
        speech_rate=rng.uniform(0.85, 1.15),
        snr_db=rng.uniform(10.0, 30.0),
        reverb_seconds=rng.uniform(0.0, 0.8),
        direct_to_reverb_db=rng.uniform(0.0, 10.0),
        seed=rng.randrange(2**31),
    )
    if case.kind == "clear":
        spec = spec.but(
            snr_db=None,
            reverb_seconds=0.0,
            voice_semitones=rng.uniform(-3.0, 3.0),
            speech_rate=rng.uniform(0.95, 1.05),
        )
    elif case.kind == "wrong_phrase":
        words = challenge.phrase.split()
        slot = rng.randrange(len(words))
        words[slot] = rng.choice([w for w in VOCABULARY if w not in words])
        spec = spec.but(spoken=" ".join(words))
    elif case.kind == "other_challenge":
        spec = spec.but(spoken=Challenge.new(rng).phrase)
    elif case.kind == "no_speech":
        spec = spec.but(audio=rng.choice(["silence", "noise"]))
    elif case.kind == "second_face":
        spec = spec.but(second_face=True)
    elif case.kind == "dubbed_still":
        spec = spec.but(mouth_moves=False)
    return spec, challenge


def examine(data: bytes, challenge: Challenge, target: str | None) -> tuple[dict[str, bool | None], str]:
    """Every check on its own: what `verify_recording` decides, without stopping at the first failure.

    An attack's `target` check runs first; when it rejects, the verifier rejects and nothing else is run.
    `target` "speech only" runs the speech check alone (the clear recordings).
    """
    checks: dict[str, bool | None] = dict.fromkeys(CHECKS)
    duration = media.probe(data, media.DEFAULT_LIMITS)
    audio = media.read_audio(data, media.DEFAULT_LIMITS)
    pitch = track_pitch(audio)
    heard = None
    if pitch.voiced_seconds >= verify.MIN_VOICED_SECONDS:
        heard = speech.recognise(audio, challenge.phrase, pitch.sound_span(margin=0.5))
    checks["speech"] = heard is not None and heard.words == challenge.phrase
    detail = f"heard {heard.words!r} for {challenge.phrase!r}" if heard is not None else "no speech"
    if target == SPEECH_ONLY or (target == "speech" and not checks["speech"]):
        return checks, detail
    # Where the phrase is: what the recogniser placed, else where there was sound at all.
    speaking = (heard.start, heard.end) if heard and heard.words else pitch.sound_span(margin=0.0)
    try:
        track = verify._track_faces(data, duration, speaking, media.DEFAULT_LIMITS)
    except RecordingRejected as rejected:
        checks["faces"] = False
        return checks, f"{detail}; faces: {rejected.reason}"
    sampled = [o for o in track.observations if o.sampled]
    checks["faces"] = float(np.median([o.face.width for o in sampled])) >= verify.MIN_FACE_PX
    if target == "faces" and not checks["faces"]:
        return checks, detail
    distortion = lens.estimate_distortion(track.lens_frames, track.lens_boxes)
    checks["lens"] = not (distortion.trusted and distortion.k1 > verify.LENS_K1_LIMIT)
    seen = tuple(pose.movements([o.pose for o in sampled]))
    checks["moves"] = seen == challenge.moves
    correlation, mouth_range = verify._mouth_follows_speech(track.observations, audio, speaking)
    checks["liveness"] = mouth_range >= verify.MIN_MOUTH_RANGE and correlation >= verify.MIN_MOUTH_CORRELATION
    detail += f"; moves {seen} of {challenge.moves}; mouth r={correlation:.2f} range={mouth_range:.3f}"
    return checks, detail


def run_case(case: Case) -> Outcome:
    spec, challenge = spec_for(case)
    started = time.perf_counter()
    data = build(spec)
    built = time.perf_counter() - started
    decoded = 0.0
    if case.kind == "genuine":  # the baseline: decoding alone, against examining every check
        started = time.perf_counter()
        for _ in media.read_frames(data, verify.SAMPLE_FPS, media.DEFAULT_LIMITS):
            pass
        media.read_audio(data, media.DEFAULT_LIMITS)
        decoded = time.perf_counter() - started
    started = time.perf_counter()
    target = SPEECH_ONLY if case.kind == "clear" else ATTACKS.get(case.kind)
    checks, detail = examine(data, challenge, target)
    return Outcome(case.kind, checks, built, time.perf_counter() - started, decoded, detail)


def _rate(hits: int, total: int) -> str:
    low, high = wilson(hits, total)
    return f"{hits}/{total} = {100 * hits / max(total, 1):.1f} % (95 % CI {100 * low:.1f}–{100 * high:.1f} %)"


def report(outcomes: list[Outcome], seconds: float, workers: int) -> None:
    genuine = [o for o in outcomes if o.kind == "genuine"]
    print(f"{len(outcomes)} recordings ({len(genuine)} genuine) in {seconds:.0f} s with {workers} worker(s)")
    print("\nfalse reject rate on genuine recordings, per check (goal ≤ 1 %):")
    for check in CHECKS:
        examined = [o for o in genuine if o.checks[check] is not None]
        print(f"  {check:<9} {_rate(sum(not o.checks[check] for o in examined), len(examined))}")
    whole = sum(not all(o.checks.values()) for o in genuine)
    print(f"  {'verifier':<9} {_rate(whole, len(genuine))}  (any check rejects)")
    clear = [o for o in outcomes if o.kind == "clear"]
    clear_rejects = sum(not o.checks["speech"] for o in clear)
    print(f"\nspeech check on clear recordings: false rejects {_rate(clear_rejects, len(clear))}")
    print("\nfalse accept rate per attack (goal ≤ 1 %):")
    for attack, check in ATTACKS.items():
        tried = [o for o in outcomes if o.kind == attack]
        on_check = [o for o in tried if o.checks[check] is not None]
        passed_check = sum(bool(o.checks[check]) for o in on_check)
        passed_all = sum(all(o.checks.values()) for o in tried)
        print(f"  {attack:<16} by {check:<9} {_rate(passed_check, len(on_check))}")
        print(f"  {'':<16} by verifier  {_rate(passed_all, len(tried))}")
    for check in CHECKS:
        examined = [o for o in genuine if o.checks[check] is not None]
        rejected = sum(not o.checks[check] for o in examined)
        figure(f"false rejects, {check} check", _rate(rejected, len(examined)))
    figure("false rejects, speech check, clear recordings", _rate(clear_rejects, len(clear)))
    for attack in ATTACKS:
        tried = [o for o in outcomes if o.kind == attack]
        figure(f"false accepts, {attack}", _rate(sum(all(o.checks.values()) for o in tried), len(tried)))
    rejects = defaultdict(list)
    for o in genuine:
        for check in CHECKS:
            if o.checks[check] is False:
                rejects[check].append(o.detail)
    for check, details in rejects.items():
        print(f"\ngenuine rejected by {check} (first 5): " + " | ".join(details[:5]))
    verify_s = sum(o.verify_seconds for o in genuine) / len(genuine)
    decode_s = sum(o.decode_seconds for o in genuine) / len(genuine)
    build_s = sum(o.build_seconds for o in outcomes) / len(outcomes)
    print(
        f"\nper genuine recording: all checks {verify_s:.2f} s; baseline decoding alone {decode_s:.2f} s "
        f"(ratio {verify_s / decode_s:.1f}x); building a recording {build_s:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--genuine", type=int, default=300)
    parser.add_argument("--attacks", type=int, default=40, help="recordings per attack")
    parser.add_argument("--clear", type=int, default=100, help="clear recordings for the speech check alone")
    parser.add_argument("--workers", type=int, default=len(__import__("os").sched_getaffinity(0)))
    args = parser.parse_args()
    cases = [Case("genuine", i) for i in range(args.genuine)] + [Case("clear", i) for i in range(args.clear)]
    cases += [Case(attack, i) for attack in ATTACKS for i in range(args.attacks)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        outcomes = list(pool.imap(run_case, cases, chunksize=4))
    report(outcomes, time.perf_counter() - started, args.workers)


if __name__ == "__main__":
    main()
