"""Places drawn as the prompt names them: a kitchen with counters and a stove, a quay with boats, a platform
with its edge and rails.

data/places.yaml holds the place kinds: the words that name each, whether it is indoors, where subjects
stand and boats float, and the elements it is drawn from (walls, grounds with a texture, sea bands,
ridges, rocks, rectangles, ellipses, polygons, rows of bottles, strings of lights, rails, skylines and
sprites from the subject atlas), each on a depth layer. Coordinates are frame widths (x, from the frame's
left edge at rest; the canvas runs from -0.45 to 1.45) and frame heights (y, from the horizon: negative is
above it), so a place fits any frame. Everything is drawn once per shot, like the rest of the world.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import torch
import yaml

from cinemesh.video import subjects

DATA = Path(__file__).resolve().parent / "data"
#: Layer depths by name (scene units; the same scale as services/video/world.py).
DEPTHS = {"far": 10.0, "mid": 5.0, "near": 2.5, "front": 1.6}
_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True)
class Kind:
    name: str
    words: tuple[str, ...]
    indoors: bool
    base: str  # a location builder drawn first ("" for none): field, beach, city, desert, mountains, forest
    generic: bool  # a broad word ("sea", "town"): a more particular place in the prompt wins
    feet: float | None  # frame-height fraction where people and subjects stand (None: the world's default)
    water: float | None  # frame heights below the horizon where boats float (None: no water)
    surf: tuple[float, float] | None  # where a wave breaks: frame widths from the left, frame heights below the horizon
    elements: tuple[dict[str, Any], ...]
    trees: str | None = None  # the tree species of a forest base (a noun of the subject atlas)
    feature: bool = False  # a pond, a lake: drawn inside a wider setting the prompt names (a forest, a savanna)
    setting: bool = False  # a wide landscape (a forest, mountains) that a feature can lie in
    finish: frozenset[str] = frozenset()  # ground finishes from the words before the place: frost, snow, dust…


@dataclass
class Drawn:
    """A place's layers [(rgb float [H, W, 3], mask bool [H, W] | None, depth)] far to near, and its glass
    (windows onto the sky, where the weather outside shows), bool [H, W] or None."""

    layers: list[tuple[torch.Tensor, torch.Tensor | None, float]]
    glass: torch.Tensor | None


@cache
def table() -> dict[str, Kind]:
    data = _data()
    parts = data.get("parts", {})
    kinds = {}
    for name, entry in data["kinds"].items():
        drawn = []
        for spec in entry.get("draw", []):  # a part is a shared group of elements (pews, vine rows, a parapet)
            drawn += parts[spec["name"]] if spec["is"] == "part" else [spec]
        kinds[name] = Kind(
            name,
            tuple(entry.get("words", [name])),
            bool(entry.get("indoors", False)),
            entry.get("base", ""),
            bool(entry.get("generic", False)),
            entry.get("feet"),
            entry.get("water"),
            tuple(entry["surf"]) if "surf" in entry else None,
            tuple(drawn),
            entry.get("trees"),
            bool(entry.get("feature", False)),
            bool(entry.get("setting", False)),
        )
    return kinds


@cache
def _data() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser where built: the table is long
    return yaml.load((DATA / "places.yaml").read_text(), Loader=loader)


def modifiers() -> dict[str, dict[str, Any]]:
    """Words written before a place's name that change how it is drawn ("birch", "frosty", "dusty")."""
    return _data().get("modifiers", {})


def finishes() -> dict[str, dict[str, Any]]:
    """What each ground finish does to open ground and water (frost's rime, dust's ochre, ice on a pond)."""
    return _data().get("finishes", {})


@cache
def _by_words() -> dict[tuple[str, ...], Kind]:
    return {tuple(word.split()): kind for kind in table().values() for word in kind.words}


