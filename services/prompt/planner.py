"""Turns a GenerationSpec into the ScenePlan every downstream stage renders.

Deterministic: the same spec gives the same plan. Every 5-part field of every
shot carries the spans it came from, or `inferred=true` with a default chosen
from what the prompt does say (a night scene gets night lighting, a studio gets
studio light, a forest sounds like a forest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from cinemesh.prompt import lexicon as lx
from cinemesh.prompt import safety
from cinemesh.prompt.reading import CueRead, Hit, Person, SceneReading, find, read_scene, setting_field
from cinemesh.prompt.sounds import vocabulary
from cinemesh.prompt.visibility import mark_offscreen
from cinemesh.runtime import projections
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.specs import TIER_ENUMS, ResolvedSpec, credit_cost, resolve
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p

MAX_CHARACTERS_PER_SCENE = 2
WORDS_PER_SECOND = 2.8
LINE_GAP_SECONDS = 0.3
LEAD_IN_SECONDS = 0.4
_CUT = re.compile(
    r"(?:^|(?<=[.!?;]\s)|\s)(?:smash |hard |match |then )?cut(?:s)? to\b[:,]?\s*|\bshot \d+\s*[:.-]\s*", re.IGNORECASE
)


def mentions_of(prompt: str) -> list[str]:
    """Handles in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for match in re.finditer(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_]{0,31})\b", prompt):
        seen.setdefault(match.group(1), None)
    return list(seen)


def _source(hits: list[Hit] | None = None, spans: list[tuple[int, int]] | None = None) -> p.Provenance:
    spans = spans if spans is not None else [h.span for h in hits or []]
    return p.Provenance(spans=[p.TextSpan(start=s, end=e) for s, e in spans], inferred=not spans)


def _inferred() -> p.Provenance:
    return p.Provenance(inferred=True)


def _first(hits: list[Hit]) -> tuple[int, p.Provenance] | None:
    if not hits:
        return None
    value = hits[0].value
    return value, _source([h for h in hits if h.value == value])


def _shift(hits: list[Hit], offset: int) -> list[Hit]:
    return [Hit(h.value, h.start + offset, h.end + offset) for h in hits]


# ---------------------------------------------------------------- characters


_GENERIC_PEOPLE = {
    "man",
    "woman",
    "girl",
    "boy",
    "lady",
    "guy",
    "kid",
    "child",
    "person",
    "gentleman",
    "teen",
    "teenager",
    "baby",
    "toddler",
}
_POSSESSIVES = ("his ", "her ", "their ", "my ", "our ", "your ", "its ")
#: Actions done sitting, and those that get someone up: an extension keeps its people seated through the rest.
_SEATED = {p.ACTION_KIND_SIT, p.ACTION_KIND_DRIVE}
_LEAVES_SEAT = {
    p.ACTION_KIND_WALK,
    p.ACTION_KIND_RUN,
    p.ACTION_KIND_JUMP,
    p.ACTION_KIND_DANCE,
    p.ACTION_KIND_SWIM,
    p.ACTION_KIND_FLY,
    p.ACTION_KIND_OPEN_DOOR,
    p.ACTION_KIND_FIGHT,
}
#: Words that stand for the subject already on screen rather than name one ("it climbs higher").
_PRONOUN_SUBJECTS = {"it", "he", "she", "they", "him", "her", "them", "someone"}


