"""An extension is planned with its source's last shot as context (GenerationSpec.continues)."""

from __future__ import annotations

from cinemesh.prompt.planner import plan
from cinemesh.runtime import projections
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p

RATES = {"plus": 1, "pro": 2}
HARBOR = "A young woman in a red coat walks along a foggy harbor at dawn, slow pan across the boats."


def _extension(source_prompt: str, prompt: str) -> tuple[common_pb2.ScenePlan, common_pb2.ScenePlan]:
    source = common_pb2.GenerationSpec(prompt=source_prompt, duration_seconds=2, resolution="480p", seed=7)
    spec = common_pb2.GenerationSpec(prompt=prompt, duration_seconds=3, resolution="480p", seed=7)
    spec.continues.CopyFrom(source)
    return plan(source, "plus", 7, RATES), plan(spec, "plus", 7, RATES)


def test_words_that_name_nothing_new_keep_the_world_cast_subject_and_camera() -> None:
    source, extension = _extension(HARBOR, "She stops and looks at the sea.")
    last, first = source.shots[-1], extension.shots[0]
    assert projections.same_world(last, first)  # location, place, weather, time of day, light, style
    assert first.environment.place == "harbor" and first.environment.place_source.inferred
    assert [(c.id, c.description) for c in extension.characters] == [(c.id, c.description) for c in source.characters]
    assert list(first.character_ids) == list(last.character_ids) == ["c1"]
    assert first.camera.movement == p.CAMERA_MOVEMENT_PAN and first.camera.movement_source.inferred
    assert first.camera.shot_size == last.camera.shot_size


def test_the_continued_shot_carries_the_source_scene_text_and_how_far_the_move_ran() -> None:
    source, extension = _extension(HARBOR, "She stops.")
    continued = extension.continues
    assert continued.shot == source.shots[-1]
    assert continued.scene_text == projections.scene_text(source, 0)
    frames = source.format.frame_count
    assert (continued.lead_in_frames, continued.move_frames) == (frames, frames)


def test_a_definite_reference_and_a_speaker_pronoun_resolve_to_the_source_cast() -> None:
    _, extension = _extension(HARBOR, 'The woman turns around and says "Hello?"')
    assert [c.id for c in extension.characters] == ["c1"]
    assert [line.character_id for line in extension.dialogue] == ["c1"]


def test_two_people_stay_on_screen_when_the_new_words_name_nobody() -> None:
    source, extension = _extension("An old man and a young woman sit on a park bench at sunset.", "They keep talking.")
    assert list(extension.shots[0].character_ids) == list(source.shots[-1].character_ids) == ["c1", "c2"]
    assert extension.shots[0].environment.lighting == source.shots[-1].environment.lighting


def test_a_new_person_gets_a_new_id() -> None:
    _, extension = _extension(HARBOR, "A fisherman walks up to her.")
    assert [c.id for c in extension.characters][:2] == ["c1", "c2"]


def test_rain_in_a_storm_is_the_same_storm() -> None:
    source, extension = _extension("A thunderstorm over a wheat field at night.", "The rain gets heavier.")
    assert extension.shots[0].environment.weather == p.WEATHER_STORM
    assert projections.same_world(source.shots[-1], extension.shots[0])


def test_a_named_location_of_another_kind_brings_its_own_world() -> None:
    source, extension = _extension("Tracking shot of a cyclist riding through a forest.", "He rides into a desert.")
    first = extension.shots[0]
    assert first.environment.location == p.LOCATION_DESERT and first.environment.place == "desert"
    assert not projections.same_world(source.shots[-1], first)
    assert first.camera.movement == p.CAMERA_MOVEMENT_TRACKING  # no new move named: the camera carries on


def test_a_named_move_replaces_the_source_move() -> None:
    _, extension = _extension("Tracking shot of a cyclist riding through a forest.", "Slow dolly in on the cyclist.")
    assert extension.shots[0].camera.movement == p.CAMERA_MOVEMENT_DOLLY_IN


def test_an_extension_of_an_extension_keeps_the_first_world_and_the_whole_lead_in() -> None:
    source = common_pb2.GenerationSpec(prompt=HARBOR, duration_seconds=2, resolution="480p", seed=7)
    middle = common_pb2.GenerationSpec(prompt="She stops.", duration_seconds=1, resolution="480p", seed=7)
    middle.continues.CopyFrom(source)
    last = common_pb2.GenerationSpec(prompt="She looks back.", duration_seconds=1, resolution="480p", seed=7)
    last.continues.CopyFrom(middle)
    first_plan, middle_plan = plan(source, "plus", 7, RATES), plan(middle, "plus", 7, RATES)
    continued = plan(last, "plus", 7, RATES).continues
    assert continued.shot.environment == first_plan.shots[-1].environment
    total = first_plan.format.frame_count + middle_plan.format.frame_count
    assert (continued.lead_in_frames, continued.move_frames) == (total, first_plan.format.frame_count)


def test_an_ordinary_plan_continues_nothing() -> None:
    assert not plan(common_pb2.GenerationSpec(prompt=HARBOR), "plus", 7, RATES).HasField("continues")


def test_the_people_keep_their_places_and_stay_seated_while_they_do_something_in_place() -> None:
    source, extension = _extension(
        "An old man and a young woman sit on a park bench at sunset.", "The woman laughs, the man nods."
    )
    first = extension.shots[0]
    assert list(first.character_ids) == list(source.shots[-1].character_ids) == ["c1", "c2"]
    assert first.action.kind == p.ACTION_KIND_SIT
    _, walking = _extension("An old man and a young woman sit on a park bench at sunset.", "They walk away.")
    assert walking.shots[0].action.kind == p.ACTION_KIND_WALK


def test_the_continued_shot_names_its_people_as_the_source_did() -> None:
    source, extension = _extension("An old man and a young woman sit on a park bench at sunset.", "They nod.")
    assert list(extension.continues.characters) == list(source.characters)  # spans into the source's words
