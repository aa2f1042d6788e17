"""A planned soundtrack: every line and effect lands on its planned time; the master meets its loudness."""

from __future__ import annotations

import itertools

import librosa
import numpy as np
import pytest

from cinemesh.audio import mix, soundtrack
from cinemesh.audio.levels import effect_levels
from cinemesh.audio.speech import PiperBackend, Speaker
from cinemesh.prompt.planner import plan
from cinemesh.runtime import loudness
from cinemesh.v1 import common_pb2, plan_pb2

FRAME_SECONDS = 1 / 24
RATES = {"plus": 16, "pro": 40}
# Cues 3.6 s apart (longer than any effect), so no tail masks the next onset; all 28 event types appear.
_TIMES = (3.0, 6.6, 10.2, 13.8, 17.4)
_SCENES = [
    (
        'In a dim echoing hallway at night, @Ana whispers "Did you hear that?"',
        "Tense orchestral music",
        ["A glass shatters on the tile floor", "Thunder cracks", "A door slams", "A dog barks", "A gunshot"],
    ),
    (
        'On a windy beach at sunset, a fisherman says "The tide is turning."',
        "Upbeat jazz",
        ["A car horn honks", "A whoosh", "Applause", "A cat meows", "A siren"],
    ),
    (
        'Inside a small office, @Leo says "Sign here, please."',
        "Calm piano",
        ["A knock on the door", "Paper rustles", "The door creaks", "Birds chirp", "A gust of wind"],
    ),
    (
        'In a garage, a mechanic says "Start it up."',
        "Synthwave",
        ["A car passes", "Crowd cheers", "A clock ticks", "A bell tolls", "An engine starts"],
    ),
    (
        'In a quiet kitchen, an old woman shouts "Dinner is ready!"',
        "Dreamy ambient music",
        ["Fire crackles", "Water drips", "Typing", "A heartbeat", "A splash"],
    ),
    (
        'On a mountain trail, @Mia says "Almost there."',
        "Epic orchestral music",
        ["Footsteps on gravel", "An explosion", "A phone rings", "A dog barks", "A door slams"],
    ),
]
PROMPTS = [
    f"{opening}. " + " ".join(f"{cue} at {t:g} s." for cue, t in zip(cues, _TIMES, strict=True)) + f" {music}."
    for opening, music, cues in _SCENES
]


@pytest.fixture(scope="module")
def rendered() -> list[tuple[common_pb2.ScenePlan, soundtrack.Soundtrack]]:
    speaker = Speaker(PiperBackend())
    out = []
    for seed, prompt in enumerate(PROMPTS):
        scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, duration_seconds=19), "pro", seed, RATES)
        out.append((scene_plan, soundtrack.render(scene_plan, speaker, -16.0)))
    return out


def _onsets(audio: np.ndarray) -> np.ndarray:
    return librosa.onset.onset_detect(y=audio, sr=48_000, units="time", hop_length=256, backtrack=True)


def test_every_effect_and_line_onset_lands_within_one_frame(rendered) -> None:  # type: ignore[no-untyped-def]
    placements, worst = 0, 0.0
    for scene_plan, track in rendered:
        effects = _onsets(track.stems["effects"][0])
        for cue, placed in zip(scene_plan.sound_cues, track.timeline.effects, strict=True):
            error = float(np.min(np.abs(effects - cue.time_seconds)))
            worst = max(worst, error)
            assert error <= FRAME_SECONDS, (plan_pb2.SoundEvent.Name(cue.event), cue.time_seconds, error)
            assert placed.onset_seconds == pytest.approx(cue.time_seconds, abs=1 / 48_000)
            placements += 1
        speech = _onsets(track.stems["dialogue"][0])
        for line, spoken in zip(scene_plan.dialogue, track.timeline.lines, strict=True):
            error = float(np.min(np.abs(speech - line.start_seconds)))
            worst = max(worst, error)
            assert error <= FRAME_SECONDS, (line.text, line.start_seconds, error)
            assert spoken.start_seconds == pytest.approx(line.start_seconds, abs=1 / 48_000)
            placements += 1
    assert placements >= 30
    print(f"\n{placements} placements, worst onset error {worst * 1000:.1f} ms")


