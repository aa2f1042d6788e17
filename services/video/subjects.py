"""Non-human subjects and scenery props: nouns resolved to twemoji sprites and moved through a shot.

The vocabulary (data/subjects.yaml: noun -> sprite, family, motion, size, facing) and the sprite
atlas (data/sprites/atlas.webp + atlas.json, rasterised once by scripts/build_sprite_atlas.py) are
read once per process. A shot's subject is drawn like a character: its sprite is scaled, lit,
graded and (for rolling, rocking or falling things) rotated once per shot, and per frame it is
only blended inside its box, so a subject costs about as much as its own pixels.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from PIL import Image

DATA = Path(__file__).resolve().parent / "data"
#: Metres a standing person is tall: a subject's size is compared with it to scale it on screen.
PERSON_M = 1.75
#: On-screen size (longest side, in frame heights) a subject may take, so it stays whole in frame.
MIN_SCREEN, MAX_SCREEN = 0.08, 0.8
#: The least a shot's subject is drawn (longest side, frame heights), flying or not: it must be seen.
SUBJECT_MIN_SCREEN = 0.25
#: A shot's subject is drawn with a rim this thick (frame heights) in a colour that stands out of the world.
RIM = 1 / 180
#: Angles the rotating motions are pre-drawn at (roll, rock, tumble), per full turn.
ANGLES = 24
#: A word: letters (with inner hyphens and apostrophes), or a drivetrain such as "4x4".
_WORD = re.compile(r"\d+x\d+|[a-z][a-z'-]*")
#: Punctuation between two words that ends a phrase ("at dusk; a bell", "under neon lights, your ball").
_CLAUSE_BREAK = re.compile(r"[,;:.!?()]")
#: Longest vocabulary entry in words ("statue of liberty").
MAX_WORDS = 4
#: Words that may follow a phrase's head noun without being the head themselves ("a tram at the stop").
HEAD_FOLLOWERS = frozenset({"at", "on", "in", "by", "near", "with", "under", "over", "beside", "and", "of", "to"})
#: What ends a clause of a marketing brief ("Summer campaign for a pet-friendly hotel - 7s. A dog ..."): a dash
#: between spaces too, which is not the hyphen of "pet-friendly".
_BRIEF_BREAK = re.compile(r"[,;:.!?()]|\s[-–—]\s")
#: Who the pov viewer is ("pov: you're a salmon leaping"): the camera, never what is seen.
_VIEWER_IS = re.compile(r"\byou(?:'re| are) (?:a|an|the) [a-z-]+(?: [a-z-]+)?", re.IGNORECASE)
#: Words before a tree's name that make it the tree even when a word follows ("an oak sways", "the pine creaks").
#: Words after a thing's name that make it the light a scene is in ("lamp light", "neon glow").
LIGHTING = frozenset({"light", "lighting", "glow", "glare", "lit"})
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "one", "lone", "old", "tall", "ancient", "giant", "huge"})
#: Words that look like verb forms after a noun but say where or when ("the cork flies at 2 seconds").
NOT_VERBS = HEAD_FOLLOWERS | {"seconds", "secs", "minutes", "hours", "this", "towards", "always", "sometimes"}
#: Words after a noun's preposition in which a verb still makes the noun act ("the wolf on the ridge howls").
ACT_REACH = 3
#: Pronouns that are a clause's subject: the word after one is its verb ("she waves", "they fire").
SUBJECT_PRONOUNS = frozenset({"i", "he", "she", "we", "they"})
#: Pronouns that may also be an object ("hands you flowers"): the word after one is a verb unless it is a plural.
EITHER_PRONOUNS = frozenset({"you", "it"})
#: Words that begin a noun phrase: a plural written right before one is a verb ("rain hammers the canopy").
PHRASE_STARTS = frozenset({"the", "a", "an", "his", "her", "its", "their", "your", "my", "our", "this", "that"})
#: Words of quantity after "a": the plural after "a dozen", "a few" is a noun ("a flock gulls" is not written).
QUANTITIES = frozenset({"dozen", "few", "couple", "pair", "lot", "bunch", "handful", "row", "line", "group", "set"})
#: How many of a thing a plural draws ("seagulls", "wine glasses"), and how far apart (of one's width).
GROUP, GROUP_STEP = 3, 0.55


@dataclass(frozen=True)
class Noun:
    name: str
    key: str  # atlas sprite key
    family: str
    motion: str
    size: float  # metres, longest side
    faces: str  # left, right or none
    count: int = 1  # a plural names several: they are drawn as one group ("seagulls hovering")
    paint: tuple[int, int, int] | None = None  # the colour the prompt says it is: its drawing's main colour


@dataclass(frozen=True)
class Prop:
    noun: Noun
    layer: str  # far, mid or near
    x: float  # frame widths from the frame's left edge at rest
    base: float  # frame heights below the horizon
    height: float  # frame heights


@dataclass
class Scenery:
    """What a shot's place adds to its world: props, and the species a forest's trees are."""

    props: list[Prop] = field(default_factory=list)
    trees: Noun | None = None


@dataclass(frozen=True)
class Finder:
    """How a prompt's subject is looked for among its nouns (data/subjects.yaml `finder`)."""

    reach: int  # words after a preposition that are where something is, not what
    prepositions: frozenset[str]
    backdrop: frozenset[str]  # noun names that never lead over a named subject
    sky: frozenset[str]  # noun names the sky draws itself: never a subject
    adjectives: frozenset[str]  # words that are colours or materials when a word follows them
    scenery: frozenset[str]  # families of the place's own noun that are its building, not a thing in it
    filming: frozenset[str]  # nouns that are the filming itself when a camera verb follows ("the camera orbits")
    camera_verbs: frozenset[str]
    times: re.Pattern[str]  # "at 3s", "at dawn": when, not where, so it ends a preposition's reach
    woods: frozenset[str]  # trees that are a wood when a word follows them without an article ("oak barrels")
    brief: frozenset[str]  # words that make a clause a marketing brief ("campaign", "spot"), not the picture
    groups: frozenset[str]  # families a plural draws several of (not a crowd, not the stars)
    agents: frozenset[str]  # families that act of themselves: one that does something leads (not a wave)
    in_passing: frozenset[str]  # families named in passing ("you just got home") when a thing does something


