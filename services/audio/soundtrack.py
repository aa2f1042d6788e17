"""Renders everything a plan says should be heard, on the plan's exact timeline.

Dialogue lines start at their planned times (a line too long for its slot is
re-spoken faster, up to 1.3×), each effect's onset lands on its cue time, beds
cover their scenes, music is ducked under speech, and each scene's room is
applied to what is heard in it. Returns the master, the stems and the timeline
lip-sync needs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cinemesh.audio import acoustics, beds, mix, music
from cinemesh.audio.backends import FoleyBackend, ProceduralFoley
from cinemesh.audio.levels import effect_levels
from cinemesh.audio.speech import SAMPLE_RATE, Speaker
from cinemesh.audio.voices import voices_for
from cinemesh.runtime import loudness, projections
from cinemesh.v1 import common_pb2

log = logging.getLogger(__name__)

LINE_GAP_SECONDS = 0.08
MAX_SPEEDUP = 1.3
# Stem gains into the master (before loudness normalisation); each effect then gets its own level.
DIALOGUE_GAIN, EFFECTS_GAIN, AMBIENCE_GAIN, MUSIC_GAIN = 1.0, 0.6, 0.18, 0.3
# How far music dips under speech, and music and ambience under an effect.
DIALOGUE_DUCK_DB, EFFECT_DUCK_DB = 10.0, 8.0
# Master passes to bring every effect to its level through the limiter, and the shortfall that is let stand.
LEVEL_PASSES, LEVEL_TOLERANCE_DB = 3, 0.5
CROSSFADE_SECONDS = 0.25


@dataclass
class Soundtrack:
    master: np.ndarray  # (2, samples)
    stems: dict[str, np.ndarray]  # name → (2, samples)
    timeline: common_pb2.AudioTimeline


@dataclass
class SpokenDialogue:
    """The dialogue source: every line spoken in its room at its time, and where its phonemes fall."""

    audio: np.ndarray  # (samples,) mono
    lines: list[common_pb2.SpokenLine]


@dataclass
class EffectClip:
    """One cue's sound in its room, at the effects' gain; its level over the mix is set when mixing."""

    cue_index: int
    start: int  # onset sample
    clip: np.ndarray  # mono
    sound_samples: int  # length of the sound before its room (the timeline's duration)


@dataclass
class Sources:
    """What the four stems are mixed from. Each is rendered from its own part of the plan
    (`cinemesh.runtime.projections.audio_projections`), so each can be kept while another changes."""

    dialogue: SpokenDialogue
    effects: list[EffectClip]  # in onset order
    ambience: np.ndarray  # (2, samples)
    music: music.MusicBed


def sample_count(frame_count: int, fps: int) -> int:
    """Audio sample frames that last exactly `frame_count` video frames."""
    return frame_count * SAMPLE_RATE // fps


def _place(stem: np.ndarray, clip: np.ndarray, start: int) -> None:
    if start >= len(stem) or len(clip) == 0:
        return
    end = min(len(stem), start + len(clip))
    stem[start:end] += clip[: end - start]


def _scene_of(plan: common_pb2.ScenePlan, index: int) -> common_pb2.Scene:
    return plan.scenes[index] if index < len(plan.scenes) else plan.scenes[-1]


def render(
    plan: common_pb2.ScenePlan,
    speaker: Speaker,
    target_lufs: float,
    effects_backend: FoleyBackend | None = None,
    cast: Sequence[common_pb2.CastMember] = (),
) -> Soundtrack:
    sources = Sources(
        dialogue=render_dialogue(plan, speaker, cast),
        effects=render_effects(plan, effects_backend or ProceduralFoley()),
        ambience=render_ambience(plan),
        music=render_music(plan),
    )
    return mix_sources(plan, sources, target_lufs)


def render_dialogue(
    plan: common_pb2.ScenePlan, speaker: Speaker, cast: Sequence[common_pb2.CastMember] = ()
) -> SpokenDialogue:
    fmt = plan.format
    n = sample_count(fmt.frame_count, fmt.fps)
    seconds = n / SAMPLE_RATE
    seed = plan.seed
    dialogue = np.zeros(n, np.float32)
    lines: list[common_pb2.SpokenLine] = []
    voices = voices_for(plan.characters, cast)
    for index, line in enumerate(plan.dialogue):
        voice = voices.get(line.character_id, voices["narrator"])
        following = [d.start_seconds for d in plan.dialogue[index + 1 :] if d.start_seconds > line.start_seconds]
        slot = (min(following) if following else seconds) - line.start_seconds - LINE_GAP_SECONDS
        spoken = speaker.speak(line.text, voice, line.delivery, seed + index)
        if spoken.seconds > slot > 0:
            speed = min(MAX_SPEEDUP, spoken.seconds / slot * 1.02)
            spoken = speaker.speak(line.text, voice, line.delivery, seed + index, speed=speed)
            if spoken.seconds > slot:
                log.warning(
                    "line %d (%.2f s) overruns its %.2f s slot even at %.2fx", index, spoken.seconds, slot, speed
                )
        room = _scene_of(plan, line.scene_index).acoustics
        wet = acoustics.apply(spoken.audio, room, seed + index)
        start = round(line.start_seconds * SAMPLE_RATE)
        _place(dialogue, wet, start)
        begin = start / SAMPLE_RATE
        placed = common_pb2.SpokenLine(
            line_index=index,
            character_id=line.character_id,
            start_seconds=begin,
            end_seconds=min(seconds, begin + spoken.seconds),
        )
        for ph in spoken.phonemes:
            if begin + ph.start >= seconds:
                break
            placed.phonemes.add(
                phoneme=ph.symbol, start_seconds=begin + ph.start, end_seconds=min(seconds, begin + ph.end)
            )
        lines.append(placed)
    return SpokenDialogue(dialogue, lines)


def render_ambience(plan: common_pb2.ScenePlan) -> np.ndarray:
    fmt = plan.format
    n = sample_count(fmt.frame_count, fmt.fps)
    ambience = np.zeros((2, n), np.float32)
    for bed in plan.ambience:
        scene = _scene_of(plan, bed.scene_index)
        a = round(scene.start_frame / fmt.fps * SAMPLE_RATE)
        b = min(n, round(scene.end_frame / fmt.fps * SAMPLE_RATE))
        fade = min(int(CROSSFADE_SECONDS * SAMPLE_RATE), (b - a) // 2)
        for channel in range(2):
            layer = beds.render(bed.kind, b - a, plan.seed * 7 + channel)
            envelope = np.ones(b - a, np.float32)
            if fade:
                envelope[:fade] = np.linspace(0, 1, fade) if a > 0 else 1.0
                envelope[-fade:] = np.linspace(1, 0, fade) if b < n else 1.0
            ambience[channel, a:b] += layer * envelope
    return ambience


def render_music(plan: common_pb2.ScenePlan) -> music.MusicBed:
    fmt = plan.format
    cuts = [frame / fmt.fps for frame in plan.cut_frames]
    return music.render(plan.music, sample_count(fmt.frame_count, fmt.fps), plan.seed, cuts)


def render_effects(plan: common_pb2.ScenePlan, backend: FoleyBackend) -> list[EffectClip]:
    """Each cue's sound in its scene's room, onset on its cue sample, in onset order."""
    seed = plan.seed
    clips = []
    for index in sorted(range(len(plan.sound_cues)), key=lambda i: plan.sound_cues[i].time_seconds):
        cue = plan.sound_cues[index]
        sound = backend.render(cue, seed * 1000 + index, projections.cue_words(plan, cue))
        room = _scene_of(plan, cue.scene_index).acoustics
        wet = acoustics.apply(sound, room, seed + 500 + index) * EFFECTS_GAIN
        clips.append(EffectClip(index, round(cue.time_seconds * SAMPLE_RATE), wet, len(sound)))
    return clips


def mix_sources(plan: common_pb2.ScenePlan, sources: Sources, target_lufs: float) -> Soundtrack:
    """The stems and the master from the sources: music ducked under speech, each effect at its level over what
    plays before it, music and ambience ducked under the effects, loudness-normalised."""
    fmt = plan.format
    n = sample_count(fmt.frame_count, fmt.fps)
    timeline = common_pb2.AudioTimeline()
    timeline.lines.extend(sources.dialogue.lines)
    dialogue, ambience, bed_music = sources.dialogue.audio, sources.ambience, sources.music
    music_under_speech = mix.duck(bed_music.audio, dialogue, DIALOGUE_DUCK_DB)
    timeline.beat_seconds.extend(bed_music.beats)
    timeline.tempo_bpm = bed_music.tempo_bpm

    bed = dialogue * DIALOGUE_GAIN + (ambience * AMBIENCE_GAIN + music_under_speech * MUSIC_GAIN).mean(axis=0)
    placed = _effects(plan, sources.effects, bed, n, timeline)
    # The master's limiter can shave an effect's peak below its level: raise what fell short and master again.
    for _ in range(LEVEL_PASSES):
        effects = np.zeros(n, np.float32)
        for effect in placed:
            _place(effects, effect.clip, effect.start)
        stems = {
            "dialogue": np.stack([dialogue, dialogue]) * DIALOGUE_GAIN,
            "effects": np.stack([effects, effects]),
            "ambience": mix.duck(ambience, effects, EFFECT_DUCK_DB) * AMBIENCE_GAIN,
            "music": mix.duck(music_under_speech, effects, EFFECT_DUCK_DB) * MUSIC_GAIN,
        }
        mixed = sum(stems.values())
        master, lufs, peak = mix.master(mixed, target_lufs)
        mono = master.mean(axis=0)
        short = [
            (effect, deficit)
            for effect in placed
            if (deficit := effect.target_db - loudness.rise_db(mono, SAMPLE_RATE, effect.start / SAMPLE_RATE))
            > LEVEL_TOLERANCE_DB
        ]
        if not short:
            break
        for effect, deficit in short:
            if _peak_after(master, effect.start) < mix.CEILING_DBTP - LEVEL_TOLERANCE_DB:
                effect.clip = effect.clip * np.float32(10 ** (min(deficit, 6.0) / 20))
            else:
                # at the ceiling more gain would only flatten the mix under it: make it denser instead, as
                # foley is compressed to cut through (its peak stays, what follows the peak comes up)
                effect.clip = _saturated(effect.clip, 10 ** (min(deficit, 6.0) / 20))
    timeline.integrated_lufs = lufs if np.isfinite(lufs) else -70.0
    timeline.true_peak_dbtp = peak if np.isfinite(peak) else -70.0
    # The stems are delivered at the master's gain so they sum to (about) the master.
    scale = float(np.abs(master).max() / max(np.abs(mixed).max(), 1e-9)) if np.any(mixed) else 1.0
    return Soundtrack(master, {k: (v * scale).astype(np.float32) for k, v in stems.items()}, timeline)


def _saturated(clip: np.ndarray, drive: float) -> np.ndarray:
    """The clip through a tanh soft clipper driven `drive` times into it, at its own peak."""
    peak = float(np.abs(clip).max())
    if peak == 0 or drive <= 1:
        return clip
    return (np.tanh(drive * clip / peak) / np.tanh(drive) * peak).astype(np.float32)


def _peak_after(master: np.ndarray, start: int) -> float:
    """True peak (dBTP) of the master in the effect's first RISE_AFTER_SECONDS."""
    return loudness.true_peak_dbtp(master[:, start : start + int(loudness.RISE_AFTER_SECONDS * SAMPLE_RATE)])