@cache
def _by_wordnet() -> dict[tuple[str, ...], Kind]:
    """Place words the kinds lack → the kind WordNet 3.1 puts them under (data/place_kinds.tsv, built by
    scripts/build_noun_kinds.py): a pawnshop is a shop, a slough a swamp, a byre a barn."""
    kinds = table()
    lines = (DATA / "place_kinds.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {tuple(word.split()): kinds[kind] for word, kind in (line.split("\t") for line in lines)}


def _tokens(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _WORD.findall(plain)


#: Words after which a place phrase names a landmark of the place it opens with ("the field behind the pub").
BESIDE = {"behind", "beside", "next", "near", "outside", "opposite", "across", "alongside", "overlooking", "by"}


def _headed(tokens: list[str]) -> list[str]:
    """A place phrase's words up to the landmark it places itself by, where the words before that name a place:
    "field behind the pub" is a field, "road outside a primary school" a road."""
    at = next((k for k, token in enumerate(tokens) if token in BESIDE and k), None)
    return tokens[:at] if at is not None and _found(tokens[:at]) else tokens


def _found(tokens: list[str]) -> list[Kind]:
    """The kinds the tokens name by the kinds' own words, in the order they are named (the longest name at each
    word)."""
    return [kind for _, kind in _named(tokens, _by_words())]


def _named(tokens: list[str], by_words: dict[tuple[str, ...], Kind]) -> list[tuple[int, Kind]]:
    """(index of the first word, kind) of each name in the tokens, the longest name at each word."""
    longest = max(len(k) for k in by_words)
    found: list[tuple[int, Kind]] = []
    at = 0
    while at < len(tokens):
        for n in range(min(longest, len(tokens) - at), 0, -1):
            head = tuple(tokens[at : at + n - 1])
            kind = next(
                (
                    by_words[(*head, last)]
                    for last in subjects._singulars(tokens[at + n - 1])
                    if (*head, last) in by_words
                ),
                None,
            )
            if kind is not None:
                found.append((at, kind))
                at += n
                break
        else:
            at += 1
    return found


#: Words that put what follows them in a place ("in an Antwerp pawnshop", "outside the guesthouse"), and how many
#: words after one may still be the place's name.
PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "on", "inside", "outside", "near", "by", "beside", "across", "through", "into", "onto", "from", "off",
     "over", "under", "along", "behind"}
)  # fmt: skip
PREPOSITION_REACH = 3


def _wordnet_places(tokens: list[str], anywhere: bool) -> list[Kind]:
    """The particular kinds WordNet puts the tokens' place words under: `anywhere` in a place's own phrase, else
    only where a place preposition comes just before ("in the slough" puts us there; "the pawnshop ticket curls"
    does not)."""
    placed = {
        at + step
        for at, token in enumerate(tokens)
        if token in PLACE_PREPOSITIONS
        for step in range(1, PREPOSITION_REACH + 1)
    }
    return [k for at, k in _named(tokens, _by_wordnet()) if not k.generic and (anywhere or at in placed)]


#: Words that put a shot outside the building a place word names ("the front of a stone cottage").
_OUTSIDE = re.compile(
    r"\b(?:(?:front|outside|exterior|walls?|facade|face|porch|doorstep) of|outside)\s+"
    r"(?:the|a|an|our|my|his|her|their)?\s*"
)


def resolve(place_phrase: str, prompt: str) -> Kind | None:
    """The place kind a shot shows: the planner's place (with the words written before it) when the prompt
    says it and it is particular; else the first particular place the prompt names; else the kind WordNet files
    the place's words under; else a broad one. A room of a dwelling the prompt puts us outside of ("wisteria over
    the front of a stone cottage") is the place outside it (data: `outside_of`)."""
    kind = _resolve(place_phrase, prompt)
    outside = _data().get("outside_of", {})
    if kind is None or kind.name not in outside:
        return kind
    folded = " ".join(_tokens(prompt))
    if any(kind in _found(folded[m.end() :].split()[:4]) for m in _OUTSIDE.finditer(folded)):
        return table()[outside[kind.name]]
    return kind


