"""The lipsync stage's model: redraws speaking mouths, assembles the deliverable MP4, measures its sync."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from cinemesh.lipsync import sync, visemes
from cinemesh.lipsync.assemble import assemble
from cinemesh.lipsync.mouths import schedule
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import lipsync_pb2


class LipSyncModel:
    """Proto in, proto out; hosted by Ray Serve or called in-process."""

    request_type = lipsync_pb2.AssembleOutputRequest

    def __init__(self, settings: Settings) -> None:
        self._artifacts = ArtifactStore(settings.artifacts_url)
        self._preset = settings.x264_preset

    def __call__(self, request: lipsync_pb2.AssembleOutputRequest) -> lipsync_pb2.AssembleOutputResponse:
        if not request.job_id:
            raise InvalidArgument("job_id", "must not be empty")
        if not request.video.uri or not request.audio.uri:
            raise InvalidArgument("video/audio", "both renders must be given")
        key = f"jobs/{request.job_id}/final.mp4"
        sync_key = f"jobs/{request.job_id}/final.sync.pb"
        plan_seconds = request.plan.format.frame_count / max(1, request.plan.format.fps)
        if self._artifacts.exists(key):
            response = lipsync_pb2.AssembleOutputResponse(
                output=self._artifacts.ref_for(key, "video/mp4"), duration_seconds=plan_seconds
            )
            if self._artifacts.exists(sync_key):
                with self._artifacts.local_copy(self._artifacts.url_for(sync_key)) as path:
                    response.line_sync.extend(
                        lipsync_pb2.AssembleOutputResponse.FromString(path.read_bytes()).line_sync
                    )
            return response
        fps = request.plan.format.fps or 24
        speaking = [(line.character_id, visemes.track(line, fps)) for line in request.timeline.lines]
        mouths = schedule(list(request.face_tracks), speaking)
        with (
            self._artifacts.local_copy(request.video.uri) as video,
            self._artifacts.local_copy(request.audio.uri) as audio,
            self._artifacts.writer(key, "video/mp4") as (path, result),
        ):
            seconds = assemble(video, audio, path, mouths or None, self._preset)
            measured = self._measure(path, request, fps)
        response = lipsync_pb2.AssembleOutputResponse(output=result[0], duration_seconds=seconds, line_sync=measured)
        with self._artifacts.writer(sync_key, "application/protobuf") as (path, _):
            path.write_bytes(lipsync_pb2.AssembleOutputResponse(line_sync=measured).SerializeToString())
        return response

    @staticmethod
    def _measure(path: Path, request: lipsync_pb2.AssembleOutputRequest, fps: int) -> list[lipsync_pb2.LineSync]:
        """Decodes the finished file and measures each line's A/V offset from its pixels and samples."""
        if not request.timeline.lines or not request.face_tracks:
            return []
        wanted = set()
        for line in request.timeline.lines:
            wanted.update(range(max(0, int(line.start_seconds * fps) - 3), int(line.end_seconds * fps) + 4))
        with av.open(str(path)) as container:
            frames = {}
            for index, frame in enumerate(container.decode(video=0)):
                if index in wanted:
                    frames[index] = frame.to_ndarray(format="rgb24")
            count = index + 1
        with av.open(str(path)) as container:
            chunks = [f.to_ndarray() for f in container.decode(audio=0)]
        audio = np.concatenate(chunks, axis=1).mean(axis=0) if chunks else np.zeros(1)
        dense = [frames.get(k, np.zeros((1, 1, 3), np.uint8)) for k in range(count)]
        results = sync.measure(dense, audio, 48_000, fps, request.timeline, list(request.face_tracks))
        with_speaker = [
            line
            for line in request.timeline.lines
            if any(t.character_id == line.character_id for t in request.face_tracks)
        ]
        return [
            lipsync_pb2.LineSync(
                line_index=line.line_index,
                character_id=line.character_id,
                offset_ms=m.offset_ms,
                correlation=m.correlation,
            )
            for line, m in zip(with_speaker, results, strict=True)
        ]
