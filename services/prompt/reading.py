"""Reads one scene's text: every field of the 5-part structure, people, speech and sound, with spans.

Quoted speech is masked (replaced by placeholders of the same length) before the
lexicons run, so words inside dialogue never become locations or sound events,
and every span still points into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

from cinemesh.prompt import lexicon as lx
from cinemesh.prompt.sounds import (
    SoundRead,
    antecedent,
    held,
    parse,
    predicate,
    quote_mask,
    read_sounds,
    subject_of,
    things,
    vocabulary,
)
from cinemesh.prompt.visibility import says_offscreen
from cinemesh.runtime.timephrases import TimePhrase
from cinemesh.v1 import plan_pb2 as p

_FLAGS = re.IGNORECASE
_QUOTE = re.compile(r"“([^”]{1,1000})”|\"([^\"]{1,1000})\"")
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n+|(?<=q)(?=\s+[A-Z@Q])")
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_]{0,31})\b")


@dataclass(frozen=True)
class Hit:
    """One lexicon match: the value and where it is."""

    value: int
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@cache
def _compiled(table: tuple[tuple[str, int], ...]) -> list[tuple[re.Pattern[str], int]]:
    return [(re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", _FLAGS), value) for pattern, value in table]


def find(table: Iterable[tuple[str, int]], text: str) -> list[Hit]:
    """Non-overlapping matches of a table in text order; where two overlap, the longer wins."""
    hits = [
        Hit(value, m.start(), m.end())
        for pattern, value in _compiled(tuple(table))
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def mask_quotes(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text with quoted speech and a list's bullets blanked out, and the quotes (start, end, words)."""
    quotes = []
    masked = list(text)
    for m in _QUOTE.finditer(text):
        words = m.group(1) if m.group(1) is not None else m.group(2)
        quotes.append((m.start(), m.end(), words.strip()))
        for i in range(m.start(), m.end()):
            masked[i] = "Q" if i in (m.start(), m.end() - 1) else "_"
        if re.search(r"[.!?]\W*$", words):
            masked[m.end() - 1] = "q"  # a closing quote that ends a sentence
    for m in _BULLET.finditer(text):  # "- 0:02 Drill whirs": a list's bullet is no word of the line
        masked[m.start(1)] = " "
    return "".join(masked), quotes


_BULLET = re.compile(r"^[ \t]*([-•*–—])[ \t]+(?=\S)", re.MULTILINE)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; quotes must already be masked."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            bounds.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def _sentence_of(bounds: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= position < end or position == end:
            return start, end
    return 0, 0


@dataclass
class Person:
    """A person reference found in the text."""

    key: str  # "@handle" or head noun
    handle: str
    description: str
    gender: str
    start: int
    end: int
    count: int  # people this reference stands for
    definite: bool  # "the fisherman" / "his wife" refer back


@dataclass
class SpeechRead:
    speaker_ref: str | None  # "@handle", head noun, or "he"/"she"/"they"
    text: str
    delivery: int
    emotion: str
    start: int
    end: int
    sentence_start: int = 0  # where the sentence holding the line starts


@dataclass
class CueRead:
    event: int
    surface: str
    explicit_seconds: float | None
    anchor: str
    start: int
    end: int
    # the explicit time of the clause this cue is tied to ("… at 3 s as the door slams")
    anchor_seconds: float | None = None


@dataclass
class SceneReading:
    """Everything one scene's text states, before timing and defaults."""

    text: str
    masked: str
    shot_size: list[Hit] = field(default_factory=list)
    movement: list[Hit] = field(default_factory=list)
    location: list[Hit] = field(default_factory=list)
    time_of_day: list[Hit] = field(default_factory=list)
    weather: list[Hit] = field(default_factory=list)
    lighting: list[Hit] = field(default_factory=list)
    style: list[Hit] = field(default_factory=list)
    subject: tuple[str, int, int] | None = None
    action: tuple[str, int, int, int] | None = None  # text, kind, start, end
    people: list[Person] = field(default_factory=list)
    speech: list[SpeechRead] = field(default_factory=list)
    cues: list[CueRead] = field(default_factory=list)
    sounds: list[SoundRead] = field(default_factory=list)  # every described sound, open vocabulary
    untied_times: list[TimePhrase] = field(default_factory=list)  # "at 3 s" with no sound to tie it to
    place: tuple[str, int, int] | None = None  # the place as written ("kitchen"), with its span
    ambience: list[Hit] = field(default_factory=list)
    acoustics: list[Hit] = field(default_factory=list)
    music_none: Hit | None = None
    music_mood: tuple[str, int, int] | None = None
    music_genre: tuple[str, int, int] | None = None
    music_tempo: tuple[float, int, int] | None = None


# --------------------------------------------------------------------------- people

_PEOPLE_WORDS = sorted({*lx.PEOPLE, *lx.PEOPLE_PLURALS}, key=len, reverse=True)
_PEOPLE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in _PEOPLE_WORDS) + r")(s|es)?(?![\w-])"
    rf"(?!\s+(?:{lx.PEOPLE_MODIFIED})s?\b)",
    _FLAGS,
)
_DETERMINERS = {
    "a",
    "an",
    "the",
    "his",
    "her",
    "their",
    "its",
    "my",
    "our",
    "your",
    "one",
    "another",
    "this",
    "that",
    "some",
    "every",
    "each",
    "second",
}
_PEOPLE_NOUNS = frozenset({*lx.PEOPLE, *lx.PEOPLE_PLURALS})
_DEFINITE = {"the", "his", "her", "their", "its", "my", "our", "your", "this", "that", "both"}
_STOP_BEFORE = re.compile(
    r"^(?:and|or|with|of|to|in|on|at|by|for|from|as|while|who|is|are|was|were|but|"
    r"then|than|like|near|behind|beside|toward|towards|into|onto|"
    r"camera|shot|follows|tracks|watches|meets|greets|hugs|says|tells|asks)$",
    _FLAGS,
)
_NOT_A_PERSON = re.compile(
    r"(?:record|music|dvd|cd|mp3|media|video) player|model (?:train|plane|ship|car)|"
    r"no man'?s|man-made|snow ?man|spider-?man|batman|superman|iron man|pac-?man|"
    r"host of|the host city|guard ?rail|coast guard station|player piano|"
    r"(?:a|the) crowd of \w+|bar host|first[- ]person",  # "first person, you're a chef": the camera's eye
    _FLAGS,
)


#: A name in capitals, maybe its age, a comma and then a role's words: the role that follows is the named one's
#: What a screenplay's name is, written after it: "DANNY, a scaffolder in hi-vis," -> "a scaffolder in hi-vis".
_NAME_APPOSITIVE = re.compile(r"(?:\s*\([^)]{0,20}\))?\s*,\s+((?:a|an|the|our|their|his|her)\s+[^,.;:\n]{1,60})")
_APPOSITIVE_OF_A_NAME = re.compile(
    r"\b[A-Z][A-Z'-]{2,}(?:\s*\([^)]{0,20}\))?\s*,\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,2}$"
)


_SCREENPLAY_NAME = re.compile(
    # at a line's start, or a sentence's or after "and" in a slugline's run-on text ("… Heat shimmer. HANK (60s) climbs
    # out", "… bangs shut and LUCY (8) runs out")
    r"(?m)(?:^\s*|(?<=[.!?]\s)|(?<=\band\s))(?!(?:INT|EXT|VO|OS|CUT|FADE|SUPER|POV|SFX|TITLE|CARD)\b)"
    r"([A-Z][A-Z'-]{2,})(?=\s*(?:\(|:))"
)


#: A voice marked off screen ("COOK (O.S.):", "RADIO (V.O.):", "Mom (off-screen):") is heard, not seen.
_OFF_SCREEN = re.compile(
    r"\b[A-Za-z][\w'-]*(?:\s+[A-Z][\w'-]*)?\s*\((?:O\.?\s?S\.?|V\.?\s?O\.?|off[- ]?screen|off[- ]?camera|offscreen)"
    r"(?:[,;][^)]{0,40})?\)"  # "TECH (O.S., over the PA):"
    r"|\bV\.?O\.?\s*\([^)]{0,60}\)",  # "VO (friendly, older man):": the voice over's voice, no one on screen
    _FLAGS,
)


#: What someone wears, written right after the word for them ("in a red jacket", "wearing yellow wellies").
_WEARING = re.compile(
    rf"\s+(?:in|wearing|dressed in)\s+(?:(?:a|an|the|his|her|their|some)\s+)?(?:[\w-]+\s+){{0,3}}?(?:{lx.CLOTHES})\b",
    _FLAGS,
)


def _person_refs(masked: str) -> list[Person]:
    refs: list[Person] = []
    blocked = [(m.start(), m.end()) for m in (*_NOT_A_PERSON.finditer(masked), *_OFF_SCREEN.finditer(masked))]
    blocked += [m.span("place") for m in _SLUGLINE.finditer(masked)]  # "INT. BLACKSMITH'S FORGE": a place's name
    for m in _MENTION.finditer(masked):
        handle = m.group(1)
        refs.append(Person(f"@{handle.lower()}", handle, f"@{handle}", "", m.start(), m.end(), 1, False))
    for m in _SCREENPLAY_NAME.finditer(masked):
        # a screenplay names its characters in capitals ("MARCUS (40s) bangs…", "JON: …"); the first one
        # introduces them, later ones refer back
        name = m.group(1)
        if name.lower() in lx.PEOPLE or any(s <= m.start(1) < e for s, e in blocked):
            continue
        # "CAPTAIN REYES (50s) leans in. … REYES: …": the name is the captain already in the scene
        titled = re.search(rf"\b([A-Z]+)\s+{re.escape(name)}\b", masked)
        if titled and titled.group(1).lower() in lx.PEOPLE:
            title = titled.group(1).lower()
            refs.append(Person(title, "", titled.group(0).title(), "", m.start(1), m.end(1), 1, True))
            continue
        known = any(r.key == name.lower() for r in refs)
        described = name.title() if known else _described(name, masked, m.end(1))
        refs.append(Person(name.lower(), "", described, "", m.start(1), m.end(1), 1, known))
    refs += _screenplay_cast(masked, refs, blocked)
    for m in _PEOPLE.finditer(masked):
        if any(s <= m.start() < e for s, e in blocked):
            continue
        following = masked[m.end() : m.end() + 30]
        if re.fullmatch(lx.BRIEF_FIELDS, m.group(0), _FLAGS) and re.match(r"\s*:(?!\d)", following):
            continue  # "Client: Apex Running": a brief's field, not someone in the clip
        if m.group(2) and following[:1] in ("'", "’"):
            continue  # "the neighbours' party": whose party, not who is seen
        owned = re.match(r"['’]s\s+([\w-]+)(?:\s+([\w-]+))?", following)  # "a kid's party", "a kid's birthday party"
        if owned and {w.lower() for w in owned.groups() if w} & (lx.PLACES | lx.OWNED_SETTINGS):
            continue  # "a kid's party", "Gentleman's study": whose place, not who is seen
        if owned and _heard_of(owned.group(1)):
            continue  # "the neighbor's dog barks", "a conductor's voice": whose sound, not who is seen
        if _PEOPLE.match(following.lstrip()) and following[:1] == " ":
            continue  # "a newlywed couple": the first word describes the second
        if _APPOSITIVE_OF_A_NAME.search(masked, 0, m.start()):
            continue  # "NKECHI (34), a marine biologist,": what the named one is, not someone else
        if _ON_GUARD.search(masked, 0, m.end()) and m.group(1).lower() == "guard":
            continue  # "a scarecrow stands guard": keeping watch, not a guard
        next_word = re.match(r"\s+([a-z-]+)", following, _FLAGS)
        if next_word and _names_an_animal(next_word.group(1)):
            continue  # "a king penguin", "a queen bee": a kind of animal, not a king
        word_before = re.search(r"([a-z-]+)\s+$", masked[max(0, m.start() - 30) : m.start()], _FLAGS)
        if word_before and m.group(1).lower() in lx.ANIMAL_PERSON_WORDS and _names_an_animal(word_before.group(1)):
            continue  # "an Anglo-Nubian nanny": the breed says the nanny is a goat (a dog walker is someone)
        if _CAR_MAKE.search(masked, 0, m.start()):
            continue  # "a mud-spattered Jeep Wrangler", "a Ford Ranger": a car's model
        word = m.group(1).lower()
        head = lx.PEOPLE_PLURALS.get(word, word)
        plural = word in lx.PEOPLE_PLURALS or word == "couple" or bool(m.group(2))
        # walk back over adjectives to the determiner / number
        before = masked[max(0, m.start() - 60) : m.start()].rpartition("\n")[2]  # a line before is no adjective
        tokens = re.findall(r"[\w'-]+|[^\w\s]", before)
        adjectives: list[str] = []
        determiner = ""
        count = 2 if plural else 1
        while tokens and len(adjectives) < 3:
            token = tokens[-1]
            low = token.lower()
            phrase2 = " ".join(t.lower() for t in tokens[-3:])
            if not re.match(r"[\w'-]+$", token) or (_STOP_BEFORE.match(low) and low != "of"):
                break
            if phrase2 in ("a pair of", "a couple of", "a group of", "a crowd of", "a team of", "a family of"):
                count = 2 if phrase2 in ("a pair of", "a couple of") else 0  # a group: extras
                determiner = phrase2
                break
            if _TIME_UNIT.fullmatch(low):
                break  # "At 2 seconds someone yanks the cord": a time, not two people
            if low in lx.NUMBERS:
                count = lx.NUMBERS[low]
                determiner = low
                break
            if low == "both":
                count, determiner = 2, "both"
                break
            if low in _DETERMINERS:
                determiner = low
                break
            if re.search(lx.CROWD_WORDS, low, _FLAGS) and low in ("many", "several", "some", "dozens", "hundreds"):
                count = 0
                break
            if low == "of" or low.endswith("'s") or low in ("is", "are", "was"):
                break
            adjectives.insert(0, token)
            tokens.pop()
        if count == 0:
            continue
        counted = determiner in lx.NUMBERS or determiner in ("both", "a pair of", "a couple of")
        if plural and not counted and word not in ("couple", "twins", "parents"):
            continue  # "the players", "people", "the band": a group is background, not characters
        if plural and determiner in ("the", "some", "their") and head == "person":
            continue  # "the people": a crowd
        if head == "person" and plural:
            continue
        description = " ".join(
            [*([determiner] if determiner and determiner not in lx.NUMBERS else []), *adjectives, m.group(1)]
        )
        if not plural and (worn := _WEARING.match(masked, m.end())):
            description += worn.group(0).rstrip()  # "a man in a red jacket": what they are dressed in
        start = m.start() - len(" ".join(adjectives)) - (1 if adjectives else 0)
        clause = re.match(r"[^,.;:!?\n]*", masked[m.end() :])
        if clause is not None and says_offscreen(clause.group(0)):
            continue  # "a kid laughing somewhere", "a man shouting from downstairs": heard, not on screen
        refs.append(
            Person(
                head, "", description, lx.PEOPLE.get(head, ""), max(0, start), m.end(), count, determiner in _DEFINITE
            )
        )
    refs.extend(_unnamed_people(masked, refs))
    return sorted(refs, key=lambda r: r.start)


