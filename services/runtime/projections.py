"""What each render reads of a plan: the video stage's pictures and the audio stage's four sources.

A projection is the part of a plan one render is made from, as canonical JSON. Two plans with the same
projection give that render bit for bit (same seed, same cast), so a remix copies it from its source instead of
rendering it again (`cinemesh.gateway.reuse`), and the audio stage checks a copied source against it before it
trusts it.

Both stages read the prompt through the helpers here, never raw: what a person says in quotes is heard, not seen,
so `scene_text` blanks the dialogue lines' spans out of a scene's prompt. The renderer's words (`seen_prompt`,
`place_phrase`) and an effect's words (`cue_words`) come from that text with its whitespace collapsed; a changed
line of another length moves the spans after it but changes none of these words, so the pictures and the effects
project to the same thing and are kept.

Prompt positions (provenance spans) are left out of every projection: no render reads a position, only the words
the helpers cut with it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from google.protobuf import json_format

from cinemesh.v1 import common_pb2, plan_pb2

#: The audio stage's sources, one per stem: what each stem is mixed from (see cinemesh.audio.soundtrack).
AUDIO_SOURCES = ("dialogue", "effects", "ambience", "music")
#: Top-level plan fields the video stage never reads: what is heard, billing, safety and the planner's notes.
#: A field added to the plan later is in the video projection until it is listed here (reuse stays safe).
_UNSEEN_PLAN_FIELDS = (
    "prompt",  # the renderer reads each scene's prompt, through seen_prompt
    "duration_seconds",  # format.frame_count / format.fps
    "tier",
    "credit_estimate",
    "mentions",  # the cast arrives resolved; characters carry the handles
    "dialogue",  # mouths are drawn by lipsync from the audio timeline; the figures' mouths stay closed
    "ambience",
    "music",
    "safety",
    "notes",
    "embed_prompt",
)


def _as_dict(message: Any) -> Any:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def _without_provenance(value: Any) -> Any:
    """Drops every Provenance (`source`, `*_source`) and span: the positions no render reads."""
    if isinstance(value, dict):
        return {
            k: _without_provenance(v)
            for k, v in value.items()
            if k not in ("source", "spans") and not k.endswith("_source")
        }
    if isinstance(value, list):
        return [_without_provenance(v) for v in value]
    return value


def _canonical(value: Any) -> str:
    return json.dumps(_without_provenance(value), sort_keys=True)


def _scene(plan: common_pb2.ScenePlan, scene_index: int) -> common_pb2.Scene | None:
    """The scene with this index, else the last one (as the audio stage places a cue past the last scene)."""
    found = [scene for scene in plan.scenes if scene.index == scene_index]
    return found[0] if found else (plan.scenes[-1] if plan.scenes else None)


def scene_text(plan: common_pb2.ScenePlan, scene_index: int) -> str:
    """The scene's prompt with every dialogue line of it blanked to spaces: same length, so spans still index it."""
    scene = _scene(plan, scene_index)
    if scene is None:
        return ""
    chars = list(scene.prompt)
    for line in plan.dialogue:
        if line.scene_index != scene.index:
            continue
        for span in line.source.spans:
            chars[span.start : span.end] = " " * (min(span.end, len(chars)) - min(span.start, len(chars)))
    return "".join(chars)


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[;\n]")


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def seen_prompt(plan: common_pb2.ScenePlan, scene_index: int) -> str:
    """The words of a scene's prompt that can be drawn: its prompt without what is said, whitespace collapsed."""
    return _collapsed(scene_text(plan, scene_index))


def place_phrase(plan: common_pb2.ScenePlan, shot: plan_pb2.Shot) -> str:
    """The shot's place with the two words written before it ("snowy birch forest", "farmhouse kitchen")."""
    env = shot.environment
    if not env.place_source.spans or _scene(plan, shot.scene_index) is None:
        return env.place
    span = env.place_source.spans[0]
    text = scene_text(plan, shot.scene_index)
    if env.place.lower() not in text[span.start : span.end].lower():
        return env.place  # a place the words imply ("a toaster": a kitchen), its span the words that imply it
    return _collapsed(" ".join([*text[: span.start].split()[-2:], text[span.start : span.end]]))