def _resolve(place_phrase: str, prompt: str) -> Kind | None:
    # a brief's brand and its line name no place of the shot ("Brand: Rossi's Parlour")
    for start, end in subjects.brief_spans(prompt):
        prompt = prompt[:start] + " " * (end - start) + prompt[end:]
    tokens = _tokens(prompt)
    named = _found(tokens)
    phrase = _tokens(place_phrase)
    head = _headed(phrase)
    said = [k for k in _found(head) if not prompt or k in named]
    parts = set(_data().get("phrase_only", []))  # "the tin roof of the hen house" puts no shot on a rooftop
    landmarks = _found(phrase[len(head) :])  # "the field behind the pub" is not in the pub
    # a place named only as what another stands by ("on the field behind the pub") is no place of the shot's
    beside = {
        at + step
        for at, token in enumerate(tokens)
        if token in BESIDE and at and _found(tokens[max(0, at - 3) : at])
        for step in range(1, 4)
    }
    kept = ["" if t in parts else t for t in tokens]
    scene = [k for at, k in _named(kept, _by_words()) if k not in landmarks and at not in beside] if prompt else []
    if not _found([t for t in head if t not in parts]) and any(not k.generic for k in scene):
        said = []  # "rime on the roof" of a watermill by its mill race: the race is where the shot is
    for candidates, last in (([k for k in said if not k.generic], True), ([k for k in scene if not k.generic], False)):
        if candidates:
            return candidates[-1] if last else candidates[0]
    # no particular kind by its own words: the kind WordNet puts the place's words under, then the prompt's
    said_wordnet, scene_wordnet = _wordnet_places(_tokens(place_phrase), True), _wordnet_places(_tokens(prompt), False)
    if said_wordnet or scene_wordnet:
        return said_wordnet[-1] if said_wordnet else scene_wordnet[0]
    return (said or scene or [None])[-1 if said else 0]


def home(noun: str, family: str, indoors_only: bool) -> Kind | None:
    """The place a subject usually is (a dolphin's sea, a colander's kitchen), by its noun, else its family; only
    an indoor one where `indoors_only` (the prompt puts the shot inside)."""
    homes = _data().get("homes", {})
    name = next((kind for kind, nouns in homes.get("nouns", {}).items() if noun in nouns), None)
    kind = table().get(name or homes.get("families", {}).get(family, ""))
    return None if kind is None or (indoors_only and not kind.indoors) else kind


def setting_of(thing: str, kind: Kind, prompt: str, outside: bool = False) -> Kind | None:
    """The place a shot shows when the place found is the very thing the shot's subject draws (a glass greenhouse
    in a botanical garden, seen from outside), or a room while the subject is a building seen from `outside` (a
    cottage under grey skies): the other place the prompt names, where that thing stands (outdoors, for a
    building); else the place found, or for a building none (the location's own world)."""
    if thing not in kind.words and not (outside and kind.indoors):
        return kind
    others = [k for k in _found(_tokens(prompt)) if k is not kind and thing not in k.words]
    if outside:
        others = [k for k in others if not k.indoors]
    fallback = None if outside and kind.indoors else kind
    return next((k for k in others if not k.generic), others[0] if others else fallback)