def _screenplay_cast(masked: str, refs: list[Person], blocked: list[tuple[int, int]]) -> list[Person]:
    """In a screenplay (a slugline opens it), each bare name in capitals that opens an action line or sentence or
    stands above a line of dialogue ("FERGUS, kilted, plays …", "IFEOMA slides a tray …", "MARCO" over his line),
    with no age or colon after it (those the screenplay-name rule reads). No one new: a role or a kind after an
    article ("A ROOSTER crows", "The SMITH hammers"), a group or animals ("GULLS circle"), a sound ("BELL"), a name
    a title goes with elsewhere ("CAPTAIN VEGA … VEGA"), which the role's word counts, or one read already."""
    if not (slug := _SLUGLINE.search(masked)):
        return []
    cast: list[Person] = []
    for m in _CAPS_ACTOR.finditer(masked, slug.end()):
        name, start = m.group("name"), m.start("name")
        words = [w.lower() for w in name.split()]
        lead = masked[masked.rfind("\n", 0, start) + 1 : start]
        if (
            name.isdigit()
            or "\n" in name
            # a line's or sentence's first word ("Old JACK PENGELLY": a word that says how old is part of the line)
            or not (lead.strip() == "" or re.search(r"[.!?]\s+$", lead) or _NAME_LEAD.fullmatch(lead.strip()))
            or any(w.upper() in _NOT_A_NAME or _kind_of_being(w) or _sounding_thing(w) for w in words)
            or re.search(rf"\b[A-Z][A-Z.'’-]+ +{re.escape(name)}\b", masked)
            or any(s <= start < e for s, e in blocked)
            or any(r.key in words or (r.start < m.end("name") and start < r.end) for r in (*refs, *cast))
        ):
            continue
        cast.append(
            Person(name.lower(), "", _described(name, masked, m.end("name")), "", start, m.end("name"), 1, False)
        )
    return cast


#: A car maker's name right before a people word makes it a model ("Jeep Wrangler", "Ford Ranger", "Honda Pilot").
_CAR_MAKE = re.compile(
    r"\b(?:jeep|ford|honda|toyota|nissan|chevy|chevrolet|dodge|ram|kia|hyundai|mazda|suzuki|mitsubishi|subaru|"
    r"land rover|range rover|vw|volkswagen|isuzu|gmc|lincoln|renault|peugeot|fiat|skoda|seat)\s+$",
    _FLAGS,
)


def _names_an_animal(word: str) -> bool:
    """Whether a word (or its singular) is an animal's name in the sounds tables ("penguin", "bees")."""
    low = word.lower()
    return any(form in things().animals for form in (low, low[:-1], low[:-2]))


#: A time's unit before a people word ("At 2 seconds someone yanks the cord"): it ends the words that describe them.
_TIME_UNIT = re.compile(r"\d+(?:\.\d+)?(?:s|secs?|seconds?|mins?|minutes?)?|s|secs?|seconds?|mins?|minutes?|mark")
#: "guard" kept, not someone: "stands guard", "keeps guard", "on guard".
_ON_GUARD = re.compile(r"\b(?:stand\w*|stood|keep\w*|kept|on|off|mount\w*|lower\w*)\s+(?:\w+\s+)?guard$", _FLAGS)
#: Words a screenplay writes before a name in capitals that opens an action line ("Old JACK PENGELLY, a thatcher,").
_NAME_LEAD = re.compile(
    r"(?:old|young|little|big|wee|tiny|mr|mrs|ms|miss|dr|auntie|uncle|nan|grandma|grandpa|granny)\.?", _FLAGS
)


def _described(name: str, masked: str, end: int) -> str:
    """A screenplay name's description: the name with what it is, written after it ("DANNY, a scaffolder in hi-vis,"
    -> "Danny, a scaffolder in hi-vis"; the renderer dresses a scaffolder as one), else the name alone."""
    what = _NAME_APPOSITIVE.match(masked, end)
    return f"{name.title()}, {what.group(1).strip()}" if what else name.title()


def _kind_of_being(word: str) -> bool:
    """A word in capitals that names a kind, not someone: a role ("NURSE"), an animal or a group, or the plural of one
    ("GULLS", "TOURISTS")."""
    forms = (word, word[:-1], word[:-2]) if word.endswith("s") else (word,)
    return any(f in _PEOPLE_NOUNS or f in things().animals or re.fullmatch(lx.CROWD_WORDS, f) for f in forms)


_BODY_PART = re.compile(
    r"\b(?:a|an|one|the)\s+(?:[\w-]+\s+)?(" + "|".join(lx.ACTING_BODY_PARTS) + r")\b"
    rf"(?!\s*(?:'s|of)\b)(?!\s+(?:{lx.PEOPLE_MODIFIED})s?\b)",  # "a hand plane" is a tool
    _FLAGS,
)
_LONE_PRONOUN = re.compile(r"\b(he|she)\b", _FLAGS)
_POV_CAPTION = re.compile(r"^\W*pov\b", _FLAGS)  # a caption opening with "pov"


def _heard_of(word: str) -> bool:
    """Whether what a person's possessive names is heard rather than shows them: their animal or their sound."""
    lemma = word.lower()
    return lemma in lx.OWNED_HEARD or lemma in things().animals or lemma.rstrip("s") in things().animals


def _unnamed_people(masked: str, refs: list[Person]) -> list[Person]:
    """Someone on screen whom no people noun names: the viewer of a pov caption ("pov: you're at a concert"),
    else a hand or finger acting alone ("a hand slaps it quiet"), else a lone "he" / "she"."""
    if pov := _POV.search(masked):
        rest = pov.group("rest")
        role = re.match(r"(?:a|an|the)\s+((?:[\w'-]+\s+){0,2}?[\w'-]+)(?=\s|$)", rest, _FLAGS)
        role_end = pov.start("rest") + (role.end() if role else 0)
        if any(pov.start() <= r.start <= role_end and r.count == 1 for r in refs):
            return []  # "pov: you're a barber": the viewer is named
        noun = _pov_role_noun(rest)
        animal = vocabulary().sources.get(noun, ("x",))[0] == "" or noun in things().animals
        if noun and noun not in lx.PEOPLE and (animal or not noun.endswith(_AGENT_ENDINGS)):
            return []  # an animal's or a thing's pov ("pov: you're a cat", "you're the metal stake") shows no one
        return [Person("you", "", "you", "", pov.start("you"), pov.end("you"), 1, False)]
    if (named := _pov_named_role(masked)) is not None and any(r.start < named[2] and named[1] < r.end for r in refs):
        return []  # "pov astronaut on a spacewalk … your glove": the viewer is the astronaut, named
    if caption := _POV_CAPTION.search(masked):
        # "pov: lying in a hammock", "pov: u just won at bingo", "pov: your first time at a range": whoever's
        # eyes the camera is stands in the scene even when the caption names no "you're"
        return [Person("you", "", "you", "", caption.start(), caption.end(), 1, False)]
    if refs:
        return []
    if part := _BODY_PART.search(masked):
        return [Person(part.group(1).lower(), "", part.group(0), "", part.start(), part.end(), 1, False)]
    if (lone := _LONE_PRONOUN.search(masked)) and not _animal_before(masked, lone.start()):
        gender = "male" if lone.group(1).lower() == "he" else "female"
        # definite: in a storyboard "she" is the girl of an earlier scene when there is one
        return [Person("person", "", "someone", gender, lone.start(), lone.end(), 1, True)]
    return []


@cache
def _animal_names() -> re.Pattern[str]:
    """The animals table's words, as whole words (plurals too)."""
    names = sorted(things().animals, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(re.escape(name) for name in names)})(?:e?s)?\b", _FLAGS)


def _animal_before(masked: str, position: int) -> bool:
    """Whether an animal is named before a position ("a dog … he is bark": he is the dog), also in a screenplay's
    capitals ("A shaggy HIGHLAND COW chews. … she lifts her head"), which the tagger reads as a name."""
    if _animal_names().search(masked[:position]):  # "my jack russell … he barks": the tagger reads a name
        return True
    sources = vocabulary().sources
    return any(
        t.idx < position
        and (t.pos_ == "NOUN" or (t.pos_ == "PROPN" and t.text.isupper()))
        and t.lemma_.lower() not in lx.PEOPLE
        and sources.get(t.lemma_.lower(), ("x",))[0] == ""
        for t in parse(masked)
    )


#: Endings of words for people the tables may lack ("highlander", "conductor", "florist", "ferryman"); not "-ee" or
#: "-ie", which end a tree and a cookie as often as a trainee.
_AGENT_ENDINGS = ("er", "or", "ist", "man", "men", "woman", "ian", "ess", "ster")


def _pov_role_noun(rest: str) -> str:
    """The role noun of a pov caption's rest ("a young beekeeper opening a hive" → beekeeper), or ""."""
    article = re.match(r"(?:a|an|the)\s+", rest, _FLAGS)
    if not article:
        return ""
    kept = ""
    for word in re.findall(r"[\w'-]+", rest[article.end() :]):
        if word.lower() in _POV_STOP or word.lower().endswith("ing"):
            break
        kept = word.lower()
    return kept


def _pov_named_role(masked: str) -> tuple[str, int, int] | None:
    """The viewer a pov caption names without "you" ("pov astronaut on a spacewalk", "POV: a night nurse doing
    rounds"): the words up to a preposition, a verb or a comma, when their last is a person noun, else None."""
    caption = _POV_NAMED.match(masked)
    if caption is None:
        return None
    words = list(re.finditer(r"[\w'-]+", caption.group("rest")))
    kept = []
    for word in words:
        if word.group(0).lower() in _POV_STOP or (word.group(0).lower().endswith("ing") and kept):
            break
        kept.append(word)
    if kept and len(kept) <= 3 and _PEOPLE.fullmatch(kept[-1].group(0)):
        start, end = caption.start("rest") + kept[0].start(), caption.start("rest") + kept[-1].end()
        return masked[start:end], start, end
    # "pov: night shift cleaning the museum": what the viewer is doing names them
    doing = words[len(kept)] if len(kept) < len(words) else None  # the -ing word the role's words stopped at
    if doing is not None and doing.group(0).lower() in lx.POV_AGENTS:
        start = caption.start("rest") + doing.start()
        return lx.POV_AGENTS[doing.group(0).lower()], start, start + len(doing.group(0))
    return None


# --------------------------------------------------------------------------- speech

_VERBS = "|".join(sorted(lx.SPEECH_VERBS, key=len, reverse=True))
_SPEAKER = r"@\w+|he|she|they|(?:the|a|an|his|her|their|one) (?:[\w-]+ ){0,2}?[\w-]+"
_BEFORE_QUOTE = re.compile(
    rf"(?P<spk>{_SPEAKER})\s+(?:(?P<adv1>\w+ly|softly|quietly|loudly)\s+)?(?:(?:leans in|turns|looks up|smiles|"
    rf"pauses|laughs|sighs|nods)(?: \w+)?,? (?:and )?)?(?P<verb>{_VERBS})(?:\s+(?P<adv2>\w+ly|softly|quietly|"
    rf"loudly))?(?:\s+back)?(?:\s+(?:to|at|into) [@\w ]{{1,30}}?)?(?:\s*\((?P<paren>[^)]{{1,30}})\))?\s*[,:—-]?\s*$",
    _FLAGS,
)
_HANDLE_COLON = re.compile(r"(?P<spk>@\w+)\s*(?:\((?P<paren>[^)]{1,30})\))?\s*:\s*$", _FLAGS)
_AFTER_QUOTE = re.compile(
    rf"^\s*,?\s*(?:(?P<spk>{_SPEAKER})\s+(?:(?P<adv1>\w+ly)\s+)?(?P<verb>{_VERBS})|(?P<verb2>{_VERBS})\s+"
    rf"(?P<spk2>{_SPEAKER}))(?:\s+(?P<adv2>\w+ly))?",
    _FLAGS,
)
_REPORTED = re.compile(
    r"(?P<spk>@\w+|\bhe|\bshe|\bthey|\b(?:the|a|an|his|her|their) (?:[\w-]+ ){0,2}?[\w-]+)\s+(?:(?P<adv>\w+ly)\s+)?"
    r"(?P<verb>says|whispers|shouts|yells|announces|explains|mutters|murmurs|tells (?:him|her|them|us|@\w+|"
    r"the [\w-]+))\s+(?:that\s+)?(?P<text>(?![Qq_,:\s]*$)[^.!?;Qq_\"“”:,]{3,200})",
    _FLAGS,
)
_EMOTION = re.compile(
    r"\b(angrily|softly|quietly|nervously|sadly|happily|excitedly|calmly|tearfully|"
    r"laughing|crying|sobbing|smiling|trembling|urgently|gently|playfully|bitterly|"
    r"desperately|cheerfully|coldly|warmly|sarcastically|hesitantly|frantically|breathlessly|"
    r"proudly|shyly|fearfully|anxiously|triumphantly|wistfully|firmly)\b",
    _FLAGS,
)