def cue_words(plan: common_pb2.ScenePlan, cue: plan_pb2.SoundCue) -> str:
    """The words of the prompt that asked for a cue ("a glass shatters on the tile floor"), without what is said
    in them (a planner's cue span can run over a quoted line before it)."""
    spans = cue.source.spans
    if not spans:
        return ""
    return _collapsed(scene_text(plan, cue.scene_index)[spans[0].start : spans[0].end])


def cue_sentence(plan: common_pb2.ScenePlan, cue: plan_pb2.SoundCue) -> tuple[str, int]:
    """The sentence of the prompt that asks for a cue ("the humpback breaches two seconds in and crashes back down
    with a huge splash"), without what is said in it, and where the cue's own words start in it; ("", 0) when the
    cue names no span."""
    spans = cue.source.spans
    if not spans:
        return "", 0
    text = scene_text(plan, cue.scene_index)
    start, end = spans[0].start, spans[0].end
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]  # not the point of "2.5s"
    begin = max((at + 1 for at in ends if at < start), default=0)
    sentence = text[begin : min((at for at in ends if at >= end), default=len(text))]
    lead = _collapsed(text[begin:start])
    return _collapsed(sentence), len(lead) + (1 if lead else 0)


def video_projection(plan: common_pb2.ScenePlan, cast: Sequence[common_pb2.CastMember] = ()) -> str:
    """Everything the embedded renderer draws from: the plan less what it never reads, each scene's prompt as it
    reads it, each shot's place phrase. The video stage passes the cast, whose cameos it draws as measured; the
    gateway, which compares two plans under one cast, does not."""
    seen = _as_dict(plan)
    seen["cameos"] = [
        {"handle": m.handle.lower(), "cameo_id": m.cameo_id, "look": _as_dict(m.appearance)} for m in cast
    ]
    for name in _UNSEEN_PLAN_FIELDS:
        seen.pop(name, None)
    for scene, as_read in zip(seen.get("scenes", []), plan.scenes, strict=True):
        scene.pop("acoustics", None)
        scene["prompt"] = seen_prompt(plan, as_read.index)
    for shot, as_read in zip(seen.get("shots", []), plan.shots, strict=True):
        shot["place_phrase"] = place_phrase(plan, as_read)
    return _canonical(seen)


def audio_projections(plan: common_pb2.ScenePlan, cast: Sequence[common_pb2.CastMember] = ()) -> dict[str, str]:
    """Per audio source, everything it is rendered from (the mix of the four reads nothing else of the plan but
    the cues' times and words, which are in the effects' projection). The audio stage passes the cast, whose
    voice profiles the dialogue is spoken in; the gateway, which compares two plans under one cast, does not."""
    timing = {"fps": plan.format.fps, "frame_count": plan.format.frame_count, "seed": plan.seed}
    rooms = [{"index": s.index, "acoustics": _as_dict(s.acoustics)} for s in plan.scenes]
    return {
        "dialogue": _canonical(
            {
                **timing,
                "rooms": rooms,
                # voices_for reads these three: a cameo's handle, else a slot by gender in character order
                "characters": [{"id": c.id, "handle": c.handle, "gender": c.gender} for c in plan.characters],
                "lines": [_as_dict(line) for line in plan.dialogue],
                "voices": [
                    {"handle": m.handle.lower(), "voice": _as_dict(m.voice)} for m in cast if m.HasField("voice")
                ],
            }
        ),
        "effects": _canonical(
            {
                **timing,
                "rooms": rooms,
                "cues": [{"cue": _as_dict(cue), "words": cue_words(plan, cue)} for cue in plan.sound_cues],
            }
        ),
        "ambience": _canonical(
            {
                **timing,
                "scenes": [{"start": s.start_frame, "end": s.end_frame} for s in plan.scenes],
                "beds": [_as_dict(bed) for bed in plan.ambience],
            }
        ),
        "music": _canonical({**timing, "music": _as_dict(plan.music), "cut_frames": list(plan.cut_frames)}),
    }


def same_world(shot: plan_pb2.Shot, other: plan_pb2.Shot) -> bool:
    """Whether two shots are drawn in one world: the same environment and style, wherever their words came from.
    An extension's first shot that the planner left in its source's environment is drawn in the source's world."""
    return _canonical(_as_dict(shot.environment)) == _canonical(_as_dict(other.environment)) and (
        shot.style.style == other.style.style
    )


def digest(projection: str) -> str:
    """A short fixed-size name for a projection, stored beside the render it describes."""
    return hashlib.sha256(projection.encode()).hexdigest()