@dataclass
class _PlacedEffect:
    start: int  # onset sample
    clip: np.ndarray  # mono, at its level
    target_db: float  # its rise over the mix before it


def _effects(
    plan: common_pb2.ScenePlan,
    clips: list[EffectClip],
    bed: np.ndarray,
    n: int,
    timeline: common_pb2.AudioTimeline,
) -> list[_PlacedEffect]:
    """Each effect at its kind's level over what plays before it (`bed` plus the effects before it)."""
    effects = np.zeros(n, np.float32)
    placed: list[_PlacedEffect] = []
    levels = effect_levels()
    for effect in clips:
        cue = plan.sound_cues[effect.cue_index]
        target = levels.target_db(cue, projections.cue_words(plan, cue))
        leveled = (effect.clip * levels.gain(effect.clip, bed + effects, effect.start, target)).astype(np.float32)
        _place(effects, leveled, effect.start)
        placed.append(_PlacedEffect(effect.start, leveled, target))
        timeline.effects.add(
            cue_index=effect.cue_index,
            onset_seconds=effect.start / SAMPLE_RATE,
            duration_seconds=min(effect.sound_samples, n - effect.start) / SAMPLE_RATE,
        )
    # the timeline lists effects in cue order, as the plan does
    ordered = sorted(timeline.effects, key=lambda e: e.cue_index)
    del timeline.effects[:]
    timeline.effects.extend(ordered)
    return placed
