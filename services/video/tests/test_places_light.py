"""Places composed from parts and light as the prompt names it (issue [10]: PLACE and WEATHER).

depict15 (benchmarks/data/depict15.jsonl) was blind-reviewed before this table was extended, so its places
are tuned on here: each must resolve to a particular place kind, not a generic backdrop.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from cinemesh.prompt.planner import plan
from cinemesh.runtime import projections
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import light, places, render, subjects, world

RATES = {"plus": 16, "pro": 40}
W, H = 192, 108
DEPICT15 = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "depict15.jsonl"
# the places the reviewer found drawn as a generic field, street, room or yard, or missing their landmark
EXPECTED = {
    "v01": "pond",  # a frozen pond inside the snowy birch forest (the forest is its setting)
    "v10": "ramen shop",
    "v15": "cabin kitchen",
    "v17": "skyscraper site",
    "v20": "watering hole",
    "v22": "suburb",
    "v23": "rooftop",
    "v24": "japanese shrine",
    "v27": "pond",
    "v30": "paddock",
    "v32": "rehearsal room",
    "v33": "london street",
    "v41": "laundry room",
    "v42": "study desk",
    "v43": "birthday party",
    "v44": "fire station",
    "v45": "glacier",
    "v47": "building site",
    "v48": "haunted mansion",
    "v49": "parking lot",
    "v50": "mountain road",
    "v51": "church",
    "v55": "bowling alley",
    "v56": "alpine meadow",
    "v57": "paris street",
    "v59": "putting green",
    "v61": "vineyard",
    "v62": "botanical garden",
    "v63": "stone bridge",
}


def _depict15() -> list[dict]:
    return [json.loads(line) for line in DEPICT15.read_text().splitlines()]


def _place_of(prompt: str) -> places.Kind | None:
    """The place a prompt's first shot is drawn as, the way the renderer finds it (a place that is the subject
    itself, a greenhouse seen from outside, gives way to its setting)."""
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=7), "pro", 7, RATES)
    shot = scene_plan.shots[0]
    phrase, words = projections.place_phrase(scene_plan, shot), projections.seen_prompt(scene_plan, shot.scene_index)
    kind = places.resolve(phrase, words)
    subject = render.subject_and_people(scene_plan, shot)[0]
    if kind is not None and subject is not None:
        outside = subject.family == "building" and shot.environment.location != p.LOCATION_INTERIOR
        kind = places.setting_of(subject.name, kind, words, outside)
    return None if kind is None else places.compose(kind, phrase, words)


def test_every_depict15_place_resolves_to_a_particular_place() -> None:
    resolved = {item["id"]: _place_of(item["prompt"]) for item in _depict15()}
    unnamed = {key for key, kind in resolved.items() if kind is None}
    broad = {key for key, kind in resolved.items() if kind is not None and kind.generic}
    # v09's "old farmhouse" and v28's candlelit hallway are drawn by the stock location builders, v06's city
    # street and v46's old village by broad kinds; the review passed all four places. Every other place is a
    # particular kind of its own.
    assert unnamed <= {"v09", "v28"} and broad <= {"v06", "v46"}, (unnamed, broad)
    wrong = {key: resolved[key].name if resolved[key] else None for key in EXPECTED}
    wrong = {key: name for key, name in wrong.items() if name != EXPECTED[key]}
    assert not wrong, wrong


def test_a_feature_lies_in_the_setting_the_prompt_names_with_its_modifiers() -> None:
    pond = _place_of("A red fox steps onto a frozen pond in a snowy birch forest at dawn; at 3 seconds the ice cracks.")
    assert pond is not None and pond.name == "pond"
    assert {"snow", "ice"} <= pond.finish
    assert pond.base == ""  # the birch stand is drawn from its parts, not as sprite trees
    trunks = [spec for spec in pond.elements if spec.get("texture") == "hlines" and spec["is"] == "rect"]
    assert trunks and all(spec["colour"].startswith("#f") or spec["colour"].startswith("#e") for spec in trunks)
    assert not any(spec.get("backdrop") for spec in pond.elements)  # the garden fence stays out of the forest
    rainforest = _place_of("lil green frog on a lily pad in a rainforest pond, overcast n raining, jumps at 2s. 4s")
    assert rainforest is not None and rainforest.base == "forest" and rainforest.trees == "palm tree"


@pytest.mark.parametrize(
    ("phrase", "finish"),
    [("the frosty paddock", "frost"), ("a dusty watering hole", "dust"), ("a muddy farmyard", "mud")],
)
def test_modifiers_lay_their_finish_on_the_ground(phrase: str, finish: str) -> None:
    kind = places.resolve(phrase, phrase)
    assert kind is not None
    assert finish in places.compose(kind, phrase, phrase).finish
    plain = phrase.split()[-1] if phrase.split()[-1] != "hole" else "watering hole"
    bare = places.resolve(plain, plain)
    assert bare is not None and finish not in places.compose(bare, plain, plain).finish


@pytest.mark.parametrize(
    ("text", "kind", "parts"),
    [
        ("inside a stone church", "church", {"#c0282e", "#2a58c8", "#e8b42a"}),  # stained glass
        ("the bowling alley", "bowling alley", {"#d9a86a"}),  # the wooden lanes
        ("a basement laundry room", "laundry room", {"#3c4e60"}),  # the washing machines' portholes
        ("a vineyard", "vineyard", {"#456e22", "#3f661e"}),  # vine rows
    ],
)
def test_a_place_is_drawn_with_its_landmark_parts(text: str, kind: str, parts: set[str]) -> None:
    found = places.resolve(text, text)
    assert found is not None and found.name == kind
    colours = {spec.get("colour") for spec in found.elements}
    assert parts <= colours


def _world(prompt: str, time_of_day: int, weather: int = p.WEATHER_CLEAR, **extra: int) -> world.World:
    env = p.Environment(location=p.LOCATION_FIELD, time_of_day=time_of_day, weather=weather, **extra)
    shot_light = light.of_shot(env, prompt)
    kind = places.resolve("field", "field")
    return world.build(light.environment(env, shot_light), W, H, 5, None, kind, shot_light)


def _sky(built: world.World) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean colour (0..1) of the sky's upper band and of the band just above the horizon."""
    sky = built.layers[0].rgb.float() / 255
    horizon = int(built.layers[0].rgb.shape[0] / 2 - H / 2 + built.skyline * H)
    return sky[horizon - int(0.5 * H) : horizon - int(0.35 * H)].mean((0, 1)), sky[horizon - 6 : horizon].mean((0, 1))


