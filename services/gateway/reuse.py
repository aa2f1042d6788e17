"""What a remix keeps of its source: the audio render, when the change does not touch what is heard.

The audio stage renders from a part of the plan only: the frame format and seed, the scenes' frames and rooms, the
characters who speak, the lines, the sound cues (with the words that asked for them), the ambience, the music and
the cut frames it fits the beat to. `audio_projection` is that part, with the prompt positions (spans) left out, so
a remix whose new prompt changes only what is seen projects to the same thing. Then the source's master, stems and
timeline are copied to the remix's folder before its job is submitted: the audio stage finds them there and does
not render again (as on a redelivery), and lipsync redraws the mouths on the new pictures against the same voice.

Both plans come from the prompt service's ParsePrompt, the planner the prompt stage itself runs. Only the rules
planner is deterministic; with another planner backend no stem is reused (the stage could plan differently).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import grpc
from google.protobuf import json_format

from cinemesh.runtime.artifacts import AUDIO_RENDER, STEM_RENDER, ArtifactStore, job_key
from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.jobstore import JobRecord
from cinemesh.runtime.specs import TIER_ENUMS
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import common_pb2, prompt_pb2, prompt_pb2_grpc

log = logging.getLogger(__name__)

AUDIO_TIMELINE = "audio.timeline.pb"
#: The stems the audio stage writes beside its master (see cinemesh.audio.model.STEMS via the timeline's refs).
_PARSE_TIMEOUT_SECONDS = 20.0


def _without_spans(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_spans(v) for k, v in value.items() if k not in ("source", "spans")}
    if isinstance(value, list):
        return [_without_spans(v) for v in value]
    return value


def audio_projection(plan: common_pb2.ScenePlan) -> str:
    """The part of a plan the audio stage renders from, as canonical JSON (prompt positions left out)."""

    def as_dict(message: Any) -> Any:
        return json_format.MessageToDict(message, preserving_proto_field_name=True)

    cues = []
    for cue in plan.sound_cues:
        scene = plan.scenes[min(cue.scene_index, len(plan.scenes) - 1)] if plan.scenes else None
        spans = cue.source.spans
        words = scene.prompt[spans[0].start : spans[0].end] if scene is not None and spans else ""
        cues.append({"cue": as_dict(cue), "words": words})
    projection = {
        "fps": plan.format.fps,
        "frame_count": plan.format.frame_count,
        "seed": plan.seed,
        "scenes": [
            {
                "start": s.start_frame,
                "end": s.end_frame,
                "acoustics": as_dict(s.acoustics),
                "cast": list(s.character_ids),
            }
            for s in plan.scenes
        ],
        "characters": [{"id": c.id, "handle": c.handle, "gender": c.gender} for c in plan.characters],
        "mentions": list(plan.mentions),
        "dialogue": [as_dict(line) for line in plan.dialogue],
        "cues": cues,
        "ambience": [as_dict(bed) for bed in plan.ambience],
        "music": as_dict(plan.music),
        "cut_frames": list(plan.cut_frames),
    }
    return json.dumps(_without_spans(projection), sort_keys=True)


class StemReuse:
    """Decides whether a remix keeps its source's audio, and copies it."""

    def __init__(
        self,
        prompt_address: str,
        planner_backend: str,
        artifacts: ArtifactStore,
        tls: TlsFiles | None = None,
        service_token: str = "",
    ) -> None:
        # PromptService is internal: the gateway calls it with its certificate or the service token.
        self._tls = tls
        self._service_token = service_token
        self._address = prompt_address
        self._deterministic = planner_backend == "rules"
        self._artifacts = artifacts
        self._stub: prompt_pb2_grpc.PromptServiceStub | None = None

    def _plan(self, spec: common_pb2.GenerationSpec, tier: str) -> common_pb2.ScenePlan:
        if self._stub is None:
            channel = open_channel(self._address, self._tls, self._service_token)
            self._stub = prompt_pb2_grpc.PromptServiceStub(channel)
        request = prompt_pb2.ParsePromptRequest(spec=spec, tier=TIER_ENUMS[tier])
        return self._stub.ParsePrompt(request, timeout=_PARSE_TIMEOUT_SECONDS).plan

    def audio_unchanged(self, source: JobRecord, remix: common_pb2.GenerationSpec) -> bool:
        """Whether the remix's plan sounds exactly like its source's (False when that cannot be told)."""
        if not self._address or not self._deterministic:
            return False
        original = common_pb2.GenerationSpec.FromString(source.spec)
        original.seed = source.seed
        try:
            return audio_projection(self._plan(original, source.tier)) == audio_projection(
                self._plan(remix, source.tier)
            )
        except grpc.RpcError as exc:
            # Not knowing is not an error: the remix renders its sound again.
            log.warning("remix of %s renders its audio again: the prompt service did not answer (%s)", source, exc)
            return False

    def copy_audio(self, source_job_id: str, target_job_id: str) -> bool:
        """Copies the source's audio render into the target's folder, the timeline's stem refs moved with it.

        The master is written last, as the audio stage does: its presence means the whole render is there.
        False (nothing copied) when the source's render is not complete.
        """
        master, timeline_key = job_key(source_job_id, AUDIO_RENDER), job_key(source_job_id, AUDIO_TIMELINE)
        if not (self._artifacts.exists(master) and self._artifacts.exists(timeline_key)):
            return False
        with self._artifacts.local_copy(self._artifacts.url_for(timeline_key)) as path:
            timeline = common_pb2.AudioTimeline.FromString(path.read_bytes())
        stems = [field.name for field in timeline.DESCRIPTOR.fields if field.name.endswith("_stem")]
        for name in stems:
            ref = getattr(timeline, name)
            if not ref.uri:
                continue
            stem = STEM_RENDER.format(name.removesuffix("_stem"))
            ref.CopyFrom(self._copy(job_key(source_job_id, stem), job_key(target_job_id, stem), ref.media_type))
        with self._artifacts.writer(job_key(target_job_id, AUDIO_TIMELINE), "application/protobuf") as (path, _):
            path.write_bytes(timeline.SerializeToString())
        self._copy(master, job_key(target_job_id, AUDIO_RENDER), "audio/wav")
        return True

    def _copy(self, source_key: str, target_key: str, media_type: str) -> common_pb2.ArtifactRef:
        with (
            self._artifacts.local_copy(self._artifacts.url_for(source_key)) as source,
            self._artifacts.writer(target_key, media_type) as (path, result),
        ):
            path.write_bytes(source.read_bytes())
        return result[0]
