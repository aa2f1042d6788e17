"""The lipsync stage's model: assembles the deliverable MP4 from the two renders."""

from __future__ import annotations

from cinemesh.lipsync.assemble import assemble
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import lipsync_pb2


class LipSyncModel:
    """Proto in, proto out; hosted by Ray Serve or called in-process."""

    request_type = lipsync_pb2.AssembleOutputRequest

    def __init__(self, settings: Settings) -> None:
        self._artifacts = ArtifactStore(settings.artifacts_url)

    def __call__(self, request: lipsync_pb2.AssembleOutputRequest) -> lipsync_pb2.AssembleOutputResponse:
        if not request.job_id:
            raise InvalidArgument("job_id", "must not be empty")
        if not request.video.uri or not request.audio.uri:
            raise InvalidArgument("video/audio", "both renders must be given")
        key = f"jobs/{request.job_id}/final.mp4"
        plan_seconds = request.plan.format.frame_count / max(1, request.plan.format.fps)
        if self._artifacts.exists(key):
            return lipsync_pb2.AssembleOutputResponse(
                output=self._artifacts.ref_for(key, "video/mp4"), duration_seconds=plan_seconds
            )
        with (
            self._artifacts.local_copy(request.video.uri) as video,
            self._artifacts.local_copy(request.audio.uri) as audio,
            self._artifacts.writer(key, "video/mp4") as (path, result),
        ):
            seconds = assemble(video, audio, path)
        return lipsync_pb2.AssembleOutputResponse(output=result[0], duration_seconds=seconds)
