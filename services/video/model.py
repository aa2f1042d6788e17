"""The video stage's model: renders a plan's frames and encodes them (H.264, yuv420p).

The embedded torch renderer is the default; a diffusers pipeline or a Triton
model can be configured instead (see backends.py). The embedded renderer also
returns per-character face tracks and the visible events it drew. A job with an
`input_reference` image (Videos API) is graded toward its palette (reference.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np

from cinemesh.runtime import cancellation, projections
from cinemesh.runtime.artifacts import (
    INPUT_REFERENCE,
    VIDEO_RENDER,
    VIDEO_STAMP,
    VIDEO_TRACKS,
    ArtifactStore,
    job_key,
)
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.ids import checked_uuid
from cinemesh.v1 import common_pb2, video_pb2
from cinemesh.video import render
from cinemesh.video.backends import frame_source
from cinemesh.video.reference import Grade, PaletteReference


def validate_plan(request: video_pb2.RenderVideoRequest) -> None:
    fmt = request.plan.format
    checked_uuid("job_id", request.job_id)
    if fmt.width < 16 or fmt.height < 16 or fmt.width % 2 or fmt.height % 2:
        raise InvalidArgument("plan.format", f"{fmt.width}x{fmt.height} is not an even size of at least 16x16")
    if fmt.fps == 0 or fmt.frame_count == 0:
        raise InvalidArgument("plan.format", "fps and frame_count must be positive")
    for name, parts in (("plan.scenes", request.plan.scenes), ("plan.shots", request.plan.shots)):
        if name == "plan.shots" and not parts:
            continue  # generative backends render scenes; the embedded renderer checks for shots itself
        covered = 0
        for k, part in enumerate(parts):
            if part.start_frame != covered or part.end_frame <= part.start_frame:
                raise InvalidArgument(f"{name}[{k}]", "must cover the frames in order without gaps")
            covered = part.end_frame
        if covered != fmt.frame_count:
            raise InvalidArgument(name, f"cover {covered} frames, the format has {fmt.frame_count}")


class VideoModel:
    """Proto in, proto out; hosted by Ray Serve or called in-process."""

    request_type = video_pb2.RenderVideoRequest

    def __init__(self, settings: Settings) -> None:
        self._artifacts = ArtifactStore(settings.artifacts_url)
        self._preset = settings.x264_preset
        self._source = frame_source(settings)
        self._backend = settings.video_backend

    def __call__(self, request: video_pb2.RenderVideoRequest) -> video_pb2.RenderVideoResponse:
        validate_plan(request)
        fmt = request.plan.format
        key, tracks_key = job_key(request.job_id, VIDEO_RENDER), job_key(request.job_id, VIDEO_TRACKS)
        stamp_key, stamp = job_key(request.job_id, VIDEO_STAMP), self._stamp(request)
        # A redelivered job whose render already landed is not rendered twice, nor a remix whose pictures were
        # copied from its source (cinemesh.gateway.reuse) when they were rendered from what this plan projects to.
        if self._artifacts.exists(key) and self._artifacts.exists(tracks_key) and self._stamped(stamp_key, stamp):
            with self._artifacts.local_copy(self._artifacts.url_for(tracks_key)) as path:
                response = video_pb2.RenderVideoResponse.FromString(path.read_bytes())
            response.video.CopyFrom(self._artifacts.ref_for(key, "video/mp4"))
            return response
        response = video_pb2.RenderVideoResponse(frame_count=fmt.frame_count)
        reference = self._reference(request.job_id)
        with self._artifacts.writer(key, "video/mp4") as (path, result):
            count = self._encode(request.plan, request.cast, path, response, reference)
        if count != fmt.frame_count:
            raise RuntimeError(f"rendered {count} frames, the plan has {fmt.frame_count}")
        with self._artifacts.writer(stamp_key, "text/plain") as (path, _):
            path.write_text(stamp)
        with self._artifacts.writer(tracks_key, "application/protobuf") as (path, _):
            path.write_bytes(response.SerializeToString())
        response.video.CopyFrom(result[0])
        return response

    def _stamp(self, request: video_pb2.RenderVideoRequest) -> str:
        """The embedded renderer's projection of the plan and cast, and the reference image it grades toward; a
        generative backend reads the whole prompt, so its pictures stand only for the very plan they were made
        from."""
        if self._source is None:
            made_from = f"embedded:{projections.digest(projections.video_projection(request.plan, request.cast))}"
        else:
            whole = request.plan.SerializeToString(deterministic=True) + b"".join(
                member.SerializeToString(deterministic=True) for member in request.cast
            )
            made_from = f"{self._backend}:{hashlib.sha256(whole).hexdigest()}"
        key = job_key(request.job_id, INPUT_REFERENCE)
        if not self._artifacts.exists(key):
            return made_from
        with self._artifacts.local_copy(self._artifacts.url_for(key)) as path:
            return f"{made_from}:reference:{hashlib.sha256(path.read_bytes()).hexdigest()}"

    def _stamped(self, stamp_key: str, stamp: str) -> bool:
        """Whether the landed render was made from `stamp` (a render from before stamps is taken as it is)."""
        if not self._artifacts.exists(stamp_key):
            return True
        with self._artifacts.local_copy(self._artifacts.url_for(stamp_key)) as path:
            return path.read_text() == stamp

    def _reference(self, job_id: str) -> PaletteReference | None:
        key = job_key(job_id, INPUT_REFERENCE)
        if not self._artifacts.exists(key):
            return None
        with self._artifacts.local_copy(self._artifacts.url_for(key)) as path:
            return PaletteReference.from_bytes(path.read_bytes())

    def _encode(
        self,
        plan: common_pb2.ScenePlan,
        cast: Sequence[common_pb2.CastMember],
        path: Path,
        response: video_pb2.RenderVideoResponse,
        reference: PaletteReference | None = None,
    ) -> int:
        fmt = plan.format
        count = 0
        grade: Grade | None = None
        with av.open(str(path), "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fmt.fps)
            stream.width, stream.height, stream.pix_fmt = fmt.width, fmt.height, "yuv420p"
            stream.options = {"crf": "16", "preset": self._preset}

            def write(rgb: np.ndarray) -> None:
                nonlocal count, grade
                if reference is not None:
                    grade = grade or reference.grade_for(rgb)
                    rgb = grade(rgb)
                container.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")))
                count += 1

            if self._source is None:
                if not plan.shots:
                    raise InvalidArgument("plan.shots", "the embedded renderer needs the planner's shots")
                tracks: dict[str, common_pb2.FaceTrack] = {}
                for _, batch, faces in render.frames(plan, cast):
                    cancellation.raise_if_cancelled()
                    for rgb in batch.numpy():
                        write(rgb)
                    for cid, face_frames in faces.items():
                        tracks.setdefault(cid, common_pb2.FaceTrack(character_id=cid)).frames.extend(face_frames)
                response.face_tracks.extend(tracks.values())
                response.events.extend(
                    common_pb2.VisibleEvent(cue_index=k, frame=cue.frame, kind=kind)
                    for k, cue in enumerate(plan.sound_cues)
                    if (kind := render.visible_kind(cue))
                )
            else:
                for rgb in self._source.frames(plan):
                    cancellation.raise_if_cancelled()
                    write(rgb)
            container.mux(stream.encode(None))
        return count
