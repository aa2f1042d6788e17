"""The video stage's model: renders a plan's frames and encodes them (H.264, yuv420p)."""

from __future__ import annotations

from pathlib import Path

import av

from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.v1 import video_pb2
from cinemesh.video.render import frames


def validate_plan(request: video_pb2.RenderVideoRequest) -> None:
    fmt = request.plan.format
    if not request.job_id:
        raise InvalidArgument("job_id", "must not be empty")
    if fmt.width < 16 or fmt.height < 16 or fmt.width % 2 or fmt.height % 2:
        raise InvalidArgument("plan.format", f"{fmt.width}x{fmt.height} is not an even size of at least 16x16")
    if fmt.fps == 0 or fmt.frame_count == 0:
        raise InvalidArgument("plan.format", "fps and frame_count must be positive")
    covered = 0
    for scene in request.plan.scenes:
        if scene.start_frame != covered or scene.end_frame <= scene.start_frame:
            raise InvalidArgument(f"plan.scenes[{scene.index}]", "scenes must cover the frames in order without gaps")
        covered = scene.end_frame
    if covered != fmt.frame_count:
        raise InvalidArgument("plan.scenes", f"cover {covered} frames, the format has {fmt.frame_count}")


class VideoModel:
    """Proto in, proto out; hosted by Ray Serve or called in-process."""

    request_type = video_pb2.RenderVideoRequest

    def __init__(self, settings: Settings) -> None:
        self._artifacts = ArtifactStore(settings.artifacts_url)
        self._preset = settings.x264_preset

    def __call__(self, request: video_pb2.RenderVideoRequest) -> video_pb2.RenderVideoResponse:
        validate_plan(request)
        fmt = request.plan.format
        key = f"jobs/{request.job_id}/video.mp4"
        # A redelivered job whose render already landed is not rendered twice.
        if self._artifacts.exists(key):
            ref = self._artifacts.ref_for(key, "video/mp4")
            return video_pb2.RenderVideoResponse(video=ref, frame_count=fmt.frame_count)
        with self._artifacts.writer(key, "video/mp4") as (path, result):
            count = self._encode(request, path)
        return video_pb2.RenderVideoResponse(video=result[0], frame_count=count)

    def _encode(self, request: video_pb2.RenderVideoRequest, path: Path) -> int:
        fmt = request.plan.format
        count = 0
        with av.open(str(path), "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fmt.fps)
            stream.width, stream.height, stream.pix_fmt = fmt.width, fmt.height, "yuv420p"
            stream.options = {"crf": "16", "preset": self._preset}
            for rgb in frames(request.plan):
                container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
                count += 1
            container.mux(stream.encode(None))
        return count