def test_dawn_noon_dusk_and_night_skies_differ_at_a_glance() -> None:
    dawn_top, dawn_low = _sky(_world("a field at dawn", p.TIME_OF_DAY_DAWN))
    noon_top, noon_low = _sky(_world("a field at noon", p.TIME_OF_DAY_DAY))
    dusk_top, dusk_low = _sky(_world("a field at dusk", p.TIME_OF_DAY_DUSK))
    night_top, _ = _sky(_world("a field at night", p.TIME_OF_DAY_NIGHT))
    assert dawn_low[0] > dawn_low[2] + 0.2 and dawn_top[2] > dawn_top[0] + 0.15  # warm horizon, cool sky
    assert noon_top[2] > noon_top[0] + 0.3 and noon_low[2] > noon_low[0] + 0.3  # blue down to the horizon
    assert noon_top.mean() > dusk_top.mean() + 0.3  # and bright
    assert dusk_top[2] > dusk_top[0] + 0.2 and 0.15 < dusk_top.mean() < 0.35  # deep blue, not black
    assert dusk_top.mean() > 2.5 * night_top.mean() and night_top.mean() < 0.1  # dusk is no flat night
    assert dusk_low[2] > dawn_low[2] and dusk_low[0] < dawn_low[0] - 0.3


def test_dawn_reads_through_fog() -> None:
    _, foggy_dawn = _sky(_world("fog at dawn", p.TIME_OF_DAY_DAWN, p.WEATHER_FOG))
    _, foggy_noon = _sky(_world("fog at noon", p.TIME_OF_DAY_DAY, p.WEATHER_FOG))
    assert foggy_dawn[0] - foggy_dawn[2] > foggy_noon[0] - foggy_noon[2] + 0.15  # pinker than the plain grey


