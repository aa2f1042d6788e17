"""Voice parameters per character: distinct, stable for the whole plan.

The embedded TTS has one speaker; characters get their own voice from pitch,
speaking rate and timbre (spectral tilt). Slots are assigned in character order
so two characters in a plan never share one, and a character keeps its voice in
every scene. A cameo's measured voice vector will set these later.
"""

from __future__ import annotations

from dataclasses import dataclass

from cinemesh.v1 import plan_pb2


@dataclass(frozen=True)
class Voice:
    """How a character sounds."""

    #: Pitch shift from the base voice, in semitones.
    pitch_semitones: float
    #: Speaking rate multiplier (>1 faster).
    rate: float
    #: Spectral tilt in dB per octave above 1 kHz (>0 brighter).
    brightness_db: float


# Well-separated slots (≥ 3 semitones apart within a gender) so voices never collide.
_SLOTS = {
    "female": [Voice(6.0, 1.04, 2.0), Voice(9.0, 0.96, -1.0), Voice(4.0, 1.08, 3.0)],
    "male": [Voice(0.0, 1.0, 0.0), Voice(-3.0, 0.94, -2.0), Voice(2.5, 1.06, 1.5)],
    "": [Voice(-1.5, 0.98, -1.0), Voice(5.0, 1.03, 1.0), Voice(1.0, 1.05, 2.0), Voice(7.5, 0.97, 0.0)],
}
NARRATOR = Voice(-2.0, 0.95, -1.5)


def voices_for(characters: list[plan_pb2.Character]) -> dict[str, Voice]:
    """A voice per character id, distinct within the plan."""
    taken: set[Voice] = set()
    voices: dict[str, Voice] = {"narrator": NARRATOR}
    taken.add(NARRATOR)
    for character in characters:
        pool = _SLOTS.get(character.gender, _SLOTS[""]) + _SLOTS[""]
        voice = next((v for v in pool if v not in taken), None)
        if voice is None:  # more characters than slots: derive a fresh, still distinct pitch
            voice = Voice(-6.0 + 1.5 * len(taken), 1.0, 0.0)
        taken.add(voice)
        voices[character.id] = voice
    return voices