def test_phoneme_timelines_tile_each_line(rendered) -> None:  # type: ignore[no-untyped-def]
    for _, track in rendered:
        for line in track.timeline.lines:
            phonemes = line.phonemes
            assert phonemes[0].start_seconds == pytest.approx(line.start_seconds)
            assert phonemes[-1].end_seconds == pytest.approx(line.end_seconds)
            assert all(a.end_seconds == pytest.approx(b.start_seconds) for a, b in itertools.pairwise(phonemes))


def test_master_is_exactly_plan_length_at_target_loudness_under_the_peak_ceiling(rendered) -> None:  # type: ignore[no-untyped-def]
    for scene_plan, track in rendered:
        assert track.master.shape == (2, soundtrack.sample_count(scene_plan.format.frame_count, scene_plan.format.fps))
        assert abs(mix.integrated_lufs(track.master) + 16.0) <= 1.0
        assert mix.true_peak_dbtp(track.master) <= -1.0
        assert track.timeline.integrated_lufs == pytest.approx(mix.integrated_lufs(track.master), abs=0.01)


def test_music_beats_and_stems(rendered) -> None:  # type: ignore[no-untyped-def]
    for _scene_plan, track in rendered:
        assert track.timeline.tempo_bpm > 0 and len(track.timeline.beat_seconds) > 8
        beats = np.diff(track.timeline.beat_seconds)
        assert np.allclose(beats, 60 / track.timeline.tempo_bpm, atol=1e-5)
        assert set(track.stems) == {"dialogue", "effects", "ambience", "music"}


def test_every_effect_cuts_through_the_mix_at_its_kinds_level(rendered) -> None:  # type: ignore[no-untyped-def]
    """Measured on the master as on a finished file: loudest 20 ms after the onset vs the half second before.

    An effect may fall short of its kind's level only where the limiter holds its peak at the ceiling."""
    levels = effect_levels()
    rises = []
    for scene_plan, track in rendered:
        mono = track.master.mean(axis=0)
        for cue in scene_plan.sound_cues:
            rise = loudness.rise_db(mono, 48_000, cue.time_seconds)
            target = levels.target_db(cue, "")
            assert rise >= 12.0, (cue.text, rise)
            # short of its level only where the master's true-peak ceiling holds it down
            a = round(cue.time_seconds * 48_000)
            peak = mix.true_peak_dbtp(track.master[:, a : a + int(loudness.RISE_AFTER_SECONDS * 48_000)])
            reached = rise >= target - soundtrack.LEVEL_TOLERANCE_DB - 0.05
            assert reached or peak >= mix.CEILING_DBTP - 0.3, (cue.text, cue.sound_action, rise, target, peak)
            rises.append(rise)
    print(f"\neffect rises over the mix: min {min(rises):.1f} dB, median {np.median(rises):.1f} dB")


def test_distance_words_set_an_effect_back() -> None:
    levels = effect_levels()
    cue = plan_pb2.SoundCue(sound_action="impact", text="a door slams")
    far = plan_pb2.SoundCue(sound_action="impact", text="a door slams somewhere distant")
    assert levels.target_db(far, "") < levels.target_db(cue, "")
    # the plan's offscreen mark sets it back once, not again on top of a distance word
    unseen = plan_pb2.SoundCue(sound_action="impact", text="a door slams", offscreen=True)
    assert levels.target_db(unseen, "") == levels.target_db(cue, "") - 6
    far.offscreen = True
    assert levels.target_db(far, "") == levels.target_db(plan_pb2.SoundCue(sound_action="impact", text=far.text), "")
