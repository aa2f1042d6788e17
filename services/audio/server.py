"""Audio service: AudioService.RenderAudio and the `plans.cast` consumer."""

from __future__ import annotations

import grpc

from cinemesh.runtime.app import ServiceApp
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.modelclient import ModelClient
from cinemesh.runtime.topics import PLANS_CAST, RENDERS_AUDIO
from cinemesh.v1 import audio_pb2, audio_pb2_grpc, events_pb2


class AudioServicer(audio_pb2_grpc.AudioServiceServicer):
    def __init__(self, model: ModelClient) -> None:
        self._model = model

    def RenderAudio(
        self, request: audio_pb2.RenderAudioRequest, context: grpc.ServicerContext
    ) -> audio_pb2.RenderAudioResponse:
        return self._model.call(request)


def main() -> None:
    app = ServiceApp("audio")
    from cinemesh.audio.model import AudioModel

    model = ModelClient(app.settings, "audio", audio_pb2.RenderAudioResponse, lambda: AudioModel(app.settings))
    app.host.add_service(
        "cinemesh.v1.AudioService",
        lambda server: audio_pb2_grpc.add_AudioServiceServicer_to_server(AudioServicer(model), server),
    )
    runner = app.stage_runner(job_state="rendering")

    def handle(delivery: Delivery) -> None:
        cast: events_pb2.PlanCast = delivery.message  # type: ignore[assignment]

        def work() -> list:
            rendered = model.call(audio_pb2.RenderAudioRequest(job_id=cast.job_id, plan=cast.plan, cast=cast.cast))
            event = events_pb2.AudioRendered(
                job_id=cast.job_id,
                audio=rendered.audio,
                sample_rate=rendered.sample_rate,
                sample_count=rendered.sample_count,
                timeline=rendered.timeline,
            )
            return [(RENDERS_AUDIO, event)]

        runner.run(delivery, cast.plan.duration_seconds, work)

    app.consume([PLANS_CAST], handle, runner)
    app.host.serve_forever()


if __name__ == "__main__":
    main()
