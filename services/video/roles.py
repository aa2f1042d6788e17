"""People's roles drawn on the figure: a chef's toque and whites, a carpenter's hammer, a worker's hard hat and
hi-vis vest, a toddler's proportions (data/roles.yaml: role -> costume, held prop, child proportions).

A role is read from the character's description once per shot; the costume is part of the figure's
appearance (drawn by `characters`), and the held prop is an atlas sprite composited onto the figure's
sprite, so it moves and is lit and graded with the figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import torch
import torch.nn.functional as F
import yaml

from cinemesh.video import subjects

DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[a-z][a-z'-]*")
#: Longest role name in words ("construction worker").
MAX_WORDS = 3
#: A held prop's placement in data/roles.yaml, in the order Held takes them.
HELD_FIELDS = ("x", "y", "height", "angle")

Rgb = tuple[float, float, float]


@dataclass(frozen=True)
class Held:
    """A prop in the figure's hands (or under its feet), in figure units (see data/roles.yaml)."""

    noun: subjects.Noun
    x: float
    y: float
    height: float
    angle: float  # degrees, clockwise


@dataclass(frozen=True)
class Child:
    scale: float  # of an adult's height
    head: float  # head size over an adult's
    torso: float  # trunk length over an adult's


@dataclass(frozen=True)
class Role:
    name: str
    hat: str = ""  # toque, hard_hat, helmet, cap or ""
    hat_colour: Rgb = (0.0, 0.0, 0.0)
    top: Rgb | None = None
    bottom: Rgb | None = None
    apron: Rgb | None = None
    stripes: Rgb | None = None
    bands: int = 2  # how many stripes across the top
    holds: Held | None = None
    child: Child | None = None


def _rgb(hex_colour: str | None) -> Rgb | None:
    if hex_colour is None:
        return None
    value = hex_colour.lstrip("#")
    r, g, b = (round(int(value[k : k + 2], 16) / 255, 4) for k in (0, 2, 4))
    return (r, g, b)


@cache
def table() -> dict[str, Role]:
    """Every role name and alias -> its Role."""
    data = yaml.safe_load((DATA / "roles.yaml").read_text())
    nouns = subjects.vocabulary().nouns
    found: dict[str, Role] = {}
    for name, entry in data["roles"].items():
        held = entry.get("holds")
        child = entry.get("child")
        role = Role(
            name,
            entry.get("hat", ""),
            _rgb(entry.get("hat_colour", "#000000")) or (0.0, 0.0, 0.0),
            _rgb(entry.get("top")),
            _rgb(entry.get("bottom")),
            _rgb(entry.get("apron")),
            _rgb(entry.get("stripes")),
            int(entry.get("bands", 2)),
            None if held is None else Held(nouns[held["noun"]], *(float(held[k]) for k in HELD_FIELDS)),
            None if child is None else Child(float(child["scale"]), float(child["head"]), float(child["torso"])),
        )
        for word in [name, *entry.get("aliases", [])]:
            found[word] = role
    for line in (DATA / "role_kinds.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        word, kind = line.split("\t")  # a word for a person drawn in the role WordNet puts them under (a cooper)
        found.setdefault(word, found[kind])
    return found


def role_of(description: str) -> Role | None:
    """The role a character's description names ("a CARPENTER" -> carpenter, "toddler in yellow wellies" ->
    toddler): the longest table entry starting at the earliest word, plural or not."""
    roles = table()
    words = _WORD.findall(description.lower())
    for start in range(len(words)):
        for n in range(min(MAX_WORDS, len(words) - start), 0, -1):
            phrase = " ".join(words[start : start + n])
            for form in (phrase, phrase[:-1] if phrase.endswith("s") else phrase):
                if form in roles:
                    return roles[form]
    return None


def hold(sprite: torch.Tensor, held: Held, light: torch.Tensor, top_margin: float, scale: float) -> None:
    """Composite the held prop onto a figure's sprites in place: `sprite` [F, 4, H, W] straight colour in 0..1
    as `characters.render_figure` returns it (figure unit u lands at y = H * (top_margin + scale * u)), the
    prop lit by `light` [3] like the figure."""
    height, width = sprite.shape[2:]
    size = held.height * scale * height
    drawing = subjects.sprite(held.noun).to(sprite.device)
    factor = size / drawing.shape[1]
    h, w = max(2, round(drawing.shape[1] * factor)), max(2, round(drawing.shape[2] * factor))
    prop = F.interpolate(drawing[None], size=(h, w), mode="bilinear", align_corners=False, antialias=True)[0]
    if held.angle:
        prop = subjects._rotated(prop, math.radians(held.angle))
        h, w = prop.shape[1:]
    prop = torch.cat([prop[:3] * light.to(sprite.device)[:, None, None], prop[3:]]).clamp(0, 1)
    cx, cy = width / 2 + held.x * scale * height, height * (top_margin + scale * held.y)
    x0, y0 = round(cx - w / 2), round(cy - h / 2)
    sx, sy = max(0, -x0), max(0, -y0)  # the part of the prop inside the sprite
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, x0 + w - sx), min(height, y0 + h - sy)
    if x1 <= x0 or y1 <= y0:
        return
    part = prop[:, sy : sy + y1 - y0, sx : sx + x1 - x0]
    under = sprite[:, :, y0:y1, x0:x1]
    alpha, under_alpha = part[3:4], under[:, 3:4]
    total = alpha + under_alpha * (1 - alpha)
    rgb = (part[:3] * alpha + under[:, :3] * under_alpha * (1 - alpha)) / total.clamp(min=1e-6)
    sprite[:, :, y0:y1, x0:x1] = torch.cat([rgb, total], dim=1)