def test_a_full_moon_hangs_in_the_night_sky() -> None:
    moonlit = _world("midnight, full moon", p.TIME_OF_DAY_NIGHT).layers[0].rgb.float()
    dark = _world("midnight", p.TIME_OF_DAY_NIGHT, lighting=p.LIGHTING_NIGHT).layers[0].rgb.float()
    bright = (moonlit.mean(-1) > 220).sum()
    assert bright > 3.14 * (0.085 * H) ** 2 * 0.8  # the disc
    assert bright > 2 * (dark.mean(-1) > 220).sum()


def _lit(env: p.Environment, kind: places.Kind | None, words: str) -> torch.Tensor:
    """The place's nearest opaque layer [H, W, 3] as the light the words name leaves it."""
    shot_light = light.of_shot(env, words)
    built = world.build(light.environment(env, shot_light), W, H, 5, None, kind, shot_light)
    return [layer.rgb.float() for layer in built.layers if layer.mask is None][-1]


def test_hail_is_a_storm_and_candlelight_and_fluorescent_light_the_place_differently() -> None:
    hail = light.of_shot(p.Environment(weather=p.WEATHER_CLEAR), "a botanical garden during a hailstorm")
    assert light.environment(p.Environment(weather=p.WEATHER_CLEAR), hail).weather == p.WEATHER_STORM
    assert hail.first("particles") == "hail"
    interior = p.Environment(location=p.LOCATION_INTERIOR, time_of_day=p.TIME_OF_DAY_NIGHT, lighting=p.LIGHTING_NIGHT)
    kind = places.resolve("a laundry room", "a laundry room")
    candle, tube, dark = (
        _lit(interior, kind, words).mean((0, 1))
        for words in ("night, candlelight", "night, fluorescent light", "night")
    )
    assert candle[0] > candle[2] * 1.6  # warm
    assert tube[1] >= tube[0] and tube[1] > tube[2]  # green-white
    assert tube.mean() > dark.mean() * 1.8  # the tubes are lit whatever the hour


def test_a_thunderstorm_flashes_in_an_interiors_window() -> None:
    scene_plan = plan(
        common_pb2.GenerationSpec(prompt="INT. FARMHOUSE KITCHEN - thunderstorm outside. 3 seconds.", seed=2),
        "pro",
        2,
        RATES,
    )
    scene_plan.format.width, scene_plan.format.height = W, H
    frames = torch.cat([batch.float() for _, batch, _ in render.frames(scene_plan, on_device=torch.device("cpu"))])
    renderer = render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))
    assert renderer._glass is not None
    pane = frames[:, renderer._glass.cpu()].mean((1, 2))  # brightness of the window, frame by frame
    assert pane.max() > pane.median() + 60  # lightning
    assert (pane > pane.median() + 30).float().mean() < 0.3  # in flashes, not a lit window


# places people commonly name in video prompts (scripts/place_coverage.py lists more), and the kind each is drawn as
@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("a dusty attic", "attic"),
        ("down in the basement", "basement"),
        ("a tiled bathroom", "bathroom"),
        ("a cozy bedroom", "bedroom"),
        ("a long hotel corridor", "hallway"),
        ("the nursery", "nursery"),
        ("a job site", "job site"),
        ("an old factory", "factory"),
        ("an auto plant", "factory floor"),
        ("a warehouse", "warehouse"),
        ("a blacksmith's forge", "forge"),
        ("a marble quarry", "quarry"),
        ("a coal mine", "mine"),
        ("a chemistry lab", "laboratory"),
        ("a hospital ward", "hospital"),
        ("a boxing gym", "boxing gym"),
        ("the gym", "gym"),
        ("a karate dojo", "dojo"),
        ("a classroom", "classroom"),
        ("the theatre stage", "stage"),
        ("a nightclub", "nightclub"),
        ("a basketball court", "basketball court"),
        ("a swimming pool", "swimming pool"),
        ("an ice rink", "ice rink"),
        ("a football pitch", "football pitch"),
        ("a soccer field", "football pitch"),
        ("a racetrack", "racetrack"),
        ("a ski slope", "ski slope"),
        ("an airport terminal", "airport"),
        ("a train carriage", "train carriage"),
        ("a petrol station", "gas station"),
        ("a road tunnel", "tunnel"),
        ("a venice canal", "canal"),
        ("rice terraces", "rice terraces"),
        ("an apple orchard", "orchard"),
        ("a lavender field", "lavender field"),
        ("a bayou", "swamp"),
        ("a norwegian fjord", "fjord"),
        ("a canyon", "canyon"),
        ("monument valley", "red rock desert"),
        ("an erupting volcano", "volcano"),
        ("a waterfall", "waterfall"),
        ("a dark cave", "cave"),
        ("the arctic tundra", "tundra"),
        ("a coral reef", "underwater"),
        ("a black sand beach", "black sand beach"),
        ("a cobblestone street", "old town"),
        ("a graveyard", "graveyard"),
        ("a medieval castle", "castle"),
        ("a mosque", "mosque"),
        ("ancient ruins", "ruins"),
        ("a barn", "barn"),
        ("a grocery store", "supermarket"),
        ("an art gallery", "museum"),
        ("a hairpin bend", "mountain road"),
        ("a juke joint", "bar"),
        ("a wooden dock", "pier"),
    ],
)
def test_a_commonly_named_place_resolves_to_its_own_kind(phrase: str, kind: str) -> None:
    found = places.resolve(phrase, phrase)
    assert found is not None and found.name == kind


