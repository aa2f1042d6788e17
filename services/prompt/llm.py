"""The openai-compatible planner backend: a chat-completions endpoint drafts the parts of a plan a
language model reads better than rules; the rule planner stays in charge.

The endpoint (vLLM, SGLang or any server speaking the OpenAI chat-completions protocol, with the model
the operator chooses) receives the prompt and a JSON schema (data/plan_draft.schema.json) as
`response_format` with `strict` structured output. Its answer is validated against that schema and
against the plan the rules made (limits, safety, timing and frames are never the model's to decide);
then it only fills gaps: an empty subject, a cue field the rules left blank, a timed sound the rules
did not find. Any failure — unreachable, slow, a 500, malformed or invalid JSON — leaves the rule plan
as it is, with a note saying why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import requests

from cinemesh.prompt.planner import approximate
from cinemesh.prompt.sounds import vocabulary
from cinemesh.prompt.visibility import mark_offscreen
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p

SCHEMA_PATH = Path(__file__).with_name("data") / "plan_draft.schema.json"
INSTRUCTIONS = (
    "You plan short videos from a prompt. Answer with JSON that follows the schema: the subject of the "
    "first shot and every sound the prompt describes, with its time in seconds from the start when the "
    "prompt gives one (numbers written in words included), what makes it, its material, how it is made, "
    "and its AudioSet class. Words inside quoted dialogue are speech, not sounds. Invent nothing."
)
#: One frame at the slowest rate: a drafted cue this close to a rule cue is the same sound.
SAME_CUE_SECONDS = 1 / 24


class DraftRejected(ValueError):
    """The endpoint answered, but not with a usable draft."""


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


@dataclass(frozen=True)
class OpenAICompatiblePlanner:
    """Client of one chat-completions endpoint."""

    base_url: str
    model: str
    api_key: str = ""
    timeout_seconds: float = 20.0

    def request_body(self, prompt: str, duration_seconds: float) -> dict[str, Any]:
        return {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS},
                {"role": "user", "content": json.dumps({"prompt": prompt, "duration_seconds": duration_seconds})},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "scene_plan_draft", "strict": True, "schema": schema()},
            },
        }

    def draft(self, prompt: str, duration_seconds: float) -> dict[str, Any]:
        """The endpoint's draft, valid against the schema; raises requests.RequestException or DraftRejected."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        response = requests.post(
            f"{self.base_url}/chat/completions",
            json=self.request_body(prompt, duration_seconds),
            headers=headers,
            timeout=self.timeout_seconds,
        )
        response.raise_for_status()
        try:
            content = response.json()["choices"][0]["message"]["content"]
            answer: dict[str, Any] = json.loads(content)
            jsonschema.validate(answer, schema())
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise DraftRejected(f"malformed answer: {str(exc).splitlines()[0][:160]}") from exc
        except jsonschema.ValidationError as exc:
            raise DraftRejected(f"answer does not follow the schema: {exc.message[:160]}") from exc
        return answer


def refine(scene_plan: common_pb2.ScenePlan, planner: OpenAICompatiblePlanner) -> None:
    """Fills the rule plan's gaps from the endpoint's draft, or notes why the draft was not used."""
    try:
        draft = planner.draft(scene_plan.prompt, scene_plan.duration_seconds)
    except requests.RequestException as exc:
        reason = type(exc).__name__ if not isinstance(exc, requests.HTTPError) else f"HTTP {exc.response.status_code}"
        scene_plan.notes.append(
            f"the openai-compatible planner was not used ({reason}); the rule planner's plan stands"
        )
        return
    except DraftRejected as exc:
        scene_plan.notes.append(f"the openai-compatible planner was not used ({exc}); the rule planner's plan stands")
        return
    if scene_plan.shots and not scene_plan.shots[0].subject.text and draft["subject"].strip():
        scene_plan.shots[0].subject.text = draft["subject"].strip()
    added = 0
    for cue in draft["sound_cues"]:
        added += _merge_cue(scene_plan, cue)
    if added:
        ordered = sorted(scene_plan.sound_cues, key=lambda c: (c.time_seconds, c.scene_index))
        del scene_plan.sound_cues[:]
        scene_plan.sound_cues.extend(ordered)
        mark_offscreen(scene_plan)
        scene_plan.notes.append(f"the openai-compatible planner added {added} sound cue(s) the rules did not find")


def _merge_cue(scene_plan: common_pb2.ScenePlan, drafted: dict[str, Any]) -> int:
    """Fills a matching rule cue's blank fields, or adds a timed cue the rules missed; 1 if added."""
    time = drafted["time_seconds"]
    label = drafted["audioset_label"] if drafted["audioset_label"] in vocabulary().audioset else ""
    fields = {
        "source_object": drafted["source_object"],
        "material": drafted["material"],
        "sound_action": drafted["sound_action"],
        "audioset_label": label,
        "audioset_mid": vocabulary().audioset.get(label, ""),
    }
    match = next(
        (
            c
            for c in scene_plan.sound_cues
            if (time is not None and abs(c.time_seconds - time) <= SAME_CUE_SECONDS)
            or (drafted["text"] and drafted["text"].lower() in c.text.lower())
        ),
        None,
    )
    if match is not None:
        for name, value in fields.items():
            if value and not getattr(match, name):
                setattr(match, name, value)
        return 0
    if time is None or not 0 <= time <= scene_plan.duration_seconds or not drafted["text"].strip():
        return 0  # untimed or out of the clip: the rules' plan already decides what is placed
    fps = scene_plan.format.fps
    frame = min(round(time * fps), scene_plan.format.frame_count - 1)
    scene = next((s for s in scene_plan.scenes if s.start_frame <= frame < s.end_frame), scene_plan.scenes[-1])
    cue = scene_plan.sound_cues.add()
    cue.CopyFrom(
        p.SoundCue(
            text=drafted["text"].strip(),
            time_seconds=round(time, 3),
            frame=frame,
            timing=p.CUE_TIMING_EXPLICIT,
            scene_index=scene.index,
            every_seconds=drafted["every_seconds"],
            repeat_count=drafted["repeat_count"],
            source=p.Provenance(inferred=True),
            **fields,
        )
    )
    approximate(cue)
    return 1
