"""Prompt service: PromptService.ParsePrompt and the `jobs.submitted` consumer."""

from __future__ import annotations

import grpc

from cinemesh.prompt import safety
from cinemesh.prompt.llm import OpenAICompatiblePlanner, refine
from cinemesh.prompt.planner import plan
from cinemesh.runtime.app import ServiceApp
from cinemesh.runtime.bus import Delivery
from cinemesh.runtime.config import Settings
from cinemesh.runtime.errors import InvalidArgument
from cinemesh.runtime.specs import TIER_NAMES
from cinemesh.runtime.topics import JOBS_SUBMITTED, PLANS_PARSED
from cinemesh.v1 import common_pb2, events_pb2, prompt_pb2, prompt_pb2_grpc


def _tier_name(tier: int) -> str:
    if tier not in TIER_NAMES:
        raise InvalidArgument("tier", "must be TIER_PLUS or TIER_PRO")
    return TIER_NAMES[tier]


def planner_backend(settings: Settings) -> OpenAICompatiblePlanner | None:
    """The configured language-model planner, or None for the rules alone (the default)."""
    if settings.planner_backend != "openai-compatible":
        return None
    return OpenAICompatiblePlanner(
        settings.planner_base_url, settings.planner_model, settings.planner_api_key, settings.planner_timeout_seconds
    )


def plan_with(
    spec: common_pb2.GenerationSpec,
    tier: str,
    seed: int,
    rates: dict[str, int],
    backend: OpenAICompatiblePlanner | None,
) -> common_pb2.ScenePlan:
    """The rules plan (limits, safety, timing), refined by the language-model backend when one is set."""
    scene_plan = plan(spec, tier, seed, rates)
    if backend is not None:
        refine(scene_plan, backend)
    return scene_plan


#: Planned once when the servicer is made, so the parser and the tables are loaded before the first request
#: (loading them takes a fraction of a second on an idle core and many seconds on a busy node).
WARM_UP_PROMPT = "A dog barks at 1 second in a quiet kitchen."


class PromptServicer(prompt_pb2_grpc.PromptServiceServicer):
    def __init__(self, rates: dict[str, int], backend: OpenAICompatiblePlanner | None = None) -> None:
        self._rates = rates
        self._backend = backend
        plan(common_pb2.GenerationSpec(prompt=WARM_UP_PROMPT), "plus", 0, rates)

    def ParsePrompt(
        self, request: prompt_pb2.ParsePromptRequest, context: grpc.ServicerContext
    ) -> prompt_pb2.ParsePromptResponse:
        seed = request.spec.seed if request.spec.HasField("seed") else 0
        scene_plan = plan_with(request.spec, _tier_name(request.tier), seed, self._rates, self._backend)
        return prompt_pb2.ParsePromptResponse(plan=scene_plan)


def main() -> None:
    app = ServiceApp("prompt")
    rates = app.settings.credits_per_second
    backend = planner_backend(app.settings)
    app.host.add_service(
        "cinemesh.v1.PromptService",
        lambda server: prompt_pb2_grpc.add_PromptServiceServicer_to_server(PromptServicer(rates, backend), server),
    )
    runner = app.stage_runner(job_state="parsing")

    def handle(delivery: Delivery) -> None:
        submitted: events_pb2.JobSubmitted = delivery.message  # type: ignore[assignment]

        def work() -> list:
            scene_plan = plan_with(submitted.spec, _tier_name(submitted.tier), submitted.seed, rates, backend)
            # A blocked plan fails here, before any rendering, and the gateway refunds it.
            safety.enforce(scene_plan.safety)
            parsed = events_pb2.PlanParsed(job_id=submitted.job_id, account_id=submitted.account_id, plan=scene_plan)
            return [(PLANS_PARSED, parsed)]

        runner.run(delivery, submitted.spec.duration_seconds or 5.0, work)

    app.consume([JOBS_SUBMITTED], handle, runner)
    app.host.serve_forever()


if __name__ == "__main__":
    main()