@pytest.mark.parametrize(
    ("phrase", "prompt", "kind"),
    [
        # a longer, more particular name wins over the one-word kind it holds
        ("rice terraces", "EXT. RICE TERRACES - MORNING. A farmer walks along the rice terraces.", "rice terraces"),
        ("the terrace", "A waiter carries coffee across the terrace of a cafe.", "cafe terrace"),
        ("an ice rink", "A skater spins on the ice rink.", "ice rink"),
        ("a boxing gym", "A boxer hits the heavy bag in a boxing gym.", "boxing gym"),
        ("a swimming pool", "A girl dives into the swimming pool.", "swimming pool"),
        ("the pool", "A frog sits by the pool in the garden.", "pond"),
        ("a lavender field", "Bees hover over a lavender field.", "lavender field"),
        ("a sunflower field", "Bees hover over a sunflower field.", "meadow"),
        ("a black sand beach", "Waves roll onto a black sand beach.", "black sand beach"),
        ("a canal", "A gondola drifts down a canal.", "canal"),
        ("a wine cellar", "A sommelier pulls a bottle in the wine cellar.", "basement"),
        ("an olive grove", "An old man rests in an olive grove.", "orchard"),
        ("a mountain pass", "A car climbs a mountain pass road.", "mountain road"),
        # a broad word gives way to the particular place the prompt names: a job site's deck is no yacht
        ("the plywood deck", "EXT. JOB SITE - DAY. A carpenter nails down the plywood deck.", "job site"),
        ("the deck", "EXT. JOB SITE - DAY. A carpenter nails down boards on the deck.", "job site"),
        ("the deck", "A sailor coils a rope on the deck of a yacht.", "yacht deck"),
        ("the deck", "A sailor coils a rope on deck as waves roll by.", "deck"),
        # words that only look like places stay out of them
        ("a field", "A dog runs across a field on a pitch black night.", "field"),
        ("the lawn", "A black lab sniffs the lawn.", "garden"),
        ("the kitchen", "Snow falls past the kitchen window as night falls.", "kitchen"),
        # a roof is where the shot is only in its own place phrase, not as a part of something else (depict27)
        ("the roof", "A cat sleeps on the roof at night.", "rooftop"),
        ("a croft", "A guinea fowl on a croft flaps up onto the tin roof of the hen house.", "farmyard"),
        # the roof a place phrase names is part of a thing; the mill race the prompt names is where the shot is
        ("on the roof", "An old stone watermill by its mill race, rime on the roof. At 3 s the wheel turns.", "river"),
        # a place named only as what the shot's place stands by (depict30)
        ("field behind the pub", "the rounders game on the field behind the pub, midsummer evening", "field"),
        # outside a dwelling: the place outside it, not its living room
        ("a stone cottage", "A purple wisteria hangs over the front of a stone cottage in Lacock.", "garden"),
        ("a stone cottage", "Inside a stone cottage a cat sleeps by the fire.", "living room"),
        ("working men's club in Ashington", "A prize leek on a trestle in a working men's club in Ashington.", "bar"),
        ("indoor snow dome", "A snowboarder in an indoor snow dome under floodlights.", "ski slope"),
        # a bay window or an engine bay is no bay of the sea (depict32)
        ("the bay window of a flat in Redcar", "A tall yucca in the bay window of a flat in Redcar.", "living room"),
        ("a back-street garage", "A mechanic leans into an engine bay in a back-street garage.", "garage"),
        # depict33: tarmac is a road's (it put a road roller and a marching band in an airport); yards and clubs
        ("road", "A yellow road roller on fresh black tarmac on a new estate road.", "street"),
        ("yard", "One big steer in the cattle yard, it butts the metal gate.", "farmyard"),
        ("builders' yard", "A tipper tips its load of hardcore in a builders' yard.", "building site"),
        ("cricket club", "EXT. CRICKET CLUB - DAY. A fielder sprints in.", "football pitch"),
        ("Largs", "Brand: Rossi's Parlour. Hero: a sundae. Setting: ice cream parlour in Largs.", "restaurant"),
        ("school", "Location: drop-off bay outside a school in Daventry, bright cold morning.", "parking lot"),
        ("room", "INT. CONSULTING ROOM OF A VET'S - DAY. The vet elbows a tray off the table.", "hospital"),
        ("bar", "A hurley cracking a sliotar over the bar at a GAA pitch in Tralee.", "football pitch"),
    ],
)
def test_the_particular_place_wins(phrase: str, prompt: str, kind: str) -> None:
    found = places.resolve(phrase, prompt)
    assert found is not None and found.name == kind


