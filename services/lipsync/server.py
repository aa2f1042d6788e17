"""Lipsync service: LipSyncService.AssembleOutput and the join of `renders.video` + `renders.audio`."""

from __future__ import annotations

import grpc

from cinemesh.runtime.app import ServiceApp
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.modelclient import ModelClient
from cinemesh.runtime.topics import JOBS_COMPLETED, RENDERS_AUDIO, RENDERS_VIDEO, base_topic
from cinemesh.v1 import events_pb2, lipsync_pb2, lipsync_pb2_grpc


class LipSyncServicer(lipsync_pb2_grpc.LipSyncServiceServicer):
    def __init__(self, model: ModelClient) -> None:
        self._model = model

    def AssembleOutput(
        self, request: lipsync_pb2.AssembleOutputRequest, context: grpc.ServicerContext
    ) -> lipsync_pb2.AssembleOutputResponse:
        return self._model.call(request)


def main() -> None:
    app = ServiceApp("lipsync")
    from cinemesh.lipsync.model import LipSyncModel

    model = ModelClient(app.settings, "lipsync", lipsync_pb2.AssembleOutputResponse, lambda: LipSyncModel(app.settings))
    app.host.add_service(
        "cinemesh.v1.LipSyncService",
        lambda server: lipsync_pb2_grpc.add_LipSyncServiceServicer_to_server(LipSyncServicer(model), server),
    )
    runner = app.stage_runner(job_state="aligning")

    def handle(delivery: Delivery) -> None:
        part = "video" if base_topic(delivery.topic) == RENDERS_VIDEO else "audio"
        # Either render may arrive first, and both may be redelivered: the job
        # store keeps what has arrived; the second part triggers assembly.
        parts = app.store.add_join_part(delivery.job_id, part, delivery.message.SerializeToString())
        if set(parts) != {"video", "audio"}:
            return
        video = events_pb2.VideoRendered.FromString(parts["video"])
        audio = events_pb2.AudioRendered.FromString(parts["audio"])

        def work() -> list:
            request = lipsync_pb2.AssembleOutputRequest(
                job_id=delivery.job_id,
                plan=video.plan,
                video=video.video,
                audio=audio.audio,
                timeline=audio.timeline,
                face_tracks=video.face_tracks,
                events=video.events,
            )
            assembled = model.call(request)
            completed = events_pb2.JobCompleted(
                job_id=delivery.job_id, output=assembled.output, duration_seconds=assembled.duration_seconds
            )
            return [(JOBS_COMPLETED, completed)]

        runner.run(delivery, video.plan.duration_seconds, work)

    app.consume([RENDERS_VIDEO, RENDERS_AUDIO], handle, runner)
    app.host.serve_forever()


if __name__ == "__main__":
    main()