class Cast:
    """Characters across the whole plan; resolves references to ids."""

    def __init__(self) -> None:
        self.characters: list[p.Character] = []
        self.refs: dict[int, list[str]] = {}  # reference position → every id it stands for (last scene read)
        self._by_key: dict[str, list[str]] = {}
        self._recent: list[str] = []
        self.extras: dict[str, p.Character] = {}  # people drawn as background, by the id they had
        self.carried: list[str] = []  # an extension's people on screen where its source ended

    def carry(self, characters: list[p.Character], on_screen: list[str]) -> None:
        """An extension's cast starts as its source's: the same ids and descriptions, so they are drawn and voiced
        the same, each found again by its head noun and aliases; those on screen at the source's end are whom
        "she" or "the woman" means first."""
        for character in characters:
            carried = p.Character()
            carried.CopyFrom(character)
            carried.source.CopyFrom(_inferred())  # its spans point into the source's prompt
            self.characters.append(carried)
            read = read_scene(character.description).people
            keys = {read[0].key if read else character.description.split()[-1].lower(), *character.aliases}
            if character.handle:
                keys = {f"@{character.handle.lower()}"}
            for key in keys:
                self._by_key.setdefault(key, []).append(carried.id)
        self.carried = [cid for cid in on_screen if any(c.id == cid for c in self.characters)]
        for cid in self.carried:
            self._touch(cid)

    def _add(self, person: Person) -> str:
        if person.key.startswith("@"):
            cid = f"@{person.handle}"
        else:
            cid = f"c{sum(1 for c in self.characters if not c.handle) + 1}"
        gender = person.gender
        self.characters.append(
            p.Character(
                id=cid,
                handle=person.handle,
                description=person.description,
                gender=gender,
                source=_source(spans=[(person.start, person.end)]),
            )
        )
        self._by_key.setdefault(person.key, []).append(cid)
        return cid

    def resolve(self, people: list[Person]) -> tuple[list[str], dict[int, str]]:
        """Ids of the characters a scene's references stand for, and reference position → id.

        New people need an indefinite article or a number ("a fisherman", "two friends"); a definite
        reference ("the man", "his partner") first looks for someone already in the scene: the same
        head noun, then a member of a group not yet singled out, then anyone of the same gender.
        """
        scene_ids: list[str] = []
        at: dict[int, str] = {}
        self.refs: dict[int, list[str]] = {}
        claimed: dict[str, str] = {}  # head noun → id singled out in this scene
        unclaimed: list[str] = []  # group members not yet singled out
        for person in people:
            known = self._by_key.get(person.key, [])
            ids: list[str]
            if person.key.startswith("@"):
                ids = known[:1] or [self._add(person)]
            elif person.count > 1:
                in_scene = [cid for cid in scene_ids if cid not in claimed.values()] or list(scene_ids)
                if (person.definite or len(scene_ids) >= person.count) and len(scene_ids) >= person.count:
                    ids = in_scene[: person.count] if len(in_scene) >= person.count else scene_ids[: person.count]
                elif person.definite and len(known) >= person.count:
                    ids = known[-person.count :]
                else:
                    ids = [self._add(person) for _ in range(person.count)]
                    unclaimed.extend(ids)
            elif person.key in claimed and not person.description.lower().startswith(("another", "a second")):
                ids = [claimed[person.key]]
            elif person.definite or (known and not person.description.lower().startswith(("a ", "an "))):
                ids = [self._resolve_definite(person, known, scene_ids, unclaimed, claimed)]
            elif known and person.description.lower().startswith(("a ", "an ")) and person.key in claimed:
                ids = [claimed[person.key]]
            else:
                ids = [self._add(person)]
            if len(ids) == 1 and person.count == 1 and not person.key.startswith("@"):
                claimed.setdefault(person.key, ids[0])
                character = self.by_id(ids[0])
                head = person.description.split()[-1].lower()
                if head not in character.description.lower().split() and head not in character.aliases:
                    character.aliases.append(head)
                if not character.gender and person.gender:
                    character.gender = person.gender
                if ids[0] in unclaimed:
                    unclaimed.remove(ids[0])
            for cid in ids:
                if cid not in scene_ids:
                    scene_ids.append(cid)
                self._touch(cid)
            at[person.start] = ids[0]
            self.refs[person.start] = ids  # a group reference ("two kids") stands for all of them
        return scene_ids, at

    def _resolve_definite(
        self, person: Person, known: list[str], scene_ids: list[str], unclaimed: list[str], claimed: dict[str, str]
    ) -> str:
        in_scene_known = [cid for cid in known if cid in scene_ids]
        if in_scene_known:
            return in_scene_known[-1]
        if unclaimed:
            return unclaimed[0]
        # Only a generic noun re-describes someone ("the girl" for his daughter); a role noun
        # ("the priest") or a possessive ("their son") brings someone new.
        generic = person.key in _GENERIC_PEOPLE and not person.description.lower().startswith(_POSSESSIVES)
        compatible = [
            cid
            for cid in [*self.carried, *scene_ids]  # the scene's own people first (the last wins)
            if generic and person.gender and self.by_id(cid).gender == person.gender
        ]
        if compatible:
            return compatible[-1]
        if known:
            return known[-1]
        return self._add(person)

    def demote(self, ids: set[str], keep_characters: set[str]) -> None:
        """Background extras of a scene are out of its references, and out of the cast unless an earlier
        scene already made them characters."""
        self.extras.update({c.id: c for c in self.characters if c.id in ids and c.id not in keep_characters})
        self.characters = [c for c in self.characters if c.id not in ids or c.id in keep_characters]
        ids = ids - keep_characters
        self.refs = {pos: [cid for cid in refs if cid not in ids] for pos, refs in self.refs.items()}
        self.refs = {pos: refs for pos, refs in self.refs.items() if refs}
        for key, refs in self._by_key.items():
            self._by_key[key] = [cid for cid in refs if cid not in ids]
        self._recent = [cid for cid in self._recent if cid not in ids]

    def _touch(self, cid: str) -> None:
        if cid in self._recent:
            self._recent.remove(cid)
        self._recent.append(cid)

    def by_id(self, cid: str) -> p.Character:
        return next((c for c in self.characters if c.id == cid), None) or self.extras[cid]

    def speaker(
        self, ref: str | None, position: int, sentence_start: int, at: dict[int, str], scene_ids: list[str]
    ) -> str:
        """The character a speaker reference ("@Ana", "she", "the old man") means."""
        before = self._ordered_before(position, at, scene_ids)
        if ref:
            low = ref.lower().strip()
            if low.startswith("@"):
                match = [c.id for c in self.characters if c.handle.lower() == low[1:]]
                if match:
                    return match[0]
            pronoun = {"he": "male", "she": "female", "they": ""}.get(low)
            if pronoun is not None:
                candidates = [cid for cid in reversed(before) if not pronoun or self.by_id(cid).gender in (pronoun, "")]
                if candidates:
                    speaker = self.by_id(candidates[0])
                    if pronoun and not speaker.gender:
                        speaker.gender = pronoun  # "the keeper … He says": now we know
                    return candidates[0]
            else:
                head = lx.PEOPLE_PLURALS.get(low.split()[-1], low.split()[-1])
                for cid in reversed(before):
                    character = self.by_id(cid)
                    if (
                        head in (*character.description.lower().split(), *character.aliases)
                        or (head + "s") in character.description.lower().split()
                    ):
                        return cid
        # the sentence's subject: its first person reference
        in_sentence = [cid for pos, cid in sorted(at.items()) if sentence_start <= pos < position]
        if in_sentence:
            return in_sentence[0]
        if before:
            return before[-1]
        return scene_ids[0] if scene_ids else "narrator"

    def _ordered_before(self, position: int, at: dict[int, str], scene_ids: list[str]) -> list[str]:
        ordered = [cid for pos, cid in sorted(at.items()) if pos < position]
        return ordered or list(scene_ids)


# ---------------------------------------------------------------- shots


@dataclass
class ShotText:
    text: str
    offset: int


def _split_shots(text: str) -> list[ShotText]:
    cuts = list(_CUT.finditer(text))
    if not cuts:
        return [ShotText(text, 0)]
    pieces, start = [], 0
    for cut in cuts:
        if text[start : cut.start()].strip():
            pieces.append(ShotText(text[start : cut.start()], start))
        start = cut.end()
    if text[start:].strip():
        pieces.append(ShotText(text[start:], start))
    return pieces or [ShotText(text, 0)]


