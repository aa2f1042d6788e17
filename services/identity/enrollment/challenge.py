"""The live challenge a reference recording must answer: head movements in order and a spoken phrase.

Directions are the person's own: "left" is a turn to the person's left, which in an
unmirrored camera picture moves the nose towards the picture's right edge. "up"
tilts the chin up. This is the convention of `HeadMove` in identity.proto.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from cinemesh.v1 import identity_pb2

MOVES = ("left", "right", "up", "down")
MOVE_TO_PROTO = {
    "left": identity_pb2.HEAD_MOVE_LEFT,
    "right": identity_pb2.HEAD_MOVE_RIGHT,
    "up": identity_pb2.HEAD_MOVE_UP,
    "down": identity_pb2.HEAD_MOVE_DOWN,
}

# The challenge vocabulary is data, chosen by measuring the recogniser word by word (see the file).
VOCABULARY = tuple(
    line.strip()
    for line in (Path(__file__).with_name("vocabulary.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

MIN_MOVES, MAX_MOVES = 3, 4
MIN_WORDS, MAX_WORDS = 4, 6


@dataclass(frozen=True)
class Challenge:
    """What one enrollment recording must show: `moves` in order, then or meanwhile `phrase` spoken."""

    moves: tuple[str, ...]
    phrase: str

    def __post_init__(self) -> None:
        if not MIN_MOVES <= len(self.moves) <= MAX_MOVES or any(m not in MOVES for m in self.moves):
            raise ValueError(f"moves must be {MIN_MOVES}–{MAX_MOVES} of {MOVES}, got {self.moves}")
        if any(a == b for a, b in zip(self.moves, self.moves[1:], strict=False)):
            raise ValueError(f"moves must not repeat one after the other, got {self.moves}")
        words = self.phrase.split()
        if not MIN_WORDS <= len(words) <= MAX_WORDS or any(w not in VOCABULARY for w in words):
            raise ValueError(f"phrase must be {MIN_WORDS}–{MAX_WORDS} words of the challenge vocabulary")

    @classmethod
    def new(cls, rng: random.Random | None = None) -> Challenge:
        """A fresh challenge; unpredictable by default (the system's secure random source)."""
        rng = rng or secrets.SystemRandom()
        moves = [rng.choice(MOVES)]
        for _ in range(rng.randint(MIN_MOVES, MAX_MOVES) - 1):
            moves.append(rng.choice([m for m in MOVES if m != moves[-1]]))
        words = rng.sample(VOCABULARY, rng.randint(MIN_WORDS, MAX_WORDS))
        return cls(tuple(moves), " ".join(words))

    @property
    def proto_moves(self) -> list[int]:
        """The moves as `HeadMove` values, for `EnrollmentChallenge.moves`."""
        return [MOVE_TO_PROTO[m] for m in self.moves]