def _delivery(verb: str | None, emotion: str, paren: str | None) -> int:
    words = " ".join(w for w in (verb, emotion, paren) if w).lower()
    if re.search(r"whisper|murmur|mutter|breath|softly|quietly|hush", words):
        return p.DELIVERY_WHISPER
    if re.search(r"shout|yell|scream|exclaim|bellow|holler|roar|cries|calls|loudly", words):
        return p.DELIVERY_SHOUT
    if re.search(r"sing|sang|hum|chant", words):
        return p.DELIVERY_SING
    return p.DELIVERY_NORMAL if verb is None else lx.SPEECH_VERBS.get(verb.lower(), p.DELIVERY_NORMAL)


def _speech(text: str, masked: str, quotes: list[tuple[int, int, str]]) -> list[SpeechRead]:
    lines: list[SpeechRead] = []
    bounds = sentences(masked)
    for qs, qe, words in quotes:
        if not words:
            continue
        s_start, _ = _sentence_of(bounds, qs)
        before = masked[max(s_start, qs - 160) : qs]
        # stop at a previous quote in the same sentence
        last_quote = max(before.rfind("Q"), before.rfind("q"))
        if last_quote >= 0:
            before = before[last_quote + 1 :]
        after = re.split(r"[Qq]", masked[qe : qe + 80])[0]
        speaker = verb = adv = paren = None
        if m := _HANDLE_COLON.search(before):
            speaker, paren = m.group("spk"), m.group("paren")
            if tail := _AFTER_QUOTE.search(after):
                verb = tail.group("verb") or tail.group("verb2")
                adv = tail.group("adv1") or tail.group("adv2")
        elif m := _BEFORE_QUOTE.search(before):
            speaker, verb, paren = m.group("spk"), m.group("verb"), m.group("paren")
            adv = m.group("adv1") or m.group("adv2")
        elif m := _AFTER_QUOTE.search(after):
            speaker = m.group("spk") or m.group("spk2")
            verb = m.group("verb") or m.group("verb2")
            adv = m.group("adv1") or m.group("adv2")
        else:
            verbs = list(re.finditer(rf"\b({_VERBS})\b", before, _FLAGS))
            if verbs:
                verb = verbs[-1].group(1)
                subject = re.search(rf"(?:^|[,;:]\s*)(?P<spk>{_SPEAKER})\b", before[: verbs[-1].start()], _FLAGS)
                speaker = subject.group("spk") if subject else None
        emotion_match = _EMOTION.search(" ".join(x for x in (before[-60:], after[:40]) if x))
        emotion = adv or (emotion_match.group(1) if emotion_match else "") or (paren or "")
        lines.append(SpeechRead(speaker, words, _delivery(verb, emotion, paren), emotion.lower(), qs, qe, s_start))
    for m in _REPORTED.finditer(masked):
        if any(qs <= m.start() < qe for qs, qe, _ in quotes):
            continue
        said = m.group("text").strip()
        if masked[m.end() : m.end() + 3].lstrip()[:1] in ("Q", "q"):
            continue  # "whispers back "…"": the words are the quote that follows
        after_verb = masked[m.end("verb") : m.end("verb") + 3]
        if after_verb.strip().startswith(("Q", "q", ":", ",")) or said.lower() in ("nothing", "something"):
            continue
        verb_word = m.group("verb").split()[0]
        lines.append(
            SpeechRead(
                m.group("spk"),
                text[m.start("text") : m.start("text") + len(said)],
                _delivery(verb_word, m.group("adv") or "", None),
                (m.group("adv") or "").lower(),
                m.start(),
                m.end(),
            )
        )
    return sorted(lines, key=lambda line: line.start)


# --------------------------------------------------------------------------- sound cues

_EXPLICIT_TIME = re.compile(
    r"\bat (?:the )?(?:exactly )?(\d+(?:\.\d+)?)\s*-?\s*(?:s|sec|secs|seconds?)\b(?: mark)?|"
    r"\b(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?) in\b|\bafter (\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)\b|"
    r"\bat 0?0?:0?(\d+(?:\.\d+)?)\b|\bat the (\d+(?:\.\d+)?)[ -]second mark\b",
    _FLAGS,
)
_RELATIVE = re.compile(
    r"\b(?:just as|right as|as soon as|the moment|the instant|as|when|while|once|the second)\s+"
    r"(?!if\b|well\b|though\b)[^,.;!?]{3,80}",
    _FLAGS,
)
_SURFACE = re.compile(
    r"\b(?:on|across|over|onto|along|against|through)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?("
    + "|".join(sorted(lx.SURFACES, key=len, reverse=True))
    + r")\b|\b("
    + "|".join(sorted(lx.SURFACES, key=len, reverse=True))
    + r")\s+(?:floor|ground|path|street|"
    r"stairs|steps|tiles|road|sidewalk|courtyard|hallway|deck)\b",
    _FLAGS,
)


_SUBCLAUSE_BREAK = re.compile(
    r",|;|\s(?:and|but|then)\s|\s(?=(?:just as|right as|as soon as|the moment|the instant|"
    r"as|when|while|once)\s)",
    _FLAGS,
)


def _subclause(clause: str, offset: int) -> tuple[int, int]:
    """(start, end) of the part of a clause between breaks (commas, "and", "as", "when"…) that holds offset."""
    start, end = 0, len(clause)
    for m in _SUBCLAUSE_BREAK.finditer(clause):
        if m.end() <= offset:
            start = m.end()
        elif m.start() > offset:
            end = m.start()
            break
    return start, end


_CUE_PRIORITY = {"explicit": 0, "relative": 1, "planned": 2}
_LATER = re.compile(r"\b(?:then|later|afterwards?|after that|until|before|moments later|soon)\b", _FLAGS)
_SAME_EVENT_WINDOW = 160


def _cues(masked: str) -> list[CueRead]:
    cues: list[CueRead] = []
    bounds = sentences(masked)
    for hit in find(lx.SOUND_EVENTS, masked):
        s_start, s_end = _sentence_of(bounds, hit.start)
        clause = masked[s_start:s_end]
        offset = hit.start - s_start
        sub_start, sub_end = _subclause(clause, offset)
        own = clause[sub_start:sub_end]
        explicit = None
        if t := _EXPLICIT_TIME.search(own):
            explicit = float(next(g for g in t.groups() if g is not None))
        anchor = ""
        anchor_seconds = None
        if explicit is None:
            for rel in _RELATIVE.finditer(clause):
                if rel.start() <= offset < rel.end():
                    # the event is inside "as …": it is tied to what comes before it
                    before_event = clause[: rel.start()].strip(" ,")
                    anchor = before_event.split(",")[-1].strip() if before_event else ""
                    if t := _EXPLICIT_TIME.search(anchor):
                        anchor_seconds = float(next(g for g in t.groups() if g is not None))
                elif sub_end <= rel.start() <= sub_end + 2 or (
                    rel.start() < sub_start and not clause[rel.end() : sub_start].strip(" ,")
                ):
                    anchor = rel.group(0).strip()  # "… shatters as he opens the door" / "When …, it explodes"
                if anchor:
                    break
        if explicit is None and not anchor:
            # "At 3 s a glass slips from her hand and shatters": one time for the whole sentence
            times = list(_EXPLICIT_TIME.finditer(clause))
            between = clause[times[0].end() : offset] if times else ""
            if len(times) == 1 and times[0].start() < offset and not _LATER.search(between):
                explicit = float(next(g for g in times[0].groups() if g is not None))
        surface = ""
        if sm := _SURFACE.search(own):
            surface = lx.SURFACES[(sm.group(1) or sm.group(2)).lower()]
        if hit.value == p.SOUND_EVENT_GLASS_SHATTER and surface == "glass":
            surface = ""
        cue = CueRead(hit.value, surface, explicit, anchor, hit.start, hit.end, anchor_seconds)
        # The same event named twice close together ("a rifle shot … as the shot rings out") is one sound.
        twin = next(
            (
                c
                for c in cues
                if c.event == cue.event
                and cue.start - c.end < _SAME_EVENT_WINDOW
                and not (
                    c.explicit_seconds is not None
                    and cue.explicit_seconds is not None
                    and c.explicit_seconds != cue.explicit_seconds
                )
            ),
            None,
        )
        if twin is None:
            cues.append(cue)
        elif _rank(cue) < _rank(twin):
            cues[cues.index(twin)] = CueRead(
                cue.event,
                cue.surface or twin.surface,
                cue.explicit_seconds,
                cue.anchor,
                twin.start,
                twin.end,
                cue.anchor_seconds,
            )
        elif not twin.surface and cue.surface:
            twin.surface = cue.surface
    return cues


def _rank(cue: CueRead) -> int:
    if cue.explicit_seconds is not None:
        return _CUE_PRIORITY["explicit"]
    return _CUE_PRIORITY["relative" if cue.anchor else "planned"]


# --------------------------------------------------------------------------- subject / action