def _default_lighting(time: int, location: int, weather: int) -> int:
    if location == p.LOCATION_STUDIO:
        return p.LIGHTING_STUDIO
    if location == p.LOCATION_NEON_CITY:
        return p.LIGHTING_NEON
    if time == p.TIME_OF_DAY_NIGHT:
        return p.LIGHTING_NIGHT
    if time == p.TIME_OF_DAY_SUNSET:
        return p.LIGHTING_GOLDEN_HOUR
    if weather in (p.WEATHER_RAIN, p.WEATHER_SNOW, p.WEATHER_FOG, p.WEATHER_STORM):
        return p.LIGHTING_OVERCAST
    return p.LIGHTING_NATURAL


def _environment(
    shot: SceneReading, scene: SceneReading, offset: int, previous: p.Environment | None, thunder: bool
) -> p.Environment:
    env = p.Environment()

    def pick(shot_hits: list[Hit], scene_hits: list[Hit], prior: int, default: int) -> tuple[int, p.Provenance]:
        chosen = _first(_shift(shot_hits, offset)) or _first(scene_hits)
        if chosen:
            return chosen
        return (prior or default), _inferred()

    def put(name: str, chosen: tuple[int, p.Provenance]) -> None:
        setattr(env, name, chosen[0])
        getattr(env, f"{name}_source").CopyFrom(chosen[1])

    location_hits = _prefer_prepositional(shot.location, shot.masked)
    scene_location = _prefer_prepositional(scene.location, scene.masked)
    put("location", pick(location_hits, scene_location, previous.location if previous else 0, p.LOCATION_FIELD))
    put(
        "weather",
        pick(
            shot.weather,
            scene.weather,
            previous.weather if previous else 0,
            p.WEATHER_STORM if thunder else p.WEATHER_CLEAR,
        ),
    )
    put("lighting", pick(shot.lighting, scene.lighting, 0, 0))
    neon = env.lighting == p.LIGHTING_NEON and not env.lighting_source.inferred
    if env.location == p.LOCATION_CITY_STREET and neon:
        env.location = p.LOCATION_NEON_CITY
    time_default = p.TIME_OF_DAY_NIGHT if env.location == p.LOCATION_NEON_CITY else p.TIME_OF_DAY_DAY
    put("time_of_day", pick(shot.time_of_day, scene.time_of_day, previous.time_of_day if previous else 0, time_default))
    if env.lighting == 0:
        put("lighting", (_default_lighting(env.time_of_day, env.location, env.weather), _inferred()))
    if shot.place is not None:
        text, start, end = shot.place
        env.place = text
        env.place_source.CopyFrom(_source(spans=[(start + offset, end + offset)]))
    elif scene.place is not None:
        text, start, end = scene.place
        env.place = text
        env.place_source.CopyFrom(_source(spans=[(start, end)]))
    elif previous is not None:
        env.place = previous.place
        env.place_source.CopyFrom(_inferred())
    return env