@dataclass(frozen=True)
class Vocabulary:
    nouns: dict[str, Noun]  # every name and alias
    places: dict[str, list[Prop]]
    trees: dict[str, Noun]
    finder: Finder
    senses: dict[str, list[dict]] = field(default_factory=dict)  # type: ignore[type-arg]
    parts: dict[str, frozenset[str]] = field(default_factory=dict)  # part word -> families it is a part of
    before: dict[str, str] = field(default_factory=dict)  # noun name -> its drawing's key before its event
    paints: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # colour word -> the colour


@dataclass(frozen=True)
class Mention:
    """A noun where a text names it: characters start..end, and whether a preposition leads to it."""

    noun: Noun
    start: int
    end: int
    located: bool  # "at a table", "under a blazing sun": where something is, not what the text is about
    acts: bool = False  # a verb follows it ("seagulls hovering", "the gull cries"): it does something


def sprite_key(entry: dict) -> str:
    """Atlas key of an entry's drawing (scripts/build_sprite_atlas.py writes the atlas under these)."""
    return entry["sprite"] + (f"+{entry['tint']}" if entry.get("tint") else "")


@cache
def vocabulary() -> Vocabulary:
    data = yaml.safe_load((DATA / "subjects.yaml").read_text())
    nouns: dict[str, Noun] = {}
    for name, entry in data["nouns"].items():
        noun = Noun(name, sprite_key(entry), entry["family"], entry["motion"], float(entry["size"]), entry["faces"])
        for alias in [name, *entry.get("aliases", [])]:
            nouns[alias] = noun
    for line in (DATA / "noun_kinds.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        word, kind = line.split("\t")  # a word the vocabulary lacks, drawn as its kind (a kookaburra as a bird)
        nouns.setdefault(word, nouns[kind])
    places = {
        word: [Prop(nouns[e["noun"]], e["layer"], e["x"], e["base"], e["height"]) for e in entries]
        for word, entries in data["places"].items()
    }
    finder = data["finder"]
    return Vocabulary(
        nouns,
        places,
        {word: nouns[name] for word, name in data["trees"].items()},
        Finder(
            int(finder["reach"]),
            frozenset(finder["prepositions"]),
            frozenset(finder["backdrop"]),
            frozenset(finder["sky"]),
            frozenset(finder["adjectives"]),
            frozenset(finder["scenery"]),
            frozenset(finder["filming"]),
            frozenset(finder["camera_verbs"]),
            re.compile(rf"\bat\s+(?:\d+(?:\.\d+)?\s*(?:s|secs?|seconds?)\b|(?:{'|'.join(finder['times'])})\b)"),
            frozenset(finder["woods"]),
            frozenset(finder["brief"]),
            frozenset(finder["groups"]),
            frozenset(finder["agents"]),
            frozenset(finder["in_passing"]),
        ),
        data.get("senses", {}),
        {word: frozenset(families) for word, families in data.get("parts", {}).items()},
        data.get("before", {}),
        {word: (int(r), int(g), int(b)) for word, (r, g, b) in data.get("paints", {}).items()},
    )


def before(noun: Noun) -> Noun | None:
    """The thing as it looks before its event (the toaster with its toast down, the corked bottle), where its
    drawing shows it after; None where its drawing is how it looks before."""
    key = vocabulary().before.get(noun.name)
    return None if key is None else dataclasses.replace(noun, key=key)


@cache
def _atlas() -> tuple[torch.Tensor, dict[str, list[int]]]:
    index = json.loads((DATA / "sprites" / "atlas.json").read_text())
    rgba = torch.from_numpy(np.asarray(Image.open(DATA / "sprites" / "atlas.webp").convert("RGBA")).copy())
    return rgba, index["sprites"]


@cache
def sprite(noun: Noun) -> torch.Tensor:
    """The noun's drawing: float RGBA [4, h, w] in 0..1, straight (not premultiplied) colour; a group's is
    several copies. Cached: a forest draws the same tree dozens of times. Callers must not modify it."""
    rgba, boxes = _atlas()
    x, y, w, h = boxes[noun.key]
    one = rgba[y : y + h, x : x + w].permute(2, 0, 1).float() / 255
    if noun.paint is not None:
        one = painted(one, noun.paint)
    return one if noun.count == 1 else _group(one, noun.count, noun.motion == "fly")


#: How far round the colour wheel (of 1) a shade of the main colour may be from it, how saturated a colour must
#: be to count as one, and the values between which a grey is a body's grey, not its outline or a highlight.
PAINT_HUE, PAINT_SATURATED, PAINT_GREYS = 0.09, 0.25, (0.3, 0.97)


def painted(one: torch.Tensor, paint: tuple[int, int, int]) -> torch.Tensor:
    """A drawing [4, h, w] with its main colour (its commonest hue or its greys, whichever covers more of it)
    painted `paint`, each pixel keeping how much lighter or darker than the main colour it was."""
    rgb, alpha = one[:3], one[3]
    top, bottom = rgb.max(0).values, rgb.min(0).values
    saturation = torch.where(top > 0, (top - bottom) / top.clamp(min=1e-6), torch.zeros_like(top))
    hue = _hue(rgb, top, bottom)
    solid = alpha > 0.5
    coloured = solid & (saturation > PAINT_SATURATED)
    body = solid & ~coloured & (top > PAINT_GREYS[0]) & (top < PAINT_GREYS[1])  # a grey body (a bus, a toaster)
    if bool(coloured.any()):
        peak = torch.histc(hue[coloured], bins=24, min=0, max=1).argmax().item()
        distance = (hue - (peak + 0.5) / 24).abs()
        hued = coloured & (torch.minimum(distance, 1 - distance) < PAINT_HUE)
        body = hued if int(hued.sum()) >= int(body.sum()) else body
    if not bool(body.any()):
        return one
    shade = (top / top[body].mean()).clamp(0, 1.6)  # lighter or darker than the body's mean value
    target = torch.tensor(paint, dtype=torch.float32)[:, None, None] / 255
    repainted = (target * shade[None]).clamp(0, 1)
    return torch.cat([torch.where(body[None], repainted, rgb), one[3:]])


def _hue(rgb: torch.Tensor, top: torch.Tensor, bottom: torch.Tensor) -> torch.Tensor:
    """Hue in 0..1 of each pixel of rgb [3, h, w]."""
    r, g, b = rgb
    span = (top - bottom).clamp(min=1e-6)
    hue = torch.where(top == r, ((g - b) / span) % 6, torch.where(top == g, (b - r) / span + 2, (r - g) / span + 4))
    return hue / 6


def paint_of(words: str) -> tuple[int, int, int] | None:
    """The colour the last paint word of `words` names ("a red double-decker": red), or None."""
    paints = vocabulary().paints
    said = [paints[w] for w in re.findall(r"[a-z]+(?:-[a-z]+)*", words.lower()) if w in paints]  # not white-tailed
    return said[-1] if said else None


def _group(one: torch.Tensor, count: int, flying: bool) -> torch.Tensor:
    """`count` copies of a drawing [4, h, w] side by side, each next one a little lower (a flock climbs and dips
    more) and nearer, painted back to front so they overlap like a group seen at an angle."""
    h, w = one.shape[1:]
    step_x, step_y = round(GROUP_STEP * w), round((0.3 if flying else 0.1) * h)
    drops = [step_y * (k % 2 if flying else k) for k in range(count)]
    canvas = torch.zeros(4, h + max(drops), w + step_x * (count - 1))
    for k, y0 in enumerate(drops):
        x0 = step_x * k
        patch = canvas[:, y0 : y0 + h, x0 : x0 + w]
        alpha = one[3:4]
        total = alpha + patch[3:4] * (1 - alpha)
        rgb = (one[:3] * alpha + patch[:3] * patch[3:4] * (1 - alpha)) / total.clamp(min=1e-6)
        canvas[:, y0 : y0 + h, x0 : x0 + w] = torch.cat([rgb, total])
    return canvas


def spread(noun: Noun) -> float:
    """How much wider a noun's drawing is than one of it: a group's copies stand side by side."""
    return 1 + GROUP_STEP * (noun.count - 1)


def _singulars(word: str) -> list[str]:
    """The word and the singulars a regular plural could come from (foxes -> fox, berries -> berry)."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("ves"):
        forms += [word[:-3] + "f", word[:-3] + "fe"]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:  # not the "s" of "5s"
        forms.append(word[:-1])
    if word.endswith("es"):  # after the plain "s": "oranges" are oranges, not orangs
        forms.append(word[:-2])
    if word.endswith("men"):
        forms.append(word[:-3] + "man")
    return forms


@cache
def _plain(char: str) -> str:
    """A lower-case letter without its accent ("ñ" -> "n", "é" -> "e"); any other character as it is."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if len(bare) == 1 else char


def _folded(text: str) -> str:
    """Lower case without accents, one character for each of the text's, so the words' places stay the text's
    ("Piñata" reads as "pinata", "café" as "cafe")."""
    return "".join(_plain(c) for c in text.lower())


@dataclass(frozen=True)
class _Words:
    """A text's words as the resolver reads them: lower case, where they stand, and what their writing says."""

    spans: list[re.Match[str]]
    words: list[str]
    broken: frozenset[int]  # indices of the words a punctuation mark comes before
    capitals: frozenset[int]  # indices of the words written in capitals (a screenplay's "QUARRYMAN")


def _split(text: str) -> _Words:
    spans = list(_WORD.finditer(_folded(text)))
    gaps = (text[spans[k - 1].end() : spans[k].start()] for k in range(1, len(spans)))
    broken = frozenset(k for k, gap in enumerate(gaps, start=1) if _CLAUSE_BREAK.search(gap))
    capitals = frozenset(k for k, m in enumerate(spans) if len(m.group(0)) > 1 and text[m.start() : m.end()].isupper())
    return _Words(spans, [m.group(0) for m in spans], broken, capitals)


def _match(text: _Words, start: int, plural: bool) -> tuple[Noun, int] | None:
    """The longest entry starting at words[start] (its last word may be a plural): (noun, words used). A plural
    of a noun of a group family is that noun several times ("seagulls"); an alias that is plural itself
    ("glasses") is not."""
    vocab = vocabulary()
    words = text.words
    for n in range(min(MAX_WORDS, len(words) - start), 0, -1):
        head = " ".join(words[start : start + n - 1])
        written = words[start + n - 1]
        looks_plural = written.endswith("s") and not written.endswith("ss")
        if n == 1 and _written_as_verb(text, start, looks_plural):
            continue
        for last in _singulars(written) if plural else [written]:
            noun = vocab.nouns.get(f"{head} {last}".strip())
            if noun is not None and n == 1 and last in vocab.senses:
                noun = _sense(vocab, last, words[start - 1] if start else "", words[start + 1 : start + 2], noun)
            if noun is not None:
                if last != written and noun.family in vocab.finder.groups:
                    noun = dataclasses.replace(noun, count=GROUP)
                return noun, n
    return None


def _written_as_verb(text: _Words, at: int, plural: bool) -> bool:
    """Whether a word that names a thing stands where a verb does, within its clause: after a subject pronoun
    ("you fire the puck", "she waves"), opening the clause before a noun phrase ("saw this guy on a …"), or, written
    as a plural, before a noun phrase ("rain hammers the canopy",
    "saws the log"), after a name written in capitals ("QUARRYMAN waves") or after a singular noun phrase and
    before a preposition ("a gardener saws into the stalk")."""
    words, broken = text.words, text.broken
    joined = at and at not in broken
    before = words[at - 1] if joined else ""
    after = words[at + 1] if at + 1 < len(words) and at + 1 not in broken else ""
    if before in SUBJECT_PRONOUNS or (before in EITHER_PRONOUNS and not plural):
        return True
    if not joined and after in PHRASE_STARTS:  # a clause that opens with it, then a noun phrase: "saw this guy on a …"
        return True
    if not plural:
        return False
    if before == "one":  # "one flies into the puddle": one takes a verb, never a plural noun
        return True
    if after in PHRASE_STARTS or (joined and at - 1 in text.capitals and at not in text.capitals):
        return True
    singular_before = at >= 2 and at - 1 not in broken and words[at - 2] in ("a", "an") and before not in QUANTITIES
    return singular_before and (not after or after in vocabulary().finder.prepositions or after == "and")


def _sense(vocab: Vocabulary, word: str, before: str, after: list[str], noun: Noun) -> Noun | None:
    """The thing an ambiguous word names where it is written (data/subjects.yaml `senses`): the first sense
    whose words stand right before or after it ("a slow pan": the camera's, no frying pan; "a crane wades": the
    bird), else the vocabulary's own noun, or a sense that names no words (the word's reading everywhere else:
    "can" is a verb unless "a can", "the can" make it a thing). None when the sense is no thing at all."""
    for sense in vocab.senses[word]:
        anywhere = "before" not in sense and "after" not in sense
        if anywhere or before in sense.get("before", ()) or (after and after[0] in sense.get("after", ())):
            return vocab.nouns[sense["noun"]] if sense.get("noun") else None
    return noun


def _acts(after: list[str], prepositions: frozenset[str]) -> bool:
    """Whether the words after a noun say it does something: a verb right after it ("seagulls hovering") or
    after where it is ("the wolf on the ridge howls")."""
    if not after:
        return False
    if after[0] in prepositions:
        return any(_is_verb(word) for word in after[1:])
    return _is_verb(after[0])


def _is_verb(word: str) -> bool:
    """A word that reads as a verb after a noun ("hovering", "cries", "scatter" does not): an -ing or -s form
    that is no vocabulary noun ("the gull cries" but not "the gull chicks")."""
    if word in NOT_VERBS or any(form in vocabulary().nouns for form in _singulars(word)):
        return False
    gerund = word.endswith("ing") and len(word) > 4
    return gerund or (word.endswith("s") and not word.endswith("ss") and len(word) > 3)


def resolve(text: str) -> Noun | None:
    """The thing a noun phrase names: its first vocabulary noun, carried on through nouns written
    right after it ("orange cat" -> cat, "fire truck" -> fire truck), but not through inflected
    words, which are usually the verb ("an eagle flies" -> eagle, not fly)."""
    words = _split(text)
    for start in range(len(words.words)):
        found = _match(words, start, plural=True)
        if found is not None:
            return _carried(words, start + found[1], found[0])[0]
    return None


def _carried(text: _Words, at: int, noun: Noun) -> tuple[Noun, int]:
    """A noun phrase's head and the index after it, from its first noun (ending before words[at]): carried on
    through nouns written right after it ("fire truck"), and across one word the vocabulary does not know ("a
    shaggy ginger highland cow" -> cow, not the ginger root), never across a verb, a preposition or a
    punctuation mark ("in bright winter sun, icicles hanging")."""
    words, broken = text.words, text.broken
    while at < len(words) and at not in broken:
        skip = 0
        following = _match(text, at, plural=False)
        if following is None and at + 1 < len(words) and at + 1 not in broken and _modifies(words[at]):
            following, skip = _match(text, at + 1, plural=False), 1
        if following is None:
            break
        noun, used = following
        at += skip + used
    return noun, at


def _modifies(word: str) -> bool:
    """Whether a word the vocabulary does not know can stand between a modifier and its noun: no verb, no
    preposition or article or conjunction."""
    closed = vocabulary().finder.prepositions | {"a", "an", "the", "and", "or", "but", "of", "its", "his", "her"}
    return not _is_verb(word) and word not in closed and not word.endswith("ed")


def head_noun(text: str, lead: int = 3) -> Noun | None:
    """The noun a phrase is about when it leads it: found within its first `lead` words and not modifying
    the word after it ("muddy pickup truck parked" -> pickup, "the lighthouse keeper" -> None, "a boy
    kicking a football" -> None). The word after may be a verb form (-ing, -ed, -s) or nothing."""
    split = _split(text)
    words = split.words
    for start in range(min(lead, len(words))):
        found = _match(split, start, plural=True)
        if found is None:
            continue
        after = words[start + found[1]] if start + found[1] < len(words) else ""
        if after and not after.endswith(("ing", "ed", "s")) and after not in HEAD_FOLLOWERS:
            return None
        return found[0]
    return None


def owner_of_part(text: str, candidates: list[Noun]) -> Noun | None:
    """The vehicle or animal a sounding part belongs to (data/subjects.yaml `parts`): "the truck's horn", "their
    horns clash", "the handlebar bell" name no thing of their own beside a truck, a ram or a scooter. The first
    candidate of a family the text's part word belongs to; None when the text names no part, or a thing of its
    own ("the church bell", "a french horn": the two words are a vocabulary entry)."""
    vocab = vocabulary()
    words = _WORD.findall(_folded(text))
    for k, word in enumerate(words):
        families = vocab.parts.get(word)
        if families is None or (k and f"{words[k - 1]} {word}" in vocab.nouns):
            continue
        for noun in candidates:
            if noun.family in families:
                return noun
    return None


def nouns_in(text: str) -> list[Noun]:
    """Every vocabulary noun a text names, in order ("a camel by a stall; a clay jug topples" -> camel, jug)."""
    split = _split(text)
    found, at = [], 0
    while at < len(split.words):
        match = _match(split, at, plural=True)
        if match is None:
            at += 1
            continue
        found.append(match[0])
        at += match[1]
    return found


def mentions(text: str) -> list[Mention]:
    """Every noun phrase a text names, in order, each carried on through nouns written right after it
    ("oak front door" -> door, like `resolve`), with where it stands; a colour or material noun that
    another word follows is that word's adjective ("orange lights"), not a mention."""
    vocab = vocabulary()
    finder = vocab.finder
    split = _split(text)
    spans, words, broken = split.spans, split.words, split.broken
    found: list[Mention] = []
    at = 0
    while at < len(words):
        match = _match(split, at, plural=True)
        if match is None:
            at += 1
            continue
        start = at
        noun, at = _carried(split, at + match[1], match[0])
        modifies = at < len(words) and at not in broken
        described = at - start == 1 and modifies and words[at] not in HEAD_FOLLOWERS  # a word follows it
        if described and words[start] in finder.adjectives:
            continue
        alone = (start == 0 or start in broken) and (at == len(words) or at in broken)
        if alone and at - start == 1 and words[start] in finder.adjectives:
            continue  # "cold and windy, sodium lamps orange.": a colour standing on its own, not the fruit
        if described and words[start] in finder.woods and (start == 0 or words[start - 1] not in DETERMINERS):
            continue  # "Oak barrels line the walls", "rows of pine benches": the wood, not the tree
        if modifies and words[at] in LIGHTING:
            continue  # "warm lamp light", "CHANDELIER LIGHT": the light the scene is in, not a thing in it
        if words[at - 1] in finder.filming and at < len(words) and words[at] in finder.camera_verbs:
            continue  # "the camera orbits around her", "the camera is low": the shot's camera, not a thing in it
        if _likeness(words, start) and start - 1 not in broken:
            continue  # "clatters its bill like castanets": a likeness, not a thing in the picture
        reach = max(0, start - finder.reach)
        lead_in = _CLAUSE_BREAK.split(_folded(text[spans[reach].start() : spans[start].start()]))[-1]
        lead_in = finder.times.split(lead_in)[-1]  # "at 3s the wolf howls": a time, not where the wolf is
        located = bool(finder.prepositions & set(_WORD.findall(lead_in)))
        acts = modifies and _acts(words[at : at + 1 + ACT_REACH], finder.prepositions)
        found.append(Mention(noun, spans[start].start(), spans[at - 1].end(), located, acts))
    return found


#: Words before "like" that make it the verb ("I'd like a dog on the beach"), not a likeness.
_LIKERS = frozenset({"i", "we", "you", "they", "would", "i'd", "we'd", "you'd", "id", "really", "also", "just"})


def _likeness(words: list[str], start: int) -> bool:
    """Whether the noun at `start` follows "like" (with at most an article between) as a likeness does."""
    at = next((k for k in (start - 1, start - 2) if k >= 0 and words[k] == "like"), None)
    if at is None or (at == start - 2 and words[start - 1] not in ("a", "an", "the")):
        return False
    return at == 0 or words[at - 1] not in _LIKERS


def as_written(text: str, noun: Noun) -> Noun:
    """The noun as the text names it: a group where it writes the plural ("a tray of wine glasses" makes the
    planner's "wine glass" three)."""
    return next((m.noun for m in mentions(text) if m.noun.name == noun.name), noun)


#: An ad brief's hero product ("Ashby & Croft Heritage Clocks. Line: … Hero: a walnut grandfather clock"): what is
#: written before it is the brand and the campaign, not the picture.
_HERO = re.compile(r"\bhero(?:\s+(?:shot|product|image))?\s*:", re.IGNORECASE)


def brief_spans(text: str) -> list[tuple[int, int]]:
    """Clauses of a marketing brief ("Summer campaign for a pet-friendly hotel - 7s", "Hardware store spot"):
    what the film is for, not what it shows. A brief word heads its clause: nothing of it is after a preposition
    ("a dog naps in a sunny spot" is a picture) and only "for" or another brief word may follow it
    ("commercial kitchen" is a kitchen). Everything before a "Hero:" is the brand and its line."""
    finder = vocabulary().finder
    hero = _HERO.search(text)
    found, start = ([(0, hero.start())] if hero else []), 0
    for cut in [*_BRIEF_BREAK.finditer(text), None]:
        end = len(text) if cut is None else cut.start()
        words = _WORD.findall(_folded(text[start:end]))
        for k, word in enumerate(words):
            if word not in finder.brief or finder.prepositions & set(words[:k]):
                continue
            if k + 1 == len(words) or words[k + 1] == "for" or words[k + 1] in finder.brief:
                found.append((start, end))
                break
        start = len(text) if cut is None else cut.end()
    return found


def prompt_subject(
    prompt: str,
    named: Noun | None,
    named_at: int | None,
    skip: list[tuple[int, int]],
    place: tuple[int, int] | None = None,
    before: int | None = None,
    families: frozenset[str] | None = None,
) -> Noun | None:
    """The thing a prompt is about. `named` is what the planner's subject phrase resolves to (None, or a
    word that is not the subject: "bricks tips"), written at character `named_at`; `skip`, spans that name
    no subject (people); `place`, the span of the shot's place, drawn by the place itself. A thing the prompt
    names before the named one, not as where something is, leads ("a wheelbarrow full of bricks tips
    over"). With nothing named: the first such thing, the place's own head noun included ("EXT. LIGHTHOUSE
    ON A ROCKY HEADLAND" -> lighthouse, not "FARMHOUSE KITCHEN" -> farmhouse), else the first thing at all
    ("pov: driving behind a snowplow"). `before`: only what is named before this character (a person's
    first mention) counts, and only as a subject ("a red balloon tied to a chair ... a kid pokes it");
    `families`, only things of these families count there."""
    finder = vocabulary().finder
    briefs = brief_spans(prompt)
    viewer = [(m.start(), m.end()) for m in _VIEWER_IS.finditer(prompt)]
    skip = [*skip, *briefs, *viewer]  # the brief names the product or the client; the viewer is the camera
    if named_at is not None and any(start <= named_at < end for start, end in [*briefs, *viewer]):
        named, named_at = None, None
    if named is not None and named.name in finder.sky:
        named, named_at = None, None  # "the sun sets over the bay": the sky draws it
    said = next((m for m in mentions(prompt) if named_at is not None and m.start >= named_at), None)
    if said is not None and said.noun == named and said.located:
        named, named_at = None, None  # "you're on the farmhouse porch": where the viewer is, not what is seen

    def overlaps(m: Mention, span: tuple[int, int]) -> bool:
        return m.start < span[1] and span[0] < m.end

    def place_head(m: Mention) -> bool:
        """The place's own noun: the place phrase goes on with a preposition or not at all after it."""
        assert place is not None
        rest = _WORD.findall(_folded(prompt[m.end : place[1]]))
        return not rest or rest[0] in finder.prepositions

    candidates = [
        _in_place(prompt, m, place)
        for m in mentions(prompt)
        if m.end <= (len(prompt) if before is None else before)
        and m.noun.family != "crowd"
        and m.noun.name not in finder.sky
        and not any(overlaps(m, span) for span in skip)
    ]
    leading = [m for m in candidates if not m.located and m.noun.name not in finder.backdrop]
    beside_place = [m for m in leading if place is None or not overlaps(m, place)]
    if named is not None:
        earlier = [m for m in beside_place if named_at is not None and m.end <= named_at and m.noun.name != named.name]
        if named.family in finder.agents:  # the cat the planner named, not the tree whose lights are on before it
            earlier = [m for m in earlier if m.noun.family in finder.agents]
        return earlier[0].noun if earlier else named
    if before is not None:  # beside people, a thing: not the building, the walls or the trees they stand among
        things = [
            m
            for m in leading
            if ((m in beside_place or place_head(m)) and m.noun.family not in finder.scenery)
            or (m in beside_place and m.acts)  # a tree that falls, a wave that breaks
        ]
        things = [m for m in things if families is None or m.noun.family in families]
        return things[0].noun if things else None
    heads = [m for m in leading if place is None or not overlaps(m, place) or place_head(m)]
    acting = [m for m in heads if m.acts]
    # a creature or a machine that does something leads ("eating chips ..., seagulls hovering")
    agent = next((m for m in acting if m.noun.family in finder.agents), None)
    if agent is not None:
        return agent.noun
    if heads and heads[0].noun.family in finder.in_passing and not (place is not None and overlaps(heads[0], place)):
        # a building named in passing ("you just got home") gives way to a thing that does something
        thing = next((m for m in acting if m.noun.family not in finder.in_passing), None)
        return (thing or heads[0]).noun
    if heads:
        return heads[0].noun
    return candidates[0].noun if candidates else None


def _in_place(prompt: str, mention: Mention, place: tuple[int, int] | None) -> Mention:
    """The mention made particular by its place's words: "your ball" at a "bowling alley" is a bowling ball."""
    if place is None:
        return mention
    nouns = vocabulary().nouns
    written = " ".join(_WORD.findall(_folded(prompt[mention.start : mention.end])))
    for word in _WORD.findall(_folded(prompt[place[0] : place[1]])):
        for form in _singulars(written):
            noun = nouns.get(f"{word} {form}")
            if noun is not None and noun != mention.noun:
                return dataclasses.replace(mention, noun=noun)
    return mention


def dominant_colour(noun: Noun) -> tuple[int, int, int]:
    """The commonest colour of a noun's drawing (sRGB 0..255, to 16 levels): a pickup's red."""
    return _dominant(sprite(noun))


def _dominant(rgba: torch.Tensor) -> tuple[int, int, int]:
    """The commonest opaque colour of float RGBA [4, h, w] (0..1), to 16 levels, as sRGB 0..255."""
    rgba = rgba.cpu()
    opaque = rgba[3] > 0.9
    if not bool(opaque.any()):
        return (128, 128, 128)
    levels = (rgba[:3, opaque] * 15).round().long()
    codes = levels[0] * 256 + levels[1] * 16 + levels[2]
    code = int(torch.mode(codes).values)
    return tuple(round(v * 17) for v in (code // 256, code // 16 % 16, code % 16))  # type: ignore[return-value]


def scenery(phrases: list[str], skip: Noun | None = None) -> Scenery:
    """Props for the place words in `phrases` (the place, the words before it, the subject);
    `skip` is a noun already drawn as the shot's subject."""
    vocab = vocabulary()
    result = Scenery()
    seen: set[str] = set()
    for phrase in phrases:
        for word in _WORD.findall(_folded(phrase)):
            for form in _singulars(word):
                if form in vocab.trees and result.trees is None:
                    result.trees = vocab.trees[form]
                if form in vocab.places and form not in seen:
                    seen.add(form)
                    result.props += [prop for prop in vocab.places[form] if prop.noun != skip]
    return result


# ---------------------------------------------------------------- drawing a subject


def screen_size(noun: Noun, person_px: float, frame_h: int) -> float:
    """Longest side on screen in px: a person's framing scaled by the square root of the size
    ratio, so a plate in a wide shot is still seen and a ship still fits."""
    px = person_px * math.sqrt(noun.size / PERSON_M) * spread(noun)
    return min(MAX_SCREEN * frame_h, max(MIN_SCREEN * frame_h, px))


def _rotated(rgba: torch.Tensor, angle: float) -> torch.Tensor:
    """rgba [4, h, w] turned by `angle` radians about its centre on a canvas of its diagonal."""
    h, w = rgba.shape[1:]
    side = math.ceil(math.hypot(h, w)) // 2 * 2 + 2
    padded = F.pad(rgba, ((side - w) // 2, side - w - (side - w) // 2, (side - h) // 2, side - h - (side - h) // 2))
    c, s = math.cos(angle), math.sin(angle)
    theta = torch.tensor([[c, -s, 0.0], [s, c, 0.0]], dtype=rgba.dtype, device=rgba.device)
    grid = F.affine_grid(theta[None], [1, 4, side, side], align_corners=False)
    return F.grid_sample(padded[None], grid, mode="bilinear", align_corners=False)[0]


@dataclass
class Instance:
    """One drawn copy of the subject (a crowd has several): where it starts and how it differs."""

    x: float  # frame widths
    base: float  # frame heights: where its bottom stands
    scale: float
    phase: float
    direction: int  # +1 right, -1 left


class SubjectDrawing:
    """A shot's subject, prepared once: sprites at screen size (lit and graded), rotated copies."""

    def __init__(
        self,
        noun: Noun,
        size_px: float,
        frame_w: int,
        frame_h: int,
        ground: float,
        water: float | None,
        colour: torch.Tensor,
        device: torch.device,
        seed: int,
        letterbox: int = 0,
        followed: bool = False,
        centre: float = 0.5,
        rim: torch.Tensor | None = None,
        least_px: float = 0.0,
        flight: float = 0.5,
        clear_of: float | None = None,
    ) -> None:
        """`colour` maps straight RGB 0..1 [N, 3] to the shot's lit and graded RGB 0..1.
        `ground` and `water` are frame-height fractions of the floor line and the water line;
        `letterbox` the rows of bars at the top and bottom, which the subject stays between;
        `followed`: the camera travels right with the subject (tracking, pan), so it heads right
        and covers less of the frame; `centre`, where across the frame it stands or starts from; `rim`, the
        graded colour (RGB 0..1 [3]) of an outline drawn round it so it stands out of the world; `least_px`,
        the smallest it is drawn, flying or not; `flight`, the frame height a flying thing keeps to; `clear_of`,
        where across the frame people stand, whom a moving thing never crosses."""
        self.noun, self.w, self.h, self.device = noun, frame_w, frame_h, device
        self.letterbox = letterbox
        self.followed = followed
        if noun.motion == "fly":  # seen against the sky, farther off than things on the ground
            size_px *= 0.6
        size_px = max(size_px, least_px * spread(noun))  # each of a group as large as a lone one would be
        base = sprite(noun).to(device)
        rng = np.random.default_rng(seed)
        direction = 1 if followed or rng.random() < 0.5 else -1
        if clear_of is not None:  # beside people it starts where it stands and goes off away from them
            direction = 1 if centre >= clear_of else -1
        if noun.family == "crowd":  # a crowd is a row of people across the frame behind the action
            count = 7
            self.instances = [
                Instance(
                    (k + 0.5 + 0.3 * rng.random()) / count,
                    ground - 0.03 * (k % 2),  # two ranks, the back one smaller
                    0.75 + 0.25 * (k % 2),
                    rng.random(),
                    1 if k % 2 else -1,
                )
                for k in range(count)
            ]
        else:
            line = ground
            if noun.motion in ("swim", "sail") and water is not None:
                line = water
            elif noun.motion == "fly":
                line = flight
            start = (
                centre
                if noun.motion in ("still", "fall") or followed or clear_of is not None
                else centre - 0.22 * direction
            )
            self.instances = [Instance(start, line, 1.0, 0.0, direction)]
        scale = size_px / max(base.shape[1:])
        h, w = max(2, round(base.shape[1] * scale)), max(2, round(base.shape[2] * scale))
        drawn = F.interpolate(base[None], size=(h, w), mode="bilinear", align_corners=False, antialias=True)[0]
        rgb = colour(drawn[:3].permute(1, 2, 0).reshape(-1, 3)).reshape(h, w, 3).permute(2, 0, 1)
        drawn = torch.cat([rgb, drawn[3:]], dim=0)
        if rim is not None:
            drawn = _with_rim(drawn, rim.to(device), max(1, round(RIM * frame_h)))
        # drawings that face one way are mirrored to face where they go
        self.sprites = {
            d: drawn.flip(-1) if noun.faces in ("left", "right") and (d > 0) == (noun.faces == "left") else drawn
            for d in (-1, 1)
        }
        # blend-ready copies of the sprites drawn at their prepared size, by (direction, turn step)
        self._ready: dict[tuple[int, int], tuple[torch.Tensor, torch.Tensor]] = {}
        self.turning = noun.motion in ("roll", "sail", "fall")
        if self.turning:
            self.turns = {
                d: [_rotated(s, 2 * math.pi * k / ANGLES) for k in range(ANGLES)] for d, s in self.sprites.items()
            }

    def rest_box(self) -> tuple[float, float, float, float, int]:
        """(x0, y0, x1, y1, facing) on screen of the first instance as it stands at the start with the
        camera at rest; facing +1 when the drawing looks right."""
        inst = self.instances[0]
        sprite_h, sprite_w = self.sprites[inst.direction].shape[1:]
        cx, bottom = inst.x * self.w, inst.base * self.h
        x0 = min(max(0, round(cx - sprite_w / 2)), max(0, self.w - sprite_w))
        y0 = min(max(self.letterbox, round(bottom - sprite_h)), max(0, self.h - self.letterbox - sprite_h))
        facing = inst.direction if self.noun.faces in ("left", "right") else 1
        return float(x0), float(y0), float(x0 + sprite_w), float(y0 + sprite_h), facing

    def paint(self) -> tuple[int, int, int]:
        """The commonest colour of the drawing as drawn (lit and graded, sRGB 0..255): a pickup's red."""
        return _dominant(self.sprites[1])

    def blend_ready(self, facing: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """The drawing as it faces right (`facing` −1: left), ready to blend over uint8 pixels (see
        `_premultiplied`)."""
        return _premultiplied(self.sprites[-1 if facing < 0 else 1])

    def _pose(self, inst: Instance, seconds: float, progress: float) -> tuple[float, float, float, float]:
        """(centre x px, bottom y px, angle rad, vertical squash) of an instance at a moment."""
        motion = self.noun.motion
        size = max(self.sprites[1].shape[1:]) * inst.scale
        x = inst.x * self.w
        y = inst.base * self.h
        t = seconds + inst.phase * 3
        angle, squash = 0.0, 1.0
        travel = {"walk": 0.3, "trot": 0.4, "fly": 0.5, "swim": 0.4, "roll": 0.45, "drive": 0.5, "sail": 0.12}
        if self.noun.family == "crowd":
            x += inst.direction * 0.06 * self.w * progress
        else:
            x += inst.direction * travel.get(motion, 0.0) * self.w * progress * (0.3 if self.followed else 1.0)
        if motion in ("walk", "trot"):
            rate, lift = (2.0, 0.03) if motion == "walk" else (3.0, 0.07)
            y -= abs(math.sin(math.pi * rate * t)) * lift * size
        elif motion == "fly":
            y += math.sin(2 * math.pi * 0.6 * t) * 0.05 * self.h
            squash = 1.0 - 0.12 * (0.5 + 0.5 * math.sin(2 * math.pi * 3 * t))  # wing beats
        elif motion == "swim":
            y += math.sin(2 * math.pi * 0.8 * t) * 0.02 * self.h
        elif motion == "sail":
            y += math.sin(2 * math.pi * 0.4 * t) * 0.01 * self.h
            angle = math.radians(4) * math.sin(2 * math.pi * 0.3 * t)
        elif motion == "roll":
            angle = inst.direction * travel["roll"] * self.w * progress / (size / 2)
        elif motion == "drive":
            y -= abs(math.sin(2 * math.pi * 5 * t)) * 0.006 * size
        elif motion == "fall":
            drop = min(1.0, progress / 0.6) ** 2  # free fall, then it lies where it landed
            y = 0.1 * self.h + size + (y - 0.1 * self.h - size) * drop
            angle = inst.direction * math.radians(60) * drop
        return x, y, angle, squash

    def draw(
        self,
        out: torch.Tensor,
        seconds: list[float],
        progress: list[float],
        camera: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    ) -> None:
        """Blend the subject into frames `out` [F, H, W, 3] uint8; `camera`: (scale, ox, oy) [F] at its depth.
        Things that stay put move with the world; travellers are followed (no horizontal offset)."""
        scale, ox, oy = camera
        anchored = self.noun.motion in ("still", "fall")
        for k, (sec, prog) in enumerate(zip(seconds, progress, strict=True)):
            for inst in self.instances:
                x, y, angle, squash = self._pose(inst, sec, prog)
                step = round(angle / (2 * math.pi) * ANGLES) % ANGLES if self.turning and angle else -1
                rgba = self.sprites[inst.direction] if step < 0 else self.turns[inst.direction][step]
                s = float(scale[k]) * inst.scale
                sh, sw = rgba.shape[1:]
                h_px, w_px = max(2, round(sh * s * squash)), max(2, round(sw * s))
                if (h_px, w_px) != (sh, sw):
                    resized = F.interpolate(rgba[None], size=(h_px, w_px), mode="bilinear", align_corners=False)[0]
                    ready = _premultiplied(resized)
                else:
                    key = (inst.direction, step)
                    if key not in self._ready:
                        self._ready[key] = _premultiplied(rgba)
                    ready = self._ready[key]
                cx = self.w / 2 + (x - self.w / 2) * float(scale[k]) + (float(ox[k]) if anchored else 0.0)
                bottom = self.h / 2 + (y - self.h / 2) * float(scale[k]) + float(oy[k])
                # placed by its centre, half its upright height above where it stands, so a rotated
                # copy (drawn on a larger square) turns about the same point
                cy = bottom - self.sprites[1].shape[1] * s * squash / 2
                # always whole on screen: the camera follows a subject that would leave the frame. Kept in by
                # its upright box, so a turned copy's larger canvas does not lift it off the ground.
                up_h, up_w = self.sprites[1].shape[1] * s * squash, self.sprites[1].shape[2] * s
                left, top = round(cx - up_w / 2), round(cy - up_h / 2)
                dx = min(max(0, left), max(0, self.w - round(up_w))) - left
                dy = min(max(self.letterbox, top), max(0, self.h - self.letterbox - round(up_h))) - top
                self._blend(out[k], ready, round(cx - w_px / 2) + dx, round(cy - h_px / 2) + dy)

    def _blend(self, frame: torch.Tensor, ready: tuple[torch.Tensor, torch.Tensor], x0: int, y0: int) -> None:
        premultiplied, clear = ready
        sy, sx = max(0, -y0), max(0, -x0)  # what of the drawing lies above or left of the frame
        y0, x0 = max(0, y0), max(0, x0)
        h, w = min(clear.shape[0] - sy, self.h - y0), min(clear.shape[1] - sx, self.w - x0)
        if h <= 0 or w <= 0:
            return
        region = frame[y0 : y0 + h, x0 : x0 + w].float()
        region.mul_(clear[sy : sy + h, sx : sx + w]).add_(premultiplied[sy : sy + h, sx : sx + w]).clamp_(max=255)
        frame[y0 : y0 + h, x0 : x0 + w] = region.to(torch.uint8)


def _with_rim(rgba: torch.Tensor, colour: torch.Tensor, width: int) -> torch.Tensor:
    """rgba [4, h, w] (straight colour) with an outline `width` px thick in `colour` round its shape, on a
    canvas grown by the width: a sticker's edge, so a brown fox reads against brown trees."""
    padded = F.pad(rgba, (width, width, width, width))
    alpha = padded[3:4]
    grown = F.max_pool2d(alpha[None], 2 * width + 1, stride=1, padding=width)[0]
    outline = (grown - alpha).clamp(min=0)
    total = (alpha + outline).clamp(max=1)
    rgb = (padded[:3] * alpha + colour[:, None, None] * outline) / total.clamp(min=1e-6)
    return torch.cat([rgb, total], dim=0)


def _premultiplied(rgba: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A sprite ready to blend over uint8 pixels in two passes: (colour × alpha × 255 + ½ [h, w, 3]
    — the ½ rounds when the sum is truncated —, 1 − alpha [h, w, 1])."""
    hwc = rgba.permute(1, 2, 0)
    alpha = hwc[..., 3:]
    return (hwc[..., :3] * alpha * 255 + 0.5).contiguous(), (1 - alpha).contiguous()


def composite(rgb: torch.Tensor, mask: torch.Tensor | None, rgba: torch.Tensor, x0: int, y0: int) -> None:
    """Paint a prop (rgba [4, h, w], straight colour) in place onto a world layer (float rgb [H, W, 3]
    and its bool mask, None = opaque) with its top-left at canvas (x0, y0). In place, because a
    forest paints dozens of trees onto one canvas."""
    height, width = rgb.shape[:2]
    ys, xs = max(0, y0), max(0, x0)
    ye, xe = min(height, y0 + rgba.shape[1]), min(width, x0 + rgba.shape[2])
    if ys >= ye or xs >= xe:
        return
    patch = rgba[:, ys - y0 : ye - y0, xs - x0 : xe - x0]
    alpha = patch[3][..., None]
    colour = patch[:3].permute(1, 2, 0)
    under = rgb[ys:ye, xs:xe]
    if mask is not None:  # where the layer was empty there is nothing to blend the edge with
        under = torch.where(mask[ys:ye, xs:xe, None], under, colour)
        mask[ys:ye, xs:xe] |= patch[3] > 0.35
    rgb[ys:ye, xs:xe] = under * (1 - alpha) + colour * alpha


def prop_sprite(noun: Noun, height_px: float) -> torch.Tensor:
    """A prop's drawing at `height_px` tall (float RGBA [4, h, w])."""
    base = sprite(noun)
    scale = height_px / base.shape[1]
    size = (max(2, round(base.shape[1] * scale)), max(2, round(base.shape[2] * scale)))
    return F.interpolate(base[None], size=size, mode="bilinear", align_corners=False, antialias=True)[0]
