"""The prompt stage's vocabulary: phrases people write → plan values, read from data/lexicon.yaml.

Each table maps a regular expression (matched case-insensitively on word boundaries) to a proto enum
value, named in the data file and resolved here against the generated contracts, so a typo fails at
start-up instead of matching nothing. Order matters only where noted in the file; overlapping matches
are resolved by the extractor (longest match wins).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cinemesh.v1 import plan_pb2 as p

_DATA: dict[str, Any] = yaml.safe_load(Path(__file__).with_name("data").joinpath("lexicon.yaml").read_text())


def _enum(name: str) -> int:
    value = getattr(p, name)  # an unknown name fails here, at start-up
    if not isinstance(value, int):
        raise TypeError(f"lexicon.yaml: {name} is not an enum value of cinemesh.v1 plan.proto")
    return value


def _table(name: str) -> list[tuple[str, int]]:
    return [(pattern, _enum(value)) for pattern, value in _DATA[name]]


SHOT_SIZES = _table("SHOT_SIZES")
CAMERA_MOVEMENTS = _table("CAMERA_MOVEMENTS")
LOCATIONS = _table("LOCATIONS")
TIMES_OF_DAY = _table("TIMES_OF_DAY")
WEATHERS = _table("WEATHERS")
LIGHTINGS = _table("LIGHTINGS")
STYLES = _table("STYLES")
ACTIONS = _table("ACTIONS")
SOUND_EVENTS = _table("SOUND_EVENTS")
AMBIENCES = _table("AMBIENCES")
ACOUSTICS = _table("ACOUSTICS")
PEOPLE: dict[str, str] = _DATA["PEOPLE"]
PEOPLE_MODIFIED: str = _DATA["PEOPLE_MODIFIED"]
PEOPLE_PLURALS: dict[str, str] = _DATA["PEOPLE_PLURALS"]
NUMBERS: dict[str, int] = {str(k): v for k, v in _DATA["NUMBERS"].items()}
CROWD_WORDS: str = _DATA["CROWD_WORDS"]
FILLER_WORDS: str = _DATA["FILLER_WORDS"]
BRIEF_JARGON: str = _DATA["BRIEF_JARGON"]
BRIEF_FIELDS: str = _DATA["BRIEF_FIELDS"]
REQUEST_VERBS: str = _DATA["REQUEST_VERBS"]
SPEECH_VERBS: dict[str, int] = {k: p.Delivery.Value(v) for k, v in _DATA["SPEECH_VERBS"].items()}
SURFACES: dict[str, str] = _DATA["SURFACES"]
MUSIC_WORDS: str = _DATA["MUSIC_WORDS"]
NO_MUSIC: str = _DATA["NO_MUSIC"]
MOODS: tuple[str, ...] = tuple(_DATA["MOODS"])
GENRES: tuple[str, ...] = tuple(_DATA["GENRES"])
PLACES: frozenset[str] = frozenset(_DATA["PLACES"])
VEHICLE_PLACES: frozenset[str] = frozenset(_DATA["VEHICLE_PLACES"])
OWNED_SETTINGS: frozenset[str] = frozenset(_DATA["OWNED_SETTINGS"])
OWNED_HEARD: frozenset[str] = frozenset(_DATA["OWNED_HEARD"])
OCCASIONS: frozenset[str] = frozenset(_DATA["OCCASIONS"])
IMPLIED_PLACES: dict[str, str] = _DATA["IMPLIED_PLACES"]
POV_AGENTS: dict[str, str] = _DATA["POV_AGENTS"]
POV_SCENE_ROLES: dict[str, str] = _DATA["POV_SCENE_ROLES"]
POV_VIEWER_TIMES: str = _DATA["POV_VIEWER_TIMES"]
POV_NOT_RIDES: frozenset[str] = frozenset(_DATA["POV_NOT_RIDES"])
ACTING_BODY_PARTS: tuple[str, ...] = tuple(_DATA["ACTING_BODY_PARTS"])
WORN_THINGS: frozenset[str] = frozenset(_DATA["WORN_THINGS"])
CLOTHES: str = _DATA["CLOTHES"]
ANIMAL_PERSON_WORDS: frozenset[str] = frozenset(_DATA["ANIMAL_PERSON_WORDS"])
#: (rt60 seconds, high-pass Hz, low-pass Hz, level dB) per acoustic class.
ACOUSTIC_PARAMETERS: dict[int, tuple[float, float, float, float]] = {
    p.AcousticClass.Value(k): (float(v[0]), float(v[1]), float(v[2]), float(v[3]))
    for k, v in _DATA["ACOUSTIC_PARAMETERS"].items()
}