def test_broad_words_stay_broad() -> None:
    for word in ("deck", "sea", "street", "field", "desert", "village"):
        found = places.resolve(word, word)
        assert found is not None and found.generic, word


def test_every_kind_draws() -> None:
    sky = torch.zeros(3 * H, 3 * W, 3)
    for kind in places.table().values():
        painter = places.Painter(3 * H, 3 * W, W, 1.6 * H, W, H, sky, torch.Generator().manual_seed(1), False)
        drawn = places.draw(places.compose(kind, kind.name, kind.name), painter)
        assert drawn.layers or kind.base, kind.name


def test_a_places_name_adds_no_prop_of_its_own() -> None:
    terraces = places.resolve("rice terraces", "rice terraces")
    assert terraces is not None
    assert places.unnamed(terraces, "the green Rice Terraces at dawn") == "the green at dawn"
    mine = places.resolve("a coal mine", "a coal mine")
    assert mine is not None and places.unnamed(mine, "a miner in the coal mine") == "a miner in the"


def test_lamplight_warms_pools_sunbeams_slant_across_and_golden_hour_and_strobes_are_named() -> None:
    """depict19's weather misses: warm lamplight, dusty sunbeams, low winter sun and strobes drew plain daylight."""
    interior = p.Environment(location=p.LOCATION_INTERIOR, time_of_day=p.TIME_OF_DAY_DAY, lighting=p.LIGHTING_NATURAL)
    kind = places.resolve("a woodworking shop", "a woodworking shop")
    lamp, beams, plain = (
        _lit(interior, kind, words) for words in ("warm lamplight", "dusty sunbeams slanting", "noon")
    )
    assert lamp.mean((0, 1))[0] > lamp.mean((0, 1))[2] * 1.2 and lamp.mean() < plain.mean()  # warm, dimmer between
    # along one row the shafts are bright bands over what the plain light shows
    row = H // 3
    assert (beams[row].mean(-1) - plain[row].mean(-1)).std() > 10
    assert "golden hour" in light.named("low winter sun through the hall windows")
    assert light.environment(interior, light.of_shot(interior, "a strobe-lit club")).lighting == p.LIGHTING_NEON


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("a Copenhagen toy shop", "shop"),
        ("a Camden record shop", "shop"),
        ("an abandoned Detroit ballroom", "ballroom"),
        ("a Vermont woodworking shop", "workshop"),
        ("the Durango depot", "station"),  # a train depot, not a warehouse
        ("the Nellis Air Force Base flightline", "airport"),
        ("a Texas Hill Country swimming hole", "pond"),
        ("Whistler Blackcomb", "ski slope"),
        ("Roland-Garros", "tennis court"),
        ("a Havana apartment", "living room"),
        ("a Seattle coffee shop", "cafe terrace"),  # the longer name wins over "shop"
    ],
)
def test_shops_halls_and_named_places_people_write_are_drawn_as_their_kind(phrase: str, kind: str) -> None:
    found = places.resolve(phrase, phrase)
    assert found is not None and found.name == kind