_LEADING_DIRECTIVE = re.compile(
    r"^\s*(?:[\w'’ -]{0,60}?\b(?:shot|view|footage|close-?up|closeup|angle|pan|still|portrait|video|clip|scene|"
    r"image|time-?lapse|sequence|tracking|dolly|zoom|frame|perspective|pov|glimpse|montage|vignette|push-?in|"
    r"push|pull-?back|pull-?out|dolly-?in|drone|fly-?over|orbit|reveal|tilt|crane)\s+(?:of|on|"
    r"across|over|following|around|toward|towards|through|as)\s+|open(?:s|ing)? on\s+|"
    # a screenplay's camera direction opening the line: "CLOSE ON a boot", "Tight on the kettle"
    r"(?:extreme(?:ly)? |very )?(?:close|closer|tight|wide|insert|focus|angle)\s+on\s+|"
    # a request to the camera: "Film a spotted Appaloosa trotting", "Show a mechanic leaning into an engine bay"
    r"(?:please\s+)?(?:film|show|shoot|capture|animate|render)\s+(?:me\s+|us\s+)?"
    r"(?=(?:a|an|the|my|our|some|this|two|three|four)\s))",
    _FLAGS,
)
_SEGMENT_BREAK = re.compile(r"[,;:]|\s(?=(?:as|while|where|when|whilst|and then|then)\s)", _FLAGS)
_SETTING_START = re.compile(
    r"^\s*(?:as|while|where|when|whilst|and then|then)?\s*(?:in|on|at|inside|outside|under|beneath|across|along|"
    r"through|during|after|before|from|over|above|near|by|behind|amid|among|high|deep|far|late|early|"
    r"once|later|meanwhile|suddenly|slowly|meanwhile|completely|just|only|no|with|without|\w+ing)\b",
    _FLAGS,
)
_NOT_A_SUBJECT = re.compile(
    r"^(?:the |a |an )?(?:camera|shot|frame|music|score|soundtrack|sound|silence|lens|"
    r"light|lighting|scene|video|clip|style|look|audio|mood|color|colour|grade|"
    r"tones?|vibe|aesthetic|focus)\b"
    # a time clause names no one ("Right after she says it, the radio …")
    r"|^(?:right|just|straight|soon|shortly|immediately)\s+(?:after|before|as|when|then)\b",
    _FLAGS,
)
_NOUN_END = re.compile(
    r"\s(?:in|on|at|with|as|while|under|near|by|through|across|beside|inside|against|during|"
    r"from|over|into|onto|along|beneath|behind|above|below|among|amid|toward|towards|who|"
    r"which|that|and then|before|after|under|"
    # a verb's helper ends the noun as the verb would ("Cyclists are waiting", "The kids have gone")
    r"is|are|was|were|has|have|had|will|would|can|could|should|must|may|might)\s|[,;:.!?]",
    _FLAGS,
)
#: An ad brief's opening line naming the product and the length ("Pet food, 15s.", "Home security camera, 20s spot."):
#: what is advertised, not what the clip shows.
_BRIEF_HEADER = re.compile(
    r"^\s*[\w'&-]+(?:\s+[\w'&-]+){0,3}\s*,\s*(?:\d+(?:\.\d+)?\s*(?:s|sec|secs|seconds)|[a-z-]+\s+seconds)"
    r"(?:\s+(?:spot|ad|commercial|pre-?roll|bumper|teaser|cut|clip|video))?\s*[.:!]?\s*$"
    # or a line that only asks for the length ("Let it run fifteen seconds.", "Make it 6 secs.")
    r"|^\s*(?:let it (?:run|play|roll)|make it|keep it)(?:\s+for)?\s+[\w. -]{1,25}?\s*(?:seconds?|secs?|s)\s*[.!]?\s*$",
    _FLAGS,
)
#: A brief's sentence that says what the film is and how long ("Brief: 10-sec social cutdown, dessert delivery app.",
#: "Islay whisky, brand film, runtime 30s.", "E-bike launch film (15 sec).", "Cordless hedge trimmer - :15 TV spot."):
#: the product and the format, not what the clip shows.
_BRIEF_FORMAT = re.compile(
    r"^\s*brief\s*:|\b(?:brand|launch|recruitment|product|hero|social) film\b|\bcut-?down\b|\bruntime\s+[\d:]"
    r"|\b(?:tv|radio|social|ad|web|cinema|:\d+|\d+s|\d+-sec(?:ond)?)\s+spot\b",
    _FLAGS,
)
_DIRECTIVE_WORDS = re.compile(
    r"\b(?:style|look|shot|camera|film|color|colour|grade|graded|tones?|vibe|aesthetic|"
    r"mood|lens|slow motion|motion|lighting|light|frame|format|aspect|ratio|quality|"
    r"feel|texture|grain|palette|toned|shot on|and|with|a|an|the|very|soft|warm|cool|"
    r"moody|dreamy|muted|vivid|high|low|contrast|saturated|desaturated|painterly|\d+k)\b",
    _FLAGS,
)
#: Specific actions outrank generic ones when a sentence has several.
_ACTION_RANK = [
    p.ACTION_KIND_PLAY_INSTRUMENT,
    p.ACTION_KIND_FIGHT,
    p.ACTION_KIND_DANCE,
    p.ACTION_KIND_WAVE,
    p.ACTION_KIND_JUMP,
    p.ACTION_KIND_SWIM,
    p.ACTION_KIND_DRIVE,
    p.ACTION_KIND_OPEN_DOOR,
    p.ACTION_KIND_TALK,
    p.ACTION_KIND_RUN,
    p.ACTION_KIND_LOOK,
    p.ACTION_KIND_EAT,
    p.ACTION_KIND_WORK,
    p.ACTION_KIND_WALK,
    p.ACTION_KIND_TURN,
    p.ACTION_KIND_SIT,
    p.ACTION_KIND_FLY,
    p.ACTION_KIND_IDLE,
]
#: What some people do by definition, when the text names no clearer action.
_IMPLIED_ACTION = {
    **dict.fromkeys(("swimmer", "diver", "snorkeler"), p.ACTION_KIND_SWIM),
    **dict.fromkeys(("jogger", "runner", "sprinter"), p.ACTION_KIND_RUN),
    **dict.fromkeys(
        (
            "drummer",
            "pianist",
            "violinist",
            "guitarist",
            "trumpeter",
            "cellist",
            "saxophonist",
            "musician",
            "busker",
            "harpist",
            "flutist",
            "bassist",
            "accordionist",
        ),
        p.ACTION_KIND_PLAY_INSTRUMENT,
    ),
    **dict.fromkeys(("dancer", "ballerina"), p.ACTION_KIND_DANCE),
    **dict.fromkeys(("comedian", "reporter", "presenter", "narrator", "speaker", "host"), p.ACTION_KIND_TALK),
    **dict.fromkeys(("boxer", "fighter", "wrestler"), p.ACTION_KIND_FIGHT),
    **dict.fromkeys(("driver", "motorcyclist", "cyclist", "biker", "courier"), p.ACTION_KIND_DRIVE),
}
_STRONG = {
    p.ACTION_KIND_TALK,
    p.ACTION_KIND_EAT,
    p.ACTION_KIND_OPEN_DOOR,
    p.ACTION_KIND_WAVE,
    p.ACTION_KIND_JUMP,
    p.ACTION_KIND_DANCE,
    p.ACTION_KIND_FIGHT,
    p.ACTION_KIND_PLAY_INSTRUMENT,
    p.ACTION_KIND_SWIM,
    p.ACTION_KIND_DRIVE,
    p.ACTION_KIND_RUN,
}


_PRONOUN = re.compile(r"^(?:it|he|she|they|this|that|these|those|we|you|i|him|her|them)$", _FLAGS)


@dataclass
class _Candidate:
    start: int  # absolute offset of the segment
    text: str  # the segment
    noun_phrase: str
    verbs: list[Hit]  # action verbs from the noun phrase to the end of the sentence (absolute)
    has_person: bool


def _directive_only(sentence: str) -> bool:
    rest = sentence
    for table in (lx.STYLES, lx.SHOT_SIZES, lx.CAMERA_MOVEMENTS, lx.LIGHTINGS):
        for hit in find(table, rest):
            rest = rest[: hit.start] + " " * (hit.end - hit.start) + rest[hit.end :]
    rest = _DIRECTIVE_WORDS.sub(" ", rest)
    return len(re.findall(r"[A-Za-z]{3,}", rest)) == 0


_OWNS_SETTING = re.compile(r"^(?:(?:a|an|the|my|our|your)\s+)?(?:[\w-]+\s+)?[\w-]+['’]s\s+([\w-]+)", _FLAGS)


def _names_a_person(phrase: str) -> bool:
    """Whether a noun phrase names a person, not only whose thing it is ("a farmer's dog barks": the dog; but "a
    hiker's boots crunch": the hiker walks in them)."""
    if _MENTION.search(phrase):
        return True
    for m in _PEOPLE.finditer(phrase):
        owned = re.match(r"['’]s\s+(?P<thing>.*)", phrase[m.end() :], _FLAGS)
        if owned is None or _PEOPLE.search(owned.group("thing")):
            return True
        words = re.findall(r"[\w-]+", owned.group("thing").lower())
        if any(w in lx.WORN_THINGS or w.rstrip("s") in lx.WORN_THINGS for w in words[:3]):
            return True
    return False


