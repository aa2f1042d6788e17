"""Light as the prompt names it: dawn's warm horizon under a cool sky, dusk's deep blue, a full moon,
candlelight's warm pools in the dark, a laundry's fluorescent tubes, frost, winter, hail, a thunderstorm
flashing past the windows.

data/light.yaml holds the conditions: the words that name each and what it does (the plan's enum value it
stands for, sky colours, the light on lit surfaces, a sun or moon disc, ground finishes, light pools,
elements that show the light's sources, what falls, lightning). A shot's conditions are the ones its scene's
prompt names, plus those its plan's time of day implies.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import subjects

DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[a-z][a-z'-]*")
# the time of day a plan already carries brings its own condition (a dawn sky without the word "dawn")
_BY_TIME = {p.TIME_OF_DAY_DAWN: "dawn", p.TIME_OF_DAY_DUSK: "dusk", p.TIME_OF_DAY_NIGHT: "night"}


@dataclass(frozen=True)
class Light:
    """The conditions of one shot, by name, with their table entries."""

    names: frozenset[str]

    def get(self, key: str) -> list[Any]:
        """Every value the shot's conditions give `key`, in the table's order."""
        table = conditions()
        return [table[name][key] for name in table if name in self.names and key in table[name]]

    def first(self, key: str, default: Any = None) -> Any:
        values = self.get(key)
        return values[0] if values else default


@cache
def conditions() -> dict[str, dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA / "light.yaml").read_text(), Loader=loader)["conditions"]


@cache
def _phrases() -> dict[tuple[str, ...], str]:
    return {tuple(word.split()): name for name, entry in conditions().items() for word in entry["words"]}


def named(text: str) -> frozenset[str]:
    """The conditions a text names ("at dawn", "a frosty paddock", "under a full moon")."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    tokens = _WORD.findall(plain)
    phrases = _phrases()
    longest = max(len(phrase) for phrase in phrases)
    found: set[str] = set()
    for at in range(len(tokens)):
        for n in range(min(longest, len(tokens) - at), 0, -1):
            head = tuple(tokens[at : at + n - 1])
            hit = next(
                (
                    phrases[(*head, last)]
                    for last in subjects._singulars(tokens[at + n - 1])
                    if (*head, last) in phrases
                ),
                None,
            )
            if hit is not None:
                found.add(hit)
                break
    return frozenset(found)


def unnamed(light: Light, text: str) -> str:
    """The text with the words of the shot's named lights whose lamps are drawn (a regular plural too) blanked, each
    character a space so that offsets into it hold: the light draws its own sources, so "bare bulbs" names no
    light-bulb prop or subject, and "candlelight" no candle. Words of the hour or the weather stay as written."""
    for name in light.names:
        if "draw" not in conditions()[name]:
            continue
        for words in sorted(conditions()[name]["words"], key=len, reverse=True):
            pattern = r"\s+".join(re.escape(word) for word in words.split())
            text = re.sub(
                rf"(?<![\w'-]){pattern}(?:e?s)?(?![\w'-])", lambda m: " " * len(m.group(0)), text, flags=re.IGNORECASE
            )
    return text


def of_shot(env: p.Environment, prompt: str) -> Light:
    """The shot's conditions: those its prompt names, and the one its plan's time of day stands for. Dusk
    wins over night where both are named ("at dusk … the night shift"): the sky is the earlier one's."""
    names = set(named(prompt))
    implied = _BY_TIME.get(env.time_of_day)
    if implied is not None and not Light(frozenset(names)).first("overrides_time"):
        names.add(implied)  # (not where the plan's time is a word of a named condition: the midnight sun)
    if "dusk" in names and env.time_of_day != p.TIME_OF_DAY_NIGHT:
        names.discard("night")
    if "dawn" in names and env.time_of_day in (p.TIME_OF_DAY_DAWN, p.TIME_OF_DAY_DAY):
        names -= {"night", "dusk"}
    return Light(frozenset(names))


def environment(env: p.Environment, light: Light) -> p.Environment:
    """The plan's environment with the values the named conditions stand for (a hailstorm is a storm, a
    candlelit hall candlelight, a street under sodium lamps night unless the prompt gives the hour)."""
    out = p.Environment()
    out.CopyFrom(env)
    for key, enum, field in (
        ("time", p.TimeOfDay, "time_of_day"),
        ("weather", p.Weather, "weather"),
        ("lighting", p.Lighting, "lighting"),
    ):
        value = light.first(key)
        if value is None:
            continue
        prefix = {"time_of_day": "TIME_OF_DAY_", "weather": "WEATHER_", "lighting": "LIGHTING_"}[field]
        wanted = enum.Value(prefix + value)
        current = getattr(out, field)
        # the time of day the prompt stated stays (its own condition is among these), unless the condition
        # holds the very word the planner read it from; a weather only replaces a broad or clear sky, never rain
        # or snow the planner found
        stated = current != p.TIME_OF_DAY_UNSPECIFIED and not env.time_of_day_source.inferred
        if field == "time_of_day" and stated and not light.first("overrides_time"):
            continue
        if field == "weather" and current not in (p.WEATHER_UNSPECIFIED, p.WEATHER_CLEAR, p.WEATHER_RAIN):
            continue
        setattr(out, field, wanted)
    return out