def test_stage_light_firelight_and_floodlights_light_the_place_in_their_colours() -> None:
    """depict22's weather misses: a red stage light, firelight and floodlights drew plain light; a sun going down
    drew noon."""
    interior = p.Environment(location=p.LOCATION_INTERIOR, time_of_day=p.TIME_OF_DAY_NIGHT, lighting=p.LIGHTING_NIGHT)
    kind = places.resolve("a bar", "a bar")
    red, fire, plain = (
        _lit(interior, kind, words).mean((0, 1)) for words in ("red stage light", "deep orange firelight", "night")
    )
    assert red[0] > 1.4 * red[1] and red[0] > plain[0]  # red over green, redder than the plain night
    assert fire[0] > 1.3 * fire[2]  # warm
    assert "floodlights" in light.named("an outdoor rink at night under floodlights")
    assert "golden hour" in light.named("a tractor in a sunflower field, the sun is going down")


def _shown_place(prompt: str) -> str | None:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=3), "pro", 3, RATES)
    scene_plan.format.width, scene_plan.format.height = W, H
    shown = render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu")).place
    return None if shown is None else shown.name


# a place the renderer does not know by name (a firth, an osteria, a town's name) shows where the subject usually is,
# not the stock field; a place it knows, or a world the words chose, stays as written
@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("A humpback whale rolls in the Minch at noon, 5 seconds.", "sea"),
        ("A copper saucepan rests on the hob in a flat in Lucca, warm evening light. 5 seconds.", "kitchen"),
        ("A green tractor idles outside Ballymena on a grey morning. 5 seconds.", "farmyard"),
        ("A cello leans on a chair at the Wigmore Hall, spotlit. 5 seconds.", "stage"),
        ("A rowing raft drifts on Lough Erne in mist. 5 seconds.", "lake"),
        ("A kettlebell sits by the mirror. 5 seconds.", "gym"),
        ("A sea otter floats beside a kayak in a kitchen, 5 seconds.", "kitchen"),
        # a broad place out of doors keeps a thing's outdoor home (depict29: the veg patch is the spade's garden)
        ("5 sec vid of my dad digging the veg patch, at 2s the spade hits a buried rock n goes clang", "garden"),
    ],
)
def test_a_subject_is_shown_where_it_usually_is_when_its_place_is_unknown(prompt: str, kind: str) -> None:
    assert _shown_place(prompt) == kind


def test_a_subject_with_no_usual_place_keeps_the_world_of_its_words() -> None:
    assert _shown_place("A red fox trots through a snowy birch forest at dawn. 5 seconds.") == "forest"
    assert _shown_place("An old oak stands alone under grey skies. 5 seconds.") is None


@pytest.mark.parametrize(
    ("words", "condition"),
    [
        ("a side street under sodium lamps", "sodium"),
        ("a courtyard strung with festoon lights", "string lights"),
        ("a noodle bar hung with red paper lanterns", "paper lanterns"),
        ("a cellar lit by one bare bulb", "bare bulb"),
    ],
)
def test_named_lamps_light_the_place_and_are_seen(words: str, condition: str) -> None:
    """depict23 and depict24's weather misses: sodium lamps, festoon lights, paper lanterns and bare bulbs lit the
    place in a plain light with no lamp in sight. Now each is named, and its lamps are drawn over the place."""
    assert condition in light.named(words)
    night = p.Environment(location=p.LOCATION_CITY_STREET, time_of_day=p.TIME_OF_DAY_NIGHT)
    plain, lamps = (
        world.build(light.environment(night, shot), W, H, 5, None, None, shot)
        for shot in (light.of_shot(night, "a night"), light.of_shot(night, words))
    )

    def covered(built: world.World) -> int:
        return sum(int(layer.mask.sum()) for layer in built.layers if layer.mask is not None)

    assert covered(lamps) > covered(plain)  # the lamps, drawn over what the plain night shows