def _candidates(masked: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for s_start, s_end in sentences(masked):
        sentence = masked[s_start:s_end]
        if (
            not re.search(r"[A-Za-z]", sentence)
            or _directive_only(sentence)
            or _BRIEF_HEADER.match(sentence)
            or _BRIEF_FORMAT.search(sentence)
        ):
            continue
        body_start = 0
        if directive := _LEADING_DIRECTIVE.match(sentence):
            body_start = directive.end()
        # a label before a colon ("Brief: …"), never a clock time's colon ("sneezes at 0:01")
        prefix = re.match(r"^([^:.]{0,70}):(?!\d)\s*(?=\S)", sentence[body_start:])
        if prefix and not find(lx.ACTIONS, prefix.group(1)):
            body_start += prefix.end()
            # "Nature documentary: close-up of the bear…"
            if directive := _LEADING_DIRECTIVE.match(sentence[body_start:]):
                body_start += directive.end()
        sentence_verbs = [Hit(h.value, h.start + s_start, h.end + s_start) for h in find(lx.ACTIONS, sentence)]
        bounds = [body_start] + [m.end() for m in _SEGMENT_BREAK.finditer(sentence) if m.end() > body_start]
        segments = [(b, bounds[k + 1] if k + 1 < len(bounds) else len(sentence)) for k, b in enumerate(bounds)]
        for k, seg_start in enumerate(bounds):
            seg_end = bounds[k + 1] if k + 1 < len(bounds) else len(sentence)
            segment = sentence[seg_start:seg_end]
            # a list's numbering ("Shots: 1) sprinter in blocks") is no part of what it names
            lead = re.match(
                r"\s*(?:\d{1,2}[).]\s+)?(?:as|while|where|when|whilst|and then|then|and|but|seen as)?\s*",
                segment,
                _FLAGS,
            )
            segment_text = segment[lead.end() :] if lead else segment
            offset = s_start + seg_start + (lead.end() if lead else 0)
            if (
                not segment_text.strip()
                or segment_text.lstrip().startswith(("Q", "q", "_"))
                or _SETTING_START.match(segment_text)
                or _NOT_A_SUBJECT.match(segment_text)
            ):
                continue
            # the predicate runs on into segments that start with a verb ("…, eating a slice")
            predicate_end = s_start + seg_end
            for later_start, later_end in segments[k + 1 :]:
                later = sentence[later_start:later_end]
                lead_len = len(later) - len(later.lstrip(" ,;:"))
                later = later[lead_len:]
                later = re.sub(r"^(?:and|then|and then|before|after)\s+", "", later, flags=_FLAGS)
                starts_with_verb = any(
                    s_start + later_start + lead_len
                    <= h.start
                    <= s_start
                    + later_start
                    + lead_len
                    + (len(sentence[later_start:later_end].lstrip(" ,;:")) - len(later))
                    + 1
                    for h in sentence_verbs
                )
                if not starts_with_verb:
                    break
                predicate_end = s_start + later_end
            verbs_here = [h for h in sentence_verbs if offset < h.start < predicate_end]
            first_verb = next((h.start - offset for h in verbs_here if h.start - offset < len(segment_text)), None)
            noun_end = _NOUN_END.search(segment_text)
            cut = min(
                x for x in (first_verb, noun_end.start() if noun_end else None, len(segment_text)) if x is not None
            )
            phrase = segment_text[:cut].strip(" ,")
            if not phrase:
                continue
            if len(phrase.split()) > 6:
                phrase = " ".join(phrase.split()[:6])
            owner = _OWNS_SETTING.match(phrase)  # "Gentleman's study": a place, nobody acting in it
            # a voice off screen ("DAD (O.S.): …") or a speaker's cue ("COACH DALE: Hands up!") names who talks,
            # not who acts in the shot
            heard = any(
                m.start() <= offset + len(phrase) + 2 and offset < m.end() for m in _OFF_SCREEN.finditer(masked)
            )
            person = (
                not heard
                and _names_a_person(phrase)
                and not (owner and owner.group(1).lower() in lx.PLACES | lx.OWNED_SETTINGS)
            )
            found.append(_Candidate(offset, segment_text, phrase, verbs_here if first_verb is not None else [], person))
    return found


_GROUP = re.compile(rf"^(?:(?:the|some|many|all|other)\s+)?(?:[\w-]+\s+)?(?:{lx.CROWD_WORDS})s?\b", _FLAGS)


def _does_something(subject: tuple[str, int, int], masked: str) -> bool:
    """Whether a subject is a thing the parse makes do something: the subject of a verb that is more than being
    there ("Smoke hangs in the light", "A lamp glows" only set the scene), itself no sound ("Footsteps creak": someone
    walks) and no title ("Crisp & Co. kettle chips")."""
    head = next((t for t in parse(masked) if t.idx + len(t.text) == subject[2]), None)
    return (
        head is not None
        and head.dep_ in ("nsubj", "nsubjpass")
        and head.lemma_.lower() not in vocabulary().nouns
        and head.head.lemma_.lower() not in vocabulary().silent_verbs
        and not _passes_by(head.head)
    )


def _passes_by(verb: Any) -> bool:
    """Whether a verb has its subject go past ("A tram rolls past a cafe", "a bus passes by"): it crosses the shot,
    which is of what is there."""
    return verb.lemma_.lower() == "pass" or any(c.lower_ in ("past", "by") for c in verb.children)


def _named_before(masked: str, position: int) -> bool:
    """Whether the sentences before a position name a thing that is no place, camera phrase or time."""
    before = masked[:position]
    named = parsed_subject(before) if before.strip() else None
    return named is not None and not _is_scenery(named, before) and not _NOT_AN_ACTOR.match(named[0])


_OPENING = re.compile(r"[\s,]*(?:(?:please|pls|plz)\b[\s,]*)?", _FLAGS)  # what may come before a sentence's subject


def _subject_and_action(masked: str) -> tuple[tuple[str, int, int] | None, tuple[str, int, int, int] | None]:
    candidates = _candidates(masked)
    if not candidates:
        return None, None
    # a person outranks a thing, but a group is background ("A robot marches … Kids giggle."), and a person first
    # named in a sentence after the one where a thing already acts comes after it ("An old steam train pulls in. …
    # A conductor checks his watch.")
    acting = next((c for c in candidates if c.verbs), candidates[0])
    # the thing acts when its sentence opens with it (after its spaces, or a "Please,") and the parse agrees (not a
    # brief's "Product: …" line), whether or not the action table knows its verb ("An old steam locomotive pulls
    # into a small station."), and it does something ("Smoke hangs in the light" sets the scene, like the weather)
    parsed = parsed_subject(masked)
    thing = next(
        (
            c
            for c in candidates
            if parsed is not None
            and c.start == parsed[1]
            and c.start <= acting.start
            and any(
                start <= c.start < end and _OPENING.fullmatch(masked[start : c.start])
                for start, end in sentences(masked)
            )
        ),
        None,
    )
    # a screenplay's action lines are about its cast ("INT. BARBERSHOP. Clippers buzz. The BARBER spins the chair")
    # and no sentence before it already named what the shot is of ("An elevator in a glass office tower. The doors
    # open …")
    thing_acts = (
        thing is not None
        and parsed is not None
        and _does_something(parsed, masked)
        and not _is_scenery(parsed, masked)  # "A neon-soaked city at night, seen as a lone car drives …"
        and not _SLUGLINE.search(masked)
        and not _named_before(masked, thing.start)
    )
    first = thing if thing is not None and thing_acts else acting
    first_end = next((end for start, end in sentences(masked) if start <= first.start < end), len(masked))

    people = [
        c
        for c in candidates
        if c.has_person and not _GROUP.match(c.noun_phrase) and (c.start < first_end or not thing_acts)
    ]
    chosen = people[0] if people else first
    start = chosen.start + chosen.text.find(chosen.noun_phrase)
    subject = (chosen.noun_phrase, start, start + len(chosen.noun_phrase))
    verbs = chosen.verbs or next((c.verbs for c in candidates if c.verbs and c.start > chosen.start), [])
    head = re.findall(r"[\w-]+", chosen.noun_phrase.lower())
    implied = next((_IMPLIED_ACTION[w] for w in reversed(head) if w in _IMPLIED_ACTION), None)
    if not verbs:
        if implied is None:
            return subject, None
        return subject, ("", implied, start, start)
    verb = min(verbs, key=lambda h: (_ACTION_RANK.index(h.value), h.start))
    kind = verb.value
    if implied is not None and kind not in _STRONG:
        kind = implied
    if (
        kind == p.ACTION_KIND_FLY
        and find(lx.LOCATIONS, masked)
        and any(h.value == p.LOCATION_UNDERWATER for h in find(lx.LOCATIONS, masked))
    ):
        kind = p.ACTION_KIND_SWIM  # gliding or floating under water is swimming
    # a masked quote ends the action too: its placeholder must never reach the plan
    clause_end = re.search(r"[,;.!?]|\s(?:as|while|when)\s|Q_|_[Qq]", masked[verb.start :])
    a_end = verb.start + (clause_end.start() if clause_end else len(masked) - verb.start)
    return subject, (masked[verb.start : a_end].strip(), kind, verb.start, a_end)


# --------------------------------------------------------------------------- subject from the parse

#: A subject the word rules found that is no acting entity: a camera phrase, a slugline, a brief's preamble.
_NOT_AN_ACTOR = re.compile(
    r"^(?:(?:EXT|INT)\b|pov\b|you\b|you'?re\b|ur\b|u\b|i\b|it\b|its\b|he\b|she\b|they\b|we\b|ppl\b|"
    r"\[?\d|(?:[\w-]+\s+){0,4}(?:seconds?|minutes?)\b|is\b|no\b|please\b|(?:the|a|an)$|['\"‘’“]|emergency$|"
    r"(?:need|want|concept|pitch|idea)\b|"
    r"(?:[\w-]+\s+){0,3}(?:shot|ad|spot|video|vid|clip|brief|commercial|angle|close[ -]?up|macro|bumper|pre-?roll|"
    # the camera word heads the phrase ("Static medium shot", "Spot for a detergent"), no noun after it ("One shot
    # putter")
    r"product|promo|brand|tagline|super|teaser|trailer|reel)s?\b"
    r"(?!\s+(?!(?:of|for|about|with|showing|how|where|in|on|at|from|to|that|and|featuring|starring|my|me|the|a|an)\b)"
    r"[a-z])|"
    rf"(?:{lx.FILLER_WORDS})\b|(?:[\w-]+\s+){{0,3}}(?:{lx.BRIEF_JARGON})$|[\w-]+\s+(?:just\s+)?(?:{lx.REQUEST_VERBS})\b|"
    rf"(?:{lx.REQUEST_VERBS})\s+(?:for\s+)?(?:me|us)\b|(?:for|to)\s+(?:me|us)\b)",  # "make me a 5s vid of", "Make for
    # me a video", "For me is a video with 8 seconds"
    _FLAGS,
)
#: A word that never names what acts: chat filler, a platform, a brief's word for the feel ("vibe", "glide").
_NO_SUBJECT_WORD = re.compile(rf"^(?:{lx.FILLER_WORDS}|{lx.BRIEF_JARGON})$", _FLAGS)
#: "pov: you're …", and "pov: your first day at …", whose viewer is the caption's own
_POV = re.compile(
    # ("pov: it's 2:47am and you're sneaking down": the time or the place before the viewer)
    rf"\b(?:pov|first[- ]person)\b\W*(?:it'?s\s+[^,.;]{{1,30}}?\s+and\s+)?"
    rf"(?P<you>you(?:'re| are)?|ur|u r|u|i'?m|i am|your(?=\s+(?:{lx.POV_VIEWER_TIMES})\b))\s+"
    r"(?P<rest>[^,.;]{1,60})",
    _FLAGS,
)
#: "pov mail carrier on a street", "POV: a lifeguard at the tower": a caption naming its viewer's role without "you"
_POV_NAMED = re.compile(
    r"^\W*pov\b\W*(?!(?:you|your|ur|u|i'?m|i)\b)(?:(?:a|an|the)\s+)?(?P<rest>[^,.;:]{1,60})",
    _FLAGS,
)
_SLUG_WORD = re.compile(r"^(?:INT|EXT|DAY|NIGHT|[A-Z]{1,4})$|^\d")  # slugline words, "6s", "4K"
_POV_STOP = frozenset(
    [
        "of",
        "on",
        "in",
        "at",
        "with",
        "who",
        "and",
        "to",
        "from",
        "for",
        "by",
        "into",
        "over",
        "through",
        # any preposition ends the role noun ("a mechanic under a car", "a kid behind the couch")
        "under",
        "behind",
        "beside",
        "near",
        "inside",
        "outside",
        "above",
        "below",
        "beneath",
        "between",
        "across",
        "among",
        "around",
        "along",
        "against",
        "onto",
        "off",
        "up",
        "down",
        "after",
        "before",
        "during",
        "while",
        "as",
        "like",
        "trying",
        "the",
        "a",
        "an",
    ]
)
_META = frozenset(
    [
        "shot",
        "camera",
        "video",
        "vid",
        "clip",
        "ad",
        "spot",
        "brief",
        "frame",
        "scene",
        "angle",
        "sound",
        "music",
        "pov",
        "close-up",
        "closeup",
        "view",
        "footage",
        "card",  # "End card at 13s", "Title card"
    ]
)


#: What a shot is in, not of: a copula's subject that sets the scene ("the weather is foggy", "the sky is overcast").
_SETTING = frozenset(["weather", "sky", "light", "lighting", "atmosphere", "mood", "air", "temperature"])


def parsed_subject(masked: str) -> tuple[str, int, int] | None:
    """The main acting entity from the parse: "pov: you're a beekeeper" → beekeeper, else the first
    subject noun of a verb that is no camera or brief word ("Static medium shot. A plate falls" → plate)."""
    if pov := _POV.search(masked):
        rest = pov.group("rest")
        if article := re.match(r"(?:a|an|the)\s+", rest, _FLAGS):
            # the role noun: the last word before a preposition or a verb ("a young beekeeper opening a hive")
            words = list(re.finditer(r"[\w'-]+", rest[article.end() :]))
            kept = []
            for word in words:
                # "a beekeeper opening a hive" ends at the verb; "a crossing guard" begins with its -ing word
                if word.group(0).lower() in _POV_STOP or (word.group(0).lower().endswith("ing") and kept):
                    break
                kept.append(word)
            # "you're the last one left in the office": "one" names no role; the viewer is who the caption says
            if kept and not any(word.group(0).lower() in ("one", "ones") for word in kept):
                # the whole role, not its last word: "a mail carrier", "a young beekeeper"
                start = pov.start("rest") + article.end() + kept[0].start()
                end = pov.start("rest") + article.end() + kept[-1].end()
                return masked[start:end], start, end
        ride = re.match(
            r"(?:on|riding|at the (?:top|front|back) of)\s+(?:a|an|the)\s+(?P<ride>(?:roller )?[\w-]+)", rest, _FLAGS
        )
        # "on the night shift", "on the bridge" ride nothing
        if (
            ride
            and ride.group("ride").lower() not in lx.POV_NOT_RIDES
            and not find(lx.TIMES_OF_DAY, ride.group("ride"))
        ):
            start = pov.start("rest") + ride.start("ride")
            return f"{ride.group('ride')} rider", start, start + len(ride.group("ride"))
        # "you're skiing" → skier; a viewer with no role the words tell is "you" ("pov: you hit snooze")
        first = re.match(r"(?:just\s+)?([\w-]+)", rest)
        agent = lx.POV_AGENTS.get(first.group(1).lower(), "") if first else ""
        if pov.group("you").lower() == "your":
            agent = "you"  # "pov: your first day at the chip shop": the viewer, whatever the place tells
        elif not agent:
            # "pov: you're sitting in a stadium" → fan: the first thing or place that tells the role
            # read in order, two words before one: "at the drive-thru …, friends in the back seat" is the driver
            words = re.findall(r"[a-z]+", masked[pov.end("you") :].lower())
            pairs = [f"{a} {b}" for a, b in pairwise(words)]
            ordered = [w for k, word in enumerate(words) for w in (*pairs[k : k + 1], word)]
            agent = next((lx.POV_SCENE_ROLES[w] for w in ordered if w in lx.POV_SCENE_ROLES), "you")
        return agent, pov.start("you"), pov.end("you")
    doc = parse(masked)
    # the subject of the first verb (the parse's own confusions included: "A black horse gallops"), else
    # the first thing named in a sentence without a verb ("A pot of pasta on the stove.")
    subjects = [
        _topic_of(subject)
        for token in doc
        if token.pos_ in ("VERB", "AUX") or predicate(token)
        if (subject := subject_of(token, gerunds=False)) is not None
    ]
    nouns = [t for t in doc if t.dep_ in ("ROOT", "nsubj", "nsubjpass")]
    for token in [*subjects, *nouns]:
        meta = token.lower_ in _META or token.lemma_.lower() in _META  # "product shots"
        meta = meta or token.lower_ in _SETTING  # "the weather is foggy", "the only light is from jeep headlights"
        if (
            token.pos_ not in ("NOUN", "PROPN")
            or meta
            or _SLUG_WORD.match(token.text)
            or _time_word(token)
            or _NO_SUBJECT_WORD.match(token.text)
            or _addressed(token)
        ):
            continue
        first = token.left_edge if token.i - token.left_edge.i <= 4 else token  # "A ceramic plate"
        return masked[first.idx : token.idx + len(token.text)], first.idx, token.idx + len(token.text)
    return None


def _topic_of(subject: Any) -> Any:
    """A pronoun's noun when the sentence names it first, before a comma ("Green telehandler on a farm, grey
    drizzle, it lifts a round bale": the parse hangs the telehandler on the verb as a loose dependent)."""
    if subject.pos_ != "PRON":
        return subject
    topics = [
        c
        for c in subject.head.children
        if c.dep_ in ("dep", "npadvmod") and c.pos_ in ("NOUN", "PROPN") and c.i < subject.i and not _time_word(c)
    ]
    return topics[0] if topics else subject


def _first_thing(masked: str) -> tuple[str, int, int] | None:
    """The first thing the words name, where no word acts ("Video of 5 seconds, one spotted hyena near the crater",
    "spotted a kingfisher …, make me a vid of it"): the first noun that is no camera, brief, time, setting or place
    word, whole (the head of its compound, with up to four words before it)."""
    for token in parse(masked):
        if (
            token.pos_ != "NOUN"
            or token.dep_ in ("compound", "npadvmod", "amod", "nmod")  # "noise-cancelling", "eco-friendly"
            or token.lower_ in _META | _SETTING
            or token.lemma_.lower() in _META
            or _time_word(token)
            or _NO_SUBJECT_WORD.match(token.text)
            or token.lemma_.lower() in lx.PLACES
        ):
            continue
        first = token.left_edge if token.i - token.left_edge.i <= 4 else token
        while first.i < token.i and (first.is_punct or first.like_num or first.lower_ in ("a", "an", "the", "one")):
            first = first.doc[first.i + 1]
        return masked[first.idx : token.idx + len(token.text)], first.idx, token.idx + len(token.text)
    return None


_REQUEST = re.compile(rf"^(?:{lx.REQUEST_VERBS})$", _FLAGS)


def _addressed(token: Any) -> bool:
    """Whether a subject opening the prompt is whom it asks ("bro just show a lambo…"), not what acts."""
    return token.i == 0 and token.dep_ == "nsubj" and bool(_REQUEST.match(token.head.lower_))


_TIME_WORDS = frozenset(["second", "seconds", "sec", "secs", "minute", "minutes", "s"])


def _time_word(token: Any) -> bool:
    """A unit of time or a number ("Fifteen seconds of…", "Video of 8 second:"): never what a shot is of."""
    return bool(token.lower_ in _TIME_WORDS or token.lemma_.lower() in _TIME_WORDS or token.like_num)


#: A prompt that opens by saying what the clip is of: "Video of the motorcycle", "Five seconds of a boxer",
#: "I want to see the man …".
_FRAMED = re.compile(
    r"^\W*(?:(?:a|an|the|make|please|can you|can u|i want|i wanna|i need|i would like)\s+)*(?:(?:[\w-]+\s+){0,2}?"
    r"(?:video|vid|clip|film|footage|shot|seconds?|secs?|minutes?)\s+(?:of|with|showing|about)|(?:to\s+)?see)\s+"
    r"(?:(?:a|an|the|some|my|his|her|our|this|two|three)\s+)?(?P<np>\w)",
    _FLAGS,
)


#: A screenplay's character introduced in capitals in an action line ("ROSA mists", "A SECURITY GUARD walks"),
#: not a speaker's cue ("COOK (O.S.):", "SAL:").
_CAPS_ACTOR = re.compile(
    # (after a stamp that opens the line, "At 0:01 GWYN (60s) brings…", or a comma that introduces a name with
    # its age, "Two old rivals in white, HAZEL (70s) and MORTIMER (70s).")
    r"(?m)(?:^|[.!?]\s+|,\s+(?=[A-Z][A-Z'-]{2,}(?:\s+[A-Z][A-Z'-]{1,})?\s*\(\d))(?:(?:[Aa]t|[Oo]n)\s+\d{1,2}:\d{2},?\s+)?"
    r"(?:(?:A|An|The|THE)\s+|(?:Old|Young|Little|Big|Wee|Mr|Mrs|Ms|Miss|Dr|Auntie|Uncle|Nan|Gran"
    r"|Grandma|Grandpa|Granny)\.?\s+)?(?P<name>[A-Z][A-Z'-]{2,}(?:\s+[A-Z][A-Z'-]{1,})?)\b"  # "MASTER HU"
    r"(?!\s*(?:\((?!\d)|:|[-–—]|\.))"  # an age "(30s)" may follow
    r"(?!\s+[A-Z][A-Z'-]{2,})"  # nor the first word of a longer name in capitals ("CAPTAIN OYELARAN (O.S.):")
)
_NOT_A_NAME = frozenset(
    [
        "INT",
        "EXT",
        "DAY",
        "NIGHT",
        "MORNING",
        "EVENING",
        "DAWN",
        "DUSK",
        "CONTINUOUS",
        "LATER",
        "CUT",
        "FADE",
        "SUPER",
        "TITLE",
        "CARD",
        "SFX",
        "POV",
        "VO",
        "OS",
        "END",
        "CLOSE",
        "WIDE",
        # a time an action line opens with in capitals ("HALFWAY THROUGH, he lobs the parcel")
        "HALFWAY",
        "THROUGH",
        "SUDDENLY",
        "MOMENTS",
        "SECONDS",
        "BEAT",
        "THEN",
        "FINALLY",
        "AGAIN",
        "NOW",
        # … or the word that opens its time ("AROUND 0:02 he flings the fleece", "AT 3.5 SECONDS he throws")
        "AROUND",
        "ABOUT",
        "AT",
        "BY",
        "NEAR",
        "ROUGHLY",
        "EXACTLY",
        "JUST",
        "RIGHT",
    ]
)


def _sounding_thing(word: str) -> bool:
    """A word naming a sound or a thing that sounds (a bell, a klaxon), not a being (a rooster, a kid)."""
    return word in vocabulary().nouns or vocabulary().sources.get(word, ("",))[0] != ""


#: A screenplay's cue for a line: a name in capitals at a line's or sentence's start, maybe a parenthetical, then a
#: colon ("CAPTAIN REYES:", "MOM (whispering):"), never a clock time's colon.
_SPEAKER_CUE = re.compile(
    r"(?m)(?:^|(?<=[.!?]\s))(?P<name>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3})\s*(?:\([^)]*\)\s*)?:(?!\d)"
)


def _screenplay_speaker(masked: str) -> tuple[str, int, int] | None:
    """In a screenplay, the first speaker seen on screen ("CAPTAIN REYES: …", not "DAD (O.S.): …" nor "VO:")."""
    if not (slug := _SLUGLINE.search(masked)):
        return None
    heard = [(m.start(), m.end()) for m in _OFF_SCREEN.finditer(masked)]
    for m in _SPEAKER_CUE.finditer(masked, slug.end()):
        name = m.group("name").rstrip(".")
        off = any(s <= m.end("name") + 2 and m.start() < e for s, e in heard)  # "FIRST MATE KOVAC (O.S.):"
        if off or any(w.strip(".") in _NOT_A_NAME for w in name.split()):
            continue
        return name, m.start("name"), m.start("name") + len(name)
    return None


def _who_she_is(subject: tuple[str, int, int] | None, masked: str) -> tuple[str, int, int] | None:
    """The person a "she" or "he" who acts before a thing stands for, the last one named before it ("my mother's
    kitchen where she makes æbleskiver"), where the subject found is a thing; else None."""
    if subject is None or _PEOPLE.search(subject[0]) or _an_animal(subject[0]):
        return None
    acting = [c for c in _candidates(masked) if c.verbs]
    pronoun = next((c for c in acting if re.match(r"(?:she|he)\b", c.noun_phrase, _FLAGS)), None)
    if pronoun is None or pronoun.start >= subject[1]:
        return None
    named = list(_PEOPLE.finditer(masked, 0, pronoun.start))
    return (named[-1].group(0), named[-1].start(), named[-1].end()) if named else None


def _first_to_act(subject: tuple[str, int, int], masked: str) -> bool:
    """Whether a subject named before a screenplay's first name in capitals acts in an action line itself ("A
    drummer clicks his sticks. The GUITARIST stomps a pedal"): the parse reads it as a verb's subject."""
    acting = acting_subject(masked)
    return acting is not None and acting[1] <= subject[1] < acting[2]


def _slugline_end(masked: str) -> int:
    """Where a screenplay's slugline ends (0 without one): the end of its line, whose rest is the scene's light and
    length ("EXT. DUXFORD AIRSTRIP – LOW WINTER SUN (8 SEC)"), or of its place where the action runs on."""
    if not (slug := _SLUGLINE.search(masked)):
        return 0
    if masked[slug.end() - 1] == "\n":
        return slug.end()
    stop = re.search(r"\.\s|\n", masked[slug.end() :])  # "- NIGHT. Fireworks burst": the action runs on
    return slug.end() + stop.start() if stop else len(masked)


def _screenplay_actor(masked: str) -> tuple[str, int, int] | None:
    """In a screenplay (a slugline opens it) the first character named in capitals in an action line."""
    if not (slug_end := _slugline_end(masked)):
        return None
    for m in _CAPS_ACTOR.finditer(masked, slug_end):
        name = m.group("name")
        # a sound written in capitals, as screenplays do ("A FOGHORN sounds", "the BELL rings"), is no character
        sound = any(_sounding_thing(word.lower()) for word in name.split())
        if not any(word in _NOT_A_NAME for word in name.split()) and not name.isdigit() and not sound:
            name = name.rstrip("'’-")  # "MARCO's secateurs": the name, not its possessive
            return name, m.start("name"), m.start("name") + len(name)
    return None


#: A request for a clip of something anywhere in the prompt: "pls make a vid of a red ferrari", "Please, I need a
#: short video of the coffee machine", "Can you do for me the sound of a knife cutting …".
_REQUESTED = re.compile(
    r"\b(?:make|need|want|wanna|show|do|create|generate|give\s+me|see)\b[^.!?\n]{0,30}?\b"
    r"(?:video|vid|clip|film|footage|animation|sound|scene|reel)\s+(?:of|showing|about)\s+"
    # ("a video about how we bake šakotis" names no thing: who bakes it is the subject)
    r"(?:(?:a|an|the|some|my|his|her|our|this)\s+)?(?P<np>(?!(?:how|what|why|when|where|who)\b)\w)",
    _FLAGS,
)


#: The words that name a thing when the parse made no noun phrase of them: up to three, stopping at a preposition,
#: a conjunction or an -ing verb.
_NAMED_WORDS = re.compile(
    r"(?:(?!(?:at|in|on|by|and|with|near|under|over)\b)[\w'-]+(?![\w'-])(?<!ing)\s*){1,3}", _FLAGS
)
#: The product an ad brief films ("Hero: a chrome espresso machine on the counter", "Hero shot of boots crunching"):
#: what the spot shows, never the brand or the campaign line written before it.
_HERO = re.compile(
    r"\bhero(?:\s+(?:shot|product|image))?\s*(?::|[-–—]\s|\s+of\s)\s*(?:(?:a|an|the|some|our|two|three)\s+)?(?P<np>\w)",
    _FLAGS,
)
#: The words that name an ad's hero product ("a yellow cordless circular saw ripping a 2x4", "an enameled cast-iron
#: Dutch oven on a wood stove"), which the parse often cuts at a word it reads as a verb: up to six, stopping at
#: punctuation, a preposition, a conjunction or an article; an -ing or -ed word they end on is what it does.
_HERO_WORDS = re.compile(
    r"(?:(?!(?:at|in|on|by|and|or|with|near|under|over|of|from|into|onto|against|down|up|along|across|through|"
    r"past|around|toward|towards|outside|inside|beside|behind|between|beneath|above|below|atop|amid|for|to|during|"
    r"after|before|while|that|which|as|a|an|the|its|his|her|their|your)\b)[\w'-]+(?![\w'-])[ \t]*){1,6}",
    _FLAGS,
)
_TRAILING_PARTICIPLES = re.compile(r"(?:\s+[\w'-]+(?:ing|ed))+$", _FLAGS)
#: What a casual prompt introduces: "ok so theres this golden retriever at the beach", "there's a fox in the snow".
_THERE_IS = re.compile(r"^[^.!?\n]{0,20}?\bthere(?:'s|’s|s|\s+is)\s+(?:this|a|an|the|some)\s+(?P<np>\w)", _FLAGS)


def _framed_subject(masked: str) -> tuple[str, int, int] | None:
    """The thing a prompt says its clip is of, unless that is a place ("Eleven seconds of a snowy forest")."""
    m = _FRAMED.match(masked) or _REQUESTED.search(masked) or _THERE_IS.search(masked)
    if m is None:
        return None
    start = m.start("np")
    for chunk in parse(masked).noun_chunks:
        if chunk.start_char > start + 40:
            break
        if chunk.start_char > start and masked[start : chunk.start_char].strip(" ,"):
            # the parse made no noun phrase of the words asked for ("theres this golden retriever at the beach"):
            # they run to the first preposition, conjunction or -ing verb
            words = _NAMED_WORDS.match(masked, start)
            if words is None:
                return None
            named = words.group(0).rstrip()
            head = named.split()[-1].lower()
            # "Clip about twelve seconds long": how long the clip is, not what it is of
            timed = any(w.lower() in _TIME_WORDS for w in named.split())
            return None if head in lx.PLACES or head in _META or timed else (named, start, start + len(named))
        if chunk.start_char <= start < chunk.end_char or start <= chunk.start_char:
            root = chunk.root
            # "a sailboat on a calm bay", "see a train go on bridge": a vehicle the clip is of is what it shows,
            # though one can be in it ("sand dunes rolling" are scenery)
            acts = root.lemma_.lower() in lx.VEHICLE_PLACES
            if (
                root.pos_ not in ("NOUN", "PROPN")
                or (root.lemma_.lower() in lx.PLACES and not acts)
                or root.lower_ in _META
                or _time_word(root)
            ):
                return None
            # the words that name it ("a golden retriever"), without the article or a count
            first = next((t for t in chunk if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i <= root.i), root)
            begin, end = first.idx, root.idx + len(root.text)
            return masked[begin:end], begin, end
    return None


def _hero_subject(masked: str) -> tuple[str, int, int] | None:
    """The product an ad brief names as its hero ("Hero: a white hard-shell cooler on a truck tailgate")."""
    m = _HERO.search(masked)
    words = None if m is None else _HERO_WORDS.match(masked, m.start("np"))
    if words is None:
        return None
    named = _TRAILING_PARTICIPLES.sub("", words.group(0).rstrip())
    return named, words.start(), words.start() + len(named)


def acting_subject(masked: str) -> tuple[str, int, int] | None:
    """The subject of the first verb that is a thing acting: no place or weather ("sand dunes rolling",
    "a thunderstorm rolls in" set the scene), no camera or brief word, no group."""
    # the tables are matched once on the whole text (matching them per word costs milliseconds)
    scenery = [h.span for h in (*find(lx.WEATHERS, masked), *find(lx.SHOT_SIZES, masked))]
    silent = vocabulary().silent_verbs
    for token in parse(masked):
        verb = token.pos_ in ("VERB", "AUX") or (predicate(token) and token.dep_ != "pobj")  # "of sand dunes"
        if not verb or (subject := subject_of(token, gerunds=False)) is None:
            continue
        lemma = subject.lemma_.lower()
        if (
            subject.pos_ not in ("NOUN", "PROPN")
            or (subject.dep_ not in ("nsubj", "nsubjpass") and not predicate(token))  # "sand dunes" is no verb
            or subject.lower_ in _META | _SETTING
            or _SLUG_WORD.match(subject.text)
            or _NO_SUBJECT_WORD.match(subject.text)
            or (lemma in lx.PLACES and lemma not in lx.VEHICLE_PLACES)  # a boat is a place that acts
            or any(start <= subject.idx < end for start, end in scenery)
            or _GROUP.match(subject.text)
            or token.lemma_.lower() in silent
        ):
            continue
        first = subject.left_edge if subject.i - subject.left_edge.i <= 4 else subject
        text = masked[first.idx : subject.idx + len(subject.text)]
        if _NOT_AN_ACTOR.match(text):
            continue
        return text, first.idx, subject.idx + len(subject.text)
    return None


# --------------------------------------------------------------------------- place

_SLUGLINE = re.compile(r"\b(?:INT|EXT|INT\./EXT)\.?\s+(?P<place>[A-Z][A-Z'’ ]+?[A-Z])\s*(?:[-–—.,]|\n|$)")
_LOCATIVE = frozenset(
    [
        "in",
        "at",
        "inside",
        "on",
        "into",
        "through",
        "across",
        "over",
        "near",
        "by",
        "along",
        "under",
        "from",
        "of",
        "onto",
        "within",
        "outside",
        "down",  # "race down a dirt trail in the woods", "walking down the aisle"
        "up",
        "around",
        "beside",
        "behind",
    ]
)


#: The prepositions that put someone in a vehicle, making it a place ("inside the bus", "on a ferry").
_ABOARD = frozenset(["in", "inside", "on", "aboard", "into", "onto", "within"])
#: The prepositions that set one place within another ("a gas station in the desert").
_WITHIN = frozenset(["in", "inside", "within", "on"])


#: An ad brief's field that says where the clip is ("Setting: multi-storey car park in Nottingham, harsh
#: fluorescents"): its words, not the hero line's ("reversing into a narrow bay"), are the place.
_SETTING_FIELD = re.compile(
    r"^[ \t]*(?:setting|location|locale|place|where|backdrop|environment)[ \t]*:[ \t]*(?P<words>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)


#: An ad brief's fields that name who pays for the clip ("Brand: Ridgeback Padel"), never what is in it.
_WHO_PAYS_FIELD = re.compile(
    r"^[ \t]*(?:brand|client|agency|advertiser|company|sponsor)[ \t]*:[ \t]*(?P<words>[^\n]+)$",
    re.IGNORECASE | re.MULTILINE,
)


def setting_field(masked: str) -> tuple[int, int] | None:
    """Where an ad brief's setting field's words are (start, end), or None."""
    found = _SETTING_FIELD.search(masked)
    return None if found is None else (found.start("words"), found.end("words"))


def place_of(masked: str) -> tuple[str, int, int] | None:
    """The place the prompt puts the action in, as written: a screenplay's slugline ("INT. CHURCH - DAY"),
    else a brief's setting field's place, else the first place noun after a locative preposition ("in a cozy
    kitchen"), else the first one named."""
    if slug := _SLUGLINE.search(masked):
        words = slug.group("place").strip()
        return words.lower(), slug.start("place"), slug.start("place") + len(words)
    if (field := setting_field(masked)) is not None:
        start, end = field
        # the field's words alone, where they are written: a place named in it wins over one the hero line names
        alone = " " * start + masked[start:end] + " " * (len(masked) - end)
        if (within := _place_in(alone)) is not None:
            return within
    return _place_in(masked)


def _place_in(masked: str) -> tuple[str, int, int] | None:
    """The first place noun after a locative preposition, else the first one named, else the one the words name
    or imply (see place_of)."""
    found: list[tuple[bool, int, str, int, int]] = []
    for token in parse(masked):
        lemma = token.lemma_.lower()
        before = token.doc[token.i - 1] if token.i > 0 else None
        two = f"{before.lower_} {lemma}" if before is not None else ""  # "driving range", "bus stop"
        # "at a county fair", "at the aquarium banging on the glass": the small model may tag a two-word place's last
        # word an adjective, or a place before a verb it took for a noun (as in "stadium roaring" below)
        before_verb = lemma in lx.PLACES and token.head.i == token.i + 1 and token.head.lower_.endswith("ing")
        if token.pos_ not in ("NOUN", "PROPN") and not (token.pos_ == "ADJ" and (two in lx.PLACES or before_verb)):
            continue
        if two in lx.PLACES:
            start = before.idx  # type: ignore[union-attr]
        elif (
            token.dep_ == "compound"
            and token.head.pos_ in ("NOUN", "PROPN")
            and not {token.head.lower_, token.head.head.lower_} & (_META | {"spot", "promo", "commercial"})
            # "stadium roaring", "the old guildhall rings": the place does what the verb the parse took for a noun says
            and not (
                token.head.i == token.i + 1
                and ((token.head.lower_.endswith("ing") and token.head.dep_ == "ROOT") or _verb_like(token.head))
            )
        ):
            continue  # "ice cream", "street light": a place word naming another thing ("a zoo spot" is one)
        elif lemma in lx.PLACES or token.lower_ in lx.PLACES:
            start = token.idx
        else:
            continue
        end = token.idx + len(token.text)
        # "a video of the ship": "of" after a camera or brief word says what is shown, not where
        # "at a construction site downtown": a place the parse made a compound is where its head is
        anchor = token
        while anchor.dep_ == "compound" and anchor.head.i > anchor.i and anchor.head.lemma_.lower() in lx.PLACES:
            anchor = anchor.head
        preposition = anchor.head
        locative = (
            anchor.dep_ == "pobj"
            and preposition.lower_ in _LOCATIVE
            and not (preposition.lower_ == "of" and preposition.head.lower_ in _META)
        )
        vehicle = lemma in lx.VEHICLE_PLACES or two in lx.VEHICLE_PLACES
        # "the whistle of the train", "a train comes": nobody is in it; "the engineer of a steam train", "in the back
        # of a taxi": someone is
        owner = preposition.head if preposition.lower_ == "of" else None
        of_aboard = owner is not None and (
            bool(_PEOPLE.fullmatch(owner.text)) or (owner.dep_ == "pobj" and owner.head.lower_ in _ABOARD)
        )
        if vehicle and preposition.lower_ not in _ABOARD and not of_aboard:
            locative = False
        if locative or not vehicle:
            found.append((not locative, token.i, masked[start:end], start, end))
    if found:
        chosen = min(found)
        # "a lonely gas station in the desert", "an open forge in a stone barn": a place the chosen one is said to
        # be in is its setting; the place in it is where the shot is
        container = parse(masked)[chosen[1]].head.head
        inner = next((f for f in found if f[1] == container.i and container.head.i != chosen[1]), None)
        if parse(masked)[chosen[1]].head.lower_ in _WITHIN and inner is not None:
            chosen = inner
        _, _, text, start, end = chosen
        return text, start, end
    return _named_place(masked) or _implied_place(masked)


def _named_place(masked: str) -> tuple[str, int, int] | None:
    """No place noun: a place named by its proper name after "in" ("a pizza guy on a scooter in Naples", "a street
    vendor in Bangkok"), as written; never a person's name."""
    for token in parse(masked):
        if (
            token.pos_ == "PROPN"
            and token.dep_ == "pobj"
            and token.head.lower_ == "in"
            and token.text[:1].isupper()
            and not token.text.isupper()
            and token.lower_ not in lx.PEOPLE
            and not _time_word(token)
        ):
            return token.text, token.idx, token.idx + len(token.text)
    return None


def _implied_place(masked: str) -> tuple[str, int, int] | None:
    """No place named: the one what is named implies ("opens the fridge" → kitchen), spanning that word; never a
    word of the weather ("stomps in out the thunder shower" is no bathroom)."""
    weather = [hit.span for hit in find(lx.WEATHERS, masked)]
    for token in parse(masked):
        if any(start <= token.idx < end for start, end in weather):
            continue
        compound = [c for c in token.children if c.dep_ == "compound" and c.i == token.i - 1]
        for key, start in (
            (f"{compound[0].lower_} {token.lemma_.lower()}" if compound else "", compound[0].idx if compound else 0),
            (token.lemma_.lower(), token.idx),
            (token.lower_, token.idx),
        ):
            if key and key in lx.IMPLIED_PLACES:
                return lx.IMPLIED_PLACES[key], start, token.idx + len(token.text)
    return None


# --------------------------------------------------------------------------- music

_MUSIC = re.compile(rf"\b(?:{lx.MUSIC_WORDS})s?\b", _FLAGS)
_TEMPO = re.compile(r"\b(\d{2,3})\s*(?:bpm|beats per minute)\b", _FLAGS)
_MOOD = re.compile(r"\b(" + "|".join(lx.MOODS) + r")\b", _FLAGS)
_GENRE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(g) for g in sorted(lx.GENRES, key=len, reverse=True)) + r")(?![\w-])", _FLAGS
)
_ALWAYS_MUSICAL = {
    "jazz",
    "synthwave",
    "lo-fi",
    "lofi",
    "orchestral",
    "hip hop",
    "hip-hop",
    "techno",
    "edm",
    "classical",
    "bossa nova",
    "reggae",
    "chiptune",
    "8-bit",
    "dubstep",
    "drum and bass",
    "trip-hop",
    "disco",
    "big band",
    "gospel",
    "r&b",
    "blues",
    "funk",
    "bluegrass",
    "mariachi",
    "symphonic",
}


