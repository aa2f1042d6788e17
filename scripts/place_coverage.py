"""How many commonly named places resolve to the right place kind (docs/place_coverage.md).

    .venv/bin/python scripts/place_coverage.py [--json OUT.json] [--before BEFORE.json] [--md OUT.md]

Each line of PLACES is a place as a video prompt names it and the kinds that draw it rightly (an empty set:
no kind of its own is wanted; the stock world or a broad kind is right). A place resolves with
`places.resolve(phrase, phrase)`, the way a shot whose planner phrase is the whole place resolves.
The list was brainstormed from how people write video prompts, not from any test corpus.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cinemesh.video import places

# phrase -> the kinds that are the right picture ("" in the set: no place kind, the stock world, is right too)
PLACES: list[tuple[str, set[str]]] = [
    # homes and rooms
    ("a dusty attic", {"attic"}),
    ("the basement", {"basement"}),
    ("a wine cellar", {"basement"}),
    ("a tiled bathroom", {"bathroom"}),
    ("a cozy bedroom", {"bedroom"}),
    ("a hotel room", {"bedroom"}),
    ("a long hallway", {"hallway"}),
    ("a dim corridor", {"hallway"}),
    ("the nursery", {"nursery"}),
    ("a playroom full of toys", {"nursery"}),
    ("a laundromat", {"laundry room"}),
    ("the kitchen", {"kitchen"}),
    ("a living room", {"living room"}),
    ("a dining room", {"restaurant"}),
    ("a home office", {"study desk"}),
    ("a log cabin", {"cabin"}),
    ("a front porch", {"porch"}),
    ("the backyard", {"garden"}),
    ("a garden shed", {"shed"}),
    ("a garage", {"garage"}),
    ("a balcony", {"balcony"}),
    # work
    ("a construction site", {"building site", "job site"}),
    ("a job site", {"job site"}),
    ("a factory", {"factory"}),
    ("an auto plant", {"factory floor"}),
    ("the factory floor", {"factory floor"}),
    ("an assembly line", {"factory floor"}),
    ("a warehouse", {"warehouse"}),
    ("a blacksmith's forge", {"forge"}),
    ("a smithy", {"forge"}),
    ("a marble quarry", {"quarry"}),
    ("a coal mine", {"mine"}),
    ("an office", {"office"}),
    ("a science laboratory", {"laboratory"}),
    ("a hospital room", {"hospital"}),
    ("a fire station", {"fire station"}),
    ("a boxing gym", {"boxing gym"}),
    ("a gym", {"gym"}),
    ("a karate dojo", {"dojo"}),
    ("a photo studio", {""}),
    ("a recording studio", {"rehearsal room"}),
    ("a theatre stage", {"stage"}),
    ("a concert hall", {"stage"}),
    ("a juke joint", {"bar"}),
    ("a nightclub", {"nightclub"}),
    ("a classroom", {"classroom"}),
    ("a bakery", {"bakery"}),
    ("a carpentry workshop", {"workshop"}),
    ("a library", {"library"}),
    ("a supermarket", {"supermarket"}),
    ("a grocery store", {"supermarket"}),
    ("an art gallery", {"museum"}),
    ("a museum", {"museum"}),
    ("a barn", {"barn"}),
    ("a farm", {"farmyard"}),
    ("a greenhouse", {"greenhouse"}),
    ("a ramen shop", {"ramen shop"}),
    ("a diner", {"restaurant"}),
    ("a pub", {"bar"}),
    ("a coffee shop", {"cafe terrace"}),
    # sport
    ("an ice rink", {"ice rink"}),
    ("a hockey rink", {"ice rink"}),
    ("a football pitch", {"football pitch"}),
    ("a soccer field", {"football pitch"}),
    ("a stadium", {"football pitch"}),
    ("a basketball court", {"basketball court"}),
    ("a tennis court", {"tennis court"}),
    ("a swimming pool", {"swimming pool"}),
    ("a skatepark", {"skate park"}),
    ("a golf course", {"putting green"}),
    ("a racetrack", {"racetrack"}),
    ("a bowling alley", {"bowling alley"}),
    ("a ski slope", {"ski slope"}),
    ("a boxing ring", {"boxing gym"}),
    # travel
    ("an airport terminal", {"airport"}),
    ("the airport", {"airport"}),
    ("a railway platform", {"station"}),
    ("a train station", {"station"}),
    ("the subway", {"subway platform"}),
    ("a train carriage", {"train carriage"}),
    ("a bus stop", {"bus stop"}),
    ("a gas station", {"gas station"}),
    ("a petrol station", {"gas station"}),
    ("a parking garage", {"parking lot"}),
    ("a highway", {"desert road"}),
    ("a mountain road", {"mountain road"}),
    ("a mountain pass", {"mountain road", "mountains"}),
    ("a hairpin bend", {"mountain road"}),
    ("a stone bridge", {"stone bridge"}),
    ("a road tunnel", {"tunnel"}),
    ("a wooden dock", {"pier"}),
    ("a jetty", {"pier"}),
    ("a wharf", {"harbour"}),
    ("a canal", {"canal"}),
    ("a venice canal", {"canal"}),
    ("a marina", {"harbour"}),
    ("the deck of a ferry", {"yacht deck", "deck"}),
    ("the harbour", {"harbour"}),
    # nature
    ("rice terraces", {"rice terraces"}),
    ("a rice paddy", {"rice terraces"}),
    ("a vineyard", {"vineyard"}),
    ("an apple orchard", {"orchard"}),
    ("a lavender field", {"lavender field"}),
    ("a sunflower field", {"meadow"}),
    ("a bamboo forest", {"forest"}),
    ("a birch forest", {"forest"}),
    ("the jungle", {"rainforest"}),
    ("a swamp", {"swamp"}),
    ("a bayou", {"swamp"}),
    ("a fjord", {"fjord"}),
    ("a canyon", {"canyon"}),
    ("a red rock desert", {"red rock desert"}),
    ("a volcano", {"volcano"}),
    ("a waterfall", {"waterfall"}),
    ("a cave", {"cave"}),
    ("a glacier", {"glacier"}),
    ("the tundra", {"tundra"}),
    ("the savanna", {"watering hole", "prairie"}),
    ("a coral reef", {"underwater"}),
    ("underwater", {"underwater"}),
    ("a frozen lake", {"lake"}),
    ("a black sand beach", {"black sand beach"}),
    ("sand dunes", {"desert"}),
    ("a meadow", {"meadow"}),
    ("a pine forest", {"forest"}),
    ("snowy mountains", {"mountains"}),
    ("a river", {"river"}),
    ("a lake", {"lake"}),
    ("a sandy beach", {"beach"}),
    ("sea cliffs", {"cliff"}),
    ("a wheat field", {"wheat field"}),
    ("an alpine meadow", {"alpine meadow"}),
    ("the prairie", {"prairie"}),
    ("a campsite", {"campsite"}),
    # town
    ("a dark alley", {"back lane"}),
    ("a cobblestone street", {"old town"}),
    ("the old town", {"old town"}),
    ("the old town square", {"village square"}),
    ("a market", {"market"}),
    ("a night market", {"market"}),
    ("a plaza", {"village square"}),
    ("the boardwalk", {"promenade"}),
    ("a rooftop", {"rooftop"}),
    ("a graveyard", {"graveyard"}),
    ("a cemetery", {"graveyard"}),
    ("a castle", {"castle"}),
    ("a buddhist temple", {"japanese shrine"}),
    ("ancient ruins", {"ruins"}),
    ("a mosque", {"mosque"}),
    ("a cathedral interior", {"church"}),
    ("a playground", {"park"}),
    ("a city park", {"park"}),
    ("a suburban street", {"suburb"}),
    ("a fairground", {"fairground"}),
    ("a parking lot", {"parking lot"}),
    ("a city street", {"street"}),
    ("a village", {"village"}),
]


def resolved(phrase: str) -> str:
    kind = places.resolve(phrase, phrase)
    return "" if kind is None else kind.name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--before")
    parser.add_argument("--md")
    args = parser.parse_args()
    now = {phrase: resolved(phrase) for phrase, _ in PLACES}
    if args.json:
        Path(args.json).write_text(json.dumps({"kinds": len(places.table()), "resolved": now}, indent=1))
    right = sum(now[phrase] in ok for phrase, ok in PLACES)
    print(f"{len(places.table())} kinds; {right}/{len(PLACES)} places resolve right")
    for phrase, ok in PLACES:
        if now[phrase] not in ok:
            print(f"  WRONG {phrase!r}: {now[phrase] or '-'} (want {' or '.join(sorted(ok))})")
    if args.md and args.before:
        before = json.loads(Path(args.before).read_text())
        was = before["resolved"]
        right_before = sum(was.get(phrase, "") in ok for phrase, ok in PLACES)
        lines = [
            "# Place coverage",
            "",
            "Places people commonly name in video prompts (brainstormed, not taken from any test set) and the",
            "place kind `places.resolve(phrase, phrase)` draws them as, before and after the `place-breadth` work.",
            "Regenerate with `scripts/place_coverage.py` (the list lives there). The right kinds were written down",
            "before the new kinds were: an all-right 'after' says each place's words reach a kind of its own, not",
            "that the picture is good; one frame of each new kind is in `docs/place_kinds_new.png`.",
            "",
            f"- Kinds in `services/video/data/places.yaml`: {before['kinds']} before, {len(places.table())} after.",
            f"- Places drawn as the right kind: {right_before}/{len(PLACES)} before, {right}/{len(PLACES)} after.",
            "",
            "| place | before | after | right |",
            "|---|---|---|---|",
        ]
        for phrase, ok in PLACES:
            mark = ("✓" if was.get(phrase, "") in ok else "✗") + " → " + ("✓" if now[phrase] in ok else "✗")
            lines.append(f"| {phrase} | {was.get(phrase) or '—'} | {now[phrase] or '—'} | {mark} |")
        Path(args.md).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
