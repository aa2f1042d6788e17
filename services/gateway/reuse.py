"""What a remix keeps of its source: every render whose part of the plan the new prompt does not change.

A remix renders its source again with a new prompt, under the same seed, size and cast. Each render is made from a
part of the plan only, its projection (`cinemesh.runtime.projections`): the video stage's pictures, and the audio
stage's four sources, the dialogue (each line spoken in its room), the effects (each cue's sound in its room), the
ambience beds and the music bed. Before the remix is submitted, the renders whose projection is unchanged are
copied from the source's folder to the remix's:

- the pictures (`video.mp4`, the stamp of what they were rendered from, and the face tracks and visible events, the
  tracks last): the video stage finds them there and, when the stamp is its own projection of the remix's plan and
  cast, does not render again, as on a redelivery; lipsync then redraws the mouths for the remix's voice. Only
  with the embedded renderer, the deterministic one: a diffusion model reads the whole prompt (and its frames are
  not reproducible), so the gateway copies nothing when it is configured, and the stage's stamp refuses the copy
  where the gateway was not told.
- each unchanged audio source (`audio.sources/<name>.npz`, stamped with its projection): the audio stage renders
  only the sources that are missing or stamped for another plan (or cameo voice), then mixes all four again, since
  ducking, each effect's level over what plays before it and the master's loudness depend on every source.
- when all four are unchanged, the whole audio render too (master, stems, timeline; the master last), which the
  audio stage does not even mix again.

So a change only seen (a kite's colour) keeps the audio; a changed line keeps the pictures, the effects, the
ambience and the music and renders the dialogue and the mix (and lipsync the mouths); a changed cue keeps the
dialogue, the ambience and the music (its pictures are rendered again: a cue can be drawn). The remix records what
it kept (`videos.reused`: "video", "audio" or source names, comma-separated) and
`cinemesh_remix_reused_total{artifact}` counts it.

Both plans come from the prompt service's ParsePrompt, the planner the prompt stage itself runs. Only the rules
planner is deterministic; with another planner backend nothing is reused (the stage could plan differently).
"""

from __future__ import annotations

import logging

import grpc

from cinemesh.runtime.artifacts import (
    AUDIO_RENDER,
    AUDIO_SOURCE,
    STEM_RENDER,
    VIDEO_RENDER,
    VIDEO_STAMP,
    VIDEO_TRACKS,
    ArtifactStore,
    job_key,
)
from cinemesh.runtime.config import TlsFiles
from cinemesh.runtime.jobstore import JobRecord
from cinemesh.runtime.projections import AUDIO_SOURCES, audio_projections, video_projection
from cinemesh.runtime.specs import TIER_ENUMS
from cinemesh.runtime.tls import open_channel
from cinemesh.v1 import common_pb2, prompt_pb2, prompt_pb2_grpc

log = logging.getLogger(__name__)

AUDIO_TIMELINE = "audio.timeline.pb"
_PARSE_TIMEOUT_SECONDS = 20.0
#: What `reused` names when every audio source is kept: the whole render is copied, not only its sources.
WHOLE_AUDIO = "audio"


class StemReuse:
    """Decides what a remix keeps of its source, and copies it."""

    def __init__(
        self,
        prompt_address: str,
        planner_backend: str,
        artifacts: ArtifactStore,
        tls: TlsFiles | None = None,
        service_token: str = "",
        video_backend: str = "embedded",
    ) -> None:
        # PromptService is internal: the gateway calls it with its certificate or the service token.
        self._tls = tls
        self._service_token = service_token
        self._address = prompt_address
        self._deterministic = planner_backend == "rules"
        self._pictures_reproducible = video_backend == "embedded"
        self._artifacts = artifacts
        self._stub: prompt_pb2_grpc.PromptServiceStub | None = None

    def _plan(self, spec: common_pb2.GenerationSpec, tier: str) -> common_pb2.ScenePlan:
        if self._stub is None:
            channel = open_channel(self._address, self._tls, self._service_token)
            self._stub = prompt_pb2_grpc.PromptServiceStub(channel)
        request = prompt_pb2.ParsePromptRequest(spec=spec, tier=TIER_ENUMS[tier])
        return self._stub.ParsePrompt(request, timeout=_PARSE_TIMEOUT_SECONDS).plan

    def unchanged(self, source: JobRecord, remix: common_pb2.GenerationSpec) -> list[str]:
        """What the remix's plan renders exactly as its source's: "video" and the names of the audio sources (none
        when that cannot be told)."""
        if not self._address or not self._deterministic:
            return []
        original = common_pb2.GenerationSpec.FromString(source.spec)
        original.seed = source.seed
        try:
            before, after = self._plan(original, source.tier), self._plan(remix, source.tier)
        except grpc.RpcError as exc:
            # Not knowing is not an error: the remix renders everything again.
            log.warning("remix of %s renders everything again: the prompt service did not answer (%s)", source, exc)
            return []
        kept = ["video"] if self._pictures_reproducible and video_projection(before) == video_projection(after) else []
        sounds_before, sounds_after = audio_projections(before), audio_projections(after)
        return kept + [name for name in AUDIO_SOURCES if sounds_before[name] == sounds_after[name]]

    def copy(self, source_job_id: str, target_job_id: str, unchanged: list[str]) -> list[str]:
        """Copies the unchanged renders the source has to the target's folder; what was copied: "video", then
        "audio" when the whole audio render was, else the audio sources that were."""
        copied = ["video"] if "video" in unchanged and self.copy_video(source_job_id, target_job_id) else []
        sources = [name for name in AUDIO_SOURCES if name in unchanged]
        copied_sources = [name for name in sources if self._copy_source(source_job_id, target_job_id, name)]
        if len(sources) == len(AUDIO_SOURCES) and self.copy_audio(source_job_id, target_job_id):
            return [*copied, WHOLE_AUDIO]
        return copied + copied_sources

    def copy_video(self, source_job_id: str, target_job_id: str) -> bool:
        """Copies the source's pictures, what they were rendered from (the stamp the video stage checks) and the
        face tracks and events last, as the video stage writes them: all there means the render landed. False
        (nothing copied) when the source's render is not complete or not stamped."""
        names = ((VIDEO_RENDER, "video/mp4"), (VIDEO_STAMP, "text/plain"), (VIDEO_TRACKS, "application/protobuf"))
        if not all(self._artifacts.exists(job_key(source_job_id, name)) for name, _ in names):
            return False
        for name, media_type in names:
            self._copy(job_key(source_job_id, name), job_key(target_job_id, name), media_type)
        return True

    def _copy_source(self, source_job_id: str, target_job_id: str, name: str) -> bool:
        key = job_key(source_job_id, AUDIO_SOURCE.format(name))
        if not self._artifacts.exists(key):
            return False  # rendered before sources were kept
        self._copy(key, job_key(target_job_id, AUDIO_SOURCE.format(name)), "application/x-npz")
        return True

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
