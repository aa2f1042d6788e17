"""Time expressions in prompt text: when a sound happens, how often, how many times.

Shared by the gateway (a stated time past an explicit duration is refused at Submit, and a
prompt without a duration gets one long enough for what it times) and by the prompt stage (which
ties each phrase to the sound it times). One grammar in one place, so both always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

_FLAGS = re.IGNORECASE
_UNITS = {
    "zero": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}
_COUNTS = {"once": 1, "twice": 2, "thrice": 3}
_WORD = "|".join(sorted((w for w in _UNITS if w not in ("a", "an")), key=len, reverse=True))
# "4", "4.5", "four", "four and a half", "two point five", "twenty-two", "half a"
_NUMBER = rf"(?:\d+(?:\.\d+)?|(?:{_WORD})(?:[ -](?:{_WORD}))?(?: point (?:{_WORD}))?(?: and a half)?|half an?|an? half)"
_SECONDS = r"(?:s|sec|secs|second|seconds|-second|‑second)\b"
_HEDGE = r"(?:(?:exactly|precisely|just|about|around|roughly|approximately|approx\.?|~|right|only|the|like|maybe)\s+)*"
_CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d+)?"
# words that put a sound at or next to a time: "on 0:02", "near 4s", "close to", "just past", "dead on", "bang on"
_NEAR = (
    r"(?:on|near(?:\s+to)?|close\s+to|(?:just\s+|a\s+little\s+|little\s+)(?:past|after(?:\s+of)?)|past|"
    r"(?:dead|bang|spot|exact(?:ly)?)\s+on)"
)


@dataclass(frozen=True)
class TimePhrase:
    """One time expression: where it is and what it says (one meaning is set; a list's rest, ", 2 and 3
    seconds", sets a count and, evenly spaced, how often)."""

    start: int
    end: int
    text: str
    seconds: float | None = None  # "at 4 seconds": from the scene's start
    fraction: float | None = None  # "halfway through" 0.5, "at the end" 1.0, "at the start" 0.0
    every_seconds: float | None = None  # "every second" 1.0
    count: int | None = None  # "twice" 2, "three times" 3
    later: float | None = None  # "a second and a half later": after the sound before it


def number(text: str) -> float | None:
    """A number written in digits or words ("4", "two point five", "four and a half", "half a")."""
    low = text.lower().strip().replace("‑", "-")
    if re.fullmatch(r"\d+(?:\.\d+)?", low):
        return float(low)
    if re.fullmatch(r"half an?|an? half", low):
        return 0.5
    value = 0.0
    half = low.endswith(" and a half")
    low = low.removesuffix(" and a half")
    whole, _, point = low.partition(" point ")
    parts = re.split(r"[ -]", whole)
    if not all(part in _UNITS for part in parts):
        return None
    value = float(sum(_UNITS[part] for part in parts))
    if point:
        if point not in _UNITS:
            return None
        value += _UNITS[point] / 10
    return value + (0.5 if half else 0.0)


def _clock(text: str) -> float:
    parts = [float(x) for x in text.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


_PATTERNS: list[tuple[str, str]] = [
    # every N seconds / every second / every half second / once a second / twice a second
    ("every", rf"\b(?:every|each)\s+(?:(?P<n>{_NUMBER})\s*)?(?:{_SECONDS})"),
    ("every", r"\b(?P<c>once|twice|thrice)\s+(?:a|per|every)\s+second\b"),
    # at 0:03 / at the 0:03 mark / (0:03)
    # "at 0:04", "(0:02)", and a shot list's stamp opening a line or a sentence ("0:02 a moped beeps past",
    # "0:01 - A horn blares", "[0:07]"): a stamp counts from zero, not a time of day ("10:30 at night")
    (
        "clock",
        rf"\b(?:at|by|around|from|in|{_NEAR})\s+{_HEDGE}(?:the\s+)?(?P<t>{_CLOCK})(?:\s+mark)?|\((?P<t2>{_CLOCK})\)"
        # (after a list's bullet too: "- 0:02 Drill whirs")
        rf"|(?:^|(?<=[.!?\n])|(?<=[.!?]\s))[ \t]*(?:[-•*–—][ \t]+)?\[?(?P<t3>0{{1,2}}:\d{{2}}(?:\.\d+)?)\]?"
        rf"(?=[ \t]*[-–—:,]?[ \t]+\w)",
    ),
    # at 4 seconds / at exactly three seconds / at the 2 second mark / at second 3 / at t=3s / @3s
    (
        "at",
        rf"\b(?:at|by|around|round|from|on)\s+{_HEDGE}(?:the\s+)?(?:(?P<n>{_NUMBER})\s*-?\s*{_SECONDS}(?:\s*mark)?|"
        rf"second\s+(?P<n2>\d+(?:\.\d+)?|{_WORD})\b|(?P<n3>\d+(?:\.\d+)?)\s*s?\s+mark\b)|"
        rf"\bat\s+t\s*=\s*(?P<n4>\d+(?:\.\d+)?)\s*s?\b|(?<!\w)@\s?(?P<n5>\d+(?:\.\d+)?)\s*{_SECONDS}|"
        rf"\((?P<n6>\d+(?:\.\d+)?)\s*{_SECONDS}\)",
    ),
    # two seconds in / 3 s into the clip / after 2 seconds / 2 seconds after the start
    (
        "in",
        rf"\b(?P<n>{_NUMBER})\s*-?\s*{_SECONDS}\s+(?:in(?:to)?\b(?:\s+(?:the|this|it|our)\b(?:\s+(?:video|clip|"
        rf"shot|scene|film|spot|ad|reel)\b)?)?|after\s+(?:the\s+)?(?:start|beginning)\b)",
    ),
    (
        "in",
        # "in exactly 6 second": a learner's "at exactly"
        rf"\b(?:after|after\s+about|after\s+exactly|around|in|in\s+exactly)\s+(?P<n>{_NUMBER})\s*{_SECONDS}"
        r"(?!\s+(?:of|later|long))",
    ),
    # "at sec 4", "at second 4"; "… at 2 seconds and again at 6": the unit carries over; "in second 5", "at second 1
    # and second 3" (a learner's "in the fifth second")
    (
        "at",
        r"\b(?:at|in|on|and)\s+sec(?:ond)?\.?\s+(?P<n>\d+(?:\.\d+)?)\b|"
        r"\bagain\s+at\s+(?P<n2>\d+(?:\.\d+)?)\b(?!\s*(?:am|pm|:))",
    ),
    ("half", r"\b(?:half-?way|mid-?way)(?:\s+(?:through|into|in))?(?:\s+(?:the|it)\b(?:\s+\w+)?)?|\bin the middle\b"),
    (
        "end",
        r"\b(?:at|in|by|right at|near)\s+the\s+(?:very\s+)?(?:end|last\s+(?:second|moment|frame)s?|final\s+"
        r"(?:second|moment|frame)s?)\b(?:\s+of\s+(?:the\s+)?(?:video|clip|shot|scene|it))?|\bto end (?:it|the \w+)\b",
    ),
    (
        "start",
        # (not "at the start of an open-water swim": the start of something in the clip is no time of the clip's)
        r"\b(?:at|from|in)\s+the\s+(?:very\s+)?(?:start|beginning)\b"
        r"(?:\s+of\s+(?:the\s+)?(?:video|clip|shot|scene)\b|(?!\s+of\s))"
        r"|\bright away\b|\bimmediately\b|\bopens? (?:with|on) the sound\b"
        # "from the first frame", "on the opening frame", "from frame one": the clip's first frame is its start
        r"|\b(?:at|from|in|on)\s+(?:the\s+)?(?:very\s+)?(?:first|opening)\s+frame\b|\bfrom\s+frame\s+(?:one|1)\b",
    ),
    # "for the first three seconds": a sound that lasts from the start
    ("opening", rf"\bfor\s+the\s+first\s+(?:(?P<n>{_NUMBER})\s*)?{_SECONDS}"),
    # "in the 5 second", "in the 2 seconds" (a learner's "in the fifth second")
    ("at", r"\bin\s+the\s+(?P<n>\d+(?:\.\d+)?)\s*(?:sec|second)s?\b(?!\s+(?:of|before|after|left|long)\b)"),
    # "at exactly 1, 2 and 3 seconds", "at two, four and six seconds": the first time, then how many times in all
    ("at", rf"\bat\s+{_HEDGE}(?P<n>{_NUMBER})(?=(?:\s*,\s*{_NUMBER})*,?\s+and\s+{_NUMBER}\s*{_SECONDS})"),
    ("list", rf"(?<=\d)(?P<rest>(?:\s*,\s*\d+(?:\.\d+)?)*,?\s+and\s+\d+(?:\.\d+)?\s*{_SECONDS})"),
    # "in the second 3", "from the first second", "in the third second"
    ("at", r"\b(?:in|at|from|on)\s+the\s+second\s+(?P<n>\d+(?:\.\d+)?)\b"),
    (
        "ordinal",
        # "on 8th second", "In the 7. second" (an ordinal's dot, as German and Hungarian write it)
        r"\b(?:in|at|from|on|during)\s+(?:the\s+)?(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
        r"|tenth|\d{1,2}(?:st|nd|rd|th|\.))\s+second\b",
    ),
    # "it sizzle very loud when video is 1 second", "When clock show second 2": the clip's own clock
    (
        "at",
        rf"\bwhen\s+(?:the\s+)?(?:video|clip|film|clock|timer)\s+(?:is|shows?|says|reads|hits|reaches|arrives?\s+(?:to|at)|gets\s+to)\s+"
        rf"(?:at\s+)?(?:(?P<n>{_NUMBER})\s*{_SECONDS}|second\s+(?P<n2>\d+(?:\.\d+)?)\b)",
    ),
    # "near 4s", "Close to the 3-second point", "Just after of second 2", "Dead on 0:03" (depict32): a time said
    # loosely is that time
    (
        "at",
        rf"\b{_NEAR}\s+{_HEDGE}(?:the\s+)?(?:(?P<n>{_NUMBER})\s*-?\s*{_SECONDS}(?:\s*(?:mark|point))?|"
        r"second\s+(?P<n2>\d+(?:\.\d+)?)\b)",
    ),
    (
        "later",
        rf"\b(?P<n>{_NUMBER})\s*{_SECONDS}\s+(?:later|after(?:wards?)?\b(?!\s+(?:the\s+)?(?:start|beginning)))|"
        r"\b(?:a\s+beat|a\s+moment|moments|a\s+split\s+second)\s+later\b|"
        r"\b(?:a|one)\s+second(?P<half>\s+and\s+a\s+half)?\s+(?:later|after(?:wards?)?)\b",
    ),
    ("count", rf"\b(?P<n>{_NUMBER}|several|a few|\d+)\s+times?\b(?!\s+(?:of|to|for|when)\b)|\b(?P<c>twice|thrice)\b"),
]
_COMPILED = [(kind, re.compile(pattern, _FLAGS)) for kind, pattern in _PATTERNS]
_FEW = {"several": 3, "a few": 3}
# "(60s)", "(30s)": a decade of age in a screenplay's character introduction, never a time
_AGE_DECADE = re.compile(r"\(\s*[2-9]0s\s*\)")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8}
_ORDINALS.update({"ninth": 9, "tenth": 10})
#: How long "a beat later" is when the prompt gives no number.
BEAT_SECONDS = 1.0


def find_times(text: str, seconds_before: bool = False) -> list[TimePhrase]:
    """Every time expression in text order; where two overlap, the longer wins. `seconds_before`: the text
    follows one that already counts in seconds (a sentence of a prompt), so a bare "at 6" is a time."""
    found: list[TimePhrase] = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(text):
            phrase = _meaning(kind, m)
            if phrase is not None:
                found.append(phrase)
    chosen: list[TimePhrase] = []
    for phrase in sorted(found, key=lambda t: (-(t.end - t.start), t.start)):
        if all(phrase.end <= c.start or phrase.start >= c.end for c in chosen):
            chosen.append(phrase)
    # "… meows at 4", "liftoff at four": once the prompt counts in seconds (a time or a length with a unit,
    # "Twenty seconds of a storm"), a bare "at N" ending a clause carries the same unit
    first_unit = -1 if seconds_before else counts_in_seconds_from(text)
    if first_unit is not None:
        for m in _BARE_AT.finditer(text):
            value = number(m.group("n"))
            bare = TimePhrase(m.start(), m.end(), m.group(0), seconds=value)
            if (
                value is not None
                and m.start() > first_unit
                and all(bare.end <= c.start or bare.start >= c.end for c in chosen)
            ):
                chosen.append(bare)
    # "slaps the steak down three seconds in and it sizzles right away": right after that, not at the start
    for index, phrase in enumerate(chosen):
        if _RIGHT_AWAY.fullmatch(phrase.text) and any(c.seconds is not None and c.end <= phrase.start for c in chosen):
            chosen[index] = replace(phrase, fraction=None, later=0.0)
    return sorted(chosen, key=lambda t: t.start)


_ANY_SECONDS = re.compile(rf"\b{_NUMBER}\s*-?\s*{_SECONDS}", _FLAGS)
_RIGHT_AWAY = re.compile(r"right away|immediately", _FLAGS)


def counts_in_seconds_from(text: str) -> int | None:
    """Where the text first gives a number of seconds (a time or a length), or None."""
    m = _ANY_SECONDS.search(text)
    return m.start() if m else None


_BARE_AT = re.compile(
    rf"\b(?:at|by)\s+{_HEDGE}(?P<n>\d{{1,2}}(?:\.\d+)?|{_WORD})(?=\s*(?:[,.;!?)]|$)|\s+(?:and|then|n|too|as|while|when|with|lol|the|a|an|you|he|she|they|we|i|it|his|her|their)\b)",
    _FLAGS,
)


def text_before(m: re.Match[str]) -> str:
    """The text a match follows (for a phrase that continues the one before it)."""
    return m.string[: m.start()]


def _group(m: re.Match[str], *names: str) -> str | None:
    groups = m.groupdict()
    return next((groups[n] for n in names if groups.get(n)), None)


def _meaning(kind: str, m: re.Match[str]) -> TimePhrase | None:
    base = {"start": m.start(), "end": m.end(), "text": m.group(0)}
    if kind == "every":
        if c := _group(m, "c"):
            return TimePhrase(**base, every_seconds=1.0 / _COUNTS[c.lower()])
        n = _group(m, "n")
        value = number(n) if n else 1.0
        return TimePhrase(**base, every_seconds=value) if value else None
    if kind == "clock":
        return TimePhrase(**base, seconds=_clock(_group(m, "t", "t2", "t3") or "0"))
    if kind == "at" and m.groupdict().get("n6") and _AGE_DECADE.fullmatch(m.group(0)):
        return None  # "HANK (60s) climbs out": a character's age
    if kind in ("at", "in"):
        n = _group(m, "n", "n2", "n3", "n4", "n5", "n6")
        value = number(n) if n else None
        return None if value is None else TimePhrase(**base, seconds=value)
    if kind == "opening":
        return TimePhrase(**base, seconds=0.0)
    if kind == "ordinal":
        written = m.group("o").lower()
        digits = re.match(r"\d+", written)
        return TimePhrase(**base, seconds=float(digits.group(0)) if digits else float(_ORDINALS[written]))
    if kind == "later":
        n = _group(m, "n")
        value = number(n) if n else BEAT_SECONDS + (0.5 if _group(m, "half") else 0.0)
        return None if value is None else TimePhrase(**base, later=value)
    if kind == "half":
        return TimePhrase(**base, fraction=0.5)
    if kind == "end":
        return TimePhrase(**base, fraction=1.0)
    if kind == "start":
        return TimePhrase(**base, fraction=0.0)
    if kind == "list":
        # the rest of "at 1, 2 and 3 seconds": how many times, and how often when evenly spaced
        first = float(re.findall(r"\d+(?:\.\d+)?", text_before(m))[-1])
        values = [first, *(float(v) for v in re.findall(r"\d+(?:\.\d+)?", m.group("rest")))]
        steps = {round(b - a, 3) for a, b in pairwise(values)}
        every = steps.pop() if len(steps) == 1 and min(steps) > 0 else None
        return TimePhrase(**base, count=len(values), every_seconds=every)
    if c := _group(m, "c"):
        return TimePhrase(**base, count=_COUNTS[c.lower()])
    n = (_group(m, "n") or "").lower()
    value = _FEW.get(n) or number(n)
    return TimePhrase(**base, count=int(value)) if value and value >= 1 else None


_CLIP_WORDS = (
    r"(?:video|clip|ad|spot|film|reel|short|commercial|teaser|loop|sequence|story|piece|vid|promo|shot|scene|"
    r"bumper|cut|hero|pre-?roll|cinemagraph|asmr|trailer|intro|montage|animation|gif|edit|sting|social|brand|mood)"
)
_UNIT = r"(?:s|sec|secs|second|seconds)\b"
_DURATION = re.compile(
    rf"\b(?P<n>{_NUMBER})\s*-?\s*{_UNIT}(?:[ -]long)?\s+{_CLIP_WORDS}\b|"
    rf"(?:^|[.:]\s+)(?P<n5>{_NUMBER})\s*-?\s*{_UNIT}\s+[\w-]+\s+{_CLIP_WORDS}\b|"  # "15s airline spot"
    # ("video of 6 seconds", "video have 6 seconds", "a video with 8 seconds", "needing video 5 seconds")
    rf"\b{_CLIP_WORDS}\s+(?:(?:of|lasting|for|have|has|with|long\s+of)\s+)?(?:only\s+|just\s+)?(?P<n2>{_NUMBER})\s*{_UNIT}|"
    rf"\b(?P<n3>{_NUMBER})\s*{_UNIT}\s+(?:total|long|in total|in all|max|only)\b|"
    # ("…, 8 sec.", and "Roughly 12 seconds." on its own)
    rf"(?:^|(?<!\d)[.:,!?\"”)—–·|]\s*)(?:(?:roughly|about|around|approx(?:imately|\.)?|circa|~)\s*)?(?P<n4>{_NUMBER})\s*"
    rf"{_UNIT}\s*(?=[.,:!)\n]|$|(?:please|pls|plz|for|enough)\b)",
    _FLAGS,
)
# Looser forms a writer uses for the clip's length ("Length 10 seconds", "the video is 8 seconds", "Make it 6
# seconds", "Eleven seconds of a quiet forest", "Beer commercial :15", "(6 sec)"); trusted only when no stated
# time lies past them, since the same words can time an event.
_LOOSE_DURATION = re.compile(
    rf"\b(?:length|duration|runtime|total|make it|(?:video|clip|it) (?:is|runs|lasts)|is|runs|lasts|"
    # "Keep it to ten seconds.", "Hold it to six seconds", "cap it at 8s"
    rf"(?:keep|hold|cap|limit|trim|cut)\s+(?:it|this|the\s+(?:video|clip))(?:\s+(?:to|at|under))?(?:\s+about)?|"
    rf"(?:video|clip|film|spot|it) (?:should|will|must|can|needs to|has to|ought to)(?: to)? (?:be|last|run)(?: for)?|"
    rf"make (?:a |the )?video)\s*(?:is\s+|of\s+|:\s*|about\s+)?(?P<n>{_NUMBER})\s*{_UNIT}|"
    # "Sixteen seconds on a river in Zambia", "Forty seconds at a graduation": a prompt's opening length, and "A
    # twenty-second ride in a Glasgow taxi"
    rf"(?:^|[.!?]\s+)(?P<n2>{_NUMBER})\s*{_UNIT}\s+(?:of|on|at|aboard|inside|under|over|along|across|beside|near)\b|"
    rf"(?:^|[.!?]\s+)an?\s+(?P<n6>{_NUMBER})-second\s+(?:[\w-]+\s+)?(?:ride|walk|drive|look|moment|glimpse|view|trip|"
    rf"journey|visit|run|flight|wander|stroll|tour|sequence|loop)\b|"
    rf"(?:^|[.!?]\s+)(?P<m>half a|one|a|two)\s+minutes?\s+of\b|"
    rf"(?:{_CLIP_WORDS}s?|\w+)\s+:(?P<n3>\d{{2}})\b(?!:)|"
    rf"\bfor\s+(?P<n5>{_NUMBER})\s*{_UNIT}\s*[.!]?\s*$|"  # "…, for twelve seconds." ending the prompt
    # "(30s)" after a name is an age; "(6 secs pls)"
    rf"\((?P<n4>\d+(?:\.\d+)?)\s*(?:sec|secs|second|seconds)(?:\s+(?:pls|please|plz|max|long|total))?\)|"
    # "Six seconds is the length.", "7s is fine", "Six seconds from start to finish"
    rf"\b(?P<n7>{_NUMBER})\s*{_UNIT}\s+(?:(?:is|as)\s+(?:the\s+)?(?:length|duration|runtime|limit)|"
    rf"(?:is|are)\s+(?:fine|good|ok|okay|enough|plenty|great|perfect)|from\s+start\s+to\s+(?:finish|end))\b",
    _FLAGS,
)
_MINUTES = {"half a": 30.0, "one": 60.0, "a": 60.0, "two": 120.0}
# a name and a comma before "30s,": the age a screenplay gives a character, not the clip's length
_AGE_BEFORE = re.compile(r"\b[A-Z][A-Za-z'.-]+\s*,\s*$")


def stated_duration(text: str) -> float | None:
    """The clip length a prompt asks for in words ("make 12 second video", "30s spot", "Nine seconds total")."""
    stated = _stated_length(text)
    return stated[0] if stated else None


def duration_span(text: str) -> tuple[int, int] | None:
    """Where the text states the clip's length ("EXT. FJORD - MIDNIGHT SUN (6 SEC)"), so that the same words are
    not also read as the time of a sound."""
    stated = _stated_length(text)
    return stated[1] if stated else None


def _stated_length(text: str) -> tuple[float, tuple[int, int]] | None:
    times = listed_times(text, find_times(text))
    latest = max((t.seconds for t in times if t.seconds is not None), default=0.0)
    for m in _DURATION.finditer(text):
        if not m.group("n3") and any(t.seconds is not None and t.start < m.end() and m.start() < t.end for t in times):
            continue  # "at 1s, 2s, 3s": a listed time, not the clip's length ("around 12 seconds long" is one)
        if m.group("n4") and _AGE_BEFORE.search(text, 0, m.start("n4")) and re.match(r"\d+s\b", text[m.start("n4") :]):
            continue  # "CLAIRE, 30s, turns": a character's age
        value = number(_group(m, "n", "n2", "n3", "n4", "n5") or "")
        # a bare "…, 8 sec." or "15s airline spot" is a length only when no stated time lies past it
        if value and (value >= latest or not _group(m, "n4", "n5")):
            return value, m.span()
    for m in _LOOSE_DURATION.finditer(text):
        minutes = _group(m, "m")
        written = _group(m, "n", "n2", "n3", "n4", "n5", "n6", "n7") or ""
        value = _MINUTES[minutes.lower()] if minutes else number(written)
        if value and value >= latest:
            return value, m.span()
    return None


def latest_stated_second(text: str) -> float | None:
    """The latest absolute time the text states ("at 6 seconds" → 6.0, "at 1s, 2s, 3s" → 3.0), or None."""
    times = [t.seconds for t in listed_times(text, find_times(text)) if t.seconds is not None]
    return max(times) if times else None


# one more time of a list: ", 2s", " and 4 seconds", ", and on 6 second", ", 3" (its unit comes later), " 3s",
# " and 0:08" (a timecode is its own unit)
_LIST_ITEM = re.compile(
    r"(?P<join>\s*(?:,\s*(?:and\s+|then\s+)?|and\s+|then\s+|&\s*)|\s+(?=\d+(?:\.\d+)?\s*(?:s|sec|secs|second|seconds)\b))"
    rf"(?:(?:at|on)\s+)?(?:(?P<clock>{_CLOCK})|(?P<n>\d+(?:\.\d+)?|[a-z]+(?:[ -][a-z]+)??)"
    r"(?P<unit>\s*-?\s*(?:s|sec|secs|second|seconds)\b)?)",
    re.IGNORECASE,
)
# what makes a number after a list a length or an offset, not one more time: "at 3s, 5s long", "2s later" (not "in":
# "at 1s 2s and 4s in the pine" is a list)
_NOT_A_LISTED_TIME = re.compile(
    r"\s*(?:long|total|max|in all|in total|later|after|before|of\b|clip|video|vid|spot|ad\b|reel|"
    r"shot|scene|film|cut|loop|commercial|teaser|promo)",
    re.IGNORECASE,
)


def _item_seconds(m: re.Match[str]) -> float | None:
    clock = m.group("clock")
    return _clock(clock) if clock else number(m.group("n"))


def listed_times(text: str, times: list[TimePhrase]) -> list[TimePhrase]:
    """A list of times after one stated time, "at 1s, 2s, 3s", "at 2s and 4s", "at 1s then 2s then 3s", as one
    time phrase per item: each is the same sound once more (labelling guide: one cue per time). A comma alone
    joins an item only in a list of three or more, or ahead of an "and", since "at 3s, 5s long" or "at 4s, 8s
    clip" ends on the clip's length; the times rise, and an item with its own unit or a unit at the list's end
    is a time. The count phrase the shared grammar reads for "1, 2 and 3 seconds" gives way to the items."""
    extra: list[TimePhrase] = []
    for phrase in times:
        if phrase.seconds is None or phrase.every_seconds is not None or phrase.count is not None:
            continue
        items: list[tuple[re.Match[str], float]] = []
        position, last = phrase.end, phrase.seconds
        while (m := _LIST_ITEM.match(text, position)) and (value := _item_seconds(m)) is not None:
            if value <= last or _NOT_A_LISTED_TIME.match(text, m.end()):
                break
            items.append((m, value))
            position, last = m.end(), value
        # the list ends at its last item with a unit (a bare number after it is not a time)
        while items and not (items[-1][0].group("unit") or items[-1][0].group("clock")):
            items.pop()
        joined_by_and = any(re.search(r"and|then|&", m.group("join").lower()) for m, _ in items)
        if not items or (not joined_by_and and len(items) < 2):
            continue
        extra += [
            TimePhrase(m.end("join"), m.end(), text[m.end("join") : m.end()], seconds=v)
            for m, v in items
            if all(t.start != m.end("join") for t in extra)
        ]
    if not extra:
        return times
    spans = [(t.start, t.end) for t in extra]
    kept = [t for t in times if not any(t.start < b and a < t.end for a, b in spans)]
    return sorted([*kept, *extra], key=lambda t: t.start)