def test_lamps_lit_outdoors_bring_the_night_unless_the_prompt_gives_the_hour() -> None:
    """depict23–25's weather misses: sodium streetlights, floodlights and headlights drawn in broad daylight, because
    the planner's default hour (day) held. A lamp's hour replaces only an hour the planner chose itself."""
    chosen = p.Environment(time_of_day=p.TIME_OF_DAY_DAY, time_of_day_source=p.Provenance(inferred=True))
    stated = p.Environment(time_of_day=p.TIME_OF_DAY_DAY)
    for words in ("a side street under sodium streetlights", "a pitch under floodlights", "lit by jeep headlights"):
        assert light.environment(chosen, light.of_shot(chosen, words)).time_of_day == p.TIME_OF_DAY_NIGHT
        assert light.environment(stated, light.of_shot(stated, words)).time_of_day == p.TIME_OF_DAY_DAY
    # the midnight sun is the sun at midnight: the planner read "midnight" as the hour, the condition overrules it
    midnight = p.Environment(time_of_day=p.TIME_OF_DAY_NIGHT)
    sun = light.of_shot(midnight, "a throwing sector under the midnight sun")
    assert sun.names == {"midnight sun"}
    assert light.environment(midnight, sun).time_of_day == p.TIME_OF_DAY_DAY


def test_floodlight_masts_stand_outdoors_and_candles_burn_indoors() -> None:
    night = p.Environment(location=p.LOCATION_CITY_STREET, time_of_day=p.TIME_OF_DAY_NIGHT)

    def covered(kind: places.Kind | None, words: str) -> int:
        shot_light = light.of_shot(night, words)
        built = world.build(light.environment(night, shot_light), W, H, 5, None, kind, shot_light)
        return sum(int(layer.mask.sum()) for layer in built.layers if layer.mask is not None)

    pitch, gym = places.resolve("a football pitch", ""), places.resolve("a gym", "")
    assert pitch is not None and gym is not None and gym.indoors
    assert covered(pitch, "night under floodlights") > covered(pitch, "night")  # the masts and their lamps
    assert covered(gym, "night under floodlights") == covered(gym, "night")  # lit, with no mast in the room
    assert covered(None, "a candlelit street") == covered(None, "a street")  # no candles stuck on the skyline


@pytest.mark.parametrize("words", ["strong wind", "a blustery morning", "gale-force wind"])
def test_wind_streaks_race_across_the_picture_outdoors(words: str) -> None:
    """depict23–25's weather misses: a gale, a strong onshore wind and a blustery morning showed nothing."""
    scene_plan = plan(
        common_pb2.GenerationSpec(prompt=f"A dog on a beach, {words}. 3 seconds.", seed=2), "pro", 2, RATES
    )
    scene_plan.format.width, scene_plan.format.height = 2 * W, 2 * H  # streaks are a fraction of the frame's size
    renderer = render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))
    assert renderer.light.first("particles") == "wind"
    windy = renderer.render(10, 12).frames.float()
    renderer.light = light.Light(renderer.light.names - {"wind"})
    calm = renderer.render(10, 12).frames.float()
    changed = (windy - calm).abs().amax(dim=-1) > 12
    assert int(changed[0].sum()) > 2 * W  # streaks of pixels, not a speck
    assert bool((windy[0][changed[0]].mean(-1) > calm[0][changed[0]].mean(-1)).float().mean() > 0.9)  # paler
    assert not torch.equal(changed[0], changed[1])  # and they fly on


# a place word the kinds lack is drawn as the kind WordNet puts it under (data/place_kinds.tsv): in the place's own
# phrase, or in the prompt where a place preposition puts it ("in an Antwerp pawnshop")
@pytest.mark.parametrize(
    ("phrase", "prompt", "kind"),
    [
        ("Antwerp pawnshop", "A pocket watch ticks in an Antwerp pawnshop. 5 seconds.", "shop"),
        ("Exmoor byre", "A heifer lows in an Exmoor byre. 5 seconds.", "barn"),
        ("", "A beluga surfaces in the Churchill estuary at 2 seconds.", "river"),
        ("", "A monk strikes a gong inside a Kathmandu monastery at 3 seconds.", "church"),
        ("", "A dog naps at a picnic ground outside Perth.", "park"),
    ],
)
def test_a_place_word_the_kinds_lack_is_drawn_as_the_kind_wordnet_puts_it_under(
    phrase: str, prompt: str, kind: str
) -> None:
    found = places.resolve(phrase, prompt)
    assert found is not None and found.name == kind