def unnamed(kind: Kind, text: str) -> str:
    """The text without the kind's names (a multi-word name whole, a regular plural too): the place draws
    itself, so "rice terraces" adds no bowl of rice and "a coal mine" no lump of coal to the scenery."""
    for name in sorted(kind.words, key=len, reverse=True):
        words = r"\s+".join(re.escape(word) for word in name.split())
        text = re.sub(rf"(?<![\w'-]){words}(?:e?s)?(?![\w'-])", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


#: How many words before a place's name may qualify it ("a frosty, empty paddock").
MODIFIER_REACH = 3


def compose(kind: Kind, place_phrase: str, prompt: str) -> Kind:
    """The place as drawn: a feature (a pond) inside the wider setting the prompt also names (a birch forest),
    with the tree species and ground finishes of the words written before either name."""
    tokens = _tokens(f"{place_phrase} . {prompt}")
    named = _found(_tokens(prompt)) if prompt else []
    setting = next((k for k in named if k.setting and k is not kind), None) if kind.feature else None
    trees, finish, base, added = kind.trees, set(kind.finish), (setting or kind).base, ()
    for qualified in (kind, setting):
        if qualified is None:
            continue
        for word in _qualifiers(tokens, qualified):
            effect = modifiers().get(word, {})
            if qualified.base == "forest" and "trees" in effect:  # a species drawn as sprites
                trees = effect["trees"]
            if qualified.base == "forest" and "stand" in effect:  # a species drawn from parts (birch trunks)
                base, added = "", tuple(_data()["parts"][effect["stand"]])
            finish |= set(effect.get("finish", []))
    if setting is not None:
        backdrop = tuple(spec for spec in kind.elements if not spec.get("backdrop"))
        return Kind(
            kind.name, kind.words, kind.indoors, base, kind.generic, kind.feet, kind.water, kind.surf,
            added + setting.elements + backdrop, trees or setting.trees, True, False, frozenset(finish),
        )  # fmt: skip
    return dataclasses.replace(kind, base=base, elements=added + kind.elements, trees=trees, finish=frozenset(finish))


def _qualifiers(tokens: list[str], kind: Kind) -> list[str]:
    """The words (and word pairs) written up to MODIFIER_REACH words before each mention of the kind."""
    names = {tuple(word.split()) for word in kind.words}
    found: list[str] = []
    for at in range(len(tokens)):
        for name in names:
            end = at + len(name)
            if end <= len(tokens) and any(
                (*tokens[at : end - 1], last) == name for last in subjects._singulars(tokens[end - 1])
            ):
                before = tokens[max(0, at - MODIFIER_REACH) : at]
                found += before + [f"{a} {b}" for a, b in itertools.pairwise(before)]
    return found


# ---------------------------------------------------------------- drawing


def colour(value: str | list[float]) -> torch.Tensor:
    if isinstance(value, str):
        value = [int(value.lstrip("#")[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    return torch.tensor(value, dtype=torch.float32)


class Painter:
    """Paints a kind's elements on canvas-sized layers. `left` is the canvas column of the frame's left edge
    at rest, `horizon` the canvas row of the horizon, `sky` the sky layer (windows show it)."""

    def __init__(
        self,
        canvas_h: int,
        canvas_w: int,
        left: float,
        horizon: float,
        width: int,
        height: int,
        sky: torch.Tensor,
        g: torch.Generator,
        night: bool,
        snowy: bool = False,
        finish: frozenset[str] = frozenset(),
    ) -> None:
        self.ch, self.cw, self.left, self.horizon, self.w, self.h = canvas_h, canvas_w, left, horizon, width, height
        self.sky, self.g, self.night = sky, g, night
        effects = [finishes()[name] for name in sorted(finish) if name in finishes()]
        self.snowy = snowy or any(effect.get("snow") for effect in effects)
        self.on_ground = [effect["ground"] for effect in effects if "ground" in effect]
        self.on_water = [effect["water"] for effect in effects if "water" in effect]
        self.layers: dict[float, tuple[torch.Tensor, torch.Tensor | None]] = {}
        self.glass: torch.Tensor | None = None

    # coordinates
    def X(self, x: float) -> float:
        return self.left + x * self.w

    def Y(self, y: float) -> float:
        return self.horizon + y * self.h

    def _layer(self, name: str, opaque: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        depth = DEPTHS[name]
        if depth not in self.layers:
            rgb = torch.zeros(self.ch, self.cw, 3)
            self.layers[depth] = (rgb, None if opaque else torch.zeros(self.ch, self.cw, dtype=torch.bool))
        elif opaque:
            self.layers[depth] = (self.layers[depth][0], None)
        return self.layers[depth]

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[slice, slice] | None:
        ys, ye = max(0, math.floor(y0)), min(self.ch, math.ceil(y1))
        xs, xe = max(0, math.floor(x0)), min(self.cw, math.ceil(x1))
        return (slice(ys, ye), slice(xs, xe)) if ys < ye and xs < xe else None

    def _fill(self, layer: str, box: tuple[slice, slice], shape: torch.Tensor, paint: torch.Tensor) -> None:
        """Paint `paint` ([h, w, 3] or [3]) where `shape` (bool [h, w]) is set inside `box` of a layer."""
        rgb, mask = self._layer(layer)
        region = rgb[box]
        rgb[box] = torch.where(shape[..., None], paint.expand_as(region), region)
        if mask is not None:
            mask[box] |= shape

    def _shifts(self, spec: dict[str, Any]) -> list[float]:
        """x offsets of a repeated element (frame widths): every `repeat` across the whole canvas."""
        pitch = spec.get("repeat")
        if not pitch:
            return [0.0]
        reach = self.left / self.w + 0.2
        shifts = [k * pitch for k in range(-math.ceil(reach / pitch) - 1, math.ceil((1 + reach) / pitch) + 2)]
        if "span" in spec:  # repeated only from span[0] to span[1] (where the element's own x starts)
            lo, hi = spec["span"]
            start = spec["x"][0] if isinstance(spec["x"], list) else spec["x"]
            shifts = [dx for dx in shifts if lo <= start + dx <= hi]
        return shifts

    def _paint_of(
        self, spec: dict[str, Any], box: tuple[slice, slice], local: tuple[torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        """The element's colours inside its box: its colour, a texture in colour2, the sky for glass."""
        ys, xs = box
        h, w = ys.stop - ys.start, xs.stop - xs.start
        if spec.get("colour") == "sky":
            base = self.sky[box].clone()
        else:
            base = colour(spec.get("colour", "#808080")).expand(h, w, 3).clone()
            shade = spec.get("shade", 0.0)
            if shade:
                t = torch.linspace(0, 1, h)[:, None, None]
                base = base * (1 - shade * t)
        texture = spec.get("texture")
        if texture:
            lines = _texture(texture, local[0], local[1], spec.get("pitch", 0.05) * self.h, self.h, self.g)
            base = torch.where(lines[..., None], colour(spec.get("colour2", "#303030")).expand(h, w, 3), base)
        return base

    def _local(self, box: tuple[slice, slice], x0: float, y0: float) -> tuple[torch.Tensor, torch.Tensor]:
        ys, xs = box
        yy = torch.arange(ys.start, ys.stop, dtype=torch.float32)[:, None] - y0
        xx = torch.arange(xs.start, xs.stop, dtype=torch.float32)[None, :] - x0
        return xx.expand(len(yy), xx.shape[1]), yy.expand(len(yy), xx.shape[1])

    # elements
    def wall(self, spec: dict[str, Any]) -> None:
        layer = spec.get("layer", "mid")
        rgb, _ = self._layer(layer, opaque=True)
        box = (slice(0, self.ch), slice(0, self.cw))
        local = self._local(box, 0.0, self.horizon)
        rgb[:] = self._paint_of(spec, box, local)

    def ground(self, spec: dict[str, Any]) -> None:
        y0 = self.Y(spec.get("y", 0.0))
        y1 = self.Y(spec["to"]) if "to" in spec else self.ch
        if not spec.get("covered"):  # frost, dust or mud on open ground
            for effect in self.on_ground:
                spec = {**spec, **_finished(spec, effect)}
        if self.snowy and not spec.get("covered"):  # snow lies on open ground
            spec = {
                **spec,
                "colour": (colour(spec.get("colour", "#808080")) * 0.25 + 0.72).tolist(),
                "texture": "speckle",
                "colour2": "#ffffff",
            }
        self.rect({**spec, "layer": spec.get("layer", "near"), "x": [-9, 9], "y": None, "_rows": (y0, y1)})

    def rect(self, spec: dict[str, Any]) -> None:
        x0, x1 = spec["x"]
        y0, y1 = spec["_rows"] if "_rows" in spec else (self.Y(spec["y"][0]), self.Y(spec["y"][1]))
        edge = spec.get("edge")
        for dx in self._shifts(spec):
            px0, px1 = self.X(x0 + dx), self.X(x1 + dx)
            box = self._box(px0, y0, px1, y1)
            if box is None:
                continue
            local = self._local(box, px0, y0)
            paint = self._paint_of(spec, box, local)
            if edge:
                line = max(1.0, self.h * spec.get("line", 0.005))
                border = (
                    (local[0] < line)
                    | (local[1] < line)
                    | (local[0] >= px1 - px0 - line)
                    | (local[1] >= y1 - y0 - line)
                )
                paint = torch.where(border[..., None], colour(edge).expand_as(paint), paint)
            self._fill(spec.get("layer", "mid"), box, torch.ones(paint.shape[:2], dtype=torch.bool), paint)
            if spec.get("colour") == "sky" or spec.get("glass"):
                if self.glass is None:
                    self.glass = torch.zeros(self.ch, self.cw, dtype=torch.bool)
                self.glass[box] = True

    def ellipse(self, spec: dict[str, Any]) -> None:
        rx, ry = spec["rx"] * self.h, spec["ry"] * self.h
        for dx in self._shifts(spec):
            cx, cy = self.X(spec["x"] + dx), self.Y(spec["y"])
            box = self._box(cx - rx, cy - ry, cx + rx + 1, cy + ry + 1)
            if box is None:
                continue
            xx, yy = self._local(box, cx, cy)
            shape = (xx / rx) ** 2 + (yy / ry) ** 2 <= 1
            self._fill(spec.get("layer", "mid"), box, shape, self._paint_of(spec, box, (xx, yy)))

    def poly(self, spec: dict[str, Any]) -> None:
        for dx in self._shifts(spec):
            pts = [(self.X(x + dx), self.Y(y)) for x, y in spec["points"]]
            box = self._box(
                min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts) + 1, max(p[1] for p in pts) + 1
            )
            if box is None:
                continue
            xx, yy = self._local(box, 0.0, 0.0)
            inside = torch.zeros(xx.shape, dtype=torch.bool)
            for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1], strict=True):
                if ay == by:
                    continue
                crosses = ((ay > yy) != (by > yy)) & (xx < (bx - ax) * (yy - ay) / (by - ay) + ax)
                inside ^= crosses
            self._fill(
                spec.get("layer", "mid"), box, inside, self._paint_of(spec, box, (xx - box[1].start, yy - box[0].start))
            )

    def sea(self, spec: dict[str, Any]) -> None:
        y0, y1 = spec.get("y", [0.0, 0.15])
        self.rect(
            {
                "layer": "far",
                "colour": "#1f6a8f",
                **spec,
                "x": [-9, 9],
                "y": [y0, y1],
                "texture": "waves",
                "colour2": spec.get("colour2", "#d8ecf2"),
                "shade": -0.4,
            }
        )

    def ridge(self, spec: dict[str, Any]) -> None:
        x = torch.arange(self.cw, dtype=torch.float32) / self.cw
        line = torch.full((self.cw,), self.Y(spec.get("y", 0.0)))
        amp = spec.get("amp", 0.05) * self.h
        for octave in range(1, spec.get("rough", 4) + 1):
            phase, freq = (
                float(torch.rand(1, generator=self.g)) * 2 * math.pi,
                1.5 + 2.5 * float(torch.rand(1, generator=self.g)),
            )
            line = line + amp / octave * torch.sin(2 * math.pi * freq * octave * x + phase)
        top = max(0, int(line.min()))
        y1 = self.Y(spec["to"]) if "to" in spec else self.ch
        box = self._box(0, top, self.cw, y1)
        if box is None:
            return
        yy = torch.arange(box[0].start, box[0].stop, dtype=torch.float32)[:, None]
        shape = yy >= line[None, :]
        local = self._local(box, 0.0, float(top))
        self._fill(spec.get("layer", "far"), box, shape, self._paint_of(spec, box, local))

    def rocks(self, spec: dict[str, Any]) -> None:
        x0, x1 = spec["x"]
        size = spec.get("size", 0.06)
        tones = [colour(c) for c in spec.get("colours", ["#6b6a66", "#57564f", "#7d7b74"])]
        for _ in range(spec.get("count", 8)):
            u = float(torch.rand(1, generator=self.g))
            s = size * (0.5 + float(torch.rand(1, generator=self.g)))
            tone = tones[int(torch.randint(len(tones), (1,), generator=self.g))]
            self.ellipse(
                {
                    "layer": spec.get("layer", "mid"),
                    "x": x0 + (x1 - x0) * u,
                    "y": spec.get("y", 0.0) - s * 0.35,
                    "rx": s * 1.3,
                    "ry": s * 0.75,
                    "colour": tone.tolist(),
                    "shade": 0.35,
                }
            )

    def skyline(self, spec: dict[str, Any]) -> None:
        tones = [colour(c) for c in spec.get("colours", ["#6c7585", "#7a7c86", "#5d6472"])]
        lit = colour("#ffd98a")
        x = -self.left / self.w
        while x < (self.cw - self.left) / self.w:
            bw = spec.get("width", 0.08) * (0.6 + 0.8 * float(torch.rand(1, generator=self.g)))
            bh = spec.get("height", 0.3) * (0.45 + 0.55 * float(torch.rand(1, generator=self.g)))
            tone = tones[int(torch.randint(len(tones), (1,), generator=self.g))]
            y = spec.get("y", 0.0)
            self.rect(
                {
                    "layer": spec.get("layer", "far"),
                    "x": [x, x + bw - 0.004],
                    "y": [y - bh, y],
                    "colour": tone.tolist(),
                    "texture": "windows" if spec.get("windows", True) else None,
                    "pitch": 0.035,
                    "colour2": (lit if self.night else tone * 0.7 + 0.15).tolist(),
                }
            )
            x += bw

    def bottles(self, spec: dict[str, Any]) -> None:
        x0, x1 = spec["x"]
        bottom, tall, pitch = spec["y"], spec.get("h", 0.07), spec.get("pitch", 0.02)
        tones = spec.get("colours", ["#2f6b3a", "#7a3b1e", "#c9a227", "#3c5a8a", "#9b2d2d", "#d8d0b8"])
        k = 0
        x = x0
        while x < x1:
            tone = tones[k % len(tones)]
            t = tall * (0.75 + 0.35 * ((k * 7) % 5) / 4)
            body = pitch * 0.55
            self.rect(
                {
                    "layer": spec.get("layer", "mid"),
                    "x": [x, x + body],
                    "y": [bottom - t * 0.62, bottom],
                    "colour": tone,
                }
            )
            if spec.get("neck", True):
                self.rect(
                    {
                        "layer": spec.get("layer", "mid"),
                        "x": [x + body * 0.32, x + body * 0.68],
                        "y": [bottom - t, bottom - t * 0.6],
                        "colour": tone,
                    }
                )
            else:  # books: a spine the full height
                self.rect(
                    {
                        "layer": spec.get("layer", "mid"),
                        "x": [x, x + body],
                        "y": [bottom - t, bottom - t * 0.6],
                        "colour": tone,
                    }
                )
            x += pitch
            k += 1

    def lights(self, spec: dict[str, Any]) -> None:
        x0, x1 = spec["x"]
        y, sag, pitch = spec["y"], spec.get("sag", 0.05), spec.get("pitch", 0.025)
        r = spec.get("r", 0.007)
        cord = colour(spec.get("cord", "#3a3a3a"))
        n = max(2, int((x1 - x0) / pitch))
        for k in range(n + 1):
            u = k / n
            self.ellipse(
                {
                    "layer": spec.get("layer", "far"),
                    "x": x0 + (x1 - x0) * u,
                    "y": y + sag * 4 * u * (1 - u),
                    "rx": r,
                    "ry": r,
                    "colour": spec.get("colour", "#ffe9a0"),
                }
            )
        steps = int((x1 - x0) * self.w)
        us = torch.linspace(0, 1, max(2, steps))
        xs = (self.X(x0) + (self.X(x1) - self.X(x0)) * us).long().clamp(0, self.cw - 1)
        ys = (self.Y(y) + sag * self.h * 4 * us * (1 - us)).long().clamp(0, self.ch - 1)
        rgb, mask = self._layer(spec.get("layer", "far"))
        rgb[ys, xs] = cord
        if mask is not None:
            mask[ys, xs] = True

    def sprite(self, spec: dict[str, Any]) -> None:
        noun = subjects.vocabulary().nouns[spec["noun"]]
        drawn = subjects.prop_sprite(noun, spec.get("h", 0.2) * self.h)
        if spec.get("flip"):
            drawn = drawn.flip(-1)
        rgb, mask = self._layer(spec.get("layer", "mid"))
        for dx in self._shifts(spec):
            x0 = int(self.X(spec["x"] + dx) - drawn.shape[2] / 2)
            subjects.composite(rgb, mask, drawn, x0, int(self.Y(spec.get("y", 0.0))) - drawn.shape[1])

    def rails(self, spec: dict[str, Any]) -> None:
        y0, y1 = spec.get("y", [0.12, 0.2])
        layer = spec.get("layer", "near")
        self.rect(
            {
                "layer": layer,
                "x": [-9, 9],
                "y": [y0, y1],
                "colour": spec.get("colour", "#6f675c"),
                "texture": "speckle",
                "colour2": "#4e4942",
            }
        )
        tie = (y1 - y0) * 0.5
        self.rect(
            {
                "layer": layer,
                "x": [0, 0.025],
                "y": [y1 - tie * 1.4, y1 - tie * 0.2],
                "colour": "#5a4332",
                "repeat": 0.06,
            }
        )
        for y in (y1 - tie * 1.3, y1 - tie * 0.5):
            self.rect({"layer": layer, "x": [-9, 9], "y": [y - 0.008, y], "colour": "#b9bcc0"})
            self.rect({"layer": layer, "x": [-9, 9], "y": [y, y + 0.006], "colour": "#55585c"})


def wave_crests(xx: torch.Tensor, yy: torch.Tensor, height: int) -> torch.Tensor:
    """Where the sea shows white: short broken crests in rows, spaced wider towards the viewer (yy is the
    distance below the horizon)."""
    depth = yy.clamp(min=0) / (height * 0.15)
    row = torch.floor(torch.sqrt(depth) * 9)  # rows crowd near the horizon
    line = (torch.sqrt(depth) * 9 - row) < 0.18 + 0.1 * depth
    return line & (torch.sin(xx / (height * (0.01 + 0.03 * depth)) + row * 2.3) > 0.45)


def _texture(
    name: str, xx: torch.Tensor, yy: torch.Tensor, pitch: float, height: int, g: torch.Generator
) -> torch.Tensor:
    """Where a texture's second colour shows, in an element's local pixel coordinates."""
    line = max(1.0, height * 0.004)
    if name == "stripes":
        return (xx % (2 * pitch)) < pitch
    if name == "hlines":
        return (yy % pitch) < line
    if name == "vlines":
        return (xx % pitch) < line
    if name == "grid":
        return ((yy % pitch) < line) | ((xx % pitch) < line)
    if name == "bricks":
        row = torch.floor(yy / pitch)
        return ((yy % pitch) < line) | (((xx + (row % 2) * pitch) % (2 * pitch)) < line)
    if name == "planks":
        return ((xx + yy * 0.8) % pitch) < line * 1.2
    if name == "boards":  # a deck or pier seen from the side: boards running across, their ends staggered
        return ((yy % pitch) < line) | (((xx + torch.floor(yy / pitch) * pitch * 2.3) % (pitch * 9)) < line)
    if name == "waves":
        return wave_crests(xx, yy, height)
    if name == "windows":
        return ((xx % pitch) < pitch * 0.5) & ((yy % (pitch * 1.3)) < pitch * 0.6) & (yy > pitch * 0.5)
    if name == "wheat":
        tall = torch.sin(xx * 1.7) * 0.5 + torch.sin(xx * 0.37) * 0.5
        return ((xx % max(2.0, pitch)) < line) & ((yy % (pitch * 3)) > tall * pitch)
    if name == "speckle":
        return torch.rand(xx.shape, generator=g) < 0.12
    if name == "tufts":
        return (torch.rand(xx.shape, generator=g) < 0.06) & (torch.sin(xx * 0.9) > 0)
    return torch.zeros(xx.shape, dtype=torch.bool)


ELEMENTS: dict[str, Callable[[Painter, dict[str, Any]], None]] = {
    "wall": Painter.wall,
    "ground": Painter.ground,
    "rect": Painter.rect,
    "ellipse": Painter.ellipse,
    "poly": Painter.poly,
    "sea": Painter.sea,
    "ridge": Painter.ridge,
    "rocks": Painter.rocks,
    "skyline": Painter.skyline,
    "bottles": Painter.bottles,
    "lights": Painter.lights,
    "sprite": Painter.sprite,
    "rails": Painter.rails,
}


def _finished(spec: dict[str, Any], effect: dict[str, Any]) -> dict[str, Any]:
    """An element's colours under a finish: its own colour mixed toward the finish's (`mix`), or replaced."""
    out = {key: value for key, value in effect.items() if key not in ("mix", "to")}
    if "mix" in effect:
        base = colour(spec.get("colour", "#808080"))
        out["colour"] = (base * (1 - effect["mix"]) + colour(effect["to"]) * effect["mix"]).tolist()
    return out


def draw(kind: Kind, painter: Painter) -> Drawn:
    for spec in kind.elements:
        if spec.get("night") is not None and bool(spec["night"]) != painter.night:
            continue
        if spec.get("wet"):  # water: ice where the words say it froze
            for effect in painter.on_water:
                spec = {**spec, **_finished(spec, effect)}
        ELEMENTS[spec["is"]](painter, spec)
    layers = [(rgb, mask, depth) for depth, (rgb, mask) in sorted(painter.layers.items(), key=lambda item: -item[0])]
    return Drawn(layers, painter.glass)
