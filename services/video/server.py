"""Video service: VideoService.RenderVideo and the `plans.cast` consumer."""

from __future__ import annotations

import grpc

from cinemesh.runtime.app import ServiceApp
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.modelclient import ModelClient
from cinemesh.runtime.topics import PLANS_CAST, RENDERS_VIDEO
from cinemesh.v1 import events_pb2, video_pb2, video_pb2_grpc


class VideoServicer(video_pb2_grpc.VideoServiceServicer):
    def __init__(self, model: ModelClient) -> None:
        self._model = model

    def RenderVideo(
        self, request: video_pb2.RenderVideoRequest, context: grpc.ServicerContext
    ) -> video_pb2.RenderVideoResponse:
        return self._model.call(request)


def main() -> None:
    app = ServiceApp("video")
    from cinemesh.video.model import VideoModel

    model = ModelClient(app.settings, "video", video_pb2.RenderVideoResponse, lambda: VideoModel(app.settings))
    app.host.add_service(
        "cinemesh.v1.VideoService",
        lambda server: video_pb2_grpc.add_VideoServiceServicer_to_server(VideoServicer(model), server),
    )
    runner = app.stage_runner(job_state="rendering")

    def handle(delivery: Delivery) -> None:
        cast: events_pb2.PlanCast = delivery.message  # type: ignore[assignment]

        def work() -> list:
            rendered = model.call(video_pb2.RenderVideoRequest(job_id=cast.job_id, plan=cast.plan, cast=cast.cast))
            event = events_pb2.VideoRendered(
                job_id=cast.job_id,
                video=rendered.video,
                plan=cast.plan,
                face_tracks=rendered.face_tracks,
                events=rendered.events,
            )
            return [(RENDERS_VIDEO, event)]

        runner.run(delivery, cast.plan.duration_seconds, work)

    app.consume([PLANS_CAST], handle, runner)
    app.host.serve_forever()


if __name__ == "__main__":
    main()
