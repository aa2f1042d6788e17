"""Voice parameters per character: distinct, stable for the whole plan.

The embedded TTS has one speaker; characters get their own voice from pitch,
speaking rate and timbre (spectral tilt). Slots are assigned in character order
so two characters in a plan never share one, and a character keeps its voice in
every scene. A cameo's voice comes from its measured voice profile instead, so it
sounds like its owner in every job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cinemesh.v1 import common_pb2, plan_pb2


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


#: The embedded voice (Piper `joe`) unshifted, measured like a cameo's (identity's `measure_voice`) over
#: five lines: median F0 85–93 Hz (short exclamations run higher), 4.1–5.5 syllables/s, tilt −8 … −14 dB/oct.
#: A cameo's voice is the shift from these to its own profile.
BASE_MEDIAN_F0_HZ = 90.0
BASE_SYLLABLES_PER_SECOND = 4.5
BASE_TILT_DB_PER_OCTAVE = -11.0
#: A cameo's pace follows its measured syllable rate only within ±15 %: the enrollment phrase is a list of
#: unrelated words, spoken slower than conversation, so its rate is a weak estimate of how the owner talks.
MIN_RATE, MAX_RATE = 0.85, 1.15


def cameo_voice(profile: common_pb2.VoiceProfile) -> Voice:
    """The voice that renders like a cameo's measured profile: its median pitch, pace and brightness."""
    pitch = 12 * math.log2(profile.median_f0_hz / BASE_MEDIAN_F0_HZ) if profile.median_f0_hz > 0 else 0.0
    rate = profile.speaking_rate_syllables_per_second / BASE_SYLLABLES_PER_SECOND
    brightness = profile.spectral_tilt_db_per_octave - BASE_TILT_DB_PER_OCTAVE
    return Voice(
        pitch_semitones=round(min(18.0, max(-12.0, pitch)), 3),
        rate=round(min(MAX_RATE, max(MIN_RATE, rate)), 3) if rate > 0 else 1.0,
        brightness_db=round(min(6.0, max(-6.0, brightness)), 3) if profile.spectral_tilt_db_per_octave else 0.0,
    )


def voices_for(
    characters: Sequence[plan_pb2.Character], cast: Sequence[common_pb2.CastMember] = ()
) -> dict[str, Voice]:
    """A voice per character id, distinct within the plan; cameos sound like their owners."""
    taken: set[Voice] = set()
    voices: dict[str, Voice] = {"narrator": NARRATOR}
    taken.add(NARRATOR)
    cameos = {member.handle.lower(): member for member in cast if member.HasField("voice")}
    for character in characters:
        cameo = cameos.get(character.handle.lower()) if character.handle else None
        if cameo is not None:
            voices[character.id] = cameo_voice(cameo.voice)
            continue
        pool = _SLOTS.get(character.gender, _SLOTS[""]) + _SLOTS[""]
        voice = next((v for v in pool if v not in taken), None)
        if voice is None:  # more characters than slots: derive a fresh, still distinct pitch
            voice = Voice(-6.0 + 1.5 * len(taken), 1.0, 0.0)
        taken.add(voice)
        voices[character.id] = voice
    return voices