_PREPOSITION = re.compile(
    r"\b(?:in|on|at|inside|into|through|across|along|over|near|by|onto|within|under|"
    r"beneath|around|from|of)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?"
    r"(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)


def _prefer_prepositional(hits: list[Hit], masked: str) -> list[Hit]:
    """Locations in a brief's setting field, else introduced by a preposition ("in a forest"), outrank passing
    mentions."""
    # "outside a log cabin" places us outdoors, not in the cabin
    hits = [
        h
        for h in hits
        if not (
            h.value == p.LOCATION_INTERIOR
            and re.search(
                r"\boutside (?:of )?(?:the |a |an |his |her )?(?:[\w'-]+ ){0,2}$",
                masked[max(0, h.start - 40) : h.start],
                re.IGNORECASE,
            )
        )
    ]
    if not hits:
        return hits
    field = setting_field(masked)
    # a brief's setting field says where ("Setting: multi-storey car park"), whatever its hero line passes through
    in_field = [] if field is None else [h for h in hits if field[0] <= h.start < field[1]]
    preferred = in_field or [h for h in hits if _PREPOSITION.search(masked[max(0, h.start - 40) : h.start])]
    first = (preferred or hits)[0]
    return [first, *[h for h in hits if h is not first and h.value == first.value]]


# ---------------------------------------------------------------- audio plan


def _acoustics(scene: SceneReading, location: int, index: int) -> p.AcousticEnvironment:
    if scene.acoustics:
        best = min(scene.acoustics, key=lambda h: [v for _, v in lx.ACOUSTICS].index(h.value))
        value, source = best.value, _source([best])
    else:
        value = {
            p.LOCATION_INTERIOR: p.ACOUSTIC_CLASS_ROOM,
            p.LOCATION_STUDIO: p.ACOUSTIC_CLASS_STUDIO,
            p.LOCATION_UNDERWATER: p.ACOUSTIC_CLASS_UNDERWATER,
            p.LOCATION_SPACE: p.ACOUSTIC_CLASS_SMALL_ENCLOSURE,
        }.get(location, p.ACOUSTIC_CLASS_OUTDOOR)
        source = _inferred()
    rt60, highpass, lowpass, level = lx.ACOUSTIC_PARAMETERS[value]
    return p.AcousticEnvironment(
        acoustic_class=value,
        rt60_seconds=rt60,
        highpass_hz=highpass,
        lowpass_hz=lowpass,
        level_db=level,
        scene_index=index,
        source=source,
    )


_AMBIENCE_FOR_LOCATION = {
    p.LOCATION_FOREST: p.AMBIENCE_KIND_FOREST,
    p.LOCATION_BEACH: p.AMBIENCE_KIND_OCEAN,
    p.LOCATION_CITY_STREET: p.AMBIENCE_KIND_TRAFFIC,
    p.LOCATION_NEON_CITY: p.AMBIENCE_KIND_TRAFFIC,
    p.LOCATION_INTERIOR: p.AMBIENCE_KIND_ROOM_TONE,
    p.LOCATION_STUDIO: p.AMBIENCE_KIND_ROOM_TONE,
    p.LOCATION_SPACE: p.AMBIENCE_KIND_SPACESHIP_HUM,
    p.LOCATION_DESERT: p.AMBIENCE_KIND_WIND,
    p.LOCATION_MOUNTAINS: p.AMBIENCE_KIND_WIND,
    p.LOCATION_FIELD: p.AMBIENCE_KIND_WIND,
}


def _ambience(scene: SceneReading, env: p.Environment, index: int) -> list[p.Ambience]:
    beds: dict[int, p.Ambience] = {}
    for hit in scene.ambience:
        bed = beds.setdefault(hit.value, p.Ambience(kind=hit.value, scene_index=index))
        bed.source.spans.append(p.TextSpan(start=hit.start, end=hit.end))
    if env.weather in (p.WEATHER_RAIN, p.WEATHER_STORM) and p.AMBIENCE_KIND_RAIN not in beds:
        beds[p.AMBIENCE_KIND_RAIN] = p.Ambience(kind=p.AMBIENCE_KIND_RAIN, scene_index=index, source=_inferred())
    implied = _AMBIENCE_FOR_LOCATION.get(env.location)
    if implied and not beds:
        beds[implied] = p.Ambience(kind=implied, scene_index=index, source=_inferred())
    return list(beds.values())


_STYLE_MUSIC = {
    p.VISUAL_STYLE_CINEMATIC: ("epic", "orchestral"),
    p.VISUAL_STYLE_DOCUMENTARY: ("calm", "ambient"),
    p.VISUAL_STYLE_HYPER_REALISTIC: ("calm", "ambient"),
    p.VISUAL_STYLE_ANIME: ("hopeful", "piano"),
    p.VISUAL_STYLE_NOIR: ("moody", "jazz"),
    p.VISUAL_STYLE_VINTAGE_FILM: ("nostalgic", "jazz"),
}


def _music(readings: list[SceneReading], style: int) -> p.Music:
    for reading in readings:
        if reading.music_none:
            return p.Music(none=True, source=_source([reading.music_none]))
    music = p.Music()
    spans: list[tuple[int, int]] = []
    for reading in readings:
        if reading.music_mood and not music.mood:
            music.mood = reading.music_mood[0]
            spans.append(reading.music_mood[1:])
        if reading.music_genre and not music.genre:
            music.genre = reading.music_genre[0]
            spans.append(reading.music_genre[1:])
        if reading.music_tempo and not music.tempo_bpm:
            music.tempo_bpm = reading.music_tempo[0]
            spans.append(reading.music_tempo[1:])
    if not spans:
        mood, genre = _STYLE_MUSIC.get(style, ("calm", "ambient"))
        return p.Music(mood=mood, genre=genre, source=_inferred())
    music.source.CopyFrom(_source(spans=spans))
    return music


# ---------------------------------------------------------------- timing


def _line_seconds(text: str, delivery: int) -> float:
    words = max(1, len(re.findall(r"[\w']+", text)))
    rate = WORDS_PER_SECOND * (0.85 if delivery == p.DELIVERY_WHISPER else 0.7 if delivery == p.DELIVERY_SING else 1)
    return max(0.6, words / rate)


def _time_dialogue(lines: list[p.DialogueLine], start: float, end: float, index: int) -> None:
    """Lines one after another from the scene's start; too much speech for the scene is an error."""
    if not lines:
        return
    need = sum(line.end_seconds for line in lines)  # end_seconds holds the length until placed
    gap = LINE_GAP_SECONDS
    lead = LEAD_IN_SECONDS
    room = end - start
    if need + lead + gap * (len(lines) - 1) > room:
        lead, gap = 0.1, 0.1
    if need + lead + gap * max(0, len(lines) - 1) > room + 1e-9:
        raise InvalidArgument(
            f"scenes[{index}]",
            f"its dialogue needs about {need:.1f} s of speech but the scene lasts {room:.1f} s; "
            "shorten the lines or lengthen the scene",
        )
    t = start + lead
    for line in lines:
        length = line.end_seconds
        line.start_seconds = round(t, 3)
        line.end_seconds = round(t + length, 3)
        t += length + gap


#: How far a sound the planner places keeps from a time the prompt states (seconds).
_CLEAR_OF_STATED = 0.75


def _time_cues(
    cues: list[p.SoundCue],
    relative_times: dict[str, float],
    start: float,
    end: float,
    fps: int,
    notes: list[str],
    asked: float | None = None,
) -> list[p.SoundCue]:
    """Cues placed in the scene [start, end); a stated time past its end is left out with a note.

    A time equal to the scene's length ("at 6 seconds" in a 6 s clip, "at the end") lands on its last frame.
    `asked` is the length the prompt asked for when the tier cut the clip shorter: a point of it ("halfway
    through" half a minute) is placed where it falls when the clip still shows it, else on the clip's own.
    """
    room = end - start

    def point(anchor: str) -> float:
        at = _FRACTIONS[anchor] * (asked or room)
        return at if at <= room else _FRACTIONS[anchor] * room

    planned = [c for c in cues if c.timing == p.CUE_TIMING_PLANNED]
    stated = [c.time_seconds for c in cues if c.timing == p.CUE_TIMING_EXPLICIT and c.time_seconds <= room]
    stated += [point(c.anchor) for c in cues if c.timing == p.CUE_TIMING_RELATIVE and c.anchor in _FRACTIONS]
    taken = [0.0, room, *stated]

    def clear(at: float) -> float:
        if any(abs(at - t) < _CLEAR_OF_STATED for t in stated):
            # an unplaced sound on top of a stated one would mask it: the middle of the widest free gap instead
            low, high = max(pairwise(sorted(taken)), key=lambda gap: gap[1] - gap[0])
            at = (low + high) / 2
        taken.append(at)
        return at

    for k, cue in enumerate(planned):
        cue.time_seconds = start + clear(room * (k + 1) / (len(planned) + 1))
    placed: list[p.SoundCue] = []
    for cue in cues:
        if cue.timing == p.CUE_TIMING_EXPLICIT:
            if cue.time_seconds > room + 1e-9:
                notes.append(
                    f"the sound {cue.text!r} is timed at {cue.time_seconds:g} s but the clip lasts {room:g} s; "
                    "it was not placed"
                )
                continue
            cue.time_seconds = start + cue.time_seconds
        elif cue.timing == p.CUE_TIMING_RELATIVE and cue.anchor in _FRACTIONS:
            cue.time_seconds = start + point(cue.anchor)
        elif cue.timing == p.CUE_TIMING_RELATIVE and cue.anchor in relative_times:
            # an anchor the plan cannot place is spread like an unplaced sound, clear of the stated times too
            cue.time_seconds = start + clear(relative_times[cue.anchor] * room)
        elif cue.timing == p.CUE_TIMING_RELATIVE:
            cue.time_seconds = start + min(cue.time_seconds, room)
        last_frame = max(0, round(end * fps) - 1)
        # a sound at the scene's very end starts on its last frame, where it is seen and (briefly) heard
        cue.time_seconds = min(round(cue.time_seconds, 3), last_frame / fps)
        cue.frame = min(round(cue.time_seconds * fps), last_frame)
        placed.append(cue)
    return placed


# ---------------------------------------------------------------- plan


@dataclass
class Continued:
    """What an extension carries on from: its source's plan, re-planned from the source's spec, and its last shot."""

    source: common_pb2.ScenePlan
    shot: p.Shot

    @classmethod
    def of(cls, spec: common_pb2.GenerationSpec, tier: str, seed: int, rates: dict[str, int]) -> Continued:
        source = plan(spec.continues, tier, seed, rates)  # deterministic: the plan the source was rendered from
        return cls(source, source.shots[-1])

    def message(self) -> common_pb2.ContinuedShot:
        """The shot the renderer draws the extension's first shot from, and how far the camera's move has run."""
        shot, frames = self.shot, self.shot.end_frame - self.shot.start_frame
        earlier = self.source.continues
        if earlier.HasField("shot") and shot.index == 0 and projections.same_world(earlier.shot, shot):
            # the source's last shot is itself a continuation in its source's world: that world goes on
            world = p.Shot()
            world.CopyFrom(earlier.shot)
            world.camera.CopyFrom(shot.camera)
            same_move = earlier.shot.camera.movement == shot.camera.movement
            return common_pb2.ContinuedShot(
                shot=world,
                scene_text=earlier.scene_text,
                lead_in_frames=(earlier.lead_in_frames if same_move else 0) + frames,
                move_frames=earlier.move_frames if same_move else frames,
                characters=earlier.characters,
            )
        return common_pb2.ContinuedShot(
            shot=shot,
            scene_text=projections.scene_text(self.source, shot.scene_index),
            lead_in_frames=frames,
            move_frames=frames,
            characters=[c for c in self.source.characters if c.id in shot.character_ids],
        )


def plan(spec: common_pb2.GenerationSpec, tier: str, seed: int, rates: dict[str, int]) -> common_pb2.ScenePlan:
    """The plan for a spec; raises InvalidArgument/FailedPrecondition naming what to fix."""
    continued = Continued.of(spec, tier, seed, rates) if spec.HasField("continues") else None
    resolved = resolve(spec, tier)
    fps = resolved.fps
    scene_texts = [scene.prompt for scene in resolved.scenes]
    overall = read_scene(resolved.prompt) if resolved.storyboard and resolved.prompt else None
    scene_plan = common_pb2.ScenePlan(
        prompt=resolved.prompt or " / ".join(scene_texts),
        format=common_pb2.VideoFormat(
            width=resolved.width, height=resolved.height, fps=fps, frame_count=resolved.frame_count
        ),
        duration_seconds=resolved.frame_count / fps,
        seed=seed,
        tier=TIER_ENUMS[tier],
        mentions=mentions_of(" ".join([resolved.prompt, *scene_texts])),
        credit_estimate=credit_cost(resolved.frame_count / fps, tier, rates),
        safety=safety.verdict(
            [resolved.prompt, *scene_texts] if overall else scene_texts, tier, spec.license_reference
        ),
        embed_prompt=spec.embed_prompt,
    )
    _build(scene_plan, resolved, overall, continued)
    if continued is not None:
        scene_plan.continues.CopyFrom(continued.message())
    return scene_plan


def _build(
    scene_plan: common_pb2.ScenePlan,
    resolved: ResolvedSpec,
    overall: SceneReading | None,
    continued: Continued | None = None,
) -> None:
    fps = resolved.fps
    cast = Cast()
    notes: list[str] = list(resolved.notes)
    readings = [read_scene(scene.prompt) for scene in resolved.scenes]
    global_style = _first(overall.style)[0] if overall and overall.style else 0
    previous_env: p.Environment | None = None
    previous_style = global_style
    if continued is not None:
        cast.carry(list(continued.source.characters), list(continued.shot.character_ids))
        previous_env = continued.shot.environment
        previous_style = global_style or continued.shot.style.style
    for index, (scene, reading) in enumerate(zip(resolved.scenes, readings, strict=True)):
        known = {c.id for c in cast.characters}
        # a lone "she" in a later scene is someone an earlier scene introduced, not a new person
        people = [r for r in reading.people if not (r.description == "someone" and r.definite and cast.characters)]
        scene_ids, at = cast.resolve(people)
        field = f"scenes[{index}]" if resolved.storyboard else "spec.prompt"
        background = _extras(cast, scene_ids, reading, at, notes, index, known, field)
        scene_ids = [cid for cid in scene_ids if cid not in background]
        if continued is not None and index == 0 and not scene_ids:
            scene_ids = list(cast.carried)  # words that name nobody go on showing whoever was there
        start_s, end_s = scene.start_frame / fps, scene.end_frame / fps
        thunder = any(c.event == p.SOUND_EVENT_THUNDER for c in reading.cues)
        shots = _split_shots(scene.prompt)
        shot_frames = _divide(scene.start_frame, scene.end_frame, len(shots))
        scene_env: p.Environment | None = None
        for shot_text, (f0, f1) in zip(shots, shot_frames, strict=True):
            shot_reading = read_scene(shot_text.text)
            env = _environment(shot_reading, reading, shot_text.offset, previous_env, thunder)
            style_hit = _first(_shift(shot_reading.style, shot_text.offset)) or _first(reading.style)
            if style_hit:
                style, style_source = style_hit
                previous_style = style
            else:
                style, style_source = (previous_style or p.VISUAL_STYLE_CINEMATIC), _inferred()
            shot_ids = [
                cid
                for pos in sorted(cast.refs)
                if shot_text.offset <= pos < shot_text.offset + len(shot_text.text)
                for cid in cast.refs[pos]
            ]
            shot_ids = list(dict.fromkeys(shot_ids)) or list(scene_ids)
            shot = p.Shot(
                index=len(scene_plan.shots),
                scene_index=index,
                start_frame=f0,
                end_frame=f1,
                subject=_subject(shot_reading, shot_text.offset),
                action=_action(shot_reading, shot_text.offset),
                camera=_camera(shot_reading, shot_text.offset, bool(shot_ids)),
                environment=env,
                style=p.Style(style=style, source=style_source),
                character_ids=shot_ids,
            )
            if continued is not None and not scene_plan.shots:
                _carry_on(shot, continued.shot)
                env = shot.environment
            scene_env = scene_env or env
            scene_plan.shots.append(shot)
            if len(scene_plan.shots) > 1:
                scene_plan.cut_frames.append(f0)
            previous_env = env
        assert scene_env is not None
        scene_plan.scenes.append(
            common_pb2.Scene(
                index=index,
                prompt=scene.prompt,
                start_frame=scene.start_frame,
                end_frame=scene.end_frame,
                character_ids=scene_ids,
                acoustics=_acoustics(reading, scene_env.location, index),
            )
        )
        lines = [
            p.DialogueLine(
                character_id=cast.speaker(speech.speaker_ref, speech.start, speech.sentence_start, at, scene_ids),
                text=speech.text,
                delivery=speech.delivery,
                emotion=speech.emotion,
                end_seconds=_line_seconds(speech.text, speech.delivery),
                scene_index=index,
                source=_source(spans=[(speech.start, speech.end)]),
            )
            for speech in reading.speech
        ]
        if speaking_extras := [line for line in lines if line.character_id in background]:
            names = ", ".join(sorted({cast.by_id(line.character_id).description for line in speaking_extras}))
            raise InvalidArgument(
                field,
                f"scene {index + 1} has more than {MAX_CHARACTERS_PER_SCENE} characters who speak or act "
                f"({names} besides the first two); at most {MAX_CHARACTERS_PER_SCENE} fit in one scene",
            )
        _time_dialogue(lines, start_s, end_s, index)
        scene_plan.dialogue.extend(lines)
        for phrase in reading.untied_times:
            when = f" ({phrase.seconds:g} s)" if phrase.seconds is not None else ""
            notes.append(f"the prompt says {phrase.text!r}{when} but no sound could be tied to it; nothing was placed")
        cues, relative_times = _cues(reading, index)
        scene_plan.sound_cues.extend(
            _time_cues(cues, relative_times, start_s, end_s, fps, notes, resolved.asked_seconds)
        )
        scene_plan.ambience.extend(_ambience(reading, scene_env, index))
    scene_plan.characters.extend(cast.characters)
    ordered = sorted(scene_plan.sound_cues, key=lambda c: (c.time_seconds, c.scene_index))
    del scene_plan.sound_cues[:]
    scene_plan.sound_cues.extend(ordered)
    mark_offscreen(scene_plan)
    scene_plan.notes.extend(notes)
    style = scene_plan.shots[0].style.style if scene_plan.shots else p.VISUAL_STYLE_CINEMATIC
    scene_plan.music.CopyFrom(_music(([overall] if overall else []) + readings, style))
    if continued is not None and scene_plan.music.source.inferred:
        scene_plan.music.CopyFrom(continued.source.music)  # the same score plays on across the seam
        scene_plan.music.source.CopyFrom(_inferred())


def _carry_on(shot: p.Shot, last: p.Shot) -> None:
    """An extension's first shot goes on from its source's last one where its own words say nothing else: the
    same place and light, subject, shot size and camera move. A place of another kind brings its own world;
    one of the same kind is somewhere in the source's (the sea off the harbour, the bench in the park). What
    is carried is marked inferred: its spans point into the source's prompt."""
    env, before = shot.environment, last.environment
    if env.location == before.location:
        env.place = before.place
        env.place_source.CopyFrom(_inferred())
    elif env.place_source.inferred:
        env.place = ""  # the planner copies the previous place: it does not belong to a new location
    if (before.weather, env.weather) == (p.WEATHER_STORM, p.WEATHER_RAIN):
        env.weather = before.weather  # the rain of the storm that is already falling
        env.weather_source.CopyFrom(_inferred())
    same_conditions = (env.location, env.weather, env.time_of_day) == (
        before.location,
        before.weather,
        before.time_of_day,
    )
    if same_conditions and env.lighting_source.inferred:
        env.lighting = before.lighting  # chosen for the source's words, which the new ones leave as they were
    on_screen = [cid for cid in last.character_ids if cid in shot.character_ids]
    shot.character_ids[:] = on_screen + [cid for cid in shot.character_ids if cid not in on_screen]  # same places
    action = shot.action
    if action.source.inferred or (
        last.action.kind in _SEATED and action.kind not in _LEAVES_SEAT
    ):  # "the man nods" on a bench nods sitting down
        action.kind = last.action.kind
    subject = shot.subject.text.strip().lower()
    if not subject or subject in _PRONOUN_SUBJECTS:
        shot.subject.CopyFrom(p.Subject(text=last.subject.text, source=_inferred()))
    camera = shot.camera
    if camera.shot_size_source.inferred:
        camera.shot_size = last.camera.shot_size
    if camera.movement_source.inferred:
        camera.movement = last.camera.movement


def _extras(
    cast: Cast,
    scene_ids: list[str],
    reading: SceneReading,
    at: dict[int, str],
    notes: list[str],
    index: int,
    known: set[str],
    field: str,
) -> set[str]:
    """People past the two a scene can animate become background extras, with a note; a speaker never does.

    "Three friends walk along the beach" is a valid prompt: the first two are characters, the third is
    drawn as background. Only if an extra speaks is the scene refused (see the dialogue check in _build).
    """
    if len(scene_ids) <= MAX_CHARACTERS_PER_SCENE:
        return set()
    speakers = {cast.speaker(s.speaker_ref, s.start, s.sentence_start, at, scene_ids) for s in reading.speech}
    # cameos first (someone asked for them by name), then whoever speaks, then order of appearance
    keep = [cid for cid in scene_ids if cid.startswith("@")]
    keep += [cid for cid in scene_ids if cid in speakers and cid not in keep]
    keep = keep[:MAX_CHARACTERS_PER_SCENE]
    keep += [cid for cid in scene_ids if cid not in keep][: MAX_CHARACTERS_PER_SCENE - len(keep)]
    extras = [cid for cid in scene_ids if cid not in keep]
    names = ", ".join(cast.by_id(cid).description for cid in extras)
    if any(cid.startswith("@") for cid in extras):
        raise InvalidArgument(
            field,
            f"scene {index + 1} casts {sum(1 for c in scene_ids if c.startswith('@'))} cameos; at most "
            f"{MAX_CHARACTERS_PER_SCENE} characters fit in one scene",
        )
    notes.append(
        f"scene {index + 1} names {len(scene_ids)} people; at most {MAX_CHARACTERS_PER_SCENE} are animated as "
        f"characters, so {names} {'is' if len(extras) == 1 else 'are'} drawn as background"
    )
    cast.demote(set(extras), keep_characters=known)
    return set(extras)


def _divide(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    bounds = [start + round((end - start) * k / parts) for k in range(parts + 1)]
    return [(bounds[k], max(bounds[k] + 1, bounds[k + 1])) for k in range(parts)]


def _subject(reading: SceneReading, offset: int) -> p.Subject:
    if reading.subject is None:
        return p.Subject(text="", source=_inferred())
    text, start, end = reading.subject
    return p.Subject(text=text, source=_source(spans=[(start + offset, end + offset)]))


def _action(reading: SceneReading, offset: int) -> p.Action:
    if reading.action is None:
        return p.Action(text="", kind=p.ACTION_KIND_IDLE, source=_inferred())
    text, kind, start, end = reading.action
    return p.Action(text=text, kind=kind, source=_source(spans=[(start + offset, end + offset)]))


def _camera(reading: SceneReading, offset: int, has_people: bool) -> p.Camera:
    camera = p.Camera()
    if chosen := _first(_shift(reading.shot_size, offset)):
        camera.shot_size, source = chosen
        camera.shot_size_source.CopyFrom(source)
    else:
        camera.shot_size = p.SHOT_SIZE_MEDIUM if has_people else p.SHOT_SIZE_WIDE
        camera.shot_size_source.CopyFrom(_inferred())
    if chosen := _first(_shift(reading.movement, offset)):
        camera.movement, source = chosen
        camera.movement_source.CopyFrom(source)
    else:
        camera.movement = p.CAMERA_MOVEMENT_STATIC
        camera.movement_source.CopyFrom(_inferred())
    return camera


#: Anchors that stand for a point of the scene rather than another event.
_FRACTIONS = {"start": 0.0, "halfway": 0.5, "end": 1.0}


#: A screenplay's heading line ("EXT. BELL TOWER - DUSK") and a name in capitals with its age ("BELL RINGER (40s)").
_HEADING_LINE = re.compile(r"^\s*(?:INT|EXT|INT\./EXT|I/E)\b\.?", re.MULTILINE)
_NAMED_AFTER = re.compile(r"(?:\s+[A-Z][A-Z'’.-]+)*\s*\(\s*(?:\d|late |early |mid)")


def _heading_word(text: str, start: int, end: int) -> bool:
    """Whether a sound word in capitals is a screenplay's heading or a name ("EXT. BELL TOWER", "The BELL RINGER
    (40s)"): the place and the person, not a bell that rings."""
    written = text[start:end]
    if not written.isupper():
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_HEADING_LINE.match(text, line_start)) or bool(_NAMED_AFTER.match(text, end))


def _cues(reading: SceneReading, index: int) -> tuple[list[p.SoundCue], dict[str, float]]:
    """Every described sound as a cue with its timing kind; relative anchors get a fraction of the scene.

    The open-vocabulary reading (reading.sounds) says what each sound is and when; the 28 hand-made
    events the procedural foley renders are recognised in the same words and set as `event`.
    """
    cues: list[p.SoundCue] = []
    legacy = list(reading.cues)
    for sound in reading.sounds:
        if _heading_word(reading.text, sound.start, sound.end):
            continue
        cue = p.SoundCue(
            text=sound.text,
            source_object=sound.source,
            material=sound.material,
            sound_action=sound.action,
            audioset_label=sound.label,
            audioset_mid=sound.mid,
            every_seconds=sound.every_seconds,
            repeat_count=sound.count,
            scene_index=index,
            source=_source(spans=[(sound.start, sound.end)]),
        )
        twin = next((c for c in legacy if c.start < sound.end and sound.start < c.end), None)
        if twin is not None:
            legacy.remove(twin)
            cue.event, cue.surface = twin.event, twin.surface
        elif hits := find(lx.SOUND_EVENTS, reading.masked[sound.start : sound.end]):
            cue.event = hits[0].value
        if sound.time is not None and sound.time.seconds is not None:
            cue.timing, cue.time_seconds = p.CUE_TIMING_EXPLICIT, sound.time.seconds
        elif sound.time is not None and sound.time.fraction is not None:
            fraction = sound.time.fraction
            cue.timing, cue.anchor = p.CUE_TIMING_RELATIVE, {0.0: "start", 0.5: "halfway"}.get(fraction, "end")
        elif twin is not None and twin.explicit_seconds is not None:
            cue.timing, cue.time_seconds = p.CUE_TIMING_EXPLICIT, twin.explicit_seconds
        elif twin is not None and twin.anchor:
            cue.timing, cue.anchor = p.CUE_TIMING_RELATIVE, twin.anchor
            if twin.anchor_seconds is not None:
                cue.time_seconds = twin.anchor_seconds
        elif sound.anchor:
            cue.timing, cue.anchor = p.CUE_TIMING_RELATIVE, sound.anchor
        else:
            cue.timing = p.CUE_TIMING_PLANNED
        cues.append(cue)
    for cue in _legacy_cues(reading, legacy, index):
        cues.append(cue)
    cues = _one_per_event(cues)
    for cue in cues:
        approximate(cue)
    anchors = list(
        dict.fromkeys(c.anchor for c in cues if c.timing == p.CUE_TIMING_RELATIVE and not c.time_seconds and c.anchor)
    )
    anchors = [a for a in anchors if a not in _FRACTIONS]
    # Relative cues land where their anchoring action is planned: spread through the scene, unless
    # the anchor names another cue that has its own time ("… as the door slams at 3 s").
    relative_times = {anchor: (k + 1) / (len(anchors) + 1) for k, anchor in enumerate(anchors)}
    for cue in cues:
        if cue.timing != p.CUE_TIMING_RELATIVE or cue.anchor in _FRACTIONS or cue.time_seconds:
            continue
        tied = [
            other.time_seconds
            for other in cues
            if other.timing == p.CUE_TIMING_EXPLICIT and other.text and other.text.lower() in cue.anchor.lower()
        ]
        if tied:
            cue.time_seconds = tied[0]
            relative_times.pop(cue.anchor, None)
    return cues, relative_times


_SAME_EVENT_WINDOW = 160
_TIMING_RANK = {p.CUE_TIMING_EXPLICIT: 0, p.CUE_TIMING_RELATIVE: 1, p.CUE_TIMING_PLANNED: 2}


def _one_per_event(cues: list[p.SoundCue]) -> list[p.SoundCue]:
    """The same hand-made event named twice close together ("a rifle shot … as the shot rings out",
    "a huge splash as he hits the water") is one sound, kept with its most definite timing."""
    kept: list[p.SoundCue] = []
    for cue in sorted(cues, key=lambda c: c.source.spans[0].start if c.source.spans else 0):
        position = cue.source.spans[0].start if cue.source.spans else 0
        twin = next(
            (
                k
                for k in kept
                if cue.event
                and k.event == cue.event
                and position - k.source.spans[0].end < _SAME_EVENT_WINDOW
                # two sounds the prompt times itself in words of their own are two ("sputters and dies at 4 s"),
                # at one time or two; in the same words they are one ("breaks into applause at 6 s")
                and not (
                    k.timing == cue.timing == p.CUE_TIMING_EXPLICIT
                    and (k.time_seconds != cue.time_seconds or position >= k.source.spans[0].end)
                )
            ),
            None,
        )
        if twin is None:
            kept.append(cue)
        elif _TIMING_RANK[cue.timing] < _TIMING_RANK[twin.timing]:
            kept[kept.index(twin)] = cue
    return kept


def approximate(cue: p.SoundCue) -> None:
    """A cue none of the hand-made events names gets the nearest one, flagged, so no renderer fails on it."""
    if cue.event == p.SOUND_EVENT_UNSPECIFIED:
        name = vocabulary().foley_fallback.get(cue.sound_action, vocabulary().foley_fallback["other"])
        cue.event = p.SoundEvent.Value(f"SOUND_EVENT_{name}")
        cue.event_approximate = True


def _legacy_cues(reading: SceneReading, legacy: list[CueRead], index: int) -> list[p.SoundCue]:
    """Hand-made events the parse did not see as sounds (a noun phrase the grammar missed)."""
    cues = []
    known = vocabulary().legacy_events
    for cue in legacy:
        source, material, action, label = known[p.SoundEvent.Name(cue.event).removeprefix("SOUND_EVENT_")]
        base = p.SoundCue(
            event=cue.event,
            surface=cue.surface,
            text=reading.masked[cue.start : cue.end],
            source_object=source,
            material=cue.surface or material,
            sound_action=action,
            audioset_label=label,
            audioset_mid=vocabulary().audioset.get(label, ""),
            scene_index=index,
            source=_source(spans=[(cue.start, cue.end)]),
        )
        if cue.explicit_seconds is not None:
            base.timing, base.time_seconds = p.CUE_TIMING_EXPLICIT, cue.explicit_seconds
        elif cue.anchor:
            base.timing, base.anchor = p.CUE_TIMING_RELATIVE, cue.anchor
            if cue.anchor_seconds is not None:
                base.time_seconds = cue.anchor_seconds
        else:
            base.timing = p.CUE_TIMING_PLANNED
        cues.append(base)
    return cues