def test_a_wordnet_place_word_is_a_place_only_where_the_words_put_something_in_it() -> None:
    """A word WordNet files under places names where the shot is only after "in", "at", "outside"…: the marquee of
    a theatre's lights or a pawnshop's ticket is no place; nor is a thing the vocabulary draws (a hammock)."""
    assert places.resolve("", "The old pawnshop ticket curls in the wind. 4 seconds.") is None
    kinds = dict(line.split("\t") for line in (places.DATA / "place_kinds.tsv").read_text().splitlines()[1:])
    assert set(kinds.values()) <= set(places.table())
    assert not {word for kind in places.table().values() for word in kind.words} & set(kinds)
    assert not set(subjects.vocabulary().nouns) - set(_wordnet_nouns()) & set(kinds)  # no thing the atlas draws
    assert not _wordnet_nouns() & set(kinds)  # a place is never drawn as a thing too


def _wordnet_nouns() -> set[str]:
    return {line.split("\t")[0] for line in (subjects.DATA / "noun_kinds.tsv").read_text().splitlines()[1:]}


@pytest.mark.parametrize(
    "prompt",
    [
        "INT. BARI BAKEHOUSE – PRE-DAWN, BARE BULBS (6 SEC)\nNONNA ROSA, a baker, slams a tray down AT 3 SEC.",
        "A cat in a cellar lit by warm tungsten bulbs, it meows at 2 seconds.",
    ],
)
def test_the_lamps_of_a_named_light_are_its_own_not_a_subject_or_a_prop(prompt: str) -> None:
    """depict26's v02 and v14: "bare bulbs" and "tungsten bulbs" drew giant light-bulb icons over the scene."""
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=2), "pro", 2, RATES)
    scene_plan.format.width, scene_plan.format.height = W, H
    renderer = render.ShotRenderer(scene_plan, scene_plan.shots[0], torch.device("cpu"))
    assert renderer.light.names & {"bare bulb", "lamplight"}
    assert renderer.subject is None or renderer.subject.name != "lamp"
    blanked = light.unnamed(renderer.light, prompt)
    assert len(blanked) == len(prompt) and "bulbs" not in blanked.lower()


def test_an_aurora_lights_the_night_sky_green() -> None:
    """depict27's v21: "polar night, green aurora" drew a plain night sky."""
    night = p.Environment(location=p.LOCATION_FIELD, time_of_day=p.TIME_OF_DAY_NIGHT)

    def greenest_row(words: str) -> float:  # how much greener than red the greenest row of the sky layer is
        shot_light = light.of_shot(night, words)
        built = world.build(light.environment(night, shot_light), W, H, 5, None, None, shot_light)
        rows = built.layers[0].rgb.float().mean(dim=1) / 255
        return float((rows[:, 1] - rows[:, 0]).max())

    assert "aurora" in light.of_shot(night, "the northern lights").names
    plain, aurora = greenest_row("the tundra on a polar night"), greenest_row("the tundra under a green aurora")
    assert aurora > plain + 0.2


def test_a_broad_place_the_prompt_names_is_never_a_things_usual_home() -> None:
    """A road is drawn as the street world, not as the kitchen a lollipop or a cup usually stands in."""
    shown = _shown_place("A red cup on the road outside a primary school, icy fog. At 2 s it rolls into the gutter.")
    assert shown is None or not places.table()[shown].indoors


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        # depict30's wordings of light and weather
        ("a brass letterbox in blue pre-dawn light", "pre-dawn"),
        ("a smallholding on a muggy thundery afternoon", "thunderstorm"),
        ("a riad kitchen in harsh noon sun", "heat"),
        ("nan's kitchen on a dark wet teatime", "dusk"),
        ("bright morning sun pouring in", "sunbeams"),
        ("long midsummer evening light on the field", "golden hour"),
        ("a galley kitchen in weak winter sunshine", "winter"),
    ],
)
def test_a_light_is_read_as_people_write_it(text: str, condition: str) -> None:
    assert condition in light.named(text)
