"""The planner: @mentions and the ScenePlan built from a GenerationSpec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cinemesh.prompt.planner import mentions_of, plan
from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument
from cinemesh.v1 import common_pb2, plan_pb2

RATES = {"plus": 16, "pro": 40}


@pytest.mark.parametrize(
    ("prompt", "mentions"),
    [
        ("@zoe and @adam walk, then @zoe waves", ["zoe", "adam"]),
        ("@Bob meets @bob", ["Bob", "bob"]),  # handles are case-sensitive
        ("write to zoe@example.com or @carl", ["carl"]),
        ("first.last@example.org", []),
        ("(@ann), @ben. @cy!", ["ann", "ben", "cy"]),
        ("@9lives @_under @x_1", ["x_1"]),  # a handle starts with a letter
        ("a lone @ sign", []),
        ("@" + "a" * 32 + " fits", ["a" * 32]),
        ("@" + "a" * 33 + " is too long", []),
        ("no mentions here", []),
        ("", []),
    ],
)
def test_mentions_of(prompt: str, mentions: list[str]) -> None:
    assert mentions_of(prompt) == mentions


@given(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), max_size=8))
def test_mentions_keep_first_appearance_order(handles: list[str]) -> None:
    prompt = " and ".join(f"@{h}" for h in handles)
    assert mentions_of(prompt) == list(dict.fromkeys(handles))


def spec(**fields: object) -> common_pb2.GenerationSpec:
    fields.setdefault("prompt", "  @mia flies a kite with @leo and @mia  ")
    return common_pb2.GenerationSpec(**fields)


def test_plan_fields() -> None:
    result = plan(spec(duration_seconds=4.0, fps=30, resolution="480p"), "plus", 1234, RATES)
    assert result.prompt == "@mia flies a kite with @leo and @mia"
    assert (result.format.width, result.format.height) == (854, 480)
    assert result.format.fps == 30
    assert result.format.frame_count == 120
    assert result.duration_seconds == 4.0
    assert result.seed == 1234
    assert result.tier == common_pb2.TIER_PLUS
    assert list(result.mentions) == ["mia", "leo"]
    assert result.credit_estimate == 64
    assert not result.embed_prompt  # the prompt stays out of the deliverable unless the person opts in


def test_the_prompt_opt_in_travels_with_the_plan() -> None:
    assert plan(spec(duration_seconds=2.0, embed_prompt=True), "plus", 1, RATES).embed_prompt


def test_plan_has_one_scene_covering_every_frame() -> None:
    result = plan(spec(duration_seconds=2.2, fps=25), "pro", 1, RATES)
    assert result.format.frame_count == 55
    assert len(result.scenes) == 1
    scene = result.scenes[0]
    assert (scene.index, scene.start_frame, scene.end_frame) == (0, 0, 55)
    assert scene.prompt == result.prompt


def test_plan_duration_is_whole_frames_and_credits_follow_it() -> None:
    result = plan(spec(duration_seconds=1.01, fps=24), "pro", 0, RATES)
    assert result.format.frame_count == 24
    assert result.duration_seconds == 1.0
    assert result.credit_estimate == 40


def test_plan_defaults_and_pro_tier() -> None:
    result = plan(spec(), "pro", 7, RATES)
    assert (result.format.width, result.format.height, result.format.fps) == (1280, 720, 24)
    assert result.format.frame_count == 120
    assert result.duration_seconds == 5.0
    assert result.tier == common_pb2.TIER_PRO
    assert result.credit_estimate == 200


def test_plan_portrait_1080p_for_pro() -> None:
    result = plan(
        spec(resolution="1080p", orientation=common_pb2.ORIENTATION_PORTRAIT, duration_seconds=1.0), "pro", 0, RATES
    )
    assert (result.format.width, result.format.height) == (1080, 1920)


def test_plan_applies_the_same_validation() -> None:
    with pytest.raises(InvalidArgument, match=r"^spec\.prompt: "):
        plan(spec(prompt="   "), "plus", 0, RATES)
    with pytest.raises(FailedPrecondition, match="plus tier"):
        plan(spec(resolution="1080p"), "plus", 0, RATES)


@pytest.mark.parametrize(
    ("prompt", "characters"),
    [
        # whose place or occasion, not who is seen
        ("a balloon pops at a kid's party at 2 seconds", 0),
        ("Macro on a pocket watch ticking. Grandfather's study, a leather chair.", 0),
        # the viewer of a pov caption is on screen whatever words follow "pov"
        ("pov: lying on a dock at sunset, water lapping", 1),
        ("pov: u just missed the bus and it pulls away at 2s", 1),
        # family words of other languages and roles a scene names are people; a thing they name is not one
        ("At the kitchen table nonna rolls the dough while the inspector taps his pen", 2),
        ("Two pensioners play bowls on the green, a ball clacks at 3s", 2),
        ("The anchor chain rattles at 2s and the guest room door bangs shut", 0),
        # "first person" is the camera's eye, no one on screen
        ("First person, you're a barista at the counter, a customer coughs at 2s", 2),
        # a caption naming its viewer's role is that one person, whom "you" and "your" go on to mean
        ("pov lighthouse keeper on the gallery at dusk, your boots ring on the steps and you cough", 1),
        # a brief's field is no one in the clip; the sprinter it films is
        ("Client: Apex Running. Hero: a sprinter at the blocks. At 1.5s the pistol fires. Runtime 5 sec.", 1),
        # blind13q: a pov from a thing shows no one; whose pickup is heard, not who drives it; a coachman is someone
        ("pov: you're the metal stake in a horseshoe pit. first shoe CLANGS around you at 2s", 0),
        ("pov: you're the last cookie in the jar and a hand reaches in at 2s", 0),
        ("pov: you're a trainee on your first shift, the till beeps at 2s", 1),
        ("A dog naps in the yard. someone's pickup rumbles down the gravel road at 2s.", 0),
        ("pov: you are a ghost in an old library and you shove books off a shelf: thud at 2s", 1),
        ("A horse-drawn fiacre clops across a square. At two seconds the coachman clicks his tongue twice.", 1),
        # a being's word before the thing it names is that thing: "fairy lights", "a ghost train"
        ("Fairy lights twinkle over a Lego spaceship on the table. At 3s it topples off.", 0),
    ],
)
def test_possessive_places_are_no_characters_and_a_pov_viewer_is_one(prompt: str, characters: int) -> None:
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt), "pro", 1, RATES)
    assert len(scene_plan.characters) == characters, [c.description for c in scene_plan.characters]


@pytest.mark.parametrize(
    ("prompt", "weather", "time_of_day"),
    [
        ("someone riding a bike in amsterdam, drizzly, canal on the left. 5s", "WEATHER_RAIN", None),
        (
            "EXT. HARBOR – SLEET, PREDAWN (8 SEC) A trawler noses away from the dock.",
            "WEATHER_SNOW",
            "TIME_OF_DAY_DAWN",
        ),
        ("pov: crouched behind a snowbank at blue hour, a wolf on the ridge", "WEATHER_SNOW", "TIME_OF_DAY_DUSK"),
        # depict27: rain and storms as people say them
        ("moving day in reading n its pissing down. a mirror leant against the van", "WEATHER_RAIN", None),
        ("a karateka in a budokan while a typhoon lashes the windows", "WEATHER_STORM", None),
    ],
)
def test_the_weather_and_light_words_people_write_are_read(prompt: str, weather: str, time_of_day: str | None) -> None:
    env = plan(common_pb2.GenerationSpec(prompt=prompt), "pro", 1, RATES).shots[0].environment
    assert plan_pb2.Weather.Name(env.weather) == weather
    if time_of_day is not None:
        assert plan_pb2.TimeOfDay.Name(env.time_of_day) == time_of_day


def test_a_characters_age_after_their_name_is_no_clip_length() -> None:
    """depict19 z03: "CLAIRE, 30s, turns" made a 30 s clip (clamped to 20 s) and timed the rain by "(6 SEC)"."""
    prompt = (
        "INT. MONTMARTRE BISTRO – NIGHT, RAIN ON THE WINDOWS (6 SEC)\nA wine glass sits on the bar. CLAIRE, 30s,"
        " turns too fast. AT 2.5 SECONDS the glass hits the floor and shatters."
    )
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt), "pro", 1, RATES)
    assert scene_plan.duration_seconds == 6.0
    assert [round(cue.frame / scene_plan.format.fps, 2) for cue in scene_plan.sound_cues] == [2.5]


@pytest.mark.parametrize(
    ("prompt", "characters"),
    [
        # a screenplay's character named in capitals mid-line, after a sentence or an "and", is one
        ("EXT. PIER - DUSK. Gulls cry. MARGO (40s) coils a rope and sighs. MARGO: Long day.", 1),
        ("INT. GARAGE - NIGHT. A radio hums and TOBIAS (12) sneaks in, grinning.", 1),
        # a voice off screen with a note of where it comes from is heard, not seen
        ("INT. GROCERY STORE - DAY. Carts rattle. CLERK (O.S., over the intercom): Cleanup in aisle four!", 0),
        # depict33: the word in capitals that opens a line's time is no name; a trade in capitals is someone
        ("INT. SHEARING SHED - DAY\nIAN shears a ewe. AROUND 0:02 he flings the fleece onto the table.", 1),
        ("EXT. CRICKET CLUB - DAY\nA FIELDER sprints in. AT 3.5 SECONDS he throws at the stumps.", 1),
    ],
)
def test_a_screenplay_name_in_capitals_mid_line_is_a_character(prompt: str, characters: int) -> None:
    scene_plan = plan(spec(prompt=prompt), "pro", 1, RATES)
    assert len(scene_plan.characters) == characters, [c.description for c in scene_plan.characters]


@pytest.mark.parametrize(
    ("prompt", "characters"),
    [
        # a people word naming a vehicle's kind is no person ("fighter jet", "dirt bike", "tour bus")
        ("A fighter jet screams low over the desert at 3 seconds.", 0),
        ("A rider bike skids on the gravel.", 0),
        ("A fire fighter sprays the flames.", 1),
        # a trade the renderer dresses is a person too
        ("A stonemason in a workyard strikes the chisel at 2 seconds.", 1),
        ("The postie pushes a parcel through the letterbox at 3s.", 1),
    ],
)
def test_a_people_word_naming_a_vehicle_is_no_character(prompt: str, characters: int) -> None:
    scene_plan = plan(spec(prompt=prompt), "pro", 1, RATES)
    assert len(scene_plan.characters) == characters, [c.description for c in scene_plan.characters]


@pytest.mark.parametrize(
    ("prompt", "moves"),
    [
        # depict27: "a copper pan of bananas Foster" panned a static shot across the steakhouse
        ("A copper pan of bananas Foster on a kitchen counter, static camera.", False),
        ("A frying pan sizzles on the hob at 2 seconds.", False),
        ("Slow pan across the city at dusk.", True),
        ("Pan left to reveal the sea.", True),
    ],
)
def test_a_pan_is_the_cameras_move_not_the_cookware(prompt: str, moves: bool) -> None:
    shot = plan(spec(prompt=prompt), "pro", 1, RATES).shots[0]
    assert (shot.camera.movement == plan_pb2.CAMERA_MOVEMENT_PAN) is moves


@pytest.mark.parametrize(
    "prompt",
    [
        "a guinea fowl on my uncles croft on lewis, windy dreich day",
        "a whoopee cushion in the staffroom, grey monday morning",
        "a gull on the harbour wall, sky all grey",
    ],
)
def test_a_grey_day_as_people_say_it_is_overcast(prompt: str) -> None:
    env = plan(common_pb2.GenerationSpec(prompt=prompt), "pro", 1, RATES).shots[0].environment
    assert env.lighting == plan_pb2.LIGHTING_OVERCAST


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        # an ad brief's opening line names the product and the length, not what the clip shows
        ("Pet food, 15s. A tabby asleep on a windowsill. At 0:04 the cat thuds down off the sill.", "tabby"),
        ("Home security camera, 20s spot. A raccoon knocks over the bins at 0:03.", "raccoon"),
        # a line that only asks for the length
        ("Let it run fifteen seconds. A tea master in a Kyoto tea house ladles water into a bowl.", "tea master"),
    ],
)
def test_a_line_naming_the_product_or_the_length_is_no_subject(prompt: str, subject: str) -> None:
    assert subject in plan(spec(prompt=prompt), "pro", 1, RATES).shots[0].subject.text.lower()


def test_a_length_said_with_only_is_the_clips() -> None:
    """blind13o: "12 second only: delivery boy …" kept the default length, so "in the middle of video" fell at 2.5 s."""
    prompt = "12 second only: a delivery boy rides in the rain. In the middle of video thunder is booming."
    scene_plan = plan(spec(prompt=prompt), "pro", 1, RATES)
    assert max(shot.end_frame for shot in scene_plan.shots) == 12 * scene_plan.format.fps
    (thunder,) = [c for c in scene_plan.sound_cues if "thunder" in c.text]
    assert thunder.time_seconds == pytest.approx(6.0)
