"""Speech: phoneme timelines agree with the rendered samples; characters sound distinct and stable."""

from __future__ import annotations

import itertools

import librosa
import numpy as np
import pytest

from cinemesh.audio.speech import PAUSE, SAMPLE_RATE, PiperBackend, Speaker
from cinemesh.audio.voices import voices_for
from cinemesh.v1 import common_pb2, plan_pb2


@pytest.fixture(scope="module")
def speaker() -> Speaker:
    return Speaker(PiperBackend())


def _rms_db(audio: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(audio**2)) + 1e-12))


@pytest.mark.parametrize("delivery", [plan_pb2.DELIVERY_NORMAL, plan_pb2.DELIVERY_WHISPER, plan_pb2.DELIVERY_SHOUT])
def test_timeline_tiles_the_line_and_pauses_are_silent(speaker: Speaker, delivery: int) -> None:
    voice = voices_for([plan_pb2.Character(id="c1", gender="female")])["c1"]
    line = speaker.speak("The storm is coming. Get inside, now!", voice, delivery, seed=1)
    phonemes = line.phonemes
    assert phonemes[0].start == 0.0
    assert phonemes[-1].end == pytest.approx(len(line.audio) / SAMPLE_RATE, abs=1e-9)
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(phonemes))
    pauses = [p for p in phonemes if p.symbol == PAUSE and p.end - p.start >= 0.03]
    assert pauses, "a sentence break must leave a pause"
    speech_level = _rms_db(line.audio)
    for pause in pauses:
        # trim 10 ms each side: the edges of a pause carry the neighbouring phonemes' decay
        segment = line.audio[int((pause.start + 0.01) * SAMPLE_RATE) : int((pause.end - 0.01) * SAMPLE_RATE)]
        if len(segment):
            assert _rms_db(segment) < speech_level - 15, (pause, _rms_db(segment), speech_level)


def test_line_onset_is_its_first_phoneme(speaker: Speaker) -> None:
    voice = voices_for([plan_pb2.Character(id="c1", gender="male")])["c1"]
    line = speaker.speak("Morning, captain.", voice, plan_pb2.DELIVERY_NORMAL, seed=2)
    first_loud = np.argmax(np.abs(line.audio) > 10 ** (-40 / 20) * np.abs(line.audio).max())
    assert first_loud / SAMPLE_RATE < 0.03


def _median_f0(audio: np.ndarray) -> float:
    f0, voiced, _ = librosa.pyin(audio, fmin=60, fmax=500, sr=SAMPLE_RATE, frame_length=2048)
    return float(np.nanmedian(f0[voiced]))


def test_two_characters_differ_and_each_stays_the_same(speaker: Speaker) -> None:
    voices = voices_for([plan_pb2.Character(id="c1", gender="female"), plan_pb2.Character(id="c2", gender="male")])
    # Two scenes' worth of lines each; Piper samples its prosody, so single short lines vary more.
    scene_a = "I will meet you at the harbour tonight. Bring the lantern and the map. Do not be late."
    scene_b = "The boats are leaving before dawn. We have no time to lose. Pack only what you can carry."
    f0 = {
        cid: [_median_f0(speaker.speak(t, voices[cid], plan_pb2.DELIVERY_NORMAL, 3).audio) for t in (scene_a, scene_b)]
        for cid in ("c1", "c2")
    }
    # Different characters: median F0 apart by more than 20 %.
    assert min(f0["c1"]) > 1.2 * max(f0["c2"]), f0
    # The same character in two scenes: within 12 %.
    for cid in ("c1", "c2"):
        assert abs(f0[cid][0] - f0[cid][1]) / f0[cid][0] < 0.12, f0


def test_voices_are_distinct_per_plan_and_stable() -> None:
    characters = [plan_pb2.Character(id=f"c{i}", gender=g) for i, g in enumerate(["female", "female", "male", ""])]
    voices = voices_for(characters)
    assert len({voices[c.id] for c in characters}) == len(characters)
    assert voices_for(characters) == voices


@pytest.mark.parametrize("target_hz", [120.0, 210.0])
def test_a_cameo_sounds_at_its_owners_pitch(speaker: Speaker, target_hz: float) -> None:
    character = plan_pb2.Character(id="@astro", handle="astro")
    cameo = common_pb2.CastMember(
        handle="astro",
        cameo_id="c-1",
        voice=common_pb2.VoiceProfile(
            median_f0_hz=target_hz, speaking_rate_syllables_per_second=4.0, spectral_tilt_db_per_octave=-6.0
        ),
    )
    voice = voices_for([character], [cameo])["@astro"]
    text = "I will meet you at the harbour tonight. Bring the lantern and the map. Do not be late."
    rendered = _median_f0(speaker.speak(text, voice, plan_pb2.DELIVERY_NORMAL, 5).audio)
    assert abs(rendered - target_hz) / target_hz < 0.10, (rendered, target_hz)
    # The same cameo keeps its voice whatever else the plan holds.
    others = [plan_pb2.Character(id="c1", gender="male"), character]
    assert voices_for(others, [cameo])["@astro"] == voice


def test_the_same_seed_speaks_the_same_samples_and_another_seed_other_prosody(speaker: Speaker) -> None:
    piper = speaker.backend
    text = "Shadow bottle planet nickel."
    first, timing = piper.synthesize(text, 1.0, 7)
    again, timing_again = piper.synthesize(text, 1.0, 7)
    assert np.array_equal(first, again) and timing == timing_again
    other, _ = piper.synthesize(text, 1.0, 8)
    assert len(other) != len(first) or not np.array_equal(other, first)


def test_a_slower_rate_keeps_the_noise_draw(speaker: Speaker) -> None:
    # The rate stretches the line; it must not reseed its prosody (a cameo's measured pace varies by enrollment).
    session = speaker.backend._session
    speaker.backend.synthesize("We will meet again tomorrow.", 1.0, 3)
    state_at_normal = session.rng.bit_generator.state
    speaker.backend.synthesize("We will meet again tomorrow.", 1.15, 3)
    assert session.rng.bit_generator.state == state_at_normal