def _music(reading: SceneReading) -> None:
    masked = reading.masked
    if m := re.search(rf"(?<![\w-])(?:{lx.NO_MUSIC})(?![\w-])", masked, _FLAGS):
        reading.music_none = Hit(1, m.start(), m.end())
        return
    if m := _TEMPO.search(masked):
        reading.music_tempo = (float(m.group(1)), m.start(), m.end())
    music_words = list(_MUSIC.finditer(masked))
    bounds = sentences(masked)
    for mw in music_words:
        s_start, s_end = _sentence_of(bounds, mw.start())
        window = masked[max(s_start, mw.start() - 60) : min(s_end, mw.end() + 60)]
        w0 = max(s_start, mw.start() - 60)
        if reading.music_mood is None and (mood := _MOOD.search(window)):
            reading.music_mood = (mood.group(1).lower(), w0 + mood.start(), w0 + mood.end())
        if reading.music_genre is None and (genre := _GENRE.search(window)):
            reading.music_genre = (genre.group(1).lower(), w0 + genre.start(), w0 + genre.end())
    if reading.music_genre is None:
        for genre in _GENRE.finditer(masked):
            if genre.group(1).lower() in _ALWAYS_MUSICAL:
                reading.music_genre = (genre.group(1).lower(), genre.start(), genre.end())
                break
    if reading.music_genre is not None and reading.music_mood is None:
        g_start = reading.music_genre[1]
        s_start, s_end = _sentence_of(bounds, g_start)
        window_start = max(s_start, g_start - 40)
        if mood := _MOOD.search(masked[window_start : min(s_end, g_start + 40)]):
            reading.music_mood = (mood.group(1).lower(), window_start + mood.start(), window_start + mood.end())


