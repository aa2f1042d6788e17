"""Every limit and every safety category, with the exact error a person sees."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cinemesh.prompt import safety
from cinemesh.prompt.planner import plan
from cinemesh.runtime.errors import CinemeshError, FailedPrecondition, InvalidArgument
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p

RATES = {"plus": 16, "pro": 40}


def spec(
    prompt: str = "",
    duration: float | None = None,
    storyboard: list[tuple[str, float | None]] | None = None,
    **fields: object,
) -> common_pb2.GenerationSpec:
    s = common_pb2.GenerationSpec(prompt=prompt, **fields)
    if duration is not None:
        s.duration_seconds = duration
    for text, seconds in storyboard or []:
        scene = s.storyboard.add(prompt=text)
        if seconds is not None:
            scene.duration_seconds = seconds
    return s


def error_of(s: common_pb2.GenerationSpec, tier: str = "pro") -> CinemeshError:
    with pytest.raises(CinemeshError) as caught:
        plan(s, tier, 1, RATES)
    return caught.value


# ------------------------------------------------------------------ limits


def test_empty_prompt() -> None:
    e = error_of(spec("   "))
    assert isinstance(e, InvalidArgument)
    assert e.message == "spec.prompt: must not be empty; describe the video to generate"


def test_over_long_prompt() -> None:
    e = error_of(spec("a" * 4001))
    assert e.message == "spec.prompt: is 4001 characters; the limit is 4000"


def test_plus_single_clip_over_10_s() -> None:
    e = error_of(spec("a kite on a beach", 10.5), "plus")
    assert isinstance(e, FailedPrecondition)
    assert e.message == (
        "spec.duration_seconds: 10.5 s exceeds the plus tier's limit of 10 s per clip; upgrade to pro for up to 20 s"
    )


def test_pro_single_clip_over_20_s() -> None:
    e = error_of(spec("a kite on a beach", 21))
    assert e.message == "spec.duration_seconds: 21 s exceeds the pro tier's limit of 20 s per clip"


def test_plus_resolution_over_720p() -> None:
    e = error_of(spec("a kite", 4, resolution="1080p"), "plus")
    assert e.message == "spec.resolution: 1080p exceeds the plus tier's limit of 720p"


def test_pro_storyboard_shorter_than_15_s() -> None:
    e = error_of(spec(storyboard=[("a kite rises", 5), ("it falls", 5)]))
    assert isinstance(e, FailedPrecondition)
    assert e.message == "spec.storyboard: the sequence lasts 10 s; storyboard sequences on the pro tier run 15–25 s"


def test_pro_storyboard_longer_than_25_s() -> None:
    e = error_of(spec(storyboard=[("a kite rises", 10), ("it falls", 10), ("it lands", 6)]))
    assert "lasts 26 s" in e.message and "15–25 s" in e.message


def test_plus_storyboard_longer_than_15_s() -> None:
    e = error_of(spec(storyboard=[("a kite rises", 8), ("it falls", 8)]), "plus")
    assert (
        e.message == "spec.storyboard: the sequence lasts 16 s; storyboard sequences on the plus tier run at most 15 s"
    )


def test_storyboard_scene_without_prompt() -> None:
    e = error_of(spec(storyboard=[("a kite rises", 8), ("", 8)]))
    assert e.message == "spec.storyboard[1].prompt: must not be empty; describe the video to generate"


def test_storyboard_scene_with_negative_duration() -> None:
    e = error_of(spec(storyboard=[("a kite rises", 8), ("it falls", -2)]))
    assert e.message == "spec.storyboard[1].duration_seconds: must be a positive number of seconds (got -2)"


def test_a_third_person_who_only_appears_is_background_with_a_note() -> None:
    """Only individuals who act or speak count against the two-per-scene limit; cameos are never dropped."""
    scene_plan = plan(
        spec(
            storyboard=[
                ("An old fisherman mends a net.", 8),
                ("@ana and a young woman greet the fisherman at the pier.", 8),
            ]
        ),
        "pro",
        1,
        RATES,
    )
    assert [c.description for c in scene_plan.characters] == ["an old fisherman", "@ana", "a young woman"]
    assert list(scene_plan.scenes[1].character_ids) == ["@ana", "c2"]
    assert scene_plan.notes[-1] == (
        "scene 2 names 3 people; at most 2 are animated as characters, so an old fisherman is drawn as background"
    )


def test_three_friends_are_two_characters_and_an_extra() -> None:
    scene_plan = plan(spec("Three friends share a pizza on a rooftop.", 5), "pro", 1, RATES)
    assert len(scene_plan.characters) == 2
    assert "drawn as background" in scene_plan.notes[-1]


def test_a_speaker_outranks_a_silent_person() -> None:
    scene_plan = plan(
        spec('A man and a woman sit at a table. A waiter says "Your table is ready."', 8), "pro", 1, RATES
    )
    assert [c.description for c in scene_plan.characters] == ["a man", "a waiter"]


def test_a_third_speaker_is_invalid_argument() -> None:
    e = error_of(spec('A man says "Hi." A woman says "Hello." A waiter says "Your table is ready."', 8))
    assert isinstance(e, InvalidArgument)
    assert e.message.startswith("spec.prompt: scene 1 has more than 2 characters who speak or act (")


def test_groups_are_not_characters() -> None:
    scene_plan = plan(spec("A referee blows the whistle at 2 seconds and the players stop.", 5), "pro", 1, RATES)
    assert [c.description for c in scene_plan.characters] == ["a referee"]


def test_dialogue_longer_than_its_scene() -> None:
    words = " ".join(["word"] * 40)
    e = error_of(spec(f'A man says, "{words}."', 3))
    assert e.message.startswith("scenes[0]: its dialogue needs about 14.3 s of speech but the scene lasts 3.0 s")


def test_cue_after_an_explicit_duration_is_refused_before_planning() -> None:
    e = error_of(spec("A glass shatters at 7 s.", 5))
    assert isinstance(e, InvalidArgument)
    assert e.message == (
        "spec.prompt: a sound is timed at 7 s but the clip lasts 5 s; "
        "move the sound earlier or ask for a longer duration"
    )


def test_without_a_duration_the_clip_fits_its_timed_sounds() -> None:
    scene_plan = plan(spec("Fireworks explode over the harbor at 6 seconds."), "pro", 1, RATES)
    assert scene_plan.duration_seconds == 7.0
    assert [c.time_seconds for c in scene_plan.sound_cues] == [6.0]
    assert scene_plan.notes[0] == "no duration was given; the clip lasts 7 s to fit what the prompt times"


def test_content_longer_than_the_tier_is_clamped_and_the_late_sound_noted() -> None:
    scene_plan = plan(spec("A gong sounds at 2 seconds and a bell rings at 14 seconds."), "plus", 1, RATES)
    assert scene_plan.duration_seconds == 10.0
    assert [c.time_seconds for c in scene_plan.sound_cues] == [2.0]
    assert scene_plan.notes[0].startswith("the prompt's timed content needs 15 s but the plus tier allows 10 s")
    assert "is timed at 14 s but the clip lasts 10 s; it was not placed" in scene_plan.notes[1]


def test_a_cue_at_the_very_end_lands_on_the_last_frame() -> None:
    scene_plan = plan(spec("A cymbal crashes at 6 seconds.", 6), "pro", 1, RATES)
    (cue,) = scene_plan.sound_cues
    # its sound starts on the last frame too: timed at 6.0 s it would start on the clip's last sample, unheard
    assert cue.frame == scene_plan.format.frame_count - 1
    assert cue.time_seconds == pytest.approx(cue.frame / scene_plan.format.fps)


# ------------------------------------------------------------------ safety


@pytest.mark.parametrize(
    ("prompt", "category", "words"),
    [
        ("A nude woman posing on a bed", p.SAFETY_CATEGORY_SEXUAL, "'nude'"),
        ("An explicit sex scene with a teenager", p.SAFETY_CATEGORY_SEXUAL_MINORS, "'explicit sex'"),
        ("A graphic decapitation in a dark alley", p.SAFETY_CATEGORY_VIOLENCE_GORE, "'decapitation'"),
        ("A man attempting suicide on a bridge", p.SAFETY_CATEGORY_SELF_HARM, "'suicide'"),
        ("A rally chanting racial slurs at immigrants", p.SAFETY_CATEGORY_HATE, "'racial slurs'"),
        ("Spider-Man swings between skyscrapers", p.SAFETY_CATEGORY_COPYRIGHTED_CHARACTER, "'Spider-Man'"),
        ("A Lego Batman swings across the shelf", p.SAFETY_CATEGORY_COPYRIGHTED_CHARACTER, "'Lego Batman'"),
        ("Taylor Swift sings on a rooftop", p.SAFETY_CATEGORY_PUBLIC_FIGURE, "'Taylor Swift'"),
    ],
)
def test_each_safety_category_blocks_with_the_exact_error(prompt: str, category: int, words: str) -> None:
    scene_plan = plan(spec(prompt, 5), "pro", 1, RATES)
    assert not scene_plan.safety.allowed
    assert category in {f.category for f in scene_plan.safety.findings}
    finding = next(f for f in scene_plan.safety.findings if f.category == category)
    span = finding.spans[0]
    assert prompt[span.start : span.end] == finding.text
    with pytest.raises(InvalidArgument) as caught:
        safety.enforce(scene_plan.safety)
    name = p.SafetyCategory.Name(category).removeprefix("SAFETY_CATEGORY_")
    assert caught.value.message.startswith(f"spec.prompt: blocked by the content policy: {name} (")
    assert words in caught.value.message


def test_dialogue_is_screened_too() -> None:
    scene_plan = plan(spec('A man shouts, "Heil Hitler!" at a crowd.', 5), "pro", 1, RATES)
    assert not scene_plan.safety.allowed


def test_licensed_character_is_allowed_on_pro_with_a_license_reference() -> None:
    licensed = plan(spec("Spider-Man swings over the city", 5, license_reference="LIC-2026-0042"), "pro", 1, RATES)
    assert licensed.safety.allowed and licensed.safety.license_reference == "LIC-2026-0042"
    on_plus = plan(spec("Spider-Man swings over the city", 5, license_reference="LIC-2026-0042"), "plus", 1, RATES)
    assert not on_plus.safety.allowed
    assert "Licensed characters need the pro tier and spec.license_reference." in safety.describe(on_plus.safety)


def test_a_cameo_mention_of_a_person_is_not_a_public_figure() -> None:
    assert plan(spec("@taylor waves from a rooftop", 5), "pro", 1, RATES).safety.allowed


@pytest.mark.parametrize(
    "prompt",
    [
        "A bartender slides a shot glass across the bar",
        "A killer whale breaches at sunset",
        "Cut to the kitchen where a chef chops onions",
        "A bloody mary cocktail on a marble counter",
        "Paris at night from a bridge over the Seine",
        "A kid builds a sandcastle on the beach",
        # the toy bricks a toddler tips out are no trademarked character; the brand's logo or films are (below)
        "toddler tips a whole bin of lego onto the wooden floor at 2s CRASH",
    ],
)
def test_tricky_negatives_are_allowed(prompt: str) -> None:
    assert plan(spec(prompt, 5), "pro", 1, RATES).safety.allowed


# ------------------------------------------------------------------ properties


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=4000))
def test_any_unicode_up_to_the_limit_never_crashes(text: str) -> None:
    try:
        scene_plan = plan(spec(text, 5), "pro", 1, RATES)
    except CinemeshError as exc:
        assert exc.code.name in ("INVALID_ARGUMENT", "FAILED_PRECONDITION")
        return
    assert scene_plan.format.frame_count == 120
    assert scene_plan.shots[0].start_frame == 0 and scene_plan.shots[-1].end_frame == 120
    for cue in scene_plan.sound_cues:
        assert 0 <= cue.frame < 120


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300), st.text(min_size=1, max_size=3), st.integers(min_value=4001, max_value=6000))
def test_over_long_prompts_are_invalid_argument(head: str, filler: str, length: int) -> None:
    text = (head + filler * length)[: max(length, len(head))]
    e = error_of(spec(text, 5))
    assert isinstance(e, InvalidArgument) and e.message.startswith("spec.prompt: is ")


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=50))
def test_blank_prompts_are_invalid_argument(text: str) -> None:
    assert isinstance(error_of(spec(text, 5)), InvalidArgument)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=1.0, max_value=8.0), min_size=2, max_size=4), st.sampled_from([24, 25, 30]))
def test_storyboard_frames_are_exact_and_contiguous(durations: list[float], fps: int) -> None:
    total = sum(durations)
    assume(15 <= total <= 25)
    scene_plan = plan(
        spec(storyboard=[(f"scene {i} on a beach", d) for i, d in enumerate(durations)], fps=fps), "pro", 1, RATES
    )
    frames = [(s.start_frame, s.end_frame) for s in scene_plan.scenes]
    assert frames[0][0] == 0 and frames[-1][1] == scene_plan.format.frame_count
    assert all(a[1] == b[0] for a, b in itertools.pairwise(frames))
    assert scene_plan.cut_frames == [s.start_frame for s in scene_plan.shots[1:]]
    assert abs(scene_plan.format.frame_count - round(total * fps)) <= 1


def test_parsing_is_deterministic() -> None:
    text = 'Close-up of @ana in a neon-lit alley at night. She whispers "we are late" as thunder cracks.'
    assert plan(spec(text, 6), "pro", 1, RATES) == plan(spec(text, 6), "pro", 1, RATES)


def test_every_inferred_field_says_so() -> None:
    shot = plan(spec("A lighthouse", 5), "pro", 1, RATES).shots[0]
    assert shot.camera.movement_source.inferred and not shot.camera.movement_source.spans
    assert shot.environment.time_of_day_source.inferred
    assert shot.style.source.inferred
    assert not shot.subject.source.inferred
