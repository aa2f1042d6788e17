"""Did the person say the challenged phrase? pocketsphinx with a grammar, not free dictation.

Free decoding of a random word sequence is unreliable with pocketsphinx's small model. A
JSGF grammar makes it a choice instead: the challenged phrase, 19 distractor phrases of the
same vocabulary and length, or a loop of any vocabulary words. Speech that is not the
phrase wins on the loop (or a distractor), so it reads as what was heard, and only the
phrase itself decodes as the phrase.
"""

from __future__ import annotations

import functools
import hashlib
import random
import threading
from dataclasses import dataclass

import numpy as np

from cinemesh.identity.enrollment.challenge import VOCABULARY
from cinemesh.identity.enrollment.voice import RATE

DISTRACTORS = 19
# The any-words loop is weighted down against whole phrases, so a phrase spoken clearly
# decodes as that phrase rather than as the same words one at a time.
_LOOP_WEIGHT = 0.3
_FRAMES_PER_SECOND = 100  # pocketsphinx's feature rate


@dataclass(frozen=True)
class Heard:
    """What the recogniser made of the speech: words, and where the phrase's words were (seconds)."""

    words: str
    start: float
    end: float


def grammar(phrase: str) -> str:
    """The JSGF grammar for `phrase`: it, its distractors, or any vocabulary words."""
    words = phrase.split()
    # Distractors are a function of the phrase: a recording is verified the same way every time.
    rng = random.Random(int.from_bytes(hashlib.sha256(phrase.encode()).digest()[:8], "big"))
    distractors: set[str] = set()
    while len(distractors) < DISTRACTORS:
        candidate = " ".join(rng.sample(VOCABULARY, len(words)))
        if candidate != phrase:
            distractors.add(candidate)
    alternatives = " | ".join(f"( {p} )" for p in [phrase, *sorted(distractors)])
    return (
        "#JSGF V1.0;\n"
        "grammar challenge;\n"
        f"<word> = {' | '.join(VOCABULARY)};\n"
        f"public <utterance> = {alternatives} | /{_LOOP_WEIGHT}/ <word>+;\n"
    )


class _Recogniser:
    def __init__(self) -> None:
        from pocketsphinx import Decoder

        # The default en-US acoustic model and dictionary inside the wheel; no language model.
        self.decoder = Decoder(lm=None, samprate=RATE, loglevel="FATAL")
        self.lock = threading.Lock()


@functools.cache
def _recogniser() -> _Recogniser:
    return _Recogniser()


def recognise(audio: np.ndarray, phrase: str, span: tuple[float, float] | None = None) -> Heard:
    """What was said in 16 kHz mono `audio`, as the grammar for `phrase` reads it.

    `span` (seconds) limits decoding to where there is sound at all: decoding time grows with
    the audio's length, and the silence around a phrase holds nothing to recognise.
    """
    offset = 0.0
    if span is not None:
        first, last = (int(np.clip(t * RATE, 0, len(audio))) for t in span)
        audio, offset = audio[first:last], first / RATE
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
    recogniser = _recogniser()
    with recogniser.lock:
        decoder = recogniser.decoder
        decoder.add_jsgf_string("challenge", grammar(phrase))
        decoder.activate_search("challenge")
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        if hypothesis is None or not hypothesis.hypstr:
            return Heard("", 0.0, 0.0)
        segments = [(s.word, s.start_frame, s.end_frame) for s in decoder.seg()]
    spoken = [(start, end) for word, start, end in segments if word in VOCABULARY]
    if not spoken:
        return Heard(hypothesis.hypstr, offset, offset)
    start, end = spoken[0][0] / _FRAMES_PER_SECOND, spoken[-1][1] / _FRAMES_PER_SECOND
    return Heard(hypothesis.hypstr, offset + start, offset + end)