# --------------------------------------------------------------------------- entry point

_OCEAN_WAVE_ACTION = re.compile(r"\bwaves? (?:at|to|goodbye|hello|back|her|his|their)\b|\bwaving\b", _FLAGS)


_OWNER_BEFORE = re.compile(r"\b(?P<owner>[A-Za-z][\w-]+)['’]s\s+$")
_POSSESSOR = re.compile(r"^(?:(?:a|an|the)\s+)?(?:[\w-]+\s+)?([A-Za-z][\w-]+)['’]s\s+\w", _FLAGS)


#: "one of them", "one of the kids": one of a group named before, who is what the shot is of
_ONE_OF = re.compile(r"^one of (?:them|the \w+)$", _FLAGS)


def _an_animal(phrase: str) -> bool:
    """Whether a noun phrase's head names an animal ("a border collie", "golden retriever")."""
    words = re.findall(r"[a-z]+", phrase.lower())
    animals = things().animals
    return bool(words) and (words[-1] in animals or words[-1].rstrip("s") in animals)


def _what_it_stands_for(subject: tuple[str, int, int], masked: str) -> tuple[str, int, int]:
    """A pronoun or "one of them" no acting thing replaces is what it stands for: "crows on a power line, one caws
    twice, then they all fly off" → crows; "2 kids on a trampoline, … one of them yells" → kids."""
    _, start, _ = subject
    token = next((t for t in parse(masked) if t.idx == start), None)
    if token is None:
        return subject
    # the first thing named before it (for "one of them", a group), no place, time or camera word
    group = bool(_ONE_OF.match(subject[0]))
    thing = next(
        (
            t
            for t in token.doc[: token.i]
            if t.pos_ in ("NOUN", "PROPN")
            and (t.tag_ in ("NNS", "NNPS") or not group)
            and t.lemma_.lower() not in lx.PLACES
            and t.lower_ not in _META
            and not _time_word(t)
            and t.dep_ != "compound"
        ),
        None,
    )
    return _noun_phrase(thing, masked) if thing is not None else subject


def _whole_subject(subject: tuple[str, int, int], masked: str) -> tuple[str, int, int]:
    """The subject as the whole thing it names, by the parse: the noun its last modifier is of ("a white" of "a
    white running shoe"), a compound's head ("ceiling" of "ceiling fans"),
    what a collection holds ("a string of firecrackers"), what "its" stands for ("its bell": the tram's)."""
    _, start, end = subject
    doc = parse(masked)
    tokens = [t for t in doc if start <= t.idx < end and t.text.strip()]
    if not tokens:
        return subject
    first, last = tokens[0], tokens[-1]
    if first.lower_ in ("its", "their") and (thing := antecedent(first, frozenset(), set())) is not None:
        return _noun_phrase(thing, masked)
    if last.dep_ == "case" and last.head.dep_ == "poss" and last.head.head.i > last.i:
        last = last.head.head  # "my grandma's" cut before "sewing machine" (an action word): what she owns acts
    while (
        last.dep_ in ("amod", "advmod", "nummod")
        and 0 < last.head.i - last.i <= 2
        and last.head.pos_ in ("NOUN", "PROPN", "ADJ")
        and not (last.head.dep_ == "ROOT" and _verb_like(last.head))  # "A parrot squawks": its sound, not it
        and not _still_verb(last.head)  # "An oboe rests on its stand": how it stands, not what it is
    ):
        last = last.head  # "a white running shoe" cut at "running" (an action word): the shoe is the subject
    head = last.head
    if (
        last.dep_ == "nsubj"
        and head.i == last.i + 1
        and head.tag_ == "VBP"
        and any(c.dep_ == "conj" and c.tag_ == "VBZ" for c in head.children)
    ):
        # "Golden retriever in a kitchen hears": the real verb agrees with a singular subject, so the plural-form
        # "verb" right after the subject is its head noun and the parse read an adjective as the subject
        last = head
    elif (
        last.dep_ == "compound"
        and head.i == last.i + 1
        and head.tag_ in ("NN", "NNS", "NNP", "NNPS")
        and not head.lower_.endswith("ing")  # "a beekeeper opening a hive"
        and not _verb_like(head)
        and not quote_mask(head)  # "HALE "…" Thunder rumbles": a speaker before a line, not a compound
    ):
        last = head  # "Breeze ceiling fans"
    if (contents := held(last)) is not None:
        last = contents  # "a string of firecrackers"
    new_end = last.idx + len(last.text)
    return (masked[start:new_end], start, new_end) if new_end > end else subject


def _before_its_verb(subject: tuple[str, int, int], masked: str) -> tuple[str, int, int]:
    """A subject the word rules cut at a verb the action table lacks is a whole clause ("A hiker yodels", "A
    conductor checks his pocket watch"): the subject is the noun phrase before the clause's verb."""
    text, start, end = subject
    if masked[start:end] != text:
        return subject  # a role the words imply ("pov: you're in a taxi" → passenger), not words to cut
    tokens = [t for t in parse(masked) if start <= t.idx < end and t.text.strip()]
    for k, token in enumerate(tokens):
        finite = token.pos_ in ("VERB", "AUX") and token.tag_ in ("VBZ", "VBD", "VBP")
        # the verb of a noun before it in the subject: "A conductor checks …"
        acts = finite and any(t.head.i == token.i and t.dep_ in ("nsubj", "nsubjpass") for t in tokens[:k])
        # a sound verb the parse read as the plural head of a compound: "A kettle whistles at 0:04", "A parrot
        # squawks" (the parrot read as an adjective: it is a thing that sounds)
        before = tokens[k - 1]
        named = before.dep_ == "compound" or (before.dep_ == "amod" and before.lower_ in vocabulary().sources)
        misread = token.dep_ == "ROOT" and named and _verb_like(token)
        if k and (acts or misread):
            stop = tokens[k - 1].idx + len(tokens[k - 1].text)
            return masked[start:stop].rstrip(" ,"), start, stop
    return subject


def _verb_like(token: object) -> bool:
    """Whether a plural noun after a compound is a mis-tagged verb ("the horse gallops"), not a head ("ceiling
    fans"): it is one the sound tables know as a verb."""
    if not predicate(token):
        return False
    vocab, word = vocabulary(), token.lower_  # type: ignore[attr-defined]
    return any(w in vocab.verbs or w in vocab.weak_verbs for w in (word, word[:-1], word[:-2]))


def _still_verb(token: Any) -> bool:
    """Whether a plural noun heading a sentence before a preposition is a mis-tagged verb of standing still ("An
    oboe rests on its stand", "A cat sits in the window")."""
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    return (
        token.dep_ == "ROOT"
        and token.tag_ == "NNS"
        and following is not None
        and following.pos_ == "ADP"
        and token.lower_[:-1] in vocabulary().silent_verbs
    )


def _noun_phrase(token: object, masked: str) -> tuple[str, int, int]:
    """A noun with its modifiers before it ("Lisbon's yellow tram")."""
    first = token.left_edge if token.i - token.left_edge.i <= 4 else token  # type: ignore[attr-defined]
    start, end = first.idx, token.idx + len(token.text)  # type: ignore[attr-defined]
    return masked[start:end], start, end


def _is_scenery(subject: tuple[str, int, int], masked: str) -> bool:
    """Whether a subject names a place ("busy train station"), a camera's move or framing ("Smooth drone
    glide", "slow pan") or a time of day ("hot summer nite"), rather than something that acts; a vehicle is a
    place that acts of its own (a tram, a boat: the sound tables know it)."""
    words = re.findall(r"[\w'-]+", subject[0].lower())
    if not words or subject[0].isupper():  # a screenplay's name in capitals ("PROFESSOR HALL") is a person
        return False
    head = words[-1]
    if head in lx.PLACES and head not in vocabulary().sources and head not in lx.VEHICLE_PLACES:
        return True
    if head in lx.OCCASIONS or head.rstrip("s") in lx.OCCASIONS:
        return True  # "football game, ref blows whistle": an occasion is when and where, not who acts
    tables = (lx.CAMERA_MOVEMENTS, lx.SHOT_SIZES, lx.TIMES_OF_DAY)
    return any(hit.start < subject[2] and subject[1] < hit.end for table in tables for hit in find(table, masked))


def _makes_a_sound(subject: tuple[str, int, int], sounds: list[SoundRead]) -> bool:
    """Whether a sound comes from the subject: its head word, as a word, in the sound's source or its words."""
    words = re.findall(r"[\w'-]+", subject[0].lower())
    if not words:
        return False
    head = re.compile(rf"\b{re.escape(words[-1].rstrip('s'))}(?:e?s)?\b")
    return any(head.search(sound.source.lower()) or head.search(sound.text.lower()) for sound in sounds)


def _first_heard(sounds: list[SoundRead], masked: str) -> tuple[str, int, int] | None:
    """The first sounding thing named in the words of a sound ("cicadas buzzing" → cicadas), as written."""
    for sound in sounds:
        head = sound.source.split()[-1] if sound.source else ""
        found = re.search(rf"\b{re.escape(head)}\w*", masked[sound.start : sound.end], _FLAGS) if head else None
        if found is not None:
            return found.group(0), sound.start + found.start(), sound.start + found.end()
    return None


#: The writer in their own words, in a phrase taken for the subject ("first ever pottery class and i").
_NARRATOR = re.compile(r"\b(?:i|im|i'm|i’m)\b", re.IGNORECASE)


def read_scene(text: str) -> SceneReading:
    masked, quotes = mask_quotes(text)
    reading = SceneReading(text=text, masked=masked)
    reading.shot_size = find(lx.SHOT_SIZES, masked)
    reading.movement = find(lx.CAMERA_MOVEMENTS, masked)
    reading.location = find(lx.LOCATIONS, masked)
    reading.time_of_day = find(lx.TIMES_OF_DAY, masked)
    reading.weather = find(lx.WEATHERS, masked)
    reading.lighting = find(lx.LIGHTINGS, masked)
    reading.style = find(lx.STYLES, masked)
    reading.subject, reading.action = _subject_and_action(masked)
    parsed = parsed_subject(masked)
    if reading.subject is None or _NOT_AN_ACTOR.match(reading.subject[0]) or _POV.search(masked):
        if parsed is not None and _NOT_AN_ACTOR.match(parsed[0]) and not _POV.search(masked):
            parsed = acting_subject(masked) or parsed  # "Concept for a bike shop promo. A cyclist …": who acts
        reading.subject = parsed or reading.subject
        if reading.subject is not None and _NOT_AN_ACTOR.match(reading.subject[0]) and not _POV.search(masked):
            reading.subject = _first_thing(masked) or reading.subject  # "make me a 5s vid of it": the kingfisher
    elif parsed and parsed[1] == reading.subject[1] and parsed[2] > reading.subject[2]:
        reading.subject = parsed  # "A ceramic plate": the words cut it before "plate" (a verb in the table)
    elif (
        (acting := acting_subject(masked))
        and acting[1] < reading.subject[1]
        # a person later whose verb is in the table does not outrank an animal that acts in the first sentence
        # ("A border collie tears through a course. … The handler shouts")
        and (not _PEOPLE.search(reading.subject[0]) or (_an_animal(acting[0]) and acting[1] < sentences(masked)[0][1]))
        and not _MENTION.search(reading.subject[0])
    ):
        # "A sea lion barks … Cars wait.": a thing that acts earlier, by the parse, outranks one whose verb
        # only happens to be in the action table
        reading.subject = acting
    if reading.subject is not None and reading.subject[1] < (slug_end := _slugline_end(masked)):
        # nothing in a slugline acts (its place, its light, its length): what acts after it
        after = " " * slug_end + masked[slug_end:]
        if (found := acting_subject(after) or parsed_subject(after)) is not None:
            text = found[0].lstrip()
            found = (text, found[2] - len(text), found[2])
        reading.subject = found
    if (cast := _screenplay_actor(masked)) is not None and (
        reading.subject is None
        or cast[1] < reading.subject[1]
        or not _first_to_act(reading.subject, masked)
        or _GROUP.match(reading.subject[0])  # "Parents line the back wall. SEO-YEON (8) bows": a group is background
    ):
        reading.subject = cast  # "INT. GREENHOUSE\nROSA mists the orchids.": the first name in capitals acts
    elif (
        (speaker := _screenplay_speaker(masked)) is not None
        and reading.subject is not None
        and not _PEOPLE.search(reading.subject[0])
        and not _GROUP.match(reading.subject[0])
    ):
        # "A klaxon wails. CAPTAIN REYES: 'Brace!'": where no one acts in an action line, the person on screen who
        # speaks outranks a thing, as a person does (a group that acts keeps the shot: "Players scramble")
        reading.subject = speaker
    if (framed := _framed_subject(masked)) is not None:
        reading.subject = framed  # "Video of the motorcycle …", "Five seconds of a boxer skipping rope"
    if (
        reading.subject is not None
        and (before := _OWNER_BEFORE.search(masked[: reading.subject[1]]))
        # "a farmer's dog": a person owns it, is not what it is part of ("a hiker's boots": worn, they are)
        and (
            not _PEOPLE.fullmatch(before.group("owner")) or _names_a_person(masked[before.start() : reading.subject[2]])
        )
    ):
        # "The SUV's engine purrs" where the words found only "engine": the owner names the whole thing
        start = before.start("owner")
        reading.subject = (before.group("owner"), start, start + len(before.group("owner")))
    elif (
        reading.subject is not None
        and (owner := _POSSESSOR.match(reading.subject[0]))
        and (not _PEOPLE.fullmatch(owner.group(1)) or _names_a_person(reading.subject[0]))
    ):
        # "A ship's bell rings": the ship is what the shot is of; its bell is a part
        start = reading.subject[1] + owner.start(1)
        reading.subject = (owner.group(1), start, start + len(owner.group(1)))
    if (
        reading.subject is not None
        and _PRONOUN.match(reading.subject[0])
        and not _POV.search(masked)  # a pov caption's "you" is the viewer, who acts
        and (named := acting_subject(masked))
    ):
        reading.subject = named  # "…, then it jumps": a pronoun names nothing; the thing that acts does
    elif reading.subject is not None and (
        _PRONOUN.match(reading.subject[0].split()[0]) or _ONE_OF.match(reading.subject[0])
    ):
        reading.subject = _what_it_stands_for(reading.subject, masked)
    if reading.subject is not None:
        reading.subject = _whole_subject(_before_its_verb(reading.subject, masked), masked)
    if (who := _who_she_is(reading.subject, masked)) is not None:
        reading.subject = who  # "in my grandmother yard. She takes water from old well. The chain …": the grandmother
    if reading.subject is not None and (aside := reading.subject[0].find("(", 1)) > 0:
        # "A bird (I think it call kingfisher?) dive": an aside is no part of the subject
        text, start, _ = reading.subject
        kept = text[:aside].rstrip()
        reading.subject = (kept, start, start + len(kept))
    if reading.subject is not None and _NARRATOR.search(reading.subject[0]):
        # "first ever pottery class and i …": words that take the writer in name no thing; the one filming is seen
        _, start, end = reading.subject
        reading.subject = ("you", start, end)
    viewer = _pov_named_role(masked)
    if (hero := _hero_subject(masked)) is not None:
        reading.subject = hero  # "Hero: an enameled cast-iron Dutch oven": as written, which the parse cuts
    elif viewer is not None:
        reading.subject = viewer  # "POV mail carrier on a street. a lid creaks": whose eyes the shot is
    reading.people = _person_refs(masked)
    reading.speech = _speech(text, masked, quotes)
    reading.cues = _cues(masked)
    camera = [*reading.shot_size, *reading.movement, *reading.style]
    reading.sounds, reading.untied_times = read_sounds(masked, _PEOPLE_NOUNS, tuple(h.span for h in camera))
    if (
        cast is not None
        and reading.subject is not None
        and not _names_a_person(reading.subject[0])
        and not _makes_a_sound(reading.subject, reading.sounds)
    ):
        # "INT. ESCAPE ROOM … Fake torches flicker … KEMI, JONAS and LUCA crowd around a padlock": in a screenplay a
        # thing that only sets the scene, making no sound, does not outrank the cast ("A barge chugs under the
        # bridge … OLD TOM waves" keeps the barge)
        reading.subject = cast
    if reading.subject is not None and reading.subject != viewer and _is_scenery(reading.subject, masked):
        # "A quiet suburban street at night. … an ambulance races past": a place or a camera phrase is where
        # and how the shot looks; what acts in it, or else the first thing heard, is its subject
        scenery = reading.subject
        actor = acting_subject(masked) or _first_heard(reading.sounds, masked)
        if actor is not None and not (scenery[1] <= actor[1] < scenery[2]):  # not a word of the place itself
            reading.subject = actor
    # "Brand: Halvard Barware / Setting: dim hotel bar, brass rail, green velvet booths / Beat 1: bartender caps the
    # shaker": the brand is who pays, the setting's things are where the clip is (its people may be the subject:
    # "Setting: …, a young couple, a huge box"); what acts in the beats is the subject
    fields = [(m.start("words"), m.end("words")) for m in _WHO_PAYS_FIELD.finditer(masked)]
    if (field := setting_field(masked)) is not None and not (
        reading.subject is not None and _names_a_person(reading.subject[0])
    ):
        fields.append(field)
    if reading.subject is not None and any(start <= reading.subject[1] < end for start, end in fields):
        blanked = masked
        for start, end in fields:
            blanked = blanked[:start] + " " * (end - start) + blanked[end:]
        if (actor := acting_subject(blanked)) is not None:
            reading.subject = actor
    reading.place = place_of(masked)
    waving = [(m.start(), m.end()) for m in _OCEAN_WAVE_ACTION.finditer(masked)]
    reading.ambience = [h for h in find(lx.AMBIENCES, masked) if not any(s <= h.start < e for s, e in waving)]
    reading.acoustics = find(lx.ACOUSTICS, masked)
    _music(reading)
    return reading
